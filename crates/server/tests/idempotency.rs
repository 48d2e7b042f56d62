//! `Idempotency-Key`: a repeated write returns the first result and stores nothing twice.

mod support;

use hourbank_server::clock::{business_period, business_today};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::TestApp;

async fn post_with_key(
    app: &TestApp,
    path: &str,
    token: &str,
    key: &str,
    body: Value,
) -> (StatusCode, Option<String>, Value) {
    app.post_keyed(path, token, key, &body).await
}

async fn a_repeated_key_returns_the_first_result(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (_, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let (_, specialist) = app.user("s@hb.test", "specialist", None).await;
    let task = json!({"title": "Офлайн-задача", "description": "создана без сети"});
    let (s1, r1, first) = post_with_key(&app, "/api/v1/tasks", &client, "key-1", task.clone()).await;
    let (s2, r2, second) = post_with_key(&app, "/api/v1/tasks", &client, "key-1", task.clone()).await;
    assert_eq!((s1, r1), (StatusCode::CREATED, None));
    assert_eq!((s2, r2.as_deref()), (StatusCode::CREATED, Some("true")));
    assert_eq!(first, second);
    let (_, list) = app.get("/api/v1/tasks", &client).await;
    assert_eq!(list["tasks"].as_array().unwrap().len(), 1, "stored once");

    // The same key for a different request is refused.
    let (s, _, body) =
        post_with_key(&app, "/api/v1/tasks", &client, "key-1", json!({"title": "Другая", "description": "x"})).await;
    assert_eq!((s, body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Idempotency-Key")));
    // Keys are per user: another user's identical key is a new request.
    let id = first["task"]["id"].as_i64().unwrap();
    let log = json!({"date": business_today().to_string(), "hours": "1.5", "description": "работа"});
    let path = format!("/api/v1/tasks/{id}/worklogs");
    let (s, _, _) = post_with_key(&app, &path, &specialist, "key-1", log.clone()).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, replayed, _) = post_with_key(&app, &path, &specialist, "key-1", log).await;
    assert_eq!((s, replayed.as_deref()), (StatusCode::CREATED, Some("true")));
    let (_, logs) = app.get(&path, &client).await;
    assert_eq!(logs["logged"], "1.5");

    // A refused request frees its key: the corrected retry with the same key goes through.
    let (s, _, _) =
        post_with_key(&app, "/api/v1/tasks", &client, "key-2", json!({"title": "", "description": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, replayed, _) =
        post_with_key(&app, "/api/v1/tasks", &client, "key-2", json!({"title": "", "description": "x"})).await;
    assert_eq!((s, replayed), (StatusCode::UNPROCESSABLE_ENTITY, None));
}

/// A key resent with another password is another request: refused, and the first password
/// stands; resent with the same one, the first answer comes back. (Passwords are left out of the
/// fingerprint, and the key was once replayed for any password: an admin was told a user had
/// been created with the password they typed the second time.)
async fn a_key_resent_with_another_password_is_refused(app: TestApp) {
    let (_, admin) = app.user("admin@hb.test", "admin", None).await;
    let user =
        |password: &str| json!({"email": "new@hb.test", "name": "Новый", "role": "analyst", "password": password});
    let (s, replayed, first) = post_with_key(&app, "/api/v1/users", &admin, "user-1", user("the first password")).await;
    assert_eq!((s, replayed), (StatusCode::CREATED, None), "{first}");
    let (s, _, body) = post_with_key(&app, "/api/v1/users", &admin, "user-1", user("another password")).await;
    assert_eq!(
        (s, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("Idempotency-Key")),
        "{body}"
    );
    let (s, replayed, again) = post_with_key(&app, "/api/v1/users", &admin, "user-1", user("the first password")).await;
    assert_eq!((s, replayed.as_deref(), &again), (StatusCode::CREATED, Some("true"), &first));
    let sign_in = |password: &str| {
        app.client
            .post(format!("{}/api/v1/session", app.base))
            .json(&json!({"email": "new@hb.test", "password": password}))
            .send()
    };
    assert_eq!(sign_in("the first password").await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(sign_in("another password").await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

async fn concurrent_repeats_store_once(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (_, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let body = json!({"title": "Гонка", "description": "дважды"});
    let requests = (0..4).map(|_| post_with_key(&app, "/api/v1/tasks", &client, "same", body.clone()));
    // Polled together, so the requests really overlap.
    let results = futures::future::join_all(requests).await;
    assert!(results.iter().all(|(s, _, _)| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{results:?}");
    assert!(results.iter().any(|(s, _, _)| *s == StatusCode::CREATED));
    let (_, list) = app.get("/api/v1/tasks", &client).await;
    assert_eq!(list["tasks"].as_array().unwrap().len(), 1);
}

/// A client that hangs up mid-request (the connection drops, axum drops the request's future) at
/// any point: its retry with the same key must get the first answer or run afresh — never be
/// told "still in progress" for ever — and the task is stored once.
async fn a_request_cut_off_anywhere_leaves_its_key_usable(app: TestApp) {
    use tower::ServiceExt;
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (_, client) = app.user("c@romashka.test", "client", Some(org)).await;
    for polls in 0..40 {
        let key = format!("cut-{polls}");
        let body = json!({"title": format!("Задача {polls}"), "description": "x"}).to_string();
        let request = axum::http::Request::post("/api/v1/tasks")
            .header("authorization", format!("Bearer {client}"))
            .header("idempotency-key", &key)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.clone()))
            .unwrap();
        // Poll the request `polls` times, letting spawned work run in between, then drop it.
        let mut call = Box::pin(hourbank_server::router(app.state.clone()).oneshot(request));
        for _ in 0..polls {
            if futures::poll!(&mut call).is_ready() {
                break;
            }
            tokio::task::yield_now().await;
        }
        drop(call);
        let mut answer = None;
        for _ in 0..200 {
            let (status, _, value) = post_with_key(
                &app,
                "/api/v1/tasks",
                &client,
                &key,
                json!({"title": format!("Задача {polls}"), "description": "x"}),
            )
            .await;
            if status != StatusCode::CONFLICT {
                answer = Some((status, value));
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let (status, value) =
            answer.unwrap_or_else(|| panic!("key {key} still in progress after a cut at poll {polls}"));
        assert_eq!(status, StatusCode::CREATED, "{value}");
        let (_, list) =
            app.get(&format!("/api/v1/tasks?q={}", format!("Задача {polls}").replace(' ', "%20")), &client).await;
        let same: Vec<_> =
            list["tasks"].as_array().unwrap().iter().filter(|t| t["title"] == format!("Задача {polls}")).collect();
        assert_eq!(same.len(), 1, "cut at poll {polls}: stored {} times", same.len());
    }
}

/// Two approvals of the same estimate with one key, at once: the estimate is approved once, and
/// each answer is the first approval's (or "still in progress" while it is being recorded) —
/// never the refusal the second would get on its own ("cannot approve a task in state approved").
async fn concurrent_repeats_of_a_transition_answer_as_the_first(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (_, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let (_, analyst) = app.user("a@hb.test", "analyst", None).await;
    let (_, task) = app.post("/api/v1/tasks", &client, json!({"title": "Отчёт", "description": "x"})).await;
    let id = task["task"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/tasks/{id}/transitions");
    let estimate = json!({"action": "estimate", "specification": "ТЗ", "estimate": "3", "deadline": "2030-01-31"});
    assert_eq!(app.post(&path, &analyst, estimate).await.0, StatusCode::OK);
    let approve = json!({"action": "approve"});
    let results =
        futures::future::join_all((0..4).map(|_| post_with_key(&app, &path, &client, "ok", approve.clone()))).await;
    assert!(results.iter().all(|(s, _, _)| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{results:?}");
    let answers: Vec<&Value> = results.iter().filter(|(s, _, _)| *s == StatusCode::OK).map(|(_, _, v)| v).collect();
    assert!(!answers.is_empty());
    assert!(answers.iter().all(|a| a["task"]["state"] == "in_work"), "{answers:?}");
    let (_, shown) = app.get(&format!("/api/v1/tasks/{id}"), &client).await;
    let approvals = shown["events"].as_array().unwrap().iter().filter(|e| e["action"] == "approve").count();
    assert_eq!(approvals, 1, "{shown}");
}

/// A write stored with its key whose server stopped before recording the answer (a crash between
/// the commit and the answer): a retry is told the write is stored — not run again, not told
/// "in progress" for ever. A key younger than the grace period is still "in progress".
async fn a_write_whose_answer_was_lost_is_not_run_again(app: TestApp) {
    use hourbank_server::http::idempotency::fingerprint;
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (client_id, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let body = json!({"title": "Потерянный ответ", "description": "x"});
    // The layer sits under /api/v1: it sees the path within it.
    let print = fingerprint("POST", "/tasks", body.to_string().as_bytes());
    for (key, age) in [("young", 1), ("old", 120)] {
        let at = hourbank_server::db::instant(chrono::Utc::now() - chrono::Duration::seconds(age));
        sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, method, path, status, body, created_at, request_hash) \
             VALUES ($1, $2, 'POST', '/api/v1/tasks', 0, '', $3, $4)",
        )
        .bind(client_id)
        .bind(key)
        .bind(at)
        .bind(&print)
        .execute(app.state.db().pool())
        .await
        .unwrap();
    }
    let (status, _, answer) = post_with_key(&app, "/api/v1/tasks", &client, "young", body.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    let (status, replayed, answer) = post_with_key(&app, "/api/v1/tasks", &client, "old", body).await;
    assert_eq!((status, replayed.as_deref()), (StatusCode::OK, Some("true")));
    assert_eq!(answer, json!({"stored": true, "answer_lost": true}));
    let (_, list) = app.get("/api/v1/tasks", &client).await;
    assert_eq!(list["tasks"].as_array().unwrap().len(), 0, "neither retry ran the write");
}

/// Sends a keyed POST and reads the answer as text (a replay must give the same bytes).
async fn post_keyed_text(app: &TestApp, path: &str, token: &str, key: &str, body: &Value) -> (StatusCode, String) {
    let response = app.post_keyed_response(path, token, key, body).await;
    (response.status(), response.text().await.unwrap())
}

/// A new task's answer (and a work log's) is known before its write but for the id: on
/// PostgreSQL the write stores it with the key, in the same transaction (the key's row and the
/// task's have one `xmin`), so the request makes no second write; a title that holds the stand-in
/// id's digits takes the usual way (answer recorded after the write). Either way a replay is the
/// first answer, byte for byte.
async fn a_new_tasks_answer_is_stored_by_its_own_write(app: TestApp) {
    use hourbank_server::db::Backend;
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (_, client) = app.user("c@romashka.test", "client", Some(org)).await;
    for (key, title, in_the_write) in
        [("plain", "Печатная форма", true), ("stand-in", "Счёт -9223372036854775808 и -9223372036854775808", false)]
    {
        let body = json!({"title": title, "description": "описание"});
        let (writes_before, _) = app.state.db().write_counts();
        let (status, first) = post_keyed_text(&app, "/api/v1/tasks", &client, key, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        if app.state.db().backend() == Backend::Sqlite {
            // SQLite's writer counts the writes it commits: the task's (with its key and, when
            // prepared, its answer), then the answer's when it was not.
            let (writes_after, _) = app.state.db().write_counts();
            let expected = if in_the_write { 1 } else { 2 };
            assert_eq!(writes_after - writes_before, expected, "{key}: the answer stored by the task's own write");
        }
        let (status, again) = post_keyed_text(&app, "/api/v1/tasks", &client, key, &body).await;
        assert_eq!((status, &again), (StatusCode::CREATED, &first), "{key}: the replay is the first answer");
        let id = serde_json::from_str::<Value>(&first).unwrap()["task"]["id"].as_i64().unwrap();
        let stored = sqlx::query("SELECT status, body FROM idempotency_keys WHERE key = $1")
            .bind(key)
            .fetch_one(app.state.db().pool())
            .await
            .unwrap();
        let (status, body): (i64, String) = (sqlx::Row::get(&stored, "status"), sqlx::Row::get(&stored, "body"));
        assert_eq!((status, &body), (201, &first));
        if app.state.db().backend() == Backend::Postgres {
            let same: bool = sqlx::query_scalar(
                "SELECT k.xmin::text = t.xmin::text FROM idempotency_keys k, tasks t WHERE k.key = $1 AND t.id = $2",
            )
            .bind(key)
            .bind(id)
            .fetch_one(app.state.db().pool())
            .await
            .unwrap();
            assert_eq!(same, in_the_write, "{key}: the answer stored by the task's own transaction");
        }
    }
    // A work log's answer too.
    let (_, specialist) = app.user("s@hb.test", "specialist", None).await;
    let (_, list) = app.get("/api/v1/tasks", &client).await;
    let task = list["tasks"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/tasks/{task}/worklogs");
    let body = json!({"date": business_today().to_string(), "hours": "1.5", "description": "работа"});
    let (writes_before, _) = app.state.db().write_counts();
    let (status, first) = post_keyed_text(&app, &path, &specialist, "log", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    if app.state.db().backend() == Backend::Sqlite {
        let (writes_after, _) = app.state.db().write_counts();
        assert_eq!(writes_after - writes_before, 1, "the work log's answer stored by its own write");
    }
    assert_eq!(post_keyed_text(&app, &path, &specialist, "log", &body).await, (StatusCode::CREATED, first.clone()));
    let id = serde_json::from_str::<Value>(&first).unwrap()["worklog"]["id"].as_i64().unwrap();
    if app.state.db().backend() == Backend::Postgres {
        let same: bool = sqlx::query_scalar(
            "SELECT k.xmin::text = w.xmin::text FROM idempotency_keys k, worklogs w WHERE k.key = 'log' AND w.id = $1",
        )
        .bind(id)
        .fetch_one(app.state.db().pool())
        .await
        .unwrap();
        assert!(same, "the work log's answer stored by its own transaction");
    }
}

/// A keyed work log the day cannot hold is refused (422) and leaves no key, whether its answer
/// was to go in with the write (`db::PreparedAnswer`) or not: a corrected retry under the same key
/// is stored and replayed as any first request.
async fn a_refused_keyed_work_log_leaves_no_key_for_its_corrected_retry(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (_, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let (_, specialist) = app.user("s@hb.test", "specialist", None).await;
    let (status, task) = app.post("/api/v1/tasks", &client, json!({"title": "Отчёт", "description": "выгрузка"})).await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    let path = format!("/api/v1/tasks/{}/worklogs", task["task"]["id"]);
    let log = |hours: &str| json!({"date": business_today().to_string(), "hours": hours, "description": "работа"});
    let (status, first) = post_keyed_text(&app, &path, &specialist, "day", &log("23")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, refused) = post_keyed_text(&app, &path, &specialist, "more", &log("2")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys WHERE key = 'more'")
        .fetch_one(app.state.db().pool())
        .await
        .unwrap();
    assert_eq!(keys, 0, "a refused write leaves no key");
    let (status, corrected) = post_keyed_text(&app, &path, &specialist, "more", &log("1")).await;
    assert_eq!(status, StatusCode::CREATED, "{corrected}");
    assert_eq!(post_keyed_text(&app, &path, &specialist, "more", &log("1")).await, (StatusCode::CREATED, corrected));
}

/// A keyed consultation (one write on SQLite, a transaction on PostgreSQL) is stored once with
/// its key, and its repeat answers as the first.
async fn a_keyed_consultation_is_stored_once(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", &format!("{}-01", business_period())).await;
    let (_, specialist) = app.user("s@hb.test", "specialist", None).await;
    let body = json!({"org_id": org, "channel": "phone", "date": business_today().to_string(), "duration": "0.5",
                      "topic": "Как закрыть месяц", "billable": false});
    let (status, first) = post_keyed_text(&app, "/api/v1/consultations", &specialist, "call", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let again = post_keyed_text(&app, "/api/v1/consultations", &specialist, "call", &body).await;
    assert_eq!(again, (StatusCode::CREATED, first.clone()), "the repeat answers as the first");
    let pool = app.state.db().pool();
    let consultations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consultations").fetch_one(pool).await.unwrap();
    assert_eq!(consultations, 1);
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys WHERE key = 'call' AND status = 201")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(keys, 1);
}

db_tests!(
    a_keyed_consultation_is_stored_once,
    a_refused_keyed_work_log_leaves_no_key_for_its_corrected_retry,
    a_new_tasks_answer_is_stored_by_its_own_write,
    a_key_resent_with_another_password_is_refused,
    concurrent_repeats_of_a_transition_answer_as_the_first,
    a_write_whose_answer_was_lost_is_not_run_again,
    a_repeated_key_returns_the_first_result,
    concurrent_repeats_store_once,
    a_request_cut_off_anywhere_leaves_its_key_usable
);
