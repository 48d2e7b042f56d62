//! Monthly reports: the accepted tasks with their work logs, the consultations (billable ones count
//! as hours) and the tariff statement, the reserve carried from earlier months. Closing a month
//! freezes its report: it is stored as served and never recomputed, and later months start from
//! its frozen reserve.

use std::collections::BTreeMap;

use hourbank_domain::{
    hours_by_period, statement_through, BillableItem, ClosedMonth, Hours, MonthStatement, Period, Phase, Problem,
    Tariff,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::app::App;
use crate::auth::{Caller, OrgScope};
use crate::db::col;
use crate::services::consultations::{consultation_page, consultations, ConsultationFilter};
use crate::store::{self, OrgRecord, Page};
use crate::Error;
use hourbank_api::consultations::{channel_en, channel_ru};

pub use crate::db::report_entries::{ReportTask, ReportWorklog, UserName};

/// The language of a CSV's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvLang {
    Ru,
    En,
}

impl CsvLang {
    pub fn parse(text: Option<&str>) -> Result<CsvLang, Error> {
        match text {
            None | Some("ru") => Ok(CsvLang::Ru),
            Some("en") => Ok(CsvLang::En),
            Some(given) => Err(Error::invalid(
                "lang",
                Problem::UnknownValue { given: given.to_string(), expected: "ru, en".into() },
            )),
        }
    }

    fn pick(self, ru: &'static str, en: &'static str) -> &'static str {
        match self {
            CsvLang::Ru => ru,
            CsvLang::En => en,
        }
    }
}

/// The organisation a report is about: a client's own, or the one staff name with `?org=`.
pub async fn report_org(app: &App, caller: &Caller, org: Option<i64>) -> Result<OrgRecord, Error> {
    let scope = caller.scope()?;
    let org_id = match (scope, org) {
        (OrgScope::One(own), None) => own,
        (OrgScope::One(own), Some(org)) if org == own => own,
        (OrgScope::One(_), Some(_)) => return Err(Error::NotFound),
        (OrgScope::All, Some(org)) => org,
        (OrgScope::All, None) => return Err(Error::invalid("org", Problem::Missing)),
    };
    // A client's own organisation at the version read with its session needs no query.
    if caller.org_id == Some(org_id)
        && let Some(org) = app.cached_org(org_id, caller.org_version)
    {
        return Ok(org);
    }
    let org = store::org(app.db(), scope, org_id).await?;
    app.cache_org(&org);
    Ok(org)
}

/// The most recent closed month before `period`.
async fn last_closed_before(app: &App, org_id: i64, period: Period) -> Result<Option<ClosedMonth>, Error> {
    let row = sqlx::query(
        "SELECT period, reserve_end FROM closed_months WHERE org_id = $1 AND period < $2 ORDER BY period DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(period.to_string())
    .fetch_optional(app.db().pool())
    .await?;
    row.map(|r| {
        let p: String = col(&r, "period")?;
        Ok(ClosedMonth {
            period: Period::parse("period", &p).map_err(|e| Error::Internal(e.to_string()))?,
            reserve_end: Hours::from_centi(col(&r, "reserve_end")?),
        })
    })
    .transpose()
}

/// The stored text of a closed month's report.
pub async fn frozen(app: &App, org_id: i64, period: Period) -> Result<Option<String>, Error> {
    let row = sqlx::query("SELECT report_json FROM closed_months WHERE org_id = $1 AND period = $2")
        .bind(org_id)
        .bind(period.to_string())
        .fetch_optional(app.db().pool())
        .await?;
    row.map(|r| col(&r, "report_json").map_err(Error::from)).transpose()
}

pub fn parse_stored(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::Internal(format!("stored report: {e}")))
}

/// A month's report as served (and, once closed, as stored): see [`Report::to_json`].
#[derive(Debug)]
pub struct Report {
    pub org: ReportOrg,
    pub period: Period,
    pub status: &'static str,
    pub closed_at: Option<String>,
    pub tasks: ReportTasks,
    pub consultations: ReportConsultations,
    pub statement: MonthStatement,
    pub tariff: ReportTariff,
}

/// The month's accepted tasks as their stored report entries (each a [`ReportTask`] as JSON,
/// written at acceptance by [`crate::db::report_entries`]), oldest acceptance first.
#[derive(Debug)]
pub struct ReportTasks {
    pub count: usize,
    /// The entries joined by commas: the inside of the report's `tasks` array.
    pub joined: String,
}

