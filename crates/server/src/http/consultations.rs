//! Consultations by phone, CRM chat or the mobile app: unlimited and logged (who, when, what, how
//! long). One marked billable counts its duration in the hours of its month, like an accepted task.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use hourbank_domain::workflow::Role;
use hourbank_domain::{parse_date, FieldError, Hours, Period, Problem};
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;

use super::extract::Query;
use super::{ApiError, AppState, JsonBody};
use crate::auth::{Caller, OrgScope};

use crate::db::{col, Arg, Db};
use crate::store::{self, OrgRecord, Page, Paged};
use hourbank_api::consultations::{ConsultationList, LoggedConsultation, NewConsultation};
use hourbank_api::request;

pub fn router() -> Router<AppState> {
    Router::new().route("/consultations", get(list).post(create))
}

pub use hourbank_api::consultations::CHANNELS;

pub fn channel_ru(channel: &str) -> &'static str {
    match channel {
        "phone" => "Телефон",
        "crm_chat" => "CRM-чат",
        "mobile_app" => "Мобильное приложение",
        _ => "",
    }
}

/// A logged consultation.
pub type Consultation = hourbank_api::Consultation;

const COLUMNS: &str =
    "c.id, c.org_id, c.specialist_id, u.name, c.channel, c.date, c.duration, c.topic, c.billable, c.created_at";

