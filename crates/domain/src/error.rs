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
