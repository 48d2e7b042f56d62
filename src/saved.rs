//! Scenarios saved by name in the browser's storage (LocalStorage): one key per scenario,
//! `hourbank.scenario:<name>`, holding `v1?` and the scenario's link query. A value that is not
//! ours, of an older format or damaged is reported and skipped; it never stops the app.

use hourbank_domain::{FieldError, Problem};

use crate::calculator::CalculatorForm;
use crate::link::{decode_strict, encode};

/// Prefix of every key this app stores a scenario under.
pub const KEY_PREFIX: &str = "hourbank.scenario:";
/// Prefix of the current stored format.
pub const VERSION_PREFIX: &str = "v1?";
/// Longest scenario name, in characters.
pub const MAX_NAME: usize = 80;

/// One stored entry, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    Scenario {
        name: String,
        form: Box<CalculatorForm>,
    },
    /// Reported and skipped: the name and why it cannot be opened.
    Unreadable {
        name: String,
        reason: Damage,
    },
}

/// Why a stored scenario cannot be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// Not a value this app ever wrote, or one that no longer decodes.
    Corrupt,
    /// Written by an earlier version in a format no longer read.
    OldFormat,
}

impl Damage {
    pub fn text(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Damage::Corrupt => lang.pick("данные повреждены", "the data is damaged"),
            Damage::OldFormat => lang.pick(
                "сохранён в старом формате, который больше не читается",
                "saved in an old format that is no longer read",
            ),
        }
    }
}

impl Stored {
    pub fn name(&self) -> &str {
        match self {
            Stored::Scenario { name, .. } | Stored::Unreadable { name, .. } => name,
        }
    }
}

/// The storage key of a scenario name.
pub fn storage_key(name: &str) -> String {
    format!("{KEY_PREFIX}{name}")
}

/// What is stored for a scenario.
pub fn stored_value(form: &CalculatorForm) -> String {
    format!("{VERSION_PREFIX}{}", encode(form))
}

/// A scenario's name as typed: trimmed, not empty, not too long.
pub fn parse_name(text: &str) -> Result<String, FieldError> {
    let name = text.trim();
    if name.is_empty() {
        return Err(FieldError::new("save.name", Problem::Missing));
    }
    if name.chars().count() > MAX_NAME {
        return Err(FieldError::new("save.name", Problem::MaxChars(MAX_NAME)));
    }
    Ok(name.to_string())
}

/// Reads one storage entry; `None` when the key is not one of ours.
pub fn parse_entry(key: &str, value: &str, base: &CalculatorForm) -> Option<Stored> {
    let name = key.strip_prefix(KEY_PREFIX)?.to_string();
    let unreadable = |reason: Damage| Some(Stored::Unreadable { name: name.clone(), reason });
    let Some(query) = value.strip_prefix(VERSION_PREFIX) else {
        return if value.starts_with('{') || value.starts_with("v0") {
            unreadable(Damage::OldFormat)
        } else {
            unreadable(Damage::Corrupt)
        };
    };
    match decode_strict(query, base.clone()) {
        Ok(form) => Some(Stored::Scenario { name, form: Box::new(form) }),
        Err(_) => unreadable(Damage::Corrupt),
    }
}

/// Every entry of ours among `(key, value)` pairs, sorted by name.
pub fn list(entries: impl IntoIterator<Item = (String, String)>, base: &CalculatorForm) -> Vec<Stored> {
    let mut list: Vec<Stored> = entries.into_iter().filter_map(|(k, v)| parse_entry(&k, &v, base)).collect();
    list.sort_by(|a, b| a.name().cmp(b.name()));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn base() -> CalculatorForm {
        CalculatorForm::new(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
    }

    #[test]
    fn a_saved_scenario_reads_back() {
        let mut f = base();
        f.hours[2] = "12,5".into();
        f.vat_mode = "on_top".into();
        let value = stored_value(&f);
        assert!(value.starts_with("v1?start=2026-12-01&h=,,12.5,"));
        let Some(Stored::Scenario { name, form }) = parse_entry(&storage_key("Весна"), &value, &base()) else {
            panic!("not read back")
        };
        assert_eq!(name, "Весна");
        assert_eq!(form.evaluate(), f.evaluate());
    }

    #[test]
    fn damaged_old_and_foreign_entries() {
        let b = base();
        assert_eq!(parse_entry("other-app", "v1?start=x&h=1", &b), None);
        let reason = |v: &str| match parse_entry("hourbank.scenario:x", v, &b) {
            Some(Stored::Unreadable { reason, .. }) => reason.text(crate::i18n::Lang::Ru).to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(reason("garbage"), "данные повреждены");
        assert_eq!(reason(""), "данные повреждены");
        assert_eq!(reason("v1?start=2027-01-01"), "данные повреждены");
        assert_eq!(reason("v1?start=2027-01-01&h=1&bogus=1"), "данные повреждены");
        assert_eq!(reason("{\"start\":\"2027-01-01\"}"), "сохранён в старом формате, который больше не читается");
        assert_eq!(Damage::OldFormat.text(crate::i18n::Lang::En), "saved in an old format that is no longer read");
        assert_eq!(Damage::Corrupt.text(crate::i18n::Lang::En), "the data is damaged");
        // A well-formed entry with bad values opens, and its fields report them.
        let Some(Stored::Scenario { form, .. }) = parse_entry("hourbank.scenario:x", "v1?start=2027-01-01&h=-1", &b)
        else {
            panic!("not opened")
        };
        assert_eq!(form.evaluate().error_ru("months[0]").unwrap(), "не может быть отрицательным");
    }

    #[test]
    fn the_list_is_sorted_and_keeps_the_unreadable_to_report_them() {
        let good = stored_value(&base());
        let entries = vec![
            ("hourbank.scenario:Б".to_string(), good.clone()),
            ("theme".to_string(), "dark".to_string()),
            ("hourbank.scenario:В".to_string(), "%%%".to_string()),
            ("hourbank.scenario:А".to_string(), good),
        ];
        let names: Vec<_> = list(entries, &base()).iter().map(|s| s.name().to_string()).collect();
        assert_eq!(names, ["А", "Б", "В"]);
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(parse_name("  Весна 2027 ").unwrap(), "Весна 2027");
        assert_eq!(parse_name("  ").unwrap_err().problem.ru(), "обязательное поле");
        assert!(parse_name(&"я".repeat(81)).is_err());
    }
}
