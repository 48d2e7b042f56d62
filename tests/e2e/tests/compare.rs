//! The comparison page in headless Chromium: a shared scenario under «Старт», one-off work at a
//! market price of an hour and a tariff added on the page (kept in the link), the cheapest by
//! hours per month, and a history replayed against each tariff with an honest verdict.

use fantoccini::Locator;
use hourbank_e2e::{start_server, Browser};

const NBSP: char = '\u{a0}';

fn rub(text: &str) -> String {
    format!("{}{NBSP}₽", text.replace(' ', &NBSP.to_string()))
}

async fn click(browser: &Browser, id: &str) {
    browser.client.find(Locator::Id(id)).await.expect(id).click().await.expect("click");
}

async fn exists(browser: &Browser, css: &str) -> bool {
    browser.js("return document.querySelector(arguments[0]) !== null;", vec![css.into()]).await == true
}

async fn cells(browser: &Browser, table: &str, row: usize) -> Vec<String> {
    let v = browser
        .js(
            "return [...document.querySelectorAll(`#${arguments[0]} tr[data-row='${arguments[1]}'] td`)].map(c => c.textContent);",
            vec![table.into(), row.into()],
        )
        .await;
    v.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect()
}

/// «Старт» from January 2027, 30 h in each of four months.
const SCENARIO: &str = "?start=2027-01-01&h=30,30,30,30&tariff=start";

