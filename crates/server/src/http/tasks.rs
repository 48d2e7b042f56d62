//! Tasks through their whole life: created in plain words, specified and estimated by the
//! analyst, approved by the client, worked on, tested, accepted (or returned).
//! The states and who may move them live in `hourbank_domain::workflow`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hourbank_domain::workflow::{Role, TaskState, Transition};
use hourbank_domain::{Period, Problem, Rule};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Path, Query};
use super::{ApiError, AppState, JsonBody};
use crate::auth::Caller;
use crate::services::tasks;
use crate::store::{self, TaskFilter};
use hourbank_api::request;
use hourbank_api::tasks::{
    Assignment, LogWork, LoggedWork, NewTask as NewTaskRequest, TaskDetail, TaskList, WarrantyClaim, WorklogList,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(transition))
        .routes(routes!(worklogs, log_work))
        .routes(routes!(assign))
        .routes(routes!(claim_warranty))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    #[param(schema_with = super::params::org_query)]
    org: Option<i64>,
    /// One state, or several separated by commas (`estimated,testing`).
    #[param(schema_with = super::params::states_query)]
    state: Option<String>,
    #[param(schema_with = super::params::accepted_month_query)]
    month: Option<String>,
    #[param(schema_with = super::params::task_search_query)]
    q: Option<String>,
    /// `me`, or a user's id.
    #[param(schema_with = super::params::assignee_query)]
    assignee: Option<String>,
    /// Tasks on a page: 1 to 200, 100 by default.
    #[param(schema_with = super::params::limit_query)]
    limit: Option<i64>,
    /// The page after this task: the previous page's `next_before`.
    #[param(schema_with = super::params::before_query)]
    before: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/tasks",
    tag = "tasks",
    summary = "Tasks the caller may see, newest first, a page at a time",
    params(ListQuery),
    responses((status = 200, description = "Tasks; `next_before` names the next page", body = hourbank_api::TaskList))
)]
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
            Some(id) => Some(id.parse::<i64>().ok().filter(|&id| id > 0).ok_or_else(|| {
                ApiError::invalid("assignee", Problem::WrongType(hourbank_domain::Expected::MeOrUser))
            })?),
        },
    };
    let page = store::Page::parse(query.limit, query.before)?;
    let tasks = store::tasks(state.db(), scope, &filter, page).await?;
    Ok(Json(TaskList { tasks: tasks.items, next_before: tasks.next_before }))
}

#[utoipa::path(
    get,
    path = "/tasks/{id}",
    tag = "tasks",
    summary = "A task with its history, work logs and the caller's allowed actions",
    params(super::params::IdPath),
    responses((status = 200, description = "The task", body = hourbank_api::TaskDetail))
)]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<TaskDetail>, ApiError> {
    let task = store::task(state.db(), caller.scope()?, id).await?;
    Ok(Json(tasks::task_view(&state, &caller, task).await?))
}

#[utoipa::path(
    post,
    path = "/tasks",
    tag = "tasks",
    summary = "Create a task in plain words",
    request_body = hourbank_api::tasks::NewTask,
    responses((status = 201, description = "Created", body = hourbank_api::TaskDetail))
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<TaskDetail>), ApiError> {
    let scope = caller.scope()?;
    caller.require(&[Role::Client, Role::Analyst, Role::Admin])?;
    let NewTaskRequest { title, description, org_id: requested_org } = request::read(&body)?;
    let task = tasks::create(&state, &caller, scope, title, description, requested_org).await?;
    Ok((StatusCode::CREATED, Json(task)))
}

