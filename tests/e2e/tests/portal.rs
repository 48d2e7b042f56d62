//! The portal's journeys in headless Chromium against the real server (fresh SQLite with the
//! demo data): a task from a request in plain words to acceptance with the cost preview and the
//! month's report, closing the month, the act, the offline outbox, another organisation's task,
//! an expired session, and axe-core on each page.

use hourbank_domain::Period;
use hourbank_e2e::portal::{start_server_with_demo, Api, DEMO_PASSWORD};
use hourbank_e2e::Browser;
use serde_json::{json, Value};

/// A new client organisation whose contract began two months before this one: two trial months
/// (nothing billed), then this month is its first subscription month with an empty reserve, so
/// the month's figures depend on this test alone.
async fn fresh_client(base: &str, inn: &str, email: &str) -> (Api, i64, Period) {
    let admin = Api::sign_in(base, "admin@hourbank.demo", DEMO_PASSWORD).await;
    let period = hourbank_server::clock::business_period();
    let start = months_before(period, 2).first_day();
    let org = admin
        .post(
            "/orgs",
            json!({ "name": format!("ООО «Проверка {inn}»"), "inn": inn, "contract_start": start.to_string(), "analyst_id": 2 }),
        )
        .await;
    let org_id = org["org"]["id"].as_i64().or_else(|| org["id"].as_i64()).expect("org id");
    admin
        .post(
            "/users",
            json!({ "email": email, "name": "Клиент Проверкин", "role": "client", "org_id": org_id, "password": DEMO_PASSWORD }),
        )
        .await;
    (admin, org_id, period)
}

/// The month `months` before `period`.
fn months_before(period: Period, months: u32) -> Period {
    (0..months).fold(period, |p, _| {
        if p.month() == 1 { Period::new(p.year() - 1, 12) } else { Period::new(p.year(), p.month() - 1) }.unwrap()
    })
}

fn task_id_from_url(url: &str) -> i64 {
    url.rsplit('/').next().and_then(|id| id.parse().ok()).unwrap_or_else(|| panic!("no task id in {url}"))
}

