//! Consultations by phone, CRM chat or the mobile app: checking a new one against the
//! organisation's contract and closed months, and logging it.

use chrono::NaiveDate;
use hourbank_api::consultations::NewConsultation;
use hourbank_api::request::Reading;
use hourbank_domain::{FieldError, Period, Problem, Rule};
use serde_json::json;

use crate::app::App;
use crate::auth::{Caller, OrgScope};
use crate::db::Arg;
use crate::store::{self, OrgRecord};
use crate::Error;

pub use hourbank_api::consultations::CHANNELS;

/// A new consultation, checked against the organisation's contract and the calendar: every problem at once.
pub async fn check(app: &App, scope: OrgScope, reading: &mut Reading<'_, NewConsultation>) -> Result<(), Error> {
    let (org_id, date, billable) = (reading.draft.org_id, reading.draft.date, reading.draft.billable);
    let org = match org_id {
        Some(id) => match store::org(app.db(), scope, id).await {
            Ok(org) => Some(org),
            Err(Error::NotFound) => {
                reading.push(FieldError::new("org_id", Problem::Rule(Rule::NoSuchOrganisation)));
                None
            }
            Err(other) => return Err(other),
        },
        None => None,
    };
    if let Some(date) = date {
        if date > app.clock().today() {
            reading.push(FieldError::new("date", Problem::Rule(Rule::InTheFuture)));
        } else if let Some(org) = &org
            && let Some(problem) = date_problem(app, org, date).await?
        {
            reading.push(FieldError::new("date", problem));
        }
    }
    // Consultations are unlimited and the trial bills closed tasks only: none is billable there.
    if billable == Some(true)
        && let (Some(org), Some(date)) = (&org, date)
        && org.contract()?.month_of(Period::of(date)).is_some_and(|m| m.phase == hourbank_domain::Phase::Trial)
    {
        reading.push(FieldError::new("billable", Problem::Rule(Rule::TrialConsultation)));
    }
    Ok(())
}

/// Why a consultation may not be dated `date` for `org`: a day outside the contract, or in a
/// closed month, would never reach a report (closed months are frozen).
async fn date_problem(app: &App, org: &OrgRecord, date: NaiveDate) -> Result<Option<Problem>, Error> {
    let contract = org.contract()?;
    let period = Period::of(date);
    if date < contract.start() {
        return Ok(Some(Problem::Before(format!("the contract's start {}", contract.start()))));
    }
    if let Some(last) = contract.last_period().filter(|last| period > *last) {
        return Ok(Some(Problem::PastContractEnd(last.to_string())));
    }
    let closed = app
        .db()
        .lookup(
            "SELECT period FROM closed_months WHERE org_id = $1 AND period >= $2 LIMIT 1",
            &[Arg::Int(org.id), Arg::Text(&period.to_string())],
        )
        .await?;
    Ok(closed.first().map(|_| Problem::Rule(Rule::ClosedMonth(period))))
}

/// Logs a consultation by `caller` (a specialist, analyst or admin), with its audit row; returns
/// its id.
pub async fn log(app: &App, caller: &Caller, new: &NewConsultation) -> Result<i64, Error> {
    let after = json!({
        "channel": new.channel, "date": new.date, "duration": new.duration, "topic": new.topic, "billable": new.billable,
    });
    // One statement with its audit row (one round trip, the write lock held for it alone).
    let (date, now) = (new.date.to_string(), app.clock().now_text());
    store::insert_audited(
        app.db(),
        "INSERT INTO consultations (org_id, specialist_id, channel, date, duration, topic, billable, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        &[
            Arg::Int(new.org_id),
            Arg::Int(caller.user_id),
            Arg::Text(&new.channel),
            Arg::Text(&date),
            Arg::Int(new.duration.centi()),
            Arg::Text(&new.topic),
            Arg::Int(i64::from(new.billable)),
            Arg::Text(&now),
        ],
        store::Audit {
            user_id: Some(caller.user_id),
            org_id: Some(new.org_id),
            action: "create",
            entity: "consultation",
            after: Some(&after),
            ..Default::default()
        },
    )
    .await?
    .ok_or_else(|| Error::Internal("a new consultation returned no id".into()))
}
