//! Reading and writing the records behind the API. Every read of client data takes an
//! [`OrgScope`]; a record outside the scope is simply not found (no hint that it exists).

use chrono::NaiveDate;
use hourbank_domain::workflow::{Role, TaskState};
use hourbank_domain::Rule;
use hourbank_domain::{parse_date, Action, Contract, Hours, Money, Period, Tariff, Vat, VatRate};
use rust_decimal::Decimal;
use sqlx::any::AnyRow;

use crate::auth::OrgScope;
use crate::db::{col, Arg, Columns, Db};
use crate::Error;

/// A client organisation with its stored copy of the tariff's terms.
#[derive(Debug, Clone)]
pub struct OrgRecord {
    pub id: i64,
    pub name: String,
    pub inn: String,
    pub tariff_name: String,
    pub tariff: Tariff,
    pub contract_start: NaiveDate,
    pub contract_end: Option<NaiveDate>,
    pub vat: Vat,
    pub analyst_id: Option<i64>,
    /// Days after acceptance during which the client may claim warranty work.
    pub warranty_days: u32,
    /// The buyer's requisites beside the name and ИНН, for the act and the invoice.
    pub kpp: Option<String>,
    pub address: String,
    /// The newest audit entry about the organisation: it changes with every change to its data.
    /// (Concurrent transactions may commit out of id order on PostgreSQL, so caches keyed by it
    /// also expire after a moment.)
    pub data_version: Option<i64>,
}

const ORG_COLUMNS: &str = "id, name, inn, tariff_name, monthly_fee, included_hours, overage_rate, reserve_cap, \
                           trial_months, trial_rate, contract_start, contract_end, vat_mode, vat_rate, analyst_id, \
                           warranty_days, kpp, address, \
                           (SELECT a.id FROM audit_log a WHERE a.org_id = orgs.id ORDER BY a.org_id DESC, a.id DESC LIMIT 1) \
                           AS data_version"; // from the end of the (org_id, id) index: see auth::ORG_VERSION

fn stored<T>(field: &str, r: Result<T, impl std::fmt::Display>) -> Result<T, Error> {
    r.map_err(|e| Error::Internal(format!("stored {field} is invalid: {e}")))
}

/// A tariff's terms from the columns `orgs` and `tariffs` share (kopecks, hundredths of an hour).
pub fn tariff_from_row(row: &impl Columns) -> Result<Tariff, Error> {
    let trial_months: i64 = col(row, "trial_months")?;
    Ok(Tariff {
        monthly_fee: Money::from_kopecks(col(row, "monthly_fee")?),
        included_hours: Hours::from_centi(col(row, "included_hours")?),
        overage_rate: Money::from_kopecks(col(row, "overage_rate")?),
        reserve_cap: Hours::from_centi(col(row, "reserve_cap")?),
        trial_months: stored("trial_months", u32::try_from(trial_months))?,
        trial_rate: Money::from_kopecks(col(row, "trial_rate")?),
    })
}

impl OrgRecord {
    fn from_row(row: &impl Columns) -> Result<OrgRecord, Error> {
        let tariff = tariff_from_row(row)?;
        let vat_mode: String = col(row, "vat_mode")?;
        let vat_rate: i64 = col(row, "vat_rate")?;
        let rate = stored("vat_rate", VatRate::new("vat_rate", Decimal::new(vat_rate, 2)))?;
        let vat = stored("vat_mode", Vat::from_mode("vat", &vat_mode, Some(rate)))?;
        let start: String = col(row, "contract_start")?;
        let end: Option<String> = col(row, "contract_end")?;
        Ok(OrgRecord {
            id: col(row, "id")?,
            name: col(row, "name")?,
            inn: col(row, "inn")?,
            tariff_name: col(row, "tariff_name")?,
            tariff,
            contract_start: stored("contract_start", parse_date("contract_start", &start))?,
            contract_end: end.map(|e| stored("contract_end", parse_date("contract_end", &e))).transpose()?,
            vat,
            analyst_id: col(row, "analyst_id")?,
            warranty_days: stored("warranty_days", u32::try_from(col::<i64>(row, "warranty_days")?))?,
            kpp: col(row, "kpp")?,
            address: col(row, "address")?,
            data_version: col(row, "data_version")?,
        })
    }

