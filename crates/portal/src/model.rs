//! What the API answers, as the portal reads it: the `hourbank-api` crate's types, the same ones
//! the server writes, and what the portal says about them.

pub use hourbank_api::*;

/// What the portal says about an error answer.
pub trait ProblemText {
    fn message(&self, lang: crate::i18n::Lang) -> String;
}

impl ProblemText for Problem {
    /// One line for the user: the field messages when there are any (Russian when the server
    /// gave them), else a plain sentence for the status, with the server's detail where it says
    /// more than the status does.
    fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        if !self.errors.is_empty() {
            let fields = self.by_field(lang == Lang::Ru);
            return fields.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; ");
        }
        let plain = match self.status {
            403 => lang.pick("Недостаточно прав для этого действия.", "You are not allowed to do this."),
            404 => lang.pick("Не найдено (или нет доступа).", "Not found (or not yours to see)."),
            409 => lang.pick("Сейчас это действие недоступно", "This cannot be done now"),
            413 => lang.pick("Слишком большой объём данных.", "Too much data."),
            429 => lang.pick("Слишком много попыток; попробуйте позже.", "Too many attempts; try again later."),
            500..=599 => lang.pick("Ошибка на сервере; попробуйте позже.", "A server error; try again later."),
            _ => "",
        };
        let detail = match (lang, &self.detail_ru) {
            (Lang::Ru, Some(ru)) => ru,
            _ => &self.detail,
        };
        match (plain, self.status) {
            ("", _) if detail.is_empty() => self.title.clone(),
            ("", _) => detail.clone(),
            // The detail of a conflict says why («сначала закройте октябрь 2026»).
            (plain, 409) if !detail.is_empty() => format!("{plain}: {detail}"),
            (plain, _) => plain.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hourbank_domain::{Hours, MonthStatement, Role, Tariff, TaskState};

    /// Shapes taken from the running server's demo data (`GET /me`, `/tasks/{id}`, `/reports/{p}`).
    #[test]
    fn reads_what_the_server_writes() {
        let me: Me = hourbank_api::json::from_str(r#"{"email":"buh@romashka.demo","id":7,"name":"Елена Васильева","org":{"analyst":{"email":"anna@hourbank.demo","id":2,"name":"Анна Смирнова","phone":"+7 900 100-20-30"},"analyst_id":2,"contract_end":null,"contract_start":"2025-11-01","id":1,"inn":"7707083893","name":"ООО «Ромашка»","tariff":{"included_hours":"10","monthly_fee":"20000.00","overage_rate":"2000.00","reserve_cap":"10","trial_months":2,"trial_rate":"2000.00"},"tariff_name":"Старт","vat":{"mode":"none","rate":null}},"role":"client","role_ru":"Клиент"}"#).unwrap();
        assert_eq!(me.role, Role::Client);
        let org = me.org.unwrap();
        assert_eq!(org.tariff, Tariff::start());
        assert_eq!(org.analyst.unwrap().phone.as_deref(), Some("+7 900 100-20-30"));

        let detail: TaskDetail = hourbank_api::json::from_str(r#"{"allowed_actions":["accept","return"],"can_log_work":false,"events":[{"action":"estimate","at":"2026-11-09T12:00:00.000Z","comment":null,"from_state":"new","to_state":"estimated","user_id":2,"user_name":"Анна Смирнова"}],"state_ru":"На тестировании","task":{"accepted_at":null,"accepted_period":null,"approved_estimate":"4.5","created_at":"2026-11-09T09:00:00.000Z","created_by":7,"deadline":"2026-11-23","description":"d","estimate":"4.5","id":37,"logged":"3.5","org_id":1,"specification":"ТЗ","state":"testing","title":"t","updated_at":"2026-11-09T17:00:00.000Z"},"worklogs":[{"date":"2026-11-10","description":"Анализ","hours":"2.25","id":74,"task_id":37,"user_id":2,"user_name":"Анна Смирнова"}]}"#).unwrap();
        assert_eq!(detail.task.state, TaskState::Testing);
        assert_eq!(detail.task.approved_estimate, Some(Hours::from_centi(4_50)));
        // A copy saved before tasks had assignees reads as unassigned; a current one names them.
        assert_eq!((detail.task.assignee_id, detail.task.assignee_name.as_deref()), (None, None));
        let assigned: Task = hourbank_api::json::from_str(r#"{"accepted_at":null,"accepted_period":null,"approved_estimate":null,"assignee_id":4,"assignee_name":"Иван Петров","created_at":"2026-11-09T09:00:00.000Z","created_by":7,"deadline":null,"description":"d","estimate":null,"id":38,"logged":"0","org_id":1,"specification":null,"state":"new","title":"t","updated_at":"2026-11-09T09:00:00.000Z"}"#).unwrap();
        assert_eq!((assigned.assignee_id, assigned.assignee_name.as_deref()), (Some(4), Some("Иван Петров")));

        let problem: Problem = hourbank_api::json::from_str(r#"{"type":"about:blank","title":"Invalid input","status":422,"detail":"title: is required","errors":[{"field":"title","message":"is required","message_ru":"обязательное поле"}]}"#).unwrap();
        assert_eq!(problem.by_field(true)["title"], "обязательное поле");
        assert_eq!(problem.by_field(false)["title"], "is required");
        assert_eq!(problem.message(crate::i18n::Lang::Ru), "title: обязательное поле");
        let not_found = Problem {
            status: 404,
            title: "Not found".into(),
            detail: "not found".into(),
            detail_ru: None,
            errors: vec![],
        };
        assert_eq!(not_found.message(crate::i18n::Lang::Ru), "Не найдено (или нет доступа).");
        let conflict = Problem {
            status: 409,
            title: "Conflict".into(),
            detail: "close 2026-10 first".into(),
            detail_ru: None,
            errors: vec![],
        };
        assert_eq!(conflict.message(crate::i18n::Lang::En), "This cannot be done now: close 2026-10 first");
        // A Russian reader gets the server's Russian detail, an English one the English.
        let conflict =
            Problem { detail_ru: Some("сначала закройте октябрь 2026".into()), ..conflict };
        assert_eq!(
            conflict.message(crate::i18n::Lang::Ru),
            "Сейчас это действие недоступно: сначала закройте октябрь 2026"
        );
        assert_eq!(conflict.message(crate::i18n::Lang::En), "This cannot be done now: close 2026-10 first");
        let teapot =
            Problem { status: 418, title: "Teapot".into(), detail: String::new(), detail_ru: None, errors: vec![] };
        assert_eq!(teapot.message(crate::i18n::Lang::Ru), "Teapot");
    }

    /// The report's statement reads back into the domain's row, which explains it.
    #[test]
    fn the_servers_statement_is_the_domains_row() {
        let row = r#"{"period":"2026-11","phase":"subscription","hours":"4","fee":"20000.00","included_used":"4","reserve_start":"0","reserve_used":"0","reserve_end":"6","reserve_forfeited":"0","extra_hours":"0","extra_rate":"2000.00","extra_charge":"0.00","total":"20000.00","vat":"0.00","total_with_vat":"20000.00","contract_ends":false}"#;
        let month: MonthStatement = hourbank_api::json::from_str(row).unwrap();
        assert_eq!(month.reserve_end, Hours::whole(6));
        assert!(hourbank_domain::statement::conserves_hours(&Tariff::start(), &month));
        assert_eq!(hourbank_web::explain::explain(&month), "4\u{a0}ч по тарифу; 6\u{a0}ч ушли в резерв");
        let broken = row.replace(r#""total":"20000.00""#, r#""total":"lots""#);
        let e = hourbank_api::json::from_str::<MonthStatement>(&broken).unwrap_err().to_string();
        assert!(e.contains("is not a number: \"lots\""), "{e}");
    }
}
