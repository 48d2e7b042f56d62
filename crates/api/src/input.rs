//! Reading JSON request bodies field by field, collecting every bad field with its name: the raw
//! form of a request (a JSON object) on its way to its checked type (see [`Request`]).

use chrono::NaiveDate;
use hourbank_domain::units::parse_decimal;
use hourbank_domain::{parse_date, FieldError, Hours, Problem, Rule};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::Invalid;

use hourbank_domain::contacts::{is_bidi_control, looks_blank};

/// A character user text may not hold: a control character but a line break or a tab, or one
/// that reorders what is shown (bidirectional controls). Zero-width joiners and the like stay:
/// they belong to emoji and some scripts (tag characters too: a region's flag is made of them).
/// Interlinear annotation marks (U+FFF9–FFFB) hide the text between them in some renderers.
pub(crate) fn refused_in_text(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
        || is_bidi_control(c)
        || matches!(c, '\u{2061}'..='\u{2064}' | '\u{FFF9}'..='\u{FFFB}')
}

/// A JSON object being read; errors accumulate and `finish` reports them all at once.
pub struct Input<'a> {
    map: &'a Map<String, Value>,
    allowed: &'a [&'a str],
    errors: Vec<FieldError>,
}

impl<'a> Input<'a> {
    /// `allowed` lists the fields this body may have; any other is an error.
    pub fn new(value: &'a Value, allowed: &'a [&'a str]) -> Result<Input<'a>, Invalid> {
        let map = value
            .as_object()
            .ok_or_else(|| Invalid::one("body", Problem::WrongType(hourbank_domain::Expected::Object)))?;
        Ok(Input { map, allowed, errors: Vec::new() })
    }

    fn fail(&mut self, field: &str, problem: Problem) {
        self.errors.push(FieldError::new(field, problem));
    }

    fn present(&self, field: &str) -> Option<&'a Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    /// A required, non-blank string of at most `max_chars` characters, trimmed.
    pub fn text(&mut self, field: &str, max_chars: usize) -> Option<String> {
        let value = self.optional_text(field, max_chars);
        if value.is_none() && !self.errors.iter().any(|e| e.field == field) {
            self.fail(field, Problem::Missing);
        }
        value
    }

    /// A required password: read as [`Input::text`] reads, but any character it holds is the
    /// user's to choose (it is only ever hashed, never shown or exported).
    pub fn secret(&mut self, field: &str, max_chars: usize) -> Option<String> {
        let value = match self.present(field) {
            Some(Value::String(s)) if s.trim().chars().count() > max_chars => {
                self.fail(field, Problem::MaxChars(max_chars));
                None
            }
            Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Some(_) => {
                self.fail(field, Problem::WrongType(hourbank_domain::Expected::Text));
                None
            }
            None => None,
        };
        if value.is_none() && !self.errors.iter().any(|e| e.field == field) {
            self.fail(field, Problem::Missing);
        }
        value
    }

    /// An optional string; blank counts as absent, and so does one of invisible characters only.
    /// Control characters (but line breaks and tabs) and bidirectional controls are refused: they
    /// reach the CSV, the PDF and the screen as they are, and can make one text look like another.
    /// (Both checked by the server only: the browser's copy of this reader stays lighter, and its
    /// forms show what the server answers.)
    pub fn optional_text(&mut self, field: &str, max_chars: usize) -> Option<String> {
        match self.present(field) {
            None => None,
            Some(Value::String(s)) => {
                let trimmed = s.trim();
                if trimmed.chars().count() > max_chars {
                    self.fail(field, Problem::MaxChars(max_chars));
                    None
                } else if cfg!(feature = "server") && trimmed.contains(refused_in_text) {
                    self.fail(field, Problem::Rule(Rule::Malformed));
                    None
                } else if trimmed.is_empty() || cfg!(feature = "server") && looks_blank(trimmed) {
                    None
                } else {
                    Some(trimmed.to_string())
                }
            }
            Some(_) => {
                self.fail(field, Problem::WrongType(hourbank_domain::Expected::Text));
                None
            }
        }
    }

    /// An exact decimal from a JSON number or a string.
    pub fn decimal(&mut self, field: &str) -> Option<Decimal> {
        let parsed = match self.present(field)? {
            Value::String(s) => parse_decimal(field, s),
            Value::Number(n) => parse_decimal(field, &n.to_string()),
            _ => Err(FieldError::new(field, Problem::WrongType(hourbank_domain::Expected::Number))),
        };
        parsed.map_err(|e| self.errors.push(e)).ok()
    }

    /// Required hours, more than 0 and at most `max`.
    pub fn hours(&mut self, field: &str, max: Decimal) -> Option<Hours> {
        let Some(value) = self.decimal(field) else {
            if !self.errors.iter().any(|e| e.field == field) {
                self.fail(field, Problem::Missing);
            }
            return None;
        };
        match Hours::bounded(field, value, max) {
            Ok(h) if h.is_zero() => {
                self.fail(field, Problem::Rule(Rule::MoreThanZero));
                None
            }
            Ok(h) => Some(h),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// Optional hours: absent (or null) is none; present, checked as [`Input::hours`].
    pub fn optional_hours(&mut self, field: &str, max: Decimal) -> Option<Hours> {
        self.present(field)?;
        self.hours(field, max)
    }

    /// A required date `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let value = self.optional_date(field);
        if value.is_none() && !self.errors.iter().any(|e| e.field == field) {
            self.fail(field, Problem::Missing);
        }
        value
    }

    pub fn optional_date(&mut self, field: &str) -> Option<NaiveDate> {
        match self.present(field)? {
            Value::String(s) => parse_date(field, s).map_err(|e| self.errors.push(e)).ok(),
            _ => {
                self.fail(field, Problem::WrongType(hourbank_domain::Expected::Date));
                None
            }
        }
    }

    /// An optional whole number (ids); `7.0` is 7, as JSON Schema counts it.
    pub fn optional_id(&mut self, field: &str) -> Option<i64> {
        match self.present(field)? {
            Value::Number(n) if whole(n).is_some_and(|v| v > 0) => whole(n),
            _ => {
                self.fail(field, Problem::WrongType(hourbank_domain::Expected::PositiveWhole));
                None
            }
        }
    }

    /// An optional whole number from 0 to `max` (days).
    pub fn optional_count(&mut self, field: &str, max: u32) -> Option<u32> {
        match self.present(field)? {
            Value::Number(n) => match n.as_u64() {
                Some(v) if v <= u64::from(max) => Some(v as u32),
                Some(_) => {
                    self.fail(field, Problem::TooLarge { max: max.to_string() });
                    None
                }
                None => {
                    self.fail(field, Problem::WrongType(hourbank_domain::Expected::Days));
                    None
                }
            },
            _ => {
                self.fail(field, Problem::WrongType(hourbank_domain::Expected::Days));
                None
            }
        }
    }

    /// A required `true` or `false`.
    pub fn boolean(&mut self, field: &str) -> Option<bool> {
        match self.present(field) {
            Some(Value::Bool(b)) => Some(*b),
            None => {
                self.fail(field, Problem::Missing);
                None
            }
            Some(_) => {
                self.fail(field, Problem::WrongType(hourbank_domain::Expected::Bool));
                None
            }
        }
    }

    /// Whether the body names the field at all (`null` included).
    pub fn named(&self, field: &str) -> bool {
        self.map.contains_key(field)
    }

    /// The raw value of a nested field, for the domain's own parsers.
    pub fn raw(&self, field: &str) -> Option<&'a Value> {
        self.present(field)
    }

    /// Adds an error found by other means, unless its field is already refused: a later check
    /// sees a refused field as absent, and «обязательное поле» under «не длиннее 500» would be false.
    pub fn push(&mut self, error: FieldError) {
        if !self.errors.iter().any(|e| e.field == error.field) {
            self.errors.push(error);
        }
    }

    /// Refuses the fields of this body that `action` does not take (each named), though the body
    /// as a whole may have them: a tagged body's fields belong to one variant.
    pub fn only_for(&mut self, action: &'static str, fields: &[&str]) {
        let others: Vec<String> = self
            .map
            .keys()
            .filter(|k| self.allowed.contains(&k.as_str()) && !fields.contains(&k.as_str()))
            .cloned()
            .collect();
        for field in others {
            self.fail(&field, Problem::Rule(Rule::NotForAction(action)));
        }
    }

    /// Every error found, unknown fields included; `Ok` only when the whole body is valid.
    pub fn finish(mut self) -> Result<(), Invalid> {
        let unknown: Vec<String> = self.map.keys().filter(|k| !self.allowed.contains(&k.as_str())).cloned().collect();
        for field in unknown {
            self.fail(&field, Problem::UnknownField);
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.errors))
        }
    }
}
/// A JSON number's whole value: `7`, or `7.0` as JSON Schema counts it an integer too.
fn whole(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        let text = n.to_string();
        let (int, fraction) = text.split_once('.')?;
        fraction.bytes().all(|b| b == b'0').then(|| int.parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An id written `7.0` is the integer 7, as JSON Schema counts it; `7.5`, 0 and negatives are
    /// not ids.
    #[test]
    fn ids_are_whole_positive_numbers_in_either_form() {
        let value = serde_json::json!({"a": 7, "b": 7.0, "c": 7.5, "d": 0, "e": -3.0});
        let mut input = Input::new(&value, &["a", "b", "c", "d", "e"]).unwrap();
        assert_eq!(input.optional_id("a"), Some(7));
        assert_eq!(input.optional_id("b"), Some(7));
        assert_eq!(input.optional_id("c"), None);
        assert_eq!(input.optional_id("d"), None);
        assert_eq!(input.optional_id("e"), None);
        let fields: Vec<String> = input.finish().unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["c", "d", "e"]);
    }

    #[cfg(feature = "server")]
    /// Control characters and bidirectional overrides in user text are refused, naming the field;
    /// a text of invisible characters only is blank; line breaks, tabs and a zero-width joiner
    /// inside visible text (an emoji's) are kept.
    #[test]
    fn texts_refuse_control_characters_and_count_invisible_ones_as_blank() {
        let value = serde_json::json!({
            "nul": "a\u{0}b", "escape": "a\u{1b}[31mb", "override": "\u{202e}abc", "annotation": "a\u{fff9}b\u{fffb}", "blank": "\u{200b}\u{200b}",
            "lines": "первая\nвторая\tтаб", "emoji": "👩\u{200d}💻 готово"
        });
        let fields = ["nul", "escape", "override", "annotation", "blank", "lines", "emoji"];
        let mut input = Input::new(&value, &fields).unwrap();
        assert_eq!(input.optional_text("nul", 100), None);
        assert_eq!(input.optional_text("escape", 100), None);
        assert_eq!(input.optional_text("override", 100), None);
        assert_eq!(input.optional_text("annotation", 100), None);
        assert_eq!(input.text("blank", 100), None);
        assert_eq!(input.text("lines", 100).as_deref(), Some("первая\nвторая\tтаб"));
        assert_eq!(input.text("emoji", 100).as_deref(), Some("👩\u{200d}💻 готово"));
        let errors = input.finish().unwrap_err().0;
        let named: Vec<(&str, String)> = errors.iter().map(|e| (e.field.as_str(), e.problem.to_string())).collect();
        assert_eq!(
            named,
            [
                ("nul", "is malformed".to_string()),
                ("escape", "is malformed".to_string()),
                ("override", "is malformed".to_string()),
                ("annotation", "is malformed".to_string()),
                ("blank", Problem::Missing.to_string()),
            ]
        );
    }
}
