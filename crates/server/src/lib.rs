//! hourbank's server: the JSON API, the built SPA, and the `hourbank` command.

pub mod cli;
pub mod http;

pub use http::{router, serve, AppState};
