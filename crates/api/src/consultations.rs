//! Consultations (`/consultations`, and each month's report).

use chrono::NaiveDate;
use hourbank_domain::{FieldError, Hours, Period, Problem};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::input::Input;
use crate::request::Request;

/// The channels of the offer: «по телефону, CRM-чате или мобильном приложении».
pub const CHANNELS: [&str; 3] = ["phone", "crm_chat", "mobile_app"];

/// A channel's Russian name (the API sends the code): the portal's label, the CSV's word.
pub fn channel_ru(code: &str) -> Option<&'static str> {
    channel_names(code).map(|(ru, _)| ru)
}

/// A channel's English name: the portal's English pages and the English CSV.
pub fn channel_en(code: &str) -> Option<&'static str> {
    channel_names(code).map(|(_, en)| en)
}

fn channel_names(code: &str) -> Option<(&'static str, &'static str)> {
    match code {
        "phone" => Some(("Телефон", "Phone")),
        "crm_chat" => Some(("CRM-чат", "CRM chat")),
        "mobile_app" => Some(("Мобильное приложение", "Mobile app")),
        _ => None,
    }
}

/// Most hours one consultation may last: one day.
pub const MAX_DURATION_HOURS: u32 = 24;
/// Most characters in a consultation's topic.
pub const MAX_TOPIC_CHARS: usize = 5_000;

/// A logged consultation. A month's report lists the same without the organisation, the
/// specialist's id and when it was logged.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Consultation {
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialist_id: Option<i64>,
    pub specialist_name: String,
    /// `phone`, `crm_chat` or `mobile_app`, named in the reader's language by the browser.
    pub channel: String,
    #[serde(with = "crate::date")]
    pub date: NaiveDate,
    pub duration: Hours,
    pub topic: String,
    pub billable: bool,
    /// The month whose report lists it (and bills it, when billable), present only when that is
    /// not the month of its date: that month was already closed when it was logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billed_in: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// `GET /consultations`: a page of them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ConsultationList {
    pub consultations: Vec<Consultation>,
    #[serde(default)]
    pub next_before: Option<i64>,
}

/// `POST /consultations`: the consultation just logged.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct LoggedConsultation {
    pub consultation: Consultation,
}

/// `POST /consultations` (specialists, analysts, admins): a consultation given.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewConsultation {
    pub org_id: i64,
    /// One of [`CHANNELS`].
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::channel))]
    pub channel: String,
    /// Not in the future. A day in a month already closed is listed (and, when billable, billed)
    /// in the first open month after it; refused only when no month of the contract is left.
    #[serde(with = "crate::date")]
    pub date: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::day_hours))]
    pub duration: Hours,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<MAX_TOPIC_CHARS>))]
    pub topic: String,
    pub billable: bool,
}

pub struct NewConsultationDraft {
    pub org_id: Option<i64>,
    pub channel: Option<String>,
    pub date: Option<NaiveDate>,
    pub duration: Option<Hours>,
    pub topic: Option<String>,
    pub billable: Option<bool>,
}

impl Request for NewConsultation {
    const FIELDS: &'static [&'static str] = &["org_id", "channel", "date", "duration", "topic", "billable"];
    type Draft = NewConsultationDraft;

    fn read(input: &mut Input<'_>) -> NewConsultationDraft {
        let org_id = input.optional_id("org_id");
        if org_id.is_none() && input.raw("org_id").is_none() {
            input.push(FieldError::new("org_id", Problem::Missing));
        }
        let channel = input.text("channel", 40).and_then(|given| {
            if CHANNELS.contains(&given.as_str()) {
                Some(given)
            } else {
                input.push(FieldError::new("channel", Problem::UnknownValue { given, expected: CHANNELS.join(", ") }));
                None
            }
        });
        NewConsultationDraft {
            org_id,
            channel,
            date: input.date("date"),
            duration: input.hours("duration", Decimal::from(MAX_DURATION_HOURS)),
            topic: input.text("topic", MAX_TOPIC_CHARS),
            billable: input.boolean("billable"),
        }
    }

    fn complete(d: NewConsultationDraft) -> Option<NewConsultation> {
        Some(NewConsultation {
            org_id: d.org_id?,
            channel: d.channel?,
            date: d.date?,
            duration: d.duration?,
            topic: d.topic?,
            billable: d.billable?,
        })
    }
}
