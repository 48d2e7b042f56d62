//! The API's values as the interface shows them: amounts and hours the Russian way (the domain's
//! formatting), dates as `09.11.2026`, instants in Moscow time, which is the company's clock.

use hourbank_domain::format::hours;

/// `12,5 ч`.
pub fn hours_of(value: hourbank_domain::Hours) -> String {
    hours(value)
}

/// `09.11.2026`.
pub fn day_text(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:02}.{:02}.{}", date.day(), date.month(), date.year())
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
        assert_eq!(hours_of(hourbank_domain::Hours::from_centi(12_50)), "12,5\u{a0}ч");
        assert_eq!(day_text(chrono::NaiveDate::from_ymd_opt(2026, 11, 9).unwrap()), "09.11.2026");
        assert_eq!(instant_text("2026-11-09T22:30:00.000Z"), "10.11.2026 01:30");
        assert_eq!(instant_text("garbage"), "garbage");
    }
}
