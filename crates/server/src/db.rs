//! The database: SQLite (a file under `./data/` by default) or PostgreSQL, through one sqlx `Any`
//! pool so every query is written once. Columns are integers (kopecks, hundredths of an hour) and
//! text (dates, periods, RFC 3339 instants), which both engines store and compare alike.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

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
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
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
        crate::report_entries::write_all_missing(self).await?;
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

    /// A cheap round trip, for the health check.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(drop)
    }
}

/// WAL lets readers go on while one writer writes; the busy timeout makes writers queue instead of
/// failing; foreign keys are off by default in SQLite.
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
fn bind_all<'q, Q: Bind<'q>>(mut query: Q, args: &[Arg<'q>]) -> Q {
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

trait Bind<'q> {
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

/// Now as RFC 3339 UTC with milliseconds: fixed width, so text order is time order.
pub fn now() -> String {
    instant(chrono::Utc::now())
}

/// An instant as stored: RFC 3339 UTC with milliseconds, which sorts as text.
pub fn instant(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

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
