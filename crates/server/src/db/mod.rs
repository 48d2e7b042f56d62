//! The database: SQLite (a file under `./data/` by default) or PostgreSQL, through one sqlx `Any`
//! pool so every query is written once. Columns are integers (kopecks, hundredths of an hour) and
//! text (dates, periods, RFC 3339 instants), which both engines store and compare alike.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

mod postgres;
pub mod report_entries;
mod sqlite;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The default database: a SQLite file under `./data/`, created on first start.
pub const DEFAULT_URL: &str = "sqlite://data/hourbank.db";

/// A pooled connection idle this long is pinged before use (see [`Db::connect`]).
pub const PING_AFTER_IDLE: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl FromStr for Backend {
    type Err = String;
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(format!("database URL must start with sqlite: or postgres:// (got {url:?})"))
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time and makes the others sleep and retry; queueing writers
    /// here instead keeps latency flat under load. PostgreSQL needs no such lock. Held by
    /// [`Db::begin_write`]'s transactions and by the writer thread for each group it commits.
    sqlite_writer: Arc<tokio::sync::Mutex<()>>,
    /// The queue of [`Db::write_once`]'s SQLite writes, to the writer thread started by the first
    /// (see [`sqlite`]).
    sqlite_writes: Arc<std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<sqlite::QueuedWrite>>>,
    /// The SQLite database's file (empty on PostgreSQL).
    sqlite_file: Arc<Path>,
    /// SQLite connections for [`Db::lookup`].
    sqlite_readers: Arc<sqlite::Readers>,
    /// Writes committed and the transactions they took, for tests and benchmarks.
    grouped: Arc<WriteCounts>,
    /// PostgreSQL's connections for [`Db::lookup`] and [`Db::write_once`] (none on SQLite).
    postgres: Option<Arc<postgres::Kept>>,
}

/// How many writes [`Db::write_once`] committed on SQLite, and in how many transactions.
#[derive(Debug, Default)]
pub struct WriteCounts {
    writes: std::sync::atomic::AtomicU64,
    transactions: std::sync::atomic::AtomicU64,
}

impl WriteCounts {
    fn add(&self, writes: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        self.writes.fetch_add(writes as u64, Relaxed);
        self.transactions.fetch_add(1, Relaxed);
    }

    /// (writes, transactions) so far.
    pub fn get(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.writes.load(Relaxed), self.transactions.load(Relaxed))
    }
}

/// A write transaction; on SQLite it also holds the single-writer lock until it ends.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _writer: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// Commits; under an `Idempotency-Key` ([`KeyClaim`]) the key is recorded in this same
    /// transaction, so the write and its key are stored together or not at all.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        // The writer's lock (SQLite) is held until the commit ends.
        let WriteTx { mut tx, _writer } = self;
        let Some(claim) = KeyClaim::open() else { return tx.commit().await };
        let now = now();
        let sql = claim.insert_sql(0);
        let recorded = async {
            claim.bind(sqlx::query(&sql), &now).execute(&mut *tx).await?;
            tx.commit().await
        }
        .await;
        claim.settle(&recorded);
        recorded
    }
}

/// The `Idempotency-Key` of the write being served (set by the HTTP layer around a keyed
/// request). The first transaction the request commits records the key with it — a key exists
/// exactly when its write does — and a second request with the same key fails on the key's
/// primary key instead of writing twice. One write fewer than reserving the key beforehand.
#[derive(Debug)]
pub struct KeyClaim {
    pub user_id: i64,
    pub key: String,
    pub method: String,
    pub path: String,
    pub fingerprint: String,
    state: std::sync::Mutex<ClaimState>,
    /// The answer stored with the key by the write itself ([`Db::write_once_keyed`]):
    /// its status and body.
    answered: std::sync::Mutex<Option<(u16, String)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimState {
    /// No write has committed yet.
    Open,
    /// The key was stored with the request's write (its answer still to be recorded).
    Recorded,
    /// Another request with the same key stored it first; this one wrote nothing.
    Taken,
}

tokio::task_local! {
    static CLAIM: Arc<KeyClaim>;
}

impl KeyClaim {
    pub fn new(user_id: i64, key: String, method: String, path: String, fingerprint: String) -> KeyClaim {
        KeyClaim {
            user_id,
            key,
            method,
            path,
            fingerprint,
            state: std::sync::Mutex::new(ClaimState::Open),
            answered: std::sync::Mutex::new(None),
        }
    }

