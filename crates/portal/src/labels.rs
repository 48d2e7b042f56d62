//! Names of states, steps and channels in the interface's two languages (Russian from the domain).

use hourbank_domain::{Action, Period, Role, TaskState};

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

/// The header's «name · role»; a shared account named after its role («Отдел продаж») is not
/// named twice.
pub fn who(name: &str, role: &str) -> String {
    if name.trim() == role {
        role.to_string()
    } else {
        format!("{name} · {role}")
    }
}

pub fn role(role: Role, lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => role.ru(),
        Lang::En => match role {
            Role::Client => "Client",
            Role::Analyst => "Analyst",
            Role::Specialist => "Specialist",
            Role::Admin => "Administrator",
            Role::Sales => "Sales",
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
        "delete" => t("Удаление", "Removed"),
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

/// What changed between an audit entry's before and after, in words: `(field, before, after)`
/// for each field the entry's after names (an update records only what it set; its before is the
/// whole record), or its before names when there is no after; a field is listed when its shown
/// value differs. Field names and values are read as people read them: «Статус: Оценена → В
/// работе», hours and amounts the Russian way, dates as `09.11.2026`.
pub fn audit_changes(
    entity: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
    lang: Lang,
) -> Vec<(String, String, String)> {
    use serde_json::Value;
    fn object(v: Option<&Value>) -> Option<Option<&serde_json::Map<String, Value>>> {
        match v {
            Some(Value::Object(map)) => Some(Some(map)),
            Some(Value::Null) | None => Some(None),
            Some(_) => None,
        }
    }
    match (object(before), object(after)) {
        (Some(b), Some(a)) => {
            let Some(named) = a.or(b) else { return Vec::new() };
            let mut keys: Vec<&String> = named.keys().collect();
            keys.sort();
            keys.into_iter()
                .map(|k| {
                    let shown =
                        |map: Option<&serde_json::Map<String, Value>>| audit_value(k, map.and_then(|m| m.get(k)), lang);
                    let field = if entity == "user" && k == "name" {
                        lang.pick("Имя", "Name").to_string()
                    } else {
                        audit_field(k, lang)
                    };
                    (field, shown(b), shown(a))
                })
                .filter(|(_, was, now)| was != now)
                .collect()
        }
        // Not objects: the whole value, before and after.
        _ => vec![(String::new(), audit_value("", before, lang), audit_value("", after, lang))],
    }
}

/// A recorded field's name in words; one we do not know is shown as it is.
fn audit_field(key: &str, lang: Lang) -> String {
    let (ru, en) = match key {
        "title" => ("Название", "Title"),
        "name" => ("Наименование", "Name"),
        "description" => ("Описание", "Description"),
        "state" => ("Статус", "State"),
        "action" => ("Шаг", "Step"),
        "billed_in" => ("В счёте за", "Billed in"),
        "assignee_id" => ("Исполнитель", "Assignee"),
        "task_id" => ("Задача", "Task"),
        "warranty_of" => ("Гарантия по задаче", "Warranty of task"),
        "org_id" => ("Организация", "Organisation"),
        "date" => ("Дата", "Date"),
        "hours" => ("Часы", "Hours"),
        "duration" => ("Длительность", "Duration"),
        "estimate" => ("Оценка", "Estimate"),
        "approved_estimate" => ("Согласованная оценка", "Approved estimate"),
        "deadline" => ("Срок", "Deadline"),
        "specification" => ("ТЗ", "Specification"),
        "topic" => ("Тема", "Topic"),
        "channel" => ("Канал", "Channel"),
        "billable" => ("К оплате", "Billable"),
        "markdown" => ("Текст", "Text"),
        "inn" => ("ИНН", "INN"),
        "kpp" => ("КПП", "KPP"),
        "address" => ("Адрес", "Address"),
        "tariff" => ("Тариф", "Tariff"),
        "contract_start" => ("Начало договора", "Contract start"),
        "contract_end" => ("Конец договора", "Contract end"),
        "email" => ("E-mail", "E-mail"),
        "role" => ("Роль", "Role"),
        "disabled" => ("Доступ", "Access"),
        "period" => ("Месяц", "Month"),
        "total" => ("Итого", "Total"),
        "monthly_fee" => ("Абонентская плата", "Monthly fee"),
        "included_hours" => ("Часов по тарифу", "Included hours"),
        "overage_rate" => ("Цена часа сверх тарифа", "Overage rate"),
        "reserve_cap" => ("Резерв, не более", "Reserve cap"),
        "trial_months" => ("Пробных месяцев", "Trial months"),
        "trial_rate" => ("Цена часа в пробный период", "Trial rate"),
        "vat" => ("НДС", "VAT"),
        "mode" => ("режим", "mode"),
        "rate" => ("ставка", "rate"),
        other => return other.to_string(),
    };
    lang.pick(ru, en).to_string()
}

/// A recorded value as the interface shows that field's values elsewhere; what does not read as
/// the field's kind is shown as it was recorded.
fn audit_value(key: &str, value: Option<&serde_json::Value>, lang: Lang) -> String {
    use hourbank_domain::format::rubles;
    use serde_json::Value;
    let text = match value {
        None | Some(Value::Null) => return "—".to_string(),
        Some(Value::Bool(yes)) if key == "disabled" => {
            return lang
                .pick(if *yes { "закрыт" } else { "открыт" }, if *yes { "disabled" } else { "enabled" })
                .to_string()
        }
        Some(Value::Bool(yes)) => {
            return lang.pick(if *yes { "да" } else { "нет" }, if *yes { "yes" } else { "no" }).to_string()
        }
        Some(Value::Object(map)) => {
            let parts: Vec<String> = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{} {}", audit_field(k, lang), audit_value(k, Some(v), lang)))
                .collect();
            return parts.join(", ");
        }
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let shown = match key {
        "state" => TaskState::parse(key, &text).ok().map(|s| state(s, lang).to_string()),
        "action" => Some(action_name(&text, lang)),
        "channel" => Some(channel(&text, lang).to_string()),
        "role" => Role::parse(key, &text).ok().map(|r| role(r, lang).to_string()),
        "period" | "billed_in" => Period::parse(key, &text).ok().map(|p| period(p, lang)),
        "date" | "deadline" | "contract_start" | "contract_end" => {
            hourbank_domain::parse_date(key, &text).ok().map(crate::format::day_text)
        }
        "hours" | "duration" | "estimate" | "approved_estimate" | "included_hours" | "reserve_cap" => {
            hourbank_domain::Hours::parse_month(key, &text).ok().map(|h| lang.hours(h))
        }
        "total" | "monthly_fee" | "overage_rate" | "trial_rate" => {
            hourbank_domain::Money::parse(key, &text).ok().map(rubles)
        }
        "task_id" | "warranty_of" | "org_id" | "assignee_id" | "analyst_id" => Some(format!("№{text}")),
        "rate" => Some(format!("{text}\u{a0}%")),
        "mode" => match text.as_str() {
            "none" => Some(lang.pick("без НДС", "no VAT")),
            "included" => Some(lang.pick("в том числе", "included")),
            "on_top" => Some(lang.pick("сверху", "on top")),
            _ => None,
        }
        .map(str::to_string),
        _ => None,
    };
    shown.unwrap_or(text)
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

    #[test]
    fn the_header_names_a_role_once() {
        assert_eq!(who("Елена Волкова", "Отдел продаж"), "Елена Волкова · Отдел продаж");
        assert_eq!(who("Отдел продаж", "Отдел продаж"), "Отдел продаж");
    }

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
        // A step records the task as it was and only what the step set.
        let before =
            serde_json::json!({"state": "estimated", "estimate": "4.5", "title": "Отчёт", "deadline": "2026-11-30"});
        let after = serde_json::json!({"state": "in_work", "action": "approve", "billed_in": null});
        assert_eq!(
            audit_changes("task", Some(&before), Some(&after), Lang::Ru),
            [
                ("Шаг".to_string(), "—".to_string(), "Согласовать оценку".to_string()),
                ("Статус".to_string(), "Оценена — ждёт согласования".to_string(), "В работе".to_string())
            ]
        );
        let created = serde_json::json!({"name": "Ромашка", "contract_start": "2027-01-01", "tariff": {"monthly_fee": "20000.00", "included_hours": "10"}, "vat": {"mode": "on_top", "rate": "22"}});
        let changes = audit_changes("org", None, Some(&created), Lang::Ru);
        assert_eq!(changes[0], ("Начало договора".to_string(), "—".to_string(), "01.01.2027".to_string()));
        assert_eq!(changes[1], ("Наименование".to_string(), "—".to_string(), "Ромашка".to_string()));
        assert_eq!(changes[2].2, "Часов по тарифу 10\u{a0}ч, Абонентская плата 20\u{a0}000,00\u{a0}₽");
        assert_eq!(changes[3], ("НДС".to_string(), "—".to_string(), "режим сверху, ставка 22\u{a0}%".to_string()));
        let logged =
            serde_json::json!({"channel": "crm_chat", "duration": "0.75", "billable": true, "date": "2026-11-09"});
        assert_eq!(
            audit_changes("consultation", None, Some(&logged), Lang::En),
            [
                ("Billable".to_string(), "—".to_string(), "yes".to_string()),
                ("Channel".to_string(), "—".to_string(), "CRM chat".to_string()),
                ("Date".to_string(), "—".to_string(), "09.11.2026".to_string()),
                ("Duration".to_string(), "—".to_string(), "0,75\u{a0}h".to_string()),
            ]
        );
        let disabled = audit_changes(
            "user",
            Some(&serde_json::json!({"disabled": false})),
            Some(&serde_json::json!({"disabled": true})),
            Lang::Ru,
        );
        assert_eq!(disabled, [("Доступ".to_string(), "открыт".to_string(), "закрыт".to_string())]);
        let user = audit_changes("user", None, Some(&serde_json::json!({"name": "Анна"})), Lang::Ru);
        assert_eq!(user[0].0, "Имя");
        // A field we do not know, and a value that does not read as its kind, show as recorded.
        let odd = audit_changes("task", None, Some(&serde_json::json!({"colour": "red", "hours": "много"})), Lang::Ru);
        assert_eq!(odd[0], ("colour".to_string(), "—".to_string(), "red".to_string()));
        assert_eq!(odd[1].2, "много");
        assert!(audit_changes("task", None, None, Lang::Ru).is_empty());
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
