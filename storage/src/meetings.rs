//! Meetings as stored: invitations, notes, minutes, decisions, votes and
//! ballots. The rules are `tawasul_core::meetings`; the use cases ask them
//! before calling these.
//!
//! A secret ballot leaves two writes that share nothing but the vote: the
//! voter's row in `vote_voters` (the one-ballot-each key: no option, no
//! time) and one more on its option's counter in `vote_tallies` (a counter
//! added to in place, not a row per ballot, so there is no order to join
//! with the voters'). Closing a vote writes the counts into its result and
//! drops the counters, so that not even the last writer of a counter is left
//! on a row. (A database superuser reading dead row versions before they are
//! vacuumed is outside what a table scan sees; see the README.)

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};
use tawasul_core::api::{
    DecisionView, InviteeView, MeetingChanges, MeetingView, MinutesStatus, MinutesView, NewInvitee, NewMeeting,
    NewNote, NewVote, NoteView, OpenBallotView, VoteStatus, VoteView,
};
use tawasul_core::ids::{DecisionId, EntityId, InviteeId, MeetingId, UserId, VoteId};
use tawasul_core::meetings::{Ballot, MeetingFacts, Mode, Place, Rsvp, VoteFacts, VoteResult};
use tawasul_core::org::Role;
use tawasul_core::permissions::{Permission, effective_permissions};
use tawasul_core::{ErrorCode, Lang};

use crate::accounts::permissions_from_json;
use crate::error::on_unique;
use crate::model::{
    meeting_decisions, meeting_invitees, meeting_notes, meetings, open_ballots, users, vote_tallies, vote_voters, votes,
};
use crate::transactions::actor_refs;
use crate::{Result, StorageError};

/// A meeting's row, with the facts the rules read.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: MeetingId,
    pub facts: MeetingFacts,
    pub title: String,
    pub agenda: Vec<String>,
    pub mode: Mode,
    pub location: Option<String>,
    /// Its revision: each change or the cancellation adds one.
    pub sequence: u32,
}

fn stored(m: &meetings::Model) -> Stored {
    Stored {
        id: MeetingId(m.id),
        facts: MeetingFacts {
            entity_id: EntityId(m.entity_id),
            organiser_id: UserId(m.organiser_id),
            starts_at: m.starts_at,
            duration_minutes: u32::try_from(m.duration_minutes).unwrap_or(0),
            cancelled: m.cancelled_at.is_some(),
            sealed: m.minutes_approved_at.is_some(),
        },
        title: m.title.clone(),
        agenda: serde_json::from_value(m.agenda.clone()).unwrap_or_default(),
        mode: Mode::parse(&m.mode).unwrap_or(Mode::Remote),
        location: m.location.clone(),
        sequence: u32::try_from(m.sequence).unwrap_or(0),
    }
}

