//! Our own JSON extractor, so malformed, mistyped and oversize bodies get our error shape
//! instead of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use hourbank_domain::{Problem, Rule};
use serde_json::Value;

use super::ApiError;

/// A JSON body parsed to a `Value`, exact numbers kept (serde_json `arbitrary_precision`);
/// handlers read fields from it with the domain's parsers, which name the field on error.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge
            } else {
                ApiError::Malformed(rejection.body_text())
            }
        })?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| ApiError::Malformed(format!("invalid JSON: {e}")))
    }
}

/// `axum::extract::Query` answering bad query strings in our problem shape, naming the parameter.
pub struct Query<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        // A parameter with an empty value (`?org=&month=`, as an HTML form sends a blank field) is
        // a parameter not given: such a query is read without them (most have none, and are read
        // as they came).
        let pairs = || form_urlencoded::parse(query.as_bytes());
        let without_blanks = pairs().any(|(_, value)| value.is_empty()).then(|| {
            let given = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs().filter(|(_, value)| !value.is_empty()))
                .finish();
            format!("/?{given}").parse::<axum::http::Uri>()
        });
        let uri = match without_blanks {
            Some(rebuilt) => &rebuilt.map_err(|_| ApiError::invalid("query", Problem::Rule(Rule::Malformed)))?,
            None => &parts.uri,
        };
        axum::extract::Query::<T>::try_from_uri(uri)
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|rejection| query_error(&rejection.body_text(), query))
    }
}

/// A query-string rejection as a field error naming its parameter: axum says
/// "Failed to deserialize query string: limit: invalid digit found in string".
fn query_error(text: &str, query: &str) -> ApiError {
    let detail = text.strip_prefix("Failed to deserialize query string: ").unwrap_or(text);
    if let Some(rest) = detail.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("query");
        return ApiError::invalid(name, Problem::UnknownField);
    }
    let Some((field, message)) = detail
        .split_once(": ")
        .filter(|(field, _)| !field.is_empty() && field.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    else {
        return ApiError::invalid("query", Problem::Other(detail.to_string()));
    };
    let given =
        || form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == field).map(|(_, v)| v.into_owned());
    let problem = if message.contains("invalid digit") || message.contains("number") || message.contains("integer") {
        Problem::NotANumber(given().unwrap_or_default())
    } else {
        Problem::Other(message.to_string())
    };
    ApiError::invalid(field, problem)
}

/// `axum::extract::Path` answering a malformed path segment (`/tasks/abc`) as 404 in our shape:
/// no such resource exists, whatever the segment says.
pub struct Path<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|_| ApiError::NOT_FOUND)
    }
}
