//! SQLite without sqlx's worker threads where it counts: the one writer, a thread of its own that
//! owns a connection and commits the writes queued for it in groups
//! ([`Db::write_once`](super::Db::write_once)), and the session's read that every request makes
//! ([`Readers`]).
//!
//! sqlx runs each SQLite connection on a worker thread and hands every statement to it and every
//! row back; under load each of those round trips waited about 0.35 ms for the scheduler on this
//! project's 2-core machines, and SQLite's single writer turns that wait into everyone's. This
//! thread runs the statements itself (rusqlite, on the same bundled SQLite as sqlx), keeps them
//! prepared, and while it is busy the next writes queue and then commit together: one
//! transaction for many. Each write stays atomic on its own (a savepoint), so one that fails
//! fails alone and the others commit; a failed `COMMIT` fails the whole group, none stored.

use std::path::Path;
use std::sync::Arc;

use super::{DbRow, DbValue, OwnedArg, WriteCounts};

/// A write waiting for the writer: its statements (`;`-separated, sharing the `$n` values) and
/// who waits for the rows they return.
pub(super) struct QueuedWrite {
    pub sql: String,
    pub args: Vec<OwnedArg>,
    pub done: tokio::sync::oneshot::Sender<Result<Vec<DbRow>, sqlx::Error>>,
}

/// At most this many writes share a transaction: more than a busy server's 16 writers at once.
const WRITE_GROUP: usize = 64;

/// Prepared statements kept: every statement the server writes with, several times over.
const STATEMENT_CACHE: usize = 128;

/// Starts the writer for the SQLite file `path`. It stops when the last sender is dropped.
/// `lock` is the lock [`Db::begin_write`](super::Db::begin_write)'s transactions hold: a group
/// waits for them and they wait for a group, instead of SQLite's busy retries.
pub(super) fn start_writer(
    path: std::path::PathBuf,
    lock: Arc<tokio::sync::Mutex<()>>,
    counts: Arc<WriteCounts>,
) -> tokio::sync::mpsc::UnboundedSender<QueuedWrite> {
    let (send, receive) = tokio::sync::mpsc::unbounded_channel();
    let (nudge, nudged) = std::sync::mpsc::sync_channel(1);
    let checkpointer_path = path.clone();
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || checkpoint(&checkpointer_path, &nudged))
        .expect("a thread for SQLite's checkpoints");
    std::thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || run(&path, &lock, receive, &counts, &nudge))
        .expect("a thread for SQLite's writer");
    send
}

/// The least time between two checkpoints: under load the write-ahead log then holds a few
/// megabytes at most, and a quiet server checkpoints right after its writes.
const CHECKPOINT_PAUSE: std::time::Duration = std::time::Duration::from_millis(50);

/// Copies the write-ahead log into the database file after writes (`nudged` by the writer), on
/// a connection of its own. SQLite would otherwise do it inside a commit every 1 000 pages, with
/// the writer and every write queued behind it waiting for the copy and its `fsync`: the keyed
/// write's p99 went from about 11 ms to about 7 ms when it moved here. A passive checkpoint never
/// blocks the writer or a reader. A failure is reported and tried again at the next nudge. The
/// writer still checkpoints now and then, to start the log over ([`WAL_RESTART_PAGES`]).
fn checkpoint(path: &Path, nudged: &std::sync::mpsc::Receiver<()>) {
    let mut conn: Option<rusqlite::Connection> = None;
    while nudged.recv().is_ok() {
        let open = match conn.take() {
            Some(open) => Ok(open),
            None => connect(path),
        };
        match open.and_then(|open| open.execute_batch("PRAGMA wal_checkpoint(PASSIVE)").map(|()| open)) {
            Ok(open) => conn = Some(open),
            Err(e) => tracing::warn!(error = %e, "SQLite checkpoint failed; tried again after the next write"),
        }
        std::thread::sleep(CHECKPOINT_PAUSE);
    }
}

fn run(
    path: &Path,
    lock: &tokio::sync::Mutex<()>,
    mut queue: tokio::sync::mpsc::UnboundedReceiver<QueuedWrite>,
    counts: &WriteCounts,
    checkpointer: &std::sync::mpsc::SyncSender<()>,
) {
    let mut conn: Option<rusqlite::Connection> = None;
    let mut group = Vec::with_capacity(WRITE_GROUP);
    while let Some(first) = queue.blocking_recv() {
        group.push(first);
        let _held = lock.blocking_lock();
        // The writes that came meanwhile (while the last group ran, or the lock was held) join.
        while group.len() < WRITE_GROUP
            && let Ok(write) = queue.try_recv()
        {
            group.push(write);
        }
        // A panic fails this group (its connection is dropped, rolling back what it held) and
        // leaves the thread serving the next: without the writer, no write could be stored.
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commit_on(&mut conn, path, &group)));
        let outcomes = run.unwrap_or_else(|_| {
            tracing::error!("SQLite's writer failed a group of {} writes (a panic)", group.len());
            group.iter().map(|_| Err(sqlx::Error::Protocol("the SQLite writer failed".into()))).collect()
        });
        let committed = outcomes.iter().filter(|o| o.is_ok()).count();
        if committed > 0 {
            counts.add(committed);
            // One nudge waiting is enough: the checkpoint copies everything written before it.
            let _ = checkpointer.try_send(());
        }
        for (write, outcome) in group.drain(..).zip(outcomes) {
            let _ = write.done.send(outcome);
        }
    }
}

