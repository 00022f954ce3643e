//! The storage error, in domain terms.

use sea_orm::{DbErr, SqlErr};
use tawasul_core::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or state conflict, named by the domain code it means.
    #[error("conflict: {0}")]
    Conflict(ErrorCode),
    /// A field refers to something that does not exist or does not belong here.
    #[error("invalid field {field}: {code}")]
    Invalid { field: String, code: ErrorCode },
    /// Several fields are invalid against stored data (custom fields of a type).
    #[error("invalid fields")]
    Fields(tawasul_core::FieldErrors),
    #[error("database error")]
    Db(#[source] DbErr),
}

impl From<DbErr> for StorageError {
    fn from(e: DbErr) -> Self {
        StorageError::Db(e)
    }
}

impl StorageError {
    pub fn invalid(field: &str, code: ErrorCode) -> StorageError {
        StorageError::Invalid { field: field.to_owned(), code }
    }
}

/// Turns a unique-constraint violation into `Conflict(code)`, leaving other errors.
pub(crate) fn on_unique(code: ErrorCode) -> impl FnOnce(DbErr) -> StorageError {
    move |e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => StorageError::Conflict(code),
        _ => StorageError::Db(e),
    }
}
