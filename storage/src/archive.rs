//! What the archive index is built from: which transactions the event log
//! touched after a position, each transaction as it now stands with the events
//! that carry searchable text, and the text extracted from attached documents.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;
use tawasul_core::ids::{DepartmentId, EntityId, TransactionId, TransactionTypeId, UserId};
use tawasul_core::reference::Reference;
use tawasul_core::visibility::{TransactionFacts, Visibility};
use tawasul_core::workflow::Status;
use uuid::Uuid;

use crate::Result;
use crate::accounts::corrupt;
use crate::attachments::Content;
use crate::extract::{EXTRACTABLE, ExtractError};
use crate::model::{attachments, blobs, document_texts, transaction_events, transactions};
use crate::transactions::PositionedEvent;
use tawasul_core::events::{Event, EventKind};

/// Event kinds whose text is searched; the others (status changes,
/// assignments) only change the facts every document of the transaction carries.
fn searchable_kinds() -> impl Iterator<Item = &'static str> {
    EventKind::ALL.into_iter().filter(|k| k.is_searchable()).map(EventKind::as_str)
}

/// A searchable event.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedEvent {
    pub position: i64,
    pub event: Event,
    pub visibility: Visibility,
    pub at: DateTime<Utc>,
}

/// The extracted text of an attached document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentText {
    pub text: String,
}

/// What the archive takes of a transaction as it now stands: its facts, its
/// words and its date, and none of its other columns (a rebuild reads every
/// transaction: the SLA's clocks and rating are only bytes to copy there).
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedTransaction {
    pub id: TransactionId,
    pub type_id: TransactionTypeId,
    pub facts: TransactionFacts,
    pub reference: Reference,
    pub status: Status,
    pub subject: String,
    pub body: String,
    /// The custom fields' values, by key.
    pub fields: Value,
    pub created_at: DateTime<Utc>,
}

/// The columns `ArchivedTransaction` is read from.
#[derive(Debug, FromQueryResult)]
struct TransactionRow {
    id: Uuid,
    type_id: Uuid,
    entity_id: Uuid,
    department_id: Uuid,
    beneficiary_id: Uuid,
    assignee_id: Option<Uuid>,
    reference_year: i32,
    reference_number: i64,
    status: String,
    subject: String,
    body: String,
    fields: Value,
    created_at: DateTime<Utc>,
}

impl TransactionRow {
    const COLUMNS: [transactions::Column; 13] = [
        transactions::Column::Id,
        transactions::Column::TypeId,
        transactions::Column::EntityId,
        transactions::Column::DepartmentId,
        transactions::Column::BeneficiaryId,
        transactions::Column::AssigneeId,
        transactions::Column::ReferenceYear,
        transactions::Column::ReferenceNumber,
        transactions::Column::Status,
        transactions::Column::Subject,
        transactions::Column::Body,
        transactions::Column::Fields,
        transactions::Column::CreatedAt,
    ];

    fn archived(self) -> Result<ArchivedTransaction> {
        Ok(ArchivedTransaction {
            id: TransactionId(self.id),
            type_id: TransactionTypeId(self.type_id),
            facts: TransactionFacts {
                entity_id: EntityId(self.entity_id),
                department_id: DepartmentId(self.department_id),
                beneficiary_id: UserId(self.beneficiary_id),
                assignee_id: self.assignee_id.map(UserId),
            },
            reference: Reference { hijri_year: self.reference_year, number: self.reference_number },
            status: Status::parse(&self.status).map_err(|_| corrupt("status"))?,
            subject: self.subject,
            body: self.body,
            fields: self.fields,
            created_at: self.created_at,
        })
    }
}

