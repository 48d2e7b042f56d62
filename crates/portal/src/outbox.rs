//! Writes made without a connection: queued in order with an idempotency key, shown as pending,
//! sent when the connection returns. The key is chosen once, when the write is made, so however
//! often a write is re-sent (a lost answer, a reload mid-send) the server stores it once.
//! A write the server refuses stays here with the server's message until the user fixes or
//! discards it: nothing is dropped silently.

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
const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingWrite {
    /// The `Idempotency-Key`: also this entry's identity in the queue.
    pub key: String,
    pub method: String,
    /// API path below `/api/v1`, such as `/tasks` or `/tasks/12/transitions`.
    pub path: String,
    /// The JSON body as it will be sent.
    pub body: String,
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    #[serde(default)]
    pub entries: Vec<PendingWrite>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    v: u32,
    entries: Vec<PendingWrite>,
}

/// Reading the stored queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    Ok(Outbox),
    /// The stored text could not be read; it must be kept aside (under [`DAMAGED_KEY`]) and
    /// reported, never overwritten.
    Damaged {
        raw: String,
        reason: String,
    },
}

impl Outbox {
    pub fn load(stored: Option<&str>) -> Loaded {
        let Some(raw) = stored else { return Loaded::Ok(Outbox::default()) };
        match serde_json::from_str::<Stored>(raw) {
            Ok(Stored { v: FORMAT, entries }) => Loaded::Ok(Outbox { entries }),
            Ok(Stored { v, .. }) => Loaded::Damaged { raw: raw.to_string(), reason: format!("unknown format v{v}") },
            Err(e) => Loaded::Damaged { raw: raw.to_string(), reason: e.to_string() },
        }
    }

    pub fn to_stored(&self) -> String {
        serde_json::to_string(&Stored { v: FORMAT, entries: self.entries.clone() }).expect("plain data serialises")
    }

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
    pub fn retry(&mut self, key: &str, body: Option<String>) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.key == key) {
            if let Some(body) = body {
                entry.body = body;
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

    /// Writes still waiting for this API path (a task page shows its own pending steps).
    pub fn for_path<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a PendingWrite> + 'a {
        self.entries.iter().filter(move |e| e.path == prefix || e.path.starts_with(&format!("{prefix}/")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn write(key: &str) -> PendingWrite {
        PendingWrite {
            key: key.into(),
            method: "POST".into(),
            path: "/tasks".into(),
            body: format!(r#"{{"title":"{key}","description":"d"}}"#),
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
        outbox.retry("a", Some(r#"{"title":"fixed","description":"d"}"#.into()));
        assert_eq!(outbox.next_waiting().unwrap().key, "a", "back in its own place");
        assert!(outbox.entries[0].body.contains("fixed"));
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
        assert_eq!(Outbox::load(None), Loaded::Ok(Outbox::default()));
        assert!(matches!(Outbox::load(Some("{not json")), Loaded::Damaged { .. }));
        assert!(matches!(Outbox::load(Some(r#"{"v":2,"entries":[]}"#)), Loaded::Damaged { .. }));
        let mut outbox = Outbox::default();
        outbox.push(write("a"));
        outbox.record("a", &Delivery::Refused { status: 403, message: "нет прав".into() });
        assert_eq!(Outbox::load(Some(&outbox.to_stored())), Loaded::Ok(outbox));
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
