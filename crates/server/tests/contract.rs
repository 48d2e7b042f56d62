//! The typed contract: every answer the server writes reads back into its `hourbank-api` type
//! (the portal's) and writes out again unchanged — no field the type drops, renames or reads
//! differently. Read with the portal's own reader (`hourbank_api::json`: structs from objects
//! only). Run on both databases, through the real server.

mod support;

use hourbank_server::clock::business_today;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use support::TestApp;

/// The answer to `method path` as its type reads it; panics naming the answer when the type
/// cannot read it or would write it differently.
async fn typed<T: DeserializeOwned + Serialize>(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, T) {
    let (status, text) = app.call_text(method.clone(), path, Some(token), body).await;
    assert!(status.is_success(), "{method} {path}: {status} {text}");
    let typed: T = hourbank_api::json::from_str(&text)
        .unwrap_or_else(|e| panic!("{method} {path}: {} cannot read it: {e}\n{text}", std::any::type_name::<T>()));
    let raw: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        raw,
        "{method} {path}: {} writes it back differently",
        std::any::type_name::<T>()
    );
    (status, typed)
}

/// A request as the portal writes it.
fn body<T: Serialize>(request: &T) -> Value {
    serde_json::to_value(request).unwrap()
}

async fn tasks_read_back(app: TestApp) {
    use hourbank_api::tasks::{
        Assignment, LogWork, LoggedWork, NewTask, TaskDetail, TaskList, WarrantyClaim, WorklogList,
    };
    use hourbank_domain::{Action, Hours, TaskState, Transition};
    let start = format!("{}-01", hourbank_server::clock::business_period());
    let org = app.org("ООО «Ромашка»", "7707083893", &start).await;
    let client = app.user("client@romashka.test", "client", Some(org)).await.1;
    let analyst = app.user("analyst@hb.test", "analyst", None).await.1;
    let (specialist_id, specialist) = app.user("spec@hb.test", "specialist", None).await;

    // The bodies are the portal's request types, as it writes them.
    let new =
        body(&NewTask {
            title: "Печатная форма".into(), description: "Сделайте, пожалуйста".into(), org_id: None
        });
    let (status, created): (_, TaskDetail) = typed(&app, Method::POST, "/api/v1/tasks", &client, Some(new)).await;
    assert_eq!((status, created.task.state), (StatusCode::CREATED, TaskState::New));
    let id = created.task.id;
    let steps = format!("/api/v1/tasks/{id}/transitions");
    let deadline = chrono::NaiveDate::from_ymd_opt(2030, 1, 31).unwrap();
    let estimate = |specification: &str, hours: i64| {
        body(&Transition::Estimate {
            specification: specification.into(),
            estimate: Hours::from_centi(hours),
            deadline,
        })
    };
    let (_, estimated): (_, TaskDetail) = typed(&app, Method::POST, &steps, &analyst, Some(estimate("ТЗ", 4_50))).await;
    assert_eq!((estimated.task.estimate, estimated.task.deadline), (Some(Hours::from_centi(4_50)), Some(deadline)));
    let _: (_, TaskDetail) =
        typed(&app, Method::POST, &steps, &client, Some(body(&Transition::Approve { estimate: None }))).await;
    let assign = body(&Assignment { user_id: Some(specialist_id) });
    let _: (_, TaskDetail) =
        typed(&app, Method::PUT, &format!("/api/v1/tasks/{id}/assignee"), &analyst, Some(assign)).await;
    let work =
        body(&LogWork {
            date: business_today(), hours: Hours::from_centi(2_25), description: "Разработка".into()
        });
    let (status, logged): (_, LoggedWork) =
        typed(&app, Method::POST, &format!("/api/v1/tasks/{id}/worklogs"), &specialist, Some(work)).await;
    assert_eq!((status, logged.worklog.date), (StatusCode::CREATED, business_today()));
    let submit = body(&Transition::SubmitForTesting);
    let _: (_, TaskDetail) = typed(&app, Method::POST, &steps, &specialist, Some(submit)).await;
    let (_, accepted): (_, TaskDetail) =
        typed(&app, Method::POST, &steps, &client, Some(body(&Transition::Accept))).await;
    assert_eq!(accepted.task.accepted_period, Some(hourbank_server::clock::business_period()));
    assert!(accepted.task.warranty_until.is_some());
    assert_eq!(accepted.events.last().map(|e| (e.action, e.to_state)), Some((Action::Accept, TaskState::Accepted)));

    // Approved work cancelled bills in the month of the cancellation.
    let report = body(&NewTask { title: "Отчёт".into(), description: "Нужен".into(), org_id: None });
    let other: TaskDetail = typed(&app, Method::POST, "/api/v1/tasks", &client, Some(report)).await.1;
    let other_steps = format!("/api/v1/tasks/{}/transitions", other.task.id);
    let _: (_, TaskDetail) = typed(&app, Method::POST, &other_steps, &analyst, Some(estimate("ТЗ", 2_00))).await;
    let _: (_, TaskDetail) =
        typed(&app, Method::POST, &other_steps, &client, Some(body(&Transition::Approve { estimate: None }))).await;
    // Re-estimated after approval, then cancelled by the client.
    let _: (_, TaskDetail) = typed(&app, Method::POST, &other_steps, &analyst, Some(estimate("ТЗ 2", 3_00))).await;
    let cancel = body(&Transition::Cancel { comment: "Передумали".into() });
    let (_, cancelled): (_, TaskDetail) = typed(&app, Method::POST, &other_steps, &client, Some(cancel)).await;
    assert_eq!(cancelled.task.cancelled_period, Some(hourbank_server::clock::business_period()));

    let claim = body(&WarrantyClaim {
        title: Some("Ошибка в форме".into()), description: "Не печатается".into()
    });
    let (_, warranty): (_, TaskDetail) =
        typed(&app, Method::POST, &format!("/api/v1/tasks/{id}/warranty"), &client, Some(claim)).await;
    assert_eq!(warranty.task.warranty_of, Some(id));

    let _: (_, TaskDetail) = typed(&app, Method::GET, &format!("/api/v1/tasks/{id}"), &client, None).await;
    let (_, list): (_, TaskList) = typed(&app, Method::GET, "/api/v1/tasks?limit=2", &analyst, None).await;
    assert_eq!((list.tasks.len(), list.next_before.is_some()), (2, true));
    let (_, work): (_, WorklogList) =
        typed(&app, Method::GET, &format!("/api/v1/tasks/{id}/worklogs"), &client, None).await;
    assert_eq!(work.logged, Hours::from_centi(2_25));
}

