//! The scenario JSON contract of `hourbank simulate` and `POST /api/v1/simulate`.
//!
//! Parsing it needs serde_json's `arbitrary_precision` (numbers keep their text, so no amount
//! passes through `f64`), which makes every JSON number in a build slower and bigger: it is the
//! `scenario` feature, which the server turns on and the browser apps leave off.

/// Most months one scenario may list (fifty years).
pub const MAX_SCENARIO_MONTHS: usize = 600;

#[cfg(feature = "scenario")]
mod json;
#[cfg(feature = "scenario")]
pub use json::*;