#[tokio::test]
async fn a_task_from_request_to_acceptance_to_a_closed_month() {
    let base = start_server_with_demo().await;
    let (admin, org_id, period) = fresh_client(&base, "5001007329", "client@proverka.test").await;
    let b = Browser::start().await;

    // The client asks in plain words.
    b.portal_sign_in(&base, "client@proverka.test").await;
    b.wait_text("#tile-total", "20\u{a0}000,00\u{a0}₽").await;
    b.assert_no_axe_violations("portal overview (client)").await;
    assert_eq!(b.portal_build().await, "client", "a client runs the client build");
    b.goto_and_wait(&format!("{base}/portal/tasks/new"), "#task-title").await;
    b.assert_no_axe_violations("new task").await;
    b.set_value("task-title", "Отчёт по остаткам на складах").await;
    b.set_value("task-description", "Нужен отчёт: остатки по всем складам на дату, с группировкой по номенклатуре.")
        .await;
    b.click("#task-submit").await;
    b.wait_text("#task-state", "Новая").await;
    let id = task_id_from_url(b.client.current_url().await.unwrap().as_str());
    b.wait_text("#notice", &format!("Задача создана: №{id}")).await;
    b.portal_sign_out().await;
    // Back, after signing out, shows the sign-in form, not a page that only says to sign in.
    b.client.back().await.unwrap();
    b.wait_for("#login-email").await;
    assert!(b.page_text().await.contains("Вход"), "{}", b.page_text().await);

    // The analyst writes the specification and estimates 12 h — in the staff's build, which the
    // page they signed in on (the client's) opened for them.
    b.portal_sign_in(&base, "anna@hourbank.demo").await;
    assert_eq!(b.portal_build().await, "staff", "staff run the staff build");
    b.goto_and_wait(&format!("{base}/portal/tasks/{id}"), "#estimate-spec").await;
    b.assert_no_axe_violations("task page (analyst, estimate form)").await;
    b.set_value("estimate-spec", "Отчёт «Остатки по складам»: отбор по дате, группировка по номенклатуре.").await;
    b.set_value("estimate-hours", "12").await;
    b.set_value("estimate-deadline", &period.last_day().to_string()).await;
    b.click("#estimate-submit").await;
    b.wait_text("#task-state", "Оценена").await;
    // …and assigns it to a specialist.
    b.wait_text("#assign-user", "Иван Петров").await;
    b.select_option_by_label("assign-user", "Иван Петров").await;
    b.click("#assign-submit").await;
    b.wait_text("#task-assignee", "Иван Петров").await;
    b.portal_sign_out().await;

    // The client sees what approving costs: 12 h in a month of 10 included and no reserve.
    b.portal_sign_in(&base, "client@proverka.test").await;
    b.wait_text("#waiting", "согласуйте оценку").await;
    b.goto_and_wait(&format!("{base}/portal/tasks/{id}"), "#cost-preview").await;
    b.wait_text(
        "#cost-preview",
        "С этой задачей сверх тарифа будет 2\u{a0}ч: она добавит 2\u{a0}ч и 4\u{a0}000,00\u{a0}₽. Счёт за месяц: 24\u{a0}000,00\u{a0}₽.",
    )
    .await;
    b.assert_no_axe_violations("task page (client, cost preview)").await;
    b.click("#action-approve").await;
    b.wait_text("#task-state", "В работе").await;
    b.wait_text("#notice", "Готово: задача в статусе «В работе».").await;
    b.portal_sign_out().await;

    // The specialist finds it among their own tasks, logs 12.5 h (more than approved) from the
    // queue without opening it, then hands it over for testing.
    b.portal_sign_in(&base, "ivan@hourbank.demo").await;
    b.wait_text("#my-tasks", "Отчёт по остаткам на складах").await;
    b.select_option("quick-task", &id.to_string()).await;
    // Nothing typed in the hours is a missing field, not «не число: «»».
    b.set_value("quick-description", "—").await;
    b.click("#quick-submit").await;
    let missing = b.wait_text("#quick-hours-error", "обязательное поле").await;
    assert!(!missing.contains("не число"), "{missing}");
    b.set_value("quick-hours", "12,5").await;
    b.set_value("quick-description", "Разработка отчёта и проверка на копии базы").await;
    b.assert_no_axe_violations("staff queue (specialist: assigned tasks, quick log)").await;
    b.click("#quick-submit").await;
    b.wait_text("#notice", &format!("Работа записана по задаче №{id}: 12,5\u{a0}ч.")).await;
    b.wait_text("#my-tasks", "12,5\u{a0}ч").await;
    b.goto_and_wait(&format!("{base}/portal/tasks/{id}"), "#worklog-hours").await;
    b.wait_text("#task-logged", "12,5\u{a0}ч").await;
    b.wait_text("#worklogs", "Разработка отчёта").await;
    b.click("#action-submit_for_testing").await;
    b.wait_text("#task-state", "На тестировании").await;
    b.portal_sign_out().await;

    // The client accepts; it bills its approved 12 h, not the 12.5 logged.
    b.portal_sign_in(&base, "client@proverka.test").await;
    b.goto_and_wait(&format!("{base}/portal/tasks/{id}"), "#action-accept").await;
    b.click("#action-accept").await;
    // Accepting asks first, saying what it bills and what the month's bill becomes.
    let confirm =
        b.wait_text("#accept-preview", "войдут 12\u{a0}ч (затрачено 12,5\u{a0}ч, согласовано 12\u{a0}ч)").await;
    assert!(confirm.contains("станет 24\u{a0}000,00\u{a0}₽ (+4\u{a0}000,00\u{a0}₽)"), "{confirm}");
    b.assert_no_axe_violations("accepting, asked to confirm").await;
    b.click("#action-accept-confirm").await;
    b.wait_text("#task-state", "Принята").await;
    b.wait_text("#notice", "Готово: задача в статусе «Принята».").await;
    b.goto_and_wait(&format!("{base}/portal/reports/{period}"), "#statement").await;
    let statement = b.wait_text("#statement", "24\u{a0}000,00\u{a0}₽").await;
    assert!(statement.contains("2\u{a0}ч × 2\u{a0}000,00\u{a0}₽"), "{statement}");
    let tasks = b.wait_text("#report-tasks", "Отчёт по остаткам на складах").await;
    assert!(tasks.contains("12\u{a0}ч") && tasks.contains("12,5\u{a0}ч") && tasks.contains("Иван Петров"), "{tasks}");
    b.assert_no_axe_violations("month report (client)").await;
    // The list finds it by state, month and words; the CSV carries it.
    b.goto_and_wait(&format!("{base}/portal/tasks?state=accepted&month={period}&q=остаткам"), "#task-table").await;
    b.wait_text("#task-table", "Отчёт по остаткам на складах").await;
    b.goto_and_wait(&format!("{base}/portal/tasks?state=testing"), "#no-tasks").await;
    b.assert_no_axe_violations("task list with filters").await;
    // A month that is no month is named under its field, and the list stays as it was.
    b.set_value("filter-month", "2026-13").await;
    b.click("#filter-apply").await;
    b.wait_text("#filter-month-error", "в виде ГГГГ-ММ").await;
    let search = b.js("return location.search;", vec![]).await;
    assert_eq!(search.as_str(), Some("?state=testing"), "the bad month was asked for");
    let csv = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done, e => done(String(e)));",
            vec![Value::from(format!("/api/v1/reports/{period}.csv"))],
        )
        .await
        .unwrap();
    let csv = csv.as_str().unwrap();
    assert!(csv.contains("Отчёт по остаткам на складах") && csv.contains("24000,00"), "{csv}");
    b.goto_and_wait(&format!("{base}/portal/reports/{period}/act"), "#document-words").await;
    b.wait_text("#document-words", "Двадцать четыре тысячи рублей 00 копеек").await;
    b.wait_text("#document-draft", "Предварительный").await;
    b.assert_no_axe_violations("act").await;
    let before: Value = admin.get(&format!("/reports/{period}?org={org_id}")).await;
    b.portal_sign_out().await;

    // The analyst closes the months in order (the two trial months first, then this one).
    b.portal_sign_in(&base, "anna@hourbank.demo").await;
    for p in [months_before(period, 2), months_before(period, 1)] {
        b.goto_and_wait(&format!("{base}/portal/reports/{p}?org={org_id}"), "#close-month").await;
        b.click("#close-month").await;
        b.wait_text("#close-confirm-text", "Отчёт будет заморожен").await;
        b.click("#close-month-confirm").await;
        b.wait_text("#report-status", "Месяц закрыт").await;
    }
    b.goto_and_wait(&format!("{base}/portal/reports/{period}?org={org_id}"), "#close-month").await;
    b.assert_no_axe_violations("month report (analyst, before closing)").await;
    // The running month closes early (its last working day), and the portal says what that means.
    b.click("#close-month").await;
    b.wait_text("#close-confirm-text", "войдут в счёт за следующий месяц").await;
    b.assert_no_axe_violations("closing the running month (confirmation)").await;
    b.click("#close-month-confirm").await;
    b.wait_text("#report-status", "Месяц закрыт").await;
    let closed: Value = admin.get(&format!("/reports/{period}?org={org_id}")).await;
    assert_eq!(closed["statement"], before["statement"], "closing keeps the figures");

    // More work after closing: a second task accepted this month changes nothing in the report.
    let client = Api::sign_in(&base, "client@proverka.test", DEMO_PASSWORD).await;
    let anna = Api::sign_in(&base, "anna@hourbank.demo", DEMO_PASSWORD).await;
    let second = client.post("/tasks", json!({ "title": "Ещё одна", "description": "После закрытия" })).await;
    let second = second["task"]["id"].as_i64().unwrap();
    let estimate = json!({ "action": "estimate", "specification": "ТЗ", "estimate": "3", "deadline": period.last_day().to_string() });
    anna.post(&format!("/tasks/{second}/transitions"), estimate).await;
    client.post(&format!("/tasks/{second}/transitions"), json!({ "action": "approve" })).await;
    let log =
        json!({ "date": hourbank_server::clock::business_today().to_string(), "hours": "3", "description": "Работа" });
    anna.post(&format!("/tasks/{second}/worklogs"), log).await;
    anna.post(&format!("/tasks/{second}/transitions"), json!({ "action": "submit_for_testing" })).await;
    client.post(&format!("/tasks/{second}/transitions"), json!({ "action": "accept" })).await;
    b.goto_and_wait(&format!("{base}/portal/reports/{period}?org={org_id}"), "#statement").await;
    let frozen = b.wait_text("#statement", "24\u{a0}000,00\u{a0}₽").await;
    assert!(!frozen.contains("27\u{a0}000"), "{frozen}");
    let tasks = b.text("#report-tasks").await;
    assert!(!tasks.contains("Ещё одна"), "a frozen report never changes: {tasks}");
    let after: Value = admin.get(&format!("/reports/{period}?org={org_id}")).await;
    assert_eq!(after, closed, "the frozen report is byte for byte the same");
    // Billed hours never vanish: the late acceptance bills in next month's report, which says why,
    // and so does the task.
    let next = period.next();
    b.goto_and_wait(&format!("{base}/portal/reports/{next}?org={org_id}"), "#report-tasks").await;
    let late = b.wait_text("#report-tasks", "Ещё одна").await;
    assert!(late.contains("уже был закрыт"), "{late}");
    b.goto_and_wait(&format!("{base}/portal/tasks/{second}"), "#task-billing").await;
    b.wait_text("#task-billing", "уже закрыт").await;
    b.portal_sign_out().await;

    // The client's overview: the month's tiles and a year of bills; every page fits a phone.
    // With this month closed early it leads with next month, where the late 3 h bill (of 10
    // included), and the year's bills include both.
    b.portal_sign_in(&base, "client@proverka.test").await;
    let next_label = hourbank_domain::format::period_ru(next);
    let heading = b.wait_text("#month-h", "Следующий месяц").await;
    assert!(heading.contains(&next_label) && heading.contains("этот уже закрыт"), "{heading}");
    b.wait_text("#tile-hours", "3\u{a0}ч").await;
    b.wait_text("#tile-left", "7\u{a0}ч").await;
    b.wait_text("#year-table", "24\u{a0}000,00\u{a0}₽").await;
    b.wait_text("#year-table", &next_label).await;
    // The chart has a value axis in round rubles.
    let axis = b
        .js(
            "return [...document.querySelectorAll('figure.chart svg text[text-anchor=end]')].map(t => t.textContent);",
            vec![],
        )
        .await;
    assert_eq!(axis, json!(["0", "10\u{a0}000", "20\u{a0}000"]), "{axis}");
    // With the running month closed early, an estimate is priced in next month's bill, not in
    // the frozen one, and the preview names the month.
    let third = client.post("/tasks", json!({ "title": "Третья", "description": "После закрытия" })).await;
    let third = third["task"]["id"].as_i64().unwrap();
    let deadline = period.next().last_day().to_string();
    let estimate = json!({ "action": "estimate", "specification": "ТЗ", "estimate": "2", "deadline": deadline });
    anna.post(&format!("/tasks/{third}/transitions"), estimate).await;
    b.goto_and_wait(&format!("{base}/portal/tasks/{third}"), "#cost-preview").await;
    b.wait_text("#cost-preview", "Укладывается в часы тарифа").await;
    b.wait_text("#preview-assumes", &format!("для счёта за {next_label}")).await;
    b.client.set_window_size(360, 800).await.expect("narrow window");
    for page in [
        String::new(),
        format!("tasks/{id}"),
        format!("reports/{period}"),
        format!("reports/{period}/act"),
        format!("reports/{period}/invoice"),
        "account".into(),
        "tasks".into(),
    ] {
        // The overview on a slow line (every request 300 ms late), as a phone gets it.
        b.set_latency(if page.is_empty() { 300 } else { 0 }).await;
        b.goto_and_wait(&format!("{base}/portal/{page}"), "h1").await;
        b.wait_gone(".loading").await;
        if page.is_empty() {
            // The year's chart loads month by month, after the tiles.
            b.wait_for("#year-table").await;
            // The app taking over from the page's frame, and its header growing the sections
            // once the server says who is signed in, move nothing (it pushed a «Загрузка…» line
            // down: 0.03 in Lighthouse).
            let shifted = b
                .js(
                    "return new Promise((done) => { let sum = 0;
                        new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value; })
                            .observe({ type: 'layout-shift', buffered: true });
                        setTimeout(() => done(sum), 200); });",
                    vec![],
                )
                .await;
            assert!(shifted.as_f64().unwrap() <= 0.02, "the overview's layout shift at 360 px: {shifted}");
        }
        let widths = b.js("return [window.innerWidth, document.documentElement.scrollWidth];", vec![]).await;
        let (inner, scroll) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
        assert!(scroll <= inner, "/portal/{page} is {scroll} px wide in a {inner} px window");
        if page.starts_with("reports/") && !page.contains("act") && !page.contains("invoice") {
            // The month's tasks keep their «К оплате» in sight, without scrolling their box.
            let billed = b
                .js(
                    "return document.querySelector('#report-tasks tbody tr td:last-child').getBoundingClientRect().right;",
                    vec![],
                )
                .await;
            assert!(billed.as_f64().unwrap() <= inner as f64, "«К оплате» is off-screen at {inner} px: {billed}");
            b.js("document.getElementById('report-tasks').scrollIntoView();", vec![]).await;
            b.screenshot("portal-360-report-tasks").await;
            b.js("window.scrollTo(0, 0);", vec![]).await;
        }
        b.screenshot(&format!(
            "portal-360-{}",
            if page.is_empty() { "overview".into() } else { page.replace('/', "-") }
        ))
        .await;
    }
    // The header stays short on a phone: the account links, then the sections in one row that scrolls sideways on its own (it was five rows, 160 px).
    let header =
        b.js("return document.querySelector('header.portal-top').getBoundingClientRect().height;", vec![]).await;
    assert!(header.as_f64().unwrap() < 100.0, "the header is {header} px high at 360 px");
    b.close().await;
}

