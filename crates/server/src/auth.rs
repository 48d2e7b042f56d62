//! Who is calling, and what they may see: passwords (argon2), sessions (random tokens stored only
//! as SHA-256), the `Caller` extractor, and the one place that scopes data by organisation.

use std::net::SocketAddr;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use hourbank_domain::workflow::Role;
use sha2::{Digest, Sha256};

use crate::db::{col, instant, Arg};
use crate::http::{ApiError, AppState};
use sqlx::any::AnyRow;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "hb_session";

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashes any password").to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A fresh session token (256 random bits, hex) and the hash that is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS gives random bytes");
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub role: Role,
    /// The caller's organisation (clients only).
    pub org_id: Option<i64>,
    /// That organisation's data version, read with the session (see `OrgRecord::data_version`):
    /// lets a client's repeated reads be answered from caches without another query.
    pub org_version: Option<i64>,
    pub name: String,
    pub email: String,
}

/// Which organisations' data a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgScope {
    /// A client: its own organisation only.
    One(i64),
    /// Staff (analyst, specialist, admin): every organisation.
    All,
}

impl OrgScope {
    /// The one place a caller's role becomes a data scope. Sales see tariffs and demo
    /// scenarios, never client data.
    pub fn of(caller: &Caller) -> Result<OrgScope, ApiError> {
        match caller.role {
            Role::Client => Ok(OrgScope::One(caller.org_id.expect("a client has an organisation"))),
            Role::Analyst | Role::Specialist | Role::Admin => Ok(OrgScope::All),
            Role::Sales => Err(ApiError::Forbidden("sales see tariffs and demo data, not client data".into())),
        }
    }

    /// Whether this scope covers `org_id`.
    pub fn covers(self, org_id: i64) -> bool {
        match self {
            OrgScope::One(own) => own == org_id,
            OrgScope::All => true,
        }
    }

    /// An SQL condition on `column` and the value to bind for it, if any; `param` is the
    /// placeholder number to use. Queries append it so no handler filters by hand.
    pub fn condition(self, column: &str, param: usize) -> (String, Option<i64>) {
        match self {
            OrgScope::One(org) => (format!("{column} = ${param}"), Some(org)),
            OrgScope::All => ("1 = 1".to_string(), None),
        }
    }
}

impl Caller {
    pub fn scope(&self) -> Result<OrgScope, ApiError> {
        OrgScope::of(self)
    }

    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("not allowed for role {}", self.role.as_str())))
        }
    }
}

/// The session cookie's name: `__Host-` prefixed behind HTTPS (the browser then holds it to this
/// host, path `/`, Secure), plain on a loopback address without TLS.
pub fn session_cookie_name(behind_https: bool) -> &'static str {
    if behind_https {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

pub const SECURE_SESSION_COOKIE: &str = "__Host-hb_session";

/// The bearer token or the session cookie of a request.
fn request_token(parts: &Parts) -> Option<String> {
    token_in(&parts.headers)
}

/// The bearer token or the session cookie in a request's headers.
pub fn token_in(headers: &axum::http::HeaderMap) -> Option<String> {
    if let Some(bearer) =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_string());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE || *name == SECURE_SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The client's IP address (or "unknown" when the server runs without connection info). Behind a
/// proxy the server is told to trust, the address that proxy saw (`X-Forwarded-For`, read from
/// the right, skipping trusted proxies); from anyone else the header is ignored, since a client
/// could write any address into it.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip());
        let Some(peer) = peer else { return Ok(ClientAddress("unknown".to_string())) };
        let trusted = state.trusted_proxies();
        if !trusted.contains(&peer) {
            return Ok(ClientAddress(peer.to_string()));
        }
        let forwarded: Vec<std::net::IpAddr> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse().ok())
            .collect();
        let client = forwarded.iter().rev().find(|a| !trusted.contains(a)).copied().unwrap_or(peer);
        Ok(ClientAddress(client.to_string()))
    }
}

