//! Organisations (client companies) and who the caller is (`/me`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use hourbank_domain::workflow::Role;

use super::extract::Path;
use super::{ApiError, AppState, JsonBody};
use crate::auth::Caller;
use crate::services::orgs::{insert_new_org, me_view, org_view, read_new_org};
use crate::store;
use hourbank_api::orgs::{Org, OrgList};
use hourbank_api::session::Me;

pub fn router() -> Router<AppState> {
    Router::new().route("/me", get(me)).route("/orgs", get(list).post(create)).route("/orgs/{id}", get(show))
}

async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<Me>, ApiError> {
    Ok(Json(me_view(&state, &caller).await?))
}

async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<OrgList>, ApiError> {
    let orgs = store::orgs(state.db(), caller.scope()?).await?;
    let mut views = Vec::with_capacity(orgs.len());
    for org in &orgs {
        views.push(org_view(&state, org).await?);
    }
    Ok(Json(OrgList { orgs: views }))
}

async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> Result<Json<Org>, ApiError> {
    let org = store::org(state.db(), caller.scope()?, id).await?;
    Ok(Json(org_view(&state, &org).await?))
}

pub use hourbank_api::admin::MAX_WARRANTY_DAYS;

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Org>), ApiError> {
    caller.require(&[Role::Admin])?;
    let org = read_new_org(&body)?;
    let id = insert_new_org(&state, &org, Some(caller.user_id)).await?;
    let org = store::org(state.db(), caller.scope()?, id).await?;
    Ok((StatusCode::CREATED, Json(org_view(&state, &org).await?)))
}
