//! `Idempotency-Key` on writes: the first successful answer to a key is stored, and a repeat of
//! the same request with the same key gets that answer again without running it twice. A key
//! reused for a different request is refused; a failed request frees its key for a corrected retry.
//! The key is stored by the request's own write, in its transaction ([`KeyClaim`]): a key exists
//! exactly when its write does, and only the answer is recorded afterwards — unless the write
//! knew its answer and stored it with the key ([`crate::db::PreparedAnswer`]).

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hourbank_domain::{Problem, Rule};
use sha2::{Digest, Sha256};

use super::{ApiError, AppState, BODY_LIMIT};
use crate::auth::Caller;
use crate::db::{now, Arg, ClaimState, DbRow, KeyClaim};
use std::sync::Arc;

pub const HEADER: &str = "idempotency-key";
/// A key as the layer takes it: visible ASCII, at most 200 characters once trimmed.
pub const KEY_PATTERN: &str = "^[ \\t]*[!-~]([\\t -~]{0,198}[!-~])?[ \\t]*$";

/// Whether `method` writes (a key is read only on writes).
fn is_write(method: &str) -> bool {
    ["POST", "PUT", "PATCH", "DELETE"].iter().any(|m| m.eq_ignore_ascii_case(method))
}

/// A sign-in (or out): never stored for replay, see [`handle`].
fn is_session(path: &str) -> bool {
    path.ends_with("/session")
}

/// Whether a signed-in caller's `method` on `path` takes an idempotency key (the document says
/// so of each such operation).
pub fn takes_a_key(method: &str, path: &str) -> bool {
    is_write(method) && !is_session(path)
}
/// Largest answer that is stored for replay.
const MAX_STORED_RESPONSE: usize = 4 * 1024 * 1024;

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match handle(&state, request, next).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn handle(state: &AppState, request: Request, next: Next) -> Result<Response, ApiError> {
    let is_write = is_write(request.method().as_str());
    let Some(key) = request.headers().get(HEADER).filter(|_| is_write).cloned() else {
        return Ok(next.run(request).await);
    };
    let key = key
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or_else(|| ApiError::invalid("Idempotency-Key", Problem::Rule(Rule::KeyForm)))?
        .to_string();
    // A sign-in answers with a bearer token: stored for a replay, it would be a live credential in
    // clear in the database. A repeated sign-in is harmless anyway (another session).
    if is_session(request.uri().path()) {
        return Ok(next.run(request).await);
    }
    // Keys belong to a user; without a live session the handler answers 401 anyway. The caller
    // and the key's row come in one read, and the handler is handed the caller.
    let Some(token) = super::caller::token_in(request.headers()) else {
        return Ok(next.run(request).await);
    };
    let Some((caller, row)) = Caller::resolve(state.db(), state.session_idle(), &token, Some(&key)).await? else {
        return Ok(next.run(request).await);
    };
    let user_id = caller.user_id;
    let stored = StoredKey::from_row(&row)?;
    let mut request = request;
    request.extensions_mut().insert(caller);

    if super::declared_too_large(request.headers()) {
        return Err(ApiError::TooLarge);
    }
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, BODY_LIMIT).await.map_err(|e| ApiError::unread_body(&e))?;
    let method = parts.method.to_string();
    let path = parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_default();
    let Asked { fingerprint, secrets } = asked(&method, &path, &body);
    if let Some(stored) = stored {
        if !same_request(state, &stored.request_hash, &fingerprint, secrets.as_deref()).await? {
            return Err(ApiError::invalid("Idempotency-Key", Problem::Rule(Rule::KeyReused)));
        }
        return stored.answer();
    }
    // Stored with the key: the body's fingerprint, and its secrets' argon2 hash (never the
    // secrets, nor anything fast to guess them against).
    let request_hash = match secrets.clone() {
        Some(secrets) => {
            let hashed = state.hash_work(move || crate::auth::hash_password(&secrets)).await?;
            format!("{fingerprint}:{hashed}")
        }
        None => fingerprint.clone(),
    };

    // The request runs to its end even if the client goes away (axum drops a request's future
    // when its connection closes): cut off between its write (which stores the key) and
    // recording the answer, the key would wait for an answer that never comes.
    let state = state.clone();
    let claim = Arc::new(KeyClaim::new(user_id, key, method, path, request_hash));
    let asked = Asked { fingerprint, secrets };
    tokio::spawn(async move { run_keyed(&state, claim, asked, parts, body, next).await })
        .await
        .map_err(|e| ApiError::internal(format!("request task: {e}")))?
}

