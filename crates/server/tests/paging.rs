//! Lists that grow without end come a page at a time (`limit`, then `before` = the answer's
//! `next_before`): tasks, consultations and instructions, newest first, each item once, within
//! the caller's scope, with searches that span more rows than a page.

mod support;

use hourbank_server::clock::{business_period, business_today};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::TestApp;

/// Every page of `path` (which has a `?`), `limit` at a time: the ids in order, and the pages' sizes.
async fn all_pages(app: &TestApp, path: &str, list: &str, token: &str, limit: usize) -> (Vec<i64>, Vec<usize>) {
    let (mut ids, mut sizes, mut before) = (Vec::new(), Vec::new(), None::<i64>);
    loop {
        let page = match before {
            Some(b) => format!("{path}&limit={limit}&before={b}"),
            None => format!("{path}&limit={limit}"),
        };
        let (status, body) = app.get(&page, token).await;
        assert_eq!(status, StatusCode::OK, "{page}: {body}");
        let items = body[list].as_array().unwrap();
        sizes.push(items.len());
        ids.extend(items.iter().map(|t| t["id"].as_i64().unwrap()));
        match body["next_before"].as_i64() {
            Some(next) => {
                assert_eq!(Some(next), ids.last().copied(), "the cursor is the page's last item");
                before = Some(next);
            }
            None => return (ids, sizes),
        }
        assert!(sizes.len() < 100, "pages never end");
    }
}

async fn tasks_come_a_page_at_a_time(app: TestApp) {
    let start = format!("{}-01", business_period());
    let org = app.org("ООО «Ромашка»", "7707083893", &start).await;
    let other = app.org("ООО «Лютик»", "500100732259", &start).await;
    let (_, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let (_, other_client) = app.user("c@lutik.test", "client", Some(other)).await;
    let (_, analyst) = app.user("a@hb.test", "analyst", None).await;
    let mut created = Vec::new();
    for i in 0..7 {
        // Every third task mentions «Склад», in Cyrillic capitals the search must fold.
        let title =
            if i % 3 == 0 { format!("СКЛАД: отчёт {i}") } else { format!("Печатная форма {i}") };
        let (s, t) = app.post("/api/v1/tasks", &client, json!({"title": title, "description": "x"})).await;
        assert_eq!(s, StatusCode::CREATED);
        created.push(t["task"]["id"].as_i64().unwrap());
        app.post("/api/v1/tasks", &other_client, json!({"title": format!("Чужая {i}"), "description": "склад"})).await;
    }
    let newest_first: Vec<i64> = created.iter().rev().copied().collect();

    let (ids, sizes) = all_pages(&app, "/api/v1/tasks?", "tasks", &client, 3).await;
    assert_eq!(ids, newest_first, "each of the client's tasks once, newest first, none of the other's");
    assert_eq!(sizes, vec![3, 3, 1]);
    // A page that ends exactly at the last task says so: no empty page after it.
    let (_, sizes) = all_pages(&app, "/api/v1/tasks?", "tasks", &client, 7).await;
    assert_eq!(sizes, vec![7]);
    // A search reads past pages of rows that do not match.
    let (ids, sizes) = all_pages(&app, "/api/v1/tasks?q=%D1%81%D0%BA%D0%BB%D0%B0%D0%B4", "tasks", &client, 2).await;
    assert_eq!(ids, vec![created[6], created[3], created[0]]);
    assert_eq!(sizes, vec![2, 1]);
    // Staff see both organisations, and several states at once.
    let (ids, _) = all_pages(&app, "/api/v1/tasks?state=new,estimated", "tasks", &analyst, 5).await;
    assert_eq!(ids.len(), 14);
    let (s, none) = app.get("/api/v1/tasks?state=estimated,testing", &analyst).await;
    assert_eq!((s, none["tasks"].as_array().unwrap().len(), &none["next_before"]), (StatusCode::OK, 0, &Value::Null));
    // Without a limit: the first 100.
    let (_, first) = app.get("/api/v1/tasks", &client).await;
    assert_eq!(first["tasks"].as_array().unwrap().len(), 7);
    // Blank parameters (a form's empty fields) are parameters not given, as the document says.
    let (s, blank) = app.get("/api/v1/tasks?org=&state=&month=&q=&assignee=&limit=&before=", &client).await;
    assert_eq!((s, blank["tasks"].as_array().unwrap().len()), (StatusCode::OK, 7), "{blank}");

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=x", "limit"),
        ("before=0", "before"),
        ("state=new,sleeping", "state"),
    ] {
        let (s, body) = app.get(&format!("/api/v1/tasks?{query}"), &client).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
}

async fn consultations_and_instructions_come_a_page_at_a_time(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (_, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let (_, specialist) = app.user("s@hb.test", "specialist", None).await;
    let (_, task) = app.post("/api/v1/tasks", &client, json!({"title": "Обмен", "description": "x"})).await;
    let task = task["task"]["id"].as_i64().unwrap();
    let (mut talks, mut notes) = (Vec::new(), Vec::new());
    for i in 0..5 {
        let body = json!({"org_id": org, "channel": "phone", "date": business_today().to_string(),
                          "duration": "0.25", "topic": format!("Вопрос {i}"), "billable": false});
        let (s, c) = app.post("/api/v1/consultations", &specialist, body).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        talks.push(c["consultation"]["id"].as_i64().unwrap());
        let title = if i % 2 == 0 { format!("ОБМЕН с банком {i}") } else { format!("Печать {i}") };
        let (s, n) = app
            .post(
                &format!("/api/v1/tasks/{task}/instructions"),
                &specialist,
                json!({"title": title, "markdown": "Шаги"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{n}");
        notes.push(n["instruction"]["id"].as_i64().unwrap());
    }
    talks.reverse();
    notes.reverse();
    let (ids, sizes) = all_pages(&app, "/api/v1/consultations?", "consultations", &client, 2).await;
    assert_eq!((ids, sizes), (talks.clone(), vec![2, 2, 1]));
    let (ids, _) =
        all_pages(&app, &format!("/api/v1/consultations?month={}", business_period()), "consultations", &client, 4)
            .await;
    assert_eq!(ids, talks);
    let (ids, sizes) = all_pages(&app, "/api/v1/instructions?", "instructions", &client, 2).await;
    assert_eq!((ids, sizes), (notes.clone(), vec![2, 2, 1]));
    let (ids, _) =
        all_pages(&app, "/api/v1/instructions?q=%D0%BE%D0%B1%D0%BC%D0%B5%D0%BD", "instructions", &client, 1).await;
    assert_eq!(ids, vec![notes[0], notes[2], notes[4]]);
    for path in ["/api/v1/consultations?limit=500", "/api/v1/instructions?limit=-1"] {
        let (s, body) = app.get(path, &client).await;
        assert_eq!(
            (s, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("limit")),
            "{path}"
        );
    }
}

db_tests!(tasks_come_a_page_at_a_time, consultations_and_instructions_come_a_page_at_a_time);
