//! One error type for the API, answered as `application/problem+json` (RFC 9457).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hourbank_domain::{Error as DomainError, FieldError, Problem as FieldProblem};
use serde::Serialize;

/// What the services and the store say ([`crate::Error`], mapped to a status here and only here),
/// and what only HTTP can go wrong with: the body's form, size and media type.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Service(#[from] crate::Error),
    /// The body could not be read as JSON at all.
    #[error("{0}")]
    Malformed(String),
    #[error("the body is larger than {} bytes", super::BODY_LIMIT)]
    TooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The body stopped arriving ([`super::BODY_STALL_TIMEOUT`]).
    #[error("the body stopped arriving for {} s", super::BODY_STALL_TIMEOUT.as_secs())]
    BodyStalled,
    /// A path the API has, asked with a method it does not take (its `Allow` header lists them).
    #[error("this path does not take this method; the Allow header lists the ones it takes")]
    MethodNotAllowed,
}

impl ApiError {
    /// Why a body could not be read: it stalled (its timeout is somewhere in the error's
    /// sources), or it was too large.
    pub fn unread_body(error: &(dyn std::error::Error + 'static)) -> ApiError {
        let mut source = Some(error);
        while let Some(e) = source {
            if e.is::<tower_http::timeout::TimeoutError>() {
                return ApiError::BodyStalled;
            }
            source = e.source();
        }
        ApiError::TooLarge
    }
}

/// `application/problem+json`: every error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: String,
    /// The detail in Russian, for the interface (a conflict's).
    #[serde(skip_serializing_if = "Option::is_none")]
    detail_ru: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<ProblemField>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ProblemField {
    field: String,
    message: String,
    /// The same message in Russian, for the interface.
    message_ru: String,
}

impl ApiError {
    pub const NOT_FOUND: ApiError = ApiError::Service(crate::Error::NotFound);
    pub const UNAUTHORIZED: ApiError = ApiError::Service(crate::Error::Unauthorized);
    pub const WRONG_CREDENTIALS: ApiError = ApiError::Service(crate::Error::WrongCredentials);

    pub fn invalid(field: &str, problem: FieldProblem) -> ApiError {
        crate::Error::invalid(field, problem).into()
    }

    /// A fault of ours: logged with the request's id, answered without details.
    pub fn internal(cause: String) -> ApiError {
        crate::Error::Internal(cause).into()
    }

    pub fn conflict(en: &str, ru: &str) -> ApiError {
        crate::Error::conflict(en, ru).into()
    }

    pub fn too_many_requests(retry_after: u64) -> ApiError {
        crate::Error::TooManyRequests { retry_after }.into()
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        crate::Error::from(e).into()
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
        use crate::Error;
        let (status, title) = match &self {
            ApiError::Malformed(_) => (StatusCode::BAD_REQUEST, "Malformed request"),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "Payload too large"),
            ApiError::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
            ApiError::BodyStalled => (StatusCode::REQUEST_TIMEOUT, "Request timeout"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "Method not allowed"),
            ApiError::Service(e) => match e {
                Error::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "Invalid input"),
                Error::NotFound => (StatusCode::NOT_FOUND, "Not found"),
                Error::Unauthorized | Error::WrongCredentials => (StatusCode::UNAUTHORIZED, "Unauthorized"),
                Error::Forbidden(_) => (StatusCode::FORBIDDEN, "Forbidden"),
                Error::Conflict(_) => (StatusCode::CONFLICT, "Conflict"),
                Error::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "Too many requests"),
                Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Internal error"),
            },
        };
        let errors = match &self {
            ApiError::Service(Error::Invalid(fields)) => fields
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
            ApiError::Service(Error::Invalid(fields)) => {
                fields.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            }
            ApiError::UnsupportedMediaType => "send the body as application/json".to_string(),
            ApiError::Service(Error::Internal(cause)) => {
                // The cause goes to the log (inside the request's span, with its id), not to the client.
                tracing::error!(%cause, "internal error");
                "something went wrong on our side; the request id is in the x-request-id header".to_string()
            }
            other => other.to_string(),
        };
        // Every problem says itself in Russian too: the portal shows `detail_ru` to its users.
        let detail_ru = Some(match &self {
            ApiError::Service(Error::Conflict(refusal)) => refusal.ru.clone(),
            ApiError::Service(Error::Invalid(fields)) => {
                fields.iter().map(|e| format!("{}: {}", e.field, e.problem.ru())).collect::<Vec<_>>().join("; ")
            }
            ApiError::Service(Error::NotFound) => "не найдено".to_string(),
            ApiError::Service(Error::Unauthorized) => "сначала войдите".to_string(),
            ApiError::Service(Error::WrongCredentials) => "неверный e-mail или пароль".to_string(),
            ApiError::Service(Error::Forbidden(_)) => "недостаточно прав для этого действия".to_string(),
            ApiError::Service(Error::TooManyRequests { retry_after }) => {
                format!("слишком много неудачных попыток; повторите через {retry_after} с")
            }
            ApiError::Service(Error::Internal(_)) => {
                "у нас что-то пошло не так; номер запроса — в заголовке x-request-id".to_string()
            }
            ApiError::Malformed(_) => "запрос не разобран (неверный JSON или параметры)".to_string(),
            ApiError::TooLarge => format!("тело запроса больше {} байт", super::BODY_LIMIT),
            ApiError::UnsupportedMediaType => "тело запроса отправляется как application/json".to_string(),
            ApiError::BodyStalled => {
                format!("тело запроса не приходило {} с", super::BODY_STALL_TIMEOUT.as_secs())
            }
            ApiError::MethodNotAllowed => {
                "этот адрес не принимает такой запрос (какие принимает — в заголовке Allow)".to_string()
            }
        });
        let body = Problem { kind: "about:blank", title, status: status.as_u16(), detail, detail_ru, errors };
        let json = serde_json::to_vec(&body).expect("problem serializes");
        let mut response = (status, [(header::CONTENT_TYPE, "application/problem+json")], json).into_response();
        if let ApiError::Service(Error::TooManyRequests { retry_after }) = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}
