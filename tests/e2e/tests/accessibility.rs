//! axe-core (npm, injected by the harness) over every page and view of the calculator: no
//! violations of any rule axe runs by default (WCAG A/AA and best practices).

use std::time::Duration;

use fantoccini::Locator;
use hourbank_e2e::{start_server, Browser};

const SCENARIO: &str = "?start=2027-01-01&h=3,12.5,20,7.25,0,0,30&vat=on_top:22&tariff=start";

async fn click(browser: &Browser, id: &str) {
    browser.client.find(Locator::Id(id)).await.expect(id).click().await.expect("click");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_calculator_page_and_view_has_no_axe_violations() {
    let base = start_server().await;
    let browser = Browser::start().await;

    browser.open(&format!("{base}/{SCENARIO}")).await;
    browser.assert_no_axe_violations("the calculator with a statement and charts").await;
    click(&browser, "tariff-custom").await;
    browser.set_value("tariff-monthly_fee", "-1").await;
    browser.set_value("hours-2", "abc").await;
    browser.assert_no_axe_violations("the calculator with a custom tariff and field errors").await;

    browser.open_until(&format!("{base}/compare/{SCENARIO}&alt=45000:25:1800:20:1:1800"), "compare-verdict").await;
    browser.set_value("history", "2026-01;2\n2026-02;2\n2026-03;2").await;
    browser.client.wait().for_element(Locator::Id("replay-verdict")).await.expect("a verdict");
    browser.assert_no_axe_violations("the comparison with an added tariff and a history").await;
    browser.set_value("history", "2026-01;2\nabc;1").await;
    browser.assert_no_axe_violations("the comparison with a bad history line").await;

    browser.open_until(&format!("{base}/simulate/{SCENARIO}"), "sim-run").await;
    browser.set_value("sim-paths", "2000").await;
    click(&browser, "sim-run").await;
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Id("sim-result"))
        .await
        .expect("a result");
    browser.assert_no_axe_violations("the simulation with a result").await;

    browser.open_until(&format!("{base}/demo/{SCENARIO}"), "slide-title").await;
    browser.assert_no_axe_violations("the trial demo").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_360_px_phone_without_sideways_scrolling() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.client.set_window_size(360, 800).await.expect("narrow window");
    for (path, ready) in
        [("/", "hours-0"), ("/compare/", "compare-verdict"), ("/simulate/", "sim-run"), ("/demo/", "slide-title")]
    {
        browser.open_until(&format!("{base}{path}{SCENARIO}&alt=45000:25:1800:20:1:1800"), ready).await;
        let widths = browser.js("return [window.innerWidth, document.documentElement.scrollWidth];", vec![]).await;
        let (inner, scroll) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
        assert!(inner <= 360, "the window is {inner} px wide");
        assert!(scroll <= inner, "{path} is {scroll} px wide in a {inner} px window");
    }
    browser.close().await;
}
