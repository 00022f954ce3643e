//! The audit trail: append-only and hash-chained — one chain per entity and
//! one for the platform — so that changing, removing or reordering an entry is
//! detectable by recomputing its chain.
//!
//! An action writes its entry (`append`) inside its own database transaction,
//! so that the two commit together or not at all, into `audit_pending`: one
//! insert, no read of the chain's head and no lock held until the action
//! commits. One sealer at a time (`seal`, under a PostgreSQL advisory lock
//! when several server processes share the database) then moves committed
//! entries into their chains, oldest first, each linked to the one before.
//! An entry is in its chain a fraction of a second after its action; until
//! then it is listed nowhere, and it is as exposed as any other row.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement, TransactionTrait,
};
use sha2::{Digest, Sha256};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::ids::{EntityId, UserId};
use tawasul_core::policy::AuditScope;

use crate::Result;
use crate::model::{audit_pending, audit_trail};

/// The hash before the first entry of every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Which chain an entry belongs to: its entity's, or the platform's for what
/// belongs to no entity (a beneficiary's registration, the platform admin's work).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chain {
    Platform,
    Entity(EntityId),
}

impl Chain {
    pub fn of(entity: Option<EntityId>) -> Chain {
        entity.map_or(Chain::Platform, Chain::Entity)
    }

