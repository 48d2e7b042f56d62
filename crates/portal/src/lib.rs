//! The client portal in the browser: the month's hours and bill, tasks from a request in plain
//! words to acceptance, reports and the act, consultations, instructions, and the staff's queues.
//! It talks to the API through `api` only, keeps reads in a cache and writes in an outbox, so it
//! keeps working when the connection drops.
//!
//! Plain logic (`model`, `route`, `outbox`, `preview`, `cache`, `format`, `labels`) compiles
//! everywhere and has native tests; the views compile only for wasm32.

pub use hourbank_web::i18n;

pub mod billing;
pub mod cache;
pub mod chart;
pub mod format;
pub mod labels;
pub mod model;
pub mod outbox;
pub mod preview;
pub mod route;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod store;

#[cfg(target_arch = "wasm32")]
pub use app::Portal;
#[cfg(target_arch = "wasm32")]
pub use pages::login::EarlySignIn;
