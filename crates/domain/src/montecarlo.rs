//! Monte Carlo of a contract's cost: seeded, deterministic on every platform (the browser too),
//! with an integer hot loop.
//!
//! The kernel counts kopecks and hundredths of an hour in `i64`; a property test proves it gives
//! the same totals as [`crate::simulate`], and [`MonteCarlo::run_with_decimal`] is the
//! straightforward Decimal loop it is benchmarked against. Sampling uses only integer arithmetic
//! (no floating point, so no platform's `ln`/`cos` can make two runs differ): a normal draw is the
//! Irwin–Hall sum of twelve uniform 32-bit numbers, which has mean 6 and variance 1.

use std::ops::Range;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::error::{FieldError, Problem, Rule};
use crate::period::{Contract, Phase};
use crate::statement::simulate;
use crate::tariff::Vat;
use crate::units::{Hours, Money};

/// Most paths one run may take.
pub const MAX_PATHS: u32 = 1_000_000;
/// Most months one path may cover (ten years).
pub const MAX_MONTHS: u32 = 120;
const MAX_MONTH_CENTI: i64 = 744_00;

/// Integer division rounded half away from zero (the domain's rounding, on minor units).
pub fn div_round_half_away(numerator: i64, denominator: i64) -> i64 {
    debug_assert!(denominator > 0);
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if 2 * remainder.abs() >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

/// SplitMix64: small, fast, and the same sequence on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix64(self.0)
    }

    /// A uniform index below `len` (multiply-shift; the bias is below 2^-32 for any real history).
    pub fn below(&mut self, len: usize) -> usize {
        ((u128::from(self.next_u64()) * len as u128) >> 64) as usize
    }

    /// A standard normal draw in 2^-32 fixed point: Irwin–Hall sum of 12 uniforms, minus 6.
    pub fn standard_normal_fixed(&mut self) -> i64 {
        let mut sum: i64 = 0;
        for _ in 0..6 {
            let r = self.next_u64();
            sum += (r & 0xFFFF_FFFF) as i64 + (r >> 32) as i64;
        }
        sum - (6_i64 << 32)
    }
}

/// Per-calendar-month multipliers of a profile, in hundredths (1.5 → 150).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seasonality([i64; 12]);

impl Seasonality {
    pub const FLAT: Seasonality = Seasonality([100; 12]);

    /// Twelve multipliers, January first: each 0..=10 with at most two places.
    pub fn new(field: &str, multipliers: &[Decimal]) -> Result<Seasonality, FieldError> {
        if multipliers.len() != 12 {
            return Err(FieldError::new(field, Problem::Rule(Rule::TwelveMultipliers)));
        }
        let mut centi = [0; 12];
        for (i, &m) in multipliers.iter().enumerate() {
            centi[i] = Hours::bounded(&format!("{field}[{i}]"), m, Decimal::TEN)?.centi();
        }
        Ok(Seasonality(centi))
    }

    /// The multiplier of a calendar month (1..=12).
    pub fn of_month(&self, month: u32) -> Decimal {
        Decimal::new(self.0[(month - 1) as usize], 2)
    }
}

/// How a month's hours are drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Profile {
    /// The same hours every month.
    Constant(Hours),
    /// Normal with a mean and a spread (standard deviation), scaled per calendar month;
    /// a negative draw is a month with no hours, and no draw exceeds 744 h.
    Normal { mean: Hours, spread: Hours, seasonality: Seasonality },
    /// Months drawn at random, with replacement, from a history.
    Resample(Vec<Hours>),
}

/// The profile in minor units, per calendar month where it varies.
#[derive(Debug, Clone)]
enum Sampler {
    Constant(i64),
    Normal { mean: [i64; 12], spread: [i64; 12] },
    Resample(Vec<i64>),
}

impl Sampler {
    fn new(profile: &Profile) -> Result<Sampler, FieldError> {
        Ok(match profile {
            Profile::Constant(h) => Sampler::Constant(h.centi()),
            Profile::Normal { mean, spread, seasonality } => {
                let scale = |value: Hours, month: usize| div_round_half_away(value.centi() * seasonality.0[month], 100);
                Sampler::Normal {
                    mean: std::array::from_fn(|m| scale(*mean, m)),
                    spread: std::array::from_fn(|m| scale(*spread, m)),
                }
            }
            Profile::Resample(history) => {
                if history.is_empty() {
                    return Err(FieldError::new("profile.history", Problem::Rule(Rule::NoMonths)));
                }
                Sampler::Resample(history.iter().map(|h| h.centi()).collect())
            }
        })
    }

