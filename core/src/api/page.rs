//! List pagination: `?limit=` (default 50, at most 200) and an opaque `?cursor=`.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, FieldErrors};

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items to return: default 50, at most 200.
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A validated page request. The cursor is the last id of the previous page
/// (ids are time-ordered UUIDv7), so pages stay stable while rows are added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u64,
    pub after: Option<uuid::Uuid>,
}

impl PageQuery {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 200;

    pub fn parse(&self) -> Result<PageRequest, FieldErrors> {
        let mut errors = FieldErrors::default();
        let limit = match self.limit {
            None => Some(Self::DEFAULT_LIMIT),
            Some(0) => errors.check("limit", Err(ErrorCode::InvalidField)),
            Some(n) => Some(n.min(Self::MAX_LIMIT)),
        };
        let after = match &self.cursor {
            None => Some(None),
            Some(c) => errors.check("cursor", uuid::Uuid::parse_str(c).map(Some).map_err(|_| ErrorCode::InvalidField)),
        };
        errors.finish(limit.zip(after).map(|(limit, after)| PageRequest { limit: u64::from(limit), after }))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row, if present, only
    /// says that there is a next page.
    pub fn from_rows(mut rows: Vec<T>, limit: u64, id_of: impl Fn(&T) -> uuid::Uuid) -> Page<T> {
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more { rows.last().map(|r| id_of(r).to_string()) } else { None };
        Page { items: rows, next_cursor }
    }
}
