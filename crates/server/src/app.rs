//! The application's core, shared by every front door (the HTTP API, the `hourbank` command, the
//! demo loader, the tests): the database, the clock, password hashing under a limit, and the
//! caches of organisations and built reports. The services take it; `http::AppState` adds what
//! only the web side needs.

use std::collections::HashMap;
use std::sync::Arc;

use crate::db::Db;

#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    /// Serialized reports by (organisation, period), valid for one data version of the
    /// organisation and for a short while. Only a cache: any server may answer from the database.
    reports: std::sync::Mutex<TimedCache<(i64, String), CachedReport>>,
    /// Organisations by id, each valid for its own data version (their terms never change
    /// without an audited change).
    orgs: std::sync::Mutex<HashMap<i64, crate::store::OrgRecord>>,
    session_ttl: std::sync::RwLock<(chrono::Duration, chrono::Duration)>,
    dummy_hash: String,
    clock: crate::clock::Clock,
    /// Password hashing (argon2, deliberately slow) runs on blocking threads, this many at once,
    /// so a burst of sign-ins never stalls the threads that answer everything else.
    hashing: tokio::sync::Semaphore,
}

impl App {
    pub fn new(db: Db) -> Self {
        Self::with_clock(db, crate::clock::Clock::system())
    }

    /// An application that reads the time from `clock` (tests walk the calendar with a fixed one).
    pub fn with_clock(db: Db, clock: crate::clock::Clock) -> Self {
        App {
            inner: Arc::new(Inner {
                db,
                reports: std::sync::Mutex::new(TimedCache::new(REPORT_CACHE_TTL)),
                orgs: Default::default(),
                // (absolute, idle)
                session_ttl: std::sync::RwLock::new((chrono::Duration::hours(12), chrono::Duration::hours(2))),
                dummy_hash: crate::auth::hash_password("not a real password"),
                clock,
                hashing: tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(2, |n| n.get()).max(1),
                ),
            }),
        }
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn clock(&self) -> &crate::clock::Clock {
        &self.inner.clock
    }

    /// Runs argon2 work (`f`) on a blocking thread, at most as many at once as there are cores.
    pub async fn hash_work<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, crate::Error> {
        let _permit =
            self.inner.hashing.acquire().await.map_err(|e| crate::Error::Internal(format!("hashing: {e}")))?;
        tokio::task::spawn_blocking(f).await.map_err(|e| crate::Error::Internal(format!("hashing: {e}")))
    }

    /// A hash to verify against when the account does not exist, so a sign-in takes as long
    /// either way.
    pub fn dummy_hash(&self) -> &str {
        &self.inner.dummy_hash
    }

    /// A cached organisation, if it is at this data version.
    pub fn cached_org(&self, id: i64, version: Option<i64>) -> Option<crate::store::OrgRecord> {
        let cache = self.inner.orgs.lock().expect("cache lock");
        // No version read (a keyed write's caller): nothing to compare, so nothing cached is current.
        version.and_then(|_| cache.get(&id).filter(|org| org.data_version == version).cloned())
    }

    pub fn cache_org(&self, org: &crate::store::OrgRecord) {
        let mut cache = self.inner.orgs.lock().expect("cache lock");
        if cache.len() >= 4096 {
            cache.clear();
        }
        cache.insert(org.id, org.clone());
    }

    /// The report of (organisation, period) at this data version: the cached cell if it was
    /// made at this version recently, else a new empty one in its place. Every request for the
    /// same version shares one cell, so concurrent requests after a write wait for one build
    /// instead of each building the same report.
    pub fn report_cell(&self, org: i64, period: &str, version: Option<i64>) -> ReportCell {
        let mut cache = self.inner.reports.lock().expect("cache lock");
        let key = (org, period.to_string());
        if let Some((v, cell)) = cache.get(&key)
            && *v == version
        {
            return cell.clone();
        }
        let cell = ReportCell::default();
        cache.insert(key, (version, cell.clone()));
        cell
    }

    /// How long a session lives at most, from sign-in.
    pub fn session_ttl(&self) -> chrono::Duration {
        self.inner.session_ttl.read().expect("ttl lock").0
    }

    /// How long a session lives unused.
    pub fn session_idle(&self) -> chrono::Duration {
        self.inner.session_ttl.read().expect("ttl lock").1
    }

    pub fn set_session_lifetimes(&self, absolute: chrono::Duration, idle: chrono::Duration) {
        *self.inner.session_ttl.write().expect("ttl lock") = (absolute, idle);
    }
}

/// A serialized report once built (or being built).
pub type ReportCell = Arc<tokio::sync::OnceCell<axum::body::Bytes>>;

/// A report's cell and the organisation's data version it is for.
type CachedReport = (Option<i64>, ReportCell);

