//! The whole scenario in a link's query string, so a calculation can be shared:
//! `start=2027-01-01&h=3,12.5,5,5&vat=on_top:22&tariff=start`, a custom tariff adding
//! `fee=45000&incl=10&over=2000&cap=10&trial=2&trate=2000`, and `end=` when the contract ends.
//!
//! Decoding never fails: a bad value lands in its field, where the form reports it.

use hourbank_domain::units::parse_decimal;
use hourbank_domain::Hours;

use crate::calculator::{CalculatorForm, TARIFF_CUSTOM};

/// The query keys of the custom tariff's fields, in the order of `Tariff::FIELDS`.
pub const TARIFF_KEYS: [&str; 6] = ["fee", "incl", "over", "cap", "trial", "trate"];

/// Every key a link may hold.
pub const KEYS: [&str; 11] = ["start", "end", "h", "vat", "tariff", "fee", "incl", "over", "cap", "trial", "trate"];

fn is_known(key: &str) -> bool {
    KEYS.contains(&key)
}

/// Percent-encodes everything but unreserved characters.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` and `+`; a stray `%` is kept, invalid UTF-8 replaced.
pub(crate) fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A number as typed, in its shortest exact form when it is one (`12,50` → `12.5`), else as typed.
/// Either way the form computes the same from it.
pub(crate) fn number(text: &str) -> String {
    let text = text.trim();
    match parse_decimal("", text) {
        Ok(value) if !text.is_empty() => value.normalize().to_string(),
        _ => text.to_string(),
    }
}

/// One month's hours: canonical when valid (`12.5`), empty stays empty.
fn month(text: &str) -> String {
    let text = text.trim();
    match Hours::parse_month("", text) {
        Ok(h) if !text.is_empty() => h.to_string(),
        _ => text.to_string(),
    }
}

/// The scenario as a query string, without the leading `?`.
pub fn encode(form: &CalculatorForm) -> String {
    let mut parts = vec![format!("start={}", escape(form.start.trim()))];
    if !form.end.trim().is_empty() {
        parts.push(format!("end={}", escape(form.end.trim())));
    }
    let hours: Vec<String> = form.hours.iter().map(|h| escape(&month(h))).collect();
    parts.push(format!("h={}", hours.join(",")));
    if form.vat_mode != "none" {
        parts.push(format!("vat={}:{}", escape(&form.vat_mode), escape(&number(&form.vat_rate))));
    }
    parts.push(format!("tariff={}", escape(&form.tariff)));
    if form.tariff == TARIFF_CUSTOM {
        for (key, text) in TARIFF_KEYS.iter().zip(&form.custom) {
            parts.push(format!("{key}={}", escape(&number(text))));
        }
    }
    parts.join("&")
}

/// The `(key, raw value)` pairs of a query string (with or without its `?`).
pub(crate) fn pairs(query: &str) -> impl Iterator<Item = (String, &str)> {
    query.strip_prefix('?').unwrap_or(query).split('&').filter(|p| !p.is_empty()).map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (unescape(k), v)
    })
}

/// The scenario of a link, over `base` (what the link leaves out). Unknown keys are ignored.
pub fn decode(query: &str, base: CalculatorForm) -> CalculatorForm {
    let mut form = base;
    for (key, raw) in pairs(query) {
        match key.as_str() {
            "start" => form.start = unescape(raw),
            "end" => form.end = unescape(raw),
            "h" => {
                let hours: Vec<String> = raw.split(',').map(unescape).collect();
                form.count = hours.len().to_string();
                form.hours = hours;
                // The count reports a list too long; the page never renders more than the limit.
                form.hours.truncate(hourbank_domain::scenario::MAX_SCENARIO_MONTHS);
            }
            "vat" => {
                // `vat=on_top` alone takes the base's rate (22 %); `vat=on_top:` is an empty rate.
                match raw.split_once(':') {
                    Some((mode, rate)) => {
                        form.vat_mode = unescape(mode);
                        form.vat_rate = unescape(rate);
                    }
                    None => form.vat_mode = unescape(raw),
                }
            }
            "tariff" => form.tariff = unescape(raw),
            other => {
                if let Some(i) = TARIFF_KEYS.iter().position(|k| *k == other) {
                    form.custom[i] = unescape(raw);
                }
            }
        }
    }
    form
}

