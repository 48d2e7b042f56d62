//! Tasks through their whole life: created in plain words, specified and estimated by the
//! analyst, approved by the client, worked on, tested, accepted (or returned), warranty claims.
//! The states and who may move them live in `hourbank_domain::workflow`; here they meet the
//! database: every step is one transaction with its history and audit rows, and settling work
//! writes its report entry in the month that bills it.

use hourbank_api::request::Reading;
use hourbank_api::tasks::{LogWork, LoggedWork, TaskDetail, WarrantyClaim};
use hourbank_domain::workflow::{allowed, can_log_work, next_state, Action, Role, TaskState, Transition};
use hourbank_domain::{contract_billing_period, warranty_open, Hours, Period, Problem, Rule};
use serde_json::{json, Value};

use crate::app::App;
use crate::auth::{Caller, OrgScope};
use crate::db::{col, now, Arg, Backend, PreparedAnswer};
use crate::store::{self, TaskHead, TaskRecord};
use crate::Error;

/// The task, its history, its work and what the caller may do next.
pub async fn task_view(app: &App, caller: &Caller, task: TaskRecord) -> Result<TaskDetail, Error> {
    let events = store::task_events(app.db(), task.id).await?;
    let worklogs = store::worklogs_of_task(app.db(), task.id).await?;
    let mut detail = detail(caller, task, events, worklogs);
    // Steps that bill, with no month of the contract left to bill in, would only be refused
    // (409): they are not offered. Writing off bills nothing and stays.
    let approved = detail.task.approved_estimate.is_some();
    let bills = |a: &Action| matches!(a, Action::Approve | Action::Accept) || (*a == Action::Cancel && approved);
    if detail.allowed_actions.iter().any(bills) && !a_month_is_left(app, detail.task.org_id).await? {
        detail.allowed_actions.retain(|a| !bills(a));
    }
    Ok(detail)
}

/// Whether some month of the organisation's contract can still bill work settled now.
async fn a_month_is_left(app: &App, org_id: i64) -> Result<bool, Error> {
    a_month_is_left_in(app, &store::org(app.db(), OrgScope::All, org_id).await?).await
}

/// [`a_month_is_left`] for an organisation already read.
async fn a_month_is_left_in(app: &App, org: &store::OrgRecord) -> Result<bool, Error> {
    let Some(end) = org.contract_end else { return Ok(true) };
    let last_closed = last_closed_period(&mut *app.db().pool().acquire().await?, org.id).await?;
    let first = Period::of(org.contract_start);
    Ok(contract_billing_period(app.clock().period(), last_closed, first, Some(Period::of(end))).is_some())
}

/// The task with its history and work, and what the caller may do next.
pub fn detail(
    caller: &Caller,
    task: TaskRecord,
    events: Vec<store::TaskEvent>,
    worklogs: Vec<store::Worklog>,
) -> TaskDetail {
    let mut actions = allowed(task.state, caller.role);
    // Only approved work can be written off; anything else is simply cancelled.
    if task.approved_estimate.is_none() {
        actions.retain(|a| *a != Action::WriteOff);
    }
    let can_log_work = can_log_work(task.state, caller.role);
    TaskDetail { allowed_actions: actions, can_log_work, task, events, worklogs }
}

/// Creates a task in plain words (`title`, `description`) in the caller's organisation, or for
/// staff in `requested_org`, and answers it as its page shows it.
pub async fn create(
    app: &App,
    caller: &Caller,
    scope: OrgScope,
    title: String,
    description: String,
    requested_org: Option<i64>,
) -> Result<TaskDetail, Error> {
    let org_id = match (scope, requested_org) {
        (OrgScope::One(own), None) => own,
        (OrgScope::One(own), Some(org)) if org == own => own,
        // A client naming another organisation learns nothing about it.
        (OrgScope::One(_), Some(_)) => return Err(Error::invalid("org_id", Problem::Rule(Rule::NotYourOrganisation))),
        (OrgScope::All, Some(org)) => org,
        (OrgScope::All, None) => return Err(Error::invalid("org_id", Problem::Missing)),
    };
    // A client's own organisation exists (its users reference it); one staff name is checked.
    if scope == OrgScope::All {
        store::org(app.db(), scope, org_id).await.map_err(|e| match e {
            Error::NotFound => Error::invalid("org_id", Problem::Rule(Rule::NoSuchOrganisation)),
            other => other,
        })?;
    }
    let now = app.clock().now_text();
    let after = json!({ "title": title, "description": description, "state": "new" });
    // A new task has no history or work yet: the answer is what is written, known before the
    // write but for the id (stored with an idempotency key by the write itself).
    let answer =
        |id| detail(caller, new_task_record(id, org_id, &title, &description, caller.user_id, &now), vec![], vec![]);
    let prepared = PreparedAnswer::created(|id| serde_json::to_string(&answer(id)).expect("a task serializes"));
    let id = insert_new_task(
        app,
        NewTask { org_id, title: &title, description: &description, by: caller.user_id, now: &now, warranty_of: None },
        "create",
        &after,
        prepared.as_ref(),
    )
    .await?;
    Ok(answer(id))
}

