//! What an accepted task puts in its month's report: its billed hours and its entry (the task with
//! every work log — who, when, what), written once as the JSON the report lists.
//!
//! Acceptance is final: no step leads out of `accepted`, and work is never logged on an accepted
//! task (the insert is conditional, and on PostgreSQL it waits for an accepting step in flight).
//! So the entry written in the accepting transaction stays true, and a month's report reads its
//! entries as stored instead of rebuilding each task from its work logs: 10 000 tasks with
//! 100 000 work logs in one month are one read of their joined text. An entry names each person as
//! they were named when the client accepted the work, as a signed act would.

use std::collections::HashMap;
use std::sync::Arc;

use hourbank_domain::{settled_hours, Hours, Settlement};
use sqlx::AnyConnection;

use hourbank_domain::Period;
use serde::Serialize;

use super::{col, Db};

/// A task settled in its month's report (accepted, or approved work cancelled or written off): who did what,
/// when, and what it bills.
#[derive(Debug, Serialize)]
pub struct ReportTask {
    pub id: i64,
    pub title: String,
    pub accepted_at: Option<String>,
    pub logged: Hours,
    pub approved_estimate: Option<Hours>,
    /// What it bills: its logged hours up to the approved estimate; 0 for warranty work.
    pub billed: Hours,
    pub worklogs: Vec<ReportWorklog>,
    pub settlement: Settlement,
    /// When approved work was cancelled (it bills its logged hours in this report).
    pub cancelled_at: Option<String>,
    /// The closed month the task was settled in, when this later month bills it.
    pub late_from: Option<String>,
    /// Warranty work on this accepted task: listed with its hours, billed 0 h.
    pub warranty_of: Option<i64>,
    /// Why staff wrote the work off (it bills 0 h).
    pub write_off_comment: Option<String>,
}

/// A work log in a report: the fields, in the order, of [`store::Worklog`] as the task view serves it.
#[derive(Debug, Serialize)]
pub struct ReportWorklog {
    pub id: i64,
    pub task_id: i64,
    pub user_id: i64,
    pub user_name: UserName,
    pub date: String,
    pub hours: Hours,
    pub description: String,
}

/// A user's name, shared by all of their work logs in a report rather than copied into each.
#[derive(Debug, Clone)]
pub struct UserName(pub Arc<str>);

impl Serialize for UserName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// The month work settled at `settled_at` was settled in, when a later month `billed_in` bills
/// it because its own month was already closed. Not when it was settled before the contract's
/// first month (`contract_start`), which bills it, nor after its last, which bills it too: those
/// months were never closed.
pub fn late_from(settled_at: &str, billed_in: &str, contract_start: &str) -> Option<String> {
    let settled_in = Period::of(crate::clock::business_date_of_text(settled_at)?).to_string();
    let first = contract_start.get(..7)?;
    (settled_in.as_str() < billed_in && settled_in.as_str() >= first).then_some(settled_in)
}

/// Rows per multi-row INSERT: 6 values each, well under both engines' limits on bound values.
const ROWS_PER_INSERT: usize = 500;

struct Entry {
    task_id: i64,
    org_id: i64,
    period: String,
    accepted_at: String,
    billed: Hours,
    json: String,
}

/// Which accepted tasks [`write_missing`] looks at.
#[derive(Debug, Clone, Copy)]
pub enum Missing {
    All,
    Task(i64),
    Org(i64),
}

