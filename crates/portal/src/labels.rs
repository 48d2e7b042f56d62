//! Names of states, steps and channels in the interface's two languages (Russian from the domain).

use hourbank_domain::{Action, Period, TaskState};

use crate::i18n::Lang;

pub fn state(state: TaskState, lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => state.ru(),
        Lang::En => match state {
            TaskState::New => "New",
            TaskState::Estimated => "Estimate awaiting approval",
            TaskState::InWork => "In work",
            TaskState::Testing => "Testing",
            TaskState::Accepted => "Accepted",
            TaskState::Cancelled => "Cancelled",
        },
    }
}

pub fn action(action: Action, lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => action.ru(),
        Lang::En => match action {
            Action::Estimate => "Estimate",
            Action::Approve => "Approve the estimate",
            Action::Reject => "Reject the estimate",
            Action::SubmitForTesting => "Submit for testing",
            Action::Accept => "Accept",
            Action::Return => "Return to work",
            Action::Cancel => "Cancel",
            Action::WriteOff => "Write the work off",
        },
    }
}

/// A step's name from the API (`approve`), in words; unknown names are shown as they are.
pub fn action_name(name: &str, lang: Lang) -> String {
    match Action::parse("action", name) {
        Ok(a) => action(a, lang).to_string(),
        Err(_) if name == "create" => lang.pick("Создана", "Created").to_string(),
        Err(_) => name.to_string(),
    }
}

/// What an audit entry records, in words: «Согласовать оценку — задача №79».
pub fn audit_what(action: &str, entity: &str, entity_id: Option<i64>, lang: Lang) -> String {
    let t = |ru: &'static str, en: &'static str| lang.pick(ru, en).to_string();
    let action = match action {
        "create" => t("Создание", "Created"),
        "update" => t("Изменение", "Changed"),
        "close" => t("Закрытие месяца", "Month closed"),
        "sign_in" => t("Вход", "Signed in"),
        "sign_out" => t("Выход", "Signed out"),
        "end_session" => t("Завершение сеанса", "Session ended"),
        "set_password" => t("Новый пароль", "Password set"),
        "disable" => t("Доступ закрыт", "Access disabled"),
        "enable" => t("Доступ открыт", "Access enabled"),
        "assign" => t("Назначение исполнителя", "Assigned"),
        other => action_name(other, lang),
    };
    let entity = match entity {
        "task" => t("задача", "task"),
        "worklog" => t("запись работ", "work log"),
        "consultation" => t("консультация", "consultation"),
        "instruction" => t("инструкция", "instruction"),
        "org" => t("организация", "organisation"),
        "report" => t("отчёт", "report"),
        "seller" => t("реквизиты продавца", "seller's requisites"),
        "session" => t("сеанс", "session"),
        "tariff" => t("тариф", "tariff"),
        "user" => t("пользователь", "user"),
        other => other.to_string(),
    };
    match entity_id {
        Some(id) => format!("{action} — {entity} №{id}"),
        None => format!("{action} — {entity}"),
    }
}

/// What changed between an audit entry's before and after: `(field, before, after)` for each
/// field whose value differs, in field order; text values without their JSON quotes.
pub fn audit_changes(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Vec<(String, String, String)> {
    use serde_json::Value;
    let text = |v: Option<&Value>| match v {
        None | Some(Value::Null) => "—".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let empty = serde_json::Map::new();
    let fields = |v: Option<&Value>| match v {
        Some(Value::Object(map)) => Some(map.clone()),
        Some(Value::Null) | None => Some(empty.clone()),
        Some(_) => None,
    };
    match (fields(before), fields(after)) {
        (Some(b), Some(a)) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| b.get(*k) != a.get(*k))
                .map(|k| (k.clone(), text(b.get(k)), text(a.get(k))))
                .collect()
        }
        // Not objects: the whole value, before and after.
        _ => vec![(String::new(), text(before), text(after))],
    }
}

/// A month in the interface's language: «ноябрь 2026», "November 2026" (the API sends the month's
/// code, `2026-11`).
pub fn period(period: Period, lang: Lang) -> String {
    hourbank_web::table::period_in(period, lang)
}

pub use hourbank_api::consultations::CHANNELS;

pub fn channel(code: &str, lang: Lang) -> &'static str {
    let name = match lang {
        Lang::Ru => hourbank_api::consultations::channel_ru(code),
        Lang::En => hourbank_api::consultations::channel_en(code),
    };
    name.unwrap_or("—")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Months and channels come from the API as codes and are named in the reader's language.
    #[test]
    fn months_and_channels_in_either_language() {
        let november = Period::parse("period", "2026-11").unwrap();
        assert_eq!(period(november, Lang::Ru), "ноябрь 2026");
        assert_eq!(period(november, Lang::En), "November 2026");
        assert_eq!((channel("crm_chat", Lang::Ru), channel("crm_chat", Lang::En)), ("CRM-чат", "CRM chat"));
    }

    #[test]
    fn audit_entries_read_as_words_and_changes() {
        assert_eq!(audit_what("approve", "task", Some(79), Lang::Ru), "Согласовать оценку — задача №79");
        assert_eq!(audit_what("create", "user", Some(7), Lang::En), "Created — user №7");
        assert_eq!(audit_what("sign_in", "session", None, Lang::Ru), "Вход — сеанс");
        let before = serde_json::json!({"state": "estimated", "estimate": "4.5", "title": "Отчёт"});
        let after =
            serde_json::json!({"state": "in_work", "estimate": "4.5", "title": "Отчёт", "approved_estimate": "4.5"});
        assert_eq!(
            audit_changes(Some(&before), Some(&after)),
            [
                ("approved_estimate".to_string(), "—".to_string(), "4.5".to_string()),
                ("state".to_string(), "estimated".to_string(), "in_work".to_string())
            ]
        );
        let created = serde_json::json!({"name": "Ромашка", "vat": {"mode": "none"}});
        let changes = audit_changes(None, Some(&created));
        assert_eq!(changes[0], ("name".to_string(), "—".to_string(), "Ромашка".to_string()));
        assert_eq!(changes[1].2, "{\"mode\":\"none\"}");
        assert!(audit_changes(None, None).is_empty());
    }

    #[test]
    fn every_state_and_step_has_both_names() {
        for s in TaskState::ALL {
            assert!(!state(s, Lang::Ru).is_empty() && !state(s, Lang::En).is_empty());
            assert_ne!(state(s, Lang::Ru), state(s, Lang::En));
        }
        for a in Action::ALL {
            assert_eq!(action_name(a.as_str(), Lang::En), action(a, Lang::En));
        }
        assert_eq!(action_name("create", Lang::Ru), "Создана");
        for c in CHANNELS {
            assert_ne!(channel(c, Lang::Ru), "—");
        }
    }
}
