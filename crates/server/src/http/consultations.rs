//! Consultations by phone, CRM chat or the mobile app: unlimited and logged (who, when, what, how
//! long). One marked billable counts its duration in the hours of its month, like an accepted task.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use hourbank_domain::workflow::Role;
use hourbank_domain::{parse_date, Hours, Period};
use serde::Deserialize;
use sqlx::any::AnyRow;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;
use super::{ApiError, AppState, JsonBody};
use crate::auth::{Caller, OrgScope};

use crate::db::{col, Db};
use crate::services::consultations;
use crate::store::{Page, Paged};
use hourbank_api::consultations::{ConsultationList, LoggedConsultation, NewConsultation};
use hourbank_api::request;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create))
}

/// A logged consultation.
pub type Consultation = hourbank_api::Consultation;

const COLUMNS: &str =
    "c.id, c.org_id, c.specialist_id, u.name, c.channel, c.date, c.duration, c.topic, c.billable, c.created_at";

fn consultation_from_row(r: &AnyRow) -> Result<Consultation, crate::Error> {
    let channel: String = col(r, "channel")?;
    let date: String = col(r, "date")?;
    Ok(Consultation {
        id: col(r, "id")?,
        org_id: Some(col(r, "org_id")?),
        specialist_id: Some(col(r, "specialist_id")?),
        specialist_name: col(r, "name")?,
        channel,
        date: parse_date("date", &date).map_err(|e| crate::Error::Internal(format!("stored consultation: {e}")))?,
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
) -> Result<Vec<Consultation>, crate::Error> {
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
) -> Result<Paged<Consultation>, crate::Error> {
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
            rows.iter().map(consultation_from_row).collect::<Result<Vec<_>, crate::Error>>()
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

async fn consultation(db: &Db, id: i64) -> Result<Consultation, crate::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM consultations c JOIN users u ON u.id = c.specialist_id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(crate::Error::NotFound)?;
    consultation_from_row(&row)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    #[param(schema_with = super::params::org_query)]
    org: Option<i64>,
    #[param(schema_with = super::params::dated_month_query)]
    month: Option<String>,
    /// Consultations on a page: 1 to 200, 100 by default.
    #[param(schema_with = super::params::limit_query)]
    limit: Option<i64>,
    /// The page after this consultation: the previous page's `next_before`.
    #[param(schema_with = super::params::before_query)]
    before: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/consultations",
    tag = "consultations",
    summary = "Consultations the caller may see, newest entry first, a page at a time",
    params(ListQuery),
    responses((status = 200, description = "Consultations; `next_before` names the next page", body = hourbank_api::ConsultationList))
)]
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

#[utoipa::path(
    post,
    path = "/consultations",
    tag = "consultations",
    summary = "Log a consultation (specialist, analyst, admin); a billable one counts as hours of its month",
    request_body = hourbank_api::consultations::NewConsultation,
    responses((status = 201, description = "Logged", body = hourbank_api::LoggedConsultation))
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<LoggedConsultation>), ApiError> {
    let scope = caller.scope()?;
    caller.require(&[Role::Specialist, Role::Analyst, Role::Admin])?;
    let mut reading = request::start::<NewConsultation>(&body)?;
    consultations::check(&state, scope, &mut reading).await?;
    let new = reading.finish()?;
    let id = consultations::log(&state, &caller, &new).await?;
    Ok((StatusCode::CREATED, Json(LoggedConsultation { consultation: consultation(state.db(), id).await? })))
}
