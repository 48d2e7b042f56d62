//! A realistic demo dataset: three client organisations on «Старт» with a year of tasks, work
//! logs, consultations and user instructions, staff of every role, months closed up to the one
//! before last. Deterministic (seeded), so every fresh start shows the same figures.

use chrono::{Duration, NaiveDate};
use hourbank_domain::montecarlo::SplitMix64;
use hourbank_domain::workflow::TaskState;
use hourbank_domain::{Contract, Hours, Period, Tariff, Vat};

use crate::app::App;
use crate::auth::OrgScope;
use crate::clock;
use crate::db::col;
use crate::services::consultations::CHANNELS;
use crate::services::instructions::render;
use crate::services::orgs::insert_new_org;
use crate::services::reports::close_month;
use crate::services::users::{check_new_user, insert_user};
use crate::store::{self, NewOrg};
use crate::Error;

/// The password of every demo account (printed at start; demo data only).
pub const DEMO_PASSWORD: &str = "demo-hourbank";

/// Whether the database has no organisations yet.
/// Whether the database holds no users and no organisations: the only kind the demo (whose
/// accounts share one published password) may be loaded into.
pub async fn is_empty(app: &App) -> Result<bool, Error> {
    let row = sqlx::query("SELECT (SELECT COUNT(*) FROM orgs) + (SELECT COUNT(*) FROM users) AS n")
        .fetch_one(app.db().pool())
        .await?;
    Ok(col::<i64>(&row, "n")? == 0)
}

const TITLES: [&str; 14] = [
    "Доработать печатную форму счёта на оплату",
    "Настроить обмен с банком (DirectBank)",
    "Обновить конфигурацию до актуального релиза",
    "Отчёт по продажам в разрезе менеджеров",
    "Ошибка при проведении «Реализации товаров»",
    "Загрузка номенклатуры из Excel",
    "Права доступа для кладовщиков",
    "Доработка документа «Поступление товаров»",
    "Выгрузка заказов с маркетплейса",
    "Проверка закрытия месяца",
    "Подключить ЭДО с контрагентами",
    "Отчёт по просроченной дебиторской задолженности",
    "Авторасчёт скидок в заказе покупателя",
    "Печать этикеток со штрихкодами",
];

const WORK: [&str; 6] = [
    "Анализ, согласование решения",
    "Разработка",
    "Тестирование на копии базы",
    "Перенос в рабочую базу",
    "Инструкция для пользователей",
    "Исправления по замечаниям",
];

const TOPICS: [&str; 8] = [
    "Как провести корректировку реализации прошлого периода",
    "Не сходится остаток по счёту 60.01",
    "Как выгрузить отчёт в Excel",
    "Вопрос по заполнению декларации по НДС",
    "Не отправляется документ в ЭДО",
    "Как завести нового сотрудника и выдать ему права",
    "Ошибка при закрытии месяца",
    "Как настроить печать на новом принтере",
];

/// User instructions written for new features: (task title, instruction title, Markdown).
const GUIDES: [(&str, &str, &str); 4] = [
    (
        "Отчёт по продажам в разрезе менеджеров",
        "Как сформировать отчёт по продажам по менеджерам",
        "## Где найти\n\nРаздел **Продажи → Отчёты → Продажи по менеджерам**.\n\n## Как сформировать\n\n\
         1. Укажите период.\n2. При необходимости отберите менеджеров.\n3. Нажмите **Сформировать**.\n\n\
         Суммы показаны без НДС; расшифровка открывается двойным щелчком по строке.\n",
    ),
    (
        "Загрузка номенклатуры из Excel",
        "Загрузка номенклатуры из файла Excel",
        "## Подготовка файла\n\nКолонки по порядку: *Артикул*, *Наименование*, *Единица*, *Цена*.\n\n\
         ## Загрузка\n\n1. **НСИ → Номенклатура → Загрузить из файла**.\n2. Выберите файл и проверьте сопоставление колонок.\n\
         3. Нажмите **Загрузить**.\n\nСтроки с уже существующим артикулом обновляются, новые — создаются.\n",
    ),
    (
        "Авторасчёт скидок в заказе покупателя",
        "Автоматические скидки в заказе покупателя",
        "## Что изменилось\n\nСкидки по условиям продаж рассчитываются сами при записи заказа.\n\n\
         ## Как отменить скидку\n\n- Откройте вкладку **Товары**;\n- снимите флажок **Авторасчёт скидки** в строке;\n\
         - запишите заказ.\n\nРучная скидка больше не пересчитывается автоматически.\n",
    ),
    (
        "Печать этикеток со штрихкодами",
        "Печать этикеток со штрихкодами",
        "## Печать\n\n1. Откройте документ поступления.\n2. **Печать → Этикетки**.\n3. Укажите количество этикеток и шаблон.\n\n\
         Шаблон этикетки 58×40 мм подходит для термопринтера склада.\n",
    ),
];