    /// Runs `work` (the request's handler) with this claim in force.
    pub async fn scope<F: std::future::Future>(self: Arc<Self>, work: F) -> F::Output {
        CLAIM.scope(self, work).await
    }

    pub fn state(&self) -> ClaimState {
        *self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The answer the write stored with the key, if it did: the layer records no other when the
    /// handler's answer is this one.
    pub fn answered(&self) -> Option<(u16, String)> {
        self.answered.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The claim in force that no write has used yet.
    fn open() -> Option<Arc<KeyClaim>> {
        CLAIM.try_with(Arc::clone).ok().filter(|claim| claim.state() == ClaimState::Open)
    }

    /// The key's row, pending its answer (status 0), with placeholders from `$first+1`.
    fn insert_sql(&self, first: usize) -> String {
        let p = |i: usize| format!("${}", first + i);
        format!(
            "INSERT INTO idempotency_keys (user_id, key, method, path, status, body, created_at, request_hash) \
             VALUES ({}, {}, {}, {}, 0, '', {}, {})",
            p(1),
            p(2),
            p(3),
            p(4),
            p(5),
            p(6)
        )
    }

    /// The key's row for each row of `created` (a CTE's name on PostgreSQL, a subquery
    /// `(…) AS created` on SQLite), placeholders from `$first+1`: with its answer when `answered`
    /// (`$first+7` status, then the body around the row's id, `$first+8` before and `$first+9`
    /// after it), else pending its answer (status 0).
    fn insert_created_sql(&self, first: usize, backend: Backend, created: &str, answered: bool) -> String {
        let p = |i: usize| format!("${}", first + i);
        let (status, body) = match (answered, backend) {
            (false, _) => ("0".to_string(), "''".to_string()),
            (true, Backend::Postgres) => (p(7), format!("{}::text || created.id::text || {}::text", p(8), p(9))),
            (true, Backend::Sqlite) => (p(7), format!("{} || created.id || {}", p(8), p(9))),
        };
        format!(
            "INSERT INTO idempotency_keys (user_id, key, method, path, status, body, created_at, request_hash) \
             SELECT {}, {}, {}, {}, {status}, {body}, {}, {} FROM {created}",
            p(1),
            p(2),
            p(3),
            p(4),
            p(5),
            p(6)
        )
    }

    fn args<'a>(&'a self, now: &'a str) -> [Arg<'a>; 6] {
        [
            Arg::Int(self.user_id),
            Arg::Text(&self.key),
            Arg::Text(&self.method),
            Arg::Text(&self.path),
            Arg::Text(now),
            Arg::Text(&self.fingerprint),
        ]
    }

    fn bind<'q>(
        &'q self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
        now: &'q str,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        bind_all(query, &self.args(now))
    }

    /// Notes how a write that carried the key with its record ([`Db::write_once_keyed`]) ended:
    /// with the record's id, the key is stored (with `answer`, if any); with no record created, no
    /// key was stored either (it stays open).
    fn settle_created(&self, outcome: &Result<Vec<DbRow>, sqlx::Error>, answer: Option<&PreparedAnswer>) {
        match outcome {
            Ok(rows) => {
                let Some(id) = rows.first().and_then(|row| row.int("id").ok()) else { return };
                if let Some(answer) = answer {
                    *self.answered.lock().unwrap_or_else(|e| e.into_inner()) = Some((answer.status, answer.body(id)));
                }
                *self.state.lock().unwrap_or_else(|e| e.into_inner()) = ClaimState::Recorded;
            }
            Err(_) => self.settle(outcome),
        }
    }

