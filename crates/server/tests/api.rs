//! The API on a real listener (port 0), as a client sees it.

use hourbank_server::AppState;
use serde_json::Value;

struct TestApp {
    base: String,
    client: reqwest::Client,
    state: AppState,
    _dist: tempfile::TempDir,
}

/// Starts the server on a free port with a small stand-in `dist/`.
async fn spawn_app() -> TestApp {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html><title>hourbank</title>SPA").unwrap();
    std::fs::write(dist.path().join("app.wasm"), b"\0asm").unwrap();
    std::fs::create_dir(dist.path().join("portal")).unwrap();
    std::fs::write(dist.path().join("portal/index.html"), "<!doctype html><title>hourbank</title>PORTAL").unwrap();
    let db = hourbank_server::Db::connect(&format!("sqlite://{}/test.db", dist.path().display())).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(dist.path(), db);
    let serving = state.clone();
    tokio::spawn(async move { hourbank_server::serve(listener, serving).await.unwrap() });
    TestApp { base, client: reqwest::Client::new(), state, _dist: dist }
}

impl TestApp {
    async fn post_json(&self, path: &str, body: &str) -> (u16, String, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let content_type = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let body = r.json().await.unwrap_or(Value::Null);
        (status, content_type, body)
    }
}

#[tokio::test]
async fn health_answers_with_the_database_and_a_request_id() {
    let app = spawn_app().await;
    let r = app.client.get(format!("{}/api/v1/health", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-request-id"].len(), 36);
    let body = r.json::<Value>().await.unwrap();
    assert_eq!((body["status"].as_str(), body["database"].as_str()), (Some("ok"), Some("ok")));
}

#[tokio::test]
async fn simulate_returns_the_statement() {
    let app = spawn_app().await;
    let (status, _, body) = app
        .post_json(
            "/api/v1/simulate",
            r#"{"start": "2027-01-01", "months": ["3", "12.5", 0, 7.25, 20, 25], "vat": {"mode": "on_top"}}"#,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let months = body["months"].as_array().unwrap();
    assert_eq!(months.len(), 6);
    assert_eq!(months[0]["phase"], "trial");
    assert_eq!(months[0]["extra_charge"], "6000.00");
    assert_eq!(months[0]["vat"], "1320.00");
    assert_eq!(months[2]["reserve_end"], "10");
    assert_eq!(months[3]["reserve_forfeited"], "2.75");
    assert_eq!(months[4]["total"], "20000.00");
    assert_eq!(months[5]["extra_hours"], "15");
    // 6000 + 25000 + 20000 × 3 + 50000
    assert_eq!(body["summary"]["total"], "141000.00");
    assert_eq!(body["summary"]["hours"], "67.75");
    assert_eq!(body["summary"]["total_with_vat"], "172020.00");
}

#[tokio::test]
async fn no_hours_give_a_null_effective_rate() {
    let app = spawn_app().await;
    let (status, _, body) = app.post_json("/api/v1/simulate", r#"{"start": "2027-01-01", "months": [0]}"#).await;
    assert_eq!(status, 200);
    assert_eq!(body["summary"]["effective_rate"], Value::Null);
}

#[tokio::test]
async fn bad_input_is_a_422_naming_the_field() {
    let app = spawn_app().await;
    let cases = [
        (r#"{"start": "2027-01-01", "months": [1, -2]}"#, "months[1]", "must not be negative"),
        (r#"{"start": "2027-01-01", "months": ["1.234"]}"#, "months[0]", "must have at most two decimal places"),
        (r#"{"start": "2027-01-01", "months": [800]}"#, "months[0]", "must be at most 744"),
        (
            r#"{"start": "2027-13-01", "months": []}"#,
            "start",
            "is not a valid date (expected YYYY-MM-DD): \"2027-13-01\"",
        ),
        (r#"{"start": "2027-01-01", "months": [], "x": 1}"#, "x", "unknown field"),
        // A year off the calendar's edge (its months would read 10000-01) is well formed: the
        // message names the rule, the century.
        (r#"{"start": "9999-12-01", "months": ["1", "1"]}"#, "start", "must be in the years 2000 to 2099"),
        (r#"{"start": "1999-12-31", "months": ["1"]}"#, "start", "must be in the years 2000 to 2099"),
        (
            r#"{"start": "2027-01-01", "months": [], "vat": {"mode": "maybe"}}"#,
            "vat.mode",
            "unknown value \"maybe\", expected one of: none, included, on_top",
        ),
    ];
    for (body, field, message) in cases {
        let (status, content_type, problem) = app.post_json("/api/v1/simulate", body).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(problem["status"], 422);
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
        assert_eq!(problem["errors"][0]["message"], message, "{body}");
        assert!(!problem["errors"][0]["message_ru"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn malformed_and_oversize_bodies_get_the_problem_shape() {
    let app = spawn_app().await;
    let (status, content_type, problem) = app.post_json("/api/v1/simulate", "{not json").await;
    assert_eq!((status, content_type.as_str()), (400, "application/problem+json"));
    assert!(problem["detail"].as_str().unwrap().starts_with("invalid JSON"));

    let r = app.client.post(format!("{}/api/v1/simulate", app.base)).body("{}").send().await.unwrap();
    assert_eq!(r.status(), 415);

    // A name given twice (here inside an object) is refused, naming it: read as the last one,
    // the body would not say what it seems to.
    let twice = r#"{"start": "2027-01-01", "months": ["10"], "tariff": {"fee": "1", "fee": "2"}}"#;
    let (status, _, problem) = app.post_json("/api/v1/simulate", twice).await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("the field \"fee\" is given twice"), "{problem}");
    let numbers = r#"{"start": "2027-01-01", "months": [10, 12.5, {"a": 1, "b": [1, 2.5]}]}"#;
    let (status, _, problem) = app.post_json("/api/v1/simulate", numbers).await;
    assert_ne!(status, 400, "numbers and nested objects with distinct names read: {problem}");

    let huge = format!(r#"{{"start": "2027-01-01", "months": [{}0]}}"#, "0,".repeat(800_000));
    let (status, content_type, problem) = app.post_json("/api/v1/simulate", &huge).await;
    assert_eq!((status, content_type.as_str()), (413, "application/problem+json"));
    assert_eq!(problem["status"], 413);
}

#[tokio::test]
async fn the_spa_is_served_with_deep_links_and_api_misses_are_json() {
    let app = spawn_app().await;
    // Each entry point answers its own client routes; any other address is «не найдено», 404.
    for (path, status, page) in [
        ("/", 200, "SPA"),
        ("/portal/", 200, "PORTAL"),
        ("/portal/tasks/12", 200, "PORTAL"),
        ("/portal/../index.html", 200, "SPA"),
        ("/calculator", 404, "Страница не найдена"),
        ("/nothing/here", 404, "Страница не найдена"),
        ("/portal.html", 404, "Страница не найдена"),
    ] {
        let r = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(r.status(), status, "{path}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains(page), "{path}: {body}");
    }
    let r = app.client.get(format!("{}/app.wasm", app.base)).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/wasm");
    let r = app.client.get(format!("{}/api/v1/nothing", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

/// A browser without a session cookie gets the portal's page with the sign-in form as its frame
/// (when the build made one); one with a session cookie, the ordinary page; the answer varies by
/// cookie, so neither is answered from the other's copy.
#[tokio::test]
async fn the_portal_page_without_a_session_is_the_sign_in_page() {
    let app = spawn_app().await;
    let sign_in = app._dist.path().join("portal").join(hourbank_server::http::assets::SIGN_IN_PAGE);
    std::fs::write(&sign_in, "<!doctype html><title>hourbank</title>SIGN-IN").unwrap();
    for (path, cookie, page) in [
        ("/portal/", None, "SIGN-IN"),
        ("/portal/tasks/12", None, "SIGN-IN"),
        ("/portal/login", Some("theme=dark"), "SIGN-IN"),
        ("/portal/", Some("hb_session=abc"), "PORTAL"),
        ("/portal/tasks/12", Some("theme=dark; __Host-hb_session=abc"), "PORTAL"),
        ("/", None, "SPA"),
    ] {
        let mut request = app.client.get(format!("{}{path}", app.base));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let r = request.send().await.unwrap();
        assert_eq!(r.status(), 200, "{path} {cookie:?}");
        let vary: Vec<String> =
            r.headers().get_all("vary").iter().map(|v| v.to_str().unwrap().to_ascii_lowercase()).collect();
        assert_eq!(vary.iter().any(|v| v.contains("cookie")), path.starts_with("/portal"), "{path}: {vary:?}");
        assert!(r.text().await.unwrap().contains(page), "{path} {cookie:?}");
    }
    // A build without the sign-in page: the ordinary one for everybody.
    std::fs::remove_file(&sign_in).unwrap();
    let r = app.client.get(format!("{}/portal/", app.base)).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("PORTAL"));
}

/// Every answer carries the security headers: a CSP without inline scripts (Trunk's loader is
/// allowed by its hash), no framing, no sniffing, a strict referrer; the API's answers are never
/// stored by a cache; HSTS once the server is told it is behind HTTPS.
#[tokio::test]
async fn security_headers_on_pages_and_answers() {
    let app = spawn_app().await;
    for path in ["/", "/portal/tasks/1", "/api/v1/health", "/api/openapi.json", "/api/v1/nothing-here"] {
        let response = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        let h = response.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        let scripts = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(!scripts.contains("unsafe-inline") && scripts.contains("'wasm-unsafe-eval'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(h.get("strict-transport-security").is_none(), "{path}");
        if path.starts_with("/api/v1/") {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
    }
    // A wasm file is governed by no policy: it goes without one (700 bytes less per download),
    // with the other headers.
    let response = app.client.get(format!("{}/app.wasm", app.base)).send().await.unwrap();
    assert!(response.headers().get("content-security-policy").is_none());
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    // An SVG, which a browser runs as a document when opened by its address, allows nothing.
    std::fs::write(app.state.dist().join("icon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let response = app.client.get(format!("{}/icon.svg", app.base)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-security-policy"],
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    );
    app.state.set_behind_https(true);
    let response = app.client.get(format!("{}/", app.base)).send().await.unwrap();
    assert!(response.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
}

/// Trunk's inline loader is allowed by the SHA-256 of its text, and nothing else inline is.
#[tokio::test]
async fn inline_scripts_of_the_built_pages_are_allowed_by_hash() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dist.path().join("portal")).unwrap();
    std::fs::write(dist.path().join("index.html"), "<script type=module>console.log(1)</script>").unwrap();
    std::fs::write(dist.path().join("portal/index.html"), "<script type=module>console.log(2)</script>").unwrap();
    let csp = hourbank_server::http::security::content_security_policy(dist.path());
    // echo -n 'console.log(1)' | openssl dgst -sha256 -binary | base64
    assert!(csp.contains("'sha256-CihokcEcBW4atb/CW/XWsvWwbTjqwQlE9nj9ii5ww5M='"), "{csp}");
    assert_eq!(csp.matches("'sha256-").count(), 2, "{csp}");
}

/// A `dist` rebuilt under a running server (a deploy swapping files, `./dev build` beside
/// `./dev run`): its pages' new loaders are allowed at once, or the apps would not start.
#[tokio::test]
async fn a_rebuilt_dist_gets_its_new_loaders_allowed_without_a_restart() {
    let app = spawn_app().await;
    let page = app._dist.path().join("index.html");
    std::fs::write(&page, "<script type=module>console.log(1)</script>").unwrap();
    let policy = |app: &TestApp| {
        let (client, url) = (app.client.clone(), format!("{}/", app.base));
        async move {
            let response = client.get(url).send().await.unwrap();
            response.headers()["content-security-policy"].to_str().unwrap().to_string()
        }
    };
    // echo -n 'console.log(1)' | openssl dgst -sha256 -binary | base64
    let first = "'sha256-CihokcEcBW4atb/CW/XWsvWwbTjqwQlE9nj9ii5ww5M='";
    assert!(policy(&app).await.contains(first));
    std::fs::write(&page, "<script type=module>console.log(22)</script>").unwrap();
    let csp = policy(&app).await;
    assert!(!csp.contains(first), "{csp}");
    assert_eq!(csp.matches("'sha256-").count(), 1, "{csp}");
    // And the API's answers carry the policy as last computed.
    let response = app.client.get(format!("{}/api/v1/health", app.base)).send().await.unwrap();
    assert_eq!(response.headers()["content-security-policy"].to_str().unwrap(), csp);
}
