//! The statement against hand-worked cases from `shared/domain.md` and the offer, and its
//! invariants as properties.

use hourbank_domain::montecarlo::Kernel;
use hourbank_domain::statement::conserves_hours;
use hourbank_domain::{
    parse_date, simulate, Contract, Hours, Money, MonthStatement, Phase, Statement, Tariff, Vat, VatRate,
};
use proptest::prelude::*;

fn h(s: &str) -> Hours {
    Hours::parse_month("h", s).unwrap()
}

fn rub(s: &str) -> Money {
    Money::parse("m", s).unwrap()
}

fn contract(start: &str, end: Option<&str>) -> Contract {
    Contract::new(Tariff::start(), parse_date("start", start).unwrap(), end.map(|e| parse_date("end", e).unwrap()))
        .unwrap()
}

fn run(start: &str, hours: &[&str], vat: Vat) -> Statement {
    let hours: Vec<Hours> = hours.iter().map(|s| h(s)).collect();
    simulate(&contract(start, None), &hours, vat).unwrap()
}

/// (reserve_start, included_used, reserve_used, extra_hours, reserve_end, forfeited, total)
fn row(m: &MonthStatement) -> (String, String, String, String, String, String, String) {
    (
        m.reserve_start.to_string(),
        m.included_used.to_string(),
        m.reserve_used.to_string(),
        m.extra_hours.to_string(),
        m.reserve_end.to_string(),
        m.reserve_forfeited.to_string(),
        m.total.to_string(),
    )
}

fn s(v: &str) -> String {
    v.to_string()
}

#[test]
fn a_year_of_start_worked_by_hand() {
    let st = run("2027-01-01", &["3", "12.5", "0", "7.25", "20", "25", "5", "12", "14.5"], Vat::None);
    let m = &st.months;
    // Trial: every hour at 2000, no fee, no reserve.
    assert_eq!((m[0].phase, m[0].total, m[0].fee), (Phase::Trial, rub("6000"), Money::ZERO));
    assert_eq!((m[1].phase, m[1].total), (Phase::Trial, rub("25000")));
    assert_eq!(m[1].extra_hours, h("12.5"));
    assert_eq!(m[1].extra_rate, rub("2000"));
    // March: nothing closed, the 10 included hours go to the reserve.
    assert_eq!(row(&m[2]), (s("0"), s("0"), s("0"), s("0"), s("10"), s("0"), s("20000.00")));
    // April: 7.25 h used, 2.75 h would exceed the cap of 10 and are forfeited.
    assert_eq!(row(&m[3]), (s("10"), s("7.25"), s("0"), s("0"), s("10"), s("2.75"), s("20000.00")));
    // May: «максимальное количество часов в месяц без доплаты: 20» — 20 h cost only the fee.
    assert_eq!(row(&m[4]), (s("10"), s("10"), s("10"), s("0"), s("0"), s("0"), s("20000.00")));
    // June: empty reserve, 15 h over at 2000.
    assert_eq!(row(&m[5]), (s("0"), s("10"), s("0"), s("15"), s("0"), s("0"), s("50000.00")));
    assert_eq!(m[5].extra_charge, rub("30000"));
    assert_eq!(row(&m[6]), (s("0"), s("5"), s("0"), s("0"), s("5"), s("0"), s("20000.00")));
    assert_eq!(row(&m[7]), (s("5"), s("10"), s("2"), s("0"), s("3"), s("0"), s("20000.00")));
    assert_eq!(row(&m[8]), (s("3"), s("10"), s("3"), s("1.5"), s("0"), s("0"), s("23000.00")));

    let sum = &st.summary;
    assert_eq!(sum.total, rub("204000"));
    assert_eq!(sum.hours, h("99.25"));
    // 204000 / 99.25 = 2055.4156… → 2055.42
    assert_eq!(sum.effective_rate, Some(rub("2055.42")));
    assert_eq!(sum.reserve_forfeited, h("2.75"));
    assert_eq!(sum.fees, rub("140000"));
    assert_eq!(sum.total_with_vat, sum.total);
}

#[test]
fn twenty_hours_with_a_full_reserve_cost_only_the_fee() {
    let st = run("2027-01-01", &["0", "0", "0", "20", "20.01"], Vat::None);
    assert_eq!(st.months[3].total, rub("20000"));
    assert_eq!(st.months[3].extra_hours, Hours::ZERO);
    // With the reserve spent, a full 20.01 h pays 10.01 h over.
    assert_eq!(st.months[4].extra_hours, h("10.01"));
    assert_eq!(st.months[4].total, rub("40020"));
}

