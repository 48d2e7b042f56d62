//! The client portal in the browser: the month's hours and bill, tasks from a request in plain
//! words to acceptance, reports and the act, consultations, instructions, and the staff's queues.
//! It talks to the API through `api` only, keeps reads in a cache and writes in an outbox, so it
//! keeps working when the connection drops.
//!
//! Plain logic (`model`, `route`, `outbox`, `preview`, `cache`) compiles everywhere and has native
//! tests; the views compile only for wasm32.

pub mod model;
pub mod outbox;
pub mod preview;
pub mod route;
pub use hourbank_web::i18n;
