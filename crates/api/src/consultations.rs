//! Consultations (`/consultations`, and each month's report).

use chrono::NaiveDate;
use hourbank_domain::Hours;
use serde::{Deserialize, Serialize};

/// A logged consultation. A month's report lists the same without the organisation, the
/// specialist's id and when it was logged.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Consultation {
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialist_id: Option<i64>,
    pub specialist_name: String,
    /// `phone`, `crm_chat` or `mobile_app`.
    pub channel: String,
    pub channel_ru: String,
    #[serde(with = "crate::date")]
    pub date: NaiveDate,
    pub duration: Hours,
    pub topic: String,
    pub billable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// `GET /consultations`: a page of them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ConsultationList {
    pub consultations: Vec<Consultation>,
    #[serde(default)]
    pub next_before: Option<i64>,
}

/// `POST /consultations`: the consultation just logged.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct LoggedConsultation {
    pub consultation: Consultation,
}