/// The month's consultations as the report lists them.
#[derive(Debug)]
pub struct ReportConsultations {
    /// The entries joined by commas: the inside of the report's `consultations` array.
    pub joined: String,
    /// The next page of the month's consultations (`GET /consultations?month=…&before=…`) when
    /// the report lists only the newest ([`Listing::Newest`]) and there are more.
    pub next_before: Option<i64>,
}

/// How many of a month's consultations its report lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// All of them, by date and then id: the report as frozen, exported and printed.
    Whole,
    /// The newest page ([`Page::DEFAULT_LIMIT`]) of entries, listed by date, and where the next page
    /// starts: the open month as served, so that a busy month's answer (and the server's work and
    /// memory for it) stays the size of a page however many consultations the month gathers.
    Newest,
}

/// Room in a report's buffer for everything but its tasks and consultations (the organisation,
/// the statement, the tariff): a few hundred bytes, with ample margin.
const REPORT_FIELDS_ROOM: usize = 8192;

impl Report {
    /// The report's JSON text, keys in the order of the fields. The tasks' entries are copied in
    /// as stored: they are this server's own JSON, so parsing them again would only cost time
    /// (as a closed month's stored report is served as it is).
    pub fn to_json(&self) -> Vec<u8> {
        fn field<T: Serialize + ?Sized>(out: &mut Vec<u8>, name: &str, value: &T) {
            out.push(if out.is_empty() { b'{' } else { b',' });
            serde_json::to_writer(&mut *out, name).expect("a key serializes");
            out.push(b':');
            serde_json::to_writer(&mut *out, value).expect("a report field serializes");
        }
        // Sized for all of it: a report grown by doubling would keep up to twice its length in
        // the report cache (`Bytes` keeps the whole allocation), and months run to hundreds of kB.
        let mut out =
            Vec::with_capacity(self.tasks.joined.len() + self.consultations.joined.len() + REPORT_FIELDS_ROOM);
        field(&mut out, "org", &self.org);
        field(&mut out, "period", &self.period);
        field(&mut out, "status", self.status);
        field(&mut out, "closed_at", &self.closed_at);
        out.extend_from_slice(b",\"tasks\":[");
        out.extend_from_slice(self.tasks.joined.as_bytes());
        out.push(b']');
        out.extend_from_slice(b",\"consultations\":[");
        out.extend_from_slice(self.consultations.joined.as_bytes());
        out.push(b']');
        if let Some(next) = self.consultations.next_before {
            field(&mut out, "consultations_next_before", &next);
        }
        field(&mut out, "statement", &self.statement);
        field(&mut out, "tariff", &self.tariff);
        out.push(b'}');
        out
    }
}

#[derive(Debug, Serialize)]
pub struct ReportOrg {
    pub id: i64,
    pub name: String,
    pub inn: String,
}

#[derive(Debug, Serialize)]
pub struct ReportTariff {
    pub name: String,
    pub terms: Tariff,
}

/// The billed hours of the tasks accepted in the open months before the report's month (they
/// carry into its statement), summed by month.
async fn earlier_open_months(
    app: &App,
    org_id: i64,
    first_open: &str,
    period: &str,
    any: bool,
) -> Result<Vec<BillableItem>, sqlx::Error> {
    if !any {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT period, CAST(SUM(billed) AS BIGINT) AS billed FROM report_entries \
         WHERE org_id = $1 AND period >= $2 AND period < $3 GROUP BY period",
    )
    .bind(org_id)
    .bind(first_open)
    .bind(period)
    .fetch_all(app.db().pool())
    .await?;
    by_month(&rows, "billed", "stored report entry's period")
}

/// Rows of `period` and a sum of hundredths of an hour in `hours`, as billable items by month;
/// `what` names the stored value in a decoding error.
fn by_month(rows: &[sqlx::any::AnyRow], hours: &str, what: &str) -> Result<Vec<BillableItem>, sqlx::Error> {
    rows.iter()
        .map(|row| {
            let month: String = col(row, "period")?;
            let month =
                Period::parse("period", &month).map_err(|e| sqlx::Error::Decode(format!("{what}: {e}").into()))?;
            Ok(BillableItem { period: month, hours: Hours::from_centi(col(row, hours)?) })
        })
        .collect()
}

