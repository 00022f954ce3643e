//! Use cases of meetings: schedule, change or cancel one (its invitees are
//! sent the calendar event through the outbox), answer and check in (also a
//! guest, by their link), share notes, keep the minutes and decisions, hold
//! votes, remind of what is about to start. Each asks
//! `tawasul_core::meetings` whether the person may take the step, in the
//! database transaction that writes it with its audit entry.
//!
//! Each step that the meeting's people see happen is also appended to the
//! meeting's log in the same database transaction (`meeting_log`), which real
//! time follows: live on `meeting:<id>`, and again on resume.
//!
//! A secret ballot's audit entry names the voter and the vote, never the
//! option; its answer and its event carry the turnout alone.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::json;
use tawasul_core::ErrorCode;
use tawasul_core::api::{
    BallotReceipt, CreateVoteRequest, DecisionView, GuestMeetingView, MeetingChanges, MeetingView, NewInvitee,
    NewMeeting, NewNote, VoteView,
};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::ids::{EntityId, InviteeId, MeetingId, UserId, VoteId};
use tawasul_core::meeting_log::MeetingEvent;
use tawasul_core::meetings::{self as rules, Ballot, BallotRefusal, Place, Refusal, Rsvp, Step};
use tawasul_core::org::Actor;
use tawasul_storage::accounts::Account;
use tawasul_storage::audit;
use tawasul_storage::meetings::{self as store, Invitation, Stored, StoredVote};
use tawasul_storage::{ConnectionTrait, DatabaseTransaction, meeting_log, outbox};

use super::{Answer, App};
use crate::auth::tokens::{new_secret_token, secret_token_hash};
use crate::error::{ApiError, ApiResult};
use crate::invitations::{self, Method, Told};

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> ApiError {
        ApiError::new(r.code())
    }
}