    /// Hours of one month in hundredths; `month0` is the calendar month, 0 = January.
    #[inline]
    fn draw(&self, rng: &mut SplitMix64, month0: usize) -> i64 {
        match self {
            Sampler::Constant(h) => *h,
            Sampler::Normal { mean, spread } => {
                let z = rng.standard_normal_fixed();
                // Round the 2^-32 fixed-point product to whole hundredths (half up).
                let deviation = (spread[month0] * z + (1 << 31)) >> 32;
                (mean[month0] + deviation).clamp(0, MAX_MONTH_CENTI)
            }
            Sampler::Resample(history) => history[rng.below(history.len())],
        }
    }
}

/// A contract's terms in minor units, and its months' phases, for the hot loop.
#[derive(Debug, Clone)]
pub struct Kernel {
    fee: i64,
    included: i64,
    overage_rate: i64,
    reserve_cap: i64,
    trial_rate: i64,
    vat: VatMinor,
    /// Per month: (is subscription, closes the contract, calendar month 0..12).
    months: Vec<(bool, bool, usize)>,
}

#[derive(Debug, Clone, Copy)]
enum VatMinor {
    None,
    OnTop(i64),
    Included(i64),
}

/// What one path (one simulated contract) adds up to, in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PathTotals {
    pub total: i64,
    pub vat: i64,
    pub total_with_vat: i64,
    pub hours: i64,
    pub forfeited: i64,
    pub overage_months: u32,
    pub subscription_months: u32,
}

impl Kernel {
    /// The first `months` months of the contract (fewer when it ends sooner).
    pub fn new(contract: &Contract, vat: Vat, months: u32) -> Kernel {
        let t = &contract.tariff;
        Kernel {
            fee: t.monthly_fee.kopecks(),
            included: t.included_hours.centi(),
            overage_rate: t.overage_rate.kopecks(),
            reserve_cap: t.reserve_cap.centi(),
            trial_rate: t.trial_rate.kopecks(),
            vat: match vat {
                Vat::None => VatMinor::None,
                Vat::OnTop(r) => VatMinor::OnTop(r.centi_percent()),
                Vat::Included(r) => VatMinor::Included(r.centi_percent()),
            },
            months: contract
                .schedule(months)
                .map(|m| (m.phase == Phase::Subscription, m.closes_contract, (m.period.month() - 1) as usize))
                .collect(),
        }
    }

    /// Number of months a path covers.
    pub fn len(&self) -> usize {
        self.months.len()
    }

    pub fn is_empty(&self) -> bool {
        self.months.is_empty()
    }

    /// Runs one path; `hours(i, calendar_month0)` gives month i's hours in hundredths.
    #[inline]
    pub fn run(&self, mut hours: impl FnMut(usize, usize) -> i64) -> PathTotals {
        let mut out = PathTotals::default();
        let mut reserve = 0_i64;
        for (i, &(subscription, closes, month0)) in self.months.iter().enumerate() {
            let h = hours(i, month0);
            let total = if subscription {
                let included_used = h.min(self.included);
                let reserve_used = (h - included_used).min(reserve);
                let overage = h - included_used - reserve_used;
                let carried = reserve - reserve_used + (self.included - included_used);
                reserve = carried.min(self.reserve_cap);
                out.forfeited += carried - reserve;
                out.subscription_months += 1;
                out.overage_months += u32::from(overage > 0);
                // hundredths of an hour × kopecks per hour / 100 = kopecks
                self.fee + div_round_half_away(overage * self.overage_rate, 100)
            } else {
                div_round_half_away(h * self.trial_rate, 100)
            };
            if closes {
                out.forfeited += reserve;
                reserve = 0;
            }
            let vat = match self.vat {
                VatMinor::None => 0,
                VatMinor::OnTop(rate) => div_round_half_away(total * rate, 100_00),
                VatMinor::Included(rate) => div_round_half_away(total * rate, 100_00 + rate),
            };
            out.total += total;
            out.vat += vat;
            out.total_with_vat += if matches!(self.vat, VatMinor::Included(_)) { total } else { total + vat };
            out.hours += h;
        }
        out
    }
}

