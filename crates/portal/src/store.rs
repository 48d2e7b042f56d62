//! The browser's LocalStorage through `gloo-storage`: every value stored as the JSON of its type
//! and read back as that type. A value that no longer reads (a damaged entry, an older format) is
//! reported with its raw text, for the caller to set aside; a browser that refuses storage
//! (blocked site data throws on access, and gloo-storage would panic) reads as empty and stores
//! nothing, and the portal still works for the page's lifetime.

use gloo_storage::{LocalStorage, Storage};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What reading a key found.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored<T> {
    Missing,
    Value(T),
    /// The text does not read as `T`; `reason` is serde's, naming where.
    Damaged {
        raw: String,
        reason: String,
    },
}

fn available() -> bool {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten()).is_some()
}

pub fn read<T: DeserializeOwned>(key: &str) -> Stored<T> {
    if !available() {
        return Stored::Missing;
    }
    // Read as text, then as `T` by the API's reader (structs from objects only, as they are
    // stored), not gloo-storage's `get`, which would compile serde_json's other reader too.
    match LocalStorage::raw().get_item(key) {
        Ok(Some(raw)) => match hourbank_api::json::from_str(&raw) {
            Ok(value) => Stored::Value(value),
            Err(e) => Stored::Damaged { raw, reason: e.to_string() },
        },
        _ => Stored::Missing,
    }
}

/// The text stored under `key`, whatever it holds.
pub fn read_raw(key: &str) -> Option<String> {
    available().then(|| LocalStorage::raw().get_item(key).ok().flatten()).flatten()
}

/// Stores `value`. A browser that refuses (storage full or blocked) costs only what the value was
/// kept for: an offline copy, a queue that then lives as long as the page.
pub fn write<T: Serialize>(key: &str, value: &T) {
    if available() {
        let _ = LocalStorage::set(key, value);
    }
}

/// Keeps text exactly as it was (a damaged entry set aside for a person to read).
pub fn write_raw(key: &str, text: &str) {
    if available() {
        let _ = LocalStorage::raw().set_item(key, text);
    }
}

pub fn delete(key: &str) {
    if available() {
        LocalStorage::delete(key);
    }
}

/// Every stored key that starts with `prefix`.
pub fn keys(prefix: &str) -> Vec<String> {
    if !available() {
        return Vec::new();
    }
    let storage = LocalStorage::raw();
    (0..LocalStorage::length())
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect()
}
