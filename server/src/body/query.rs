//! Query strings read with the same rules as bodies: only the parameters the
//! endpoint has, each once, numbers and booleans parsed from their text, and a
//! wrong one named in the localized envelope (`limit=-5` says `limit`).

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tawasul_core::ErrorCode;

use tawasul_core::api::strict;

use super::body_error;
use crate::error::ApiError;

pub struct Query<T>(pub T);

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Query<T>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut dev::Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Query))
    }
}

/// Parses a query string into `T`.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query).map_err(|_| ApiError::new(ErrorCode::Malformed))?;
    let mut map = Map::new();
    for (key, value) in pairs {
        if map.insert(key.clone(), Value::String(value)).is_some() {
            return Err(ApiError::field(&key, ErrorCode::InvalidField));
        }
    }
    let object = Value::Object(map);
    strict::from_text_object(&object).map_err(body_error)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Q {
        limit: Option<u32>,
        late: Option<bool>,
        year: Option<i32>,
        q: Option<String>,
    }

    fn field_of(query: &str) -> (&'static str, Option<String>) {
        let e = parse::<Q>(query).unwrap_err();
        (e.code.as_str(), e.field_name())
    }

    #[test]
    fn numbers_booleans_and_text() {
        let q: Q = parse("limit=20&late=true&year=1448&q=%D8%B1%D8%AE%D8%B5%D8%A9").unwrap();
        assert_eq!(q, Q { limit: Some(20), late: Some(true), year: Some(1448), q: Some("رخصة".into()) });
        assert_eq!(parse::<Q>("").unwrap(), Q { limit: None, late: None, year: None, q: None });
    }

    #[test]
    fn wrong_parameters_are_named() {
        assert_eq!(field_of("limit=-5"), ("request.invalid_field", Some("limit".into())));
        assert_eq!(field_of("limit=many"), ("request.invalid_field", Some("limit".into())));
        assert_eq!(field_of("late=maybe"), ("request.invalid_field", Some("late".into())));
        assert_eq!(field_of("limit=1&limit=2"), ("request.invalid_field", Some("limit".into())));
        assert_eq!(field_of("colour=red"), ("request.unknown_field", Some("colour".into())));
    }
}
