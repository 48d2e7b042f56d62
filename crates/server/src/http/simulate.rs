//! `POST /api/v1/simulate`: the same JSON contract as `hourbank simulate`.

use axum::routing::post;
use axum::{Json, Router};
use hourbank_domain::scenario::scenario_from_value;
use hourbank_domain::Statement;

use super::extract::JsonBody;
use super::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/simulate", post(simulate))
}

async fn simulate(JsonBody(value): JsonBody) -> Result<Json<Statement>, ApiError> {
    let scenario = scenario_from_value(&value)?;
    Ok(Json(scenario.simulate()?))
}
