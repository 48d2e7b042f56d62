//! One error type for the API, answered as `application/problem+json` (RFC 9457).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use hourbank_domain::FieldError;
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

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::Invalid(vec![e])
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, title, errors) = match &self {
            ApiError::Invalid(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid input",
                fields
                    .iter()
                    .map(|e| ProblemField {
                        field: e.field.clone(),
                        message: e.problem.to_string(),
                        message_ru: e.problem.ru(),
                    })
                    .collect(),
            ),
            ApiError::Malformed(_) => (StatusCode::BAD_REQUEST, "Malformed request", Vec::new()),
            ApiError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type", Vec::new())
            }
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "Payload too large", Vec::new()),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "Not found", Vec::new()),
        };
        let detail = match &self {
            ApiError::Invalid(fields) => fields.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            ApiError::UnsupportedMediaType => "send the body as application/json".to_string(),
            other => other.to_string(),
        };
        let body = Problem { kind: "about:blank", title, status: status.as_u16(), detail, errors };
        let json = serde_json::to_vec(&body).expect("problem serializes");
        (status, [(header::CONTENT_TYPE, "application/problem+json")], json).into_response()
    }
}
