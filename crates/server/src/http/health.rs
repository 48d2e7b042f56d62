use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// Healthy when the database answers; 503 otherwise, so a load balancer stops sending traffic.
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.db().ping().await {
        Ok(()) => {
            (StatusCode::OK, Json(json!({ "status": "ok", "database": "ok", "version": env!("CARGO_PKG_VERSION") })))
        }
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "unreachable" })))
        }
    }
}
