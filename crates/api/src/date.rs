//! Calendar dates as the API writes them, `YYYY-MM-DD`, read with the domain's own parser:
//! chrono's `FromStr` brings its whole format parser into the browser's wasm.

use chrono::NaiveDate;
use hourbank_domain::wire;
use serde::{Deserializer, Serializer};

pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    wire::write_date(date, s)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    wire::date(d)
}

/// The same for an optional date (`null` or absent is none); use with `#[serde(default)]`.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => wire::write_date(date, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        wire::optional_date(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Dated {
        #[serde(with = "crate::date")]
        day: NaiveDate,
        #[serde(default, with = "crate::date::option")]
        until: Option<NaiveDate>,
    }

    #[test]
    fn dates_read_back_and_bad_ones_do_not() {
        let dated: Dated = serde_json::from_str(r#"{"day": "2026-11-23", "until": null}"#).unwrap();
        assert_eq!(dated, Dated { day: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), until: None });
        assert_eq!(serde_json::to_string(&dated).unwrap(), r#"{"day":"2026-11-23","until":null}"#);
        let absent: Dated = serde_json::from_str(r#"{"day": "2026-11-23"}"#).unwrap();
        assert_eq!(absent.until, None);
        let with: Dated = serde_json::from_str(r#"{"day": "2026-11-23", "until": "2027-02-28"}"#).unwrap();
        assert_eq!(with.until, NaiveDate::from_ymd_opt(2027, 2, 28));
        for bad in [r#"{"day": "2026-02-30"}"#, r#"{"day": "23.11.2026"}"#, r#"{"day": "2026-11-23", "until": "x"}"#] {
            assert!(serde_json::from_str::<Dated>(bad).is_err(), "{bad}");
        }
    }
}
