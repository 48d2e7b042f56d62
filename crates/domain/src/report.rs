//! The month report's billing: which hours accepted work bills, and the statement of an
//! organisation's months that respects frozen (closed) months (`shared/domain.md`, "One month" and
//! "Work, as the offer describes it").
//!
//! The month formulas live only in [`crate::statement::month_statement`]; this module decides which
//! months to compute and where their reserve starts.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{FieldError, Problem};
use crate::period::{Contract, Period};
use crate::statement::{month_statement, MonthStatement};
use crate::tariff::Vat;
use crate::units::Hours;

/// The hours a task bills: its logged hours, but never more than the estimate the client last
/// approved ("работаем в рамках заранее согласованной оценки"); a new approved estimate replaces
/// the old one, so the caller passes the latest.
///
/// Without an approved estimate the logged hours are billed in full: that is a billable
/// consultation (which has no estimate) or a task from before estimates were recorded. The
/// workflow cannot accept an unestimated task, so nothing else reaches here without one.
pub fn billed_hours(logged: Hours, approved_estimate: Option<Hours>) -> Hours {
    match approved_estimate {
        Some(estimate) => logged.min(estimate),
        None => logged,
    }
}

/// Days after acceptance during which the client may claim warranty work, unless the tariff says
/// otherwise («гарантийные обязательства»; «Старт»: 30).
pub const DEFAULT_WARRANTY_DAYS: u32 = 30;

/// Whether a warranty claim on a task accepted on `accepted_on` may still be opened on `today`:
/// through the `warranty_days`-th day after acceptance.
pub fn warranty_open(accepted_on: NaiveDate, warranty_days: u32, today: NaiveDate) -> bool {
    today >= accepted_on && (today - accepted_on).num_days() <= i64::from(warranty_days)
}

/// What settling a task bills (`shared/domain.md`, "Billing invariants").
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    /// The client accepted it: its logged hours, capped by the approved estimate.
    Accepted,
    /// Cancelled after an estimate was approved: the logged hours, capped the same way, bill in the
    /// month of the cancellation — approved work is never silently dropped.
    CancelledApproved,
    /// Approved work written off by staff with their reason (audited): listed in the month of the
    /// write-off with the hours logged, billed 0 h — approved work is never silently dropped.
    WrittenOff,
}

impl<'de> serde::Deserialize<'de> for Settlement {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::wire::from_str(d, |text| match text {
            "accepted" => Ok(Settlement::Accepted),
            "cancelled_approved" => Ok(Settlement::CancelledApproved),
            "written_off" => Ok(Settlement::WrittenOff),
            other => Err(crate::workflow::unknown_value(
                "settlement",
                other,
                ["accepted", "cancelled_approved", "written_off"],
            )),
        })
    }
}

/// The hours a settled task bills: warranty work and work written off bill none (their hours are
/// listed as such), every other one [`billed_hours`].
pub fn settled_hours(settlement: Settlement, logged: Hours, approved_estimate: Option<Hours>, warranty: bool) -> Hours {
    if warranty || settlement == Settlement::WrittenOff {
        Hours::ZERO
    } else {
        billed_hours(logged, approved_estimate)
    }
}

/// The month whose report bills work settled (accepted, or cancelled after approval) in
/// `settled_in`: that month, unless it is already closed (a month may be closed on its last
/// working day, before it ends); then the first open month after it. Months close in order, so
/// that is the month after the last closed one.
pub fn billing_period(settled_in: Period, last_closed: Option<Period>) -> Period {
    match last_closed {
        Some(closed) if closed >= settled_in => closed.next(),
        _ => settled_in,
    }
}

/// [`billing_period`] kept within the contract's months, `first` to `last` (none while the
/// contract has no end): work settled before the contract's first month bills in that month;
/// work settled after its last month bills in the last month while that is still open. `None`
/// when the last month is closed as well: no month of the contract is left to bill it in, and
/// the work must not be settled, or its hours would be in no report.
pub fn contract_billing_period(
    settled_in: Period,
    last_closed: Option<Period>,
    first: Period,
    last: Option<Period>,
) -> Option<Period> {
    let period = billing_period(settled_in.max(first), last_closed);
    match last {
        Some(last) if period > last => last_closed.is_none_or(|closed| closed < last).then_some(last),
        _ => Some(period),
    }
}

