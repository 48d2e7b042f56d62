//! A write the portal makes, typed: which endpoint and its checked body. The portal's outbox
//! stores these (a write made offline waits in the browser), so it stores what the server will
//! read: an entry that no longer reads as a request (a format change, a damaged store) is found
//! when it is loaded and set aside with its reason, never sent as something else.

use hourbank_domain::{Period, Problem, Rule, Transition};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[cfg(feature = "staff")]
use crate::consultations::NewConsultation;
#[cfg(feature = "staff")]
use crate::documents::SellerChange;
#[cfg(feature = "staff")]
use crate::instructions::NewInstruction;
#[cfg(feature = "staff")]
use crate::orgs::BuyerRequisites;
use crate::request::{read, Invalid};
#[cfg(feature = "staff")]
use crate::tasks::{Assignment, LogWork};
use crate::tasks::{NewTask, WarrantyClaim};

/// A write repeated with its `Idempotency-Key` after the server stopped between storing the write
/// and recording its answer: the write is stored (once), its answer is lost.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct AnswerLost {
    pub stored: bool,
    pub answer_lost: bool,
}

/// The staff's writes exist only with the feature `staff` (the staff's build of the portal, and
/// the server): a client's browser never makes one, and their bodies' code would cost the
/// client's download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Parts", try_from = "Parts")]
pub enum Write {
    /// `POST /tasks`
    CreateTask(NewTask),
    /// `POST /tasks/{id}/transitions`
    Transition { task: i64, step: Transition },
    /// `POST /tasks/{id}/warranty`
    ClaimWarranty { task: i64, claim: WarrantyClaim },
    /// `DELETE /me/sessions/{id}`: one of one's own sessions ended (`id`: 16 hex digits).
    EndSession { id: String },
    /// `POST /reports/{YYYY-MM}/close`, with `?org=` for staff.
    CloseMonth { period: Period, org: Option<i64> },
    /// `PUT /tasks/{id}/assignee`
    #[cfg(feature = "staff")]
    Assign { task: i64, assignment: Assignment },
    /// `POST /tasks/{id}/worklogs`
    #[cfg(feature = "staff")]
    LogWork { task: i64, work: LogWork },
    /// `POST /tasks/{id}/instructions`
    #[cfg(feature = "staff")]
    WriteInstruction { task: i64, instruction: NewInstruction },
    /// `POST /consultations`
    #[cfg(feature = "staff")]
    LogConsultation(NewConsultation),
    /// `POST /tariffs` (admins). One of the two bodies kept as JSON: the server reads a tariff's
    /// terms with the domain's scenario reader, whose exact numbers the browser's JSON does not
    /// keep; here it is only checked to be an object with a name.
    #[cfg(feature = "staff")]
    CreateTariff(Value),
    /// `DELETE /tariffs/{id}` (sales, admins): off the public catalogue.
    #[cfg(feature = "staff")]
    RemoveTariff { id: i64 },
    /// `POST /orgs` (admins): kept as JSON for the same reason (its tariff's terms).
    #[cfg(feature = "staff")]
    CreateOrg(Value),
    /// `PUT /orgs/{id}/requisites` (admins)
    #[cfg(feature = "staff")]
    SetRequisites { org: i64, requisites: BuyerRequisites },
    /// `PUT /settings/seller` (admins)
    #[cfg(feature = "staff")]
    SetSeller(SellerChange),
}

/// A write as it goes over HTTP (and as the outbox stores it): method, path below `/api/v1`,
/// and the JSON body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parts {
    pub method: String,
    pub path: String,
    pub body: Value,
}

