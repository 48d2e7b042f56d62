//! The HTTP surface: `/api/v1/…` JSON endpoints and the SPA from `dist/` for everything else.

pub mod accounts;
pub mod assets;
pub mod caller;
pub mod consultations;
pub mod contact;
pub mod documents;
mod error;
mod extract;
mod health;
pub mod idempotency;
pub mod input;
pub mod instructions;
pub mod openapi;
pub mod orgs;
mod params;
pub mod reports;
pub mod security;
pub(crate) mod session;
mod simulate;
pub mod tariffs;
pub mod tasks;
pub mod users;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::Router;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use extract::JsonBody;

use crate::app::App;
use crate::db::Db;

/// How often the server removes expired sessions, old idempotency keys and old sign-in failures.
const PRUNE_EVERY_SECONDS: u64 = 10 * 60;

/// Largest request body any endpoint accepts.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler can reach: the application's core (the database, the clock, the caches:
/// see [`App`], which it dereferences to) and what only the web side needs.
#[derive(Clone)]
pub struct AppState {
    app: App,
    web: Arc<Web>,
}

struct Web {
    dist: PathBuf,
    /// The Content-Security-Policy, with the hashes of `dist`'s inline scripts.
    csp: security::Policy,
    /// Served to browsers over HTTPS (by a proxy in front): HSTS on.
    behind_https: std::sync::atomic::AtomicBool,
    /// Proxies whose `X-Forwarded-For` is believed.
    trusted_proxies: std::sync::RwLock<Vec<std::net::IpAddr>>,
    /// The site's own address (`https://hourbank.example`), for links the server writes into
    /// pages and letters; without it, the request's `Host`.
    public_url: std::sync::RwLock<Option<String>>,
    /// Answers to keyed writes, recorded in batches.
    answers: idempotency::Answers,
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

impl AppState {
    /// `dist` is the folder Trunk built the SPA into.
    pub fn new(dist: impl Into<PathBuf>, db: Db) -> Self {
        Self::with_clock(dist, db, crate::clock::Clock::system())
    }

    /// A server that reads the time from `clock` (tests walk the calendar with a fixed one).
    pub fn with_clock(dist: impl Into<PathBuf>, db: Db, clock: crate::clock::Clock) -> Self {
        Self::of(App::with_clock(db, clock), dist)
    }

    /// The web side of `app`, serving the SPA from `dist`.
    pub fn of(app: App, dist: impl Into<PathBuf>) -> Self {
        let dist = dist.into();
        let csp = security::Policy::new(&dist);
        AppState {
            app,
            web: Arc::new(Web {
                dist,
                csp,
                behind_https: Default::default(),
                trusted_proxies: Default::default(),
                public_url: Default::default(),
                answers: Default::default(),
            }),
        }
    }

    /// The application's core, for the services.
    pub fn app(&self) -> &App {
        &self.app
    }

    pub fn dist(&self) -> &std::path::Path {
        &self.web.dist
    }

    /// The policy as last computed (for answers other than pages).
    pub fn content_security_policy(&self) -> Arc<str> {
        self.web.csp.last()
    }

    /// The policy for a page: computed again when `dist`'s pages changed since.
    pub fn current_content_security_policy(&self) -> Arc<str> {
        self.web.csp.current()
    }

