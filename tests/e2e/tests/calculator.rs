//! The first calculator page in headless Chromium, served by the real server.

use fantoccini::Locator;
use hourbank_e2e::{start_server, Browser};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hours_typed_into_the_page_give_the_statement() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open(&base).await;
    assert_eq!(browser.text("h1").await, "Тариф «Старт»");

    // The first view is a realistic year, already computed: 10 h every month from the 1st of
    // next month; two trial months at 2 000 ₽ an hour, then ten at the 20 000 ₽ fee.
    assert_eq!(browser.text("#summary-total").await, "240\u{a0}000,00\u{a0}₽");
    assert_eq!(browser.text("#glance-month").await, "20\u{a0}000,00\u{a0}₽");
    assert_eq!(browser.text("#summary-rate").await, "2\u{a0}000,00\u{a0}₽");
    assert_eq!(browser.text("#glance-free").await, "до 20\u{a0}ч в месяц");
    assert_eq!(browser.text("#summary-hours").await, "120\u{a0}ч");
    // The figures come before the form.
    let glance_first = browser
        .js(
            "return !!(document.getElementById('glance').compareDocumentPosition(document.getElementById('hours-0')) \
             & Node.DOCUMENT_POSITION_FOLLOWING);",
            vec![],
        )
        .await;
    assert_eq!(glance_first, serde_json::Value::Bool(true));

    browser.set_value("start", "2027-01-01").await;
    // Type like a person: the Russian decimal comma, in real key events.
    for (id, keys) in [("hours-0", "3"), ("hours-1", "12,5"), ("hours-2", "20"), ("hours-3", "7,25")] {
        let field = browser.client.find(Locator::Id(id)).await.expect(id);
        field.clear().await.expect("clear");
        field.send_keys(keys).await.expect("type");
    }
    // 6 000 + 25 000 (trial) + 40 000 (March: 10 h over, reserve empty) + 20 000 (April)
    // + 8 × 20 000 (10 h each, all included) = 251 000
    assert_eq!(browser.text("#summary-total").await, "251\u{a0}000,00\u{a0}₽");
    assert_eq!(browser.text("#summary-hours").await, "122,75\u{a0}ч");
    let march = browser.text("tr[data-period='2027-03']").await;
    assert!(march.contains("10\u{a0}ч сверх тарифа × 2\u{a0}000,00\u{a0}₽"), "{march}");
    assert!(march.contains("40\u{a0}000,00\u{a0}₽"), "{march}");
    browser.screenshot("calculator").await;

    // Bad input: the domain's message next to the field, and no statement.
    let field = browser.client.find(Locator::Id("hours-5")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("-4").await.unwrap();
    assert_eq!(browser.text("#hours-5-error").await, "не может быть отрицательным");
    assert!(browser.client.find(Locator::Id("summary-total")).await.is_err());
    assert!(browser.client.find(Locator::Id("glance")).await.is_err());
    browser.close().await;
}

