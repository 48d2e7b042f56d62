//! User instructions: each new feature gets one, written in Markdown and attached to its task.
//! The HTML is rendered and sanitized once, when written, so every reader gets the same safe HTML.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hourbank_domain::workflow::Role;
use serde::Deserialize;
use sqlx::any::AnyRow;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Path, Query};
use super::{ApiError, AppState, JsonBody};
use crate::auth::{Caller, OrgScope};
use crate::db::{col, Db};
use crate::services::instructions;
use crate::store::{self, Page};
use hourbank_api::instructions::{InstructionList, NewInstruction, WrittenInstruction};
use hourbank_api::request;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search)).routes(routes!(of_task, create))
}

/// An instruction as stored, with its task's title and its author's name.
pub type Instruction = hourbank_api::Instruction;

fn instruction_from_row(r: &AnyRow) -> Result<Instruction, crate::Error> {
    Ok(Instruction {
        id: col(r, "id")?,
        task_id: col(r, "task_id")?,
        task_title: col(r, "task_title")?,
        org_id: col(r, "org_id")?,
        title: col(r, "title")?,
        markdown: col(r, "markdown")?,
        html: col(r, "html")?,
        author_id: col(r, "author_id")?,
        author_name: col(r, "author_name")?,
        created_at: col(r, "created_at")?,
        updated_at: col(r, "updated_at")?,
    })
}

/// Instructions in `scope`, of one task or of all, oldest first.
pub async fn instructions(db: &Db, scope: OrgScope, task_id: Option<i64>) -> Result<Vec<Instruction>, crate::Error> {
    let (sql, binds) = instruction_query(scope, task_id);
    let sql = format!("{sql} ORDER BY i.id");
    let mut query = sqlx::query(&sql);
    for value in &binds {
        query = query.bind(*value);
    }
    query.fetch_all(db.pool()).await?.iter().map(instruction_from_row).collect()
}

/// The `SELECT … WHERE` of the instructions in scope (of one task) and its values, `$1…$n`.
fn instruction_query(scope: OrgScope, task_id: Option<i64>) -> (String, Vec<i64>) {
    let (condition, scope_org) = scope.condition("i.org_id", 1);
    let mut sql = format!(
        "SELECT i.id, i.task_id, t.title AS task_title, i.org_id, i.title, i.markdown, i.html, i.author_id, \
         u.name AS author_name, i.created_at, i.updated_at \
         FROM instructions i JOIN tasks t ON t.id = i.task_id JOIN users u ON u.id = i.author_id WHERE {condition}"
    );
    let binds: Vec<i64> = scope_org.into_iter().chain(task_id).collect();
    if task_id.is_some() {
        sql += &format!(" AND i.task_id = ${}", binds.len());
    }
    (sql, binds)
}

#[utoipa::path(
    get,
    path = "/tasks/{id}/instructions",
    tag = "instructions",
    summary = "The user instructions attached to a task",
    params(super::params::IdPath),
    responses((status = 200, description = "Instructions", body = hourbank_api::InstructionList))
)]
async fn of_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<InstructionList>, ApiError> {
    let scope = caller.scope()?;
    // Not found unless the task is in scope: a client learns nothing of another's tasks.
    let task = store::task(state.db(), scope, id).await?;
    Ok(Json(InstructionList { instructions: instructions(state.db(), scope, Some(task.id)).await?, next_before: None }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    #[param(schema_with = super::params::instruction_search_query)]
    q: Option<String>,
    /// Instructions on a page: 1 to 200, 100 by default.
    #[param(schema_with = super::params::limit_query)]
    limit: Option<i64>,
    /// The page after this instruction: the previous page's `next_before`.
    #[param(schema_with = super::params::before_query)]
    before: Option<i64>,
}

/// Instructions in scope, newest first, a page at a time, with every word of `q` in the title or
/// the text.
#[utoipa::path(
    get,
    path = "/instructions",
    tag = "instructions",
    summary = "Instructions the caller may see, newest first, a page at a time",
    params(SearchQuery),
    responses((status = 200, description = "Instructions; `next_before` names the next page", body = hourbank_api::InstructionList))
)]
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<SearchQuery>,
) -> Result<Json<InstructionList>, ApiError> {
    let page = Page::parse(query.limit, query.before)?;
    let (sql, binds) = instruction_query(caller.scope()?, None);
    let (first, rest) = Page::chunk_queries(&sql, "i.id", binds.len());
    let db = state.db();
    let fetch = |before: Option<i64>, limit: usize| {
        let (first, rest, binds) = (&first, &rest, &binds);
        async move {
            let mut query = sqlx::query(if before.is_some() { rest } else { first });
            for value in binds.iter().copied().chain(before) {
                query = query.bind(value);
            }
            let rows = query.bind(limit as i64).fetch_all(db.pool()).await?;
            rows.iter().map(instruction_from_row).collect::<Result<Vec<_>, crate::Error>>()
        }
    };
    let words = store::SearchWords::new(super::input::search_words("q", query.q)?.as_deref());
    let found = page.collect(words.any(), fetch, |i| i.id, |i| words.found_in(&i.title, &i.markdown)).await?;
    Ok(Json(InstructionList { instructions: found.items, next_before: found.next_before }))
}

#[utoipa::path(
    post,
    path = "/tasks/{id}/instructions",
    tag = "instructions",
    summary = "Attach a user instruction in Markdown (analyst, specialist, admin); the HTML is rendered and sanitized on the server",
    request_body = hourbank_api::instructions::NewInstruction,
    params(super::params::IdPath),
    responses((status = 201, description = "Attached", body = hourbank_api::WrittenInstruction))
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<WrittenInstruction>), ApiError> {
    let scope = caller.scope()?;
    caller.require(&[Role::Analyst, Role::Specialist, Role::Admin])?;
    let task = store::task(state.db(), scope, id).await?;
    let NewInstruction { title, markdown } = request::read(&body)?;
    let instruction_id = instructions::write(&state, &caller, &task, &title, &markdown).await?;
    let created = instructions(state.db(), scope, Some(task.id)).await?.into_iter().find(|i| i.id == instruction_id);
    let created = created.ok_or_else(|| ApiError::internal("created instruction vanished".into()))?;
    Ok((StatusCode::CREATED, Json(WrittenInstruction { instruction: created })))
}
