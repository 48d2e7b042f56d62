//! The schemas of request fields whose rules live in their reader rather than in their Rust type
//! (a length, a range of hours, a closed list of words), for the OpenAPI document the server
//! generates (`openapi` feature). Each is built from the constant its reader checks against, so
//! the document and the reader cannot disagree; the patterns are checked against the reader in
//! the tests below.

use hourbank_domain::{Action, Transition};
use utoipa::openapi::schema::{Object, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type};

use crate::accounts::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::consultations::CHANNELS;
use crate::tasks::{MAX_COMMENT_CHARS, MAX_ESTIMATE_HOURS, MAX_SPECIFICATION_CHARS};

/// What user text may not hold (`input::Input::optional_text` refuses it): control characters
/// but tab, line feed and carriage return, and the marks that reorder what is shown.
pub const TEXT_PATTERN: &str =
    "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2061-\\u2064\\u2066-\\u2069\\uFFF9-\\uFFFB]*$";

/// Text of at most `MAX` characters ([`TEXT_PATTERN`]).
pub fn text<const MAX: usize>() -> Object {
    ObjectBuilder::new().schema_type(Type::String).max_length(Some(MAX)).pattern(Some(TEXT_PATTERN)).build()
}

/// An e-mail as `hourbank_domain::contacts::parse_email` takes it: Latin letters, digits and
/// RFC 5322's other `atext` signs in dot-separated parts, `@`, a domain of two labels or more
/// (letters, digits, inner hyphens).
pub const EMAIL_PATTERN: &str = "^\\s*[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+\\s*$";

/// A new user's e-mail ([`EMAIL_PATTERN`]).
pub fn email() -> Object {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(EMAIL_PATTERN)).max_length(Some(254)).build()
}

/// A whole number from 0 to `MAX`.
pub fn count<const MAX: u32>() -> Object {
    ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).maximum(Some(MAX)).build()
}

/// A new password: at least [`MIN_PASSWORD_CHARS`] characters once the white space around it is
/// dropped (as the reader drops it: a pasted password often carries a space), which the pattern
/// says: a visible character, at least eight of any kind, a visible character.
pub fn new_password() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(MIN_PASSWORD_CHARS))
        .max_length(Some(MAX_PASSWORD_CHARS))
        .pattern(Some(format!("^\\s*\\S[\\s\\S]{{{},}}\\S\\s*$", MIN_PASSWORD_CHARS - 2)))
        .description(Some(format!(
            "At least {MIN_PASSWORD_CHARS} characters; white space around the password is not part of it"
        )))
        .build()
}

/// A password as typed at sign-in or to confirm a change (any length the reader takes).
pub fn password() -> Object {
    ObjectBuilder::new().schema_type(Type::String).max_length(Some(MAX_PASSWORD_CHARS)).build()
}

/// Hours more than 0 and at most 24, two places at most, as a string (`"2.5"`).
pub const DAY_HOURS_PATTERN: &str = "^(([1-9]|1[0-9]|2[0-3])(\\.[0-9]{1,2})?|24(\\.0{1,2})?|0\\.(0[1-9]|[1-9][0-9]?))$";

/// The hours of one day's work ([`DAY_HOURS_PATTERN`]).
pub fn day_hours() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(DAY_HOURS_PATTERN))
        .description(Some("hours, more than 0 and at most 24, two places at most"))
        .build()
}

/// Hours more than 0 and at most 744 (one month's), two places at most, as a string.
pub const ESTIMATE_PATTERN: &str =
    "^(([1-9][0-9]?|[1-6][0-9]{2}|7[0-3][0-9]|74[0-3])(\\.[0-9]{1,2})?|744(\\.0{1,2})?|0\\.(0[1-9]|[1-9][0-9]?))$";

/// An estimate: hours as a string ([`ESTIMATE_PATTERN`]) or a whole number from 1 to 744.
fn estimate() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Integer]))
        .pattern(Some(ESTIMATE_PATTERN))
        .minimum(Some(1))
        .maximum(Some(MAX_ESTIMATE_HOURS))
        .description(Some("hours, more than 0 and at most 744, two places at most"))
        .build()
}

/// `POST /tasks/{id}/transitions`: one body per step of the workflow, told apart by `action`,
/// each with its own fields ([`Transition::fields_of`]); a comment is required to reject, return
/// or write off, optional to cancel.
pub fn transition() -> Schema {
    let mut steps = OneOfBuilder::new().description(Some(
        "`approve` may carry the `estimate` the client was shown: when the task was re-estimated since, the \
         approval is refused (409) and nothing changes; `cancel` of a task whose estimate was once approved bills \
         its logged hours (up to that estimate) in the month of the cancellation; `write_off` (analyst, admin; a \
         comment required) stops approved work without billing it: the report of the month of the write-off \
         lists it at 0 h with the comment",
    ));
    for action in Action::ALL {
        let mut step = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("action", ObjectBuilder::new().schema_type(Type::String).enum_values(Some([action.as_str()])))
            .required("action");
        for &field in Transition::fields_of(action) {
            let schema = match field {
                "action" => continue,
                "specification" => text::<MAX_SPECIFICATION_CHARS>(),
                "estimate" => estimate(),
                "deadline" => hourbank_domain::openapi::date(),
                "comment" => text::<MAX_COMMENT_CHARS>(),
                other => unreachable!("a transition's field {other} without a schema"),
            };
            step = step.property(field, schema);
            if !matches!(action, Action::Cancel | Action::Approve) {
                step = step.required(field);
            }
        }
        steps = steps.item(step);
    }
    steps.build().into()
}

/// The body of `POST /tasks/{id}/transitions` in the document: [`transition`]'s schema, named
/// `Transition` (the domain's type, read by its own reader, carries no schema).
pub struct TransitionBody;