/// The month's accepted tasks: their stored report entries joined, oldest acceptance first (the
/// index's order), with their count and billed hours.
///
/// Measured with 10 000 tasks in one month: reading the rows is the fastest way on both engines;
/// SQLite's `group_concat(… ORDER BY …)` sorts all 15 MB (90 ms) and PostgreSQL's `string_agg`
/// takes twice as long as its rows.
async fn month_entries(app: &App, org_id: i64, period: &str) -> Result<(ReportTasks, Hours), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT billed, entry FROM report_entries WHERE org_id = $1 AND period = $2 ORDER BY accepted_at, task_id",
    )
    .bind(org_id)
    .bind(period)
    .fetch_all(app.db().pool())
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    let mut billed = 0i64;
    for row in &rows {
        billed += col::<i64>(row, "billed")?;
        entries.push(text_of(row, "entry")?);
    }
    let tasks = ReportTasks { count: entries.len(), joined: entries.join(",") };
    Ok((tasks, Hours::from_centi(billed)))
}

/// The billable consultations' hours of the open months through the report's month, by month.
async fn billable_consultations(
    app: &App,
    org_id: i64,
    first_open: Period,
    period: Period,
) -> Result<Vec<BillableItem>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT period, CAST(SUM(duration) AS BIGINT) AS hours FROM consultations \
         WHERE org_id = $1 AND billable <> 0 AND period >= $2 AND period <= $3 GROUP BY period",
    )
    .bind(org_id)
    .bind(first_open.to_string())
    .bind(period.to_string())
    .fetch_all(app.db().pool())
    .await?;
    by_month(&rows, "hours", "stored consultation's month")
}

/// The month's consultations as the report lists them (`listing`).
async fn month_consultations(
    app: &App,
    org_id: i64,
    period: Period,
    listing: Listing,
) -> Result<ReportConsultations, Error> {
    let filter = ConsultationFilter { org_id: Some(org_id), month: Some(period) };
    let (listed, next_before) = match listing {
        Listing::Whole => (consultations(app.db(), OrgScope::All, filter).await?, None),
        Listing::Newest => {
            let page = Page { limit: Page::DEFAULT_LIMIT, before: None };
            let mut paged = consultation_page(app.db(), OrgScope::All, filter, page).await?;
            // The newest entries, listed by date as a closed month's are (an entry for an earlier
            // day is often made later).
            paged.items.sort_by_key(|c| (c.date, c.id));
            (paged.items, paged.next_before)
        }
    };
    let mut joined = String::with_capacity(listed.len() * 200);
    for (i, mut consultation) in listed.into_iter().enumerate() {
        if i > 0 {
            joined.push(',');
        }
        // The report lists them without the organisation, the specialist's id and when logged.
        (consultation.org_id, consultation.specialist_id, consultation.created_at) = (None, None, None);
        joined += &serde_json::to_string(&consultation).expect("a consultation serializes");
    }
    Ok(ReportConsultations { joined, next_before })
}

/// Builds the month's report from current data (an open month, or a month about to close),
/// listing its consultations as `listing` says.
pub async fn build_report(app: &App, org: &OrgRecord, period: Period, listing: Listing) -> Result<Report, Error> {
    let contract = org.contract()?;
    if period < contract.first_period() {
        return Err(Error::invalid("period", Problem::BeforeStart(contract.start())));
    }
    if contract.last_period().is_some_and(|last| period > last) {
        return Err(Error::invalid(
            "period",
            Problem::PastContractEnd(contract.last_period().expect("some").to_string()),
        ));
    }
    let last_closed = last_closed_before(app, org.id, period).await?;
    let first_open = last_closed.map_or(contract.first_period(), |c| c.period.next());

    let (month, first_open_text) = (period.to_string(), first_open.to_string());
    let (mut items, (tasks, billed)) = tokio::try_join!(
        earlier_open_months(app, org.id, &first_open_text, &month, first_open < period),
        month_entries(app, org.id, &month),
    )?;
    items.push(BillableItem { period, hours: billed });
    // Billable consultations count in the month that lists them, like tasks accepted in it; trial months
    // bill closed tasks only («Оплата только за закрытые задачи»): there a consultation is
    // listed, never billed.
    let subscription = |month: Period| contract.month_of(month).is_some_and(|m| m.phase == Phase::Subscription);
    let (billable, consultations) = tokio::try_join!(
        async { billable_consultations(app, org.id, first_open, period).await.map_err(Error::from) },
        month_consultations(app, org.id, period, listing),
    )?;
    items.extend(billable.into_iter().filter(|item| subscription(item.period)));
    let hours: BTreeMap<Period, Hours> = hours_by_period(items);
    let statement = statement_through(&contract, org.vat, last_closed, &hours, period)?
        .pop()
        .filter(|r| r.period == period)
        .ok_or(Error::NotFound)?;
    Ok(Report {
        org: ReportOrg { id: org.id, name: org.name.clone(), inn: org.inn.clone() },
        period,
        status: "open",
        closed_at: None,
        tasks,
        consultations,
        statement,
        tariff: ReportTariff { name: org.tariff_name.clone(), terms: org.tariff.clone() },
    })
}

