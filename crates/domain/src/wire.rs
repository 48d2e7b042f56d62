//! Values read from the API's JSON strings (amounts, hours, months, dates) with the domain's own
//! parsers. The string is read as a `Cow<str>` for every type alike, so the browser's wasm holds
//! the JSON string reader once, not once per type.

use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer, Error};
use serde::Serializer;

use crate::error::FieldError;

/// Reads a string and parses it with `parse`; a bad value's message is the problem's.
pub fn from_str<'de, D: Deserializer<'de>, T>(d: D, parse: fn(&str) -> Result<T, FieldError>) -> Result<T, D::Error> {
    let text = Cow::<'de, str>::deserialize(d)?;
    parse(&text).map_err(|e| D::Error::custom(e.problem))
}

/// The same for a value that may be `null` (or absent, with `#[serde(default)]`).
pub fn from_optional_str<'de, D: Deserializer<'de>, T>(
    d: D,
    parse: fn(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, D::Error> {
    match Option::<Cow<'de, str>>::deserialize(d)? {
        Some(text) => parse(&text).map(Some).map_err(|e| D::Error::custom(e.problem)),
        None => Ok(None),
    }
}

/// A calendar date, `YYYY-MM-DD` (`#[serde(deserialize_with = "wire::date")]`): read by hand, as
/// chrono's `FromStr` brings its whole format parser into the browser's wasm.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<chrono::NaiveDate, D::Error> {
    from_str(d, |text| crate::parse_date("date", text))
}

/// The same, `null` or absent being none (with `#[serde(default)]`).
pub fn optional_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<chrono::NaiveDate>, D::Error> {
    from_optional_str(d, |text| crate::parse_date("date", text))
}

/// Writes a date as the API does, `YYYY-MM-DD` (`#[serde(serialize_with = "wire::write_date")]`).
pub fn write_date<S: Serializer>(date: &chrono::NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}
