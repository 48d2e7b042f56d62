//! The month's documents a bookkeeper signs (`shared/domain.md`, "Documents"): the act of
//! services rendered (акт) and the invoice (счёт на оплату), built from the month's statement and
//! the parties' requisites. One plain model, rendered as HTML for print and as PDF by the server,
//! so the two can never disagree.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::format::{period_ru, rubles_number};
use crate::inn::{parse_account, parse_bik, parse_corr_account, parse_inn, parse_kpp};
use crate::period::{Period, Phase};
use crate::statement::MonthStatement;
use crate::tariff::Vat;
use crate::units::{Hours, Money};
use crate::words::rubles_in_words;

/// A bank account of the seller.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bank {
    pub name: String,
    pub bik: String,
    /// Расчётный счёт.
    pub account: String,
    /// Корреспондентский счёт.
    pub corr_account: String,
}

/// A party to the document: the seller (with its bank) or the buyer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    pub inn: String,
    pub kpp: Option<String>,
    pub address: String,
    pub bank: Option<Bank>,
}

impl Party {
    /// The requisites a numbered document needs that this buyer lacks: the address, and the КПП
    /// of an organisation (a 10-digit ИНН; an individual entrepreneur's 12-digit one has none).
    pub fn missing_for_documents(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.inn.len() == 10 && self.kpp.as_deref().is_none_or(|k| k.trim().is_empty()) {
            missing.push("kpp");
        }
        if self.address.trim().is_empty() {
            missing.push("address");
        }
        missing
    }
}

/// The seller's requisites as typed by the admin, before they are checked.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawSeller {
    pub name: Option<String>,
    pub inn: Option<String>,
    pub kpp: Option<String>,
    pub address: Option<String>,
    pub bank_name: Option<String>,
    pub bik: Option<String>,
    pub account: Option<String>,
    pub corr_account: Option<String>,
}

impl RawSeller {
    /// Checks every field, reporting every bad one at once (check digits of ИНН, БИК and both
    /// accounts; the accounts are keyed with the БИК, so they are checked only with a good one).
    pub fn check(self) -> Result<Party, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut required = |field: &str, value: Option<String>, max: usize| -> Option<String> {
            let value = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
            match value {
                None => {
                    errors.push(FieldError::new(field, crate::Problem::Missing));
                    None
                }
                Some(v) if v.chars().count() > max => {
                    errors.push(FieldError::new(field, crate::Problem::MaxChars(max)));
                    None
                }
                Some(v) => Some(v),
            }
        };
        let name = required("name", self.name, 300);
        let address = required("address", self.address, 500);
        let bank_name = required("bank_name", self.bank_name, 300);
        let inn = required("inn", self.inn, 20);
        let kpp = required("kpp", self.kpp, 20);
        let bik = required("bik", self.bik, 20);
        let account = required("account", self.account, 40);
        let corr_account = required("corr_account", self.corr_account, 40);
        let mut check = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).ok();
        let inn = inn.and_then(|v| check(parse_inn("inn", &v)));
        let kpp = kpp.and_then(|v| check(parse_kpp("kpp", &v)));
        let bik = bik.and_then(|v| check(parse_bik("bik", &v)));
        let account = bik.as_deref().zip(account).and_then(|(b, v)| check(parse_account("account", &v, b)));
        let corr = bik.as_deref().zip(corr_account).and_then(|(b, v)| check(parse_corr_account("corr_account", &v, b)));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Party {
            name: name.expect("checked"),
            inn: inn.expect("checked"),
            kpp,
            address: address.expect("checked"),
            bank: Some(Bank {
                name: bank_name.expect("checked"),
                bik: bik.expect("checked"),
                account: account.expect("checked"),
                corr_account: corr.expect("checked"),
            }),
        })
    }
}