/// How many pages the write-ahead log may hold before the writer checkpoints it itself. The
/// checkpointer copies pages beside the writer, but SQLite starts the log over only when a write
/// begins with every page copied, which a writer that never pauses does not see: without this the
/// log would grow as long as the load lasts. When it comes, little is left to copy.
pub(super) const WAL_RESTART_PAGES: u32 = 4096;

/// Commits `group` on the writer's connection (opening it when there is none); the outcome of each.
fn commit_on(
    conn: &mut Option<rusqlite::Connection>,
    path: &Path,
    group: &[QueuedWrite],
) -> Vec<Result<Vec<DbRow>, sqlx::Error>> {
    let open = match conn.take() {
        Some(open) => open,
        None => match connect(path)
            .and_then(|c| c.pragma_update(None, "wal_autocheckpoint", WAL_RESTART_PAGES).map(|()| c))
        {
            Ok(open) => open,
            Err(e) => return group.iter().map(|_| Err(database_error(&e))).collect(),
        },
    };
    let outcomes = commit_group(&open, group);
    // A connection left inside a transaction it cannot end is replaced next time.
    if open.is_autocommit() || open.execute_batch("ROLLBACK").is_ok() {
        *conn = Some(open);
    }
    outcomes
}

/// A connection with the settings every connection of the server has, to the database file the
/// server's pool created (never a new one).
fn connect(path: &Path) -> Result<rusqlite::Connection, rusqlite::Error> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.execute_batch(super::SQLITE_SETTINGS)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// Runs `group` in one transaction, each write in a savepoint of its own; the outcome of each.
fn commit_group(conn: &rusqlite::Connection, group: &[QueuedWrite]) -> Vec<Result<Vec<DbRow>, sqlx::Error>> {
    let fail_all = |e: &rusqlite::Error| group.iter().map(|_| Err(database_error(e))).collect();
    if let Err(e) = run_plain(conn, "BEGIN IMMEDIATE") {
        return fail_all(&e);
    }
    let mut outcomes = Vec::with_capacity(group.len());
    for write in group {
        let outcome = run_plain(conn, "SAVEPOINT write").and_then(|()| run_write(conn, write));
        let ended = match &outcome {
            Ok(_) => run_plain(conn, "RELEASE write"),
            Err(_) => run_plain(conn, "ROLLBACK TO write").and_then(|()| run_plain(conn, "RELEASE write")),
        };
        if let Err(e) = ended {
            // A write that could not be undone must not be committed with the others.
            let _ = conn.execute_batch("ROLLBACK");
            return fail_all(&e);
        }
        outcomes.push(outcome.map_err(|e| database_error(&e)));
    }
    if let Err(e) = run_plain(conn, "COMMIT") {
        let _ = conn.execute_batch("ROLLBACK");
        return fail_all(&e);
    }
    outcomes
}

fn run_plain(conn: &rusqlite::Connection, sql: &str) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(sql)?.raw_execute().map(drop)
}

/// Runs one write's statements in order; the rows they return.
fn run_write(conn: &rusqlite::Connection, write: &QueuedWrite) -> Result<Vec<DbRow>, rusqlite::Error> {
    #[cfg(test)]
    assert_ne!(write.sql, PANICS, "a write that panics, for the tests");
    let mut rows = Vec::new();
    for sql in statements(&write.sql)? {
        rows.extend(run_statement(conn, sql, &write.args)?);
    }
    Ok(rows)
}

/// Runs one statement with its `$n` values; the rows it returns.
fn run_statement(conn: &rusqlite::Connection, sql: &str, args: &[OwnedArg]) -> Result<Vec<DbRow>, rusqlite::Error> {
    let mut statement = conn.prepare_cached(sql)?;
    for index in 1..=statement.parameter_count() {
        // `$n` is the n-th value, wherever it stands and however often.
        let n = statement
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| (1..=args.len()).contains(n))
            .ok_or_else(|| rusqlite::Error::InvalidParameterName(format!("parameter {index} of {sql}")))?;
        match &args[n - 1] {
            OwnedArg::Int(v) => statement.raw_bind_parameter(index, v)?,
            OwnedArg::Text(v) => statement.raw_bind_parameter(index, v)?,
        }
    }
    let names: Arc<[String]> = statement.column_names().into_iter().map(str::to_string).collect();
    let width = names.len();
    let mut rows = Vec::new();
    let mut returned = statement.raw_query();
    while let Some(row) = returned.next()? {
        let values = (0..width)
            .map(|i| {
                Ok(match row.get_ref(i)? {
                    rusqlite::types::ValueRef::Integer(v) => DbValue::Int(v),
                    rusqlite::types::ValueRef::Text(t) => DbValue::Text(String::from_utf8_lossy(t).into_owned()),
                    rusqlite::types::ValueRef::Real(v) => DbValue::Text(v.to_string()),
                    rusqlite::types::ValueRef::Null => DbValue::Null,
                    rusqlite::types::ValueRef::Blob(_) => {
                        return Err(rusqlite::Error::InvalidColumnType(
                            i,
                            names[i].clone(),
                            rusqlite::types::Type::Blob,
                        ));
                    }
                })
            })
            .collect::<Result<_, rusqlite::Error>>()?;
        rows.push(DbRow { names: names.clone(), values });
    }
    Ok(rows)
}

