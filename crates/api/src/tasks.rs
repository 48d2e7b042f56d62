//! Tasks (`/tasks`): the task, its history, its work and what the caller may do next.

use chrono::NaiveDate;
use hourbank_domain::{Action, FieldError, Hours, Period, Problem, TaskState, Transition};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::input::Input;
use crate::request::Request;

/// A task as stored, with the hours logged on it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// When approved work was cancelled, and the month that bills its logged hours, or, when
    /// staff wrote the work off, the month whose report lists it at 0 h (none when the task was
    /// never approved, or was written off before such work was listed; saved copies from before
    /// have none).
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
    /// Staff wrote the approved work off (with a comment, in the task's history): it bills 0 h.
    #[serde(default)]
    pub written_off: bool,
}

/// `GET /tasks`: a page of tasks, newest first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TaskList {
    pub tasks: Vec<Task>,
    /// More tasks follow this page: the next page starts below this id.
    #[serde(default)]
    pub next_before: Option<i64>,
}

/// One step in a task's history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TaskDetail {
    pub task: Task,
    pub events: Vec<Event>,
    pub worklogs: Vec<Worklog>,
    pub allowed_actions: Vec<Action>,
    pub can_log_work: bool,
}

/// `GET /tasks/{id}/worklogs`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct WorklogList {
    pub worklogs: Vec<Worklog>,
    pub logged: Hours,
}

/// `POST /tasks/{id}/worklogs`: the work just logged.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct LoggedWork {
    pub worklog: Worklog,
}

/// Most characters in a task's title.
pub const MAX_TITLE_CHARS: usize = 200;
/// Most characters in a task's description.
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
/// Most characters in a specification (ТЗ).
pub const MAX_SPECIFICATION_CHARS: usize = 50_000;
/// Most characters in a transition's comment or a work log's description.
pub const MAX_COMMENT_CHARS: usize = 5_000;
/// Most hours one work log may hold: one day.
pub const MAX_WORKLOG_HOURS: u32 = 24;
/// Most hours an estimate may hold: one month's.
pub const MAX_ESTIMATE_HOURS: u32 = 744;

/// `POST /tasks`: a task in plain words. Staff name the organisation; a client's is their own.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewTask {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<MAX_TITLE_CHARS>))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<MAX_DESCRIPTION_CHARS>))]
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<i64>,
}

pub struct NewTaskDraft {
    pub title: Option<String>,
    pub description: Option<String>,
    pub org_id: Option<i64>,
}

impl Request for NewTask {
    const FIELDS: &'static [&'static str] = &["title", "description", "org_id"];
    type Draft = NewTaskDraft;

    fn read(input: &mut Input<'_>) -> NewTaskDraft {
        NewTaskDraft {
            title: input.text("title", MAX_TITLE_CHARS),
            description: input.text("description", MAX_DESCRIPTION_CHARS),
            org_id: input.optional_id("org_id"),
        }
    }

    fn complete(d: NewTaskDraft) -> Option<NewTask> {
        Some(NewTask { title: d.title?, description: d.description?, org_id: d.org_id })
    }
}

