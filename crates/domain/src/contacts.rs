//! How a prospect reaches the company: its phone and e-mail, kept with the seller's requisites
//! (one settings record) and shown on the calculator's and the demo's next step.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Problem, Rule};

/// The company's contacts; each may be missing (not yet set by the admin).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    /// As the admin wrote it («+7 (495) 123-45-67»): shown as written, dialled by [`tel_href`].
    pub phone: Option<String>,
    /// Lower case.
    pub email: Option<String>,
}

impl Contacts {
    /// Checks both (each optional: empty is none), reporting every bad one at once.
    pub fn check(phone: Option<String>, email: Option<String>) -> Result<Contacts, Vec<FieldError>> {
        let present = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let mut errors = Vec::new();
        let phone = present(phone).and_then(|p| parse_phone("phone", &p).map_err(|e| errors.push(e)).ok());
        let email = present(email).and_then(|e| parse_email("email", &e).map_err(|e| errors.push(e)).ok());
        if errors.is_empty() {
            Ok(Contacts { phone, email })
        } else {
            Err(errors)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.phone.is_none() && self.email.is_none()
    }
}

/// Marks that reorder what is shown (a name read backwards, one text made to look like another).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show nothing, or reorder what is shown: control characters, the zero-width
/// ones, the soft hyphen, the fillers that draw a blank (Hangul, Braille, Mongolian), the
/// variation selectors and tags, and the bidirectional controls. A name made of them looks empty,
/// or like another name (`buh@romashka.demo` with a zero-width space after it). Some belong
/// inside real text (an emoji's variation selector, a joiner): the readers refuse only control
/// characters and bidirectional marks, and count a text of these alone as blank.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || is_bidi_control(c)
        || matches!(
            c,
            '\u{ad}'
                | '\u{34f}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200d}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{e0000}'..='\u{e007f}'
                | '\u{e0100}'..='\u{e01ef}'
        )
}

/// Combining marks: an accent over the letter before it, nothing shown on its own.
pub fn is_combining(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

/// A text that shows nothing: spaces, invisible characters and lone accents only.
pub fn looks_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_invisible(c) || is_combining(c))
}

/// A name as a reader sees it: lower case, without spaces, invisible characters or accents, and
/// Latin letters that look Cyrillic read as Cyrillic. Two names with one look are one name to a
/// reader («Cтарт» with a Latin C, «Ст\u{200b}арт», «старт »).
pub fn name_look(name: &str) -> String {
    name.chars()
        .filter(|&c| !(c.is_whitespace() || is_invisible(c) || is_combining(c)))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'a' => 'а',
            'b' => 'в',
            'c' => 'с',
            'e' => 'е',
            'h' => 'н',
            'k' => 'к',
            'm' => 'м',
            'o' => 'о',
            'p' => 'р',
            't' => 'т',
            'x' => 'х',
            'y' => 'у',
            'ё' => 'е',
            '0' => 'о',
            '3' => 'з',
            other => other,
        })
        .collect()
}

/// What an address's parts may hold (RFC 5322's `atext` in the part before `@`; letters, digits
/// and hyphens in the domain's): Latin only, so that no address can pass for another with a
/// Cyrillic «а» in it. (A Cyrillic domain is written in its `xn--` form.)
fn is_address_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c)
}

/// An e-mail address as people write them: something@domain.tld in Latin letters, no dot at
/// either end of a part or twice in a row, no spaces or invisible characters, at most 254
/// characters; returned trimmed and in lower case.
pub fn parse_email(field: &str, text: &str) -> Result<String, FieldError> {
    let email = text.trim().to_ascii_lowercase();
    let dotted = |part: &str, char_ok: fn(char) -> bool| {
        part.split('.').all(|piece| !piece.is_empty() && piece.chars().all(char_ok))
    };
    let plausible = email.split_once('@').is_some_and(|(local, domain)| {
        dotted(local, is_address_char)
            && domain.contains('.')
            && dotted(domain, |c| c.is_ascii_alphanumeric() || c == '-')
            && domain.split('.').all(|label| !label.starts_with('-') && !label.ends_with('-'))
    }) && email.len() <= 254;
    if plausible {
        Ok(email)
    } else {
        Err(FieldError::new(field, Problem::Rule(Rule::NotAnEmail)))
    }
}

/// A phone number as people write them: digits with spaces, dashes, brackets and a leading +;
/// 10 to 15 digits (ITU E.164 allows 15). Returned trimmed, as written.
pub fn parse_phone(field: &str, text: &str) -> Result<String, FieldError> {
    let phone = text.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed =
        phone.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || " -()".contains(c) || (c == '+' && i == 0));
    if allowed && (10..=15).contains(&digits) && phone.chars().count() <= 30 {
        Ok(phone.to_string())
    } else {
        Err(FieldError::new(field, Problem::Rule(Rule::NotAPhone)))
    }
}

