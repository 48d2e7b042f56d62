//! Accounts: a user changes their own password (the old one required; their other sessions end),
//! sees and ends their own sessions; an admin disables and re-enables a user (every session of
//! theirs ends at once) and sets a new password. The same operations back `hourbank admin`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hourbank_domain::workflow::Role;
use hourbank_domain::{Problem, Rule};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::{ClientAddress, SessionToken};
use super::extract::Path;
use super::{ApiError, AppState, JsonBody};
use crate::auth::{token_hash, verify_password, Caller};
use crate::db::col;
use crate::services::accounts::{set_disabled, set_password};
use crate::store;
use hourbank_api::accounts::{NewPassword, PasswordChange, SetDisabled};
use hourbank_api::admin::UserDisabled;
use hourbank_api::request;
use hourbank_api::session::{SessionEntry, SessionList};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_own_password))
        .routes(routes!(own_sessions))
        .routes(routes!(end_own_session))
        .routes(routes!(set_disabled_by_admin))
        .routes(routes!(set_password_by_admin))
}

/// `{"old_password": …, "new_password": …}`: the old one proves it is the user; other sessions end.
#[utoipa::path(
    put,
    path = "/me/password",
    tag = "session",
    summary = "Change one's own password: the old one required, wrong ones limited as sign-in's (429); the caller's other sessions end (422 on old_password or new_password)",
    request_body = hourbank_api::accounts::PasswordChange,
    responses((status = 204, description = "Changed"))
)]
async fn change_own_password(
    State(state): State<AppState>,
    caller: Caller,
    token: SessionToken,
    client: ClientAddress,
    JsonBody(body): JsonBody,
) -> Result<StatusCode, ApiError> {
    let PasswordChange { old_password: old, new_password: new } = request::read(&body)?;
    // The old password is guessed against under sign-in's limits: a session someone else holds
    // (a browser left open) is no way round them to learn the password.
    let place = client.place();
    let reserved = super::session::reserve_try(&state, &caller.email, &place).await?;
    let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(caller.user_id)
        .fetch_one(state.db().pool())
        .await?;
    let stored: String = col(&row, "password_hash")?;
    if !state.hash_work(move || verify_password(&old, &stored)).await? {
        super::session::confirm_failure(&state, &reserved).await?;
        return Err(ApiError::invalid("old_password", Problem::Rule(Rule::NotCurrentPassword)));
    }
    super::session::forgive(&state, &caller.email, &place, reserved).await?;
    set_password(&state, caller.user_id, &new, Some(&token_hash(&token.0)), Some(caller.user_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's sessions: when and where each was opened, last used, when it ends; `id` is a
/// short prefix of the token's hash (never the token).
#[utoipa::path(
    get,
    path = "/me/sessions",
    tag = "session",
    summary = "The caller's sessions: opened when and where, last used, ending when; `id` is a prefix of the token's hash",
    responses((status = 200, description = "Sessions", body = hourbank_api::SessionList))
)]
async fn own_sessions(
    State(state): State<AppState>,
    caller: Caller,
    token: SessionToken,
) -> Result<Json<SessionList>, ApiError> {
    let current = token_hash(&token.0);
    let rows = sqlx::query(
        "SELECT token_hash, created_at, last_seen, expires_at, address FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC",
    )
    .bind(caller.user_id)
    .bind(crate::db::now())
    .fetch_all(state.db().pool())
    .await?;
    let mut sessions = Vec::new();
    for r in &rows {
        let hash: String = col(r, "token_hash")?;
        sessions.push(SessionEntry {
            id: hash[..16].to_string(),
            created_at: col(r, "created_at")?,
            last_seen: col(r, "last_seen")?,
            expires_at: col(r, "expires_at")?,
            address: col(r, "address")?,
            current: hash == current,
        });
    }
    Ok(Json(SessionList { sessions }))
}

#[utoipa::path(
    delete,
    path = "/me/sessions/{id}",
    tag = "session",
    summary = "End one of the caller's own sessions",
    params(("id" = String, Path, description = "16 hex digits from /me/sessions")),
    responses((status = 204, description = "Ended"))
)]
async fn end_own_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::NOT_FOUND);
    }
    let mut tx = state.db().begin_write().await?;
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash LIKE $2")
        .bind(caller.user_id)
        .bind(format!("{id}%"))
        .execute(&mut *tx)
        .await?;
    if ended.rows_affected() == 0 {
        return Err(ApiError::NOT_FOUND);
    }
    store::audit(
        &mut tx,
        store::Audit { user_id: Some(caller.user_id), action: "end_session", entity: "session", ..Default::default() },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `{"disabled": true | false}` (admin; not oneself).
#[utoipa::path(
    put,
    path = "/users/{id}/disabled",
    tag = "users",
    summary = "Disable (every session ends at once; sign-in refused) or re-enable a user (admin; not oneself)",
    request_body = hourbank_api::accounts::SetDisabled,
    params(super::params::IdPath),
    responses((status = 200, description = "Done", body = hourbank_api::UserDisabled))
)]
async fn set_disabled_by_admin(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> Result<Json<UserDisabled>, ApiError> {
    caller.require(&[Role::Admin])?;
    let SetDisabled { disabled } = request::read(&body)?;
    if id == caller.user_id && disabled {
        return Err(ApiError::invalid("disabled", Problem::Rule(Rule::DisablingOneself)));
    }
    set_disabled(&state, id, disabled, Some(caller.user_id)).await?;
    Ok(Json(UserDisabled { id, disabled }))
}

/// `{"password": …}` (admin): the user's sessions end; they sign in with the new one.
#[utoipa::path(
    put,
    path = "/users/{id}/password",
    tag = "users",
    summary = "Set another user's password (admin; one's own is changed at /me/password, 403 here); their sessions end",
    request_body = hourbank_api::accounts::NewPassword,
    params(super::params::IdPath),
    responses((status = 204, description = "Set"))
)]
async fn set_password_by_admin(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> Result<StatusCode, ApiError> {
    caller.require(&[Role::Admin])?;
    // One's own password is changed with the old one (`PUT /me/password`): a session left open
    // must not let whoever holds it take the account for good.
    if id == caller.user_id {
        return Err(crate::Error::Forbidden(
            "an admin changes their own password at PUT /me/password, with the old one".into(),
        )
        .into());
    }
    let NewPassword { password } = request::read(&body)?;
    set_password(&state, id, &password, None, Some(caller.user_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