    /// The organisation as the buyer of an act or an invoice.
    pub fn buyer(&self) -> hourbank_domain::documents::Party {
        hourbank_domain::documents::Party {
            name: self.name.clone(),
            inn: self.inn.clone(),
            kpp: self.kpp.clone(),
            address: self.address.clone(),
            bank: None,
        }
    }

    pub fn contract(&self) -> Result<Contract, Error> {
        stored("contract", Contract::new(self.tariff.clone(), self.contract_start, self.contract_end))
    }
}

pub async fn org(db: &Db, scope: OrgScope, id: i64) -> Result<OrgRecord, Error> {
    if !scope.covers(id) {
        return Err(Error::NotFound);
    }
    let rows = db.lookup(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1"), &[Arg::Int(id)]).await?;
    OrgRecord::from_row(rows.first().ok_or(Error::NotFound)?)
}

pub async fn orgs(db: &Db, scope: OrgScope) -> Result<Vec<OrgRecord>, Error> {
    let (condition, org) = scope.condition("id", 1);
    let sql = format!("SELECT {ORG_COLUMNS} FROM orgs WHERE {condition} ORDER BY name, id");
    let mut query = sqlx::query(&sql);
    if let Some(org) = org {
        query = query.bind(org);
    }
    query.fetch_all(db.pool()).await?.iter().map(OrgRecord::from_row).collect()
}

/// A new organisation, validated.
pub struct NewOrg {
    pub name: String,
    pub inn: String,
    pub tariff_name: String,
    pub tariff: Tariff,
    pub contract: Contract,
    pub vat: Vat,
    pub analyst_id: Option<i64>,
    pub warranty_days: u32,
}

pub async fn insert_org<'c, E>(executor: E, org: &NewOrg, now: &str) -> Result<i64, Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let t = &org.tariff;
    let row = sqlx::query(
        "INSERT INTO orgs (name, inn, tariff_name, monthly_fee, included_hours, overage_rate, reserve_cap, \
         trial_months, trial_rate, contract_start, contract_end, vat_mode, vat_rate, analyst_id, created_at, \
         warranty_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(&org.name)
    .bind(&org.inn)
    .bind(&org.tariff_name)
    .bind(t.monthly_fee.kopecks())
    .bind(t.included_hours.centi())
    .bind(t.overage_rate.kopecks())
    .bind(t.reserve_cap.centi())
    .bind(i64::from(t.trial_months))
    .bind(t.trial_rate.kopecks())
    .bind(org.contract.start().to_string())
    .bind(org.contract.end().map(|d| d.to_string()))
    .bind(org.vat.mode())
    .bind(org.vat.rate().map(|r| r.centi_percent()).unwrap_or(0))
    .bind(org.analyst_id)
    .bind(now)
    .bind(i64::from(org.warranty_days))
    .fetch_one(executor)
    .await?;
    Ok(col(&row, "id")?)
}

/// A user as others may see them (no password hash).
pub type UserRecord = hourbank_api::User;

fn user_from_row(row: &AnyRow) -> Result<UserRecord, Error> {
    let role: String = col(row, "role")?;
    Ok(UserRecord {
        id: col(row, "id")?,
        email: col(row, "email")?,
        name: col(row, "name")?,
        role: stored("role", Role::parse("role", &role))?,
        org_id: col(row, "org_id")?,
        phone: col(row, "phone")?,
        disabled: col::<i64>(row, "disabled")? != 0,
    })
}

pub async fn user(db: &Db, id: i64) -> Result<Option<UserRecord>, Error> {
    let row = sqlx::query("SELECT id, email, name, role, org_id, phone, disabled FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn users(db: &Db) -> Result<Vec<UserRecord>, Error> {
    let rows = sqlx::query("SELECT id, email, name, role, org_id, phone, disabled FROM users ORDER BY id")
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(user_from_row).collect()
}

/// A task as stored, as the API serves it.
pub type TaskRecord = hourbank_api::Task;

const TASK_COLUMNS: &str = "t.id, t.org_id, t.title, t.description, t.state, t.specification, t.estimate, t.deadline, \
     t.approved_estimate, t.created_by, t.created_at, t.updated_at, t.accepted_at, t.accepted_period, \
     t.cancelled_at, t.cancelled_period, t.warranty_of, t.written_off, \
     (SELECT o.warranty_days FROM orgs o WHERE o.id = t.org_id) AS warranty_days, \
     (SELECT o.contract_start FROM orgs o WHERE o.id = t.org_id) AS contract_start, t.assignee_id, (SELECT u.name FROM users u WHERE u.id = t.assignee_id) AS assignee_name, \
     CAST(COALESCE((SELECT SUM(w.hours) FROM worklogs w WHERE w.task_id = t.id), 0) AS BIGINT) AS logged";

fn task_from_row(row: &impl Columns) -> Result<TaskRecord, Error> {
    let state: String = col(row, "state")?;
    let deadline: Option<String> = col(row, "deadline")?;
    let centi =
        |name: &str| -> Result<Option<Hours>, Error> { Ok(col::<Option<i64>>(row, name)?.map(Hours::from_centi)) };
    let accepted_at: Option<String> = col(row, "accepted_at")?;
    let accepted_period: Option<String> = col(row, "accepted_period")?;
    let period = |field: &str, text: Option<&str>| text.map(|p| stored(field, Period::parse(field, p))).transpose();
    let cancelled_at: Option<String> = col(row, "cancelled_at")?;
    let cancelled_period: Option<String> = col(row, "cancelled_period")?;
    let settled = accepted_at.as_deref().zip(accepted_period.as_deref());
    let contract_start: String = col(row, "contract_start")?;
    let late_from = settled
        .or(cancelled_at.as_deref().zip(cancelled_period.as_deref()))
        .and_then(|(at, billed)| crate::db::report_entries::late_from(at, billed, &contract_start))
        .map(|late| stored("late_from", Period::parse("late_from", &late)))
        .transpose()?;
    let warranty_days: i64 = col(row, "warranty_days")?;
    let warranty_until = accepted_at
        .as_deref()
        .and_then(crate::clock::business_date_of_text)
        .and_then(|day| day.checked_add_days(chrono::Days::new(warranty_days.max(0) as u64)));
    Ok(TaskRecord {
        id: col(row, "id")?,
        org_id: col(row, "org_id")?,
        title: col(row, "title")?,
        description: col(row, "description")?,
        state: stored("state", TaskState::parse("state", &state))?,
        specification: col(row, "specification")?,
        estimate: centi("estimate")?,
        deadline: deadline.map(|d| stored("deadline", parse_date("deadline", &d))).transpose()?,
        approved_estimate: centi("approved_estimate")?,
        created_by: col(row, "created_by")?,
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
        accepted_period: period("accepted_period", accepted_period.as_deref())?,
        cancelled_period: period("cancelled_period", cancelled_period.as_deref())?,
        accepted_at,
        cancelled_at,
        late_from,
        warranty_of: col(row, "warranty_of")?,
        warranty_until,
        assignee_id: col(row, "assignee_id")?,
        assignee_name: col(row, "assignee_name")?,
        logged: Hours::from_centi(col(row, "logged")?),
        written_off: col::<i64>(row, "written_off")? != 0,
    })
}

pub async fn task(db: &Db, scope: OrgScope, id: i64) -> Result<TaskRecord, Error> {
    let (condition, org) = scope.condition("t.org_id", 2);
    let sql = format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE t.id = $1 AND {condition}");
    let args: Vec<Arg> = [Arg::Int(id)].into_iter().chain(org.map(Arg::Int)).collect();
    let rows = db.lookup(&sql, &args).await?;
    task_from_row(rows.first().ok_or(Error::NotFound)?)
}

/// A task's organisation and state, without summing its work (for writes that need only those).
#[derive(Debug, Clone, Copy)]
pub struct TaskHead {
    pub org_id: i64,
    pub state: TaskState,
    /// The organisation's contract's first day, and the day the task was made: work is logged
    /// from the earlier of the two on (preparing a contract that starts next month is work).
    pub contract_start: NaiveDate,
    pub created_on: NaiveDate,
    /// The organisation's contract's last day, if it has one: no work is logged after it.
    pub contract_end: Option<NaiveDate>,
}

pub async fn task_head(db: &Db, scope: OrgScope, id: i64) -> Result<TaskHead, Error> {
    let (condition, org) = scope.condition("t.org_id", 2);
    let sql = format!(
        "SELECT t.org_id, t.state, t.created_at, o.contract_start, o.contract_end FROM tasks t JOIN orgs o ON o.id = t.org_id \
         WHERE t.id = $1 AND {condition}"
    );
    let mut query = sqlx::query(&sql).bind(id);
    if let Some(org) = org {
        query = query.bind(org);
    }
    let row = query.fetch_optional(db.pool()).await?.ok_or(Error::NotFound)?;
    let state: String = col(&row, "state")?;
    let start: String = col(&row, "contract_start")?;
    let end: Option<String> = col(&row, "contract_end")?;
    let created: String = col(&row, "created_at")?;
    Ok(TaskHead {
        org_id: col(&row, "org_id")?,
        state: stored("state", TaskState::parse("state", &state))?,
        contract_start: stored("contract_start", parse_date("contract_start", &start))?,
        created_on: stored("created_at", crate::clock::business_date_of_text(&created).ok_or("not an instant"))?,
        contract_end: end.map(|e| stored("contract_end", parse_date("contract_end", &e))).transpose()?,
    })
}

/// Filters of the task list.
#[derive(Debug, Default, Clone)]
pub struct TaskFilter {
    pub org_id: Option<i64>,
    /// Tasks in any of these states (all when empty).
    pub states: Vec<TaskState>,
    /// Tasks accepted in this period (`YYYY-MM`).
    pub accepted_period: Option<String>,
    /// Words in the title or description (case-insensitive for ASCII and Cyrillic alike).
    pub search: Option<String>,
    /// Tasks assigned to this user.
    pub assignee_id: Option<i64>,
}

/// A page of a list, newest first: at most `limit` items with ids below `before` (the previous
/// page's `next_before`). Lists grow without end; a page keeps an answer's size and time bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: usize,
    pub before: Option<i64>,
}

/// A page of items and where the next one starts (`None`: this was the last).
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next_before: Option<i64>,
}

