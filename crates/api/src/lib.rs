//! The bodies of `/api/v1`, one set of types compiled into the server and the portal, so the two
//! cannot drift apart: answers the server writes and the portal reads, requests the portal writes
//! and the server reads ([`request`]: every bad field named at once). Amounts, hours, months and
//! dates are the domain's types: their `Deserialize` checks the API's form on entry, so a body
//! that reads is valid. Fields added after copies of an answer were saved in browsers read with
//! `#[serde(default)]`, so a cached copy from before still opens.

pub mod accounts;
pub mod admin;
pub mod consultations;
pub mod date;
pub mod documents;
pub mod input;
pub mod instructions;
pub mod json;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod orgs;
pub mod problem;
pub mod reports;
pub mod request;
pub mod session;
pub mod tasks;
pub mod write;

pub use admin::{AuditEntry, AuditList, CreatedUser, TariffEntry, TariffList, User, UserDisabled, UserList};
pub use consultations::{Consultation, ConsultationList, LoggedConsultation};
pub use documents::{CompanyContacts, DocumentView, SellerSettings};
pub use instructions::{Instruction, InstructionList, WrittenInstruction};
pub use orgs::{Org, OrgList, Person, VatSetting};
pub use problem::{FieldMessage, Problem};
pub use reports::{MonthEntry, MonthList, Report, ReportOrg, ReportTariff, ReportTask, YearStatements};
pub use request::{Invalid, Request};
pub use session::{Health, Me, SessionEntry, SessionList, SessionState, SignedIn};
pub use tasks::{Event, LoggedWork, Task, TaskDetail, TaskList, Worklog, WorklogList};
pub use write::Write;