#[utoipa::path(
    post,
    path = "/tasks/{id}/transitions",
    tag = "tasks",
    summary = "Move a task through its workflow (409 when the state does not allow it)",
    request_body = hourbank_api::openapi::TransitionBody,
    params(super::params::IdPath),
    responses((status = 200, description = "The task after the step", body = hourbank_api::TaskDetail))
)]
async fn transition(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> Result<Json<TaskDetail>, ApiError> {
    let scope = caller.scope()?;
    let task = store::task(state.db(), scope, id).await?;
    let step: Transition = request::read(&body)?;
    // A deadline is promised for a day still to come (today counts), and within a few years: a
    // year typed wrong (2062 for 2026) would otherwise stand as the promise.
    if let Transition::Estimate { deadline, .. } = &step {
        let today = state.clock().today();
        if *deadline < today {
            return Err(ApiError::invalid("deadline", Problem::Rule(Rule::InThePast)));
        }
        let latest = today.checked_add_months(chrono::Months::new(12 * DEADLINE_WITHIN_YEARS)).unwrap_or(today);
        if *deadline > latest {
            return Err(ApiError::invalid("deadline", Problem::Rule(Rule::WithinYears(DEADLINE_WITHIN_YEARS))));
        }
    }
    Ok(Json(tasks::transition(&state, &caller, scope, task, step).await?))
}

/// How many years ahead a deadline may be set.
const DEADLINE_WITHIN_YEARS: u32 = 5;

/// Assigns the task to a specialist or analyst (`{"user_id": 7}`), or to nobody
/// (`{"user_id": null}`); analysts and admins do, on a task still open.
#[utoipa::path(
    put,
    path = "/tasks/{id}/assignee",
    tag = "tasks",
    summary = "Assign an open task to a specialist or analyst, or to nobody with null (analyst, admin); 409 when the task is accepted or cancelled",
    request_body = hourbank_api::tasks::Assignment,
    params(super::params::IdPath),
    responses((status = 200, description = "The task after it", body = hourbank_api::TaskDetail))
)]
async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> Result<Json<TaskDetail>, ApiError> {
    let scope = caller.scope()?;
    caller.require(&[Role::Analyst, Role::Admin])?;
    let Assignment { user_id } = request::read(&body)?;
    Ok(Json(tasks::assign(&state, &caller, scope, id, user_id).await?))
}

#[utoipa::path(
    get,
    path = "/tasks/{id}/worklogs",
    tag = "tasks",
    summary = "Work logged on a task",
    params(super::params::IdPath),
    responses((status = 200, description = "Work logs", body = hourbank_api::WorklogList))
)]
async fn worklogs(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<WorklogList>, ApiError> {
    let task = store::task(state.db(), caller.scope()?, id).await?;
    let worklogs = store::worklogs_of_task(state.db(), task.id).await?;
    Ok(Json(WorklogList { worklogs, logged: task.logged }))
}

#[utoipa::path(
    post,
    path = "/tasks/{id}/worklogs",
    tag = "tasks",
    summary = "Log work (specialist, analyst, admin)",
    request_body = hourbank_api::tasks::LogWork,
    params(super::params::IdPath),
    responses((status = 201, description = "Logged", body = hourbank_api::LoggedWork))
)]
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
        reading.push(hourbank_domain::FieldError::new("date", Problem::Rule(Rule::InTheFuture)));
    }
    let work = reading.finish()?;
    let logged = tasks::log_work(&state, &caller, id, &task, work).await?;
    Ok((StatusCode::CREATED, Json(logged)))
}

/// A warranty claim on an accepted task («гарантийные обязательства»): within the warranty days
/// after acceptance, the client (or staff for them) opens a linked task that follows the usual
/// workflow and bills 0 h. `{"title": …, "description": …}`; the title defaults to the task's.
#[utoipa::path(
    post,
    path = "/tasks/{id}/warranty",
    tag = "tasks",
    summary = "A warranty claim on an accepted task within the tariff's warranty days (client, analyst, admin): a linked task that follows the usual workflow and bills 0 h. 409 unless the task is accepted; 422 on `warranty_until` past the window",
    request_body = hourbank_api::tasks::WarrantyClaim,
    params(super::params::IdPath),
    responses((status = 201, description = "The warranty task", body = hourbank_api::TaskDetail))
)]
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
    tasks::check_warranty(&state, scope, &original, &mut reading).await?;
    let claim = reading.finish()?;
    Ok((StatusCode::CREATED, Json(tasks::claim_warranty(&state, &caller, scope, &original, claim).await?)))
}