/// A task just created, in state `new`, as stored.
fn new_task_record(id: i64, org_id: i64, title: &str, description: &str, by: i64, now: &str) -> TaskRecord {
    TaskRecord {
        id,
        org_id,
        title: title.to_string(),
        description: description.to_string(),
        state: TaskState::New,
        specification: None,
        estimate: None,
        deadline: None,
        approved_estimate: None,
        created_by: by,
        created_at: now.to_string(),
        updated_at: now.to_string(),
        accepted_at: None,
        accepted_period: None,
        cancelled_at: None,
        cancelled_period: None,
        late_from: None,
        warranty_of: None,
        warranty_until: None,
        assignee_id: None,
        assignee_name: None,
        logged: Hours::ZERO,
        written_off: false,
    }
}

/// A task to insert, in state `new`.
struct NewTask<'a> {
    org_id: i64,
    title: &'a str,
    description: &'a str,
    by: i64,
    now: &'a str,
    /// The accepted task a warranty claim reopens.
    warranty_of: Option<i64>,
}

/// Inserts a new task with its audit row (`action`: `create`, or `warranty` for a claim).
async fn insert_new_task(
    app: &App,
    task: NewTask<'_>,
    action: &str,
    after: &Value,
    answer: Option<&PreparedAnswer>,
) -> Result<i64, Error> {
    store::insert_audited(
        app.db(),
        "INSERT INTO tasks (org_id, title, description, state, created_by, created_at, updated_at, warranty_of) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
        &[
            Arg::Int(task.org_id),
            Arg::Text(task.title),
            Arg::Text(task.description),
            Arg::Text(TaskState::New.as_str()),
            Arg::Int(task.by),
            Arg::Text(task.now),
            Arg::OptInt(task.warranty_of),
        ],
        store::Audit {
            user_id: Some(task.by),
            org_id: Some(task.org_id),
            action,
            entity: "task",
            after: Some(after),
            ..Default::default()
        },
        answer,
    )
    .await?
    .ok_or_else(|| Error::Internal("a new task returned no id".into()))
}

