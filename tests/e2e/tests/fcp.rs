//! A benchmark, not a test: the first contentful paint of each calculator page in headless
//! Chromium on loopback, first load in a fresh profile (nothing cached). `./dev bench` runs it
//! (`--include-ignored --nocapture`); figures are printed, never asserted.

use hourbank_e2e::{start_server, Browser};

const SCENARIO: &str = "?start=2027-01-01&h=3,12.5,20,7.25,0,0,30&vat=on_top:22&tariff=start";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run by ./dev bench"]
async fn first_contentful_paint_of_each_page() {
    let base = start_server().await;
    for (path, ready) in
        [("/", "hours-0"), ("/compare/", "compare-verdict"), ("/simulate/", "sim-run"), ("/demo/", "slide-title")]
    {
        let browser = Browser::start().await;
        browser.open_until(&format!("{base}{path}{SCENARIO}"), ready).await;
        // The body is empty until the wasm renders the page, so this is the time to a usable page.
        // The paint entry is recorded after the frame is painted: wait for it (buffered).
        let fcp = browser
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const nav = performance.getEntriesByType('navigation')[0];
                 new PerformanceObserver((list) => {
                   const e = list.getEntriesByName('first-contentful-paint')[0];
                   if (e) done([e.startTime, nav ? nav.responseEnd : null]);
                 }).observe({ type: 'paint', buffered: true });",
                vec![],
            )
            .await
            .expect("a first contentful paint");
        let ms = |v: &serde_json::Value| v.as_f64().map_or_else(|| "none".to_string(), |ms| format!("{ms:.0} ms"));
        println!("first contentful paint {path:<11} {} (HTML received at {})", ms(&fcp[0]), ms(&fcp[1]));
        browser.close().await;
    }
}
