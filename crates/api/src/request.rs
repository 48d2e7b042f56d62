//! Request bodies: read from their raw form (a JSON object) into a draft whose every field is
//! `None` when missing or bad, every problem collected at once and named; the handler adds the
//! checks that need the database or the clock (an organisation that does not exist, a date in the
//! future) to the same list; then the checked request. The zero2prod way, keeping the API's 422
//! that names every bad field at once.

use hourbank_domain::{FieldError, Problem};
use serde_json::Value;

use crate::input::Input;

/// Every bad field of a request at once, each named: a 422's `errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: &str, problem: Problem) -> Invalid {
        Invalid(vec![FieldError::new(field, problem)])
    }
}

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Invalid {
        Invalid(vec![e])
    }
}

/// A request body with its checks.
pub trait Request: Sized {
    /// The fields the body may have; any other is an error.
    const FIELDS: &'static [&'static str];
    /// The body read field by field, each `None` when missing or bad.
    type Draft;
    fn read(input: &mut Input<'_>) -> Self::Draft;
    /// The checked request; `None` only when a field is missing or bad, which `read` reported.
    fn complete(draft: Self::Draft) -> Option<Self>;
}

/// A body being read as `T`: its draft, and the problems found so far.
pub struct Reading<'a, T: Request> {
    input: Input<'a>,
    pub draft: T::Draft,
}

/// Starts reading `body` as `T` (a body that is not a JSON object is refused at once).
pub fn start<T: Request>(body: &Value) -> Result<Reading<'_, T>, Invalid> {
    let mut input = Input::new(body, T::FIELDS)?;
    let draft = T::read(&mut input);
    Ok(Reading { input, draft })
}

impl<T: Request> Reading<'_, T> {
    /// A problem the handler found (after the body's own, before unknown fields).
    pub fn push(&mut self, error: FieldError) {
        self.input.push(error);
    }

    /// The checked request, or every problem found.
    pub fn finish(self) -> Result<T, Invalid> {
        self.input.finish()?;
        T::complete(self.draft).ok_or_else(|| Invalid::one("body", Problem::Missing))
    }
}

