//! Consultations by phone, CRM chat or the mobile app: checking a new one against the
//! organisation's contract and closed months, logging it, and reading them back (a page of them,
//! or a month's whole for its report).

use chrono::NaiveDate;
use hourbank_api::consultations::NewConsultation;
use hourbank_api::request::Reading;
use hourbank_domain::{contract_billing_period, parse_date, FieldError, Hours, Period, Problem, Rule};
use serde_json::json;
use sqlx::any::AnyRow;

use crate::app::App;
use crate::auth::{Caller, OrgScope};
use crate::db::{col, Arg, Backend, Db};
use crate::services::tasks::{last_closed_period, lock_org_ledger, stored_closed_month, LAST_CLOSED_SQL};
use crate::store::{self, OrgRecord, Page, Paged};
use crate::Error;

pub use hourbank_api::consultations::CHANNELS;

/// A new consultation, checked against the organisation's contract and the calendar: every problem at once.
pub async fn check(app: &App, scope: OrgScope, reading: &mut Reading<'_, NewConsultation>) -> Result<(), Error> {
    let (org_id, date, billable) = (reading.draft.org_id, reading.draft.date, reading.draft.billable);
    let org = match org_id {
        Some(id) => match store::org(app.db(), scope, id).await {
            Ok(org) => Some(org),
            Err(Error::NotFound) => {
                reading.push(FieldError::new("org_id", Problem::Rule(Rule::NoSuchOrganisation)));
                None
            }
            Err(other) => return Err(other),
        },
        None => None,
    };
    if let Some(date) = date {
        if date > app.clock().today() {
            reading.push(FieldError::new("date", Problem::Rule(Rule::InTheFuture)));
        } else if let Some(org) = &org
            && let Some(problem) = date_problem(app, org, date).await?
        {
            reading.push(FieldError::new("date", problem));
        }
    }
    // Consultations are unlimited and the trial bills closed tasks only: none is billable there.
    if billable == Some(true)
        && let (Some(org), Some(date)) = (&org, date)
        && org.contract()?.month_of(Period::of(date)).is_some_and(|m| m.phase == hourbank_domain::Phase::Trial)
    {
        reading.push(FieldError::new("billable", Problem::Rule(Rule::TrialConsultation)));
    }
    Ok(())
}

/// Why a consultation may not be dated `date` for `org`: a day outside the contract would be in
/// no report; so would one whose month is closed when no later month of the contract is open.
async fn date_problem(app: &App, org: &OrgRecord, date: NaiveDate) -> Result<Option<Problem>, Error> {
    let contract = org.contract()?;
    let period = Period::of(date);
    if date < contract.start() {
        return Ok(Some(Problem::BeforeStart(contract.start())));
    }
    if let Some(last) = contract.last_period().filter(|last| period > *last) {
        return Ok(Some(Problem::PastContractEnd(last.to_string())));
    }
    let mut conn = app.db().pool().acquire().await?;
    let last_closed = last_closed_period(&mut conn, org.id).await?;
    Ok(billed_in(org, date, last_closed).is_none().then_some(Problem::Rule(Rule::ClosedMonth(period))))
}

/// The month whose report lists (and, when billable, bills) a consultation on `date`: its own
/// month, or the first open one after it when that was closed early, within the contract's
/// months (`contract_billing_period`, as for settled tasks). `None` when no month is left.
fn billed_in(org: &OrgRecord, date: NaiveDate, last_closed: Option<Period>) -> Option<Period> {
    let (first, last) = (Period::of(org.contract_start), org.contract_end.map(Period::of));
    contract_billing_period(Period::of(date), last_closed, first, last)
}

