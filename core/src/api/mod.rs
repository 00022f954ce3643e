//! The JSON request and response types of the HTTP API, shared by the server and
//! the clients. Requests arrive as plain strings and are parsed here, field by
//! field, into validated domain values; every invalid field is reported at once.

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod meetings;
pub mod my_calendar;
pub mod notices;
pub mod org;
pub mod page;
pub mod search;
pub mod stats;
pub mod strict;
pub mod transactions;

pub use audit::*;
pub use auth::*;
pub use calendar::*;
pub use meetings::*;
pub use my_calendar::*;
pub use notices::*;
pub use org::*;
pub use page::*;
pub use search::*;
pub use stats::*;
pub use transactions::*;

use crate::error::{ErrorCode, FieldErrors};

/// A parsed optional field: absent stays `None`, present must be valid.
pub(crate) fn optional<T>(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, ErrorCode>,
) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(s) => errors.check(field, parse(s)).map(Some),
    }
}
