//! The company's calendar: months begin and end in Moscow time (UTC+3 all year since 2014), so a
//! task accepted at 01:00 on the 1st in Moscow counts in the new month whatever the server's zone.
//!
//! The server reads the time through a [`Clock`] kept in its state: the system's in service, a
//! fixed one that tests set, so a test can walk a ledger across months in seconds.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use hourbank_domain::Period;

const MOSCOW_OFFSET_SECONDS: i32 = 3 * 3600;

fn moscow() -> FixedOffset {
    FixedOffset::east_opt(MOSCOW_OFFSET_SECONDS).expect("valid offset")
}

/// The business date (Moscow) of an instant.
pub fn business_date_of(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&moscow()).date_naive()
}

/// The business date of a stored instant (RFC 3339, as [`Clock::now_text`] writes it).
pub fn business_date_of_text(instant: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(instant).ok().map(|at| business_date_of(at.with_timezone(&Utc)))
}

pub fn business_today() -> NaiveDate {
    business_date_of(Utc::now())
}

pub fn business_period() -> Period {
    Period::of(business_today())
}

/// Now as RFC 3339 UTC with milliseconds: fixed width, so text order is time order.
pub fn now() -> String {
    instant(Utc::now())
}

/// An instant as stored: RFC 3339 UTC with milliseconds, which sorts as text.
pub fn instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The time as the server sees it.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<Mutex<DateTime<Utc>>>>);

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock that stands at `at` until [`Clock::set`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock(Some(Arc::new(Mutex::new(at))))
    }

    /// Moves a fixed clock; the system's cannot be moved.
    pub fn set(&self, at: DateTime<Utc>) {
        let fixed = self.0.as_ref().expect("only a fixed clock is set");
        *fixed.lock().expect("clock lock") = at;
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => Utc::now(),
            Some(fixed) => *fixed.lock().expect("clock lock"),
        }
    }

    /// Now as stored: RFC 3339 in UTC with milliseconds, which sorts as text.
    pub fn now_text(&self) -> String {
        instant(self.now())
    }

    pub fn today(&self) -> NaiveDate {
        business_date_of(self.now())
    }

    pub fn period(&self) -> Period {
        Period::of(self.today())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_business_day_is_moscows() {
        let late_evening_utc = DateTime::parse_from_rfc3339("2027-03-31T21:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(business_date_of(late_evening_utc).to_string(), "2027-04-01");
        let clock = Clock::fixed(late_evening_utc);
        assert_eq!(clock.period().to_string(), "2027-04");
        assert_eq!(business_date_of_text(&clock.now_text()).unwrap().to_string(), "2027-04-01");
        clock.set(late_evening_utc - chrono::Duration::hours(1));
        assert_eq!(clock.today().to_string(), "2027-03-31");
    }
}
