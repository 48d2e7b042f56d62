//! The Content-Security-Policy holds in a real browser: the pages run (their loader is allowed by
//! its hash, wasm by 'wasm-unsafe-eval'), an injected inline script does not, and the browser
//! reports it to the server — which is how every other end-to-end test fails on a violation.
//! Its own test binary, since it provokes the violation the others must never see.

use std::time::Duration;

use hourbank_e2e::{start_server, Browser};

#[tokio::test]
async fn an_injected_inline_script_is_blocked_and_reported() {
    let base = start_server().await;
    let b = Browser::start().await;
    // The calculator starts (Trunk's inline loader and the wasm are allowed).
    b.open_until(&format!("{base}/"), "summary-total").await;
    assert!(hourbank_server::http::security::violations().is_empty());
    // A script that user text could smuggle in, inline: blocked, and reported.
    let ran = b
        .js(
            "const s = document.createElement('script'); s.textContent = 'window.__injected = true;';
             document.body.appendChild(s); return window.__injected === true;",
            vec![],
        )
        .await;
    assert_eq!(ran, serde_json::Value::Bool(false), "the inline script ran");
    let mut reported = Vec::new();
    for _ in 0..50 {
        reported = hourbank_server::http::security::violations();
        if !reported.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reported.iter().any(|r| r.contains("script-src")), "no report reached the server: {reported:?}");
    b.quit().await;
}
