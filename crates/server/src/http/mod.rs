//! The HTTP surface: `/api/v1/…` JSON endpoints and the SPA from `dist/` for everything else.

pub mod accounts;
pub mod assets;
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
pub mod reports;
pub mod security;
pub(crate) mod session;
mod simulate;
pub mod tariffs;
pub mod tasks;
pub mod users;

use std::collections::HashMap;
use std::net::SocketAddr;
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
pub use reports::report_csv;

use crate::db::Db;

/// How often the server removes expired sessions, old idempotency keys and old sign-in failures.
const PRUNE_EVERY_SECONDS: u64 = 10 * 60;

/// Largest request body any endpoint accepts.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    dist: PathBuf,
    db: Db,
    /// Serialized reports by (organisation, period), valid for one data version of the
    /// organisation and for a short while. Only a cache: any server may answer from the database.
    reports: std::sync::Mutex<ReportCache>,
    /// Organisations by id, each valid for its own data version (their terms never change
    /// without an audited change).
    orgs: std::sync::Mutex<HashMap<i64, crate::store::OrgRecord>>,
    session_ttl: std::sync::RwLock<(chrono::Duration, chrono::Duration)>,
    dummy_hash: String,
    clock: crate::clock::Clock,
    /// The Content-Security-Policy, with the hashes of `dist`'s inline scripts.
    csp: String,
    /// Served to browsers over HTTPS (by a proxy in front): HSTS on.
    behind_https: std::sync::atomic::AtomicBool,
    /// Proxies whose `X-Forwarded-For` is believed.
    trusted_proxies: std::sync::RwLock<Vec<std::net::IpAddr>>,
    /// Password hashing (argon2, deliberately slow) runs on blocking threads, this many at once,
    /// so a burst of sign-ins never stalls the threads that answer everything else.
    pub(crate) hashing: tokio::sync::Semaphore,
    /// Answers to keyed writes, recorded in batches.
    answers: idempotency::Answers,
}

impl AppState {
    /// `dist` is the folder Trunk built the SPA into.
    pub fn new(dist: impl Into<PathBuf>, db: Db) -> Self {
        Self::with_clock(dist, db, crate::clock::Clock::system())
    }

    /// A server that reads the time from `clock` (tests walk the calendar with a fixed one).
    pub fn with_clock(dist: impl Into<PathBuf>, db: Db, clock: crate::clock::Clock) -> Self {
        let dist = dist.into();
        let csp = security::content_security_policy(&dist);
        AppState {
            inner: Arc::new(Inner {
                dist,
                db,
                reports: Default::default(),
                orgs: Default::default(),
                // (absolute, idle)
                session_ttl: std::sync::RwLock::new((chrono::Duration::hours(12), chrono::Duration::hours(2))),
                dummy_hash: session::dummy_hash(),
                clock,
                csp,
                behind_https: Default::default(),
                trusted_proxies: Default::default(),
                hashing: tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(2, |n| n.get()).max(1),
                ),
                answers: Default::default(),
            }),
        }
    }

    pub fn dist(&self) -> &std::path::Path {
        &self.inner.dist
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn clock(&self) -> &crate::clock::Clock {
        &self.inner.clock
    }

    pub fn content_security_policy(&self) -> &str {
        &self.inner.csp
    }

    /// Whether browsers reach this server over HTTPS (through a proxy): HSTS is sent then.
    pub fn behind_https(&self) -> bool {
        self.inner.behind_https.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn trusted_proxies(&self) -> Vec<std::net::IpAddr> {
        self.inner.trusted_proxies.read().expect("proxies lock").clone()
    }

    pub fn set_trusted_proxies(&self, proxies: Vec<std::net::IpAddr>) {
        *self.inner.trusted_proxies.write().expect("proxies lock") = proxies;
    }

    /// Runs argon2 work (`f`) on a blocking thread, at most as many at once as there are cores.
    pub async fn hash_work<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        let _permit = self.inner.hashing.acquire().await.map_err(|e| ApiError::Internal(format!("hashing: {e}")))?;
        tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::Internal(format!("hashing: {e}")))
    }

    pub fn set_behind_https(&self, on: bool) {
        self.inner.behind_https.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// A cached organisation, if it is at this data version.
    pub fn cached_org(&self, id: i64, version: Option<i64>) -> Option<crate::store::OrgRecord> {
        let cache = self.inner.orgs.lock().expect("cache lock");
        cache.get(&id).filter(|org| org.data_version == version).cloned()
    }

    pub fn cache_org(&self, org: &crate::store::OrgRecord) {
        let mut cache = self.inner.orgs.lock().expect("cache lock");
        if cache.len() >= 4096 {
            cache.clear();
        }
        cache.insert(org.id, org.clone());
    }

    /// The report of (organisation, period) at this data version: the cached cell if it was
    /// made at this version recently, else a new empty one in its place. Every request for the
    /// same version shares one cell, so concurrent requests after a write wait for one build
    /// instead of each building the same report.
    pub fn report_cell(&self, org: i64, period: &str, version: Option<i64>) -> ReportCell {
        let mut cache = self.inner.reports.lock().expect("cache lock");
        let key = (org, period.to_string());
        if let Some((v, made, cell)) = cache.entries.get(&key)
            && *v == version
            && made.elapsed() < REPORT_CACHE_TTL
        {
            return cell.clone();
        }
        cache.make_room();
        let cell = ReportCell::default();
        cache.entries.insert(key, (version, std::time::Instant::now(), cell.clone()));
        cell
    }

    /// How long a session lives at most, from sign-in.
    pub fn session_ttl(&self) -> chrono::Duration {
        self.inner.session_ttl.read().expect("ttl lock").0
    }

    /// How long a session lives unused.
    pub fn session_idle(&self) -> chrono::Duration {
        self.inner.session_ttl.read().expect("ttl lock").1
    }

    pub(crate) fn answers(&self) -> &idempotency::Answers {
        &self.inner.answers
    }

    pub fn set_session_lifetimes(&self, absolute: chrono::Duration, idle: chrono::Duration) {
        *self.inner.session_ttl.write().expect("ttl lock") = (absolute, idle);
    }

    fn dummy_hash(&self) -> &str {
        &self.inner.dummy_hash
    }
}

