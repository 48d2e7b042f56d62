//! ИНН, the Russian taxpayer number: 10 digits for a company, 12 for a sole trader, with check
//! digits, so a mistyped number is caught on entry.

use crate::error::{FieldError, Problem, Rule};

const W10: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const W11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const W12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10
}

/// Validates an ИНН and returns it without surrounding spaces.
pub fn parse_inn(field: &str, text: &str) -> Result<String, FieldError> {
    let inn = text.trim();
    let bad = |rule: Rule| FieldError::new(field, Problem::Rule(rule));
    if !inn.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(Rule::DigitsOnly));
    }
    let digits: Vec<u32> = inn.bytes().map(|b| u32::from(b - b'0')).collect();
    let valid = match digits.len() {
        10 => check_digit(&digits[..9], &W10) == digits[9],
        12 => check_digit(&digits[..10], &W11) == digits[10] && check_digit(&digits[..11], &W12) == digits[11],
        _ => return Err(bad(Rule::InnLength)),
    };
    if valid {
        Ok(inn.to_string())
    } else {
        Err(bad(Rule::WrongCheckDigit))
    }
}

/// Validates a КПП (tax registration reason code): 9 characters, four digits (the tax office),
/// two digits or capital Latin letters (the reason), three digits.
pub fn parse_kpp(field: &str, text: &str) -> Result<String, FieldError> {
    let kpp = text.trim();
    let b = kpp.as_bytes();
    let valid = b.len() == 9
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4..6].iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && b[6..].iter().all(u8::is_ascii_digit);
    if valid {
        Ok(kpp.to_string())
    } else {
        Err(FieldError::new(field, Problem::Rule(Rule::KppForm)))
    }
}

/// Validates a БИК (bank identification code): 9 digits, Russian ones starting with 04.
pub fn parse_bik(field: &str, text: &str) -> Result<String, FieldError> {
    let bik = digits_only(field, text, 9)?;
    if bik.starts_with("04") {
        Ok(bik)
    } else {
        Err(FieldError::new(field, Problem::Rule(Rule::BikStart)))
    }
}

/// Validates a settlement account (расчётный счёт) of the bank `bik`: 20 digits whose control
/// key, with the last three digits of the БИК, checks (the Bank of Russia's 7-1-3 weights).
pub fn parse_account(field: &str, text: &str, bik: &str) -> Result<String, FieldError> {
    let account = digits_only(field, text, 20)?;
    check_account_key(field, &format!("{}{account}", &bik[6..]), account)
}

/// Validates a correspondent account (корреспондентский счёт) of the bank `bik`: 20 digits
/// starting with 301, keyed with "0" and the fifth and sixth digits of the БИК.
pub fn parse_corr_account(field: &str, text: &str, bik: &str) -> Result<String, FieldError> {
    let account = digits_only(field, text, 20)?;
    if !account.starts_with("301") {
        return Err(FieldError::new(field, Problem::Rule(Rule::CorrAccountStart)));
    }
    check_account_key(field, &format!("0{}{account}", &bik[4..6]), account)
}

fn digits_only(field: &str, text: &str, count: usize) -> Result<String, FieldError> {
    let value = text.trim();
    if value.len() == count && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_string())
    } else {
        Err(FieldError::new(field, Problem::Rule(Rule::Digits(count))))
    }
}

fn check_account_key(field: &str, keyed: &str, account: String) -> Result<String, FieldError> {
    const WEIGHTS: [u32; 3] = [7, 1, 3];
    let sum: u32 = keyed.bytes().enumerate().map(|(i, b)| u32::from(b - b'0') * WEIGHTS[i % 3]).sum();
    if sum.is_multiple_of(10) {
        Ok(account)
    } else {
        Err(FieldError::new(field, Problem::Rule(Rule::WrongCheckDigit)))
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

    #[test]
    fn bank_requisites_are_checked() {
        // Sberbank's published БИК and correspondent account.
        assert_eq!(parse_bik("bik", " 044525225 ").unwrap(), "044525225");
        assert_eq!(parse_corr_account("k", "30101810400000000225", "044525225").unwrap(), "30101810400000000225");
        assert_eq!(parse_account("a", "40702810938000012345", "044525225").unwrap(), "40702810938000012345");
        assert_eq!(
            parse_account("a", "40702810838000012345", "044525225").unwrap_err().to_string(),
            "a: has a wrong check digit"
        );
        assert_eq!(parse_corr_account("k", "30101810400000000226", "044525225").unwrap_err().field, "k");
        assert_eq!(parse_bik("bik", "123456789").unwrap_err().to_string(), "bik: must start with 04");
        assert_eq!(parse_bik("bik", "04452522").unwrap_err().to_string(), "bik: must be 9 digits");
        assert_eq!(parse_kpp("kpp", "770701001").unwrap(), "770701001");
        assert_eq!(parse_kpp("kpp", "7707AB001").unwrap(), "7707AB001");
        assert!(parse_kpp("kpp", "77070100").is_err());
        assert!(parse_kpp("kpp", "7707ab001").is_err());
    }
}