/// Reports exist from the contract's first month through the month after the current one (the
/// contract's last month at most).
pub fn report_exists(contract: &hourbank_domain::Contract, period: Period, current: Period) -> bool {
    period >= contract.first_period()
        && period <= current.next()
        && contract.last_period().is_none_or(|last| period <= last)
}

/// Freezes a month's report and returns the stored report's text. Closing twice is harmless, and
/// of two concurrent closes the first one stored wins.
pub async fn close_month(app: &App, org: &OrgRecord, period: Period, by: i64) -> Result<String, Error> {
    if let Some(report) = frozen(app, org.id, period).await? {
        return Ok(report);
    }
    if period > app.clock().period() {
        return Err(Error::conflict(
            format!("{period} has not begun yet"),
            format!("{} ещё не начался", hourbank_domain::format::period_ru(period)),
        ));
    }
    // Every accepted task of the organisation has its entry before the month freezes (one accepted
    // by a server of the release before entries, during an upgrade, may not).
    crate::db::report_entries::write_missing_now(app.db(), crate::db::report_entries::Missing::Org(org.id)).await?;
    // Read before the write begins (on SQLite the writer's lock is held until it ends).
    let seller = store::seller(app.db()).await?;
    // From here on no work of the organisation is settled until the month is stored: a step that
    // settles work waits, then finds the month closed and bills the next one. The report is
    // built under this lock, so it holds every settlement before it.
    let mut tx = app.db().begin_write().await?;
    super::tasks::lock_org_ledger(app.db().backend(), &mut tx, org.id, "FOR UPDATE").await?;
    if let Some(report) = frozen(app, org.id, period).await? {
        return Ok(report);
    }
    let contract = org.contract()?;
    let last_closed = last_closed_before(app, org.id, period).await?;
    let expected_previous =
        (period > contract.first_period()).then(|| Period::of(period.first_day().pred_opt().expect("not day one")));
    if let Some(previous) = expected_previous
        && last_closed.map(|c| c.period) != Some(previous)
    {
        // Months close in order, so a frozen month never rests on figures that may still change.
        return Err(Error::conflict(
            format!("close {previous} first"),
            format!("сначала закройте {}", hourbank_domain::format::period_ru(previous).to_lowercase()),
        ));
    }
    let mut report = build_report(app, org, period, Listing::Whole).await?;
    let closed_at = app.clock().now_text();
    report.status = "closed";
    report.closed_at = Some(closed_at.clone());
    let reserve_end = report.statement.reserve_end;
    let text = String::from_utf8(report.to_json()).expect("JSON is UTF-8");
    let inserted = sqlx::query(
        "INSERT INTO closed_months (org_id, period, reserve_end, report_json, closed_at, closed_by) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, period) DO NOTHING",
    )
    .bind(org.id)
    .bind(period.to_string())
    .bind(reserve_end.centi())
    .bind(&text)
    .bind(&closed_at)
    .bind(by)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 1 {
        let after = json!({ "period": period, "total": report.statement.total });
        store::audit(
            &mut tx,
            store::Audit {
                user_id: Some(by),
                org_id: Some(org.id),
                action: "close",
                entity: "report",
                after: Some(&after),
                ..Default::default()
            },
        )
        .await?;
        // Numbered as the month closes, in order of closing, not of first viewing; a month with
        // nothing to pay issues no documents (see `documents::nothing_to_pay`).
        if !report.statement.total_with_vat.is_zero() {
            super::documents::issue_at_close(&mut tx, org, period, seller.as_ref(), &closed_at).await?;
        }
    }
    tx.commit().await?;
    frozen(app, org.id, period).await?.ok_or_else(|| Error::Internal("closed month vanished".into()))
}

