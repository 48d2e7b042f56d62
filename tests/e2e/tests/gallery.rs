//! Every page, as people see it, at 1366 px and on a 390 px phone: each renders (its heading, no
//! error), fits the phone without sideways scrolling and with a header of at most 120 px, and
//! leaves a screenshot in `target/e2e-screenshots/gallery-<width>-<page>.png` (the README's
//! gallery picks from them).

use hourbank_e2e::portal::{start_server_with_demo, Api, DEMO_PASSWORD};
use hourbank_e2e::Browser;

const SCENARIO: &str = "?start=2027-01-01&h=12,8,25,10,4,16&tariff=start";

/// Opens each page at both widths, waiting for `ready` and for every «Загрузка…» to go.
async fn look_at(b: &Browser, base: &str, pages: &[(&str, String, &str)]) {
    for (width, height) in [(1366, 900), (390, 844)] {
        b.client.set_window_size(width, height).await.expect("window");
        for (name, path, ready) in pages {
            b.goto_and_wait(&format!("{base}{path}"), ready).await;
            b.wait_for("h1").await;
            b.wait_gone(".loading").await;
            let state = b
                .js(
                    "const el = document.querySelector('.error-box');
                     const header = document.querySelector('header');
                     return [el ? el.textContent : '', window.innerWidth, document.documentElement.scrollWidth,
                             header ? Math.round(header.getBoundingClientRect().height) : 0];",
                    vec![],
                )
                .await;
            assert_eq!(state[0], "", "{path} at {width} px shows an error");
            let (inner, scroll) = (state[1].as_i64().unwrap(), state[2].as_i64().unwrap());
            assert!(scroll <= inner, "{path} is {scroll} px wide in a {inner} px window");
            // A phone's header is a few short rows, not a fifth of the screen (the calculator's
            // was 170 px, five rows, before its links learned to scroll in one row).
            let header = state[3].as_i64().unwrap();
            assert!(width > 390 || header <= 120, "{path}'s header is {header} px tall on a phone");
            // The portal's is one row there: its sections and account links are behind «Меню».
            assert!(
                width > 390 || !path.starts_with("/portal/") || header <= 56,
                "{path}'s header is {header} px tall on a phone, more than one row"
            );
            b.screenshot(&format!("gallery-{width}-{name}")).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_at_1366_px_and_on_a_390_px_phone() {
    let base = start_server_with_demo().await;
    let b = Browser::start().await;
    let page = |name: &'static str, path: String, ready: &'static str| (name, path, ready);
    look_at(
        &b,
        &base,
        &[
            page("calculator", format!("/{SCENARIO}"), "#hours-0"),
            page("compare", format!("/compare/{SCENARIO}"), "#compare-verdict"),
            page("simulate", format!("/simulate/{SCENARIO}"), "#sim-run"),
            page("demo", format!("/demo/{SCENARIO}"), "#slide-title"),
            page("contact", format!("/contact{SCENARIO}"), "#contact-mail"),
            page("sign-in", "/portal/login".into(), "#login-email"),
            page("not-found", "/no-such-page".into(), "h1"),
        ],
    )
    .await;

    // A client of the demo: its month, tasks, reports, documents and the rest.
    let client = Api::sign_in(&base, "buh@romashka.demo", DEMO_PASSWORD).await;
    let task = client.get("/tasks?limit=1").await["tasks"][0]["id"].as_i64().expect("a demo task");
    let period = client.get("/reports").await["months"][0]["period"].as_str().expect("a month").to_string();
    b.client.set_window_size(1366, 900).await.expect("window");
    b.portal_sign_in(&base, "buh@romashka.demo").await;
    look_at(
        &b,
        &base,
        &[
            page("client-overview", "/portal/".into(), "#tile-total"),
            page("client-tasks", "/portal/tasks".into(), "h1"),
            page("client-new-task", "/portal/tasks/new".into(), "#task-title"),
            page("client-task", format!("/portal/tasks/{task}"), "#task-state"),
            page("client-reports", "/portal/reports".into(), "h1"),
            page("client-report", format!("/portal/reports/{period}"), "#report-status"),
            page("client-act", format!("/portal/reports/{period}/act"), "#document-title"),
            page("client-invoice", format!("/portal/reports/{period}/invoice"), "#document-title"),
            page("client-consultations", "/portal/consultations".into(), "h1"),
            page("client-instructions", "/portal/instructions".into(), "h1"),
            page("client-account", "/portal/account".into(), "h1"),
            page("client-outbox", "/portal/outbox".into(), "h1"),
            page("client-not-found", "/portal/no-such-page".into(), "h1"),
        ],
    )
    .await;
    // On the phone (look_at ends there), the act's amounts are in sight, not behind a sideways
    // scroll of its six columns.
    b.goto_and_wait(&format!("{base}/portal/reports/{period}/act"), "#document-lines").await;
    let amounts = b
        .js(
            "const cells = [...document.querySelectorAll('#document-lines td.num')];
             return [cells.length, cells.every(c => c.getBoundingClientRect().right <= window.innerWidth),
                     [...document.querySelectorAll('#document .table-wrap')].every(w => w.scrollWidth <= w.clientWidth)];",
            vec![],
        )
        .await;
    assert!(amounts[0].as_i64().unwrap() >= 3, "{amounts}");
    assert_eq!((amounts[1].as_bool(), amounts[2].as_bool()), (Some(true), Some(true)), "amounts in sight: {amounts}");
    // «Меню» opens the sections under the header's row, and following one closes it.
    b.goto_and_wait(&format!("{base}/portal/"), "#tile-total").await;
    let menu = "const panel = document.getElementById('portal-menu');
                const link = panel.querySelector('a[href=\"/portal/tasks\"]');
                return [document.getElementById('menu-button').getAttribute('aria-expanded'),
                        link.getBoundingClientRect().height > 0,
                        Math.round(document.querySelector('header').getBoundingClientRect().height)];";
    let closed = b.js(menu, vec![]).await;
    assert_eq!((closed[0].as_str(), closed[1].as_bool()), (Some("false"), Some(false)), "{closed}");
    b.click("#menu-button").await;
    let open = b.js(menu, vec![]).await;
    assert_eq!((open[0].as_str(), open[1].as_bool()), (Some("true"), Some(true)), "{open}");
    b.screenshot("gallery-390-client-menu").await;
    b.click("#portal-menu a[href=\"/portal/tasks\"]").await;
    let mut after = b.js(menu, vec![]).await;
    for _ in 0..50 {
        if after[0].as_str() == Some("false") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        after = b.js(menu, vec![]).await;
    }
    let path = b.js("return location.pathname;", vec![]).await;
    assert_eq!(path.as_str(), Some("/portal/tasks"));
    assert_eq!((after[0].as_str(), after[1].as_bool()), (Some("false"), Some(false)), "{after}");
    b.portal_sign_out().await;

    // Staff: the analyst's queue and a task to estimate; the specialist's queue; the admin's
    // pages; the sales desk.
    b.portal_sign_in(&base, "anna@hourbank.demo").await;
    look_at(
        &b,
        &base,
        &[
            page("analyst-queue", "/portal/".into(), "h1"),
            page("analyst-task", format!("/portal/tasks/{task}"), "#task-state"),
        ],
    )
    .await;
    b.portal_sign_out().await;
    b.portal_sign_in(&base, "ivan@hourbank.demo").await;
    look_at(&b, &base, &[page("specialist-queue", "/portal/".into(), "#my-tasks")]).await;
    b.portal_sign_out().await;
    b.portal_sign_in(&base, "admin@hourbank.demo").await;
    let admin: Vec<_> = [
        ("admin-orgs", "orgs"),
        ("admin-users", "users"),
        ("admin-tariffs", "tariffs"),
        ("admin-audit", "audit"),
        ("admin-seller", "seller"),
    ]
    .into_iter()
    .map(|(name, slug)| page(name, format!("/portal/admin/{slug}"), "h1"))
    .collect();
    look_at(&b, &base, &admin).await;
    b.portal_sign_out().await;
    b.portal_sign_in(&base, "sales@hourbank.demo").await;
    look_at(&b, &base, &[page("sales-home", "/portal/".into(), "h1")]).await;
    b.close().await;
}
