//! Files and voice notes on transactions. The content (`blobs`) is kept once
//! per entity and digest; each attachment or voice note is one event of its
//! transaction, whose visibility it shares.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use tawasul_core::api::{AttachmentView, VoiceView};
use tawasul_core::events::{Attached, Voiced};
use tawasul_core::ids::{AttachmentId, EntityId, TransactionId, VoiceId};
use tawasul_core::visibility::Visibility;
use uuid::Uuid;

use crate::accounts::corrupt;
use crate::model::{attachments, blobs, voice_notes};
use crate::objects::Written;
use crate::transactions::LoggedEvent;
use crate::{Result, StorageError};

/// Where an attachment's content is and how to open it.
#[derive(Debug, Clone)]
pub struct Content {
    pub object_key: String,
    pub wrapped_key: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
}

/// An attachment with what the visibility rule and a download need.
#[derive(Debug, Clone)]
pub struct Found {
    pub view: AttachmentView,
    pub transaction_id: TransactionId,
    pub visibility: Visibility,
    pub content: Content,
}

/// Records stored content for an entity. When the entity already holds the
/// same content, that is used instead, and the key of the object just written
/// is returned so that the caller deletes it (after committing).
pub async fn record_blob(
    c: &impl ConnectionTrait,
    entity: EntityId,
    w: &Written,
    content_type: &str,
    now: DateTime<Utc>,
) -> Result<(Uuid, Option<String>)> {
    let id = Uuid::now_v7();
    // Doing nothing on a conflict (rather than failing) keeps a PostgreSQL
    // transaction usable when the same content was recorded meanwhile.
    let inserted = blobs::Entity::insert(blobs::ActiveModel {
        id: Set(id),
        entity_id: Set(entity.0),
        sha256: Set(w.sha256.clone()),
        size: Set(i64::try_from(w.size).map_err(|_| corrupt("size"))?),
        content_type: Set(content_type.to_owned()),
        object_key: Set(w.key.clone()),
        wrapped_key: Set(w.wrapped_key.clone()),
        created_at: Set(now),
    })
    .on_conflict(OnConflict::columns([blobs::Column::EntityId, blobs::Column::Sha256]).do_nothing().to_owned())
    .exec_without_returning(c)
    .await?;
    if inserted == 1 {
        return Ok((id, None));
    }
    let existing = blob_by_digest(c, entity, &w.sha256).await?.ok_or(StorageError::NotFound)?;
    Ok((existing, Some(w.key.clone())))
}

async fn blob_by_digest(c: &impl ConnectionTrait, entity: EntityId, sha256: &str) -> Result<Option<Uuid>> {
    Ok(blobs::Entity::find()
        .filter(blobs::Column::EntityId.eq(entity.0))
        .filter(blobs::Column::Sha256.eq(sha256))
        .one(c)
        .await?
        .map(|b| b.id))
}

/// What an `attachment` event says of recorded content given this name.
pub async fn describe(c: &impl ConnectionTrait, id: AttachmentId, blob: Uuid, name: &str) -> Result<Attached> {
    let b = blobs::Entity::find_by_id(blob).one(c).await?.ok_or(StorageError::NotFound)?;
    Ok(Attached {
        attachment_id: id,
        name: name.to_owned(),
        size: u64::try_from(b.size).map_err(|_| corrupt("size"))?,
        content_type: b.content_type,
        sha256: b.sha256,
    })
}

/// Records an attachment whose `attachment` event was just written. Run it
/// inside the database transaction that wrote the event and the blob.
pub async fn record_attachment(
    c: &impl ConnectionTrait,
    blob: Uuid,
    a: &Attached,
    event: &LoggedEvent,
) -> Result<AttachmentView> {
    attachments::Entity::insert(attachments::ActiveModel {
        id: Set(a.attachment_id.0),
        transaction_id: Set(event.transaction_id.0),
        blob_id: Set(blob),
        file_name: Set(a.name.clone()),
        visibility: Set(event.visibility.as_str().to_owned()),
        seq: Set(i32::try_from(event.seq).map_err(|_| corrupt("seq"))?),
        uploaded_by: Set(event.actor_id.ok_or_else(|| corrupt("uploader"))?.0),
        created_at: Set(event.at),
    })
    .exec_without_returning(c)
    .await?;
    Ok(AttachmentView {
        id: a.attachment_id,
        name: a.name.clone(),
        size: a.size,
        content_type: a.content_type.clone(),
        sha256: a.sha256.clone(),
    })
}