/// Logs a consultation by `caller` (a specialist, analyst or admin), with its audit row, in the
/// report of the month [`billed_in`] says; returns its id.
pub async fn log(app: &App, caller: &Caller, new: &NewConsultation) -> Result<i64, Error> {
    let org = store::org(app.db(), OrgScope::All, new.org_id).await?;
    if app.db().backend() == Backend::Sqlite {
        return log_in_one_write(app, caller, new, &org).await;
    }
    let mut tx = app.db().begin_write().await?;
    // The month is read after locking the organisation against a month closing at the same
    // moment: a consultation never lands in a frozen month.
    lock_org_ledger(app.db().backend(), &mut tx, new.org_id, "FOR SHARE").await?;
    let last_closed = last_closed_period(&mut tx, new.org_id).await?;
    let period = billed_in(&org, new.date, last_closed).ok_or_else(no_month_left)?;
    let (date, now, period) = (new.date.to_string(), app.clock().now_text(), period.to_string());
    let row = sqlx::query(&format!(
        "INSERT INTO consultations ({INSERTED}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    ))
    .bind(new.org_id)
    .bind(caller.user_id)
    .bind(&new.channel)
    .bind(&date)
    .bind(new.duration.centi())
    .bind(&new.topic)
    .bind(i64::from(new.billable))
    .bind(&now)
    .bind(&period)
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = col(&row, "id")?;
    let after = audited(new, &period);
    store::audit(&mut tx, store::Audit { entity_id: Some(id), ..audit_entry(caller, new, &after) }).await?;
    tx.commit().await?;
    Ok(id)
}

fn no_month_left() -> Error {
    Error::conflict(
        "the contract's last month is closed: no month is left to list this consultation in",
        "последний месяц договора закрыт: консультацию не в какой месяц записать",
    )
}

/// The columns a new consultation's insert fills, in its values' order (`$1`…`$9`).
const INSERTED: &str = "org_id, specialist_id, channel, date, duration, topic, billable, created_at, period";

/// The audit entry of `new`'s creation (its id set by the write), saying `after`.
fn audit_entry<'a>(caller: &Caller, new: &NewConsultation, after: &'a serde_json::Value) -> store::Audit<'a> {
    store::Audit {
        user_id: Some(caller.user_id),
        org_id: Some(new.org_id),
        action: "create",
        entity: "consultation",
        after: Some(after),
        ..Default::default()
    }
}

/// What the consultation's audit entry says of it.
fn audited(new: &NewConsultation, period: &str) -> serde_json::Value {
    json!({
        "channel": new.channel, "date": new.date, "duration": new.duration, "topic": new.topic,
        "billable": new.billable, "billed_in": period,
    })
}

/// [`log`] on SQLite, as one write through the writer ([`Db::write_once`]) instead of a
/// transaction that holds the writer for four round trips through sqlx (a new consultation's p50
/// was 90 ms in the soak, against 33 ms for a new task). The month is read first; the insert
/// stores the consultation only if the last closed month is still the one read (the writer runs
/// one write at a time, and a month closes through it too, so the check and the insert are one
/// step), and it is read again if a month closed in between.
async fn log_in_one_write(app: &App, caller: &Caller, new: &NewConsultation, org: &OrgRecord) -> Result<i64, Error> {
    // A month closes a few times a month: a second reading always finds it settled.
    for _ in 0..3 {
        let row = app.db().lookup(LAST_CLOSED_SQL, &[Arg::Int(new.org_id)]).await?;
        let read = row.first().map(|row| row.opt_text("period")).transpose()?.flatten();
        let last_closed = stored_closed_month(read.clone())?;
        let period = billed_in(org, new.date, last_closed).ok_or_else(no_month_left)?.to_string();
        let (date, now) = (new.date.to_string(), app.clock().now_text());
        let after = audited(new, &period);
        let insert = format!(
            "INSERT INTO consultations ({INSERTED}) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE ({LAST_CLOSED_SQL}) IS $10 RETURNING id"
        );
        let args = [
            Arg::Int(new.org_id),
            Arg::Int(caller.user_id),
            Arg::Text(&new.channel),
            Arg::Text(&date),
            Arg::Int(new.duration.centi()),
            Arg::Text(&new.topic),
            Arg::Int(i64::from(new.billable)),
            Arg::Text(&now),
            Arg::Text(&period),
            Arg::OptText(read.as_deref()),
        ];
        let entry = audit_entry(caller, new, &after);
        if let Some(id) = store::insert_audited(app.db(), &insert, &args, entry, None).await? {
            return Ok(id);
        }
    }
    Err(Error::Internal("months kept closing while a consultation was logged".into()))
}

/// A logged consultation.
pub type Consultation = hourbank_api::Consultation;

const COLUMNS: &str =
    "c.id, c.org_id, c.specialist_id, u.name, c.channel, c.date, c.duration, c.topic, c.billable, c.created_at, c.period";