/// Which document.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Акт оказанных услуг.
    Act,
    /// Счёт на оплату.
    Invoice,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 2] = [DocumentKind::Act, DocumentKind::Invoice];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Act => "act",
            DocumentKind::Invoice => "invoice",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    fn read(text: &str) -> Result<DocumentKind, FieldError> {
        DocumentKind::parse(text)
            .ok_or_else(|| crate::workflow::unknown_value("kind", text, DocumentKind::ALL.map(DocumentKind::as_str)))
    }

    /// The document's title without its number.
    pub fn title_ru(self) -> &'static str {
        match self {
            DocumentKind::Act => "Акт оказанных услуг",
            DocumentKind::Invoice => "Счёт на оплату",
        }
    }
}

impl<'de> Deserialize<'de> for DocumentKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::wire::from_str(d, DocumentKind::read)
    }
}

/// One line of work.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentLine {
    pub name: String,
    /// The quantity, a decimal with a dot (`1`, `12.5`), as every number the API sends;
    /// [`DocumentLine::quantity_ru`] writes it as the document prints it.
    pub quantity: String,
    pub unit: String,
    pub price: Money,
    pub amount: Money,
}

impl DocumentLine {
    /// The quantity as the document prints it: `12,5`, `1 250`.
    pub fn quantity_ru(&self) -> String {
        crate::format::decimal_ru(&self.quantity).replace(crate::format::NBSP, " ")
    }
}

/// A line under the table: «Итого», the VAT line, «Всего к оплате».
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalLine {
    pub label: String,
    pub amount: Option<Money>,
}

/// A month's act or invoice.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub kind: DocumentKind,
    /// Numbered per seller and year when the month closes; none while the month is open.
    pub number: Option<u32>,
    /// The act's: the period's last day; the invoice's: the day the month closed (the period's
    /// last day while it is open).
    #[serde(serialize_with = "crate::wire::write_date", deserialize_with = "crate::wire::date")]
    pub date: NaiveDate,
    pub period: Period,
    /// The month is still open: a preview that may change, marked «предварительный».
    pub preliminary: bool,
    pub seller: Party,
    pub buyer: Party,
    pub lines: Vec<DocumentLine>,
    pub totals: Vec<TotalLine>,
    /// The amount to pay, VAT included.
    pub to_pay: Money,
    /// `to_pay` in words.
    pub to_pay_in_words: String,
}

/// «В т. ч. НДС» is only for VAT included in the prices; on top the VAT is its own line and the
/// amount to pay comes after it.
pub fn total_lines(total: Money, vat: Vat, vat_amount: Money, to_pay: Money) -> Vec<TotalLine> {
    let line = |label: String, amount: Option<Money>| TotalLine { label, amount };
    let mut lines = vec![line("Итого".into(), Some(total))];
    match vat {
        Vat::None => lines.push(line("Без НДС".into(), None)),
        Vat::Included(rate) => {
            lines.push(line(format!("В том числе НДС {} %", rate.percent().normalize()), Some(vat_amount)))
        }
        Vat::OnTop(rate) => {
            lines.push(line(format!("НДС {} %", rate.percent().normalize()), Some(vat_amount)));
            lines.push(line("Всего к оплате".into(), Some(to_pay)));
        }
    }
    lines
}

/// What the parties and the month make of a document.
pub struct MonthDocument<'a> {
    pub kind: DocumentKind,
    pub number: Option<u32>,
    pub preliminary: bool,
    pub seller: &'a Party,
    pub buyer: &'a Party,
    pub tariff_name: &'a str,
    pub statement: &'a MonthStatement,
    pub vat: Vat,
    /// The day the month closed (its documents were issued), for a closed month: the invoice's
    /// date. The act is dated the period's last day (`shared/domain.md`, Documents).
    pub issued_on: Option<NaiveDate>,
}

/// The act's closing words, which the customer signs under.
pub const ACT_ACCEPTANCE: &str = "Вышеперечисленные услуги оказаны полностью и в срок. Заказчик претензий по объёму, качеству и срокам оказания услуг не имеет.";

