//! Users: creating one (the API, `hourbank admin create-user`, the demo loader).

use hourbank_domain::workflow::Role;
use hourbank_domain::{Problem, Rule};
use serde_json::json;

use crate::app::App;
use crate::auth::{hash_password, OrgScope};
use crate::db::{col, now};
use crate::store;
use crate::Error;

/// A new user, validated.
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub phone: Option<String>,
}

/// The shared checks of a new user (API and `hourbank admin create-user`).
pub fn check_new_user(
    email: &str,
    name: &str,
    role: &str,
    org_id: Option<i64>,
    phone: Option<String>,
) -> Result<NewUser, Error> {
    let (email, name, role) = hourbank_api::admin::check_user(email, name, role, org_id).map_err(Error::Invalid)?;
    Ok(NewUser { email, name, role, org_id, phone })
}

pub async fn insert_user(app: &App, user: &NewUser, password: &str, by: Option<i64>) -> Result<i64, Error> {
    hourbank_api::accounts::check_new_password("password", password).map_err(|e| Error::Invalid(vec![e]))?;
    if let Some(org) = user.org_id {
        store::org(app.db(), OrgScope::All, org).await.map_err(|e| match e {
            Error::NotFound => Error::invalid("org_id", Problem::Rule(Rule::NoSuchOrganisation)),
            other => other,
        })?;
    }
    let password = password.to_string();
    let hash = app.hash_work(move || hash_password(&password)).await?;
    let mut tx = app.db().begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO users (email, name, role, org_id, phone, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&user.email)
    .bind(&user.name)
    .bind(user.role.as_str())
    .bind(user.org_id)
    .bind(&user.phone)
    .bind(hash)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = col(&row, "id")?;
    let after = json!({ "email": user.email, "name": user.name, "role": user.role, "org_id": user.org_id });
    store::audit(
        &mut tx,
        store::Audit {
            user_id: by,
            org_id: user.org_id,
            action: "create",
            entity: "user",
            entity_id: Some(id),
            after: Some(&after),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