    /// Notes how the write that carried the key ended.
    fn settle<T>(&self, outcome: &Result<T, sqlx::Error>) {
        let next = match outcome {
            Ok(_) => ClaimState::Recorded,
            Err(e) if key_taken(e) => ClaimState::Taken,
            Err(_) => return,
        };
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = next;
    }
}

/// A keyed write's answer, known before the write but for the id the database gives the record it
/// creates: stored with the key by the write itself ([`Db::write_once_keyed`]), so the
/// request needs no second write to record it.
#[derive(Debug, Clone)]
pub struct PreparedAnswer {
    status: u16,
    before: String,
    after: String,
}

impl PreparedAnswer {
    /// An id no record has, rendered where the real one goes.
    const STAND_IN: i64 = i64::MIN;

    /// A `201 Created` whose body is `render(id)`; none when the stand-in id does not split the
    /// body in exactly one place (user text that happens to hold the same digits): then the answer
    /// is recorded after the write, as any other.
    pub fn created(render: impl Fn(i64) -> String) -> Option<PreparedAnswer> {
        let body = render(Self::STAND_IN);
        let stand_in = Self::STAND_IN.to_string();
        let mut parts = body.split(stand_in.as_str());
        let (before, after) = (parts.next()?, parts.next()?);
        let prepared = PreparedAnswer { status: 201, before: before.to_string(), after: after.to_string() };
        // Rendered with another id, the body must differ only there: an answer that shows the id
        // in some other form, or changes between renders (a clock), is not prepared, so a replay
        // can never be an answer other than the one sent.
        let other = Self::STAND_IN + 1;
        (parts.next().is_none() && render(other) == prepared.body(other)).then_some(prepared)
    }

