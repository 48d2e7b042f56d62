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
