//! Signing in and out: `POST /session` sets an HttpOnly, SameSite=Strict cookie and returns a
//! bearer token for API clients; `DELETE /session` ends it. Failed sign-ins are limited per
//! account and per address.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{Duration, Utc};
use serde_json::json;

use super::input::Input;
use super::{ApiError, AppState, JsonBody};
use crate::auth::{hash_password, new_token, token_hash, verify_password, ClientAddress, SessionToken, SESSION_COOKIE};
use crate::db::{col, now};
use crate::store;

/// Failed sign-ins allowed per account, and per address, within the window.
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;

pub fn router() -> Router<AppState> {
    Router::new().route("/session", post(sign_in).delete(sign_out))
}

fn instant(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Seconds to wait before `subject` may try again, if it has failed too often.
async fn throttled(state: &AppState, subject: &str) -> Result<Option<u64>, ApiError> {
    let since = instant(Utc::now() - Duration::seconds(FAILURE_WINDOW_SECONDS));
    let rows = sqlx::query("SELECT at FROM login_failures WHERE subject = $1 AND at > $2 ORDER BY at DESC")
        .bind(subject)
        .bind(&since)
        .fetch_all(state.db().pool())
        .await?;
    if (rows.len() as i64) < MAX_FAILURES {
        return Ok(None);
    }
    // Free again when the MAX_FAILURES-th most recent failure leaves the window.
    let at: String = col(&rows[(MAX_FAILURES - 1) as usize], "at")?;
    let at = chrono::DateTime::parse_from_rfc3339(&at).map_err(|e| ApiError::Internal(e.to_string()))?;
    let free_at = at.with_timezone(&Utc) + Duration::seconds(FAILURE_WINDOW_SECONDS);
    Ok(Some((free_at - Utc::now()).num_seconds().max(1) as u64))
}

async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let mut input = Input::new(&body, &["email", "password"])?;
    let email = input.text("email", 254).map(|e| e.to_lowercase());
    let password = input.text("password", 1024);
    input.finish()?;
    let (email, password) = (email.expect("checked"), password.expect("checked"));
    let subjects = [format!("account:{email}"), format!("address:{address}")];
    for subject in &subjects {
        if let Some(retry_after) = throttled(&state, subject).await? {
            return Err(ApiError::TooManyRequests { retry_after });
        }
    }

    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(state.db().pool())
        .await?;
    let user_id = match &row {
        Some(row) if verify_password(&password, &col::<String>(row, "password_hash")?) => col::<i64>(row, "id")?,
        _ => {
            if row.is_none() {
                // Spend the same time as a wrong password, so timing does not reveal accounts.
                verify_password(&password, state.dummy_hash());
            }
            for subject in &subjects {
                sqlx::query("INSERT INTO login_failures (subject, at) VALUES ($1, $2)")
                    .bind(subject)
                    .bind(now())
                    .execute(state.db().pool())
                    .await?;
            }
            return Err(ApiError::WrongCredentials);
        }
    };
    sqlx::query("DELETE FROM login_failures WHERE subject = $1").bind(&subjects[0]).execute(state.db().pool()).await?;

    let (token, hash) = new_token();
    let expires = Utc::now() + state.session_ttl();
    let mut tx = state.db().begin_write().await?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(&hash)
        .bind(user_id)
        .bind(now())
        .bind(instant(expires))
        .execute(&mut *tx)
        .await?;
    let after = json!({ "address": address });
    store::audit(
        &mut tx,
        store::Audit {
            user_id: Some(user_id),
            action: "sign_in",
            entity: "session",
            after: Some(&after),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        state.session_ttl().num_seconds()
    );
    let body = json!({ "token": token, "expires_at": instant(expires) });
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ascii cookie"));
    Ok(response)
}

async fn sign_out(State(state): State<AppState>, caller_token: SessionToken) -> Result<Response, ApiError> {
    let mut tx = state.db().begin_write().await?;
    let ended = sqlx::query("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
        .bind(token_hash(&caller_token.0))
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(row) = ended {
        let user_id: i64 = col(&row, "user_id")?;
        store::audit(
            &mut tx,
            store::Audit { user_id: Some(user_id), action: "sign_out", entity: "session", ..Default::default() },
        )
        .await?;
    }
    tx.commit().await?;
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ascii cookie"));
    Ok(response)
}

/// A hash to verify against when the account does not exist.
pub fn dummy_hash() -> String {
    hash_password("not a real password")
}