/// A serialized report once built (or being built).
pub type ReportCell = std::sync::Arc<tokio::sync::OnceCell<axum::body::Bytes>>;

/// A report's cell, the organisation's data version it is for, and when the cell was made.
type CachedReport = (Option<i64>, std::time::Instant, ReportCell);

/// How long a cached report may be served at an unchanged data version: bounds the staleness
/// when two PostgreSQL transactions commit out of audit-id order.
const REPORT_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// At most this many cached reports.
const REPORT_CACHE_MAX: usize = 4096;

/// Serialized reports by (organisation, period).
#[derive(Default)]
struct ReportCache {
    entries: HashMap<(i64, String), CachedReport>,
    /// The count at which expired entries are next swept out.
    sweep_at: usize,
}

impl ReportCache {
    /// A report older than its lifetime is never served again, so it is dropped: the cache holds
    /// the reports asked for in the last moments (and reports grow with a month's data), not
    /// every organisation's since the start. Swept when the entries have doubled since the last
    /// sweep, so a sweep's cost is spread over as many inserts.
    fn make_room(&mut self) {
        if self.entries.len() >= self.sweep_at {
            self.entries.retain(|_, (_, made, _)| made.elapsed() < REPORT_CACHE_TTL);
            // Never past the bound, so the sweep comes before the clearing below (which would
            // otherwise leave the next sweep out of reach for good).
            self.sweep_at = (2 * self.entries.len()).clamp(64, REPORT_CACHE_MAX);
        }
        // Bounded in count whatever the traffic; a miss only costs a rebuild.
        if self.entries.len() >= REPORT_CACHE_MAX {
            self.entries.clear();
        }
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The API routes, then the SPA with `index.html` for client-side routes (deep links).
pub fn router(state: AppState) -> Router {
    let api = Router::new()
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
        .fallback(|| async { ApiError::NotFound })
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
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
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

    #[test]
    fn expired_reports_leave_the_cache_and_fresh_ones_stay() {
        let mut cache = ReportCache::default();
        let expired = std::time::Instant::now() - REPORT_CACHE_TTL - std::time::Duration::from_millis(10);
        for org in 0..100 {
            cache.entries.insert((org, "2027-01".into()), (Some(1), expired, ReportCell::default()));
        }
        cache.entries.insert((1000, "2027-01".into()), (Some(1), std::time::Instant::now(), ReportCell::default()));
        cache.make_room();
        assert_eq!(cache.entries.len(), 1, "only the fresh report is kept");
        assert!(cache.entries.contains_key(&(1000, "2027-01".into())));
        // Until the entries double again, no sweep runs (each insert stays O(1)).
        assert_eq!(cache.sweep_at, 64);

        // With more live reports than half the bound, the next sweep still comes before the
        // bound clears the cache, and it still drops the expired ones.
        let now = std::time::Instant::now();
        for org in 0..3000 {
            cache.entries.insert((org, "2027-02".into()), (Some(1), now, ReportCell::default()));
        }
        cache.sweep_at = 0;
        cache.make_room();
        assert_eq!(cache.sweep_at, REPORT_CACHE_MAX);
        for org in 0..1096 {
            cache.entries.insert((org, "2027-03".into()), (Some(1), expired, ReportCell::default()));
        }
        cache.make_room();
        assert_eq!(cache.entries.len(), 3001, "the expired ones swept, the live ones kept");
    }
}