#[test]
fn vat_on_top_and_included_per_row() {
    let on_top = run("2027-01-01", &["1.25", "0", "23"], Vat::OnTop(VatRate::GENERAL));
    // 1.25 h × 2000 = 2500; VAT 22% = 550
    assert_eq!((on_top.months[0].vat, on_top.months[0].total_with_vat), (rub("550"), rub("3050")));
    // March: 20000 + 13 h × 2000 = 46000; VAT 10120
    assert_eq!(on_top.months[2].total, rub("46000"));
    assert_eq!(on_top.months[2].vat, rub("10120"));
    assert_eq!(on_top.summary.vat, rub("10670"));
    assert_eq!(on_top.summary.total_with_vat, rub("59170"));

    let included = run("2027-01-01", &["0", "0", "0"], Vat::Included(VatRate::GENERAL));
    // 20000 × 22 / 122 = 3606.557… → 3606.56, the total stays 20000
    assert_eq!(included.months[2].vat, rub("3606.56"));
    assert_eq!(included.months[2].total_with_vat, rub("20000"));
}

#[test]
fn a_start_later_in_the_month_is_billed_like_a_trial_month_and_does_not_count() {
    let st = run("2027-01-15", &["4", "1", "1", "0"], Vat::None);
    let phases: Vec<_> = st.months.iter().map(|m| (m.period.to_string(), m.phase)).collect();
    assert_eq!(
        phases,
        [
            (s("2027-01"), Phase::Trial),
            (s("2027-02"), Phase::Trial),
            (s("2027-03"), Phase::Trial),
            (s("2027-04"), Phase::Subscription)
        ]
    );
    // No proration: the partial month bills 4 h × 2000 whatever its length.
    assert_eq!(st.months[0].total, rub("8000"));
    assert_eq!(st.months[3].total, rub("20000"));
}

#[test]
fn the_end_month_forfeits_the_reserve_and_says_so() {
    let c = contract("2027-01-01", Some("2027-04-20"));
    let hours = [h("0"), h("0"), h("0"), h("5")];
    let st = simulate(&c, &hours, Vat::None).unwrap();
    let april = &st.months[3];
    // R 10 + I 10 = used 5 + end 0 + forfeited 15 (5 over the cap, then 10 at the end).
    assert_eq!(row(april), (s("10"), s("5"), s("0"), s("0"), s("0"), s("15"), s("20000.00")));
    assert!(april.contract_ends);
    assert!(!st.months[2].contract_ends);
    assert!(conserves_hours(&c.tariff, april));
    let too_long = [h("0"), h("0"), h("0"), h("0"), h("1")];
    assert_eq!(
        simulate(&c, &too_long, Vat::None).unwrap_err().to_string(),
        "months[4]: is past the contract's end in 2027-04"
    );
}

#[test]
fn rounding_of_odd_rates_is_half_away_from_zero() {
    let mut t = Tariff::start();
    t.set_field("trial_rate", "1234.57").unwrap();
    let c = Contract::new(t, parse_date("s", "2027-01-01").unwrap(), None).unwrap();
    // 0.5 h × 1234.57 = 617.285 → 617.29 (banker's rounding would give 617.28)
    let st = simulate(&c, &[h("0.5")], Vat::None).unwrap();
    assert_eq!(st.months[0].total, rub("617.29"));
}

#[test]
fn no_hours_means_no_effective_rate() {
    let st = run("2027-01-01", &["0", "0", "0"], Vat::None);
    assert_eq!(st.summary.effective_rate, None);
    assert_eq!(st.summary.total, rub("20000"));
}

// ---- properties ----

prop_compose! {
    fn hours_up_to(max_centi: i64)(c in 0..=max_centi) -> Hours { Hours::from_centi(c) }
}

prop_compose! {
    fn money_up_to(max_kopecks: i64)(k in 0..=max_kopecks) -> Money { Money::from_kopecks(k) }
}

prop_compose! {
    fn any_tariff()(
        monthly_fee in money_up_to(100_000_00),
        included_hours in hours_up_to(60_00),
        overage_rate in money_up_to(10_000_00),
        reserve_cap in hours_up_to(60_00),
        trial_months in 0u32..4,
        trial_rate in money_up_to(10_000_00),
    ) -> Tariff {
        Tariff { monthly_fee, included_hours, overage_rate, reserve_cap, trial_months, trial_rate }
    }
}

prop_compose! {
    fn any_contract()(tariff in any_tariff(), year in 2026i32..2030, month in 1u32..=12, day in 1u32..=28,
                      end_after in proptest::option::of(0u32..40)) -> Contract {
        let start = chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap();
        let end = end_after.map(|n| hourbank_domain::Period::of(start).plus(n).last_day());
        Contract::new(tariff, start, end).unwrap()
    }
}

