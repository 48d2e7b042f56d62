//! An open month's consultations as its report lists them, kept between builds of the report
//! ([`MonthListing`]): a plain type under the services, which fill it from the database, and the
//! application's cache, which keeps it.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use hourbank_domain::Hours;
use serde::Serialize;

use crate::Error;

/// The month's consultations as JSON, oldest first: the inside of the report's `consultations`
/// array, and how many it lists.
#[derive(Debug)]
pub struct ReportConsultations {
    pub count: usize,
    pub joined: String,
}

/// A month's consultations as its report lists them, by date and then id, each written as the
/// report's JSON once, when it is first read. Consultations are never changed or removed (the
/// database refuses it: migration 0014) and on SQLite a consultation's id is its place in the
/// order of commits, so a listing brought up to date with the rows above [`Self::seen_up_to`]
/// lists exactly what a whole read would. The specialists' names are left out of the kept JSON
/// and put in at each build.
#[derive(Debug, Default)]
pub struct MonthListing {
    entries: Vec<ListedConsultation>,
    seen_up_to: i64,
    billable_centi: i64,
    specialists: BTreeSet<i64>,
}

#[derive(Debug)]
pub struct ListedConsultation {
    date: NaiveDate,
    id: i64,
    specialist_id: i64,
    billable_centi: i64,
    /// The entry's JSON without the specialist's name, which goes in at `name_at`.
    json: Box<str>,
    name_at: usize,
}

impl ListedConsultation {
    pub fn new(
        id: i64,
        date: NaiveDate,
        channel: &str,
        specialist_id: i64,
        duration: Hours,
        topic: &str,
        billable: bool,
    ) -> Self {
        #[derive(Serialize)]
        struct Head<'a> {
            id: i64,
            date: NaiveDate,
            channel: &'a str,
        }
        #[derive(Serialize)]
        struct Tail<'a> {
            duration: Hours,
            topic: &'a str,
            billable: bool,
        }
        // `{"id":…,"date":…,"channel":…,"specialist_name":` + name + `,"duration":…,"topic":…,"billable":…}`
        let head = serde_json::to_string(&Head { id, date, channel }).expect("an entry serializes");
        let tail = serde_json::to_string(&Tail { duration, topic, billable }).expect("an entry serializes");
        let mut json = String::with_capacity(head.len() + tail.len() + 20);
        json.push_str(&head[..head.len() - 1]);
        json.push_str(",\"specialist_name\":");
        let name_at = json.len();
        json.push(',');
        json.push_str(&tail[1..]);
        let billable_centi = if billable { duration.centi() } else { 0 };
        ListedConsultation { date, id, specialist_id, billable_centi, json: json.into_boxed_str(), name_at }
    }
}

impl MonthListing {
    /// The highest id listed: a later build reads only the consultations above it.
    pub fn seen_up_to(&self) -> i64 {
        self.seen_up_to
    }

    pub fn add(&mut self, entry: ListedConsultation) {
        let key = (entry.date, entry.id);
        // Usually the newest; one dated earlier in the month goes in its place.
        let at = self.entries.partition_point(|e| (e.date, e.id) < key);
        self.seen_up_to = self.seen_up_to.max(entry.id);
        self.billable_centi += entry.billable_centi;
        self.specialists.insert(entry.specialist_id);
        self.entries.insert(at, entry);
    }

    pub fn specialists(&self) -> impl Iterator<Item = i64> + '_ {
        self.specialists.iter().copied()
    }

    /// The report's `consultations` and the billable hours, with the names in `names` (each a
    /// JSON string, by specialist id).
    pub fn report(&self, names: &HashMap<i64, String>) -> Result<(ReportConsultations, Hours), Error> {
        let size: usize = self.entries.iter().map(|e| e.json.len() + 40).sum();
        let mut joined = String::with_capacity(size);
        for (i, entry) in self.entries.iter().enumerate() {
            if i > 0 {
                joined.push(',');
            }
            let name = names.get(&entry.specialist_id).ok_or_else(|| {
                Error::Internal(format!("consultation {}: no user {}", entry.id, entry.specialist_id))
            })?;
            joined.push_str(&entry.json[..entry.name_at]);
            joined.push_str(name);
            joined.push_str(&entry.json[entry.name_at..]);
        }
        let consultations = ReportConsultations { count: self.entries.len(), joined };
        Ok((consultations, Hours::from_centi(self.billable_centi)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn a_listing_keeps_date_then_id_order_and_puts_names_in_at_each_build() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2027, 3, d).unwrap();
        let h = |centi: i64| Hours::from_centi(centi);
        let mut listing = MonthListing::default();
        listing.add(ListedConsultation::new(3, day(5), "phone", 7, h(50), "Тема \"в кавычках\"", true));
        listing.add(ListedConsultation::new(4, day(9), "crm_chat", 8, h(25), "b", false));
        // Logged later but dated earlier: listed first.
        listing.add(ListedConsultation::new(6, day(1), "mobile_app", 7, h(100), "c", true));
        assert_eq!(listing.seen_up_to(), 6);
        assert_eq!(listing.specialists().collect::<Vec<_>>(), vec![7, 8]);
        let names = HashMap::from([(7, "\"Анна \\\"А\\\"\"".to_string()), (8, "\"Иван\"".to_string())]);
        let (listed, billable) = listing.report(&names).unwrap();
        assert_eq!((listed.count, billable), (3, h(150)));
        let parsed: Value = serde_json::from_str(&format!("[{}]", listed.joined)).unwrap();
        assert_eq!(
            parsed,
            json!([
                {"id": 6, "date": "2027-03-01", "channel": "mobile_app", "specialist_name": "Анна \"А\"",
                 "duration": "1", "topic": "c", "billable": true},
                {"id": 3, "date": "2027-03-05", "channel": "phone", "specialist_name": "Анна \"А\"",
                 "duration": "0.5", "topic": "Тема \"в кавычках\"", "billable": true},
                {"id": 4, "date": "2027-03-09", "channel": "crm_chat", "specialist_name": "Иван",
                 "duration": "0.25", "topic": "b", "billable": false},
            ])
        );
        // A name not read is an error, never an entry without its specialist.
        assert!(listing.report(&HashMap::from([(7, "\"Анна\"".to_string())])).is_err());
    }
}