/// By default «Старт» is compared with what a prospect would otherwise buy: one-off work at the
/// market price of an hour (3 000 ₽ unless the link says); sales set theirs in the link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_is_compared_with_one_off_work_at_the_market_price() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open_until(&format!("{base}/compare/{SCENARIO}"), "compare-verdict").await;
    assert_eq!(
        browser.text("#compare-table tr[data-row='1'] th").await,
        format!("Разовые работы ({} за час)", rub("3 000,00"))
    );
    // 120 h × 3 000 against «Старт»'s 240 000.
    assert_eq!(cells(&browser, "compare-table", 1).await[2], rub("360 000,00"));
    assert_eq!(
        browser.text("#compare-verdict").await,
        format!("Дешевле всех — «Старт»: {}, на {} меньше следующего варианта.", rub("240 000,00"), rub("120 000,00"))
    );
    // Every column in view at 1280 px; on a 390 px phone each tariff is a card with its total in view.
    let overflow = "const w = document.querySelector('#compare-table').closest('.table-wrap'); \
                    return w.scrollWidth - w.clientWidth;";
    assert_eq!(browser.js(overflow, vec![]).await, 0, "the comparison scrolls sideways at 1280 px");
    browser.client.set_window_size(390, 844).await.expect("window");
    assert_eq!(browser.js(overflow, vec![]).await, 0, "the comparison scrolls sideways at 390 px");
    let total = browser
        .js(
            "const td = document.querySelector(\"#compare-table tr[data-row='1'] td[data-label='Итого']\"); \
             const r = td.getBoundingClientRect(); return [r.left >= 0 && r.right <= 390, td.textContent];",
            vec![],
        )
        .await;
    assert_eq!(total, serde_json::json!([true, rub("360 000,00")]));
    browser.screenshot("compare-390").await;
    browser.client.set_window_size(1280, 900).await.expect("window");
    let buys = browser.js("return document.querySelectorAll('#subscription-buys li').length;", vec![]).await;
    assert_eq!(buys, 5);
    assert!(browser.text("#subscription-buys").await.contains("закреплённый аналитик"));
    // Sales set the price: the figures follow and the link keeps it.
    browser.set_value("market", "2500").await;
    assert_eq!(cells(&browser, "compare-table", 1).await[2], rub("300 000,00"));
    assert_eq!(browser.js("return location.search;", vec![]).await, format!("{SCENARIO}&market=2500"));
    // …and the comparison, as it stands, goes on the clipboard in one click.
    let copied = browser.clipboard_after_click("#copy-link").await;
    assert_eq!(copied, format!("{base}/compare/{SCENARIO}&market=2500"));
    browser.set_value("market", "0").await;
    assert_eq!(browser.text("#market-error").await, "должно быть больше 0");
    assert!(!exists(&browser, "#compare-table").await, "compared with a bad price");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_hours_under_each_tariff_with_break_even_and_the_cheapest() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open_until(&format!("{base}/compare/{SCENARIO}&market=2000"), "compare-verdict").await;
    assert!(browser.text("#scenario-line").await.starts_with("Сценарий: «Старт», с 2027-01, 4 месяца, 120"));

    // «Старт»: 2 × 60 000 in the trial + 2 × (20 000 + 20 h × 2 000); one-off work 120 h × 2 000.
    assert_eq!(cells(&browser, "compare-table", 0).await[2], rub("240 000,00"));
    assert_eq!(cells(&browser, "compare-table", 1).await[2], rub("240 000,00"));
    assert_eq!(
        browser.text("#compare-verdict").await,
        format!("Все тарифы стоят одинаково: по {} — ни один не выгоднее.", rub("240 000,00"))
    );
    // A tie is a tie: no row is «дешевле всех».
    assert!(!browser.text("#compare-table").await.contains("дешевле"));
    assert!(!exists(&browser, "#compare-table tr.cheapest").await);
    // Steady hours: one-off work below 10 h a month, equal from 10 h.
    assert_eq!(
        browser.text("#bands li[data-band='0']").await,
        format!("от 0{NBSP}ч до 9,99{NBSP}ч: дешевле всех — Разовые работы ({} за час)", rub("2 000,00"))
    );
    assert_eq!(browser.text("#bands li[data-band='1']").await, format!("от 10{NBSP}ч: все стоят одинаково"));
    assert_eq!(
        browser.text("#break-even li[data-tariff='0']").await,
        format!("«Старт»: не дороже разовых работ от 10{NBSP}ч в месяц")
    );

    // A tariff of one's own: 45 000 ₽ for 25 h, 1 800 ₽ over, reserve 20, one trial month at 1 800.
    click(&browser, "alt-add").await;
    for (field, value) in [
        ("monthly_fee", "45000"),
        ("included_hours", "25"),
        ("overage_rate", "1800"),
        ("reserve_cap", "20"),
        ("trial_months", "1"),
        ("trial_rate", "1800"),
    ] {
        browser.set_value(&format!("alt-0-{field}"), value).await;
    }
    // 54 000 in the trial, then 3 × (45 000 + 5 h × 1 800) = 216 000.
    assert_eq!(cells(&browser, "compare-table", 2).await[2], rub("216 000,00"));
    assert_eq!(cells(&browser, "compare-table", 0).await[4], rub("24 000,00"));
    assert_eq!(
        browser.text("#compare-verdict").await,
        format!("Дешевле всех — Тариф 1: {}, на {} меньше следующего варианта.", rub("216 000,00"), rub("24 000,00"))
    );
    assert!(browser.text("#compare-table tr.cheapest th").await.starts_with("Тариф 1"));
    // From 22,5 h a month the added tariff is cheaper than «Старт».
    assert_eq!(browser.text("#bands li[data-band='3']").await, format!("от 22,51{NBSP}ч: дешевле всех — Тариф 1"));
    let search = browser.js("return location.search;", vec![]).await;
    assert_eq!(search, format!("{SCENARIO}&alt=45000:25:1800:20:1:1800&market=2000"));
    let back = browser.js("return document.getElementById('nav-calculator').getAttribute('href');", vec![]).await;
    assert_eq!(back, format!("/{SCENARIO}&alt=45000:25:1800:20:1:1800&market=2000"));

    // A bad field is named and nothing is compared; the link keeps the tariff across a reload.
    browser.set_value("alt-0-trial_months", "1,5").await;
    assert_eq!(browser.text("#alt-0-trial_months-error").await, "должно быть целым числом");
    assert!(!exists(&browser, "#compare-table").await, "bad input compared");
    browser.set_value("alt-0-trial_months", "1").await;
    browser
        .open_until(&format!("{base}/compare/{SCENARIO}&alt=45000:25:1800:20:1:1800&market=2000"), "compare-verdict")
        .await;
    let fee = browser.js("return document.getElementById('alt-0-monthly_fee').value;", vec![]).await;
    assert_eq!(fee, "45000");
    browser.screenshot("compare").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_replayed_against_each_tariff_says_only_what_it_shows() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open_until(&format!("{base}/compare/{SCENARIO}&alt=45000:25:1800:20:1:1800&market=2000"), "history").await;

    // Three months of 2 h, as a subscription: one-off work 12 000, «Старт» 60 000, Тариф 1 135 000.
    browser.set_value("history", "2026-01;2\n2026-02;2\n2026-03;2\n").await;
    assert_eq!(
        browser.text("#replay-verdict").await,
        format!(
            "За эти месяцы дешевле всех: Разовые работы ({} за час) — {}, на {} меньше, чем «Старт».",
            rub("2 000,00"),
            rub("12 000,00"),
            rub("48 000,00")
        )
    );
    assert_eq!(cells(&browser, "replay-table", 2).await[2], rub("135 000,00"));

    // Two months are too few to advise anything.
    browser.set_value("history", "2\n2").await;
    assert!(browser.text("#replay-verdict").await.starts_with("Слишком мало данных: 2 мес."));

    // Equal totals are said to be equal.
    click(&browser, "alt-0-remove").await;
    browser.set_value("history", "10\n10\n10").await;
    assert_eq!(
        browser.text("#replay-verdict").await,
        format!(
            "За эти месяцы «Старт», Разовые работы ({} за час) обошлись бы одинаково: по {} — данные не показывают выгоды ни одного из них.",
            rub("2 000,00"),
            rub("60 000,00")
        )
    );

    // Bad lines are named, and no verdict is given.
    browser.set_value("history", "2026-01;3\n2026-03;1\n2026-02;abc").await;
    assert_eq!(browser.text("#history-errors").await, "Строка 2: ожидался месяц 2026-02Строка 3: не число: «abc»");
    assert!(!exists(&browser, "#replay-verdict").await, "a verdict from bad input");
    browser.close().await;
}

