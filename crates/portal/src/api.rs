//! The one module that talks to the API. Reads are kept in a per-user cache in LocalStorage and
//! answered from it, with their age, when the network is gone. Every write goes through the
//! outbox (`crate::outbox`) with an `Idempotency-Key`, so it is sent once, in order, whenever the
//! connection allows.

use std::cell::Cell;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use hourbank_api::Write;

use crate::model::Problem;
use crate::outbox::{storage_key, Delivery, Outbox, PendingWrite, WriteState, DAMAGED_KEY, STORAGE_KEY};
use crate::store::{self, Stored};

const API: &str = "/api/v1";
const CACHE_PREFIX: &str = "hourbank.cache:";

/// Why a request has no fresh answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No connection and nothing cached for this address.
    Offline,
    /// The session is over (or never was): sign in again.
    SignedOut,
    /// The server's problem+json.
    Problem(Problem),
    /// An answer this version of the portal cannot read.
    Unreadable(String),
}

impl ApiError {
    pub fn message(&self, russian: bool) -> String {
        match (self, russian) {
            (ApiError::Offline, true) => "Нет связи с сервером, а сохранённой копии этой страницы нет.".into(),
            (ApiError::Offline, false) => "No connection, and no saved copy of this page.".into(),
            (ApiError::SignedOut, true) => "Сеанс завершён: войдите снова.".into(),
            (ApiError::SignedOut, false) => "Your session has ended: please sign in again.".into(),
            (ApiError::Problem(p), _) => problem_text(p, russian),
            (ApiError::Unreadable(e), _) => format!("Unreadable answer: {e}"),
        }
    }
}

/// A problem in one line, in the interface's language.
pub fn problem_text(p: &Problem, russian: bool) -> String {
    crate::model::ProblemText::message(p, if russian { crate::i18n::Lang::Ru } else { crate::i18n::Lang::En })
}

/// A read: fresh, or from the cache when offline.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched<T> {
    pub value: T,
    /// When the cached copy was saved (ms since the epoch); `None` when fresh.
    pub saved_at: Option<f64>,
}

thread_local! {
    /// Whose cache this is: a shared computer must not show one user's data to the next.
    static CACHE_OWNER: Cell<Option<i64>> = const { Cell::new(None) };
    static DRAINING: Cell<bool> = const { Cell::new(false) };
}

/// LocalStorage key of the last signed-in user: whose cached copies a page opened without a
/// connection may show (the server cannot be asked who is signed in).
const OWNER_KEY: &str = "hourbank.portal.user";

/// Sets (and remembers) whose cache this is; `None` forgets it, as an expired session does. The
/// cached reads of anyone else are removed: a shared browser never shows one user's data to the
/// next, online or not.
pub fn set_cache_owner(user_id: Option<i64>) {
    if user_id.is_none() || user_id != CACHE_OWNER.get() {
        clear_cache();
    }
    match user_id {
        Some(id) => store::write(OWNER_KEY, &id),
        None => store::delete(OWNER_KEY),
    }
    CACHE_OWNER.set(user_id);
}

/// At start: the last signed-in user's cache, until `/me` says otherwise; returns who that is.
/// (Stored as the id's JSON, which is also how earlier versions wrote it.)
pub fn restore_cache_owner() -> Option<i64> {
    let id = match store::read::<i64>(OWNER_KEY) {
        Stored::Value(id) => Some(id),
        Stored::Missing => None,
        // Nobody can be trusted to own the cache: it goes.
        Stored::Damaged { .. } => {
            store::delete(OWNER_KEY);
            clear_cache();
            None
        }
    };
    CACHE_OWNER.set(id);
    id
}

fn cache_key(path: &str) -> Option<String> {
    CACHE_OWNER.get().map(|owner| format!("{CACHE_PREFIX}{owner}:{path}"))
}

/// A read kept for offline use: the answer as the server wrote it, and when.
#[derive(serde::Serialize)]
struct CachedAnswer<'a> {
    /// Milliseconds since the epoch, whole (formatting floats would cost the wasm kilobytes).
    saved_at: i64,
    body: &'a serde_json::value::RawValue,
}