impl Page {
    pub const DEFAULT_LIMIT: usize = 100;
    pub const MAX_LIMIT: usize = 200;

    /// Reads `limit` (1 to 200, 100 when absent) and `before` (an id) from a query.
    pub fn parse(limit: Option<i64>, before: Option<i64>) -> Result<Page, Error> {
        let limit = Page::limit(limit, Page::DEFAULT_LIMIT, Page::MAX_LIMIT)?;
        if before.is_some_and(|id| id <= 0) {
            return Err(Error::invalid("before", hourbank_domain::Problem::Rule(Rule::GreaterThanZero)));
        }
        Ok(Page { limit, before })
    }

    /// A query's `limit`: `default` when absent, else 1 to `max`, or an error naming `limit`.
    pub fn limit(limit: Option<i64>, default: usize, max: usize) -> Result<usize, Error> {
        match limit {
            None => Ok(default),
            Some(n) if (1..=max as i64).contains(&n) => Ok(n as usize),
            Some(_) => Err(Error::invalid("limit", hourbank_domain::Problem::Rule(Rule::FromOneTo(max as u64)))),
        }
    }

    /// Rows to read at a time: one more than the page (to know whether another follows), or more
    /// when most rows may be filtered out after reading (a search).
    fn chunk(&self, filtered: bool) -> usize {
        if filtered {
            (self.limit + 1).max(500)
        } else {
            self.limit + 1
        }
    }

