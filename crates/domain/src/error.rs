//! One error type for the whole domain: every bad input names the field it came from.

/// What is wrong with a value, independent of where it came from. Each problem is a code; its
/// words in English (`Display`) and Russian (`ru`) are written here, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing,
    NotANumber(String),
    /// `20.000` or `20,000`: thousands the way the offer writes them («20.000 руб.»), or a
    /// decimal with three places? Read the other way, the amount is a thousand times off.
    AmbiguousThousands(String),
    Negative,
    TooManyDecimals,
    TooLarge {
        max: String,
    },
    NotWhole,
    BadDate(String),
    BadPeriod(String),
    /// A date (or month) before the contract's start, which is given.
    BeforeStart(chrono::NaiveDate),
    PastContractEnd(String),
    UnknownField,
    UnknownValue {
        given: String,
        expected: String,
    },
    WrongType(Expected),
    /// A count below its least.
    AtLeast(u32),
    /// A text over its length, in characters.
    MaxChars(usize),
    /// A body that is not JSON: the parser's words.
    BadJson(String),
    /// A rule of the API's (organisations, accounts, requisites, the calendar).
    Rule(Rule),
    /// Words from elsewhere, as written: a parser's message, or the browser's own text already in
    /// the interface's language. Never matched to find a translation.
    Other(String),
}

/// What a field of the wrong JSON type should have been, named in either language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Text,
    Object,
    Date,
    Number,
    PositiveWhole,
    Days,
    HourList,
    Bool,
    MeOrUser,
}

impl Expected {
    pub fn words(self, ru: bool) -> &'static str {
        let (en, ru_words) = match self {
            Expected::Text => ("a string", "строка"),
            Expected::Object => ("a JSON object", "объект JSON"),
            Expected::Date => ("a date string YYYY-MM-DD", "дата строкой ГГГГ-ММ-ДД"),
            Expected::Number => ("a number or a string holding one", "число или строка с числом"),
            Expected::PositiveWhole => ("a positive whole number", "целое число больше нуля"),
            Expected::Days => ("a whole number of days, 0 or more", "целое число дней, от 0"),
            Expected::HourList => ("an array of hour counts", "массив часов по месяцам"),
            Expected::Bool => ("true or false", "true или false"),
            Expected::MeOrUser => ("\"me\" or a user's id", "«me» или номер пользователя"),
        };
        if ru {
            ru_words
        } else {
            en
        }
    }
}

impl std::error::Error for Problem {}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Rule(rule) => f.write_str(&rule.words(false)),
            Problem::BadJson(e) => write!(f, "invalid JSON: {e}"),
            other => f.write_str(&other.browser_words(false)),
        }
    }
}

impl Problem {
    /// The same message in Russian, for the interface (Russian first).
    pub fn ru(&self) -> String {
        match self {
            Problem::Rule(rule) => rule.ru(),
            Problem::BadJson(e) => format!("неверный JSON: {e}"),
            other => other.browser_words(true),
        }
    }

