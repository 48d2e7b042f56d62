//! Consultations (logged, billable ones counted as hours of their month, listed in the report) and
//! user instructions (Markdown rendered to sanitized HTML, scoped by the task's organisation), on
//! SQLite and on PostgreSQL; and the demo dataset that shows both.

mod support;

use chrono::Months;
use hourbank_domain::Period;
use hourbank_server::clock::{business_period, business_today};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::TestApp;

fn today() -> String {
    business_today().to_string()
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {problem}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

fn message<'a>(problem: &'a Value, field: &str) -> &'a str {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == field)
        .unwrap_or_else(|| panic!("no {field} in {problem}"))["message"]
        .as_str()
        .unwrap()
}

struct Cast {
    org: i64,
    other_org: i64,
    client: String,
    other_client: String,
    analyst: String,
    specialist: String,
    admin: String,
    sales: String,
}

/// Two organisations whose contracts began on the 1st of `start`, and one user of each role.
async fn cast(app: &TestApp, start: &str) -> Cast {
    let org = app.org("ООО «Ромашка»", "7707083893", start).await;
    let other_org = app.org("АО «Вектор»", "7736207543", start).await;
    Cast {
        org,
        other_org,
        client: app.user("client@romashka.test", "client", Some(org)).await.1,
        other_client: app.user("client@vector.test", "client", Some(other_org)).await.1,
        analyst: app.user("analyst@hb.test", "analyst", None).await.1,
        specialist: app.user("spec@hb.test", "specialist", None).await.1,
        admin: app.user("admin@hb.test", "admin", None).await.1,
        sales: app.user("sales@hb.test", "sales", None).await.1,
    }
}

async fn this_month_cast(app: &TestApp) -> Cast {
    cast(app, &format!("{}-01", business_period())).await
}

/// A contract two months old: «Старт»'s two trial months are behind, this month is on the
/// subscription.
async fn subscription_cast(app: &TestApp) -> Cast {
    cast(app, &business_period().first_day().checked_sub_months(Months::new(2)).unwrap().to_string()).await
}

async fn consult(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/consultations", token, body).await
}

/// A consultation body for `org` today, with the given duration and billing flag.
fn talk(org: i64, channel: &str, duration: &str, billable: bool, topic: &str) -> Value {
    json!({"org_id": org, "channel": channel, "date": today(), "duration": duration, "topic": topic, "billable": billable})
}

