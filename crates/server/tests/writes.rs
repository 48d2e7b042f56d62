//! The writes that come in thousands a second (a new task, a new work log) run as one transaction
//! in one round trip: each is audited with its new id, and one that fails stores nothing and
//! leaves every connection usable.

mod support;

use futures::FutureExt;
use hourbank_server::clock::{business_period, business_today};
use hourbank_server::db::Arg;
use hourbank_server::store::{insert_audited, Audit};
use reqwest::StatusCode;
use serde_json::json;
use support::TestApp;

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(app.state.db().pool()).await.unwrap()
}

async fn new_task_and_work_are_audited_with_their_ids(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (client_id, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let (specialist_id, specialist) = app.user("s@hb.test", "specialist", None).await;
    let (_, admin) = app.user("a@hb.test", "admin", None).await;
    let audited = count(&app, "audit_log").await;
    let (s, b) = app.post("/api/v1/tasks", &client, json!({"title": "Отчёт", "description": "Сделайте"})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let task = b["task"]["id"].as_i64().unwrap();
    let (_, audit) = app.get("/api/v1/audit", &admin).await;
    let entry = &audit["entries"][0];
    assert_eq!(
        (entry["action"].as_str(), entry["entity"].as_str(), entry["entity_id"].as_i64()),
        (Some("create"), Some("task"), Some(task))
    );
    assert_eq!((entry["user_id"].as_i64(), entry["org_id"].as_i64()), (Some(client_id), Some(org)));
    assert_eq!(entry["after"], json!({"title": "Отчёт", "description": "Сделайте", "state": "new"}));

    // Work is logged on a task in work.
    sqlx::query("UPDATE tasks SET state = 'in_work' WHERE id = $1")
        .bind(task)
        .execute(app.state.db().pool())
        .await
        .unwrap();
    let today = business_today().to_string();
    let body = json!({"date": today, "hours": "1.5", "description": "Разработка"});
    let (s, b) = app.post(&format!("/api/v1/tasks/{task}/worklogs"), &specialist, body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let log = b["worklog"]["id"].as_i64().unwrap();
    let (_, audit) = app.get("/api/v1/audit", &admin).await;
    let entry = &audit["entries"][0];
    assert_eq!(
        (entry["action"].as_str(), entry["entity"].as_str(), entry["entity_id"].as_i64()),
        (Some("create"), Some("worklog"), Some(log))
    );
    assert_eq!((entry["user_id"].as_i64(), entry["org_id"].as_i64()), (Some(specialist_id), Some(org)));
    assert_eq!(entry["after"], json!({"task_id": task, "date": today, "hours": "1.5", "description": "Разработка"}));
    assert_eq!(
        (count(&app, "tasks").await, count(&app, "worklogs").await, count(&app, "audit_log").await),
        (1, 1, audited + 2)
    );
}

async fn a_failed_write_stores_nothing_and_leaves_connections_usable(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (user, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let audited = count(&app, "audit_log").await;
    // No such organisation: the insert fails inside the transaction, after it began.
    let failed = insert_audited(
        app.state.db(),
        "INSERT INTO tasks (org_id, title, description, state, created_by, created_at, updated_at) \
         VALUES ($1, 'x', 'x', 'new', $2, 'now', 'now') RETURNING id",
        &[Arg::Int(999_999), Arg::Int(user)],
        Audit { user_id: Some(user), org_id: Some(999_999), action: "create", entity: "task", ..Default::default() },
        None,
    )
    .await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!((count(&app, "tasks").await, count(&app, "audit_log").await), (0, audited));
    // More writes than the pool has connections: none finds a transaction left open.
    for i in 0..20 {
        let (s, b) =
            app.post("/api/v1/tasks", &client, json!({"title": format!("Задача {i}"), "description": "x"})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    assert_eq!((count(&app, "tasks").await, count(&app, "audit_log").await), (20, audited + 20));
}

async fn a_write_whose_caller_goes_away_is_all_or_nothing(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (user, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let audited = count(&app, "audit_log").await;
    let insert = "INSERT INTO tasks (org_id, title, description, state, created_by, created_at, updated_at) \
                  VALUES ($1, 'x', 'x', 'new', $2, 'now', 'now') RETURNING id";
    let args = [Arg::Int(org), Arg::Int(user)];
    let entry =
        || Audit { user_id: Some(user), org_id: Some(org), action: "create", entity: "task", ..Default::default() };
    // A first write opens the writer's connection; the next is polled once (its script handed to
    // SQLite's worker thread), then dropped, as when a client hangs up mid-request.
    insert_audited(app.state.db(), insert, &args, entry(), None).await.unwrap().unwrap();
    let _ = insert_audited(app.state.db(), insert, &args, entry(), None).now_or_never();
    // The writes after it go through, whichever way it ended…
    insert_audited(app.state.db(), insert, &args, entry(), None).await.unwrap().unwrap();
    let (s, b) = app.post("/api/v1/tasks", &client, json!({"title": "После", "description": "x"})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // …and it left a task with its audit row, or neither.
    let tasks = count(&app, "tasks").await;
    assert!(tasks == 3 || tasks == 4, "{tasks}");
    assert_eq!(count(&app, "audit_log").await, audited + tasks);
}

/// A conditional insert that stores nothing (work on a task accepted a moment ago) writes no audit
/// row and says so; the next write is unaffected.
async fn a_conditional_insert_that_stores_nothing_audits_nothing(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (user, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let (s, created) = app.post("/api/v1/tasks", &client, json!({"title": "Задача", "description": "x"})).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let task = created["task"]["id"].as_i64().unwrap();
    let audited = count(&app, "audit_log").await;
    let insert = "INSERT INTO worklogs (task_id, org_id, user_id, work_date, hours, description, created_at) \
                  SELECT $1, $2, $3, '2026-01-01', 100, 'x', 'now' \
                  WHERE EXISTS (SELECT 1 FROM tasks WHERE id = $1 AND state = $4) RETURNING id";
    let entry =
        || Audit { user_id: Some(user), org_id: Some(org), action: "create", entity: "worklog", ..Default::default() };
    // The task is `new`; the work was checked against `in_work`.
    let stale = [Arg::Int(task), Arg::Int(org), Arg::Int(user), Arg::Text("in_work")];
    assert_eq!(insert_audited(app.state.db(), insert, &stale, entry(), None).await.unwrap(), None);
    assert_eq!((count(&app, "worklogs").await, count(&app, "audit_log").await), (0, audited));
    let current = [Arg::Int(task), Arg::Int(org), Arg::Int(user), Arg::Text("new")];
    let id = insert_audited(app.state.db(), insert, &current, entry(), None).await.unwrap();
    assert!(id.is_some());
    assert_eq!((count(&app, "worklogs").await, count(&app, "audit_log").await), (1, audited + 1));
}

db_tests!(
    a_conditional_insert_that_stores_nothing_audits_nothing,
    a_write_whose_caller_goes_away_is_all_or_nothing,
    new_task_and_work_are_audited_with_their_ids,
    a_failed_write_stores_nothing_and_leaves_connections_usable
);

/// A PostgreSQL server with a client, several connections open (kept ones, the session's and the
/// lists' reads; pooled ones, the tariffs'), all then terminated by the database; none if no
/// PostgreSQL is configured.
async fn server_whose_connections_the_database_dropped() -> Option<(TestApp, String)> {
    let app = TestApp::spawn(support::Backend::Postgres).await?;
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (_, client) = app.user("c@romashka.test", "client", Some(org)).await;
    for path in ["/api/v1/tasks", "/api/v1/tariffs"] {
        let answers = futures::future::join_all((0..8).map(|_| app.get(path, &client))).await;
        assert!(answers.iter().all(|(s, _)| *s == StatusCode::OK), "{answers:?}");
    }
    let database: String =
        sqlx::query_scalar("SELECT current_database()::text").fetch_one(app.state.db().pool()).await.unwrap();
    let admin_url = std::env::var("HOURBANK_TEST_PG_URL").unwrap();
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url).await.unwrap();
    let dropped: Vec<bool> =
        sqlx::query_scalar("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname::text = $1")
            .bind(&database)
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert!(dropped.len() >= 2 && dropped.iter().all(|d| *d), "{dropped:?}");
    Some((app, client))
}

/// A pooled connection is pinged only after an idle spell (sqlx's ping at every checkout was a
/// third round trip for each statement). One the database dropped meanwhile (a restart, an
/// administrator, a proxy's timeout) is found by that ping and replaced: no request fails for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_the_database_dropped_while_idle_are_replaced() {
    let Some((app, client)) = server_whose_connections_the_database_dropped().await else { return };
    tokio::time::sleep(hourbank_server::db::PING_AFTER_IDLE + std::time::Duration::from_millis(300)).await;
    for _ in 0..12 {
        let (status, body) = app.get("/api/v1/tasks", &client).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = app.post("/api/v1/tasks", &client, json!({"title": "После", "description": "обрыва"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// A connection the database dropped a moment ago (a restart, a failover) is not yet due for its
/// ping. The session's read, the first statement of every request, finds it dead and runs again on
/// a new connection: neither reads nor the writes behind them fail for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_right_after_the_database_dropped_its_connections_succeed() {
    let Some((app, client)) = server_whose_connections_the_database_dropped().await else { return };
    for round in 0..12 {
        let key = format!("after-drop-{round}");
        let task = json!({"title": "Сразу после", "description": "обрыва"});
        let (status, _, body) = app.post_keyed("/api/v1/tasks", &client, &key, &task).await;
        assert_eq!(status, StatusCode::CREATED, "round {round}: {body}");
        let (status, body) = app.get("/api/v1/tasks", &client).await;
        assert_eq!(status, StatusCode::OK, "round {round}: {body}");
        // Through sqlx's pool, whose connections the database closed too.
        let (status, body) = app.get("/api/v1/tariffs", &client).await;
        assert_eq!(status, StatusCode::OK, "round {round}: {body}");
    }
}