/// The same entry read back, the answer still as text.
#[derive(serde::Deserialize)]
struct CachedText {
    saved_at: i64,
    body: Box<serde_json::value::RawValue>,
}

/// Forgets every cached read (on sign-out).
pub fn clear_cache() {
    for key in store::keys(CACHE_PREFIX) {
        store::delete(&key);
    }
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A raw exchange: `None` when there was no answer at all.
async fn exchange(method: &str, path: &str, body: Option<&str>, key: Option<&str>) -> Option<(u16, String)> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().ok()?;
    let _ = headers.set("accept", "application/json");
    if let Some(body) = body {
        let _ = headers.set("content-type", "application/json");
        init.set_body(&JsValue::from_str(body));
    }
    if let Some(key) = key {
        let _ = headers.set("idempotency-key", key);
    }
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(&format!("{API}{path}"), &init).ok()?;
    let response: web_sys::Response =
        JsFuture::from(window().fetch_with_request(&request)).await.ok()?.dyn_into().ok()?;
    let text = JsFuture::from(response.text().ok()?).await.ok()?.as_string().unwrap_or_default();
    Some((response.status(), text))
}

fn problem_of(status: u16, text: &str) -> Problem {
    hourbank_api::json::from_str(text).unwrap_or_else(|_| Problem {
        status,
        title: format!("HTTP {status}"),
        detail: text.chars().take(200).collect(),
        detail_ru: None,
        errors: Vec::new(),
    })
}

/// What a GET found, before it is read as its type.
enum Answer {
    Fresh(String),
    /// The saved copy; `otherwise` is what to say if the copy does not read as the type.
    Saved {
        text: String,
        saved_at: i64,
        otherwise: ApiError,
    },
}

/// GET a resource; offline, the cached copy with its age. Only the reading is generic: the
/// exchange and the cache are compiled once, not once per answer type (7 copies cost the wasm
/// about 20 kB).
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<Fetched<T>, ApiError> {
    match get_answer(path).await? {
        Answer::Fresh(text) => {
            let value = hourbank_api::json::from_str(&text).map_err(|e| ApiError::Unreadable(e.to_string()))?;
            remember(path, text);
            Ok(Fetched { value, saved_at: None })
        }
        Answer::Saved { text, saved_at, otherwise } => match hourbank_api::json::from_str(&text) {
            Ok(value) => Ok(Fetched { value, saved_at: Some(saved_at as f64) }),
            // Saved by an older version: a cache entry is only a copy.
            Err(_) => {
                forget(path);
                Err(otherwise)
            }
        },
    }
}

async fn get_answer(path: &str) -> Result<Answer, ApiError> {
    // Whose session this is, asked after a sign-out made without a connection: that session
    // ends first (its cookie only the server can end); until it has, nobody is signed in here.
    if path == "/session" && !end_pending_session().await {
        return Err(ApiError::Offline);
    }
    match exchange("GET", path, None, None).await {
        Some((200, text)) => Ok(Answer::Fresh(text)),
        Some((401, _)) => Err(ApiError::SignedOut),
        Some((status, text)) if status < 500 => Err(ApiError::Problem(problem_of(status, &text))),
        // No answer, or the server failing: the saved copy is better than nothing.
        answer => {
            let otherwise = match answer {
                None => ApiError::Offline,
                Some((status, text)) => ApiError::Problem(problem_of(status, &text)),
            };
            let Some(key) = cache_key(path) else { return Err(otherwise) };
            match store::read::<CachedText>(&key) {
                Stored::Value(c) => {
                    Ok(Answer::Saved { text: c.body.get().to_string(), saved_at: c.saved_at, otherwise })
                }
                Stored::Missing => Err(otherwise),
                // Damaged: a cache entry is only a copy.
                Stored::Damaged { .. } => {
                    store::delete(&key);
                    Err(otherwise)
                }
            }
        }
    }
}

/// Keeps an answer for offline use; a full storage only costs the offline copy.
fn remember(path: &str, text: String) {
    if let (Some(key), Ok(body)) = (cache_key(path), serde_json::value::RawValue::from_string(text)) {
        store::write(&key, &CachedAnswer { saved_at: now_ms() as i64, body: &body });
    }
}

fn forget(path: &str) {
    if let Some(key) = cache_key(path) {
        store::delete(&key);
    }
}

