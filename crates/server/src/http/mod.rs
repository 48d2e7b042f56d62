//! The HTTP surface: `/api/v1/…` JSON endpoints and the SPA from `dist/` for everything else.

mod error;
mod extract;
mod health;
mod simulate;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use extract::JsonBody;

/// Largest request body any endpoint accepts.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    dist: PathBuf,
}

impl AppState {
    /// `dist` is the folder Trunk built the SPA into.
    pub fn new(dist: impl Into<PathBuf>) -> Self {
        AppState { inner: Arc::new(Inner { dist: dist.into() }) }
    }

    pub fn dist(&self) -> &std::path::Path {
        &self.inner.dist
    }
}

/// The API routes, then the SPA with `index.html` for client-side routes (deep links).
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(health::router())
        .merge(simulate::router())
        .fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state.clone());
    let dist = state.dist().to_path_buf();
    let spa = ServeDir::new(&dist).fallback(ServeFile::new(dist.join("index.html")));
    Router::new().nest("/api/v1", api).fallback_service(spa).layer(TraceLayer::new_for_http())
}

/// Serves until Ctrl-C (or the listener fails).
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    if !state.dist().join("index.html").is_file() {
        tracing::warn!(dist = %state.dist().display(), "no built SPA here: run `./dev run` (or `trunk build --release`)");
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
