//! Reading JSON request bodies field by field, collecting every bad field with its name: the
//! `hourbank-api` crate's reader, which its request types use too.

use hourbank_domain::Problem;

use super::ApiError;

pub use hourbank_api::input::Input;

impl From<hourbank_api::Invalid> for ApiError {
    fn from(invalid: hourbank_api::Invalid) -> ApiError {
        crate::Error::Invalid(invalid.0).into()
    }
}

/// Most characters a search may have: a search is a few words, and a longer one only costs work.
pub const MAX_SEARCH_CHARS: usize = 200;

/// A search's words, at most [`MAX_SEARCH_CHARS`] characters (a 422 naming `field` otherwise).
/// Most characters in the audit log's `action` filter.
pub const MAX_ACTION_CHARS: usize = 40;

pub fn search_words(field: &str, q: Option<String>) -> Result<Option<String>, ApiError> {
    match q {
        Some(q) if q.chars().count() > MAX_SEARCH_CHARS => {
            Err(ApiError::invalid(field, Problem::MaxChars(MAX_SEARCH_CHARS)))
        }
        other => Ok(other),
    }
}
