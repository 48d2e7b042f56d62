//! Monthly reports over HTTP: the months, a month's report (JSON, or CSV for spreadsheets) and
//! closing a month. What they hold and how they are built is `services::reports`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hourbank_domain::workflow::Role;
use hourbank_domain::{MonthStatement, Period};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Path, Query};
use super::{ApiError, AppState};
use crate::auth::Caller;
use crate::db::col;
use crate::services::reports::{
    build_report, close_month, frozen, parse_stored, report_csv, report_exists, report_org, CsvLang, Listing,
};
use crate::store::OrgRecord;
use hourbank_api::reports::{MonthEntry, MonthList, YearStatements};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(months))
        .routes(routes!(year_statements))
        .routes(routes!(show))
        .routes(routes!(close))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrgQuery {
    #[param(schema_with = super::params::org_query)]
    pub(crate) org: Option<i64>,
}

/// A report's query: the organisation, and the language of its CSV's words.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    #[param(schema_with = super::params::org_query)]
    org: Option<i64>,
    #[param(schema_with = super::params::lang_query)]
    lang: Option<String>,
}

fn json_text(text: impl Into<Bytes>) -> Response {
    let text: Bytes = text.into();
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}

#[utoipa::path(
    get,
    path = "/reports/{period}",
    tag = "reports",
    summary = "A month's report (the month so far, or the frozen closed month); `.csv` for CSV. Reports exist from the contract's first month through the month after the current one (or the contract's last): others are 404",
    params(("period" = String, Path, pattern = "^[1-9][0-9]{3}-(0[1-9]|1[0-2])(\\.csv)?$", description = "YYYY-MM (append .csv for CSV)"), ReportQuery),
    responses((status = 200, description = "The report", content((hourbank_api::Report = "application/json"), (String = "text/csv"))))
)]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(period): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let (period_text, as_csv) = match period.strip_suffix(".csv") {
        Some(p) => (p, true),
        None => (period.as_str(), false),
    };
    let period = Period::parse("period", period_text)?;
    let lang = CsvLang::parse(query.lang.as_deref())?;
    let org = report_org(&state, &caller, query.org).await?;
    // A month outside the contract, or further ahead than next month, has no report: answered
    // without computing the months up to it.
    if !report_exists(&org.contract()?, period, state.clock().period()) {
        return Err(ApiError::NOT_FOUND);
    }
    if !as_csv {
        return Ok(json_text(report_text(&state, &org, period).await?));
    }
    let stored = frozen(&state, org.id, period).await?;
    let report = match stored {
        Some(text) => parse_stored(&text)?,
        None => serde_json::from_slice(&build_report(&state, &org, period, Listing::Whole).await?.to_json())
            .map_err(|e| ApiError::internal(format!("report: {e}")))?,
    };
    let filename = format!("hourbank-{}-{}.csv", org.inn, period);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        report_csv(&report, lang),
    )
        .into_response())
}

/// A month's report as JSON: a closed month's exactly as stored, an open month's as built now
/// with its newest consultations (both cached until the organisation's data changes).
async fn report_text(state: &AppState, org: &OrgRecord, period: Period) -> Result<Bytes, ApiError> {
    let cell = state.report_cell(org.id, &period.to_string(), org.data_version);
    let text = cell
        .get_or_try_init(|| async {
            Ok::<_, ApiError>(match frozen(state, org.id, period).await? {
                Some(text) => Bytes::from(text),
                None => Bytes::from(build_report(state, org, period, Listing::Newest).await?.to_json()),
            })
        })
        .await?;
    Ok(text.clone())
}

/// The contract's months from its first through the current one (or its last), newest first,
/// each open or closed. With the current month closed early, next month is listed too: work
/// settled since bills there, and a list ending at the closed month would hide it.
async fn contract_months(state: &AppState, org: &OrgRecord) -> Result<Vec<MonthEntry>, ApiError> {
    let contract = org.contract()?;
    let closed: Vec<String> = sqlx::query("SELECT period FROM closed_months WHERE org_id = $1")
        .bind(org.id)
        .fetch_all(state.db().pool())
        .await?
        .iter()
        .map(|r| col(r, "period"))
        .collect::<Result<_, _>>()?;
    let mut list = Vec::new();
    let mut p = contract.first_period();
    let current = state.clock().period();
    let through = if closed.contains(&current.to_string()) { current.next() } else { current };
    while p <= through && contract.last_period().is_none_or(|last| p <= last) {
        let status = if closed.contains(&p.to_string()) { "closed" } else { "open" };
        list.push(MonthEntry { period: p, status: status.to_string() });
        p = p.next();
    }
    list.reverse();
    Ok(list)
}

/// The statement rows of the last twelve months, oldest first, read from the months' reports so
/// that each is exactly the row its report shows.
#[utoipa::path(
    get,
    path = "/statements",
    tag = "reports",
    summary = "The statement rows of the contract's last 12 months so far, oldest first, each as its month's report shows it (a closed month's as frozen)",
    params(OrgQuery),
    responses((status = 200, description = "A year of statement rows", body = hourbank_api::YearStatements))
)]
async fn year_statements(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<OrgQuery>,
) -> Result<Json<YearStatements>, ApiError> {
    #[derive(serde::Deserialize)]
    struct RowOfReport {
        statement: Option<MonthStatement>,
    }
    let org = report_org(&state, &caller, query.org).await?;
    let mut months = Vec::new();
    for month in contract_months(&state, &org).await?.into_iter().take(12).rev() {
        let text = report_text(&state, &org, month.period).await?;
        let report: RowOfReport = serde_json::from_slice(&text)
            .map_err(|e| ApiError::internal(format!("report of {}: {e}", month.period)))?;
        months.extend(report.statement);
    }
    Ok(Json(YearStatements { org_id: org.id, months }))
}

/// The months of the contract so far, each open or closed.
#[utoipa::path(
    get,
    path = "/reports",
    tag = "reports",
    summary = "The contract's months so far, open or closed, newest first; with the current month closed early, next month (where work settled since bills) is listed first",
    params(OrgQuery),
    responses((status = 200, description = "Months", body = hourbank_api::MonthList))
)]
async fn months(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<OrgQuery>,
) -> Result<Json<MonthList>, ApiError> {
    let org = report_org(&state, &caller, query.org).await?;
    let list = contract_months(&state, &org).await?;
    Ok(Json(MonthList { org_id: org.id, months: list }))
}

#[utoipa::path(
    post,
    path = "/reports/{period}/close",
    tag = "reports",
    summary = "Freeze a month (analyst, admin); closing twice is harmless. The running month may be closed before it ends: work settled in it afterwards bills in the next open month",
    params(("period" = String, Path, pattern = "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$", description = "YYYY-MM"), OrgQuery),
    responses((status = 200, description = "The frozen report", body = hourbank_api::Report))
)]
async fn close(
    State(state): State<AppState>,
    caller: Caller,
    Path(period): Path<String>,
    Query(query): Query<OrgQuery>,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Analyst, Role::Admin])?;
    let period = Period::parse("period", &period)?;
    let org = report_org(&state, &caller, query.org).await?;
    Ok(json_text(close_month(&state, &org, period, caller.user_id).await?))
}