/// What a task's billed line says (`shared/domain.md`: the report says why work bills where it
/// does): at most the approved estimate; cancelled after approval; written off, billed 0 h, and
/// why; settled while its own month was already closed; warranty work, billed 0 h.
fn billed_note(task: &Value, lang: CsvLang) -> String {
    let t = |ru, en| lang.pick(ru, en);
    let written_off = task["settlement"] == "written_off";
    let billed = t("К оплате (не более согласованной оценки)", "Billed (at most the approved estimate)");
    // What the line says first, and the verb and instant of a late settlement.
    let (mut note, verb, at) = if written_off {
        let note = t("Работа списана, 0 ч к оплате", "Work written off, 0 h billed");
        (note.to_string(), t("списана", "written off"), "cancelled_at")
    } else if task["settlement"] == "cancelled_approved" {
        let why = t("; отменена после согласования: затраченные часы", "; cancelled after approval: the hours logged");
        (format!("{billed}{why}"), t("отменена", "cancelled"), "cancelled_at")
    } else {
        (billed.to_string(), t("принята", "accepted"), "accepted_at")
    };
    if let Some(late) = task["late_from"].as_str() {
        let day = hourbank_domain::csv::moscow_time(task[at].as_str().unwrap_or_default());
        let day = day.split(' ').next().unwrap_or_default();
        note += &match lang {
            CsvLang::Ru => {
                // «март 2027», as the rest of the Russian text names months.
                let late =
                    Period::parse("late_from", late).map_or(late.to_string(), hourbank_domain::format::period_ru);
                format!("; {verb} {day}, когда {late} уже был закрыт")
            }
            CsvLang::En => format!("; {verb} {day}, when {late} was already closed"),
        };
    }
    if let Some(of) = task["warranty_of"].as_i64() {
        note += &match lang {
            CsvLang::Ru => format!("; гарантийные работы по задаче №{of}: 0 ч к оплате"),
            CsvLang::En => format!("; warranty work on task #{of}: 0 h billed"),
        };
    }
    // The staff's own words last, so that nothing after them reads as part of them.
    if written_off {
        let reason = task["write_off_comment"].as_str().unwrap_or_default();
        note += &format!("; {}: {reason}", t("причина", "reason"));
    }
    note
}