/// The `tel:` link of a checked phone number: its digits with a +, a Russian trunk 8 written as
/// +7 («8 (495) 123-45-67» dials +74951234567), and a bare ten-digit number taken as Russian.
pub fn tel_href(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let international = if phone.trim_start().starts_with('+') {
        digits
    } else if digits.len() == 11 && digits.starts_with('8') {
        format!("7{}", &digits[1..])
    } else if digits.len() == 10 {
        format!("7{digits}")
    } else {
        digits
    };
    format!("tel:+{international}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_taken_as_written_and_dialled_in_full() {
        for (written, dialled) in [
            ("+7 (495) 123-45-67", "tel:+74951234567"),
            ("8 (495) 123-45-67", "tel:+74951234567"),
            ("495 123 45 67", "tel:+74951234567"),
            ("+44 20 7946 0958", "tel:+442079460958"),
        ] {
            assert_eq!(parse_phone("phone", written).as_deref(), Ok(written));
            assert_eq!(tel_href(written), dialled);
        }
    }

    #[test]
    fn what_is_not_a_phone_or_an_email_is_named() {
        for bad in ["123", "+7 495 CALL-NOW", "7+4951234567", "+7 (495) 123-45-67 доб. 5", "1234567890123456"] {
            let e = parse_phone("phone", bad).unwrap_err();
            assert_eq!(e.field, "phone", "{bad}");
        }
        // A zero-width space, a right-to-left override or a NUL makes a look-alike of an address.
        for bad in [
            "sales",
            "@hourbank.ru",
            "sales@hourbank",
            "sa les@hourbank.ru",
            "a@b@c.ru",
            "buh@romashka.demo\u{200b}",
            "\u{202e}buh@romashka.demo",
            "buh@roma\u{0}shka.demo",
            // A Cyrillic «а» in place of the Latin one: another address that reads the same.
            "\u{430}dmin@hourbank.demo",
            "a@.ru",
            "a@b.ru.",
            "a..b@c.ru",
            ".a@c.ru",
            "a@-b.ru",
            "a<script>@c.ru",
            "javascript:alert(1)//@x.ru",
            "\"a b\"@c.ru",
        ] {
            assert_eq!(parse_email("email", bad).unwrap_err().field, "email", "{bad}");
        }
        assert_eq!(parse_email("email", " Sales@HourBank.ru ").unwrap(), "sales@hourbank.ru");
        for good in ["o'brien+1@mail.example.co.uk", "a.b-c_d@xn--80a1acny.xn--p1ai", "x@1c.ru"] {
            assert_eq!(parse_email("email", good).as_deref(), Ok(good));
        }
    }

    #[test]
    fn names_that_read_the_same_have_one_look() {
        let start = name_look("Старт");
        for twin in ["Cтарт", "CTAPT", "Ст\u{200b}арт", "старт ", "С т а р т"] {
            assert_eq!(name_look(twin), start, "{twin:?}");
        }
        assert_ne!(name_look("Бизнес"), start);
        assert_ne!(name_look("Старт+"), start);
    }

    #[test]
    fn what_shows_nothing_looks_blank_and_real_text_does_not() {
        for blank in [
            "\u{3164}",
            "\u{2800}",
            "\u{115f}\u{ffa0}",
            "\u{180e}",
            "\u{34f}",
            "\u{fe0f}",
            "\u{301}",
            "\u{e0041}",
            " \u{200b} ",
        ] {
            assert!(looks_blank(blank), "{blank:?}");
        }
        for text in ["й", "и\u{306}", "❤\u{fe0f}", "👩\u{200d}💻", "a"] {
            assert!(!looks_blank(text), "{text:?}");
        }
        assert!(is_bidi_control('\u{61c}') && is_bidi_control('\u{202e}') && !is_bidi_control('a'));
    }

    #[test]
    fn contacts_report_every_bad_field_and_leave_empty_ones_unset() {
        let errors = Contacts::check(Some("12".into()), Some("nope".into())).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["phone", "email"]);
        let empty = Contacts::check(Some("  ".into()), None).unwrap();
        assert!(empty.is_empty());
        let set = Contacts::check(Some("+7 495 123-45-67".into()), Some("Sales@Hourbank.ru".into())).unwrap();
        assert_eq!(set.email.as_deref(), Some("sales@hourbank.ru"));
    }
}
