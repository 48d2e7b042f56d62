//! Russian presentation of amounts and hours: `20 000,00 ₽`, `12,5 ч`.
//! Group separators are non-breaking spaces so an amount never wraps inside a table cell.

use crate::units::{Hours, Money};

/// Non-breaking space, the Russian digit-group separator in the interface.
pub const NBSP: char = '\u{a0}';

/// Groups the digits of a non-negative integer string by three with non-breaking spaces.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NBSP);
        }
        out.push(c);
    }
    out
}

/// `20 000,00` — kopecks always shown, comma as the decimal separator.
pub fn rubles_number(m: Money) -> String {
    let text = m.to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    format!("{},{}", group_thousands(int), frac)
}

/// `20 000,00 ₽`
pub fn rubles(m: Money) -> String {
    format!("{}{NBSP}₽", rubles_number(m))
}

/// `12,5` — hours without trailing zeros, comma decimal separator, grouped.
pub fn hours_number(h: Hours) -> String {
    decimal_ru(&h.to_string())
}

/// `100 000 000,5` from `100000000.5`: a plain decimal as the interface writes it.
pub fn decimal_ru(text: &str) -> String {
    match text.split_once('.') {
        Some((int, frac)) => format!("{},{}", group_thousands(int), frac),
        None => group_thousands(text),
    }
}

/// `12,5 ч`
pub fn hours(h: Hours) -> String {
    format!("{}{NBSP}ч", hours_number(h))
}

/// Russian month names in the nominative, January first.
pub const MONTHS_RU: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

/// `январь 2027`
pub fn period_ru(p: crate::period::Period) -> String {
    format!("{} {}", MONTHS_RU[(p.month() - 1) as usize], p.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_money() {
        assert_eq!(rubles(Money::from_kopecks(20_000_00)), "20\u{a0}000,00\u{a0}₽");
        assert_eq!(rubles(Money::from_kopecks(5)), "0,05\u{a0}₽");
        assert_eq!(rubles(Money::from_kopecks(123_456_789_01)), "123\u{a0}456\u{a0}789,01\u{a0}₽");
        assert_eq!(rubles_number(Money::from_kopecks(999_99)), "999,99");
    }

    #[test]
    fn russian_hours() {
        assert_eq!(hours(Hours::from_centi(12_50)), "12,5\u{a0}ч");
        assert_eq!(hours(Hours::whole(1000)), "1\u{a0}000\u{a0}ч");
        assert_eq!(hours_number(Hours::ZERO), "0");
    }
}
