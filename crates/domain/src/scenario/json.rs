//! Reading a scenario from JSON (the server's; the browser builds scenarios from its forms).
//!
//! Input is walked by hand rather than derived so that every error names its exact field
//! (`months[3]`, `tariff.monthly_fee`, `vat.mode`) and numbers never pass through `f64`:
//! serde_json's `arbitrary_precision` keeps each number's text, which is parsed as a decimal.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::error::{FieldError, Problem, Rule};
use crate::period::{parse_date, Contract};
use crate::statement::{simulate, Statement};
use crate::tariff::{Tariff, Vat, VatRate};
use crate::units::{parse_decimal, Hours};

use super::MAX_SCENARIO_MONTHS;

/// A parsed scenario: everything `simulate` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub contract: Contract,
    pub months: Vec<Hours>,
    pub vat: Vat,
}

impl Scenario {
    pub fn simulate(&self) -> Result<Statement, FieldError> {
        simulate(&self.contract, &self.months, self.vat)
    }
}

/// Parses scenario JSON text.
pub fn parse_scenario(text: &str) -> Result<Scenario, FieldError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| FieldError::new("input", Problem::BadJson(e.to_string())))?;
    scenario_from_value(&value)
}

/// Reads a scenario from parsed JSON.
pub fn scenario_from_value(value: &Value) -> Result<Scenario, FieldError> {
    let root = object("input", value)?;
    reject_unknown("", root, &["start", "end", "months", "tariff", "vat"])?;

    let start = date_field(root, "start")?.ok_or_else(|| FieldError::new("start", Problem::Missing))?;
    let end = date_field(root, "end")?;

    let tariff = match root.get("tariff") {
        None | Some(Value::Null) => Tariff::start(),
        Some(v) => tariff_from_value(v).map_err(|e| e.under("tariff"))?,
    };
    let vat = match root.get("vat") {
        None | Some(Value::Null) => Vat::None,
        Some(v) => vat_from_value(v).map_err(|e| e.under("vat"))?,
    };

    let months_value = root.get("months").ok_or_else(|| FieldError::new("months", Problem::Missing))?;
    let Value::Array(items) = months_value else {
        return Err(FieldError::new("months", Problem::WrongType(crate::error::Expected::HourList)));
    };
    if items.len() > MAX_SCENARIO_MONTHS {
        return Err(FieldError::new("months", Problem::Rule(Rule::MaxMonths(MAX_SCENARIO_MONTHS))));
    }
    let months = items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let field = format!("months[{i}]");
            Hours::month(&field, decimal(&field, v)?)
        })
        .collect::<Result<Vec<_>, _>>()?;

    crate::period::check_contract_years(start, end)?;
    let contract = Contract::new(tariff, start, end)?;
    // Reject months past the contract's end before computing anything.
    if let Some(length) = contract.length_in_months()
        && months.len() > length as usize
    {
        let last = contract.last_period().expect("has an end").to_string();
        return Err(FieldError::new(format!("months[{length}]"), Problem::PastContractEnd(last)));
    }
    Ok(Scenario { contract, months, vat })
}

/// Reads a tariff object; each omitted field keeps «Старт»'s value.
pub fn tariff_from_value(value: &Value) -> Result<Tariff, FieldError> {
    let map = object("", value)?;
    reject_unknown("", map, &Tariff::FIELDS)?;
    let mut tariff = Tariff::start();
    for field in Tariff::FIELDS {
        if let Some(v) = map.get(field) {
            let text = decimal(field, v)?.to_string();
            tariff.set_field(field, &text)?;
        }
    }
    Ok(tariff)
}

/// Reads `{"mode": "on_top" | "included" | "none", "rate": "22"}`; the rate defaults to 22%.
pub fn vat_from_value(value: &Value) -> Result<Vat, FieldError> {
    let map = object("", value)?;
    reject_unknown("", map, &["mode", "rate"])?;
    let mode = match map.get("mode") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(FieldError::new("mode", Problem::WrongType(crate::error::Expected::Text))),
        None => return Err(FieldError::new("mode", Problem::Missing)),
    };
    let rate = match map.get("rate") {
        None | Some(Value::Null) => None,
        Some(v) => Some(VatRate::new("rate", decimal("rate", v)?)?),
    };
    Vat::from_mode("", mode, rate).map_err(|e| FieldError::new("mode", e.problem))
}

fn object<'a>(field: &str, value: &'a Value) -> Result<&'a Map<String, Value>, FieldError> {
    value.as_object().ok_or_else(|| FieldError::new(field, Problem::WrongType(crate::error::Expected::Object)))
}

fn reject_unknown(prefix: &str, map: &Map<String, Value>, allowed: &[&str]) -> Result<(), FieldError> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(unknown) => {
            let field = if prefix.is_empty() { unknown.clone() } else { format!("{prefix}.{unknown}") };
            Err(FieldError::new(field, Problem::UnknownField))
        }
        None => Ok(()),
    }
}