impl Write {
    pub fn method(&self) -> &'static str {
        match self {
            Write::EndSession { .. } => "DELETE",
            #[cfg(feature = "staff")]
            Write::RemoveTariff { .. } => "DELETE",
            #[cfg(feature = "staff")]
            Write::Assign { .. } | Write::SetRequisites { .. } | Write::SetSeller(_) => "PUT",
            _ => "POST",
        }
    }

    /// The path below `/api/v1`.
    pub fn path(&self) -> String {
        match self {
            Write::CreateTask(_) => "/tasks".into(),
            Write::Transition { task, .. } => format!("/tasks/{task}/transitions"),
            Write::ClaimWarranty { task, .. } => format!("/tasks/{task}/warranty"),
            Write::EndSession { id } => format!("/me/sessions/{id}"),
            Write::CloseMonth { period, org: None } => format!("/reports/{period}/close"),
            Write::CloseMonth { period, org: Some(org) } => format!("/reports/{period}/close?org={org}"),
            #[cfg(feature = "staff")]
            Write::Assign { task, .. } => format!("/tasks/{task}/assignee"),
            #[cfg(feature = "staff")]
            Write::LogWork { task, .. } => format!("/tasks/{task}/worklogs"),
            #[cfg(feature = "staff")]
            Write::WriteInstruction { task, .. } => format!("/tasks/{task}/instructions"),
            #[cfg(feature = "staff")]
            Write::LogConsultation(_) => "/consultations".into(),
            #[cfg(feature = "staff")]
            Write::CreateTariff(_) => "/tariffs".into(),
            #[cfg(feature = "staff")]
            Write::RemoveTariff { id } => format!("/tariffs/{id}"),
            #[cfg(feature = "staff")]
            Write::CreateOrg(_) => "/orgs".into(),
            #[cfg(feature = "staff")]
            Write::SetRequisites { org, .. } => format!("/orgs/{org}/requisites"),
            #[cfg(feature = "staff")]
            Write::SetSeller(_) => "/settings/seller".into(),
        }
    }

    /// The task the write is about, if any (the task's page shows its pending writes).
    pub fn task(&self) -> Option<i64> {
        match self {
            Write::Transition { task, .. } | Write::ClaimWarranty { task, .. } => Some(*task),
            #[cfg(feature = "staff")]
            Write::Assign { task, .. } | Write::LogWork { task, .. } | Write::WriteInstruction { task, .. } => {
                Some(*task)
            }
            _ => None,
        }
    }

    pub fn body(&self) -> Value {
        let value = match self {
            Write::CreateTask(b) => serde_json::to_value(b),
            Write::Transition { step, .. } => serde_json::to_value(step),
            Write::ClaimWarranty { claim, .. } => serde_json::to_value(claim),
            Write::EndSession { .. } | Write::CloseMonth { .. } => Ok(Value::Object(serde_json::Map::new())),
            #[cfg(feature = "staff")]
            Write::RemoveTariff { .. } => Ok(Value::Object(serde_json::Map::new())),
            #[cfg(feature = "staff")]
            Write::Assign { assignment, .. } => serde_json::to_value(assignment),
            #[cfg(feature = "staff")]
            Write::LogWork { work, .. } => serde_json::to_value(work),
            #[cfg(feature = "staff")]
            Write::WriteInstruction { instruction, .. } => serde_json::to_value(instruction),
            #[cfg(feature = "staff")]
            Write::LogConsultation(b) => serde_json::to_value(b),
            #[cfg(feature = "staff")]
            Write::CreateTariff(b) | Write::CreateOrg(b) => Ok(b.clone()),
            #[cfg(feature = "staff")]
            Write::SetRequisites { requisites, .. } => serde_json::to_value(requisites),
            #[cfg(feature = "staff")]
            Write::SetSeller(b) => serde_json::to_value(b),
        };
        value.expect("a request serializes")
    }

    /// Reads a write back from its endpoint and body, with the checks the server makes of the
    /// body itself: an unknown endpoint is an error on `path`, a bad body names its fields.
    pub fn from_parts(method: &str, path: &str, body: &Value) -> Result<Write, Invalid> {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let task = |id: &str| id.parse::<i64>().ok().filter(|id| *id > 0);
        let unknown = || Invalid::one("path", Problem::Rule(UNKNOWN));
        match (method, segments.as_slice()) {
            ("POST", ["reports", period, "close"]) => {
                let period = Period::parse("path", period)?;
                let org = match query.strip_prefix("org=") {
                    None if query.is_empty() => None,
                    Some(org) => Some(task(org).ok_or_else(unknown)?),
                    None => return Err(unknown()),
                };
                Ok(Write::CloseMonth { period, org })
            }
            #[cfg(feature = "staff")]
            ("PUT", ["settings", "seller"]) => Ok(Write::SetSeller(read(body)?)),
            #[cfg(feature = "staff")]
            ("PUT", ["orgs", id, "requisites"]) => {
                Ok(Write::SetRequisites { org: task(id).ok_or_else(unknown)?, requisites: read(body)? })
            }
            #[cfg(feature = "staff")]
            ("POST", ["orgs"]) if body.get("name").is_some_and(Value::is_string) => Ok(Write::CreateOrg(body.clone())),
            #[cfg(feature = "staff")]
            ("POST", ["orgs"]) => Err(Invalid::one("name", Problem::Missing)),
            ("POST", ["tasks"]) => Ok(Write::CreateTask(read(body)?)),
            #[cfg(feature = "staff")]
            ("POST", ["consultations"]) => Ok(Write::LogConsultation(read(body)?)),
            ("DELETE", ["me", "sessions", id]) if id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()) => {
                Ok(Write::EndSession { id: id.to_string() })
            }
            #[cfg(feature = "staff")]
            ("POST", ["tariffs"]) if body.get("name").is_some_and(Value::is_string) => {
                Ok(Write::CreateTariff(body.clone()))
            }
            #[cfg(feature = "staff")]
            ("POST", ["tariffs"]) => Err(Invalid::one("name", Problem::Missing)),
            #[cfg(feature = "staff")]
            ("DELETE", ["tariffs", id]) => Ok(Write::RemoveTariff { id: task(id).ok_or_else(unknown)? }),
            (method, ["tasks", id, what]) => {
                let task = task(id).ok_or_else(unknown)?;
                match (method, *what) {
                    ("POST", "transitions") => Ok(Write::Transition { task, step: read(body)? }),
                    #[cfg(feature = "staff")]
                    ("PUT", "assignee") => Ok(Write::Assign { task, assignment: read(body)? }),
                    ("POST", "warranty") => Ok(Write::ClaimWarranty { task, claim: read(body)? }),
                    #[cfg(feature = "staff")]
                    ("POST", "worklogs") => Ok(Write::LogWork { task, work: read(body)? }),
                    #[cfg(feature = "staff")]
                    ("POST", "instructions") => Ok(Write::WriteInstruction { task, instruction: read(body)? }),
                    _ => Err(unknown()),
                }
            }
            _ => Err(unknown()),
        }
    }
}

