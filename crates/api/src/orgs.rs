//! Client organisations (`/orgs`) with the tariff terms they hold.

use chrono::NaiveDate;
use hourbank_domain::{Tariff, DEFAULT_WARRANTY_DAYS};
use serde::{Deserialize, Serialize};

use crate::input::Input;
use crate::request::Request;

/// A person to contact: the organisation's dedicated analyst.
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct VatSetting {
    pub mode: String,
    pub rate: Option<String>,
}

/// A client organisation with its stored copy of the tariff's terms.
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct OrgList {
    pub orgs: Vec<Org>,
}

/// `PUT /orgs/{id}/requisites` (admin): the buyer's КПП (none for a sole trader) and address on
/// its acts and invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuyerRequisites {
    pub kpp: Option<String>,
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
