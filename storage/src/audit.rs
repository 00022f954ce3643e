//! The audit log: append-only and hash-chained, so that changing or removing an
//! entry is detectable. Appends run inside the caller's database transaction, so
//! an action and its audit entry commit together or not at all.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Statement,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::ids::{EntityId, UserId};

use crate::Result;
use crate::model::audit_log;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub actor: Option<UserId>,
    pub entity: Option<EntityId>,
    /// What happened, as stored: `AuditAction::as_str` (a string, so that a
    /// stored entry is checked as it is, whatever the code knows of it).
    pub action: &'a str,
    /// What it happened to, e.g. `user:<id>`.
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl AuditEntry<'static> {
    pub fn new(actor: Option<UserId>, entity: Option<EntityId>, action: AuditAction, target: AuditTarget) -> Self {
        AuditEntry { actor, entity, action: action.as_str(), target: target.to_string(), before: None, after: None }
    }
}

impl AuditEntry<'_> {
    pub fn before(mut self, state: serde_json::Value) -> Self {
        self.before = Some(state);
        self
    }

    pub fn after(mut self, state: serde_json::Value) -> Self {
        self.after = Some(state);
        self
    }
}

fn entry_hash(prev: &str, seq: i64, at: &DateTime<Utc>, e: &AuditEntry<'_>) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(seq.to_be_bytes());
    h.update(at.to_rfc3339_opts(SecondsFormat::Micros, true).as_bytes());
    for part in [
        e.actor.map(|a| a.to_string()).unwrap_or_default(),
        e.entity.map(|a| a.to_string()).unwrap_or_default(),
        e.action.to_owned(),
        e.target.clone(),
        e.before.as_ref().map(|v| v.to_string()).unwrap_or_default(),
        e.after.as_ref().map(|v| v.to_string()).unwrap_or_default(),
    ] {
        // Length-prefixed, so that moving bytes between fields changes the hash.
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends one entry after the current head of the chain.
pub async fn append(c: &impl ConnectionTrait, entry: AuditEntry<'_>, now: DateTime<Utc>) -> Result<i64> {
    if c.get_database_backend() == DbBackend::Postgres {
        // Serialises appenders for the rest of this transaction, so two concurrent
        // actions cannot both extend the same head. (SQLite has one writer anyway.)
        c.execute(Statement::from_string(DbBackend::Postgres, "SELECT pg_advisory_xact_lock(7261001)")).await?;
    }
    let head = audit_log::Entity::find().order_by_desc(audit_log::Column::Seq).one(c).await?;
    let (seq, prev) = head.map(|h| (h.seq + 1, h.hash)).unwrap_or((1, GENESIS.to_owned()));
    // Stored at microsecond precision, which both backends keep exactly.
    let at = DateTime::<Utc>::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
    let hash = entry_hash(&prev, seq, &at, &entry);
    audit_log::Entity::insert(audit_log::ActiveModel {
        seq: Set(seq),
        at: Set(at),
        actor_id: Set(entry.actor.map(|a| a.0)),
        entity_id: Set(entry.entity.map(|e| e.0)),
        action: Set(entry.action.to_owned()),
        target: Set(entry.target),
        before: Set(entry.before),
        after: Set(entry.after),
        prev_hash: Set(prev),
        hash: Set(hash),
    })
    .exec_without_returning(c)
    .await?;
    Ok(seq)
}

/// Appends one entry in a database transaction of its own, for what is audited
/// with no other write (a failed log-in, a reached limit). Outside a
/// transaction, two appends at once would both read the same head.
pub async fn append_alone(db: &impl TransactionTrait, entry: AuditEntry<'_>, now: DateTime<Utc>) -> Result<i64> {
    let tx = db.begin().await?;
    let seq = append(&tx, entry, now).await?;
    tx.commit().await?;
    Ok(seq)
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub entries: u64,
    pub head_hash: String,
    pub first_bad_seq: Option<i64>,
}

/// Recomputes every hash from the genesis and reports the first entry that does
/// not match its content or its predecessor.
pub async fn verify(c: &impl ConnectionTrait) -> Result<Verification> {
    let rows = audit_log::Entity::find().order_by_asc(audit_log::Column::Seq).all(c).await?;
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut first_bad_seq = None;
    for r in &rows {
        let e = AuditEntry {
            actor: r.actor_id.map(UserId),
            entity: r.entity_id.map(EntityId),
            action: &r.action,
            target: r.target.clone(),
            before: r.before.clone(),
            after: r.after.clone(),
        };
        let ok = r.seq == expected_seq && r.prev_hash == prev && entry_hash(&prev, r.seq, &r.at, &e) == r.hash;
        if !ok && first_bad_seq.is_none() {
            first_bad_seq = Some(r.seq);
        }
        prev = r.hash.clone();
        expected_seq = r.seq + 1;
    }
    Ok(Verification { entries: rows.len() as u64, head_hash: prev, first_bad_seq })
}

/// One stored entry, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    pub entity: Option<EntityId>,
    pub action: String,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The entries with this action, oldest first.
pub async fn with_action(c: &impl ConnectionTrait, action: AuditAction) -> Result<Vec<StoredEntry>> {
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action.as_str()))
        .order_by_asc(audit_log::Column::Seq)
        .all(c)
        .await?
        .into_iter()
        .map(|m| StoredEntry {
            seq: m.seq,
            at: m.at,
            actor: m.actor_id.map(UserId),
            entity: m.entity_id.map(EntityId),
            action: m.action,
            target: m.target,
            before: m.before,
            after: m.after,
        })
        .collect())
}