    /// The two queries a page reads its chunks with, newest first by `id` (a column such as
    /// `t.id`): the first chunk's, `{select} … LIMIT $n+1`, and the later chunks'
    /// `{select} AND {id} < $n+1 … LIMIT $n+2`, where `select` ends in a `WHERE` and uses `$1…$n`.
    pub fn chunk_queries(select: &str, id: &str, n: usize) -> (String, String) {
        (
            format!("{select} ORDER BY {id} DESC LIMIT ${}", n + 1),
            format!("{select} AND {id} < ${} ORDER BY {id} DESC LIMIT ${}", n + 1, n + 2),
        )
    }

    /// Collects a page from newest-first chunks: `fetch(before, n)` reads up to `n` rows with ids
    /// below `before`; `keep` filters them after reading.
    pub async fn collect<T, F, Fut>(
        &self,
        filtered: bool,
        mut fetch: F,
        id: impl Fn(&T) -> i64,
        keep: impl Fn(&T) -> bool,
    ) -> Result<Paged<T>, Error>
    where
        F: FnMut(Option<i64>, usize) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<T>, Error>>,
    {
        let chunk = self.chunk(filtered);
        let mut items = Vec::new();
        let mut cursor = self.before;
        loop {
            let rows = fetch(cursor, chunk).await?;
            let last_chunk = rows.len() < chunk;
            for row in rows {
                cursor = Some(id(&row));
                if keep(&row) {
                    items.push(row);
                    if items.len() > self.limit {
                        items.truncate(self.limit);
                        let next_before = items.last().map(&id);
                        return Ok(Paged { items, next_before });
                    }
                }
            }
            if last_chunk {
                return Ok(Paged { items, next_before: None });
            }
            // A search may read chunk after chunk; on SQLite each is read on this thread
            // (`Db::lookup`), so let the runtime's other requests run between them.
            tokio::task::yield_now().await;
        }
    }
}