async fn who_and_what_read_back(app: TestApp) {
    use hourbank_api::{Me, Org, OrgList, SessionState, TariffEntry, TariffList};
    let start = format!("{}-01", hourbank_server::clock::business_period());
    let org = app.org("ООО «Ромашка»", "7707083893", &start).await;
    let (analyst_id, analyst) = app.user("analyst@hb.test", "analyst", None).await;
    let admin = app.user("admin@hb.test", "admin", None).await.1;
    let sales = app.user("sales@hb.test", "sales", None).await.1;
    let client = app.user("client@romashka.test", "client", Some(org)).await.1;
    // An organisation with every optional part: an end, VAT on top, an analyst, its warranty term.
    let new = hourbank_api::orgs::NewOrg {
        name: "ООО «Лютик»".into(),
        inn: "7728168971".into(),
        contract_start: hourbank_domain::parse_date("start", &start).unwrap(),
        contract_end: chrono::NaiveDate::from_ymd_opt(2031, 12, 31),
        tariff_name: "Старт".into(),
        tariff: hourbank_domain::Tariff::start(),
        vat: hourbank_domain::Vat::OnTop(hourbank_domain::VatRate::GENERAL),
        analyst_id: Some(analyst_id),
        warranty_days: 60,
    };
    let (status, created): (_, Org) =
        typed(&app, Method::POST, "/api/v1/orgs", &admin, Some(serde_json::to_value(&new).unwrap())).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!((created.analyst.as_ref().map(|a| a.id), created.warranty_days), (Some(analyst_id), 60));
    assert_eq!(created.contract_end, chrono::NaiveDate::from_ymd_opt(2031, 12, 31));
    let _: (_, Org) = typed(&app, Method::GET, &format!("/api/v1/orgs/{}", created.id), &analyst, None).await;
    let (_, orgs): (_, OrgList) = typed(&app, Method::GET, "/api/v1/orgs", &analyst, None).await;
    assert_eq!(orgs.orgs.len(), 2);
    let (_, me): (_, Me) = typed(&app, Method::GET, "/api/v1/me", &client, None).await;
    assert_eq!(me.org.map(|o| o.tariff), Some(hourbank_domain::Tariff::start()));
    let (_, session): (_, SessionState) = typed(&app, Method::GET, "/api/v1/session", &client, None).await;
    assert_eq!(session.user.map(|u| u.role), Some(hourbank_domain::Role::Client));
    let sign_in =
        hourbank_api::accounts::SignIn { email: "client@romashka.test".into(), password: support::PASSWORD.into() };
    let (status, signed_in): (_, hourbank_api::SignedIn) =
        typed(&app, Method::POST, "/api/v1/session", &client, Some(body(&sign_in))).await;
    assert_eq!(
        (status, signed_in.token.len() > 20, signed_in.expires_at.ends_with('Z')),
        (StatusCode::CREATED, true, true)
    );
    let (_, health): (_, hourbank_api::Health) = typed(&app, Method::GET, "/api/v1/health", &client, None).await;
    assert_eq!((health.status.as_str(), health.database.as_str()), ("ok", "ok"));
    assert_eq!(health.version.as_deref(), Some(env!("CARGO_PKG_VERSION")));

    let mut terms = hourbank_domain::Tariff::start();
    for (field, value) in
        [("monthly_fee", "45000"), ("included_hours", "25"), ("overage_rate", "1900"), ("reserve_cap", "25")]
    {
        terms.set_field(field, value).unwrap();
    }
    let new = hourbank_api::admin::NewTariff { name: "Бизнес".into(), terms, warranty_days: Some(60) };
    let (status, tariff): (_, TariffEntry) =
        typed(&app, Method::POST, "/api/v1/tariffs", &sales, Some(serde_json::to_value(&new).unwrap())).await;
    assert_eq!((status, &tariff.terms, tariff.warranty_days), (StatusCode::CREATED, &new.terms, 60));
    let (_, tariffs): (_, TariffList) = typed(&app, Method::GET, "/api/v1/tariffs", &client, None).await;
    assert_eq!(
        tariffs.tariffs.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["Старт", "Бизнес"],
        "built in first"
    );
}