    /// Whether browsers reach this server over HTTPS (through a proxy): HSTS is sent then.
    pub fn behind_https(&self) -> bool {
        self.web.behind_https.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn set_behind_https(&self, on: bool) {
        self.web.behind_https.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// The site's address as configured (`--public-url`), without a trailing slash.
    pub fn public_url(&self) -> Option<String> {
        self.web.public_url.read().expect("public url lock").clone()
    }

    pub fn set_public_url(&self, url: Option<String>) {
        *self.web.public_url.write().expect("public url lock") = url.map(|u| u.trim_end_matches('/').to_string());
    }

    pub fn trusted_proxies(&self) -> Vec<std::net::IpAddr> {
        self.web.trusted_proxies.read().expect("proxies lock").clone()
    }

    pub fn set_trusted_proxies(&self, proxies: Vec<std::net::IpAddr>) {
        *self.web.trusted_proxies.write().expect("proxies lock") = proxies;
    }

    pub(crate) fn answers(&self) -> &idempotency::Answers {
        &self.web.answers
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The API's routes under `/api/v1`, each handler with its documentation (`#[utoipa::path]`): the
/// router and the OpenAPI document are made from this one list.
pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .merge(health::router())
        .merge(simulate::router())
        .merge(session::router())
        .merge(orgs::router())
        .merge(tasks::router())
        .merge(reports::router())
        .merge(users::router())
        .merge(tariffs::router())
        .merge(consultations::router())
        .merge(instructions::router())
        .merge(documents::router())
        .merge(accounts::router())
}

/// The query parameters each operation takes, by method and path template, as its document
/// lists them (the document is made from the handlers' own parameter types).
fn query_parameters() -> &'static std::collections::HashMap<(String, String), Vec<String>> {
    static TAKEN: std::sync::OnceLock<std::collections::HashMap<(String, String), Vec<String>>> =
        std::sync::OnceLock::new();
    TAKEN.get_or_init(|| {
        let doc = openapi::document();
        let mut taken = std::collections::HashMap::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let names = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| p["name"].as_str().map(String::from))
                    .collect();
                taken.insert((method.to_uppercase(), path.clone()), names);
            }
        }
        taken
    })
}

/// A query parameter the operation does not take is refused (422 naming it), on every operation
/// as on those that read their parameters (`extract::Query`): `GET /orgs?limit=abc` answered
/// every organisation as if it had read `limit`.
async fn known_query_only(
    matched: axum::extract::MatchedPath,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Result<axum::response::Response, ApiError> {
    if let Some(query) = request.uri().query().filter(|q| !q.is_empty()) {
        let method = if request.method() == axum::http::Method::HEAD { "GET" } else { request.method().as_str() };
        let path = matched.as_str().strip_prefix("/api/v1").unwrap_or(matched.as_str());
        let taken = query_parameters().get(&(method.to_string(), path.to_string()));
        for (name, _) in form_urlencoded::parse(query.as_bytes()) {
            if !taken.is_some_and(|names| names.iter().any(|n| *n == name)) {
                return Err(ApiError::invalid(&name, hourbank_domain::Problem::UnknownField));
            }
        }
    }
    Ok(next.run(request).await)
}

/// Whether a request declares (`Content-Length`) a body over the limit: refused before any of it is
/// read, so the client is not kept uploading a megabyte only to be refused, nor the server reading
/// it. Checked where a body is about to be read, so that a bad path or key is named first.
pub(crate) fn declared_too_large(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|size| size > BODY_LIMIT as u64)
}

/// The API routes, then the SPA with `index.html` for client-side routes (deep links).
pub fn router(state: AppState) -> Router {
    let (api, _) = api_routes().split_for_parts();
    let api = api
        .route_layer(axum::middleware::from_fn(known_query_only))
        .fallback(|| async { ApiError::NOT_FOUND })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(axum::middleware::from_fn_with_state(state.clone(), idempotency::layer))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state.clone());
    let spa =
        Router::new().fallback_service(assets::serve_dir(&state)).layer(axum::middleware::from_fn(assets::headers));
    Router::new()
        .nest("/api/v1", api.layer(compression()))
        .nest("/api", openapi::router().with_state(state.clone()).layer(compression()))
        .route("/api/csp-report", axum::routing::post(security::report).layer(DefaultBodyLimit::max(64 * 1024)))
        .route("/contact", axum::routing::get(contact::page).with_state(state.clone()).layer(compression()))
        .fallback_service(spa)
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::headers))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// JSON answers compressed on the fly (brotli or gzip, as the client accepts) above a kilobyte,
/// except an answer that carries a secret (a sign-in's token): compressed next to text an
/// attacker controls, its length would leak it (BREACH).
fn compression() -> CompressionLayer<impl tower_http::compression::Predicate + Clone> {
    use tower_http::compression::predicate::{Predicate, SizeAbove};
    let no_secret =
        |_: axum::http::StatusCode,
         _: axum::http::Version,
         _: &axum::http::HeaderMap,
         extensions: &axum::http::Extensions| { extensions.get::<session::CarriesSecret>().is_none() };
    CompressionLayer::new()
        .quality(tower_http::CompressionLevel::Precise(5))
        .compress_when(SizeAbove::new(1024).and(no_secret))
}

