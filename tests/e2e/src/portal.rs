//! Harness for the portal's journeys: a server with the demo data, an API client for setting the
//! stage (and for checking what the server stored), and browser steps that wait for the page.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::{json, Value};

use crate::Browser;

/// Starts the real server on a fresh SQLite database with the demo data loaded (as `./dev run`
/// does on first start) and returns its base URL.
pub async fn start_server_with_demo() -> String {
    crate::serve_fresh_database(&crate::dist_dir(), true).await
}

/// A server that can be stopped and started again on the same address and database: what a
/// client sees when the connection (or the server) is gone — for every kind of request, including
/// a service worker's, which the DevTools network emulation does not reach.
pub struct StoppableServer {
    pub base: String,
    address: std::net::SocketAddr,
    database: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl StoppableServer {
    pub async fn start_with_demo() -> StoppableServer {
        let data = tempfile::tempdir().expect("data dir").keep();
        let database = format!("sqlite://{}/e2e.db", data.display());
        let db = hourbank_server::Db::connect(&database).await.expect("database");
        let state = hourbank_server::AppState::new(crate::dist_dir(), db);
        hourbank_server::demo::load(&state).await.expect("demo data");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let mut server =
            StoppableServer { base: format!("http://{address}"), address, database, stop: None, task: None };
        server.serve(listener, state);
        server
    }

    fn serve(&mut self, listener: tokio::net::TcpListener, state: hourbank_server::AppState) {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = hourbank_server::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        self.task = Some(tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .expect("server");
        }));
        self.stop = Some(stop);
    }

    /// Stops accepting connections and closes the idle ones; returns when the port is closed.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
        }
    }

    /// Serves again on the same address over the same database.
    pub async fn start_again(&mut self) {
        let db = hourbank_server::Db::connect(&self.database).await.expect("database");
        let state = hourbank_server::AppState::new(crate::dist_dir(), db);
        let listener = tokio::net::TcpListener::bind(self.address).await.expect("bind the same address again");
        self.serve(listener, state);
    }
}

/// The API as a signed-in user, for setting up and for checking what was stored.
pub struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

pub const DEMO_PASSWORD: &str = "demo-hourbank";

impl Api {
    pub async fn sign_in(base: &str, email: &str, password: &str) -> Api {
        let http = reqwest::Client::new();
        let r = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("sign in");
        assert!(r.status().is_success(), "sign in as {email}: {}", r.status());
        let body: Value = r.json().await.expect("session json");
        Api { base: base.to_string(), token: body["token"].as_str().expect("token").to_string(), http }
    }

    /// The session a browser holds (its cookie's token) as an API client.
    pub fn with_token(base: &str, token: &str) -> Api {
        Api { base: base.to_string(), token: token.to_string(), http: reqwest::Client::new() }
    }

    pub async fn get(&self, path: &str) -> Value {
        let r =
            self.http.get(format!("{}/api/v1{path}", self.base)).bearer_auth(&self.token).send().await.expect("GET");
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.json().await.expect("json")
    }

