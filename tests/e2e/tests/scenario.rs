//! The calculator's scenario in headless Chromium, served by the real server: a shared link
//! reproduces a statement, VAT on top changes the totals, the CSV holds the same figures, and
//! scenarios saved in the browser survive a reload (a damaged one is reported, not fatal).

use std::time::Duration;

use fantoccini::Locator;
use hourbank_e2e::{start_server, Browser};

async fn exists(browser: &Browser, css: &str) -> bool {
    browser.js("return document.querySelector(arguments[0]) !== null;", vec![css.into()]).await == true
}

async fn input_value(browser: &Browser, id: &str) -> String {
    let v = browser.js("return document.getElementById(arguments[0]).value;", vec![id.into()]).await;
    v.as_str().expect("an input").to_string()
}

/// Chooses an option of a `<select>` as a person would (a `change` event).
async fn choose(browser: &Browser, id: &str, value: &str) {
    browser
        .js(
            "const el = document.getElementById(arguments[0]); el.value = arguments[1];
             el.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![id.into(), value.into()],
        )
        .await;
}

async fn click(browser: &Browser, id: &str) {
    browser.client.find(Locator::Id(id)).await.expect(id).click().await.expect("click");
}

async fn search(browser: &Browser) -> String {
    browser.js("return window.location.search;", vec![]).await.as_str().unwrap().to_string()
}

const NBSP: char = '\u{a0}';

/// `171 000,00 ₽` with the non-breaking spaces the page uses.
fn rub(text: &str) -> String {
    format!("{}{NBSP}₽", text.replace(' ', &NBSP.to_string()))
}