    /// The words of a problem the browser's own checks can find, in Russian or English: every
    /// problem but the API's rules (`Rule`) and a body that is not JSON, which the calculator
    /// never meets and whose words (two kilobytes) it leaves out of its pages by calling this
    /// instead of `ru` or `Display`.
    pub fn browser_words(&self, ru: bool) -> String {
        let en = |text: &str| text.to_string();
        if !ru {
            return match self {
                Problem::Missing => en("is required"),
                Problem::NotANumber(s) => format!("is not a number: {s:?}"),
                Problem::AmbiguousThousands(s) => {
                    format!("is ambiguous: {s:?} — write thousands without a dot or comma")
                }
                Problem::Negative => en("must not be negative"),
                Problem::TooManyDecimals => en("must have at most two decimal places"),
                Problem::TooLarge { max } => format!("must be at most {max}"),
                Problem::NotWhole => en("must be a whole number"),
                Problem::BadDate(s) => format!("is not a valid date (expected YYYY-MM-DD): {s:?}"),
                Problem::BadPeriod(s) => format!("is not a valid period (expected YYYY-MM): {s:?}"),
                Problem::BeforeStart(day) => format!("must not be before the contract's start ({day})"),
                Problem::PastContractEnd(s) => format!("is past the contract's end in {s}"),
                Problem::UnknownField => en("unknown field"),
                Problem::UnknownValue { given, expected } => {
                    format!("unknown value {given:?}, expected one of: {expected}")
                }
                Problem::WrongType(t) => format!("must be {}", t.words(false)),
                Problem::AtLeast(n) => format!("must be at least {}", *n),
                Problem::MaxChars(n) => format!("must be at most {} characters", *n),
                Problem::Rule(_) | Problem::BadJson(_) => en("is not valid"),
                Problem::Other(s) => s.clone(),
            };
        }
        match self {
            Problem::Missing => "обязательное поле".into(),
            Problem::NotANumber(s) => format!("не число: «{s}»"),
            Problem::AmbiguousThousands(s) => format!("неоднозначно: «{s}» — тысячи пишите без точки и запятой"),
            Problem::Negative => "не может быть отрицательным".into(),
            Problem::TooManyDecimals => "не более двух знаков после запятой".into(),
            Problem::TooLarge { max } => format!("не больше {max}"),
            Problem::NotWhole => "должно быть целым числом".into(),
            Problem::BadDate(s) => format!("неверная дата (ожидается ГГГГ-ММ-ДД): «{s}»"),
            Problem::BadPeriod(s) => format!("неверный период (ожидается ГГГГ-ММ): «{s}»"),
            Problem::BeforeStart(day) => {
                // By hand, not `chrono`'s `format`: its formatting machinery would weigh on every page.
                use chrono::Datelike;
                format!("не может быть раньше начала договора ({:02}.{:02}.{})", day.day(), day.month(), day.year())
            }
            Problem::PastContractEnd(s) => format!("после окончания договора ({s})"),
            Problem::UnknownField => "неизвестное поле".into(),
            Problem::UnknownValue { given, expected } => {
                format!("неизвестное значение «{given}», допустимо: {expected}")
            }
            Problem::WrongType(t) => format!("неверный тип: ожидается {}", t.words(true)),
            Problem::AtLeast(n) => format!("должно быть не меньше {}", *n),
            Problem::MaxChars(n) => format!("не длиннее {} символов", *n),
            Problem::Rule(_) | Problem::BadJson(_) => "неверное значение".into(),
            Problem::Other(s) => s.clone(),
        }
    }
}

/// The API's rules, by code (the server's and the API crate's checks; the portal shows them). The
/// calculator never meets them: it names problems with `Problem::browser_words`, which leaves
/// their words out of its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    WrongCheckDigit,
    DigitsOnly,
    InnLength,
    /// `N` digits exactly.
    Digits(usize),
    KppForm,
    BikStart,
    CorrAccountStart,
    GreaterThanZero,
    MoreThanZero,
    FromOneTo(u64),
    MinChars(usize),
    MaxMonths(usize),
    TwelveMultipliers,
    NoMonths,
    NotYourOrganisation,
    NoSuchOrganisation,
    InTheFuture,
    /// A deadline set on a day that has gone.
    InThePast,
    /// A contract's date outside 2000–2099 (a year typed wrong: its months would run off).
    YearsOfThisCentury,
    /// A deadline further ahead than this many years: a mistyped year, most likely.
    WithinYears(u32),
    /// A day's work dated before its task was made (and before the contract began).
    BeforeTheTask,
    NotAnEmail,
    NotAPhone,
    ClientWithoutOrganisation,
    OrganisationOfStaff,
    BuiltInTariffName,
    /// An organisation's tariff named as one of the catalogue, with other terms.
    CatalogueTermsDiffer,
    AlreadyTaken,
    AlreadyRegistered,
    KeyForm,
    KeyReused,
    NotAnAnalyst,
    NotSpecialistOrAnalyst,
    TrialConsultation,
    NotCurrentPassword,
    DisablingOneself,
    Malformed,
    /// A parameter given twice in one query string.
    GivenTwice,
    /// A field of another step of the workflow than the one asked for (`comment` with `approve`).
    NotForAction(&'static str),
    /// A day in this closed month.
    ClosedMonth(crate::period::Period),
    /// A warranty that ended on this day.
    WarrantyEnded(Option<chrono::NaiveDate>),
    /// A person's day holds at most 24 h: this many are logged already, this many are left.
    DayFull {
        logged: crate::units::Hours,
        left: crate::units::Hours,
    },
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.words(false))
    }
}

impl Rule {
    pub fn ru(&self) -> String {
        self.words(true)
    }

