//! Billing periods (calendar months) and the contract's schedule of trial and subscription.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{FieldError, Problem};
use crate::tariff::Tariff;

/// A calendar month, `YYYY-MM`: the billing period.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((1..=12).contains(&month) && (1000..=9999).contains(&year)).then_some(Period { year, month })
    }

    pub fn of(date: NaiveDate) -> Period {
        Period { year: date.year(), month: date.month() }
    }

    /// Parses `YYYY-MM`.
    pub fn parse(field: &str, text: &str) -> Result<Period, FieldError> {
        let bad = || FieldError::new(field, Problem::BadPeriod(text.to_string()));
        let (y, m) = text.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Period::new(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1..=12
    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid period")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("not the first day ever")
    }

    pub fn next(self) -> Period {
        self.plus(1)
    }

    /// The period `months` after this one.
    pub fn plus(self, months: u32) -> Period {
        let index = self.year as i64 * 12 + (self.month as i64 - 1) + months as i64;
        Period { year: (index / 12) as i32, month: (index % 12) as u32 + 1 }
    }

    /// Months from `earlier` to `self` (0 when equal; negative when `self` is earlier).
    pub fn months_since(self, earlier: Period) -> i64 {
        (self.year as i64 * 12 + self.month as i64) - (earlier.year as i64 * 12 + earlier.month as i64)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::wire::from_str(d, |text| Period::parse("period", text))
    }
}

/// Parses a calendar date `YYYY-MM-DD`.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate, FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new(field, Problem::Missing));
    }
    let bad = || FieldError::new(field, Problem::BadDate(text.to_string()));
    // Read by hand rather than with chrono's format parser, which weighs kilobytes in the browser.
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err(bad());
    }
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err(bad());
    };
    if year < 1000 {
        return Err(bad());
    }
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(bad)
}

/// Whether a month is billed per hour (trial) or by the subscription.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Trial,
    Subscription,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Trial => "trial",
            Phase::Subscription => "subscription",
        }
    }
}

impl<'de> Deserialize<'de> for Phase {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::wire::from_str(d, |text| {
            let all = [Phase::Trial, Phase::Subscription];
            all.into_iter()
                .find(|phase| phase.as_str() == text)
                .ok_or_else(|| crate::workflow::unknown_value("phase", text, all.map(Phase::as_str)))
        })
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A client's contract: the tariff's terms, a start date and an optional end date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub tariff: Tariff,
    start: NaiveDate,
    end: Option<NaiveDate>,
}

/// One month of a contract's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledMonth {
    pub period: Period,
    pub phase: Phase,
    /// The contract ends with this month: the reserve left is forfeited.
    pub closes_contract: bool,
}

/// A contract of year 1000 or 9999 is a typo: its months would run off the calendar (9999-12 is
/// followed by 10000-01) or number twelve thousand. The API's readers refuse one, naming the date
/// (`start` or `end`); the calculator's own form never reaches the server's limits.
pub fn check_contract_years(start: NaiveDate, end: Option<NaiveDate>) -> Result<(), FieldError> {
    for (field, date) in [("start", Some(start)), ("end", end)] {
        if date.is_some_and(|d| !(2000..=2099).contains(&d.year())) {
            // The date is well formed: the rule is the century, and the message says so.
            return Err(FieldError::new(field, Problem::Rule(crate::Rule::YearsOfThisCentury)));
        }
    }
    Ok(())
}

impl Contract {
    /// A contract; the end date, when given, must not be before the start.
    pub fn new(tariff: Tariff, start: NaiveDate, end: Option<NaiveDate>) -> Result<Contract, FieldError> {
        if let Some(end) = end
            && end < start
        {
            return Err(FieldError::new("end", Problem::BeforeStart(start)));
        }
        Ok(Contract { tariff, start, end })
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> Option<NaiveDate> {
        self.end
    }

    pub fn first_period(&self) -> Period {
        Period::of(self.start)
    }

    /// The month the contract ends with, if it has an end date.
    pub fn last_period(&self) -> Option<Period> {
        self.end.map(Period::of)
    }

    /// Months billed like a trial: the `trial_months` full months, plus a partial start month.
    /// A contract starting on the 1st has no partial month; one starting later bills that month
    /// like a trial month without counting it, and no period is ever prorated.
    pub fn trial_periods(&self) -> u32 {
        let partial_start = u32::from(self.start.day() != 1);
        self.tariff.trial_months + partial_start
    }

    /// The first subscription month: the 1st of the month after the trial.
    pub fn subscription_start(&self) -> Period {
        self.first_period().plus(self.trial_periods())
    }

    /// The scheduled month of `period`; none outside the contract.
    pub fn month_of(&self, period: Period) -> Option<ScheduledMonth> {
        u32::try_from(period.months_since(self.first_period())).ok().and_then(|index| self.month(index))
    }

    /// The month at `index` from the start month, or `None` past the contract's end.
    pub fn month(&self, index: u32) -> Option<ScheduledMonth> {
        let period = self.first_period().plus(index);
        let last = self.last_period();
        if last.is_some_and(|last| period > last) {
            return None;
        }
        let phase = if index < self.trial_periods() { Phase::Trial } else { Phase::Subscription };
        Some(ScheduledMonth { period, phase, closes_contract: last == Some(period) })
    }

    /// The contract's months from the start, `count` of them or fewer when it ends sooner.
    pub fn schedule(&self, count: u32) -> impl Iterator<Item = ScheduledMonth> + '_ {
        (0..count).map_while(move |i| self.month(i))
    }