    fn body(&self, id: i64) -> String {
        format!("{}{id}{}", self.before, self.after)
    }
}

/// The write failed because its idempotency key was stored by another request.
fn key_taken(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|db| {
        db.constraint().is_some_and(|c| c.starts_with("idempotency_keys")) || db.message().contains("idempotency_keys")
    })
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Db {
    /// Connects (creating a SQLite file and its folder when missing) and applies migrations.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend: Backend = url.parse().map_err(|e: String| sqlx::Error::Configuration(e.into()))?;
        let url = match backend {
            Backend::Sqlite => {
                let file = sqlite_path(url)?;
                if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                }
            }
            Backend::Postgres => url.to_string(),
        };
        // When a kept PostgreSQL connection was last found closed by the database (a restart): the
        // pool's connections that were idle by then are pinged before use, however briefly idle.
        let lost = postgres::LostAt::default();
        let lost_for_pool = lost.clone();
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            // sqlx pings a connection (a round trip to the database) each time one leaves the pool,
            // and again when it comes back. The second ping cannot be turned off (PostgreSQL's
            // one-statement calls avoid it on connections of their own, `postgres::Kept`); the
            // first is kept only for a connection idle for a while, whose database may have
            // restarted or dropped it meanwhile. Under load a connection came back moments ago
            // (DEVELOPERS.md, "A query through sqlx's pool").
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                let idle_before_loss = lost_for_pool.covers(meta.idle_for);
                Box::pin(async move {
                    if meta.idle_for >= PING_AFTER_IDLE || idle_before_loss {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            });
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _| Box::pin(sqlite_settings(conn))),
            Backend::Postgres => options,
        };
        let pool = options.connect(&url).await?;
        let db = Db {
            pool,
            backend,
            sqlite_writer: Arc::default(),
            sqlite_writes: Arc::default(),
            sqlite_readers: Arc::default(),
            sqlite_file: match backend {
                Backend::Sqlite => sqlite_path(&url)?.into(),
                Backend::Postgres => Path::new("").into(),
            },
            grouped: Arc::default(),
            postgres: (backend == Backend::Postgres).then(|| Arc::new(postgres::Kept::new(&url, lost))),
        };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await.map_err(|e| sqlx::Error::Migrate(Box::new(e)))?;
        // Derived data the new schema expects: tasks accepted before report entries existed.
        report_entries::write_all_missing(self).await?;
        Ok(())
    }

    /// Begins a transaction that writes.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let writer = self.sqlite_writer.clone().lock_owned().await;
                // IMMEDIATE: the write lock is taken at the start, where SQLite waits for it (the
                // busy timeout). A deferred transaction that has read waits for nothing: finding
                // the lock still held (by a transaction dropped on an error, whose rollback sqlx
                // runs a moment after our lock is released) it failed at once with «database is
                // locked», a 500 under racing steps.
                Ok(WriteTx { tx: self.pool.begin_with("BEGIN IMMEDIATE").await?, _writer: Some(writer) })
            }
            Backend::Postgres => Ok(WriteTx { tx: self.pool.begin().await?, _writer: None }),
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs a write of a few statements atomically, for the writes that come in thousands a
    /// second: SQLite's writer thread runs `sqlite` (statements separated by `;`, sharing the `$n`
    /// values) in a savepoint of the transaction it commits the writes queued meanwhile in
    /// ([`sqlite`]); PostgreSQL runs `postgres`, one statement (data-modifying `WITH` clauses),
    /// which is atomic by itself. Returns the rows the statements return.
    pub async fn write_once(&self, sqlite: &str, postgres: &str, args: &[Arg<'_>]) -> Result<Vec<DbRow>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                // The writer thread runs it to the end even if the caller goes away (a client
                // hanging up drops its request): nothing is left half-done.
                let queue = self.sqlite_writes.get_or_init(|| {
                    sqlite::start_writer(
                        self.sqlite_file.to_path_buf(),
                        self.sqlite_writer.clone(),
                        self.grouped.clone(),
                    )
                });
                let (done, answer) = tokio::sync::oneshot::channel();
                let write = sqlite::QueuedWrite {
                    sql: sqlite.to_string(),
                    args: args.iter().map(OwnedArg::from).collect(),
                    done,
                };
                let stopped = || sqlx::Error::Protocol("the SQLite writer stopped".into());
                queue.send(write).map_err(|_| stopped())?;
                answer.await.map_err(|_| stopped())?
            }
            Backend::Postgres => self.kept().fetch_all(postgres, args, false).await,
        }
    }

    /// A small read by key or index, of the kind most requests make (a session, a task, a page
    /// of a list): on SQLite run on the calling thread ([`sqlite::Readers`]), on PostgreSQL on
    /// its kept connections ([`postgres::Kept`]). Not for reads that scan (a month's report):
    /// they would hold the runtime's thread.
    pub async fn lookup(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<DbRow>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let args: Vec<OwnedArg> = args.iter().map(OwnedArg::from).collect();
                self.sqlite_readers.read(&self.sqlite_file, sql, &args)
            }
            Backend::Postgres => self.kept().fetch_all(sql, args, true).await,
        }
    }

    fn kept(&self) -> &postgres::Kept {
        self.postgres.as_deref().expect("a PostgreSQL database keeps its connections")
    }

    /// How many writes [`Db::write_once`] committed on SQLite, in how many transactions.
    pub fn write_counts(&self) -> (u64, u64) {
        self.grouped.get()
    }

    /// [`Db::write_once`] for the statement `WITH created AS ({created}) {rest}` (SQLite: the script
    /// `sqlite`), where `created` inserts one record `RETURNING id` (or none, when its condition
    /// fails) and `rest` returns a row with an `id` column when it did. Under a [`KeyClaim`] the
    /// key goes in with the record, in the same write, and only if the record does: a write that
    /// stored nothing leaves no key (not even for a moment, which a crash could make last, and a
    /// retry would then be told "stored"). With an `answer` (known but for the id:
    /// [`PreparedAnswer`]) the key carries it, and the request makes no second write. On SQLite,
    /// `sqlite_created` is a query that, run right after the script, returns the created record's
    /// id as `id` (no row when none was).
    pub async fn write_once_keyed(
        &self,
        sqlite: &str,
        sqlite_created: &str,
        created: &str,
        rest: &str,
        args: &[Arg<'_>],
        answer: Option<&PreparedAnswer>,
    ) -> Result<Vec<DbRow>, sqlx::Error> {
        let postgres = |key: Option<String>| match key {
            Some(key) => format!("WITH created AS ({created}), idempotency_key AS ({key}) {rest}"),
            None => format!("WITH created AS ({created}) {rest}"),
        };
        let Some(claim) = KeyClaim::open() else { return self.write_once(sqlite, &postgres(None), args).await };
        let now = now();
        let (script, statement) = match self.backend {
            Backend::Sqlite => {
                let from = format!("({sqlite_created}) AS created");
                let key = claim.insert_created_sql(args.len(), Backend::Sqlite, &from, answer.is_some());
                (format!("{sqlite}; {key}"), String::new())
            }
            Backend::Postgres => {
                let key = claim.insert_created_sql(args.len(), Backend::Postgres, "created", answer.is_some());
                (String::new(), postgres(Some(key)))
            }
        };
        let mut all = args.to_vec();
        all.extend(claim.args(&now));
        if let Some(answer) = answer {
            all.extend([Arg::Int(i64::from(answer.status)), Arg::Text(&answer.before), Arg::Text(&answer.after)]);
        }
        let written = self.write_once(&script, &statement, &all).await;
        claim.settle_created(&written, answer);
        written
    }

    /// A cheap round trip, for the health check.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(drop)
    }
}

