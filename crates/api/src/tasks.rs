//! Tasks (`/tasks`): the task, its history, its work and what the caller may do next.

use chrono::NaiveDate;
use hourbank_domain::{Action, Hours, Period, TaskState};
use serde::{Deserialize, Serialize};

/// A task as stored, with the hours logged on it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Task {
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    pub description: String,
    pub state: TaskState,
    pub specification: Option<String>,
    pub estimate: Option<Hours>,
    #[serde(with = "crate::date::option")]
    pub deadline: Option<NaiveDate>,
    pub approved_estimate: Option<Hours>,
    pub created_by: i64,
    /// Instants are UTC, `2026-11-09T09:00:00.000Z`.
    pub created_at: String,
    pub updated_at: String,
    pub accepted_at: Option<String>,
    /// The month whose report bills the accepted task (see `late_from`).
    pub accepted_period: Option<Period>,
    /// When approved work was cancelled, and the month that bills its logged hours (none when
    /// the task was never approved, or staff wrote the work off; saved copies from before have none).
    #[serde(default)]
    pub cancelled_at: Option<String>,
    #[serde(default)]
    pub cancelled_period: Option<Period>,
    /// The month the task was accepted or cancelled in, when that month was already closed and a
    /// later one bills it («принята 31.03, в счёте за апрель: март уже закрыт»).
    #[serde(default)]
    pub late_from: Option<Period>,
    /// A warranty claim: the accepted task it reopens (it bills 0 h).
    #[serde(default)]
    pub warranty_of: Option<i64>,
    /// The last day the client may claim warranty work on this accepted task.
    #[serde(default, with = "crate::date::option")]
    pub warranty_until: Option<NaiveDate>,
    /// Who works on it, when the analyst has assigned someone (saved copies from before
    /// assignments existed have neither).
    #[serde(default)]
    pub assignee_id: Option<i64>,
    #[serde(default)]
    pub assignee_name: Option<String>,
    /// Hours logged so far.
    pub logged: Hours,
}

/// `GET /tasks`: a page of tasks, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TaskList {
    pub tasks: Vec<Task>,
    /// More tasks follow this page: the next page starts below this id.
    #[serde(default)]
    pub next_before: Option<i64>,
}

/// One step in a task's history.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Event {
    pub at: String,
    pub user_id: i64,
    pub user_name: String,
    pub action: Action,
    pub from_state: TaskState,
    pub to_state: TaskState,
    pub comment: Option<String>,
}

/// Work logged on a task: who, when, what, how long.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Worklog {
    pub id: i64,
    pub task_id: i64,
    pub user_id: i64,
    pub user_name: String,
    #[serde(with = "crate::date")]
    pub date: NaiveDate,
    pub hours: Hours,
    pub description: String,
}

/// `GET /tasks/{id}` and the answer to every change of a task: the task, its history, its work
/// and what the caller may do next.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TaskDetail {
    pub task: Task,
    pub events: Vec<Event>,
    pub worklogs: Vec<Worklog>,
    pub allowed_actions: Vec<Action>,
    pub can_log_work: bool,
}

/// `GET /tasks/{id}/worklogs`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct WorklogList {
    pub worklogs: Vec<Worklog>,
    pub logged: Hours,
}

/// `POST /tasks/{id}/worklogs`: the work just logged.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct LoggedWork {
    pub worklog: Worklog,
}