/// Writes the entries of the accepted tasks that have none (of `which`) on the caller's
/// connection, inside its transaction, and returns how many it wrote.
///
/// The accepting step calls it for its task after marking it accepted; the demo loader for the
/// tasks it makes accepted; closing a month for the organisation's tasks (a server of the release
/// before entries, still running during an upgrade, accepts tasks without one); and
/// [`write_all_missing`] at start for tasks accepted before entries existed.
pub async fn write_missing(conn: &mut AnyConnection, which: Missing) -> Result<u64, sqlx::Error> {
    let narrowed = match which {
        Missing::All => String::new(),
        Missing::Task(id) => format!(" AND t.id = {id}"),
        Missing::Org(id) => format!(" AND t.org_id = {id}"),
    };
    // Settled work: accepted tasks, and approved work cancelled or written off with a month to
    // list it in.
    let missing = format!(
        "FROM tasks t WHERE (t.state = 'accepted' OR (t.state = 'cancelled' AND t.cancelled_period IS NOT NULL)){narrowed} \
         AND NOT EXISTS (SELECT 1 FROM report_entries e WHERE e.task_id = t.id)"
    );
    let tasks = sqlx::query(&format!(
        // In id order, so that two servers filling at once insert in the same order and never
        // deadlock on each other's rows.
        "SELECT t.id, t.org_id, t.title, t.state, COALESCE(t.accepted_at, t.cancelled_at) AS settled_at, \
         COALESCE(t.accepted_period, t.cancelled_period) AS billed_in, t.approved_estimate, t.warranty_of, \
         (SELECT o.contract_start FROM orgs o WHERE o.id = t.org_id) AS contract_start, t.written_off, \
         (SELECT ev.comment FROM task_events ev WHERE ev.task_id = t.id AND ev.transition = 'write_off' \
          ORDER BY ev.id DESC LIMIT 1) AS write_off_comment \
         {missing} ORDER BY t.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    if tasks.is_empty() {
        return Ok(0);
    }
    let logs = sqlx::query(&format!(
        "SELECT w.id, w.task_id, w.user_id, u.name, w.work_date, w.hours, w.description \
         FROM worklogs w JOIN users u ON u.id = w.user_id \
         WHERE w.task_id IN (SELECT t.id {missing}) ORDER BY w.work_date, w.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut names: HashMap<String, UserName> = HashMap::new();
    let mut by_task: HashMap<i64, Vec<ReportWorklog>> = HashMap::new();
    for r in &logs {
        let name: String = col(r, "name")?;
        let user_name = names.entry(name).or_insert_with_key(|n| UserName(Arc::from(n.as_str()))).clone();
        let task_id = col(r, "task_id")?;
        by_task.entry(task_id).or_default().push(ReportWorklog {
            id: col(r, "id")?,
            task_id,
            user_id: col(r, "user_id")?,
            user_name,
            date: col(r, "work_date")?,
            hours: Hours::from_centi(col(r, "hours")?),
            description: col(r, "description")?,
        });
    }
    let mut entries = Vec::with_capacity(tasks.len());
    for r in &tasks {
        let id: i64 = col(r, "id")?;
        let settled_at: Option<String> = col(r, "settled_at")?;
        let period: Option<String> = col(r, "billed_in")?;
        let (Some(settled_at), Some(period)) = (settled_at, period) else {
            return Err(sqlx::Error::Protocol(format!("settled task {id} has no time or month of settlement")));
        };
        let accepted = col::<String>(r, "state")? == "accepted";
        let settlement = if accepted {
            Settlement::Accepted
        } else if col::<i64>(r, "written_off")? != 0 {
            Settlement::WrittenOff
        } else {
            Settlement::CancelledApproved
        };
        let warranty_of: Option<i64> = col(r, "warranty_of")?;
        let worklogs = by_task.remove(&id).unwrap_or_default();
        let logged = worklogs.iter().fold(Hours::ZERO, |sum, w| sum + w.hours);
        let approved_estimate = col::<Option<i64>>(r, "approved_estimate")?.map(Hours::from_centi);
        let billed = settled_hours(settlement, logged, approved_estimate, warranty_of.is_some());
        let task = ReportTask {
            id,
            title: col(r, "title")?,
            accepted_at: accepted.then(|| settled_at.clone()),
            logged,
            approved_estimate,
            billed,
            worklogs,
            settlement,
            cancelled_at: (!accepted).then(|| settled_at.clone()),
            late_from: late_from(&settled_at, &period, &col::<String>(r, "contract_start")?),
            warranty_of,
            write_off_comment: if settlement == Settlement::WrittenOff { col(r, "write_off_comment")? } else { None },
        };
        let json = serde_json::to_string(&task).expect("a report entry serializes");
        entries.push(Entry { task_id: id, org_id: col(r, "org_id")?, period, accepted_at: settled_at, billed, json });
    }
    let mut written = 0;
    for chunk in entries.chunks(ROWS_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = |k: usize| format!("${}", i * 6 + k);
                format!("({}, {}, {}, {}, {}, {})", p(1), p(2), p(3), p(4), p(5), p(6))
            })
            .collect();
        // DO NOTHING: of two servers filling at start, the second finds the first one's entries.
        let sql = format!(
            "INSERT INTO report_entries (task_id, org_id, period, accepted_at, billed, entry) VALUES {} \
             ON CONFLICT (task_id) DO NOTHING",
            rows.join(", ")
        );
        let mut insert = sqlx::query(&sql);
        for e in chunk {
            insert = insert
                .bind(e.task_id)
                .bind(e.org_id)
                .bind(e.period.as_str())
                .bind(e.accepted_at.as_str())
                .bind(e.billed.centi())
                .bind(e.json.as_str());
        }
        // Another server filling at the same moment may have written some of them.
        written += insert.execute(&mut *conn).await?.rows_affected();
    }
    Ok(written)
}

/// Writes the missing entries of `which` in a transaction of their own.
pub async fn write_missing_now(db: &Db, which: Missing) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let written = write_missing(&mut tx, which).await?;
    tx.commit().await?;
    Ok(written)
}

/// Writes every missing entry (at start, after the migrations).
pub async fn write_all_missing(db: &Db) -> Result<u64, sqlx::Error> {
    write_missing_now(db, Missing::All).await
}
