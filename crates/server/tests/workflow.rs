//! The API with its database, on SQLite and on PostgreSQL: a task's whole life, the month report
//! and its freezing, every transition and role, sessions, and validation.

mod support;

use hourbank_server::clock::business_period;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::TestApp;

fn this_month_start() -> String {
    format!("{}-01", business_period())
}

fn today() -> String {
    hourbank_server::clock::business_today().to_string()
}

struct Cast {
    org: i64,
    client: String,
    analyst: String,
    specialist: String,
    admin: String,
    sales: String,
}

/// An organisation whose contract began on the 1st of this month, with one user of each role.
async fn cast(app: &TestApp) -> Cast {
    cast_from(app, &this_month_start()).await
}

/// An organisation whose contract began on `start`, with one user of each role.
async fn cast_from(app: &TestApp, start: &str) -> Cast {
    let org = app.org("ООО «Ромашка»", "7707083893", start).await;
    Cast {
        org,
        client: app.user("client@romashka.test", "client", Some(org)).await.1,
        analyst: app.user("analyst@hb.test", "analyst", None).await.1,
        specialist: app.user("spec@hb.test", "specialist", None).await.1,
        admin: app.user("admin@hb.test", "admin", None).await.1,
        sales: app.user("sales@hb.test", "sales", None).await.1,
    }
}

