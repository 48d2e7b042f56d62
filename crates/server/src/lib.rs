//! hourbank's server: the JSON API, the built SPA, and the `hourbank` command.
// The OpenAPI document is one `json!` literal, deeper than the default limit.
#![recursion_limit = "256"]

/// The allocator of every process that runs this server (`hourbank`, its tests and benchmarks).
/// glibc's keeps what a burst of report builds freed (a soak's RSS grew to 480 MiB where the
/// server held tens); mimalloc returns it. Figures in the README.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod db;
pub mod demo;
pub mod error;
pub mod http;
pub mod pdf;
pub mod services;
pub mod store;

pub use app::App;
pub use db::Db;
pub use error::Error;
pub use http::{router, serve, AppState};
