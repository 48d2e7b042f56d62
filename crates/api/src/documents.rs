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
        let (p, bank) = (&self.seller, self.seller.bank.as_ref());
        let bank_field = |pick: fn(&hourbank_domain::documents::Bank) -> &String| bank.map(pick).cloned();
        SellerForm {
            name: p.name.clone(),
            inn: p.inn.clone(),
            kpp: p.kpp.clone(),
            address: p.address.clone(),
            bank_name: bank_field(|b| &b.name),
            bik: bank_field(|b| &b.bik),
            account: bank_field(|b| &b.account),
            corr_account: bank_field(|b| &b.corr_account),
            phone: self.contacts.phone.clone(),
            email: self.contacts.email.clone(),
        }
        .serialize(s)
    }
}

/// [`SellerChange`] as it is written: flat, as the admin's form has it. The bank's fields are
/// required (the reader names each missing one); every field is checked by the server.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Serialize)]
pub struct SellerForm {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<500>))]
    pub name: String,
    /// ИНН: 10 or 12 digits with check digits.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<500>))]
    pub inn: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<500>))]
    pub kpp: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<500>))]
    pub address: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<500>, required = true))]
    pub bank_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<500>, required = true))]
    pub bik: Option<String>,
    /// Расчётный счёт, 20 digits.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<500>, required = true))]
    pub account: Option<String>,
    /// Корреспондентский счёт, 20 digits.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<500>, required = true))]
    pub corr_account: Option<String>,
    /// The company's phone for prospects, as written: 10 to 15 digits with spaces, dashes,
    /// brackets, a leading +.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<500>))]
    pub phone: Option<String>,
    /// The company's e-mail for prospects.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::text::<500>))]
    pub email: Option<String>,
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