/// What to simulate.
#[derive(Debug, Clone)]
pub struct MonteCarloInput {
    pub contract: Contract,
    pub vat: Vat,
    /// Months per path, from the contract's start (12 = the first year).
    pub months: u32,
    pub paths: u32,
    pub seed: u64,
    pub profile: Profile,
}

/// A prepared Monte Carlo run; paths can be run in chunks (for a progress bar) with the same result.
#[derive(Debug, Clone)]
pub struct MonteCarlo {
    input: MonteCarloInput,
    kernel: Kernel,
    sampler: Sampler,
}

/// P10 / P50 / P90 and the mean of a distribution of amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Distribution {
    pub p10: Money,
    pub p50: Money,
    pub p90: Money,
    pub mean: Money,
}

/// The outcome of a Monte Carlo run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonteCarloResult {
    pub paths: u32,
    pub months: u32,
    /// Cost over the months simulated, before VAT.
    pub total: Distribution,
    /// Cost over the months simulated, with VAT (equal to `total` without VAT).
    pub total_with_vat: Distribution,
    /// Share of subscription months that paid overage, 0..1, four places.
    pub overage_month_chance: Decimal,
    /// Reserve hours forfeited per path, on average.
    pub expected_forfeited_hours: Hours,
    /// All money over all hours; none when no hours were drawn.
    pub effective_rate: Option<Money>,
    /// Every path's cost with VAT, in kopecks, ascending (for the histogram).
    #[serde(skip)]
    pub sorted_totals_with_vat: Vec<i64>,
}

/// Adds paths up; merge-free so chunks run in order give the same answer as one run.
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    totals: Vec<i64>,
    totals_with_vat: Vec<i64>,
    hours: i128,
    money: i128,
    forfeited: i128,
    overage_months: u64,
    subscription_months: u64,
}

impl Accumulator {
    pub fn add(&mut self, path: PathTotals) {
        self.totals.push(path.total);
        self.totals_with_vat.push(path.total_with_vat);
        self.hours += i128::from(path.hours);
        self.money += i128::from(path.total);
        self.forfeited += i128::from(path.forfeited);
        self.overage_months += u64::from(path.overage_months);
        self.subscription_months += u64::from(path.subscription_months);
    }

    pub fn paths_done(&self) -> usize {
        self.totals.len()
    }
}

