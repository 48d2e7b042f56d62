//! Tasks through their whole life: created in plain words, specified and estimated by the
//! analyst, approved by the client, worked on, tested, accepted (or returned).
//! The states and who may move them live in `hourbank_domain::workflow`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use hourbank_domain::workflow::{allowed, can_log_work, next_state, Action, Role, TaskState, Transition};
use hourbank_domain::{billing_period, warranty_open, Hours, Period, Problem};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{Path, Query};
use super::{ApiError, AppState, JsonBody};
use crate::auth::{Caller, OrgScope};
use crate::db::{col, now, Arg, Backend};
use crate::store::{self, TaskFilter, TaskRecord};
use hourbank_api::request;
use hourbank_api::tasks::{
    Assignment, LogWork, LoggedWork, NewTask as NewTaskRequest, TaskDetail, TaskList, WarrantyClaim, WorklogList,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tasks", get(list).post(create))
        .route("/tasks/{id}", get(show))
        .route("/tasks/{id}/transitions", post(transition))
        .route("/tasks/{id}/worklogs", get(worklogs).post(log_work))
        .route("/tasks/{id}/assignee", put(assign))
        .route("/tasks/{id}/warranty", post(claim_warranty))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    org: Option<i64>,
    /// One state, or several separated by commas (`estimated,testing`).
    state: Option<String>,
    month: Option<String>,
    q: Option<String>,
    /// `me`, or a user's id.
    assignee: Option<String>,
    /// Tasks on a page: 1 to 200, 100 by default.
    limit: Option<i64>,
    /// The page after this task: the previous page's `next_before`.
    before: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Json<TaskList>, ApiError> {
    let scope = caller.scope()?;
    let filter = TaskFilter {
        org_id: query.org,
        states: query
            .state
            .as_deref()
            .map(|states| states.split(',').map(|s| TaskState::parse("state", s.trim())).collect::<Result<Vec<_>, _>>())
            .transpose()?
            .unwrap_or_default(),
        accepted_period: query
            .month
            .as_deref()
            .map(|m| Period::parse("month", m).map(|p| p.to_string()))
            .transpose()?,
        search: super::input::search_words("q", query.q)?,
        assignee_id: match query.assignee.as_deref().map(str::trim) {
            None => None,
            Some("me") => Some(caller.user_id),
            Some(id) => Some(
                id.parse::<i64>()
                    .ok()
                    .filter(|&id| id > 0)
                    .ok_or_else(|| ApiError::invalid("assignee", Problem::WrongType("\"me\" or a user's id")))?,
            ),
        },
    };
    let page = store::Page::parse(query.limit, query.before)?;
    let tasks = store::tasks(state.db(), scope, &filter, page).await?;
    Ok(Json(TaskList { tasks: tasks.items, next_before: tasks.next_before }))
}

/// The task, its history, its work and what the caller may do next.
async fn task_view(state: &AppState, caller: &Caller, task: TaskRecord) -> Result<TaskDetail, ApiError> {
    let events = store::task_events(state.db(), task.id).await?;
    let worklogs = store::worklogs_of_task(state.db(), task.id).await?;
    Ok(detail(caller, task, events, worklogs))
}

/// The task with its history and work, and what the caller may do next.
fn detail(
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

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<TaskDetail>, ApiError> {
    let task = store::task(state.db(), caller.scope()?, id).await?;
    Ok(Json(task_view(&state, &caller, task).await?))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<TaskDetail>), ApiError> {
    let scope = caller.scope()?;
    caller.require(&[Role::Client, Role::Analyst, Role::Admin])?;
    let NewTaskRequest { title, description, org_id: requested_org } = request::read(&body)?;
    let org_id = match (scope, requested_org) {
        (OrgScope::One(own), None) => own,
        (OrgScope::One(own), Some(org)) if org == own => own,
        // A client naming another organisation learns nothing about it.
        (OrgScope::One(_), Some(_)) => {
            return Err(ApiError::invalid("org_id", Problem::Other("is not your organisation".into())))
        }
        (OrgScope::All, Some(org)) => org,
        (OrgScope::All, None) => return Err(ApiError::invalid("org_id", Problem::Missing)),
    };
    // A client's own organisation exists (its users reference it); one staff name is checked.
    if scope == OrgScope::All {
        store::org(state.db(), scope, org_id).await.map_err(|e| match e {
            ApiError::NotFound => ApiError::invalid("org_id", Problem::Other("no such organisation".into())),
            other => other,
        })?;
    }
    let now = state.clock().now_text();
    let after = json!({ "title": title, "description": description, "state": "new" });
    let id = insert_new_task(
        &state,
        NewTask { org_id, title: &title, description: &description, by: caller.user_id, now: &now, warranty_of: None },
        "create",
        &after,
    )
    .await?;
    // A new task has no history or work yet: answer from what was just written.
    let task = TaskRecord {
        id,
        org_id,
        title,
        description,
        state: TaskState::New,
        specification: None,
        estimate: None,
        deadline: None,
        approved_estimate: None,
        created_by: caller.user_id,
        created_at: now.clone(),
        updated_at: now,
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
    };
    Ok((StatusCode::CREATED, Json(detail(&caller, task, Vec::new(), Vec::new()))))
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
async fn insert_new_task(state: &AppState, task: NewTask<'_>, action: &str, after: &Value) -> Result<i64, ApiError> {
    store::insert_audited(
        state.db(),
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
    )
    .await?
    .ok_or_else(|| ApiError::Internal("a new task returned no id".into()))
}

async fn transition(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> Result<Json<TaskDetail>, ApiError> {
    let scope = caller.scope()?;
    let task = store::task(state.db(), scope, id).await?;
    let step: Transition = request::read(&body)?;
    // A role that may never take this step is refused (403); a step the state does not allow is a
    // conflict (409) with the workflow's message.
    if !step.action().permits(caller.role) {
        return Err(ApiError::Forbidden(format!("{} cannot {}", caller.role.as_str(), step.name())));
    }
    let next = next_state(task.state, caller.role, &step)?;
    if matches!(step, Transition::WriteOff { .. }) && task.approved_estimate.is_none() {
        return Err(ApiError::Conflict("nothing was approved to write off: cancel the task instead".into()));
    }
    // Settling approved work (accepting it, or cancelling it after approval) bills it in a month.
    let settles = match &step {
        Transition::Accept => true,
        Transition::Cancel { .. } => task.approved_estimate.is_some(),
        _ => false,
    };
    let now = state.clock().now_text();
    let mut tx = state.db().begin_write().await?;
    // The month that bills settled work: this month, or the first open one after it when this
    // month was closed early. Read after locking the organisation against a month closing at the
    // same moment (SQLite has one writer at a time).
    let billed_in = if settles {
        lock_org_ledger(state.db().backend(), &mut tx, task.org_id, "FOR SHARE").await?;
        let last_closed = last_closed_period(&mut tx, task.org_id).await?;
        Some(billing_period(state.clock().period(), last_closed).to_string())
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
        Transition::Approve => sqlx::query(
            "UPDATE tasks SET state = $1, approved_estimate = estimate, updated_at = $2 WHERE id = $3 AND state = $4",
        )
        .bind(next.as_str())
        .bind(&now)
        .bind(id)
        .bind(task.state.as_str()),
        Transition::Accept => sqlx::query(
            "UPDATE tasks SET state = $1, accepted_at = $2, accepted_period = $3, updated_at = $2 WHERE id = $4 AND state = $5",
        )
        .bind(next.as_str())
        .bind(&now)
        .bind(billed_in.clone().expect("accepting settles"))
        .bind(id)
        .bind(task.state.as_str()),
        Transition::Cancel { .. } | Transition::WriteOff { .. } => sqlx::query(
            "UPDATE tasks SET state = $1, cancelled_at = $2, cancelled_period = $3, updated_at = $2 \
             WHERE id = $4 AND state = $5",
        )
        .bind(next.as_str())
        .bind(&now)
        .bind(billed_in.clone())
        .bind(id)
        .bind(task.state.as_str()),
        _ => sqlx::query("UPDATE tasks SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
            .bind(next.as_str())
            .bind(&now)
            .bind(id)
            .bind(task.state.as_str()),
    };
    if update.execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(ApiError::Conflict("the task changed meanwhile; reload it and try again".into()));
    }
    if settles {
        // Its report entry, final like the settlement, in the same transaction.
        crate::report_entries::write_missing(&mut tx, crate::report_entries::Missing::Task(id)).await?;
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
    .bind(comment)
    .execute(&mut *tx)
    .await?;
    let before = serde_json::to_value(&task).expect("task serializes");
    let after = json!({ "state": next.as_str(), "action": step.name(), "billed_in": billed_in });
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
    let task = store::task(state.db(), scope, id).await?;
    Ok(Json(task_view(&state, &caller, task).await?))
}

/// Assigns the task to a specialist or analyst (`{"user_id": 7}`), or to nobody
/// (`{"user_id": null}`); analysts and admins do, on a task still open.
async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> Result<Json<TaskDetail>, ApiError> {
    let scope = caller.scope()?;
    caller.require(&[Role::Analyst, Role::Admin])?;
    let Assignment { user_id } = request::read(&body)?;
    let task = store::task(state.db(), scope, id).await?;
    if let Some(user_id) = user_id {
        let user = store::user(state.db(), user_id).await?;
        if !user.is_some_and(|u| matches!(u.role, Role::Specialist | Role::Analyst)) {
            return Err(ApiError::invalid("user_id", Problem::Other("is not a specialist or analyst".into())));
        }
    }
    let finished = || ApiError::Conflict("an accepted or cancelled task is not assigned any more".into());
    if task.state.is_final() {
        return Err(finished());
    }
    let mut tx = state.db().begin_write().await?;
    // The assignee before, read under a lock on PostgreSQL (SQLite has one writer at a time), so
    // of two assignments at once each audits what it replaced. Any step but the final ones may
    // happen meanwhile: the task is still open to assignment.
    let lock = match state.db().backend() {
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
    let task = store::task(state.db(), scope, id).await?;
    Ok(Json(task_view(&state, &caller, task).await?))
}

async fn worklogs(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<WorklogList>, ApiError> {
    let task = store::task(state.db(), caller.scope()?, id).await?;
    let worklogs = store::worklogs_of_task(state.db(), task.id).await?;
    Ok(Json(WorklogList { worklogs, logged: task.logged }))
}

async fn log_work(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<LoggedWork>), ApiError> {
    let scope = caller.scope()?;
    let task = store::task_head(state.db(), scope, id).await?;
    let mut reading = request::start::<LogWork>(&body)?;
    if let Some(date) = reading.draft.date
        && date > state.clock().today()
    {
        reading.push(hourbank_domain::FieldError::new("date", Problem::Other("must not be in the future".into())));
    }
    let LogWork { date, hours, description } = reading.finish()?;
    if !can_log_work(task.state, caller.role) {
        return Err(if matches!(caller.role, Role::Client | Role::Sales) {
            ApiError::Forbidden(format!("{} cannot log work", caller.role.as_str()))
        } else {
            ApiError::Conflict(format!("cannot log work on a task in state {}", task.state))
        });
    }
    let (date_text, created_at) = (date.to_string(), state.clock().now_text());
    let after = json!({ "task_id": id, "date": date_text, "hours": hours, "description": description });
    // Stored only if the task is still in the state checked above: a task accepted (or
    // cancelled) at the same moment must not gain work after its hours were billed and its report
    // entry written. SQLite runs one writer at a time; on PostgreSQL `FOR SHARE` waits for a step
    // in flight on the task and then checks its new state.
    let lock = match state.db().backend() {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR SHARE",
    };
    let insert = format!(
        "INSERT INTO worklogs (task_id, org_id, user_id, work_date, hours, description, created_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM tasks WHERE id = $1 AND state = $8{lock}) \
         RETURNING id"
    );
    let log_id = store::insert_audited(
        state.db(),
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
    )
    .await?
    .ok_or_else(|| ApiError::Conflict(format!("task {id} changed state while the work was being logged")))?;
    let worklog = store::Worklog {
        id: log_id,
        task_id: id,
        user_id: caller.user_id,
        user_name: caller.name.clone(),
        date,
        hours,
        description,
    };
    Ok((StatusCode::CREATED, Json(LoggedWork { worklog })))
}

/// Locks the organisation's ledger on PostgreSQL: `FOR SHARE` by a step that settles work (many
/// at once), `FOR UPDATE` by a month closing, so the two never cross: a task settled while its
/// month closes either reaches the frozen report or bills in the next month. SQLite runs one
/// writer at a time, which orders them already.
pub(crate) async fn lock_org_ledger(
    backend: Backend,
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    mode: &str,
) -> Result<(), ApiError> {
    if backend == Backend::Postgres {
        sqlx::query(&format!("SELECT id FROM orgs WHERE id = $1 {mode}"))
            .bind(org_id)
            .fetch_optional(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The organisation's last closed month, read on the caller's connection.
pub(crate) async fn last_closed_period(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
) -> Result<Option<Period>, ApiError> {
    let row = sqlx::query("SELECT MAX(period) AS period FROM closed_months WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
    let period: Option<String> = col(&row, "period")?;
    period
        .map(|p| Period::parse("period", &p).map_err(|e| ApiError::Internal(format!("stored closed month: {e}"))))
        .transpose()
}

/// A warranty claim on an accepted task («гарантийные обязательства»): within the warranty days
/// after acceptance, the client (or staff for them) opens a linked task that follows the usual
/// workflow and bills 0 h. `{"title": …, "description": …}`; the title defaults to the task's.
async fn claim_warranty(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<TaskDetail>), ApiError> {
    let scope = caller.scope()?;
    caller.require(&[Role::Client, Role::Analyst, Role::Admin])?;
    let original = store::task(state.db(), scope, id).await?;
    let mut reading = request::start::<WarrantyClaim>(&body)?;
    if original.state != TaskState::Accepted {
        return Err(ApiError::Conflict("only an accepted task is under warranty".into()));
    }
    let today = state.clock().today();
    let accepted_on = original.accepted_at.as_deref().and_then(crate::clock::business_date_of_text);
    let org = store::org(state.db(), scope, original.org_id).await?;
    if !accepted_on.is_some_and(|day| warranty_open(day, org.warranty_days, today)) {
        let until = original.warranty_until.map(|d| d.to_string()).unwrap_or_default();
        reading.push(hourbank_domain::FieldError::new("warranty_until", Problem::Other(format!("ended on {until}"))));
    }
    let WarrantyClaim { title, description } = reading.finish()?;
    let title = title.unwrap_or_else(|| format!("Гарантия: {}", original.title));
    let title: String = title.chars().take(200).collect();
    let now = state.clock().now_text();
    let after = json!({ "title": title, "description": description, "state": "new", "warranty_of": id });
    let new_id = insert_new_task(
        &state,
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
    )
    .await?;
    let task = store::task(state.db(), scope, new_id).await?;
    Ok((StatusCode::CREATED, Json(task_view(&state, &caller, task).await?)))
}