/// What a keyed request asked, to compare with what another request stored under its key.
struct Asked {
    fingerprint: String,
    secrets: Option<String>,
}

/// Whether the request stored as `stored` (its fingerprint, and its secrets' argon2 hash when it
/// had any) is this one: the same fingerprint, and the same secrets, checked against their hash
/// (a key resent with another password is another request, refused like any other change).
async fn same_request(
    state: &AppState,
    stored: &str,
    fingerprint: &str,
    secrets: Option<&str>,
) -> Result<bool, ApiError> {
    let (stored_fingerprint, stored_secrets) = match stored.split_once(':') {
        Some((fingerprint, secrets)) => (fingerprint, Some(secrets)),
        None => (stored, None),
    };
    if stored_fingerprint != fingerprint {
        return Ok(false);
    }
    match (stored_secrets, secrets) {
        (None, None) => Ok(true),
        (Some(hash), Some(secrets)) => {
            let (hash, secrets) = (hash.to_string(), secrets.to_string());
            Ok(state.hash_work(move || crate::auth::verify_password(&secrets, &hash)).await?)
        }
        _ => Ok(false),
    }
}

/// Fields whose values are secrets: left out of a request's fingerprint, so the database holds
/// nothing fast to guess a password against (a plain SHA-256 of a body with a password in it can
/// be brute-forced at SHA-256 speed); they are stored beside it as their argon2 hash, as the
/// password itself is ([`same_request`]).
const SECRET_FIELDS: [&str; 4] = ["password", "old_password", "new_password", "current_password"];

/// SHA-256 of method, path and the body with its secret fields blanked (JSON), or of the raw body.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    asked(method, path, body).fingerprint
}

/// The request's fingerprint ([`fingerprint`]) and its secret fields with their values, one
/// `name=value` line each (if it has any), from one reading of the body.
fn asked(method: &str, path: &str, body: &[u8]) -> Asked {
    let (blanked, secrets) = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut fields)) => {
            let mut lines = Vec::new();
            for name in SECRET_FIELDS {
                if let Some(value) = fields.get_mut(name) {
                    lines.push(format!("{name}={value}"));
                    *value = serde_json::Value::Null;
                }
            }
            let secrets = (!lines.is_empty()).then(|| lines.join("\n"));
            (serde_json::Value::Object(fields).to_string().into_bytes(), secrets)
        }
        _ => (body.to_vec(), None),
    };
    let fingerprint = hex::encode(
        Sha256::new()
            .chain_update(method)
            .chain_update(b" ")
            .chain_update(path)
            .chain_update(b"\n")
            .chain_update(&blanked)
            .finalize(),
    );
    Asked { fingerprint, secrets }
}

/// How long a key may wait for its answer after its write committed before the answer counts as
/// lost: a handler answers within milliseconds of its commit (tens under heavy load), so a key
/// still unanswered after this long belongs to a server that stopped in between (a crash, a
/// `kill -9`). Until then a retry is told "still in progress" (409), which the portal's outbox
/// retries later. Counting a slow answer as lost would only cost its replay the answer's body:
/// the write itself is never run twice.
const ANSWER_LOST_AFTER: chrono::Duration = chrono::Duration::seconds(5);

