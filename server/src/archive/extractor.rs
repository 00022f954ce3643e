//! Extracts the text of attached documents (PDF, DOCX) for the archive, one at
//! a time beside the indexer, so that a large PDF never holds up the indexing
//! of comments. A text is stored once per stored content, in the texts' log,
//! which every node's archive indexer follows (`log::Texts`); a ring of
//! `Committed` wakes them.
//!
//! The parsers read untrusted bytes, and a 600-byte PDF found by `fuzz/` (kept
//! as `server/tests/data/pdf-extract-hangs.pdf`) makes pdf-extract recurse
//! until the stack overflows — an abort, not a panic — or, with a bigger
//! stack, spin. So the `tawasul` binary
//! extracts in a child process of its own (`tawasul extract-text`) that limits
//! its own memory and CPU time, and is killed after `EXTRACT_TIMEOUT`; a
//! document that does not come out is recorded as damaged. A server embedded
//! in another program (the end-to-end tests) extracts in process.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use chrono::Utc;
use futures_util::TryStreamExt;
use tawasul_storage::Db;
use tawasul_storage::archive::{PendingText, pending_texts, record_text};
use tawasul_storage::extract::{ExtractError, extract};
use tawasul_storage::objects::Objects;
use tokio::io::AsyncWriteExt;

use crate::log::Committed;

/// How the extraction runs.
#[derive(Debug, Clone)]
pub enum Isolation {
    /// In a child process: this binary, `extract-text`, killed after `timeout`.
    Process {
        bin: PathBuf,
        timeout: Duration,
    },
    InProcess,
}

impl Isolation {
    /// A child process when this program is the `tawasul` binary.
    pub fn for_this_program(timeout: Duration) -> Isolation {
        match std::env::current_exe() {
            Ok(bin) if bin.file_stem().is_some_and(|s| s == "tawasul") => Isolation::Process { bin, timeout },
            _ => Isolation::InProcess,
        }
    }
}

/// Memory and CPU time the child may use (it sets them on itself).
pub const CHILD_MEMORY: u64 = 1 << 30;
pub const CHILD_CPU_SECONDS: u64 = 60;

/// Runs until the task is dropped.
pub async fn run(db: Db, objects: Objects, committed: Committed, isolation: Isolation) {
    loop {
        match round(&db, &objects, &committed, &isolation).await {
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
#[tracing::instrument(name = "text_extraction_round", skip_all)]
async fn round(db: &Db, objects: &Objects, committed: &Committed, isolation: &Isolation) -> anyhow::Result<bool> {
    let Some(p) = pending_texts(db.read(), 1).await?.pop() else { return Ok(false) };
    let extracted = match read(objects, &p).await {
        Ok(bytes) => extract_isolated(isolation, p.content.content_type.clone(), bytes).await,
        Err(e) => Err(ExtractError::Damaged(e.to_string())),
    };
    if let Err(e) = &extracted {
        tracing::info!(blob = %p.blob_id, error = %e, "a document's text could not be extracted");
    }
    record_text(db.write(), p.blob_id, &extracted, Utc::now()).await?;
    committed.ring();
    Ok(true)
}

async fn extract_isolated(isolation: &Isolation, content_type: String, bytes: Vec<u8>) -> Result<String, ExtractError> {
    match isolation {
        Isolation::InProcess => tokio::task::spawn_blocking(move || extract(&content_type, &bytes))
            .await
            .unwrap_or_else(|e| Err(ExtractError::Damaged(e.to_string()))),
        Isolation::Process { bin, timeout } => {
            let damaged = |e: &dyn std::fmt::Display| ExtractError::Damaged(e.to_string());
            let mut child = tokio::process::Command::new(bin)
                .args(["extract-text", "--content-type", &content_type])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| damaged(&e))?;
            let mut stdin = child.stdin.take().ok_or_else(|| damaged(&"no stdin"))?;
            let feed = async move {
                // A child that stops reading (it died) is seen through its exit status.
                let _ = stdin.write_all(&bytes).await;
            };
            let (_, out) = tokio::time::timeout(*timeout, async { tokio::join!(feed, child.wait_with_output()) })
                .await
                .map_err(|_| damaged(&format!("no text after {timeout:?}: the reader was stopped")))?;
            let out = out.map_err(|e| damaged(&e))?;
            if out.status.success() {
                Ok(String::from_utf8_lossy(&out.stdout).into_owned())
            } else if out.status.code() == Some(UNSUPPORTED_EXIT) {
                Err(ExtractError::Unsupported)
            } else {
                Err(damaged(&format!("{}: {}", out.status, String::from_utf8_lossy(&out.stderr).trim())))
            }
        }
    }
}

/// `tawasul extract-text`'s exit status for a type it does not read.
pub const UNSUPPORTED_EXIT: i32 = 3;

/// The child's side: limits itself, reads the document from standard input,
/// writes its text to standard output.
/// Returns the exit status: 0 with the text, `UNSUPPORTED_EXIT`, or 2 (damaged).
pub fn extract_text_child(content_type: &str) -> anyhow::Result<i32> {
    use std::io::{Read, Write};
    rlimit::setrlimit(rlimit::Resource::AS, CHILD_MEMORY, CHILD_MEMORY)?;
    rlimit::setrlimit(rlimit::Resource::CPU, CHILD_CPU_SECONDS, CHILD_CPU_SECONDS)?;
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes)?;
    match extract(content_type, &bytes) {
        Ok(text) => {
            std::io::stdout().write_all(text.as_bytes())?;
            std::io::stdout().flush()?;
            Ok(0)
        }
        Err(ExtractError::Unsupported) => Ok(UNSUPPORTED_EXIT),
        Err(e) => {
            eprintln!("{e}");
            Ok(2)
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_reader_that_does_not_finish_is_stopped() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let bin = dir.path().join("slow-reader");
        std::fs::write(&bin, "#!/bin/sh\necho $$ > \"$(dirname \"$0\")/pid\"\nexec sleep 30\n")
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&bin, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
        let isolation = Isolation::Process { bin, timeout: Duration::from_millis(300) };
        let started = std::time::Instant::now();
        let r = extract_isolated(&isolation, "application/pdf".into(), b"%PDF-1.4".to_vec()).await;
        assert!(matches!(r, Err(ExtractError::Damaged(_))), "{r:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
        // The child was killed, not left running.
        let pid = std::fs::read_to_string(dir.path().join("pid")).unwrap_or_default();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let alive = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).is_ok_and(|s| !s.contains(") Z "));
        assert!(!alive, "the reader {pid} still runs");
    }
}