    /// PUTs and returns the JSON answer; panics on anything but success.
    pub async fn put(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .put(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("PUT");
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        assert!(status.is_success(), "PUT {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// The status of a GET (for a session that may have ended).
    pub async fn status(&self, path: &str) -> u16 {
        self.http
            .get(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET")
            .status()
            .as_u16()
    }

    /// GETs raw bytes (a PDF), with the content type.
    pub async fn get_bytes(&self, path: &str) -> (String, Vec<u8>) {
        let r =
            self.http.get(format!("{}/api/v1{path}", self.base)).bearer_auth(&self.token).send().await.expect("GET");
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        let kind = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        (kind, r.bytes().await.expect("body").to_vec())
    }

    /// POSTs and returns the JSON answer; panics on anything but success.
    pub async fn post(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("POST");
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

/// A WebDriver command chromedriver adds: a DevTools protocol call on the page's target.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()))
    }
}

impl Browser {
    /// Cuts or restores the page's network with the DevTools protocol's emulation (what the
    /// DevTools "Offline" switch does): requests fail and the page gets `offline`/`online` events.
    pub async fn set_offline(&self, offline: bool) {
        self.emulate_network(offline, 0, -1).await;
    }

    /// Delays every request of the page by `latency_ms` (DevTools' network throttling).
    pub async fn set_latency(&self, latency_ms: u64) {
        self.emulate_network(false, latency_ms, -1).await;
    }

    /// A slow line: every request `latency_ms` late, and `bytes_per_second` at most downloaded
    /// (the small files of a page come in before its wasm).
    pub async fn set_slow_line(&self, latency_ms: u64, bytes_per_second: i64) {
        self.emulate_network(false, latency_ms, bytes_per_second).await;
    }

    /// Runs `script` in every page loaded from now on, before the page's own scripts: to see
    /// what happens while a page loads (WebDriver's commands wait until it has).
    pub async fn on_every_new_page(&self, script: &str) {
        self.client
            .issue_cmd(Cdp { cmd: "Page.addScriptToEvaluateOnNewDocument", params: json!({ "source": script }) })
            .await
            .expect("Page.addScriptToEvaluateOnNewDocument");
    }

    /// Lets the page write and read the clipboard without asking (what a user's click allows),
    /// and returns what the clipboard holds after `then` ran: the copy buttons' proof.
    pub async fn clipboard_after_click(&self, css: &str) -> String {
        self.client
            .issue_cmd(Cdp {
                cmd: "Browser.grantPermissions",
                params: json!({ "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
            })
            .await
            .expect("Browser.grantPermissions");
        self.click(css).await;
        self.wait_text("#copy-status", "Ссылка скопирована.").await;
        let text = self.js("return navigator.clipboard.readText();", vec![]).await;
        text.as_str().expect("clipboard text").to_string()
    }

    async fn emulate_network(&self, offline: bool, latency_ms: u64, download_bytes_per_second: i64) {
        self.client.issue_cmd(Cdp { cmd: "Network.enable", params: json!({}) }).await.expect("Network.enable");
        self.client
            .issue_cmd(Cdp {
                cmd: "Network.emulateNetworkConditions",
                params: json!({ "offline": offline, "latency": latency_ms,
                    "downloadThroughput": download_bytes_per_second, "uploadThroughput": -1 }),
            })
            .await
            .expect("Network.emulateNetworkConditions");
    }

    /// Opens a URL and waits for an element.
    pub async fn goto_and_wait(&self, url: &str, css: &str) {
        self.client.goto(url).await.expect("open page");
        self.wait_for(css).await;
    }

    pub async fn wait_for(&self, css: &str) {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"));
    }

    /// Waits until the element's text contains `needle` and returns the text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let mut last = String::new();
        for _ in 0..150 {
            let value = self
                .js(
                    "const el = document.querySelector(arguments[0]); return el ? el.textContent : null;",
                    vec![css.into()],
                )
                .await;
            if let Some(text) = value.as_str() {
                if text.contains(needle) {
                    return text.to_string();
                }
                last = text.to_string();
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{css} never contained {needle:?}; last text: {last:?}");
    }

    /// Waits (up to 50 s: the outbox retries every 20 s) until no element matches.
    pub async fn wait_gone(&self, css: &str) {
        for _ in 0..250 {
            let present = self.js("return document.querySelector(arguments[0]) !== null;", vec![css.into()]).await;
            if present == Value::Bool(false) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{css} is still on the page");
    }

    pub async fn click(&self, css: &str) {
        self.wait_for(css).await;
        self.client
            .find(Locator::Css(css))
            .await
            .expect("element")
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Signs in through the portal's own form and waits for the page after it.
    pub async fn portal_sign_in(&self, base: &str, email: &str) {
        self.goto_and_wait(&format!("{base}/portal/login"), "#login-email").await;
        self.set_value("login-email", email).await;
        self.set_value("login-password", DEMO_PASSWORD).await;
        self.click("#login-submit").await;
        self.wait_for(".portal-top .who").await;
    }

    /// Which build of the portal this page runs, by the files it loaded: "staff" when anything
    /// came from `/portal/staff/`, else "client" (and then no wasm or script of the staff's build
    /// was fetched at all).
    pub async fn portal_build(&self) -> String {
        let answer = self
            .js(
                "const files = performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)
                     .filter(p => /\\.(wasm|js)$/.test(p));
                 if (!files.some(p => p.startsWith('/portal/'))) return 'none';
                 return files.some(p => p.startsWith('/portal/staff/')) ? 'staff' : 'client';",
                vec![],
            )
            .await;
        answer.as_str().unwrap_or_default().to_string()
    }

    /// Signs out with the header's button.
    pub async fn portal_sign_out(&self) {
        self.js("for (const b of document.querySelectorAll('.portal-top button')) { if (b.textContent.match(/Выйти|Sign out/)) b.click(); }", vec![]).await;
        self.wait_for("#login-email").await;
    }

    /// Opens the outbox from the header (the connection may be down: no page load).
    pub async fn goto_outbox(&self) {
        self.click("#sync-status").await;
        self.wait_for("#outbox-send").await;
    }

    /// The body's whole text (for checking that something is absent).
    pub async fn page_text(&self) -> String {
        self.js("return document.body.textContent;", vec![]).await.as_str().unwrap_or_default().to_string()
    }
}
