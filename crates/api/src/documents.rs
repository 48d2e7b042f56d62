//! The act and the invoice (`/reports/{period}/documents/{kind}`) and the seller's settings.

use hourbank_domain::contacts::Contacts;
use hourbank_domain::documents::{Party, RawSeller};
use serde::{Deserialize, Serialize, Serializer};

use crate::input::Input;
use crate::request::Request;

/// A month's act or invoice as the server issues it (`/reports/{period}/documents/{kind}`), with
/// its title and its text as lines (what the PDF prints).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct DocumentView {
    pub title: String,
    pub document: hourbank_domain::documents::Document,
    pub text_lines: Vec<String>,
}

/// The seller's requisites (`/settings/seller`); none until an admin sets them. With them, the
/// company's contacts for prospects (the calculator's «Оставить заявку»).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SellerSettings {
    pub seller: Option<hourbank_domain::documents::Party>,
    #[serde(default)]
    pub contacts: hourbank_domain::contacts::Contacts,
}

/// `GET /contacts`: the company's name, phone and e-mail for anyone (the calculator's next
/// step); each none until the admin sets it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct CompanyContacts {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// `PUT /settings/seller` (admin): the seller's requisites, every one checked by its check
/// digits, and the company's phone and e-mail; written flat, as the admin's form has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SellerChange {
    /// Always with its bank.
    pub seller: Party,
    pub contacts: Contacts,
}

impl Serialize for SellerChange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Flat<'a> {
            name: &'a str,
            inn: &'a str,
            kpp: &'a Option<String>,
            address: &'a str,
            bank_name: Option<&'a str>,
            bik: Option<&'a str>,
            account: Option<&'a str>,
            corr_account: Option<&'a str>,
            phone: &'a Option<String>,
            email: &'a Option<String>,
        }
        let (p, bank) = (&self.seller, self.seller.bank.as_ref());
        Flat {
            name: &p.name,
            inn: &p.inn,
            kpp: &p.kpp,
            address: &p.address,
            bank_name: bank.map(|b| b.name.as_str()),
            bik: bank.map(|b| b.bik.as_str()),
            account: bank.map(|b| b.account.as_str()),
            corr_account: bank.map(|b| b.corr_account.as_str()),
            phone: &self.contacts.phone,
            email: &self.contacts.email,
        }
        .serialize(s)
    }
}

impl Request for SellerChange {
    const FIELDS: &'static [&'static str] =
        &["name", "inn", "kpp", "address", "bank_name", "bik", "account", "corr_account", "phone", "email"];
    type Draft = Option<SellerChange>;

    fn read(input: &mut Input<'_>) -> Option<SellerChange> {
        let mut text = |field: &str| input.optional_text(field, 500);
        let raw = RawSeller {
            name: text("name"),
            inn: text("inn"),
            kpp: text("kpp"),
            address: text("address"),
            bank_name: text("bank_name"),
            bik: text("bik"),
            account: text("account"),
            corr_account: text("corr_account"),
        };
        let (phone, email) = (text("phone"), text("email"));
        let (seller, contacts) = (raw.check(), Contacts::check(phone, email));
        for errors in [seller.as_ref().err(), contacts.as_ref().err()].into_iter().flatten() {
            errors.iter().for_each(|e| input.push(e.clone()));
        }
        Some(SellerChange { seller: seller.ok()?, contacts: contacts.ok()? })
    }

    fn complete(draft: Option<SellerChange>) -> Option<SellerChange> {
        draft
    }
}