/// The raw session token of a request (for signing out).
pub struct SessionToken(pub String);

impl FromRequestParts<AppState> for SessionToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        request_token(parts).map(SessionToken).ok_or(ApiError::Unauthorized)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Already looked up for this request (a keyed write, see `http::idempotency`).
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let token = request_token(parts).ok_or(ApiError::Unauthorized)?;
        Caller::resolve(state, &token, None).await?.map(|(caller, _)| caller).ok_or(ApiError::Unauthorized)
    }
}

/// `Option<Caller>`: `None` without a live session (a page asking who is signed in), an error
/// only when the session cannot be read.
impl axum::extract::OptionalFromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        match <Caller as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(caller) => Ok(Some(caller)),
            Err(ApiError::Unauthorized) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Caller {
    /// The caller whose session `token` is, if it is live; with `key`, also the row of that
    /// `Idempotency-Key` of the caller's (its columns `status`, `body`, `request_hash` and
    /// `created_at`, null when the key is not stored), read in the same query.
    pub async fn resolve(
        state: &AppState,
        token: &str,
        key: Option<&str>,
    ) -> Result<Option<(Caller, AnyRow)>, ApiError> {
        let hash = token_hash(token);
        let now_at = chrono::Utc::now();
        let idle_since = instant(now_at - state.session_idle());
        // A session ends at its absolute expiry, after its idle lifetime, or with its user disabled.
        let (key_columns, key_join) = match key {
            Some(_) => (
                ", k.status, k.body, k.request_hash, k.created_at",
                " LEFT JOIN idempotency_keys k ON k.user_id = u.id AND k.key = $4",
            ),
            None => ("", ""),
        };
        let sql = format!(
            "SELECT u.id, u.role, u.org_id, u.name, u.email, s.last_seen, \
                    {ORG_VERSION} AS org_version{key_columns} \
             FROM sessions s JOIN users u ON u.id = s.user_id{key_join} \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen > $3 AND u.disabled = 0"
        );
        let mut query = sqlx::query(&sql).bind(&hash).bind(instant(now_at)).bind(&idle_since);
        if let Some(key) = key {
            query = query.bind(key);
        }
        let Some(row) = query.fetch_optional(state.db().pool()).await? else { return Ok(None) };
        // Marked as used at most once a minute: a write per request would cost every read.
        let last_seen: String = col(&row, "last_seen")?;
        let touch_before = instant(now_at - chrono::Duration::seconds(60));
        if last_seen < touch_before {
            let touch = "UPDATE sessions SET last_seen = $1 WHERE token_hash = $2";
            state.db().write_once(touch, touch, &[Arg::Text(&instant(now_at)), Arg::Text(&hash)]).await?;
        }
        let role: String = col(&row, "role")?;
        let caller = Caller {
            user_id: col(&row, "id")?,
            role: Role::parse("role", &role).map_err(|e| ApiError::Internal(e.to_string()))?,
            org_id: col(&row, "org_id")?,
            org_version: col(&row, "org_version")?,
            name: col(&row, "name")?,
            email: col(&row, "email")?,
        };
        Ok(Some((caller, row)))
    }
}

/// The signed-in user's organisation's data version (its newest audit entry), a column of the
/// session's query over `users u`; none for staff, who have no organisation. Without that guard,
/// `MAX(a.id) … WHERE a.org_id = u.org_id` let PostgreSQL walk the whole log backwards by id for
/// staff, filtering every row, every request: 2.8 ms at 13 000 entries, growing with the log (the
/// work-log anomaly of issue #10). Ordered as the `(org_id, id)` index is, which PostgreSQL then
/// tends to read from its end.
pub const ORG_VERSION: &str = "CASE WHEN u.org_id IS NOT NULL THEN \
     (SELECT a.id FROM audit_log a WHERE a.org_id = u.org_id ORDER BY a.org_id DESC, a.id DESC LIMIT 1) END";
