//! Monthly reports (`/reports`): the months, the month's report and its statement row.

use hourbank_domain::{FieldError, Hours, Money, MonthStatement, Period, Phase, Tariff};
use serde::{Deserialize, Serialize};

use crate::consultations::Consultation;
use crate::tasks::Worklog;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct MonthEntry {
    pub period: String,
    pub period_ru: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct MonthList {
    pub months: Vec<MonthEntry>,
}

/// A statement row as the server wrote it (the domain's `MonthStatement`, serialised).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct StatementRow {
    pub period: String,
    pub phase: String,
    pub hours: String,
    pub fee: String,
    pub included_used: String,
    pub reserve_start: String,
    pub reserve_used: String,
    pub reserve_end: String,
    pub reserve_forfeited: String,
    pub extra_hours: String,
    pub extra_rate: String,
    pub extra_charge: String,
    pub total: String,
    pub vat: String,
    pub total_with_vat: String,
    pub contract_ends: bool,
}

impl StatementRow {
    /// The domain's row, so the portal explains and totals it with the same code as the
    /// calculator and the server; a damaged value names its field.
    pub fn to_domain(&self) -> Result<MonthStatement, hourbank_domain::FieldError> {
        let h = |field: &str, text: &str| hours(&format!("statement.{field}"), text);
        let m = |field: &str, text: &str| money(&format!("statement.{field}"), text);
        let phase = match self.phase.as_str() {
            "trial" => Phase::Trial,
            "subscription" => Phase::Subscription,
            other => {
                return Err(hourbank_domain::FieldError::new(
                    "statement.phase",
                    hourbank_domain::Problem::UnknownValue {
                        given: other.into(),
                        expected: "trial, subscription".into(),
                    },
                ));
            }
        };
        Ok(MonthStatement {
            period: Period::parse("statement.period", &self.period)?,
            phase,
            hours: h("hours", &self.hours)?,
            fee: m("fee", &self.fee)?,
            included_used: h("included_used", &self.included_used)?,
            reserve_start: h("reserve_start", &self.reserve_start)?,
            reserve_used: h("reserve_used", &self.reserve_used)?,
            reserve_end: h("reserve_end", &self.reserve_end)?,
            reserve_forfeited: h("reserve_forfeited", &self.reserve_forfeited)?,
            extra_hours: h("extra_hours", &self.extra_hours)?,
            extra_rate: m("extra_rate", &self.extra_rate)?,
            extra_charge: m("extra_charge", &self.extra_charge)?,
            total: m("total", &self.total)?,
            vat: m("vat", &self.vat)?,
            total_with_vat: m("total_with_vat", &self.total_with_vat)?,
            contract_ends: self.contract_ends,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReportTask {
    pub id: i64,
    pub title: String,
    /// None for approved work that was cancelled (see `cancelled_at`).
    pub accepted_at: Option<String>,
    pub logged: String,
    pub approved_estimate: Option<String>,
    pub billed: String,
    pub worklogs: Vec<Worklog>,
    /// `accepted`, or `cancelled_approved` (entries frozen before this field read as accepted).
    #[serde(default)]
    pub settlement: Option<String>,
    #[serde(default)]
    pub cancelled_at: Option<String>,
    /// The closed month it was settled in, when this later month bills it.
    #[serde(default)]
    pub late_from: Option<String>,
    /// Warranty work on this accepted task: its hours are listed, billed 0 h.
    #[serde(default)]
    pub warranty_of: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReportOrg {
    pub id: i64,
    pub name: String,
    pub inn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReportTariff {
    pub name: String,
    pub terms: Tariff,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Report {
    pub org: ReportOrg,
    pub period: String,
    pub period_ru: String,
    pub status: String,
    pub closed_at: Option<String>,
    pub tasks: Vec<ReportTask>,
    pub consultations: Vec<Consultation>,
    /// None before the contract starts or after it ends.
    pub statement: Option<StatementRow>,
    pub tariff: ReportTariff,
}

fn money(field: &str, text: &str) -> Result<Money, FieldError> {
    Money::parse(field, text)
}

fn hours(field: &str, text: &str) -> Result<Hours, FieldError> {
    Hours::parse_month(field, text)
}