/// Loads the dataset into an empty database and returns the demo logins.
pub async fn load(app: &App) -> Result<Vec<(String, String)>, Error> {
    let mut logins = Vec::new();
    let mut staff = |email: &str, name: &str, role: &str, phone: Option<&str>| {
        logins.push((email.to_string(), role.to_string()));
        check_new_user(email, name, role, None, phone.map(str::to_string))
    };
    let admin =
        insert_user(app, &staff("admin@hourbank.demo", "Администратор", "admin", None)?, DEMO_PASSWORD, None).await?;
    let anna = insert_user(
        app,
        &staff("anna@hourbank.demo", "Анна Смирнова", "analyst", Some("+7 900 100-20-30"))?,
        DEMO_PASSWORD,
        None,
    )
    .await?;
    let oleg = insert_user(
        app,
        &staff("oleg@hourbank.demo", "Олег Кузнецов", "analyst", Some("+7 900 100-20-31"))?,
        DEMO_PASSWORD,
        None,
    )
    .await?;
    let ivan =
        insert_user(app, &staff("ivan@hourbank.demo", "Иван Петров", "specialist", None)?, DEMO_PASSWORD, None).await?;
    let maria =
        insert_user(app, &staff("maria@hourbank.demo", "Мария Соколова", "specialist", None)?, DEMO_PASSWORD, None)
            .await?;
    insert_user(app, &staff("sales@hourbank.demo", "Елена Волкова", "sales", None)?, DEMO_PASSWORD, None).await?;

    // The seller's requisites on every act and invoice, and each buyer's КПП and address.
    let seller = hourbank_domain::documents::RawSeller {
        name: Some("ООО «Часовой банк»".into()),
        inn: Some("7704407589".into()),
        kpp: Some("770401001".into()),
        address: Some("119019, Москва, ул. Арбат, д. 1".into()),
        bank_name: Some("ПАО Сбербанк".into()),
        bik: Some("044525225".into()),
        account: Some("40702810938000012345".into()),
        corr_account: Some("30101810400000000225".into()),
    }
    .check()
    .map_err(Error::Invalid)?;
    let mut tx = app.db().begin_write().await?;
    let contacts = hourbank_domain::contacts::Contacts::check(
        Some("+7 (495) 123-45-67".into()),
        Some("sales@hourbank.demo".into()),
    )
    .map_err(Error::Invalid)?;
    store::save_seller(&mut tx, &seller, &contacts, &crate::db::now()).await?;
    tx.commit().await?;

    let today = clock::business_today();
    let this_month = Period::of(today);
    // (name, ИНН, client login, analyst, months of history, mean hours per month)
    let orgs = [
        ("ООО «Ромашка»", "7707083893", "buh@romashka.demo", "Елена Васильева", anna, 12u32, 14u32),
        ("АО «Вектор»", "7736207543", "it@vector.demo", "Дмитрий Орлов", anna, 8, 22),
        ("ИП Сидоров А. В.", "500100732259", "sidorov@ip.demo", "Алексей Сидоров", oleg, 5, 6),
    ];
    let mut rng = SplitMix64::new(2027);
    // A stream of its own, so consultations leave the tasks' figures as they were.
    let mut talks = SplitMix64::new(4242);
    let mut to_close = Vec::new();
    for (name, inn, client_email, client_name, analyst, months, mean) in orgs {
        // The contract began on the 1st, `months` months ago.
        let start = this_month.first_day().checked_sub_months(chrono::Months::new(months)).expect("a valid date");
        let org = NewOrg {
            name: name.to_string(),
            inn: inn.to_string(),
            tariff_name: "Старт".to_string(),
            tariff: Tariff::start(),
            contract: Contract::new(Tariff::start(), start, None)?,
            vat: Vat::None,
            analyst_id: Some(analyst),
            warranty_days: hourbank_domain::DEFAULT_WARRANTY_DAYS,
        };
        let org_id = insert_new_org(app, &org, Some(admin)).await?;
        let kpp = (inn.len() == 10).then(|| format!("{}01001", &inn[..4]));
        sqlx::query("UPDATE orgs SET kpp = $1, address = $2 WHERE id = $3")
            .bind(kpp)
            .bind(format!("Москва, ул. Демонстрационная, д. {org_id}"))
            .bind(org_id)
            .execute(app.db().pool())
            .await?;
        logins.push((client_email.to_string(), format!("client, {name}")));
        let client = check_new_user(client_email, client_name, "client", Some(org_id), None)?;
        let client = insert_user(app, &client, DEMO_PASSWORD, Some(admin)).await?;

        // One instruction per feature and organisation, on the first task that delivered it.
        let mut guided = Vec::new();
        let mut period = Period::of(start);
        while period <= this_month {
            let is_current = period == this_month;
            let count = 1 + rng.below(4) as u32 + u32::from(mean > 15);
            for n in 0..count {
                let title = TITLES[rng.below(TITLES.len())];
                // Hours in quarter-hour steps around the organisation's mean per task.
                let per_task = (mean * 100 / count.max(1)) as i64;
                let logged = (per_task / 2 + (rng.below((per_task.max(100)) as usize) as i64)) / 25 * 25;
                let logged = logged.max(50);
                // Most estimates cover the work; some are exceeded, and the client pays the estimate.
                let estimate = if rng.below(5) == 0 { logged * 4 / 5 / 25 * 25 } else { (logged + 100) / 25 * 25 };
                let state_now = if is_current {
                    [TaskState::New, TaskState::Estimated, TaskState::InWork, TaskState::Testing, TaskState::Accepted]
                        [(n as usize + rng.below(5)) % 5]
                } else {
                    TaskState::Accepted
                };
                let last_day = period.last_day().min(today);
                let span = (last_day - period.first_day()).num_days().max(1) as usize;
                let created = period.first_day() + Duration::days(rng.below(span.max(1)) as i64 / 2);
                let accepted_on = (created + Duration::days(3 + rng.below(10) as i64)).min(last_day);
                let task = insert_task(
                    app,
                    org_id,
                    client,
                    analyst,
                    [ivan, maria][rng.below(2)],
                    title,
                    state_now,
                    created,
                    accepted_on,
                    Hours::from_centi(logged),
                    Hours::from_centi(estimate.max(25)),
                    &mut rng,
                )
                .await?;
                if state_now == TaskState::Accepted
                    && let Some((_, guide, markdown)) = GUIDES.iter().find(|(t, _, _)| *t == title)
                    && !guided.contains(guide)
                {
                    guided.push(*guide);
                    insert_instruction(app, task, org_id, analyst, guide, markdown, accepted_on).await?;
                }
            }
            // A few consultations a month, mostly with the dedicated analyst; some are billable.
            let last_day = period.last_day().min(today);
            let in_trial = org.contract.month_of(period).is_some_and(|m| m.phase == hourbank_domain::Phase::Trial);
            let days = (last_day - period.first_day()).num_days() as usize + 1;
            for _ in 0..2 + talks.below(3) {
                // Logged before the month closes: listed in the month of its date.
                let sql = "INSERT INTO consultations (org_id, specialist_id, channel, date, duration, topic, billable, created_at, period) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
                let day = period.first_day() + Duration::days(talks.below(days) as i64);
                sqlx::query(sql)
                    .bind(org_id)
                    .bind([analyst, analyst, ivan, maria][talks.below(4)])
                    .bind(CHANNELS[talks.below(CHANNELS.len())])
                    .bind(day.to_string())
                    .bind(25 * (1 + talks.below(6) as i64))
                    .bind(TOPICS[talks.below(TOPICS.len())])
                    // Never billable in the trial («Оплата только за закрытые задачи»).
                    .bind(i64::from(talks.below(3) == 0 && !in_trial))
                    .bind(format!("{day}T14:00:00.000Z"))
                    .bind(period.to_string())
                    .execute(app.db().pool())
                    .await?;
            }
            period = period.next();
        }
        to_close.push((org_id, analyst, Period::of(start)));
    }
    // Months close in calendar order across the organisations, as they would have month by month
    // (documents are numbered as months close), up to the one before last; the analyst closes
    // the last one.
    let mut p = to_close.iter().map(|(_, _, first)| *first).min().expect("demo organisations");
    while p.next() < this_month {
        for &(org_id, analyst, first) in &to_close {
            if first <= p {
                let org_record = store::org(app.db(), OrgScope::All, org_id).await?;
                close_month(app, &org_record, p, analyst).await?;
            }
        }
        p = p.next();
    }
    Ok(logins)
}