/// Runs the request with its key claimed (its write records
/// the key in the same transaction, see [`KeyClaim`]), and records the answer.
async fn run_keyed(
    state: &AppState,
    claim: Arc<KeyClaim>,
    asked: Asked,
    parts: axum::http::request::Parts,
    body: Bytes,
    next: Next,
) -> Result<Response, ApiError> {
    let response = claim.clone().scope(next.run(Request::from_parts(parts, Body::from(body)))).await;
    let (parts, body) = response.into_parts();
    let bytes: Bytes =
        to_bytes(body, MAX_STORED_RESPONSE).await.map_err(|e| ApiError::internal(format!("response body: {e}")))?;
    let (user_id, key) = (Arg::Int(claim.user_id), Arg::Text(&claim.key));
    let status = Arg::Int(i64::from(parts.status.as_u16()));
    let text = String::from_utf8_lossy(&bytes);
    match (claim.state(), parts.status.is_success()) {
        // A request with the same key wrote first: this one wrote nothing; answer as that one did.
        (ClaimState::Taken, _) => {
            return stored_answer(state, &claim, &asked)
                .await?
                .ok_or_else(|| ApiError::internal("a taken idempotency key is not stored".into()));
        }
        // The write stored this very answer with the key (`db::PreparedAnswer`): nothing to record.
        (ClaimState::Recorded, true)
            if claim
                .answered()
                .is_some_and(|(status, body)| status == parts.status.as_u16() && body.as_bytes() == bytes.as_ref()) => {
        }
        (ClaimState::Recorded, true) => {
            let answer = Answer {
                user_id: claim.user_id,
                key: claim.key.clone(),
                status: i64::from(parts.status.as_u16()),
                body: text.into_owned(),
            };
            state.answers().record(state.db(), answer).await?;
        }
        // Written, then refused (a conditional insert that stored nothing): the key is freed
        // for a corrected retry.
        (ClaimState::Recorded, false) => {
            let free = "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2";
            state.db().write_once(free, free, &[user_id, key]).await?;
        }
        // Answered without writing anything: the answer is kept for a repeat all the same,
        // unless a request with the same key stored one meanwhile.
        (ClaimState::Open, true) => {
            let record = "INSERT INTO idempotency_keys (user_id, key, method, path, status, body, created_at, request_hash) \
                          VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id, key) DO NOTHING RETURNING user_id";
            let now = now();
            let args = [
                user_id,
                key,
                Arg::Text(&claim.method),
                Arg::Text(&claim.path),
                status,
                Arg::Text(&text),
                Arg::Text(&now),
                Arg::Text(&claim.fingerprint),
            ];
            if state.db().write_once(record, record, &args).await?.is_empty()
                && let Some(answer) = stored_answer(state, &claim, &asked).await?
            {
                return Ok(answer);
            }
        }
        // Refused, perhaps because a request with the same key changed what this one found
        // (approving a task twice at once): that one's answer is the answer.
        (ClaimState::Open, false) => {
            if let Some(answer) = stored_answer(state, &claim, &asked).await? {
                return Ok(answer);
            }
        }
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

/// The answer to a keyed write, to record for its key.
struct Answer {
    user_id: i64,
    key: String,
    status: i64,
    body: String,
}

type Waiting = (Answer, tokio::sync::oneshot::Sender<Result<(), String>>);

/// Records answers: on PostgreSQL in batches of its own (the answers that come while one batch is
/// being written go in the next, one statement for many), on SQLite through the writer, which
/// groups every write. Each request waits until its answer is stored, so an answer a client
/// received is the one a retry gets.
#[derive(Default)]
pub struct Answers {
    queue: std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<Waiting>>,
}

/// At most this many answers in one transaction.
const ANSWER_BATCH: usize = 64;

impl Answers {
    async fn record(&self, db: &crate::Db, answer: Answer) -> Result<(), ApiError> {
        if db.backend() == crate::db::Backend::Sqlite {
            // SQLite's writer groups its writes itself (`Db::write_once`).
            let record = "UPDATE idempotency_keys SET status = $1, body = $2 WHERE user_id = $3 AND key = $4";
            let args =
                [Arg::Int(answer.status), Arg::Text(&answer.body), Arg::Int(answer.user_id), Arg::Text(&answer.key)];
            db.write_once(record, record, &args).await?;
            return Ok(());
        }
        let queue = self.queue.get_or_init(|| {
            let (send, receive) = tokio::sync::mpsc::unbounded_channel();
            tokio::spawn(write_answers(db.clone(), receive));
            send
        });
        let (done, written) = tokio::sync::oneshot::channel();
        queue.send((answer, done)).map_err(|_| ApiError::internal("the answer writer stopped".into()))?;
        written
            .await
            .map_err(|_| ApiError::internal("the answer writer stopped".into()))?
            .map_err(|e| ApiError::internal(format!("recording an answer: {e}")))
    }
}

async fn write_answers(db: crate::Db, mut receive: tokio::sync::mpsc::UnboundedReceiver<Waiting>) {
    let mut batch = Vec::with_capacity(ANSWER_BATCH);
    while receive.recv_many(&mut batch, ANSWER_BATCH).await > 0 {
        write_answer_batch(&db, &mut batch).await;
    }
}

/// Writes `batch` in one statement and tells each request how it went; leaves `batch` empty.
async fn write_answer_batch(db: &crate::Db, batch: &mut Vec<Waiting>) {
    let n = batch.len();
    let rows = (0..n).map(|i| {
        format!("(${}::bigint, ${}::text, ${}::bigint, ${}::text)", 4 * i + 1, 4 * i + 2, 4 * i + 3, 4 * i + 4)
    });
    // `no_wait` is joined so that it runs. Without waiting for the disk (`synchronous_commit` off
    // for this transaction only, set inside the statement, which is its own transaction: one
    // round trip, not four for BEGIN, SET LOCAL, UPDATE and COMMIT): the writes they answer are
    // already durable, and an answer lost in a database crash (at most a few hundred
    // milliseconds of them) makes its retry say "stored, answer lost" — never run the write
    // again. A server process dying loses nothing: the database has the commit.
    let postgres = format!(
        "WITH no_wait AS (SELECT set_config('synchronous_commit', 'off', true)) \
         UPDATE idempotency_keys AS k SET status = v.status, body = v.body \
         FROM (VALUES {}) AS v(status, body, user_id, key), no_wait \
         WHERE k.user_id = v.user_id AND k.key = v.key",
        rows.collect::<Vec<_>>().join(", ")
    );
    let args: Vec<Arg<'_>> = batch
        .iter()
        .flat_map(|(a, _)| [Arg::Int(a.status), Arg::Text(&a.body), Arg::Int(a.user_id), Arg::Text(&a.key)])
        .collect();
    // On a kept connection (`Db::write_once`), not the pool: no ping after it.
    let outcome = db.write_once("", &postgres, &args).await.map(drop).map_err(|e| e.to_string());
    drop(args);
    for (_, done) in batch.drain(..) {
        let _ = done.send(outcome.clone());
    }
}

/// A key as stored: its answer, or 0 while the answer is pending.
struct StoredKey {
    status: i64,
    body: String,
    request_hash: String,
    created_at: String,
}

impl StoredKey {
    /// The key's columns of `row`, if it has a key (a `LEFT JOIN` leaves them null).
    fn from_row(row: &DbRow) -> Result<Option<StoredKey>, ApiError> {
        let Some(status) = row.opt_int("status")? else { return Ok(None) };
        Ok(Some(StoredKey {
            status,
            body: row.text("body")?,
            request_hash: row.text("request_hash")?,
            created_at: row.text("created_at")?,
        }))
    }

    /// The first answer replayed (to the same request: see [`same_request`]); 409 while the first
    /// is still running; and for a write whose server stopped before recording its answer,
    /// `200 {"stored": true, "answer_lost": true}`.
    fn answer(self) -> Result<Response, ApiError> {
        let (status, body) = if self.status == 0 {
            if self.created_at > crate::db::instant(chrono::Utc::now() - ANSWER_LOST_AFTER) {
                return Err(ApiError::conflict(
                    "a request with this Idempotency-Key is still in progress",
                    "этот запрос ещё выполняется; повторите его чуть позже",
                ));
            }
            let lost = hourbank_api::write::AnswerLost { stored: true, answer_lost: true };
            (StatusCode::OK, serde_json::to_string(&lost).expect("serializes"))
        } else {
            (StatusCode::from_u16(self.status as u16).unwrap_or(StatusCode::OK), self.body)
        };
        let mut response = (status, body).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
        Ok(response)
    }
}

/// The answer kept for the claim's key, if the key is stored (see [`StoredKey::answer`]); 422
/// when it was stored for another request.
async fn stored_answer(state: &AppState, claim: &KeyClaim, asked: &Asked) -> Result<Option<Response>, ApiError> {
    let stored = "SELECT status, body, request_hash, created_at FROM idempotency_keys WHERE user_id = $1 AND key = $2";
    let row = state.db().lookup(stored, &[Arg::Int(claim.user_id), Arg::Text(&claim.key)]).await?.into_iter().next();
    let Some(stored) = row.map(|row| StoredKey::from_row(&row)).transpose()?.flatten() else { return Ok(None) };
    if !same_request(state, &stored.request_hash, &asked.fingerprint, asked.secrets.as_deref()).await? {
        return Err(ApiError::invalid("Idempotency-Key", Problem::Rule(Rule::KeyReused)));
    }
    stored.answer().map(Some)
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
