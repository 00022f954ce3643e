//! What the archive index is built from: which transactions the event log
//! touched after a position, and each transaction as it now stands with the
//! events that carry searchable text.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;
use tawasul_core::ids::TransactionId;
use tawasul_core::visibility::Visibility;
use uuid::Uuid;

use crate::Result;
use crate::accounts::corrupt;
use crate::model::{transaction_events, transactions};
use crate::transactions::{Stored, stored};

/// Event kinds whose text is searched; the others (status changes,
/// assignments) only change the facts every document of the transaction carries.
pub const SEARCHABLE_KINDS: [&str; 3] = ["comment", "attachment", "voice"];

/// One event of the log: its position and its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touch {
    pub position: i64,
    pub transaction_id: TransactionId,
}

/// A searchable event.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedEvent {
    pub position: i64,
    pub kind: String,
    pub visibility: Visibility,
    pub at: DateTime<Utc>,
    pub data: Value,
}

/// A transaction as it now stands, with its searchable events oldest first.
#[derive(Debug, Clone)]
pub struct Record {
    pub transaction: Stored,
    pub events: Vec<ArchivedEvent>,
}

/// At most `limit` events after `after`, by position.
pub async fn touched_after(c: &impl ConnectionTrait, after: i64, limit: u64) -> Result<Vec<Touch>> {
    let rows: Vec<(i64, Uuid)> = transaction_events::Entity::find()
        .select_only()
        .column(transaction_events::Column::Position)
        .column(transaction_events::Column::TransactionId)
        .filter(transaction_events::Column::Position.gt(after))
        .order_by_asc(transaction_events::Column::Position)
        .limit(limit)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|(position, t)| Touch { position, transaction_id: TransactionId(t) }).collect())
}

/// The events at these positions that exist (for positions once skipped over
/// that a slower database transaction may have filled since).
pub async fn touched_at(c: &impl ConnectionTrait, positions: &[i64]) -> Result<Vec<Touch>> {
    if positions.is_empty() {
        return Ok(vec![]);
    }
    let rows: Vec<(i64, Uuid)> = transaction_events::Entity::find()
        .select_only()
        .column(transaction_events::Column::Position)
        .column(transaction_events::Column::TransactionId)
        .filter(transaction_events::Column::Position.is_in(positions.iter().copied()))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|(position, t)| Touch { position, transaction_id: TransactionId(t) }).collect())
}

/// The transactions with these ids, each with its searchable events.
pub async fn records(c: &impl ConnectionTrait, ids: &[TransactionId]) -> Result<Vec<Record>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<Uuid> = ids.iter().map(|i| i.0).collect();
    let rows = transactions::Entity::find().filter(transactions::Column::Id.is_in(ids.clone())).all(c).await?;
    let events = transaction_events::Entity::find()
        .filter(transaction_events::Column::TransactionId.is_in(ids))
        .filter(transaction_events::Column::Kind.is_in(SEARCHABLE_KINDS))
        .order_by_asc(transaction_events::Column::Position)
        .all(c)
        .await?;
    let mut by_transaction: HashMap<Uuid, Vec<ArchivedEvent>> = HashMap::new();
    for e in events {
        by_transaction.entry(e.transaction_id).or_default().push(ArchivedEvent {
            position: e.position,
            kind: e.kind,
            visibility: Visibility::parse(&e.visibility).map_err(|_| corrupt("visibility"))?,
            at: e.at,
            data: e.data,
        });
    }
    rows.into_iter()
        .map(|row| {
            let events = by_transaction.remove(&row.id).unwrap_or_default();
            Ok(Record { transaction: stored(row)?, events })
        })
        .collect()
}

/// Transaction ids in id order, `limit` after `after`: how a rebuild walks them.
pub async fn transaction_ids_after(
    c: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<TransactionId>> {
    let mut q = transactions::Entity::find()
        .select_only()
        .column(transactions::Column::Id)
        .order_by_asc(transactions::Column::Id)
        .limit(limit);
    if let Some(after) = after {
        q = q.filter(transactions::Column::Id.gt(after));
    }
    let ids: Vec<Uuid> = q.into_tuple().all(c).await?;
    Ok(ids.into_iter().map(TransactionId).collect())
}

pub async fn count_transactions(c: &impl ConnectionTrait) -> Result<u64> {
    Ok(transactions::Entity::find().count(c).await?)
}
