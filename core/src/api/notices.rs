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

/// `POST /api/v1/me/notifications/read`: these notices, or without `ids` all of them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MarkReadRequest {
    #[serde(default)]
    pub ids: Option<Vec<String>>,
}

/// At most this many ids in one request.
pub const MARK_READ_MAX: usize = 200;

impl MarkReadRequest {
    pub fn parse(&self) -> Result<Option<Vec<uuid::Uuid>>, FieldErrors> {
        let mut e = FieldErrors::default();
        let Some(ids) = &self.ids else { return Ok(None) };
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
        assert_eq!(MarkReadRequest { ids: None }.parse().unwrap(), None);
        let good = uuid::Uuid::now_v7();
        let r = MarkReadRequest { ids: Some(vec![good.to_string()]) };
        assert_eq!(r.parse().unwrap(), Some(vec![good]));
        let bad = MarkReadRequest { ids: Some(vec![good.to_string(), "x".into()]) }.parse().unwrap_err();
        assert_eq!(bad.0[0].field, "ids[1]");
        let many = MarkReadRequest { ids: Some(vec![good.to_string(); MARK_READ_MAX + 1]) }.parse().unwrap_err();
        assert_eq!((many.0[0].field.as_str(), many.0[0].code), ("ids", ErrorCode::TooManyItems));
    }
}