/// Writes a meeting and its invitations. Every employee invited must be an
/// active employee of the meeting's entity, invited once. `guest_tokens`
/// holds the hash of each guest's link, in the guests' order.
pub async fn create(
    c: &impl ConnectionTrait,
    organiser: UserId,
    m: &NewMeeting,
    guest_tokens: &[String],
    now: DateTime<Utc>,
) -> Result<Stored> {
    let employees: Vec<uuid::Uuid> = m
        .invitees
        .iter()
        .filter_map(|i| match i {
            NewInvitee::Employee(u) => Some(u.0),
            NewInvitee::Guest { .. } => None,
        })
        .collect();
    let found: HashMap<uuid::Uuid, users::Model> = users::Entity::find()
        .filter(users::Column::Id.is_in(employees))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let id = MeetingId::new();
    let row = meetings::ActiveModel {
        id: Set(id.0),
        entity_id: Set(m.entity_id.0),
        organiser_id: Set(organiser.0),
        title: Set(m.title.clone()),
        agenda: Set(serde_json::json!(m.agenda)),
        starts_at: Set(m.starts_at),
        duration_minutes: Set(i32::try_from(m.duration_minutes).unwrap_or(i32::MAX)),
        mode: Set(m.mode.as_str().to_owned()),
        location: Set(m.location.clone()),
        cancelled_at: Set(None),
        minutes: Set(None),
        minutes_sha256: Set(None),
        minutes_approved_at: Set(None),
        reminded_at: Set(None),
        sequence: Set(0),
        last_seq: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    };
    meetings::Entity::insert(row).exec_without_returning(c).await?;
    let mut seen = Vec::new();
    let mut tokens = guest_tokens.iter();
    for (i, invitee) in m.invitees.iter().enumerate() {
        let row = match invitee {
            NewInvitee::Employee(u) => {
                let field = format!("invitees[{i}].employee_id");
                let staff = found.get(&u.0).filter(|x| {
                    x.active
                        && x.entity_id == Some(m.entity_id.0)
                        && Role::parse(&x.role).ok().and_then(Role::staff).is_some()
                });
                let Some(x) = staff else { return Err(StorageError::invalid(&field, ErrorCode::InvalidField)) };
                if seen.contains(u) {
                    return Err(StorageError::invalid(&field, ErrorCode::InvalidField));
                }
                seen.push(*u);
                let lang = Lang::parse(&x.language).unwrap_or_default();
                invitee_row(id, Some(*u), &x.name_ar, &x.name_en, lang)
            }
            NewInvitee::Guest { name, email, mobile, lang } => {
                let token =
                    tokens.next().ok_or(StorageError::invalid(&format!("invitees[{i}]"), ErrorCode::Internal))?;
                meeting_invitees::ActiveModel {
                    email: Set(email.as_ref().map(|e| e.as_str().to_owned())),
                    mobile: Set(mobile.as_ref().map(|m| m.as_str().to_owned())),
                    guest_token_sha256: Set(Some(token.clone())),
                    ..invitee_row(id, None, name.as_str(), name.as_str(), *lang)
                }
            }
        };
        meeting_invitees::Entity::insert(row).exec_without_returning(c).await?;
    }
    let saved = meetings::Entity::find_by_id(id.0).one(c).await?.ok_or(StorageError::NotFound)?;
    Ok(stored(&saved))
}

/// An invitation row; an employee's addresses stay on their account (read
/// when a message is sent), a guest's are set on it.
fn invitee_row(
    meeting: MeetingId,
    user: Option<UserId>,
    name_ar: &str,
    name_en: &str,
    lang: Lang,
) -> meeting_invitees::ActiveModel {
    meeting_invitees::ActiveModel {
        id: Set(InviteeId::new().0),
        meeting_id: Set(meeting.0),
        user_id: Set(user.map(|u| u.0)),
        name_ar: Set(name_ar.to_owned()),
        name_en: Set(name_en.to_owned()),
        email: Set(None),
        mobile: Set(None),
        lang: Set(lang.as_str().to_owned()),
        guest_token_sha256: Set(None),
        rsvp: Set(None),
        rsvp_at: Set(None),
        checked_in_at: Set(None),
    }
}

/// Changes the meeting as asked, one revision up; a new start time is
/// reminded of again. Returns it as it now stands.
pub async fn change(
    c: &impl ConnectionTrait,
    id: MeetingId,
    ch: &MeetingChanges,
    now: DateTime<Utc>,
) -> Result<Stored> {
    use meetings::Column as M;
    let mut update = meetings::Entity::update_many()
        .col_expr(M::Sequence, Expr::col(M::Sequence).add(1))
        .col_expr(M::UpdatedAt, Expr::value(now));
    if let Some(t) = &ch.title {
        update = update.col_expr(M::Title, Expr::value(t.clone()));
    }
    if let Some(a) = &ch.agenda {
        update = update.col_expr(M::Agenda, Expr::value(serde_json::json!(a)));
    }
    if let Some(t) = ch.starts_at {
        update = update
            .col_expr(M::StartsAt, Expr::value(t))
            .col_expr(M::RemindedAt, Expr::value(Option::<DateTime<Utc>>::None));
    }
    if let Some(d) = ch.duration_minutes {
        update = update.col_expr(M::DurationMinutes, Expr::value(i32::try_from(d).unwrap_or(i32::MAX)));
    }
    if let Some(m) = ch.mode {
        update = update.col_expr(M::Mode, Expr::value(m.as_str()));
    }
    if let Some(l) = &ch.location {
        update = update.col_expr(M::Location, Expr::value(l.clone()));
    }
    update.filter(M::Id.eq(id.0)).filter(M::CancelledAt.is_null()).exec(c).await?;
    find(c, id).await?.ok_or(StorageError::NotFound)
}