/// WAL lets readers go on while one writer writes; the busy timeout makes writers queue instead of
/// failing; foreign keys are off by default in SQLite. (Reading through a memory map,
/// `PRAGMA mmap_size`, was tried against the soak's slowdown and left out: see DEVELOPERS.md.)
async fn sqlite_settings(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    conn.execute(SQLITE_SETTINGS).await?;
    Ok(())
}

const SQLITE_SETTINGS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// The file of a `sqlite:` URL, as sqlx reads it (percent-decoded, without its options).
fn sqlite_path(url: &str) -> Result<std::path::PathBuf, sqlx::Error> {
    Ok(sqlx::sqlite::SqliteConnectOptions::from_str(url)?.get_filename().to_path_buf())
}

/// A row of [`Db::write_once`] or [`Db::lookup`], read by column name.
#[derive(Debug, Clone)]
pub struct DbRow {
    names: Arc<[String]>,
    values: Vec<DbValue>,
}

#[derive(Debug, Clone, PartialEq)]
enum DbValue {
    Null,
    Int(i64),
    Text(String),
}

impl DbRow {
    fn value(&self, name: &str) -> Result<&DbValue, sqlx::Error> {
        let i = self.names.iter().position(|n| n == name).ok_or_else(|| sqlx::Error::ColumnNotFound(name.into()))?;
        Ok(&self.values[i])
    }

    fn mismatch(name: &str, value: &DbValue, wanted: &str) -> sqlx::Error {
        sqlx::Error::Decode(format!("column {name} is {value:?}, not {wanted}").into())
    }

    /// The integer in column `name`, naming the column when it is missing or holds no integer.
    pub fn int(&self, name: &str) -> Result<i64, sqlx::Error> {
        self.opt_int(name)?.ok_or_else(|| Self::mismatch(name, &DbValue::Null, "an integer"))
    }

    /// The integer or null in column `name`.
    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, sqlx::Error> {
        match self.value(name)? {
            DbValue::Int(v) => Ok(Some(*v)),
            DbValue::Null => Ok(None),
            other => Err(Self::mismatch(name, other, "an integer")),
        }
    }

    /// The text in column `name`.
    pub fn text(&self, name: &str) -> Result<String, sqlx::Error> {
        self.opt_text(name)?.ok_or_else(|| Self::mismatch(name, &DbValue::Null, "text"))
    }

    /// The text or null in column `name`.
    pub fn opt_text(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        match self.value(name)? {
            DbValue::Text(v) => Ok(Some(v.clone())),
            DbValue::Null => Ok(None),
            other => Err(Self::mismatch(name, other, "text")),
        }
    }