/// Decodes a query that must be a whole scenario of ours: `start` and `h` present, no unknown key.
/// Returns the offending key otherwise (for stored scenarios, where anything else is corruption).
pub fn decode_strict(query: &str, base: CalculatorForm) -> Result<CalculatorForm, String> {
    let keys: Vec<String> = pairs(query).map(|(k, _)| k).collect();
    if let Some(unknown) = keys.iter().find(|k| !is_known(k)) {
        return Err(unknown.clone());
    }
    for required in ["start", "h"] {
        if !keys.iter().any(|k| k == required) {
            return Err(required.to_string());
        }
    }
    Ok(decode(query, base))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calculator::Outcome;
    use chrono::NaiveDate;

    fn base() -> CalculatorForm {
        CalculatorForm::new(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
    }

    fn total(f: &CalculatorForm) -> String {
        match f.evaluate() {
            Outcome::Statement(c) => c.statement.summary.total_with_vat.to_string(),
            Outcome::Invalid(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn a_link_holds_the_whole_scenario() {
        let f = decode("?start=2027-01-01&h=3,12.5,5,5&vat=on_top:22&tariff=start", base());
        assert_eq!(f.start, "2027-01-01");
        assert_eq!(f.hours, ["3", "12.5", "5", "5"]);
        assert_eq!(f.count, "4");
        assert_eq!((f.vat_mode.as_str(), f.vat_rate.as_str()), ("on_top", "22"));
        // (6 000 + 25 000 + 20 000 + 20 000) × 1,22
        assert_eq!(total(&f), "86620.00");
        assert_eq!(encode(&f), "start=2027-01-01&h=3,12.5,5,5&vat=on_top:22&tariff=start");
    }

    #[test]
    fn a_custom_tariff_and_an_end_date() {
        let q = "start=2027-01-01&end=2027-04-30&h=0,0,0,30&tariff=custom&fee=45000&incl=10&over=2500&cap=10&trial=2&trate=2000";
        let f = decode(q, base());
        assert_eq!(f.tariff, TARIFF_CUSTOM);
        assert_eq!(f.custom, ["45000", "10", "2500", "10", "2", "2000"]);
        // March 45 000 (10 h to the reserve); April 10 + 10 + 10 × 2 500 = 70 000.
        assert_eq!(total(&f), "115000.00");
        assert_eq!(encode(&f), q);
    }

    #[test]
    fn typed_numbers_become_canonical_and_odd_text_is_escaped() {
        let mut f = base();
        f.hours = vec![" 12,50 ".into(), String::new(), "1;2".into(), "a,b".into()];
        f.count = "4".into();
        f.tariff = TARIFF_CUSTOM.into();
        // Thousands grouped as the page shows them are a number.
        f.custom[0] = "45 000".into();
        f.custom[1] = "10,0".into();
        f.vat_mode = "included".into();
        f.vat_rate = "20,00".into();
        let q = encode(&f);
        assert_eq!(
            q,
            "start=2026-12-01&h=12.5,,1%3B2,a%2Cb&vat=included:20&tariff=custom\
             &fee=45000&incl=10&over=2000&cap=10&trial=2&trate=2000"
        );
        let back = decode(&q, base());
        assert_eq!(back.hours, ["12.5", "", "1;2", "a,b"]);
        assert_eq!(back.custom[0], "45000");
        assert_eq!(back.evaluate(), f.evaluate());
    }

    #[test]
    fn bad_values_in_a_link_become_field_errors() {
        let f = decode(
            "start=2027-02-30&end=tomorrow&h=3,-1,abc,1.234,745&vat=half:22&tariff=custom&fee=-5&trial=1.5&utm_source=x",
            base(),
        );
        let Outcome::Invalid(errors) = f.evaluate() else { panic!("bad link computed") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "tariff.monthly_fee",
                "tariff.trial_months",
                "start",
                "end",
                "vat.mode",
                "months[1]",
                "months[2]",
                "months[3]",
                "months[4]"
            ]
        );
        let f = decode("vat=on_top:abc&tariff=gold&h=%FF%", base());
        assert_eq!(f.hours, ["\u{fffd}%"]);
        assert_eq!(f.evaluate().error_ru("vat.rate").unwrap(), "не число: «abc»");
        assert!(f.evaluate().error_ru("tariff").unwrap().contains("«gold»"));
        assert!(f.evaluate().error_ru("months[0]").is_some());
        // A list longer than the limit is reported on the count, and cut for the page.
        let long = vec!["1"; 700].join(",");
        let f = decode(&format!("h={long}"), base());
        assert_eq!(f.hours.len(), 600);
        assert_eq!(f.evaluate().error_ru("count").unwrap(), "не больше 600");
    }

    #[test]
    fn an_empty_or_foreign_query_leaves_the_defaults() {
        assert_eq!(decode("", base()), base());
        assert_eq!(decode("?utm=1&&=&x", base()), base());
    }

    #[test]
    fn a_strict_decode_wants_a_whole_scenario() {
        assert!(decode_strict("start=2027-01-01&h=1&tariff=start", base()).is_ok());
        assert_eq!(decode_strict("start=2027-01-01", base()).unwrap_err(), "h");
        assert_eq!(decode_strict("start=2027-01-01&h=1&x=2", base()).unwrap_err(), "x");
    }

    /// Property tests run natively (proptest is a native dev-dependency only).
    #[cfg(not(target_arch = "wasm32"))]
    mod props {
        use super::*;
        use crate::calculator::TARIFF_START;
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            prop_oneof!["[0-9]{0,3}([.,][0-9]{0,3})?", "-?[0-9]{1,4}", ".{0,8}", Just(String::new()),]
        }

        fn form() -> impl Strategy<Value = CalculatorForm> {
            (
                prop_oneof![Just("start".to_string()), Just("custom".to_string()), ".{0,6}"],
                proptest::array::uniform6(text()),
                prop_oneof!["20[0-9]{2}-[01][0-9]-[0-3][0-9]", ".{0,10}"],
                prop_oneof![Just(String::new()), "20[0-9]{2}-[01][0-9]-[0-3][0-9]", ".{0,10}"],
                prop_oneof![
                    Just("none".to_string()),
                    Just("on_top".to_string()),
                    Just("included".to_string()),
                    ".{0,6}"
                ],
                text(),
                proptest::collection::vec(text(), 1..30),
            )
                .prop_map(|(tariff, custom, start, end, vat_mode, vat_rate, hours)| CalculatorForm {
                    tariff,
                    custom,
                    start,
                    end,
                    vat_mode,
                    vat_rate,
                    count: hours.len().to_string(),
                    hours,
                    cut: Vec::new(),
                })
        }

        proptest! {
            #[test]
            fn a_link_round_trips(f in form()) {
                let q = encode(&f);
                let back = decode(&q, base());
                // The same figures or the same errors, and the link of the link is the link.
                prop_assert_eq!(back.evaluate(), f.evaluate());
                prop_assert_eq!(encode(&back), q);
            }

            #[test]
            fn canonical_scenarios_round_trip_exactly(
                hours in proptest::collection::vec(0i64..=74_400, 1..40),
                day in 1u32..=28,
                mode in prop_oneof![Just("none"), Just("on_top"), Just("included")],
            ) {
                let mut f = base();
                f.start = format!("2027-03-{day:02}");
                f.hours = hours.iter().map(|&c| Hours::from_centi(c).to_string()).collect();
                f.count = f.hours.len().to_string();
                f.vat_mode = mode.to_string();
                f.tariff = TARIFF_START.into();
                prop_assert_eq!(decode(&encode(&f), base()), f);
            }
        }
    }
}
