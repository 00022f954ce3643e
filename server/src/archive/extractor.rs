//! Extracts the text of attached documents (PDF, DOCX) for the archive, one at
//! a time beside the indexer, so that a large PDF never holds up the indexing
//! of comments. A text is stored once per stored content; the indexer is told
//! through `new_texts` and re-indexes the transactions holding it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use futures_util::TryStreamExt;
use tawasul_storage::Db;
use tawasul_storage::archive::{PendingText, pending_texts, record_text};
use tawasul_storage::extract::{ExtractError, extract};
use tawasul_storage::objects::Objects;

/// Runs until the task is dropped.
pub async fn run(db: Db, objects: Objects, new_texts: Arc<AtomicBool>) {
    loop {
        match round(&db, &objects, &new_texts).await {
            Ok(true) => continue,
            Ok(false) => tokio::time::sleep(Duration::from_secs(1)).await,
            Err(e) => {
                tracing::warn!(error = %e, "document text extraction failed; retrying");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }
}

/// Extracts one pending document; whether there was one.
async fn round(db: &Db, objects: &Objects, new_texts: &AtomicBool) -> anyhow::Result<bool> {
    let Some(p) = pending_texts(db.read(), 1).await?.pop() else { return Ok(false) };
    let extracted = match read(objects, &p).await {
        Ok(bytes) => {
            let content_type = p.content.content_type.clone();
            tokio::task::spawn_blocking(move || extract(&content_type, &bytes)).await?
        }
        Err(e) => Err(ExtractError::Damaged(e.to_string())),
    };
    if let Err(e) = &extracted {
        tracing::info!(blob = %p.blob_id, error = %e, "a document's text could not be extracted");
    }
    record_text(db.write(), p.blob_id, &extracted, Utc::now()).await?;
    new_texts.store(true, Ordering::Release);
    Ok(true)
}

async fn read(objects: &Objects, p: &PendingText) -> anyhow::Result<Vec<u8>> {
    let stream = objects.get(&p.content.object_key, &p.content.wrapped_key).await?;
    let mut bytes = Vec::with_capacity(usize::try_from(p.content.size).unwrap_or(0));
    futures_util::pin_mut!(stream);
    while let Some(chunk) = stream.try_next().await? {
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