/// The company's other tariffs come from its server's catalogue (`GET /api/v1/tariffs`, no
/// session needed): one that sales add shows after «Старт» and one-off work on a prospect's
/// comparison, and every tariff's break-even is still stated against one-off work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_company_tariffs_come_from_its_server() {
    let base = hourbank_e2e::portal::start_server_with_demo().await;
    let admin =
        hourbank_e2e::portal::Api::sign_in(&base, "admin@hourbank.demo", hourbank_e2e::portal::DEMO_PASSWORD).await;
    admin
        .post(
            "/tariffs",
            serde_json::json!({"name": "Бизнес", "terms": {"monthly_fee": "45000", "included_hours": "25", "reserve_cap": "25"}}),
        )
        .await;
    let browser = Browser::start().await;
    browser.open_until(&format!("{base}/compare/{SCENARIO}"), "compare-verdict").await;
    let names = "return [...document.querySelectorAll('#compare-table tbody th')].map((th) => th.textContent);";
    let mut shown = browser.js(names, vec![]).await;
    for _ in 0..50 {
        if shown.to_string().contains("Бизнес") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        shown = browser.js(names, vec![]).await;
    }
    let starts = |i: usize, name: &str| shown[i].as_str().is_some_and(|th| th.starts_with(name));
    assert!(starts(0, "«Старт»") && starts(1, "Разовые работы") && starts(2, "«Бизнес»"), "{shown}");
    let break_even = browser.text("#break-even").await;
    assert!(break_even.contains("«Старт»: не дороже разовых работ от 6,67\u{a0}ч в месяц"), "{break_even}");
    assert!(break_even.contains("«Бизнес»: не дороже разовых работ от 15\u{a0}ч в месяц"), "{break_even}");
    assert!(!break_even.contains("Разовые работы"), "one-off work compared with itself: {break_even}");
    // Its figures are its own terms' (the others «Старт»'s), as the domain computes them.
    let mut business = hourbank_domain::Tariff::start();
    business.set_field("monthly_fee", "45000").unwrap();
    business.set_field("included_hours", "25").unwrap();
    business.set_field("reserve_cap", "25").unwrap();
    let contract =
        hourbank_domain::Contract::new(business, hourbank_domain::parse_date("start", "2027-01-01").unwrap(), None)
            .unwrap();
    let hours = [hourbank_domain::Hours::whole(30); 4];
    let total =
        hourbank_domain::statement::simulate(&contract, &hours, hourbank_domain::Vat::None).unwrap().summary.total;
    assert_eq!(cells(&browser, "compare-table", 2).await[2], hourbank_domain::format::rubles(total));
    browser.close().await;
}