/// Takes `step` on `task` as `caller`: who may, what the state allows, and for settling steps the
/// month that bills the work. Answers the task as it is after the step.
pub async fn transition(
    app: &App,
    caller: &Caller,
    scope: OrgScope,
    task: TaskRecord,
    step: Transition,
) -> Result<TaskDetail, Error> {
    let id = task.id;
    // A role that may never take this step is refused (403); a step the state does not allow is a
    // conflict (409) with the workflow's message.
    if !step.action().permits(caller.role) {
        return Err(Error::Forbidden(format!("{} cannot {}", caller.role.as_str(), step.name())));
    }
    let next = next_state(task.state, caller.role, &step)?;
    if matches!(step, Transition::WriteOff { .. }) && task.approved_estimate.is_none() {
        return Err(Error::conflict(
            "nothing was approved to write off: cancel the task instead",
            "списывать нечего: оценка не была согласована — отмените задачу",
        ));
    }
    // The client approves the estimate they were shown, never one made after their page was.
    if let Transition::Approve { estimate: Some(shown) } = &step
        && task.estimate != Some(*shown)
    {
        let now = task.estimate.map(|h| h.to_string()).unwrap_or_default();
        return Err(Error::conflict(
            format!("the task was re-estimated after it was shown: its estimate is now {now} h, not {shown} h; look at it again"),
            format!(
                "оценку изменили, пока страница была открыта: теперь {} ч, а не {} ч; посмотрите её снова",
                now.replace('.', ","),
                shown.to_string().replace('.', ",")
            ),
        ));
    }
    // Settling approved work (accepting it, or cancelling it after approval) bills it in a month.
    let settles = match &step {
        Transition::Accept => true,
        Transition::Cancel { .. } => task.approved_estimate.is_some(),
        // Listed at 0 h with its reason in the month of the write-off (approved, as checked above).
        Transition::WriteOff { .. } => true,
        _ => false,
    };
    // The contract's first and last months, which settled work must bill within. Approving
    // commits to work that will bill, so it too needs a month of the contract left.
    let needs_a_month = settles || matches!(step, Transition::Approve { .. });
    let contract = if needs_a_month {
        let org = store::org(app.db(), scope, task.org_id).await?;
        Some((Period::of(org.contract_start), org.contract_end.map(Period::of)))
    } else {
        None
    };
    let now = app.clock().now_text();
    let mut tx = app.db().begin_write().await?;
    // The month that bills settled work: this month, or the first open one after it when this
    // month was closed early. Read after locking the organisation against a month closing at the
    // same moment (SQLite has one writer at a time).
    let billed_in = if let Some((first, last)) = contract {
        lock_org_ledger(app.db().backend(), &mut tx, task.org_id, "FOR SHARE").await?;
        let last_closed = last_closed_period(&mut tx, task.org_id).await?;
        // Outside the contract's months a report does not exist: the hours would be in none.
        match contract_billing_period(app.clock().period(), last_closed, first, last) {
            Some(period) => settles.then(|| period.to_string()),
            // Written off when no month of the contract is left: no report can list it, but the
            // work is not trapped in the task for ever; the task and the audit log keep the reason.
            None if matches!(step, Transition::WriteOff { .. }) => None,
            None => return Err(no_month_left()),
        }
    } else {
        None
    };
    // `AND state = $old`: of two concurrent steps on one task, the second finds nothing to update.
    let update = match &step {
        Transition::Estimate { specification, estimate, deadline } => sqlx::query(
            "UPDATE tasks SET state = $1, specification = $2, estimate = $3, deadline = $4, updated_at = $5 \
             WHERE id = $6 AND state = $7",
        )
        .bind(next.as_str())
        .bind(specification.trim())
        .bind(estimate.centi())
        .bind(deadline.to_string())
        .bind(&now)
        .bind(id)
        .bind(task.state.as_str()),
        // `AND estimate = $5`, the estimate read above (the one shown, when it was sent): a
        // re-estimate between that read and this update is caught too.
        Transition::Approve { .. } => sqlx::query(
            "UPDATE tasks SET state = $1, approved_estimate = estimate, updated_at = $2 \
             WHERE id = $3 AND state = $4 AND estimate = $5",
        )
        .bind(next.as_str())
        .bind(&now)
        .bind(id)
        .bind(task.state.as_str())
        .bind(task.estimate.map(|h| h.centi())),
        Transition::Accept => sqlx::query(
            "UPDATE tasks SET state = $1, accepted_at = $2, accepted_period = $3, updated_at = $2 WHERE id = $4 AND state = $5",
        )
        .bind(next.as_str())
        .bind(&now)
        .bind(billed_in.clone().expect("accepting settles"))
        .bind(id)
        .bind(task.state.as_str()),
        Transition::Cancel { .. } | Transition::WriteOff { .. } => sqlx::query(
            "UPDATE tasks SET state = $1, cancelled_at = $2, cancelled_period = $3, written_off = $4, updated_at = $2 \
             WHERE id = $5 AND state = $6",
        )
        .bind(next.as_str())
        .bind(&now)
        .bind(billed_in.clone())
        .bind(i64::from(matches!(step, Transition::WriteOff { .. })))
        .bind(id)
        .bind(task.state.as_str()),
        _ => sqlx::query("UPDATE tasks SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
            .bind(next.as_str())
            .bind(&now)
            .bind(id)
            .bind(task.state.as_str()),
    };
    if update.execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(Error::conflict(
            "the task changed meanwhile; reload it and try again",
            "задачу тем временем изменили; обновите страницу и попробуйте снова",
        ));
    }
    let comment = match &step {
        Transition::Reject { comment }
        | Transition::Return { comment }
        | Transition::Cancel { comment }
        | Transition::WriteOff { comment } => Some(comment.clone()).filter(|c| !c.is_empty()),
        _ => None,
    };
    sqlx::query(
        "INSERT INTO task_events (task_id, user_id, at, transition, from_state, to_state, comment) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(caller.user_id)
    .bind(&now)
    .bind(step.name())
    .bind(task.state.as_str())
    .bind(next.as_str())
    .bind(&comment)
    .execute(&mut *tx)
    .await?;
    if billed_in.is_some() {
        // Its report entry, final like the settlement, in the same transaction (after the event,
        // whose comment is a write-off's reason in the report). None for a write-off with no
        // month left: no report lists it.
        crate::db::report_entries::write_missing(&mut tx, crate::db::report_entries::Missing::Task(id)).await?;
    }
    let before = serde_json::to_value(&task).expect("task serializes");
    // The reason given (a write-off's, a cancellation's) is in the audit log too, where an admin
    // looks for who gave away which hours and why.
    let after = json!({ "state": next.as_str(), "action": step.name(), "billed_in": billed_in, "comment": comment });
    store::audit(
        &mut tx,
        store::Audit {
            user_id: Some(caller.user_id),
            org_id: Some(task.org_id),
            action: step.name(),
            entity: "task",
            entity_id: Some(id),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    let task = store::task(app.db(), scope, id).await?;
    task_view(app, caller, task).await
}

/// Assigns the task to a specialist or analyst (`user_id`), or to nobody; analysts and admins
/// do, on a task still open.
pub async fn assign(
    app: &App,
    caller: &Caller,
    scope: OrgScope,
    id: i64,
    user_id: Option<i64>,
) -> Result<TaskDetail, Error> {
    let task = store::task(app.db(), scope, id).await?;
    if let Some(user_id) = user_id {
        let user = store::user(app.db(), user_id).await?;
        if !user.is_some_and(|u| matches!(u.role, Role::Specialist | Role::Analyst)) {
            return Err(Error::invalid("user_id", Problem::Rule(Rule::NotSpecialistOrAnalyst)));
        }
    }
    let finished = || {
        Error::conflict(
            "an accepted or cancelled task is not assigned any more",
            "принятую или отменённую задачу больше не назначают",
        )
    };
    if task.state.is_final() {
        return Err(finished());
    }
    let mut tx = app.db().begin_write().await?;
    // The assignee before, read under a lock on PostgreSQL (SQLite has one writer at a time), so
    // of two assignments at once each audits what it replaced. Any step but the final ones may
    // happen meanwhile: the task is still open to assignment.
    let lock = match app.db().backend() {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE",
    };
    let current = sqlx::query(&format!(
        "SELECT assignee_id FROM tasks WHERE id = $1 AND state NOT IN ('accepted', 'cancelled'){lock}"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(finished)?;
    let before: Option<i64> = col(&current, "assignee_id")?;
    sqlx::query("UPDATE tasks SET assignee_id = $1, updated_at = $2 WHERE id = $3")
        .bind(user_id)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    store::audit(
        &mut tx,
        store::Audit {
            user_id: Some(caller.user_id),
            org_id: Some(task.org_id),
            action: "assign",
            entity: "task",
            entity_id: Some(id),
            before: Some(&json!({ "assignee_id": before })),
            after: Some(&json!({ "assignee_id": user_id })),
        },
    )
    .await?;
    tx.commit().await?;
    let task = store::task(app.db(), scope, id).await?;
    task_view(app, caller, task).await
}

/// A day's hours, in hundredths: the most one person logs on one date across all tasks.
const DAY_CENTI: i64 = 24 * 100;

/// Logs `work` by `caller` on task `id` (`task`, as read before), if its state and the caller's role allow it.
pub async fn log_work(
    app: &App,
    caller: &Caller,
    id: i64,
    task: &TaskHead,
    work: LogWork,
) -> Result<LoggedWork, Error> {
    let LogWork { date, hours, description } = work;
    if !can_log_work(task.state, caller.role) {
        return Err(if matches!(caller.role, Role::Client | Role::Sales) {
            Error::Forbidden(format!("{} cannot log work", caller.role.as_str()))
        } else {
            Error::conflict(
                format!("cannot log work on a task in state {}", task.state),
                format!("работу не записать: задача в статусе «{}»", task.state.ru()),
            )
        });
    }
    // Work done after the contract ended is not the contract's to bill (as a consultation is
    // not); nor is work before it began, unless on a task made before then (preparing the start).
    if date < task.contract_start.min(task.created_on) {
        let problem = if task.created_on < task.contract_start {
            Problem::Rule(Rule::BeforeTheTask)
        } else {
            Problem::BeforeStart(task.contract_start)
        };
        return Err(Error::invalid("date", problem));
    }
    if let Some(end) = task.contract_end.filter(|end| date > *end) {
        return Err(Error::invalid("date", Problem::PastContractEnd(Period::of(end).to_string())));
    }
    let (date_text, created_at) = (date.to_string(), app.clock().now_text());
    let after = json!({ "task_id": id, "date": date_text, "hours": hours, "description": description });
    // Stored only if the task is still in the state checked above: a task accepted (or
    // cancelled) at the same moment must not gain work after its hours were billed and its report
    // entry written. SQLite runs one writer at a time; on PostgreSQL `FOR SHARE` waits for a step
    // in flight on the task and then checks its new app.
    // Nor does anyone work more than 24 h in a day, across all their tasks. On PostgreSQL the day
    // is summed after any other log of the person's in flight has ended (migration 0019).
    let (lock, day_so_far) = match app.db().backend() {
        Backend::Sqlite => ("", "(SELECT COALESCE(SUM(hours), 0) FROM worklogs WHERE user_id = $3 AND work_date = $4)"),
        Backend::Postgres => (" FOR SHARE", "hours_logged_that_day($3, $4)"),
    };
    let insert = format!(
        "INSERT INTO worklogs (task_id, org_id, user_id, work_date, hours, description, created_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM tasks WHERE id = $1 AND state = $8{lock}) \
         AND $5 + {day_so_far} <= {DAY_CENTI} \
         RETURNING id"
    );
    // The answer is what is written, known before the write but for the id (stored with an
    // idempotency key by the write itself).
    let answer = |log_id| LoggedWork {
        worklog: store::Worklog {
            id: log_id,
            task_id: id,
            user_id: caller.user_id,
            user_name: caller.name.clone(),
            date,
            hours,
            description: description.clone(),
        },
    };
    let prepared = PreparedAnswer::created(|id| serde_json::to_string(&answer(id)).expect("a work log serializes"));
    let log_id = store::insert_audited(
        app.db(),
        &insert,
        &[
            Arg::Int(id),
            Arg::Int(task.org_id),
            Arg::Int(caller.user_id),
            Arg::Text(&date_text),
            Arg::Int(hours.centi()),
            Arg::Text(&description),
            Arg::Text(&created_at),
            Arg::Text(task.state.as_str()),
        ],
        store::Audit {
            user_id: Some(caller.user_id),
            org_id: Some(task.org_id),
            action: "create",
            entity: "worklog",
            after: Some(&after),
            ..Default::default()
        },
        prepared.as_ref(),
    )
    .await?;
    let Some(log_id) = log_id else {
        // Refused: the day is full, or the task's state changed meanwhile.
        let logged: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(hours), 0) AS BIGINT) FROM worklogs WHERE user_id = $1 AND work_date = $2",
        )
        .bind(caller.user_id)
        .bind(&date_text)
        .fetch_one(app.db().pool())
        .await?;
        if hours.centi() + logged > DAY_CENTI {
            let left = Hours::from_centi((DAY_CENTI - logged).max(0));
            let logged = Hours::from_centi(logged);
            return Err(Error::invalid("hours", Problem::Rule(Rule::DayFull { logged, left })));
        }
        return Err(Error::conflict(
            format!("task {id} changed state while the work was being logged"),
            format!("задача №{id} сменила статус, пока записывалась работа"),
        ));
    };
    Ok(answer(log_id))
}

/// The refusal of a step that would bill with no month of the contract left to bill it in. (The
/// last month may close before the contract's last day: it does not say the contract ended.)
fn no_month_left() -> Error {
    Error::conflict(
        "the contract's last month is closed: no report of this contract can take this work any more",
        "последний месяц договора уже закрыт: в отчёт по этому договору работа больше не попадёт",
    )
}

/// Whether `original` may take a warranty claim: accepted (a conflict otherwise), with a month of
/// the contract left to bill its work in (a conflict otherwise), and within the organisation's
/// warranty days (a problem of `warranty_until` added to the claim's reading).
pub async fn check_warranty(
    app: &App,
    scope: OrgScope,
    original: &TaskRecord,
    reading: &mut Reading<'_, WarrantyClaim>,
) -> Result<(), Error> {
    if original.state != TaskState::Accepted {
        return Err(Error::conflict(
            "only an accepted task is under warranty",
            "гарантия действует только на принятую задачу",
        ));
    }
    let today = app.clock().today();
    let accepted_on = original.accepted_at.as_deref().and_then(crate::clock::business_date_of_text);
    let org = store::org(app.db(), scope, original.org_id).await?;
    // Warranty work bills 0 h, but in a month's report all the same: none left, it could never
    // be accepted.
    if !a_month_is_left_in(app, &org).await? {
        return Err(no_month_left());
    }
    if !accepted_on.is_some_and(|day| warranty_open(day, org.warranty_days, today)) {
        let ended = Problem::Rule(Rule::WarrantyEnded(original.warranty_until));
        reading.push(hourbank_domain::FieldError::new("warranty_until", ended));
    }
    Ok(())
}

/// A warranty claim on an accepted task («гарантийные обязательства»): a linked task that follows
/// the usual workflow and bills 0 h; the title defaults to the task's.
pub async fn claim_warranty(
    app: &App,
    caller: &Caller,
    scope: OrgScope,
    original: &TaskRecord,
    claim: WarrantyClaim,
) -> Result<TaskDetail, Error> {
    let WarrantyClaim { title, description } = claim;
    let id = original.id;
    let title = title.unwrap_or_else(|| warranty_title(&original.title));
    let title: String = title.chars().take(200).collect();
    let now = app.clock().now_text();
    let after = json!({ "title": title, "description": description, "state": "new", "warranty_of": id });
    let new_id = insert_new_task(
        app,
        NewTask {
            org_id: original.org_id,
            title: &title,
            description: &description,
            by: caller.user_id,
            now: &now,
            warranty_of: Some(id),
        },
        "warranty",
        &after,
        None,
    )
    .await?;
    let task = store::task(app.db(), scope, new_id).await?;
    task_view(app, caller, task).await
}

/// Locks the organisation's ledger on PostgreSQL: `FOR SHARE` by a step that settles work (many
/// at once), `FOR UPDATE` by a month closing, so the two never cross: a task settled while its
/// month closes either reaches the frozen report or bills in the next month. SQLite runs one
/// writer at a time, which orders them already.
pub async fn lock_org_ledger(
    backend: Backend,
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    mode: &str,
) -> Result<(), Error> {
    if backend == Backend::Postgres {
        sqlx::query(&format!("SELECT id FROM orgs WHERE id = $1 {mode}"))
            .bind(org_id)
            .fetch_optional(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The organisation's (`$1`) last closed month, as stored: `period`, null when none is closed.
pub const LAST_CLOSED_SQL: &str = "SELECT MAX(period) AS period FROM closed_months WHERE org_id = $1";

/// The organisation's last closed month, read on the caller's connection.
pub async fn last_closed_period(conn: &mut sqlx::AnyConnection, org_id: i64) -> Result<Option<Period>, Error> {
    let row = sqlx::query(LAST_CLOSED_SQL).bind(org_id).fetch_one(&mut *conn).await?;
    stored_closed_month(col(&row, "period")?)
}

/// A last closed month as [`LAST_CLOSED_SQL`] reads it.
pub fn stored_closed_month(period: Option<String>) -> Result<Option<Period>, Error> {
    period
        .map(|p| Period::parse("period", &p).map_err(|e| Error::Internal(format!("stored closed month: {e}"))))
        .transpose()
}

/// A warranty claim's title: the task's with one «Гарантия: » before it (a claim on a claim keeps
/// one; «Гарантия: Гарантия: …» says nothing more).
fn warranty_title(original: &str) -> String {
    format!("Гарантия: {}", original.strip_prefix("Гарантия: ").unwrap_or(original))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_claim_on_a_claim_keeps_one_prefix() {
        assert_eq!(super::warranty_title("Печать этикеток"), "Гарантия: Печать этикеток");
        assert_eq!(super::warranty_title("Гарантия: Печать этикеток"), "Гарантия: Печать этикеток");
    }
}