/// The report as CSV for spreadsheets: `;`-separated (what Excel expects in a Russian locale),
/// UTF-8 with a byte-order mark, formulas neutralised (`hourbank_domain::csv`, shared with the
/// calculator).
pub fn report_csv(report: &Value, lang: CsvLang) -> String {
    use hourbank_domain::csv::{date, kept_as_text, line, moscow_time, number};
    let t = |ru, en| lang.pick(ru, en);
    let s = |v: &Value| {
        v.as_str().map(str::to_string).unwrap_or_else(|| if v.is_null() { String::new() } else { v.to_string() })
    };
    // Numbers with a decimal comma, as Excel in a Russian locale reads them.
    let n = |v: &Value| number(s(v));
    let status = match report["status"].as_str() {
        Some("open") => t("открыт", "open"),
        Some("closed") => t("закрыт", "closed"),
        _ => "",
    };
    let mut out = String::from("\u{feff}");
    out += &line(&[
        t("Организация", "Organisation"),
        &s(&report["org"]["name"]),
        t("ИНН", "INN"),
        &kept_as_text(&s(&report["org"]["inn"])),
    ]);
    out += &line(&[t("Период", "Period"), &kept_as_text(&s(&report["period"])), t("Статус", "Status"), status]);
    out += &line::<&str>(&[]);
    out += &line(&[
        t("Задача", "Task"),
        t("Название", "Title"),
        t("Принята (МСК)", "Accepted (Moscow time)"),
        t("Исполнитель", "Done by"),
        t("Дата работ", "Work date"),
        t("Что сделано", "What was done"),
        t("Часы", "Hours"),
    ]);
    let mut billed_centi = 0i64;
    let tasks = report["tasks"].as_array().map_or(&[][..], Vec::as_slice);
    for task in tasks {
        for w in task["worklogs"].as_array().into_iter().flatten() {
            out += &line(&[
                &s(&task["id"]),
                &s(&task["title"]),
                &moscow_time(&s(&task["accepted_at"])),
                &s(&w["user_name"]),
                &date(&s(&w["date"])),
                &s(&w["description"]),
                &n(&w["hours"]),
            ]);
        }
        billed_centi += Hours::parse_month("billed", &s(&task["billed"])).map_or(0, Hours::centi);
        out += &line(&[&s(&task["id"]), &s(&task["title"]), "", "", "", &billed_note(task, lang), &n(&task["billed"])]);
    }
    out += &line(&[
        t("Итого по задачам", "Tasks in total"),
        &tasks.len().to_string(),
        "",
        "",
        "",
        t("К оплате", "Billed"),
        &number(Hours::from_centi(billed_centi)),
    ]);
    // A month without consultations (or frozen before they were logged) keeps the CSV as it was.
    if let Some(list) = report["consultations"].as_array().filter(|list| !list.is_empty()) {
        out += &line::<&str>(&[]);
        out += &line(&[
            t("Консультация", "Consultation"),
            t("Дата", "Date"),
            t("Канал", "Channel"),
            t("Специалист", "Specialist"),
            t("Тема", "Topic"),
            t("Часы", "Hours"),
            t("К оплате", "Billable"),
            t("Примечание", "Note"),
        ]);
        let (mut all_centi, mut billable_centi) = (0i64, 0i64);
        for c in list {
            let billable = c["billable"].as_bool() == Some(true);
            let centi = Hours::parse_month("duration", &s(&c["duration"])).map_or(0, Hours::centi);
            all_centi += centi;
            if billable {
                billable_centi += centi;
            }
            let channel = match lang {
                CsvLang::Ru => channel_ru(&s(&c["channel"])),
                CsvLang::En => channel_en(&s(&c["channel"])),
            }
            .unwrap_or_default();
            let billable = if billable { t("да", "yes") } else { t("нет", "no") };
            // Logged once the month of its date was closed, it is in this later month's report. The
            // note has its own column, so that «да» stays a value a SUMIF can count.
            let own_month = Period::parse("date", &s(&c["date"]).chars().take(7).collect::<String>()).ok();
            let note = match own_month.filter(|_| c.get("billed_in").is_some_and(|b| !b.is_null())) {
                Some(own) => match lang {
                    CsvLang::Ru => format!("{} уже был закрыт", hourbank_domain::format::period_ru(own)),
                    CsvLang::En => format!("{own} was already closed"),
                },
                None => String::new(),
            };
            out += &line(&[
                s(&c["id"]).as_str(),
                &date(&s(&c["date"])),
                channel,
                &s(&c["specialist_name"]),
                &s(&c["topic"]),
                &n(&c["duration"]),
                billable,
                &note,
            ]);
        }
        out += &line(&[
            t("Итого консультаций", "Consultations in total"),
            &list.len().to_string(),
            "",
            "",
            t("часов всего, из них к оплате", "hours in all, of them billable"),
            &number(Hours::from_centi(all_centi)),
            &number(Hours::from_centi(billable_centi)),
        ]);
    }
    out += &line::<&str>(&[]);
    let st = &report["statement"];
    let phase = match st["phase"].as_str() {
        Some("trial") => t("пробный", "trial"),
        Some("subscription") => t("абонемент", "subscription"),
        _ => "",
    };
    out += &line(&[t("Этап", "Phase"), phase]);
    // A trial month has no tariff to go over: its hours are all at the hourly rate.
    let trial = st["phase"].as_str() == Some("trial");
    let (extra_hours, extra_charge) = if trial {
        (("По часовой ставке, ч", "At the hourly rate, h"), ("За часы, сумма", "For the hours, amount"))
    } else {
        (("Сверх тарифа, ч", "Extra hours"), ("Сверх тарифа, сумма", "Extra, amount"))
    };
    for (ru, en, key) in [
        ("Часы", "Hours", "hours"),
        ("Абонентская плата", "Fee", "fee"),
        ("Из тарифа, ч", "Included, h", "included_used"),
        ("Резерв на начало, ч", "Reserve at start, h", "reserve_start"),
        ("Из резерва, ч", "From reserve, h", "reserve_used"),
        ("Резерв на конец, ч", "Reserve at end, h", "reserve_end"),
        ("Сгорело, ч", "Forfeited, h", "reserve_forfeited"),
        (extra_hours.0, extra_hours.1, "extra_hours"),
        ("Ставка", "Rate", "extra_rate"),
        (extra_charge.0, extra_charge.1, "extra_charge"),
        ("Итого", "Total", "total"),
        ("НДС", "VAT", "vat"),
        ("Итого с НДС", "Total with VAT", "total_with_vat"),
    ] {
        out += &line(&[t(ru, en), &n(&st[key])]);
    }
    out
}