/// The transactions with these ids, as the archive takes them.
async fn archived_transactions(
    c: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<ArchivedTransaction>> {
    transactions::Entity::find()
        .select_only()
        .columns(TransactionRow::COLUMNS)
        .filter(transactions::Column::Id.is_in(ids))
        .into_model::<TransactionRow>()
        .all(c)
        .await?
        .into_iter()
        .map(TransactionRow::archived)
        .collect()
}

/// The columns a searchable event is read from.
#[derive(Debug, FromQueryResult)]
struct EventRow {
    position: i64,
    transaction_id: Uuid,
    kind: String,
    visibility: String,
    at: DateTime<Utc>,
    /// The payload as JSON text (`Event::parse_text`).
    data: String,
}

/// A transaction as it now stands, with its searchable events oldest first
/// and the extracted text of its documents, by attachment id.
#[derive(Debug, Clone)]
pub struct Record {
    pub transaction: ArchivedTransaction,
    pub events: Vec<ArchivedEvent>,
    pub texts: HashMap<Uuid, DocumentText>,
}

/// The transactions with these ids, each with its searchable events.
pub async fn records(c: &impl ConnectionTrait, ids: &[TransactionId]) -> Result<Vec<Record>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<Uuid> = ids.iter().map(|i| i.0).collect();
    let rows = archived_transactions(c, ids.iter().copied()).await?;
    let events = transaction_events::Entity::find()
        .select_only()
        .columns([
            transaction_events::Column::Position,
            transaction_events::Column::TransactionId,
            transaction_events::Column::Kind,
            transaction_events::Column::Visibility,
            transaction_events::Column::At,
        ])
        .column_as(Expr::col(transaction_events::Column::Data).cast_as(Alias::new("text")), "data")
        .filter(transaction_events::Column::TransactionId.is_in(ids.iter().copied()))
        .filter(transaction_events::Column::Kind.is_in(searchable_kinds()))
        .order_by_asc(transaction_events::Column::Position)
        .into_model::<EventRow>()
        .all(c)
        .await?;
    let mut by_transaction: HashMap<Uuid, Vec<ArchivedEvent>> = HashMap::new();
    for e in events {
        by_transaction.entry(e.transaction_id).or_default().push(ArchivedEvent {
            position: e.position,
            event: Event::parse_text(&e.kind, &e.data).map_err(|_| corrupt("event"))?,
            visibility: Visibility::parse(&e.visibility).map_err(|_| corrupt("visibility"))?,
            at: e.at,
        });
    }
    let mut texts = document_texts_of(c, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|transaction| {
            let events = by_transaction.remove(&transaction.id.0).unwrap_or_default();
            let texts = texts.remove(&transaction.id.0).unwrap_or_default();
            Record { transaction, events, texts }
        })
        .collect())
}

/// The transactions of these events as they now stand, each with only those
/// of the events that carry searchable text, and no document texts: a
/// document attached since has none yet, and its text, once extracted, has the
/// transaction indexed whole (`transactions_with_new_texts`).
pub async fn records_of_events(c: &impl ConnectionTrait, events: &[PositionedEvent]) -> Result<Vec<Record>> {
    let mut by_transaction: HashMap<Uuid, Vec<ArchivedEvent>> = HashMap::new();
    for e in events.iter().filter(|e| e.event.kind.is_searchable()) {
        by_transaction.entry(e.transaction_id.0).or_default().push(ArchivedEvent {
            position: e.position,
            event: Event::parse(e.event.kind.as_str(), &e.event.data).map_err(|_| corrupt("event"))?,
            visibility: e.event.visibility,
            at: e.event.at,
        });
    }
    if by_transaction.is_empty() {
        return Ok(vec![]);
    }
    let rows = archived_transactions(c, by_transaction.keys().copied()).await?;
    Ok(rows
        .into_iter()
        .map(|transaction| {
            let events = by_transaction.remove(&transaction.id.0).unwrap_or_default();
            Record { transaction, events, texts: HashMap::new() }
        })
        .collect())
}

/// The extracted texts of the transactions' attachments: transaction →
/// attachment → text.
async fn document_texts_of(
    c: &impl ConnectionTrait,
    transactions: &[Uuid],
) -> Result<HashMap<Uuid, HashMap<Uuid, DocumentText>>> {
    let attached: Vec<(Uuid, Uuid, Uuid)> = attachments::Entity::find()
        .select_only()
        .column(attachments::Column::Id)
        .column(attachments::Column::TransactionId)
        .column(attachments::Column::BlobId)
        .filter(attachments::Column::TransactionId.is_in(transactions.iter().copied()))
        .into_tuple()
        .all(c)
        .await?;
    let mut out: HashMap<Uuid, HashMap<Uuid, DocumentText>> = HashMap::new();
    if attached.is_empty() {
        return Ok(out);
    }
    let texts: HashMap<Uuid, document_texts::Model> = document_texts::Entity::find()
        .filter(document_texts::Column::BlobId.is_in(attached.iter().map(|a| a.2)))
        .all(c)
        .await?
        .into_iter()
        .map(|t| (t.blob_id, t))
        .collect();
    for (attachment, transaction, blob) in attached {
        if let Some(t) = texts.get(&blob) {
            let text = DocumentText { text: t.text.clone() };
            out.entry(transaction).or_default().insert(attachment, text);
        }
    }
    Ok(out)
}

