//! `POST /api/v1/simulate`: the same JSON contract as `hourbank simulate`.

use axum::Json;
use hourbank_domain::scenario::scenario_from_value;
use hourbank_domain::Statement;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::JsonBody;
use super::{ApiError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(simulate))
}

#[utoipa::path(
    post,
    path = "/simulate",
    tag = "calculator",
    summary = "The month-by-month statement of a scenario",
    request_body = hourbank_domain::openapi::ScenarioBody,
    responses((status = 200, description = "The statement", body = hourbank_domain::Statement)),
    security(())
)]
async fn simulate(JsonBody(value): JsonBody) -> Result<Json<Statement>, ApiError> {
    let scenario = scenario_from_value(&value)?;
    Ok(Json(scenario.simulate()?))
}