/// The columns a reader needs — period, hours, what is paid, the explanation — fit without
/// sideways scrolling at 1024 px; the rest are one click away; on a 390 px phone every month is
/// a card whose money is in view.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statement_fits_at_1024_px_and_on_a_phone() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.open(&format!("{base}/?start=2027-01-01&h=3,12.5,20,7.25&vat=on_top:22&tariff=start")).await;
    let overflow = "const w = document.querySelector('.statement-table .table-wrap'); \
                    return [w.scrollWidth, w.clientWidth];";
    // The column heads a reader sees (a hidden cell has no layout box).
    let visible = "return [...document.querySelectorAll('.statement-table thead th')] \
                   .filter(th => th.getClientRects().length > 0).map(th => th.textContent).join('|');";
    browser.client.set_window_size(1024, 800).await.expect("window");
    let widths = browser.js(overflow, vec![]).await;
    assert!(widths[0].as_i64() <= widths[1].as_i64(), "the statement scrolls sideways at 1024 px: {widths}");
    let heads = browser.js(visible, vec![]).await;
    assert_eq!(heads, "Период|Часы|Итого с НДС|Пояснение", "{heads}");
    browser.screenshot("calculator-1024").await;

    // Every column, one click away.
    browser.client.find(Locator::Id("all-columns")).await.unwrap().click().await.unwrap();
    let heads = browser.js(visible, vec![]).await;
    assert!(
        heads.as_str().unwrap().contains("|Резерв на начало|") && heads.as_str().unwrap().contains("|НДС 22%|"),
        "{heads}"
    );
    let march = browser.text("tr[data-period='2027-03']").await;
    assert!(march.contains("8\u{a0}800,00\u{a0}₽") && march.contains("48\u{a0}800,00\u{a0}₽"), "{march}");
    browser.client.find(Locator::Id("all-columns")).await.unwrap().click().await.unwrap();

    // A phone: months as cards, nothing wider than the screen, the amount to pay shown.
    browser.client.set_window_size(390, 844).await.expect("window");
    let wide =
        browser.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;", vec![]).await;
    assert_eq!(wide.as_i64(), Some(0), "the page scrolls sideways at 390 px");
    let widths = browser.js(overflow, vec![]).await;
    assert!(widths[0].as_i64() <= widths[1].as_i64(), "the statement scrolls sideways at 390 px: {widths}");
    let card = browser
        .js(
            "const td = document.querySelector(\"tr[data-period='2027-03'] td[data-label='Итого с НДС']\"); \
             const r = td.getBoundingClientRect(); return [r.left, r.right, getComputedStyle(td).display, td.textContent];",
            vec![],
        )
        .await;
    assert!(card[0].as_f64().unwrap() >= 0.0 && card[1].as_f64().unwrap() <= 390.0, "{card}");
    assert_eq!(card[2], "flex", "{card}");
    assert_eq!(card[3], "48\u{a0}800,00\u{a0}₽", "{card}");
    // Every page of the calculator is in sight in the header, under its short name, at 390 px
    // and at 360 px (where the row may wrap but never hides a page).
    for width in [390, 360] {
        browser.client.set_window_size(width, 844).await.expect("window");
        let links = browser
            .js(
                "return [...document.querySelectorAll('.top nav.pages a')].map(a => { \
                   const r = a.getBoundingClientRect(); \
                   return [a.innerText.trim(), r.left >= 0 && r.right <= innerWidth && r.width > 0]; });",
                vec![],
            )
            .await;
        let links = links.as_array().unwrap();
        assert_eq!(links.len(), 4, "{links:?}");
        assert!(links.iter().all(|l| l[1] == true), "a page's link is cut off at {width} px: {links:?}");
        assert_eq!(links[1][0], "Сравнение", "{links:?}");
    }
    browser.client.set_window_size(390, 844).await.expect("window");
    browser.js("document.querySelector(\"tr[data-period='2027-03']\").scrollIntoView();", vec![]).await;
    browser.screenshot("calculator-390").await;
    browser.close().await;
}

/// An address that is no page says so, and leads back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_address_is_not_found() {
    let base = start_server().await;
    let browser = Browser::start().await;
    browser.client.goto(&format!("{base}/no-such-page")).await.unwrap();
    assert_eq!(browser.text("h1").await, "Страница не найдена");
    assert!(browser.client.find(Locator::Css("a[href='/']")).await.is_ok());
    browser.assert_no_axe_violations("not found").await;
    browser.close().await;
}

