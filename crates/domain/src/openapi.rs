//! The schemas of the values the API writes, for the OpenAPI document the server generates
//! (`openapi` feature; the browser builds leave it off). Amounts, hours and months are written as
//! strings (exact decimals, `YYYY-MM`); their schema says so, with the pattern of what is written.

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::period::Period;
use crate::units::{Hours, Money};

/// A non-negative exact decimal with at most two places, as a string.
pub const DECIMAL_PATTERN: &str = "^[0-9]+(\\.[0-9]{1,2})?$";
/// A month, `YYYY-MM`.
pub const MONTH_PATTERN: &str = "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$";

fn text(pattern: &str, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).description(Some(description)).into()
}

impl PartialSchema for Money {
    fn schema() -> RefOr<Schema> {
        text(DECIMAL_PATTERN, "Roubles, an exact decimal with two places at most (`20000.00`)")
    }
}

impl ToSchema for Money {}

impl PartialSchema for Hours {
    fn schema() -> RefOr<Schema> {
        text(DECIMAL_PATTERN, "Hours, an exact decimal with two places at most (`4.5`)")
    }
}

impl ToSchema for Hours {}

impl PartialSchema for Period {
    fn schema() -> RefOr<Schema> {
        text(MONTH_PATTERN, "A calendar month, `YYYY-MM`")
    }
}

impl ToSchema for Period {}
