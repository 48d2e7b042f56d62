//! hourbank's server: the JSON API, the built SPA, and the `hourbank` command.
// The OpenAPI document is one `json!` literal, deeper than the default limit.
#![recursion_limit = "256"]

pub mod auth;
pub mod cli;
pub mod clock;
pub mod db;
pub mod demo;
pub mod http;
pub mod pdf;
pub mod report_entries;
pub mod store;

pub use db::Db;
pub use http::{router, serve, AppState};
