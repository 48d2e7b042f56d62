//! Who is calling, read from the request: the session token (bearer or cookie), the caller it
//! belongs to, and the client's address.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

use super::{ApiError, AppState};
use crate::auth::{Caller, SECURE_SESSION_COOKIE, SESSION_COOKIE};

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
        request_token(parts).map(SessionToken).ok_or(ApiError::UNAUTHORIZED)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Already looked up for this request (a keyed write, see `http::idempotency`).
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let token = request_token(parts).ok_or(ApiError::UNAUTHORIZED)?;
        Caller::resolve(state.db(), state.session_idle(), &token, None)
            .await?
            .map(|(caller, _)| caller)
            .ok_or(ApiError::UNAUTHORIZED)
    }
}

/// `Option<Caller>`: `None` without a live session (a page asking who is signed in), an error
/// only when the session cannot be read.
impl axum::extract::OptionalFromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        match <Caller as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(caller) => Ok(Some(caller)),
            Err(ApiError::Service(crate::Error::Unauthorized)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
