//! hourbank's business rules, shared by the browser app and the server so the calculator and the
//! invoices can never disagree. Pure Rust: no web, no database.
//!
//! The authority is `shared/domain.md`; each module cites the rule it implements.

pub mod compare;
pub mod contacts;
pub mod csv;
pub mod documents;
pub mod error;
pub mod format;
pub mod html;
pub mod inn;
pub mod montecarlo;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod period;
pub mod report;
pub mod scenario;
pub mod statement;
pub mod tariff;
pub mod units;
pub mod wire;
pub mod words;
pub mod workflow;

pub use error::{Error, Expected, FieldError, Problem, Refusal, Result, Rule};
pub use montecarlo::{MonteCarlo, MonteCarloInput, MonteCarloResult, Profile, Seasonality};
pub use period::{parse_date, Contract, Period, Phase, ScheduledMonth};
pub use report::warranty_open;
pub use report::{
    billed_hours, billing_period, contract_billing_period, hours_by_period, hours_free, settled_hours,
    statement_through, BillableItem, ClosedMonth, Settlement, DEFAULT_WARRANTY_DAYS,
};
#[cfg(feature = "scenario")]
pub use scenario::{parse_scenario, Scenario};
pub use statement::{simulate, MonthStatement, Statement, Summary};
pub use tariff::{Tariff, Vat, VatRate};
pub use units::{round_kopecks, Hours, Money};
pub use workflow::{allowed, can_log_work, next_state, Action, Role, TaskState, Transition};