/// Hours a client may still close this month without paying extra: included hours left plus
/// reserve left (`I - included_used + R - reserve_used`). None in a trial month, where every hour
/// is paid one by one.
pub fn hours_free(tariff: &crate::tariff::Tariff, row: &MonthStatement) -> Option<Hours> {
    match row.phase {
        crate::period::Phase::Trial => None,
        crate::period::Phase::Subscription => Some(
            tariff.included_hours.saturating_sub(row.included_used)
                + row.reserve_start.saturating_sub(row.reserve_used),
        ),
    }
}

/// Billed hours and the month they count in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BillableItem {
    pub period: Period,
    pub hours: Hours,
}

impl BillableItem {
    /// A task accepted on `accepted_on`: it counts in that month, whenever its work was logged.
    pub fn accepted_task(accepted_on: NaiveDate, logged: Hours, approved_estimate: Option<Hours>) -> BillableItem {
        BillableItem { period: Period::of(accepted_on), hours: billed_hours(logged, approved_estimate) }
    }
}

/// Sums billed hours per month. Months without items are absent (they bill 0 hours).
pub fn hours_by_period(items: impl IntoIterator<Item = BillableItem>) -> BTreeMap<Period, Hours> {
    let mut by_period = BTreeMap::new();
    for item in items {
        let sum: &mut Hours = by_period.entry(item.period).or_default();
        *sum = *sum + item.hours;
    }
    by_period
}

/// A closed month: frozen, so its reserve at the end is taken as stored, never recomputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClosedMonth {
    pub period: Period,
    pub reserve_end: Hours,
}

impl ClosedMonth {
    /// Freezes a computed row.
    pub fn of(row: &MonthStatement) -> ClosedMonth {
        ClosedMonth { period: row.period, reserve_end: row.reserve_end }
    }
}

