//! Money and hours: exact decimals that validate on entry.
//!
//! `Money` is rubles with kopecks (always scale 2); `Hours` are hours with at most two decimal
//! places. Both are non-negative by construction, so a value of either type is always valid.
//! Rounding happens in one place, [`round_kopecks`], half away from zero.

use std::fmt;
use std::iter::Sum;
use std::ops::Add;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{FieldError, Problem};

/// Most hours one month may hold: 31 days × 24 h.
pub const MAX_MONTH_HOURS: Decimal = Decimal::from_parts(744, 0, 0, false, 0);
/// Largest amount a price field may hold (100 million rubles): keeps the integer Monte Carlo
/// kernel far from overflow while being far beyond any real tariff.
pub const MAX_PRICE: Decimal = Decimal::from_parts(100_000_000, 0, 0, false, 0);
/// Largest amount or number of hours read from the API (10¹⁵): sums and totals the server writes
/// exceed the bounds of one price or one month's hours, and must still read back; this only keeps
/// kopecks and hundredths within `i64`.
const MAX_WIRE: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// Rounds to kopecks, half away from zero (the domain's only rounding mode; `round_dp` alone
/// would round half to even).
pub fn round_kopecks(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Parses an exact decimal from text as people and JSON write it: `12`, `12.5`, `-3`, the Russian
/// decimal comma `12,5`, and thousands grouped by spaces as amounts are shown (`20 000`,
/// `20 000,50`). Not an exponent: nobody typing hours or roubles means `1e1` as 10 (a slip of
/// the keyboard would log ten hours). `20.000` and `2,500` are refused as ambiguous: thousands as the
/// offer writes them («20.000 руб.»), or a fraction with a trailing zero — a thousandfold
/// mistake either way. Never goes through binary floating point.
pub fn parse_decimal(field: &str, text: &str) -> Result<Decimal, FieldError> {
    let trimmed = text.trim();
    // «20 000», as the pages show amounts: the spaces between digits (plain, no-break, narrow) go.
    let ungrouped = trimmed.replace([' ', '\u{a0}', '\u{202f}'], "");
    let trimmed = ungrouped.as_str();
    // «20.000», «2,500»: one to three digits (not 0), a separator, three digits ending in 0 —
    // what a decimal reading would accept as 20 or 2,5. (Byte by byte: it is in every page.)
    let b = trimmed.as_bytes();
    let n = b.len();
    if (5..=7).contains(&n)
        && b[0] != b'0'
        && matches!(b[n - 4], b'.' | b',')
        && b[n - 1] == b'0'
        && b.iter().enumerate().all(|(i, c)| i == n - 4 || c.is_ascii_digit())
    {
        return Err(FieldError::new(field, Problem::AmbiguousThousands(trimmed.to_string())));
    }
    let normalized;
    let candidate = if trimmed.contains(',') && !trimmed.contains('.') {
        normalized = trimmed.replace(',', ".");
        normalized.as_str()
    } else {
        trimmed
    };
    // Nothing typed is a missing value, not a number that failed («не число: «»»).
    if candidate.is_empty() {
        return Err(FieldError::new(field, Problem::Missing));
    }
    let not_a_number = || FieldError::new(field, Problem::NotANumber(text.to_string()));
    if !candidate.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+')) {
        return Err(not_a_number());
    }
    Decimal::from_str_exact(candidate).map_err(|_| not_a_number())
}

/// Checks the common rules of a non-negative quantity with at most two places.
fn check_non_negative_two_places(field: &str, value: Decimal, max: Decimal) -> Result<Decimal, FieldError> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(FieldError::new(field, Problem::Negative));
    }
    let value = value.normalize();
    if value.scale() > 2 {
        return Err(FieldError::new(field, Problem::TooManyDecimals));
    }
    if value > max {
        return Err(FieldError::new(field, Problem::TooLarge { max: max.to_string() }));
    }
    // `-0` normalizes to `0`; drop the sign so it prints as `0`.
    Ok(value.abs())
}

