use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use hourbank_api::Health;

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// Healthy when the database answers; 503 otherwise, so a load balancer stops sending traffic.
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