/// Cancels the meeting, one revision up; `false` when it was already.
pub async fn cancel(c: &impl ConnectionTrait, id: MeetingId, now: DateTime<Utc>) -> Result<bool> {
    use meetings::Column as M;
    let done = meetings::Entity::update_many()
        .col_expr(M::CancelledAt, Expr::value(now))
        .col_expr(M::Sequence, Expr::col(M::Sequence).add(1))
        .col_expr(M::UpdatedAt, Expr::value(now))
        .filter(M::Id.eq(id.0))
        .filter(M::CancelledAt.is_null())
        .exec(c)
        .await?;
    Ok(done.rows_affected == 1)
}

pub async fn find(c: &impl ConnectionTrait, id: MeetingId) -> Result<Option<Stored>> {
    Ok(meetings::Entity::find_by_id(id.0).one(c).await?.as_ref().map(stored))
}

/// Where `user` stands in the meeting: their invitation, if any.
pub async fn place(c: &impl ConnectionTrait, meeting: MeetingId, user: UserId) -> Result<Place> {
    use meeting_invitees::Column as I;
    let row =
        meeting_invitees::Entity::find().filter(I::MeetingId.eq(meeting.0)).filter(I::UserId.eq(user.0)).one(c).await?;
    Ok(row
        .map_or(Place::default(), |r| Place { invitee: Some(InviteeId(r.id)), checked_in: r.checked_in_at.is_some() }))
}

pub async fn rsvp(c: &impl ConnectionTrait, invitee: InviteeId, r: Rsvp, now: DateTime<Utc>) -> Result<()> {
    use meeting_invitees::Column as I;
    meeting_invitees::Entity::update_many()
        .col_expr(I::Rsvp, Expr::value(r.as_str()))
        .col_expr(I::RsvpAt, Expr::value(now))
        .filter(I::Id.eq(invitee.0))
        .exec(c)
        .await?;
    Ok(())
}

/// Records the invitee present, once: a second check-in keeps the first time.
/// Returns the time recorded and whether it was this call's.
pub async fn check_in(
    c: &impl ConnectionTrait,
    invitee: InviteeId,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, bool)> {
    use meeting_invitees::Column as I;
    let done = meeting_invitees::Entity::update_many()
        .col_expr(I::CheckedInAt, Expr::value(now))
        .filter(I::Id.eq(invitee.0))
        .filter(I::CheckedInAt.is_null())
        .exec(c)
        .await?;
    let row = meeting_invitees::Entity::find_by_id(invitee.0).one(c).await?.ok_or(StorageError::NotFound)?;
    Ok((row.checked_in_at.unwrap_or(now), done.rows_affected == 1))
}

/// An invitee's name, in Arabic and in English (a guest's is the one given).
pub async fn invitee_name(c: &impl ConnectionTrait, invitee: InviteeId) -> Result<(String, String)> {
    let row = meeting_invitees::Entity::find_by_id(invitee.0).one(c).await?.ok_or(StorageError::NotFound)?;
    Ok((row.name_ar, row.name_en))
}

pub async fn add_note(
    c: &impl ConnectionTrait,
    meeting: MeetingId,
    author: UserId,
    n: &NewNote,
    now: DateTime<Utc>,
) -> Result<NoteView> {
    let id = uuid::Uuid::now_v7();
    meeting_notes::Entity::insert(meeting_notes::ActiveModel {
        id: Set(id),
        meeting_id: Set(meeting.0),
        author_id: Set(author.0),
        agenda_item: Set(n.agenda_item.and_then(|i| i32::try_from(i).ok())),
        body: Set(n.body.clone()),
        created_at: Set(now),
    })
    .exec_without_returning(c)
    .await?;
    let names = actor_refs(c, [author]).await?;
    let author = names.get(&author).cloned().ok_or(StorageError::NotFound)?;
    Ok(NoteView { id, author, agenda_item: n.agenda_item, body: n.body.clone(), at: now })
}

