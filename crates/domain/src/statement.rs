//! The monthly statement: one row per period, computed exactly as `shared/domain.md` states.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Problem};
use crate::period::{Contract, Period, Phase, ScheduledMonth};
use crate::tariff::{Tariff, Vat};
use crate::units::{Hours, Money, MAX_MONTH_HOURS};

/// One period of the statement. Read back from JSON field by field (each value checked as the
/// API writes it); a row read back is not re-checked for the formulas that made it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthStatement {
    pub period: Period,
    pub phase: Phase,
    /// Hours of the tasks accepted in this month.
    pub hours: Hours,
    pub fee: Money,
    pub included_used: Hours,
    pub reserve_start: Hours,
    pub reserve_used: Hours,
    pub reserve_end: Hours,
    pub reserve_forfeited: Hours,
    /// Hours paid one by one: all hours of a trial month, the overage of a subscription month.
    pub extra_hours: Hours,
    pub extra_rate: Money,
    pub extra_charge: Money,
    pub total: Money,
    pub vat: Money,
    pub total_with_vat: Money,
    /// The contract ends with this month: whatever reserve is left is forfeited.
    pub contract_ends: bool,
}

/// Totals of a statement.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: Money,
    pub hours: Hours,
    /// `total / hours`, rounded to kopecks; none when no hours were closed.
    pub effective_rate: Option<Money>,
    pub fees: Money,
    pub extra_hours: Hours,
    pub extra_charges: Money,
    pub reserve_forfeited: Hours,
    pub vat: Money,
    pub total_with_vat: Money,
}

/// A whole statement: the months and their summary.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub months: Vec<MonthStatement>,
    pub summary: Summary,
}

/// How a subscription month splits its hours (the formulas of `shared/domain.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscriptionSplit {
    pub included_used: Hours,
    pub reserve_used: Hours,
    pub overage_hours: Hours,
    pub reserve_end: Hours,
    pub forfeited: Hours,
}

/// Splits a subscription month's hours `h` given the reserve `R` at its start.
pub fn split_subscription_month(tariff: &Tariff, reserve_start: Hours, hours: Hours) -> SubscriptionSplit {
    let included_used = hours.min(tariff.included_hours);
    let reserve_used = hours.saturating_sub(included_used).min(reserve_start);
    let overage_hours = hours.saturating_sub(included_used).saturating_sub(reserve_used);
    let unused = tariff.included_hours.saturating_sub(included_used);
    let carried = reserve_start.saturating_sub(reserve_used) + unused;
    let reserve_end = carried.min(tariff.reserve_cap);
    let forfeited = carried.saturating_sub(reserve_end);
    SubscriptionSplit { included_used, reserve_used, overage_hours, reserve_end, forfeited }
}

/// Computes one month's row from the reserve at its start.
pub fn month_statement(
    tariff: &Tariff,
    vat: Vat,
    month: ScheduledMonth,
    reserve_start: Hours,
    hours: Hours,
) -> MonthStatement {
    let mut row = match month.phase {
        Phase::Trial => {
            let extra_charge = tariff.trial_rate.times(hours);
            MonthStatement {
                period: month.period,
                phase: Phase::Trial,
                hours,
                fee: Money::ZERO,
                included_used: Hours::ZERO,
                // The reserve only exists in the subscription.
                reserve_start: Hours::ZERO,
                reserve_used: Hours::ZERO,
                reserve_end: Hours::ZERO,
                reserve_forfeited: Hours::ZERO,
                extra_hours: hours,
                extra_rate: tariff.trial_rate,
                extra_charge,
                total: extra_charge,
                vat: Money::ZERO,
                total_with_vat: extra_charge,
                contract_ends: false,
            }
        }
        Phase::Subscription => {
            let split = split_subscription_month(tariff, reserve_start, hours);
            let extra_charge = tariff.overage_rate.times(split.overage_hours);
            let total = tariff.monthly_fee + extra_charge;
            MonthStatement {
                period: month.period,
                phase: Phase::Subscription,
                hours,
                fee: tariff.monthly_fee,
                included_used: split.included_used,
                reserve_start,
                reserve_used: split.reserve_used,
                reserve_end: split.reserve_end,
                reserve_forfeited: split.forfeited,
                extra_hours: split.overage_hours,
                extra_rate: tariff.overage_rate,
                extra_charge,
                total,
                vat: Money::ZERO,
                total_with_vat: total,
                contract_ends: false,
            }
        }
    };
    if month.closes_contract {
        // The contract closes at the end of this month: the reserve left is forfeited.
        row.reserve_forfeited = row.reserve_forfeited + row.reserve_end;
        row.reserve_end = Hours::ZERO;
        row.contract_ends = true;
    }
    (row.vat, row.total_with_vat) = vat.apply(row.total);
    row
}

/// Sums a statement's rows.
pub fn summarize(months: &[MonthStatement]) -> Summary {
    let total: Money = months.iter().map(|m| m.total).sum();
    let hours: Hours = months.iter().map(|m| m.hours).sum();
    Summary {
        total,
        hours,
        effective_rate: (!hours.is_zero()).then(|| Money::rounded(total.amount() / hours.value())),
        fees: months.iter().map(|m| m.fee).sum(),
        extra_hours: months.iter().map(|m| m.extra_hours).sum(),
        extra_charges: months.iter().map(|m| m.extra_charge).sum(),
        reserve_forfeited: months.iter().map(|m| m.reserve_forfeited).sum(),
        vat: months.iter().map(|m| m.vat).sum(),
        total_with_vat: months.iter().map(|m| m.total_with_vat).sum(),
    }
}

/// Simulates a contract month by month from its start month.
///
/// `hours_per_month[i]` are the hours accepted in the i-th calendar month from the start month.
/// Errors name the field: `months[i]` for a month over 744 h or past the contract's end.
pub fn simulate(contract: &Contract, hours_per_month: &[Hours], vat: Vat) -> Result<Statement, FieldError> {
    let mut months = Vec::with_capacity(hours_per_month.len());
    let mut reserve = Hours::ZERO;
    for (index, &hours) in hours_per_month.iter().enumerate() {
        let field = || format!("months[{index}]");
        if hours.value() > MAX_MONTH_HOURS {
            return Err(FieldError::new(field(), Problem::TooLarge { max: MAX_MONTH_HOURS.to_string() }));
        }
        let Some(month) = u32::try_from(index).ok().and_then(|i| contract.month(i)) else {
            let last = contract.last_period().map(|p| p.to_string()).unwrap_or_default();
            return Err(FieldError::new(field(), Problem::PastContractEnd(last)));
        };
        let row = month_statement(&contract.tariff, vat, month, reserve, hours);
        reserve = row.reserve_end;
        months.push(row);
    }
    let summary = summarize(&months);
    Ok(Statement { months, summary })
}

/// Conservation of a subscription row: `R + I = included_used + reserve_used + reserve_end + forfeited`.
pub fn conserves_hours(tariff: &Tariff, row: &MonthStatement) -> bool {
    match row.phase {
        Phase::Trial => row.reserve_end.is_zero() && row.reserve_forfeited.is_zero(),
        Phase::Subscription => {
            row.reserve_start.value() + tariff.included_hours.value()
                == row.included_used.value()
                    + row.reserve_used.value()
                    + row.reserve_end.value()
                    + row.reserve_forfeited.value()
        }
    }
}
