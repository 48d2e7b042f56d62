//! Harness for browser end-to-end tests: the real `hourbank` server in-process on a free port,
//! and headless Chromium driven through chromedriver (WebDriver, no Node).

pub mod portal;

use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::process::{Child, Command};

/// The SPA built by Trunk (`./dev test` builds it before running these tests).
pub fn dist_dir() -> PathBuf {
    std::env::var_os("HOURBANK_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"))
}

/// Starts the real server on 127.0.0.1:0 over a fresh SQLite database and returns its base URL.
pub async fn start_server() -> String {
    serve_fresh_database(&dist_dir(), false).await
}

/// Serves `dist` on 127.0.0.1:0 over a fresh SQLite database (with the demo data when `demo`),
/// once the built entry the tests need is there; returns the base URL.
pub(crate) async fn serve_fresh_database(dist: &std::path::Path, demo: bool) -> String {
    let entry = if demo { "portal/index.html" } else { "index.html" };
    assert!(
        dist.join(entry).is_file(),
        "no built {entry} in {}: run `./dev test`, which builds every entry with Trunk before these tests",
        dist.display()
    );
    // The database lives as long as the test process; the folder is removed by the OS's tmp cleaning.
    let data = tempfile::tempdir().expect("data dir").keep();
    let db = hourbank_server::Db::connect(&format!("sqlite://{}/e2e.db", data.display())).await.expect("database");
    let state = hourbank_server::AppState::new(dist, db);
    if demo {
        hourbank_server::demo::load(&state).await.expect("demo data");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { hourbank_server::serve(listener, state).await.expect("server") });
    base
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("address").port()
}

/// A headless Chromium session; chromedriver and its Chromium are stopped when this is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: tempfile::TempDir,
}

impl Drop for Browser {
    /// A test that fails drops its browser unclosed: chromedriver is killed (`kill_on_drop`), and
    /// the Chromium it started would live on, taking CPU from whatever runs next (Lighthouse's
    /// scores fell by several points under three such leftovers). Its profile names it.
    fn drop(&mut self) {
        let _ = std::process::Command::new("pkill")
            .args(["-f", "--"])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .status();
    }
}

impl Browser {
    pub async fn start() -> Browser {
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {chromedriver}: {e} (`./dev test` installs it)"));
        let profile = tempfile::tempdir().expect("profile dir");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        // chromedriver needs a moment to listen; retry the session for up to 20 s.
        let mut last_error = None;
        for _ in 0..100 {
            match ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&url).await {
                Ok(client) => return Browser { client, driver, profile },
                Err(e) => last_error = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("no WebDriver session from {chromedriver}: {last_error:?}");
    }

    /// Opens `url` and waits for the wasm app to render the calculator.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("open page");
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            // The page's last part (it renders in a task after the first).
            .for_element(fantoccini::Locator::Id("share-link"))
            .await
            .expect("the calculator renders (wasm loaded)");
    }

    /// Opens `url` and waits for the element with this id: pages other than the calculator
    /// (their wasm has loaded when it renders).
    pub async fn open_until(&self, url: &str, id: &str) {
        self.client.goto(url).await.expect("open page");
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(fantoccini::Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("#{id} never rendered at {url}: {e}"));
    }

    /// Runs a script in the page and returns its value.
    pub async fn js(&self, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.client.execute(script, args).await.expect("script")
    }

    /// The element's `textContent`: unlike WebDriver's visible text it keeps non-breaking spaces,
    /// which the Russian number format relies on.
    pub async fn text(&self, css: &str) -> String {
        let value = self
            .js("const el = document.querySelector(arguments[0]); return el ? el.textContent : null;", vec![css.into()])
            .await;
        value.as_str().unwrap_or_else(|| panic!("no element {css}")).to_string()
    }

    /// Sets an input's value as typing would (a date input's typing is locale-specific).
    pub async fn set_value(&self, id: &str, value: &str) {
        self.js(
            "const el = document.getElementById(arguments[0]); el.value = arguments[1];
             el.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![id.into(), value.into()],
        )
        .await;
    }