/// Replaces the draft minutes. Returns the draft they replaced.
pub async fn set_minutes(
    c: &impl ConnectionTrait,
    meeting: MeetingId,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    use meetings::Column as M;
    let before = meetings::Entity::find_by_id(meeting.0).one(c).await?.ok_or(StorageError::NotFound)?.minutes;
    let draft = meetings::Entity::update_many()
        .col_expr(M::Minutes, Expr::value(body))
        .col_expr(M::UpdatedAt, Expr::value(now));
    while_unsealed(c, meeting, draft).await?;
    Ok(before)
}

/// Runs `update` on the meeting only while its minutes are unsealed: a
/// concurrent approval wins (`meeting.minutes_sealed`).
async fn while_unsealed(
    c: &impl ConnectionTrait,
    meeting: MeetingId,
    update: sea_orm::UpdateMany<meetings::Entity>,
) -> Result<()> {
    use meetings::Column as M;
    let done = update.filter(M::Id.eq(meeting.0)).filter(M::MinutesApprovedAt.is_null()).exec(c).await?;
    if done.rows_affected == 0 {
        return Err(StorageError::Conflict(ErrorCode::MinutesSealed));
    }
    Ok(())
}

/// The SHA-256 of minutes as approved: of their text's UTF-8 bytes.
pub fn minutes_sha256(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// Seals the minutes as they stand. Returns their hash.
pub async fn approve_minutes(c: &impl ConnectionTrait, meeting: MeetingId, now: DateTime<Utc>) -> Result<String> {
    use meetings::Column as M;
    let row = meetings::Entity::find_by_id(meeting.0).one(c).await?.ok_or(StorageError::NotFound)?;
    let Some(body) = row.minutes else { return Err(StorageError::Conflict(ErrorCode::MinutesMissing)) };
    let sha = minutes_sha256(&body);
    let seal = meetings::Entity::update_many()
        .col_expr(M::MinutesSha256, Expr::value(sha.clone()))
        .col_expr(M::MinutesApprovedAt, Expr::value(now))
        .col_expr(M::UpdatedAt, Expr::value(now));
    while_unsealed(c, meeting, seal).await?;
    Ok(sha)
}

/// A vote's row, with the facts the rules read.
#[derive(Debug, Clone)]
pub struct StoredVote {
    pub id: VoteId,
    pub meeting_id: MeetingId,
    pub facts: VoteFacts,
    row: votes::Model,
}

fn stored_vote(v: votes::Model) -> StoredVote {
    let options: Vec<String> = serde_json::from_value(v.options.clone()).unwrap_or_default();
    StoredVote {
        id: VoteId(v.id),
        meeting_id: MeetingId(v.meeting_id),
        facts: VoteFacts {
            options: options.len(),
            ballot: Ballot::parse(&v.ballot).unwrap_or(Ballot::Secret),
            quorum: u32::try_from(v.quorum).unwrap_or(u32::MAX),
            closes_at: v.closes_at,
            closed: v.closed_at.is_some(),
        },
        row: v,
    }
}

pub async fn find_vote(c: &impl ConnectionTrait, id: VoteId) -> Result<Option<StoredVote>> {
    Ok(votes::Entity::find_by_id(id.0).one(c).await?.map(stored_vote))
}

pub async fn create_vote(
    c: &impl ConnectionTrait,
    meeting: MeetingId,
    v: &NewVote,
    now: DateTime<Utc>,
) -> Result<StoredVote> {
    let id = VoteId::new();
    votes::Entity::insert(votes::ActiveModel {
        id: Set(id.0),
        meeting_id: Set(meeting.0),
        question: Set(v.question.clone()),
        options: Set(serde_json::json!(v.options)),
        ballot: Set(v.ballot.as_str().to_owned()),
        quorum: Set(i32::try_from(v.quorum).unwrap_or(i32::MAX)),
        closes_at: Set(v.closes_at),
        closed_at: Set(None),
        result: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(c)
    .await?;
    let tallies = (0..v.options.len()).map(|i| vote_tallies::ActiveModel {
        vote_id: Set(id.0),
        option_index: Set(i32::try_from(i).unwrap_or(i32::MAX)),
        ballots: Set(0),
    });
    vote_tallies::Entity::insert_many(tallies).exec_without_returning(c).await?;
    find_vote(c, id).await?.ok_or(StorageError::NotFound)
}

/// Counts one ballot. The voter's row is the one-ballot-each key: a second
/// ballot, however concurrent, fails on it (`vote.already_cast`) and its
/// transaction writes nothing.
pub async fn cast(c: &impl ConnectionTrait, v: &StoredVote, voter: UserId, option_index: u32) -> Result<()> {
    let option =
        i32::try_from(option_index).map_err(|_| StorageError::invalid("option_index", ErrorCode::InvalidField))?;
    vote_voters::Entity::insert(vote_voters::ActiveModel { vote_id: Set(v.id.0), voter_id: Set(voter.0) })
        .exec_without_returning(c)
        .await
        .map_err(on_unique(ErrorCode::BallotCast))?;
    use vote_tallies::Column as T;
    vote_tallies::Entity::update_many()
        .col_expr(T::Ballots, Expr::col(T::Ballots).add(1))
        .filter(T::VoteId.eq(v.id.0))
        .filter(T::OptionIndex.eq(option))
        .exec(c)
        .await?;
    if v.facts.ballot == Ballot::Open {
        open_ballots::Entity::insert(open_ballots::ActiveModel {
            vote_id: Set(v.id.0),
            voter_id: Set(voter.0),
            option_index: Set(option),
        })
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

/// Ballots cast so far.
pub async fn turnout(c: &impl ConnectionTrait, vote: VoteId) -> Result<u32> {
    use sea_orm::PaginatorTrait;
    let n = vote_voters::Entity::find().filter(vote_voters::Column::VoteId.eq(vote.0)).count(c).await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Eligible voters present: invitees checked in who are active employees
/// holding `meeting.vote`.
pub async fn present_voters(c: &impl ConnectionTrait, meeting: MeetingId) -> Result<u32> {
    use meeting_invitees::Column as I;
    let ids: Vec<uuid::Uuid> = meeting_invitees::Entity::find()
        .filter(I::MeetingId.eq(meeting.0))
        .filter(I::CheckedInAt.is_not_null())
        .all(c)
        .await?
        .into_iter()
        .filter_map(|i| i.user_id)
        .collect();
    let present = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .filter(|u| {
            u.active
                && Role::parse(&u.role).ok().and_then(Role::staff).is_some_and(|r| {
                    effective_permissions(r, permissions_from_json(&u.grants), permissions_from_json(&u.revokes))
                        .contains(Permission::MeetingVote)
                })
        })
        .count();
    Ok(u32::try_from(present).unwrap_or(u32::MAX))
}

/// Ballots per option, in the options' order.
pub async fn counts(c: &impl ConnectionTrait, v: &StoredVote) -> Result<Vec<u32>> {
    use vote_tallies::Column as T;
    let mut counts = vec![0u32; v.facts.options];
    for t in vote_tallies::Entity::find().filter(T::VoteId.eq(v.id.0)).all(c).await? {
        if let Some(slot) = usize::try_from(t.option_index).ok().and_then(|i| counts.get_mut(i)) {
            *slot = u32::try_from(t.ballots).unwrap_or(0);
        }
    }
    Ok(counts)
}

/// Closes the vote with its result, once: the counts move into the result
/// and the counters go. `false` when it was closed already.
pub async fn close(c: &impl ConnectionTrait, v: &StoredVote, result: &VoteResult, now: DateTime<Utc>) -> Result<bool> {
    use votes::Column as V;
    let done = votes::Entity::update_many()
        .col_expr(V::ClosedAt, Expr::value(now))
        .col_expr(V::Result, Expr::value(serde_json::json!(result)))
        .filter(V::Id.eq(v.id.0))
        .filter(V::ClosedAt.is_null())
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Ok(false);
    }
    vote_tallies::Entity::delete_many().filter(vote_tallies::Column::VoteId.eq(v.id.0)).exec(c).await?;
    Ok(true)
}

/// Votes whose closing time has come and that are not closed yet.
pub async fn votes_due(c: &impl ConnectionTrait, now: DateTime<Utc>, limit: u64) -> Result<Vec<VoteId>> {
    use votes::Column as V;
    let rows = votes::Entity::find()
        .filter(V::ClosedAt.is_null())
        .filter(V::ClosesAt.lte(now))
        .order_by_asc(V::ClosesAt)
        .limit(limit)
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|v| VoteId(v.id)).collect())
}

/// A vote as shown: while open, its turnout alone; closed, its result, and
/// an open ballot's choices by voter.
pub async fn vote_view(c: &impl ConnectionTrait, v: &StoredVote) -> Result<VoteView> {
    let result: Option<VoteResult> = v.row.result.clone().and_then(|r| serde_json::from_value(r).ok());
    let turnout = match &result {
        Some(r) => r.turnout,
        None => turnout(c, v.id).await?,
    };
    let ballots = if v.facts.closed && v.facts.ballot == Ballot::Open {
        let rows = open_ballots::Entity::find().filter(open_ballots::Column::VoteId.eq(v.id.0)).all(c).await?;
        let names = actor_refs(c, rows.iter().map(|b| UserId(b.voter_id))).await?;
        let mut list: Vec<OpenBallotView> = rows
            .iter()
            .filter_map(|b| {
                Some(OpenBallotView {
                    voter: names.get(&UserId(b.voter_id))?.clone(),
                    option_index: u32::try_from(b.option_index).ok()?,
                })
            })
            .collect();
        list.sort_by(|a, b| a.voter.name_ar.cmp(&b.voter.name_ar));
        Some(list)
    } else {
        None
    };
    Ok(VoteView {
        id: v.id,
        meeting_id: v.meeting_id,
        question: v.row.question.clone(),
        options: serde_json::from_value(v.row.options.clone()).unwrap_or_default(),
        ballot: v.facts.ballot,
        quorum: v.facts.quorum,
        closes_at: v.facts.closes_at,
        status: if v.facts.closed { VoteStatus::Closed } else { VoteStatus::Open },
        turnout,
        closed_at: v.row.closed_at,
        result,
        ballots,
        created_at: v.row.created_at,
    })
}

pub async fn add_decision(
    c: &impl ConnectionTrait,
    m: &Stored,
    text: &str,
    vote: Option<VoteId>,
    now: DateTime<Utc>,
) -> Result<DecisionView> {
    if let Some(v) = vote {
        let found = find_vote(c, v).await?;
        if !found.is_some_and(|x| x.meeting_id == m.id && x.facts.closed) {
            return Err(StorageError::invalid("vote_id", ErrorCode::InvalidField));
        }
    }
    let id = DecisionId::new();
    meeting_decisions::Entity::insert(meeting_decisions::ActiveModel {
        id: Set(id.0),
        meeting_id: Set(m.id.0),
        entity_id: Set(m.facts.entity_id.0),
        vote_id: Set(vote.map(|v| v.0)),
        text: Set(text.to_owned()),
        decided_at: Set(now),
    })
    .exec_without_returning(c)
    .await?;
    let row = meeting_decisions::Entity::find_by_id(id.0).one(c).await?.ok_or(StorageError::NotFound)?;
    Ok(decisions_of(c, vec![row]).await?.remove(0))
}

async fn decisions_of(c: &impl ConnectionTrait, rows: Vec<meeting_decisions::Model>) -> Result<Vec<DecisionView>> {
    let meeting_ids: Vec<uuid::Uuid> = rows.iter().map(|d| d.meeting_id).collect();
    let titles: HashMap<uuid::Uuid, String> = meetings::Entity::find()
        .filter(meetings::Column::Id.is_in(meeting_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|m| (m.id, m.title))
        .collect();
    let vote_ids: Vec<uuid::Uuid> = rows.iter().filter_map(|d| d.vote_id).collect();
    let outcomes: HashMap<uuid::Uuid, VoteResult> = votes::Entity::find()
        .filter(votes::Column::Id.is_in(vote_ids))
        .all(c)
        .await?
        .into_iter()
        .filter_map(|v| Some((v.id, serde_json::from_value(v.result?).ok()?)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|d| DecisionView {
            id: DecisionId(d.id),
            meeting_id: MeetingId(d.meeting_id),
            meeting_title: titles.get(&d.meeting_id).cloned().unwrap_or_default(),
            text: d.text,
            vote_id: d.vote_id.map(VoteId),
            outcome: d.vote_id.and_then(|v| outcomes.get(&v)).map(|r| r.outcome),
            decided_at: d.decided_at,
        })
        .collect())
}

/// An entity's register of decisions, the latest first, at most `limit`.
pub async fn register(c: &impl ConnectionTrait, entity: EntityId, limit: u64) -> Result<Vec<DecisionView>> {
    use meeting_decisions::Column as D;
    let rows = meeting_decisions::Entity::find()
        .filter(D::EntityId.eq(entity.0))
        .order_by_desc(D::DecidedAt)
        .order_by_desc(D::Id)
        .limit(limit)
        .all(c)
        .await?;
    decisions_of(c, rows).await
}

/// The meeting as its people see it.
pub async fn view(c: &impl ConnectionTrait, id: MeetingId) -> Result<MeetingView> {
    let m = meetings::Entity::find_by_id(id.0).one(c).await?.ok_or(StorageError::NotFound)?;
    let s = stored(&m);
    let invitees = meeting_invitees::Entity::find()
        .filter(meeting_invitees::Column::MeetingId.eq(id.0))
        .order_by_asc(meeting_invitees::Column::Id)
        .all(c)
        .await?;
    let notes = meeting_notes::Entity::find()
        .filter(meeting_notes::Column::MeetingId.eq(id.0))
        .order_by_asc(meeting_notes::Column::Id)
        .all(c)
        .await?;
    let names = actor_refs(c, notes.iter().map(|n| UserId(n.author_id)).chain([s.facts.organiser_id])).await?;
    let organiser = names.get(&s.facts.organiser_id).cloned().ok_or(StorageError::NotFound)?;
    let mut vote_views = Vec::new();
    for v in votes::Entity::find()
        .filter(votes::Column::MeetingId.eq(id.0))
        .order_by_asc(votes::Column::CreatedAt)
        .order_by_asc(votes::Column::Id)
        .all(c)
        .await?
    {
        vote_views.push(vote_view(c, &stored_vote(v)).await?);
    }
    let decisions = meeting_decisions::Entity::find()
        .filter(meeting_decisions::Column::MeetingId.eq(id.0))
        .order_by_asc(meeting_decisions::Column::DecidedAt)
        .order_by_asc(meeting_decisions::Column::Id)
        .all(c)
        .await?;
    let minutes = m.minutes.clone().map(|body| MinutesView {
        body,
        status: if m.minutes_approved_at.is_some() { MinutesStatus::Approved } else { MinutesStatus::Draft },
        sha256: m.minutes_sha256.clone(),
        approved_at: m.minutes_approved_at,
    });
    Ok(MeetingView {
        // Read with the meeting's row, before the rest: an event committed
        // meanwhile is then at worst both shown and sent again, never lost.
        last_seq: u32::try_from(m.last_seq).unwrap_or(0),
        id,
        entity_id: s.facts.entity_id,
        title: m.title.clone(),
        agenda: s.agenda.clone(),
        starts_at: m.starts_at,
        ends_at: s.facts.ends_at(),
        duration_minutes: s.facts.duration_minutes,
        mode: s.mode,
        location: s.location.clone(),
        organiser,
        cancelled: s.facts.cancelled,
        invitees: invitees
            .into_iter()
            .map(|i| InviteeView {
                id: InviteeId(i.id),
                user_id: i.user_id.map(UserId),
                guest: i.user_id.is_none(),
                name_ar: i.name_ar,
                name_en: i.name_en,
                rsvp: i.rsvp.as_deref().and_then(|r| Rsvp::parse(r).ok()),
                rsvp_at: i.rsvp_at,
                checked_in_at: i.checked_in_at,
            })
            .collect(),
        notes: notes
            .into_iter()
            .filter_map(|n| {
                Some(NoteView {
                    id: n.id,
                    author: names.get(&UserId(n.author_id))?.clone(),
                    agenda_item: n.agenda_item.and_then(|i| u32::try_from(i).ok()),
                    body: n.body,
                    at: n.created_at,
                })
            })
            .collect(),
        minutes,
        votes: vote_views,
        decisions: decisions_of(c, decisions).await?,
        created_at: m.created_at,
    })
}

/// Someone to send an invitation, a change or a reminder to: an employee's
/// addresses and language from their account, a guest's from the invitation.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub invitee: InviteeId,
    pub user_id: Option<UserId>,
    pub name_ar: String,
    pub name_en: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub lang: Lang,
    pub rsvp: Option<Rsvp>,
    /// A guest's link's token hash (an employee has none).
    pub guest_token_sha256: Option<String>,
}

/// The meeting's invitations with where to send each.
pub async fn invitations(c: &impl ConnectionTrait, meeting: MeetingId) -> Result<Vec<Invitation>> {
    let rows = meeting_invitees::Entity::find()
        .filter(meeting_invitees::Column::MeetingId.eq(meeting.0))
        .order_by_asc(meeting_invitees::Column::Id)
        .all(c)
        .await?;
    let accounts: HashMap<uuid::Uuid, users::Model> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().filter_map(|r| r.user_id).collect::<Vec<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let account = r.user_id.and_then(|u| accounts.get(&u));
            Invitation {
                invitee: InviteeId(r.id),
                user_id: r.user_id.map(UserId),
                email: account.map_or(r.email.clone(), |a| a.email.clone()),
                mobile: account.map_or(r.mobile.clone(), |a| a.mobile.clone()),
                lang: Lang::parse(account.map_or(&r.lang, |a| &a.language)).unwrap_or_default(),
                rsvp: r.rsvp.as_deref().and_then(|x| Rsvp::parse(x).ok()),
                guest_token_sha256: r.guest_token_sha256,
                name_ar: r.name_ar,
                name_en: r.name_en,
            }
        })
        .collect())
}

