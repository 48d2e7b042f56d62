//! The act and the invoice (`/reports/{period}/documents/{kind}`) and the seller's settings.

use serde::{Deserialize, Serialize};

/// A month's act or invoice as the server issues it (`/reports/{period}/documents/{kind}`), with
/// its title and its text as lines (what the PDF prints).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct DocumentView {
    pub title: String,
    pub document: hourbank_domain::documents::Document,
    pub text_lines: Vec<String>,
}

/// The seller's requisites (`/settings/seller`); none until an admin sets them. With them, the
/// company's contacts for prospects (the calculator's «Оставить заявку»).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SellerSettings {
    pub seller: Option<hourbank_domain::documents::Party>,
    #[serde(default)]
    pub contacts: hourbank_domain::contacts::Contacts,
}

/// `GET /contacts`: the company's name, phone and e-mail for anyone (the calculator's next
/// step); each none until the admin sets it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct CompanyContacts {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}