    fn key(self) -> String {
        match self {
            Chain::Platform => "platform".to_owned(),
            Chain::Entity(e) => e.to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub actor: Option<UserId>,
    pub entity: Option<EntityId>,
    /// Where the request came from (none for the platform's own work).
    pub address: Option<String>,
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
        AuditEntry {
            actor,
            entity,
            address: None,
            action: action.as_str(),
            target: target.to_string(),
            before: None,
            after: None,
        }
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

    pub fn from_address(mut self, address: Option<String>) -> Self {
        self.address = address;
        self
    }
}

fn entry_hash(prev: &str, chain: Chain, seq: i64, at: &DateTime<Utc>, e: &AuditEntry<'_>) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(seq.to_be_bytes());
    h.update(at.to_rfc3339_opts(SecondsFormat::Micros, true).as_bytes());
    for part in [
        chain.key(),
        e.actor.map(|a| a.to_string()).unwrap_or_default(),
        e.entity.map(|a| a.to_string()).unwrap_or_default(),
        e.address.clone().unwrap_or_default(),
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

/// Writes one entry, to be sealed into its chain.
pub async fn append(c: &impl ConnectionTrait, entry: AuditEntry<'_>, now: DateTime<Utc>) -> Result<()> {
    // Stored at microsecond precision, which both backends keep exactly.
    let at = DateTime::<Utc>::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
    audit_pending::Entity::insert(audit_pending::ActiveModel {
        at: Set(at),
        actor_id: Set(entry.actor.map(|a| a.0)),
        entity_id: Set(entry.entity.map(|e| e.0)),
        client_address: Set(entry.address),
        action: Set(entry.action.to_owned()),
        target: Set(entry.target),
        before: Set(entry.before),
        after: Set(entry.after),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The advisory lock that lets one sealer at a time extend the chains.
const SEALER_LOCK: i64 = 0x7461_7761_7375_6c01;

/// Seals up to `limit` committed entries into their chains, oldest first;
/// returns how many. Run it in a unit of work of its own (`Db::unit`): the
/// PostgreSQL lock it takes is held to that unit's commit.
pub async fn seal(tx: &impl ConnectionTrait, limit: u64) -> Result<u64> {
    if tx.get_database_backend() == DbBackend::Postgres {
        // Two server processes' sealers take turns; each reads what is
        // pending only once it holds the lock, so none seals an entry twice.
        let lock = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [SEALER_LOCK.into()],
        );
        tx.execute(lock).await?;
    }
    let pending = audit_pending::Entity::find().order_by_asc(audit_pending::Column::Id).limit(limit).all(tx).await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let mut heads: HashMap<Chain, (i64, String)> = HashMap::new();
    let mut sealed = Vec::with_capacity(pending.len());
    for p in &pending {
        let entity = p.entity_id.map(EntityId);
        let chain = Chain::of(entity);
        let (seq, prev) = match heads.entry(chain) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => v.insert(head(tx, chain).await?),
        };
        let e = AuditEntry {
            actor: p.actor_id.map(UserId),
            entity,
            address: p.client_address.clone(),
            action: &p.action,
            target: p.target.clone(),
            before: p.before.clone(),
            after: p.after.clone(),
        };
        *seq += 1;
        let hash = entry_hash(prev, chain, *seq, &p.at, &e);
        sealed.push(audit_trail::ActiveModel {
            chain: Set(chain.key()),
            seq: Set(*seq),
            at: Set(p.at),
            actor_id: Set(p.actor_id),
            entity_id: Set(p.entity_id),
            client_address: Set(p.client_address.clone()),
            action: Set(p.action.clone()),
            target: Set(p.target.clone()),
            before: Set(p.before.clone()),
            after: Set(p.after.clone()),
            prev_hash: Set(std::mem::replace(prev, hash.clone())),
            hash: Set(hash),
            ..Default::default()
        });
    }
    let n = sealed.len() as u64;
    // Within every backend's limit of bound parameters per statement.
    let mut rows = sealed.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(500).collect();
        audit_trail::Entity::insert_many(chunk).exec_without_returning(tx).await?;
    }
    for ids in pending.chunks(500) {
        audit_pending::Entity::delete_many()
            .filter(audit_pending::Column::Id.is_in(ids.iter().map(|p| p.id)))
            .exec(tx)
            .await?;
    }
    Ok(n)
}

/// Whether entries wait to be sealed (read before opening a write).
pub async fn any_pending(c: &impl ConnectionTrait) -> Result<bool> {
    Ok(audit_pending::Entity::find()
        .select_only()
        .column(audit_pending::Column::Id)
        .limit(1)
        .into_tuple::<i64>()
        .one(c)
        .await?
        .is_some())
}

/// The seq and hash of a chain's last entry (the genesis before the first).
async fn head(c: &impl ConnectionTrait, chain: Chain) -> Result<(i64, String)> {
    let head: Option<(i64, String)> = audit_trail::Entity::find()
        .select_only()
        .columns([audit_trail::Column::Seq, audit_trail::Column::Hash])
        .filter(audit_trail::Column::Chain.eq(chain.key()))
        .order_by_desc(audit_trail::Column::Seq)
        .into_tuple()
        .one(c)
        .await?;
    Ok(head.unwrap_or((0, GENESIS.to_owned())))
}

/// Writes one entry in a database transaction of its own, for what is
/// audited with no other write (a failed log-in, a reached limit).
pub async fn append_alone(db: &impl TransactionTrait, entry: AuditEntry<'_>, now: DateTime<Utc>) -> Result<()> {
    let tx = db.begin().await?;
    append(&tx, entry, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The outcome of checking one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub entries: u64,
    pub head_hash: String,
    pub first_bad_seq: Option<i64>,
}

/// Entries verified per read, so that a long chain is checked in bounded memory.
const VERIFY_PAGE: u64 = 5_000;

/// Recomputes every hash of a chain from the genesis and reports the first
/// entry that does not match its content, its predecessor or its place.
pub async fn verify(c: &impl ConnectionTrait, chain: Chain) -> Result<Verification> {
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut first_bad_seq = None;
    let mut entries = 0u64;
    let mut after = 0i64;
    loop {
        let rows = audit_trail::Entity::find()
            .filter(audit_trail::Column::Chain.eq(chain.key()))
            .filter(audit_trail::Column::Seq.gt(after))
            .order_by_asc(audit_trail::Column::Seq)
            .limit(VERIFY_PAGE)
            .all(c)
            .await?;
        let full = rows.len() as u64 == VERIFY_PAGE;
        for r in &rows {
            let e = AuditEntry {
                actor: r.actor_id.map(UserId),
                entity: r.entity_id.map(EntityId),
                address: r.client_address.clone(),
                action: &r.action,
                target: r.target.clone(),
                before: r.before.clone(),
                after: r.after.clone(),
            };
            let in_place = r.seq == expected_seq && r.prev_hash == prev && Chain::of(e.entity) == chain;
            if first_bad_seq.is_none() && !(in_place && entry_hash(&prev, chain, r.seq, &r.at, &e) == r.hash) {
                first_bad_seq = Some(r.seq);
            }
            prev = r.hash.clone();
            expected_seq = r.seq + 1;
            after = r.seq;
            entries += 1;
        }
        if !full {
            break;
        }
    }
    Ok(Verification { entries, head_hash: prev, first_bad_seq })
}

/// One stored entry, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    /// Its place in the whole trail (what a listing's cursor is).
    pub id: i64,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    pub entity: Option<EntityId>,
    pub address: Option<String>,
    pub action: String,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub prev_hash: String,
    pub hash: String,
}

impl From<audit_trail::Model> for StoredEntry {
    fn from(m: audit_trail::Model) -> StoredEntry {
        StoredEntry {
            id: m.id,
            seq: m.seq,
            at: m.at,
            actor: m.actor_id.map(UserId),
            entity: m.entity_id.map(EntityId),
            address: m.client_address,
            action: m.action,
            target: m.target,
            before: m.before,
            after: m.after,
            prev_hash: m.prev_hash,
            hash: m.hash,
        }
    }
}

/// Which entries a listing wants; `scope` is whose (the policy's answer).
#[derive(Debug, Clone)]
pub struct AuditFilter {
    pub scope: AuditScope,
    pub actor: Option<UserId>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// One page of entries matching `f`, newest first, before the entry `before`
/// (a cursor from the previous page); and whether there are more.
pub async fn list(
    c: &impl ConnectionTrait,
    f: &AuditFilter,
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<StoredEntry>, bool)> {
    use audit_trail::Column as A;
    let mut q = audit_trail::Entity::find().order_by_desc(A::Id).limit(limit + 1);
    match &f.scope {
        AuditScope::Everything => {}
        AuditScope::AllEntities => q = q.filter(A::Chain.ne(Chain::Platform.key())),
        AuditScope::Entities(ids) => q = q.filter(A::Chain.is_in(ids.iter().map(|e| Chain::Entity(*e).key()))),
    }
    if let Some(a) = f.actor {
        q = q.filter(A::ActorId.eq(a.0));
    }
    if let Some(action) = &f.action {
        q = q.filter(A::Action.eq(action.as_str()));
    }
    if let Some(from) = f.from {
        q = q.filter(A::At.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(A::At.lt(to));
    }
    if let Some(b) = before {
        q = q.filter(A::Id.lt(b));
    }
    let mut rows: Vec<StoredEntry> = q.all(c).await?.into_iter().map(StoredEntry::from).collect();
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// The entries with this action, oldest first.
pub async fn with_action(c: &impl ConnectionTrait, action: AuditAction) -> Result<Vec<StoredEntry>> {
    entries(c, Some(action.as_str())).await
}

/// Every entry, oldest first (for tests and exports of small trails).
pub async fn all(c: &impl ConnectionTrait) -> Result<Vec<StoredEntry>> {
    entries(c, None).await
}

async fn entries(c: &impl ConnectionTrait, action: Option<&str>) -> Result<Vec<StoredEntry>> {
    let mut q = audit_trail::Entity::find().order_by_asc(audit_trail::Column::Id);
    if let Some(a) = action {
        q = q.filter(audit_trail::Column::Action.eq(a));
    }
    Ok(q.all(c).await?.into_iter().map(StoredEntry::from).collect())
}
