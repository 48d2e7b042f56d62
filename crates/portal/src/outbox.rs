//! Writes made without a connection: queued in order with an idempotency key, shown as pending,
//! sent when the connection returns. The key is chosen once, when the write is made, so however
//! often a write is re-sent (a lost answer, a reload mid-send) the server stores it once.
//! A write the server refuses stays here with the server's message until the user fixes or
//! discards it: nothing is dropped silently.

use hourbank_api::Write;
use serde::{Deserialize, Serialize};

/// LocalStorage key of the queue before queues had an owner: read once, kept aside as damaged
/// (it cannot be known whose it is) and reported.
pub const STORAGE_KEY: &str = "hourbank.outbox";

/// LocalStorage key of one user's queue. Pending writes belong to the user who made them: they
/// are loaded, shown and sent only once the server has said that user is the one signed in, and
/// they stay stored through a sign-out until that user sends or discards them.
pub fn storage_key(user_id: i64) -> String {
    format!("{STORAGE_KEY}:{user_id}")
}
/// Where an unreadable stored queue is moved, so no write is ever lost by a format change.
pub const DAMAGED_KEY: &str = "hourbank.outbox.damaged";
/// 2: each entry holds its typed write (`hourbank_api::Write`). 1: method, path and the body as
/// JSON text; read and converted, entry by entry, with the same checks.
const FORMAT: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingWrite {
    /// The `Idempotency-Key`: also this entry's identity in the queue.
    pub key: String,
    /// The endpoint and its checked body: stored as it will be sent, read back with the checks
    /// the server makes.
    pub write: Write,
    /// What the user did, in their words: «Новая задача: Отчёт по складу».
    pub label: String,
    /// When it was made (ISO 8601, the browser's clock).
    pub made_at: String,
    pub state: WriteState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum WriteState {
    /// Waiting for the connection (or for the server to be able to answer).
    Waiting,
    /// The server said no; its message, for the user to fix or discard.
    Refused { status: u16, message: String },
}

/// What sending one write came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Stored (or stored before: the key replays the first answer). Leaves the queue.
    Delivered,
    /// The server refused it for good (validation, permission, state): keep it for the user.
    Refused { status: u16, message: String },
    /// No connection, a server error, a busy key or rate limiting: keep it, try again later.
    TryLater,
    /// The session is over: keep everything, send the user to sign in.
    SignedOut,
}

impl Delivery {
    /// Classifies an answer: `None` is no answer at all (offline, connection reset).
    pub fn of(status: Option<u16>, message: &str) -> Delivery {
        match status {
            None => Delivery::TryLater,
            Some(200..=299) => Delivery::Delivered,
            Some(401) => Delivery::SignedOut,
            Some(408 | 425 | 429) | Some(500..=599) => Delivery::TryLater,
            // The same key is being processed (an earlier send's answer was lost on its way).
            Some(409) if message.contains("Idempotency-Key") => Delivery::TryLater,
            Some(status) => Delivery::Refused { status, message: message.to_string() },
        }
    }
}

/// A user's queue. Stored as `{"v": 2, "entries": [...]}`; a queue of format 1 reads too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "StoredQueue")]
pub struct Outbox {
    pub entries: Vec<PendingWrite>,
}

/// Written in the current format straight from the entries (saved after every change: no copy of
/// the queue on the way).
impl Serialize for Outbox {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Current<'a> {
            v: u32,
            entries: &'a [PendingWrite],
        }
        Current { v: FORMAT, entries: &self.entries }.serialize(serializer)
    }
}

/// A stored queue of any format: the number first, so a queue of another format is never
/// misread as this one.
#[derive(Deserialize)]
struct StoredQueue {
    v: u32,
    entries: Vec<serde_json::Value>,
}

/// Every entry must read back as the write it was, or the whole queue is refused (and set
/// aside by the caller): its order matters, a later step may depend on an earlier one.
impl TryFrom<StoredQueue> for Outbox {
    type Error = String;

    fn try_from(stored: StoredQueue) -> Result<Outbox, String> {
        let entries = stored.entries.into_iter();
        let entries = match stored.v {
            FORMAT => {
                entries.map(|e| hourbank_api::json::from_value::<PendingWrite>(e).map_err(|e| e.to_string())).collect()
            }
            1 => entries
                .map(|e| hourbank_api::json::from_value::<PendingWriteV1>(e).map_err(|e| e.to_string())?.upgrade())
                .collect(),
            v => Err(format!("unknown format v{v}")),
        };
        entries.map(|entries| Outbox { entries })
    }
}

/// An entry of format 1: the write as method, path and body text.
#[derive(Deserialize)]
struct PendingWriteV1 {
    key: String,
    method: String,
    path: String,
    body: String,
    label: String,
    made_at: String,
    state: WriteState,
}

impl PendingWriteV1 {
    fn upgrade(self) -> Result<PendingWrite, String> {
        let body: serde_json::Value = serde_json::from_str(&self.body).map_err(|e| e.to_string())?;
        let write = Write::try_from(hourbank_api::write::Parts { method: self.method, path: self.path, body })?;
        Ok(PendingWrite { key: self.key, write, label: self.label, made_at: self.made_at, state: self.state })
    }
}