/// Signs in; the server sets the session cookie.
pub async fn sign_in(email: &str, password: &str) -> Result<(), ApiError> {
    let request = hourbank_api::accounts::SignIn { email: email.into(), password: password.into() };
    let body = body(&request);
    match exchange("POST", "/session", Some(&body), None).await {
        Some((status, _)) if (200..300).contains(&status) => {
            // The new session's cookie took the place of one signed out of offline: nobody holds
            // that one any more, and it ends with its idle lifetime.
            store::delete(SIGN_OUT_PENDING);
            Ok(())
        }
        Some((status, text)) => Err(ApiError::Problem(problem_of(status, &text))),
        None => Err(ApiError::Offline),
    }
}

/// A write sent at once and never queued: for bodies that carry a secret (a password), which
/// must not wait in the browser's storage. Offline, it simply fails.
pub async fn write_now(method: &str, path: &str, body: &str) -> Result<(), ApiError> {
    match exchange(method, path, Some(body), Some(&new_key())).await {
        Some((status, _)) if (200..300).contains(&status) => Ok(()),
        Some((401, _)) => Err(ApiError::SignedOut),
        Some((status, text)) => Err(ApiError::Problem(problem_of(status, &text))),
        None => Err(ApiError::Offline),
    }
}

/// A sign-out the server has not heard of yet (made without a connection): the browser still
/// holds the session's cookie, which only the server can end.
const SIGN_OUT_PENDING: &str = "hourbank.sign_out_pending";

pub async fn sign_out() {
    store::write_raw(SIGN_OUT_PENDING, "1");
    end_pending_session().await;
}

/// Ends on the server the session of a sign-out made without a connection; `false` while the
/// server cannot be reached.
async fn end_pending_session() -> bool {
    if store::read_raw(SIGN_OUT_PENDING).is_none() {
        return true;
    }
    let ended = exchange("DELETE", "/session", None, None).await.is_some_and(|(status, _)| status < 500);
    if ended {
        store::delete(SIGN_OUT_PENDING);
    }
    ended
}

/// A fresh idempotency key. Not a secret — it only has to be unique per user.
pub fn new_key() -> String {
    let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("pw-{:x}-{a:08x}{b:08x}", now_ms() as u64)
}

/// The outbox and the connection state, shared by every page.
#[derive(Clone, Copy)]
pub struct OutboxSync {
    /// The signed-in user's pending writes (empty while nobody is confirmed signed in).
    pub outbox: RwSignal<Outbox>,
    /// Whose queue `outbox` is: set only once `/me` (or a sign-in) has said who the session is,
    /// so one user's writes are never sent with another's session.
    pub owner: RwSignal<Option<i64>>,
    /// Whether the server has confirmed `owner` is the session's user: only then is anything sent.
    pub confirmed: RwSignal<bool>,
    pub online: RwSignal<bool>,
    /// A damaged stored outbox, kept aside and reported.
    pub damaged: RwSignal<Option<String>>,
    /// Set when a send found the session over.
    pub signed_out: RwSignal<bool>,
}

impl OutboxSync {
    /// Starts with no queue: a user's is loaded by [`OutboxSync::switch_user`] once the server
    /// says who is signed in. A queue stored before queues had owners is kept aside and reported.
    pub fn load() -> OutboxSync {
        let damaged = store::read_raw(STORAGE_KEY).map(|raw| {
            store::write_raw(DAMAGED_KEY, &raw);
            store::delete(STORAGE_KEY);
            "saved before writes were kept per user, so whose they are is unknown".to_string()
        });
        let online = window().navigator().on_line();
        OutboxSync {
            outbox: RwSignal::new(Outbox::default()),
            owner: RwSignal::new(None),
            confirmed: RwSignal::new(false),
            online: RwSignal::new(online),
            damaged: RwSignal::new(damaged),
            signed_out: RwSignal::new(false),
        }
    }

    /// Opened without a connection: the last signed-in user's queue is shown and added to, but
    /// nothing is sent until the server confirms who is signed in.
    pub fn restore(&self, last_user: Option<i64>) {
        self.load_queue(last_user);
        self.confirmed.set(false);
    }

