//! The company's calendar: months begin and end in Moscow time (UTC+3 all year since 2014), so a
//! task accepted at 01:00 on the 1st in Moscow counts in the new month whatever the server's zone.

use chrono::{FixedOffset, NaiveDate, Utc};
use hourbank_domain::Period;

const MOSCOW_OFFSET_SECONDS: i32 = 3 * 3600;

pub fn business_today() -> NaiveDate {
    Utc::now().with_timezone(&FixedOffset::east_opt(MOSCOW_OFFSET_SECONDS).expect("valid offset")).date_naive()
}

pub fn business_period() -> Period {
    Period::of(business_today())
}
