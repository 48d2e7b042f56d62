//! Monthly reports (`/reports`): the months of the contract, and a month's report with its
//! statement row.

use hourbank_domain::{Hours, MonthStatement, Period, Settlement, Tariff};
use serde::{Deserialize, Serialize};

use crate::consultations::Consultation;
use crate::tasks::Worklog;

/// A month of the contract, `open` or `closed`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct MonthEntry {
    pub period: Period,
    pub status: String,
}

/// `GET /reports`: the months of the contract so far, newest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct MonthList {
    pub org_id: i64,
    pub months: Vec<MonthEntry>,
}

/// `GET /statements`: the statement rows of the contract's last twelve months so far, oldest
/// first, each as its month's report has it (a closed month's as frozen): the client's year of
/// bills in one answer rather than twelve reports.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct YearStatements {
    pub org_id: i64,
    pub months: Vec<MonthStatement>,
}

/// A task settled in its month's report (accepted, or approved work cancelled or written off): who did what,
/// when, and what it bills.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReportTask {
    pub id: i64,
    pub title: String,
    /// None for approved work that was cancelled or written off (see `cancelled_at`).
    pub accepted_at: Option<String>,
    pub logged: Hours,
    pub approved_estimate: Option<Hours>,
    /// What it bills: its logged hours up to the approved estimate; 0 for warranty work.
    pub billed: Hours,
    pub worklogs: Vec<Worklog>,
    /// `accepted`, `cancelled_approved` or `written_off` (entries frozen before this field read as
    /// accepted).
    #[serde(default)]
    pub settlement: Option<Settlement>,
    #[serde(default)]
    pub cancelled_at: Option<String>,
    /// The closed month it was settled in, when this later month bills it.
    #[serde(default)]
    pub late_from: Option<Period>,
    /// Warranty work on this accepted task: its hours are listed, billed 0 h.
    #[serde(default)]
    pub warranty_of: Option<i64>,
    /// Why staff wrote the work off (`settlement` `written_off`: its hours are listed, billed 0 h).
    #[serde(default)]
    pub write_off_comment: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReportOrg {
    pub id: i64,
    pub name: String,
    pub inn: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReportTariff {
    pub name: String,
    pub terms: Tariff,
}

/// `GET /reports/{period}`: the month's report, open (following new work) or closed (as frozen).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Report {
    pub org: ReportOrg,
    /// Named in the reader's language by the browser (months frozen before carry a `period_ru`
    /// too, which readers ignore).
    pub period: Period,
    /// `open` or `closed`.
    pub status: String,
    pub closed_at: Option<String>,
    pub tasks: Vec<ReportTask>,
    /// An open month's newest consultations, newest entry first, up to 100; a closed month's
    /// all of them by date, as frozen.
    pub consultations: Vec<Consultation>,
    /// When an open month has more consultations than it lists: the rest, a page at a time,
    /// from `GET /consultations?month=…&before=` this id (staff add `&org=`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consultations_next_before: Option<i64>,
    /// None before the contract starts or after it ends.
    pub statement: Option<MonthStatement>,
    pub tariff: ReportTariff,
}
