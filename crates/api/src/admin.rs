//! Staff administration: users, tariffs, the audit log.

use hourbank_domain::{Role, Tariff};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub phone: Option<String>,
    #[serde(default)]
    pub disabled: bool,
}

/// `GET /users`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct UserList {
    pub users: Vec<User>,
}

/// `PUT /users/{id}/disabled`: the user's state now.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct UserDisabled {
    pub id: i64,
    pub disabled: bool,
}

/// `POST /users`: the user just created.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct CreatedUser {
    pub user: User,
}

/// A tariff the company offers: «Старт» built in (no id), the others made by sales.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TariffEntry {
    pub id: Option<i64>,
    pub name: String,
    pub built_in: bool,
    pub terms: Tariff,
    /// Days after acceptance during which a client may claim warranty work.
    pub warranty_days: u32,
}

/// `GET /tariffs`, by name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TariffList {
    pub tariffs: Vec<TariffEntry>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub user_id: Option<i64>,
    /// Who, and which organisation, by name (entries from before names were sent have none).
    #[serde(default)]
    pub user_name: Option<String>,
    pub org_id: Option<i64>,
    #[serde(default)]
    pub org_name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct AuditList {
    pub entries: Vec<AuditEntry>,
    /// More entries follow this page: the next page starts below this id.
    #[serde(default)]
    pub next_before: Option<i64>,
}
