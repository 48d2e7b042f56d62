//! The one CSV writer of the calculator and the server: `;`-separated (what Excel expects in a
//! Russian locale), quoted where needed, and safe to open in a spreadsheet — a cell that would
//! start a formula (`=`, `+`, `-`, `@`, a tab or a carriage return first, OWASP's list) is
//! prefixed with `'`, so text a client typed («=HYPERLINK(…)») stays text.

/// One cell, neutralised and quoted as needed.
pub fn cell(value: &str) -> String {
    let neutral =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
    if neutral.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One line: the cells joined by `;`, ended by CRLF.
pub fn line<S: AsRef<str>>(cells: &[S]) -> String {
    cells.iter().map(|c| cell(c.as_ref())).collect::<Vec<_>>().join(";") + "\r\n"
}

/// A number as a Russian spreadsheet reads one: the decimal point becomes a comma
/// (`12.5` → `12,5`, `20000.00` → `20000,00`); an empty value stays empty.
pub fn number(value: impl std::fmt::Display) -> String {
    value.to_string().replacen('.', ",", 1)
}

/// Moscow's offset from UTC: +3 h all year since 2014 (no daylight saving).
const MOSCOW_OFFSET_SECONDS: i32 = 3 * 3600;

/// A stored UTC timestamp (RFC 3339) as Moscow time, `ДД.ММ.ГГГГ ЧЧ:ММ`; anything else is kept
/// as it is (an empty value stays empty).
pub fn moscow_time(text: &str) -> String {
    let moscow = chrono::FixedOffset::east_opt(MOSCOW_OFFSET_SECONDS).expect("a valid offset");
    match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(at) => at.with_timezone(&moscow).format("%d.%m.%Y %H:%M").to_string(),
        Err(_) => text.to_string(),
    }
}

/// A date `ГГГГ-ММ-ДД` as `ДД.ММ.ГГГГ`; anything else is kept as it is.
pub fn date(text: &str) -> String {
    match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => day.format("%d.%m.%Y").to_string(),
        Err(_) => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_and_times_for_russian_excel() {
        assert_eq!(number("12.5"), "12,5");
        assert_eq!(number("20000.00"), "20000,00");
        assert_eq!(number("3"), "3");
        assert_eq!(number(""), "");
        // 16:00 UTC is 19:00 in Moscow; near midnight the day moves too.
        assert_eq!(moscow_time("2026-10-12T16:00:00.000Z"), "12.10.2026 19:00");
        assert_eq!(moscow_time("2026-12-31T22:30:00Z"), "01.01.2027 01:30");
        assert_eq!(moscow_time(""), "");
        assert_eq!(date("2026-10-12"), "12.10.2026");
        assert_eq!(date("не дата"), "не дата");
    }

    #[test]
    fn formulas_are_neutralised() {
        for hostile in ["=HYPERLINK(\"http://x\";\"y\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            let c = cell(hostile);
            let unquoted = c.trim_start_matches('"');
            assert!(unquoted.starts_with('\''), "{hostile:?} → {c:?}");
        }
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("=A1;B1"), "\"'=A1;B1\"");
        assert_eq!(cell("ООО \"Ромашка\""), "\"ООО \"\"Ромашка\"\"\"");
        assert_eq!(cell("20000.00"), "20000.00");
        assert_eq!(line(&["a", "b;c"]), "a;\"b;c\"\r\n");
    }
}
