//! The API's values as the interface shows them: amounts and hours the Russian way (the domain's
//! formatting), dates as `09.11.2026`, instants in Moscow time, which is the company's clock.

use hourbank_domain::format::{hours, rubles};

use crate::model;

/// `20 000,00 ₽` from the API's `"20000.00"`; anything unreadable is shown as it came.
pub fn money_text(text: &str) -> String {
    model::money("amount", text).map(rubles).unwrap_or_else(|_| text.to_string())
}

/// `12,5 ч` from `"12.5"`.
pub fn hours_text(text: &str) -> String {
    model::hours("hours", text).map(hours).unwrap_or_else(|_| text.to_string())
}

/// `09.11.2026` from `2026-11-09` (or from the date part of an instant).
pub fn date_text(text: &str) -> String {
    let date = text.get(..10).unwrap_or(text);
    match date.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}.{m}.{y}"),
        _ => text.to_string(),
    }
}

/// `09.11.2026 15:00` (Moscow, UTC+3) from `2026-11-09T12:00:00.000Z`.
pub fn instant_text(text: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(at) => {
            let moscow = chrono::FixedOffset::east_opt(3 * 3600).expect("UTC+3 is a valid offset");
            at.with_timezone(&moscow).format("%d.%m.%Y %H:%M").to_string()
        }
        Err(_) => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_the_russian_way() {
        assert_eq!(money_text("20000.00"), "20\u{a0}000,00\u{a0}₽");
        assert_eq!(hours_text("12.5"), "12,5\u{a0}ч");
        assert_eq!(hours_text("x"), "x");
        assert_eq!(date_text("2026-11-09"), "09.11.2026");
        assert_eq!(date_text("2026-11-09T12:00:00.000Z"), "09.11.2026");
        assert_eq!(instant_text("2026-11-09T22:30:00.000Z"), "10.11.2026 01:30");
        assert_eq!(instant_text("garbage"), "garbage");
    }
}
