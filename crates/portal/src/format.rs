//! The API's values as the interface shows them (hours in the interface's language are
//! `Lang::hours`): dates as `09.11.2026`, instants in Moscow time, which is the company's clock.

/// `09.11.2026`.
pub fn day_text(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:02}.{:02}.{}", date.day(), date.month(), date.year())
}

/// `09.11.2026 15:00` (Moscow, UTC+3) from the server's UTC instants, `2026-11-09T12:00:00.000Z`;
/// anything else is shown as it came. Read by hand: chrono's RFC 3339 parser and its `format`
/// weigh kilobytes of the portal's wasm.
pub fn instant_text(text: &str) -> String {
    moscow_minute(text).unwrap_or_else(|| text.to_string())
}

fn moscow_minute(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let two = |at: usize| -> Option<u32> {
        let pair = bytes.get(at..at + 2)?;
        pair.iter().all(u8::is_ascii_digit).then(|| u32::from(pair[0] - b'0') * 10 + u32::from(pair[1] - b'0'))
    };
    if bytes.get(10) != Some(&b'T') || bytes.get(13) != Some(&b':') || !text.ends_with('Z') {
        return None;
    }
    let date = hourbank_domain::parse_date("at", text.get(..10)?).ok()?;
    let utc = date.and_hms_opt(two(11)?, two(14)?, 0)?;
    let moscow = utc + chrono::Duration::hours(3);
    use chrono::Timelike;
    Some(format!("{} {:02}:{:02}", day_text(moscow.date()), moscow.hour(), moscow.minute()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_the_russian_way() {
        assert_eq!(day_text(chrono::NaiveDate::from_ymd_opt(2026, 11, 9).unwrap()), "09.11.2026");
        assert_eq!(instant_text("2026-11-09T22:30:00.000Z"), "10.11.2026 01:30");
        assert_eq!(instant_text("2026-12-31T21:05:59Z"), "01.01.2027 00:05", "across the year");
        assert_eq!(instant_text("2026-11-09T22:30:00+03:00"), "2026-11-09T22:30:00+03:00", "only UTC is read");
        assert_eq!(instant_text("2026-11-09T2x:30:00Z"), "2026-11-09T2x:30:00Z");
        assert_eq!(instant_text("garbage"), "garbage");
    }
}
