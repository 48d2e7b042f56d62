//! Users (admin only) and the audit log.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use hourbank_domain::workflow::Role;
use hourbank_domain::Problem;
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;
use super::params::{AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT};
use super::{ApiError, AppState, JsonBody};
use crate::auth::Caller;
use crate::db::col;
use crate::services::users::{insert_user, NewUser};
use crate::store;
use hourbank_api::admin::{AuditEntry, AuditList, CreatedUser, UserList};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(audit))
}

pub use hourbank_api::accounts::MIN_PASSWORD_CHARS;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    #[param(schema_with = super::params::role_query)]
    role: Option<String>,
}

/// Every user for admins; for analysts the staff who do the work (specialists and analysts), whom
/// they assign tasks to. `?role=` narrows either.
#[utoipa::path(
    get,
    path = "/users",
    tag = "users",
    summary = "All users (admin); the specialists and analysts, to assign tasks to (analyst)",
    params(ListQuery),
    responses((status = 200, description = "Users", body = hourbank_api::UserList))
)]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Json<UserList>, ApiError> {
    caller.require(&[Role::Admin, Role::Analyst])?;
    let role = query.role.as_deref().map(|r| Role::parse("role", r)).transpose()?;
    let mut users = store::users(state.db()).await?;
    users.retain(|u| {
        let staff_who_work = matches!(u.role, Role::Specialist | Role::Analyst);
        (caller.role == Role::Admin || staff_who_work) && role.is_none_or(|r| u.role == r)
    });
    Ok(Json(UserList { users }))
}

#[utoipa::path(
    post,
    path = "/users",
    tag = "users",
    summary = "Create a user (admin)",
    request_body = hourbank_api::admin::NewUser,
    responses((status = 201, description = "Created", body = hourbank_api::CreatedUser))
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<CreatedUser>), ApiError> {
    caller.require(&[Role::Admin])?;
    let new: hourbank_api::admin::NewUser = hourbank_api::request::read(&body)?;
    let user = NewUser { email: new.email, name: new.name, role: new.role, org_id: new.org_id, phone: new.phone };
    let id = insert_user(&state, &user, &new.password, Some(caller.user_id)).await?;
    let user =
        store::user(state.db(), id).await?.ok_or_else(|| ApiError::internal("a new user is not stored".into()))?;
    Ok((StatusCode::CREATED, Json(CreatedUser { user })))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    #[param(schema_with = super::params::audit_limit_query)]
    limit: Option<i64>,
    /// Only this organisation's entries.
    #[param(schema_with = super::params::org_query)]
    org: Option<i64>,
    /// Only what this user did.
    #[param(schema_with = super::params::user_query)]
    user: Option<i64>,
    /// Only this action (`create`, `accept`, `close`, …).
    #[param(schema_with = super::params::action_query)]
    action: Option<String>,
    /// From this day on (`YYYY-MM-DD`, UTC).
    #[param(schema_with = super::params::from_query)]
    from: Option<String>,
    /// Up to this day (`YYYY-MM-DD`, UTC).
    #[param(schema_with = super::params::to_query)]
    to: Option<String>,
    /// The page after this entry: the `next_before` of the previous page.
    #[param(schema_with = super::params::audit_before_query)]
    before: Option<i64>,
}

/// The audit log, newest first, a page at a time (`limit`, then `before` = the answer's
/// `next_before`), filtered in SQL by organisation, user, action and dates; each entry names its
/// user and organisation.
#[utoipa::path(
    get,
    path = "/audit",
    tag = "users",
    summary = "The audit log, newest first, a page at a time, each entry with its user's and organisation's names (admin)",
    params(AuditQuery),
    responses((status = 200, description = "Entries; `next_before` names the next page", body = hourbank_api::AuditList))
)]
async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditList>, ApiError> {
    caller.require(&[Role::Admin])?;
    let limit = store::Page::limit(q.limit, AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT)? as i64;
    let day = |field: &str, text: &Option<String>| -> Result<Option<String>, ApiError> {
        text.as_deref()
            .map(|d| hourbank_domain::parse_date(field, d).map(|d| d.to_string()))
            .transpose()
            .map_err(ApiError::from)
    };
    let (from, to) = (day("from", &q.from)?, day("to", &q.to)?);
    // Characters, not bytes: the document's `maxLength` counts characters.
    if q.action.as_deref().is_some_and(|a| a.chars().count() > super::input::MAX_ACTION_CHARS) {
        return Err(ApiError::invalid("action", Problem::MaxChars(super::input::MAX_ACTION_CHARS)));
    }
    let mut conditions = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    let mut add = |condition: &str, value: Bind| {
        binds.push(value);
        conditions.push(condition.replace('?', &format!("${}", binds.len())));
    };
    if let Some(org) = q.org {
        add("a.org_id = ?", Bind::Int(org));
    }
    if let Some(user) = q.user {
        add("a.user_id = ?", Bind::Int(user));
    }
    if let Some(action) = q.action {
        add("a.action = ?", Bind::Text(action));
    }
    if let Some(from) = from {
        add("a.at >= ?", Bind::Text(from));
    }
    if let Some(to) = to {
        // The whole day: every instant that starts with it sorts before the next character.
        add("a.at < ?", Bind::Text(format!("{to}~")));
    }
    if let Some(before) = q.before {
        // As every list's cursor: an id, more than 0 (0 answered an empty page).
        if before <= 0 {
            return Err(ApiError::invalid("before", Problem::Rule(hourbank_domain::Rule::GreaterThanZero)));
        }
        add("a.id < ?", Bind::Int(before));
    }
    let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    let sql = format!(
        "SELECT a.id, a.at, a.user_id, a.org_id, a.action, a.entity, a.entity_id, a.before_json, a.after_json, \
         (SELECT u.name FROM users u WHERE u.id = a.user_id) AS user_name, \
         (SELECT o.name FROM orgs o WHERE o.id = a.org_id) AS org_name \
         FROM audit_log a {filter} ORDER BY a.id DESC LIMIT ${}",
        binds.len() + 1
    );
    let mut query = sqlx::query(&sql);
    for bind in binds {
        query = match bind {
            Bind::Int(v) => query.bind(v),
            Bind::Text(v) => query.bind(v),
        };
    }
    let rows = query.bind(limit).fetch_all(state.db().pool()).await?;
    let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str::<Value>(&t).ok());
    let entries = rows
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                id: col(r, "id")?,
                at: col(r, "at")?,
                user_id: col(r, "user_id")?,
                user_name: col(r, "user_name")?,
                org_id: col(r, "org_id")?,
                org_name: col(r, "org_name")?,
                action: col(r, "action")?,
                entity: col(r, "entity")?,
                entity_id: col(r, "entity_id")?,
                before: parse(col(r, "before_json")?),
                after: parse(col(r, "after_json")?),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let next_before = (entries.len() as i64 == limit).then(|| entries.last().map(|e| e.id)).flatten();
    Ok(Json(AuditList { entries, next_before }))
}

enum Bind {
    Int(i64),
    Text(String),
}