/// An amount of rubles, exact to the kopeck, never negative.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// Parses a price field: non-negative, at most two places, at most [`MAX_PRICE`].
    pub fn parse(field: &str, text: &str) -> Result<Money, FieldError> {
        let value = parse_decimal(field, text)?;
        Money::from_decimal(field, value)
    }

    /// Validates an exact decimal as a price field.
    pub fn from_decimal(field: &str, value: Decimal) -> Result<Money, FieldError> {
        Ok(Money::with_scale_2(check_non_negative_two_places(field, value, MAX_PRICE)?))
    }

    /// A computed product or quotient, rounded to kopecks half away from zero.
    /// Negative inputs are a bug in the caller, not bad input.
    pub fn rounded(amount: Decimal) -> Money {
        debug_assert!(!amount.is_sign_negative() || amount.is_zero(), "negative money {amount}");
        Money::with_scale_2(round_kopecks(amount).abs())
    }

    pub fn from_kopecks(kopecks: i64) -> Money {
        assert!(kopecks >= 0, "negative money");
        Money(Decimal::new(kopecks, 2))
    }

    /// The amount in kopecks (exact: the scale is always 2).
    pub fn kopecks(self) -> i64 {
        i64::try_from(self.0.mantissa()).expect("money fits in i64 kopecks")
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Price of `hours` at `self` per hour, rounded to kopecks.
    pub fn times(self, hours: Hours) -> Money {
        Money::rounded(self.0 * hours.0)
    }

    fn with_scale_2(mut value: Decimal) -> Money {
        value.rescale(2);
        Money(value)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money::with_scale_2(self.0 + other.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Default for Money {
    fn default() -> Self {
        Money::ZERO
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} RUB", self.0)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads the API's form (`"20000.00"`): any non-negative amount with at most two places. A
/// price field's bound ([`MAX_PRICE`]) is for input; totals the server writes may exceed it.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fn parse(text: &str) -> Result<Money, FieldError> {
            let value = check_non_negative_two_places("amount", parse_decimal("amount", text)?, MAX_WIRE)?;
            Ok(Money::with_scale_2(value))
        }
        crate::wire::from_str(d, parse)
    }
}

impl FromStr for Money {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse("amount", s)
    }
}

/// A number of hours: non-negative, at most two decimal places (0.01 h).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hours(Decimal);

impl Hours {
    pub const ZERO: Hours = Hours(Decimal::ZERO);

    /// Parses the hours of one month: non-negative, two places at most, at most 744.
    pub fn parse_month(field: &str, text: &str) -> Result<Hours, FieldError> {
        Hours::month(field, parse_decimal(field, text)?)
    }

    /// Validates an exact decimal as the hours of one month.
    pub fn month(field: &str, value: Decimal) -> Result<Hours, FieldError> {
        Hours::bounded(field, value, MAX_MONTH_HOURS)
    }

    /// Validates an exact decimal as hours with an upper bound.
    pub fn bounded(field: &str, value: Decimal, max: Decimal) -> Result<Hours, FieldError> {
        Ok(Hours(check_non_negative_two_places(field, value, max)?))
    }

    /// Whole hours (for literals and tests).
    pub fn whole(hours: u32) -> Hours {
        Hours(Decimal::from(hours))
    }

    /// From hundredths of an hour.
    pub fn from_centi(centi: i64) -> Hours {
        assert!(centi >= 0, "negative hours");
        Hours(Decimal::new(centi, 2).normalize())
    }

    /// Hundredths of an hour (exact: at most two places by construction).
    pub fn centi(self) -> i64 {
        let scaled = self.0 * Decimal::ONE_HUNDRED;
        i64::try_from(scaled.normalize().mantissa()).expect("hours fit in i64 hundredths")
    }

