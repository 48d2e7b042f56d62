//! Monte Carlo: deterministic, chunk-independent, and equal to the Decimal reference loop.

use hourbank_domain::montecarlo::Accumulator;
use hourbank_domain::{
    parse_date, Contract, Hours, Money, MonteCarlo, MonteCarloInput, Profile, Seasonality, Tariff, Vat, VatRate,
};
use rust_decimal::Decimal;

fn input(profile: Profile, vat: Vat, paths: u32, seed: u64) -> MonteCarloInput {
    MonteCarloInput {
        contract: Contract::new(Tariff::start(), parse_date("s", "2027-01-01").unwrap(), None).unwrap(),
        vat,
        months: 12,
        paths,
        seed,
        profile,
    }
}

fn normal(mean: u32, spread: u32) -> Profile {
    Profile::Normal { mean: Hours::whole(mean), spread: Hours::whole(spread), seasonality: Seasonality::FLAT }
}

fn seasonal() -> Profile {
    let m: Vec<Decimal> = [1.0, 1.0, 1.5, 1.0, 0.8, 0.6, 0.5, 0.8, 1.0, 1.0, 1.2, 2.0]
        .iter()
        .map(|x: &f64| Decimal::try_from(*x).unwrap())
        .collect();
    Profile::Normal {
        mean: Hours::whole(10),
        spread: Hours::whole(4),
        seasonality: Seasonality::new("profile.seasonality", &m).unwrap(),
    }
}

#[test]
fn a_constant_profile_is_the_statement() {
    let mc = MonteCarlo::new(input(Profile::Constant(Hours::whole(12)), Vat::None, 50, 1)).unwrap();
    let r = mc.run();
    // 2 trial months × 12 h × 2000 + 10 × (20000 + overage): month 3 has no reserve (2 h over),
    // then the reserve is always empty: 10 months × 2 h over = 40000.
    let expected = Money::from_kopecks((2 * 24_000 + 10 * 20_000 + 10 * 4_000) * 100);
    assert_eq!(r.total.p10, expected);
    assert_eq!(r.total.p90, expected);
    assert_eq!(r.total.mean, expected);
    assert_eq!(r.overage_month_chance, Decimal::ONE);
}

#[test]
fn the_integer_kernel_equals_the_decimal_loop() {
    let history: Vec<Hours> =
        ["0", "4.5", "12", "30", "7.25"].iter().map(|s| Hours::parse_month("h", s).unwrap()).collect();
    for profile in [normal(12, 6), seasonal(), Profile::Resample(history)] {
        for vat in [Vat::None, Vat::OnTop(VatRate::GENERAL), Vat::Included(VatRate::GENERAL)] {
            let mc = MonteCarlo::new(input(profile.clone(), vat, 300, 9)).unwrap();
            assert_eq!(mc.run(), mc.run_with_decimal(), "{profile:?} {vat:?}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_result_however_it_is_chunked() {
    let mc = MonteCarlo::new(input(normal(15, 8), Vat::None, 1000, 2027)).unwrap();
    let whole = mc.run();
    let mut acc = Accumulator::default();
    for start in (0..1000).step_by(137) {
        mc.run_chunk(start..start + 137, &mut acc);
    }
    assert_eq!(acc.paths_done(), 1000);
    assert_eq!(mc.finish(acc), whole);
    assert_eq!(MonteCarlo::new(input(normal(15, 8), Vat::None, 1000, 2027)).unwrap().run(), whole);
    let other = MonteCarlo::new(input(normal(15, 8), Vat::None, 1000, 2028)).unwrap().run();
    assert_ne!(other.sorted_totals_with_vat, whole.sorted_totals_with_vat);
}

/// The browser test (`src/lib.rs`) asserts the same line in Chromium.
#[test]
fn the_golden_run_is_stable() {
    use hourbank_domain::montecarlo::golden;
    let r = MonteCarlo::new(golden::input()).unwrap().run();
    assert_eq!(golden::summary(&r), golden::EXPECTED);
}

#[test]
fn statistics_are_sane() {
    let r = MonteCarlo::new(input(normal(15, 8), Vat::None, 5000, 5)).unwrap().run();
    assert!(r.total.p10 <= r.total.p50 && r.total.p50 <= r.total.p90);
    assert!(r.overage_month_chance > Decimal::ZERO && r.overage_month_chance < Decimal::ONE);
    // Mean 15 h/month: the reserve rarely overflows, so little is forfeited.
    assert!(r.expected_forfeited_hours < Hours::whole(5), "{:?}", r.expected_forfeited_hours);
    let hist = r.histogram(20);
    assert_eq!(hist.iter().map(|b| b.2).sum::<usize>(), 5000);
    assert_eq!(hist.first().unwrap().0, Money::from_kopecks(r.sorted_totals_with_vat[0]));
}

#[test]
fn bad_runs_are_refused_naming_the_field() {
    let e = MonteCarlo::new(input(normal(1, 1), Vat::None, 0, 1)).unwrap_err();
    assert_eq!(e.field, "paths");
    let e = MonteCarlo::new(input(Profile::Resample(vec![]), Vat::None, 10, 1)).unwrap_err();
    assert_eq!(e.field, "profile.history");
    let e = Seasonality::new("profile.seasonality", &[Decimal::ONE; 11]).unwrap_err();
    assert_eq!(e.field, "profile.seasonality");
}
