//! `cargo bench -p hourbank-domain --bench engine`
//!
//! - `simulate/36_months`: one statement over 36 months through `rust_decimal`.
//! - `monte_carlo/integer_kernel` and `monte_carlo/decimal_loop`: 10 000 paths × 36 months of a
//!   normal profile; the figure per simulated month is the time divided by 360 000.
//!   The run prints both per-month figures and their ratio at the end.

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, Criterion};
use hourbank_domain::{
    parse_date, simulate, Contract, Hours, MonteCarlo, MonteCarloInput, Profile, Seasonality, Tariff, Vat,
};

const PATHS: u32 = 10_000;
const MONTHS: u32 = 36;

fn contract() -> Contract {
    Contract::new(Tariff::start(), parse_date("start", "2027-01-01").unwrap(), None).unwrap()
}

fn monte_carlo(paths: u32) -> MonteCarlo {
    MonteCarlo::new(MonteCarloInput {
        contract: contract(),
        vat: Vat::None,
        months: MONTHS,
        paths,
        seed: 42,
        profile: Profile::Normal { mean: Hours::whole(12), spread: Hours::whole(6), seasonality: Seasonality::FLAT },
    })
    .unwrap()
}

fn bench_simulate(c: &mut Criterion) {
    let contract = contract();
    let hours: Vec<Hours> = (0..MONTHS).map(|i| Hours::from_centi(i64::from(i % 7) * 425)).collect();
    c.bench_function("simulate/36_months", |b| {
        b.iter(|| simulate(black_box(&contract), black_box(&hours), Vat::None).unwrap())
    });
}

fn bench_monte_carlo(c: &mut Criterion) {
    let mc = monte_carlo(PATHS);
    let mut group = c.benchmark_group("monte_carlo");
    group.sample_size(10);
    group.bench_function("integer_kernel_10000x36", |b| b.iter(|| black_box(&mc).run()));
    group.bench_function("decimal_loop_10000x36", |b| b.iter(|| black_box(&mc).run_with_decimal()));
    group.finish();
}

/// Prints ns per simulated month for both loops and their ratio (median of a few timed runs).
fn report_per_month() {
    let mc = monte_carlo(PATHS);
    let months = f64::from(PATHS * MONTHS);
    let time = |f: &dyn Fn()| {
        let mut runs: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        runs[2]
    };
    let integer = time(&|| {
        black_box(mc.run());
    });
    let decimal = time(&|| {
        black_box(mc.run_with_decimal());
    });
    assert_eq!(mc.run(), mc.run_with_decimal(), "the two loops must agree");
    println!(
        "monte carlo {PATHS} paths x {MONTHS} months: integer kernel {:.1} ns/month ({:.1} ms), \
         decimal loop {:.1} ns/month ({:.1} ms), ratio {:.1}x",
        integer * 1e9 / months,
        integer * 1e3,
        decimal * 1e9 / months,
        decimal * 1e3,
        decimal / integer
    );
}

criterion_group!(benches, bench_simulate, bench_monte_carlo);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report_per_month();
}
