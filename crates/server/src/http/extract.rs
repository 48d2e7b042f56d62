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
        if super::declared_too_large(req.headers()) {
            return Err(ApiError::TooLarge);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge
            } else if matches!(ApiError::unread_body(&rejection), ApiError::BodyStalled) {
                ApiError::BodyStalled
            } else {
                ApiError::Malformed(rejection.body_text())
            }
        })?;
        let value = serde_json::from_slice(&bytes).map_err(|e| ApiError::Malformed(format!("invalid JSON: {e}")))?;
        // serde_json keeps the last of a repeated name: `{"hours": "1", "hours": "100"}` would
        // be read as whichever one a proxy, a log or a reviewer did not look at.
        serde_json::from_slice::<NamesOnce>(&bytes).map_err(|e| ApiError::Malformed(format!("invalid JSON: {e}")))?;
        Ok(JsonBody(value))
    }
}

/// JSON read only to check that no object names a member twice (at any depth).
struct NamesOnce;

impl<'de> serde::Deserialize<'de> for NamesOnce {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NamesOnceVisitor)
    }
}

struct NamesOnceVisitor;

impl<'de> serde::de::Visitor<'de> for NamesOnceVisitor {
    type Value = NamesOnce;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    // With `arbitrary_precision` a number arrives as a one-member map holding its text: read
    // like any other map, it has no repeated name.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<NamesOnce, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            map.next_value::<NamesOnce>()?;
            if !seen.insert(name.clone()) {
                return Err(serde::de::Error::custom(format!("the field \"{name}\" is given twice")));
            }
        }
        Ok(NamesOnce)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<NamesOnce, A::Error> {
        while seq.next_element::<NamesOnce>()?.is_some() {}
        Ok(NamesOnce)
    }

    fn visit_bool<E>(self, _: bool) -> Result<NamesOnce, E> {
        Ok(NamesOnce)
    }
    fn visit_i64<E>(self, _: i64) -> Result<NamesOnce, E> {
        Ok(NamesOnce)
    }
    fn visit_u64<E>(self, _: u64) -> Result<NamesOnce, E> {
        Ok(NamesOnce)
    }
    fn visit_f64<E>(self, _: f64) -> Result<NamesOnce, E> {
        Ok(NamesOnce)
    }
    fn visit_str<E>(self, _: &str) -> Result<NamesOnce, E> {
        Ok(NamesOnce)
    }
    fn visit_unit<E>(self) -> Result<NamesOnce, E> {
        Ok(NamesOnce)
    }
}

/// A query string read into `T` (a struct of optional numbers and texts) by our own reader
/// ([`read_query`]), every bad parameter answered in our problem shape, naming it.
pub struct Query<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        read_query(parts.uri.query().unwrap_or(""))
            .map(Query)
            .map_err(|QueryError { field, problem }| ApiError::invalid(&field, problem))
    }
}

/// Reads a query string into `T` with a deserializer of our own, so that a bad parameter comes
/// out as a typed problem naming it (not a parser's English sentence to pick apart). A parameter
/// with an empty value (`?org=&month=`, as an HTML form sends a blank field) is one not given.
pub fn read_query<T: serde::de::DeserializeOwned>(query: &str) -> Result<T, QueryError> {
    let pairs = form_urlencoded::parse(query.as_bytes())
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect::<Vec<_>>();
    T::deserialize(query_reader::Params(pairs))
}

/// A query parameter that could not be read, and why.
#[derive(Debug, PartialEq)]
pub struct QueryError {
    pub field: String,
    pub problem: Problem,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for QueryError {}

impl serde::de::Error for QueryError {
    /// Only a query type with a field this reader cannot fill (a map, a float) gets here.
    fn custom<M: std::fmt::Display>(message: M) -> Self {
        QueryError { field: "query".into(), problem: Problem::Other(message.to_string()) }
    }

    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
        QueryError { field: field.into(), problem: Problem::UnknownField }
    }

    fn duplicate_field(field: &'static str) -> Self {
        QueryError { field: field.into(), problem: Problem::Rule(Rule::GivenTwice) }
    }

    fn missing_field(field: &'static str) -> Self {
        QueryError { field: field.into(), problem: Problem::Missing }
    }
}