    /// The server said who is signed in (`None`: nobody, after a sign-out or an expired
    /// session). The previous user's queue stays stored for them; this user's is loaded.
    pub fn switch_user(&self, user_id: Option<i64>) {
        if self.owner.get_untracked() != user_id {
            self.load_queue(user_id);
        }
        self.confirmed.set(user_id.is_some());
    }

    fn load_queue(&self, user_id: Option<i64>) {
        let outbox = match user_id {
            None => Outbox::default(),
            Some(id) => {
                let key = storage_key(id);
                match store::read::<Outbox>(&key) {
                    Stored::Value(outbox) => outbox,
                    Stored::Missing => Outbox::default(),
                    // Kept aside, exactly as it was, and reported: never overwritten or lost.
                    Stored::Damaged { raw, reason } => {
                        store::write_raw(DAMAGED_KEY, &raw);
                        store::delete(&key);
                        self.damaged.set(Some(reason));
                        Outbox::default()
                    }
                }
            }
        };
        self.owner.set(user_id);
        self.outbox.set(outbox);
    }

    fn save(&self) {
        let Some(owner) = self.owner.get_untracked() else { return };
        self.outbox.with_untracked(|outbox| store::write(&storage_key(owner), outbox));
    }

    pub fn update(&self, change: impl FnOnce(&mut Outbox)) {
        self.outbox.update(change);
        self.save();
    }

    /// Sends waiting writes in order until one cannot go now. One drain at a time.
    pub async fn drain(self) {
        self.drain_answers().await;
    }

    /// Sends the waiting writes in order, as [`Sync::drain`], and returns the answers of those
    /// delivered or refused: (key, status, text), for a form waiting on its own write.
    async fn drain_answers(self) -> Vec<(String, u16, String)> {
        let mut answers = Vec::new();
        // Nobody confirmed signed in: nothing of anyone's is sent.
        if self.owner.get_untracked().is_none() || !self.confirmed.get_untracked() || DRAINING.with(|d| d.replace(true))
        {
            return answers;
        }
        let owner = self.owner.get_untracked();
        while let Some(next) = self.outbox.with_untracked(|o| o.next_waiting().cloned()) {
            let body = next.write.body().to_string();
            let answer = exchange(next.write.method(), &next.write.path(), Some(&body), Some(&next.key)).await;
            let delivery = match &answer {
                None => Delivery::of(None, ""),
                Some((status, text)) => {
                    let message = if (200..300).contains(status) {
                        String::new()
                    } else {
                        problem_text(&problem_of(*status, text), true)
                    };
                    Delivery::of(Some(*status), &message)
                }
            };
            if answer.is_none() {
                self.online.set(false);
            } else {
                self.online.set(true);
            }
            if delivery == Delivery::SignedOut {
                self.signed_out.set(true);
            }
            let go_on = {
                let mut go_on = false;
                self.update(|o| go_on = o.record(&next.key, &delivery));
                go_on
            };
            if let Some((status, text)) =
                answer.as_ref().filter(|_| matches!(delivery, Delivery::Delivered | Delivery::Refused { .. }))
            {
                answers.push((next.key.clone(), *status, text.clone()));
            }
            // The user changed while this write was out (signed out, another signed in): stop.
            if !go_on || self.owner.get_untracked() != owner || !self.confirmed.get_untracked() {
                break;
            }
        }
        DRAINING.with(|d| d.set(false));
        answers
    }

    /// Makes a write: queued, then sent at once when possible. Refused while the user is still
    /// on the form, it leaves the queue and comes back as the form's error; offline, it waits.
    pub async fn write(self, write: Write, label: String) -> WriteOutcome {
        if self.owner.get_untracked().is_none() {
            // Nobody is confirmed signed in (the page opened without a connection): a write
            // belongs to a user, so it waits for one.
            return WriteOutcome::Refused(Problem {
                status: 401,
                title: "Войдите, чтобы продолжить".into(),
                detail: "Sign in first: a write is kept for the user who makes it.".into(),
                detail_ru: None,
                errors: Vec::new(),
            });
        }
        let key = new_key();
        let write = PendingWrite {
            key: key.clone(),
            write,
            label,
            made_at: js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default(),
            state: WriteState::Waiting,
        };
        self.update(|o| o.push(write));
        // Its answer, if this drain delivered it; one already under way sends it and the form
        // hears "queued", as when offline.
        let answer = self.drain_answers().await.into_iter().find(|(k, _, _)| *k == key);
        match answer {
            Some((_, status, text)) if (200..300).contains(&status) => WriteOutcome::Done(text),
            Some((_, status, text)) => {
                // The user sees it on the form they are still on: no need to keep it queued.
                self.update(|o| o.discard(&key));
                WriteOutcome::Refused(problem_of(status, &text))
            }
            // Waiting for the connection, or in the hands of a drain already under way.
            None => WriteOutcome::Queued,
        }
    }
}

