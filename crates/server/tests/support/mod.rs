//! A real server on port 0 over a fresh database per test: SQLite in a temporary folder, or a new
//! database on the PostgreSQL cluster named by `HOURBANK_TEST_PG_URL` (`./dev test` starts one).

#![allow(dead_code)]

use hourbank_domain::{parse_date, Contract, Tariff, Vat};
use hourbank_server::services::orgs::insert_new_org;
use hourbank_server::services::users::{check_new_user, insert_user};
use hourbank_server::store::NewOrg;
use hourbank_server::{AppState, Db};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    hex::encode(bytes)
}

/// A fresh database: a SQLite file in `dir`, or a new database on the PostgreSQL cluster named by
/// `HOURBANK_TEST_PG_URL`. `None` (with a loud message) when PostgreSQL is not available and not
/// required.
pub async fn database_url(backend: Backend, dir: &std::path::Path) -> Option<String> {
    match backend {
        Backend::Sqlite => Some(format!("sqlite://{}/test.db", dir.display())),
        Backend::Postgres => {
            let Ok(admin_url) = std::env::var("HOURBANK_TEST_PG_URL") else {
                if std::env::var_os("HOURBANK_REQUIRE_PG").is_some() {
                    panic!("HOURBANK_REQUIRE_PG is set but HOURBANK_TEST_PG_URL is not");
                }
                eprintln!("!!! SKIPPED on PostgreSQL: HOURBANK_TEST_PG_URL is not set (`./dev test` sets it)");
                return None;
            };
            sqlx::any::install_default_drivers();
            let name = format!("hb_test_{}", random_suffix());
            let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url).await.unwrap();
            sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str()).await.unwrap();
            let (prefix, _) = admin_url.rsplit_once('/').unwrap();
            Some(format!("{prefix}/{name}"))
        }
    }
}

impl TestApp {
    /// `None` (with a loud message) when PostgreSQL is not available and not required.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with_clock(backend, hourbank_server::clock::Clock::system()).await
    }

    /// The same, reading the time from `clock` (a fixed one walks the calendar).
    pub async fn spawn_with_clock(backend: Backend, clock: hourbank_server::clock::Clock) -> Option<TestApp> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<!doctype html><title>hourbank</title>SPA").unwrap();
        let url = database_url(backend, dir.path()).await?;
        let db = Db::connect(&url).await.unwrap();
        let state = AppState::with_clock(dir.path(), db, clock);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let serving = state.clone();
        tokio::spawn(async move { hourbank_server::serve(listener, serving).await.unwrap() });
        Some(TestApp { base, state, client: reqwest::Client::new(), _dir: dir })
    }

    /// An organisation on «Старт» whose contract began on the 1st of `start`'s month.
    pub async fn org(&self, name: &str, inn: &str, start: &str) -> i64 {
        let start = parse_date("start", start).unwrap();
        let org = NewOrg {
            name: name.into(),
            inn: inn.into(),
            tariff_name: "Старт".into(),
            tariff: Tariff::start(),
            contract: Contract::new(Tariff::start(), start, None).unwrap(),
            vat: Vat::None,
            analyst_id: None,
            warranty_days: hourbank_domain::DEFAULT_WARRANTY_DAYS,
        };
        insert_new_org(&self.state, &org, None).await.unwrap()
    }

    /// A user; returns (id, bearer token).
    pub async fn user(&self, email: &str, role: &str, org: Option<i64>) -> (i64, String) {
        let user = check_new_user(email, email, role, org, None).unwrap();
        let id = insert_user(&self.state, &user, PASSWORD, None).await.unwrap();
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/session",
                None,
                Some(serde_json::json!({"email": email, "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (id, body["token"].as_str().unwrap().to_string())
    }

    /// Calls the API; returns the status and the body as JSON (Null when empty or not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (status, text) = self.call_text(method, path, token, body).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn call_text(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, String) {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// POSTs with an `Idempotency-Key`, as the portal sends every write.
    pub async fn post_keyed_response(&self, path: &str, token: &str, key: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("idempotency-key", key)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// [`TestApp::post_keyed_response`]'s status, `idempotent-replayed` header and body.
    pub async fn post_keyed(
        &self,
        path: &str,
        token: &str,
        key: &str,
        body: &Value,
    ) -> (StatusCode, Option<String>, Value) {
        let response = self.post_keyed_response(path, token, key, body).await;
        let status = response.status();
        let replayed = response.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap().to_string());
        (status, replayed, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }
}

/// Declares each listed `async fn name(app: TestApp)` as a test on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = super::support::TestApp::spawn(super::support::Backend::Sqlite).await.unwrap();
                    super::$name(app).await
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = super::support::TestApp::spawn(super::support::Backend::Postgres).await {
                        super::$name(app).await
                    }
                }
            )*
        }
    };
}