/// Reads `body` as `T` when nothing beyond the body itself is checked.
pub fn read<T: Request>(body: &Value) -> Result<T, Invalid> {
    start::<T>(body)?.finish()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use hourbank_domain::Rule;
    use hourbank_domain::{Hours, Transition};
    use serde::Serialize;

    use super::*;
    use crate::accounts::{NewPassword, PasswordChange, SetDisabled, SignIn};
    use crate::consultations::NewConsultation;
    use crate::instructions::NewInstruction;
    use crate::orgs::BuyerRequisites;
    use crate::tasks::{Assignment, LogWork, NewTask, WarrantyClaim};

    /// What the portal writes, the server reads back as the same request.
    fn round_trip<T: Request + Serialize + PartialEq + std::fmt::Debug>(request: T) {
        let body = serde_json::to_value(&request).unwrap();
        assert_eq!(read::<T>(&body).unwrap(), request, "{body}");
    }

    #[test]
    fn every_request_reads_back_as_written() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        round_trip(NewTask {
            title: "Печатная форма".into(), description: "Нужна".into(), org_id: None
        });
        round_trip(NewTask { title: "Отчёт".into(), description: "Нужен".into(), org_id: Some(3) });
        round_trip(Transition::Estimate {
            specification: "ТЗ".into(),
            estimate: Hours::from_centi(12_50),
            deadline: day,
        });
        let shown = Some(Hours::from_centi(5_00));
        for step in [
            Transition::Approve { estimate: None },
            Transition::Approve { estimate: shown },
            Transition::SubmitForTesting,
            Transition::Accept,
        ] {
            round_trip(step);
        }
        round_trip(Transition::Reject { comment: "Дорого".into() });
        round_trip(Transition::Return { comment: "Не печатает".into() });
        round_trip(Transition::Cancel { comment: String::new() });
        round_trip(Transition::WriteOff { comment: "Не нужно".into() });
        round_trip(LogWork { date: day, hours: Hours::from_centi(2_25), description: "Разработка".into() });
        round_trip(Assignment { user_id: Some(4) });
        round_trip(Assignment { user_id: None });
        round_trip(WarrantyClaim { title: None, description: "Не печатается".into() });
        round_trip(WarrantyClaim {
            title: Some("Ошибка".into()), description: "Не печатается".into()
        });
        round_trip(NewConsultation {
            org_id: 1,
            channel: "crm_chat".into(),
            date: day,
            duration: Hours::from_centi(75),
            topic: "Права".into(),
            billable: true,
        });
        round_trip(NewInstruction {
            title: "Как выгрузить".into(), markdown: "  1. Откройте".into()
        });
        round_trip(SignIn { email: "buh@romashka.test".into(), password: "correct horse".into() });
        round_trip(PasswordChange { old_password: "correct horse".into(), new_password: "battery staple".into() });
        round_trip(NewPassword { password: "battery staple".into() });
        round_trip(SetDisabled { disabled: true });
        round_trip(BuyerRequisites { kpp: Some("770701001".into()), address: "Москва, Лесная, 5".into() });
        round_trip(BuyerRequisites { kpp: None, address: "Москва".into() });
        let seller = serde_json::json!({"name": "ООО «Часовой банк»", "inn": "7707083893", "kpp": "770701001",
            "address": "Москва, Тверская, 1", "bank_name": "ПАО Сбербанк", "bik": "044525225",
            "account": "40702810938000012345", "corr_account": "30101810400000000225", "phone": "+7 495 123-45-67",
            "email": "sales@hourbank.test"});
        round_trip(read::<crate::documents::SellerChange>(&seller).unwrap());
        round_trip(crate::admin::NewUser {
            email: "new@romashka.test".into(),
            name: "Пётр Новиков".into(),
            role: hourbank_domain::Role::Client,
            org_id: Some(1),
            phone: Some("+7 900 000-00-01".into()),
            password: "long enough pass".into(),
        });
        round_trip(crate::admin::NewUser {
            email: "anna@hourbank.test".into(),
            name: "Анна".into(),
            role: hourbank_domain::Role::Analyst,
            org_id: None,
            phone: None,
            password: "long enough pass".into(),
        });
    }

    #[cfg(feature = "server")]
    #[test]
    fn a_new_organisation_reads_back_as_written() {
        let vat = hourbank_domain::Vat::OnTop(hourbank_domain::VatRate::GENERAL);
        let day = |text: &str| hourbank_domain::parse_date("d", text).unwrap();
        round_trip(crate::orgs::NewOrg {
            name: "ООО «Ромашка»".into(),
            inn: "7707083893".into(),
            contract_start: day("2026-01-01"),
            contract_end: Some(day("2027-12-31")),
            tariff_name: "Старт".into(),
            tariff: hourbank_domain::Tariff::start(),
            vat,
            analyst_id: Some(2),
            warranty_days: 60,
        });
        round_trip(crate::orgs::NewOrg {
            name: "ИП Иванов".into(),
            inn: "500100732259".into(),
            contract_start: day("2026-01-01"),
            contract_end: None,
            tariff_name: "Старт".into(),
            tariff: hourbank_domain::Tariff::start(),
            vat: hourbank_domain::Vat::None,
            analyst_id: None,
            warranty_days: 30,
        });
    }

    #[cfg(feature = "server")]
    #[test]
    fn a_new_tariff_reads_back_as_written() {
        let mut terms = hourbank_domain::Tariff::start();
        terms.set_field("monthly_fee", "45000.50").unwrap();
        round_trip(crate::admin::NewTariff { name: "Бизнес".into(), terms, warranty_days: None });
        round_trip(crate::admin::NewTariff {
            name: "Бизнес".into(),
            terms: hourbank_domain::Tariff::start(),
            warranty_days: Some(60),
        });
    }

    #[test]
    fn every_bad_field_is_named_at_once_unknown_ones_last() {
        let body = serde_json::json!({"date": "2026-13-01", "hours": "0", "colour": "red"});
        let fields: Vec<String> = read::<LogWork>(&body).unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["date", "hours", "description", "colour"]);
        let future = serde_json::json!({"date": "2999-01-01", "hours": "1", "description": "x"});
        let mut reading = start::<LogWork>(&future).unwrap();
        assert_eq!(reading.draft.date, NaiveDate::from_ymd_opt(2999, 1, 1));
        reading.push(FieldError::new("date", Problem::Rule(Rule::InTheFuture)));
        assert_eq!(reading.finish().unwrap_err().0[0].field, "date");
        assert_eq!(
            read::<NewTask>(&serde_json::json!([1])).unwrap_err(),
            Invalid::one("body", Problem::WrongType(hourbank_domain::Expected::Object))
        );
        let unknown = read::<Transition>(&serde_json::json!({"action": "fly"})).unwrap_err();
        assert_eq!(unknown.0[0].field, "action");
    }

    /// A field refused by the reader (too long) is named once, not also as missing by the
    /// domain's check that saw no value.
    #[test]
    fn a_refused_field_has_one_message() {
        let seller = serde_json::json!({"name": "ООО «Часовой банк»", "inn": "7707083893", "kpp": "770701001",
            "address": "М".repeat(501), "bank_name": "ПАО Сбербанк", "bik": "044525225",
            "account": "40702810938000012345", "corr_account": "30101810400000000225"});
        let errors = read::<crate::documents::SellerChange>(&seller).unwrap_err().0;
        assert_eq!(errors, [FieldError::new("address", Problem::MaxChars(500))]);
    }

    /// A step's body has its own fields only: another step's is named, even when null.
    #[test]
    fn a_field_of_another_step_is_refused() {
        let approve = read::<Transition>(&serde_json::json!({"action": "approve", "comment": "ок"})).unwrap_err();
        assert_eq!(approve, Invalid::one("comment", Problem::Rule(Rule::NotForAction("approve"))));
        let reject =
            serde_json::json!({"action": "reject", "comment": "Дорого", "estimate": null, "deadline": "2027-01-01"});
        let fields: Vec<String> = read::<Transition>(&reject).unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["deadline", "estimate"]);
        let cancel = serde_json::json!({"action": "cancel", "comment": null});
        assert_eq!(read::<Transition>(&cancel).unwrap(), Transition::Cancel { comment: String::new() });
    }
}
