//! Use cases on transactions: open one, and take any step on it (`Command`),
//! including the two that carry stored content (documents and voice notes).
//! Each runs in one database transaction: read under the write connection,
//! decide in `core`, persist, audit, commit; then ring for the log's consumers.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tawasul_core::ErrorCode;
use tawasul_core::api::EventView;
use tawasul_core::api::{ActorRef, NewTransaction, ReferenceMatch};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::events::{EventKind, Voiced};
use tawasul_core::ids::{AttachmentId, EntityId, TransactionId, UserId, VoiceId};
use tawasul_core::lifecycle::{By, Command, Outcome, decide, open as decide_open};
use tawasul_core::policy::{Action, authorize};
use tawasul_core::reference::Reference;
use tawasul_core::visibility::{Visibility, can_view, sees_internal};
use tawasul_core::workflow::Status;
use tawasul_storage::ConnectionTrait;
use tawasul_storage::accounts::Account;
use tawasul_storage::attachments;
use tawasul_storage::audit;
use tawasul_storage::objects::Written;
use tawasul_storage::organisation;
use tawasul_storage::transactions::{self as store, LoggedEvent, Stored};

use super::{Answer, App};
use crate::error::{ApiError, ApiResult};

/// How a timeline names a person.
pub fn named(who: &Account) -> ActorRef {
    ActorRef {
        id: who.actor.user_id,
        role: who.view.role,
        name_ar: who.view.name_ar.clone(),
        name_en: who.view.name_en.clone(),
    }
}

