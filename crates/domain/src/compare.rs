//! Tariffs side by side: the same hours under each tariff (computed by [`simulate`]), which is
//! cheapest, the break-even hours per month, and a history replayed against each tariff.
//!
//! Nothing here claims a saving the figures do not show: equal totals are a tie, and a history
//! shorter than [`MIN_HISTORY_MONTHS`] gets no recommendation.

use chrono::NaiveDate;

use crate::error::FieldError;
use crate::montecarlo::div_round_half_away;
use crate::period::{Contract, Period};
use crate::statement::{simulate, Statement};
use crate::tariff::{Tariff, Vat};
use crate::units::{Hours, Money, MAX_MONTH_HOURS};

/// Fewest months of history that may back a recommendation: fewer cannot show a reserve filling
/// and being used, so any difference they show says little.
pub const MIN_HISTORY_MONTHS: usize = 3;

/// Pay-as-you-go: every hour at `rate`, no fee, nothing included, no reserve, no trial.
pub fn pay_as_you_go(rate: Money) -> Tariff {
    Tariff {
        monthly_fee: Money::ZERO,
        included_hours: Hours::ZERO,
        overage_rate: rate,
        reserve_cap: Hours::ZERO,
        trial_months: 0,
        trial_rate: rate,
    }
}

/// A named tariff in a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    pub tariff: Tariff,
}

impl Candidate {
    pub fn new(name: impl Into<String>, tariff: Tariff) -> Candidate {
        Candidate { name: name.into(), tariff }
    }
}

/// One tariff's statement for the compared hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared {
    pub name: String,
    pub tariff: Tariff,
    pub statement: Statement,
    /// How much more than the cheapest (with VAT); zero for the cheapest.
    pub over_cheapest: Money,
}

/// The same hours under each tariff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub rows: Vec<Compared>,
    /// Indexes of the rows with the least total with VAT (several when they tie).
    pub cheapest: Vec<usize>,
}

impl Comparison {
    /// Whether one tariff alone is cheapest.
    pub fn winner(&self) -> Option<&Compared> {
        match self.cheapest[..] {
            [i] => Some(&self.rows[i]),
            _ => None,
        }
    }

    /// The least total with VAT among the other rows, minus the winner's: what choosing the
    /// winner saves against the next best. `None` when there is no single winner.
    pub fn saving(&self) -> Option<Money> {
        let winner = self.winner()?;
        let next = self
            .rows
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.cheapest.contains(i))
            .map(|(_, r)| r.statement.summary.total_with_vat)
            .min()?;
        Some(Money::from_kopecks(next.kopecks() - winner.statement.summary.total_with_vat.kopecks()))
    }
}

/// Simulates the same contract dates, hours and VAT under each candidate. Errors name the field
/// (`months[i]` past the contract's end; `end` before the start).
pub fn compare(
    start: NaiveDate,
    end: Option<NaiveDate>,
    hours: &[Hours],
    vat: Vat,
    candidates: &[Candidate],
) -> Result<Comparison, FieldError> {
    let statements = candidates
        .iter()
        .map(|c| simulate(&Contract::new(c.tariff.clone(), start, end)?, hours, vat))
        .collect::<Result<Vec<_>, _>>()?;
    let least = statements.iter().map(|s| s.summary.total_with_vat).min().unwrap_or(Money::ZERO);
    let cheapest = (0..statements.len()).filter(|&i| statements[i].summary.total_with_vat == least).collect();
    let rows = candidates
        .iter()
        .zip(statements)
        .map(|(c, statement)| Compared {
            name: c.name.clone(),
            tariff: c.tariff.clone(),
            over_cheapest: Money::from_kopecks(statement.summary.total_with_vat.kopecks() - least.kopecks()),
            statement,
        })
        .collect();
    Ok(Comparison { rows, cheapest })
}

/// Cost in kopecks, before VAT, of a subscription month with `centi` hundredths of an hour when
/// the same hours are closed every month: the reserve then never helps (below the included hours
/// it fills and nothing draws on it; above them it stays empty). Equal to [`simulate`]'s row,
/// rounding included (`Money::times` rounds half away from zero to the kopeck, as here).
pub fn steady_month_cost(tariff: &Tariff, centi: i64) -> i64 {
    SteadyCost::of(tariff).at(centi)
}

