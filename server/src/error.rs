//! `ApiError`: the one error type of the HTTP layer and its envelope
//! `{"error": {"code", "message", "details"}}`, in the caller's language.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;
use tawasul_core::policy::Denied;
use tawasul_core::{ErrorCode, ErrorKind, FieldErrors, Lang};
use tawasul_storage::StorageError;

use crate::lang::current_lang;

pub struct ApiError {
    pub code: ErrorCode,
    pub details: Option<serde_json::Value>,
    fields: Option<FieldErrors>,
    retry_after: Option<u64>,
    /// What really happened, for the log only.
    cause: Option<anyhow::Error>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode) -> ApiError {
        ApiError { code, details: None, fields: None, retry_after: None, cause: None }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> ApiError {
        self.details = Some(details);
        self
    }

    pub fn retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }

    /// An unexpected failure: the client sees a sanitised 500, the log the cause.
    pub fn internal(cause: impl Into<anyhow::Error>) -> ApiError {
        ApiError { cause: Some(cause.into()), ..ApiError::new(ErrorCode::Internal) }
    }

    /// The first invalid field named, if any.
    pub fn field_name(&self) -> Option<String> {
        self.fields.as_ref().and_then(|f| f.0.first()).map(|f| f.field.clone())
    }

    pub fn field(field: &str, code: ErrorCode) -> ApiError {
        let mut f = FieldErrors::default();
        f.push(field, code);
        f.into()
    }

    pub fn status(&self) -> StatusCode {
        status_of(self.code.kind())
    }

    /// The error's message in `lang`.
    pub fn message(&self, lang: Lang) -> &'static str {
        self.code.message(lang)
    }

    /// Each field the error names, with its message in `lang`: what a form
    /// shows beside the field and in its error summary.
    pub fn field_messages(&self, lang: Lang) -> Vec<(String, &'static str)> {
        self.fields.iter().flat_map(|f| f.0.iter()).map(|e| (e.field.clone(), e.code.message(lang))).collect()
    }

    fn body(&self, lang: Lang) -> serde_json::Value {
        let mut details = self.details.clone();
        if let Some(fields) = &self.fields {
            let first = fields.0.first().map(|f| f.field.clone());
            details = Some(json!({ "field": first, "fields": fields.to_bodies(lang) }));
        }
        let mut error = json!({ "code": self.code.as_str(), "message": self.code.message(lang) });
        if let Some(d) = details {
            error["details"] = d;
        }
        json!({ "error": error })
    }
}

pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Malformed => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::UnsupportedMedia => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Timeout => StatusCode::REQUEST_TIMEOUT,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(c) = &self.cause {
            write!(f, ": {c:?}")?;
        }
        Ok(())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(self.code.kind())
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(cause) = &self.cause {
            tracing::error!(error = ?cause, "request failed unexpectedly");
        }
        let mut res = HttpResponse::build(self.status_code());
        if let Some(s) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, HeaderValue::from(s)));
        }
        if self.code.kind() == ErrorKind::Unauthenticated {
            res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        res.json(self.body(current_lang()))
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> ApiError {
        ApiError::new(code)
    }
}

impl From<FieldErrors> for ApiError {
    fn from(f: FieldErrors) -> ApiError {
        ApiError { fields: Some(f.clone()), ..ApiError::new(f.primary_code()) }
    }
}

impl From<Denied> for ApiError {
    fn from(_: Denied) -> ApiError {
        ApiError::new(ErrorCode::Forbidden)
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> ApiError {
        match e {
            StorageError::NotFound => ApiError::new(ErrorCode::NotFound),
            StorageError::Conflict(code) => ApiError::new(code),
            StorageError::Invalid { field, code } => ApiError::field(&field, code),
            StorageError::Fields(f) => f.into(),
            StorageError::Db(e) => ApiError::internal(e),
        }
    }
}

impl From<tawasul_storage::DbErr> for ApiError {
    fn from(e: tawasul_storage::DbErr) -> ApiError {
        ApiError::internal(e)
    }
}