impl MonthDocument<'_> {
    pub fn build(self) -> Document {
        let st = self.statement;
        let month = period_ru(st.period);
        let mut lines = Vec::new();
        let quantity = |h: Hours| h.to_string();
        match st.phase {
            Phase::Trial => {
                if !st.hours.is_zero() {
                    lines.push(DocumentLine {
                        name: format!("Работы по принятым задачам в пробный период, {month}"),
                        quantity: quantity(st.extra_hours),
                        unit: "ч".into(),
                        price: st.extra_rate,
                        amount: st.extra_charge,
                    });
                }
            }
            Phase::Subscription => {
                lines.push(DocumentLine {
                    name: format!("Абонентское обслуживание 1С по тарифу «{}», {month}", self.tariff_name),
                    quantity: "1".into(),
                    unit: "мес.".into(),
                    price: st.fee,
                    amount: st.fee,
                });
                if !st.extra_hours.is_zero() {
                    lines.push(DocumentLine {
                        name: format!("Часы сверх включённых и резерва, {month}"),
                        quantity: quantity(st.extra_hours),
                        unit: "ч".into(),
                        price: st.extra_rate,
                        amount: st.extra_charge,
                    });
                }
            }
        }
        Document {
            kind: self.kind,
            number: self.number,
            date: match (self.kind, self.issued_on) {
                (DocumentKind::Invoice, Some(issued)) => issued,
                _ => st.period.last_day(),
            },
            period: st.period,
            preliminary: self.preliminary,
            seller: self.seller.clone(),
            buyer: self.buyer.clone(),
            lines,
            totals: total_lines(st.total, self.vat, st.vat, st.total_with_vat),
            to_pay: st.total_with_vat,
            to_pay_in_words: rubles_in_words(st.total_with_vat),
        }
    }
}

impl Document {
    /// «Акт оказанных услуг № 7 от 31.03.2027», or «… (предварительный)» without a number.
    pub fn title(&self) -> String {
        let date = self.date.format("%d.%m.%Y");
        match self.number {
            Some(n) => format!("{} № {n} от {date}", self.kind.title_ru()),
            None => format!("{} от {date} (предварительный)", self.kind.title_ru()),
        }
    }

    /// «Всего наименований 2, на сумму 36 600,00 руб.»
    pub fn count_line(&self) -> String {
        format!("Всего наименований {}, на сумму {} руб.", self.lines.len(), money(self.to_pay))
    }

    /// Every line of text the document carries, top to bottom, as a reader sees it: what the
    /// HTML and the PDF both print, and what tests compare with the PDF's extracted text.
    pub fn text_lines(&self) -> Vec<String> {
        let mut out = vec![self.title()];
        if self.preliminary {
            out.push("Предварительный документ: месяц ещё не закрыт, суммы могут измениться".into());
        }
        out.push(format!("за {}", period_ru(self.period)));
        let party = |label: &str, p: &Party, out: &mut Vec<String>| {
            out.push(format!("{label}: {}", p.name));
            let kpp = p.kpp.as_deref().map(|k| format!(", КПП {k}")).unwrap_or_default();
            out.push(format!("ИНН {}{kpp}", p.inn));
            if !p.address.is_empty() {
                out.push(format!("Адрес: {}", p.address));
            }
            if let Some(bank) = &p.bank {
                out.push(format!("Р/с {} в {}", bank.account, bank.name));
                out.push(format!("БИК {}, к/с {}", bank.bik, bank.corr_account));
            }
        };
        let seller_label = match self.kind {
            DocumentKind::Act => "Исполнитель",
            DocumentKind::Invoice => "Поставщик",
        };
        let buyer_label = match self.kind {
            DocumentKind::Act => "Заказчик",
            DocumentKind::Invoice => "Покупатель",
        };
        party(seller_label, &self.seller, &mut out);
        party(buyer_label, &self.buyer, &mut out);
        for (i, line) in self.lines.iter().enumerate() {
            out.push(format!(
                "{}. {} — {} {} × {} = {}",
                i + 1,
                line.name,
                line.quantity_ru(),
                line.unit,
                money(line.price),
                money(line.amount)
            ));
        }
        for total in &self.totals {
            out.push(match total.amount {
                Some(amount) => format!("{}: {}", total.label, money(amount)),
                None => total.label.clone(),
            });
        }
        out.push(self.count_line());
        out.push(format!("Сумма прописью: {}", self.to_pay_in_words));
        if self.kind == DocumentKind::Act {
            out.push(ACT_ACCEPTANCE.to_string());
        }
        out
    }
}