fn any_vat() -> impl Strategy<Value = Vat> {
    prop_oneof![
        Just(Vat::None),
        (0i64..=100_00).prop_map(|c| Vat::OnTop(VatRate::new("r", rust_decimal::Decimal::new(c, 2)).unwrap())),
        (0i64..=100_00).prop_map(|c| Vat::Included(VatRate::new("r", rust_decimal::Decimal::new(c, 2)).unwrap())),
    ]
}

/// Hours for as many months as the contract allows.
fn fit(contract: &Contract, mut hours: Vec<Hours>) -> Vec<Hours> {
    if let Some(n) = contract.length_in_months() {
        hours.truncate(n as usize);
    }
    hours
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_row_conserves_hours_and_respects_the_cap(
        c in any_contract(), hours in prop::collection::vec(hours_up_to(80_00), 0..40), vat in any_vat()
    ) {
        let hours = fit(&c, hours);
        let st = simulate(&c, &hours, vat).unwrap();
        let mut reserve = Hours::ZERO;
        for m in &st.months {
            prop_assert!(conserves_hours(&c.tariff, m), "{m:?}");
            prop_assert!(m.reserve_end <= c.tariff.reserve_cap);
            prop_assert_eq!(m.reserve_start, if m.phase == Phase::Trial { Hours::ZERO } else { reserve });
            prop_assert_eq!(m.total, m.fee + m.extra_charge);
            reserve = m.reserve_end;
        }
    }

    #[test]
    fn no_overage_while_hours_fit_in_included_plus_reserve(
        c in any_contract(), hours in prop::collection::vec(hours_up_to(80_00), 0..40)
    ) {
        let hours = fit(&c, hours);
        let st = simulate(&c, &hours, Vat::None).unwrap();
        for m in st.months.iter().filter(|m| m.phase == Phase::Subscription) {
            if m.hours <= c.tariff.included_hours + m.reserve_start {
                prop_assert!(m.extra_hours.is_zero(), "{m:?}");
                prop_assert_eq!(m.total, c.tariff.monthly_fee);
            } else {
                prop_assert_eq!(m.extra_hours + c.tariff.included_hours + m.reserve_start, m.hours);
            }
        }
    }

    #[test]
    fn a_trial_month_charges_hours_times_the_trial_rate(
        c in any_contract(), hours in prop::collection::vec(hours_up_to(744_00), 0..6)
    ) {
        let hours = fit(&c, hours);
        let st = simulate(&c, &hours, Vat::None).unwrap();
        for m in st.months.iter().filter(|m| m.phase == Phase::Trial) {
            prop_assert_eq!(m.total, c.tariff.trial_rate.times(m.hours));
            prop_assert_eq!(m.fee, Money::ZERO);
        }
    }

    #[test]
    fn the_total_never_falls_when_a_months_hours_rise(
        c in any_contract(), hours in prop::collection::vec(hours_up_to(80_00), 1..30),
        index in any::<prop::sample::Index>(), extra in hours_up_to(50_00), vat in any_vat()
    ) {
        let hours = fit(&c, hours);
        prop_assume!(!hours.is_empty());
        let i = index.index(hours.len());
        let mut more = hours.clone();
        more[i] = more[i] + extra;
        let before = simulate(&c, &hours, vat).unwrap().summary;
        let after = simulate(&c, &more, vat).unwrap().summary;
        prop_assert!(after.total >= before.total);
        prop_assert!(after.total_with_vat >= before.total_with_vat);
    }

    #[test]
    fn the_integer_kernel_matches_simulate(
        c in any_contract(), hours in prop::collection::vec(hours_up_to(744_00), 0..40), vat in any_vat()
    ) {
        let hours = fit(&c, hours);
        let st = simulate(&c, &hours, vat).unwrap();
        let kernel = Kernel::new(&c, vat, hours.len() as u32);
        let k = kernel.run(|i, _| hours[i].centi());
        prop_assert_eq!(k.total, st.summary.total.kopecks());
        prop_assert_eq!(k.vat, st.summary.vat.kopecks());
        prop_assert_eq!(k.total_with_vat, st.summary.total_with_vat.kopecks());
        prop_assert_eq!(k.hours, st.summary.hours.centi());
        prop_assert_eq!(k.forfeited, st.summary.reserve_forfeited.centi());
        let overage_months = st.months.iter().filter(|m| m.phase == Phase::Subscription && !m.extra_hours.is_zero()).count();
        prop_assert_eq!(k.overage_months as usize, overage_months);
    }
}