/// Rows from the month after `last_closed` (or from the contract start) through `through`, with
/// hours per period from `hours`; the reserve starts from the closed month's frozen `reserve_end`.
///
/// A `through` before the first row gives no rows; a `through` past the contract's end stops at
/// the end month. Only the rows' periods are read from `hours`: hours of closed months are frozen
/// in them, and an organisation's hours may span other contracts, so other periods are not this
/// statement's to bill.
///
/// Error: `last_closed.period` when the closed month is before the contract's start (it would
/// belong to another contract).
pub fn statement_through(
    contract: &Contract,
    vat: Vat,
    last_closed: Option<ClosedMonth>,
    hours: &BTreeMap<Period, Hours>,
    through: Period,
) -> Result<Vec<MonthStatement>, FieldError> {
    let first_period = contract.first_period();
    let (first_index, mut reserve) = match last_closed {
        None => (0, Hours::ZERO),
        Some(closed) => {
            let months_in = closed.period.months_since(first_period);
            if months_in < 0 {
                return Err(FieldError::new("last_closed.period", Problem::BeforeStart(contract.start())));
            }
            (months_in + 1, closed.reserve_end)
        }
    };
    let last_index = through.months_since(first_period);
    let mut rows = Vec::new();
    for index in first_index..=last_index {
        // Periods are years 1000..=9999, so a month index always fits; past the end `month` is None.
        let Some(month) = u32::try_from(index).ok().and_then(|i| contract.month(i)) else {
            break;
        };
        // A real month has no 744 h cap: a team of specialists may close more for one client.
        let month_hours = hours.get(&month.period).copied().unwrap_or(Hours::ZERO);
        let row = month_statement(&contract.tariff, vat, month, reserve, month_hours);
        reserve = row.reserve_end;
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {

    #[test]
    fn settled_work_bills_in_a_month_of_the_contract() {
        let p = |text: &str| Period::parse("p", text).unwrap();
        let (nov, dec, jan) = (p("2026-11"), p("2026-12"), p("2027-01"));
        // Inside the contract: the month itself, or the one after the last closed.
        assert_eq!(contract_billing_period(nov, None, p("2026-07"), None), Some(nov));
        assert_eq!(contract_billing_period(nov, Some(nov), p("2026-07"), None), Some(dec));
        // Before the contract's first month: that first month.
        assert_eq!(contract_billing_period(nov, None, jan, None), Some(jan));
        // After its last month: the last month while it is open…
        assert_eq!(contract_billing_period(nov, None, p("2026-07"), Some(p("2026-10"))), Some(p("2026-10")));
        assert_eq!(
            contract_billing_period(nov, Some(p("2026-09")), p("2026-07"), Some(p("2026-10"))),
            Some(p("2026-10"))
        );
        // …and none once it is closed (a month closed early, or the contract over and closed).
        assert_eq!(contract_billing_period(nov, Some(nov), p("2026-07"), Some(nov)), None);
        assert_eq!(contract_billing_period(dec, Some(p("2026-10")), p("2026-07"), Some(p("2026-10"))), None);
        assert_eq!(contract_billing_period(nov, Some(p("2026-10")), p("2026-07"), Some(nov)), Some(nov));
    }

    use super::*;
    use proptest::prelude::*;

    use crate::period::{parse_date, Phase};
    use crate::statement::simulate;
    use crate::tariff::{Tariff, VatRate};
    use crate::units::Money;

    fn h(s: &str) -> Hours {
        Hours::parse_month("h", s).unwrap()
    }

    fn rub(s: &str) -> Money {
        Money::parse("m", s).unwrap()
    }

    fn p(s: &str) -> Period {
        Period::parse("p", s).unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        parse_date("d", s).unwrap()
    }

    fn start_contract(start: &str, end: Option<&str>) -> Contract {
        Contract::new(Tariff::start(), date(start), end.map(date)).unwrap()
    }

    fn hours_map(entries: &[(&str, &str)]) -> BTreeMap<Period, Hours> {
        entries.iter().map(|(period, hours)| (p(period), h(hours))).collect()
    }

    fn periods(rows: &[MonthStatement]) -> Vec<String> {
        rows.iter().map(|row| row.period.to_string()).collect()
    }

    #[test]
    fn billed_hours_are_capped_by_the_approved_estimate() {
        assert_eq!(billed_hours(h("12.5"), Some(h("10"))), h("10"));
        assert_eq!(billed_hours(h("7.25"), Some(h("10"))), h("7.25"));
        assert_eq!(billed_hours(h("10"), Some(h("10"))), h("10"));
        // A billable consultation has no estimate: all its hours bill.
        assert_eq!(billed_hours(h("1.5"), None), h("1.5"));
        assert_eq!(billed_hours(Hours::ZERO, Some(h("4"))), Hours::ZERO);
    }

    #[test]
    fn a_task_counts_in_the_month_it_was_accepted() {
        // Worked in March, accepted on 2 April: April's hours.
        let item = BillableItem::accepted_task(date("2027-04-02"), h("6"), Some(h("5")));
        assert_eq!(item, BillableItem { period: p("2027-04"), hours: h("5") });
    }

    #[test]
    fn hours_add_up_per_period() {
        let by_period = hours_by_period([
            BillableItem { period: p("2027-04"), hours: h("5") },
            BillableItem { period: p("2027-03"), hours: h("0.25") },
            BillableItem { period: p("2027-04"), hours: h("2.75") },
        ]);
        assert_eq!(by_period, hours_map(&[("2027-03", "0.25"), ("2027-04", "7.75")]));
        assert!(hours_by_period([]).is_empty());
    }

    #[test]
    fn start_from_the_beginning_worked_by_hand() {
        let contract = start_contract("2027-01-01", None);
        let hours = hours_map(&[("2027-01", "3"), ("2027-04", "20")]);
        let rows = statement_through(&contract, Vat::None, None, &hours, p("2027-04")).unwrap();
        assert_eq!(periods(&rows), ["2027-01", "2027-02", "2027-03", "2027-04"]);
        // January: trial, 3 h × 2000 = 6000.00, no fee.
        assert_eq!((rows[0].phase, rows[0].fee, rows[0].total), (Phase::Trial, Money::ZERO, rub("6000")));
        assert_eq!(rows[1].total, Money::ZERO);
        // March: nothing closed, the fee buys 10 h that go to the reserve.
        assert_eq!((rows[2].phase, rows[2].total, rows[2].reserve_end), (Phase::Subscription, rub("20000"), h("10")));
        // April: 10 included + 10 from the reserve, nothing extra.
        let april = &rows[3];
        assert_eq!((april.included_used, april.reserve_used, april.extra_hours), (h("10"), h("10"), Hours::ZERO));
        assert_eq!(april.total, rub("20000"));
    }

    #[test]
    fn after_a_closed_month_only_the_open_months_are_computed() {
        let contract = start_contract("2027-01-01", None);
        let hours = hours_map(&[("2027-01", "3"), ("2027-04", "20")]);
        let march = ClosedMonth { period: p("2027-03"), reserve_end: h("10") };
        let rows = statement_through(&contract, Vat::None, Some(march), &hours, p("2027-04")).unwrap();
        assert_eq!(periods(&rows), ["2027-04"]);
        assert_eq!(rows[0].reserve_start, h("10"));
        assert_eq!(rows[0].total, rub("20000"));
        assert_eq!(rows[0].reserve_end, Hours::ZERO);
    }

    #[test]
    fn the_frozen_reserve_wins_over_recomputation() {
        let contract = start_contract("2027-01-01", None);
        // Recomputed, March would leave 10 h in reserve; it was closed with 4.
        let hours = hours_map(&[("2027-03", "0"), ("2027-04", "20")]);
        let march = ClosedMonth { period: p("2027-03"), reserve_end: h("4") };
        let rows = statement_through(&contract, Vat::None, Some(march), &hours, p("2027-04")).unwrap();
        // April: 10 included, 4 from the reserve, 6 extra × 2000 = 12000 on top of the fee.
        assert_eq!((rows[0].reserve_used, rows[0].extra_hours), (h("4"), h("6")));
        assert_eq!(rows[0].total, rub("32000"));
        // Hours changed in a closed month afterwards alter nothing.
        let changed = hours_map(&[("2027-03", "15"), ("2027-04", "20")]);
        assert_eq!(statement_through(&contract, Vat::None, Some(march), &changed, p("2027-04")).unwrap(), rows);
    }

    #[test]
    fn vat_applies_to_each_row() {
        let contract = start_contract("2027-01-01", None);
        let march = ClosedMonth { period: p("2027-03"), reserve_end: h("10") };
        let hours = hours_map(&[("2027-04", "20")]);
        let rows =
            statement_through(&contract, Vat::OnTop(VatRate::GENERAL), Some(march), &hours, p("2027-04")).unwrap();
        assert_eq!((rows[0].total, rows[0].vat, rows[0].total_with_vat), (rub("20000"), rub("4400"), rub("24400")));
    }

    #[test]
    fn a_partial_start_month_is_billed_like_a_trial_month() {
        let contract = start_contract("2027-01-15", None);
        let hours = hours_map(&[("2027-01", "1"), ("2027-04", "2")]);
        let rows = statement_through(&contract, Vat::None, None, &hours, p("2027-04")).unwrap();
        let phases: Vec<Phase> = rows.iter().map(|row| row.phase).collect();
        assert_eq!(phases, [Phase::Trial, Phase::Trial, Phase::Trial, Phase::Subscription]);
        assert_eq!(rows[0].total, rub("2000"));
        assert_eq!((rows[3].total, rows[3].reserve_end), (rub("20000"), h("8")));
    }

    #[test]
    fn the_range_is_cut_by_the_contract() {
        let contract = start_contract("2027-01-01", Some("2027-04-10"));
        let hours = hours_map(&[("2026-12", "5"), ("2027-03", "4"), ("2027-05", "9")]);
        assert!(statement_through(&contract, Vat::None, None, &hours, p("2026-12")).unwrap().is_empty());
        let rows = statement_through(&contract, Vat::None, None, &hours, p("2027-12")).unwrap();
        assert_eq!(periods(&rows), ["2027-01", "2027-02", "2027-03", "2027-04"]);
        // The end month forfeits the reserve, and the statement says so: March's 4 h left 6 in
        // reserve; April's unused 10 carry it to 16, of which 6 are over the cap and 10 are lost
        // with the contract.
        let april = &rows[3];
        assert!(april.contract_ends);
        assert_eq!((april.reserve_start, april.reserve_end, april.reserve_forfeited), (h("6"), Hours::ZERO, h("16")));
        // Everything closed: nothing left to compute.
        let april_closed = ClosedMonth::of(april);
        assert!(statement_through(&contract, Vat::None, Some(april_closed), &hours, p("2027-12")).unwrap().is_empty());
        // The closed month itself, or earlier, as `through`: nothing open yet.
        let march = ClosedMonth::of(&rows[2]);
        assert!(statement_through(&contract, Vat::None, Some(march), &hours, p("2027-03")).unwrap().is_empty());
        assert!(statement_through(&contract, Vat::None, Some(march), &hours, p("2027-01")).unwrap().is_empty());
    }

    #[test]
    fn a_real_month_has_no_744_hour_cap() {
        let contract = start_contract("2027-01-01", None);
        let mut hours = hours_map(&[("2027-02", "744")]);
        hours.insert(p("2027-04"), Hours::from_centi(100_000));
        let rows = statement_through(&contract, Vat::None, None, &hours, p("2027-06")).unwrap();
        // April: 10 included, 10 from the reserve, 980 h over at 2000.
        assert_eq!((rows[3].hours, rows[3].extra_hours), (Hours::from_centi(100_000), Hours::from_centi(98_000)));
        assert_eq!(rows[3].total, rub("1980000"));
        assert_eq!(rows.len(), 6);
    }

    #[test]
    fn errors_name_the_field() {
        let contract = start_contract("2027-01-01", None);
        let hours = hours_map(&[("2027-02", "744")]);
        let before_start = ClosedMonth { period: p("2026-12"), reserve_end: Hours::ZERO };
        let e = statement_through(&contract, Vat::None, Some(before_start), &hours, p("2027-03")).unwrap_err();
        assert_eq!(e.to_string(), "last_closed.period: must not be before the contract's start (2027-01-01)");
    }

    #[test]
    fn work_settled_in_a_closed_month_bills_in_the_next_open_one() {
        assert_eq!(billing_period(p("2027-03"), None), p("2027-03"));
        assert_eq!(billing_period(p("2027-03"), Some(p("2027-02"))), p("2027-03"));
        // March was closed on its last working day; a task accepted on the 31st bills in April.
        assert_eq!(billing_period(p("2027-03"), Some(p("2027-03"))), p("2027-04"));
        assert_eq!(billing_period(p("2027-03"), Some(p("2027-05"))), p("2027-06"));
    }

    #[test]
    fn the_warranty_window_runs_its_days_after_acceptance() {
        let accepted = date("2027-03-10");
        assert!(warranty_open(accepted, 30, date("2027-03-10")));
        assert!(warranty_open(accepted, 30, date("2027-04-09")));
        assert!(!warranty_open(accepted, 30, date("2027-04-10")));
        assert!(!warranty_open(accepted, 0, date("2027-03-11")));
    }

    #[test]
    fn warranty_work_and_work_written_off_bill_nothing() {
        use Settlement::*;
        assert_eq!(settled_hours(Accepted, h("12.5"), Some(h("10")), false), h("10"));
        assert_eq!(settled_hours(CancelledApproved, h("3"), Some(h("10")), false), h("3"));
        assert_eq!(settled_hours(Accepted, h("12.5"), Some(h("10")), true), Hours::ZERO);
        assert_eq!(settled_hours(WrittenOff, h("12.5"), Some(h("10")), false), Hours::ZERO);
    }

    #[test]
    fn hours_free_are_included_left_plus_reserve_left() {
        let contract = start_contract("2027-01-01", None);
        let tariff = Tariff::start();
        // A 4 h reserve and nothing used: 14 h free, not 10 + 10.
        let closed = ClosedMonth { period: p("2027-03"), reserve_end: h("4") };
        let rows = statement_through(&contract, Vat::None, Some(closed), &BTreeMap::new(), p("2027-04")).unwrap();
        assert_eq!(hours_free(&tariff, &rows[0]), Some(h("14")));
        let used = hours_map(&[("2027-04", "12")]);
        let rows = statement_through(&contract, Vat::None, Some(closed), &used, p("2027-04")).unwrap();
        assert_eq!(hours_free(&tariff, &rows[0]), Some(h("2")));
        let trial = statement_through(&contract, Vat::None, None, &used, p("2027-01")).unwrap();
        assert_eq!(hours_free(&tariff, &trial[0]), None);
    }

    fn any_contract() -> impl Strategy<Value = Contract> {
        let tariff = prop_oneof![
            Just(Tariff::start()),
            (0u32..=3, 0u32..=15, 0u32..=15, 0i64..=3_000_000, 0i64..=500_000).prop_map(
                |(trial_months, included, cap, fee, rate)| Tariff {
                    monthly_fee: Money::from_kopecks(fee),
                    included_hours: Hours::whole(included),
                    overage_rate: Money::from_kopecks(rate),
                    reserve_cap: Hours::whole(cap),
                    trial_months,
                    trial_rate: Money::from_kopecks(rate + 1),
                }
            ),
        ];
        let start_day = prop_oneof![Just(1u32), 1u32..=28];
        let end_after = prop::option::of(0u32..30);
        (tariff, 2026i32..=2028, 1u32..=12, start_day, end_after).prop_map(|(tariff, year, month, day, end_after)| {
            let start = NaiveDate::from_ymd_opt(year, month, day).unwrap();
            let end = end_after.map(|months| Period::of(start).plus(months).last_day());
            Contract::new(tariff, start, end).unwrap()
        })
    }

    fn any_vat() -> impl Strategy<Value = Vat> {
        prop_oneof![Just(Vat::None), Just(Vat::OnTop(VatRate::GENERAL)), Just(Vat::Included(VatRate::GENERAL))]
    }

    /// Hours of consecutive months from the contract's start, cut to its length.
    fn month_hours(contract: &Contract, centi: &[i64]) -> Vec<Hours> {
        let length = contract.length_in_months().map_or(centi.len(), |months| months as usize);
        centi.iter().take(length).map(|&c| Hours::from_centi(c)).collect()
    }

    fn by_period(contract: &Contract, hours: &[Hours]) -> BTreeMap<Period, Hours> {
        hours.iter().enumerate().map(|(i, &h)| (contract.first_period().plus(i as u32), h)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// With nothing closed, the statement is the simulation of the same hours, and a `through`
        /// beyond the hours adds months of 0 h up to the contract's end.
        #[test]
        fn without_a_closed_month_it_is_the_simulation(
            contract in any_contract(),
            vat in any_vat(),
            centi in prop::collection::vec(0i64..=3_000, 1..30),
            beyond in 0u32..6,
        ) {
            let hours = month_hours(&contract, &centi);
            let through = contract.first_period().plus(hours.len() as u32 - 1 + beyond);
            let mut padded_centi = centi.clone();
            padded_centi.resize(centi.len() + beyond as usize, 0);
            let simulated = simulate(&contract, &month_hours(&contract, &padded_centi), vat).unwrap();
            let rows = statement_through(&contract, vat, None, &by_period(&contract, &hours), through).unwrap();
            prop_assert_eq!(rows, simulated.months);
        }

        /// Closing any month and continuing from its frozen reserve gives the same later rows.
        #[test]
        fn closing_a_month_changes_nothing_after_it(
            contract in any_contract(),
            vat in any_vat(),
            centi in prop::collection::vec(0i64..=3_000, 1..30),
        ) {
            let hours = by_period(&contract, &month_hours(&contract, &centi));
            let through = *hours.keys().next_back().unwrap();
            let full = statement_through(&contract, vat, None, &hours, through).unwrap();
            prop_assert_eq!(full.len(), hours.len());
            for (k, row) in full.iter().enumerate() {
                let rest = statement_through(&contract, vat, Some(ClosedMonth::of(row)), &hours, through).unwrap();
                prop_assert_eq!(&rest[..], &full[k + 1..]);
            }
        }
    }
}
