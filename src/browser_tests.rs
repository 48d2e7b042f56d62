//! Tests that run in headless Chromium (`wasm-bindgen-test`): the domain compiled to wasm32 and
//! the calculator rendered in a real DOM.

use hourbank_domain::montecarlo::golden;
use hourbank_domain::MonteCarlo;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn monte_carlo_gives_the_native_figures_in_the_browser() {
    let result = MonteCarlo::new(golden::input()).unwrap().run();
    assert_eq!(golden::summary(&result), golden::EXPECTED);
}

fn set_input(id: &str, value: &str) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let input: web_sys::HtmlInputElement = doc.get_element_by_id(id).unwrap().dyn_into().unwrap();
    input.set_value(value);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
}

fn text_of(id: &str) -> String {
    let doc = web_sys::window().unwrap().document().unwrap();
    doc.get_element_by_id(id).map(|e| e.text_content().unwrap_or_default()).unwrap_or_default()
}

/// Mounts the app on a page without a scenario in its address (an earlier test's scenario would
/// otherwise be read back), and waits for the page's last part, which renders in a later task
/// than the first; the app is unmounted when the handle is dropped.
async fn mount() -> impl Sized {
    let window = web_sys::window().unwrap();
    let path = window.location().pathname().unwrap();
    window.history().unwrap().replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path)).unwrap();
    let app = leptos::mount::mount_to(leptos::prelude::document().body().unwrap(), crate::App);
    for _ in 0..200 {
        if window.document().unwrap().get_element_by_id("share-link").is_some() {
            return app;
        }
        let later = js_sys::Promise::new(&mut |resolve, _| {
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10).unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(later).await.unwrap();
    }
    panic!("the calculator's last part did not render within 2 s");
}

/// Sets an input as typing would, then lets the reactive system update the DOM.
async fn type_into(id: &str, value: &str) {
    set_input(id, value);
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn the_calculator_renders_the_statement() {
    let _app = mount().await;
    type_into("start", "2027-01-01").await;
    // Trial 3 h + 12.5 h; March 20 h with an empty reserve → 10 h over.
    type_into("hours-0", "3").await;
    type_into("hours-1", "12,5").await;
    type_into("hours-2", "20").await;
    // The other nine months keep the first view's 10 h, each within the fee:
    // 6 000 + 25 000 + 40 000 + 9 months × 20 000 = 251 000, and 35,5 + 90 = 125,5 h.
    assert_eq!(text_of("summary-total"), "251\u{a0}000,00\u{a0}₽");
    assert_eq!(text_of("summary-hours"), "125,5\u{a0}ч");
    type_into("hours-4", "abc").await;
    assert!(text_of("hours-4-error").contains("не число"), "{}", text_of("hours-4-error"));
    assert_eq!(text_of("summary-total"), "");
}

fn click(id: &str) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el: web_sys::HtmlElement = doc.get_element_by_id(id).unwrap().dyn_into().unwrap();
    el.click();
}

#[wasm_bindgen_test]
async fn fill_patterns_and_vat_in_a_real_dom() {
    let _app = mount().await;
    type_into("start", "2027-01-01").await;
    // The default pattern: 10 h a month, 20 h in March, June, September and December.
    click("fill-peaks");
    leptos::task::tick().await;
    // Trial 2 × 20 000; four peak months 40 000 (10 h over, the reserve empty); six at 20 000.
    assert_eq!(text_of("summary-total"), "320\u{a0}000,00\u{a0}₽");
    assert_eq!(text_of("summary-hours"), "160\u{a0}ч");
    type_into("fill-base", "-1").await;
    click("fill-same");
    leptos::task::tick().await;
    assert_eq!(text_of("fill-base-error"), "не может быть отрицательным");
    type_into("fill-base", "0").await;
    click("fill-same");
    leptos::task::tick().await;
    assert_eq!(text_of("summary-total"), "200\u{a0}000,00\u{a0}₽");
    // A custom tariff: its fields validate through the domain.
    click("tariff-custom");
    leptos::task::tick().await;
    type_into("tariff-monthly_fee", "45000").await;
    assert_eq!(text_of("summary-total"), "450\u{a0}000,00\u{a0}₽");
    type_into("tariff-trial_months", "2,5").await;
    assert_eq!(text_of("tariff-trial_months-error"), "должно быть целым числом");
    assert_eq!(text_of("summary-total"), "");
}

/// A benchmark, not a test: prints the kernel's own time for 10 000 paths × 36 months in this
/// browser. `./dev bench` runs it (optimised, `--ignored`); figures are never asserted in tests.
#[wasm_bindgen_test]
#[ignore = "benchmark: run by ./dev bench"]
fn monte_carlo_kernel_timing() {
    let mut input = golden::input();
    input.months = 36;
    let mc = MonteCarlo::new(input).unwrap();
    let performance = web_sys::window().unwrap().performance().unwrap();
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let began = performance.now();
            let result = mc.run();
            assert_eq!(result.paths, 10_000);
            performance.now() - began
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    wasm_bindgen_test::console_log!(
        "monte carlo kernel in the browser: 10 000 paths x 36 months, median of 5: {:.1} ms",
        runs[2]
    );
}