/// `24 400,00` with plain spaces (a PDF reader gives them back as typed).
pub fn money(m: Money) -> String {
    rubles_number(m).replace(crate::format::NBSP, " ")
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_buyer_needs_an_address_and_an_organisation_its_kpp() {
        let buyer = |inn: &str, kpp: Option<&str>, address: &str| Party {
            name: "Покупатель".into(),
            inn: inn.into(),
            kpp: kpp.map(Into::into),
            address: address.into(),
            bank: None,
        };
        assert_eq!(buyer("7707083893", None, "").missing_for_documents(), ["kpp", "address"]);
        assert_eq!(buyer("7707083893", Some(" "), "Москва").missing_for_documents(), ["kpp"]);
        assert!(buyer("7707083893", Some("770701001"), "Москва").missing_for_documents().is_empty());
        assert!(buyer("500100732259", None, "Тула").missing_for_documents().is_empty());
        assert_eq!(buyer("500100732259", None, " ").missing_for_documents(), ["address"]);
    }

    use super::*;
    use crate::period::{parse_date, Contract};
    use crate::report::statement_through;
    use crate::tariff::{Tariff, VatRate};
    use std::collections::BTreeMap;

    fn seller() -> Party {
        RawSeller {
            name: Some("ООО «Часовой банк»".into()),
            inn: Some("7707083893".into()),
            kpp: Some("770701001".into()),
            address: Some("Москва, ул. Тверская, 1".into()),
            bank_name: Some("ПАО Сбербанк".into()),
            bik: Some("044525225".into()),
            account: Some("40702810938000012345".into()),
            corr_account: Some("30101810400000000225".into()),
        }
        .check()
        .unwrap()
    }

    fn buyer() -> Party {
        Party {
            name: "ООО «Ромашка»".into(),
            inn: "7736207543".into(),
            kpp: Some("773601001".into()),
            address: "Москва".into(),
            bank: None,
        }
    }

    fn april(vat: Vat, hours: &str) -> MonthStatement {
        let contract = Contract::new(Tariff::start(), parse_date("d", "2027-01-01").unwrap(), None).unwrap();
        let hours: BTreeMap<_, _> =
            [(Period::parse("p", "2027-04").unwrap(), Hours::parse_month("h", hours).unwrap())].into_iter().collect();
        statement_through(&contract, vat, None, &hours, Period::parse("p", "2027-04").unwrap()).unwrap().pop().unwrap()
    }

    fn document(kind: DocumentKind, vat: Vat, hours: &str, number: Option<u32>) -> Document {
        let (s, b, st) = (seller(), buyer(), april(vat, hours));
        MonthDocument {
            kind,
            number,
            preliminary: number.is_none(),
            seller: &s,
            buyer: &b,
            tariff_name: "Старт",
            statement: &st,
            vat,
            // Closed a month after its end.
            issued_on: number.map(|_| parse_date("d", "2027-05-29").unwrap()),
        }
        .build()
    }

    #[test]
    fn vat_on_top_is_its_own_line_then_the_amount_to_pay() {
        // April: 10 included + 10 from March's reserve + 5 over at 2000: 30 000, VAT 22 % on top.
        let doc = document(DocumentKind::Act, Vat::OnTop(VatRate::GENERAL), "25", Some(7));
        let text = doc.text_lines();
        assert_eq!(text[0], "Акт оказанных услуг № 7 от 30.04.2027");
        assert!(
            text.contains(
                &"1. Абонентское обслуживание 1С по тарифу «Старт», апрель 2027 — 1 мес. × 20 000,00 = 20 000,00"
                    .into()
            ),
            "{text:#?}"
        );
        assert!(
            text.contains(&"2. Часы сверх включённых и резерва, апрель 2027 — 5 ч × 2 000,00 = 10 000,00".into()),
            "{text:#?}"
        );
        assert_eq!(doc.lines[1].quantity, "5");
        // The API's number has a dot; the document prints a comma.
        let half = document(DocumentKind::Act, Vat::None, "25.5", Some(7));
        assert_eq!((half.lines[1].quantity.as_str(), half.lines[1].quantity_ru().as_str()), ("5.5", "5,5"));
        assert!(
            half.text_lines().iter().any(|l| l.contains("— 5,5 ч × 2 000,00 = 11 000,00")),
            "{:#?}",
            half.text_lines()
        );
        let tail: Vec<&str> = text.iter().rev().take(6).rev().map(String::as_str).collect();
        assert_eq!(
            tail,
            [
                "Итого: 30 000,00",
                "НДС 22 %: 6 600,00",
                "Всего к оплате: 36 600,00",
                "Всего наименований 2, на сумму 36 600,00 руб.",
                "Сумма прописью: Тридцать шесть тысяч шестьсот рублей 00 копеек",
                ACT_ACCEPTANCE,
            ]
        );
        assert!(!text.iter().any(|l| l.contains("В том числе")));
    }

    #[test]
    fn vat_included_says_in_that_number() {
        let doc = document(DocumentKind::Invoice, Vat::Included(VatRate::GENERAL), "3", Some(1));
        let text = doc.text_lines();
        // The invoice is dated the day it was issued, the month's close; only the act carries the
        // acceptance words.
        assert_eq!(text[0], "Счёт на оплату № 1 от 29.05.2027");
        assert!(!text.contains(&ACT_ACCEPTANCE.to_string()));
        // 20 000 × 22 / 122 = 3 606,557… → 3 606,56 (half away from zero).
        assert!(text.contains(&"В том числе НДС 22 %: 3 606,56".into()), "{text:#?}");
        assert!(text.contains(&"Сумма прописью: Двадцать тысяч рублей 00 копеек".into()));
        assert!(text.contains(&"Поставщик: ООО «Часовой банк»".into()));
        assert!(text.contains(&"Р/с 40702810938000012345 в ПАО Сбербанк".into()));
        assert!(text.contains(&"Покупатель: ООО «Ромашка»".into()));
        assert!(text.contains(&"ИНН 7736207543, КПП 773601001".into()));
    }

    #[test]
    fn an_open_month_is_a_preliminary_document_without_a_number() {
        let doc = document(DocumentKind::Act, Vat::None, "0", None);
        let text = doc.text_lines();
        assert_eq!(text[0], "Акт оказанных услуг от 30.04.2027 (предварительный)");
        assert!(text.contains(&"Без НДС".into()));
        assert_eq!(doc.to_pay, Money::from_kopecks(20_000_00));
    }

    #[test]
    fn the_seller_names_every_bad_field() {
        let errors = RawSeller {
            name: Some(" ".into()),
            inn: Some("7707083894".into()),
            kpp: Some("7707".into()),
            address: Some("Москва".into()),
            bank_name: Some("Банк".into()),
            bik: Some("044525225".into()),
            account: Some("40702810838000012345".into()),
            corr_account: Some("30101810400000000225".into()),
        }
        .check()
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "inn", "kpp", "account"]);
    }
}
