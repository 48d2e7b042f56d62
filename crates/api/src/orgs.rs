//! Client organisations (`/orgs`) with the tariff terms they hold.

use chrono::NaiveDate;
use hourbank_domain::{Contract, Tariff, Vat, DEFAULT_WARRANTY_DAYS};
use serde::{Deserialize, Serialize};

use crate::input::Input;
use crate::request::Request;

/// A person to contact: the organisation's dedicated analyst.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// VAT as the organisation is billed: `mode` `none`, `on_top` or `included`, with the rate in
/// percent for the last two.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct VatSetting {
    pub mode: String,
    pub rate: Option<String>,
}

impl From<Vat> for VatSetting {
    fn from(vat: Vat) -> VatSetting {
        VatSetting { mode: vat.mode().to_string(), rate: vat.rate().map(|r| r.percent().to_string()) }
    }
}

/// A client organisation with its stored copy of the tariff's terms.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Org {
    pub id: i64,
    pub name: String,
    pub inn: String,
    pub tariff_name: String,
    pub tariff: Tariff,
    #[serde(with = "crate::date")]
    pub contract_start: NaiveDate,
    #[serde(with = "crate::date::option")]
    pub contract_end: Option<NaiveDate>,
    pub vat: VatSetting,
    /// The dedicated analyst, and their contacts (copies saved before the id have only them).
    #[serde(default)]
    pub analyst_id: Option<i64>,
    pub analyst: Option<Person>,
    /// Days after acceptance during which the client may claim warranty work.
    #[serde(default = "default_warranty_days")]
    pub warranty_days: u32,
    /// The buyer's requisites on the act and the invoice (copies saved before them have none).
    #[serde(default)]
    pub kpp: Option<String>,
    #[serde(default)]
    pub address: String,
}

fn default_warranty_days() -> u32 {
    DEFAULT_WARRANTY_DAYS
}

/// `GET /orgs`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct OrgList {
    pub orgs: Vec<Org>,
}

/// `PUT /orgs/{id}/requisites` (admin): the buyer's КПП (none for a sole trader) and address on
/// its acts and invoices.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuyerRequisites {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<20>))]
    pub kpp: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<500>))]
    pub address: String,
}

pub struct BuyerRequisitesDraft {
    pub kpp: Option<String>,
    pub address: Option<String>,
}

impl Request for BuyerRequisites {
    const FIELDS: &'static [&'static str] = &["kpp", "address"];
    type Draft = BuyerRequisitesDraft;

    fn read(input: &mut Input<'_>) -> BuyerRequisitesDraft {
        let kpp = input
            .optional_text("kpp", 20)
            .and_then(|k| hourbank_domain::inn::parse_kpp("kpp", &k).map_err(|e| input.push(e)).ok());
        BuyerRequisitesDraft { kpp, address: input.text("address", 500) }
    }

    fn complete(d: BuyerRequisitesDraft) -> Option<BuyerRequisites> {
        Some(BuyerRequisites { kpp: d.kpp, address: d.address? })
    }
}

/// `POST /orgs` (admin) and `hourbank admin create-org`: a client organisation on a tariff's terms
/// (copied into it), with its contract's dates and its VAT.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewOrg {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<300>))]
    pub name: String,
    /// ИНН: 10 or 12 digits with check digits.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<20>))]
    pub inn: String,
    #[serde(with = "crate::date")]
    pub contract_start: NaiveDate,
    #[serde(with = "crate::date::option", skip_serializing_if = "Option::is_none")]
    pub contract_end: Option<NaiveDate>,
    /// When not given, «Старт» for its terms and «Индивидуальный» for others. A name that reads as
    /// a catalogue tariff's comes with that tariff's terms (422 naming `tariff_name` otherwise).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<100>, required = false))]
    pub tariff_name: String,
    /// «Старт»'s terms when not given.
    #[cfg_attr(feature = "openapi", schema(schema_with = hourbank_domain::openapi::terms, required = false))]
    pub tariff: Tariff,
    /// No VAT when not given.
    #[serde(serialize_with = "write_vat")]
    #[cfg_attr(feature = "openapi", schema(schema_with = hourbank_domain::openapi::vat, required = false))]
    pub vat: Vat,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analyst_id: Option<i64>,
    /// Days after acceptance for warranty claims, 30 when not given.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::count::<{ crate::admin::MAX_WARRANTY_DAYS }>, required = false))]
    pub warranty_days: u32,
}