    pub fn value(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn min(self, other: Hours) -> Hours {
        if self <= other {
            self
        } else {
            other
        }
    }

    /// `self - other`, or zero when `other` is larger (the formulas never need a negative).
    pub fn saturating_sub(self, other: Hours) -> Hours {
        if self <= other {
            Hours::ZERO
        } else {
            Hours((self.0 - other.0).normalize())
        }
    }
}

impl Add for Hours {
    type Output = Hours;
    fn add(self, other: Hours) -> Hours {
        Hours((self.0 + other.0).normalize())
    }
}

impl Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        iter.fold(Hours::ZERO, Add::add)
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}

impl fmt::Debug for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} h", self.0.normalize())
    }
}

impl Serialize for Hours {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads the API's form (`"4.5"`): any non-negative number of hours with at most two places
/// (a task's logged hours may exceed one month's).
impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fn parse(text: &str) -> Result<Hours, FieldError> {
            Hours::bounded("hours", parse_decimal("hours", text)?, MAX_WIRE)
        }
        crate::wire::from_str(d, parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn thousands_grouped_by_spaces_are_read_and_by_a_dot_or_comma_refused() {
        let read = |t: &str| parse_decimal("fee", t);
        assert_eq!(read("20 000").unwrap(), dec!(20000));
        assert_eq!(read("20\u{a0}000,50").unwrap(), dec!(20000.50));
        assert_eq!(read(" 1\u{202f}234\u{202f}567.5 ").unwrap(), dec!(1234567.5));
        assert_eq!(read("-1 000").unwrap(), dec!(-1000));
        // The offer writes «20.000 руб.»: read as 20 it would be a thousand times off.
        for ambiguous in ["20.000", "2,000", "999,000", "2.500", " 20 .000 "] {
            let e = read(ambiguous).unwrap_err();
            assert!(matches!(e.problem, Problem::AmbiguousThousands(_)), "{ambiguous}");
        }
        assert_eq!(
            Problem::AmbiguousThousands("20.000".into()).ru(),
            "неоднозначно: «20.000» — тысячи пишите без точки и запятой"
        );
        // Fractions stay fractions: a leading 0, a last digit that is not 0, two places.
        assert_eq!(read("0.120").unwrap(), dec!(0.12));
        assert_eq!(read("20.00").unwrap(), dec!(20));
        assert_eq!(read("12,5").unwrap(), dec!(12.5));
        assert_eq!(read("1.005").unwrap(), dec!(1.005));
        assert_eq!(read("1234.500").unwrap(), dec!(1234.5));
        for junk in ["1.500.000", "1,000.5", "20 000 руб"] {
            assert!(matches!(read(junk).unwrap_err().problem, Problem::NotANumber(_)), "{junk}");
        }
    }

    #[test]
    fn rounding_is_half_away_from_zero_not_bankers() {
        assert_eq!(round_kopecks(dec!(0.125)), dec!(0.13));
        assert_eq!(round_kopecks(dec!(0.135)), dec!(0.14));
        assert_eq!(round_kopecks(dec!(2.345)), dec!(2.35));
        assert_eq!(round_kopecks(dec!(-0.125)), dec!(-0.13));
        assert_eq!(round_kopecks(dec!(0.1249)), dec!(0.12));
    }

    #[test]
    fn nothing_typed_is_missing_not_a_bad_number() {
        for blank in ["", "  ", ","] {
            let e = Hours::parse_month("hours", blank).unwrap_err();
            assert_eq!(e.field, "hours");
            let expected = if blank == "," { Problem::NotANumber(",".into()) } else { Problem::Missing };
            assert_eq!(e.problem, expected, "{blank:?}");
        }
        assert_eq!(Problem::Missing.ru(), "обязательное поле");
    }

    #[test]
    fn the_api_form_reads_back_past_the_input_bounds_and_nothing_invalid_does() {
        let money: Money = serde_json::from_str("\"250000000.00\"").unwrap();
        assert_eq!(money, Money::from_kopecks(25_000_000_000), "a total above one price's bound");
        assert_eq!(serde_json::to_string(&money).unwrap(), "\"250000000.00\"");
        let hours: Hours = serde_json::from_str("\"812.25\"").unwrap();
        assert_eq!(hours, Hours::from_centi(81_225), "a task's hours above one month's");
        for bad in ["\"-1\"", "\"1.005\"", "\"x\"", "12", "\"1e16\""] {
            assert!(serde_json::from_str::<Money>(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<Hours>(bad).is_err(), "{bad}");
        }
        let e = serde_json::from_str::<Money>("\"-1\"").unwrap_err().to_string();
        assert!(e.contains("must not be negative"), "{e}");
    }

    #[test]
    fn money_always_prints_kopecks() {
        assert_eq!(Money::parse("fee", "20000").unwrap().to_string(), "20000.00");
        assert_eq!(Money::parse("fee", "20000,5").unwrap().to_string(), "20000.50");
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(Money::from_kopecks(600000).to_string(), "6000.00");
        assert_eq!(Money::parse("fee", "12.10").unwrap().kopecks(), 1210);
    }

    #[test]
    fn money_rejects_bad_input_naming_the_field() {
        let e = Money::parse("tariff.monthly_fee", "-1").unwrap_err();
        assert_eq!(e.to_string(), "tariff.monthly_fee: must not be negative");
        let e = Money::parse("tariff.monthly_fee", "1.001").unwrap_err();
        assert_eq!(e.to_string(), "tariff.monthly_fee: must have at most two decimal places");
        let e = Money::parse("fee", "abc").unwrap_err();
        assert_eq!(e.problem, Problem::NotANumber("abc".into()));
        assert!(Money::parse("fee", "NaN").is_err());
        assert!(Money::parse("fee", "inf").is_err());
        assert!(Money::parse("fee", "").is_err());
        assert!(Money::parse("fee", "100000000.01").is_err());
    }

    #[test]
    fn hours_validate_on_entry() {
        assert_eq!(Hours::parse_month("m", "12.50").unwrap().to_string(), "12.5");
        for exponent in ["1e1", "1E1", "1e-1", "0.001e3"] {
            assert_eq!(Hours::parse_month("m", exponent).unwrap_err().problem, Problem::NotANumber(exponent.into()));
        }
        assert!(Money::parse("fee", "1e3").is_err());
        assert_eq!(Hours::parse_month("m", "744").unwrap().centi(), 74400);
        assert_eq!(Hours::parse_month("m", "-0").unwrap().to_string(), "0");
        assert_eq!(Hours::parse_month("m", "0.1").unwrap().centi(), 10);
        assert_eq!(Hours::parse_month("months[1]", "-2").unwrap_err().to_string(), "months[1]: must not be negative");
        assert_eq!(
            Hours::parse_month("months[0]", "744.01").unwrap_err().to_string(),
            "months[0]: must be at most 744"
        );
        assert_eq!(
            Hours::parse_month("months[2]", "1.005").unwrap_err().to_string(),
            "months[2]: must have at most two decimal places"
        );
        assert!(Hours::parse_month("m", "NaN").is_err());
        assert!(Hours::parse_month("m", "1.2.3").is_err());
    }

    #[test]
    fn price_times_hours_rounds_once() {
        let rate = Money::parse("r", "1999.99").unwrap();
        let h = Hours::parse_month("h", "0.25").unwrap();
        // 1999.99 × 0.25 = 499.9975 → 500.00
        assert_eq!(rate.times(h).to_string(), "500.00");
        let rate = Money::parse("r", "0.5").unwrap();
        let h = Hours::parse_month("h", "0.01").unwrap();
        // 0.005 → 0.01 (half away from zero; banker's would give 0.00)
        assert_eq!(rate.times(h).to_string(), "0.01");
    }

    #[test]
    fn centi_round_trips() {
        for c in [0, 1, 10, 99, 100, 1234, 74400] {
            assert_eq!(Hours::from_centi(c).centi(), c);
        }
    }
}