/// The organiser's name and e-mail address, for a calendar event's ORGANIZER.
pub async fn organiser(c: &impl ConnectionTrait, m: &Stored) -> Result<(String, String, Option<String>)> {
    let u = users::Entity::find_by_id(m.facts.organiser_id.0).one(c).await?.ok_or(StorageError::NotFound)?;
    Ok((u.name_ar, u.name_en, u.email))
}

/// The invitation a guest's link names (by its token's hash), with its meeting.
pub async fn guest(c: &impl ConnectionTrait, token_sha256: &str) -> Result<Option<(Stored, Invitation, Place)>> {
    use meeting_invitees::Column as I;
    let Some(row) = meeting_invitees::Entity::find().filter(I::GuestTokenSha256.eq(token_sha256)).one(c).await? else {
        return Ok(None);
    };
    let Some(m) = find(c, MeetingId(row.meeting_id)).await? else { return Ok(None) };
    let place = Place { invitee: Some(InviteeId(row.id)), checked_in: row.checked_in_at.is_some() };
    let invitation = Invitation {
        invitee: InviteeId(row.id),
        user_id: None,
        name_ar: row.name_ar,
        name_en: row.name_en,
        email: row.email,
        mobile: row.mobile,
        lang: Lang::parse(&row.lang).unwrap_or_default(),
        rsvp: row.rsvp.as_deref().and_then(|x| Rsvp::parse(x).ok()),
        guest_token_sha256: row.guest_token_sha256,
    };
    Ok(Some((m, invitation, place)))
}

