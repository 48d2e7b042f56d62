//! ИНН, the Russian taxpayer number: 10 digits for a company, 12 for a sole trader, with check
//! digits, so a mistyped number is caught on entry.

use crate::error::{FieldError, Problem};

const W10: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const W11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const W12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10
}

/// Validates an ИНН and returns it without surrounding spaces.
pub fn parse_inn(field: &str, text: &str) -> Result<String, FieldError> {
    let inn = text.trim();
    let bad = |why: &str| FieldError::new(field, Problem::Other(why.to_string()));
    if !inn.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("must contain digits only"));
    }
    let digits: Vec<u32> = inn.bytes().map(|b| u32::from(b - b'0')).collect();
    let valid = match digits.len() {
        10 => check_digit(&digits[..9], &W10) == digits[9],
        12 => check_digit(&digits[..10], &W11) == digits[10] && check_digit(&digits[..11], &W12) == digits[11],
        _ => return Err(bad("must have 10 digits (a company) or 12 (a sole trader)")),
    };
    if valid {
        Ok(inn.to_string())
    } else {
        Err(bad("has a wrong check digit"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_numbers_pass() {
        // Published ИНН of large companies (Sberbank, Yandex) and a valid 12-digit number.
        assert_eq!(parse_inn("inn", "7707083893").unwrap(), "7707083893");
        assert!(parse_inn("inn", "7736207543").is_ok());
        assert!(parse_inn("inn", " 500100732259 ").is_ok());
    }

    #[test]
    fn mistakes_are_caught() {
        assert_eq!(parse_inn("inn", "7707083894").unwrap_err().to_string(), "inn: has a wrong check digit");
        assert!(parse_inn("inn", "500100732258").is_err());
        assert!(parse_inn("inn", "77070838").is_err());
        assert!(parse_inn("inn", "77070838a3").is_err());
    }
}