impl Outbox {
    /// Queues a write at the end. A key already queued is not queued twice.
    pub fn push(&mut self, write: PendingWrite) {
        if !self.entries.iter().any(|e| e.key == write.key) {
            self.entries.push(write);
        }
    }

    /// The oldest write still waiting: writes go out in the order they were made. Refused ones
    /// do not hold the others back — they wait for the user, who may take days.
    pub fn next_waiting(&self) -> Option<&PendingWrite> {
        self.entries.iter().find(|e| e.state == WriteState::Waiting)
    }

    /// Records how sending `key` went. Returns whether to go on with the next write.
    pub fn record(&mut self, key: &str, delivery: &Delivery) -> bool {
        match delivery {
            Delivery::Delivered => {
                self.entries.retain(|e| e.key != key);
                true
            }
            Delivery::Refused { status, message } => {
                if let Some(entry) = self.entries.iter_mut().find(|e| e.key == key) {
                    entry.state = WriteState::Refused { status: *status, message: message.clone() };
                }
                true
            }
            Delivery::TryLater | Delivery::SignedOut => false,
        }
    }

    /// The user fixed a refused write (or wants it tried again as is): it waits again, in its
    /// original place. The server forgets a refused request's key, so the same key is safe.
    pub fn retry(&mut self, key: &str, fixed: Option<Write>) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.key == key) {
            if let Some(write) = fixed {
                entry.write = write;
            }
            entry.state = WriteState::Waiting;
        }
    }

    pub fn discard(&mut self, key: &str) {
        self.entries.retain(|e| e.key != key);
    }

    pub fn waiting(&self) -> usize {
        self.entries.iter().filter(|e| e.state == WriteState::Waiting).count()
    }

    pub fn refused(&self) -> usize {
        self.entries.len() - self.waiting()
    }

    /// Writes still queued about this task (its page shows its own pending steps).
    pub fn for_task(&self, task: i64) -> impl Iterator<Item = &PendingWrite> + '_ {
        self.entries.iter().filter(move |e| e.write.task() == Some(task))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hourbank_api::tasks::NewTask;
    use hourbank_domain::Transition;
    use proptest::prelude::*;

    fn new_task(title: &str) -> Write {
        Write::CreateTask(NewTask { title: title.into(), description: "d".into(), org_id: None })
    }

    /// A stored queue read back as the browser's storage reads it (`store::read`).
    fn load(text: &str) -> Result<Outbox, String> {
        hourbank_api::json::from_str(text).map_err(|e| e.to_string())
    }

    fn stored(outbox: &Outbox) -> String {
        serde_json::to_string(outbox).unwrap()
    }

    fn write(key: &str) -> PendingWrite {
        PendingWrite {
            key: key.into(),
            write: new_task(key),
            label: format!("Новая задача: {key}"),
            made_at: "2026-11-24T10:00:00Z".into(),
            state: WriteState::Waiting,
        }
    }

    #[test]
    fn each_user_has_a_queue_of_their_own() {
        assert_eq!(storage_key(7), "hourbank.outbox:7");
        assert_ne!(storage_key(7), storage_key(8));
        assert_ne!(storage_key(7), STORAGE_KEY);
    }

    #[test]
    fn writes_go_in_order_and_leave_only_when_delivered() {
        let mut outbox = Outbox::default();
        outbox.push(write("a"));
        outbox.push(write("b"));
        outbox.push(write("a"));
        assert_eq!(outbox.entries.len(), 2, "a key is queued once");
        assert_eq!(outbox.next_waiting().unwrap().key, "a");
        // Offline: nothing changes and the drain stops.
        assert!(!outbox.record("a", &Delivery::of(None, "")));
        assert_eq!(outbox.next_waiting().unwrap().key, "a");
        assert!(outbox.record("a", &Delivery::of(Some(201), "")));
        assert_eq!(outbox.next_waiting().unwrap().key, "b");
        assert!(!outbox.record("b", &Delivery::of(Some(401), "")), "signed out: stop, keep");
        assert!(!outbox.record("b", &Delivery::of(Some(503), "")));
        assert_eq!(outbox.waiting(), 1);
    }

    #[test]
    fn a_refused_write_is_kept_with_the_message_and_can_be_fixed_or_discarded() {
        let mut outbox = Outbox::default();
        outbox.push(write("a"));
        outbox.push(write("b"));
        let refused = Delivery::of(Some(422), "title: обязательное поле");
        assert_eq!(refused, Delivery::Refused { status: 422, message: "title: обязательное поле".into() });
        assert!(outbox.record("a", &refused), "a refusal does not stop the others");
        assert_eq!(outbox.next_waiting().unwrap().key, "b");
        assert_eq!((outbox.waiting(), outbox.refused()), (1, 1));
        outbox.retry("a", Some(new_task("fixed")));
        assert_eq!(outbox.next_waiting().unwrap().key, "a", "back in its own place");
        assert_eq!(outbox.entries[0].write, new_task("fixed"));
        outbox.discard("a");
        assert_eq!(outbox.entries.len(), 1);
    }

    #[test]
    fn a_busy_key_is_tried_again_but_a_state_conflict_is_refused() {
        assert_eq!(
            Delivery::of(Some(409), "a request with this Idempotency-Key is still in progress"),
            Delivery::TryLater
        );
        assert!(matches!(Delivery::of(Some(409), "cannot accept a task in state new"), Delivery::Refused { .. }));
        assert_eq!(Delivery::of(Some(429), ""), Delivery::TryLater);
        assert!(matches!(Delivery::of(Some(404), ""), Delivery::Refused { .. }));
    }

    #[test]
    fn a_damaged_or_newer_store_is_reported_never_read_as_empty() {
        assert_eq!(load(&stored(&Outbox::default())), Ok(Outbox::default()));
        assert!(load("{not json").is_err());
        assert!(load(r#"{"v":3,"entries":[]}"#).unwrap_err().contains("unknown format v3"));
        let mut outbox = Outbox::default();
        outbox.push(write("a"));
        outbox.push(PendingWrite {
            write: Write::Transition { task: 12, step: Transition::Reject { comment: "Дорого".into() } },
            ..write("b")
        });
        outbox.record("a", &Delivery::Refused { status: 403, message: "нет прав".into() });
        assert_eq!(load(&stored(&outbox)), Ok(outbox));
        // An entry that no longer reads as the request it was (here, a claim with a blank
        // description) sets the queue aside with the reason, naming the write and the field.
        let bad = r#"{"v":2,"entries":[{"key":"k","write":{"method":"POST","path":"/tasks/3/warranty",
            "body":{"description":" "}},"label":"l","made_at":"m","state":{"state":"waiting"}}]}"#;
        let reason = load(bad).unwrap_err();
        assert!(reason.contains("/tasks/3/warranty") && reason.contains("description"), "{reason}");
    }

    /// A queue saved by the portal before writes were typed (format 1) is read, every entry
    /// checked as the server would; one that does not read sets the queue aside, never lost.
    #[test]
    fn a_queue_of_the_first_format_is_read_as_typed_writes() {
        let v1 = r#"{"v":1,"entries":[
            {"key":"a","method":"POST","path":"/tasks","body":"{\"title\":\"Отчёт\",\"description\":\"Нужен\"}",
             "label":"Новая задача: Отчёт","made_at":"2026-11-24T10:00:00Z","state":{"state":"waiting"}},
            {"key":"b","method":"POST","path":"/tasks/12/transitions","body":"{\"action\":\"approve\"}",
             "label":"Согласовать","made_at":"2026-11-24T10:01:00Z","state":{"state":"refused","status":409,"message":"нельзя"}}]}"#;
        let outbox = load(v1).unwrap();
        assert_eq!(outbox.entries.len(), 2);
        assert_eq!(
            outbox.entries[0].write,
            Write::CreateTask(NewTask { title: "Отчёт".into(), description: "Нужен".into(), org_id: None })
        );
        assert_eq!(
            outbox.entries[1].write,
            Write::Transition { task: 12, step: Transition::Approve { estimate: None } }
        );
        assert_eq!(outbox.entries[1].state, WriteState::Refused { status: 409, message: "нельзя".into() });
        assert_eq!(outbox.for_task(12).count(), 1);
        // Saved again, it is of the current format and reads back the same.
        assert!(stored(&outbox).starts_with(r#"{"v":2,"#));
        assert_eq!(load(&stored(&outbox)), Ok(outbox));
        let unknown_path = v1.replace("/tasks/12/transitions", "/tasks/12/teleport");
        assert!(load(&unknown_path).is_err());
    }

    proptest! {
        /// Whatever the answers, every write is delivered once at most and none disappears
        /// unless delivered or discarded.
        #[test]
        fn nothing_is_lost_or_sent_twice(answers in proptest::collection::vec(proptest::option::of(0_u16..6), 1..40)) {
            let mut outbox = Outbox::default();
            for i in 0..5 {
                outbox.push(write(&format!("k{i}")));
            }
            let mut delivered = Vec::new();
            for answer in answers {
                let Some(next) = outbox.next_waiting().cloned() else { break };
                let status = answer.map(|a| [201, 422, 401, 500, 409, 200][a as usize]);
                let delivery = Delivery::of(status, "");
                if delivery == Delivery::Delivered {
                    prop_assert!(!delivered.contains(&next.key));
                    delivered.push(next.key.clone());
                }
                outbox.record(&next.key, &delivery);
            }
            let remaining: Vec<_> = outbox.entries.iter().map(|e| e.key.clone()).collect();
            prop_assert_eq!(delivered.len() + remaining.len(), 5);
            // Order of the delivered is the order made.
            let mut sorted = delivered.clone();
            sorted.sort();
            prop_assert_eq!(sorted, delivered);
        }
    }
}
