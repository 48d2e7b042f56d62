//! `application/problem+json`: every error answer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A field-level message of a 422.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
    #[serde(default)]
    pub message_ru: Option<String>,
}

/// The API's `application/problem+json`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Problem {
    pub status: u16,
    pub title: String,
    #[serde(default)]
    pub detail: String,
    /// The detail in Russian (a conflict's), for the interface.
    #[serde(default)]
    pub detail_ru: Option<String>,
    #[serde(default)]
    pub errors: Vec<FieldMessage>,
}

impl Problem {
    /// Field messages by field, Russian when the server gave one.
    pub fn by_field(&self, russian: bool) -> BTreeMap<String, String> {
        self.errors
            .iter()
            .map(|e| {
                let text = match (&e.message_ru, russian) {
                    (Some(ru), true) => ru.clone(),
                    _ => e.message.clone(),
                };
                (e.field.clone(), text)
            })
            .collect()
    }
}