#[tokio::test]
async fn a_task_made_offline_is_queued_and_sent_once_when_the_network_returns() {
    let base = start_server_with_demo().await;
    let (admin, org_id, _) = fresh_client(&base, "7812014560", "offline@proverka.test").await;
    let b = Browser::start().await;
    b.portal_sign_in(&base, "offline@proverka.test").await;
    // Reads made online are kept for offline use.
    b.goto_and_wait(&format!("{base}/portal/tasks"), "#filter-apply").await;
    b.wait_for("#no-tasks").await;
    b.goto_and_wait(&format!("{base}/portal/tasks/new"), "#task-title").await;

    b.set_offline(true).await;
    b.set_value("task-title", "Сделано без связи").await;
    b.set_value("task-description", "Очередь должна отправить это один раз").await;
    b.click("#task-submit").await;
    b.wait_text(".queued", "Нет связи: сохранено").await;
    b.wait_text("#sync-status", "ждут отправки: 1").await;
    // Offline, the list comes from the saved copy, with its age.
    b.click("a[href='/portal/tasks']").await;
    b.wait_text(".stale", "сохранённая копия").await;
    b.goto_outbox().await;
    b.wait_text("#outbox", "Новая задача: Сделано без связи").await;
    b.assert_no_axe_violations("outbox with a waiting write").await;
    let stored = admin.get(&format!("/tasks?org={org_id}")).await;
    assert_eq!(stored["tasks"].as_array().unwrap().len(), 0, "nothing reached the server while offline");

    b.set_offline(false).await;
    b.wait_gone("#sync-status").await;
    b.wait_for("#outbox-empty").await;
    let stored = admin.get(&format!("/tasks?org={org_id}")).await;
    let titles: Vec<&str> = stored["tasks"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Сделано без связи"], "sent exactly once");
    // A write the server refuses is kept with its message, to fix or discard — never dropped.
    b.goto_and_wait(&format!("{base}/portal/tasks/new"), "#task-title").await;
    b.set_offline(true).await;
    b.set_value("task-title", "   ").await;
    b.set_value("task-description", "Заголовок забыли").await;
    b.click("#task-submit").await;
    b.wait_text(".queued", "Нет связи").await;
    b.set_offline(false).await;
    b.wait_text("#sync-status", "отклонены сервером: 1").await;
    b.goto_outbox().await;
    b.wait_text("#outbox .refusal", "title").await;
    b.assert_no_axe_violations("outbox with a refused write").await;
    let title_input = b.js("return document.querySelector('#outbox input[id$=\"-title\"]').id;", vec![]).await;
    b.set_value(title_input.as_str().unwrap(), "Заголовок дописан").await;
    b.js("for (const x of document.querySelectorAll('#outbox button')) { if (x.textContent.includes('Исправить')) x.click(); }", vec![])
        .await;
    b.wait_for("#outbox-empty").await;
    let stored = admin.get(&format!("/tasks?org={org_id}")).await;
    let mut titles: Vec<&str> =
        stored["tasks"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    titles.sort();
    assert_eq!(titles, ["Заголовок дописан", "Сделано без связи"]);
    // Sending again (another drain, a reload) never stores it twice.
    b.client.refresh().await.unwrap();
    b.wait_for("#outbox-empty").await;
    let stored = admin.get(&format!("/tasks?org={org_id}")).await;
    assert_eq!(stored["tasks"].as_array().unwrap().len(), 2);
    // A queue the portal saved before its writes were typed (format 1: method, path, body text)
    // is read after an update, each write checked, and sent once; the new format replaces it.
    let user = b.js("return localStorage.getItem('hourbank.portal.user');", vec![]).await;
    let user = user.as_str().expect("the signed-in user is remembered").to_string();
    let v1 = r#"{"v":1,"entries":[{"key":"pw-1-format-one","method":"POST","path":"/tasks",
        "body":"{\"title\":\"Из старой очереди\",\"description\":\"Сохранено прежней версией\"}",
        "label":"Новая задача: Из старой очереди","made_at":"2026-11-24T10:00:00Z","state":{"state":"waiting"}}]}"#;
    b.js(
        "localStorage.setItem('hourbank.outbox:' + arguments[0], arguments[1]);",
        vec![Value::from(user.clone()), Value::from(v1)],
    )
    .await;
    b.client.refresh().await.unwrap();
    for _ in 0..100 {
        if admin.get(&format!("/tasks?org={org_id}")).await["tasks"].as_array().unwrap().len() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let stored = admin.get(&format!("/tasks?org={org_id}")).await;
    let mut titles: Vec<&str> =
        stored["tasks"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    titles.sort();
    assert_eq!(titles, ["Заголовок дописан", "Из старой очереди", "Сделано без связи"]);
    let queue = b.js("return localStorage.getItem('hourbank.outbox:' + arguments[0]);", vec![Value::from(user)]).await;
    assert_eq!(queue.as_str(), Some(r#"{"v":2,"entries":[]}"#), "the queue is saved in the current format");
    assert_eq!(b.js("return localStorage.getItem('hourbank.outbox.damaged');", vec![]).await, Value::Null);
    b.close().await;
}

#[tokio::test]
async fn another_organisations_task_is_out_of_reach_and_an_expired_session_comes_back() {
    let base = start_server_with_demo().await;
    let (_admin, _org, _) = fresh_client(&base, "5001007329", "first@proverka.test").await;
    // A task of the demo's «Ромашка», which this client must never see.
    let romashka = Api::sign_in(&base, "buh@romashka.demo", DEMO_PASSWORD).await;
    let theirs = romashka
        .post("/tasks", json!({ "title": "Секретная задача Ромашки", "description": "только для своих" }))
        .await;
    let theirs = theirs["task"]["id"].as_i64().unwrap();

    let b = Browser::start().await;
    b.portal_sign_in(&base, "first@proverka.test").await;
    b.goto_and_wait(&format!("{base}/portal/tasks/{theirs}"), ".error-box").await;
    // The refusal may come from the task's instructions while the task itself is still asked for.
    b.wait_gone(".loading").await;
    let text = b.page_text().await;
    assert!(!text.contains("Секретная задача") && !text.contains("только для своих"), "{text}");
    b.assert_no_axe_violations("someone else's task").await;

    // The session ends (cookie gone); the next page asks to sign in and then comes back.
    b.goto_and_wait(&format!("{base}/portal/consultations"), "h1").await;
    // Its list is asked for with the cookie still there: only the next page finds it gone.
    b.wait_gone(".loading").await;
    b.client.delete_all_cookies().await.unwrap();
    b.click("a[href='/portal/instructions']").await;
    b.wait_text("main", "Сеанс истёк").await;
    assert!(b.client.current_url().await.unwrap().as_str().contains("/portal/login?next=/portal/instructions"));
    b.set_value("login-email", "first@proverka.test").await;
    b.set_value("login-password", DEMO_PASSWORD).await;
    b.click("#login-submit").await;
    b.wait_for("#instructions-q").await;
    assert!(b.client.current_url().await.unwrap().as_str().ends_with("/portal/instructions"));
    b.assert_no_axe_violations("instructions").await;
    b.close().await;
}

/// What someone types into the sign-in form stays there while the page is still asking the server
/// who is signed in (`GET /session`; its answer once rebuilt the form and emptied it).
#[tokio::test]
async fn the_sign_in_form_keeps_what_is_typed_while_the_page_starts() {
    let base = start_server_with_demo().await;
    let b = Browser::start().await;
    // Long enough that a busy CI machine still types before `/session` answers.
    b.set_latency(5_000).await;
    b.goto_and_wait(&format!("{base}/portal/login"), "#login-email").await;
    b.set_value("login-email", "buh@romashka.demo").await;
    let me_answered = "return performance.getEntriesByType('resource').some(e => e.name.endsWith('/api/v1/session'));";
    assert_eq!(b.js(me_answered, vec![]).await, Value::from(false), "typed only after /session answered");
    for _ in 0..150 {
        if b.js(me_answered, vec![]).await == true {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(b.js(me_answered, vec![]).await, Value::from(true), "/session never answered");
    // …and the app has taken its answer in (the old code rebuilt the form right then).
    b.wait_for("main[data-session='none']").await;
    let typed = b.js("return document.getElementById('login-email').value;", vec![]).await;
    assert_eq!(typed, Value::from("buh@romashka.demo"));
    b.set_latency(0).await;
    b.set_value("login-password", DEMO_PASSWORD).await;
    b.click("#login-submit").await;
    b.wait_for(".portal-top .who").await;
    // The year's chart: the last twelve months, oldest first, though all twelve are asked at once.
    b.wait_for("#year-table tbody tr").await;
    let shown = b
        .js(
            "return [...document.querySelectorAll('#year-table tbody tr td:first-child')].map((td) => td.textContent);",
            vec![],
        )
        .await;
    let months = Api::sign_in(&base, "buh@romashka.demo", DEMO_PASSWORD).await.get("/reports").await;
    let mut wanted: Vec<String> = months["months"].as_array().expect("months")[..12]
        .iter()
        .map(|m| Period::parse("period", m["period"].as_str().expect("period")).expect("a month"))
        .map(|p| hourbank_web::table::period_in(p, hourbank_web::i18n::Lang::Ru))
        .collect();
    wanted.reverse();
    assert_eq!(shown, json!(wanted), "the year's months in order");
    b.close().await;
}

#[tokio::test]
async fn staff_pages_and_the_english_switch() {
    let base = start_server_with_demo().await;
    let b = Browser::start().await;
    b.portal_sign_in(&base, "admin@hourbank.demo").await;
    b.wait_text("h1", "Очередь задач").await;
    b.assert_no_axe_violations("staff queue (admin)").await;
    for (page, table) in [("orgs", "#orgs"), ("users", "#users"), ("tariffs", "#tariffs"), ("audit", "#audit")] {
        b.goto_and_wait(&format!("{base}/portal/admin/{page}"), table).await;
        b.assert_no_axe_violations(&format!("admin {page}")).await;
    }
    // The audit log in words, with names, and what changed field by field.
    b.wait_text("#audit", "Вход — сеанс").await;

    // The admin adds an organisation and a user through the forms; a bad ИНН is named.
    b.goto_and_wait(&format!("{base}/portal/admin/orgs"), "#org-name").await;
    b.set_value("org-name", "ООО «Новый клиент»").await;
    b.set_value("org-inn", "7812014561").await;
    b.set_value("org-start", "2027-01-01").await;
    b.js("document.getElementById('org-name').closest('form').requestSubmit();", vec![]).await;
    b.wait_text("#org-inn-error", "неверная контрольная цифра").await;
    // The refusal is said again in the language switched to, the form kept as it was.
    b.click("#lang-switch").await;
    b.wait_text("#org-inn-error", "has a wrong check digit").await;
    b.click("#lang-switch").await;
    b.wait_text("#org-inn-error", "неверная контрольная цифра").await;
    b.set_value("org-inn", "7812014560").await;
    // With VAT on top at 22 % and its analyst, both set in the form.
    b.select_option("org-vat", "on_top").await;
    b.wait_for("#org-vat-rate").await;
    b.wait_for("#org-analyst option[value]:not([value=''])").await;
    b.select_option_by_label("org-analyst", "Анна Смирнова").await;
    b.js("document.getElementById('org-name').closest('form').requestSubmit();", vec![]).await;
    b.wait_text("#orgs", "ООО «Новый клиент»").await;
    let row = b.js("return [...document.querySelectorAll('#orgs tr')].find(r => r.textContent.includes('Новый клиент')).textContent;", vec![]).await;
    let row = row.as_str().unwrap();
    assert!(row.contains("22 % сверху") && row.contains("Анна Смирнова"), "{row}");
    b.goto_and_wait(&format!("{base}/portal/admin/users"), "#user-email").await;
    // The admin's own row offers no disabling or password setting: their own password is changed
    // with the old one, in the account page.
    b.wait_text("tr[data-user='admin@hourbank.demo']", "Это вы").await;
    // Users are listed with their organisation's name; a client is created in one picked by name.
    b.wait_text("tr[data-user='buh@romashka.demo']", "ООО «Ромашка»").await;
    b.wait_text("#user-org", "ООО «Новый клиент» (ИНН 7812014560)").await;
    b.set_value("user-email", "new.client@novy.test").await;
    b.set_value("user-name", "Новый Клиент").await;
    b.select_option("user-role", "client").await;
    b.select_option_by_label("user-org", "ООО «Новый клиент»").await;
    b.set_value("user-password", "a long enough passphrase").await;
    b.js("document.getElementById('user-email').closest('form').requestSubmit();", vec![]).await;
    b.wait_text("tr[data-user='new.client@novy.test']", "ООО «Новый клиент»").await;
    b.select_option("user-org", "").await;
    b.set_value("user-email", "new.analyst@hourbank.demo").await;
    b.set_value("user-name", "Новый Аналитик").await;
    b.select_option("user-role", "analyst").await;
    b.set_value("user-password", "a long enough passphrase").await;
    b.js("document.getElementById('user-email').closest('form').requestSubmit();", vec![]).await;
    b.wait_text("#users", "new.analyst@hourbank.demo").await;
    let stored = b.js("return JSON.stringify(localStorage);", vec![]).await;
    assert!(
        !stored.as_str().unwrap().contains("a long enough passphrase"),
        "a new user's password waits in localStorage"
    );

    // The admin disables the new user after a confirmation: their session ends at once and
    // sign-in is refused; then enables them again with a password of the admin's choosing.
    let new_analyst = Api::sign_in(&base, "new.analyst@hourbank.demo", "a long enough passphrase").await;
    let row = "tr[data-user='new.analyst@hourbank.demo']";
    b.click(&format!("{row} .user-actions > button:nth-of-type(1)")).await;
    b.wait_text(&format!("{row} .user-actions"), "завершатся сразу").await;
    b.click(&format!("{row} .confirm-access")).await;
    b.wait_text(&format!("{row} .user-status"), "отключён").await;
    assert_eq!(new_analyst.status("/me").await, 401, "the disabled user's session goes on");
    let refused = reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"email": "new.analyst@hourbank.demo", "password": "a long enough passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    b.click(&format!("{row} .user-actions > button:nth-of-type(1)")).await;
    b.click(&format!("{row} .confirm-access")).await;
    b.wait_text(&format!("{row} .user-status"), "разрешён").await;
    b.click(&format!("{row} .user-actions > button:nth-of-type(2)")).await;
    b.wait_for(&format!("{row} input[type=password]")).await;
    b.assert_no_axe_violations("users, setting a password").await;
    let field = b.js(&format!("return document.querySelector(\"{row} input[type=password]\").id;"), vec![]).await;
    b.set_value(field.as_str().unwrap(), "chosen by the admin").await;
    b.click(&format!("{row} .confirm-password")).await;
    b.wait_gone(&format!("{row} input[type=password]")).await;
    let stored = b.js("return JSON.stringify(localStorage);", vec![]).await;
    assert!(!stored.as_str().unwrap().contains("chosen by the admin"), "the password waits in localStorage");
    let again = Api::sign_in(&base, "new.analyst@hourbank.demo", "chosen by the admin").await;
    assert_eq!(again.status("/me").await, 200);

    // Staff record a consultation for an organisation they pick.
    b.goto_and_wait(&format!("{base}/portal/consultations"), "#consultation-org").await;
    // Of all organisations, each consultation says whose it is; of one, the column goes.
    b.wait_text("main table thead", "Организация").await;
    b.wait_text("main table tbody", "АО «Вектор»").await;
    b.select_option("consultation-org", "1").await;
    b.wait_for("#consultation-topic").await;
    b.wait_gone("main table tbody td:nth-child(7)").await;
    b.assert_no_axe_violations("consultations (staff, with the form)").await;
    b.set_value("consultation-date", &hourbank_server::clock::business_today().to_string()).await;
    b.set_value("consultation-duration", "0,75").await;
    b.set_value("consultation-topic", "Настройка обмена с банком").await;
    b.js("document.querySelector('#consultation-topic').closest('form').requestSubmit();", vec![]).await;
    b.wait_text("#consultation-saved", "Консультация записана").await;
    b.wait_text("main table", "Настройка обмена с банком").await;
    b.wait_text("main table", "0,75\u{a0}ч").await;
    b.goto_and_wait(&format!("{base}/portal/admin/audit"), "#audit").await;
    let audit = b.wait_text("#audit", "Создание — консультация").await;
    assert!(audit.contains("Настройка обмена с банком") && !audit.contains("\"topic\""), "{audit}");
    // Field names and values in words: no raw keys, codes or decimal points.
    assert!(audit.contains("Тема: — → Настройка обмена с банком"), "{audit}");
    assert!(audit.contains("Длительность: — → 0,75\u{a0}ч") && !audit.contains("duration"), "{audit}");
    b.click("#lang-switch").await;
    b.wait_text("h1", "Audit log").await;
    // The statement and its explanation follow the language.
    b.goto_and_wait(
        &format!("{base}/portal/reports/{}?org=1", hourbank_server::clock::business_period()),
        "#statement",
    )
    .await;
    b.wait_text("#statement", "Hours accepted").await;
    // The CSV's words follow the interface's language.
    let csv = b.js("return document.querySelector('a[href*=\".csv\"]').getAttribute('href');", vec![]).await;
    assert!(csv.as_str().unwrap().ends_with(".csv?org=1&lang=en"), "{csv}");
    let explained = b.text("#statement-explain").await;
    assert!(explained.contains("\u{a0}h included") && !explained.contains("по тарифу"), "{explained}");
    // Hours in the tables too: the consultation logged above.
    b.wait_text("table.consultations", "0,75\u{a0}h").await;
    b.goto_and_wait(&format!("{base}/portal/admin/audit"), "#audit").await;
    b.client.refresh().await.unwrap();
    b.wait_text("h1", "Audit log").await;
    assert_eq!(b.js("return document.documentElement.lang;", vec![]).await, Value::from("en"));
    b.click("#lang-switch").await;
    b.wait_text("h1", "Журнал изменений").await;

    // Instructions are written by analysts, specialists and admins; sales, who see no client's
    // tasks, get no form on a task's page either.
    let admin = Api::sign_in(&base, "admin@hourbank.demo", DEMO_PASSWORD).await;
    let task = admin.get("/tasks?limit=1").await["tasks"][0]["id"].as_i64().unwrap();
    b.goto_and_wait(&format!("{base}/portal/tasks/{task}"), "#instruction-title").await;
    b.portal_sign_out().await;
    b.portal_sign_in(&base, "sales@hourbank.demo").await;
    // The header names the person and the role, each once.
    b.wait_text("#account-link", "Елена Волкова · Отдел продаж").await;
    b.goto_and_wait(&format!("{base}/portal/tasks/{task}"), "#task-state, main .error-box").await;
    let page = b.page_text().await;
    assert!(!page.contains("Новая инструкция"), "sales see the instruction form: {page}");
    assert_eq!(b.js("return document.querySelectorAll('#instruction-title').length;", vec![]).await, Value::from(0));
    b.close().await;
}

#[tokio::test]
async fn rejecting_and_returning_need_a_comment_and_the_other_pages_read_well() {
    let base = start_server_with_demo().await;
    let (_admin, org_id, period) = fresh_client(&base, "7812014560", "second@proverka.test").await;
    let client = Api::sign_in(&base, "second@proverka.test", DEMO_PASSWORD).await;
    let anna = Api::sign_in(&base, "anna@hourbank.demo", DEMO_PASSWORD).await;
    let task =
        client.post("/tasks", json!({ "title": "Печать этикеток", "description": "Нужен шаблон этикетки" })).await;
    let id = task["task"]["id"].as_i64().unwrap();
    let estimate = json!({ "action": "estimate", "specification": "Шаблон этикетки", "estimate": "2", "deadline": period.last_day().to_string() });
    anna.post(&format!("/tasks/{id}/transitions"), estimate.clone()).await;
    anna.post(
        &format!("/tasks/{id}/instructions"),
        json!({ "title": "Как печатать этикетки", "markdown": "Откройте **Склад → Этикетки**." }),
    )
    .await;
    anna.post(
        "/consultations",
        json!({ "org_id": org_id, "channel": "phone", "date": hourbank_server::clock::business_today().to_string(),
                "duration": "0.5", "topic": "Как настроить принтер этикеток", "billable": true }),
    )
    .await;

    let b = Browser::start().await;
    b.goto_and_wait(&format!("{base}/portal/login"), "#login-email").await;
    b.assert_no_axe_violations("sign-in page").await;
    b.portal_sign_in(&base, "second@proverka.test").await;
    b.wait_text(".analyst", "Анна Смирнова").await;

    // Rejecting without a comment is refused with the server's message next to the field.
    b.goto_and_wait(&format!("{base}/portal/tasks/{id}"), "#action-reject").await;
    b.wait_text("#cost-preview", "Укладывается в часы тарифа").await;
    // Cancelling asks for the reason first, and cancels nothing without one.
    b.click("#action-cancel").await;
    b.wait_text("#action-comment-error", "Напишите причину отмены").await;
    b.wait_text("#task-state", "Оценена").await;
    b.click("#action-reject").await;
    b.wait_text("#action-comment-error", "обязательное поле").await;
    b.wait_text("#task-state", "Оценена").await;
    // With a reason, cancelling still asks first, saying it is final; «Не сейчас» cancels nothing.
    b.set_value("action-comment", "Передумали").await;
    b.click("#action-cancel").await;
    b.wait_text("#cancel-preview", "Отменить задачу? Отмена окончательна.").await;
    b.click("#cancel-confirm button.secondary").await;
    b.wait_gone("#cancel-confirm").await;
    b.wait_text("#task-state", "Оценена").await;
    b.set_value("action-comment", "Нужен ещё штрихкод").await;
    b.click("#action-reject").await;
    b.wait_text("#task-state", "Новая").await;
    b.wait_text("#events", "Нужен ещё штрихкод").await;

    // Estimated again, approved, done, then returned from testing with a comment.
    anna.post(&format!("/tasks/{id}/transitions"), estimate).await;
    client.post(&format!("/tasks/{id}/transitions"), json!({ "action": "approve" })).await;
    anna.post(&format!("/tasks/{id}/transitions"), json!({ "action": "submit_for_testing" })).await;
    b.goto_and_wait(&format!("{base}/portal/tasks/{id}"), "#action-return").await;
    b.set_value("action-comment", "Штрихкод не читается").await;
    b.click("#action-return").await;
    b.wait_text("#task-state", "В работе").await;
    b.wait_text("#events", "Штрихкод не читается").await;
    // Approved work in progress may still be cancelled by the client, who is told it bills.
    b.wait_text("#action-cancel", "Отменить").await;
    b.wait_text("#cancel-bills", "при отмене затраченные часы").await;
    b.wait_text("main", "Как печатать этикетки").await;

    // Consultations, reports, instruction search.
    b.goto_and_wait(&format!("{base}/portal/consultations"), "table").await;
    b.wait_text("main", "Как настроить принтер этикеток").await;
    b.assert_no_axe_violations("consultations (client)").await;
    b.goto_and_wait(&format!("{base}/portal/reports"), "#months").await;
    b.wait_text("#months", "открыт").await;
    b.assert_no_axe_violations("reports list").await;
    // The billable consultation is billed: the month's report lists it as such, and its half
    // hour is in the act's month.
    b.goto_and_wait(&format!("{base}/portal/reports/{period}"), "table.consultations").await;
    let listed = b.wait_text("table.consultations", "Как настроить принтер этикеток").await;
    assert!(b.js("return !document.getElementById('report-consultations-more')", vec![]).await == json!(true));
    assert!(listed.contains("0,5\u{a0}ч") && listed.contains("да"), "{listed}");
    // The month's hours say which are tasks' and which the billable consultation's.
    b.wait_text("#hours-split", "задачи — 0\u{a0}ч, оплачиваемые консультации — 0,5\u{a0}ч").await;
    b.goto_and_wait(&format!("{base}/portal/reports/{period}/act"), "#document-lines").await;
    b.wait_text("#document-title", "Акт оказанных услуг от").await;
    // A hundred calls more: the open month's report lists its newest hundred and says that its
    // CSV lists them all, the first consultation among them.
    for n in 1..=100 {
        anna.post(
            "/consultations",
            json!({ "org_id": org_id, "channel": "crm_chat", "date": hourbank_server::clock::business_today().to_string(),
                    "duration": "0.25", "topic": format!("Звонок {n}"), "billable": false }),
        )
        .await;
    }
    b.goto_and_wait(&format!("{base}/portal/reports/{period}"), "table.consultations").await;
    b.wait_text("#report-consultations-more", "все — в CSV отчёта").await;
    let shown = b.js("return document.querySelectorAll('table.consultations tbody tr').length", vec![]).await;
    assert_eq!(shown, json!(100));
    assert!(b.text("table.consultations").await.contains("Звонок 100"));
    assert!(!b.text("table.consultations").await.contains("Как настроить принтер этикеток"));
    b.assert_no_axe_violations("a report with more consultations than it lists").await;
    let (_, csv) = client.get_bytes(&format!("/reports/{period}.csv")).await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("Как настроить принтер этикеток") && csv.contains("Звонок 1;"), "{csv}");
    b.goto_and_wait(&format!("{base}/portal/instructions?q=этикетки"), "#instructions-q").await;
    b.wait_text("main", "Склад → Этикетки").await;
    b.goto_and_wait(&format!("{base}/portal/instructions?q=нетакогослова"), "#instructions-q").await;
    b.wait_text("main", "Ничего не нашлось").await;
    b.portal_sign_out().await;

    // Sales: tariffs and the calculator, no client data.
    b.portal_sign_in(&base, "sales@hourbank.demo").await;
    b.wait_text("#tariffs", "Старт").await;
    let text = b.page_text().await;
    assert!(!text.contains("Печать этикеток") && !text.contains("Ромашка"), "{text}");
    b.assert_no_axe_violations("sales home").await;
    // Sales add a tariff; a bad fee is named by its field and nothing is stored.
    b.set_value("tariff-name", "Старт Плюс").await;
    b.set_value("tariff-monthly_fee", "сорок тысяч").await;
    b.set_value("tariff-included_hours", "25").await;
    b.click("#tariff-submit").await;
    b.wait_text("#tariff-monthly_fee-error", "не число").await;
    assert!(!b.text("#tariffs").await.contains("Старт Плюс"));
    b.set_value("tariff-monthly_fee", "40 000").await;
    b.click("#tariff-submit").await;
    b.wait_text("#tariffs", "Старт Плюс").await;
    b.wait_text("#tariffs", "40\u{a0}000,00\u{a0}₽").await;
    // …and take one off the public catalogue, asked first; «Старт» is built in and stays.
    b.click("#tariffs .remove-tariff").await;
    b.wait_text("#remove-tariff-confirm", "Убрать «Старт Плюс» из каталога?").await;
    b.click("#remove-tariff-yes").await;
    b.wait_gone("#remove-tariff-confirm").await;
    for _ in 0..50 {
        if !b.text("#tariffs").await.contains("Старт Плюс") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!b.text("#tariffs").await.contains("Старт Плюс"), "the tariff is still listed");
    assert!(b.js("return document.querySelectorAll('#tariffs .remove-tariff').length;", vec![]).await == 0);
    b.close().await;
}

#[tokio::test]
async fn the_portal_reopens_without_a_server_and_sends_what_was_made_when_it_is_back() {
    let mut server = hourbank_e2e::portal::StoppableServer::start_with_demo().await;
    let base = server.base.clone();
    let b = Browser::start().await;
    b.portal_sign_in(&base, "buh@romashka.demo").await;
    b.wait_for("#tile-total").await;
    b.goto_and_wait(&format!("{base}/portal/tasks"), "#task-table").await;
    // The service worker has taken the page over (it claims open pages when it activates).
    let controlled = "return navigator.serviceWorker.controller !== null;";
    for _ in 0..300 {
        if b.js(controlled, vec![]).await == Value::Bool(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(b.js(controlled, vec![]).await, Value::Bool(true), "the service worker never took the page");
    // Load the page once more under the worker, so it keeps the page and its files; it saves
    // them in the background, so wait until the wasm is in its cache before the server stops.
    b.goto_and_wait(&format!("{base}/portal/tasks"), "#task-table").await;
    let saved = "const done = arguments[arguments.length - 1];
        caches.open('hourbank-portal-v1').then(c => c.keys())
            .then(keys => done(keys.some(r => r.url.endsWith('.wasm')) && keys.some(r => r.url.endsWith('/portal/'))))
            .catch(() => done(false));";
    for _ in 0..300 {
        if b.client.execute_async(saved, vec![]).await.unwrap() == Value::Bool(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(b.client.execute_async(saved, vec![]).await.unwrap(), Value::Bool(true), "nothing saved for offline");

    server.stop().await;
    b.client.refresh().await.unwrap();
    b.wait_text(".stale", "сохранённая копия").await;
    b.wait_text("#task-table", "Ошибка при проведении").await;
    b.goto_and_wait(&format!("{base}/portal/tasks/new"), "#task-title").await;
    b.set_value("task-title", "Сделано, пока сервер недоступен").await;
    b.set_value("task-description", "Отправится, когда сервер вернётся").await;
    b.click("#task-submit").await;
    b.wait_text(".queued", "сохранено").await;

    server.start_again().await;
    // Nothing tells the page the server is back: the outbox retries on its own (every 20 s).
    b.wait_gone("#sync-status").await;
    let admin = Api::sign_in(&base, "admin@hourbank.demo", DEMO_PASSWORD).await;
    let found = admin.get("/tasks?q=пока%20сервер%20недоступен").await;
    assert_eq!(found["tasks"].as_array().unwrap().len(), 1, "{found}");
    b.close().await;
}

/// The month's act and invoice, with VAT on top for one client and included for another: every
/// line of the printable page asserted (requisites, number, VAT lines, the amount in words), and
/// the PDF's text read back with pdftotext and compared with it.
#[tokio::test]
async fn acts_and_invoices_print_and_download_as_pdf() {
    let base = start_server_with_demo().await;
    let admin = Api::sign_in(&base, "admin@hourbank.demo", DEMO_PASSWORD).await;
    let anna = Api::sign_in(&base, "anna@hourbank.demo", DEMO_PASSWORD).await;
    let period = hourbank_server::clock::business_period();
    let start = months_before(period, 2).first_day().to_string();
    let mut clients = Vec::new();
    let mut days_back = 0;
    for (name, inn, email, mode, kpp) in [
        ("ООО «Северный склад»", "5001007329", "buh@ontop.test", "on_top", "500101001"),
        ("АО «Южный завод»", "7725143584", "buh@included.test", "included", "772501001"),
    ] {
        let org = admin
            .post(
                "/orgs",
                json!({ "name": name, "inn": inn, "contract_start": start,
                                   "vat": { "mode": mode, "rate": "22" }, "analyst_id": 2 }),
            )
            .await;
        let org_id = org["org"]["id"].as_i64().or_else(|| org["id"].as_i64()).expect("org id");
        admin
            .put(
                &format!("/orgs/{org_id}/requisites"),
                json!({ "kpp": kpp, "address": "Москва, ул. Проверочная, д. 5" }),
            )
            .await;
        admin
            .post("/users", json!({ "email": email, "name": "Бухгалтер", "role": "client", "org_id": org_id, "password": DEMO_PASSWORD }))
            .await;
        let client = Api::sign_in(&base, email, DEMO_PASSWORD).await;
        // 15 h accepted in the first subscription month: 10 included, 5 over at 2000.
        let task = client.post("/tasks", json!({ "title": "Доработка", "description": "Сделать" })).await["task"]["id"]
            .as_i64()
            .unwrap();
        let path = format!("/tasks/{task}/transitions");
        anna.post(&path, json!({ "action": "estimate", "specification": "ТЗ", "estimate": "15", "deadline": period.last_day().to_string() })).await;
        client.post(&path, json!({ "action": "approve" })).await;
        // Each log on a day of its own: one person's day holds at most 24 h.
        for hours in ["8", "7"] {
            let day = (0..days_back).fold(hourbank_server::clock::business_today(), |d, _| d.pred_opt().unwrap());
            days_back += 1;
            let log = json!({ "date": day.to_string(), "hours": hours, "description": "Разработка" });
            anna.post(&format!("/tasks/{task}/worklogs"), log).await;
        }
        anna.post(&path, json!({ "action": "submit_for_testing" })).await;
        client.post(&path, json!({ "action": "accept" })).await;
        for p in [months_before(period, 2), months_before(period, 1), period] {
            anna.post(&format!("/reports/{p}/close?org={org_id}"), json!({})).await;
        }
        clients.push((email, client));
    }
    let date = period.last_day().format("%d.%m.%Y").to_string();
    // Numbered as the months closed (the demo's closed months took the year's first numbers), not
    // as they are first opened: the second organisation's month closed after the first one's.
    let number = |kind: &'static str, i: usize| {
        let path = format!("/reports/{period}/documents/{kind}");
        let (_, client) = &clients[i];
        async move { client.get(&path).await["document"]["number"].as_i64().expect("a number") }
    };
    let (act_number, invoice_number) = (number("act", 0).await, number("invoice", 1).await);
    // The trial months billed nothing: they issue no act or invoice and take no number, so the
    // second organisation's act, closed next, has the next number.
    assert_eq!(number("act", 1).await, act_number + 1, "numbers follow the order months close in");
    let earlier = months_before(period, 1);
    assert_eq!(clients[0].1.status(&format!("/reports/{earlier}/documents/act")).await, 409);
    let b = Browser::start().await;
    b.client.set_window_size(1366, 1400).await.expect("window");
    // VAT on top: its own line, then the amount to pay.
    let (email, client) = &clients[0];
    b.portal_sign_in(&base, email).await;
    b.goto_and_wait(&format!("{base}/portal/reports/{period}"), "#act-link").await;
    b.click("#act-link").await;
    b.wait_text("#document-title", &format!("Акт оказанных услуг № {act_number} от {date}")).await;
    // The tab names the month in words, as the page does.
    let tab = b.js("return document.title;", vec![]).await;
    let month = hourbank_web::table::period_in(period, hourbank_web::i18n::Lang::Ru);
    assert_eq!(tab.as_str(), Some(format!("Акт: {month} — hourbank").as_str()));
    let seller = b.text("#document-seller").await;
    for expected in [
        "Исполнитель",
        "ООО «Часовой банк»",
        "ИНН 7704407589, КПП 770401001",
        "Р/с 40702810938000012345 в ПАО Сбербанк",
        "БИК 044525225, к/с 30101810400000000225",
    ] {
        assert!(seller.contains(expected), "{expected:?} in {seller}");
    }
    let buyer = b.text("#document-buyer").await;
    for expected in
        ["Заказчик", "ООО «Северный склад»", "ИНН 5001007329, КПП 500101001", "Москва, ул. Проверочная, д. 5"]
    {
        assert!(buyer.contains(expected), "{expected:?} in {buyer}");
    }
    let lines = b.text("#document-lines").await;
    assert!(
        lines.contains("Абонентское обслуживание 1С по тарифу «Старт»")
            && lines.contains("Часы сверх включённых и резерва"),
        "{lines}"
    );
    let totals = b.text("#document-totals").await;
    for expected in
        ["Итого30\u{a0}000,00\u{a0}₽", "НДС 22 %6\u{a0}600,00\u{a0}₽", "Всего к оплате36\u{a0}600,00\u{a0}₽"]
    {
        assert!(totals.contains(expected), "{expected:?} in {totals:?}");
    }
    assert!(!totals.contains("В том числе"), "{totals}");
    b.wait_text("#document-words", "Тридцать шесть тысяч шестьсот рублей 00 копеек").await;
    b.assert_no_axe_violations("act (VAT on top)").await;
    b.screenshot("act").await;
    let act: Value = client.get(&format!("/reports/{period}/documents/act")).await;
    assert_pdf_reads_back(client, &format!("/reports/{period}/documents/act.pdf"), &act).await;
    // A closed trial month with nothing to pay says so instead of offering documents.
    b.goto_and_wait(&format!("{base}/portal/reports/{earlier}"), "#no-documents").await;
    b.wait_text("#no-documents", "К оплате 0,00 ₽: акт и счёт не выставляются").await;
    let act_links = b.js("return document.querySelectorAll('#act-link').length", vec![]).await;
    assert_eq!(act_links, json!(0), "no act link for a month with nothing to pay");
    b.portal_sign_out().await;

    // VAT included: «В том числе», and the invoice's own number.
    let (email, client) = &clients[1];
    b.portal_sign_in(&base, email).await;
    b.goto_and_wait(&format!("{base}/portal/reports/{period}/invoice"), "#document-title").await;
    // Dated the day its month closed (today): the act carries the period's last day.
    let closed_on = hourbank_server::clock::business_today().format("%d.%m.%Y");
    b.wait_text("#document-title", &format!("Счёт на оплату № {invoice_number} от {closed_on}")).await;
    let text = b.text("#document").await;
    for expected in ["Поставщик", "Покупатель", "АО «Южный завод»", "ИНН 7725143584, КПП 772501001"]
    {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    let totals = b.text("#document-totals").await;
    // 30 000 × 22 / 122 = 5 409,836… → 5 409,84.
    assert!(totals.contains("В том числе НДС 22 %5\u{a0}409,84\u{a0}₽"), "{totals:?}");
    assert!(!totals.contains("Всего к оплате"), "{totals:?}");
    b.wait_text("#document-words", "Тридцать тысяч рублей 00 копеек").await;
    b.assert_no_axe_violations("invoice (VAT included)").await;
    b.screenshot("invoice").await;
    let invoice: Value = client.get(&format!("/reports/{period}/documents/invoice")).await;
    assert_pdf_reads_back(client, &format!("/reports/{period}/documents/invoice.pdf"), &invoice).await;
    // On a phone no amount (nor its column heading) breaks across lines («20 0 / 00,00 ₽» misreads).
    b.client.set_window_size(390, 844).await.expect("phone window");
    b.goto_and_wait(&format!("{base}/portal/reports/{period}/invoice"), "#document-lines").await;
    let broken = b
        .js(
            "return [...document.querySelectorAll('#document-lines .num')].filter(cell => { \
               const r = document.createRange(); r.selectNodeContents(cell); \
               return new Set([...r.getClientRects()].map(q => Math.round(q.top))).size > 1; \
             }).map(cell => cell.textContent);",
            vec![],
        )
        .await;
    assert_eq!(broken, json!([]), "cells broken across lines at 390 px");
    b.close().await;
}

/// The PDF's text, as pdftotext reads it, carries every line of the document.
async fn assert_pdf_reads_back(api: &Api, path: &str, document: &Value) {
    let (kind, pdf) = api.get_bytes(path).await;
    assert_eq!(kind, "application/pdf");
    let dir = std::env::temp_dir().join(format!("hourbank-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("document.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (./dev installs poppler-utils)");
    let fold = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = fold(&String::from_utf8(out.stdout).unwrap());
    for line in document["text_lines"].as_array().unwrap() {
        let line = line.as_str().unwrap();
        if line.starts_with(|c: char| c.is_ascii_digit()) {
            // A work line is a table row in the PDF: its name's words and its amount.
            let amount = line.rsplit("= ").next().unwrap();
            assert!(text.contains(amount), "the PDF lacks {amount:?}: {text}");
            continue;
        }
        assert!(text.contains(&fold(line)), "the PDF lacks {line:?}: {text}");
    }
}

/// A shared browser: client A queues a task offline and leaves (the session ends with the tab);
/// client B of another organisation signs in on the same browser. A's task is neither shown to B
/// nor sent with B's session; it waits, stored, until A signs in again, and then lands in A's
/// organisation, once. B's cached pages are gone after B signs out.
#[tokio::test]
async fn queued_writes_and_cached_reads_belong_to_their_user_on_a_shared_browser() {
    let base = start_server_with_demo().await;
    let (admin, org_a, _) = fresh_client(&base, "7812014560", "a@shared.test").await;
    let (_, org_b, _) = fresh_client(&base, "5001007329", "b@shared.test").await;
    let titles = |tasks: &Value| -> Vec<String> {
        tasks["tasks"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_string()).collect()
    };
    let b = Browser::start().await;
    b.portal_sign_in(&base, "a@shared.test").await;
    b.goto_and_wait(&format!("{base}/portal/tasks/new"), "#task-title").await;
    b.set_offline(true).await;
    b.set_value("task-title", "Задача клиента А").await;
    b.set_value("task-description", "Сделано без связи на общем компьютере").await;
    b.click("#task-submit").await;
    b.wait_text("#sync-status", "ждут отправки: 1").await;
    // A's session ends (its cookie goes, as when it expires) and A closes the tab. B comes to the
    // same browser, online.
    b.client.delete_cookie(hourbank_server::auth::SESSION_COOKIE).await.unwrap();
    b.client.goto("about:blank").await.unwrap();
    b.set_offline(false).await;
    b.portal_sign_in(&base, "b@shared.test").await;
    b.goto_and_wait(&format!("{base}/portal/outbox"), "#outbox-empty").await;
    assert!(!b.page_text().await.contains("Задача клиента А"), "B sees A's pending write");
    // Give any send its chance (the outbox retries every 20 s): nothing of A's goes with B's session.
    tokio::time::sleep(std::time::Duration::from_secs(21)).await;
    assert!(titles(&admin.get(&format!("/tasks?org={org_b}")).await).is_empty(), "A's task landed in B's organisation");
    assert!(titles(&admin.get(&format!("/tasks?org={org_a}")).await).is_empty());
    // B's reads are cached for B; signing out removes them.
    b.goto_and_wait(&format!("{base}/portal/tasks"), "#no-tasks").await;
    let cached =
        b.js("return Object.keys(localStorage).filter(k => k.startsWith('hourbank.cache:')).length;", vec![]).await;
    assert!(cached.as_i64().unwrap() > 0, "reads are cached for offline use");
    b.portal_sign_out().await;
    let cached =
        b.js("return Object.keys(localStorage).filter(k => k.startsWith('hourbank.cache:')).length;", vec![]).await;
    assert_eq!(cached.as_i64(), Some(0), "B's cached pages outlived the sign-out");
    // A signs in again: A's pending write is A's to see, and goes with A's own session, once.
    b.portal_sign_in(&base, "a@shared.test").await;
    for _ in 0..100 {
        if !titles(&admin.get(&format!("/tasks?org={org_a}")).await).is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(titles(&admin.get(&format!("/tasks?org={org_a}")).await), ["Задача клиента А"]);
    assert!(titles(&admin.get(&format!("/tasks?org={org_b}")).await).is_empty());
    b.close().await;
}

/// «Выйти» without a connection: the page signs out at once, but the session's cookie (which only
/// the server can end) stays in the browser. The portal ends the session as soon as it reaches
/// the server again, before anything else, so the next person at the browser gets the sign-in
/// form, not the account.
#[tokio::test]
async fn a_sign_out_made_offline_ends_the_session_once_the_connection_returns() {
    let base = start_server_with_demo().await;
    fresh_client(&base, "7812014560", "leaving@shared.test").await;
    let b = Browser::start().await;
    b.portal_sign_in(&base, "leaving@shared.test").await;
    let cookie = b.client.get_named_cookie(hourbank_server::auth::SESSION_COOKIE).await.unwrap();
    let session = Api::with_token(&base, cookie.value());
    assert_eq!(session.status("/me").await, 200);
    b.set_offline(true).await;
    b.portal_sign_out().await;
    assert_eq!(session.status("/me").await, 200, "the server heard of the sign-out while offline?");
    // The connection returns (the page ends the session as it comes back); the next person opens
    // the portal: the sign-in form, and the old session is over.
    b.set_offline(false).await;
    b.goto_and_wait(&format!("{base}/portal/"), "#login-email").await;
    for _ in 0..50 {
        if session.status("/me").await == 401 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(session.status("/me").await, 401, "the session outlived a sign-out made offline");
    let state =
        b.js("return fetch('/api/v1/session').then(r => r.json()).then(s => JSON.stringify(s.user));", vec![]).await;
    assert_eq!(state.as_str(), Some("null"), "{state}");
    b.close().await;
}

/// A client changes their password on the account page (the old one required, a short new one
/// named), which ends their session on another device; the password never waits in the browser's
/// storage; the sessions list shows and ends sessions.
#[tokio::test]
async fn a_user_changes_their_password_and_ends_their_other_sessions() {
    let base = start_server_with_demo().await;
    let (_, _, _) = fresh_client(&base, "7812014560", "account@proverka.test").await;
    let elsewhere = Api::sign_in(&base, "account@proverka.test", DEMO_PASSWORD).await;
    let b = Browser::start().await;
    b.portal_sign_in(&base, "account@proverka.test").await;
    b.click("#account-link").await;
    b.wait_for("#password-form").await;
    b.wait_text("#sessions", "этот сеанс").await;
    b.assert_no_axe_violations("account page").await;
    b.set_value("old-password", DEMO_PASSWORD).await;
    b.set_value("new-password", "short").await;
    b.click("#password-submit").await;
    b.wait_text("#new-password-error", "10").await;
    b.set_value("new-password", "a brand new long password").await;
    b.click("#password-submit").await;
    b.wait_text("#sessions", "этот сеанс").await;
    // The other session ended; this one goes on; nothing of the password was stored.
    for _ in 0..50 {
        if elsewhere.status("/me").await == 401 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(elsewhere.status("/me").await, 401, "the other session goes on");
    let stored = b.js("return JSON.stringify(localStorage);", vec![]).await;
    assert!(!stored.as_str().unwrap().contains("a brand new long password"), "the password waits in localStorage");
    let fresh = Api::sign_in(&base, "account@proverka.test", "a brand new long password").await;
    assert_eq!(fresh.status("/me").await, 200);
    b.close().await;
}

/// A first visit, signed out: the sign-in page, without «Сеанс истёк» (no session had expired)
/// and without a single failed request — who is signed in is asked of `GET /session`, which
/// answers "nobody" with a 200, so the browser's console shows no error.
#[tokio::test]
async fn a_first_visit_asks_to_sign_in_without_errors() {
    let base = start_server_with_demo().await;
    let b = Browser::start().await;
    b.goto_and_wait(&format!("{base}/portal/tasks"), "#login-email").await;
    let text = b.page_text().await;
    assert!(text.contains("Вход в личный кабинет") && !text.contains("Сеанс истёк"), "{text}");
    let failed = b
        .js(
            "return performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
                .filter((e) => e.responseStatus >= 400).map((e) => e.name + ' ' + e.responseStatus);",
            vec![],
        )
        .await;
    assert_eq!(failed, json!([]), "requests that failed on a first visit");
    b.close().await;
}

/// A browser without a session gets the sign-in form in the page itself, painted before the app
/// is even fetched; what is typed into it meanwhile is in the app's form when the app takes over,
/// and Enter before that sends nothing (its button waits for the app).
#[tokio::test]
async fn the_sign_in_form_comes_before_the_app_and_keeps_what_was_typed_into_it() {
    let base = start_server_with_demo().await;
    let b = Browser::start().await;
    // A slow line (every request a second late) leaves time to type before the app arrives.
    b.set_latency(1000).await;
    b.js("location.href = arguments[0];", vec![format!("{base}/portal/login").into()]).await;
    b.wait_for("#shell-email").await;
    let before = b
        .js(
            "return { app: !!document.getElementById('login-email'),
                      button: document.querySelector('#shell button[type=submit]').disabled,
                      fetched: performance.getEntriesByType('resource').map((e) => e.name)
                          .filter((n) => n.endsWith('.wasm') || n.endsWith('.js')) };",
            vec![],
        )
        .await;
    assert_eq!(before, json!({ "app": false, "button": true, "fetched": [] }), "the frame, before the app");
    b.set_value("shell-email", "buh@romashka.demo").await;
    b.set_value("shell-password", DEMO_PASSWORD).await;
    b.wait_for("#login-email").await;
    let typed = b
        .js(
            "return [document.getElementById('login-email').value, document.getElementById('login-password').value,
                     !!document.getElementById('shell')];",
            vec![],
        )
        .await;
    assert_eq!(typed, json!(["buh@romashka.demo", DEMO_PASSWORD, false]));
    b.set_latency(0).await;
    b.click("#login-submit").await;
    b.wait_text("main", "Этот месяц").await;
    // Signed in, the portal's page (the app's, not the sign-in page) also fetches the app only
    // after its frame is painted.
    b.goto_and_wait(&format!("{base}/portal/"), "#tile-total").await;
    let order = b
        .js(
            "const paint = performance.getEntriesByName('first-contentful-paint')[0];
             const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
             return { sign_in_frame: !!document.getElementById('shell-email'),
                      after_paint: !!(paint && wasm && wasm.startTime >= paint.startTime) };",
            vec![],
        )
        .await;
    assert_eq!(order, json!({ "sign_in_frame": false, "after_paint": true }), "the wasm after the first paint");
    b.close().await;
}
