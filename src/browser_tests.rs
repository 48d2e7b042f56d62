//! Tests that run in headless Chromium (`wasm-bindgen-test`): the domain compiled to wasm32 and
//! the calculator rendered in a real DOM.

use hourbank_domain::montecarlo::golden;
use hourbank_domain::MonteCarlo;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::calculator::{CalculatorForm, Outcome};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn monte_carlo_gives_the_native_figures_in_the_browser() {
    let result = MonteCarlo::new(golden::input()).unwrap().run();
    assert_eq!(golden::summary(&result), golden::EXPECTED);
}

#[wasm_bindgen_test]
fn the_form_validates_with_the_domains_messages() {
    let mut form = CalculatorForm::new(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    form.hours[0] = "3".into();
    form.hours[3] = "-1".into();
    let Outcome::Invalid(errors) = form.evaluate() else { panic!("negative hours accepted") };
    assert_eq!(errors[0].to_string(), "months[3]: must not be negative");
    assert_eq!(errors[0].problem.ru(), "не может быть отрицательным");
    form.hours[3] = "12,5".into();
    let Outcome::Statement(st) = form.evaluate() else { panic!("valid form refused") };
    assert_eq!(st.months.len(), 12);
    assert_eq!(st.months[0].total.to_string(), "6000.00");
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

#[wasm_bindgen_test]
fn the_calculator_renders_the_statement() {
    let _handle = leptos::mount::mount_to_body(crate::App);
    set_input("start", "2027-01-01");
    // Trial 3 h + 12.5 h; March 20 h with an empty reserve → 10 h over.
    set_input("hours-0", "3");
    set_input("hours-1", "12,5");
    set_input("hours-2", "20");
    // 6 000 + 25 000 + 40 000 + 9 months × 20 000 = 251 000
    assert_eq!(text_of("summary-total"), "251\u{a0}000,00\u{a0}₽");
    assert_eq!(text_of("summary-hours"), "35,5\u{a0}ч");
    set_input("hours-4", "abc");
    assert!(text_of("hours-4-error").contains("не число"), "{}", text_of("hours-4-error"));
    assert_eq!(text_of("summary-total"), "");
}