fn consultation_from_row(r: &AnyRow) -> Result<Consultation, crate::Error> {
    let channel: String = col(r, "channel")?;
    let date: String = col(r, "date")?;
    let stored = |e: hourbank_domain::FieldError| crate::Error::Internal(format!("stored consultation: {e}"));
    let date = parse_date("date", &date).map_err(stored)?;
    let period = Period::parse("period", &col::<String>(r, "period")?).map_err(stored)?;
    Ok(Consultation {
        id: col(r, "id")?,
        org_id: Some(col(r, "org_id")?),
        specialist_id: Some(col(r, "specialist_id")?),
        specialist_name: col(r, "name")?,
        channel,
        date,
        billed_in: (period != Period::of(date)).then_some(period),
        duration: Hours::from_centi(col(r, "duration")?),
        topic: col(r, "topic")?,
        billable: col::<i64>(r, "billable")? != 0,
        created_at: Some(col(r, "created_at")?),
    })
}

/// Which consultations to read, within the caller's scope.
#[derive(Debug, Default, Clone, Copy)]
pub struct ConsultationFilter {
    pub org_id: Option<i64>,
    /// In this month's report: dated in it, or logged late for a month already closed before it.
    pub month: Option<Period>,
}

/// Consultations in `scope`, by date and then id.
pub async fn consultations(
    db: &Db,
    scope: OrgScope,
    filter: ConsultationFilter,
) -> Result<Vec<Consultation>, crate::Error> {
    let (sql, binds) = consultation_query(scope, &filter);
    let sql = format!("{sql} ORDER BY c.date, c.id");
    bind_filter(sqlx::query(&sql), &binds).fetch_all(db.pool()).await?.iter().map(consultation_from_row).collect()
}

/// The queries of [`consultation_page`] (the first page's, and the one after `before`) and their
/// values.
fn page_queries(scope: OrgScope, filter: &ConsultationFilter) -> (String, String, Vec<FilterValue>) {
    let (sql, binds) = consultation_query(scope, filter);
    let (first, rest) = Page::chunk_queries(&sql, "c.id", binds.len());
    (first, rest, binds)
}

/// The first page's query of [`consultation_page`] and its values (for a test of its plan).
pub fn first_page_query(scope: OrgScope, filter: &ConsultationFilter) -> (String, Vec<FilterValue>) {
    let (first, _, binds) = page_queries(scope, filter);
    (first, binds)
}

/// Consultations matching the filter, newest entry first, a page at a time.
pub async fn consultation_page(
    db: &Db,
    scope: OrgScope,
    filter: ConsultationFilter,
    page: Page,
) -> Result<Paged<Consultation>, crate::Error> {
    let (first, rest, binds) = page_queries(scope, &filter);
    let fetch = |before: Option<i64>, limit: usize| {
        let (first, rest, binds) = (&first, &rest, &binds);
        async move {
            let mut query = bind_filter(sqlx::query(if before.is_some() { rest } else { first }), binds);
            if let Some(before) = before {
                query = query.bind(before);
            }
            let rows = query.bind(limit as i64).fetch_all(db.pool()).await?;
            rows.iter().map(consultation_from_row).collect::<Result<Vec<_>, crate::Error>>()
        }
    };
    page.collect(false, fetch, |c| c.id, |_| true).await
}

/// A value of the filter's `WHERE`.
#[derive(Debug)]
pub enum FilterValue {
    Id(i64),
    Text(String),
}

/// The `SELECT … WHERE` of the filter (without an order) and its values, `$1…$n`.
fn consultation_query(scope: OrgScope, filter: &ConsultationFilter) -> (String, Vec<FilterValue>) {
    let (condition, scope_org) = scope.condition("c.org_id", 1);
    let mut sql =
        format!("SELECT {COLUMNS} FROM consultations c JOIN users u ON u.id = c.specialist_id WHERE {condition}");
    let mut binds: Vec<FilterValue> = scope_org.into_iter().map(FilterValue::Id).collect();
    if let Some(org) = filter.org_id {
        binds.push(FilterValue::Id(org));
        sql += &format!(" AND c.org_id = ${}", binds.len());
    }
    // The month whose report lists it (`period`): the `(org_id, period, id)` index serves both
    // orders, a page read from its end and the whole month.
    if let Some(month) = filter.month {
        binds.push(FilterValue::Text(month.to_string()));
        sql += &format!(" AND c.period = ${}", binds.len());
    }
    (sql, binds)
}

pub fn bind_filter<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [FilterValue],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for bind in binds {
        query = match bind {
            FilterValue::Id(v) => query.bind(*v),
            FilterValue::Text(v) => query.bind(v.as_str()),
        };
    }
    query
}

pub async fn consultation(db: &Db, id: i64) -> Result<Consultation, crate::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM consultations c JOIN users u ON u.id = c.specialist_id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(crate::Error::NotFound)?;
    consultation_from_row(&row)
}
