//! The calculator's form as a plain type: text as typed in, validated by the domain's own rules.
//! Components only bind inputs to it and render what it returns.

use chrono::{Datelike, NaiveDate};
use hourbank_domain::{parse_date, simulate, Contract, FieldError, Hours, Statement, Tariff, Vat};

/// Months the first calculator shows.
pub const MONTHS: usize = 12;

/// What the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalculatorForm {
    pub start: String,
    pub hours: Vec<String>,
}

/// The statement, or the errors that keep it from being computed (never a partial figure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Statement(Statement),
    Invalid(Vec<FieldError>),
}

/// The 1st of the month after `today`: when a new contract usually starts.
pub fn default_start(today: NaiveDate) -> NaiveDate {
    let (y, m) = if today.month() == 12 { (today.year() + 1, 1) } else { (today.year(), today.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid first of month")
}

impl CalculatorForm {
    pub fn new(start: NaiveDate) -> Self {
        CalculatorForm { start: start.format("%Y-%m-%d").to_string(), hours: vec![String::new(); MONTHS] }
    }

    /// Field name of month `i`'s hours, as errors name it.
    pub fn hours_field(i: usize) -> String {
        format!("months[{i}]")
    }

    /// The start date, if valid.
    pub fn start_date(&self) -> Result<NaiveDate, FieldError> {
        parse_date("start", self.start.trim())
    }

    /// Validates every field (an empty hours field means 0 h) and simulates «Старт».
    pub fn evaluate(&self) -> Outcome {
        let mut errors = Vec::new();
        let start = self.start_date().map_err(|e| errors.push(e)).ok();
        let hours: Vec<Hours> = self
            .hours
            .iter()
            .enumerate()
            .filter_map(|(i, text)| {
                let text = text.trim();
                if text.is_empty() {
                    return Some(Hours::ZERO);
                }
                Hours::parse_month(&Self::hours_field(i), text).map_err(|e| errors.push(e)).ok()
            })
            .collect();
        let Some(start) = start.filter(|_| errors.is_empty()) else {
            return Outcome::Invalid(errors);
        };
        let contract = Contract::new(Tariff::start(), start, None).expect("no end date");
        match simulate(&contract, &hours, Vat::None) {
            Ok(statement) => Outcome::Statement(statement),
            Err(e) => Outcome::Invalid(vec![e]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CalculatorForm {
        CalculatorForm::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
    }

    #[test]
    fn the_default_start_is_the_first_of_next_month() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(default_start(d(2026, 11, 24)), d(2026, 12, 1));
        assert_eq!(default_start(d(2026, 12, 31)), d(2027, 1, 1));
    }

    #[test]
    fn empty_fields_mean_no_hours() {
        let Outcome::Statement(st) = form().evaluate() else { panic!("empty form refused") };
        assert_eq!(st.months.len(), MONTHS);
        assert!(st.summary.hours.is_zero());
        // Two trial months free of fee, then 10 subscription months.
        assert_eq!(st.summary.total.to_string(), "200000.00");
    }

    #[test]
    fn every_bad_field_is_reported_with_the_domains_message() {
        let mut f = form();
        f.hours[0] = "3".into();
        f.hours[3] = "-1".into();
        f.hours[7] = "1,234".into();
        f.start = "2027-02-30".into();
        let Outcome::Invalid(errors) = f.evaluate() else { panic!("bad input computed") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["start", "months[3]", "months[7]"]);
        assert_eq!(errors[1].to_string(), "months[3]: must not be negative");
        assert_eq!(errors[1].problem.ru(), "не может быть отрицательным");
    }

    #[test]
    fn russian_decimal_commas_are_accepted() {
        let mut f = form();
        f.hours[1] = " 12,5 ".into();
        let Outcome::Statement(st) = f.evaluate() else { panic!("valid form refused") };
        assert_eq!(st.months[1].total.to_string(), "25000.00");
    }
}
