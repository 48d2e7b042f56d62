//! Signing in and out: `POST /session` sets an HttpOnly, SameSite=Strict cookie and returns a
//! bearer token for API clients; `DELETE /session` ends it. Failed sign-ins are limited per
//! account and per address.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Duration, Utc};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::{ClientAddress, SessionToken};
use super::{ApiError, AppState, JsonBody};
use crate::auth::{new_token, session_cookie_name, token_hash, verify_password, Caller};
use crate::db::{col, instant, now};
use crate::store;

/// Failed sign-ins within the sliding window that stop further tries: per account *and* address
/// (a guesser at one account from one place), per address (a guesser across accounts), and per
/// account from any address that has itself failed on it (a guesser spread over places). An
/// address that has not failed on an account is never stopped by others' failures there: whoever
/// floods an account with wrong passwords does not lock its owner out.
pub const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 10;
pub use crate::auth::FAILURE_WINDOW_SECONDS;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(current, sign_in, sign_out))
}

/// A try whose password check has not ended after this long never will (its server stopped):
/// it counts as a failure.
const PENDING_SECONDS: i64 = 30;

/// How long a try waits, at most, for tries still being checked before it is refused.
const WAIT_FOR_PENDING: std::time::Duration = std::time::Duration::from_secs(10);

/// The tries of `subject` within the window: failures (newest first), and how many are still
/// being checked.
struct Tries {
    failures: Vec<String>,
    pending: i64,
}

async fn tries(conn: &mut sqlx::AnyConnection, subject: &str, since: &str) -> Result<Tries, ApiError> {
    let rows = sqlx::query("SELECT at, pending FROM login_failures WHERE subject = $1 AND at > $2 ORDER BY at DESC")
        .bind(subject)
        .bind(since)
        .fetch_all(&mut *conn)
        .await?;
    let stuck_before = instant(Utc::now() - Duration::seconds(PENDING_SECONDS));
    let mut tries = Tries { failures: Vec::new(), pending: 0 };
    for row in &rows {
        let at: String = col(row, "at")?;
        if col::<i64>(row, "pending")? != 0 && at > stuck_before {
            tries.pending += 1;
        } else {
            tries.failures.push(at);
        }
    }
    Ok(tries)
}

/// Why a try may not go ahead now.
enum Hold {
    /// Over a limit: refused.
    Refuse(ApiError),
    /// At a limit only counting tries still being checked: wait for them.
    Wait,
}

impl Tries {
    fn check(&self, limit: i64) -> Result<(), Hold> {
        if self.failures.len() as i64 >= limit {
            Err(Hold::Refuse(ApiError::too_many_requests(retry_after(&self.failures, limit))))
        } else if self.failures.len() as i64 + self.pending >= limit {
            Err(Hold::Wait)
        } else {
            Ok(())
        }
    }
}

/// Seconds until the `limit`-th newest failure leaves the window.
fn retry_after(failures: &[String], limit: i64) -> u64 {
    let Some(at) = failures.get((limit - 1) as usize) else { return 1 };
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(at) else { return FAILURE_WINDOW_SECONDS as u64 };
    let free_at = at.with_timezone(&Utc) + Duration::seconds(FAILURE_WINDOW_SECONDS);
    (free_at - Utc::now()).num_seconds().max(1) as u64
}

/// Checks the limits and, when the try may go ahead, records it at once as pending, in one
/// transaction that parallel tries for the same account or address wait for: a burst gets no
/// more tries than the limit. A correct password then takes the record back; a wrong one makes it
/// a failure. A try that would pass the limit only with tries still being checked waits for
/// them (up to 10 s): a user's own parallel sign-ins are never refused. Returns the records' ids.
pub(super) async fn reserve_try(state: &AppState, email: &str, address: &str) -> Result<Vec<i64>, ApiError> {
    let waiting = std::time::Instant::now();
    loop {
        match try_to_reserve(state, email, address).await? {
            Ok(ids) => return Ok(ids),
            Err(Hold::Refuse(e)) => return Err(e),
            Err(Hold::Wait) if waiting.elapsed() < WAIT_FOR_PENDING => {
                tokio::time::sleep(std::time::Duration::from_millis(25)).await
            }
            Err(Hold::Wait) => return Err(ApiError::too_many_requests(1)),
        }
    }
}