    /// A PostgreSQL row, its integer and text columns.
    fn from_any(row: &AnyRow) -> Result<DbRow, sqlx::Error> {
        use sqlx::{Column, Row};
        let names: Arc<[String]> = row.columns().iter().map(|c| c.name().to_string()).collect();
        let values = row
            .columns()
            .iter()
            .enumerate()
            .map(|(i, column)| {
                if column.type_info().kind().is_integer() {
                    row.try_get::<Option<i64>, _>(i).map(|v| v.map_or(DbValue::Null, DbValue::Int))
                } else {
                    row.try_get::<Option<String>, _>(i).map(|v| v.map_or(DbValue::Null, DbValue::Text))
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(DbRow { names, values })
    }
}

/// A value for a `$n` placeholder of [`Db::write_once`].
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Int(i64),
    Text(&'a str),
    OptInt(Option<i64>),
    OptText(Option<&'a str>),
}

/// An [`Arg`] that owns its text, to hand to the writer thread.
#[derive(Debug, Clone)]
enum OwnedArg {
    Int(Option<i64>),
    Text(Option<String>),
}

impl OwnedArg {
    fn from(arg: &Arg<'_>) -> OwnedArg {
        match *arg {
            Arg::Int(v) => OwnedArg::Int(Some(v)),
            Arg::OptInt(v) => OwnedArg::Int(v),
            Arg::Text(v) => OwnedArg::Text(Some(v.to_string())),
            Arg::OptText(v) => OwnedArg::Text(v.map(str::to_string)),
        }
    }
}

/// Binds `args` in order, to any of sqlx's query kinds.
pub(crate) fn bind_all<'q, Q: Bind<'q>>(mut query: Q, args: &[Arg<'q>]) -> Q {
    for arg in args {
        query = match *arg {
            Arg::Int(v) => query.bind_int(Some(v)),
            Arg::Text(v) => query.bind_text(Some(v)),
            Arg::OptInt(v) => query.bind_int(v),
            Arg::OptText(v) => query.bind_text(v),
        };
    }
    query
}

pub(crate) trait Bind<'q> {
    fn bind_int(self, v: Option<i64>) -> Self;
    fn bind_text(self, v: Option<&'q str>) -> Self;
}

impl<'q, O> Bind<'q> for sqlx::query::QueryScalar<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    fn bind_int(self, v: Option<i64>) -> Self {
        self.bind(v)
    }
    fn bind_text(self, v: Option<&'q str>) -> Self {
        self.bind(v)
    }
}

impl<'q> Bind<'q> for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fn bind_int(self, v: Option<i64>) -> Self {
        self.bind(v)
    }
    fn bind_text(self, v: Option<&'q str>) -> Self {
        self.bind(v)
    }
}

impl<'q, O> Bind<'q> for sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    fn bind_int(self, v: Option<i64>) -> Self {
        self.bind(v)
    }
    fn bind_text(self, v: Option<&'q str>) -> Self {
        self.bind(v)
    }
}

/// Instants are stored as the clock writes them.
pub use crate::clock::{instant, now};

/// Reads a column, naming it in the error: from sqlx's rows and from [`DbRow`] alike, so that one
/// parser serves a read through the pool and one through [`Db::lookup`].
pub fn col<T: Column>(row: &(impl Columns + ?Sized), name: &str) -> Result<T, sqlx::Error> {
    row.column(name)
}

/// A row whose columns [`col`] reads.
pub trait Columns {
    fn column<T: Column>(&self, name: &str) -> Result<T, sqlx::Error>;
}

impl Columns for AnyRow {
    fn column<T: Column>(&self, name: &str) -> Result<T, sqlx::Error> {
        T::from_any(self, name)
    }
}

impl Columns for DbRow {
    fn column<T: Column>(&self, name: &str) -> Result<T, sqlx::Error> {
        T::from_db(self, name)
    }
}

/// A value [`col`] reads: the integers and texts our tables hold.
pub trait Column: Sized {
    fn from_any(row: &AnyRow, name: &str) -> Result<Self, sqlx::Error>;
    fn from_db(row: &DbRow, name: &str) -> Result<Self, sqlx::Error>;
}

macro_rules! column {
    ($type:ty, $db:ident) => {
        impl Column for $type {
            fn from_any(row: &AnyRow, name: &str) -> Result<Self, sqlx::Error> {
                sqlx::Row::try_get(row, name)
            }
            fn from_db(row: &DbRow, name: &str) -> Result<Self, sqlx::Error> {
                row.$db(name)
            }
        }
    };
}
column!(i64, int);
column!(Option<i64>, opt_int);
column!(String, text);
column!(Option<String>, opt_text);

/// The constraint a database error violated, if any (mapped to 409/422 by the API).
pub fn violated_constraint(e: &sqlx::Error) -> Option<String> {
    let db = e.as_database_error()?;
    if let Some(name) = db.constraint() {
        return Some(name.to_string());
    }
    // SQLite names no constraint for UNIQUE: "UNIQUE constraint failed: users.email".
    let message = db.message();
    message.strip_prefix("UNIQUE constraint failed: ").map(|cols| {
        let (table, column) = cols.split_once('.').unwrap_or((cols, ""));
        format!("{table}_{column}_key")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_prepared_only_when_the_id_is_all_that_changes() {
        let plain = PreparedAnswer::created(|id| format!(r#"{{"task":{{"id":{id},"title":"x"}}}}"#)).unwrap();
        assert_eq!(plain.body(42), r#"{"task":{"id":42,"title":"x"}}"#);
        // The stand-in's digits in user text, the id twice or in another form, or a body that
        // changes between renders: the answer is recorded after the write instead.
        let stand_in = PreparedAnswer::STAND_IN;
        assert!(PreparedAnswer::created(|id| format!(r#"{{"id":{id},"title":"{stand_in}"}}"#)).is_none());
        assert!(PreparedAnswer::created(|id| format!(r#"{{"id":{id},"again":{id}}}"#)).is_none());
        assert!(PreparedAnswer::created(|id| format!(r#"{{"id":{id},"hex":"{id:x}"}}"#)).is_none());
        let calls = std::cell::Cell::new(0);
        let changing = |id: i64| {
            calls.set(calls.get() + 1);
            format!(r#"{{"id":{id},"n":{}}}"#, calls.get())
        };
        assert!(PreparedAnswer::created(changing).is_none());
    }

    /// A fresh SQLite database with `schema` applied; its folder lives as long as the first value.
    async fn scratch(schema: &str) -> (tempfile::TempDir, Db, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.db");
        let db = Db::connect(&format!("sqlite://{}", file.display())).await.unwrap();
        sqlx::raw_sql(schema).execute(db.pool()).await.unwrap();
        (dir, db, file)
    }

    /// A write transaction that reads before it writes waits for a lock another connection still
    /// holds for a moment (as a transaction dropped on an error does until sqlx rolls it back),
    /// instead of failing at once with «database is locked».
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_waits_for_a_lock_held_a_moment_longer() {
        let (_dir, db, file) =
            scratch("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO t VALUES (1, 0)").await;
        let mut straggler =
            <sqlx::AnyConnection as sqlx::Connection>::connect(&format!("sqlite://{}", file.display())).await.unwrap();
        straggler.execute("BEGIN IMMEDIATE").await.unwrap();
        let release = tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            straggler.execute("ROLLBACK").await.unwrap();
        });
        let mut tx = db.begin_write().await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT n FROM t WHERE id = 1").fetch_one(&mut *tx).await.unwrap();
        sqlx::query("UPDATE t SET n = $1 WHERE id = 1").bind(n + 1).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        release.await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT n FROM t WHERE id = 1").fetch_one(db.pool()).await.unwrap();
        assert_eq!(n, 1);
    }

    /// Writes that queue while the writer is busy commit together, each with its own rows; one
    /// that fails fails alone, and the others are stored exactly once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_writes_commit_together_and_fail_alone() {
        let (_dir, db, _) = scratch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE); \
             CREATE TABLE log (t_id INTEGER NOT NULL, note TEXT NOT NULL)",
        )
        .await;
        // The audit pattern: the second statement reads the first one's id and count.
        const WRITE: &str = "INSERT INTO t (name) VALUES ($1) RETURNING id, name; \
                             INSERT INTO log (t_id, note) SELECT last_insert_rowid(), $2 WHERE changes() = 1";
        let round = |names: Vec<String>| {
            let db = db.clone();
            async move {
                // The writer is held while the round's writes queue, so they meet in one group.
                let held = db.begin_write().await.unwrap();
                let writes: Vec<_> = names
                    .into_iter()
                    .map(|name| {
                        let db = db.clone();
                        tokio::spawn(async move {
                            let note = format!("note {name}");
                            let rows = db.write_once(WRITE, "", &[Arg::Text(&name), Arg::Text(&note)]).await?;
                            Ok::<_, sqlx::Error>((name, rows))
                        })
                    })
                    .collect();
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                drop(held);
                let mut out = Vec::new();
                for w in writes {
                    out.push(w.await.unwrap());
                }
                out
            }
        };

        let (writes, transactions) = db.write_counts();
        let first = round((0..10).map(|i| format!("a{i}")).collect()).await;
        for result in &first {
            let (name, rows) = result.as_ref().unwrap();
            assert_eq!(rows.len(), 1, "{name}: its own row only");
            assert_eq!(rows[0].values[1], DbValue::Text(name.clone()));
        }
        let (w, t) = db.write_counts();
        assert_eq!(w - writes, 10);
        assert!(t - transactions < 10, "the queued writes shared transactions: {} for 10", t - transactions);
        let (writes, transactions) = (w, t);

        // A group with a write that breaks a constraint: that one fails, the rest are stored once.
        let second = round(["b1", "a3", "b2", "b3"].map(String::from).to_vec()).await;
        let failed: Vec<&sqlx::Error> = second.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(failed.len(), 1);
        assert_eq!(violated_constraint(failed[0]).as_deref(), Some("t_name_key"));
        for result in second.iter().flatten() {
            assert_eq!(result.1.len(), 1);
        }
        let (w, t) = db.write_counts();
        assert_eq!((w - writes, t - transactions), (3, 1), "the three others committed together");
        let count = |sql: &'static str| {
            let pool = db.pool().clone();
            async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
        };
        assert_eq!(count("SELECT COUNT(*) FROM t").await, 13);
        assert_eq!(count("SELECT COUNT(*) FROM log").await, 13);
        assert_eq!(count("SELECT COUNT(*) FROM log JOIN t ON t.id = log.t_id WHERE note = 'note ' || name").await, 13);
    }

    /// The writer leaves checkpoints to a thread of its own: what it writes still reaches the
    /// database file, so the write-ahead log does not grow without end.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn written_pages_reach_the_database_file() {
        let (_dir, db, file) = scratch("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").await;
        let before = std::fs::metadata(&file).unwrap().len();
        let body = "x".repeat(4000);
        for _ in 0..500 {
            db.write_once("INSERT INTO t (body) VALUES ($1)", "", &[Arg::Text(&body)]).await.unwrap();
        }
        // 2 MB written: in the file once a checkpoint has copied it there.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::fs::metadata(&file).unwrap().len() < before + 1_000_000 {
            assert!(std::time::Instant::now() < deadline, "no checkpoint copied the log into the database file");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// A panic in the writer fails its group and no more: the next write is stored.
    #[tokio::test]
    async fn the_writer_outlives_a_panic() {
        let (_dir, db, _) = scratch("CREATE TABLE t (id INTEGER PRIMARY KEY)").await;
        assert!(db.write_once(sqlite::PANICS, "", &[]).await.is_err());
        let rows = db.write_once("INSERT INTO t (id) VALUES (7) RETURNING id", "", &[]).await.unwrap();
        assert_eq!(rows[0].int("id").unwrap(), 7);
    }

    /// Under writes that never pause the log still starts over: it stays near its limit instead
    /// of growing as long as the load lasts.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_stays_bounded_under_sustained_writes() {
        let (_dir, db, file) = scratch("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").await;
        let wal = file.with_extension("db-wal");
        let page = 4096;
        // Three times the log's limit, from 16 writers at once.
        let total = 3 * sqlite::WAL_RESTART_PAGES as usize;
        let writers: Vec<_> = (0..16)
            .map(|_| {
                let (db, wal) = (db.clone(), wal.clone());
                tokio::spawn(async move {
                    let body = "x".repeat(page);
                    let mut largest = 0;
                    for _ in 0..total / 16 {
                        db.write_once("INSERT INTO t (body) VALUES ($1)", "", &[Arg::Text(&body)]).await.unwrap();
                        largest = largest.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
                    }
                    largest
                })
            })
            .collect();
        let mut largest = 0;
        for w in writers {
            largest = largest.max(w.await.unwrap());
        }
        // SQLite starts the log over at the first write after a full checkpoint that no reader
        // is still using, so it may run past the limit before it does: twice the limit
        // tells that from a log that never starts over (4.5 times here).
        let limit = 2 * sqlite::WAL_RESTART_PAGES as u64 * (page as u64 + 24);
        assert!(largest < limit, "the log reached {largest} bytes (limit {limit})");
    }
}
