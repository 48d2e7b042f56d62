//! The first calculator page in headless Chromium, served by the real server.

use std::time::Duration;

use fantoccini::Locator;
use hourbank_e2e::{start_server, Browser};

/// Sets an input's value the way typing would (a date input's typing is locale-specific).
async fn set_value(browser: &Browser, id: &str, value: &str) {
    browser
        .client
        .execute(
            "const el = document.getElementById(arguments[0]); el.value = arguments[1];
             el.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![id.into(), value.into()],
        )
        .await
        .expect("set value");
}

/// The element's `textContent`: unlike WebDriver's visible text it keeps non-breaking spaces,
/// which the Russian number format relies on.
async fn text(browser: &Browser, css: &str) -> String {
    let value = browser
        .client
        .execute(
            "const el = document.querySelector(arguments[0]); return el ? el.textContent : null;",
            vec![css.into()],
        )
        .await
        .expect("script");
    value.as_str().unwrap_or_else(|| panic!("no element {css}")).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hours_typed_into_the_page_give_the_statement() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.client.goto(&base).await.expect("open page");
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Id("hours-0"))
        .await
        .expect("the calculator renders (wasm loaded)");
    assert_eq!(text(&browser, "h1").await, "Тариф «Старт»");

    set_value(&browser, "start", "2027-01-01").await;
    // Type like a person: the Russian decimal comma, in real key events.
    for (id, keys) in [("hours-0", "3"), ("hours-1", "12,5"), ("hours-2", "20"), ("hours-3", "7,25")] {
        browser.client.find(Locator::Id(id)).await.expect(id).send_keys(keys).await.expect("type");
    }
    // 6 000 + 25 000 (trial) + 40 000 (March: 10 h over, reserve empty) + 20 000 (April)
    // + 8 × 20 000 = 251 000
    assert_eq!(text(&browser, "#summary-total").await, "251\u{a0}000,00\u{a0}₽");
    assert_eq!(text(&browser, "#summary-hours").await, "42,75\u{a0}ч");
    let march = text(&browser, "tr[data-period='2027-03']").await;
    assert!(march.contains("10\u{a0}ч сверх тарифа × 2\u{a0}000,00\u{a0}₽"), "{march}");
    assert!(march.contains("40\u{a0}000,00\u{a0}₽"), "{march}");
    browser.screenshot("calculator").await;

    // Bad input: the domain's message next to the field, and no statement.
    browser.client.find(Locator::Id("hours-5")).await.unwrap().send_keys("-4").await.unwrap();
    assert_eq!(text(&browser, "#hours-5-error").await, "не может быть отрицательным");
    assert!(browser.client.find(Locator::Id("summary-total")).await.is_err());
    browser.close().await;
}