/// «Оставить заявку» in the header of every calculator page opens the company's contacts (set by the admin; the demo
/// data has them): the phone dialled in full, and a letter to the company that carries the link
/// to this very calculation. Without contacts the page says so and still leads back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leave_a_request_opens_the_companys_contacts_with_the_calculation_in_the_letter() {
    let base = hourbank_e2e::portal::start_server_with_demo().await;
    let browser = Browser::start().await;
    browser.open(&format!("{base}/?start=2027-01-01&h=12,8&tariff=start")).await;
    browser.client.wait().for_element(Locator::Id("nav-contact")).await.expect("the next step");
    let calculation = browser.text("#share-link").await;
    assert!(calculation.starts_with(&format!("{base}/?")), "{calculation}");
    // A client finds the portal's sign-in from here too.
    let portal = browser.js("return document.getElementById('nav-portal').getAttribute('href');", vec![]).await;
    assert_eq!(portal, "/portal/");
    assert_eq!(browser.text("#nav-portal").await, "Вход для клиентов");
    browser.client.find(Locator::Id("nav-contact")).await.unwrap().click().await.unwrap();
    browser.client.wait().for_element(Locator::Id("contact-mail")).await.expect("the contact page");
    assert_eq!(browser.text("h1").await, "Оставить заявку Contact us");
    let phone = browser.js("return document.getElementById('contact-phone').getAttribute('href');", vec![]).await;
    assert_eq!(phone, "tel:+74951234567");
    assert_eq!(browser.text("#contact-phone").await, "+7 (495) 123-45-67");
    let mail = browser.js("return document.getElementById('contact-mail').getAttribute('href');", vec![]).await;
    let mail = mail.as_str().unwrap();
    assert!(mail.starts_with("mailto:sales@hourbank.demo?subject="), "{mail}");
    // The letter's text, as a mail program decodes it, carries the calculation's link.
    let body = browser.js("return decodeURIComponent(arguments[0].split('&body=')[1]);", vec![mail.into()]).await;
    assert!(body.as_str().unwrap().contains(&format!("Мой расчёт: {calculation}")), "{body}");
    assert_eq!(browser.text("#contact-calc").await, calculation);
    browser.assert_no_axe_violations("contact page").await;
    browser.screenshot("contact").await;
    browser.quit().await;
}

/// Every calculator page paints its static frame — the header, its heading, and on the calculator
/// the offer's terms — while its wasm is still on the way, and the app takes it over with the same
/// texts and without moving anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_page_paints_its_frame_before_the_wasm_and_the_app_takes_it_over_in_place() {
    let base = start_server().await;
    let browser = Browser::start().await;
    // At the first paint (WebDriver's commands wait for the page's load, and so for its wasm): what
    // the page showed, whether the wasm had come; and the layout shifts from then on.
    browser
        .on_every_new_page(
            "window.read = () => {
                 const root = document.getElementById('shell') || document.body;
                 return { header: root.querySelector('header').textContent, h1: root.querySelector('h1').textContent,
                          terms: [...root.querySelectorAll('.terms-list li')].map((li) => li.textContent) };
             };
             window.shifts = 0;
             new PerformanceObserver((list) => list.getEntries().forEach((e) => window.shifts += e.value))
                 .observe({ type: 'layout-shift', buffered: true });
             new PerformanceObserver((list) => {
                 if (list.getEntriesByName('first-contentful-paint').length && !window.atFirstPaint)
                     window.atFirstPaint = { frame: !!document.getElementById('shell'), shows: window.read(),
                         wasm: performance.getEntriesByType('resource').some((e) => e.name.endsWith('.wasm')) };
             }).observe({ type: 'paint' });",
        )
        .await;
    for (path, app_id) in
        [("/", "hours-0"), ("/compare/", "compare-verdict"), ("/simulate/", "sim-run"), ("/demo/", "slide-title")]
    {
        // A slow line: the page and its styles come in well before its wasm (about 115 kB on the
        // wire), which the browser asks for at once.
        browser.set_slow_line(100, 100_000).await;
        browser.client.goto(&format!("{base}{path}")).await.expect("open the page");
        browser.set_latency(0).await;
        browser.client.wait().for_element(Locator::Id(app_id)).await.expect("the app");
        let seen = browser
            .js("return { first_paint: window.atFirstPaint, app: window.read(), shifts: window.shifts, frame_left: !!document.getElementById('shell') };", vec![])
            .await;
        let first = &seen["first_paint"];
        assert_eq!(
            (&first["frame"], &first["wasm"]),
            (&true.into(), &false.into()),
            "{path}: painted before the wasm came: {seen}"
        );
        assert_eq!(first["shows"], seen["app"], "{path}: the frame's words are the app's");
        assert_eq!(seen["frame_left"], false, "{path}: the frame is gone");
        assert!(seen["shifts"].as_f64().unwrap() <= 0.02, "{path}: the app moved what was painted: {seen}");
        if path == "/" {
            assert_eq!(first["shows"]["terms"].as_array().map(Vec::len), Some(6), "the offer's terms: {seen}");
        }
    }
    browser.close().await;
}