/// Tasks in scope matching the filter, newest first, a page at a time.
pub async fn tasks(db: &Db, scope: OrgScope, filter: &TaskFilter, page: Page) -> Result<Paged<TaskRecord>, Error> {
    let (condition, scope_org) = scope.condition("t.org_id", 1);
    let mut sql = format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE {condition}");
    let mut binds: Vec<Arg> = scope_org.into_iter().map(Arg::Int).collect();
    let mut next = binds.len() + 1;
    let mut add = |sql: &mut String, clause: &str, value| {
        sql.push_str(&clause.replace('?', &format!("${next}")));
        binds.push(value);
        next += 1;
    };
    if let Some(org) = filter.org_id {
        add(&mut sql, " AND t.org_id = ?", Arg::Int(org));
    }
    if !filter.states.is_empty() {
        let mut alternatives = Vec::new();
        for state in &filter.states {
            let mut one = String::new();
            add(&mut one, "t.state = ?", Arg::Text(state.as_str()));
            alternatives.push(one);
        }
        sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
    }
    if let Some(period) = &filter.accepted_period {
        add(&mut sql, " AND t.accepted_period = ?", Arg::Text(period));
    }
    if let Some(user) = filter.assignee_id {
        add(&mut sql, " AND t.assignee_id = ?", Arg::Int(user));
    }
    let (first, rest) = Page::chunk_queries(&sql, "t.id", binds.len());
    let fetch = |before: Option<i64>, n: usize| {
        let (sql, binds) = (if before.is_some() { &rest } else { &first }, &binds);
        async move {
            let mut args = binds.clone();
            args.extend(before.map(Arg::Int));
            args.push(Arg::Int(n as i64));
            let rows = db.lookup(sql, &args).await?;
            rows.iter().map(task_from_row).collect::<Result<Vec<_>, _>>()
        }
    };
    let words = SearchWords::new(filter.search.as_deref());
    page.collect(words.any(), fetch, |t| t.id, |t| words.found_in(&t.title, &t.description)).await
}

/// The words of a search, matched in Rust rather than SQL: SQLite's LIKE folds only ASCII case,
/// and clients write Russian.
pub struct SearchWords(Option<String>);

impl SearchWords {
    pub fn new(search: Option<&str>) -> SearchWords {
        SearchWords(search.map(str::to_lowercase).filter(|w| !w.trim().is_empty()))
    }

    /// Whether there is anything to look for.
    pub fn any(&self) -> bool {
        self.0.is_some()
    }

    /// Every word is in the title or the text (any case); true without words.
    pub fn found_in(&self, title: &str, text: &str) -> bool {
        self.0.as_deref().is_none_or(|words| {
            let haystack = format!("{title} {text}").to_lowercase();
            words.split_whitespace().all(|w| haystack.contains(w))
        })
    }
}

/// One step in a task's history.
pub type TaskEvent = hourbank_api::Event;

pub async fn task_events(db: &Db, task_id: i64) -> Result<Vec<TaskEvent>, Error> {
    let rows = db
        .lookup(
            "SELECT e.at, e.user_id, u.name, e.transition, e.from_state, e.to_state, e.comment \
             FROM task_events e JOIN users u ON u.id = e.user_id WHERE e.task_id = $1 ORDER BY e.id",
            &[Arg::Int(task_id)],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let (action, from, to): (String, String, String) =
                (col(r, "transition")?, col(r, "from_state")?, col(r, "to_state")?);
            Ok(TaskEvent {
                at: col(r, "at")?,
                user_id: col(r, "user_id")?,
                user_name: col(r, "name")?,
                action: stored("transition", Action::parse("transition", &action))?,
                from_state: stored("from_state", TaskState::parse("from_state", &from))?,
                to_state: stored("to_state", TaskState::parse("to_state", &to))?,
                comment: col(r, "comment")?,
            })
        })
        .collect()
}

