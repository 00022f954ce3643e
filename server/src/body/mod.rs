//! Reading what a client sends, in one place: JSON bodies (`Json<T>`), query
//! strings (`Query<T>`), and the guard that ends a body trickled too slowly.
//! Every failure becomes the error envelope in the caller's language, with the
//! field named where there is one — never the text of a library.

pub mod query;
pub mod slow;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev, web};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::json;
use tawasul_core::ErrorCode;

pub use query::Query;
use tawasul_core::api::strict::{self, BodyError, Problem};

use crate::error::ApiError;
use crate::state::AppState;

/// The largest JSON body accepted.
pub const JSON_LIMIT: usize = 1 << 20;

/// A JSON request body: an object of exactly the expected shape (see `strict`).
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Json<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut dev::Payload) -> Self::Future {
        let read = Deferred::<T>::from_request(req, payload);
        Box::pin(async move { read.await?.parse().map(Json) })
    }
}

/// A JSON body read but not yet parsed: a route that must first check who may
/// act takes this, so that a caller without the right learns nothing about
/// the body's expected shape. `parse` gives what `Json<T>` would have.
pub struct Deferred<T> {
    read: Result<Bytes, ApiError>,
    _shape: std::marker::PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Deferred<T> {
    pub fn parse(self) -> Result<T, ApiError> {
        parse(&self.read?)
    }
}

impl<T: 'static> FromRequest for Deferred<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Deferred<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut dev::Payload) -> Self::Future {
        let is_json = is_json(req);
        let timeout = req.app_data::<web::Data<AppState>>().map(|s| s.settings.body_timeout());
        let payload = payload.take();
        Box::pin(async move {
            let read = if is_json {
                read_to_end(payload, JSON_LIMIT, timeout.unwrap_or(Duration::from_secs(30))).await
            } else {
                Err(ApiError::new(ErrorCode::UnsupportedMediaType))
            };
            Ok(Deferred { read, _shape: std::marker::PhantomData })
        })
    }
}

/// `application/json`, or any `application/…+json`.
fn is_json(req: &HttpRequest) -> bool {
    let Some(ct) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Reads a whole body of at most `limit` bytes within `within`.
pub async fn read_to_end(mut payload: dev::Payload, limit: usize, within: Duration) -> Result<Bytes, ApiError> {
    let read = async {
        let mut buf = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(payload_error)?;
            if buf.len() + chunk.len() > limit {
                return Err(ApiError::new(ErrorCode::PayloadTooLarge).with_details(json!({ "limit_bytes": limit })));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    };
    tokio::time::timeout(within, read).await.unwrap_or_else(|_| Err(ApiError::new(ErrorCode::RequestTimeout)))
}

/// A failure while reading a body: the slow-body guard's timeout, or the
/// client breaking the body off.
pub fn payload_error(e: actix_web::error::PayloadError) -> ApiError {
    if slow::is_timeout(&e) { ApiError::new(ErrorCode::RequestTimeout) } else { ApiError::new(ErrorCode::Malformed) }
}

/// Parses a JSON body into `T`: broken JSON is 400 (with where it broke), a
/// body that is not an object is 400, a value of the wrong shape is 422
/// naming the field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        let at = json!({ "line": e.line(), "column": e.column() });
        match e.classify() {
            serde_json::error::Category::Eof if bytes.iter().all(u8::is_ascii_whitespace) => {
                ApiError::new(ErrorCode::BodyNotObject)
            }
            _ => ApiError::new(ErrorCode::Malformed).with_details(at),
        }
    })?;
    if !value.is_object() {
        return Err(ApiError::new(ErrorCode::BodyNotObject));
    }
    strict::from_value(&value).map_err(body_error)
}

/// The envelope of a body that does not fit its type.
pub fn body_error(e: BodyError) -> ApiError {
    let field = e.field();
    let code = match e.problem {
        Problem::Missing(_) => ErrorCode::MissingField,
        Problem::Unknown(_) => ErrorCode::UnknownField,
        Problem::Invalid => ErrorCode::InvalidField,
        Problem::TooDeep => ErrorCode::TooDeep,
    };
    if field.is_empty() { ApiError::new(code) } else { ApiError::field(&field, code) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Note {
        #[serde(default)]
        note: Option<String>,
    }

    fn code_and_field(body: &[u8]) -> (&'static str, Option<String>) {
        let e = parse::<Note>(body).unwrap_err();
        (e.code.as_str(), e.field_name())
    }

    #[test]
    fn every_wrong_body_has_its_code_and_field() {
        assert!(parse::<Note>(b"{}").is_ok());
        assert_eq!(code_and_field(b"[]"), ("request.not_an_object", None));
        assert_eq!(code_and_field(b""), ("request.not_an_object", None));
        assert_eq!(code_and_field(b"null"), ("request.not_an_object", None));
        assert_eq!(code_and_field(b"{"), ("request.malformed", None));
        assert_eq!(code_and_field(b"{\"note\": 5}"), ("request.invalid_field", Some("note".into())));
        assert_eq!(code_and_field(b"{\"nope\": 5}"), ("request.unknown_field", Some("nope".into())));
    }
}