/// A tariff's terms as integers, read once: the scans below price every hundredth of an hour up
/// to 744 h (74 401 steps), and reading the terms out of their decimals at each step made the
/// comparison page's first render block the browser for tens of milliseconds.
#[derive(Debug, Clone, Copy)]
struct SteadyCost {
    fee: i64,
    included: i64,
    rate: i64,
}

impl SteadyCost {
    fn of(tariff: &Tariff) -> SteadyCost {
        SteadyCost {
            fee: tariff.monthly_fee.kopecks(),
            included: tariff.included_hours.centi(),
            rate: tariff.overage_rate.kopecks(),
        }
    }

    fn at(self, centi: i64) -> i64 {
        let over = (centi - self.included).max(0);
        self.fee + div_round_half_away(self.rate * over, 100)
    }
}

/// A range of steady hours per month, `from..=to` in hundredths, and the tariffs cheapest in all of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub from: Hours,
    pub to: Hours,
    /// Indexes into the tariffs given (several when they cost the same).
    pub cheapest: Vec<usize>,
}

/// Which tariffs are cheapest for each number of hours closed every month, from 0 to 744 h in
/// steps of 0.01 h (every value hours can take), as bands where the answer stays the same. The
/// edges of the bands are the break-even hours per month. Exact: integer kopecks at every step.
pub fn cheapest_by_hours(tariffs: &[Tariff]) -> Vec<Band> {
    let max = Hours::month("", MAX_MONTH_HOURS).expect("the limit is valid").centi();
    let terms: Vec<SteadyCost> = tariffs.iter().map(SteadyCost::of).collect();
    let mut bands: Vec<Band> = Vec::new();
    let mut costs = vec![0_i64; tariffs.len()];
    // Reused at every step: a new band (a few per comparison) is the only allocation.
    let mut cheapest: Vec<usize> = Vec::with_capacity(tariffs.len());
    for centi in 0..=max {
        for (cost, t) in costs.iter_mut().zip(&terms) {
            *cost = t.at(centi);
        }
        let least = costs.iter().copied().min().unwrap_or(0);
        cheapest.clear();
        cheapest.extend((0..costs.len()).filter(|&i| costs[i] == least));
        match bands.last_mut() {
            Some(band) if band.cheapest == cheapest => band.to = Hours::from_centi(centi),
            _ => bands.push(Band {
                from: Hours::from_centi(centi),
                to: Hours::from_centi(centi),
                cheapest: cheapest.clone(),
            }),
        }
    }
    bands
}

/// The fewest steady hours per month from which `tariff` costs no more than `other` in every
/// month up to 744 h; `None` when that never holds at 744 h.
pub fn break_even(tariff: &Tariff, other: &Tariff) -> Option<Hours> {
    let max = Hours::month("", MAX_MONTH_HOURS).expect("the limit is valid").centi();
    let (tariff, other) = (SteadyCost::of(tariff), SteadyCost::of(other));
    let mut from = None;
    for centi in (0..=max).rev() {
        if tariff.at(centi) > other.at(centi) {
            break;
        }
        from = Some(centi);
    }
    from.map(Hours::from_centi)
}

/// What a history of months says about the tariffs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Fewer months than [`MIN_HISTORY_MONTHS`]: no recommendation.
    TooLittleData { months: usize },
    /// Several tariffs tie at the least total: none is cheaper.
    Tie { names: Vec<String>, total: Money },
    /// One tariff costs least, by `saving` against the next best.
    Cheapest { name: String, total: Money, next: String, saving: Money },
}

/// A history replayed against each tariff, and what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    pub comparison: Comparison,
    pub verdict: Verdict,
}