/// A text column borrowed from its row: the report writes thousands of them straight into its
/// answer, so none is copied into a `String` first.
fn text_of<'r>(row: &'r sqlx::any::AnyRow, name: &str) -> Result<&'r str, sqlx::Error> {
    sqlx::Row::try_get(row, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A month's report runs to hundreds of kB and is kept in the report cache as written: it
    /// must be written into one allocation of about its size, not grown by doubling (which would
    /// keep up to twice its length).
    #[test]
    fn a_long_report_is_written_without_slack() {
        let entry = r#"{"id":1,"date":"2027-03-02","channel":"phone","specialist_name":"Иван","duration":"0.25","topic":"t","billable":false}"#;
        let many = |n: usize| vec![entry; n].join(",");
        let statement = json!({
            "period": "2027-03", "phase": "subscription", "hours": "1", "fee": "20000.00", "included_used": "1",
            "reserve_start": "0", "reserve_used": "0", "reserve_end": "0", "reserve_forfeited": "0",
            "extra_hours": "0", "extra_rate": "2500.00", "extra_charge": "0.00", "total": "20000.00",
            "vat": "0.00", "total_with_vat": "20000.00", "contract_ends": false
        });
        let report = Report {
            org: ReportOrg { id: 1, name: "ООО «Ромашка»".into(), inn: "7707083893".into() },
            period: Period::new(2027, 3).unwrap(),
            status: "open",
            closed_at: None,
            tasks: ReportTasks { count: 0, joined: String::new() },
            consultations: ReportConsultations { joined: many(3000), next_before: Some(7) },
            statement: serde_json::from_value(statement).unwrap(),
            tariff: ReportTariff { name: "Старт".into(), terms: hourbank_domain::Tariff::start() },
        };
        let json = report.to_json();
        let parsed: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(parsed["consultations"].as_array().unwrap().len(), 3000);
        assert_eq!(parsed["consultations_next_before"], 7);
        assert!(
            json.capacity() - json.len() <= REPORT_FIELDS_ROOM,
            "{} bytes written into {}",
            json.len(),
            json.capacity()
        );
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let report = json!({
            "org": {"name": "ООО \"Ромашка\"", "inn": "7707083893"}, "period": "2027-03", "status": "open",
            "tasks": [{"id": 1, "title": "Отчёт; новый", "accepted_at": "x", "billed": "2",
                       "worklogs": [{"user_name": "Иван", "date": "2027-03-02", "description": "сделал", "hours": "2.5"}]}],
            "statement": {"total": "20000.00"}
        });
        let csv = report_csv(&report, CsvLang::Ru);
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("\"ООО \"\"Ромашка\"\"\";ИНН;=\"7707083893\"\r\n"), "{csv}");
        assert!(csv.contains("1;\"Отчёт; новый\";x;Иван;02.03.2027;сделал;2,5\r\n"), "{csv}");
        assert!(csv.contains("Итого;20000,00\r\n"));
    }

    #[test]
    fn csv_cells_typed_by_clients_never_run_as_formulas() {
        let report = json!({
            "org": {"name": "=HYPERLINK(\"http://evil\")", "inn": "7707083893"}, "period": "2027-03", "status": "open",
            "tasks": [{"id": 1, "title": "+cmd|' /C calc'!A0", "accepted_at": "x", "billed": "2",
                       "worklogs": [{"user_name": "@SUM(1+1)", "date": "2027-03-02", "description": "-2+3", "hours": "2.5"}]}],
            "statement": {"total": "20000.00"}
        });
        let csv = report_csv(&report, CsvLang::Ru);
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""), "{csv}");
        assert!(csv.contains(";'+cmd|' /C calc'!A0;"), "{csv}");
        assert!(csv.contains(";'@SUM(1+1);") && csv.contains(";'-2+3;"), "{csv}");
    }

    /// The billed line says why a task bills in this month, as the report does.
    #[test]
    fn the_billed_line_says_why_the_task_bills_here() {
        let plain = json!({"settlement": "accepted", "accepted_at": "2027-03-31T12:00:00.000Z"});
        assert_eq!(billed_note(&plain, CsvLang::Ru), "К оплате (не более согласованной оценки)");
        let late = json!({"settlement": "accepted", "accepted_at": "2027-03-31T22:30:00.000Z", "late_from": "2027-03"});
        assert_eq!(
            billed_note(&late, CsvLang::Ru),
            "К оплате (не более согласованной оценки); принята 01.04.2027, когда март 2027 уже был закрыт"
        );
        let cancelled = json!({"settlement": "cancelled_approved", "cancelled_at": "2027-03-31T12:00:00.000Z", "late_from": "2027-03"});
        assert_eq!(
            billed_note(&cancelled, CsvLang::En),
            "Billed (at most the approved estimate); cancelled after approval: the hours logged; cancelled 31.03.2027, when 2027-03 was already closed"
        );
        let warranty = json!({"settlement": "accepted", "accepted_at": "2027-03-31T12:00:00.000Z", "warranty_of": 7});
        assert!(billed_note(&warranty, CsvLang::Ru).ends_with("; гарантийные работы по задаче №7: 0 ч к оплате"));
        let written_off = json!({"settlement": "written_off", "cancelled_at": "2027-04-02T12:00:00.000Z",
            "write_off_comment": "Клиент отказался от доработки"});
        assert_eq!(
            billed_note(&written_off, CsvLang::Ru),
            "Работа списана, 0 ч к оплате; причина: Клиент отказался от доработки"
        );
        let late = json!({"settlement": "written_off", "cancelled_at": "2027-03-31T12:00:00.000Z", "late_from": "2027-03",
            "write_off_comment": "x"});
        assert_eq!(
            billed_note(&late, CsvLang::En),
            "Work written off, 0 h billed; written off 31.03.2027, when 2027-03 was already closed; reason: x"
        );
    }

    /// What Excel in a Russian locale needs: Moscow times, dd.mm.yyyy dates, decimal commas,
    /// Russian words, totals; and the same file in English words.
    #[test]
    fn csv_for_russian_excel_and_in_english() {
        let report = json!({
            "org": {"name": "Ромашка", "inn": "7707083893"}, "period": "2026-10", "status": "closed",
            "tasks": [
                {"id": 7, "title": "Отчёт", "accepted_at": "2026-10-12T16:00:00.000Z", "billed": "2.5",
                 "worklogs": [{"user_name": "Иван", "date": "2026-10-12", "description": "сделал", "hours": "2.5"}]},
                {"id": 8, "title": "Обмен", "accepted_at": "2026-10-31T21:30:00Z", "billed": "1.25", "worklogs": []}
            ],
            "consultations": [
                {"id": 3, "date": "2026-10-05", "channel": "crm_chat", "specialist_name": "Анна",
                 "topic": "проводки", "duration": "0.5", "billable": true},
                {"id": 4, "date": "2026-10-06", "channel": "phone", "specialist_name": "Анна",
                 "topic": "вопрос", "duration": "0.25", "billable": false}
            ],
            "statement": {"phase": "subscription", "hours": "4.25", "fee": "20000.00", "total": "20000.00"}
        });
        let csv = report_csv(&report, CsvLang::Ru);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        // The month and the ИНН stay text in Excel (not a date, not «7,7E+09»).
        assert_eq!(lines[1], "Период;=\"2026-10\";Статус;закрыт");
        assert_eq!(lines[4], "7;Отчёт;12.10.2026 19:00;Иван;12.10.2026;сделал;2,5");
        assert_eq!(lines[5], "7;Отчёт;;;;К оплате (не более согласованной оценки);2,5");
        assert_eq!(lines[6], "8;Обмен;;;;К оплате (не более согласованной оценки);1,25");
        assert_eq!(lines[7], "Итого по задачам;2;;;;К оплате;3,75");
        assert_eq!(lines[10], "3;05.10.2026;CRM-чат;Анна;проводки;0,5;да;");
        assert_eq!(lines[12], "Итого консультаций;2;;;\"часов всего, из них к оплате\";0,75;0,5");
        assert!(csv.contains("\r\nЭтап;абонемент\r\nЧасы;4,25\r\nАбонентская плата;20000,00\r\n"), "{csv}");
        assert!(!csv.contains("subscription") && !csv.contains("2026-10-12T"), "{csv}");
        let en = report_csv(&report, CsvLang::En);
        assert!(en.contains("Period;=\"2026-10\";Status;closed\r\n"), "{en}");
        assert!(en.contains("\r\n3;05.10.2026;CRM chat;Анна;проводки;0,5;yes;\r\n"), "{en}");
        assert!(en.contains("\r\nPhase;subscription\r\nHours;4,25\r\n"), "{en}");
        assert!(!en.contains("Итого") && !en.contains("абонемент"), "{en}");
    }
}