    fn words(&self, ru: bool) -> String {
        let pick = |ru_text: &str, en: &str| if ru { ru_text.to_string() } else { en.to_string() };
        match self {
            Rule::WrongCheckDigit => pick("неверная контрольная цифра", "has a wrong check digit"),
            Rule::DigitsOnly => pick("только цифры", "must contain digits only"),
            Rule::InnLength => {
                pick("10 цифр у организации или 12 у ИП", "must have 10 digits (a company) or 12 (a sole trader)")
            }
            Rule::Digits(n) => {
                if ru {
                    format!("ровно {n} цифр")
                } else {
                    format!("must be {n} digits")
                }
            }
            Rule::KppForm => pick(
                "9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры",
                "must be 9 characters: 4 digits, 2 digits or capital letters, 3 digits",
            ),
            Rule::BikStart => pick("должен начинаться с 04", "must start with 04"),
            Rule::CorrAccountStart => pick("должен начинаться с 301", "must start with 301"),
            Rule::GreaterThanZero => pick("должно быть больше 0", "must be greater than 0"),
            Rule::MoreThanZero => pick("должно быть больше 0", "must be more than 0"),
            Rule::FromOneTo(n) => {
                if ru {
                    format!("от 1 до {n}")
                } else {
                    format!("must be from 1 to {n}")
                }
            }
            Rule::MinChars(n) => {
                if ru {
                    format!("не короче {n} символов")
                } else {
                    format!("must have at least {n} characters")
                }
            }
            Rule::MaxMonths(n) => {
                if ru {
                    format!("не больше {n} месяцев")
                } else {
                    format!("must list at most {n} months")
                }
            }
            Rule::TwelveMultipliers => {
                pick("нужно ровно 12 множителей, с января", "needs exactly 12 multipliers, January first")
            }
            Rule::NoMonths => pick("нужен хотя бы один месяц", "needs at least one month"),
            Rule::NotYourOrganisation => pick("это не ваша организация", "is not your organisation"),
            Rule::NoSuchOrganisation => pick("такой организации нет", "no such organisation"),
            Rule::InTheFuture => pick("не может быть в будущем", "must not be in the future"),
            Rule::InThePast => pick("уже прошёл", "has already passed"),
            Rule::YearsOfThisCentury => pick("год — от 2000 до 2099", "must be in the years 2000 to 2099"),
            Rule::WithinYears(n) => {
                if ru {
                    format!("не позже чем через {n} лет")
                } else {
                    format!("must be within {n} years")
                }
            }
            Rule::BeforeTheTask => pick("раньше, чем появилась задача", "is before the task was made"),
            Rule::NotAnEmail => pick("это не адрес электронной почты", "is not an email address"),
            Rule::NotAPhone => pick("это не номер телефона", "is not a phone number"),
            Rule::ClientWithoutOrganisation => {
                pick("клиент должен относиться к организации", "a client belongs to an organisation")
            }
            Rule::OrganisationOfStaff => {
                pick("к организации относятся только клиенты", "only clients belong to an organisation")
            }
            Rule::BuiltInTariffName => pick("так называется встроенный тариф", "is the built-in tariff's name"),
            Rule::CatalogueTermsDiffer => pick(
                "так называется тариф каталога, а условия другие: назовите их иначе",
                "is a catalogue tariff's name, and the terms differ: name them otherwise",
            ),
            Rule::AlreadyTaken => pick("уже занято", "is already taken"),
            Rule::AlreadyRegistered => pick("уже зарегистрирован", "is already registered"),
            Rule::KeyForm => pick("от 1 до 200 видимых символов", "must be 1 to 200 visible characters"),
            Rule::KeyReused => pick("уже использован для другого запроса", "was already used for a different request"),
            Rule::NotAnAnalyst => pick("это не аналитик", "is not an analyst"),
            Rule::NotSpecialistOrAnalyst => pick("это не специалист и не аналитик", "is not a specialist or analyst"),
            Rule::TrialConsultation => {
                pick("в пробный период консультации не оплачиваются", "a consultation in the trial is not billed")
            }
            Rule::NotCurrentPassword => pick("это не ваш текущий пароль", "is not your current password"),
            Rule::DisablingOneself => pick(
                "администратор не может отключить свою учётную запись",
                "an admin cannot disable their own account",
            ),
            Rule::Malformed => pick("неверно записан", "is malformed"),
            Rule::GivenTwice => pick("указан дважды", "is given twice"),
            Rule::NotForAction(action) => {
                if ru {
                    format!("не относится к действию {action}")
                } else {
                    format!("is not part of {action}")
                }
            }
            Rule::ClosedMonth(p) => {
                if ru {
                    format!("приходится на закрытый месяц {p}")
                } else {
                    format!("falls in {p}, a closed month")
                }
            }
            Rule::DayFull { logged, left } => {
                if ru {
                    let h = crate::format::hours;
                    format!("за день не больше 24\u{a0}ч: уже записано {}, можно ещё {}", h(*logged), h(*left))
                } else {
                    format!("at most 24 h a day: {logged} h logged already, {left} h left")
                }
            }
            Rule::WarrantyEnded(day) => {
                use chrono::Datelike;
                let day = day
                    .map(|d| if ru { format!("{:02}.{:02}.{}", d.day(), d.month(), d.year()) } else { d.to_string() })
                    .unwrap_or_default();
                if ru {
                    format!("закончилась {day}")
                } else {
                    format!("ended on {day}")
                }
            }
        }
    }
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

/// Why a step cannot be taken now, in English (the API's `detail`) and in Russian (what the
/// portal shows a Russian reader). Displays as the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub en: String,
    pub ru: String,
}

