//! The one CSV writer of the calculator and the server: `;`-separated (what Excel expects in a
//! Russian locale), quoted where needed, and safe to open in a spreadsheet — a cell that would
//! start a formula (`=`, `+`, `-`, `@`, a tab or a carriage return first, OWASP's list) is
//! prefixed with `'`, so text a client typed («=HYPERLINK(…)») stays text.

/// One cell, neutralised and quoted as needed. A plain number (`-5`, `0,5`) is left as it is: it
/// starts no formula and a spreadsheet should read it as a number.
pub fn cell(value: &str) -> String {
    if is_plain_number(value) || is_kept_text(value) {
        return value.to_string();
    }
    let neutral =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
    // A comma too: a spreadsheet whose list separator is the comma (an English Excel) splits an
    // unquoted cell there, and the text after it («x,=1+2») would start a formula of its own.
    if neutral.contains([';', ',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// A code that must stay text as written: an ИНН, whose 12 digits a spreadsheet shows as
/// «5,001E+11» and whose leading zero it drops; a month `2026-10`, which it turns into a date.
/// Written as the formula `="…"`, which Excel shows as that text. Only digits and dashes are
/// written so (nothing a formula could misuse); anything else is an ordinary cell.
pub fn kept_as_text(value: &str) -> String {
    if is_code(value) {
        format!("=\"{value}\"")
    } else {
        value.to_string()
    }
}

fn is_code(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit() || b == b'-')
}

/// The text inside a cell written `="…"` ([`kept_as_text`]), for a reader of our CSV.
pub fn kept_text_in(cell: &str) -> Option<&str> {
    cell.strip_prefix("=\"").and_then(|v| v.strip_suffix('"'))
}

/// `="…"` around a code ([`kept_as_text`]): it computes nothing but its own digits.
fn is_kept_text(value: &str) -> bool {
    kept_text_in(value).is_some_and(is_code)
}

/// Digits with an optional leading minus and one decimal comma or point: `-12`, `0,5`, `20000.00`.
fn is_plain_number(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = digits.split_once([',', '.']).unwrap_or((digits, "0"));
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
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
    fn codes_stay_text() {
        assert_eq!(kept_as_text("500100732259"), "=\"500100732259\"");
        assert_eq!(kept_as_text("2026-10"), "=\"2026-10\"");
        assert_eq!(line(&[kept_as_text("0123456789"), "x".into()]), "=\"0123456789\";x\r\n");
        // Anything but digits and dashes is an ordinary cell, neutralised as any other.
        assert_eq!(kept_as_text("12a"), "12a");
        assert_eq!(cell("=\"1\"&HYPERLINK(\"x\")"), "\"'=\"\"1\"\"&HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("=SUM(1)"), "'=SUM(1)");
    }

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

    /// Split the way a spreadsheet with the comma as its list separator reads a line (quotes
    /// group, `""` is a quote), or with `;` as ours does.
    fn split(line: &str, separator: char) -> Vec<String> {
        let (mut cells, mut current, mut quoted) = (Vec::new(), String::new(), false);
        let mut chars = line.trim_end_matches("\r\n").chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    current.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                c if c == separator && !quoted => cells.push(std::mem::take(&mut current)),
                c => current.push(c),
            }
        }
        cells.push(current);
        cells
    }

    #[test]
    fn no_cell_starts_a_formula_whichever_separator_the_spreadsheet_uses() {
        let hostile = ["Отчёт,=1+2,", "готово,=cmd|' /C calc'!A0,", "a, +1", "x,@SUM(A1)", "=1,2", "-2+3,4"];
        for separator in [';', ','] {
            for cell in split(&line(&hostile), separator) {
                assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell:?} with {separator:?}");
            }
        }
        assert_eq!(
            split(&line(&hostile), ';'),
            hostile.map(|h| if h.starts_with(['=', '-']) { format!("'{h}") } else { h.to_string() })
        );
    }

    #[test]
    fn plain_numbers_stay_numbers() {
        for number in ["-5", "-0,5", "0,5", "12", "20000.00", "1234,50"] {
            assert_eq!(cell(number), number);
        }
        for not_a_number in ["-", "-,5", "1,2,3", "-1e5", ",5"] {
            assert_ne!(cell(not_a_number), not_a_number, "{not_a_number:?}");
        }
    }
}