    /// How many months the contract lasts, when it has an end.
    pub fn length_in_months(&self) -> Option<u32> {
        self.last_period().map(|last| last.months_since(self.first_period()) as u32 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        parse_date("d", s).unwrap()
    }

    fn phases(c: &Contract, n: u32) -> Vec<(String, Phase)> {
        c.schedule(n).map(|m| (m.period.to_string(), m.phase)).collect()
    }

    #[test]
    fn a_period_reads_back_its_api_form_only() {
        let p: Period = serde_json::from_str("\"2027-11\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"2027-11\"");
        for bad in ["\"2027-13\"", "\"2027-1\"", "202711", "\"\""] {
            assert!(serde_json::from_str::<Period>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn period_arithmetic() {
        let p = Period::parse("p", "2027-11").unwrap();
        assert_eq!(p.plus(2).to_string(), "2028-01");
        assert_eq!(p.next().months_since(p), 1);
        assert_eq!(Period::parse("p", "2027-02").unwrap().last_day(), date("2027-02-28"));
        assert!(Period::parse("p", "2027-13").is_err());
        assert!(Period::parse("p", "2027-1").is_err());
        assert!(Period::parse("p", "27-01").is_err());
    }

    proptest::proptest! {
        #[test]
        fn the_hand_parser_agrees_with_chrono(days in 0i64..3_000_000, junk in "[0-9-]{8,11}") {
            let date = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap() + chrono::Duration::days(days);
            if date.year() <= 9999 {
                proptest::prop_assert_eq!(parse_date("d", &date.to_string()), Ok(date));
            }
            let chrono_reads = NaiveDate::parse_from_str(&junk, "%Y-%m-%d").ok().filter(|d| junk.len() == 10 && d.year() >= 1000);
            proptest::prop_assert_eq!(parse_date("d", &junk).ok(), chrono_reads);
        }
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(
            parse_date("start", "2027-02-30").unwrap_err().to_string(),
            "start: is not a valid date (expected YYYY-MM-DD): \"2027-02-30\""
        );
        assert!(parse_date("start", "2027-2-3").is_err());
        assert!(parse_date("start", "2028-02-29").is_ok());
        // Nothing typed is a missing field, not a bad date «».
        assert_eq!(parse_date("start", " ").unwrap_err().problem.ru(), "обязательное поле");
    }

    #[test]
    fn start_on_the_first_has_two_trial_months() {
        let c = Contract::new(Tariff::start(), date("2027-01-01"), None).unwrap();
        assert_eq!(
            phases(&c, 4),
            vec![
                ("2027-01".into(), Phase::Trial),
                ("2027-02".into(), Phase::Trial),
                ("2027-03".into(), Phase::Subscription),
                ("2027-04".into(), Phase::Subscription),
            ]
        );
        assert_eq!(c.subscription_start().to_string(), "2027-03");
    }

    #[test]
    fn a_partial_start_month_extends_the_trial() {
        let c = Contract::new(Tariff::start(), date("2027-01-15"), None).unwrap();
        assert_eq!(c.trial_periods(), 3);
        assert_eq!(c.subscription_start().to_string(), "2027-04");
        let mut no_trial = Tariff::start();
        no_trial.trial_months = 0;
        let c = Contract::new(no_trial.clone(), date("2027-01-15"), None).unwrap();
        assert_eq!(phases(&c, 2)[0].1, Phase::Trial);
        assert_eq!(phases(&c, 2)[1].1, Phase::Subscription);
        let c = Contract::new(no_trial, date("2027-01-01"), None).unwrap();
        assert_eq!(phases(&c, 1)[0].1, Phase::Subscription);
    }

    /// Contracts are dated in this century: year 1000 or 9999 is a typo whose months would
    /// number twelve thousand or run past 9999-12.
    #[test]
    fn a_contract_outside_this_century_is_refused_naming_its_date() {
        let e = check_contract_years(date("1000-01-01"), None).unwrap_err();
        assert_eq!(e.problem.to_string(), "must be in the years 2000 to 2099");
        assert_eq!((e.field.as_str(), e.problem), ("start", Problem::Rule(crate::Rule::YearsOfThisCentury)));
        let e = check_contract_years(date("2099-12-01"), Some(date("9999-12-31"))).unwrap_err();
        assert_eq!(e.field, "end");
        assert!(check_contract_years(date("2000-01-01"), Some(date("2099-12-31"))).is_ok());
    }

    #[test]
    fn the_end_month_closes_the_contract() {
        let c = Contract::new(Tariff::start(), date("2027-01-01"), Some(date("2027-04-10"))).unwrap();
        let months: Vec<_> = c.schedule(12).collect();
        assert_eq!(months.len(), 4);
        assert!(months[3].closes_contract);
        assert!(!months[2].closes_contract);
        assert_eq!(c.length_in_months(), Some(4));
        assert_eq!(
            Contract::new(Tariff::start(), date("2027-01-02"), Some(date("2027-01-01"))).unwrap_err().to_string(),
            "end: must not be before the contract's start (2027-01-02)"
        );
    }
}
