//! Organisations (client companies) and who the caller is (`/me`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hourbank_domain::workflow::Role;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Path;
use super::{ApiError, AppState, JsonBody};
use crate::auth::Caller;
use crate::services::orgs::{insert_new_org, me_view, org_view, read_new_org};
use crate::store;
use hourbank_api::orgs::{Org, OrgList};
use hourbank_api::session::Me;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me)).routes(routes!(list, create)).routes(routes!(show))
}

#[utoipa::path(
    get,
    path = "/me",
    tag = "session",
    summary = "The caller, with the organisation and its dedicated analyst",
    responses((status = 200, description = "The caller", body = hourbank_api::Me))
)]
async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<Me>, ApiError> {
    Ok(Json(me_view(&state, &caller).await?))
}

#[utoipa::path(
    get,
    path = "/orgs",
    tag = "orgs",
    summary = "Organisations the caller may see",
    responses((status = 200, description = "Organisations", body = hourbank_api::OrgList))
)]
async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<OrgList>, ApiError> {
    let orgs = store::orgs(state.db(), caller.scope()?).await?;
    let mut views = Vec::with_capacity(orgs.len());
    for org in &orgs {
        views.push(org_view(&state, org).await?);
    }
    Ok(Json(OrgList { orgs: views }))
}

#[utoipa::path(
    get,
    path = "/orgs/{id}",
    tag = "orgs",
    summary = "One organisation",
    params(super::params::IdPath),
    responses((status = 200, description = "The organisation", body = hourbank_api::Org))
)]
async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> Result<Json<Org>, ApiError> {
    let org = store::org(state.db(), caller.scope()?, id).await?;
    Ok(Json(org_view(&state, &org).await?))
}

pub use hourbank_api::admin::MAX_WARRANTY_DAYS;

#[utoipa::path(
    post,
    path = "/orgs",
    tag = "orgs",
    summary = "Create an organisation (admin)",
    request_body = hourbank_api::orgs::NewOrg,
    responses((status = 201, description = "Created", body = hourbank_api::Org))
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Org>), ApiError> {
    caller.require(&[Role::Admin])?;
    let org = read_new_org(&body)?;
    // The tariff's name is what the client and every act read («по тарифу «Старт»»): one that
    // reads as a catalogue tariff's carries that tariff's terms.
    let look = hourbank_domain::contacts::name_look(&org.tariff_name);
    let catalogue = super::tariffs::catalogue(&state).await?;
    if let Some(listed) = catalogue.iter().find(|t| hourbank_domain::contacts::name_look(&t.name) == look)
        && listed.terms != org.tariff
    {
        return Err(ApiError::invalid(
            "tariff_name",
            hourbank_domain::Problem::Rule(hourbank_domain::Rule::CatalogueTermsDiffer),
        ));
    }
    let id = insert_new_org(&state, &org, Some(caller.user_id)).await?;
    let org = store::org(state.db(), caller.scope()?, id).await?;
    Ok((StatusCode::CREATED, Json(org_view(&state, &org).await?)))
}
