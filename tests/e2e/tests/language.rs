//! The language switch in headless Chromium: the calculator in English after one click, still
//! English after a reload and on the other pages (remembered in the browser), Russian again after
//! another click; the figures stay the same.

use std::time::Duration;

use fantoccini::Locator;
use hourbank_e2e::{start_server, Browser};

const NBSP: char = '\u{a0}';
const SCENARIO: &str = "?start=2027-01-01&h=3,12.5,20,7.25,0,0,30&tariff=start";

async fn switch(browser: &Browser, expect_h1: &str) {
    browser.client.find(Locator::Id("lang-switch")).await.expect("the switch").click().await.expect("click");
    // The switch reloads the page in the other language (and its wasm: up to 30 s on a busy machine).
    for _ in 0..300 {
        let h1 = browser.js("const h = document.querySelector('h1'); return h ? h.textContent : '';", vec![]).await;
        if h1 == expect_h1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed «{expect_h1}»");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_switch_is_remembered_across_reloads_and_pages() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open(&format!("{base}/{SCENARIO}")).await;
    assert_eq!(browser.text("#lang-switch").await, "English");
    assert_eq!(browser.js("return document.documentElement.lang;", vec![]).await, "ru");
    assert_eq!(browser.js("return document.title;", vec![]).await, "hourbank — калькулятор тарифа «Старт»");

    switch(&browser, "The «Старт» tariff").await;
    assert_eq!(browser.js("return document.documentElement.lang;", vec![]).await, "en");
    assert_eq!(browser.js("return document.title;", vec![]).await, "hourbank — the «Старт» tariff calculator");
    assert_eq!(browser.text("#lang-switch").await, "Русский");
    assert_eq!(browser.text("#summary-total").await, format!("171{NBSP}000,00{NBSP}₽"));
    assert_eq!(browser.text("label[for='start']").await, "Contract start date");
    let march = browser.text("tr[data-period='2027-03']").await;
    assert!(march.starts_with("March 2027subscription20\u{a0}h"), "{march}");
    assert!(
        march.contains(&format!("10{NBSP}h included, 10{NBSP}h over the tariff × 2{NBSP}000,00{NBSP}₽")),
        "{march}"
    );
    assert!(browser.text("#cost-chart").await.contains("hours at the rate"));
    browser.set_value("hours-5", "-4").await;
    assert_eq!(browser.text("#hours-5-error").await, "must not be negative");

    // Remembered: a reload and another page open in English.
    browser.open(&format!("{base}/{SCENARIO}")).await;
    assert_eq!(browser.text("h1").await, "The «Старт» tariff");
    assert_eq!(browser.text("#nav-compare .label-full").await, "Compare tariffs");
    browser.open_until(&format!("{base}/demo/{SCENARIO}"), "slide-title").await;
    assert_eq!(browser.js("return document.documentElement.lang;", vec![]).await, "en");
    assert_eq!(browser.text("#lang-switch").await, "Русский");
    assert_eq!(browser.text("#slide-title").await, "The first 2 months without a fee! Only closed tasks are paid");
    assert_eq!(browser.text("#slide-counter").await, "Slide 1 of 6");
    assert_eq!(browser.js("return document.title;", vec![]).await, "hourbank — the «Старт» tariff, a demo");
    // 72,75 h × 2 000 = 145 500 by the hour against 171 000 on «Старт».
    browser.open_until(&format!("{base}/compare/{SCENARIO}&market=2000"), "compare-verdict").await;
    assert_eq!(
        browser.text("#compare-verdict").await,
        format!(
            "The cheapest is One-off work (2{NBSP}000,00{NBSP}₽ an hour): 145{NBSP}500,00{NBSP}₽, \
             25{NBSP}500,00{NBSP}₽ less than the next option."
        )
    );
    assert!(browser.text("#scenario-line").await.starts_with("Scenario: «Старт», from 2027-01, 7 months"));

    browser.open(&format!("{base}/{SCENARIO}")).await;
    switch(&browser, "Тариф «Старт»").await;
    assert_eq!(browser.text("label[for='start']").await, "Дата начала договора");
    assert_eq!(browser.js("return document.title;", vec![]).await, "hourbank — калькулятор тарифа «Старт»");
    assert_eq!(browser.js("return localStorage.getItem('hourbank.lang');", vec![]).await, "ru");
    browser.close().await;
}