fn ratio_rounded(numerator: i128, denominator: i128, places: u32) -> Decimal {
    (Decimal::from_i128_with_scale(numerator, 0) / Decimal::from_i128_with_scale(denominator, 0))
        .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

/// Nearest-rank percentile of an ascending, non-empty list.
fn percentile(sorted: &[i64], percent: usize) -> i64 {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn distribution(sorted: &[i64]) -> Distribution {
    let sum: i128 = sorted.iter().map(|&v| i128::from(v)).sum();
    let mean = ratio_rounded(sum, sorted.len() as i128, 0);
    Distribution {
        p10: Money::from_kopecks(percentile(sorted, 10)),
        p50: Money::from_kopecks(percentile(sorted, 50)),
        p90: Money::from_kopecks(percentile(sorted, 90)),
        mean: Money::from_kopecks(i64::try_from(mean.mantissa()).expect("mean fits")),
    }
}

impl MonteCarlo {
    pub fn new(input: MonteCarloInput) -> Result<MonteCarlo, FieldError> {
        if !(1..=MAX_PATHS).contains(&input.paths) {
            return Err(FieldError::new("paths", Problem::Rule(Rule::FromOneTo(MAX_PATHS as u64))));
        }
        if !(1..=MAX_MONTHS).contains(&input.months) {
            return Err(FieldError::new("months", Problem::Rule(Rule::FromOneTo(MAX_MONTHS as u64))));
        }
        let sampler = Sampler::new(&input.profile)?;
        let kernel = Kernel::new(&input.contract, input.vat, input.months);
        Ok(MonteCarlo { input, kernel, sampler })
    }

    pub fn input(&self) -> &MonteCarloInput {
        &self.input
    }

    /// Each path has its own generator, so any chunking of paths gives the same draws.
    fn path_rng(&self, path: u32) -> SplitMix64 {
        SplitMix64::new(mix64(self.input.seed ^ mix64(u64::from(path).wrapping_add(GOLDEN_GAMMA))))
    }

    /// Runs one path with the integer kernel.
    pub fn run_path(&self, path: u32) -> PathTotals {
        let mut rng = self.path_rng(path);
        self.kernel.run(|_, month0| self.sampler.draw(&mut rng, month0))
    }

    /// The hours one path draws, month by month.
    pub fn path_hours(&self, path: u32) -> Vec<Hours> {
        let mut rng = self.path_rng(path);
        self.kernel
            .months
            .iter()
            .map(|&(_, _, month0)| Hours::from_centi(self.sampler.draw(&mut rng, month0)))
            .collect()
    }

    /// Runs paths `range` into `acc` (call with consecutive ranges to show progress).
    pub fn run_chunk(&self, range: Range<u32>, acc: &mut Accumulator) {
        let end = range.end.min(self.input.paths);
        for path in range.start..end {
            acc.add(self.run_path(path));
        }
    }

    /// Runs all paths with the integer kernel.
    pub fn run(&self) -> MonteCarloResult {
        let mut acc = Accumulator::default();
        self.run_chunk(0..self.input.paths, &mut acc);
        self.finish(acc)
    }

    /// The same run through [`simulate`] and `rust_decimal`, path by path: the reference the
    /// integer kernel is checked and benchmarked against.
    pub fn run_with_decimal(&self) -> MonteCarloResult {
        let mut acc = Accumulator::default();
        for path in 0..self.input.paths {
            let hours = self.path_hours(path);
            let statement = simulate(&self.input.contract, &hours, self.input.vat).expect("sampled hours are valid");
            let s = &statement.summary;
            acc.add(PathTotals {
                total: s.total.kopecks(),
                vat: s.vat.kopecks(),
                total_with_vat: s.total_with_vat.kopecks(),
                hours: s.hours.centi(),
                forfeited: s.reserve_forfeited.centi(),
                overage_months: statement
                    .months
                    .iter()
                    .filter(|m| m.phase == Phase::Subscription && !m.extra_hours.is_zero())
                    .count() as u32,
                subscription_months: statement.months.iter().filter(|m| m.phase == Phase::Subscription).count() as u32,
            });
        }
        self.finish(acc)
    }

    /// Turns the accumulated paths into the result.
    pub fn finish(&self, mut acc: Accumulator) -> MonteCarloResult {
        assert!(!acc.totals.is_empty(), "finish needs at least one path");
        acc.totals.sort_unstable();
        acc.totals_with_vat.sort_unstable();
        let paths = acc.totals.len() as i128;
        let forfeited_centi = ratio_rounded(acc.forfeited, paths, 0);
        MonteCarloResult {
            paths: acc.totals.len() as u32,
            months: self.kernel.len() as u32,
            total: distribution(&acc.totals),
            total_with_vat: distribution(&acc.totals_with_vat),
            overage_month_chance: if acc.subscription_months == 0 {
                Decimal::ZERO
            } else {
                ratio_rounded(i128::from(acc.overage_months), i128::from(acc.subscription_months), 4)
            },
            expected_forfeited_hours: Hours::from_centi(i64::try_from(forfeited_centi.mantissa()).expect("fits")),
            effective_rate: (acc.hours > 0).then(|| {
                // kopecks / hundredths of an hour × 100 = kopecks per hour
                let kopecks = ratio_rounded(acc.money * 100, acc.hours, 0);
                Money::from_kopecks(i64::try_from(kopecks.mantissa()).expect("fits"))
            }),
            sorted_totals_with_vat: acc.totals_with_vat,
        }
    }
}

impl MonteCarloResult {
    /// Counts of paths per equal-width bin of cost with VAT: `(from, to, count)`.
    pub fn histogram(&self, bins: usize) -> Vec<(Money, Money, usize)> {
        histogram_of(&self.sorted_totals_with_vat, bins)
    }
}

/// Equal-width bins over ascending `sorted` kopecks, at most one bin a kopeck of spread (all
/// paths alike: one bin), so no bin ends before it starts.
fn histogram_of(sorted: &[i64], bins: usize) -> Vec<(Money, Money, usize)> {
    let (Some(&lo), Some(&hi)) = (sorted.first(), sorted.last()) else {
        return Vec::new();
    };
    let spread = usize::try_from(hi - lo).unwrap_or(usize::MAX);
    let bins = bins.clamp(1, spread.max(1));
    let width = ((hi - lo) / bins as i64).max(1);
    let mut counts = vec![0usize; bins];
    for &v in sorted {
        counts[(((v - lo) / width) as usize).min(bins - 1)] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let from = lo + width * i as i64;
            let to = if i + 1 == bins { hi } else { from + width };
            (Money::from_kopecks(from), Money::from_kopecks(to), n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_histogram_bin_ends_before_it_starts() {
        let alike = histogram_of(&[24_000_000; 5], 20);
        assert_eq!(alike, [(Money::from_kopecks(24_000_000), Money::from_kopecks(24_000_000), 5)]);
        let narrow = histogram_of(&[100, 101, 103, 105], 20);
        assert_eq!(narrow.len(), 5);
        assert!(narrow.iter().all(|(from, to, _)| from <= to), "{narrow:?}");
        assert_eq!(narrow.iter().map(|b| b.2).sum::<usize>(), 4);
        let wide = histogram_of(&[0, 1_000, 2_000], 20);
        assert_eq!((wide.len(), wide[19].1), (20, Money::from_kopecks(2_000)));
        assert!(histogram_of(&[], 20).is_empty());
    }

    #[test]
    fn integer_rounding_is_half_away_from_zero() {
        assert_eq!(div_round_half_away(5, 10), 1);
        assert_eq!(div_round_half_away(4, 10), 0);
        assert_eq!(div_round_half_away(-5, 10), -1);
        assert_eq!(div_round_half_away(25, 10), 3);
        assert_eq!(div_round_half_away(15, 10), 2);
    }

    #[test]
    fn splitmix_is_the_published_sequence() {
        // Reference values of SplitMix64 seeded with 1234567 (Vigna's splitmix64.c).
        let mut rng = SplitMix64::new(1234567);
        assert_eq!(rng.next_u64(), 6457827717110365317);
        assert_eq!(rng.next_u64(), 3203168211198807973);
        assert_eq!(rng.next_u64(), 9817491932198370423);
    }

    #[test]
    fn irwin_hall_has_unit_spread() {
        let mut rng = SplitMix64::new(7);
        let n = 200_000;
        let (mut sum, mut sum_sq) = (0_i128, 0_i128);
        for _ in 0..n {
            let z = i128::from(rng.standard_normal_fixed());
            sum += z;
            sum_sq += z * z;
        }
        let one = 1_i128 << 32;
        let mean = sum / n;
        let var_scaled = (sum_sq / n - mean * mean) / one; // variance × 2^32
        assert!(mean.abs() < one / 100, "mean {mean}");
        assert!((var_scaled - one).abs() < one / 50, "variance {var_scaled}");
    }

    #[test]
    fn percentile_is_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 10), 1);
        assert_eq!(percentile(&v, 50), 5);
        assert_eq!(percentile(&v, 90), 9);
        assert_eq!(percentile(&[42], 10), 42);
    }
}

/// A fixed run whose figures are asserted natively and in the browser (wasm32), proving the
/// sampler and kernel give the same result on every platform.
#[doc(hidden)]
pub mod golden {
    use super::*;
    use crate::period::parse_date;
    use crate::tariff::{Tariff, VatRate};

    pub fn input() -> MonteCarloInput {
        MonteCarloInput {
            contract: Contract::new(Tariff::start(), parse_date("start", "2027-01-01").expect("date"), None)
                .expect("contract"),
            vat: Vat::OnTop(VatRate::GENERAL),
            months: 12,
            paths: 10_000,
            seed: 42,
            profile: Profile::Normal {
                mean: Hours::whole(15),
                spread: Hours::whole(8),
                seasonality: Seasonality::FLAT,
            },
        }
    }

    /// The figures of a result in one line.
    pub fn summary(r: &MonteCarloResult) -> String {
        let d = &r.total_with_vat;
        format!(
            "p10={} p50={} p90={} mean={} rate={:?} overage={} forfeited={}",
            d.p10, d.p50, d.p90, d.mean, r.effective_rate, r.overage_month_chance, r.expected_forfeited_hours
        )
    }

    pub const EXPECTED: &str = "p10=372612.40 p50=448374.40 p90=529284.80 mean=449687.39 \
                                rate=Some(2035.71 RUB) overage=0.6577 forfeited=1.37";
}