/// Marks the try's records as failures: its password was wrong.
pub(super) async fn confirm_failure(state: &AppState, reserved: &[i64]) -> Result<(), ApiError> {
    let mut tx = state.db().begin_write().await?;
    for id in reserved {
        sqlx::query("UPDATE login_failures SET pending = 0 WHERE id = $1").bind(id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The right password: the try was no failure, and the place it came from is cleared. Under the
/// same locks as a try's reservation: two right sign-ins at once each delete their own rows and
/// then every row of the pair, the other's included, and without the locks they deadlocked on
/// PostgreSQL (seen as a 500 in `parallel_right_sign_ins_all_succeed`).
pub(super) async fn forgive(state: &AppState, email: &str, address: &str, reserved: Vec<i64>) -> Result<(), ApiError> {
    let mut tx = state.db().begin_write().await?;
    lock_subjects(state, &mut tx, &format!("account:{email}"), &format!("address:{address}")).await?;
    for id in reserved {
        sqlx::query("DELETE FROM login_failures WHERE id = $1").bind(id).execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM login_failures WHERE subject = $1")
        .bind(format!("pair:{email}|{address}"))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// On PostgreSQL, takes the account's and the address's locks for the transaction: always the
/// account first, then the address, so two tries never wait for each other in a circle. SQLite
/// runs one writer at a time, which orders them already.
async fn lock_subjects(
    state: &AppState,
    tx: &mut crate::db::WriteTx,
    by_account: &str,
    by_address: &str,
) -> Result<(), ApiError> {
    if state.db().backend() == crate::db::Backend::Postgres {
        for subject in [by_account, by_address] {
            sqlx::query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS lock")
                .bind(subject)
                .fetch_one(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

async fn try_to_reserve(state: &AppState, email: &str, address: &str) -> Result<Result<Vec<i64>, Hold>, ApiError> {
    let (pair, by_address, by_account) =
        (format!("pair:{email}|{address}"), format!("address:{address}"), format!("account:{email}"));
    let since = instant(Utc::now() - Duration::seconds(FAILURE_WINDOW_SECONDS));
    let mut tx = state.db().begin_write().await?;
    lock_subjects(state, &mut tx, &by_account, &by_address).await?;
    let pair_tries = tries(&mut tx, &pair, &since).await?;
    if let Err(hold) = pair_tries.check(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS) {
        return Ok(Err(hold));
    }
    if let Err(hold) = tries(&mut tx, &by_address, &since).await?.check(MAX_FAILURES_PER_ADDRESS) {
        return Ok(Err(hold));
    }
    if !pair_tries.failures.is_empty()
        && let Err(hold) = tries(&mut tx, &by_account, &since).await?.check(MAX_FAILURES_PER_ACCOUNT)
    {
        return Ok(Err(hold));
    }
    let mut ids = Vec::new();
    for subject in [&pair, &by_address, &by_account] {
        let row = sqlx::query("INSERT INTO login_failures (subject, at, pending) VALUES ($1, $2, 1) RETURNING id")
            .bind(subject)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?;
        ids.push(col::<i64>(&row, "id")?);
    }
    tx.commit().await?;
    Ok(Ok(ids))
}

/// Who is signed in: `{"user": …}` as `GET /me` answers, or `{"user": null}`. Not being signed in
/// is an answer here, not an error: a page asks this first, and a browser logs every 401 as an
/// error in its console.
#[utoipa::path(
    get,
    path = "/session",
    tag = "session",
    summary = "Who is signed in: the caller as /me answers, or null — never 401 (a page asks this first)",
    responses((status = 200, description = "{\"user\": …} or {\"user\": null}", body = hourbank_api::SessionState)),
    security(())
)]
async fn current(
    State(state): State<AppState>,
    caller: Option<Caller>,
) -> Result<Json<hourbank_api::SessionState>, ApiError> {
    let user = match caller {
        Some(caller) => Some(crate::services::orgs::me_view(&state, &caller).await?),
        None => None,
    };
    Ok(Json(hourbank_api::SessionState { user }))
}

/// Marks an answer that carries a secret (a session token): never compressed (see
/// `http::compression`).
#[derive(Debug, Clone, Copy)]
pub struct CarriesSecret;

#[utoipa::path(
    post,
    path = "/session",
    tag = "session",
    summary = "Sign in: sets an HttpOnly SameSite=Strict cookie and returns a bearer token",
    request_body = hourbank_api::accounts::SignIn,
    responses((status = 201, description = "Signed in", body = hourbank_api::SignedIn)),
    security(())
)]
async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddress,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let hourbank_api::accounts::SignIn { email, password } = hourbank_api::request::read(&body)?;
    // Tries are counted by place (an IPv6 client's /64); the session records the address itself.
    let (place, address) = (client.place(), client.0);
    let reserved = reserve_try(&state, &email, &place).await?;

    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(state.db().pool())
        .await?;
    // Without an account, a wrong password's time is spent all the same, so timing does not
    // reveal which e-mails have accounts.
    let (user_id, stored) = match &row {
        Some(row) => (Some(col::<i64>(row, "id")?), col::<String>(row, "password_hash")?),
        None => (None, state.dummy_hash().to_string()),
    };
    let verified = state.hash_work(move || verify_password(&password, &stored)).await?;
    let Some(user_id) = user_id.filter(|_| verified) else {
        confirm_failure(&state, &reserved).await?;
        return Err(ApiError::WRONG_CREDENTIALS);
    };
    // A disabled account does not sign in (and says no more than a wrong password would).
    let disabled =
        sqlx::query("SELECT disabled FROM users WHERE id = $1").bind(user_id).fetch_one(state.db().pool()).await?;
    if col::<i64>(&disabled, "disabled")? != 0 {
        confirm_failure(&state, &reserved).await?;
        return Err(ApiError::WRONG_CREDENTIALS);
    }
    forgive(&state, &email, &place, reserved).await?;

    let (token, hash) = new_token();
    let expires = Utc::now() + state.session_ttl();
    let mut tx = state.db().begin_write().await?;
    let opened = now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen, address) \
         VALUES ($1, $2, $3, $4, $3, $5)",
    )
    .bind(&hash)
    .bind(user_id)
    .bind(&opened)
    .bind(instant(expires))
    .bind(&address)
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
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        session_cookie_name(state.behind_https()),
        state.session_ttl().num_seconds(),
        if state.behind_https() { "; Secure" } else { "" }
    );
    let body = hourbank_api::SignedIn { token, expires_at: instant(expires) };
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    response.extensions_mut().insert(CarriesSecret);
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ascii cookie"));
    Ok(response)
}

#[utoipa::path(
    delete,
    path = "/session",
    tag = "session",
    summary = "Sign out",
    responses((status = 204, description = "Signed out"))
)]
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
    let cookie = format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        session_cookie_name(state.behind_https()),
        if state.behind_https() { "; Secure" } else { "" }
    );
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ascii cookie"));
    Ok(response)
}