    /// Picks an option of a `<select>` once that option exists: options loaded from the API
    /// arrive after the element, and setting a value the select does not have leaves it empty.
    pub async fn select_option(&self, id: &str, value: &str) {
        self.wait_for(&format!("#{id} option[value='{value}']")).await;
        let picked = self
            .js(
                "const s = document.getElementById(arguments[0]); s.value = arguments[1];
                 s.dispatchEvent(new Event('change', { bubbles: true })); return s.value;",
                vec![id.into(), value.into()],
            )
            .await;
        assert_eq!(picked, serde_json::Value::from(value), "#{id} did not take {value:?}");
    }

    /// Picks the first option of the select `#id` whose text contains `label` (ids that the test
    /// does not know, such as a user's or an organisation's, chosen by the name shown).
    pub async fn select_option_by_label(&self, id: &str, label: &str) {
        let picked = self
            .js(
                "const s = document.getElementById(arguments[0]);
                 const o = [...s.options].find(o => o.text.includes(arguments[1]));
                 if (!o) return null;
                 s.value = o.value;
                 s.dispatchEvent(new Event('change', { bubbles: true }));
                 return o.text;",
                vec![id.into(), label.into()],
            )
            .await;
        assert!(picked.is_string(), "#{id} has no option with {label:?}");
    }

    /// Saves a screenshot under `target/e2e-screenshots/` for a person to look at.
    pub async fn screenshot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Runs axe-core over the whole page as it is now and panics listing every violation (rule,
    /// impact, help and the offending elements). `context` names the page state in the message
    /// (`"calculator with a statement"`). axe-core comes from npm (`./dev` installs it):
    /// `HOURBANK_AXE` names `axe.min.js`, else it is looked up in the tools folder.
    pub async fn assert_no_axe_violations(&self, context: &str) {
        let path = axe_path();
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read axe-core at {}: {e} (`./dev setup` installs it; HOURBANK_AXE names another)",
                path.display()
            )
        });
        // The library runs as the script's own body (no eval, whatever the page's CSP) and sets
        // `window.axe`; injecting it again after a navigation is needed, within one page harmless.
        self.js(&format!("{source}\n;return typeof window.axe;"), vec![]).await;
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.axe.run(document, { resultTypes: ['violations'] }).then(
                   (r) => done(r.violations.map((v) => ({
                     id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
                   }))),
                   (e) => done({ error: String(e) }));",
                vec![],
            )
            .await
            .expect("axe-core ran");
        if let Some(error) = result.get("error") {
            panic!("axe-core failed on {context}: {error}");
        }
        let violations = result.as_array().expect("axe-core's violations");
        if violations.is_empty() {
            return;
        }
        let mut report = format!("axe-core: {} violation(s) on {context}:\n", violations.len());
        for v in violations {
            report += &format!(
                "- {} ({}): {}\n",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("")
            );
            for node in v["nodes"].as_array().into_iter().flatten().take(10) {
                report += &format!("    {}\n", node.as_str().unwrap_or(""));
            }
        }
        panic!("{report}");
    }

    /// Closes the browser, then fails the test if any page broke the Content-Security-Policy:
    /// browsers report each violation to the server's `/api/csp-report` (any server of this test
    /// process), a moment after it happens.
    pub async fn close(self) {
        self.quit().await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let violations = hourbank_server::http::security::violations();
        assert!(violations.is_empty(), "Content-Security-Policy violations reported:\n{}", violations.join("\n"));
    }

    /// Closes the browser and its driver, checking nothing (for a test that provokes a violation).
    pub async fn quit(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}

/// Where `axe.min.js` is: `HOURBANK_AXE`, else `axe-core` under the tools folder (`HOURBANK_TOOLS`,
/// default `~/.cache/hourbank-tools`), where `./dev` installs it from npm.
pub fn axe_path() -> PathBuf {
    if let Some(path) = std::env::var_os("HOURBANK_AXE") {
        return PathBuf::from(path);
    }
    let tools = std::env::var_os("HOURBANK_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/hourbank-tools"));
    tools.join("node_modules/axe-core/axe.min.js")
}
