//! The Monte Carlo section in headless Chromium: a shared link's scenario simulated in the page,
//! in chunks with a progress bar, giving exactly the figures of the native engine for the same
//! input and seed; a run can be cancelled; bad fields get the domain's messages; the address bar
//! shares the simulation's own fields as well.

use std::time::Duration;

use fantoccini::Locator;
use hourbank_domain::format::{hours, rubles, NBSP};
use hourbank_domain::{
    parse_date, Contract, Hours, MonteCarlo, MonteCarloInput, MonteCarloResult, Profile, Seasonality, Tariff, Vat,
    VatRate,
};
use hourbank_e2e::{start_server, Browser};
use rust_decimal::Decimal;

/// «Старт» from 1 January 2027 with VAT on top: 3 + 12,5 h in the trial, then 20, 7,25, 0, 0 and 30 h.
const SCENARIO: &str = "?start=2027-01-01&h=3,12.5,20,7.25,0,0,30&vat=on_top:22&tariff=start";

fn native(months: u32, paths: u32, seed: u64, profile: Profile) -> MonteCarloResult {
    let start = parse_date("start", "2027-01-01").unwrap();
    let input = MonteCarloInput {
        contract: Contract::new(Tariff::start(), start, None).unwrap(),
        vat: Vat::OnTop(VatRate::GENERAL),
        months,
        paths,
        seed,
        profile,
    };
    MonteCarlo::new(input).unwrap().run()
}

/// `65,77 %`, written here independently of the page's code.
fn percent(share: Decimal) -> String {
    let basis_points = (share * Decimal::from(10_000)).round().to_string();
    let bp: i64 = basis_points.parse().unwrap();
    format!("{},{:02}{NBSP}%", bp / 100, bp % 100)
}

async fn value(browser: &Browser, id: &str) -> String {
    let v = browser.js("return document.getElementById(arguments[0]).value;", vec![id.into()]).await;
    v.as_str().expect("an input").to_string()
}

async fn click(browser: &Browser, id: &str) {
    browser.client.find(Locator::Id(id)).await.expect(id).click().await.expect("click");
}

async fn wait_for(browser: &Browser, id: &str) {
    browser.client.wait().at_most(Duration::from_secs(120)).for_element(Locator::Id(id)).await.expect(id);
}

/// Records in the page whether the progress bar was ever shown (a run may be quicker than a poll).
async fn watch_progress(browser: &Browser) {
    browser
        .js(
            "window.sawProgress = false;
             new MutationObserver(() => {
               const p = document.getElementById('sim-progress');
               if (p && p.getAttribute('aria-valuemax') && p.closest('[aria-live]')) window.sawProgress = true;
             }).observe(document.body, { childList: true, subtree: true, attributes: true });",
            vec![],
        )
        .await;
}

