//! Consultations by phone, CRM chat or the mobile app: unlimited and logged (who, when, what, how
//! long). One marked billable counts its duration in the hours of its month, like an accepted task.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use hourbank_domain::workflow::Role;
use hourbank_domain::{parse_date, FieldError, Hours, Period, Problem};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sqlx::any::AnyRow;

use super::extract::Query;
use super::input::Input;
use super::{ApiError, AppState, JsonBody};
use crate::auth::{Caller, OrgScope};

use crate::db::{col, Db};
use crate::store::{self, OrgRecord};

pub fn router() -> Router<AppState> {
    Router::new().route("/consultations", get(list).post(create))
}

/// The channels of the offer: «по телефону, CRM-чате или мобильном приложении».
pub const CHANNELS: [&str; 3] = ["phone", "crm_chat", "mobile_app"];

pub fn channel_ru(channel: &str) -> &'static str {
    match channel {
        "phone" => "Телефон",
        "crm_chat" => "CRM-чат",
        "mobile_app" => "Мобильное приложение",
        _ => "",
    }
}

/// Most hours one consultation may last: one day.
const MAX_DURATION_HOURS: i64 = 24;

/// A logged consultation.
#[derive(Debug, Clone, Serialize)]
pub struct Consultation {
    pub id: i64,
    pub org_id: i64,
    pub specialist_id: i64,
    pub specialist_name: String,
    pub channel: String,
    pub channel_ru: &'static str,
    pub date: NaiveDate,
    pub duration: Hours,
    pub topic: String,
    pub billable: bool,
    pub created_at: String,
}

const COLUMNS: &str =
    "c.id, c.org_id, c.specialist_id, u.name, c.channel, c.date, c.duration, c.topic, c.billable, c.created_at";

impl Consultation {
    fn from_row(r: &AnyRow) -> Result<Consultation, ApiError> {
        let channel: String = col(r, "channel")?;
        let date: String = col(r, "date")?;
        Ok(Consultation {
            id: col(r, "id")?,
            org_id: col(r, "org_id")?,
            specialist_id: col(r, "specialist_id")?,
            specialist_name: col(r, "name")?,
            channel_ru: channel_ru(&channel),
            channel,
            date: parse_date("date", &date).map_err(|e| ApiError::Internal(format!("stored consultation: {e}")))?,
            duration: Hours::from_centi(col(r, "duration")?),
            topic: col(r, "topic")?,
            billable: col::<i64>(r, "billable")? != 0,
            created_at: col(r, "created_at")?,
        })
    }
}

/// Which consultations to read, within the caller's scope.
#[derive(Debug, Default, Clone, Copy)]
pub struct ConsultationFilter {
    pub org_id: Option<i64>,
    /// Dated on or after this day.
    pub from: Option<NaiveDate>,
    /// Dated on or before this day.
    pub to: Option<NaiveDate>,
}

/// Consultations in `scope`, oldest first.
pub async fn consultations(
    db: &Db,
    scope: OrgScope,
    filter: ConsultationFilter,
) -> Result<Vec<Consultation>, ApiError> {
    let (condition, scope_org) = scope.condition("c.org_id", 1);
    let mut sql =
        format!("SELECT {COLUMNS} FROM consultations c JOIN users u ON u.id = c.specialist_id WHERE {condition}");
    let mut next = 1 + usize::from(scope_org.is_some());
    if filter.org_id.is_some() {
        sql += &format!(" AND c.org_id = ${next}");
        next += 1;
    }
    // Dates are 'YYYY-MM-DD' text, so text order is date order on both engines.
    if filter.from.is_some() {
        sql += &format!(" AND c.date >= ${next}");
        next += 1;
    }
    if filter.to.is_some() {
        sql += &format!(" AND c.date <= ${next}");
    }
    sql += " ORDER BY c.date, c.id";
    let mut query = sqlx::query(&sql);
    for org in scope_org.into_iter().chain(filter.org_id) {
        query = query.bind(org);
    }
    for day in filter.from.into_iter().chain(filter.to) {
        query = query.bind(day.to_string());
    }
    query.fetch_all(db.pool()).await?.iter().map(Consultation::from_row).collect()
}

async fn consultation(db: &Db, id: i64) -> Result<Consultation, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM consultations c JOIN users u ON u.id = c.specialist_id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(ApiError::NotFound)?;
    Consultation::from_row(&row)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    org: Option<i64>,
    month: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let scope = caller.scope()?;
    let month = query.month.as_deref().map(|m| Period::parse("month", m)).transpose()?;
    let filter =
        ConsultationFilter { org_id: query.org, from: month.map(Period::first_day), to: month.map(Period::last_day) };
    let found = consultations(state.db(), scope, filter).await?;
    Ok(Json(json!({ "consultations": found })))
}

