//! PostgreSQL connections for the one-statement calls that most requests make ([`Db::lookup`],
//! [`Db::write_once`]), kept here instead of in sqlx's pool. The pool pings every connection that
//! comes back to it (no option turns that off): a round trip to the database after each
//! statement, as many round trips as the statements themselves (DEVELOPERS.md, "A query through
//! sqlx's pool"). A connection here is used for one statement at a time and put back only when
//! the statement ran to its end; one idle for a while is pinged before use, as the pool does.
//!
//! [`Db::lookup`]: super::Db::lookup
//! [`Db::write_once`]: super::Db::write_once

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{AnyConnection, Connection};

use super::{bind_all, Arg, DbRow, PING_AFTER_IDLE};

/// At most this many connections at once (as many as the pool's).
pub const MAX_CONNECTIONS: usize = 16;

/// The moment a kept connection was last found closed by the database, shared with sqlx's pool:
/// what closed one (a restart, a failover) closed the pool's idle connections as well.
#[derive(Debug, Clone, Default)]
pub struct LostAt(Arc<Mutex<Option<Instant>>>);

impl LostAt {
    fn mark(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    }

    /// A connection idle for `idle_for` went idle before the last loss.
    pub fn covers(&self, idle_for: Duration) -> bool {
        let lost = *self.0.lock().unwrap_or_else(|e| e.into_inner());
        lost.zip(Instant::now().checked_sub(idle_for)).is_some_and(|(lost, idle_since)| idle_since <= lost)
    }
}

#[derive(Debug)]
pub struct Kept {
    url: String,
    lost: LostAt,
    /// Connections not in use, with the moment each came back.
    idle: Mutex<Vec<(AnyConnection, Instant)>>,
    /// One permit per connection in use or being opened.
    permits: tokio::sync::Semaphore,
}

impl Kept {
    pub fn new(url: &str, lost: LostAt) -> Kept {
        Kept {
            url: url.to_string(),
            lost,
            idle: Mutex::new(Vec::new()),
            permits: tokio::sync::Semaphore::new(MAX_CONNECTIONS),
        }
    }

    /// Runs one statement and reads its rows. A read whose kept connection the database has
    /// closed (a restart, a failover, an administrator: the connection not yet idle long enough to
    /// be pinged) runs once more on a new connection; a write does not, since it may have committed.
    pub async fn fetch_all(&self, sql: &str, args: &[Arg<'_>], read: bool) -> Result<Vec<DbRow>, sqlx::Error> {
        let _permit = self.permits.acquire().await.map_err(|_| sqlx::Error::PoolClosed)?;
        let (conn, kept) = self.take().await?;
        match self.run(conn, sql, args).await {
            Err(e) if kept && connection_lost(&e) => {
                // What closed this one (a restart, most likely) closed the others kept with it,
                // and the pool's.
                self.lost.mark();
                let stale = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
                drop(stale);
                if !read {
                    return Err(e);
                }
                let conn = AnyConnection::connect(&self.url).await?;
                self.run(conn, sql, args).await
            }
            outcome => outcome,
        }
    }

    async fn run(&self, mut conn: AnyConnection, sql: &str, args: &[Arg<'_>]) -> Result<Vec<DbRow>, sqlx::Error> {
        // If this future is dropped mid-statement the connection is dropped with it: a message
        // half sent would leave it out of step with the server.
        let outcome = bind_all(sqlx::query(sql), args).fetch_all(&mut conn).await;
        // A statement the database refused (a constraint, a conflict) leaves the connection as
        // good as before.
        if outcome.as_ref().err().is_none_or(|e| !connection_lost(e)) {
            self.idle.lock().unwrap_or_else(|e| e.into_inner()).push((conn, Instant::now()));
        }
        outcome?.iter().map(DbRow::from_any).collect()
    }

    /// The most recently used idle connection (pinged if it idled long enough for the database
    /// to have dropped it) and `true`, or a new one and `false`.
    async fn take(&self) -> Result<(AnyConnection, bool), sqlx::Error> {
        loop {
            let next = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let Some((mut conn, since)) = next else { break };
            if since.elapsed() < PING_AFTER_IDLE || conn.ping().await.is_ok() {
                return Ok((conn, true));
            }
        }
        Ok((AnyConnection::connect(&self.url).await?, false))
    }
}

/// The connection cannot be used again: its socket or the protocol failed, or the database ended
/// it (SQLSTATE class 08, a connection exception, or 57P, a shutdown or an administrator's
/// `pg_terminate_backend`, which the next statement on it reads).
fn connection_lost(e: &sqlx::Error) -> bool {
    match e.as_database_error() {
        Some(db) => db.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        None => true,
    }
}