/// How long a cached report may be served at an unchanged data version: bounds the staleness
/// when two PostgreSQL transactions commit out of audit-id order.
const REPORT_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// At most this many entries in each cache.
const CACHE_MAX: usize = 4096;

/// Values kept for a while after they were stored, and bounded in count.
struct TimedCache<K, V> {
    entries: HashMap<K, (std::time::Instant, V)>,
    lifetime: std::time::Duration,
    /// The count at which expired entries are next swept out.
    sweep_at: usize,
}

impl<K: std::hash::Hash + Eq, V> TimedCache<K, V> {
    fn new(lifetime: std::time::Duration) -> Self {
        TimedCache { entries: HashMap::new(), lifetime, sweep_at: 0 }
    }

    /// The value under `key` if it is not older than the lifetime.
    fn get(&self, key: &K) -> Option<&V> {
        self.entries.get(key).filter(|(made, _)| made.elapsed() < self.lifetime).map(|(_, value)| value)
    }

    fn insert(&mut self, key: K, value: V) {
        self.make_room();
        self.entries.insert(key, (std::time::Instant::now(), value));
    }

    /// An entry older than its lifetime is never served again, so it is dropped: the cache holds
    /// what was asked for lately (and reports grow with a month's data), not every
    /// organisation's since the start. Swept when the entries have doubled since the last
    /// sweep, so a sweep's cost is spread over as many inserts.
    fn make_room(&mut self) {
        if self.entries.len() >= self.sweep_at {
            let lifetime = self.lifetime;
            self.entries.retain(|_, (made, _)| made.elapsed() < lifetime);
            // Never past the bound, so the sweep comes before the clearing below (which would
            // otherwise leave the next sweep out of reach for good).
            self.sweep_at = (2 * self.entries.len()).clamp(64, CACHE_MAX);
        }
        // Bounded in count whatever the traffic; a miss only costs a rebuild.
        if self.entries.len() >= CACHE_MAX {
            self.entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_organisation_is_served_from_the_cache_only_against_a_version_read() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/cache.db", dir.path().display())).await.unwrap();
        let app = App::new(db);
        let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let org = crate::store::OrgRecord {
            id: 7,
            name: "ООО «Кэш»".into(),
            inn: "7707083893".into(),
            tariff_name: "Старт".into(),
            tariff: hourbank_domain::Tariff::start(),
            contract_start: start,
            contract_end: None,
            vat: hourbank_domain::Vat::None,
            analyst_id: None,
            warranty_days: hourbank_domain::DEFAULT_WARRANTY_DAYS,
            kpp: None,
            address: String::new(),
            data_version: None,
        };
        // A keyed write's caller reads no version (None): an organisation cached with none
        // (never audited) is not taken as current for it.
        app.cache_org(&org);
        assert!(app.cached_org(7, None).is_none());
        app.cache_org(&crate::store::OrgRecord { data_version: Some(3), ..org });
        assert_eq!(app.cached_org(7, Some(3)).map(|org| org.id), Some(7));
        assert!(app.cached_org(7, Some(4)).is_none(), "a newer version is not served from the cache");
    }

    #[test]
    fn expired_reports_leave_the_cache_and_fresh_ones_stay() {
        let mut cache = TimedCache::new(REPORT_CACHE_TTL);
        let expired = std::time::Instant::now() - REPORT_CACHE_TTL - std::time::Duration::from_millis(10);
        for org in 0..100 {
            cache.entries.insert((org, "2027-01".to_string()), (expired, (Some(1), ReportCell::default())));
        }
        cache.entries.insert((1000, "2027-01".into()), (std::time::Instant::now(), (Some(1), ReportCell::default())));
        cache.make_room();
        assert_eq!(cache.entries.len(), 1, "only the fresh report is kept");
        assert!(cache.entries.contains_key(&(1000, "2027-01".into())));
        // Until the entries double again, no sweep runs (each insert stays O(1)).
        assert_eq!(cache.sweep_at, 64);

        // With more live reports than half the bound, the next sweep still comes before the
        // bound clears the cache, and it still drops the expired ones.
        let now = std::time::Instant::now();
        for org in 0..3000 {
            cache.entries.insert((org, "2027-02".into()), (now, (Some(1), ReportCell::default())));
        }
        cache.sweep_at = 0;
        cache.make_room();
        assert_eq!(cache.sweep_at, CACHE_MAX);
        for org in 0..1096 {
            cache.entries.insert((org, "2027-03".into()), (expired, (Some(1), ReportCell::default())));
        }
        cache.make_room();
        assert_eq!(cache.entries.len(), 3001, "the expired ones swept, the live ones kept");
    }
}
