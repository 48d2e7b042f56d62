//! The tariff catalogue: «Старт» built in, others added by sales or admins. Reading it needs no
//! session: it is the company's public offer (the calculator's comparison shows it to prospects)
//! and holds no client data.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hourbank_domain::workflow::Role;
use hourbank_domain::{Tariff, DEFAULT_WARRANTY_DAYS};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Path;
use super::{ApiError, AppState, JsonBody};
use crate::auth::Caller;
use crate::db::{col, now};
use crate::store;
use hourbank_api::admin::{NewTariff, TariffEntry, TariffList};

pub use hourbank_api::admin::START;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(remove))
}

#[utoipa::path(
    get,
    path = "/tariffs",
    tag = "tariffs",
    summary = "The tariff catalogue («Старт» built in); public: no session needed",
    responses((status = 200, description = "Tariffs", body = hourbank_api::TariffList)),
    security(())
)]
async fn list(State(state): State<AppState>) -> Result<Json<TariffList>, ApiError> {
    Ok(Json(TariffList { tariffs: catalogue(&state).await? }))
}

/// The catalogue: «Старт», then the stored tariffs by name.
pub(super) async fn catalogue(state: &AppState) -> Result<Vec<TariffEntry>, ApiError> {
    let rows = sqlx::query(
        "SELECT id, name, monthly_fee, included_hours, overage_rate, reserve_cap, trial_months, trial_rate, warranty_days \
         FROM tariffs ORDER BY name",
    )
    .fetch_all(state.db().pool())
    .await?;
    let mut tariffs = vec![TariffEntry {
        id: None,
        name: START.into(),
        built_in: true,
        terms: Tariff::start(),
        warranty_days: DEFAULT_WARRANTY_DAYS,
    }];
    for r in &rows {
        let warranty_days = col::<i64>(r, "warranty_days")?;
        tariffs.push(TariffEntry {
            id: Some(col(r, "id")?),
            name: col(r, "name")?,
            built_in: false,
            terms: store::tariff_from_row(r)?,
            warranty_days: u32::try_from(warranty_days)
                .map_err(|_| ApiError::internal(format!("stored warranty_days is invalid: {warranty_days}")))?,
        });
    }
    Ok(tariffs)
}

#[utoipa::path(
    post,
    path = "/tariffs",
    tag = "tariffs",
    summary = "Add a tariff (sales, admin); omitted terms take «Старт»'s",
    request_body = hourbank_api::admin::NewTariff,
    responses((status = 201, description = "Created", body = hourbank_api::TariffEntry))
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<TariffEntry>), ApiError> {
    caller.require(&[Role::Sales, Role::Admin])?;
    let NewTariff { name, terms: t, warranty_days } = hourbank_api::request::read(&body)?;
    // «гарантийные обязательства»: days after acceptance for warranty claims, a term of the tariff.
    let warranty_days = warranty_days.unwrap_or(DEFAULT_WARRANTY_DAYS);
    let mut tx = state.db().begin_write().await?;
    // One that reads as another already in the catalogue is taken too (the catalogue is public:
    // «Cтарт» with a Latin C beside «Старт» would mislead). Read in the write's transaction.
    let look = hourbank_domain::contacts::name_look(&name);
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM tariffs").fetch_all(&mut *tx).await?;
    if names.iter().any(|taken| hourbank_domain::contacts::name_look(taken) == look) {
        return Err(ApiError::invalid("name", hourbank_domain::Problem::Rule(hourbank_domain::Rule::AlreadyTaken)));
    }
    let row = sqlx::query(
        "INSERT INTO tariffs (name, monthly_fee, included_hours, overage_rate, reserve_cap, trial_months, trial_rate, created_by, \
         created_at, warranty_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&name)
    .bind(t.monthly_fee.kopecks())
    .bind(t.included_hours.centi())
    .bind(t.overage_rate.kopecks())
    .bind(t.reserve_cap.centi())
    .bind(i64::from(t.trial_months))
    .bind(t.trial_rate.kopecks())
    .bind(caller.user_id)
    .bind(now())
    .bind(i64::from(warranty_days))
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = col(&row, "id")?;
    let view = TariffEntry { id: Some(id), name, built_in: false, terms: t, warranty_days };
    store::audit(
        &mut tx,
        store::Audit {
            user_id: Some(caller.user_id),
            action: "create",
            entity: "tariff",
            entity_id: Some(id),
            after: Some(&serde_json::to_value(&view).expect("a tariff serializes")),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(
    delete,
    path = "/tariffs/{id}",
    tag = "tariffs",
    summary = "Take a tariff off the catalogue (sales, admin); organisations on it keep their copy of its terms",
    params(super::params::IdPath),
    responses((status = 204, description = "Removed"), (status = 404, description = "No such tariff («Старт» is built in)"))
)]
async fn remove(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    caller.require(&[Role::Sales, Role::Admin])?;
    let mut tx = state.db().begin_write().await?;
    // Returned as it was, for the audit log: what the catalogue offered until now.
    let row = sqlx::query(
        "DELETE FROM tariffs WHERE id = $1 RETURNING id, name, monthly_fee, included_hours, overage_rate, reserve_cap, \
         trial_months, trial_rate, warranty_days",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ApiError::NOT_FOUND)?;
    let before = serde_json::json!({
        "name": col::<String>(&row, "name")?,
        "terms": store::tariff_from_row(&row)?,
        "warranty_days": col::<i64>(&row, "warranty_days")?,
    });
    store::audit(
        &mut tx,
        store::Audit {
            user_id: Some(caller.user_id),
            action: "delete",
            entity: "tariff",
            entity_id: Some(id),
            before: Some(&before),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