/// What a step answers: a comment or a rating is answered with its event
/// (201), every other step with the transaction as it now stands (200).
async fn answer_for(
    tx: &impl ConnectionTrait,
    who: &Account,
    id: TransactionId,
    cmd_name: &str,
    events: &[LoggedEvent],
    now: DateTime<Utc>,
) -> ApiResult<Answer> {
    if matches!(cmd_name, "comment" | "rate") {
        let first = events.first().ok_or_else(|| ApiError::internal(anyhow::anyhow!("the step wrote no event")))?;
        return Answer::created(first.view(Some(named(who))));
    }
    // Read inside the transaction: it sees its own writes.
    let after = store::find(tx, id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    Answer::ok(store::view(tx, &after, now).await?)
}

impl App {
    /// A beneficiary opens a transaction; it is routed in the same database
    /// transaction.
    pub async fn open_transaction(&self, who: &Account, t: &NewTransaction) -> ApiResult<(Stored, Answer)> {
        self.open_with_documents(who, t, vec![]).await.map(|(s, answer, _)| (s, answer))
    }

    /// Opens a transaction with the documents sent with it, all in one
    /// database transaction: the request and each of its attachments (every
    /// one an external `attachment` event, audited as the step it is), or
    /// nothing. Returns, beside the transaction, the keys of copies of content
    /// the entity already held, for the caller to delete.
    pub async fn open_with_documents(
        &self,
        who: &Account,
        t: &NewTransaction,
        documents: Vec<Enclosed>,
    ) -> ApiResult<(Stored, Answer, Vec<String>)> {
        authorize(&who.actor, Action::CreateTransaction)?;
        let ahead = store::take_ahead(&self.db, t, self.clock.now()).await?;
        let (who, t, taken) = (who.clone(), t.clone(), ahead.clone());
        let opened = self
            .unit(move |tx, now| {
                Box::pin(async move {
                    let opening = store::prepare_opening(tx, &t, taken.as_ref(), now).await?;
                let opened =
                    decide_open(&who.actor, &t, &opening.terms, opening.reference, opening.decision.clone(), now)?;
                let (s, events) = store::insert_opened(tx, who.actor.user_id, &t, &opening, &opened, now).await?;
                let entry = crate::audit::entry(
                    Some(who.actor.user_id),
                    Some(t.entity_id),
                    AuditAction::TransactionCreate,
                    AuditTarget::Transaction(s.id()),
                )
                .after(json!({
                    "type_id": t.type_id, "status": s.status, "assignee": s.facts.assignee_id, "events": written(&events),
                }));
                audit::append(tx, entry, now).await?;
                let mut duplicates = Vec::new();
                for d in &documents {
                    let (_, duplicate) = attach_in(tx, &who, &s, Visibility::External, d, now).await?;
                    duplicates.extend(duplicate);
                }
                let answer = Answer::created(store::view(tx, &s, now).await?)?;
                Ok((answer, (s, duplicates)))
            })
        })
        .await;
        if let (Err(_), Some(ahead)) = (&opened, &ahead) {
            // Best effort: what is not given back expires.
            let _ = store::release(&self.db, ahead).await;
        }
        opened.map(|(answer, (s, duplicates))| (s, answer, duplicates))
    }

    /// A transaction the person may see, and its timeline as they may see it:
    /// a beneficiary's has no internal event at all. The one read of a
    /// timeline, for the API and the pages.
    pub async fn timeline(&self, who: &Account, id: TransactionId) -> ApiResult<(Stored, Vec<EventView>)> {
        let s = visible(self.db.read(), &who.actor, id).await?;
        let events = store::events(self.db.read(), s.id(), sees_internal(&who.actor)).await?;
        Ok((s, events))
    }

    /// The transaction a reference number names, among those the person may
    /// see; several (the same number at several entities) are refused with
    /// `transaction.reference_ambiguous`, naming the entities to choose from,
    /// rather than guessing and showing the wrong one.
    pub async fn look_up(&self, who: &Account, r: Reference, entity: Option<EntityId>) -> ApiResult<Stored> {
        let db = self.db.read();
        let mut found: Vec<Stored> = store::find_by_reference(db, r)
            .await?
            .into_iter()
            .filter(|s| can_view(&who.actor, &s.facts) && entity.is_none_or(|e| s.facts.entity_id == e))
            .collect();
        if found.len() > 1 {
            let mut matches = Vec::with_capacity(found.len());
            for s in &found {
                let e = organisation::entity(db, s.facts.entity_id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
                matches.push(ReferenceMatch { entity_id: e.id, name_ar: e.name_ar, name_en: e.name_en });
            }
            return Err(ApiError::new(ErrorCode::ReferenceAmbiguous).with_details(json!({ "entities": matches })));
        }
        found.pop().ok_or(ApiError::new(ErrorCode::NotFound))
    }

    /// A person takes a step.
    pub async fn act(&self, who: &Account, id: TransactionId, cmd: Command) -> ApiResult<Answer> {
        let who = who.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let s = visible(tx, &who.actor, id).await?;
                let name = cmd.name();
                let events = step(tx, By::Person(&who.actor), &s, cmd, now).await?;
                answer_for(tx, &who, id, name, &events, now).await
            })
        })
        .await
    }

    /// A supervisor gives the transaction to an employee, read in the same
    /// database transaction (so that one deactivated meanwhile is refused).
    pub async fn assign(&self, who: &Account, id: TransactionId, employee: UserId) -> ApiResult<Answer> {
        let who = who.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let s = visible(tx, &who.actor, id).await?;
                let to = store::assignee_facts(tx, employee)
                    .await?
                    .ok_or_else(|| ApiError::field("employee_id", ErrorCode::InvalidField))?;
                let events = step(tx, By::Person(&who.actor), &s, Command::Assign { to }, now).await?;
                answer_for(tx, &who, id, "assign", &events, now).await
            })
        })
        .await
    }

    /// Attaches a document already stored. Returns the attachment and, when
    /// the entity held the same content already, the key of the copy just
    /// written, for the caller to delete.
    pub async fn attach(
        &self,
        who: &Account,
        id: TransactionId,
        visibility: Visibility,
        document: Enclosed,
    ) -> ApiResult<(Answer, Option<String>)> {
        let who = who.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let s = visible(tx, &who.actor, id).await?;
                let (view, duplicate) = attach_in(tx, &who, &s, visibility, &document, now).await?;
                Ok((Answer::created(view)?, duplicate))
            })
        })
        .await
    }

    /// Records a voice note whose Ogg Opus is stored (`w`), with its length and
    /// waveform. Returns the note and, as `attach` does, a duplicate's key.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_voice(
        &self,
        who: &Account,
        id: TransactionId,
        visibility: Visibility,
        w: &Written,
        duration_ms: u64,
        waveform: Vec<u8>,
    ) -> ApiResult<(Answer, Option<String>)> {
        let (who, w) = (who.clone(), w.clone());
        self.unit(move |tx, now| {
            Box::pin(async move {
                let s = visible(tx, &who.actor, id).await?;
                let note =
                    Voiced { voice_id: VoiceId::new(), duration_ms, waveform, content_type: "audio/ogg".to_owned() };
                let cmd = Command::Voice { visibility, note: note.clone() };
                let (blob, duplicate) = attachments::record_blob(tx, s.facts.entity_id, &w, "audio/ogg", now).await?;
                let events = step(tx, By::Person(&who.actor), &s, cmd, now).await?;
                let view = attachments::record_voice(tx, blob, &note, written_as(&events, is_voice)?).await?;
                Ok((Answer::created(view)?, duplicate))
            })
        })
        .await
    }

    /// The platform resumes postponed transactions whose date has come. Each
    /// is its own database transaction, re-read inside it, so that a step
    /// taken meanwhile (or another node) is never undone or repeated.
    pub async fn resume_due_postponements(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let due = store::due_postponements(self.db.read(), now, 100).await?;
        let mut resumed = 0;
        for candidate in due {
            let id = candidate.id();
            let taken = self
                .unit(move |tx, _| {
                    Box::pin(async move {
                        let Some(s) = store::find(tx, id).await? else { return Ok(false) };
                        if s.status != Status::Postponed {
                            return Ok(false);
                        }
                        step(tx, By::Platform, &s, Command::Resume, now).await?;
                        Ok(true)
                    })
                })
                .await
                .map_err(|e| anyhow::anyhow!("resuming {id}: {}", e.code.as_str()))?;
            resumed += usize::from(taken);
        }
        Ok(resumed)
    }
}