/// A task of the client's organisation taken to acceptance: estimate 6 h, logged 7.5 h, billed 6 h.
async fn accepted_task(app: &TestApp, c: &Cast) -> i64 {
    let (s, b) =
        app.post("/api/v1/tasks", &c.client, json!({"title": "Печатная форма счёта", "description": "Сделайте"})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let task = b["task"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/tasks/{task}/transitions");
    let estimate = json!({"action": "estimate", "specification": "ТЗ", "estimate": "6", "deadline": "2030-01-31"});
    assert_eq!(app.post(&path, &c.analyst, estimate).await.0, StatusCode::OK);
    assert_eq!(app.post(&path, &c.client, json!({"action": "approve"})).await.0, StatusCode::OK);
    for hours in ["3", "4.5"] {
        let log = json!({"date": today(), "hours": hours, "description": "Разработка"});
        assert_eq!(
            app.post(&format!("/api/v1/tasks/{task}/worklogs"), &c.specialist, log).await.0,
            StatusCode::CREATED
        );
    }
    assert_eq!(app.post(&path, &c.specialist, json!({"action": "submit_for_testing"})).await.0, StatusCode::OK);
    assert_eq!(app.post(&path, &c.client, json!({"action": "accept"})).await.0, StatusCode::OK);
    task
}

async fn billable_consultations_add_hours_and_every_one_is_listed(app: TestApp) {
    let c = subscription_cast(&app).await;
    let period = business_period().to_string();
    let report_path = format!("/api/v1/reports/{period}");
    accepted_task(&app, &c).await;
    // A subscription month: 6 of the 10 included hours.
    let (_, report) = app.get(&report_path, &c.client).await;
    assert_eq!(
        (report["statement"]["hours"].as_str(), report["statement"]["total"].as_str()),
        (Some("6"), Some("20000.00"))
    );
    assert_eq!(report["consultations"], json!([]));

    // Not billable: listed in the report, the figures stay.
    let (s, free) =
        consult(&app, &c.specialist, talk(c.org, "crm_chat", "0.75", false, "Как выгрузить отчёт в Excel")).await;
    assert_eq!(s, StatusCode::CREATED, "{free}");
    let free = &free["consultation"];
    assert_eq!((free["duration"].as_str(), free["billable"].as_bool()), (Some("0.75"), Some(false)));
    // The channel by its code: the browser names it in the reader's language («CRM-чат»), the
    // CSV in the one asked for.
    assert_eq!(
        (free["specialist_name"].as_str(), free["channel"].as_str(), free.get("channel_ru")),
        (Some("spec@hb.test"), Some("crm_chat"), None)
    );
    let (_, report) = app.get(&report_path, &c.client).await;
    assert_eq!(
        (report["statement"]["hours"].as_str(), report["statement"]["total"].as_str()),
        (Some("6"), Some("20000.00"))
    );
    assert_eq!(report["consultations"].as_array().unwrap().len(), 1);

    // Billable 1.5 h: 6 + 1.5 = 7.5 h of the included 10.
    let (s, paid) =
        consult(&app, &c.analyst, talk(c.org, "phone", "1.5", true, "Корректировка реализации; прошлый период")).await;
    assert_eq!(s, StatusCode::CREATED, "{paid}");
    let paid_id = paid["consultation"]["id"].as_i64().unwrap();
    let (status, report) = app.get(&report_path, &c.client).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["statement"]["hours"], "7.5");
    assert_eq!(report["statement"]["included_used"], "7.5");
    assert_eq!(report["statement"]["total"], "20000.00");
    assert_eq!(report["tasks"][0]["billed"], "6");
    // An open month's report lists them by date, then in the order they were entered.
    let listed = report["consultations"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1]["id"], paid_id);
    assert_eq!(
        listed[1],
        json!({"id": paid_id, "date": today(), "channel": "phone", "specialist_name": "analyst@hb.test",
               "duration": "1.5", "topic": "Корректировка реализации; прошлый период", "billable": true})
    );
    assert_eq!((listed[0]["billable"].as_bool(), listed[0]["duration"].as_str()), (Some(false), Some("0.75")));
    assert_eq!(report.get("consultations_next_before"), None, "all of them are listed");

    let (_, csv) = app.call_text(Method::GET, &format!("{report_path}.csv"), Some(&c.client), None).await;
    assert!(csv.contains("Консультация;Дата;Канал;Специалист;Тема;Часы;К оплате;Примечание\r\n"), "{csv}");
    assert!(
        csv.contains(&format!(
            "{paid_id};{};Телефон;analyst@hb.test;\"Корректировка реализации; прошлый период\";1,5;да;\r\n",
            business_today().format("%d.%m.%Y")
        )),
        "{csv}"
    );
    assert!(csv.contains(";CRM-чат;spec@hb.test;Как выгрузить отчёт в Excel;0,75;нет;\r\n"), "{csv}");
    assert!(csv.contains("Итого консультаций;2;;;\"часов всего, из них к оплате\";2,25;1,5\r\n"), "{csv}");
    assert!(csv.contains("Часы;7,5\r\n") && csv.contains("Итого;20000,00\r\n"), "{csv}");

    // Each creation is in the audit log, with who and what.
    let (_, audit) = app.get("/api/v1/audit", &c.admin).await;
    let entry = &audit["entries"][0];
    assert_eq!(
        (entry["action"].as_str(), entry["entity"].as_str(), entry["entity_id"].as_i64()),
        (Some("create"), Some("consultation"), Some(paid_id))
    );
    assert_eq!((entry["org_id"].as_i64(), entry["after"]["duration"].as_str()), (Some(c.org), Some("1.5")));

    // A closed month is frozen: a consultation dated in it (logged late, or after an early
    // close) is listed, and billed, in the first open month after it; the closed report stays.
    // (Months close in order: the two trial months first.)
    for earlier in [2, 1] {
        let month = Period::of(business_period().first_day().checked_sub_months(Months::new(earlier)).unwrap());
        let path = format!("/api/v1/reports/{month}/close?org={}", c.org);
        assert_eq!(app.post(&path, &c.analyst, json!({})).await.0, StatusCode::OK);
    }
    let (s, closed) = app.post(&format!("/api/v1/reports/{period}/close?org={}", c.org), &c.analyst, json!({})).await;
    assert_eq!((s, closed["statement"]["hours"].as_str()), (StatusCode::OK, Some("7.5")));
    let (s, late) = consult(&app, &c.specialist, talk(c.org, "phone", "2", true, "поздно")).await;
    assert_eq!(s, StatusCode::CREATED, "{late}");
    let next = business_period().next();
    let late_id = late["consultation"]["id"].as_i64().unwrap();
    assert_eq!(
        (late["consultation"]["date"].as_str(), late["consultation"]["billed_in"].as_str()),
        (Some(today().as_str()), Some(next.to_string().as_str()))
    );
    assert_eq!(app.get(&report_path, &c.client).await.1, closed);
    let (s, following) = app.get(&format!("/api/v1/reports/{next}"), &c.client).await;
    assert_eq!(s, StatusCode::OK, "{following}");
    let listed = following["consultations"].as_array().unwrap();
    assert_eq!(listed.iter().map(|c| c["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![late_id]);
    assert_eq!(listed[0]["billed_in"], next.to_string());
    assert_eq!(following["statement"]["hours"], "2", "{following}");
    // The list by month follows the reports: the late one is April's, not March's.
    let (_, in_next) = app.get(&format!("/api/v1/consultations?org={}&month={next}", c.org), &c.analyst).await;
    assert_eq!(in_next["consultations"][0]["id"], late_id, "{in_next}");
    let (_, in_closed) = app.get(&format!("/api/v1/consultations?org={}&month={period}", c.org), &c.analyst).await;
    assert!(in_closed["consultations"].as_array().unwrap().iter().all(|c| c["id"] != late_id), "{in_closed}");
    let (_, csv) = app.call_text(Method::GET, &format!("/api/v1/reports/{next}.csv"), Some(&c.client), None).await;
    // «да» stands alone (a SUMIF counts it); why it is in this month goes in the note.
    let note = format!(
        "{} уже был закрыт",
        hourbank_domain::format::period_ru(hourbank_domain::Period::parse("p", &period).unwrap())
    );
    assert!(csv.contains(&format!(";поздно;2;да;{note}\r\n")), "{csv}");
    assert!(csv.contains("К оплате;Примечание\r\n"), "{csv}");
    let (_, audit) = app.get("/api/v1/audit", &c.admin).await;
    assert_eq!(audit["entries"][0]["after"]["billed_in"], next.to_string(), "{audit}");
}

/// A month closing while consultations dated in it are being logged: each lands in exactly one
/// report, the closed month's (logged before the close) or the next one's (after it), as its
/// answer says, and the closed month stays as the close answered it. (On SQLite a consultation's
/// insert is conditional on the month read before it still being open; on PostgreSQL a row lock
/// orders the two.)
async fn consultations_racing_a_month_close_each_land_in_exactly_one_report(app: TestApp) {
    let c = subscription_cast(&app).await;
    let period = business_period();
    for earlier in [2, 1] {
        let month = Period::of(period.first_day().checked_sub_months(Months::new(earlier)).unwrap());
        let path = format!("/api/v1/reports/{month}/close?org={}", c.org);
        assert_eq!(app.post(&path, &c.analyst, json!({})).await.0, StatusCode::OK);
    }
    // Four specialists' desks log one consultation after another while the month closes, and go
    // on until two more are logged after the close answered: some land before it, some during it
    // (read before the month closed, written after), some after it.
    let closed_now = std::sync::atomic::AtomicBool::new(false);
    let desk = |n: usize| {
        let (app, c, closed_now) = (&app, &c, &closed_now);
        async move {
            let mut outcomes = Vec::new();
            let mut after_close = 0;
            while after_close < 2 {
                if closed_now.load(std::sync::atomic::Ordering::SeqCst) {
                    after_close += 1;
                }
                let topic = format!("вопрос {n}-{}", outcomes.len());
                outcomes.push(consult(app, &c.specialist, talk(c.org, "phone", "0.5", false, &topic)).await);
            }
            outcomes
        }
    };
    let close_path = format!("/api/v1/reports/{period}/close?org={}", c.org);
    let close = async {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let closed = app.post(&close_path, &c.analyst, json!({})).await;
        closed_now.store(true, std::sync::atomic::Ordering::SeqCst);
        closed
    };
    let (one, two, three, four, (status, closed)) = tokio::join!(desk(1), desk(2), desk(3), desk(4), close);
    let logged: Vec<(StatusCode, Value)> = [one, two, three, four].into_iter().flatten().collect();
    assert_eq!(status, StatusCode::OK, "{closed}");
    let next = period.next().to_string();
    let (_, following) = app.get(&format!("/api/v1/reports/{next}"), &c.client).await;
    let ids = |report: &Value| -> Vec<i64> {
        report["consultations"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
    };
    let (in_closed, in_next) = (ids(&closed), ids(&following));
    for (status, answer) in &logged {
        assert_eq!(*status, StatusCode::CREATED, "{answer}");
        let id = answer["consultation"]["id"].as_i64().unwrap();
        // (`billed_in` is there only when the month of its date was closed.)
        let own_month = period.to_string();
        let billed_in = answer["consultation"]["billed_in"].as_str().unwrap_or(&own_month);
        let expected = if billed_in == own_month { (true, false) } else { (false, true) };
        assert!(billed_in == own_month || billed_in == next, "{answer}");
        assert_eq!(
            (in_closed.contains(&id), in_next.contains(&id)),
            expected,
            "consultation {id} billed in {billed_in}"
        );
    }
    assert_eq!(in_closed.len() + in_next.len(), logged.len(), "no consultation is listed but those logged");
    assert_eq!(app.get(&format!("/api/v1/reports/{period}"), &c.client).await.1, closed, "the closed month stays");
}

/// A contract whose last month is closed has no month left for a consultation dated in it: it
/// is refused, naming the date, and nothing is stored.
async fn a_consultation_after_the_contracts_last_month_closed_is_refused(app: TestApp) {
    let c = subscription_cast(&app).await;
    let period = business_period();
    sqlx::query("UPDATE orgs SET contract_end = $1 WHERE id = $2")
        .bind(period.last_day().to_string())
        .bind(c.org)
        .execute(app.state.db().pool())
        .await
        .unwrap();
    for earlier in [2, 1, 0] {
        let month = Period::of(period.first_day().checked_sub_months(Months::new(earlier)).unwrap());
        let path = format!("/api/v1/reports/{month}/close?org={}", c.org);
        assert_eq!(app.post(&path, &c.analyst, json!({})).await.0, StatusCode::OK);
    }
    let (s, b) = consult(&app, &c.specialist, talk(c.org, "phone", "2", true, "после договора")).await;
    assert_eq!((s, fields(&b)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["date"]), "{b}");
    assert!(message(&b, "date").contains("closed month"), "{b}");
    let (_, listed) = app.get(&format!("/api/v1/consultations?org={}", c.org), &c.analyst).await;
    assert_eq!(listed["consultations"], json!([]), "{listed}");
}

/// «Первые два месяца… Оплата только за закрытые задачи», and consultations are unlimited: in a
/// trial month none is billable, and one listed there never adds to the bill.
async fn a_consultation_in_the_trial_is_never_billed(app: TestApp) {
    let c = this_month_cast(&app).await;
    accepted_task(&app, &c).await;
    let (s, b) = consult(&app, &c.specialist, talk(c.org, "phone", "1.5", true, "Вопрос по остаткам")).await;
    assert_eq!((s, fields(&b)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["billable"]), "{b}");
    assert_eq!(message(&b, "billable"), "a consultation in the trial is not billed");
    assert_eq!(app.get("/api/v1/consultations", &c.admin).await.1["consultations"], json!([]));
    let (s, _) = consult(&app, &c.specialist, talk(c.org, "phone", "1.5", false, "Вопрос по остаткам")).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, report) = app.get(&format!("/api/v1/reports/{}", business_period()), &c.client).await;
    assert_eq!(
        (report["statement"]["hours"].as_str(), report["statement"]["total"].as_str()),
        (Some("6"), Some("12000.00"))
    );
    assert_eq!(report["consultations"].as_array().unwrap().len(), 1);
}

async fn consultations_are_scoped_by_organisation(app: TestApp) {
    let c = subscription_cast(&app).await;
    let secret = "Секретная консультация Вектора";
    assert_eq!(
        consult(&app, &c.specialist, talk(c.other_org, "mobile_app", "1", true, secret)).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        consult(&app, &c.specialist, talk(c.org, "phone", "0.5", false, "Остаток по 60.01")).await.0,
        StatusCode::CREATED
    );
    let month = business_period();
    // A client sees its own organisation's only, whatever `org` says.
    for path in
        ["/api/v1/consultations".to_string(), format!("/api/v1/consultations?org={}&month={month}", c.other_org)]
    {
        let (status, text) = app.call_text(Method::GET, &path, Some(&c.client), None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!text.contains(secret) && !text.contains("Вектор"), "{path} leaks: {text}");
    }
    let (_, own) = app.get(&format!("/api/v1/consultations?month={month}"), &c.client).await;
    let own = own["consultations"].as_array().unwrap();
    assert_eq!(
        (own.len(), own[0]["org_id"].as_i64(), own[0]["topic"].as_str()),
        (1, Some(c.org), Some("Остаток по 60.01"))
    );
    // Staff see all, or one organisation with `org`; another month has none.
    assert_eq!(app.get("/api/v1/consultations", &c.analyst).await.1["consultations"].as_array().unwrap().len(), 2);
    let (_, theirs) = app.get(&format!("/api/v1/consultations?org={}", c.other_org), &c.specialist).await;
    assert_eq!(theirs["consultations"][0]["topic"], secret);
    assert_eq!(theirs["consultations"].as_array().unwrap().len(), 1);
    let (_, earlier) = app
        .get(&format!("/api/v1/consultations?month={}", Period::of(month.first_day().pred_opt().unwrap())), &c.admin)
        .await;
    assert_eq!(earlier["consultations"], json!([]));
    // The other organisation's billable hour is not in this one's report.
    let (_, report) = app.get(&format!("/api/v1/reports/{month}"), &c.client).await;
    assert_eq!(report["statement"]["hours"], "0");
    assert!(!report.to_string().contains(secret));
    // Sales see no client data; clients and sales log no consultations.
    assert_eq!(app.get("/api/v1/consultations", &c.sales).await.0, StatusCode::FORBIDDEN);
    assert_eq!(consult(&app, &c.client, talk(c.org, "phone", "1", false, "x")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(consult(&app, &c.sales, talk(c.org, "phone", "1", false, "x")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.call(Method::GET, "/api/v1/consultations", None, None).await.0, StatusCode::UNAUTHORIZED);
}

async fn a_consultation_counts_in_the_month_of_its_date(app: TestApp) {
    // Started three months ago: two trial months, then the subscription last month and this one.
    let start = business_period().first_day().checked_sub_months(Months::new(3)).unwrap();
    let c = cast(&app, &start.to_string()).await;
    let last_month = Period::of(business_period().first_day().pred_opt().unwrap());
    let body = json!({"org_id": c.org, "channel": "phone", "date": last_month.first_day().to_string(), "duration": "2", "topic": "Закрытие месяца", "billable": true});
    let (s, b) = consult(&app, &c.specialist, body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (_, last) = app.get(&format!("/api/v1/reports/{last_month}"), &c.client).await;
    assert_eq!(
        (last["statement"]["hours"].as_str(), last["statement"]["total"].as_str()),
        (Some("2"), Some("20000.00"))
    );
    assert_eq!(last["consultations"].as_array().unwrap().len(), 1);
    let (_, now) = app.get(&format!("/api/v1/reports/{}", business_period()), &c.client).await;
    assert_eq!(
        (now["statement"]["phase"].as_str(), now["statement"]["hours"].as_str()),
        (Some("subscription"), Some("0"))
    );
    assert_eq!(
        (now["statement"]["total"].as_str(), now["consultations"].as_array().unwrap().len()),
        (Some("20000.00"), 0)
    );
    // Before the contract began: it would reach no report.
    let body = json!({"org_id": c.org, "channel": "phone", "date": start.pred_opt().unwrap().to_string(), "duration": "1", "topic": "x", "billable": false});
    let (s, b) = consult(&app, &c.specialist, body).await;
    assert_eq!((s, fields(&b)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["date"]), "{b}");
    assert_eq!(message(&b, "date"), format!("must not be before the contract's start ({start})"));
    let message_ru = b["errors"][0]["message_ru"].as_str().unwrap();
    assert_eq!(message_ru, format!("не может быть раньше начала договора ({})", start.format("%d.%m.%Y")));
}

async fn consultation_input_names_every_bad_field_and_stores_nothing(app: TestApp) {
    let c = this_month_cast(&app).await;
    let body = json!({"org_id": 999_999, "channel": "telegram", "date": "2999-01-01", "duration": "24.5", "topic": "  ", "colour": "red"});
    let (s, b) = consult(&app, &c.specialist, body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(fields(&b), ["channel", "duration", "topic", "billable", "org_id", "date", "colour"]);
    assert_eq!(message(&b, "channel"), "unknown value \"telegram\", expected one of: phone, crm_chat, mobile_app");
    assert_eq!(message(&b, "duration"), "must be at most 24");
    assert_eq!(message(&b, "org_id"), "no such organisation");
    assert_eq!(message(&b, "date"), "must not be in the future");

    let good = talk(c.org, "phone", "1", false, "Вопрос");
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    for (field, value, expected) in [
        ("duration", json!("1.234"), "must have at most two decimal places"),
        ("duration", json!(0), "must be more than 0"),
        ("duration", json!(-1), "must not be negative"),
        ("duration", json!("час"), "is not a number: \"час\""),
        ("billable", json!("yes"), "must be true or false"),
        ("date", json!("2027-02-30"), "is not a valid date (expected YYYY-MM-DD): \"2027-02-30\""),
        ("org_id", json!("one"), "must be a positive whole number"),
        ("topic", json!("я".repeat(5_001)), "must be at most 5000 characters"),
    ] {
        let (s, b) = consult(&app, &c.specialist, with(field, value)).await;
        assert_eq!((s, fields(&b)), (StatusCode::UNPROCESSABLE_ENTITY, vec![field]), "{b}");
        assert_eq!(message(&b, field), expected);
    }
    let (s, b) = consult(&app, &c.specialist, json!({})).await;
    assert_eq!(fields(&b), ["org_id", "channel", "date", "duration", "topic", "billable"], "{s} {b}");
    assert_eq!(app.get("/api/v1/consultations", &c.admin).await.1["consultations"], json!([]));
    let (s, b) = app.get("/api/v1/consultations?month=2027-13", &c.admin).await;
    assert_eq!((s, fields(&b)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["month"]));

    // The bounds themselves are fine: 0.01 h, 24 h, 5000 characters.
    for (duration, topic) in [("0.01", "x".to_string()), ("24", "я".repeat(5_000))] {
        let (s, b) = consult(&app, &c.admin, talk(c.org, "mobile_app", duration, false, &topic)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    assert_eq!(app.get("/api/v1/consultations", &c.admin).await.1["consultations"].as_array().unwrap().len(), 2);
}

const MARKDOWN: &str = "## Как загрузить номенклатуру\n\n\
    1. Откройте **НСИ → Номенклатура**.\n\
    2. Нажмите [справку](https://its.1c.ru/db/content).\n\n\
    - пункт первый\n\
    - пункт второй\n\n\
    <script>alert('xss')</script>\n\n\
    <img src=\"x.png\" onerror=\"alert('img')\">\n\n\
    [ссылка](javascript:alert('link')) и <a href=\"https://ok.test/\" onclick=\"alert('click')\">сайт</a>\n\n\
    <p style=\"background:url(javascript:alert('css'))\" onmouseover=\"alert('over')\">Текст</p>\n\n    \
    код = 1;\n";

async fn instructions_render_sanitized_html_and_stay_in_their_organisation(app: TestApp) {
    let c = this_month_cast(&app).await;
    let (_, task) = app
        .post("/api/v1/tasks", &c.client, json!({"title": "Загрузка номенклатуры", "description": "Из Excel"}))
        .await;
    let task = task["task"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/tasks/{task}/instructions");
    let (s, b) =
        app.post(&path, &c.analyst, json!({"title": "Инструкция: загрузка НОМЕНКЛАТУРЫ", "markdown": MARKDOWN})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let created = &b["instruction"];
    assert_eq!(created["markdown"], MARKDOWN, "stored as written");
    assert_eq!((created["task_id"].as_i64(), created["author_name"].as_str()), (Some(task), Some("analyst@hb.test")));
    let html = created["html"].as_str().unwrap();
    assert!(html.contains("<h2>Как загрузить номенклатуру</h2>"), "{html}");
    assert!(html.contains("<ol>\n<li>Откройте <strong>НСИ → Номенклатура</strong>.</li>"), "{html}");
    assert!(html.contains("<ul>\n<li>пункт первый</li>\n<li>пункт второй</li>\n</ul>"), "{html}");
    assert!(
        html.contains("<a href=\"https://its.1c.ru/db/content\" rel=\"noopener noreferrer\">справку</a>"),
        "{html}"
    );
    assert!(html.contains("<a href=\"https://ok.test/\" rel=\"noopener noreferrer\">сайт</a>"), "{html}");
    assert!(html.contains("<pre><code>код = 1;\n</code></pre>"), "leading spaces kept: {html}");
    assert!(html.contains("<img src=\"x.png\">") && html.contains("<p>Текст</p>"), "{html}");
    let lower = html.to_lowercase();
    for banned in ["<script", "alert", "javascript:", "onerror", "onclick", "onmouseover", "style="] {
        assert!(!lower.contains(banned), "{banned} reached the HTML: {html}");
    }

    // The client of the task's organisation reads it; the other client gets a bare 404.
    let (s, own) = app.get(&path, &c.client).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(own["instructions"], json!([created]));
    for (method, body) in [(Method::GET, None), (Method::POST, Some(json!({"title": "x", "markdown": "y"})))] {
        let (s, text) = app.call_text(method.clone(), &path, Some(&c.other_client), body).await;
        assert!(matches!(s, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{method}: {s} {text}");
        for secret in ["номенклатур", "НОМЕНКЛАТУР", "Ромашка", "7707083893"] {
            assert!(!text.contains(secret), "{method} leaks {secret}: {text}");
        }
    }
    assert_eq!(app.get(&path, &c.other_client).await.0, StatusCode::NOT_FOUND);
    // Clients and sales write no instructions; sales read none.
    assert_eq!(app.post(&path, &c.client, json!({"title": "x", "markdown": "y"})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&path, &c.sales).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/instructions", &c.sales).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/tasks/999999/instructions", &c.analyst).await.0, StatusCode::NOT_FOUND);

    let (_, audit) = app.get("/api/v1/audit", &c.admin).await;
    let entry = &audit["entries"][0];
    assert_eq!(
        (entry["entity"].as_str(), entry["entity_id"].as_i64(), entry["org_id"].as_i64()),
        (Some("instruction"), created["id"].as_i64(), Some(c.org))
    );
}

async fn instructions_are_searched_case_insensitively_within_scope(app: TestApp) {
    let c = this_month_cast(&app).await;
    let mut tasks = Vec::new();
    for (token, title) in [(&c.client, "Скидки"), (&c.other_client, "Этикетки")] {
        let (_, b) = app.post("/api/v1/tasks", token, json!({"title": title, "description": "x"})).await;
        tasks.push(b["task"]["id"].as_i64().unwrap());
    }
    for (task, title, markdown) in [
        (tasks[0], "Автоматические скидки", "Скидка считается при **записи** заказа."),
        (tasks[0], "Отмена скидки", "Снимите флажок «Авторасчёт»."),
        (tasks[1], "Печать этикеток", "Шаблон этикетки 58×40, печать при ЗАПИСИ поступления."),
    ] {
        let (s, b) = app
            .post(
                &format!("/api/v1/tasks/{task}/instructions"),
                &c.specialist,
                json!({"title": title, "markdown": markdown}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let titles = |body: &Value| {
        body["instructions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // Staff see all, newest first; words match title or Markdown, Cyrillic case folded.
    assert_eq!(
        titles(&app.get("/api/v1/instructions", &c.analyst).await.1),
        ["Печать этикеток", "Отмена скидки", "Автоматические скидки"]
    );
    assert_eq!(
        titles(&app.get("/api/v1/instructions?q=%D0%97%D0%90%D0%9F%D0%98%D0%A1%D0%98", &c.analyst).await.1),
        ["Печать этикеток", "Автоматические скидки"]
    );
    assert_eq!(
        titles(&app.get("/api/v1/instructions?q=%D0%A1%D0%9A%D0%98%D0%94%D0%9A%D0%98", &c.admin).await.1),
        ["Отмена скидки", "Автоматические скидки"]
    );
    // A client searches its own organisation's only.
    assert_eq!(
        titles(&app.get("/api/v1/instructions?q=%D0%B7%D0%B0%D0%BF%D0%B8%D1%81%D0%B8", &c.client).await.1),
        ["Автоматические скидки"]
    );
    assert_eq!(titles(&app.get("/api/v1/instructions", &c.other_client).await.1), ["Печать этикеток"]);
    assert_eq!(app.get("/api/v1/instructions?q=nothing-like-this", &c.analyst).await.1["instructions"], json!([]));

    // Bad input names every field, and nothing is stored.
    let path = format!("/api/v1/tasks/{}/instructions", tasks[0]);
    let (s, b) = app.post(&path, &c.analyst, json!({"title": "я".repeat(201), "markdown": 5, "tags": []})).await;
    assert_eq!((s, fields(&b)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["title", "markdown", "tags"]), "{b}");
    let (_, b) = app.post(&path, &c.analyst, json!({"markdown": " \n "})).await;
    assert_eq!(fields(&b), ["title", "markdown"]);
    let (_, b) = app.post(&path, &c.analyst, json!({"title": "Большая", "markdown": "я".repeat(200_001)})).await;
    assert_eq!((fields(&b), message(&b, "markdown")), (vec!["markdown"], "must be at most 200000 characters"));
    assert_eq!(app.get(&path, &c.client).await.1["instructions"].as_array().unwrap().len(), 2);
    // The largest allowed instruction is accepted (200 000 characters, 400 kB of UTF-8).
    let (s, _) = app.post(&path, &c.analyst, json!({"title": "я".repeat(200), "markdown": "я".repeat(200_000)})).await;
    assert_eq!(s, StatusCode::CREATED);
}

async fn the_demo_shows_consultations_and_instructions(app: TestApp) {
    hourbank_server::demo::load(&app.state).await.unwrap();
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "buh@romashka.demo", "password": hourbank_server::demo::DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let client = b["token"].as_str().unwrap().to_string();
    let org = app.get("/api/v1/me", &client).await.1["org"]["id"].as_i64().unwrap();
    let (_, listed) = app.get("/api/v1/consultations", &client).await;
    let listed = listed["consultations"].as_array().unwrap();
    // 13 months of history, at least two consultations each, some billable.
    assert!(listed.len() >= 26, "{}", listed.len());
    assert!(listed.iter().all(|c| c["org_id"] == org));
    assert!(listed.iter().any(|c| c["billable"] == true) && listed.iter().any(|c| c["billable"] == false));
    // Closed months froze their consultations with them.
    let last_month = Period::of(business_period().first_day().pred_opt().unwrap());
    let closed = Period::of(last_month.first_day().pred_opt().unwrap());
    let (_, report) = app.get(&format!("/api/v1/reports/{closed}"), &client).await;
    assert_eq!(report["status"], "closed");
    let in_report = report["consultations"].as_array().unwrap();
    assert_eq!(
        in_report.len(),
        listed.iter().filter(|c| c["date"].as_str().unwrap().starts_with(&closed.to_string())).count()
    );
    assert!(!in_report.is_empty());
    // Instructions on accepted feature tasks, rendered.
    let (_, all) = app.get("/api/v1/instructions", &client).await;
    let all = all["instructions"].as_array().unwrap();
    assert!(!all.is_empty());
    assert!(all.iter().all(|i| i["org_id"] == org && i["html"].as_str().unwrap().contains("<h2>")));
}

/// An open month's report lists its newest consultations (a page, newest entry first) and says
/// where the rest start: the pages of `GET /consultations?month=` from there hold exactly the
/// others, and the statement counts the billable hours of all of them. Closing the month
/// freezes every one of them, by date and then id.
async fn a_busy_months_report_lists_the_newest_and_pages_the_rest(app: TestApp) {
    let c = subscription_cast(&app).await;
    let period = business_period();
    let report_path = format!("/api/v1/reports/{period}");
    let (first_day, today) = (period.first_day().to_string(), today());
    let mut logged: Vec<(String, i64)> = Vec::new();
    let mut billable_centi = 0;
    // 105 consultations, more than a page (100): every third dated the 1st (the newest hundred
    // entries are listed, by date), every fifth billable 0.25 h.
    for i in 0..105 {
        let date = if i % 3 == 0 { &first_day } else { &today };
        let token = if i % 2 == 0 { &c.specialist } else { &c.analyst };
        let billable = i % 5 == 0;
        billable_centi += if billable { 25 } else { 0 };
        let body = json!({"org_id": c.org, "channel": "phone", "date": date, "duration": "0.25",
                          "topic": format!("вопрос {i} \"в кавычках\""), "billable": billable});
        let (s, b) = consult(&app, token, body).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        logged.push((date.to_string(), b["consultation"]["id"].as_i64().unwrap()));
    }
    let entry = |c: &Value| (c["date"].as_str().unwrap().to_string(), c["id"].as_i64().unwrap());
    let (s, served) = app.get(&report_path, &c.client).await;
    assert_eq!(s, StatusCode::OK, "{served}");
    let first_page: Vec<(String, i64)> = served["consultations"].as_array().unwrap().iter().map(entry).collect();
    let mut newest_first = logged.clone();
    newest_first.sort_by_key(|(_, id)| std::cmp::Reverse(*id));
    let mut newest_by_date = newest_first[..100].to_vec();
    newest_by_date.sort();
    assert_eq!(first_page, newest_by_date, "the newest hundred entries, by date and then id");
    assert_eq!(served["consultations_next_before"], newest_first[99].1);
    // The statement counts every billable one, listed or not: 21 × 0.25 h.
    assert_eq!(served["statement"]["hours"], format!("{}.{:02}", billable_centi / 100, billable_centi % 100));
    let names: Vec<&str> =
        served["consultations"].as_array().unwrap().iter().map(|c| c["specialist_name"].as_str().unwrap()).collect();
    assert!(names.contains(&"spec@hb.test") && names.contains(&"analyst@hb.test"), "{names:?}");

    // The rest, from where the report stopped: the client's own, without naming the organisation.
    let mut rest = Vec::new();
    let mut before = served["consultations_next_before"].as_i64();
    while let Some(id) = before {
        let (s, page) = app.get(&format!("/api/v1/consultations?month={period}&before={id}&limit=2"), &c.client).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        rest.extend(page["consultations"].as_array().unwrap().iter().map(entry));
        before = page["next_before"].as_i64();
    }
    assert_eq!(rest, newest_first[100..], "the pages after the report's hold exactly the others");

    // Served as a server that has read nothing yet builds it; then closed, the month is frozen
    // whole, by date and then id.
    let fresh = hourbank_server::App::new(app.state.db().clone());
    let org = hourbank_server::store::org(fresh.db(), hourbank_server::auth::OrgScope::All, c.org).await.unwrap();
    let listing = hourbank_server::services::reports::Listing::Newest;
    let built = hourbank_server::services::reports::build_report(&fresh, &org, period, listing).await.unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&built.to_json()).unwrap(), served, "served as built");
    for earlier in [2, 1, 0] {
        let month = Period::of(period.first_day().checked_sub_months(Months::new(earlier)).unwrap());
        let path = format!("/api/v1/reports/{month}/close?org={}", c.org);
        assert_eq!(app.post(&path, &c.analyst, json!({})).await.0, StatusCode::OK);
    }
    let (_, closed) = app.get(&report_path, &c.client).await;
    let frozen: Vec<(String, i64)> = closed["consultations"].as_array().unwrap().iter().map(entry).collect();
    let mut by_date = logged.clone();
    by_date.sort();
    assert_eq!(frozen, by_date, "a closed month keeps every consultation, by date and then id");
    assert_eq!(closed.get("consultations_next_before"), None);
    assert_eq!(closed["statement"], served["statement"]);
}

/// The report's page of a busy month (and each page of `GET /consultations?month=`) is read from
/// the end of the month's stretch of the `(org_id, period, id)` index and stops at the page: no
/// read and sort of the whole month.
async fn a_months_page_is_read_from_the_end_of_the_id_index(app: TestApp) {
    use hourbank_server::services::consultations::{bind_filter, first_page_query, ConsultationFilter};
    let org = app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await;
    let other = app.org("АО «Вектор»", "7736207543", "2027-01-01").await;
    let (specialist, _) = app.user("spec@hb.test", "specialist", None).await;
    let pool = app.state.db().pool();
    // Three months of 2 000 consultations each for each of two clients, as very busy clients'
    // quarters might hold.
    for org in [org, other] {
        sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 5999) \
         INSERT INTO consultations (org_id, specialist_id, channel, date, duration, topic, billable, created_at, period) \
         SELECT $1, $2, 'phone', '2027-0' || CAST(1 + i / 2000 AS TEXT) || '-1' || CAST(i % 10 AS TEXT), 25, 'звонок', 0, \
                '2027-01-01T00:00:00.000Z', '2027-0' || CAST(1 + i / 2000 AS TEXT) FROM n",
    )
    .bind(org)
    .bind(specialist)
    .execute(pool)
    .await
    .unwrap();
    }
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    let filter = ConsultationFilter { org_id: Some(org), month: Some(Period::new(2027, 3).unwrap()) };
    let (sql, binds) = first_page_query(hourbank_server::auth::OrgScope::All, &filter);
    let postgres = app.state.db().backend() == hourbank_server::db::Backend::Postgres;
    let explain = if postgres { format!("EXPLAIN {sql}") } else { format!("EXPLAIN QUERY PLAN {sql}") };
    let rows = bind_filter(sqlx::query(&explain), &binds).bind(101_i64).fetch_all(pool).await.unwrap();
    let column = if postgres { 0 } else { 3 };
    let plan: Vec<String> = rows.iter().map(|r| sqlx::Row::try_get::<String, _>(r, column).unwrap()).collect();
    // Both read the month's stretch of the `(org_id, period, id)` index from its end (PostgreSQL
    // may pick another id index by its statistics; it still reads it backwards).
    let from_the_end = if postgres { "Index Scan Backward" } else { "consultations_org_period_idx" };
    assert!(plan.iter().any(|line| line.contains(from_the_end)), "{plan:#?}");
    assert!(!plan.iter().any(|line| line.contains("TEMP B-TREE") || line.contains("Sort")), "{plan:#?}");
}

/// A frozen month relies on it: the database itself refuses to change or remove a logged
/// consultation.
async fn a_logged_consultation_is_never_changed_or_removed(app: TestApp) {
    let c = this_month_cast(&app).await;
    let (s, b) = consult(&app, &c.specialist, talk(c.org, "phone", "1", false, "звонок")).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let pool = app.state.db().pool();
    let changed = sqlx::query("UPDATE consultations SET duration = 200").execute(pool).await;
    assert!(changed.is_err_and(|e| e.to_string().contains("never changed")), "an update went through");
    let removed = sqlx::query("DELETE FROM consultations").execute(pool).await;
    assert!(removed.is_err_and(|e| e.to_string().contains("never removed")), "a delete went through");
    let (_, report) = app.get(&format!("/api/v1/reports/{}", business_period()), &c.client).await;
    assert_eq!(report["consultations"][0]["duration"], "1");
}

db_tests!(
    billable_consultations_add_hours_and_every_one_is_listed,
    a_consultation_in_the_trial_is_never_billed,
    consultations_are_scoped_by_organisation,
    a_consultation_counts_in_the_month_of_its_date,
    consultation_input_names_every_bad_field_and_stores_nothing,
    instructions_render_sanitized_html_and_stay_in_their_organisation,
    instructions_are_searched_case_insensitively_within_scope,
    the_demo_shows_consultations_and_instructions,
    a_busy_months_report_lists_the_newest_and_pages_the_rest,
    a_months_page_is_read_from_the_end_of_the_id_index,
    a_logged_consultation_is_never_changed_or_removed,
    a_consultation_after_the_contracts_last_month_closed_is_refused,
    consultations_racing_a_month_close_each_land_in_exactly_one_report,
);
