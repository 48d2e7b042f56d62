//! One error type for the API, answered as `application/problem+json` (RFC 9457).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hourbank_domain::{Error as DomainError, FieldError, Problem as FieldProblem};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The input was read but is not valid: 422 with one entry per field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The body could not be read as JSON at all.
    #[error("{0}")]
    Malformed(String),
    #[error("the body is larger than {} bytes", super::BODY_LIMIT)]
    TooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("not found")]
    NotFound,
    #[error("sign in first")]
    Unauthorized,
    #[error("wrong email or password")]
    WrongCredentials,
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the current state (an illegal transition, a duplicate).
    #[error("{0}")]
    Conflict(String),
    #[error("too many failed sign-ins; try again in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    /// Logged with the request's id, answered without details.
    #[error("internal error")]
    Internal(String),
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<ProblemField>,
}

#[derive(Serialize)]
struct ProblemField {
    field: String,
    message: String,
    /// The same message in Russian, for the interface.
    message_ru: String,
}

impl ApiError {
    pub fn invalid(field: &str, problem: FieldProblem) -> ApiError {
        ApiError::Invalid(vec![FieldError::new(field, problem)])
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        use crate::Error;
        match e {
            Error::Invalid(fields) => ApiError::Invalid(fields),
            Error::NotFound => ApiError::NotFound,
            Error::Unauthorized => ApiError::Unauthorized,
            Error::WrongCredentials => ApiError::WrongCredentials,
            Error::Forbidden(why) => ApiError::Forbidden(why),
            Error::Conflict(why) => ApiError::Conflict(why),
            Error::TooManyRequests { retry_after } => ApiError::TooManyRequests { retry_after },
            Error::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::Invalid(vec![e])
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        crate::Error::from(e).into()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        crate::Error::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, title) = match &self {
            ApiError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "Invalid input"),
            ApiError::Malformed(_) => (StatusCode::BAD_REQUEST, "Malformed request"),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "Payload too large"),
            ApiError::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "Not found"),
            ApiError::Unauthorized | ApiError::WrongCredentials => (StatusCode::UNAUTHORIZED, "Unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "Forbidden"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "Conflict"),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "Too many requests"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Internal error"),
        };
        let errors = match &self {
            ApiError::Invalid(fields) => fields
                .iter()
                .map(|e| ProblemField {
                    field: e.field.clone(),
                    message: e.problem.to_string(),
                    message_ru: e.problem.ru(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let detail = match &self {
            ApiError::Invalid(fields) => fields.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            ApiError::UnsupportedMediaType => "send the body as application/json".to_string(),
            ApiError::Internal(cause) => {
                // The cause goes to the log (inside the request's span, with its id), not to the client.
                tracing::error!(%cause, "internal error");
                "something went wrong on our side; the request id is in the x-request-id header".to_string()
            }
            other => other.to_string(),
        };
        let body = Problem { kind: "about:blank", title, status: status.as_u16(), detail, errors };
        let json = serde_json::to_vec(&body).expect("problem serializes");
        let mut response = (status, [(header::CONTENT_TYPE, "application/problem+json")], json).into_response();
        if let ApiError::TooManyRequests { retry_after } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}