#[allow(clippy::too_many_arguments)]
async fn insert_task(
    app: &App,
    org_id: i64,
    client: i64,
    analyst: i64,
    specialist: i64,
    title: &str,
    target: TaskState,
    created: NaiveDate,
    accepted_on: NaiveDate,
    logged: Hours,
    estimate: Hours,
    rng: &mut SplitMix64,
) -> Result<i64, Error> {
    let at = |d: NaiveDate, hour: u32| format!("{}T{hour:02}:00:00.000Z", d);
    let estimated = !matches!(target, TaskState::New);
    let approved = matches!(target, TaskState::InWork | TaskState::Testing | TaskState::Accepted);
    let accepted = target == TaskState::Accepted;
    let deadline = created + Duration::days(14);
    let mut tx = app.db().begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO tasks (org_id, title, description, state, specification, estimate, deadline, approved_estimate, \
         created_by, created_at, updated_at, accepted_at, accepted_period, assignee_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(org_id)
    .bind(title)
    .bind(format!("{title}: нужно сделать, как обсуждали по телефону."))
    .bind(target.as_str())
    .bind(estimated.then(|| format!("ТЗ: {title}. Согласовано решение, описаны изменения и проверка.")))
    .bind(estimated.then_some(estimate.centi()))
    .bind(estimated.then(|| deadline.to_string()))
    .bind(approved.then_some(estimate.centi()))
    .bind(client)
    .bind(at(created, 9))
    .bind(at(if accepted { accepted_on } else { created }, 17))
    .bind(accepted.then(|| at(accepted_on, 16)))
    .bind(accepted.then(|| Period::of(accepted_on).to_string()))
    // Work begins once the estimate is approved, by the specialist it was assigned to.
    .bind(approved.then_some(specialist))
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = col(&row, "id")?;
    let mut steps = Vec::new();
    if estimated {
        steps.push((analyst, "estimate", "new", "estimated", created));
    }
    if approved {
        steps.push((client, "approve", "estimated", "in_work", created + Duration::days(1)));
    }
    if matches!(target, TaskState::Testing | TaskState::Accepted) {
        steps.push((
            specialist,
            "submit_for_testing",
            "in_work",
            "testing",
            accepted_on.max(created + Duration::days(1)),
        ));
    }
    if accepted {
        steps.push((client, "accept", "testing", "accepted", accepted_on));
    }
    for (user, action, from, to, day) in steps {
        sqlx::query("INSERT INTO task_events (task_id, user_id, at, transition, from_state, to_state) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(user)
            .bind(at(day, 12))
            .bind(action)
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await?;
    }
    if approved {
        // Split the logged hours into a few entries on days up to acceptance.
        let mut left = logged.centi();
        let mut day = created + Duration::days(1);
        let mut k = 0;
        while left > 0 {
            let part = if left <= 200 { left } else { (100 + rng.below(300) as i64) / 25 * 25 }.min(left);
            sqlx::query(
                "INSERT INTO worklogs (task_id, org_id, user_id, work_date, hours, description, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(org_id)
            .bind(if k == 0 { analyst } else { specialist })
            .bind(day.min(accepted_on.max(created)).to_string())
            .bind(part)
            .bind(WORK[k.min(WORK.len() - 1)])
            .bind(at(day, 18))
            .execute(&mut *tx)
            .await?;
            left -= part;
            k += 1;
            if day < accepted_on {
                day += Duration::days(1);
            }
        }
    }
    if accepted {
        crate::db::report_entries::write_missing(&mut tx, crate::db::report_entries::Missing::Task(id)).await?;
    }
    tx.commit().await?;
    Ok(id)
}

async fn insert_instruction(
    app: &App,
    task_id: i64,
    org_id: i64,
    author: i64,
    title: &str,
    markdown: &str,
    on: NaiveDate,
) -> Result<(), Error> {
    let at = format!("{on}T15:00:00.000Z");
    sqlx::query(
        "INSERT INTO instructions (task_id, org_id, title, markdown, html, author_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(task_id)
    .bind(org_id)
    .bind(title)
    .bind(markdown)
    .bind(render(markdown))
    .bind(author)
    .bind(at)
    .execute(app.db().pool())
    .await?;
    Ok(())
}