/// The deserializer behind [`read_query`]: the parameters as a map, each value a text or a
/// number.
mod query_reader {
    use serde::de::value::StringDeserializer;
    use serde::de::{DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
    use serde::forward_to_deserialize_any;

    use super::QueryError;
    use hourbank_domain::Problem;

    pub struct Params(pub Vec<(String, String)>);

    impl<'de> Deserializer<'de> for Params {
        type Error = QueryError;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
            visitor.visit_map(Entries { entries: self.0.into_iter(), value: None })
        }

        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
        }
    }

    struct Entries {
        entries: std::vec::IntoIter<(String, String)>,
        value: Option<(String, String)>,
    }

    impl<'de> MapAccess<'de> for Entries {
        type Error = QueryError;

        fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, QueryError> {
            let Some((name, value)) = self.entries.next() else { return Ok(None) };
            let key: StringDeserializer<QueryError> = name.clone().into_deserializer();
            let key = seed.deserialize(key)?;
            self.value = Some((name, value));
            Ok(Some(key))
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, QueryError> {
            let (field, text) = self.value.take().expect("a value follows its key");
            seed.deserialize(Value { field, text })
        }
    }

    /// One parameter's value, which knows its parameter's name for the error.
    struct Value {
        field: String,
        text: String,
    }

    impl Value {
        fn number<N: std::str::FromStr>(self) -> Result<N, QueryError> {
            self.text.parse().map_err(|_| QueryError { problem: Problem::NotANumber(self.text), field: self.field })
        }
    }

    macro_rules! numbers {
        ($($method:ident => $visit:ident),*) => {$(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
                visitor.$visit(self.number()?)
            }
        )*};
    }

    impl<'de> Deserializer<'de> for Value {
        type Error = QueryError;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
            visitor.visit_string(self.text)
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
            visitor.visit_some(self)
        }

        // Every number type, so that a query type with any of them names the parameter when its
        // value is not one (forwarded, serde's type error would name only the query).
        numbers!(deserialize_i8 => visit_i8, deserialize_i16 => visit_i16, deserialize_i32 => visit_i32,
                 deserialize_i64 => visit_i64, deserialize_u8 => visit_u8, deserialize_u16 => visit_u16,
                 deserialize_u32 => visit_u32, deserialize_u64 => visit_u64, deserialize_f64 => visit_f64);

        forward_to_deserialize_any! {
            bool i128 u128 f32 char str string bytes byte_buf unit unit_struct
            newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct List {
        org: Option<i64>,
        q: Option<String>,
        limit: Option<u32>,
        page: Option<u16>,
    }

    fn problem(query: &str) -> (String, Problem) {
        let e = read_query::<List>(query).unwrap_err();
        (e.field, e.problem)
    }

    #[test]
    fn reads_numbers_and_words_and_skips_blank_parameters() {
        assert_eq!(read_query::<List>("").unwrap(), List { org: None, q: None, limit: None, page: None });
        assert_eq!(
            read_query::<List>("org=-7&q=%D0%B0%D0%BA%D1%82+2026&limit=5").unwrap(),
            List { org: Some(-7), q: Some("акт 2026".into()), limit: Some(5), page: None }
        );
        // As an HTML form sends a blank field: not given.
        assert_eq!(read_query::<List>("org=&q=&limit=").unwrap(), List { org: None, q: None, limit: None, page: None });
    }

    #[test]
    fn each_bad_parameter_is_a_typed_problem_naming_it() {
        assert_eq!(problem("org=abc"), ("org".into(), Problem::NotANumber("abc".into())));
        assert_eq!(
            problem("org=99999999999999999999"),
            ("org".into(), Problem::NotANumber("99999999999999999999".into()))
        );
        assert_eq!(problem("limit=-1"), ("limit".into(), Problem::NotANumber("-1".into())));
        assert_eq!(problem("page=x"), ("page".into(), Problem::NotANumber("x".into())));
        assert_eq!(problem("colour=red"), ("colour".into(), Problem::UnknownField));
        assert_eq!(problem("org=1&org=2"), ("org".into(), Problem::Rule(Rule::GivenTwice)));
        // The Russian words come from the problem, never from a parser's English.
        assert_eq!(problem("org=1&org=2").1.ru(), "указан дважды");
    }
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
