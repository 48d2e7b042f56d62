//! `Idempotency-Key` on writes: the first successful answer to a key is stored, and a repeat of
//! the same request with the same key gets that answer again without running it twice. A key
//! reused for a different request is refused; a failed request frees its key for a corrected retry.

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hourbank_domain::Problem;
use sha2::{Digest, Sha256};

use super::{ApiError, AppState, BODY_LIMIT};
use crate::auth::token_hash;
use crate::db::{col, now, Arg};

pub const HEADER: &str = "idempotency-key";
/// Largest answer that is stored for replay.
const MAX_STORED_RESPONSE: usize = 4 * 1024 * 1024;

fn bearer_or_cookie(request: &Request) -> Option<String> {
    let headers = request.headers();
    if let Some(token) =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(token.trim().to_string());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == crate::auth::SESSION_COOKIE || *name == crate::auth::SECURE_SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
}

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match handle(&state, request, next).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn handle(state: &AppState, request: Request, next: Next) -> Result<Response, ApiError> {
    let is_write = matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    let Some(key) = request.headers().get(HEADER).filter(|_| is_write).cloned() else {
        return Ok(next.run(request).await);
    };
    let key = key
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or_else(|| {
            ApiError::invalid("Idempotency-Key", Problem::Other("must be 1 to 200 visible characters".into()))
        })?
        .to_string();
    // A sign-in answers with a bearer token: stored for a replay, it would be a live credential in
    // clear in the database. A repeated sign-in is harmless anyway (another session).
    if request.uri().path().ends_with("/session") {
        return Ok(next.run(request).await);
    }
    // Keys belong to a user; without a session the handler answers 401 anyway.
    let Some(token) = bearer_or_cookie(&request) else {
        return Ok(next.run(request).await);
    };
    let user = sqlx::query("SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash(&token))
        .bind(now())
        .fetch_optional(state.db().pool())
        .await?;
    let Some(user) = user else {
        return Ok(next.run(request).await);
    };
    let user_id: i64 = col(&user, "user_id")?;

    let (parts, body) = request.into_parts();
    let body = to_bytes(body, BODY_LIMIT).await.map_err(|_| ApiError::TooLarge)?;
    let method = parts.method.to_string();
    let path = parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_default();
    let fingerprint = fingerprint(&method, &path, &body);

    // From the reservation on, the request runs to its end even if the client goes away (axum
    // drops a request's future when its connection closes): cut off between reserving the key and
    // recording the answer, the key would say "in progress" for ever and every retry — the
    // portal's outbox retries — be refused.
    let state = state.clone();
    let keyed = Keyed { user_id, key, method, path, fingerprint };
    tokio::spawn(async move { reserve_run_record(&state, keyed, parts, body, next).await })
        .await
        .map_err(|e| ApiError::Internal(format!("request task: {e}")))?
}

/// Fields whose values are secrets: left out of a request's fingerprint, so the database holds
/// nothing that a password could be guessed against (a plain SHA-256 of a body with a password
/// in it can be brute-forced at SHA-256 speed). The same key with another password counts as the
/// same request, which it is: the same intent, retried.
const SECRET_FIELDS: [&str; 4] = ["password", "old_password", "new_password", "current_password"];

/// SHA-256 of method, path and the body with its secret fields blanked (JSON), or of the raw body.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let blanked = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut fields)) => {
            for name in SECRET_FIELDS {
                if let Some(value) = fields.get_mut(name) {
                    *value = serde_json::Value::Null;
                }
            }
            serde_json::Value::Object(fields).to_string().into_bytes()
        }
        _ => body.to_vec(),
    };
    hex::encode(
        Sha256::new()
            .chain_update(method)
            .chain_update(b" ")
            .chain_update(path)
            .chain_update(b"\n")
            .chain_update(&blanked)
            .finalize(),
    )
}

/// A write with its key: whose, which key, and what it asks for.
struct Keyed {
    user_id: i64,
    key: String,
    method: String,
    path: String,
    /// [`fingerprint`]: a key reused for another request is refused.
    fingerprint: String,
}

/// Reserves the key (or answers from it), runs the request, and records its answer.
async fn reserve_run_record(
    state: &AppState,
    keyed: Keyed,
    parts: axum::http::request::Parts,
    body: Bytes,
    next: Next,
) -> Result<Response, ApiError> {
    let Keyed { user_id, key, method, path, fingerprint } = keyed;
    // The bookkeeping writes queue with the other writers (see `Db::write_once`).
    let now = now();
    let reserve = "INSERT INTO idempotency_keys (user_id, key, method, path, status, body, created_at, request_hash) \
                   VALUES ($1, $2, $3, $4, 0, '', $5, $6) ON CONFLICT (user_id, key) DO NOTHING RETURNING user_id";
    let args = [
        Arg::Int(user_id),
        Arg::Text(&key),
        Arg::Text(&method),
        Arg::Text(&path),
        Arg::Text(&now),
        Arg::Text(&fingerprint),
    ];
    let reserved = !state.db().write_once(reserve, reserve, &args).await?.is_empty();
    if !reserved {
        let row =
            sqlx::query("SELECT status, body, request_hash FROM idempotency_keys WHERE user_id = $1 AND key = $2")
                .bind(user_id)
                .bind(&key)
                .fetch_one(state.db().pool())
                .await?;
        if col::<String>(&row, "request_hash")? != fingerprint {
            return Err(ApiError::invalid(
                "Idempotency-Key",
                Problem::Other("was already used for a different request".into()),
            ));
        }
        let status: i64 = col(&row, "status")?;
        if status == 0 {
            return Err(ApiError::Conflict("a request with this Idempotency-Key is still in progress".into()));
        }
        let stored: String = col(&row, "body")?;
        let mut response = (StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK), stored).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
        return Ok(response);
    }

    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    let (parts, body) = response.into_parts();
    let bytes: Bytes =
        to_bytes(body, MAX_STORED_RESPONSE).await.map_err(|e| ApiError::Internal(format!("response body: {e}")))?;
    if parts.status.is_success() {
        let answer = "UPDATE idempotency_keys SET status = $1, body = $2 WHERE user_id = $3 AND key = $4";
        let body = String::from_utf8_lossy(&bytes);
        let args = [Arg::Int(i64::from(parts.status.as_u16())), Arg::Text(&body), Arg::Int(user_id), Arg::Text(&key)];
        state.db().write_once(answer, answer, &args).await?;
    } else {
        let free = "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2";
        state.db().write_once(free, free, &[Arg::Int(user_id), Arg::Text(&key)]).await?;
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_holds_no_password() {
        let one = fingerprint("POST", "/api/v1/users", br#"{"email": "a@b.ru", "password": "correct horse"}"#);
        let other = fingerprint("POST", "/api/v1/users", br#"{"email": "a@b.ru", "password": "another one!"}"#);
        assert_eq!(one, other, "the password does not enter the fingerprint");
        let changed = fingerprint("POST", "/api/v1/users", br#"{"email": "c@d.ru", "password": "correct horse"}"#);
        assert_ne!(one, changed, "everything else does");
        assert_ne!(fingerprint("POST", "/a", b"not json"), fingerprint("POST", "/a", b"not json!"));
    }
}