/// Serves until Ctrl-C (or the listener fails), with client addresses for sign-in limits.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    assets::remove_stale_copies(state.dist());
    if !state.dist().join("index.html").is_file() {
        tracing::warn!(dist = %state.dist().display(), "no built SPA here: run `./dev run` (or `trunk build --release`)");
    }
    // What only grows unless removed: expired sessions, old idempotency keys, old sign-in failures.
    let pruning = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(PRUNE_EVERY_SECONDS));
        loop {
            every.tick().await;
            match crate::store::prune(pruning.db(), chrono::Utc::now()).await {
                Ok(removed) if removed > 0 => {
                    tracing::info!(removed, "pruned expired sessions, keys and sign-in failures")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "pruning failed; trying again later"),
            }
        }
    });
    serve_connections(listener, router(state)).await;
    Ok(())
}

/// How long a client may take to send a request's headers: one that stops half way (slowloris)
/// loses its connection instead of holding it for good.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a request's body may go without a byte arriving: one that stalls gets 408.
pub const BODY_STALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Accepts connections until Ctrl-C, then lets the open ones finish (as `axum::serve` did, which
/// this replaces: it sets hyper no timer, so no header timeout could run). Each request carries
/// its peer's address (`ConnectInfo`) and a body that times out when it stalls.
async fn serve_connections(listener: TcpListener, app: Router) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::ServiceExt;

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, most likely: wait instead of spinning.
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let service = app.clone().map_request(move |request: Request<hyper::body::Incoming>| {
            let (mut parts, body) = request.into_parts();
            parts.extensions.insert(axum::extract::ConnectInfo(peer));
            let body = tower_http::timeout::TimeoutBody::new(BODY_STALL_TIMEOUT, body);
            Request::from_parts(parts, axum::body::Body::new(body))
        });
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
            let service = hyper_util::service::TowerToHyperService::new(service);
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            if let Err(e) = watcher.watch(connection).await {
                tracing::trace!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;
    use axum::response::IntoResponse;
    use axum::routing::get;
    use tower::ServiceExt;

    /// JSON over a kilobyte is compressed for a client that accepts it; an answer marked as
    /// carrying a secret never is, however big.
    #[tokio::test]
    async fn answers_with_a_secret_are_never_compressed() {
        let big = serde_json::json!({ "token": "x".repeat(4000) });
        let (plain, secret) = (big.clone(), big);
        let app = Router::new()
            .route("/plain", get(move || async move { axum::Json(plain) }))
            .route(
                "/secret",
                get(move || async move {
                    let mut response = axum::Json(secret).into_response();
                    response.extensions_mut().insert(session::CarriesSecret);
                    response
                }),
            )
            .route("/small", get(|| async { axum::Json(serde_json::json!({ "ok": true })) }))
            .layer(compression());
        for (path, expected) in [("/plain", Some("br")), ("/secret", None), ("/small", None)] {
            let request =
                Request::get(path).header("accept-encoding", "br, gzip").body(axum::body::Body::empty()).unwrap();
            let response = app.clone().oneshot(request).await.unwrap();
            let encoding = response.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap().to_string());
            assert_eq!(encoding.as_deref(), expected, "{path}");
        }
    }
}
