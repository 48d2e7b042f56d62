//! The act and the invoice (`/reports/{period}/documents/{kind}`) and the seller's settings.

use serde::{Deserialize, Serialize};

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
