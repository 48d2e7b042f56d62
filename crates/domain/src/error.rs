//! One error type for the whole domain: every bad input names the field it came from.

/// What is wrong with a value, independent of where it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("is required")]
    Missing,
    #[error("is not a number: {0:?}")]
    NotANumber(String),
    #[error("must not be negative")]
    Negative,
    #[error("must have at most two decimal places")]
    TooManyDecimals,
    #[error("must be at most {max}")]
    TooLarge { max: String },
    #[error("must be a whole number")]
    NotWhole,
    #[error("is not a valid date (expected YYYY-MM-DD): {0:?}")]
    BadDate(String),
    #[error("is not a valid period (expected YYYY-MM): {0:?}")]
    BadPeriod(String),
    #[error("must not be before {0}")]
    Before(String),
    #[error("is past the contract's end in {0}")]
    PastContractEnd(String),
    #[error("unknown field")]
    UnknownField,
    #[error("unknown value {given:?}, expected one of: {expected}")]
    UnknownValue { given: String, expected: String },
    #[error("must be {0}")]
    WrongType(&'static str),
    #[error("{0}")]
    Other(String),
}

impl Problem {
    /// The same message in Russian, for the interface (Russian first).
    pub fn ru(&self) -> String {
        match self {
            Problem::Other(s) => other_ru(s),
            p => p.ru_as_written(),
        }
    }

    /// The Russian message, with a free text (`Other`) as written: for the browser's own checks,
    /// whose free texts are already in the interface's language. It leaves out the table of
    /// Russian for the server's English texts, 1.3 kB of the calculator page's wasm.
    pub fn ru_as_written(&self) -> String {
        match self {
            Problem::Missing => "обязательное поле".into(),
            Problem::NotANumber(s) => format!("не число: «{s}»"),
            Problem::Negative => "не может быть отрицательным".into(),
            Problem::TooManyDecimals => "не более двух знаков после запятой".into(),
            Problem::TooLarge { max } => format!("не больше {max}"),
            Problem::NotWhole => "должно быть целым числом".into(),
            Problem::BadDate(s) => format!("неверная дата (ожидается ГГГГ-ММ-ДД): «{s}»"),
            Problem::BadPeriod(s) => format!("неверный период (ожидается ГГГГ-ММ): «{s}»"),
            Problem::Before(s) => format!("не может быть раньше {s}"),
            Problem::PastContractEnd(s) => format!("после окончания договора ({s})"),
            Problem::UnknownField => "неизвестное поле".into(),
            Problem::UnknownValue { given, expected } => {
                format!("неизвестное значение «{given}», допустимо: {expected}")
            }
            Problem::WrongType(t) => format!("неверный тип: ожидается {t}"),
            Problem::Other(s) => s.clone(),
        }
    }
}

/// Russian for the free-text problems written in English by the domain and the server (fixed
/// phrases, some ending in a number or a period). Texts already in Russian (the calculator's) and
/// texts from elsewhere (a query-string parser's message) pass through unchanged.
/// `every_english_message_has_russian` keeps this table complete.
fn other_ru(text: &str) -> String {
    const FIXED: [(&str, &str); 27] = [
        ("has a wrong check digit", "неверная контрольная цифра"),
        ("must contain digits only", "только цифры"),
        ("must have 10 digits (a company) or 12 (a sole trader)", "10 цифр у организации или 12 у ИП"),
        ("must be greater than 0", "должно быть больше 0"),
        ("must be more than 0", "должно быть больше 0"),
        ("is not your organisation", "это не ваша организация"),
        ("no such organisation", "такой организации нет"),
        ("must not be in the future", "не может быть в будущем"),
        ("is not an email address", "это не адрес электронной почты"),
        ("is not a phone number", "это не номер телефона"),
        ("a client belongs to an organisation", "клиент должен относиться к организации"),
        ("only clients belong to an organisation", "к организации относятся только клиенты"),
        ("is the built-in tariff's name", "так называется встроенный тариф"),
        ("is already taken", "уже занято"),
        ("is already registered", "уже зарегистрирован"),
        ("must be 1 to 200 visible characters", "от 1 до 200 видимых символов"),
        ("was already used for a different request", "уже использован для другого запроса"),
        ("is not an analyst", "это не аналитик"),
        ("is not a specialist or analyst", "это не специалист и не аналитик"),
        ("needs exactly 12 multipliers, January first", "нужно ровно 12 множителей, с января"),
        ("needs at least one month", "нужен хотя бы один месяц"),
        ("a consultation in the trial is not billed", "в пробный период консультации не оплачиваются"),
        (
            "must be 9 characters: 4 digits, 2 digits or capital letters, 3 digits",
            "9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры",
        ),
        ("must start with 04", "должен начинаться с 04"),
        ("must start with 301", "должен начинаться с 301"),
        ("is not your current password", "это не ваш текущий пароль"),
        ("an admin cannot disable their own account", "администратор не может отключить свою учётную запись"),
    ];
    if let Some((_, ru)) = FIXED.iter().find(|(en, _)| *en == text) {
        return (*ru).to_string();
    }
    // Phrases with a number or a period at the end.
    const PREFIXED: [(&str, &str, &str); 8] = [
        ("must be at most ", " characters", "не длиннее {} символов"),
        ("must have at least ", " characters", "не короче {} символов"),
        ("must list at most ", " months", "не больше {} месяцев"),
        ("must be from 1 to ", "", "от 1 до {}"),
        ("falls in ", ", a closed month", "приходится на закрытый месяц {}"),
        ("invalid JSON: ", "", "неверный JSON: {}"),
        ("ended on ", "", "закончилась {}"),
        ("must be ", " digits", "ровно {} цифр"),
    ];
    for (prefix, suffix, ru) in PREFIXED {
        if let Some(middle) = text.strip_prefix(prefix).and_then(|rest| rest.strip_suffix(suffix)) {
            return ru.replace("{}", middle);
        }
    }
    text.to_string()
}

