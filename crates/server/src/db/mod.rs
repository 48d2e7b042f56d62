//! The database: SQLite (a file under `./data/` by default) or PostgreSQL, through one sqlx `Any`
//! pool so every query is written once. Columns are integers (kopecks, hundredths of an hour) and
//! text (dates, periods, RFC 3339 instants), which both engines store and compare alike.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

pub mod report_entries;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The default database: a SQLite file under `./data/`, created on first start.
pub const DEFAULT_URL: &str = "sqlite://data/hourbank.db";

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
    /// here instead keeps latency flat under load. PostgreSQL needs no such lock. It holds the
    /// connection [`Db::write_once`] writes on, kept out of the pool so that a writer holding the
    /// lock never waits for readers to give a connection back.
    sqlite_writer: Arc<tokio::sync::Mutex<Option<sqlx::AnyConnection>>>,
    url: Arc<str>,
}

/// A write transaction; on SQLite it also holds the single-writer lock until it ends.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _writer: Option<tokio::sync::OwnedMutexGuard<Option<sqlx::AnyConnection>>>,
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
        KeyClaim { user_id, key, method, path, fingerprint, state: std::sync::Mutex::new(ClaimState::Open) }
    }

    /// Runs `work` (the request's handler) with this claim in force.
    pub async fn scope<F: std::future::Future>(self: Arc<Self>, work: F) -> F::Output {
        CLAIM.scope(self, work).await
    }

    pub fn state(&self) -> ClaimState {
        *self.state.lock().unwrap_or_else(|e| e.into_inner())
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
                let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
                let file = path.split('?').next().unwrap_or(path);
                if let Some(dir) = Path::new(file).parent().filter(|d| !d.as_os_str().is_empty()) {
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
        let options = AnyPoolOptions::new().max_connections(match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        });
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _| Box::pin(sqlite_settings(conn))),
            Backend::Postgres => options,
        };
        let pool = options.connect(&url).await?;
        let db = Db { pool, backend, sqlite_writer: Arc::default(), url: url.into() };
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
        let writer = match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        Ok(WriteTx { tx: self.pool.begin().await?, _writer: writer })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs a write of a few statements as one transaction in one round trip, for the writes that
    /// come in thousands a second: SQLite runs `BEGIN IMMEDIATE; {sqlite}; COMMIT` (statements
    /// separated by `;`, sharing the `$n` values) under the writer lock, so the lock is held for
    /// one hand-off to its worker thread instead of four; PostgreSQL runs `postgres`, one
    /// statement (data-modifying `WITH` clauses), which is atomic by itself. Returns the rows the
    /// statements return.
    pub async fn write_once(&self, sqlite: &str, postgres: &str, args: &[Arg<'_>]) -> Result<Vec<AnyRow>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                // Run to the end even if the caller goes away (a client hanging up drops its
                // request): a script cut off between BEGIN and COMMIT would leave the writer's
                // transaction open, holding SQLite's write lock.
                let (writer, url) = (self.sqlite_writer.clone(), self.url.clone());
                let sql = format!("BEGIN IMMEDIATE; {sqlite}; COMMIT");
                let args: Vec<OwnedArg> = args.iter().map(OwnedArg::from).collect();
                tokio::spawn(async move {
                    let mut writer = writer.lock().await;
                    let conn = match writer.as_mut() {
                        Some(conn) => conn,
                        None => {
                            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await?;
                            sqlite_settings(&mut conn).await?;
                            writer.insert(conn)
                        }
                    };
                    let args: Vec<Arg<'_>> = args.iter().map(OwnedArg::as_arg).collect();
                    let result = bind_all(sqlx::query(&sql), &args).fetch_all(&mut *conn).await;
                    if result.is_err() {
                        // Stopped part-way, maybe inside the transaction: end it. SQLite refuses
                        // when none is open, which is fine; a connection failing otherwise is replaced.
                        if let Err(e) = sqlx::query("ROLLBACK").execute(&mut *conn).await
                            && !e.to_string().contains("no transaction is active")
                        {
                            *writer = None;
                        }
                    }
                    result
                })
                .await
                .map_err(|e| sqlx::Error::Protocol(format!("write task: {e}")))?
            }
            Backend::Postgres => bind_all(sqlx::query(postgres), args).fetch_all(&self.pool).await,
        }
    }

    /// [`Db::write_once`] for a write that may be the one a keyed request makes: under a
    /// [`KeyClaim`] the key is recorded in the same transaction (SQLite: one more statement in the
    /// script; PostgreSQL: one more `WITH` in the statement).
    pub async fn write_once_keyed(
        &self,
        sqlite: &str,
        postgres: &str,
        args: &[Arg<'_>],
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        let Some(claim) = KeyClaim::open() else { return self.write_once(sqlite, postgres, args).await };
        let now = now();
        let written = match self.backend {
            Backend::Sqlite => {
                let script = format!("{sqlite}; {}", claim.insert_sql(args.len()));
                let mut all = args.to_vec();
                all.extend(claim.args(&now));
                self.write_once(&script, "", &all).await
            }
            Backend::Postgres => {
                // One statement still: the key's insert joins as another data-modifying `WITH`
                // (which must stand at the top level, so it goes first in the list).
                let key = format!("idempotency_key AS ({})", claim.insert_sql(args.len()));
                let statement = match postgres.strip_prefix("WITH ") {
                    Some(rest) => format!("WITH {key}, {rest}"),
                    None => format!("WITH {key} {postgres}"),
                };
                let mut all = args.to_vec();
                all.extend(claim.args(&now));
                self.write_once("", &statement, &all).await
            }
        };
        claim.settle(&written);
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
    conn.execute(
        "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
    )
    .await?;
    Ok(())
}

/// A value for a `$n` placeholder of [`Db::write_once`].
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Int(i64),
    Text(&'a str),
    OptInt(Option<i64>),
    OptText(Option<&'a str>),
}

/// An [`Arg`] that owns its text, to hand to another task.
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

    fn as_arg(&self) -> Arg<'_> {
        match self {
            OwnedArg::Int(v) => Arg::OptInt(*v),
            OwnedArg::Text(v) => Arg::OptText(v.as_deref()),
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

/// Reads a column, naming it in the error.
pub fn col<'r, T>(row: &'r AnyRow, name: &str) -> Result<T, sqlx::Error>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    use sqlx::Row;
    row.try_get(name)
}

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
