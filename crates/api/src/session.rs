//! Who is signed in (`/session`, `/me`) and their sessions (`/me/sessions`).

use hourbank_domain::Role;
use serde::{Deserialize, Serialize};

use crate::orgs::Org;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org: Option<Org>,
}

/// `POST /session`'s answer: the bearer token (also set as the session cookie) and when it ends.
/// It carries a secret: the server never compresses it (BREACH).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SignedIn {
    pub token: String,
    /// The session's absolute end (RFC 3339, UTC). It ends sooner after its idle lifetime without
    /// a request (`--session-idle-minutes`, 120 by default): a 401 then asks to sign in again.
    pub expires_at: String,
}

/// `GET /health`: the database answered (`ok`, with the server's version), or not
/// (`unavailable`, with a 503 so that a load balancer stops sending traffic).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Health {
    pub status: String,
    pub database: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// `GET /session`: who is signed in, if anyone (never a 401).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SessionState {
    pub user: Option<Me>,
}

/// One of the signed-in user's sessions (`/me/sessions`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SessionEntry {
    pub id: String,
    pub created_at: String,
    pub last_seen: String,
    /// The absolute end; the session ends sooner after its idle lifetime from `last_seen`.
    pub expires_at: String,
    pub address: String,
    pub current: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SessionList {
    pub sessions: Vec<SessionEntry>,
}