pub async fn find(c: &impl ConnectionTrait, id: AttachmentId) -> Result<Option<Found>> {
    let Some(a) = attachments::Entity::find_by_id(id.0).one(c).await? else { return Ok(None) };
    let content = content_of(c, a.blob_id).await?;
    Ok(Some(Found {
        view: AttachmentView {
            id,
            name: a.file_name,
            size: content.size,
            content_type: content.content_type.clone(),
            sha256: content.sha256.clone(),
        },
        transaction_id: TransactionId(a.transaction_id),
        visibility: Visibility::parse(&a.visibility).map_err(|_| corrupt("visibility"))?,
        content,
    }))
}

async fn content_of(c: &impl ConnectionTrait, blob: Uuid) -> Result<Content> {
    let b = blobs::Entity::find_by_id(blob).one(c).await?.ok_or(StorageError::NotFound)?;
    Ok(Content {
        object_key: b.object_key,
        wrapped_key: b.wrapped_key,
        content_type: b.content_type,
        size: u64::try_from(b.size).map_err(|_| corrupt("size"))?,
        sha256: b.sha256,
    })
}

/// Records a voice note whose `voice` event was just written and whose Ogg
/// Opus is stored as `blob`. Run it inside the database transaction that wrote
/// the event and the blob.
pub async fn record_voice(c: &impl ConnectionTrait, blob: Uuid, v: &Voiced, event: &LoggedEvent) -> Result<VoiceView> {
    voice_notes::Entity::insert(voice_notes::ActiveModel {
        id: Set(v.voice_id.0),
        transaction_id: Set(event.transaction_id.0),
        blob_id: Set(blob),
        duration_ms: Set(i64::try_from(v.duration_ms).map_err(|_| corrupt("duration"))?),
        waveform: Set(json!(v.waveform)),
        visibility: Set(event.visibility.as_str().to_owned()),
        seq: Set(i32::try_from(event.seq).map_err(|_| corrupt("seq"))?),
        recorded_by: Set(event.actor_id.ok_or_else(|| corrupt("speaker"))?.0),
        created_at: Set(event.at),
    })
    .exec_without_returning(c)
    .await?;
    Ok(VoiceView {
        id: v.voice_id,
        duration_ms: v.duration_ms,
        waveform: v.waveform.clone(),
        content_type: v.content_type.clone(),
    })
}

/// A voice note with what the visibility rule and playback need.
#[derive(Debug, Clone)]
pub struct FoundVoice {
    pub view: VoiceView,
    pub transaction_id: TransactionId,
    pub visibility: Visibility,
    pub content: Content,
}

pub async fn find_voice(c: &impl ConnectionTrait, id: VoiceId) -> Result<Option<FoundVoice>> {
    let Some(v) = voice_notes::Entity::find_by_id(id.0).one(c).await? else { return Ok(None) };
    let content = content_of(c, v.blob_id).await?;
    Ok(Some(FoundVoice {
        view: VoiceView {
            id,
            duration_ms: u64::try_from(v.duration_ms).map_err(|_| corrupt("duration"))?,
            waveform: serde_json::from_value(v.waveform).map_err(|_| corrupt("waveform"))?,
            content_type: content.content_type.clone(),
        },
        transaction_id: TransactionId(v.transaction_id),
        visibility: Visibility::parse(&v.visibility).map_err(|_| corrupt("visibility"))?,
        content,
    }))
}

/// Every stored content's wrapped data key, for master-key rotation.
pub async fn wrapped_keys(c: &impl ConnectionTrait) -> Result<Vec<(Uuid, String)>> {
    Ok(blobs::Entity::find().all(c).await?.into_iter().map(|b| (b.id, b.wrapped_key)).collect())
}

pub async fn set_wrapped_key(c: &impl ConnectionTrait, blob: Uuid, wrapped: String) -> Result<()> {
    blobs::Entity::update(blobs::ActiveModel { id: Set(blob), wrapped_key: Set(wrapped), ..Default::default() })
        .exec(c)
        .await?;
    Ok(())
}

/// Which of `keys` some stored content records (the others are objects a
/// crash left between storing an upload and recording it).
pub async fn recorded_object_keys(c: &impl ConnectionTrait, keys: &[String]) -> Result<HashSet<String>> {
    let mut known = HashSet::new();
    for chunk in keys.chunks(500) {
        let rows: Vec<String> = blobs::Entity::find()
            .select_only()
            .column(blobs::Column::ObjectKey)
            .filter(blobs::Column::ObjectKey.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(c)
            .await?;
        known.extend(rows);
    }
    Ok(known)
}
