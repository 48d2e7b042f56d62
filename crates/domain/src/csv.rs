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

#[cfg(test)]
mod tests {
    use super::*;

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
