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
    // The scheme's name is case-insensitive (RFC 9110 §11.1): `bearer` is `Bearer`.
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| {
        let (scheme, token) = v.trim_start().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then_some(token)
    });
    if let Some(bearer) = bearer {
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

impl ClientAddress {
    /// The place sign-in limits count tries from: an IPv4 address, or an IPv6 address's /64 — the
    /// network one subscriber is given, whose 2^64 addresses would otherwise each be a fresh
    /// place with tries of its own.
    pub fn place(&self) -> String {
        match self.0.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    let network = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                    format!("{network}/64")
                }
            },
            _ => self.0.clone(),
        }
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

#[cfg(test)]
mod tests {
    use super::ClientAddress;

    #[test]
    fn an_ipv6_network_is_one_place_for_the_limits() {
        let place = |a: &str| ClientAddress(a.to_string()).place();
        assert_eq!(place("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(place("2001:db8:1:2:ffff:1:2:3"), place("2001:db8:1:2::9"));
        assert_ne!(place("2001:db8:1:3::1"), place("2001:db8:1:2::1"));
        assert_eq!(place("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(place("192.0.2.7"), "192.0.2.7");
        assert_eq!(place("unknown"), "unknown");
    }

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        let token = |value: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(axum::http::header::AUTHORIZATION, value.parse().unwrap());
            super::token_in(&headers)
        };
        assert_eq!(token("Bearer abc").as_deref(), Some("abc"));
        assert_eq!(token("bearer abc").as_deref(), Some("abc"));
        assert_eq!(token("BEARER  abc ").as_deref(), Some("abc"));
        assert_eq!(token("Basic abc"), None);
        assert_eq!(token("Bearerabc"), None);
    }
}