/// Work logged on a task: who, when, what, how long.
pub type Worklog = hourbank_api::Worklog;

const WORKLOG_COLUMNS: &str = "w.id, w.task_id, w.user_id, u.name, w.work_date, w.hours, w.description";

fn worklog_from_row(r: &impl Columns) -> Result<Worklog, Error> {
    let date: String = col(r, "work_date")?;
    Ok(Worklog {
        id: col(r, "id")?,
        task_id: col(r, "task_id")?,
        user_id: col(r, "user_id")?,
        user_name: col(r, "name")?,
        date: stored("work_date", parse_date("work_date", &date))?,
        hours: Hours::from_centi(col(r, "hours")?),
        description: col(r, "description")?,
    })
}

/// A task's work logs, oldest first.
pub async fn worklogs_of_task(db: &Db, task_id: i64) -> Result<Vec<Worklog>, Error> {
    let sql = format!(
        "SELECT {WORKLOG_COLUMNS} FROM worklogs w JOIN users u ON u.id = w.user_id \
         WHERE w.task_id = $1 ORDER BY w.work_date, w.id"
    );
    let rows = db.lookup(&sql, &[Arg::Int(task_id)]).await?;
    rows.iter().map(worklog_from_row).collect()
}

/// One audit-log entry: who, what, and the record before and after.
#[derive(Debug, Default)]
pub struct Audit<'a> {
    pub user_id: Option<i64>,
    pub org_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<&'a serde_json::Value>,
    pub after: Option<&'a serde_json::Value>,
}

