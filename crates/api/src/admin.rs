//! Staff administration: users, tariffs, the audit log.

use hourbank_domain::{FieldError, Problem, Role, Rule, Tariff};
use serde::{Deserialize, Serialize};

use crate::accounts::{check_new_password, MAX_PASSWORD_CHARS};
use crate::input::Input;
use crate::request::Request;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct UserList {
    pub users: Vec<User>,
}

/// `PUT /users/{id}/disabled`: the user's state now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct UserDisabled {
    pub id: i64,
    pub disabled: bool,
}

/// `POST /users`: the user just created.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct CreatedUser {
    pub user: User,
}

/// A tariff the company offers: «Старт» built in (no id), the others made by sales.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TariffList {
    pub tariffs: Vec<TariffEntry>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct AuditList {
    pub entries: Vec<AuditEntry>,
    /// More entries follow this page: the next page starts below this id.
    #[serde(default)]
    pub next_before: Option<i64>,
}

/// The checks every new user passes, through the API and `hourbank admin create-user` alike: a
/// real e-mail (kept in lower case), a name, a known role, and an organisation exactly for a
/// client. The checked e-mail, name (trimmed) and role, or every problem.
pub fn check_user(
    email: &str,
    name: &str,
    role: &str,
    org_id: Option<i64>,
) -> Result<(String, String, Role), Vec<FieldError>> {
    let mut errors = Vec::new();
    let email = hourbank_domain::contacts::parse_email("email", email).map_err(|e| errors.push(e)).unwrap_or_default();
    if name.trim().is_empty() {
        errors.push(FieldError::new("name", Problem::Missing));
    }
    let role = Role::parse("role", role).map_err(|e| errors.push(e)).ok();
    match (role, org_id) {
        (Some(Role::Client), None) => {
            errors.push(FieldError::new("org_id", Problem::Rule(Rule::ClientWithoutOrganisation)))
        }
        (Some(r), Some(_)) if r != Role::Client => {
            errors.push(FieldError::new("org_id", Problem::Rule(Rule::OrganisationOfStaff)))
        }
        _ => {}
    }
    match role {
        Some(role) if errors.is_empty() => Ok((email, name.trim().to_string(), role)),
        _ => Err(errors),
    }
}

/// `POST /users` (admin): a user with their first password.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewUser {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<200>))]
    pub name: String,
    /// A client's user names its organisation (`org_id`); staff name none.
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<50>))]
    pub phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::new_password))]
    pub password: String,
}

pub struct NewUserDraft {
    pub user: Option<(String, String, Role)>,
    pub org_id: Option<i64>,
    pub phone: Option<String>,
    pub password: Option<String>,
}

impl Request for NewUser {
    const FIELDS: &'static [&'static str] = &["email", "name", "role", "org_id", "phone", "password"];
    type Draft = NewUserDraft;

    fn read(input: &mut Input<'_>) -> NewUserDraft {
        let (email, name, role) = (input.text("email", 254), input.text("name", 200), input.text("role", 20));
        let org_id = input.optional_id("org_id");
        // Shown to the clients it serves, and dialled from there: a phone, or refused.
        let phone = input
            .optional_text("phone", 50)
            .and_then(|phone| hourbank_domain::contacts::parse_phone("phone", &phone).map_err(|e| input.push(e)).ok());
        let password = input
            .secret("password", MAX_PASSWORD_CHARS)
            .filter(|password| check_new_password("password", password).map_err(|e| input.push(e)).is_ok());
        let user = match (email, name, role) {
            (Some(email), Some(name), Some(role)) => match check_user(&email, &name, &role, org_id) {
                Ok(user) => Some(user),
                Err(errors) => {
                    errors.into_iter().for_each(|e| input.push(e));
                    None
                }
            },
            _ => None,
        };
        NewUserDraft { user, org_id, phone, password }
    }

    fn complete(d: NewUserDraft) -> Option<NewUser> {
        let (email, name, role) = d.user?;
        Some(NewUser { email, name, role, org_id: d.org_id, phone: d.phone, password: d.password? })
    }
}

/// Most days a warranty term may run: five years.
pub const MAX_WARRANTY_DAYS: u32 = 1826;
/// The built-in tariff's name, as the offer calls it.
pub const START: &str = "Старт";

/// `POST /tariffs` (sales, admin): a tariff of the company's offer besides «Старт».
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewTariff {
    /// Any but «Старт», the built-in one.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<100>))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = hourbank_domain::openapi::terms))]
    pub terms: Tariff,
    /// Days after acceptance for warranty claims; 30 when not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::count::<MAX_WARRANTY_DAYS>))]
    pub warranty_days: Option<u32>,
}

pub struct NewTariffDraft {
    pub name: Option<String>,
    pub terms: Option<Tariff>,
    pub warranty_days: Option<u32>,
}

/// Read on the server only: the terms' numbers go through the domain's exact reader.
#[cfg(feature = "server")]
impl Request for NewTariff {
    const FIELDS: &'static [&'static str] = &["name", "terms", "warranty_days"];
    type Draft = NewTariffDraft;

    fn read(input: &mut Input<'_>) -> NewTariffDraft {
        let name = input.text("name", 100);
        // Nor one that reads as it does (a Latin «C», a zero-width space): the catalogue is public.
        let start = hourbank_domain::contacts::name_look(START);
        let name = name.filter(|name| {
            let built_in = hourbank_domain::contacts::name_look(name) == start;
            if built_in {
                input.push(FieldError::new("name", Problem::Rule(Rule::BuiltInTariffName)));
            }
            !built_in
        });
        let terms = match input.raw("terms") {
            Some(v) => hourbank_domain::scenario::tariff_from_value(v).map_err(|e| input.push(e.under("terms"))).ok(),
            None => {
                input.push(FieldError::new("terms", Problem::Missing));
                None
            }
        };
        let warranty_days = input.optional_count("warranty_days", MAX_WARRANTY_DAYS);
        NewTariffDraft { name, terms, warranty_days }
    }

    fn complete(d: NewTariffDraft) -> Option<NewTariff> {
        Some(NewTariff { name: d.name?, terms: d.terms?, warranty_days: d.warranty_days })
    }
}