/// An endpoint the portal does not write to: its path is what is wrong.
const UNKNOWN: Rule = Rule::Malformed;

impl From<Write> for Parts {
    fn from(write: Write) -> Parts {
        Parts { method: write.method().into(), path: write.path(), body: write.body() }
    }
}

impl TryFrom<Parts> for Write {
    type Error = String;

    fn try_from(parts: Parts) -> Result<Write, String> {
        Write::from_parts(&parts.method, &parts.path, &parts.body).map_err(|invalid| {
            let fields: Vec<String> = invalid.0.iter().map(|e| format!("{}: {}", e.field, e.problem)).collect();
            format!("{} {}: {}", parts.method, parts.path, fields.join("; "))
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use hourbank_domain::Hours;

    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
    }

    /// The writes a client's browser makes.
    fn clients_writes() -> Vec<Write> {
        vec![
            Write::CreateTask(NewTask {
                title: "Отчёт".into(), description: "Нужен".into(), org_id: Some(3)
            }),
            Write::Transition {
                task: 12,
                step: Transition::Estimate {
                    specification: "ТЗ".into(),
                    estimate: Hours::from_centi(4_50),
                    deadline: day(),
                },
            },
            Write::Transition { task: 12, step: Transition::Accept },
            Write::Transition { task: 12, step: Transition::Cancel { comment: "Не нужно".into() } },
            Write::ClaimWarranty {
                task: 9, claim: WarrantyClaim { title: None, description: "Не печатается".into() }
            },
            Write::EndSession { id: "0123456789abcdef".into() },
            Write::CloseMonth { period: Period::new(2026, 10).unwrap(), org: None },
            Write::CloseMonth { period: Period::new(2026, 10).unwrap(), org: Some(4) },
        ]
    }

    /// The writes only staff make.
    #[cfg(feature = "staff")]
    fn staffs_writes() -> Vec<Write> {
        vec![
            Write::Assign { task: 7, assignment: Assignment { user_id: None } },
            Write::Assign { task: 7, assignment: Assignment { user_id: Some(4) } },
            Write::LogWork {
                task: 9,
                work: LogWork {
                    date: day(), hours: Hours::from_centi(2_25), description: "Разработка".into()
                },
            },
            Write::WriteInstruction {
                task: 9,
                instruction: NewInstruction {
                    title: "Как выгрузить".into(), markdown: "  1. Откройте".into()
                },
            },
            Write::LogConsultation(NewConsultation {
                org_id: 1,
                channel: "crm_chat".into(),
                date: day(),
                duration: Hours::from_centi(75),
                topic: "Права".into(),
                billable: true,
            }),
            Write::CreateTariff(
                serde_json::json!({"name": "Свой", "terms": {"monthly_fee": "1000.00", "trial_months": 0}}),
            ),
            Write::RemoveTariff { id: 5 },
            Write::CreateOrg(
                serde_json::json!({"name": "ООО «Ромашка»", "inn": "7707083893", "contract_start": "2026-11-01"}),
            ),
            Write::SetRequisites {
                org: 3,
                requisites: BuyerRequisites {
                    kpp: Some("770701001".into()), address: "Москва, Лесная, 5".into()
                },
            },
            Write::SetSeller(
                read(&serde_json::json!({"name": "ООО «Часовой банк»", "inn": "7707083893", "kpp": "770701001",
                    "address": "Москва, Тверская, 1", "bank_name": "ПАО Сбербанк", "bik": "044525225",
                    "account": "40702810938000012345", "corr_account": "30101810400000000225",
                    "phone": "+7 495 123-45-67", "email": "sales@hourbank.test"}))
                .unwrap(),
            ),
        ]
    }

    #[test]
    fn every_write_reads_back_from_its_endpoint_and_body() {
        #[cfg(feature = "staff")]
        let staffs = staffs_writes();
        #[cfg(not(feature = "staff"))]
        let staffs = Vec::new();
        for write in clients_writes().into_iter().chain(staffs) {
            let stored = serde_json::to_string(&write).unwrap();
            assert_eq!(serde_json::from_str::<Write>(&stored).unwrap(), write, "{stored}");
            assert_eq!(Write::from_parts(write.method(), &write.path(), &write.body()).unwrap(), write);
        }
    }

    /// A client's build does not read the staff's writes (nor carry their bodies' code).
    #[cfg(not(feature = "staff"))]
    #[test]
    fn a_clients_build_reads_no_staff_write() {
        let body = serde_json::json!({"name": "x", "user_id": 4, "date": "2026-11-20", "hours": "1",
            "description": "d", "title": "t", "markdown": "m", "address": "a", "org_id": 1});
        for (method, path) in [
            ("PUT", "/tasks/7/assignee"),
            ("POST", "/tasks/7/worklogs"),
            ("POST", "/tasks/7/instructions"),
            ("POST", "/consultations"),
            ("POST", "/tariffs"),
            ("POST", "/orgs"),
            ("PUT", "/orgs/3/requisites"),
            ("PUT", "/settings/seller"),
        ] {
            let error = Write::from_parts(method, path, &body).unwrap_err();
            assert_eq!(error.0[0].field, "path", "{method} {path}");
        }
    }

    #[test]
    fn a_write_that_no_longer_reads_says_why() {
        let bad_body = r#"{"method":"POST","path":"/tasks/3/warranty","body":{"title":"Снова","description":"  "}}"#;
        let reason = serde_json::from_str::<Write>(bad_body).unwrap_err().to_string();
        assert!(reason.contains("POST /tasks/3/warranty") && reason.contains("description"), "{reason}");
        for (method, path) in [
            ("DELETE", "/tasks"),
            ("POST", "/tasks/x/worklogs"),
            ("POST", "/tasks/0/worklogs"),
            ("GET", "/tasks/3/transitions"),
            ("POST", "/reports/2026-13/close"),
            ("DELETE", "/me/sessions/xyz"),
            ("POST", "/reports/2026-11/close?org=x"),
            ("POST", "/reports/2026-11/close?who=3"),
            ("PUT", "/orgs/0/requisites"),
        ] {
            let error = Write::from_parts(method, path, &serde_json::json!({})).unwrap_err();
            assert_eq!(error.0[0].field, "path", "{method} {path}");
        }
    }
}
