//! Organisations (client companies) and who the caller is (`/me`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use hourbank_domain::workflow::Role;
use hourbank_domain::Problem;
use serde_json::{json, Value};

use super::extract::Path;
use super::{ApiError, AppState, JsonBody};
use crate::auth::Caller;
use crate::store::{self, NewOrg, OrgRecord};
use hourbank_api::orgs::{Org, OrgList, Person};
use hourbank_api::session::Me;

pub fn router() -> Router<AppState> {
    Router::new().route("/me", get(me)).route("/orgs", get(list).post(create)).route("/orgs/{id}", get(show))
}

/// The organisation with its dedicated analyst's contacts.
pub(crate) async fn org_view(state: &AppState, org: &OrgRecord) -> Result<Org, ApiError> {
    let analyst = match org.analyst_id {
        Some(id) => store::user(state.db(), id).await?.map(|u| Person {
            id: u.id,
            name: u.name,
            email: u.email,
            phone: u.phone,
        }),
        None => None,
    };
    Ok(Org {
        id: org.id,
        name: org.name.clone(),
        inn: org.inn.clone(),
        tariff_name: org.tariff_name.clone(),
        tariff: org.tariff.clone(),
        contract_start: org.contract_start,
        contract_end: org.contract_end,
        vat: org.vat.into(),
        analyst_id: org.analyst_id,
        analyst,
        warranty_days: org.warranty_days,
        kpp: org.kpp.clone(),
        address: org.address.clone(),
    })
}

async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<Me>, ApiError> {
    Ok(Json(me_view(&state, &caller).await?))
}

/// The caller, with the organisation and its dedicated analyst (`GET /me`, `GET /session`).
pub(crate) async fn me_view(state: &AppState, caller: &Caller) -> Result<Me, ApiError> {
    let org = match caller.org_id {
        Some(id) => Some(org_view(state, &store::org(state.db(), caller.scope()?, id).await?).await?),
        None => None,
    };
    Ok(Me { id: caller.user_id, email: caller.email.clone(), name: caller.name.clone(), role: caller.role, org })
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

/// Reads and validates a new organisation (shared with `hourbank admin create-org`).
pub fn read_new_org(body: &Value) -> Result<NewOrg, ApiError> {
    let new: hourbank_api::orgs::NewOrg = hourbank_api::request::read(body)?;
    let contract = new.contract()?;
    Ok(NewOrg {
        name: new.name,
        inn: new.inn,
        tariff_name: new.tariff_name,
        tariff: new.tariff,
        contract,
        vat: new.vat,
        analyst_id: new.analyst_id,
        warranty_days: new.warranty_days,
    })
}

/// Creates an organisation in the database, checking its analyst, with an audit record.
pub async fn insert_new_org(state: &AppState, org: &NewOrg, by: Option<i64>) -> Result<i64, ApiError> {
    if let Some(analyst) = org.analyst_id {
        let is_analyst = store::user(state.db(), analyst).await?.is_some_and(|u| u.role == Role::Analyst);
        if !is_analyst {
            return Err(ApiError::invalid("analyst_id", Problem::Other("is not an analyst".into())));
        }
    }
    let mut tx = state.db().begin_write().await?;
    let id = store::insert_org(&mut *tx, org, &crate::db::now()).await?;
    let after = json!({ "name": org.name, "inn": org.inn, "tariff": org.tariff, "contract_start": org.contract.start().to_string() });
    store::audit(
        &mut tx,
        store::Audit {
            user_id: by,
            org_id: Some(id),
            action: "create",
            entity: "org",
            entity_id: Some(id),
            after: Some(&after),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

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