/// `POST /tasks/{id}/transitions`: the domain's step, `{"action": "estimate", …}`.
impl Request for Transition {
    const FIELDS: &'static [&'static str] = &["action", "specification", "estimate", "deadline", "comment"];
    type Draft = Option<Transition>;

    fn read(input: &mut Input<'_>) -> Option<Transition> {
        let action = input.text("action", 40)?;
        let action = match Action::parse("action", &action) {
            Ok(action) => action,
            Err(e) => {
                input.push(e);
                return None;
            }
        };
        // A field of another step is refused, not ignored: the document's schema of each step
        // lists only its own.
        input.only_for(action.as_str(), Transition::fields_of(action));
        match action {
            Action::Estimate => {
                let specification = input.text("specification", MAX_SPECIFICATION_CHARS);
                let estimate = input.hours("estimate", Decimal::from(MAX_ESTIMATE_HOURS));
                let deadline = input.date("deadline");
                Some(Transition::Estimate { specification: specification?, estimate: estimate?, deadline: deadline? })
            }
            // The estimate the client was shown, when sent (the portal always sends it).
            Action::Approve => Some(Transition::Approve {
                estimate: input.optional_hours("estimate", Decimal::from(MAX_ESTIMATE_HOURS)),
            }),
            Action::SubmitForTesting => Some(Transition::SubmitForTesting),
            Action::Accept => Some(Transition::Accept),
            Action::Cancel => Some(Transition::Cancel {
                comment: input.optional_text("comment", MAX_COMMENT_CHARS).unwrap_or_default(),
            }),
            Action::Reject | Action::Return | Action::WriteOff => {
                let comment = input.text("comment", MAX_COMMENT_CHARS)?;
                Some(match action {
                    Action::Reject => Transition::Reject { comment },
                    Action::Return => Transition::Return { comment },
                    _ => Transition::WriteOff { comment },
                })
            }
        }
    }

    fn complete(draft: Option<Transition>) -> Option<Transition> {
        draft
    }
}

/// `POST /tasks/{id}/worklogs`: work done on a day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogWork {
    #[serde(with = "crate::date")]
    pub date: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::day_hours))]
    pub hours: Hours,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<MAX_COMMENT_CHARS>))]
    pub description: String,
}

pub struct LogWorkDraft {
    pub date: Option<NaiveDate>,
    pub hours: Option<Hours>,
    pub description: Option<String>,
}

impl Request for LogWork {
    const FIELDS: &'static [&'static str] = &["date", "hours", "description"];
    type Draft = LogWorkDraft;

    fn read(input: &mut Input<'_>) -> LogWorkDraft {
        LogWorkDraft {
            date: input.date("date"),
            hours: input.hours("hours", Decimal::from(MAX_WORKLOG_HOURS)),
            description: input.text("description", MAX_COMMENT_CHARS),
        }
    }

    fn complete(d: LogWorkDraft) -> Option<LogWork> {
        Some(LogWork { date: d.date?, hours: d.hours?, description: d.description? })
    }
}

/// `PUT /tasks/{id}/assignee`: a specialist or analyst, or nobody (`{"user_id": null}`, said
/// explicitly: an empty body is more likely a mistake).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// Said explicitly: `null` for nobody.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub user_id: Option<i64>,
}

impl Request for Assignment {
    const FIELDS: &'static [&'static str] = &["user_id"];
    type Draft = Assignment;

    fn read(input: &mut Input<'_>) -> Assignment {
        let named = input.named("user_id");
        let user_id = input.optional_id("user_id");
        if !named {
            input.push(FieldError::new("user_id", Problem::Missing));
        }
        Assignment { user_id }
    }

    fn complete(draft: Assignment) -> Option<Assignment> {
        Some(draft)
    }
}

/// `POST /tasks/{id}/warranty`: a warranty claim on an accepted task; the title defaults to the
/// task's («Гарантия: …»).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarrantyClaim {
    /// Defaults to «Гарантия: » and the task's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<MAX_TITLE_CHARS>))]
    pub title: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<MAX_DESCRIPTION_CHARS>))]
    pub description: String,
}

pub struct WarrantyClaimDraft {
    pub title: Option<String>,
    pub description: Option<String>,
}

impl Request for WarrantyClaim {
    const FIELDS: &'static [&'static str] = &["title", "description"];
    type Draft = WarrantyClaimDraft;

    fn read(input: &mut Input<'_>) -> WarrantyClaimDraft {
        WarrantyClaimDraft {
            title: input.optional_text("title", MAX_TITLE_CHARS),
            description: input.text("description", MAX_DESCRIPTION_CHARS),
        }
    }

    fn complete(d: WarrantyClaimDraft) -> Option<WarrantyClaim> {
        Some(WarrantyClaim { title: d.title, description: d.description? })
    }
}
