//! The first calculator page in headless Chromium, served by the real server.

use fantoccini::Locator;
use hourbank_e2e::{start_server, Browser};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hours_typed_into_the_page_give_the_statement() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open(&base).await;
    assert_eq!(browser.text("h1").await, "Тариф «Старт»");

    browser.set_value("start", "2027-01-01").await;
    // Type like a person: the Russian decimal comma, in real key events.
    for (id, keys) in [("hours-0", "3"), ("hours-1", "12,5"), ("hours-2", "20"), ("hours-3", "7,25")] {
        browser.client.find(Locator::Id(id)).await.expect(id).send_keys(keys).await.expect("type");
    }
    // 6 000 + 25 000 (trial) + 40 000 (March: 10 h over, reserve empty) + 20 000 (April)
    // + 8 × 20 000 = 251 000
    assert_eq!(browser.text("#summary-total").await, "251\u{a0}000,00\u{a0}₽");
    assert_eq!(browser.text("#summary-hours").await, "42,75\u{a0}ч");
    let march = browser.text("tr[data-period='2027-03']").await;
    assert!(march.contains("10\u{a0}ч сверх тарифа × 2\u{a0}000,00\u{a0}₽"), "{march}");
    assert!(march.contains("40\u{a0}000,00\u{a0}₽"), "{march}");
    browser.screenshot("calculator").await;

    // Bad input: the domain's message next to the field, and no statement.
    browser.client.find(Locator::Id("hours-5")).await.unwrap().send_keys("-4").await.unwrap();
    assert_eq!(browser.text("#hours-5-error").await, "не может быть отрицательным");
    assert!(browser.client.find(Locator::Id("summary-total")).await.is_err());
    browser.close().await;
}