/// The meeting and the person's place in it, if they may take `step` at `now`.
async fn standing(
    c: &impl ConnectionTrait,
    who: &Actor,
    id: MeetingId,
    step: Step,
    now: DateTime<Utc>,
) -> ApiResult<(Stored, Place)> {
    let m = store::find(c, id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    let place = store::place(c, id, who.user_id).await?;
    rules::may(who, &m.facts, &place, step, now)?;
    Ok((m, place))
}

/// The vote, its meeting and the person's place in it, if they may take `step`.
async fn vote_standing(
    c: &impl ConnectionTrait,
    who: &Actor,
    id: VoteId,
    step: Step,
    now: DateTime<Utc>,
) -> ApiResult<(StoredVote, Stored, Place)> {
    let v = store::find_vote(c, id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    // Someone who may not see the meeting learns nothing of its votes: 404 too.
    let (m, place) = standing(c, who, v.meeting_id, step, now).await?;
    Ok((v, m, place))
}

/// The meeting a guest's link names, if the guest may take `step` at `now`.
async fn guest_standing(
    c: &impl ConnectionTrait,
    token: &str,
    step: Step,
    now: DateTime<Utc>,
) -> ApiResult<(Stored, Invitation, Place)> {
    let found = store::guest(c, &secret_token_hash(token)).await?;
    let (m, invitation, place) = found.ok_or(ApiError::new(ErrorCode::NotFound))?;
    rules::may_as_guest(&m.facts, step, now)?;
    Ok((m, invitation, place))
}

/// Enqueues `kind` (`meeting-invitation`, `meeting-reminder`) to every
/// invitee who has not declined, by each address they have; an invitation
/// carries the calendar event, and a guest's, their link (`links`: the
/// tokens by their hashes). Whether anything was enqueued.
async fn send_to_invitees(
    tx: &DatabaseTransaction,
    m: &Stored,
    kind: &str,
    links: &HashMap<String, String>,
    public_url: &str,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let invitations = store::invitations(tx, m.id).await?;
    let (ar, en, email) = store::organiser(tx, m).await?;
    let told = Told { meeting: m, organiser: (&ar, &en, email.as_deref()), invitations: &invitations, public_url };
    let event = match kind {
        "meeting-invitation" | "meeting-changed" => Some(invitations::ics(&told, Method::Request, now)),
        "meeting-cancelled" => Some(invitations::ics(&told, Method::Cancel, now)),
        _ => None,
    };
    let mut queued = false;
    for i in invitations.iter().filter(|i| i.rsvp != Some(Rsvp::Declined)) {
        let token = i.guest_token_sha256.as_ref().and_then(|h| links.get(h)).map(String::as_str);
        for message in invitations::messages(&told, kind, i, token, event.as_deref()) {
            outbox::enqueue(tx, &message, now).await?;
            queued = true;
        }
    }
    Ok(queued)
}

/// Appends what happened to the meeting's log.
async fn log(
    tx: &DatabaseTransaction,
    id: MeetingId,
    actor: Option<UserId>,
    e: MeetingEvent,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    meeting_log::append(tx, id, actor, &e, now).await?;
    Ok(())
}

/// An invitee's answer, or their presence, as the meeting's log tells it.
async fn log_invitee(
    tx: &DatabaseTransaction,
    id: MeetingId,
    actor: Option<UserId>,
    invitee: InviteeId,
    response: Option<Rsvp>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let (name_ar, name_en) = store::invitee_name(tx, invitee).await?;
    let e = match response {
        Some(response) => MeetingEvent::Rsvp { invitee_id: invitee, name_ar, name_en, response },
        None => MeetingEvent::CheckedIn { invitee_id: invitee, name_ar, name_en },
    };
    log(tx, id, actor, e, now).await
}

fn entry(
    who: &Actor,
    m: &Stored,
    action: AuditAction,
    target: AuditTarget,
) -> tawasul_storage::audit::AuditEntry<'static> {
    crate::audit::entry(Some(who.user_id), Some(m.facts.entity_id), action, target)
}

impl App {
    /// An employee holding `meeting.create` schedules a meeting of their
    /// entity; each invitee is sent the invitation in the same database
    /// transaction (through the outbox), a guest with their signed link.
    pub async fn create_meeting(&self, who: &Account, m: &NewMeeting) -> ApiResult<Answer> {
        rules::may_create(&who.actor, m.entity_id)?;
        let guests = m.invitees.iter().filter(|i| matches!(i, NewInvitee::Guest { .. })).count();
        let links: HashMap<String, String> =
            (0..guests).map(|_| new_secret_token()).map(|t| (secret_token_hash(&t), t)).collect();
        let (who, m, url) = (who.actor.clone(), m.clone(), self.public_url.clone());
        let (answer, queued) = self
            .unit(move |tx, now| {
                Box::pin(async move {
                    let hashes: Vec<String> = links.keys().cloned().collect();
                    let s = store::create(tx, who.user_id, &m, &hashes, now).await?;
                    let e = entry(&who, &s, AuditAction::MeetingCreate, AuditTarget::Meeting(s.id)).after(json!({
                        "title": m.title, "starts_at": m.starts_at, "duration_minutes": m.duration_minutes,
                        "mode": m.mode, "invitees": m.invitees.len(),
                    }));
                    audit::append(tx, e, now).await?;
                    let queued = send_to_invitees(tx, &s, "meeting-invitation", &links, &url, now).await?;
                    Ok((Answer::created(store::view(tx, s.id).await?)?, queued))
                })
            })
            .await?;
        self.wake_outbox(queued);
        Ok(answer)
    }

    /// The organiser changes the meeting (time, place, agenda); every invitee
    /// who has not declined is sent the event again, one revision up.
    pub async fn change_meeting(&self, who: &Account, id: MeetingId, ch: MeetingChanges) -> ApiResult<Answer> {
        let (who, url) = (who.actor.clone(), self.public_url.clone());
        let (answer, queued) = self
            .unit(move |tx, now| {
                Box::pin(async move {
                    let (before, _) = standing(tx, &who, id, Step::Change, now).await?;
                    let after = store::change(tx, id, &ch, now).await?;
                    let e = entry(&who, &after, AuditAction::MeetingChange, AuditTarget::Meeting(id))
                        .before(json!({ "starts_at": before.facts.starts_at, "duration_minutes": before.facts.duration_minutes,
                            "title": before.title, "location": before.location }))
                        .after(json!({ "starts_at": after.facts.starts_at, "duration_minutes": after.facts.duration_minutes,
                            "title": after.title, "location": after.location, "sequence": after.sequence }));
                    audit::append(tx, e, now).await?;
                    let changed = MeetingEvent::Changed {
                        title: after.title.clone(),
                        starts_at: after.facts.starts_at,
                        duration_minutes: after.facts.duration_minutes,
                        location: after.location.clone(),
                        sequence: after.sequence,
                    };
                    log(tx, id, Some(who.user_id), changed, now).await?;
                    let queued = send_to_invitees(tx, &after, "meeting-changed", &HashMap::new(), &url, now).await?;
                    Ok((Answer::ok(store::view(tx, id).await?)?, queued))
                })
            })
            .await?;
        self.wake_outbox(queued);
        Ok(answer)
    }

    /// The organiser cancels the meeting; every invitee who has not declined
    /// is sent the cancelled event.
    pub async fn cancel_meeting(&self, who: &Account, id: MeetingId) -> ApiResult<Answer> {
        let (who, url) = (who.actor.clone(), self.public_url.clone());
        let (answer, queued) = self
            .unit(move |tx, now| {
                Box::pin(async move {
                    standing(tx, &who, id, Step::Cancel, now).await?;
                    store::cancel(tx, id, now).await?;
                    let m = store::find(tx, id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
                    let e = entry(&who, &m, AuditAction::MeetingCancel, AuditTarget::Meeting(id))
                        .after(json!({ "cancelled_at": now, "sequence": m.sequence }));
                    audit::append(tx, e, now).await?;
                    log(tx, id, Some(who.user_id), MeetingEvent::Cancelled {}, now).await?;
                    let queued = send_to_invitees(tx, &m, "meeting-cancelled", &HashMap::new(), &url, now).await?;
                    Ok((Answer::ok(store::view(tx, id).await?)?, queued))
                })
            })
            .await?;
        self.wake_outbox(queued);
        Ok(answer)
    }

    /// The meeting's calendar event, for its invitees and organiser.
    pub async fn invite_ics(&self, who: &Account, id: MeetingId) -> ApiResult<String> {
        let db = self.db.read();
        let now = self.clock.now();
        let (m, place) = standing(db, &who.actor, id, Step::View, now).await?;
        if place.invitee.is_none() && m.facts.organiser_id != who.actor.user_id {
            return Err(ApiError::new(ErrorCode::NotFound));
        }
        let invitations = store::invitations(db, id).await?;
        let (ar, en, email) = store::organiser(db, &m).await?;
        let told = Told {
            meeting: &m,
            organiser: (&ar, &en, email.as_deref()),
            invitations: &invitations,
            public_url: &self.public_url,
        };
        Ok(invitations::ics(&told, Method::Request, now))
    }

    /// What a guest's link opens: the meeting as its guest sees it.
    pub async fn guest_meeting(&self, token: &str) -> ApiResult<GuestMeetingView> {
        let db = self.db.read();
        let (m, invitation, _) = guest_standing(db, token, Step::View, self.clock.now()).await?;
        let view = store::view(db, m.id).await?;
        let mine = view.invitees.iter().find(|i| i.id == invitation.invitee).cloned();
        Ok(GuestMeetingView {
            meeting_id: m.id,
            title: view.title,
            agenda: view.agenda,
            starts_at: view.starts_at,
            ends_at: view.ends_at,
            mode: view.mode,
            location: view.location,
            organiser_ar: view.organiser.name_ar,
            organiser_en: view.organiser.name_en,
            cancelled: view.cancelled,
            name: invitation.name_ar,
            rsvp: mine.as_ref().and_then(|i| i.rsvp),
            checked_in_at: mine.and_then(|i| i.checked_in_at),
        })
    }

    /// A guest answers the invitation through their link.
    pub async fn guest_rsvp(&self, token: String, r: Rsvp) -> ApiResult<Answer> {
        self.unit(move |tx, now| {
            Box::pin(async move {
                let (m, invitation, _) = guest_standing(tx, &token, Step::Rsvp, now).await?;
                store::rsvp(tx, invitation.invitee, r, now).await?;
                let e = crate::audit::entry(
                    None,
                    Some(m.facts.entity_id),
                    AuditAction::MeetingRsvp,
                    AuditTarget::Meeting(m.id),
                )
                .after(json!({ "guest": invitation.invitee, "response": r }));
                audit::append(tx, e, now).await?;
                log_invitee(tx, m.id, None, invitation.invitee, Some(r), now).await?;
                Answer::ok(json!({ "meeting_id": m.id, "invitee_id": invitation.invitee, "response": r, "at": now }))
            })
        })
        .await
    }

    /// A guest checks in through their link, inside the meeting's window.
    pub async fn guest_check_in(&self, token: String) -> ApiResult<Answer> {
        self.unit(move |tx, now| {
            Box::pin(async move {
                let (m, invitation, _) = guest_standing(tx, &token, Step::CheckIn, now).await?;
                let (at, fresh) = store::check_in(tx, invitation.invitee, now).await?;
                if fresh {
                    let e = crate::audit::entry(
                        None,
                        Some(m.facts.entity_id),
                        AuditAction::MeetingCheckIn,
                        AuditTarget::Meeting(m.id),
                    )
                    .after(json!({ "guest": invitation.invitee, "at": at }));
                    audit::append(tx, e, now).await?;
                    log_invitee(tx, m.id, None, invitation.invitee, None, now).await?;
                }
                Answer::ok(json!({ "meeting_id": m.id, "invitee_id": invitation.invitee, "checked_in_at": at }))
            })
        })
        .await
    }

    /// Reminds the invitees of each meeting that starts within
    /// `REMINDER_BEFORE`, once: the mark and the messages commit together,
    /// so a restart, a second round or a second node sends nothing again.
    /// The number of meetings reminded of.
    pub async fn remind_of_meetings(&self) -> ApiResult<usize> {
        let due = store::to_remind(self.db.read(), self.clock.now(), rules::REMINDER_BEFORE, 100).await?;
        let mut reminded = 0;
        for id in due {
            let url = self.public_url.clone();
            let queued = self
                .unit(move |tx, now| {
                    Box::pin(async move {
                        let Some(m) = store::find(tx, id).await? else { return Ok(false) };
                        if !store::mark_reminded(tx, id, now).await? {
                            return Ok(false);
                        }
                        // A guest's link is not kept (only its hash): the reminder
                        // sends a guest back to the invitation they were sent.
                        send_to_invitees(tx, &m, "meeting-reminder", &HashMap::new(), &url, now).await
                    })
                })
                .await?;
            if queued {
                reminded += 1;
            }
            self.wake_outbox(queued);
        }
        Ok(reminded)
    }

    /// The meeting, for those who may see it.
    pub async fn meeting(&self, who: &Account, id: MeetingId) -> ApiResult<MeetingView> {
        let db = self.db.read();
        standing(db, &who.actor, id, Step::View, self.clock.now()).await?;
        Ok(store::view(db, id).await?)
    }

    pub async fn rsvp(&self, who: &Account, id: MeetingId, r: Rsvp) -> ApiResult<Answer> {
        let who = who.actor.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let (m, place) = standing(tx, &who, id, Step::Rsvp, now).await?;
                let invitee = place.invitee.ok_or(ApiError::new(ErrorCode::Forbidden))?;
                store::rsvp(tx, invitee, r, now).await?;
                let e =
                    entry(&who, &m, AuditAction::MeetingRsvp, AuditTarget::Meeting(id)).after(json!({ "response": r }));
                audit::append(tx, e, now).await?;
                log_invitee(tx, id, Some(who.user_id), invitee, Some(r), now).await?;
                Answer::ok(json!({ "meeting_id": id, "invitee_id": invitee, "response": r, "at": now }))
            })
        })
        .await
    }

    /// Records the invitee present, inside the meeting's window; again is
    /// answered with the first time.
    pub async fn check_in(&self, who: &Account, id: MeetingId) -> ApiResult<Answer> {
        let who = who.actor.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let (m, place) = standing(tx, &who, id, Step::CheckIn, now).await?;
                let invitee = place.invitee.ok_or(ApiError::new(ErrorCode::Forbidden))?;
                let (at, fresh) = store::check_in(tx, invitee, now).await?;
                if fresh {
                    let e = entry(&who, &m, AuditAction::MeetingCheckIn, AuditTarget::Meeting(id))
                        .after(json!({ "at": at }));
                    audit::append(tx, e, now).await?;
                    log_invitee(tx, id, Some(who.user_id), invitee, None, now).await?;
                }
                Answer::ok(json!({ "meeting_id": id, "invitee_id": invitee, "checked_in_at": at }))
            })
        })
        .await
    }

    /// A shared note, or an opinion on an agenda item, from someone present.
    pub async fn add_note(&self, who: &Account, id: MeetingId, n: NewNote) -> ApiResult<Answer> {
        let who = who.actor.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let (m, _) = standing(tx, &who, id, Step::Note, now).await?;
                if n.agenda_item.is_some_and(|i| usize::try_from(i).map_or(true, |i| i >= m.agenda.len())) {
                    return Err(ApiError::field("agenda_item", ErrorCode::InvalidField));
                }
                let note = store::add_note(tx, id, who.user_id, &n, now).await?;
                let e = entry(&who, &m, AuditAction::MeetingNote, AuditTarget::Meeting(id))
                    .after(json!({ "note": note.id, "agenda_item": n.agenda_item }));
                audit::append(tx, e, now).await?;
                let shared =
                    MeetingEvent::Note { note_id: note.id, agenda_item: n.agenda_item, body: note.body.clone() };
                log(tx, id, Some(who.user_id), shared, now).await?;
                Answer::created(note)
            })
        })
        .await
    }

    /// The organiser writes the draft minutes (again, until approved).
    pub async fn draft_minutes(&self, who: &Account, id: MeetingId, body: String) -> ApiResult<Answer> {
        let who = who.actor.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let (m, _) = standing(tx, &who, id, Step::EditMinutes, now).await?;
                let before = store::set_minutes(tx, id, &body, now).await?;
                let e = entry(&who, &m, AuditAction::MinutesDraft, AuditTarget::Meeting(id))
                    .before(json!({ "sha256": before.as_deref().map(store::minutes_sha256) }))
                    .after(json!({ "sha256": store::minutes_sha256(&body) }));
                audit::append(tx, e, now).await?;
                Answer::ok(store::view(tx, id).await?.minutes)
            })
        })
        .await
    }

    /// The organiser approves the minutes: sealed from then on, their hash
    /// entered in the audit chain.
    pub async fn approve_minutes(&self, who: &Account, id: MeetingId) -> ApiResult<Answer> {
        let who = who.actor.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let (m, _) = standing(tx, &who, id, Step::ApproveMinutes, now).await?;
                let sha = store::approve_minutes(tx, id, now).await?;
                let e = entry(&who, &m, AuditAction::MinutesApprove, AuditTarget::Meeting(id))
                    .after(json!({ "sha256": sha, "approved_at": now }));
                audit::append(tx, e, now).await?;
                log(tx, id, Some(who.user_id), MeetingEvent::MinutesApproved { sha256: sha }, now).await?;
                Answer::ok(store::view(tx, id).await?.minutes)
            })
        })
        .await
    }

    /// The organiser records a decision, linked to the closed vote that made it.
    pub async fn record_decision(
        &self,
        who: &Account,
        id: MeetingId,
        text: String,
        vote: Option<VoteId>,
    ) -> ApiResult<Answer> {
        let who = who.actor.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let (m, _) = standing(tx, &who, id, Step::Decide, now).await?;
                let d = store::add_decision(tx, &m, &text, vote, now).await?;
                let e = entry(&who, &m, AuditAction::DecisionRecord, AuditTarget::Meeting(id))
                    .after(json!({ "decision": d.id, "text": d.text, "vote_id": d.vote_id }));
                audit::append(tx, e, now).await?;
                let decided = MeetingEvent::Decision { decision_id: d.id, text: d.text.clone(), vote_id: d.vote_id };
                log(tx, id, Some(who.user_id), decided, now).await?;
                Answer::created(d)
            })
        })
        .await
    }

    /// The organiser opens a vote.
    pub async fn open_vote(&self, who: &Account, id: MeetingId, r: CreateVoteRequest) -> ApiResult<Answer> {
        let who = who.actor.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let v = r.parse(now)?;
                let (m, _) = standing(tx, &who, id, Step::CreateVote, now).await?;
                let stored = store::create_vote(tx, id, &v, now).await?;
                let e = entry(&who, &m, AuditAction::VoteCreate, AuditTarget::Vote(stored.id)).after(json!({
                    "meeting_id": id, "question": v.question, "options": v.options, "ballot": v.ballot,
                    "quorum": v.quorum, "closes_at": v.closes_at,
                }));
                audit::append(tx, e, now).await?;
                let opened = MeetingEvent::VoteOpened {
                    vote_id: stored.id,
                    question: v.question.clone(),
                    options: v.options.clone(),
                    ballot: v.ballot,
                    quorum: v.quorum,
                    closes_at: v.closes_at,
                };
                log(tx, id, Some(who.user_id), opened, now).await?;
                Answer::created(store::vote_view(tx, &stored).await?)
            })
        })
        .await
    }

    /// An eligible voter casts their one ballot. Answered with the turnout;
    /// the audit entry of a secret ballot carries no option.
    pub async fn cast_ballot(&self, who: &Account, id: VoteId, option_index: u32) -> ApiResult<Answer> {
        let who = who.actor.clone();
        self.unit(move |tx, now| {
            Box::pin(async move {
                let (v, m, _) = vote_standing(tx, &who, id, Step::Cast, now).await?;
                let index = usize::try_from(option_index).unwrap_or(usize::MAX);
                rules::check_ballot(&v.facts, index, now).map_err(|r| match r {
                    BallotRefusal::Closed => ApiError::new(ErrorCode::VoteClosed),
                    BallotRefusal::NoSuchOption => ApiError::field("option_index", ErrorCode::InvalidChoice),
                })?;
                store::cast(tx, &v, who.user_id, option_index).await?;
                let after = match v.facts.ballot {
                    Ballot::Open => json!({ "option_index": option_index }),
                    Ballot::Secret => json!({}),
                };
                let e = entry(&who, &m, AuditAction::VoteBallot, AuditTarget::Vote(id)).after(after);
                audit::append(tx, e, now).await?;
                let turnout = store::turnout(tx, id).await?;
                // No actor, no option: the meeting sees how many have voted.
                log(tx, m.id, None, MeetingEvent::Turnout { vote_id: id, turnout }, now).await?;
                Answer::created(BallotReceipt { vote_id: id, turnout })
            })
        })
        .await
    }

    /// Closes a vote: by its organiser (`who`), or by the closing worker
    /// (`None`) once its closing time has come. Answered with the result.
    pub async fn close_vote(&self, who: Option<&Account>, id: VoteId) -> ApiResult<Answer> {
        let who = who.map(|w| w.actor.clone());
        self.unit(move |tx, now| {
            Box::pin(async move {
                let (v, m) = match &who {
                    Some(a) => {
                        let (v, m, _) = vote_standing(tx, a, id, Step::CloseVote, now).await?;
                        (v, m)
                    }
                    None => {
                        let v = store::find_vote(tx, id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
                        if v.facts.is_open(now) {
                            return Err(ApiError::new(ErrorCode::Forbidden));
                        }
                        let m = store::find(tx, v.meeting_id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
                        (v, m)
                    }
                };
                if v.facts.closed {
                    return Err(ApiError::new(ErrorCode::VoteClosed));
                }
                let result =
                    rules::result(store::counts(tx, &v).await?, store::present_voters(tx, m.id).await?, v.facts.quorum);
                store::close(tx, &v, &result, now).await?;
                let e = crate::audit::entry(
                    who.as_ref().map(|a| a.user_id),
                    Some(m.facts.entity_id),
                    AuditAction::VoteClose,
                    AuditTarget::Vote(id),
                )
                .after(json!(result));
                audit::append(tx, e, now).await?;
                let closed = MeetingEvent::VoteClosed { vote_id: id, result: result.clone() };
                log(tx, m.id, who.as_ref().map(|a| a.user_id), closed, now).await?;
                Answer::ok(result)
            })
        })
        .await
    }

    /// A vote, for those who may see its meeting.
    pub async fn vote(&self, who: &Account, id: VoteId) -> ApiResult<VoteView> {
        let db = self.db.read();
        let (v, _, _) = vote_standing(db, &who.actor, id, Step::View, self.clock.now()).await?;
        Ok(store::vote_view(db, &v).await?)
    }

    /// An entity's register of decisions.
    pub async fn decisions(&self, who: &Account, entity: EntityId, limit: u64) -> ApiResult<Vec<DecisionView>> {
        if !rules::may_read_register(&who.actor, entity) {
            return Err(ApiError::new(ErrorCode::Forbidden));
        }
        Ok(store::register(self.db.read(), entity, limit).await?)
    }

    /// Closes the votes whose closing time has come; the number closed.
    pub async fn close_due_votes(&self) -> ApiResult<usize> {
        let due = store::votes_due(self.db.read(), self.clock.now(), 100).await?;
        let mut closed = 0;
        for id in due {
            match self.close_vote(None, id).await {
                Ok(_) => closed += 1,
                // Closed by its organiser meanwhile.
                Err(e) if e.code == ErrorCode::VoteClosed => {}
                Err(e) => return Err(e),
            }
        }
        Ok(closed)
    }
}
