//! The trial demo in headless Chromium: reached from the calculator with the scenario in its
//! link, one slide at a time with the scenario's figures, moved through with the keyboard.

use fantoccini::key::Key;
use fantoccini::Locator;
use hourbank_e2e::{start_server, Browser};

const NBSP: char = '\u{a0}';

/// «Старт» from January 2027: 3 + 12,5 h in the trial, then 20, 7,25, 0, 0 and 30 h.
const SCENARIO: &str = "?start=2027-01-01&h=3,12.5,20,7.25,0,0,30&tariff=start";

async fn press(browser: &Browser, key: Key) {
    let body = browser.client.find(Locator::Css("body")).await.expect("body");
    body.send_keys(&key.to_string()).await.expect("key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_presenter_walks_through_the_offer_with_the_scenarios_figures() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open(&format!("{base}/{SCENARIO}")).await;
    // The calculator links to the demo with the scenario; following it keeps the numbers.
    let href = browser.js("return document.getElementById('nav-demo').getAttribute('href');", vec![]).await;
    assert_eq!(href, format!("/demo/{SCENARIO}"));
    browser.client.find(Locator::Id("nav-demo")).await.unwrap().click().await.unwrap();
    browser.client.wait().for_element(Locator::Id("slide-title")).await.expect("the demo renders");

    assert_eq!(
        browser.text("#slide-title").await,
        "Первые 2 месяца — без абонентской платы! Оплата только за закрытые задачи"
    );
    assert!(browser
        .text("#slide")
        .await
        .contains(&format!("январь 2027: 3{NBSP}ч × 2{NBSP}000,00{NBSP}₽ = 6{NBSP}000,00{NBSP}₽")));
    assert_eq!(browser.text("#slide-counter").await, "Слайд 1 из 6");
    let size = browser
        .js("return parseFloat(getComputedStyle(document.getElementById('slide-title')).fontSize);", vec![])
        .await;
    assert!(size.as_f64().unwrap() >= 28.0, "large type: {size}");

    press(&browser, Key::Right).await;
    assert_eq!(browser.text("#slide-counter").await, "Слайд 2 из 6");
    assert!(browser
        .text("#slide-title")
        .await
        .starts_with(&format!("Абонентская плата — 20{NBSP}000,00{NBSP}₽ в месяц")));
    press(&browser, Key::PageDown).await;
    assert_eq!(browser.text("#slide-title").await, format!("Не выработанные часы копятся в резерве — до 10{NBSP}ч"));
    assert!(browser.text("#slide").await.contains(&format!("Сверх лимита резерва сгорело: 12,75{NBSP}ч")));
    press(&browser, Key::PageDown).await;
    assert_eq!(
        browser.text("#slide-title").await,
        format!("До 20{NBSP}ч в месяц без доплаты (10{NBSP}ч резерв + 10{NBSP}ч по тарифу)")
    );
    press(&browser, Key::End).await;
    assert_eq!(browser.text("#slide-counter").await, "Слайд 6 из 6");
    assert!(browser.text("#slide").await.contains(&format!("Итого за 7 месяцев: 171{NBSP}000,00{NBSP}₽")));
    // The last slide ends with the next step: the same scenario in the calculator, a request to the
    // company that carries it, or the portal.
    let next = browser.js("return document.getElementById('demo-calculate').getAttribute('href');", vec![]).await;
    assert!(next.as_str().unwrap().starts_with("/?start="), "{next}");
    let contact = browser.js("return document.getElementById('demo-contact').getAttribute('href');", vec![]).await;
    assert_eq!(contact, format!("/contact{SCENARIO}"));
    assert_eq!(browser.text("#demo-contact").await, "Оставить заявку");
    assert_eq!(browser.text("#demo-portal").await, "Уже клиент? Войти в портал");
    press(&browser, Key::Right).await;
    assert_eq!(browser.text("#slide-counter").await, "Слайд 6 из 6", "past the last slide");
    press(&browser, Key::PageUp).await;
    assert_eq!(browser.text("#slide-counter").await, "Слайд 5 из 6");
    assert!(browser
        .text("#slide")
        .await
        .contains(&format!("Часов сверх тарифа за период: 20{NBSP}ч — 40{NBSP}000,00{NBSP}₽")));
    press(&browser, Key::Home).await;
    assert_eq!(browser.text("#slide-counter").await, "Слайд 1 из 6");
    press(&browser, Key::Left).await;
    assert_eq!(browser.text("#slide-counter").await, "Слайд 1 из 6", "before the first slide");
    // The buttons do the same.
    browser.client.find(Locator::Id("slide-next")).await.unwrap().click().await.unwrap();
    assert_eq!(browser.text("#slide-counter").await, "Слайд 2 из 6");
    browser.screenshot("demo").await;
    // On a phone the controls keep one row: back, the counter, next.
    for width in [390, 360] {
        browser.client.set_window_size(width, 844).await.expect("window");
        let tops = browser
            .js(
                "return ['slide-prev', 'slide-counter', 'slide-next'].map(id => \
                   Math.round(document.getElementById(id).getBoundingClientRect().top));",
                vec![],
            )
            .await;
        let tops = tops.as_array().unwrap();
        assert!(
            tops.iter().all(|t| (t.as_i64().unwrap() - tops[0].as_i64().unwrap()).abs() <= 12),
            "{width} px: {tops:?}"
        );
    }

    // A link with a bad scenario says so instead of showing slides.
    browser.open_until(&format!("{base}/demo/?start=2027-01-01&h=-3"), "scenario-line").await;
    assert!(browser.text("#scenario-line").await.contains("есть ошибки"));
    let slides = browser.js("return document.getElementById('slide') !== null;", vec![]).await;
    assert_eq!(slides, false, "slides from a bad scenario");
    browser.close().await;
}