async fn assert_figures(browser: &Browser, r: &MonteCarloResult) {
    let d = &r.total_with_vat;
    assert_eq!(browser.text("#mc-p10").await, rubles(d.p10));
    assert_eq!(browser.text("#mc-p50").await, rubles(d.p50));
    assert_eq!(browser.text("#mc-p90").await, rubles(d.p90));
    assert_eq!(browser.text("#mc-mean").await, rubles(d.mean));
    assert_eq!(browser.text("#mc-overage").await, percent(r.overage_month_chance));
    assert_eq!(browser.text("#mc-forfeited").await, hours(r.expected_forfeited_hours));
    assert_eq!(browser.text("#mc-rate").await, rubles(r.effective_rate.expect("hours drawn")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_simulates_a_shared_scenario_with_the_native_figures() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open_until(&format!("{base}/simulate/{SCENARIO}"), "sim-run").await;

    // Defaults from the months entered: mean 72,75 / 7 = 10,39 h, sample spread 11,27 h.
    assert_eq!(value(&browser, "sim-mean").await, "10,39");
    assert_eq!(value(&browser, "sim-spread").await, "11,27");
    assert_eq!(value(&browser, "sim-paths").await, "10000");
    assert_eq!(value(&browser, "sim-months").await, "12");
    assert_eq!(value(&browser, "sim-seed").await, "1");

    // Bad fields: the domain's messages next to them, and no run.
    browser.set_value("sim-paths", "abc").await;
    browser.set_value("sim-months", "121").await;
    browser.set_value("sim-spread", "-1").await;
    assert_eq!(browser.text("#sim-paths-error").await, "не число: «abc»");
    assert_eq!(browser.text("#sim-months-error").await, "не больше 120");
    assert_eq!(browser.text("#sim-spread-error").await, "не может быть отрицательным");
    let disabled = browser.js("return document.getElementById('sim-run').disabled;", vec![]).await;
    assert_eq!(disabled, true, "a run with bad fields");
    browser.set_value("sim-paths", "10000").await;
    browser.set_value("sim-spread", "11,27").await;

    // 10 000 paths × 36 months, seed 1: the progress bar shows, then the native figures.
    browser.set_value("sim-months", "36").await;
    assert_eq!(browser.text("#sim-months-error").await, "");
    watch_progress(&browser).await;
    click(&browser, "sim-run").await;
    wait_for(&browser, "sim-result").await;
    assert_eq!(browser.js("return window.sawProgress;", vec![]).await, true, "no progress bar was shown");
    let expected = native(
        36,
        10_000,
        1,
        Profile::Normal {
            mean: Hours::from_centi(1039),
            spread: Hours::from_centi(1127),
            seasonality: Seasonality::FLAT,
        },
    );
    assert_figures(&browser, &expected).await;
    assert!(browser.text("#mc-p50").await.contains('₽'));
    let svg = browser.js("return document.querySelectorAll('#sim-result svg rect').length;", vec![]).await;
    assert_eq!(svg, 20, "a bar per bin");
    let label =
        browser.js("return document.querySelector('#sim-result svg').getAttribute('aria-label');", vec![]).await;
    assert!(label.as_str().unwrap().contains("10\u{a0}000 сценариев"), "{label}");
    // The page speaks of scenarios and run numbers, not of a generator's seed.
    let words = browser.text(".simulation").await.to_lowercase();
    assert!(!words.contains("зерн") && !words.contains("вариант"), "{words}");
    let elapsed = browser.js("return document.getElementById('sim-result').dataset.elapsedMs;", vec![]).await;
    println!("browser timing: Monte Carlo 10 000 paths × 36 months in the page took {} ms", elapsed.as_str().unwrap());
    browser.js("document.getElementById('sim-result').scrollIntoView();", vec![]).await;
    browser.screenshot("montecarlo").await;

    // Changing a field clears the result (it belongs to its inputs).
    browser.set_value("sim-seed", "7").await;
    assert!(browser.client.find(Locator::Id("sim-result")).await.is_err());

    // A long run can be cancelled while its progress bar shows.
    browser.set_value("sim-paths", "1000000").await;
    browser.set_value("sim-months", "120").await;
    click(&browser, "sim-run").await;
    wait_for(&browser, "sim-progress").await;
    click(&browser, "sim-cancel").await;
    assert_eq!(browser.text("#sim-status").await, "Моделирование отменено.");
    assert!(browser.client.find(Locator::Id("sim-progress")).await.is_err());

    // Resampling the months entered, seed 7.
    click(&browser, "sim-profile-resample").await;
    browser.set_value("sim-paths", "3000").await;
    browser.set_value("sim-months", "12").await;
    click(&browser, "sim-run").await;
    wait_for(&browser, "sim-result").await;
    let history = [300, 1250, 2000, 725, 0, 0, 3000].map(Hours::from_centi).to_vec();
    let resampled = native(12, 3_000, 7, Profile::Resample(history));
    assert_figures(&browser, &resampled).await;

    // The address bar holds the simulation too: the link, opened afresh, shows these fields and
    // gives these figures.
    let href = browser.js("return location.href;", vec![]).await.as_str().unwrap().to_string();
    assert!(href.contains("&mc=resample:"), "{href}");
    browser.open_until(&href, "sim-run").await;
    assert_eq!(value(&browser, "sim-paths").await, "3000");
    assert_eq!(value(&browser, "sim-months").await, "12");
    assert_eq!(value(&browser, "sim-seed").await, "7");
    let resample = browser.js("return document.getElementById('sim-profile-resample').checked;", vec![]).await;
    assert_eq!(resample, true, "{href}");
    click(&browser, "sim-run").await;
    wait_for(&browser, "sim-result").await;
    assert_figures(&browser, &resampled).await;
    browser.close().await;
}