async fn new_task(app: &TestApp, c: &Cast, title: &str) -> i64 {
    let (status, body) =
        app.post("/api/v1/tasks", &c.client, json!({"title": title, "description": "Сделайте, пожалуйста"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["task"]["state"], "new");
    body["task"]["id"].as_i64().unwrap()
}

async fn step(app: &TestApp, token: &str, task: i64, body: Value) -> (StatusCode, Value) {
    app.post(&format!("/api/v1/tasks/{task}/transitions"), token, body).await
}

async fn estimate(app: &TestApp, c: &Cast, task: i64, hours: &str) {
    let (s, b) = step(app, &c.analyst, task, json!({"action": "estimate", "specification": "ТЗ: печатная форма", "estimate": hours, "deadline": "2030-01-31"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn log(app: &TestApp, token: &str, task: i64, hours: &str) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/tasks/{task}/worklogs"),
        token,
        json!({"date": today(), "hours": hours, "description": "Разработка"}),
    )
    .await
}

/// A task taken from plain words to acceptance with `logged` hours against an `estimate`.
async fn accepted_task(app: &TestApp, c: &Cast, title: &str, estimate_hours: &str, logged: &[&str]) -> i64 {
    let task = new_task(app, c, title).await;
    estimate(app, c, task, estimate_hours).await;
    assert_eq!(step(app, &c.client, task, json!({"action": "approve"})).await.0, StatusCode::OK);
    for hours in logged {
        let (s, b) = log(app, &c.specialist, task, hours).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    assert_eq!(step(app, &c.specialist, task, json!({"action": "submit_for_testing"})).await.0, StatusCode::OK);
    let (s, b) = step(app, &c.client, task, json!({"action": "accept"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["task"]["state"], "accepted");
    task
}

async fn journey_to_a_frozen_report(app: TestApp) {
    let c = cast(&app).await;
    let period = business_period().to_string();
    // The month is this contract's first: a trial month, every billed hour at 2000.
    let first = accepted_task(&app, &c, "Печатная форма счёта", "6", &["3", "4.5"]).await;
    let (status, report) = app.get(&format!("/api/v1/reports/{period}"), &c.client).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["status"], "open");
    let task = &report["tasks"][0];
    assert_eq!(task["id"], first);
    assert_eq!(task["logged"], "7.5");
    // Logged 7.5 h against an approved estimate of 6 h: the client pays the estimate.
    assert_eq!(task["billed"], "6");
    assert_eq!(task["worklogs"].as_array().unwrap().len(), 2);
    assert_eq!(task["worklogs"][0]["user_name"], "spec@hb.test");
    assert_eq!(report["statement"]["phase"], "trial");
    assert_eq!(report["statement"]["hours"], "6");
    assert_eq!(report["statement"]["total"], "12000.00");

    let (status, closed) =
        app.post(&format!("/api/v1/reports/{period}/close?org={}", c.org), &c.analyst, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["statement"]["total"], "12000.00");

    // Later work never changes a closed month: a task accepted after the early close bills in
    // the first open month after it, and both that report and the task say so.
    let late = accepted_task(&app, &c, "Обмен с банком", "2", &["2"]).await;
    let (status, frozen) = app.get(&format!("/api/v1/reports/{period}"), &c.client).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(frozen, closed);
    let next = business_period().next().to_string();
    let (status, next_report) = app.get(&format!("/api/v1/reports/{next}"), &c.client).await;
    assert_eq!(status, StatusCode::OK, "{next_report}");
    let billed_late = &next_report["tasks"][0];
    assert_eq!((billed_late["id"].as_i64(), billed_late["billed"].as_str()), (Some(late), Some("2")));
    assert_eq!(billed_late["late_from"], period);
    assert_eq!(next_report["statement"]["hours"], "2");
    let (_, page) = app.get(&format!("/api/v1/tasks/{late}"), &c.client).await;
    assert_eq!(
        (page["task"]["accepted_period"].as_str(), page["task"]["late_from"].as_str()),
        (Some(next.as_str()), Some(period.as_str()))
    );
    // Closing twice is harmless and answers the same frozen report.
    let (status, again) = app.post(&format!("/api/v1/reports/{period}/close?org={}", c.org), &c.admin, json!({})).await;
    assert_eq!((status, &again), (StatusCode::OK, &closed));

    let (status, csv) =
        app.call_text(Method::GET, &format!("/api/v1/reports/{period}.csv"), Some(&c.client), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains(&format!("{first};Печатная форма счёта;")), "{csv}");
    assert!(csv.contains("Итого;12000,00\r\n"), "{csv}");
    // A trial month has no tariff to go over: its hours are at the hourly rate.
    assert!(csv.contains("Этап;пробный\r\n") && csv.contains("\r\n\"По часовой ставке, ч\";6\r\n"), "{csv}");
    assert!(!csv.contains("Сверх тарифа"), "{csv}");

    // The client is not staff: it may not close months.
    let (status, _) = app.post(&format!("/api/v1/reports/{period}/close"), &c.client, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn an_open_report_follows_new_work(app: TestApp) {
    let c = cast(&app).await;
    let path = format!("/api/v1/reports/{}", business_period());
    accepted_task(&app, &c, "Первая", "2", &["2"]).await;
    let (_, first) = app.get(&path, &c.client).await;
    assert_eq!(first["statement"]["hours"], "2");
    // Served again unchanged while nothing changes…
    assert_eq!(app.get(&path, &c.client).await.1, first);
    // …and recomputed as soon as work is accepted.
    accepted_task(&app, &c, "Вторая", "3", &["1.5"]).await;
    let (_, second) = app.get(&path, &c.client).await;
    assert_eq!(second["statement"]["hours"], "3.5");
    assert_eq!(second["tasks"].as_array().unwrap().len(), 2);
}

/// The report lists each task accepted in the month with exactly the work its own page shows
/// (every field, oldest first, text however awkward), and bills it by the same rule; tasks
/// accepted in an earlier open month carry into the statement through the reserve.
async fn a_report_lists_tasks_and_work_as_their_pages_do(app: TestApp) {
    use chrono::Months;
    use hourbank_domain::Period;
    // Two trial months, then last month and this one on the subscription.
    let start = business_period().first_day().checked_sub_months(Months::new(3)).unwrap();
    let c = cast_from(&app, &start.to_string()).await;
    let last_month = Period::of(business_period().first_day().pred_opt().unwrap());
    // (Other control characters than line breaks and tabs are refused at the door.)
    let awkward = ["Кавычки \" и \\ обратная черта", "строки\nи\tтабуляция", "эмодзи 🧾 и </script>"];
    let task = new_task(&app, &c, "Обмен \"с банком\"").await;
    estimate(&app, &c, task, "5").await;
    step(&app, &c.client, task, json!({"action": "approve"})).await;
    // Logged out of date order, two on one day.
    for (date, hours, text) in [
        (today(), "2.25", awkward[0]),
        (last_month.first_day().to_string(), "1", awkward[1]),
        (today(), "3", awkward[2]),
    ] {
        let path = format!("/api/v1/tasks/{task}/worklogs");
        let (s, b) = app.post(&path, &c.specialist, json!({"date": date, "hours": hours, "description": text})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    step(&app, &c.specialist, task, json!({"action": "submit_for_testing"})).await;
    assert_eq!(step(&app, &c.client, task, json!({"action": "accept"})).await.0, StatusCode::OK);
    // Accepted with no work logged at all.
    let idle = accepted_task(&app, &c, "Консультация по отчёту", "1", &[]).await;
    // Accepted last month (moved there directly: the API accepts only now), 4 h of its 10 included.
    let earlier = accepted_task(&app, &c, "Прошлый месяц", "4", &["4"]).await;
    for table_and_column in ["tasks SET accepted_period", "report_entries SET period"] {
        let id = if table_and_column.starts_with("tasks") { "id" } else { "task_id" };
        sqlx::query(&format!("UPDATE {table_and_column} = $1 WHERE {id} = $2"))
            .bind(last_month.to_string())
            .bind(earlier)
            .execute(app.state.db().pool())
            .await
            .unwrap();
    }

    let (status, report) = app.get(&format!("/api/v1/reports/{}", business_period()), &c.client).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let tasks = report["tasks"].as_array().unwrap();
    assert_eq!(tasks.iter().map(|t| t["id"].as_i64().unwrap()).collect::<Vec<_>>(), [task, idle]);
    for listed in tasks {
        let (_, page) = app.get(&format!("/api/v1/tasks/{}", listed["id"]), &c.client).await;
        assert_eq!(listed["worklogs"], page["worklogs"]);
        assert_eq!(listed["title"], page["task"]["title"]);
        assert_eq!(listed["accepted_at"], page["task"]["accepted_at"]);
        assert_eq!(listed["logged"], page["task"]["logged"]);
        assert_eq!(listed["approved_estimate"], page["task"]["approved_estimate"]);
    }
    let descriptions: Vec<&str> =
        tasks[0]["worklogs"].as_array().unwrap().iter().map(|w| w["description"].as_str().unwrap()).collect();
    assert_eq!(descriptions, [awkward[1], awkward[0], awkward[2]]);
    assert_eq!(tasks[0]["worklogs"][0]["user_name"], "spec@hb.test");
    assert_eq!((tasks[0]["logged"].as_str(), tasks[0]["billed"].as_str()), (Some("6.25"), Some("5")));
    assert_eq!((tasks[1]["logged"].as_str(), tasks[1]["billed"].as_str()), (Some("0"), Some("0")));
    // Last month left 6 included hours unused: they are this month's reserve.
    let st = &report["statement"];
    assert_eq!((st["reserve_start"].as_str(), st["hours"].as_str()), (Some("6"), Some("5")), "{st}");
}

async fn every_transition_and_role(app: TestApp) {
    let c = cast(&app).await;
    let task = new_task(&app, &c, "Отчёт по продажам").await;
    // Only analysts and admins estimate; the client cannot approve what is not estimated.
    let (s, b) = step(
        &app,
        &c.specialist,
        task,
        json!({"action": "estimate", "specification": "x", "estimate": 2, "deadline": "2030-01-01"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, b) = step(&app, &c.client, task, json!({"action": "approve"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(b["detail"].as_str().unwrap().contains("state new"), "{b}");
    assert_eq!(b["detail_ru"], "«Согласовать оценку» нельзя: задача в статусе «Новая»", "{b}");
    estimate(&app, &c, task, "5").await;
    // Admin may not act for the client.
    assert_eq!(step(&app, &c.admin, task, json!({"action": "approve"})).await.0, StatusCode::FORBIDDEN);
    // Rejecting needs a comment, and sends the task back to the analyst.
    let (s, b) = step(&app, &c.client, task, json!({"action": "reject"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["errors"][0]["field"], "comment");
    let (s, b) = step(&app, &c.client, task, json!({"action": "reject", "comment": "Дорого"})).await;
    assert_eq!((s, b["task"]["state"].as_str()), (StatusCode::OK, Some("new")));
    estimate(&app, &c, task, "4").await;
    let (_, b) = step(&app, &c.client, task, json!({"action": "approve"})).await;
    assert_eq!(b["task"]["state"], "in_work");
    assert_eq!(b["task"]["approved_estimate"], "4");
    // A new estimate in work needs the client's approval again.
    estimate(&app, &c, task, "6").await;
    let (_, b) = step(&app, &c.client, task, json!({"action": "approve"})).await;
    assert_eq!(b["task"]["approved_estimate"], "6");
    let (_, b) = step(&app, &c.specialist, task, json!({"action": "submit_for_testing"})).await;
    assert_eq!(b["task"]["state"], "testing");
    assert_eq!(b["allowed_actions"], json!([]));
    let (s, b) = step(&app, &c.client, task, json!({"action": "return", "comment": "Не печатается итог"})).await;
    assert_eq!((s, b["task"]["state"].as_str()), (StatusCode::OK, Some("in_work")));
    step(&app, &c.analyst, task, json!({"action": "submit_for_testing"})).await;
    let (s, b) = step(&app, &c.client, task, json!({"action": "accept"})).await;
    assert_eq!((s, b["task"]["state"].as_str()), (StatusCode::OK, Some("accepted")));
    assert_eq!(b["task"]["accepted_period"], business_period().to_string());
    // Accepted is final: nothing moves it, and no more work is logged on it.
    assert_eq!(
        step(&app, &c.client, task, json!({"action": "return", "comment": "ещё"})).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(log(&app, &c.specialist, task, "1").await.0, StatusCode::CONFLICT);
    // The history lists every step with who took it.
    let (_, view) = app.get(&format!("/api/v1/tasks/{task}"), &c.client).await;
    let actions: Vec<&str> = view["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "estimate",
            "reject",
            "estimate",
            "approve",
            "estimate",
            "approve",
            "submit_for_testing",
            "return",
            "submit_for_testing",
            "accept"
        ]
    );
    assert_eq!(view["events"][1]["comment"], "Дорого");

    // Cancel: only before the work is approved.
    let other = new_task(&app, &c, "Лишняя").await;
    let (s, b) = step(&app, &c.client, other, json!({"action": "cancel"})).await;
    assert_eq!((s, b["task"]["state"].as_str()), (StatusCode::OK, Some("cancelled")));
    // Sales see no client data at all.
    assert_eq!(step(&app, &c.sales, other, json!({"action": "cancel"})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/tasks", &c.sales).await.0, StatusCode::FORBIDDEN);
    // Clients and sales do not log work.
    let open = new_task(&app, &c, "Открытая").await;
    assert_eq!(log(&app, &c.client, open, "1").await.0, StatusCode::FORBIDDEN);
    assert_eq!(log(&app, &c.analyst, open, "1").await.0, StatusCode::CREATED);
}

async fn concurrent_steps_do_not_both_apply(app: TestApp) {
    let c = cast(&app).await;
    let task = new_task(&app, &c, "Гонка").await;
    estimate(&app, &c, task, "3").await;
    let approve = || step(&app, &c.client, task, json!({"action": "approve"}));
    let (a, b) = tokio::join!(approve(), approve());
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let (_, view) = app.get(&format!("/api/v1/tasks/{task}"), &c.client).await;
    assert_eq!(view["events"].as_array().unwrap().iter().filter(|e| e["action"] == "approve").count(), 1);
}

/// The client approves the estimate their page showed: re-estimated after it was shown, the
/// approval is refused and nothing is approved; the estimate on screen now is approved.
async fn an_approval_names_the_estimate_it_saw(app: TestApp) {
    let c = cast(&app).await;
    let task = new_task(&app, &c, "Оценка поменялась").await;
    estimate(&app, &c, task, "5").await;
    // The client's page shows 5 h; the analyst re-estimates at 50 h before the click.
    estimate(&app, &c, task, "50").await;
    let (s, b) = step(&app, &c.client, task, json!({"action": "approve", "estimate": "5"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(b["detail"].as_str().unwrap().contains("now 50 h, not 5 h"), "{b}");
    assert!(b["detail_ru"].as_str().unwrap().contains("теперь 50 ч, а не 5 ч"), "{b}");
    let (_, view) = app.get(&format!("/api/v1/tasks/{task}"), &c.client).await;
    assert_eq!(view["task"]["state"], "estimated", "{view}");
    assert!(view["task"]["approved_estimate"].is_null(), "{view}");
    let (s, b) = step(&app, &c.client, task, json!({"action": "approve", "estimate": "50"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["task"]["approved_estimate"], "50", "{b}");
    // A bad estimate is the field's error.
    let other = new_task(&app, &c, "Без часов").await;
    estimate(&app, &c, other, "2").await;
    let (s, b) = step(&app, &c.client, other, json!({"action": "approve", "estimate": "-1"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["errors"][0]["field"], "estimate", "{b}");
}

/// Work logged at the moment the client accepts is either refused or in the accepted task's report
/// entry, never stored and left out of the bill.
async fn work_logged_as_the_task_is_accepted_is_refused_or_billed(app: TestApp) {
    let c = cast(&app).await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let task = new_task(&app, &c, &format!("Гонка {i}")).await;
        estimate(&app, &c, task, "100").await;
        assert_eq!(step(&app, &c.client, task, json!({"action": "approve"})).await.0, StatusCode::OK);
        assert_eq!(log(&app, &c.specialist, task, "1").await.0, StatusCode::CREATED);
        assert_eq!(step(&app, &c.specialist, task, json!({"action": "submit_for_testing"})).await.0, StatusCode::OK);
        tasks.push(task);
    }
    let mut refused = 0;
    for &task in &tasks {
        let accept = step(&app, &c.client, task, json!({"action": "accept"}));
        let (accepted, a, b, d) = tokio::join!(
            accept,
            log(&app, &c.specialist, task, "0.25"),
            log(&app, &c.analyst, task, "0.5"),
            log(&app, &c.specialist, task, "0.75")
        );
        assert_eq!(accepted.0, StatusCode::OK, "{}", accepted.1);
        for (status, body) in [a, b, d] {
            assert!(matches!(status, StatusCode::CREATED | StatusCode::CONFLICT), "{status} {body}");
            refused += usize::from(status == StatusCode::CONFLICT);
        }
    }
    let (_, report) = app.get(&format!("/api/v1/reports/{}", business_period()), &c.client).await;
    let listed = report["tasks"].as_array().unwrap();
    assert_eq!(listed.len(), tasks.len(), "{report}");
    for entry in listed {
        let (_, stored) = app.get(&format!("/api/v1/tasks/{}/worklogs", entry["id"]), &c.client).await;
        assert_eq!(entry["worklogs"], stored["worklogs"], "task {}", entry["id"]);
        assert_eq!(entry["logged"], stored["logged"], "task {}", entry["id"]);
    }
    eprintln!("{refused} of {} work logs came too late and were refused", tasks.len() * 3);
}

/// Tasks accepted before report entries existed (or whose entries were lost) get them when the
/// server starts, and the month's report reads the same as from entries written at acceptance.
async fn missing_report_entries_are_written_at_start(app: TestApp) {
    use hourbank_server::auth::OrgScope;
    use hourbank_server::services::reports::{build_report, Listing};
    let c = cast(&app).await;
    accepted_task(&app, &c, "Первая", "2", &["1", "1.5"]).await;
    accepted_task(&app, &c, "Вторая", "5", &["0.25"]).await;
    let db = app.state.db();
    let org = hourbank_server::store::org(db, OrgScope::All, c.org).await.unwrap();
    let written_at_acceptance =
        build_report(&app.state, &org, business_period(), Listing::Whole).await.unwrap().to_json();
    assert_eq!(build_report(&app.state, &org, business_period(), Listing::Whole).await.unwrap().tasks.count, 2);
    sqlx::query("DELETE FROM report_entries").execute(db.pool()).await.unwrap();
    assert_eq!(build_report(&app.state, &org, business_period(), Listing::Whole).await.unwrap().tasks.count, 0);
    // What the server does at start, after the migrations — here two servers starting at once.
    let (first, second) = tokio::join!(db.migrate(), db.migrate());
    first.unwrap();
    second.unwrap();
    let rebuilt = build_report(&app.state, &org, business_period(), Listing::Whole).await.unwrap().to_json();
    assert_eq!(String::from_utf8(rebuilt).unwrap(), String::from_utf8(written_at_acceptance).unwrap());
    let entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_entries").fetch_one(db.pool()).await.unwrap();
    assert_eq!(entries, 2);
    // A month never freezes without them: closing writes what is missing (tasks accepted by a
    // server of the release before entries, still running during an upgrade).
    sqlx::query("DELETE FROM report_entries").execute(db.pool()).await.unwrap();
    let path = format!("/api/v1/reports/{}/close?org={}", business_period(), c.org);
    let (s, closed) = app.post(&path, &c.analyst, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{closed}");
    assert_eq!(closed["tasks"].as_array().unwrap().len(), 2, "{closed}");
}

/// The analyst assigns a task to a specialist, who finds it among their own; only specialists and
/// analysts take tasks, only analysts and admins assign them, and a finished task stays as it is.
async fn tasks_are_assigned_and_found_by_their_assignee(app: TestApp) {
    let c = cast(&app).await;
    let (specialist_id, specialist) = app.user("second.spec@hb.test", "specialist", None).await;
    let (_, other_specialist) = app.user("third.spec@hb.test", "specialist", None).await;
    let (client_id, _) = app.user("client2@romashka.test", "client", Some(c.org)).await;
    let task = new_task(&app, &c, "Загрузка банковской выписки").await;
    let path = format!("/api/v1/tasks/{task}/assignee");
    let api = &app;
    let put = move |token: &String, body: Value| {
        let (token, path) = (token.clone(), path.clone());
        async move { api.call(Method::PUT, &path, Some(&token), Some(body)).await }
    };

    // Only analysts and admins assign; only specialists and analysts are assigned.
    for token in [&c.client, &c.specialist, &c.sales] {
        assert_eq!(put(token, json!({"user_id": specialist_id})).await.0, StatusCode::FORBIDDEN);
    }
    let (s, b) = put(&c.analyst, json!({"user_id": client_id})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["errors"][0]["field"], "user_id");
    assert_eq!(b["errors"][0]["message_ru"], "это не специалист и не аналитик");
    assert_eq!(put(&c.analyst, json!({"user_id": 999_999})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, b) = put(&c.analyst, json!({})).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("user_id")));

    let (s, b) = put(&c.analyst, json!({"user_id": specialist_id})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        (b["task"]["assignee_id"].as_i64(), b["task"]["assignee_name"].as_str()),
        (Some(specialist_id), Some("second.spec@hb.test"))
    );
    let (_, page) = app.get(&format!("/api/v1/tasks/{task}"), &c.client).await;
    assert_eq!(page["task"]["assignee_name"], "second.spec@hb.test");

    // The assignee finds it as theirs; another specialist does not.
    let (_, theirs) = app.get("/api/v1/tasks?assignee=me", &specialist).await;
    assert_eq!(
        theirs["tasks"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect::<Vec<_>>(),
        [task]
    );
    let (_, none) = app.get("/api/v1/tasks?assignee=me", &other_specialist).await;
    assert!(none["tasks"].as_array().unwrap().is_empty(), "{none}");
    let (_, by_id) = app.get(&format!("/api/v1/tasks?assignee={specialist_id}"), &c.analyst).await;
    assert_eq!(by_id["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(app.get("/api/v1/tasks?assignee=someone", &c.analyst).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // Audited with before and after; unassigned with null.
    let (_, audit) = app.get("/api/v1/audit", &c.admin).await;
    let entry = &audit["entries"][0];
    assert_eq!((entry["action"].as_str(), entry["entity_id"].as_i64()), (Some("assign"), Some(task)));
    assert_eq!(
        (entry["before"]["assignee_id"].clone(), entry["after"]["assignee_id"].as_i64()),
        (Value::Null, Some(specialist_id))
    );
    let (s, b) = put(&c.admin, json!({"user_id": null})).await;
    assert_eq!((s, b["task"]["assignee_id"].clone()), (StatusCode::OK, Value::Null));

    // Analysts see the staff they assign to, not the clients; admins see everyone.
    let (_, staff) = app.get("/api/v1/users", &c.analyst).await;
    let roles: Vec<&str> = staff["users"].as_array().unwrap().iter().map(|u| u["role"].as_str().unwrap()).collect();
    assert!(roles.iter().all(|r| ["specialist", "analyst"].contains(r)) && roles.contains(&"specialist"), "{roles:?}");
    let (_, specialists) = app.get("/api/v1/users?role=specialist", &c.admin).await;
    assert_eq!(specialists["users"].as_array().unwrap().len(), 3);

    // A finished task is not reassigned.
    let done = accepted_task(&app, &c, "Готово", "1", &["1"]).await;
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tasks/{done}/assignee"),
            Some(&c.analyst),
            Some(json!({"user_id": specialist_id})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
}

async fn bad_input_names_every_field_and_stores_nothing(app: TestApp) {
    let c = cast(&app).await;
    let (s, b) = app.post("/api/v1/tasks", &c.client, json!({"title": "  ", "colour": "red"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = b["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "description", "colour"]);
    // A control character would reach the CSV and the PDF as it is; a title of zero-width spaces
    // only looks empty because it is.
    let (s, b) =
        app.post("/api/v1/tasks", &c.client, json!({"title": "\u{200b}\u{200b}", "description": "a\u{1b}[31mb"})).await;
    let named: Vec<(&str, &str)> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["message_ru"].as_str().unwrap()))
        .collect();
    assert_eq!(
        (s, named),
        (StatusCode::UNPROCESSABLE_ENTITY, vec![("title", "обязательное поле"), ("description", "неверно записан")])
    );
    assert_eq!(app.get("/api/v1/tasks", &c.client).await.1["tasks"], json!([]));

    let task = new_task(&app, &c, "Задача").await;
    let path = format!("/api/v1/tasks/{task}/worklogs");
    let (s, b) =
        app.post(&path, &c.specialist, json!({"date": "2999-01-01", "hours": "24.5", "description": ""})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = b["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["hours", "description", "date"]);
    let (s, b) = app.post(&path, &c.specialist, json!({"date": today(), "hours": "1.234", "description": "x"})).await;
    assert_eq!(
        (s, b["errors"][0]["message"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("must have at most two decimal places"))
    );
    let (s, _) = app.post(&path, &c.specialist, json!({"date": today(), "hours": -1, "description": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get(&path, &c.client).await.1["worklogs"], json!([]));

    let (s, b) = step(
        &app,
        &c.analyst,
        task,
        json!({"action": "estimate", "specification": "ТЗ", "estimate": 0, "deadline": "2030-02-30"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let fields: Vec<&str> = b["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["estimate", "deadline"]);
    // A deadline is promised for a day to come: yesterday is refused, today is fine.
    let yesterday = (hourbank_server::clock::business_today() - chrono::Days::new(1)).to_string();
    let body =
        |deadline: &str| json!({"action": "estimate", "specification": "ТЗ", "estimate": "2", "deadline": deadline});
    let (s, b) = step(&app, &c.analyst, task, body(&yesterday)).await;
    assert_eq!(
        (s, b["errors"][0]["field"].as_str(), b["errors"][0]["message_ru"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline"), Some("уже прошёл")),
        "{b}"
    );
    // A year typed wrong (2062 for 2026) is refused; five years ahead is the furthest.
    let today = hourbank_server::clock::business_today();
    let furthest = today.checked_add_months(chrono::Months::new(60)).unwrap();
    let (s, b) = step(&app, &c.analyst, task, body(&(furthest + chrono::Days::new(1)).to_string())).await;
    assert_eq!(
        (s, b["errors"][0]["field"].as_str(), b["errors"][0]["message_ru"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline"), Some("не позже чем через 5 лет")),
        "{b}"
    );
    assert_eq!(app.get(&format!("/api/v1/tasks/{task}"), &c.client).await.1["task"]["state"], "new");
    let (s, b) = step(&app, &c.client, task, json!({"action": "fly"})).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("action")));
    let (s, _) = app.call(Method::POST, &format!("/api/v1/tasks/{task}/transitions"), Some(&c.client), None).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Malformed paths and query strings get the problem shape too.
    let (s, text) = app.call_text(Method::GET, "/api/v1/tasks/abc", Some(&c.client), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(text.contains("\"status\":404"), "{text}");
    // Every problem says itself in Russian too, not only conflicts and bad fields.
    let (s, b) = app.get("/api/v1/tasks/999999", &c.client).await;
    assert_eq!((s, b["detail_ru"].as_str()), (StatusCode::NOT_FOUND, Some("не найдено")), "{b}");
    let (s, b) = app.get("/api/v1/audit", &c.client).await;
    assert_eq!(
        (s, b["detail_ru"].as_str()),
        (StatusCode::FORBIDDEN, Some("недостаточно прав для этого действия")),
        "{b}"
    );
    let (s, b) = app.get("/api/v1/me", "not-a-token").await;
    assert_eq!((s, b["detail_ru"].as_str()), (StatusCode::UNAUTHORIZED, Some("сначала войдите")), "{b}");
    // A method a path does not take: the problem shape too, and the methods it takes.
    let response = app.client.put(format!("{}/api/v1/tasks/1", app.base)).bearer_auth(&c.client).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET,HEAD");
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    // A bad query parameter is named, in Russian too.
    let (s, b) = app.get("/api/v1/tasks?org=abc", &c.analyst).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("org")), "{b}");
    assert_eq!(b["errors"][0]["message_ru"], "не число: «abc»", "{b}");
    let (s, b) = app.get("/api/v1/tasks?colour=red", &c.analyst).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("colour")), "{b}");
    // So on an operation that takes no parameters at all: not ignored as if it had read them.
    for path in ["/api/v1/orgs?limit=abc", "/api/v1/me?x=1", &format!("/api/v1/tasks/{task}?foo=1")] {
        let (s, b) = app.get(path, &c.admin).await;
        assert_eq!(
            (s, b["errors"][0]["message_ru"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("неизвестное поле")),
            "{path}: {b}"
        );
    }
    let (s, _) = app
        .get(&format!("/api/v1/reports/{}?org={}&lang=en", hourbank_server::clock::business_period(), c.org), &c.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "a documented parameter is taken");
    let (s, b) = app.get("/api/v1/tasks?state=flying", &c.analyst).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("state")));
}

async fn sessions_cookies_expiry_and_sign_in_limits(app: TestApp) {
    let c = cast(&app).await;
    // The cookie is HttpOnly and SameSite=Strict; it works like the bearer token.
    let response = app
        .client
        .post(format!("{}/api/v1/session", app.base))
        .header("content-type", "application/json")
        .body(json!({"email": "CLIENT@romashka.test", "password": support::PASSWORD}).to_string())
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let pair = cookie.split(';').next().unwrap().to_string();
    let me = app.client.get(format!("{}/api/v1/me", app.base)).header("cookie", &pair).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!((me["role"].as_str(), me["org"]["name"].as_str()), (Some("client"), Some("ООО «Ромашка»")));

    // Signing out ends the session.
    let (s, _) = app.call(Method::DELETE, "/api/v1/session", Some(&c.analyst), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", &c.analyst).await.0, StatusCode::UNAUTHORIZED);
    // Sessions expire.
    sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'")
        .execute(app.state.db().pool())
        .await
        .unwrap();
    assert_eq!(app.get("/api/v1/me", &c.client).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.call(Method::GET, "/api/v1/tasks", None, None).await.0, StatusCode::UNAUTHORIZED);

    // Five wrong passwords for one account: the sixth try is refused, even with the right one.
    let sign_in = |password: &'static str| {
        app.call(Method::POST, "/api/v1/session", None, Some(json!({"email": "spec@hb.test", "password": password})))
    };
    for _ in 0..5 {
        assert_eq!(sign_in("wrong password").await.0, StatusCode::UNAUTHORIZED);
    }
    let (s, b) = sign_in(support::PASSWORD).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b}");
    // Another account from the same address is not locked by that account's failures.
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "admin@hb.test", "password": support::PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
}

async fn admin_manages_users_and_sees_the_audit_log(app: TestApp) {
    let c = cast(&app).await;
    let new_user = json!({"email": "new@romashka.test", "name": "Новый", "role": "client", "org_id": c.org, "password": "long enough pass"});
    assert_eq!(app.post("/api/v1/users", &c.analyst, new_user.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/v1/users", &c.admin, new_user.clone()).await.0, StatusCode::CREATED);
    let (s, b) = app.post("/api/v1/users", &c.admin, new_user).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("email")));
    let (s, b) = app
        .post(
            "/api/v1/users",
            &c.admin,
            json!({"email": "x@y.test", "name": "X", "role": "analyst", "org_id": c.org, "password": "short"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let task = new_task(&app, &c, "Аудит").await;
    estimate(&app, &c, task, "2").await;
    assert_eq!(app.get("/api/v1/audit", &c.analyst).await.0, StatusCode::FORBIDDEN);
    let (s, b) = app.get("/api/v1/audit", &c.admin).await;
    assert_eq!(s, StatusCode::OK);
    let latest = &b["entries"][0];
    assert_eq!((latest["action"].as_str(), latest["entity"].as_str()), (Some("estimate"), Some("task")));
    assert_eq!(latest["before"]["state"], "new");
    assert_eq!(latest["after"]["state"], "estimated");
    // A step's reason is in the audit log too.
    let (s, b) = step(&app, &c.client, task, json!({"action": "reject", "comment": "Дорого для нас"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, b) = app.get("/api/v1/audit", &c.admin).await;
    assert_eq!(
        (&b["entries"][0]["action"], &b["entries"][0]["after"]["comment"]),
        (&json!("reject"), &json!("Дорого для нас"))
    );
    // An organisation with a bad ИНН is refused, naming the field.
    let (s, b) = app
        .post("/api/v1/orgs", &c.admin, json!({"name": "Рога", "inn": "7707083894", "contract_start": "2027-01-01"}))
        .await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("inn")));
    // A contract of year 1000 is a typo (its reports would list twelve thousand months).
    let (s, b) = app
        .post("/api/v1/orgs", &c.admin, json!({"name": "Рога", "inn": "7736207543", "contract_start": "1000-01-01"}))
        .await;
    assert_eq!(
        (s, b["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("contract_start")),
        "{b}"
    );
    let (s, b) = app
        .post(
            "/api/v1/orgs",
            &c.admin,
            json!({"name": "Вектор", "inn": "7736207543", "contract_start": "2027-01-15", "vat": {"mode": "on_top"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["vat"]["rate"], "22");
    // A tariff named as one of the catalogue carries its terms: «Старт» (or «старт », «Cтарт»
    // with a Latin C) at another fee is refused; the same terms unnamed are the organisation's own.
    let cheaper = json!({"monthly_fee": "15000", "included_hours": "10", "overage_rate": "2000", "reserve_cap": "10",
                         "trial_months": 2, "trial_rate": "2000"});
    for name in ["Старт", "старт ", "Cтарт"] {
        let body = json!({"name": "Лютик", "inn": "7728168971", "contract_start": "2027-01-15",
                          "tariff_name": name, "tariff": cheaper});
        let (s, b) = app.post("/api/v1/orgs", &c.admin, body).await;
        assert_eq!(
            (s, b["errors"][0]["field"].as_str(), b["errors"][0]["message_ru"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("tariff_name"),
                Some("так называется тариф каталога, а условия другие: назовите их иначе")
            ),
            "{name}: {b}"
        );
    }
    let body = json!({"name": "Лютик", "inn": "7728168971", "contract_start": "2027-01-15", "tariff": cheaper});
    let (s, b) = app.post("/api/v1/orgs", &c.admin, body).await;
    assert_eq!((s, b["tariff_name"].as_str()), (StatusCode::CREATED, Some("Индивидуальный")), "{b}");
    assert_eq!(
        app.post(
            "/api/v1/orgs",
            &c.admin,
            json!({"name": "Вектор 2", "inn": "7736207543", "contract_start": "2027-01-15"})
        )
        .await
        .1["errors"][0]["field"],
        "inn"
    );
}

/// A task taken to testing (estimated, approved, worked on), not yet accepted.
async fn tested_task(app: &TestApp, c: &Cast, title: &str, hours: &str) -> i64 {
    let task = new_task(app, c, title).await;
    estimate(app, c, task, hours).await;
    assert_eq!(step(app, &c.client, task, json!({"action": "approve"})).await.0, StatusCode::OK);
    let (s, b) = log(app, &c.specialist, task, hours).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(step(app, &c.specialist, task, json!({"action": "submit_for_testing"})).await.0, StatusCode::OK);
    task
}

/// Work accepted before the contract's first month bills in that month (a report outside the
/// contract does not exist, so its hours would be in none).
async fn work_accepted_before_the_contract_starts_bills_in_its_first_month(app: TestApp) {
    let first = business_period().next();
    let c = cast_from(&app, &first.first_day().to_string()).await;
    let task = tested_task(&app, &c, "Подготовка к старту", "3").await;
    // Preparing the start is work from the day the task was made, not from any day before it.
    let yesterday = (hourbank_server::clock::business_today() - chrono::Days::new(1)).to_string();
    let (s, b) = app
        .post(
            &format!("/api/v1/tasks/{task}/worklogs"),
            &c.specialist,
            json!({"date": yesterday, "hours": "1", "description": "x"}),
        )
        .await;
    assert_eq!(
        (s, b["errors"][0]["message_ru"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("раньше, чем появилась задача")),
        "{b}"
    );
    let (s, b) = step(&app, &c.client, task, json!({"action": "accept"})).await;
    assert_eq!((s, b["task"]["accepted_period"].as_str()), (StatusCode::OK, Some(first.to_string().as_str())), "{b}");
    let (s, report) = app.get(&format!("/api/v1/reports/{first}"), &c.client).await;
    assert_eq!(s, StatusCode::OK, "{report}");
    assert_eq!(report["tasks"][0]["id"], task, "{report}");
    assert_eq!(report["statement"]["hours"], "3", "{report}");
    // No month before the contract was ever closed: the work is not «late».
    assert_eq!(report["tasks"][0]["late_from"], Value::Null, "{report}");
}

/// Work accepted after the contract's last month bills in that month while it is open; once it
/// is closed, accepting is refused and the task stays as it was: no hours in no report. Nor can
/// more work be approved or claimed under warranty then.
async fn work_accepted_after_the_contract_ends_bills_in_its_last_month_or_waits(app: TestApp) {
    let previous = (business_period().first_day() - chrono::Days::new(1)).format("%Y-%m").to_string();
    let last_day = business_period().first_day() - chrono::Days::new(1);
    let c = cast_from(&app, &format!("{previous}-01")).await;
    // Work logged while the contract still ran (its end is set below).
    let task = tested_task(&app, &c, "После окончания договора", "2").await;
    let late = tested_task(&app, &c, "Совсем поздно", "1").await;
    let unapproved = new_task(&app, &c, "Уже некуда").await;
    estimate(&app, &c, unapproved, "1").await;
    let in_work = new_task(&app, &c, "Ещё в работе").await;
    estimate(&app, &c, in_work, "1").await;
    assert_eq!(step(&app, &c.client, in_work, json!({"action": "approve"})).await.0, StatusCode::OK);
    // Nor before its first day (the task was made after it); and hours are never read as an
    // exponent («1e1» is no 10 h).
    let path = format!("/api/v1/tasks/{in_work}/worklogs");
    let day_before = (business_period().first_day() - chrono::Months::new(1) - chrono::Days::new(1)).to_string();
    let (s, b) = app.post(&path, &c.specialist, json!({"date": day_before, "hours": "1", "description": "x"})).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("date")), "{b}");
    assert!(b["errors"][0]["message_ru"].as_str().unwrap().starts_with("не может быть раньше начала договора"), "{b}");
    for hours in [json!("1e1"), json!("1E1"), serde_json::from_str::<Value>("1e1").unwrap()] {
        let (s, b) = app.post(&path, &c.specialist, json!({"date": today(), "hours": hours, "description": "x"})).await;
        assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("hours")), "{b}");
    }
    assert_eq!(app.get(&path, &c.client).await.1["worklogs"], json!([]));
    sqlx::query("UPDATE orgs SET contract_end = $1 WHERE id = $2")
        .bind(last_day.to_string())
        .bind(c.org)
        .execute(app.state.db().pool())
        .await
        .unwrap();
    // Work done after the contract's last day is not the contract's: refused, naming the date.
    let (s, b) = log(&app, &c.specialist, in_work, "1").await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("date")), "{b}");
    let (s, b) = step(&app, &c.client, task, json!({"action": "accept"})).await;
    assert_eq!((s, b["task"]["accepted_period"].as_str()), (StatusCode::OK, Some(previous.as_str())), "{b}");
    // Its last month was never closed: the work is not «late».
    assert_eq!(b["task"]["late_from"], Value::Null, "{b}");
    let (s, report) = app.get(&format!("/api/v1/reports/{previous}"), &c.client).await;
    assert_eq!((s, &report["statement"]["hours"]), (StatusCode::OK, &json!("2")), "{report}");
    assert_eq!(report["tasks"][0]["late_from"], Value::Null, "{report}");
    let (s, b) = app.post(&format!("/api/v1/reports/{previous}/close?org={}", c.org), &c.analyst, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Approved while the last month was still open, accepted after it closed: refused.
    let (s, b) = step(&app, &c.client, late, json!({"action": "accept"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let (_, detail) = app.get(&format!("/api/v1/tasks/{late}"), &c.client).await;
    assert_eq!(detail["task"]["state"], "testing", "{detail}");
    // What would only be refused is not offered: no accepting, no cancelling approved work.
    assert_eq!(detail["allowed_actions"], json!(["return"]), "{detail}");
    // Staff may still write it off (offered, and taken): it bills nothing, and no report is left
    // to list it, so it has no month.
    let (_, offered) = app.get(&format!("/api/v1/tasks/{late}"), &c.analyst).await;
    assert!(offered["allowed_actions"].as_array().unwrap().contains(&json!("write_off")), "{offered}");
    let (s, b) = step(&app, &c.analyst, late, json!({"action": "write_off", "comment": "Договор закончился"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!((b["task"]["written_off"].as_bool(), &b["task"]["cancelled_period"]), (Some(true), &Value::Null), "{b}");
    let (_, offered) = app.get(&format!("/api/v1/tasks/{unapproved}"), &c.client).await;
    assert_eq!(offered["allowed_actions"], json!(["reject", "cancel"]), "{offered}");
    // With no month left to bill in, no more work is committed to: an approval, or a warranty
    // claim (whose work could never be accepted either), is refused and changes nothing.
    let (s, b) = step(&app, &c.client, unapproved, json!({"action": "approve"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(b["detail"].as_str().unwrap().contains("last month is closed"), "{b}");
    // …and says so in Russian for the portal.
    assert!(b["detail_ru"].as_str().unwrap().starts_with("последний месяц договора уже закрыт"), "{b}");
    let (_, detail) = app.get(&format!("/api/v1/tasks/{unapproved}"), &c.client).await;
    assert_eq!((&detail["task"]["state"], &detail["task"]["approved_estimate"]), (&json!("estimated"), &Value::Null));
    let (_, before) = app.get("/api/v1/tasks", &c.client).await;
    let (s, b) =
        app.post(&format!("/api/v1/tasks/{task}/warranty"), &c.client, json!({"description": "Сломалось"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(app.get("/api/v1/tasks", &c.client).await.1["tasks"], before["tasks"]);
}

/// Nobody works more than 24 h in a day: the hours one person logs on one date, across all their
/// tasks, are refused past that, naming the hours still left, and nothing is stored.
async fn a_persons_day_holds_at_most_24_hours(app: TestApp) {
    let c = cast(&app).await;
    let mut tasks = Vec::new();
    for title in ["Утро", "Вечер"] {
        let task = new_task(&app, &c, title).await;
        estimate(&app, &c, task, "30").await;
        assert_eq!(step(&app, &c.client, task, json!({"action": "approve"})).await.0, StatusCode::OK);
        tasks.push(task);
    }
    assert_eq!(log(&app, &c.specialist, tasks[0], "20").await.0, StatusCode::CREATED);
    let (s, b) = log(&app, &c.specialist, tasks[1], "5").await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("hours")), "{b}");
    assert_eq!(
        b["errors"][0]["message_ru"], "за день не больше 24\u{a0}ч: уже записано 20\u{a0}ч, можно ещё 4\u{a0}ч",
        "{b}"
    );
    assert_eq!(b["errors"][0]["message"], "at most 24 h a day: 20 h logged already, 4 h left", "{b}");
    let (_, detail) = app.get(&format!("/api/v1/tasks/{}", tasks[1]), &c.client).await;
    assert_eq!(detail["worklogs"], json!([]), "{detail}");
    assert_eq!(log(&app, &c.specialist, tasks[1], "4").await.0, StatusCode::CREATED);
    // Another person's day is their own.
    assert_eq!(log(&app, &c.analyst, tasks[1], "8").await.0, StatusCode::CREATED);
    // Logged all at once, a day still holds 24 h: of 30 one-hour entries, 24 are stored. (On
    // PostgreSQL each entry's sum of the day was read before the others committed.)
    let yesterday = (hourbank_server::clock::business_today() - chrono::Days::new(1)).to_string();
    let path = format!("/api/v1/tasks/{}/worklogs", tasks[0]);
    let body = json!({"date": yesterday, "hours": "1", "description": "Разработка"});
    let answers = futures::future::join_all((0..30).map(|_| app.post(&path, &c.specialist, body.clone()))).await;
    let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let refused = answers.iter().filter(|(s, _)| *s == StatusCode::UNPROCESSABLE_ENTITY).count();
    assert_eq!((created, refused), (24, 6), "{answers:?}");
}

/// Approved work written off is never silently dropped (`shared/domain.md`): the month's report
/// lists it with its work and the staff's reason at 0 h, its CSV says so, and the task names the
/// report; the statement bills only the accepted work beside it.
async fn written_off_work_is_listed_at_zero_hours_with_its_reason(app: TestApp) {
    let c = cast(&app).await;
    let period = business_period().to_string();
    accepted_task(&app, &c, "Печатная форма", "2", &["2"]).await;
    let task = new_task(&app, &c, "Обмен с банком").await;
    estimate(&app, &c, task, "5").await;
    assert_eq!(step(&app, &c.client, task, json!({"action": "approve"})).await.0, StatusCode::OK);
    assert_eq!(log(&app, &c.specialist, task, "3").await.0, StatusCode::CREATED);
    let reason = "Клиент отказался от доработки; =1+1";
    let (s, b) = step(&app, &c.analyst, task, json!({"action": "write_off", "comment": reason})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!((b["task"]["state"].as_str(), b["task"]["written_off"].as_bool()), (Some("cancelled"), Some(true)));
    assert_eq!(b["task"]["cancelled_period"], period);

    let (status, report) = app.get(&format!("/api/v1/reports/{period}"), &c.client).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let listed = report["tasks"].as_array().unwrap().iter().find(|t| t["id"] == task).expect("listed");
    assert_eq!(listed["settlement"], "written_off", "{listed}");
    assert_eq!(listed["write_off_comment"], reason);
    assert_eq!((listed["logged"].as_str(), listed["billed"].as_str()), (Some("3"), Some("0")));
    assert_eq!(listed["worklogs"].as_array().unwrap().len(), 1);
    assert_eq!(report["statement"]["hours"], "2", "only the accepted task bills");

    let (_, csv) = app.call_text(Method::GET, &format!("/api/v1/reports/{period}.csv"), Some(&c.client), None).await;
    assert!(
        csv.contains(&format!("{task};Обмен с банком;;;;\"Работа списана, 0 ч к оплате; причина: {reason}\";0\r\n")),
        "{csv}"
    );
    // A cancellation of approved work still bills what was logged.
    let cancelled = new_task(&app, &c, "Отчёт").await;
    estimate(&app, &c, cancelled, "4").await;
    assert_eq!(step(&app, &c.client, cancelled, json!({"action": "approve"})).await.0, StatusCode::OK);
    assert_eq!(log(&app, &c.specialist, cancelled, "1.5").await.0, StatusCode::CREATED);
    let (s, b) = step(&app, &c.client, cancelled, json!({"action": "cancel"})).await;
    assert_eq!((s, b["task"]["written_off"].as_bool()), (StatusCode::OK, Some(false)), "{b}");
    let (_, report) = app.get(&format!("/api/v1/reports/{period}"), &c.client).await;
    let listed = report["tasks"].as_array().unwrap().iter().find(|t| t["id"] == cancelled).expect("listed");
    assert_eq!((listed["settlement"].as_str(), listed["billed"].as_str()), (Some("cancelled_approved"), Some("1.5")));
    assert_eq!(listed["write_off_comment"], Value::Null);
    assert_eq!(report["statement"]["hours"], "3.5");
}

db_tests!(
    written_off_work_is_listed_at_zero_hours_with_its_reason,
    a_persons_day_holds_at_most_24_hours,
    work_accepted_before_the_contract_starts_bills_in_its_first_month,
    work_accepted_after_the_contract_ends_bills_in_its_last_month_or_waits,
    journey_to_a_frozen_report,
    an_open_report_follows_new_work,
    a_report_lists_tasks_and_work_as_their_pages_do,
    every_transition_and_role,
    concurrent_steps_do_not_both_apply,
    an_approval_names_the_estimate_it_saw,
    work_logged_as_the_task_is_accepted_is_refused_or_billed,
    missing_report_entries_are_written_at_start,
    tasks_are_assigned_and_found_by_their_assignee,
    bad_input_names_every_field_and_stores_nothing,
    sessions_cookies_expiry_and_sign_in_limits,
    admin_manages_users_and_sees_the_audit_log,
);
