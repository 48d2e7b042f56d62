//! The one way text goes into HTML built as a string: escaped. The calculator renders the
//! statement, the comparison, the simulation and the charts as one HTML string each (it keeps the
//! wasm small), and the server writes its few pages (the contact page) the same way; tariff names
//! and the company's contacts are user text, so every value put into them passes through [`text`].

/// `text` with `&`, `<`, `>`, `"` and `'` escaped: safe between tags and inside quoted attributes.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            text("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(text("Старт 20 000,00 ₽"), "Старт 20 000,00 ₽");
    }
}
