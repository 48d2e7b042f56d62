//! Names of states, steps and channels in the interface's two languages (Russian from the domain).

use hourbank_domain::{Action, TaskState};

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

pub const CHANNELS: [&str; 3] = ["phone", "crm_chat", "mobile_app"];

pub fn channel(code: &str, lang: Lang) -> &'static str {
    match (code, lang) {
        ("phone", Lang::Ru) => "Телефон",
        ("phone", Lang::En) => "Phone",
        ("crm_chat", Lang::Ru) => "CRM-чат",
        ("crm_chat", Lang::En) => "CRM chat",
        ("mobile_app", Lang::Ru) => "Мобильное приложение",
        ("mobile_app", Lang::En) => "Mobile app",
        (_, _) => "—",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