impl utoipa::PartialSchema for TransitionBody {
    fn schema() -> utoipa::openapi::RefOr<Schema> {
        transition().into()
    }
}

impl utoipa::ToSchema for TransitionBody {
    fn name() -> std::borrow::Cow<'static, str> {
        "Transition".into()
    }
}

/// How a consultation was given: one of [`CHANNELS`].
pub fn channel() -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(CHANNELS)).build()
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use serde_json::json;

    use super::*;
    use crate::consultations::MAX_DURATION_HOURS;
    use crate::input::Input;
    use crate::tasks::MAX_WORKLOG_HOURS;

    /// The text pattern refuses exactly the characters the reader refuses.
    #[test]
    #[cfg(feature = "server")]
    fn the_text_pattern_is_what_the_reader_takes() {
        let pattern = regex::Regex::new(TEXT_PATTERN).unwrap();
        for text in [
            "обычный текст",
            "строки\nи\tтаб\r",
            "👩\u{200d}💻",
            "a\u{0}b",
            "a\u{1b}[31m",
            "\u{202e}abc",
            "a\u{85}b",
            "\u{2066}x",
            "\u{61c}x",
            "❤\u{fe0f}",
        ] {
            let value = json!({ "t": text });
            let mut input = Input::new(&value, &["t"]).unwrap();
            let _ = input.optional_text("t", 1000);
            let takes = input.finish().is_ok();
            assert_eq!(pattern.is_match(text), takes, "{text:?}");
        }
    }

    /// Whatever the pattern lets through, the e-mail reader takes, and the other way round.
    #[test]
    fn the_email_pattern_is_what_the_reader_takes() {
        let pattern = regex::Regex::new(EMAIL_PATTERN).unwrap();
        for text in [
            "anna@hourbank.demo",
            " Anna@Hourbank.Demo ",
            "a@b.c",
            "a@.",
            "a@b",
            "@b.c",
            "a b@c.d",
            "a@b@c.d",
            "",
            "a@b.c d",
            "анна@почта.рф",
            "\u{430}nna@hourbank.demo",
            "a@\tb.c",
            "a@b.c.",
            "a..b@c.d",
            "a<b@c.d",
            "a@-b.c",
            "a@b-.c",
            "o'brien+1@b-c.d",
        ] {
            let takes = hourbank_domain::contacts::parse_email("email", text).is_ok();
            assert_eq!(pattern.is_match(text), takes, "{text:?}");
        }
    }

    /// Every string the estimate's pattern lets through, the transition's reader takes; every
    /// estimate it takes, written as the browser writes it, the pattern lets through.
    #[test]
    fn the_estimate_pattern_is_what_the_reader_takes() {
        let pattern = regex::Regex::new(ESTIMATE_PATTERN).unwrap();
        let takes = |estimate: serde_json::Value| {
            let body =
                json!({"action": "estimate", "specification": "ТЗ", "estimate": estimate, "deadline": "2027-01-01"});
            crate::request::read::<Transition>(&body).is_ok()
        };
        for centi in 0..=75_000i64 {
            let value = Decimal::new(centi, 2);
            for text in [value.normalize().to_string(), value.to_string()] {
                assert_eq!(pattern.is_match(&text), takes(json!(text)), "{text}");
            }
        }
        for whole in [0, 1, 744, 745] {
            assert_eq!((1..=744).contains(&whole), takes(json!(whole)), "{whole}");
        }
    }

    /// The schema of each step lists exactly the fields the reader takes for it.
    #[test]
    fn each_step_of_the_transition_schema_has_the_readers_fields() {
        let schema = serde_json::to_value(transition()).unwrap();
        let steps = schema["oneOf"].as_array().unwrap();
        assert_eq!(steps.len(), Action::ALL.len());
        for (step, action) in steps.iter().zip(Action::ALL) {
            let mut fields: Vec<&str> = step["properties"].as_object().unwrap().keys().map(String::as_str).collect();
            let mut expected = Transition::fields_of(action).to_vec();
            fields.sort_unstable();
            expected.sort_unstable();
            assert_eq!(fields, expected, "{action}");
            assert_eq!(step["properties"]["action"]["enum"], json!([action.as_str()]));
        }
    }

    fn reader_takes(text: &str) -> bool {
        let body = json!({ "hours": text });
        let mut input = Input::new(&body, &["hours"]).unwrap();
        let max = Decimal::from(MAX_WORKLOG_HOURS.max(MAX_DURATION_HOURS));
        input.hours("hours", max).is_some() && input.finish().is_ok()
    }

    /// Every string the pattern lets through, the reader takes; every hours value the reader
    /// takes, written as the browser writes it (`2`, `2.5`, `2.25`), the pattern lets through.
    #[test]
    fn the_day_hours_pattern_is_what_the_reader_takes() {
        assert_eq!(MAX_WORKLOG_HOURS, 24);
        assert_eq!(MAX_DURATION_HOURS, 24);
        let pattern = regex::Regex::new(DAY_HOURS_PATTERN).unwrap();
        for centi in 0..=2600u32 {
            let value = Decimal::new(i64::from(centi), 2);
            for text in
                [value.normalize().to_string(), value.to_string(), format!("{}.{:01}", centi / 100, centi % 100 / 10)]
            {
                if pattern.is_match(&text) {
                    assert!(reader_takes(&text), "{text} matches the pattern but the reader refuses it");
                }
            }
            let canonical = value.normalize().to_string();
            assert_eq!(pattern.is_match(&canonical), reader_takes(&canonical), "{canonical}");
        }
        for refused in ["", "-1", "1e1", " 1", "1.", ".5", "24.01", "1.005", "abc"] {
            assert!(!pattern.is_match(refused), "{refused}");
        }
    }
}