/// Connections for the small indexed reads most requests make (their session, a task and its
/// history, an organisation, a page of a list), run on the request's own thread: such a read takes
/// tens of microseconds, and handing it to a sqlx worker thread and back cost ten times that under
/// load, with 64 clients queueing for sqlx's 8 connections. SQLite's readers never wait for its
/// writer (WAL), so the request's thread is not held longer than the read.
#[derive(Default, Debug)]
pub(super) struct Readers {
    idle: std::sync::Mutex<Vec<rusqlite::Connection>>,
}

/// Readers kept open between requests: the runtime's threads, and then some.
const IDLE_READERS: usize = 8;

impl Readers {
    pub(super) fn read(&self, path: &Path, sql: &str, args: &[OwnedArg]) -> Result<Vec<DbRow>, sqlx::Error> {
        let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match taken {
            Some(conn) => conn,
            None => connect(path)
                // This runs on a request's thread: a reader kept waiting (SQLite's recovery of
                // the log, rare in WAL mode) fails its request rather than stall the others.
                .and_then(|conn| conn.execute_batch("PRAGMA query_only = ON; PRAGMA busy_timeout = 250").map(|()| conn))
                .map_err(|e| database_error(&e))?,
        };
        let rows = run_statement(&conn, sql, args).map_err(|e| database_error(&e));
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        rows
    }
}

/// The statements of `sql`, split at the `;` outside quotes. Comments are refused: a quote in
/// one would hide the split, and a statement cut short would be prepared without its tail.
fn statements(sql: &str) -> Result<Vec<&str>, rusqlite::Error> {
    let mut quote: Option<u8> = None;
    let mut start = 0;
    let mut parts = Vec::new();
    let bytes = sql.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'\'' || c == b'"' => quote = Some(c),
            None if c == b';' => {
                parts.push(&sql[start..i]);
                start = i + 1;
            }
            None if (c == b'-' || c == b'/') && bytes.get(i + 1) == Some(&if c == b'-' { b'-' } else { b'*' }) => {
                let comment = "a comment in a write's SQL (it could hide where a statement ends)";
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISUSE),
                    Some(comment.into()),
                ));
            }
            None => {}
        }
    }
    parts.push(&sql[start..]);
    Ok(parts.into_iter().map(str::trim).filter(|s| !s.is_empty()).collect())
}

/// A failure of the writer as sqlx reports database errors, so that callers read constraints
/// from it as from any other ([`super::violated_constraint`]).
fn database_error(e: &rusqlite::Error) -> sqlx::Error {
    let (message, code) = match e {
        rusqlite::Error::SqliteFailure(failure, message) => {
            (message.clone().unwrap_or_else(|| failure.to_string()), Some(failure.extended_code))
        }
        other => (other.to_string(), None),
    };
    sqlx::Error::Database(Box::new(WriterError { message, code }))
}

#[derive(Debug)]
struct WriterError {
    message: String,
    /// SQLite's extended result code.
    code: Option<std::ffi::c_int>,
}

impl std::fmt::Display for WriterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WriterError {}

impl sqlx::error::DatabaseError for WriterError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.code.map(|c| c.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        match self.code {
            Some(ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => {
                sqlx::error::ErrorKind::UniqueViolation
            }
            Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => sqlx::error::ErrorKind::ForeignKeyViolation,
            Some(ffi::SQLITE_CONSTRAINT_NOTNULL) => sqlx::error::ErrorKind::NotNullViolation,
            Some(ffi::SQLITE_CONSTRAINT_CHECK) => sqlx::error::ErrorKind::CheckViolation,
            _ => sqlx::error::ErrorKind::Other,
        }
    }
}

/// A write the tests use to make the writer panic.
#[cfg(test)]
pub(super) const PANICS: &str = "-- panic";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_outside_quotes_only() {
        let script = "INSERT INTO t (a) VALUES ('x; y'); UPDATE t SET \"b;\" = $1 ;  ; SELECT ';'";
        assert_eq!(
            statements(script).unwrap(),
            ["INSERT INTO t (a) VALUES ('x; y')", "UPDATE t SET \"b;\" = $1", "SELECT ';'"]
        );
        assert_eq!(statements("SELECT 'it''s; fine'").unwrap(), ["SELECT 'it''s; fine'"]);
        assert_eq!(statements("SELECT '--', \"/*\", 1 - -1, 4 / 2").unwrap().len(), 1);
        assert!(statements("SELECT 1 -- it's a comment; SELECT 2").is_err());
        assert!(statements("SELECT 1 /* ; */").is_err());
    }
}
