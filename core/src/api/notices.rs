//! The in-app notices of the caller (`GET /api/v1/me/notifications`, an
//! extension of API.md): what the notifier kept for them to read in the
//! application, newest first, with how many are unread.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, FieldErrors};
use crate::ids::{EntityId, TransactionId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeView {
    pub id: uuid::Uuid,
    /// What it says, e.g. `completed`.
    pub kind: String,
    pub entity_id: EntityId,
    pub transaction_id: TransactionId,
    /// The event of the transaction it is about.
    pub seq: u32,
    /// In the reader's language.
    pub subject: String,
    pub text: String,
    pub at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticesView {
    pub items: Vec<NoticeView>,
    pub next_cursor: Option<String>,
    /// All of the caller's unread notices, not only this page's.
    pub unread: u64,
}

/// `POST /api/v1/me/notifications/read`: `{"ids": [...]}` for these notices,
/// or `{"all": true}` for every one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MarkReadRequest {
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    #[serde(default)]
    pub all: Option<bool>,
}

/// At most this many ids in one request.
pub const MARK_READ_MAX: usize = 200;

impl MarkReadRequest {
    /// The notices named, or `None` for all of them.
    pub fn parse(&self) -> Result<Option<Vec<uuid::Uuid>>, FieldErrors> {
        let mut e = FieldErrors::default();
        let ids = match (&self.ids, self.all) {
            (None, Some(true)) => return Ok(None),
            (Some(_), Some(_)) | (None, Some(false)) => {
                e.push("all", ErrorCode::InvalidField);
                return Err(e);
            }
            (None, None) => {
                e.push("ids", ErrorCode::MissingField);
                return Err(e);
            }
            (Some(ids), None) => ids,
        };
        if ids.len() > MARK_READ_MAX {
            e.push("ids", ErrorCode::TooManyItems);
            return Err(e);
        }
        let mut parsed = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            if let Some(id) = e.check(&format!("ids[{i}]"), id.parse().map_err(|_| ErrorCode::InvalidField)) {
                parsed.push(id);
            }
        }
        e.finish(Some(Some(parsed)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MarkedView {
    /// How many were unread and are read now.
    pub marked: u64,
    pub unread: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_one_by_one() {
        let ids = |ids: Vec<String>| MarkReadRequest { ids: Some(ids), all: None };
        assert_eq!(MarkReadRequest { ids: None, all: Some(true) }.parse().unwrap(), None);
        let field = |r: MarkReadRequest| r.parse().unwrap_err().0[0].field.clone();
        assert_eq!(field(MarkReadRequest::default()), "ids", "saying nothing marks nothing");
        assert_eq!(field(MarkReadRequest { ids: None, all: Some(false) }), "all");
        assert_eq!(field(MarkReadRequest { ids: Some(vec![]), all: Some(true) }), "all");
        let good = uuid::Uuid::now_v7();
        assert_eq!(ids(vec![good.to_string()]).parse().unwrap(), Some(vec![good]));
        assert_eq!(field(ids(vec![good.to_string(), "x".into()])), "ids[1]");
        let many = ids(vec![good.to_string(); MARK_READ_MAX + 1]).parse().unwrap_err();
        assert_eq!((many.0[0].field.as_str(), many.0[0].code), ("ids", ErrorCode::TooManyItems));
    }
}