/// A number or a string holding one, exactly as written.
fn decimal(field: &str, value: &Value) -> Result<rust_decimal::Decimal, FieldError> {
    match value {
        Value::String(s) => parse_decimal(field, s),
        // The number's original text (`arbitrary_precision`, which this feature turns on).
        Value::Number(n) => parse_decimal(field, n.as_str()),
        _ => Err(FieldError::new(field, Problem::WrongType(crate::error::Expected::Number))),
    }
}

fn date_field(map: &Map<String, Value>, field: &str) -> Result<Option<NaiveDate>, FieldError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_date(field, s).map(Some),
        Some(_) => Err(FieldError::new(field, Problem::WrongType(crate::error::Expected::Date))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        parse_scenario(json).unwrap_err().to_string()
    }

    #[test]
    fn the_issue_example_parses() {
        let s = parse_scenario(
            r#"{"start": "2027-01-01", "end": "2027-12-31", "months": ["3", "12.5", 0, 7.25],
                "tariff": {"monthly_fee": "45000", "trial_months": 1},
                "vat": {"mode": "on_top", "rate": "22"}}"#,
        )
        .unwrap();
        assert_eq!(s.months.iter().map(|h| h.to_string()).collect::<Vec<_>>(), ["3", "12.5", "0", "7.25"]);
        assert_eq!(s.contract.tariff.monthly_fee.to_string(), "45000.00");
        assert_eq!(s.contract.tariff.trial_months, 1);
        assert_eq!(s.contract.tariff.included_hours, Hours::whole(10));
        assert_eq!(s.vat, Vat::OnTop(VatRate::GENERAL));
    }

    #[test]
    fn numbers_keep_their_exact_text() {
        // 0.1 + 0.2 style values must not pick up binary noise.
        let s = parse_scenario(r#"{"start": "2027-01-01", "months": [0.1, 0.29, 10]}"#).unwrap();
        assert_eq!(s.months[0].centi(), 10);
        assert_eq!(s.months[1].centi(), 29);
        assert_eq!(s.months[2].centi(), 1000);
        // Nor is an exponent read: nobody means `1e1` as 10 h.
        assert!(err(r#"{"start": "2027-01-01", "months": [1e1]}"#).starts_with("months[0]: is not a number"));
    }

    #[test]
    fn bad_input_names_the_field() {
        assert_eq!(err(r#"{"start": "2027-01-01", "months": [1, -2]}"#), "months[1]: must not be negative");
        assert_eq!(err(r#"{"start": "2027-01-01", "months": ["x"]}"#), "months[0]: is not a number: \"x\"");
        assert_eq!(
            err(r#"{"start": "2027-01-01", "months": [1.001]}"#),
            "months[0]: must have at most two decimal places"
        );
        assert_eq!(err(r#"{"start": "2027-01-01", "months": [745]}"#), "months[0]: must be at most 744");
        assert_eq!(
            err(r#"{"start": "2027-01-01", "months": [true]}"#),
            "months[0]: must be a number or a string holding one"
        );
        assert_eq!(
            err(r#"{"start": "2027-01-01", "months": [null]}"#),
            "months[0]: must be a number or a string holding one"
        );
        assert!(err(r#"{"start": "2027-02-30", "months": []}"#).starts_with("start: is not a valid date"));
        assert_eq!(err(r#"{"months": []}"#), "start: is required");
        assert_eq!(err(r#"{"start": "2027-01-01"}"#), "months: is required");
        assert_eq!(err(r#"{"start": "2027-01-01", "months": [], "colour": 1}"#), "colour: unknown field");
        assert_eq!(
            err(r#"{"start": "2027-01-01", "months": [], "tariff": {"monthly_fe": 1}}"#),
            "tariff.monthly_fe: unknown field"
        );
        assert_eq!(
            err(r#"{"start": "2027-01-01", "months": [], "tariff": {"monthly_fee": "-5"}}"#),
            "tariff.monthly_fee: must not be negative"
        );
        assert_eq!(
            err(r#"{"start": "2027-01-01", "months": [], "vat": {"mode": "sometimes"}}"#),
            "vat.mode: unknown value \"sometimes\", expected one of: none, included, on_top"
        );
        assert_eq!(
            err(r#"{"start": "2027-01-01", "months": [], "vat": {"mode": "on_top", "rate": "122"}}"#),
            "vat.rate: must be at most 100"
        );
        assert_eq!(
            err(r#"{"start": "2027-01-01", "end": "2027-02-10", "months": [1, 2, 3]}"#),
            "months[2]: is past the contract's end in 2027-02"
        );
        assert_eq!(
            err(r#"{"start": "2027-03-01", "end": "2027-02-10", "months": []}"#),
            "end: must not be before the contract's start (2027-03-01)"
        );
        assert!(err("{").starts_with("input: invalid JSON"));
        assert_eq!(err("[]"), "input: must be a JSON object");
    }
}
