//! What the API answers, as the portal reads it. Amounts and hours stay the API's exact decimal
//! strings until the domain parses them (`Money::parse`, `Hours::parse_month`): never floats.

use std::collections::BTreeMap;

use hourbank_domain::{Hours, Money, MonthStatement, Period, Phase, Role, Tariff, TaskState};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org: Option<Org>,
}

/// `GET /session`: who is signed in, if anyone (never a 401).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SessionState {
    pub user: Option<Me>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Terms {
    pub monthly_fee: String,
    pub included_hours: String,
    pub overage_rate: String,
    pub reserve_cap: String,
    pub trial_months: u32,
    pub trial_rate: String,
}

impl Terms {
    /// The domain's tariff from the stored terms; a damaged value names its field.
    pub fn tariff(&self) -> Result<Tariff, hourbank_domain::FieldError> {
        let mut tariff = Tariff::start();
        tariff.set_field("monthly_fee", &self.monthly_fee)?;
        tariff.set_field("included_hours", &self.included_hours)?;
        tariff.set_field("overage_rate", &self.overage_rate)?;
        tariff.set_field("reserve_cap", &self.reserve_cap)?;
        tariff.set_field("trial_months", &self.trial_months.to_string())?;
        tariff.set_field("trial_rate", &self.trial_rate)?;
        Ok(tariff)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct VatSetting {
    pub mode: String,
    pub rate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Org {
    pub id: i64,
    pub name: String,
    pub inn: String,
    pub tariff_name: String,
    pub tariff: Terms,
    pub contract_start: String,
    pub contract_end: Option<String>,
    pub vat: VatSetting,
    pub analyst: Option<Person>,
    /// The buyer's requisites on the act and the invoice (copies saved before them have none).
    #[serde(default)]
    pub kpp: Option<String>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub warranty_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct OrgList {
    pub orgs: Vec<Org>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Task {
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    pub description: String,
    pub state: TaskState,
    pub specification: Option<String>,
    pub estimate: Option<String>,
    pub approved_estimate: Option<String>,
    pub deadline: Option<String>,
    pub logged: String,
    pub created_at: String,
    pub accepted_at: Option<String>,
    /// The month whose report bills it.
    pub accepted_period: Option<String>,
    /// Approved work cancelled, and the month that bills it (saved copies from before have none).
    #[serde(default)]
    pub cancelled_at: Option<String>,
    #[serde(default)]
    pub cancelled_period: Option<String>,
    /// The closed month it was settled in, when a later month bills it.
    #[serde(default)]
    pub late_from: Option<String>,
    /// A warranty claim on this accepted task (bills 0 h).
    #[serde(default)]
    pub warranty_of: Option<i64>,
    /// The last day of the warranty on an accepted task.
    #[serde(default)]
    pub warranty_until: Option<String>,
    /// Who works on it (saved copies from before assignments existed have neither).
    #[serde(default)]
    pub assignee_id: Option<i64>,
    #[serde(default)]
    pub assignee_name: Option<String>,
}

impl Task {
    /// The approved estimate in hours, when there is one the API wrote correctly.
    pub fn approved_hours(&self) -> Option<Hours> {
        self.approved_estimate.as_deref().and_then(|h| Hours::parse_month("approved_estimate", h).ok())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TaskList {
    pub tasks: Vec<Task>,
    /// More tasks follow this page: the next page starts below this id.
    #[serde(default)]
    pub next_before: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Event {
    pub action: String,
    pub at: String,
    pub comment: Option<String>,
    pub from_state: Option<TaskState>,
    pub to_state: TaskState,
    pub user_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Worklog {
    pub id: i64,
    pub task_id: i64,
    pub user_name: String,
    pub date: String,
    pub hours: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TaskDetail {
    pub task: Task,
    pub events: Vec<Event>,
    pub worklogs: Vec<Worklog>,
    pub allowed_actions: Vec<String>,
    pub can_log_work: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Instruction {
    pub id: i64,
    #[serde(default)]
    pub task_id: Option<i64>,
    #[serde(default)]
    pub task_title: Option<String>,
    pub title: String,
    /// Sanitised on the server (ammonia); the only HTML the portal inserts.
    pub html: String,
    pub author_name: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct InstructionList {
    pub instructions: Vec<Instruction>,
    #[serde(default)]
    pub next_before: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Consultation {
    pub id: i64,
    #[serde(default)]
    pub org_id: Option<i64>,
    pub channel: String,
    pub channel_ru: String,
    pub date: String,
    pub duration: String,
    pub topic: String,
    pub specialist_name: String,
    pub billable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ConsultationList {
    pub consultations: Vec<Consultation>,
    #[serde(default)]
    pub next_before: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct MonthEntry {
    pub period: String,
    pub period_ru: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct MonthList {
    pub months: Vec<MonthEntry>,
}

/// A statement row as the server wrote it (the domain's `MonthStatement`, serialised).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct StatementRow {
    pub period: String,
    pub phase: String,
    pub hours: String,
    pub fee: String,
    pub included_used: String,
    pub reserve_start: String,
    pub reserve_used: String,
    pub reserve_end: String,
    pub reserve_forfeited: String,
    pub extra_hours: String,
    pub extra_rate: String,
    pub extra_charge: String,
    pub total: String,
    pub vat: String,
    pub total_with_vat: String,
    pub contract_ends: bool,
}

impl StatementRow {
    /// The domain's row, so the portal explains and totals it with the same code as the
    /// calculator and the server; a damaged value names its field.
    pub fn to_domain(&self) -> Result<MonthStatement, hourbank_domain::FieldError> {
        let h = |field: &str, text: &str| hours(&format!("statement.{field}"), text);
        let m = |field: &str, text: &str| money(&format!("statement.{field}"), text);
        let phase = match self.phase.as_str() {
            "trial" => Phase::Trial,
            "subscription" => Phase::Subscription,
            other => {
                return Err(hourbank_domain::FieldError::new(
                    "statement.phase",
                    hourbank_domain::Problem::UnknownValue {
                        given: other.into(),
                        expected: "trial, subscription".into(),
                    },
                ));
            }
        };
        Ok(MonthStatement {
            period: Period::parse("statement.period", &self.period)?,
            phase,
            hours: h("hours", &self.hours)?,
            fee: m("fee", &self.fee)?,
            included_used: h("included_used", &self.included_used)?,
            reserve_start: h("reserve_start", &self.reserve_start)?,
            reserve_used: h("reserve_used", &self.reserve_used)?,
            reserve_end: h("reserve_end", &self.reserve_end)?,
            reserve_forfeited: h("reserve_forfeited", &self.reserve_forfeited)?,
            extra_hours: h("extra_hours", &self.extra_hours)?,
            extra_rate: m("extra_rate", &self.extra_rate)?,
            extra_charge: m("extra_charge", &self.extra_charge)?,
            total: m("total", &self.total)?,
            vat: m("vat", &self.vat)?,
            total_with_vat: m("total_with_vat", &self.total_with_vat)?,
            contract_ends: self.contract_ends,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReportTask {
    pub id: i64,
    pub title: String,
    /// None for approved work that was cancelled (see `cancelled_at`).
    pub accepted_at: Option<String>,
    pub logged: String,
    pub approved_estimate: Option<String>,
    pub billed: String,
    pub worklogs: Vec<Worklog>,
    /// `accepted`, or `cancelled_approved` (entries frozen before this field read as accepted).
    #[serde(default)]
    pub settlement: Option<String>,
    #[serde(default)]
    pub cancelled_at: Option<String>,
    /// The closed month it was settled in, when this later month bills it.
    #[serde(default)]
    pub late_from: Option<String>,
    /// Warranty work on this accepted task: its hours are listed, billed 0 h.
    #[serde(default)]
    pub warranty_of: Option<i64>,
}

/// A month's act or invoice as the server issues it (`/reports/{period}/documents/{kind}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct DocumentView {
    pub title: String,
    pub document: DocumentBody,
    pub text_lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct DocumentBody {
    /// `act` or `invoice`.
    pub kind: String,
    pub number: Option<u32>,
    pub date: String,
    pub period: String,
    pub preliminary: bool,
    pub seller: hourbank_domain::documents::Party,
    pub buyer: hourbank_domain::documents::Party,
    pub lines: Vec<DocumentLine>,
    pub totals: Vec<DocumentTotal>,
    pub to_pay: String,
    pub to_pay_in_words: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct DocumentLine {
    pub name: String,
    pub quantity: String,
    pub unit: String,
    pub price: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct DocumentTotal {
    pub label: String,
    pub amount: Option<String>,
}

/// The seller's requisites (`/settings/seller`); none until an admin sets them. With them, the
/// company's contacts for prospects (the calculator's «Оставить заявку»).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SellerSettings {
    pub seller: Option<hourbank_domain::documents::Party>,
    #[serde(default)]
    pub contacts: hourbank_domain::contacts::Contacts,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReportOrg {
    pub id: i64,
    pub name: String,
    pub inn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ReportTariff {
    pub name: String,
    pub terms: Terms,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Report {
    pub org: ReportOrg,
    pub period: String,
    pub period_ru: String,
    pub status: String,
    pub closed_at: Option<String>,
    pub tasks: Vec<ReportTask>,
    pub consultations: Vec<Consultation>,
    /// None before the contract starts or after it ends.
    pub statement: Option<StatementRow>,
    pub tariff: ReportTariff,
}

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

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct UserList {
    pub users: Vec<User>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TariffEntry {
    pub id: Option<i64>,
    pub name: String,
    pub built_in: bool,
    pub terms: Terms,
}

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
}

/// A field-level message of a 422.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
    #[serde(default)]
    pub message_ru: Option<String>,
}

/// The API's `application/problem+json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Problem {
    pub status: u16,
    pub title: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub errors: Vec<FieldMessage>,
}

impl Problem {
    /// Field messages by field, Russian when the server gave one.
    pub fn by_field(&self, russian: bool) -> BTreeMap<String, String> {
        self.errors
            .iter()
            .map(|e| {
                let text = match (&e.message_ru, russian) {
                    (Some(ru), true) => ru.clone(),
                    _ => e.message.clone(),
                };
                (e.field.clone(), text)
            })
            .collect()
    }
}

impl Problem {
    /// One line for the user: the field messages when there are any (Russian when the server
    /// gave them), else a plain sentence for the status, with the server's detail where it says
    /// more than the status does.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        if !self.errors.is_empty() {
            let fields = self.by_field(lang == Lang::Ru);
            return fields.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; ");
        }
        let plain = match self.status {
            403 => lang.pick("Недостаточно прав для этого действия.", "You are not allowed to do this."),
            404 => lang.pick("Не найдено (или нет доступа).", "Not found (or not yours to see)."),
            409 => lang.pick("Сейчас это действие недоступно", "This cannot be done now"),
            413 => lang.pick("Слишком большой объём данных.", "Too much data."),
            429 => lang.pick("Слишком много попыток; попробуйте позже.", "Too many attempts; try again later."),
            500..=599 => lang.pick("Ошибка на сервере; попробуйте позже.", "A server error; try again later."),
            _ => "",
        };
        match (plain, self.status) {
            ("", _) if self.detail.is_empty() => self.title.clone(),
            ("", _) => self.detail.clone(),
            // The detail of a conflict says why ("close 2026-10 first").
            (plain, 409) if !self.detail.is_empty() => format!("{plain}: {}", self.detail),
            (plain, _) => plain.to_string(),
        }
    }
}

/// Parses an amount the API wrote.
pub fn money(field: &str, text: &str) -> Result<Money, hourbank_domain::FieldError> {
    Money::parse(field, text)
}

/// Parses hours the API wrote.
pub fn hours(field: &str, text: &str) -> Result<Hours, hourbank_domain::FieldError> {
    Hours::parse_month(field, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shapes taken from the running server's demo data (`GET /me`, `/tasks/{id}`, `/reports/{p}`).
    #[test]
    fn reads_what_the_server_writes() {
        let me: Me = serde_json::from_str(r#"{"email":"buh@romashka.demo","id":7,"name":"Елена Васильева","org":{"analyst":{"email":"anna@hourbank.demo","id":2,"name":"Анна Смирнова","phone":"+7 900 100-20-30"},"analyst_id":2,"contract_end":null,"contract_start":"2025-11-01","id":1,"inn":"7707083893","name":"ООО «Ромашка»","tariff":{"included_hours":"10","monthly_fee":"20000.00","overage_rate":"2000.00","reserve_cap":"10","trial_months":2,"trial_rate":"2000.00"},"tariff_name":"Старт","vat":{"mode":"none","rate":null}},"role":"client","role_ru":"Клиент"}"#).unwrap();
        assert_eq!(me.role, Role::Client);
        let org = me.org.unwrap();
        assert_eq!(org.tariff.tariff().unwrap(), Tariff::start());
        assert_eq!(org.analyst.unwrap().phone.as_deref(), Some("+7 900 100-20-30"));

        let detail: TaskDetail = serde_json::from_str(r#"{"allowed_actions":["accept","return"],"can_log_work":false,"events":[{"action":"estimate","at":"2026-11-09T12:00:00.000Z","comment":null,"from_state":"new","to_state":"estimated","user_id":2,"user_name":"Анна Смирнова"}],"state_ru":"На тестировании","task":{"accepted_at":null,"accepted_period":null,"approved_estimate":"4.5","created_at":"2026-11-09T09:00:00.000Z","created_by":7,"deadline":"2026-11-23","description":"d","estimate":"4.5","id":37,"logged":"3.5","org_id":1,"specification":"ТЗ","state":"testing","title":"t","updated_at":"2026-11-09T17:00:00.000Z"},"worklogs":[{"date":"2026-11-10","description":"Анализ","hours":"2.25","id":74,"task_id":37,"user_id":2,"user_name":"Анна Смирнова"}]}"#).unwrap();
        assert_eq!(detail.task.state, TaskState::Testing);
        assert_eq!(detail.task.approved_hours(), Some(Hours::from_centi(4_50)));
        // A copy saved before tasks had assignees reads as unassigned; a current one names them.
        assert_eq!((detail.task.assignee_id, detail.task.assignee_name.as_deref()), (None, None));
        let assigned: Task = serde_json::from_str(r#"{"accepted_at":null,"accepted_period":null,"approved_estimate":null,"assignee_id":4,"assignee_name":"Иван Петров","created_at":"2026-11-09T09:00:00.000Z","created_by":7,"deadline":null,"description":"d","estimate":null,"id":38,"logged":"0","org_id":1,"specification":null,"state":"new","title":"t","updated_at":"2026-11-09T09:00:00.000Z"}"#).unwrap();
        assert_eq!((assigned.assignee_id, assigned.assignee_name.as_deref()), (Some(4), Some("Иван Петров")));

        let problem: Problem = serde_json::from_str(r#"{"type":"about:blank","title":"Invalid input","status":422,"detail":"title: is required","errors":[{"field":"title","message":"is required","message_ru":"обязательное поле"}]}"#).unwrap();
        assert_eq!(problem.by_field(true)["title"], "обязательное поле");
        assert_eq!(problem.by_field(false)["title"], "is required");
        assert_eq!(problem.message(crate::i18n::Lang::Ru), "title: обязательное поле");
        let not_found = Problem { status: 404, title: "Not found".into(), detail: "not found".into(), errors: vec![] };
        assert_eq!(not_found.message(crate::i18n::Lang::Ru), "Не найдено (или нет доступа).");
        let conflict =
            Problem { status: 409, title: "Conflict".into(), detail: "close 2026-10 first".into(), errors: vec![] };
        assert_eq!(conflict.message(crate::i18n::Lang::En), "This cannot be done now: close 2026-10 first");
        let teapot = Problem { status: 418, title: "Teapot".into(), detail: String::new(), errors: vec![] };
        assert_eq!(teapot.message(crate::i18n::Lang::Ru), "Teapot");
    }

    /// The report's statement reads back into the domain's row, which explains it.
    #[test]
    fn the_servers_statement_is_the_domains_row() {
        let row: StatementRow = serde_json::from_str(r#"{"period":"2026-11","phase":"subscription","hours":"4","fee":"20000.00","included_used":"4","reserve_start":"0","reserve_used":"0","reserve_end":"6","reserve_forfeited":"0","extra_hours":"0","extra_rate":"2000.00","extra_charge":"0.00","total":"20000.00","vat":"0.00","total_with_vat":"20000.00","contract_ends":false}"#).unwrap();
        let month = row.to_domain().unwrap();
        assert_eq!(month.reserve_end, Hours::whole(6));
        assert!(hourbank_domain::statement::conserves_hours(&Tariff::start(), &month));
        assert_eq!(hourbank_web::explain::explain(&month), "4\u{a0}ч по тарифу; 6\u{a0}ч ушли в резерв");
        let broken = StatementRow { total: "lots".into(), ..row };
        assert_eq!(broken.to_domain().unwrap_err().field, "statement.total");
    }
}

/// One of the signed-in user's sessions (`/me/sessions`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SessionEntry {
    pub id: String,
    pub created_at: String,
    pub last_seen: String,
    pub expires_at: String,
    pub address: String,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SessionList {
    pub sessions: Vec<SessionEntry>,
}
