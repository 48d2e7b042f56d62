//! The error of the store and the services: what went wrong in business terms, with no HTTP in
//! it. `http` maps it to a status and an `application/problem+json` answer (`ApiError`); the CLI
//! and the demo loader print it.

use hourbank_domain::{Error as DomainError, FieldError, Problem, Refusal, Rule};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input was read but is not valid: one entry per field.
    #[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    /// No live session.
    #[error("sign in first")]
    Unauthorized,
    #[error("wrong email or password")]
    WrongCredentials,
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the current state (an illegal transition, a duplicate): why, in
    /// English and in Russian.
    #[error("{0}")]
    Conflict(Refusal),
    #[error("too many failed sign-ins; try again in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    /// A fault of ours or of the database: logged, never shown in detail.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &str, problem: Problem) -> Error {
        Error::Invalid(vec![FieldError::new(field, problem)])
    }

    /// A conflict, said in English and in Russian.
    pub fn conflict(en: impl Into<String>, ru: impl Into<String>) -> Error {
        Error::Conflict(Refusal::new(en, ru))
    }
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::Invalid(vec![e])
    }
}

impl From<hourbank_api::Invalid> for Error {
    fn from(invalid: hourbank_api::Invalid) -> Error {
        Error::Invalid(invalid.0)
    }
}

impl From<DomainError> for Error {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(field) => Error::Invalid(vec![field]),
            DomainError::Transition(refusal) => Error::Conflict(refusal),
        }
    }
}

/// A unique constraint names the field that repeats what is stored; anything else is ours.
impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if let Some(constraint) = crate::db::violated_constraint(&e) {
            return match constraint.as_str() {
                "users_email_key" => Error::invalid("email", Problem::Rule(Rule::AlreadyTaken)),
                "orgs_inn_key" => Error::invalid("inn", Problem::Rule(Rule::AlreadyRegistered)),
                "tariffs_name_key" => Error::invalid("name", Problem::Rule(Rule::AlreadyTaken)),
                other => Error::conflict(
                    format!("conflicts with existing data ({other})"),
                    format!("противоречит уже сохранённым данным ({other})"),
                ),
            };
        }
        Error::Internal(format!("database: {e}"))
    }
}