impl Refusal {
    pub fn new(en: impl Into<String>, ru: impl Into<String>) -> Refusal {
        Refusal { en: en.into(), ru: ru.into() }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// The domain's error: every variant names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// A state-machine step that is not allowed from the current state or for this role.
    #[error("{0}")]
    Transition(Refusal),
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
    fn problems_read_in_either_language_by_code() {
        assert_eq!(Problem::MaxChars(200).ru(), "не длиннее 200 символов");
        assert_eq!(Problem::MaxChars(200).to_string(), "must be at most 200 characters");
        assert_eq!(Problem::AtLeast(1).ru(), "должно быть не меньше 1");
        let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 2).unwrap();
        assert_eq!(Problem::BeforeStart(start).ru(), "не может быть раньше начала договора (02.01.2027)");
        assert_eq!(Problem::BeforeStart(start).to_string(), "must not be before the contract's start (2027-01-02)");
        // What a field should have been is named in the reader's language too.
        assert_eq!(Problem::WrongType(Expected::Text).ru(), "неверный тип: ожидается строка");
        assert_eq!(Problem::WrongType(Expected::Text).to_string(), "must be a string");
        assert_eq!(Problem::WrongType(Expected::Bool).ru(), "неверный тип: ожидается true или false");
        // Free text is shown as written, in whatever language it was written in.
        assert_eq!(Problem::Other("все месяцы по 0 ч".into()).ru(), "все месяцы по 0 ч");
    }

    #[test]
    fn the_api_rules_read_in_either_language() {
        let closed = Problem::Rule(Rule::ClosedMonth(crate::period::Period::parse("p", "2026-10").unwrap()));
        assert_eq!(closed.ru(), "приходится на закрытый месяц 2026-10");
        assert_eq!(closed.to_string(), "falls in 2026-10, a closed month");
        assert_eq!(Problem::Rule(Rule::WrongCheckDigit).ru(), "неверная контрольная цифра");
        assert_eq!(Problem::Rule(Rule::WrongCheckDigit).to_string(), "has a wrong check digit");
    }

    /// No English phrase is written into `Problem::Other` by the domain or the server any more:
    /// their messages are codes (`Problem::Rule`), translated where they are written.
    #[test]
    fn the_domain_and_the_server_write_no_free_english_problems() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut found = Vec::new();
        for dir in ["crates/domain/src", "crates/server/src", "crates/api/src"] {
            let mut stack = vec![root.join(dir)];
            while let Some(path) = stack.pop() {
                for entry in std::fs::read_dir(&path).expect("source folder").flatten() {
                    let p = entry.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|e| e == "rs") && !p.ends_with("error.rs") {
                        let text = std::fs::read_to_string(&p).expect("source");
                        for marker in ["Problem::Other(\"", "Problem::Other(format!(\""] {
                            if text.contains(marker) {
                                found.push(p.display().to_string());
                            }
                        }
                    }
                }
            }
        }
        assert!(found.is_empty(), "English free-text problems (write a Rule instead):\n{}", found.join("\n"));
    }
}