/// A new consultation, read and checked field by field.
struct NewConsultation {
    org_id: i64,
    channel: &'static str,
    date: NaiveDate,
    duration: Hours,
    topic: String,
    billable: bool,
}

async fn read_new(state: &AppState, scope: OrgScope, body: &Value) -> Result<NewConsultation, ApiError> {
    let mut input = Input::new(body, &["org_id", "channel", "date", "duration", "topic", "billable"])?;
    let org_id = input.optional_id("org_id");
    if org_id.is_none() && input.raw("org_id").is_none() {
        input.push(FieldError::new("org_id", Problem::Missing));
    }
    let channel = input.text("channel", 40).and_then(|given| match CHANNELS.iter().find(|c| **c == given) {
        Some(c) => Some(*c),
        None => {
            input.push(FieldError::new("channel", Problem::UnknownValue { given, expected: CHANNELS.join(", ") }));
            None
        }
    });
    let date = input.date("date");
    let duration = input.hours("duration", Decimal::from(MAX_DURATION_HOURS));
    let topic = input.text("topic", 5_000);
    let billable = match input.raw("billable") {
        Some(Value::Bool(b)) => Some(*b),
        None => {
            input.push(FieldError::new("billable", Problem::Missing));
            None
        }
        Some(_) => {
            input.push(FieldError::new("billable", Problem::WrongType("true or false")));
            None
        }
    };
    let org = match org_id {
        Some(id) => match store::org(state.db(), scope, id).await {
            Ok(org) => Some(org),
            Err(ApiError::NotFound) => {
                input.push(FieldError::new("org_id", Problem::Other("no such organisation".into())));
                None
            }
            Err(other) => return Err(other),
        },
        None => None,
    };
    if let Some(date) = date {
        if date > state.clock().today() {
            input.push(FieldError::new("date", Problem::Other("must not be in the future".into())));
        } else if let Some(org) = &org
            && let Some(problem) = date_problem(state, org, date).await?
        {
            input.push(FieldError::new("date", problem));
        }
    }
    // Consultations are unlimited and the trial bills closed tasks only: none is billable there.
    if billable == Some(true)
        && let (Some(org), Some(date)) = (&org, date)
        && org.contract()?.month_of(Period::of(date)).is_some_and(|m| m.phase == hourbank_domain::Phase::Trial)
    {
        input.push(FieldError::new("billable", Problem::Other("a consultation in the trial is not billed".into())));
    }
    input.finish()?;
    Ok(NewConsultation {
        org_id: org_id.expect("checked"),
        channel: channel.expect("checked"),
        date: date.expect("checked"),
        duration: duration.expect("checked"),
        topic: topic.expect("checked"),
        billable: billable.expect("checked"),
    })
}

/// Why a consultation may not be dated `date` for `org`: a day outside the contract, or in a
/// closed month, would never reach a report (closed months are frozen).
async fn date_problem(state: &AppState, org: &OrgRecord, date: NaiveDate) -> Result<Option<Problem>, ApiError> {
    let contract = org.contract()?;
    let period = Period::of(date);
    if date < contract.start() {
        return Ok(Some(Problem::Before(format!("the contract's start {}", contract.start()))));
    }
    if let Some(last) = contract.last_period().filter(|last| period > *last) {
        return Ok(Some(Problem::PastContractEnd(last.to_string())));
    }
    let closed = sqlx::query("SELECT period FROM closed_months WHERE org_id = $1 AND period >= $2 LIMIT 1")
        .bind(org.id)
        .bind(period.to_string())
        .fetch_optional(state.db().pool())
        .await?;
    Ok(closed.map(|_| Problem::Other(format!("falls in {period}, a closed month"))))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let scope = caller.scope()?;
    caller.require(&[Role::Specialist, Role::Analyst, Role::Admin])?;
    let new = read_new(&state, scope, &body).await?;
    let mut tx = state.db().begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO consultations (org_id, specialist_id, channel, date, duration, topic, billable, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(new.org_id)
    .bind(caller.user_id)
    .bind(new.channel)
    .bind(new.date.to_string())
    .bind(new.duration.centi())
    .bind(&new.topic)
    .bind(i64::from(new.billable))
    .bind(state.clock().now_text())
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = col(&row, "id")?;
    let after = json!({
        "channel": new.channel, "date": new.date, "duration": new.duration, "topic": new.topic, "billable": new.billable,
    });
    store::audit(
        &mut tx,
        store::Audit {
            user_id: Some(caller.user_id),
            org_id: Some(new.org_id),
            action: "create",
            entity: "consultation",
            entity_id: Some(id),
            after: Some(&after),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({ "consultation": consultation(state.db(), id).await? }))))
}