/// Meetings starting within `ahead` of `now` (and not yet begun) whose
/// invitees have not been reminded, the soonest first.
pub async fn to_remind(
    c: &impl ConnectionTrait,
    now: DateTime<Utc>,
    ahead: chrono::Duration,
    limit: u64,
) -> Result<Vec<MeetingId>> {
    use meetings::Column as M;
    let rows = meetings::Entity::find()
        .filter(M::RemindedAt.is_null())
        .filter(M::CancelledAt.is_null())
        .filter(M::StartsAt.gt(now))
        .filter(M::StartsAt.lte(now + ahead))
        .order_by_asc(M::StartsAt)
        .limit(limit)
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|m| MeetingId(m.id)).collect())
}

/// Marks the meeting's invitees reminded; `false` when they were already
/// (another round, another node): the reminder is then not sent again.
pub async fn mark_reminded(c: &impl ConnectionTrait, meeting: MeetingId, now: DateTime<Utc>) -> Result<bool> {
    use meetings::Column as M;
    let done = meetings::Entity::update_many()
        .col_expr(M::RemindedAt, Expr::value(now))
        .filter(M::Id.eq(meeting.0))
        .filter(M::RemindedAt.is_null())
        .exec(c)
        .await?;
    Ok(done.rows_affected == 1)
}