fn consultation_from_row(r: &AnyRow) -> Result<Consultation, ApiError> {
    let channel: String = col(r, "channel")?;
    let date: String = col(r, "date")?;
    Ok(Consultation {
        id: col(r, "id")?,
        org_id: Some(col(r, "org_id")?),
        specialist_id: Some(col(r, "specialist_id")?),
        specialist_name: col(r, "name")?,
        channel_ru: channel_ru(&channel).to_string(),
        channel,
        date: parse_date("date", &date).map_err(|e| ApiError::Internal(format!("stored consultation: {e}")))?,
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
    /// Dated on or after this day.
    pub from: Option<NaiveDate>,
    /// Dated on or before this day.
    pub to: Option<NaiveDate>,
}

/// Consultations in `scope`, oldest first.
pub async fn consultations(
    db: &Db,
    scope: OrgScope,
    filter: ConsultationFilter,
) -> Result<Vec<Consultation>, ApiError> {
    let (sql, binds) = consultation_query(scope, &filter);
    let sql = format!("{sql} ORDER BY c.date, c.id");
    bind_filter(sqlx::query(&sql), &binds).fetch_all(db.pool()).await?.iter().map(consultation_from_row).collect()
}

/// Consultations matching the filter, newest entry first, a page at a time.
async fn consultation_page(
    db: &Db,
    scope: OrgScope,
    filter: ConsultationFilter,
    page: Page,
) -> Result<Paged<Consultation>, ApiError> {
    let (sql, binds) = consultation_query(scope, &filter);
    let (first, rest) = Page::chunk_queries(&sql, "c.id", binds.len());
    let fetch = |before: Option<i64>, limit: usize| {
        let (first, rest, binds) = (&first, &rest, &binds);
        async move {
            let mut query = bind_filter(sqlx::query(if before.is_some() { rest } else { first }), binds);
            if let Some(before) = before {
                query = query.bind(before);
            }
            let rows = query.bind(limit as i64).fetch_all(db.pool()).await?;
            rows.iter().map(consultation_from_row).collect::<Result<Vec<_>, ApiError>>()
        }
    };
    page.collect(false, fetch, |c| c.id, |_| true).await
}

/// A value of the filter's `WHERE`.
enum FilterValue {
    Id(i64),
    Day(String),
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
    // Dates are 'YYYY-MM-DD' text, so text order is date order on both engines.
    if let Some(from) = filter.from {
        binds.push(FilterValue::Day(from.to_string()));
        sql += &format!(" AND c.date >= ${}", binds.len());
    }
    if let Some(to) = filter.to {
        binds.push(FilterValue::Day(to.to_string()));
        sql += &format!(" AND c.date <= ${}", binds.len());
    }
    (sql, binds)
}

fn bind_filter<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [FilterValue],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for bind in binds {
        query = match bind {
            FilterValue::Id(v) => query.bind(*v),
            FilterValue::Day(v) => query.bind(v.as_str()),
        };
    }
    query
}

async fn consultation(db: &Db, id: i64) -> Result<Consultation, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM consultations c JOIN users u ON u.id = c.specialist_id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(ApiError::NotFound)?;
    consultation_from_row(&row)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    org: Option<i64>,
    month: Option<String>,
    /// Consultations on a page: 1 to 200, 100 by default.
    limit: Option<i64>,
    /// The page after this consultation: the previous page's `next_before`.
    before: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Json<ConsultationList>, ApiError> {
    let scope = caller.scope()?;
    let month = query.month.as_deref().map(|m| Period::parse("month", m)).transpose()?;
    let filter =
        ConsultationFilter { org_id: query.org, from: month.map(Period::first_day), to: month.map(Period::last_day) };
    let page = Page::parse(query.limit, query.before)?;
    let found = consultation_page(state.db(), scope, filter, page).await?;
    Ok(Json(ConsultationList { consultations: found.items, next_before: found.next_before }))
}

/// The body, checked against the organisation's contract and the calendar: every problem at once.
async fn read_new(state: &AppState, scope: OrgScope, body: &Value) -> Result<NewConsultation, ApiError> {
    let mut reading = request::start::<NewConsultation>(body)?;
    let (org_id, date, billable) = (reading.draft.org_id, reading.draft.date, reading.draft.billable);
    let org = match org_id {
        Some(id) => match store::org(state.db(), scope, id).await {
            Ok(org) => Some(org),
            Err(ApiError::NotFound) => {
                reading.push(FieldError::new("org_id", Problem::Other("no such organisation".into())));
                None
            }
            Err(other) => return Err(other),
        },
        None => None,
    };
    if let Some(date) = date {
        if date > state.clock().today() {
            reading.push(FieldError::new("date", Problem::Other("must not be in the future".into())));
        } else if let Some(org) = &org
            && let Some(problem) = date_problem(state, org, date).await?
        {
            reading.push(FieldError::new("date", problem));
        }
    }
    // Consultations are unlimited and the trial bills closed tasks only: none is billable there.
    if billable == Some(true)
        && let (Some(org), Some(date)) = (&org, date)
        && org.contract()?.month_of(Period::of(date)).is_some_and(|m| m.phase == hourbank_domain::Phase::Trial)
    {
        reading.push(FieldError::new("billable", Problem::Other("a consultation in the trial is not billed".into())));
    }
    Ok(reading.finish()?)
}

/// Why a consultation may not be dated `date` for `org`: a day outside the contract, or in a
/// closed month, would never reach a report (closed months are frozen).
async fn date_problem(state: &AppState, org: &OrgRecord, date: NaiveDate) -> Result<Option<Problem>, ApiError> {
    let contract = org.contract()?;
    let period = Period::of(date);
    if date < contract.start() {
        return Ok(Some(Problem::Before(format!("the contract's start {}", contract.start()))));
    }
    if let Some(last) = contract.last_period().filter(|last| period > *last) {
        return Ok(Some(Problem::PastContractEnd(last.to_string())));
    }
    let closed = sqlx::query("SELECT period FROM closed_months WHERE org_id = $1 AND period >= $2 LIMIT 1")
        .bind(org.id)
        .bind(period.to_string())
        .fetch_optional(state.db().pool())
        .await?;
    Ok(closed.map(|_| Problem::Other(format!("falls in {period}, a closed month"))))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<LoggedConsultation>), ApiError> {
    let scope = caller.scope()?;
    caller.require(&[Role::Specialist, Role::Analyst, Role::Admin])?;
    let new = read_new(&state, scope, &body).await?;
    let after = json!({
        "channel": new.channel, "date": new.date, "duration": new.duration, "topic": new.topic, "billable": new.billable,
    });
    // One statement with its audit row (one round trip, the write lock held for it alone).
    let (date, now) = (new.date.to_string(), state.clock().now_text());
    let id = store::insert_audited(
        state.db(),
        "INSERT INTO consultations (org_id, specialist_id, channel, date, duration, topic, billable, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        &[
            Arg::Int(new.org_id),
            Arg::Int(caller.user_id),
            Arg::Text(&new.channel),
            Arg::Text(&date),
            Arg::Int(new.duration.centi()),
            Arg::Text(&new.topic),
            Arg::Int(i64::from(new.billable)),
            Arg::Text(&now),
        ],
        store::Audit {
            user_id: Some(caller.user_id),
            org_id: Some(new.org_id),
            action: "create",
            entity: "consultation",
            after: Some(&after),
            ..Default::default()
        },
    )
    .await?
    .ok_or_else(|| ApiError::Internal("a new consultation returned no id".into()))?;
    Ok((StatusCode::CREATED, Json(LoggedConsultation { consultation: consultation(state.db(), id).await? })))
}
