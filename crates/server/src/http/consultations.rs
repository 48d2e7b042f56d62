//! Consultations by phone, CRM chat or the mobile app: unlimited and logged (who, when, what, how
//! long). One marked billable counts its duration in the hours of its month, like an accepted task.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hourbank_domain::workflow::Role;
use hourbank_domain::Period;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;
use super::{ApiError, AppState, JsonBody};
use crate::auth::Caller;
use crate::services::consultations::{self, ConsultationFilter};
use crate::store::Page;
use hourbank_api::consultations::{ConsultationList, LoggedConsultation, NewConsultation};
use hourbank_api::request;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    #[param(schema_with = super::params::org_query)]
    org: Option<i64>,
    #[param(schema_with = super::params::report_month_query)]
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
    let filter = ConsultationFilter { org_id: query.org, month };
    let page = Page::parse(query.limit, query.before)?;
    let found = consultations::consultation_page(state.db(), scope, filter, page).await?;
    Ok(Json(ConsultationList { consultations: found.items, next_before: found.next_before }))
}

#[utoipa::path(
    post,
    path = "/consultations",
    tag = "consultations",
    summary = "Log a consultation (specialist, analyst, admin); a billable one counts as hours of its month, or of the first open one after it when its month is closed",
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
    Ok((
        StatusCode::CREATED,
        Json(LoggedConsultation { consultation: consultations::consultation(state.db(), id).await? }),
    ))
}