/// The transaction if `actor` may see it; otherwise 404, as if it did not exist.
pub async fn visible(
    c: &impl ConnectionTrait,
    actor: &tawasul_core::org::Actor,
    id: TransactionId,
) -> ApiResult<Stored> {
    let s = store::find(c, id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    if can_view(actor, &s.facts) { Ok(s) } else { Err(ApiError::new(ErrorCode::NotFound)) }
}

/// A document whose content is stored already (`written`), as it is to be
/// attached: its name, the type its first bytes show, and its id, given
/// beforehand so that a file field of a new request can name it.
#[derive(Debug, Clone)]
pub struct Enclosed {
    pub id: AttachmentId,
    pub name: String,
    pub written: Written,
    pub content_type: String,
}

/// Records a stored document as an attachment of `s`, inside the caller's
/// database transaction: its blob, the `attachment` step and its row. A
/// refused step drops the database transaction, and the blob row with it.
async fn attach_in(
    tx: &impl ConnectionTrait,
    who: &Account,
    s: &Stored,
    visibility: Visibility,
    d: &Enclosed,
    now: DateTime<Utc>,
) -> ApiResult<(tawasul_core::api::AttachmentView, Option<String>)> {
    let (blob, duplicate) = attachments::record_blob(tx, s.facts.entity_id, &d.written, &d.content_type, now).await?;
    let attachment = attachments::describe(tx, d.id, blob, &d.name).await?;
    let cmd = Command::Attach { visibility, attachment: attachment.clone() };
    let events = step(tx, By::Person(&who.actor), s, cmd, now).await?;
    let view = attachments::record_attachment(tx, blob, &attachment, written_as(&events, is_attachment)?).await?;
    Ok((view, duplicate))
}

/// Decides and persists one command, routing again in the same database
/// transaction when the step leaves the transaction without an assignee, and
/// writes the audit entry. Returns every event written.
pub(super) async fn step(
    tx: &impl ConnectionTrait,
    by: By<'_>,
    s: &Stored,
    cmd: Command,
    now: DateTime<Utc>,
) -> ApiResult<Vec<LoggedEvent>> {
    let before = s.state(tawasul_storage::calendars::of(tx, s.facts.entity_id).await?);
    let name = cmd.name();
    let outcome = decide(by, &before, cmd, now)?;
    let mut events = store::commit(tx, s, &outcome, now).await?;
    let mut after = outcome.apply_to(&before);
    if outcome.route {
        let decision = store::route_again(tx, s, now).await?;
        let routed: Outcome = decide(By::Platform, &after, Command::Route { decision }, now)?;
        events.extend(store::commit(tx, s, &routed, now).await?);
        after = routed.apply_to(&after);
    }
    let entry =
        crate::audit::entry(by.user_id(), Some(s.facts.entity_id), outcome.audit, AuditTarget::Transaction(s.id()))
            .before(json!({ "status": before.status, "assignee": before.facts.assignee_id }))
            .after(json!({
                "step": name, "status": after.status, "assignee": after.facts.assignee_id, "events": written(&events),
            }));
    audit::append(tx, entry, now).await?;
    Ok(events)
}

/// The events an action wrote, as its audit entry names them: seq, kind and
/// visibility, never their content, which the event log keeps.
fn written(events: &[LoggedEvent]) -> Vec<Value> {
    events.iter().map(|e| json!({ "seq": e.seq, "kind": e.kind, "visibility": e.visibility })).collect()
}

fn is_attachment(e: &LoggedEvent) -> bool {
    e.kind == EventKind::Attachment
}

fn is_voice(e: &LoggedEvent) -> bool {
    e.kind == EventKind::Voice
}

fn written_as(events: &[LoggedEvent], which: fn(&LoggedEvent) -> bool) -> ApiResult<&LoggedEvent> {
    events.iter().find(|e| which(e)).ok_or_else(|| ApiError::internal(anyhow::anyhow!("the step wrote no such event")))
}
