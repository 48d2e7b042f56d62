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

/// Characters that show nothing, or reorder what is shown: control characters, the zero-width
/// ones, the soft hyphen and the bidirectional controls. A name made of them looks empty, or like
/// another name (`buh@romashka.demo` with a zero-width space after it).
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// An e-mail address as people write them: something@domain.tld, no spaces or invisible
/// characters, at most 254 characters; returned trimmed and in lower case.
pub fn parse_email(field: &str, text: &str) -> Result<String, FieldError> {
    let email = text.trim().to_lowercase();
    let plausible = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.contains('@'))
        && !email.contains(char::is_whitespace)
        && !email.contains(is_invisible)
        && email.len() <= 254;
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
        ] {
            assert_eq!(parse_email("email", bad).unwrap_err().field, "email", "{bad}");
        }
        assert_eq!(parse_email("email", " Sales@HourBank.ru ").unwrap(), "sales@hourbank.ru");
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