impl NewOrg {
    /// The contract its dates and terms make (checked when the request was read).
    pub fn contract(&self) -> Result<Contract, hourbank_domain::FieldError> {
        Contract::new(self.tariff.clone(), self.contract_start, self.contract_end)
    }
}

/// `{"mode": …, "rate": "22"}`, as the API reads VAT.
fn write_vat<S: serde::Serializer>(vat: &Vat, s: S) -> Result<S::Ok, S::Error> {
    VatSetting::from(*vat).serialize(s)
}

/// The name of an organisation's terms given without one that are not «Старт»'s.
pub const INDIVIDUAL: &str = "Индивидуальный";

pub struct NewOrgDraft {
    pub name: Option<String>,
    pub inn: Option<String>,
    pub contract_start: Option<NaiveDate>,
    pub contract_end: Option<NaiveDate>,
    pub tariff_name: String,
    pub tariff: Option<Tariff>,
    pub vat: Option<Vat>,
    pub analyst_id: Option<i64>,
    pub warranty_days: u32,
}

/// Read on the server only: the terms' numbers go through the domain's exact reader.
#[cfg(feature = "server")]
impl Request for NewOrg {
    const FIELDS: &'static [&'static str] = &[
        "name",
        "inn",
        "contract_start",
        "contract_end",
        "tariff_name",
        "tariff",
        "vat",
        "analyst_id",
        "warranty_days",
    ];
    type Draft = NewOrgDraft;

    fn read(input: &mut Input<'_>) -> NewOrgDraft {
        use hourbank_domain::scenario::{tariff_from_value, vat_from_value};
        let name = input.text("name", 300);
        let inn = input.text("inn", 20);
        let inn = inn.and_then(|text| hourbank_domain::inn::parse_inn("inn", &text).map_err(|e| input.push(e)).ok());
        let contract_start = input.date("contract_start");
        let contract_end = input.optional_date("contract_end");
        let tariff = match input.raw("tariff") {
            None => Some(Tariff::start()),
            Some(v) => tariff_from_value(v).map_err(|e| input.push(e.under("tariff"))).ok(),
        };
        // Unnamed terms are «Старт» when they are its, else the organisation's own.
        let unnamed =
            if tariff.as_ref().is_none_or(|t| *t == Tariff::start()) { crate::admin::START } else { INDIVIDUAL };
        let tariff_name = input.optional_text("tariff_name", 100).unwrap_or_else(|| unnamed.to_string());
        let vat = match input.raw("vat") {
            None => Some(Vat::None),
            Some(v) => vat_from_value(v).map_err(|e| input.push(e.under("vat"))).ok(),
        };
        let analyst_id = input.optional_id("analyst_id");
        let warranty_days =
            input.optional_count("warranty_days", crate::admin::MAX_WARRANTY_DAYS).unwrap_or(DEFAULT_WARRANTY_DAYS);
        // The dates against the terms (a contract ending before it starts, or inside the trial).
        if let (Some(terms), Some(start)) = (&tariff, contract_start)
            && let Err(e) = hourbank_domain::period::check_contract_years(start, contract_end)
                .and_then(|()| Contract::new(terms.clone(), start, contract_end))
        {
            let field = if e.field == "start" { "contract_start" } else { "contract_end" };
            input.push(e.under_field(field));
        }
        NewOrgDraft { name, inn, contract_start, contract_end, tariff_name, tariff, vat, analyst_id, warranty_days }
    }

    fn complete(d: NewOrgDraft) -> Option<NewOrg> {
        Some(NewOrg {
            name: d.name?,
            inn: d.inn?,
            contract_start: d.contract_start?,
            contract_end: d.contract_end,
            tariff_name: d.tariff_name,
            tariff: d.tariff?,
            vat: d.vat?,
            analyst_id: d.analyst_id,
            warranty_days: d.warranty_days,
        })
    }
}
