//! `GET /api/v1/audit` and `GET /api/v1/audit/verify` (API.md "Statistics and audit").

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::transactions::{ActorRef, parse_time};
use crate::audit::AuditAction;
use crate::error::{ErrorCode, FieldErrors};
use crate::ids::{EntityId, UserId};

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// One entity's trail; without it, every trail the caller may read.
    pub entity_id: Option<String>,
    pub actor_id: Option<String>,
    /// An action's stable name, e.g. `transaction.step`.
    pub action: Option<String>,
    /// At or after (RFC 3339).
    pub from: Option<String>,
    /// Before (RFC 3339).
    pub to: Option<String>,
    /// Default 50, at most 200.
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// An audit listing's validated request.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRequest {
    pub entity_id: Option<EntityId>,
    pub actor_id: Option<UserId>,
    pub action: Option<AuditAction>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: u64,
    /// Entries before this place in the trail.
    pub before: Option<i64>,
}

impl AuditQuery {
    pub fn parse(&self) -> Result<AuditRequest, FieldErrors> {
        let mut e = FieldErrors::default();
        let id = |s: &str| s.parse::<uuid::Uuid>().map_err(|_| ErrorCode::InvalidField);
        let entity_id = super::optional(&mut e, "entity_id", self.entity_id.as_deref(), |s| id(s).map(EntityId));
        let actor_id = super::optional(&mut e, "actor_id", self.actor_id.as_deref(), |s| id(s).map(UserId));
        let action = super::optional(&mut e, "action", self.action.as_deref(), |s| {
            AuditAction::parse(s).ok_or(ErrorCode::InvalidChoice)
        });
        let from = super::optional(&mut e, "from", self.from.as_deref(), parse_time);
        let to = super::optional(&mut e, "to", self.to.as_deref(), parse_time);
        let limit = match self.limit {
            None => Some(u64::from(super::PageQuery::DEFAULT_LIMIT)),
            Some(0) => e.check("limit", Err(ErrorCode::InvalidField)),
            Some(n) => Some(u64::from(n.min(super::PageQuery::MAX_LIMIT))),
        };
        let before = super::optional(&mut e, "cursor", self.cursor.as_deref(), |s| {
            s.parse::<i64>().ok().filter(|n| *n > 0).ok_or(ErrorCode::InvalidField)
        });
        let all = (|| {
            Some(AuditRequest {
                entity_id: entity_id?,
                actor_id: actor_id?,
                action: action?,
                from: from?,
                to: to?,
                limit: limit?,
                before: before?,
            })
        })();
        e.finish(all)
    }
}

/// One entry of the trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntryView {
    /// Its place in its chain (the entity's, or the platform's).
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// `null` for the platform itself, or an actor who no longer exists.
    pub actor: Option<ActorRef>,
    pub entity_id: Option<EntityId>,
    pub client_address: Option<String>,
    pub action: String,
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub hash: String,
    pub prev_hash: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// The entity whose chain to check; without it, the caller's own entity
    /// (staff), or the platform's chain (the platform admin).
    pub entity_id: Option<String>,
}

impl VerifyQuery {
    pub fn parse(&self) -> Result<Option<EntityId>, FieldErrors> {
        let mut e = FieldErrors::default();
        let entity = super::optional(&mut e, "entity_id", self.entity_id.as_deref(), |s| {
            s.parse::<uuid::Uuid>().map(EntityId).map_err(|_| ErrorCode::InvalidField)
        });
        e.finish(entity)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VerifyView {
    pub ok: bool,
    pub entries: u64,
    pub head_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_bad_seq: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_filter_is_named() {
        let q = AuditQuery {
            entity_id: Some("x".into()),
            action: Some("transaction.explode".into()),
            cursor: Some("-3".into()),
            limit: Some(0),
            ..Default::default()
        };
        let fields: Vec<String> = q.parse().unwrap_err().0.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, vec!["entity_id", "action", "limit", "cursor"]);
        let ok = AuditQuery { action: Some("transaction.step".into()), limit: Some(500), ..Default::default() };
        let r = ok.parse().unwrap();
        assert_eq!((r.action, r.limit, r.before), (Some(AuditAction::TransactionStep), 200, None));
    }
}