/// What became of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// Stored; the server's answer.
    Done(String),
    /// Waiting in the outbox for the connection.
    Queued,
    /// Refused: the server's problem, with its field messages.
    Refused(Problem),
}

/// Decodes a write's answer.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    hourbank_api::json::from_str(text).map_err(|e| ApiError::Unreadable(e.to_string()))
}

/// A typed request as the JSON its type writes (`hourbank-api`), which the server reads back as
/// the same request.
pub fn body<T: serde::Serialize>(request: &T) -> String {
    serde_json::to_string(request).expect("a request serializes")
}

/// A request the portal checked itself, refused as the server would refuse it: the same field
/// messages, in both languages.
pub fn refused_here(invalid: &hourbank_api::Invalid) -> WriteOutcome {
    let errors = invalid
        .0
        .iter()
        .map(|e| crate::model::FieldMessage {
            field: e.field.clone(),
            message: e.problem.to_string(),
            message_ru: Some(e.problem.ru()),
        })
        .collect();
    WriteOutcome::Refused(Problem {
        status: 422,
        title: "Invalid input".into(),
        detail: String::new(),
        detail_ru: None,
        errors,
    })
}

/// Consultations, with their typed body (staff log them).
#[cfg(feature = "staff")]
pub mod consultations {
    use hourbank_api::consultations::NewConsultation;
    use hourbank_api::Write;

    use super::{OutboxSync, WriteOutcome};

    pub async fn log(sync: OutboxSync, consultation: NewConsultation, label: String) -> WriteOutcome {
        sync.write(Write::LogConsultation(consultation), label).await
    }
}

/// The task endpoints with their typed bodies (`hourbank-api`): a write goes through the outbox
/// as a typed [`Write`](hourbank_api::Write), sent as the JSON its type writes, which the server
/// reads back as the same request.
pub mod tasks {
    #[cfg(feature = "staff")]
    use hourbank_api::instructions::NewInstruction;
    #[cfg(feature = "staff")]
    use hourbank_api::tasks::{Assignment, LogWork};
    use hourbank_api::tasks::{NewTask, WarrantyClaim};
    use hourbank_api::Write;
    use hourbank_domain::Transition;

    use super::{OutboxSync, WriteOutcome};

    pub async fn create(sync: OutboxSync, task: NewTask, label: String) -> WriteOutcome {
        sync.write(Write::CreateTask(task), label).await
    }

    pub async fn transition(sync: OutboxSync, task: i64, step: Transition, label: String) -> WriteOutcome {
        sync.write(Write::Transition { task, step }, label).await
    }

    #[cfg(feature = "staff")]
    pub async fn assign(sync: OutboxSync, task: i64, assignment: Assignment, label: String) -> WriteOutcome {
        sync.write(Write::Assign { task, assignment }, label).await
    }

    pub async fn claim_warranty(sync: OutboxSync, task: i64, claim: WarrantyClaim, label: String) -> WriteOutcome {
        sync.write(Write::ClaimWarranty { task, claim }, label).await
    }

    #[cfg(feature = "staff")]
    pub async fn log_work(sync: OutboxSync, task: i64, work: LogWork, label: String) -> WriteOutcome {
        sync.write(Write::LogWork { task, work }, label).await
    }

    #[cfg(feature = "staff")]
    pub async fn write_instruction(
        sync: OutboxSync,
        task: i64,
        instruction: NewInstruction,
        label: String,
    ) -> WriteOutcome {
        sync.write(Write::WriteInstruction { task, instruction }, label).await
    }
}
