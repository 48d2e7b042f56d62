//! Organisations: creating one (the API, `hourbank admin create-org`, the demo loader), and how
//! one is shown with its dedicated analyst.

use hourbank_api::orgs::{Org, Person};
use hourbank_api::session::Me;
use hourbank_domain::workflow::Role;
use hourbank_domain::{Problem, Rule};
use serde_json::{json, Value};

use crate::app::App;
use crate::auth::Caller;
use crate::store::{self, NewOrg, OrgRecord};
use crate::Error;

/// The organisation with its dedicated analyst's contacts.
pub async fn org_view(app: &App, org: &OrgRecord) -> Result<Org, Error> {
    let analyst = match org.analyst_id {
        Some(id) => {
            store::user(app.db(), id).await?.map(|u| Person { id: u.id, name: u.name, email: u.email, phone: u.phone })
        }
        None => None,
    };
    Ok(Org {
        id: org.id,
        name: org.name.clone(),
        inn: org.inn.clone(),
        tariff_name: org.tariff_name.clone(),
        tariff: org.tariff.clone(),
        contract_start: org.contract_start,
        contract_end: org.contract_end,
        vat: org.vat.into(),
        analyst_id: org.analyst_id,
        analyst,
        warranty_days: org.warranty_days,
        kpp: org.kpp.clone(),
        address: org.address.clone(),
    })
}

/// The caller, with the organisation and its dedicated analyst (`GET /me`, `GET /session`).
pub async fn me_view(app: &App, caller: &Caller) -> Result<Me, Error> {
    let org = match caller.org_id {
        Some(id) => Some(org_view(app, &store::org(app.db(), caller.scope()?, id).await?).await?),
        None => None,
    };
    Ok(Me { id: caller.user_id, email: caller.email.clone(), name: caller.name.clone(), role: caller.role, org })
}

/// Reads and validates a new organisation (shared with `hourbank admin create-org`).
pub fn read_new_org(body: &Value) -> Result<NewOrg, Error> {
    let new: hourbank_api::orgs::NewOrg = hourbank_api::request::read(body)?;
    let contract = new.contract()?;
    Ok(NewOrg {
        name: new.name,
        inn: new.inn,
        tariff_name: new.tariff_name,
        tariff: new.tariff,
        contract,
        vat: new.vat,
        analyst_id: new.analyst_id,
        warranty_days: new.warranty_days,
    })
}

/// Creates an organisation in the database, checking its analyst, with an audit record.
pub async fn insert_new_org(app: &App, org: &NewOrg, by: Option<i64>) -> Result<i64, Error> {
    if let Some(analyst) = org.analyst_id {
        let is_analyst = store::user(app.db(), analyst).await?.is_some_and(|u| u.role == Role::Analyst);
        if !is_analyst {
            return Err(Error::invalid("analyst_id", Problem::Rule(Rule::NotAnAnalyst)));
        }
    }
    let mut tx = app.db().begin_write().await?;
    let id = store::insert_org(&mut *tx, org, &crate::db::now()).await?;
    let after = json!({ "name": org.name, "inn": org.inn, "tariff": org.tariff, "contract_start": org.contract.start().to_string() });
    store::audit(
        &mut tx,
        store::Audit {
            user_id: by,
            org_id: Some(id),
            action: "create",
            entity: "org",
            entity_id: Some(id),
            after: Some(&after),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