/// «Старт» from 1 January 2027: 3 + 12,5 h in the trial, then 20, 7,25, 0, 0 and 30 h.
const SCENARIO: &str = "?start=2027-01-01&h=3,12.5,20,7.25,0,0,30&tariff=start";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_link_reproduces_the_statement_and_bad_values_show_field_errors() {
    let base = start_server().await;
    let browser = Browser::start().await;

    browser.open(&format!("{base}/{SCENARIO}")).await;
    // 6 000 + 25 000 + 40 000 (10 h over) + 20 000 (2,75 h to the reserve) + 20 000 + 20 000
    // + 40 000 (10 included, 10 reserve, 10 over) = 171 000
    assert_eq!(browser.text("#summary-total").await, rub("171 000,00"));
    assert_eq!(browser.text("#summary-hours").await, format!("72,75{NBSP}ч"));
    assert_eq!(browser.text("#summary-rate").await, rub("2 350,52"));
    assert!(!exists(&browser, "#summary-vat").await, "no VAT columns without VAT");
    assert_eq!(input_value(&browser, "count").await, "7");
    assert_eq!(input_value(&browser, "hours-1").await, "12.5");
    let trial = browser.text("tr[data-period='2027-02']").await;
    assert!(trial.contains(&format!("пробный месяц: 12,5{NBSP}ч × 2{NBSP}000,00{NBSP}₽")), "{trial}");
    let may = browser.text("tr[data-period='2027-05']").await;
    assert!(may.contains(&format!("сгорело сверх лимита резерва: 2,75{NBSP}ч")), "{may}");
    // The address bar and the visible link hold the scenario.
    assert_eq!(search(&browser).await, SCENARIO);
    assert_eq!(browser.text("#share-link").await, format!("{base}/{SCENARIO}"));
    // The copy button puts the link on the clipboard and says so.
    let copied = browser.clipboard_after_click("#copy-link").await;
    assert_eq!(copied, format!("{base}/{SCENARIO}"));

    // Editing keeps the link current (typed «05» is the number 5).
    browser.client.find(Locator::Id("hours-4")).await.unwrap().send_keys("5").await.unwrap();
    assert_eq!(search(&browser).await, "?start=2027-01-01&h=3,12.5,20,7.25,5,0,30&tariff=start");

    // A custom tariff with an end date: April closes the contract and forfeits the reserve.
    browser.open(
        &format!(
            "{base}/?start=2027-01-01&end=2027-04-30&h=0,0,0,30&tariff=custom&fee=45000&incl=10&over=2500&cap=10&trial=2&trate=2000"
        ),
    )
    .await;
    assert_eq!(browser.text("h1").await, "Свой тариф");
    assert_eq!(input_value(&browser, "tariff-monthly_fee").await, "45000");
    // March 45 000 (10 h to the reserve); April 45 000 + 10 h × 2 500 = 70 000.
    assert_eq!(browser.text("#summary-total").await, rub("115 000,00"));
    let april = browser.text("tr[data-period='2027-04']").await;
    assert!(april.contains("договор закрыт"), "{april}");
    browser.screenshot("scenario-link").await;

    // Bad values in a link: the domain's message next to each field, and no statement.
    browser.open(&format!("{base}/?start=2027-02-30&h=3,-1,abc&vat=half&tariff=custom&fee=abc&trial=1.5")).await;
    assert!(browser.text("#start-error").await.starts_with("неверная дата"));
    assert_eq!(browser.text("#hours-1-error").await, "не может быть отрицательным");
    assert_eq!(browser.text("#hours-2-error").await, "не число: «abc»");
    assert!(browser.text("#vat-mode-error").await.contains("«half»"));
    assert_eq!(browser.text("#tariff-monthly_fee-error").await, "не число: «abc»");
    assert_eq!(browser.text("#tariff-trial_months-error").await, "должно быть целым числом");
    assert!(!exists(&browser, "#summary-total").await, "bad input computed");
    assert!(browser.text(".statement .invalid").await.contains("Исправьте"));

    // At 360 px the page does not scroll sideways (the statement table scrolls in its own box).
    browser.client.set_window_size(360, 800).await.expect("narrow window");
    browser.open(&format!("{base}/{SCENARIO}&vat=on_top:22")).await;
    let widths = browser.js("return [window.innerWidth, document.documentElement.scrollWidth];", vec![]).await;
    let (inner, scroll) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
    assert!(inner <= 360, "the window is {inner} px wide");
    assert!(scroll <= inner, "the page is {scroll} px wide in a {inner} px window");
    browser.screenshot("scenario-360").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vat_on_top_changes_the_totals_and_the_csv_holds_them() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open(&format!("{base}/{SCENARIO}")).await;
    assert_eq!(browser.text("#summary-total").await, rub("171 000,00"));

    choose(&browser, "vat-mode", "on_top").await;
    assert_eq!(input_value(&browser, "vat-rate").await, "22");
    // Each month's VAT is rounded on its own: 1 320 + 5 500 + 8 800 + 3 × 4 400 + 8 800.
    assert_eq!(browser.text("#summary-total").await, rub("171 000,00"));
    assert_eq!(browser.text("#summary-vat").await, rub("37 620,00"));
    assert_eq!(browser.text("#summary-total-with-vat").await, rub("208 620,00"));
    let march = browser.text("tr[data-period='2027-03']").await;
    assert!(march.contains(&rub("8 800,00")) && march.contains(&rub("48 800,00")), "{march}");
    assert!(search(&browser).await.contains("&vat=on_top:22&"));

    // The CSV behind the download link: a UTF-8 BOM, `;`-separated, the same figures.
    let csv = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const a = document.getElementById('csv-link');
             fetch(a.href).then(r => r.arrayBuffer()).then(buf => {
               const bytes = new Uint8Array(buf);
               done({ bom: Array.from(bytes.slice(0, 3)), text: new TextDecoder().decode(bytes),
                      download: a.getAttribute('download') });
             }, e => done({ error: String(e) }));",
            vec![],
        )
        .await
        .expect("read the CSV");
    assert_eq!(csv["bom"], serde_json::json!([0xEF, 0xBB, 0xBF]), "{csv}");
    assert!(csv["download"].as_str().unwrap().ends_with(".csv"));
    let text_csv = csv["text"].as_str().expect("CSV text");
    assert!(text_csv.contains(";Итого;НДС 22%;Итого с НДС;Пояснение\r\n"), "{text_csv}");
    // Decimal commas: what Excel in a Russian locale reads as numbers; the month kept as text.
    assert!(
        text_csv
            .contains("=\"2027-03\";абонемент;20;20000,00;10;0;0;0;0;10;2000,00;20000,00;40000,00;8800,00;48800,00;"),
        "{text_csv}"
    );
    assert!(text_csv.contains("\r\nИтого с НДС;208620,00\r\n"), "{text_csv}");

    // VAT included in prices: the totals stay, the VAT is the part of them.
    choose(&browser, "vat-mode", "included").await;
    assert_eq!(browser.text("#summary-total-with-vat").await, rub("171 000,00"));
    assert_eq!(browser.text("#summary-vat").await, rub("30 836,07"));
    // A bad rate is the domain's error, next to the field.
    browser.client.find(Locator::Id("vat-rate")).await.unwrap().send_keys("0").await.unwrap();
    assert_eq!(browser.text("#vat-rate-error").await, "не больше 100");
    choose(&browser, "vat-mode", "none").await;
    assert!(!exists(&browser, "#summary-vat").await);
    assert_eq!(browser.text("#summary-total").await, rub("171 000,00"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_scenarios_survive_a_reload_and_a_damaged_entry_is_reported() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open(&format!("{base}/{SCENARIO}")).await;
    assert!(browser.text("#saved-select").await.is_empty());

    // Saving without a name is refused next to the field.
    click(&browser, "save").await;
    assert_eq!(browser.text("#save-name-error").await, "обязательное поле");
    browser.client.find(Locator::Id("save-name")).await.unwrap().send_keys("Весна 2027").await.unwrap();
    click(&browser, "save").await;
    assert_eq!(browser.text("#saved-status").await, "Сценарий «Весна 2027» сохранён");

    // A fresh page (no link) starts from the defaults; the saved scenario is still there.
    browser.open(&format!("{base}/")).await;
    assert_ne!(browser.text("#summary-total").await, rub("171 000,00"));
    assert_eq!(browser.text("#saved-select").await, "Весна 2027");
    click(&browser, "open-saved").await;
    assert_eq!(browser.text("#summary-total").await, rub("171 000,00"));
    assert_eq!(search(&browser).await, SCENARIO);

    // Damaged and old entries next to a good one: reported and skipped, the app keeps working.
    browser
        .js(
            "localStorage.setItem('hourbank.scenario:Битый', 'garbage');
         localStorage.setItem('hourbank.scenario:Старый', '{\"start\":\"2027-01-01\",\"months\":[1]}');
         localStorage.setItem('hourbank.scenario:Странный', 'v1?start=2027-01-01&h=1&bogus=1');",
            vec![],
        )
        .await;
    browser.client.refresh().await.expect("reload");
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Id("saved-problems"))
        .await
        .expect("the app renders after a reload");
    // Nothing was taken away yet: no «Вернуть» to see.
    let shown = "return getComputedStyle(document.getElementById('undo-saved')).display;";
    assert_eq!(browser.js(shown, vec![]).await, "none", "«Вернуть» with nothing to undo");
    let problems = browser.text("#saved-problems").await;
    assert!(problems.contains("Сценарий «Битый» пропущен: данные повреждены."), "{problems}");
    assert!(problems.contains("Сценарий «Странный» пропущен: данные повреждены."), "{problems}");
    assert!(problems.contains("Сценарий «Старый» пропущен: сохранён в старом формате"), "{problems}");
    assert_eq!(browser.text("#summary-total").await, rub("171 000,00"));
    choose(&browser, "saved-select", "Битый").await;
    click(&browser, "open-saved").await;
    assert!(browser.text("#saved-status").await.contains("не открывается"));
    assert_eq!(browser.text("#summary-total").await, rub("171 000,00"));
    // A damaged entry can be deleted; the good one stays.
    click(&browser, "delete-saved").await;
    assert!(!browser.text("#saved-problems").await.contains("Битый"));
    choose(&browser, "saved-select", "Весна 2027").await;
    click(&browser, "delete-saved").await;
    assert_eq!(browser.text("#saved-status").await, "Сценарий «Весна 2027» удалён");
    assert!(!browser.text("#saved-select").await.contains("Весна"));
    // One click brings it back; saving over it keeps the earlier one a click away too.
    click(&browser, "undo-saved").await;
    assert_eq!(browser.text("#saved-status").await, "Сценарий «Весна 2027» возвращён");
    assert_eq!(browser.js("return document.getElementById('saved-select').value;", vec![]).await, "Весна 2027");
    browser.set_value("hours-0", "99").await;
    browser.client.find(Locator::Id("save-name")).await.unwrap().send_keys("Весна 2027").await.unwrap();
    click(&browser, "save").await;
    assert_eq!(browser.text("#saved-status").await, "Сценарий «Весна 2027» сохранён вместо прежнего");
    click(&browser, "undo-saved").await;
    click(&browser, "open-saved").await;
    assert_eq!(browser.text("#summary-total").await, rub("171 000,00"), "the earlier scenario, not the 99 hours");
    browser.screenshot("scenario-saved").await;
    browser.close().await;
}
