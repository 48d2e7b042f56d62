use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hourbank_api::Health;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// Healthy when the database answers; 503 otherwise, so a load balancer stops sending traffic.
#[utoipa::path(
    get,
    path = "/health",
    tag = "system",
    summary = "Health, with a database round trip",
    responses((status = 200, description = "Healthy", body = hourbank_api::Health), (status = 503, description = "The database does not answer", body = hourbank_api::Health)),
    security(())
)]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.db().ping().await {
        Ok(()) => {
            let version = Some(env!("CARGO_PKG_VERSION").to_string());
            (StatusCode::OK, Json(Health { status: "ok".into(), database: "ok".into(), version }))
        }
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            let health = Health { status: "unavailable".into(), database: "unreachable".into(), version: None };
            (StatusCode::SERVICE_UNAVAILABLE, Json(health))
        }
    }
}