/// Inserts a record and the audit row of its creation in one transaction and one round trip (see
/// [`Db::write_once`]): `insert` is `INSERT … RETURNING id` with its values `$1…$n` in `args`;
/// the entry's `entity_id` is the new record's id, which is returned. An insert with a condition
/// (`INSERT … SELECT … WHERE`) that stores nothing writes no audit row and returns `None`.
///
/// Under an `Idempotency-Key`, `answer` (when the caller knows it but for the new id) is stored
/// with the key by the same write ([`Db::write_once_keyed`]).
pub async fn insert_audited(
    db: &Db,
    insert: &str,
    args: &[Arg<'_>],
    entry: Audit<'_>,
    answer: Option<&crate::db::PreparedAnswer>,
) -> Result<Option<i64>, Error> {
    let n = args.len();
    let p = |i: usize| format!("${}", n + i);
    let (at, user, org, action, entity, before, after) = (p(1), p(2), p(3), p(4), p(5), p(6), p(7));
    const COLUMNS: &str = "at, user_id, org_id, action, entity, entity_id, before_json, after_json";
    let sqlite = format!(
        "{insert}; INSERT INTO audit_log ({COLUMNS}) \
         SELECT {at}, {user}, {org}, {action}, {entity}, last_insert_rowid(), {before}, {after} WHERE changes() = 1"
    );
    let postgres = format!(
        "INSERT INTO audit_log ({COLUMNS}) \
         SELECT {at}, {user}, {org}, {action}, {entity}, id, {before}, {after} FROM created RETURNING entity_id AS id"
    );
    let (now, before, after) =
        (crate::db::now(), entry.before.map(|v| v.to_string()), entry.after.map(|v| v.to_string()));
    let mut all = args.to_vec();
    all.extend([
        Arg::Text(&now),
        Arg::OptInt(entry.user_id),
        Arg::OptInt(entry.org_id),
        Arg::Text(entry.action),
        Arg::Text(entry.entity),
        Arg::OptText(before.as_deref()),
        Arg::OptText(after.as_deref()),
    ]);
    // After the SQLite script, the audit entry just written (if the insert wrote) names the record.
    let sqlite_created = "SELECT entity_id AS id FROM audit_log WHERE id = last_insert_rowid() AND changes() = 1";
    let rows = db.write_once_keyed(&sqlite, sqlite_created, insert, &postgres, &all, answer).await?;
    rows.first().map(|row| row.int("id")).transpose().map_err(Error::from)
}

/// Records a mutation in the audit log, in the mutation's own transaction. The new row also marks
/// the organisation's data as changed: cached reports of it are recomputed (see `data_version`).
pub async fn audit(conn: &mut sqlx::AnyConnection, entry: Audit<'_>) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, org_id, action, entity, entity_id, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(crate::db::now())
    .bind(entry.user_id)
    .bind(entry.org_id)
    .bind(entry.action)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.before.map(|v| v.to_string()))
    .bind(entry.after.map(|v| v.to_string()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The seller's requisites, once the admin has set them.
pub async fn seller(db: &Db) -> Result<Option<hourbank_domain::documents::Party>, Error> {
    let row =
        sqlx::query("SELECT name, inn, kpp, address, bank_name, bik, account, corr_account FROM seller WHERE id = 1")
            .fetch_optional(db.pool())
            .await?;
    row.map(|r| {
        Ok(hourbank_domain::documents::Party {
            name: col(&r, "name")?,
            inn: col(&r, "inn")?,
            kpp: Some(col(&r, "kpp")?),
            address: col(&r, "address")?,
            bank: Some(hourbank_domain::documents::Bank {
                name: col(&r, "bank_name")?,
                bik: col(&r, "bik")?,
                account: col(&r, "account")?,
                corr_account: col(&r, "corr_account")?,
            }),
        })
    })
    .transpose()
}

/// The company as prospects reach it: the seller's name (none before the admin set the
/// requisites) and its contacts.
pub async fn company(db: &Db) -> Result<(Option<String>, hourbank_domain::contacts::Contacts), Error> {
    let row = sqlx::query("SELECT name, phone, email FROM seller WHERE id = 1").fetch_optional(db.pool()).await?;
    let Some(row) = row else { return Ok((None, Default::default())) };
    let contacts = hourbank_domain::contacts::Contacts { phone: col(&row, "phone")?, email: col(&row, "email")? };
    Ok((Some(col(&row, "name")?), contacts))
}

/// Stores the seller's requisites (checked by [`hourbank_domain::documents::RawSeller::check`])
/// and the company's contacts (by [`hourbank_domain::contacts::Contacts::check`]).
pub async fn save_seller(
    conn: &mut sqlx::AnyConnection,
    seller: &hourbank_domain::documents::Party,
    contacts: &hourbank_domain::contacts::Contacts,
    now: &str,
) -> Result<(), Error> {
    let bank = seller.bank.as_ref().ok_or_else(|| Error::Internal("a seller without a bank".into()))?;
    sqlx::query(
        "INSERT INTO seller (id, name, inn, kpp, address, bank_name, bik, account, corr_account, updated_at, phone, email) \
         VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO UPDATE SET name = $1, inn = $2, \
         kpp = $3, address = $4, bank_name = $5, bik = $6, account = $7, corr_account = $8, updated_at = $9, \
         phone = $10, email = $11",
    )
    .bind(&seller.name)
    .bind(&seller.inn)
    .bind(seller.kpp.as_deref())
    .bind(&seller.address)
    .bind(&bank.name)
    .bind(&bank.bik)
    .bind(&bank.account)
    .bind(&bank.corr_account)
    .bind(now)
    .bind(contacts.phone.as_deref())
    .bind(contacts.email.as_deref())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How long an `Idempotency-Key` is kept: a retry comes within minutes, an outbox within days.
pub const IDEMPOTENCY_KEY_DAYS: i64 = 7;

/// Removes what only grows: sessions past their expiry, idempotency keys older than
/// [`IDEMPOTENCY_KEY_DAYS`], sign-in failures older than their window. Returns the rows removed.
pub async fn prune(db: &Db, now: chrono::DateTime<chrono::Utc>) -> Result<u64, Error> {
    let at = |d: chrono::Duration| crate::db::instant(now - d);
    let mut tx = db.begin_write().await?;
    let mut removed = 0;
    for (sql, before) in [
        ("DELETE FROM sessions WHERE expires_at <= $1", at(chrono::Duration::zero())),
        ("DELETE FROM idempotency_keys WHERE created_at < $1", at(chrono::Duration::days(IDEMPOTENCY_KEY_DAYS))),
        (
            "DELETE FROM login_failures WHERE at < $1",
            at(chrono::Duration::seconds(crate::auth::FAILURE_WINDOW_SECONDS)),
        ),
    ] {
        removed += sqlx::query(sql).bind(before).execute(&mut *tx).await?.rows_affected();
    }
    tx.commit().await?;
    Ok(removed)
}
