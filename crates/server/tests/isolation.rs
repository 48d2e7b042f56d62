//! Tenant isolation: a client reaches only its own organisation. Each role × each resource ×
//! another organisation's id is refused, and the refusal carries none of the other's data.
//! Sales see no client data at all.

mod support;

use hourbank_server::clock::business_period;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::TestApp;

const SECRET_TITLE: &str = "Секретная задача Вектора";
const SECRET_ORG: &str = "АО «Вектор»";

struct World {
    a_client: String,
    b_org: i64,
    b_task: i64,
    specialist: String,
    analyst: String,
    sales: String,
}

async fn world(app: &TestApp) -> World {
    let start = format!("{}-01", business_period());
    let a_org = app.org("ООО «Ромашка»", "7707083893", &start).await;
    let b_org = app.org(SECRET_ORG, "7736207543", &start).await;
    let (_, a_client) = app.user("a@romashka.test", "client", Some(a_org)).await;
    let (_, b_client) = app.user("b@vector.test", "client", Some(b_org)).await;
    let (_, analyst) = app.user("analyst@hb.test", "analyst", None).await;
    let (_, specialist) = app.user("spec@hb.test", "specialist", None).await;
    let (_, sales) = app.user("sales@hb.test", "sales", None).await;
    let (status, body) =
        app.post("/api/v1/tasks", &b_client, json!({"title": SECRET_TITLE, "description": "только для Вектора"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let b_task = body["task"]["id"].as_i64().unwrap();
    // Give B's task some work so every resource has data to leak.
    let (s, _) = app
        .post(&format!("/api/v1/tasks/{b_task}/worklogs"), &specialist, json!({"date": hourbank_server::clock::business_today().to_string(), "hours": "2", "description": "секретная работа"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    World { a_client, b_org, b_task, specialist, analyst, sales }
}

/// Every resource of organisation B, as (method, path, body).
fn b_resources(w: &World) -> Vec<(Method, String, Option<Value>)> {
    let (t, o, p) = (w.b_task, w.b_org, business_period());
    vec![
        (Method::GET, format!("/api/v1/tasks/{t}"), None),
        (Method::GET, format!("/api/v1/tasks/{t}/worklogs"), None),
        (
            Method::POST,
            format!("/api/v1/tasks/{t}/worklogs"),
            Some(json!({"date": "2020-01-01", "hours": "1", "description": "x"})),
        ),
        (Method::POST, format!("/api/v1/tasks/{t}/transitions"), Some(json!({"action": "cancel"}))),
        (Method::PUT, format!("/api/v1/tasks/{t}/assignee"), Some(json!({"user_id": null}))),
        (Method::GET, format!("/api/v1/orgs/{o}"), None),
        (Method::GET, format!("/api/v1/reports/{p}?org={o}"), None),
        (Method::GET, format!("/api/v1/reports/{p}.csv?org={o}"), None),
        (Method::GET, format!("/api/v1/reports?org={o}"), None),
        (Method::GET, format!("/api/v1/statements?org={o}"), None),
        (Method::POST, format!("/api/v1/reports/{p}/close?org={o}"), Some(json!({}))),
        (
            Method::POST,
            "/api/v1/tasks".to_string(),
            Some(json!({"title": "в чужую организацию", "description": "x", "org_id": o})),
        ),
    ]
}

async fn a_client_reaches_nothing_of_another_organisation(app: TestApp) {
    let w = world(&app).await;
    for (method, path, body) in b_resources(&w) {
        let (status, text) = app.call_text(method.clone(), &path, Some(&w.a_client), body).await;
        assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY),
            "{method} {path}: {status} {text}"
        );
        for secret in [SECRET_TITLE, SECRET_ORG, "секретная работа", "7736207543"] {
            assert!(!text.contains(secret), "{method} {path} leaks {secret:?}: {text}");
        }
    }
    // Lists never include another organisation's rows, whatever the filters say.
    for path in
        ["/api/v1/tasks", &format!("/api/v1/tasks?org={}", w.b_org), "/api/v1/tasks?assignee=me", "/api/v1/orgs"]
    {
        let (status, text) = app.call_text(Method::GET, path, Some(&w.a_client), None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!text.contains(SECRET_TITLE) && !text.contains(SECRET_ORG), "{path} leaks: {text}");
    }
    // Nothing was changed by the refused writes.
    let (_, task) = app.get(&format!("/api/v1/tasks/{}", w.b_task), &w.analyst).await;
    assert_eq!(task["task"]["state"], "new");
    assert_eq!(task["worklogs"].as_array().unwrap().len(), 1);
    assert!(task["task"]["assignee_id"].is_null(), "{task}");
    // Nor may a client list the staff.
    assert_eq!(app.get("/api/v1/users", &w.a_client).await.0, StatusCode::FORBIDDEN);
}

async fn sales_see_no_client_data(app: TestApp) {
    let w = world(&app).await;
    for (method, path, body) in b_resources(&w) {
        let (status, text) = app.call_text(method.clone(), &path, Some(&w.sales), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {text}");
        assert!(!text.contains(SECRET_TITLE) && !text.contains(SECRET_ORG), "{path} leaks: {text}");
    }
    for path in ["/api/v1/tasks", "/api/v1/orgs"] {
        assert_eq!(app.get(path, &w.sales).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    // The calculator stays open to them.
    let (status, _) = app.post("/api/v1/simulate", &w.sales, json!({"start": "2027-01-01", "months": [1]})).await;
    assert_eq!(status, StatusCode::OK);
}

async fn staff_reach_every_organisation(app: TestApp) {
    let w = world(&app).await;
    for token in [&w.analyst, &w.specialist] {
        let (status, task) = app.get(&format!("/api/v1/tasks/{}", w.b_task), token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(task["task"]["title"], SECRET_TITLE);
        let (status, _) = app.get(&format!("/api/v1/reports/{}?org={}", business_period(), w.b_org), token).await;
        assert_eq!(status, StatusCode::OK);
    }
    // Without a session nothing is reachable.
    for (method, path, body) in b_resources(&w) {
        let (status, _) = app.call(method.clone(), &path, None, body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
}

db_tests!(a_client_reaches_nothing_of_another_organisation, sales_see_no_client_data, staff_reach_every_organisation);

mod tariffs {
    use super::support::{Backend, TestApp};
    use reqwest::StatusCode;
    use serde_json::json;

    /// Sales work with tariffs: they list and add them; clients only read them.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sales_manage_the_tariff_catalogue() {
        let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
        let org = app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await;
        let (_, sales) = app.user("sales@hb.test", "sales", None).await;
        let (_, client) = app.user("c@romashka.test", "client", Some(org)).await;
        let (s, b) = app
            .post(
                "/api/v1/tariffs",
                &sales,
                json!({"name": "Бизнес", "terms": {"monthly_fee": "45000", "included_hours": "25"}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["terms"]["overage_rate"], "2000.00");
        let (s, b) = app.post("/api/v1/tariffs", &sales, json!({"name": "Бизнес", "terms": {}})).await;
        assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")));
        // Nor a name that reads as one already there: the catalogue is the public offer.
        for twin in ["C\u{442}арт", "Ст\u{200b}арт", "старт ", "Бизнеc", "БИЗНЕС"] {
            let (s, b) = app.post("/api/v1/tariffs", &sales, json!({"name": twin, "terms": {}})).await;
            assert_eq!(
                (s, b["errors"][0]["field"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some("name")),
                "{twin}: {b}"
            );
        }
        let (s, b) =
            app.post("/api/v1/tariffs", &sales, json!({"name": "Плохой", "terms": {"monthly_fee": "-1"}})).await;
        assert_eq!(
            (s, b["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("terms.monthly_fee"))
        );
        assert_eq!(
            app.post("/api/v1/tariffs", &client, json!({"name": "Свой", "terms": {}})).await.0,
            StatusCode::FORBIDDEN
        );
        let (s, list) = app.get("/api/v1/tariffs", &client).await;
        assert_eq!(s, StatusCode::OK);
        let names: Vec<&str> =
            list["tariffs"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Старт", "Бизнес"]);
        assert_eq!(list["tariffs"][0]["terms"]["monthly_fee"], "20000.00");
        // The catalogue is the public offer: the calculator shows it to a prospect, no session.
        let (s, public) = app.call(reqwest::Method::GET, "/api/v1/tariffs", None, None).await;
        assert_eq!((s, &public), (StatusCode::OK, &list));
        // The warranty is a term of the tariff: «Старт»'s 30 days, or what sales set.
        assert_eq!(
            (list["tariffs"][0]["warranty_days"].as_i64(), list["tariffs"][1]["warranty_days"].as_i64()),
            (Some(30), Some(30))
        );
        let (s, b) = app
            .post("/api/v1/tariffs", &sales, json!({"name": "Долгая гарантия", "terms": {}, "warranty_days": 90}))
            .await;
        assert_eq!((s, b["warranty_days"].as_i64()), (StatusCode::CREATED, Some(90)), "{b}");
        let (s, b) = app
            .post("/api/v1/tariffs", &sales, json!({"name": "Отрицательная", "terms": {}, "warranty_days": -1}))
            .await;
        assert_eq!(
            (s, b["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("warranty_days")),
            "{b}"
        );
        // A tariff comes off the catalogue by sales' (or an admin's) hand, audited; «Старт» is
        // built in and has no id to remove.
        let id = list["tariffs"][1]["id"].as_i64().unwrap();
        let path = format!("/api/v1/tariffs/{id}");
        assert_eq!(app.call(reqwest::Method::DELETE, &path, Some(&client), None).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.call(reqwest::Method::DELETE, &path, Some(&sales), None).await.0, StatusCode::NO_CONTENT);
        assert_eq!(app.call(reqwest::Method::DELETE, &path, Some(&sales), None).await.0, StatusCode::NOT_FOUND);
        let (_, after) = app.get("/api/v1/tariffs", &client).await;
        assert!(!after.to_string().contains("Бизнес"), "{after}");
        let removed: String =
            sqlx::query_scalar("SELECT before_json FROM audit_log WHERE action = 'delete' AND entity = 'tariff'")
                .fetch_one(app.state.db().pool())
                .await
                .unwrap();
        assert!(removed.contains("Бизнес") && removed.contains("45000.00"), "{removed}");
        // Its name is free again.
        let (s, _) = app.post("/api/v1/tariffs", &sales, json!({"name": "Бизнес", "terms": {}})).await;
        assert_eq!(s, StatusCode::CREATED);
    }
}

/// A search is a few words: a very long one is refused naming `q`, not run.
#[tokio::test]
async fn searches_are_bounded() {
    let app = support::TestApp::spawn(support::Backend::Sqlite).await.unwrap();
    let (_, admin) = app.user("admin@hb.test", "admin", None).await;
    let long = "а".repeat(201);
    for path in ["/api/v1/tasks", "/api/v1/instructions"] {
        let (s, b) = app.get(&format!("{path}?q={long}"), &admin).await;
        assert_eq!(
            (s, b["errors"][0]["field"].as_str()),
            (reqwest::StatusCode::UNPROCESSABLE_ENTITY, Some("q")),
            "{path}: {b}"
        );
        let (s, _) = app.get(&format!("{path}?q={}", "а".repeat(200)), &admin).await;
        assert_eq!(s, reqwest::StatusCode::OK, "{path}");
    }
}