/// Replays the hours of past months from `first` against each candidate as months of a running
/// subscription (no trial: the history is of service already going; every tariff starts with an
/// empty reserve, as a new contract would).
pub fn replay(first: Period, hours: &[Hours], vat: Vat, candidates: &[Candidate]) -> Result<Replay, FieldError> {
    let subscription: Vec<Candidate> = candidates
        .iter()
        .map(|c| Candidate { name: c.name.clone(), tariff: Tariff { trial_months: 0, ..c.tariff.clone() } })
        .collect();
    let comparison = compare(first.first_day(), None, hours, vat, &subscription)?;
    let total = |i: usize| comparison.rows[i].statement.summary.total_with_vat;
    let verdict = if hours.len() < MIN_HISTORY_MONTHS {
        Verdict::TooLittleData { months: hours.len() }
    } else if let (Some(winner), Some(saving)) = (comparison.winner(), comparison.saving()) {
        let next = (0..comparison.rows.len())
            .filter(|i| !comparison.cheapest.contains(i))
            .min_by_key(|&i| total(i))
            .expect("a saving implies another row");
        Verdict::Cheapest {
            name: winner.name.clone(),
            total: winner.statement.summary.total_with_vat,
            next: comparison.rows[next].name.clone(),
            saving,
        }
    } else {
        Verdict::Tie {
            names: comparison.cheapest.iter().map(|&i| comparison.rows[i].name.clone()).collect(),
            total: comparison.cheapest.first().map(|&i| total(i)).unwrap_or(Money::ZERO),
        }
    };
    Ok(Replay { comparison, verdict })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::Phase;
    use crate::tariff::VatRate;

    fn h(list: &[u32]) -> Vec<Hours> {
        list.iter().map(|&x| Hours::whole(x)).collect()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn start_and_payg() -> Vec<Candidate> {
        vec![
            Candidate::new("Старт", Tariff::start()),
            Candidate::new("Почасовая", pay_as_you_go(Tariff::start().overage_rate)),
        ]
    }

    /// 45 000 ₽ for 25 h, 1 800 ₽ an hour over, reserve 20 h, one trial month.
    fn bigger() -> Tariff {
        Tariff {
            monthly_fee: Money::from_kopecks(45_000_00),
            included_hours: Hours::whole(25),
            overage_rate: Money::from_kopecks(1_800_00),
            reserve_cap: Hours::whole(20),
            trial_months: 1,
            trial_rate: Money::from_kopecks(1_800_00),
        }
    }

    #[test]
    fn the_same_hours_under_start_and_pay_as_you_go() {
        // Trial 3 h + 12 h, then 5, 15, 0, 20 h.
        let hours = h(&[3, 12, 5, 15, 0, 20]);
        let c = compare(date(2027, 1, 1), None, &hours, Vat::None, &start_and_payg()).unwrap();
        // «Старт»: 6 000 + 24 000 + 4 × 20 000 = 110 000 (5 h leave 5 in reserve; 15 = 10 + 5;
        // 0 h refills 10; 20 = 10 + 10). Pay-as-you-go: 55 h × 2 000 = 110 000 — equal.
        assert_eq!(c.rows[0].statement.summary.total, Money::from_kopecks(110_000_00));
        assert_eq!(c.rows[1].statement.summary.total, Money::from_kopecks(110_000_00));
        assert_eq!(c.cheapest, [0, 1]);
        assert_eq!(c.winner(), None);
        assert_eq!(c.saving(), None);
        // Few hours: pay-as-you-go wins by the unused fee.
        let c = compare(date(2027, 1, 1), None, &h(&[0, 0, 2, 2]), Vat::None, &start_and_payg()).unwrap();
        assert_eq!(c.cheapest, [1]);
        assert_eq!(c.winner().unwrap().name, "Почасовая");
        assert_eq!(c.saving(), Some(Money::from_kopecks(32_000_00)));
        assert_eq!(c.rows[0].over_cheapest, Money::from_kopecks(32_000_00));
        assert_eq!(c.rows[1].over_cheapest, Money::ZERO);
    }

    #[test]
    fn vat_and_a_custom_tariff_in_the_comparison() {
        let mut candidates = start_and_payg();
        candidates.push(Candidate::new("Больше", bigger()));
        // 30 h a month for 4 months from January, VAT 22 % on top.
        let vat = Vat::OnTop(VatRate::GENERAL);
        let c = compare(date(2027, 1, 1), None, &h(&[30; 4]), vat, &candidates).unwrap();
        // «Старт»: 2 × 60 000 trial + 2 × (20 000 + 20 × 2 000) = 240 000 → 292 800 with VAT.
        // Pay-as-you-go: 120 h × 2 000 = 240 000 → 292 800.
        // «Больше»: 54 000 trial + 3 × (45 000 + 5 × 1 800) = 216 000 → 263 520.
        let totals: Vec<_> = c.rows.iter().map(|r| r.statement.summary.total_with_vat.to_string()).collect();
        assert_eq!(totals, ["292800.00", "292800.00", "263520.00"]);
        assert_eq!(c.cheapest, [2]);
        assert_eq!(c.saving(), Some(Money::from_kopecks(29_280_00)));
        assert_eq!(c.rows[2].statement.months[0].phase, Phase::Trial);
        assert_eq!(c.rows[1].statement.months[0].phase, Phase::Subscription);
    }

    #[test]
    fn bad_dates_name_their_field() {
        let e = compare(date(2027, 1, 1), Some(date(2027, 2, 28)), &h(&[1, 2, 3]), Vat::None, &start_and_payg())
            .unwrap_err();
        assert_eq!(e.field, "months[2]");
    }

    #[test]
    fn start_breaks_even_with_pay_as_you_go_at_ten_hours() {
        let t = [Tariff::start(), pay_as_you_go(Tariff::start().overage_rate)];
        let bands = cheapest_by_hours(&t);
        // Below 10 h the fee buys unused hours; from 10 h both cost 2 000 ₽ an hour.
        assert_eq!(
            bands,
            [
                Band { from: Hours::ZERO, to: Hours::from_centi(999), cheapest: vec![1] },
                Band { from: Hours::whole(10), to: Hours::whole(744), cheapest: vec![0, 1] },
            ]
        );
        assert_eq!(break_even(&t[0], &t[1]), Some(Hours::whole(10)));
        // Pay-as-you-go is never dearer than «Старт».
        assert_eq!(break_even(&t[1], &t[0]), Some(Hours::ZERO));
    }

    #[test]
    fn three_tariffs_split_the_hours_into_bands() {
        let t = [Tariff::start(), pay_as_you_go(Money::from_kopecks(2_500_00)), bigger()];
        let bands = cheapest_by_hours(&t);
        let edges: Vec<_> = bands.iter().map(|b| (b.from.to_string(), b.to.to_string(), b.cheapest.clone())).collect();
        // Pay-as-you-go at 2 500 until 20 000 / 2 500 = 8 h (a tie at exactly 8 h); then «Старт»
        // until 20 000 + (h − 10) × 2 000 reaches «Больше»'s 45 000 at 22,5 h; from there
        // «Больше» (1 800 ₽ an hour over 25 h) is cheaper.
        assert_eq!(
            edges,
            [
                ("0".into(), "7.99".into(), vec![1]),
                ("8".into(), "8".into(), vec![0, 1]),
                ("8.01".into(), "22.49".into(), vec![0]),
                ("22.5".into(), "22.5".into(), vec![0, 2]),
                ("22.51".into(), "744".into(), vec![2]),
            ]
        );
        assert_eq!(break_even(&t[2], &t[0]), Some(Hours::from_centi(22_50)));
        // A tariff with a dearer overage hour than pay-as-you-go loses again above some hours.
        let dear = Tariff { overage_rate: Money::from_kopecks(3_000_00), ..Tariff::start() };
        assert_eq!(break_even(&dear, &pay_as_you_go(Money::from_kopecks(2_000_00))), None);
    }

    #[test]
    fn a_history_is_replayed_without_a_trial() {
        let vat = Vat::None;
        let first = Period::new(2026, 1).unwrap();
        // 2, 2, 2 h: pay-as-you-go 12 000, «Старт» 60 000.
        let r = replay(first, &h(&[2, 2, 2]), vat, &start_and_payg()).unwrap();
        assert_eq!(
            r.verdict,
            Verdict::Cheapest {
                name: "Почасовая".into(),
                total: Money::from_kopecks(12_000_00),
                next: "Старт".into(),
                saving: Money::from_kopecks(48_000_00),
            }
        );
        assert!(r.comparison.rows[0].statement.months.iter().all(|m| m.phase == Phase::Subscription));
        // 10 h a month: equal, and said so.
        let r = replay(first, &h(&[10, 10, 10, 10]), vat, &start_and_payg()).unwrap();
        assert_eq!(
            r.verdict,
            Verdict::Tie {
                names: vec!["Старт".into(), "Почасовая".into()], total: Money::from_kopecks(80_000_00)
            }
        );
        // Two months are too few, whatever they show.
        let r = replay(first, &h(&[0, 0]), vat, &start_and_payg()).unwrap();
        assert_eq!(r.verdict, Verdict::TooLittleData { months: 2 });
        assert_eq!(r.comparison.cheapest, [1]);
    }

    /// Property tests: the bands agree with `simulate` itself, and comparisons never invent a winner.
    mod props {
        use super::*;
        use proptest::prelude::*;

        fn money() -> impl Strategy<Value = Money> {
            (0_i64..=100_000_00).prop_map(Money::from_kopecks)
        }

        fn tariff() -> impl Strategy<Value = Tariff> {
            (money(), 0_i64..=4000, money(), 0_i64..=4000, 0_u32..=3, money()).prop_map(|(f, i, o, c, t, r)| Tariff {
                monthly_fee: f,
                included_hours: Hours::from_centi(i),
                overage_rate: o,
                reserve_cap: Hours::from_centi(c),
                trial_months: t,
                trial_rate: r,
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            #[test]
            fn steady_cost_is_simulates_month(t in tariff(), centi in 0_i64..=74_400, months in 1_usize..6) {
                // The same hours every month: each subscription month costs the steady cost.
                let hours = vec![Hours::from_centi(centi); months];
                let sub = Tariff { trial_months: 0, ..t.clone() };
                let st = simulate(&Contract::new(sub, date(2027, 1, 1), None).unwrap(), &hours, Vat::None).unwrap();
                for m in &st.months {
                    prop_assert_eq!(m.total.kopecks(), steady_month_cost(&t, centi));
                }
            }

            #[test]
            fn bands_cover_every_hour_with_the_cheapest(ts in proptest::collection::vec(tariff(), 1..4), probe in 0_i64..=74_400) {
                let bands = cheapest_by_hours(&ts);
                prop_assert_eq!(bands[0].from, Hours::ZERO);
                prop_assert_eq!(bands.last().unwrap().to, Hours::whole(744));
                for pair in bands.windows(2) {
                    prop_assert_eq!(pair[0].to.centi() + 1, pair[1].from.centi());
                    prop_assert_ne!(&pair[0].cheapest, &pair[1].cheapest);
                }
                let band = bands.iter().find(|b| b.from.centi() <= probe && probe <= b.to.centi()).unwrap();
                let least = ts.iter().map(|t| steady_month_cost(t, probe)).min().unwrap();
                for (i, t) in ts.iter().enumerate() {
                    prop_assert_eq!(band.cheapest.contains(&i), steady_month_cost(t, probe) == least);
                }
            }

            #[test]
            fn a_winner_is_strictly_cheaper(ts in proptest::collection::vec(tariff(), 1..4),
                                            hours in proptest::collection::vec(0_i64..=3000, 1..8)) {
                let candidates: Vec<_> = ts.into_iter().enumerate().map(|(i, t)| Candidate::new(i.to_string(), t)).collect();
                let hours: Vec<_> = hours.into_iter().map(Hours::from_centi).collect();
                let r = replay(Period::new(2026, 3).unwrap(), &hours, Vat::None, &candidates).unwrap();
                let totals: Vec<_> = r.comparison.rows.iter().map(|r| r.statement.summary.total_with_vat).collect();
                let least = *totals.iter().min().unwrap();
                match r.verdict {
                    Verdict::Cheapest { total, saving, .. } => {
                        prop_assert!(hours.len() >= MIN_HISTORY_MONTHS);
                        prop_assert_eq!(total, least);
                        prop_assert_eq!(totals.iter().filter(|&&t| t == least).count(), 1);
                        prop_assert!(saving.kopecks() > 0);
                    }
                    Verdict::Tie { names, total } => {
                        prop_assert!(hours.len() >= MIN_HISTORY_MONTHS);
                        prop_assert_eq!(total, least);
                        prop_assert_eq!(names.len(), totals.iter().filter(|&&t| t == least).count());
                        prop_assert!(names.len() > 1 || totals.len() == 1);
                    }
                    Verdict::TooLittleData { months } => prop_assert_eq!(months, hours.len()),
                }
            }
        }
    }
}
