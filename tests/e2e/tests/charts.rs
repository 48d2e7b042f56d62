//! The statement's charts and its print view in headless Chromium: the cost chart stacks each
//! month's fee and hours paid one by one at the right heights, the reserve chart follows the
//! reserve under its cap, both have text alternatives; the printed statement fits one A4 page.

use fantoccini::wd::{PrintConfigurationBuilder, PrintOrientation};
use hourbank_e2e::{start_server, Browser};

const NBSP: char = '\u{a0}';

fn rub(text: &str) -> String {
    format!("{}{NBSP}₽", text.replace(' ', &NBSP.to_string()))
}

async fn all(browser: &Browser, css: &str, what: &str) -> Vec<String> {
    let v = browser
        .js(&format!("return [...document.querySelectorAll(arguments[0])].map(e => {what});"), vec![css.into()])
        .await;
    v.as_array().unwrap().iter().map(|x| x.as_str().map_or_else(|| x.to_string(), String::from)).collect()
}

/// «Старт» from January 2027: 3 + 12,5 h in the trial, then 20, 7,25, 0, 0 and 30 h.
const SCENARIO: &str = "?start=2027-01-01&h=3,12.5,20,7.25,0,0,30&tariff=start";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_charts_draw_the_statements_figures() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open(&format!("{base}/{SCENARIO}")).await;

    // A fee bar for each of the five subscription months; hours paid one by one in January,
    // February (trial), March and July (10 h over each).
    let fees = all(&browser, "#cost-chart rect.fee title", "e.textContent").await;
    assert_eq!(fees.len(), 5, "{fees:?}");
    assert_eq!(fees[0], format!("03.27: абонплата {}", rub("20 000,00")));
    let extras = all(&browser, "#cost-chart rect.extra title", "e.textContent").await;
    assert_eq!(
        extras,
        [
            format!("01.27: часы по ставке {}", rub("6 000,00")),
            format!("02.27: часы по ставке {}", rub("25 000,00")),
            format!("03.27: часы по ставке {}", rub("20 000,00")),
            format!("07.27: часы по ставке {}", rub("20 000,00")),
        ]
    );
    // The dearest months (40 000) fill the 186-unit plot: half fee, half overage.
    let heights = all(&browser, "#cost-chart rect.extra:not(.key)", "e.getAttribute('height')").await;
    assert_eq!(heights, ["28", "116", "93", "93"]);
    assert_eq!(all(&browser, "#cost-chart rect.fee:not(.key)", "e.getAttribute('height')").await[0], "93");
    assert!(browser.text("#cost-chart").await.contains(&format!("40{NBSP}000")));

    // The reserve: 0 in the trial, 2,75 h after April, full (10) in May and June, 0 after July.
    let reserve = all(&browser, "#reserve-chart circle title", "e.textContent").await;
    assert_eq!(reserve[3], format!("04.27: 2,75{NBSP}ч"));
    assert_eq!(reserve[4], format!("05.27: 10{NBSP}ч"));
    assert_eq!(reserve[6], format!("07.27: 0{NBSP}ч"));
    let cap = browser.js("return document.querySelector('#reserve-chart path.cap').getAttribute('d');", vec![]).await;
    assert_eq!(cap, "M72 14H624");
    assert!(browser.text("#reserve-chart").await.contains(&format!("лимит 10{NBSP}ч")));
    // Text alternatives: each chart is an image with a name, and its figures are in a table.
    let label = browser.js("return document.getElementById('cost-chart').getAttribute('role');", vec![]).await;
    assert_eq!(label, "img");
    let rows = all(&browser, ".charts table tbody tr", "e.textContent").await;
    assert_eq!(rows.len(), 14);
    assert_eq!(rows[2], format!("2027-03{}{}{}", rub("20 000,00"), rub("20 000,00"), rub("40 000,00")));
    browser.js("document.querySelector('.charts').scrollIntoView();", vec![]).await;
    browser.screenshot("charts").await;
    browser.close().await;
}

/// Pages in a PDF: its page objects (`/Type /Page`, not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page").filter(|(i, _)| !text[i + 11..].starts_with('s')).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_statement_fits_one_a4_page_for_12_to_36_months() {
    let base = start_server().await;
    let browser = Browser::start().await;
    let a4 = PrintConfigurationBuilder::default().orientation(PrintOrientation::Landscape).build().unwrap();
    for months in [12, 24, 36] {
        let hours = (0..months).map(|i| ["3", "12.5", "25", "0", "7.25"][i % 5]).collect::<Vec<_>>().join(",");
        browser.open(&format!("{base}/?start=2027-01-15&end=2029-12-31&h={hours}&vat=on_top:22&tariff=start")).await;
        let pdf = browser.client.print(a4.clone()).await.expect("print");
        assert_eq!(pdf_pages(&pdf), 1, "{months} months print on {} pages", pdf_pages(&pdf));
        // The controls are not printed: the page's print styles hide them.
        let hidden = browser
            .js(
                "const s = document.createElement('style'); s.id = 'as-print';
                 s.textContent = [...document.styleSheets].flatMap(sh => [...sh.cssRules])
                   .filter(r => r.media && r.media.mediaText === 'print').map(r => r.cssRules ? [...r.cssRules].map(c => c.cssText).join('\\n') : '').join('\\n');
                 document.head.appendChild(s);
                 const shown = ['.scenario', '.saved', '.share', '#csv-link', '.charts'].filter(c => {
                   const el = document.querySelector(c); return el && el.getBoundingClientRect().height > 0; });
                 s.remove(); return shown;",
                vec![],
            )
            .await;
        assert_eq!(hidden, serde_json::json!([]), "controls printed");
    }
    browser.close().await;
}