/// A bad value and the field it was given in, e.g. `months[1]: must not be negative`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self { field: field.into(), problem }
    }

    /// The same problem reported on another field (a cross-field rule naming the field to fix).
    pub fn under_field(self, field: &str) -> Self {
        FieldError { field: field.to_string(), problem: self.problem }
    }

    /// The same error with its field placed under `parent` (`tariff` + `monthly_fee`).
    pub fn under(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_string()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

/// The domain's error: every variant names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// A state-machine step that is not allowed from the current state or for this role.
    #[error("{0}")]
    Transition(String),
}

impl Error {
    pub fn invalid(field: impl Into<String>, problem: Problem) -> Self {
        Error::Invalid(FieldError::new(field, problem))
    }

    /// The field this error names, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid(e) => Some(&e.field),
            Error::Transition(_) => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_problems_read_in_russian() {
        assert_eq!(Problem::Other("has a wrong check digit".into()).ru(), "неверная контрольная цифра");
        assert_eq!(Problem::Other("must be at most 200 characters".into()).ru(), "не длиннее 200 символов");
        assert_eq!(
            Problem::Other("falls in 2026-10, a closed month".into()).ru(),
            "приходится на закрытый месяц 2026-10"
        );
        assert_eq!(Problem::Other("все месяцы по 0 ч".into()).ru(), "все месяцы по 0 ч");
        assert_eq!(Problem::Other("has a wrong check digit".into()).to_string(), "has a wrong check digit");
    }

    fn fill_placeholders(format: &str, value: &str) -> String {
        let mut out = String::new();
        let mut rest = format;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            out.push_str(value);
            rest = rest[open..].find('}').map_or("", |close| &rest[open + close + 1..]);
        }
        out + rest
    }

    /// Every English phrase the code base writes into `Problem::Other` has its Russian: scans the
    /// domain's and the server's sources for the literals, so a new message cannot be forgotten.
    #[test]
    fn every_english_message_has_russian() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut missing = Vec::new();
        let mut files = Vec::new();
        for dir in ["crates/domain/src", "crates/server/src"] {
            let mut stack = vec![root.join(dir)];
            while let Some(path) = stack.pop() {
                for entry in std::fs::read_dir(&path).expect("source folder").flatten() {
                    let p = entry.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|e| e == "rs") {
                        files.push(p);
                    }
                }
            }
        }
        assert!(files.len() > 10, "found the sources");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source");
            for marker in ["Problem::Other(\"", "Problem::Other(format!(\"", "bad(\""] {
                for (at, _) in text.match_indices(marker) {
                    let rest = &text[at + marker.len()..];
                    let literal = &rest[..rest.find('"').expect("closing quote")];
                    // A formatted value (`{max_chars}`, `{period}`) is checked with a sample in its place.
                    let sample = fill_placeholders(literal, "7");
                    let english = sample.chars().any(|c| c.is_ascii_alphabetic())
                        && !sample.chars().any(|c| ('а'..='я').contains(&c));
                    if english && !literal.contains("{e}") && other_ru(&sample) == sample {
                        missing.push(format!("{}: {literal:?}", file.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "English problems without Russian:\n{}", missing.join("\n"));
    }
}