async fn people_work_and_texts_read_back(app: TestApp) {
    use hourbank_api::{
        AuditList, ConsultationList, CreatedUser, InstructionList, LoggedConsultation, SessionList, TaskDetail,
        UserDisabled, UserList, WrittenInstruction,
    };
    let start = format!("{}-01", hourbank_server::clock::business_period());
    let org = app.org("ООО «Ромашка»", "7707083893", &start).await;
    let admin = app.user("admin@hb.test", "admin", None).await.1;
    let specialist = app.user("spec@hb.test", "specialist", None).await.1;
    let client = app.user("client@romashka.test", "client", Some(org)).await.1;

    let new = json!({"email": "new@romashka.test", "name": "Пётр Новиков", "role": "client", "org_id": org,
                     "phone": "+7 900 000-00-01", "password": support::PASSWORD});
    let (status, created): (_, CreatedUser) = typed(&app, Method::POST, "/api/v1/users", &admin, Some(new)).await;
    assert_eq!(
        (status, created.user.role, created.user.org_id),
        (StatusCode::CREATED, hourbank_domain::Role::Client, Some(org))
    );
    let disable = json!({"disabled": true});
    let path = format!("/api/v1/users/{}/disabled", created.user.id);
    let (_, disabled): (_, UserDisabled) = typed(&app, Method::PUT, &path, &admin, Some(disable)).await;
    assert!(disabled.disabled);
    let (_, users): (_, UserList) = typed(&app, Method::GET, "/api/v1/users", &admin, None).await;
    assert!(users.users.iter().any(|u| u.id == created.user.id && u.disabled));
    let (_, audit): (_, AuditList) = typed(&app, Method::GET, "/api/v1/audit?limit=2", &admin, None).await;
    assert_eq!((audit.entries.len(), audit.next_before.is_some()), (2, true));
    let (_, sessions): (_, SessionList) = typed(&app, Method::GET, "/api/v1/me/sessions", &client, None).await;
    assert_eq!(sessions.sessions.iter().filter(|s| s.current).count(), 1);

    let consultation = body(&hourbank_api::consultations::NewConsultation {
        org_id: org,
        channel: "phone".into(),
        date: business_today(),
        duration: hourbank_domain::Hours::from_centi(50),
        topic: "Как выгрузить отчёт".into(),
        billable: false,
    });
    let (status, logged): (_, LoggedConsultation) =
        typed(&app, Method::POST, "/api/v1/consultations", &specialist, Some(consultation)).await;
    assert_eq!((status, logged.consultation.org_id), (StatusCode::CREATED, Some(org)));
    let (_, list): (_, ConsultationList) = typed(&app, Method::GET, "/api/v1/consultations", &client, None).await;
    assert_eq!(list.consultations, [logged.consultation]);

    let task: TaskDetail =
        typed(&app, Method::POST, "/api/v1/tasks", &client, Some(json!({"title": "Выгрузка", "description": "Нужна"})))
            .await
            .1;
    let path = format!("/api/v1/tasks/{}/instructions", task.task.id);
    let text = body(&hourbank_api::instructions::NewInstruction {
        title: "Как выгрузить".into(),
        markdown: "1. Откройте **отчёт**\n2. <script>alert(1)</script>Нажмите".into(),
    });
    let (status, written): (_, WrittenInstruction) = typed(&app, Method::POST, &path, &specialist, Some(text)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(!written.instruction.html.contains("<script"), "{}", written.instruction.html);
    let (_, of_task): (_, InstructionList) = typed(&app, Method::GET, &path, &client, None).await;
    assert_eq!((of_task.instructions.len(), of_task.next_before), (1, None));
    let (_, found): (_, InstructionList) =
        typed(&app, Method::GET, "/api/v1/instructions?q=отчёт", &client, None).await;
    assert_eq!(found.instructions, of_task.instructions);
}

async fn reports_and_documents_read_back(app: TestApp) {
    use hourbank_api::{CompanyContacts, DocumentView, MonthList, Org, Report, SellerSettings, TaskDetail};
    let this_month = hourbank_server::clock::business_period();
    let start = this_month.first_day().checked_sub_months(chrono::Months::new(2)).unwrap();
    let admin = app.user("admin@hb.test", "admin", None).await.1;
    let (analyst_id, analyst) = app.user("analyst@hb.test", "analyst", None).await;
    let specialist = app.user("spec@hb.test", "specialist", None).await.1;
    let new = json!({"name": "ООО «Ромашка»", "inn": "7707083893", "contract_start": start.to_string(),
                     "vat": {"mode": "on_top", "rate": "22"}, "analyst_id": analyst_id});
    let org: Org = typed(&app, Method::POST, "/api/v1/orgs", &admin, Some(new)).await.1;
    let client = app.user("client@romashka.test", "client", Some(org.id)).await.1;
    let seller = json!({"name": "ООО «Часовой банк»", "inn": "7707083893", "kpp": "770701001",
                        "address": "Москва, Тверская, 1", "bank_name": "ПАО Сбербанк", "bik": "044525225",
                        "account": "40702810938000012345", "corr_account": "30101810400000000225",
                        "phone": "+7 495 123-45-67", "email": "sales@hourbank.test"});
    let (_, settings): (_, SellerSettings) =
        typed(&app, Method::PUT, "/api/v1/settings/seller", &admin, Some(seller)).await;
    assert!(settings.seller.is_some());
    let _: (_, SellerSettings) = typed(&app, Method::GET, "/api/v1/settings/seller", &admin, None).await;
    let (_, contacts): (_, CompanyContacts) = typed(&app, Method::GET, "/api/v1/contacts", &client, None).await;
    assert_eq!(contacts.email.as_deref(), Some("sales@hourbank.test"));
    let requisites = json!({"kpp": "770701001", "address": "Москва, Лесная, 5"});
    let path = format!("/api/v1/orgs/{}/requisites", org.id);
    let (_, with_requisites): (_, Org) = typed(&app, Method::PUT, &path, &admin, Some(requisites)).await;
    assert_eq!(with_requisites.kpp.as_deref(), Some("770701001"));

    // This month: a task accepted with its work, and a consultation.
    let task: TaskDetail =
        typed(&app, Method::POST, "/api/v1/tasks", &client, Some(json!({"title": "Отчёт", "description": "Нужен"})))
            .await
            .1;
    let steps = format!("/api/v1/tasks/{}/transitions", task.task.id);
    let estimate = json!({"action": "estimate", "specification": "ТЗ", "estimate": "12.5", "deadline": "2030-01-31"});
    let _: (_, TaskDetail) = typed(&app, Method::POST, &steps, &analyst, Some(estimate)).await;
    let _: (_, TaskDetail) = typed(&app, Method::POST, &steps, &client, Some(json!({"action": "approve"}))).await;
    let work = json!({"date": business_today().to_string(), "hours": "13", "description": "Разработка"});
    let _: (_, hourbank_api::LoggedWork) =
        typed(&app, Method::POST, &format!("/api/v1/tasks/{}/worklogs", task.task.id), &specialist, Some(work)).await;
    let submit = json!({"action": "submit_for_testing"});
    let _: (_, TaskDetail) = typed(&app, Method::POST, &steps, &specialist, Some(submit)).await;
    let _: (_, TaskDetail) = typed(&app, Method::POST, &steps, &client, Some(json!({"action": "accept"}))).await;
    let consultation = json!({"org_id": org.id, "channel": "crm_chat", "date": business_today().to_string(),
                              "duration": "0.75", "topic": "Права доступа", "billable": true});
    let _: (_, hourbank_api::LoggedConsultation) =
        typed(&app, Method::POST, "/api/v1/consultations", &specialist, Some(consultation)).await;

    let (_, months): (_, MonthList) = typed(&app, Method::GET, "/api/v1/reports", &client, None).await;
    assert_eq!((months.org_id, months.months.first().map(|m| m.period)), (org.id, Some(this_month)));
    let (_, open): (_, Report) =
        typed(&app, Method::GET, &format!("/api/v1/reports/{this_month}"), &client, None).await;
    assert_eq!(open.tasks.first().map(|t| t.billed), Some(hourbank_domain::Hours::from_centi(12_50)));
    assert_eq!(open.statement.as_ref().map(|s| s.extra_hours), Some(hourbank_domain::Hours::from_centi(3_25)));
    assert_eq!(open.consultations.len(), 1);
    for kind in ["act", "invoice"] {
        let path = format!("/api/v1/reports/{this_month}/documents/{kind}");
        let (_, document): (_, DocumentView) = typed(&app, Method::GET, &path, &client, None).await;
        assert!(document.document.preliminary);
    }
    // A closed month is served as it was frozen.
    let previous = months.months.last().unwrap().period;
    let close = format!("/api/v1/reports/{previous}/close?org={}", org.id);
    let _: (_, Report) = typed(&app, Method::POST, &close, &analyst, Some(json!({}))).await;
    let (_, closed): (_, Report) =
        typed(&app, Method::GET, &format!("/api/v1/reports/{previous}"), &client, None).await;
    assert_eq!(closed.status, "closed");
    // The year's rows in one answer: each month's as its report shows it, the closed one as frozen.
    let (_, year): (_, hourbank_api::YearStatements) =
        typed(&app, Method::GET, "/api/v1/statements", &client, None).await;
    let mut rows = Vec::new();
    for month in months.months.iter().rev() {
        let (_, report): (_, Report) =
            typed(&app, Method::GET, &format!("/api/v1/reports/{}", month.period), &client, None).await;
        rows.extend(report.statement);
    }
    assert_eq!((year.org_id, year.months.len()), (org.id, 3));
    assert_eq!(year.months, rows);
    let staff_year = format!("/api/v1/statements?org={}", org.id);
    let (_, for_staff): (_, hourbank_api::YearStatements) = typed(&app, Method::GET, &staff_year, &analyst, None).await;
    assert_eq!(for_staff, year);
}

db_tests!(tasks_read_back, who_and_what_read_back, people_work_and_texts_read_back, reports_and_documents_read_back);