/// A stored document whose text has not been extracted yet.
#[derive(Debug, Clone)]
pub struct PendingText {
    pub blob_id: Uuid,
    pub content: Content,
}

/// At most `limit` stored documents of an extractable type without a text yet.
pub async fn pending_texts(c: &impl ConnectionTrait, limit: u64) -> Result<Vec<PendingText>> {
    let done = sea_orm::sea_query::Query::select()
        .column(document_texts::Column::BlobId)
        .from(document_texts::Entity)
        .to_owned();
    let rows = blobs::Entity::find()
        .filter(blobs::Column::ContentType.is_in(EXTRACTABLE))
        .filter(blobs::Column::Id.not_in_subquery(done))
        .order_by_asc(blobs::Column::CreatedAt)
        .limit(limit)
        .all(c)
        .await?;
    rows.into_iter()
        .map(|b| {
            Ok(PendingText {
                blob_id: b.id,
                content: Content {
                    object_key: b.object_key,
                    wrapped_key: b.wrapped_key,
                    content_type: b.content_type,
                    size: u64::try_from(b.size).map_err(|_| corrupt("size"))?,
                    sha256: b.sha256,
                },
            })
        })
        .collect()
}

/// Records what extraction gave for a stored document (a damaged one is
/// recorded too, with no text, so that it is not tried again).
pub async fn record_text(
    c: &impl ConnectionTrait,
    blob: Uuid,
    extracted: &std::result::Result<String, ExtractError>,
    now: DateTime<Utc>,
) -> Result<()> {
    let (status, text) = match extracted {
        Ok(t) => ("extracted", t.clone()),
        Err(_) => ("damaged", String::new()),
    };
    document_texts::Entity::insert(document_texts::ActiveModel {
        blob_id: Set(blob),
        status: Set(status.to_owned()),
        text: Set(text),
        extracted_at: Set(now),
        // Numbered by the database: the texts' log.
        seq: NotSet,
    })
    .on_conflict(OnConflict::column(document_texts::Column::BlobId).do_nothing().to_owned())
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// A text recorded, by its place in the texts' log: what every node's
/// archive indexer follows, to index again the transactions holding it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedText {
    pub seq: i64,
    pub blob_id: Uuid,
}

/// At most `limit` texts recorded after `after`, oldest first.
pub async fn texts_since(c: &impl ConnectionTrait, after: i64, limit: u64) -> Result<Vec<RecordedText>> {
    recorded(c, document_texts::Column::Seq.gt(after), Some(limit)).await
}

/// The texts at these places of the log that exist, oldest first.
pub async fn texts_at(c: &impl ConnectionTrait, seqs: &[i64]) -> Result<Vec<RecordedText>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    recorded(c, document_texts::Column::Seq.is_in(seqs.iter().copied()), None).await
}

async fn recorded(
    c: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
    limit: Option<u64>,
) -> Result<Vec<RecordedText>> {
    let rows: Vec<(Option<i64>, Uuid)> = document_texts::Entity::find()
        .select_only()
        .column(document_texts::Column::Seq)
        .column(document_texts::Column::BlobId)
        .filter(which)
        .order_by_asc(document_texts::Column::Seq)
        .limit(limit)
        .into_tuple()
        .all(c)
        .await?;
    rows.into_iter()
        .map(|(seq, blob_id)| Ok(RecordedText { seq: seq.ok_or_else(|| corrupt("text seq"))?, blob_id }))
        .collect()
}

/// The latest place in the texts' log (0 when none).
pub async fn last_text_seq(c: &impl ConnectionTrait) -> Result<i64> {
    let last: Option<Option<i64>> = document_texts::Entity::find()
        .select_only()
        .column_as(document_texts::Column::Seq.max(), "last")
        .into_tuple()
        .one(c)
        .await?;
    Ok(last.flatten().unwrap_or(0))
}

/// The transactions with one of these documents attached.
pub async fn transactions_holding(c: &impl ConnectionTrait, blobs: &[Uuid]) -> Result<Vec<TransactionId>> {
    if blobs.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = attachments::Entity::find()
        .select_only()
        .column(attachments::Column::TransactionId)
        .filter(attachments::Column::BlobId.is_in(blobs.iter().copied()))
        .distinct()
        .into_tuple()
        .all(c)
        .await?;
    Ok(ids.into_iter().map(TransactionId).collect())
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
