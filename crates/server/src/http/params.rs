//! The schemas of query parameters in the OpenAPI document (`schema_with` of the handlers' query
//! types), each carrying its parameter's description (`schema_with` leaves a parameter without
//! one; `openapi::with_shared_answers` lifts it from the schema). An empty value counts as not
//! given, as the query reader takes it.

use utoipa::openapi::schema::{AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;

/// A numeric id in a path (`/tasks/{id}`), documented as text: an id that is not a number finds
/// nothing (404), as an id no record has.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Read by the document only; the handlers take the id with `Path<i64>`.
pub(super) struct IdPath {
    /// numeric id
    id: String,
}

fn described(schema: impl Into<ObjectBuilder>, description: &str) -> RefOr<Schema> {
    schema.into().description(Some(description)).into()
}

/// A 64-bit integer, any value (an id no record has simply matches nothing).
fn id(description: &str) -> RefOr<Schema> {
    AnyOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String).enum_values(Some([""])))
        .item(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(i64::MIN)).maximum(Some(i64::MAX)))
        .description(Some(description))
        .into()
}

/// A day, `YYYY-MM-DD` from the year 1000.
fn day(description: &str) -> RefOr<Schema> {
    AnyOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String).enum_values(Some([""])))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
                .pattern(Some(DATE_PATTERN)),
        )
        .description(Some(description))
        .into()
}

fn matching(pattern: &str, description: &str) -> RefOr<Schema> {
    described(ObjectBuilder::new().schema_type(Type::String).pattern(Some(format!("^$|{pattern}"))), description)
}

fn search(description: &str) -> RefOr<Schema> {
    described(
        ObjectBuilder::new().schema_type(Type::String).max_length(Some(super::input::MAX_SEARCH_CHARS)),
        description,
    )
}

const STATES: &str = "(new|estimated|in_work|testing|accepted|cancelled)";
const MONTH_PATTERN: &str = "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$";
pub(super) const DATE_PATTERN: &str = "^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$";

pub(super) fn org_query() -> RefOr<Schema> {
    id("organisation id (staff; a client's own is implied)")
}

pub(super) fn user_query() -> RefOr<Schema> {
    id("a user's id")
}

/// Entries on a page of the audit log: by default, and at most.
pub(super) const AUDIT_DEFAULT_LIMIT: usize = 200;
pub(super) const AUDIT_MAX_LIMIT: usize = 1000;

pub(super) fn audit_limit_query() -> RefOr<Schema> {
    described(
        ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(AUDIT_MAX_LIMIT as i64)),
        "entries on a page, 200 by default",
    )
}

pub(super) fn audit_before_query() -> RefOr<Schema> {
    AnyOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String).enum_values(Some([""])))
        .item(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(i64::MAX)))
        .description(Some("the previous page's next_before"))
        .into()
}

pub(super) fn from_query() -> RefOr<Schema> {
    day("from this day on, YYYY-MM-DD (UTC)")
}

pub(super) fn to_query() -> RefOr<Schema> {
    day("up to this day, YYYY-MM-DD (UTC)")
}

pub(super) fn states_query() -> RefOr<Schema> {
    matching(
        &format!("^ *{STATES} *(, *{STATES} *)*$"),
        "new | estimated | in_work | testing | accepted | cancelled, or several separated by commas",
    )
}

pub(super) fn accepted_month_query() -> RefOr<Schema> {
    matching(MONTH_PATTERN, "accepted in YYYY-MM")
}

pub(super) fn report_month_query() -> RefOr<Schema> {
    matching(
        MONTH_PATTERN,
        "in the report of YYYY-MM: dated in it, or dated in an earlier month that was already closed when logged",
    )
}

pub(super) fn assignee_query() -> RefOr<Schema> {
    matching("^ *(me|[1-9][0-9]{0,17}) *$", "`me`, or a user's id: the tasks assigned to them")
}

pub(super) fn task_search_query() -> RefOr<Schema> {
    search("words in the title or description")
}

pub(super) fn instruction_search_query() -> RefOr<Schema> {
    search("words in the title or the Markdown")
}

pub(super) fn limit_query() -> RefOr<Schema> {
    described(
        ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(200)),
        "items on a page, 100 by default",
    )
}

pub(super) fn before_query() -> RefOr<Schema> {
    described(
        ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(i64::MAX)),
        "the page after this item: the previous answer's next_before (null on the last page)",
    )
}

pub(super) fn action_query() -> RefOr<Schema> {
    described(
        ObjectBuilder::new().schema_type(Type::String).max_length(Some(super::input::MAX_ACTION_CHARS)),
        "create, accept, close, …",
    )
}

pub(super) fn role_query() -> RefOr<Schema> {
    let roles = std::iter::once("").chain(hourbank_domain::Role::ALL.map(hourbank_domain::Role::as_str));
    described(
        ObjectBuilder::new().schema_type(Type::String).enum_values(Some(roles)),
        "client | analyst | specialist | admin | sales",
    )
}

pub(super) fn lang_query() -> RefOr<Schema> {
    described(
        ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["", "ru", "en"])),
        "ru (default) | en: the words of the `.csv` (its numbers have decimal commas and its times are Moscow time either way)",
    )
}
