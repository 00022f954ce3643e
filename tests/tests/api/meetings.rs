//! Meetings and voting end to end: who sees a meeting, RSVP and check-in
//! inside the window, notes, sealed minutes, decisions and their register,
//! votes (one ballot each under concurrency, eligibility, quorum), and a
//! secret ballot that leaves no voter–option link in any table, the audit
//! trail or the server's log.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use tawasul_client::Client;
use tawasul_core::api::*;
use tawasul_core::ids::{EntityId, MeetingId, UserId};
use tawasul_core::meetings::Outcome;
use tawasul_storage::{ConnectionTrait, Statement};

use crate::audit::regulator_of;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    a_meeting_is_seen_by_its_people_only,
    rsvp_and_check_in_are_taken_inside_the_window_from_invitees_only,
    notes_come_from_those_present,
    approved_minutes_are_sealed_and_their_hash_is_audited,
    a_hundred_parallel_ballots_from_one_voter_count_once,
    quorum_is_counted_against_the_voters_present,
    decisions_are_registered_with_the_vote_that_made_them,
    a_vote_closes_by_itself_at_its_closing_time,
    notes_and_turnout_are_live_on_the_meeting_topic_with_resume,
    approved_minutes_and_decisions_are_found_by_who_may_see_them,
);

pub struct Committee {
    pub entity: TestEntity,
    /// A supervisor: holds `meeting.create`.
    pub organiser: Client,
    pub members: Vec<(UserId, Client)>,
    /// An employee of the entity who is not invited.
    pub outsider: Client,
}

/// An entity with a supervisor who organises and `n` employees to invite.
pub async fn committee(app: &TestApp, n: u32, base: u32) -> Committee {
    let entity = app.entity(base).await;
    let dept = entity.admin.create_department(entity.id, &department_request("Board", None)).await.unwrap();
    let mut people = vec![];
    for i in 0..=n + 1 {
        let k = base * 100 + i;
        let role = if i == 0 { "supervisor" } else { "employee" };
        let e = entity
            .admin
            .create_employee(entity.id, &employee_request(k, role, vec![dept.id.to_string()]))
            .await
            .unwrap();
        let auth = app.client.login(&format!("employee{k}@entity.sa"), PASSWORD).await.unwrap();
        people.push((e.id, app.client.with_token(auth.access_token)));
    }
    let (_, organiser) = people.remove(0);
    let (_, outsider) = people.pop().unwrap();
    Committee { entity, organiser, members: people, outsider }
}

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

pub fn meeting_request(
    entity: EntityId,
    members: &[(UserId, Client)],
    starts_at: DateTime<Utc>,
) -> CreateMeetingRequest {
    let mut invitees: Vec<InviteeRequest> = members
        .iter()
        .map(|(id, _)| InviteeRequest { employee_id: Some(id.to_string()), ..Default::default() })
        .collect();
    invitees.push(InviteeRequest {
        name: Some("سارة العتيبي".into()),
        email: Some("sara@guest.sa".into()),
        mobile: Some("0551234567".into()),
        ..Default::default()
    });
    CreateMeetingRequest {
        entity_id: entity.to_string(),
        title: "اجتماع لجنة المشتريات".into(),
        agenda: vec!["اعتماد العروض".into(), "ما يستجد من أعمال".into()],
        starts_at: at(starts_at),
        duration_minutes: 60,
        mode: "hybrid".into(),
        location: Some("قاعة الاجتماعات الكبرى".into()),
        invitees,
    }
}

fn vote_request(ballot: &str, quorum: u32) -> CreateVoteRequest {
    CreateVoteRequest {
        question: "أي العروض يُعتمد؟".into(),
        options: vec!["العرض الأول".into(), "العرض الثاني".into(), "العرض الثالث".into()],
        ballot: ballot.into(),
        quorum,
        closes_at: None,
    }
}

fn refused<T: std::fmt::Debug>(r: Result<T, tawasul_client::ClientError>) -> (u16, String) {
    let e = r.expect_err("refused");
    (e.status().unwrap_or(0), e.code().unwrap_or_default().to_owned())
}

/// A meeting under way now, with every member checked in.
async fn under_way(app: &TestApp, c: &Committee) -> MeetingId {
    let _ = app;
    let m = c.organiser.create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now())).await.unwrap();
    for (_, member) in &c.members {
        member.check_in(m.id).await.unwrap();
    }
    m.id
}

async fn a_meeting_is_seen_by_its_people_only(app: TestApp) {
    let c = committee(&app, 2, 61).await;
    let m = c
        .organiser
        .create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now() + Duration::days(2)))
        .await
        .unwrap();
    assert_eq!(m.invitees.len(), 3);
    assert!(m.invitees[2].guest && m.invitees[2].user_id.is_none());
    assert_eq!(m.ends_at - m.starts_at, Duration::minutes(60));
    assert_eq!(c.members[0].1.meeting(m.id).await.unwrap().id, m.id, "an invitee sees it");
    assert_eq!(c.entity.admin.meeting(m.id).await.unwrap().id, m.id, "the entity's admin sees it");
    let (beneficiary, _) = app.beneficiary(6101).await;
    let other = committee(&app, 0, 62).await;
    for (who, client) in [
        ("an employee not invited", &c.outsider),
        ("a beneficiary", &beneficiary),
        ("another entity", &other.organiser),
    ] {
        assert_eq!(refused(client.meeting(m.id).await), (404, "resource.not_found".into()), "{who}");
    }
    // An employee without `meeting.create` schedules nothing.
    let r = meeting_request(c.entity.id, &c.members[..1], Utc::now());
    assert_eq!(refused(c.members[1].1.create_meeting(&r).await), (403, "permission.denied".into()));
    // Nor does a supervisor of another entity schedule one of this one.
    assert_eq!(refused(other.organiser.create_meeting(&r).await).0, 403);
    // An invitee must be an employee of the entity, invited once.
    let stranger = meeting_request(c.entity.id, &other.members, Utc::now());
    let e =
        other.organiser.create_meeting(&CreateMeetingRequest { entity_id: c.entity.id.to_string(), ..stranger }).await;
    assert_eq!(refused(e).0, 403);
    let mut twice = meeting_request(c.entity.id, &c.members, Utc::now());
    twice.invitees.push(twice.invitees[0].clone());
    let e = c.organiser.create_meeting(&twice).await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(422), Some("request.invalid_field")));
    assert_eq!(e.details().unwrap()["fields"][0]["field"], "invitees[3].employee_id", "{e:?}");
    let mut foreign = meeting_request(c.entity.id, &c.members, Utc::now());
    foreign.invitees[0].employee_id = Some(other.members.first().map_or(UserId::new(), |m| m.0).to_string());
    let e = c.organiser.create_meeting(&foreign).await.unwrap_err();
    assert_eq!(e.details().unwrap()["fields"][0]["field"], "invitees[0].employee_id");
    // Nothing of the refused meetings was written.
    let count = app
        .db
        .read()
        .query_one(Statement::from_string(app.db.read().get_database_backend(), "SELECT COUNT(*) AS n FROM meetings"))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(count, 1);
}

async fn rsvp_and_check_in_are_taken_inside_the_window_from_invitees_only(app: TestApp) {
    let c = committee(&app, 2, 63).await;
    let (_, member) = &c.members[0];
    let now = c.organiser.create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now())).await.unwrap();
    let later = c
        .organiser
        .create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now() + Duration::hours(2)))
        .await
        .unwrap();
    let past = c
        .organiser
        .create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now() - Duration::hours(3)))
        .await
        .unwrap();

    member.rsvp(later.id, "accepted").await.unwrap();
    member.rsvp(later.id, "tentative").await.unwrap();
    let seen = member.meeting(later.id).await.unwrap();
    assert_eq!(seen.invitees[0].rsvp, Some(tawasul_core::meetings::Rsvp::Tentative));
    assert_eq!(refused(member.rsvp(later.id, "maybe").await), (422, "request.invalid_choice".into()));
    assert_eq!(refused(member.rsvp(past.id, "accepted").await), (409, "meeting.outside_window".into()));

    let first = member.check_in(now.id).await.unwrap();
    let again = member.check_in(now.id).await.unwrap();
    assert_eq!(first["checked_in_at"], again["checked_in_at"], "the first time is kept");
    assert!(member.meeting(now.id).await.unwrap().invitees[0].checked_in_at.is_some());
    assert_eq!(refused(member.check_in(later.id).await), (409, "meeting.outside_window".into()), "two hours early");
    assert_eq!(refused(member.check_in(past.id).await), (409, "meeting.outside_window".into()), "after its end");
    // Not invited: the meeting does not exist for them.
    assert_eq!(refused(c.outsider.check_in(now.id).await), (404, "resource.not_found".into()));
    assert_eq!(refused(c.outsider.rsvp(now.id, "accepted").await).0, 404);
    // The organiser sees the meeting but is not an invitee.
    assert_eq!(refused(c.organiser.check_in(now.id).await).0, 403);
    assert_eq!(refused(member.check_in(MeetingId::new()).await).0, 404);
}

async fn notes_come_from_those_present(app: TestApp) {
    let c = committee(&app, 2, 64).await;
    let m = c.organiser.create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now())).await.unwrap();
    let (_, present) = &c.members[0];
    let (_, absent) = &c.members[1];
    present.check_in(m.id).await.unwrap();
    let note = present.add_note(m.id, "أرى اعتماد العرض الأول لأنه الأقل كلفة", Some(0)).await.unwrap();
    assert_eq!(note.agenda_item, Some(0));
    c.organiser.add_note(m.id, "نبدأ بالبند الأول", None).await.unwrap();
    assert_eq!(refused(absent.add_note(m.id, "رأي", None).await), (403, "permission.denied".into()), "not checked in");
    let e = present.add_note(m.id, "رأي", Some(2)).await.unwrap_err();
    assert_eq!((e.status(), e.details().unwrap()["fields"][0]["field"].as_str()), (Some(422), Some("agenda_item")));
    let e = present.add_note(m.id, "  ", None).await.unwrap_err();
    assert_eq!(e.details().unwrap()["fields"][0]["field"], "body");
    let notes = absent.meeting(m.id).await.unwrap().notes;
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].body, "أرى اعتماد العرض الأول لأنه الأقل كلفة");
}

async fn approved_minutes_are_sealed_and_their_hash_is_audited(app: TestApp) {
    let c = committee(&app, 1, 65).await;
    let m = c.organiser.create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now())).await.unwrap();
    let (_, member) = &c.members[0];
    assert_eq!(refused(c.organiser.approve_minutes(m.id).await), (409, "meeting.minutes_missing".into()));
    assert_eq!(refused(member.draft_minutes(m.id, "مسودة").await), (403, "permission.denied".into()));
    c.organiser.draft_minutes(m.id, "المسودة الأولى").await.unwrap();
    let body = "حضر الأعضاء، واعتُمد العرض الأول بالأغلبية.";
    let draft = c.organiser.draft_minutes(m.id, body).await.unwrap();
    assert_eq!((draft.status, draft.sha256), (MinutesStatus::Draft, None));
    let approved = c.organiser.approve_minutes(m.id).await.unwrap();
    let sha = hex::encode(Sha256::digest(body.as_bytes()));
    assert_eq!((approved.status, approved.sha256.as_deref()), (MinutesStatus::Approved, Some(sha.as_str())));
    assert_eq!(refused(c.organiser.draft_minutes(m.id, "تعديل لاحق").await), (409, "meeting.minutes_sealed".into()));
    assert_eq!(refused(c.organiser.approve_minutes(m.id).await), (409, "meeting.minutes_sealed".into()));
    assert_eq!(member.meeting(m.id).await.unwrap().minutes.unwrap().body, body, "unchanged");
    sealed(&app).await;
    let entries = tawasul_storage::audit::all(app.db.read()).await.unwrap();
    let approval = entries.iter().find(|e| e.action == "meeting.minutes_approve").expect("the approval is audited");
    assert_eq!(approval.after.as_ref().unwrap()["sha256"], sha.as_str());
    assert_eq!(approval.target, format!("meeting:{}", m.id));
}

async fn a_hundred_parallel_ballots_from_one_voter_count_once(app: TestApp) {
    let c = committee(&app, 2, 66).await;
    let m = c.organiser.create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now())).await.unwrap();
    let (_, voter) = &c.members[0];
    let (_, late) = &c.members[1];
    voter.check_in(m.id).await.unwrap();
    let v = c.organiser.open_vote(m.id, &vote_request("secret", 1)).await.unwrap();
    let ballots = (0..100).map(|i| {
        let voter = voter.clone();
        async move { voter.cast_ballot(v.id, i % 3).await }
    });
    let results = futures_util::future::join_all(ballots).await;
    let counted = results.iter().filter(|r| r.is_ok()).count();
    let again: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).map(|e| (e.status(), e.code())).collect();
    assert_eq!(counted, 1, "{again:?}");
    assert!(again.iter().all(|e| *e == (Some(409), Some("vote.already_cast"))), "{again:?}");
    // Who has not checked in does not vote; an option it lacks is refused.
    assert_eq!(refused(late.cast_ballot(v.id, 0).await), (403, "vote.not_eligible".into()));
    late.check_in(m.id).await.unwrap();
    let e = late.cast_ballot(v.id, 3).await.unwrap_err();
    assert_eq!((e.status(), e.details().unwrap()["fields"][0]["field"].as_str()), (Some(422), Some("option_index")));
    assert_eq!(refused(c.outsider.cast_ballot(v.id, 0).await).0, 404);
    // While open, the turnout alone.
    let open = late.vote(v.id).await.unwrap();
    assert_eq!(
        (open.status, open.turnout, open.result.is_none(), open.ballots.is_none()),
        (VoteStatus::Open, 1, true, true)
    );
    let result = c.organiser.close_vote(v.id).await.unwrap();
    assert_eq!(result.turnout, 1);
    assert_eq!(result.counts.iter().sum::<u32>(), 1);
    assert_eq!(refused(late.cast_ballot(v.id, 0).await), (409, "vote.closed".into()));
    assert_eq!(refused(c.organiser.close_vote(v.id).await), (409, "vote.closed".into()));
}

async fn quorum_is_counted_against_the_voters_present(app: TestApp) {
    let c = committee(&app, 3, 67).await;
    let m = under_way(&app, &c).await;
    // Open ballot, quorum of 3 with 3 present: decided, and who chose what.
    let v = c.organiser.open_vote(m, &vote_request("open", 3)).await.unwrap();
    for (i, (_, member)) in c.members.iter().enumerate() {
        member.cast_ballot(v.id, u32::from(i == 2)).await.unwrap();
    }
    let r = c.organiser.close_vote(v.id).await.unwrap();
    assert_eq!(
        (r.counts.clone(), r.present, r.quorum_met, r.outcome, r.winner),
        (vec![2, 1, 0], 3, true, Outcome::Decided, Some(0))
    );
    let shown = c.members[0].1.vote(v.id).await.unwrap();
    let ballots = shown.ballots.expect("an open ballot lists who chose what");
    assert_eq!(ballots.len(), 3);
    let third = ballots.iter().find(|b| b.voter.id == c.members[2].0).unwrap();
    assert_eq!(third.option_index, 1);
    // A quorum of 5 with 3 present: nothing decided, however they vote.
    let v = c.organiser.open_vote(m, &vote_request("secret", 5)).await.unwrap();
    for (_, member) in &c.members {
        member.cast_ballot(v.id, 0).await.unwrap();
    }
    let r = c.organiser.close_vote(v.id).await.unwrap();
    assert_eq!((r.turnout, r.quorum_met, r.outcome, r.winner), (3, false, Outcome::NoQuorum, None));
    let shown = c.members[0].1.vote(v.id).await.unwrap();
    assert_eq!(
        (shown.status, shown.ballots, shown.result.map(|r| r.counts)),
        (VoteStatus::Closed, None, Some(vec![3, 0, 0]))
    );
    // A tie.
    let v = c.organiser.open_vote(m, &vote_request("secret", 2)).await.unwrap();
    c.members[0].1.cast_ballot(v.id, 0).await.unwrap();
    c.members[1].1.cast_ballot(v.id, 1).await.unwrap();
    assert_eq!(c.organiser.close_vote(v.id).await.unwrap().outcome, Outcome::Tied);
    // Only the organiser closes.
    let v = c.organiser.open_vote(m, &vote_request("secret", 1)).await.unwrap();
    assert_eq!(refused(c.members[0].1.close_vote(v.id).await), (403, "permission.denied".into()));
    let e = c
        .organiser
        .open_vote(m, &CreateVoteRequest { options: vec!["نعم".into()], ..vote_request("open", 1) })
        .await
        .unwrap_err();
    assert_eq!(e.details().unwrap()["fields"][0]["field"], "options");
}

async fn decisions_are_registered_with_the_vote_that_made_them(app: TestApp) {
    let c = committee(&app, 2, 68).await;
    let m = under_way(&app, &c).await;
    let v = c.organiser.open_vote(m, &vote_request("open", 2)).await.unwrap();
    for (_, member) in &c.members {
        member.cast_ballot(v.id, 1).await.unwrap();
    }
    // A decision names a closed vote of its own meeting.
    let e = c.organiser.record_decision(m, "اعتماد العرض الثاني", Some(v.id)).await.unwrap_err();
    assert_eq!(e.details().unwrap()["fields"][0]["field"], "vote_id", "still open");
    c.organiser.close_vote(v.id).await.unwrap();
    let d = c.organiser.record_decision(m, "اعتماد العرض الثاني", Some(v.id)).await.unwrap();
    assert_eq!(d.outcome, Some(Outcome::Decided));
    c.organiser.record_decision(m, "تشكيل فريق للمتابعة", None).await.unwrap();
    let other = c.organiser.create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now())).await.unwrap();
    let e = c.organiser.record_decision(other.id, "قرار", Some(v.id)).await.unwrap_err();
    assert_eq!(e.details().unwrap()["fields"][0]["field"], "vote_id", "another meeting's vote");
    assert_eq!(refused(c.members[0].1.record_decision(m, "قرار", None).await).0, 403);

    let register = c.outsider.decisions(c.entity.id).await.unwrap();
    assert_eq!(register.len(), 2, "the entity's staff read the register");
    assert_eq!(register[1].vote_id, Some(v.id));
    assert_eq!(register[1].meeting_title, "اجتماع لجنة المشتريات");
    app.platform.create_regulator(&regulator_of(6801, c.entity.id)).await.unwrap();
    let auth = app.client.login("reg6801@nazaha.sa", PASSWORD).await.unwrap();
    let regulator = app.client.with_token(auth.access_token);
    assert_eq!(regulator.decisions(c.entity.id).await.unwrap().len(), 2, "a regulator in remit");
    let elsewhere = app.entity(69).await;
    assert_eq!(refused(regulator.decisions(elsewhere.id).await).0, 403, "out of remit");
    assert_eq!(refused(elsewhere.admin.decisions(c.entity.id).await).0, 403, "another entity");
    let (beneficiary, _) = app.beneficiary(6802).await;
    assert_eq!(refused(beneficiary.decisions(c.entity.id).await).0, 403);
}

async fn a_vote_closes_by_itself_at_its_closing_time(app: TestApp) {
    let c = committee(&app, 2, 71).await;
    let m = under_way(&app, &c).await;
    let closes_at = Utc::now() + Duration::seconds(2);
    let v = c
        .organiser
        .open_vote(m, &CreateVoteRequest { closes_at: Some(at(closes_at)), ..vote_request("secret", 2) })
        .await
        .unwrap();
    c.members[0].1.cast_ballot(v.id, 2).await.unwrap();
    c.members[1].1.cast_ballot(v.id, 2).await.unwrap();
    let mut shown = c.members[0].1.vote(v.id).await.unwrap();
    for _ in 0..100 {
        if shown.status == VoteStatus::Closed {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        shown = c.members[0].1.vote(v.id).await.unwrap();
    }
    assert_eq!(shown.status, VoteStatus::Closed, "closed by the server at its time");
    assert!(shown.closed_at.unwrap() >= closes_at);
    let r = shown.result.unwrap();
    assert_eq!((r.counts, r.outcome, r.winner), (vec![0, 0, 2], Outcome::Decided, Some(2)));
    sealed(&app).await;
    let entries = tawasul_storage::audit::all(app.db.read()).await.unwrap();
    let close = entries.iter().find(|e| e.action == "vote.close").unwrap();
    assert_eq!(close.actor, None, "the platform's own work");
    // A vote closing in the past is refused.
    let e = c
        .organiser
        .open_vote(
            m,
            &CreateVoteRequest { closes_at: Some(at(Utc::now() - Duration::minutes(1))), ..vote_request("open", 1) },
        )
        .await
        .unwrap_err();
    assert_eq!(e.details().unwrap()["fields"][0]["field"], "closes_at");
}

/// Every row of every table, as lower-case text with its column names.
async fn every_row(app: &TestApp) -> Vec<(String, String)> {
    let db = app.db.read();
    let backend = db.get_database_backend();
    let sql = |s: &str| Statement::from_string(backend, s.to_owned());
    let postgres = matches!(backend, sea_orm::DatabaseBackend::Postgres);
    let tables: Vec<String> = if postgres {
        db.query_all(sql("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()")).await.unwrap()
    } else {
        db.query_all(sql("SELECT name FROM sqlite_master WHERE type = 'table'")).await.unwrap()
    }
    .into_iter()
    .map(|r| r.try_get::<String>("", "name").unwrap())
    .collect();
    let mut rows = vec![];
    for t in tables {
        let select = if postgres {
            format!("SELECT row_to_json(t)::text AS row FROM \"{t}\" t")
        } else {
            let columns: Vec<String> = db
                .query_all(sql(&format!("PRAGMA table_info(\"{t}\")")))
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.try_get::<String>("", "name").unwrap())
                .collect();
            if columns.is_empty() {
                continue;
            }
            let parts: Vec<String> = columns.iter().map(|c| format!("'{c}=' || quote(\"{c}\")")).collect();
            format!("SELECT {} AS row FROM \"{t}\"", parts.join(" || ';' || "))
        };
        for r in db.query_all(sql(&select)).await.unwrap() {
            rows.push((t.clone(), r.try_get::<String>("", "row").unwrap().to_lowercase()));
        }
    }
    rows
}

/// The forms a user id takes in a row: text, or SQLite's blob in hex.
fn forms(id: UserId) -> [String; 2] {
    [id.to_string(), id.0.simple().to_string()]
}

/// What the test process's subscriber heard of the server (it runs in this
/// process): everything our crates log, at every level.
#[derive(Clone, Default)]
struct Heard(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Heard {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn listen() -> Heard {
    let heard = Heard::default();
    let writer = heard.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "info,tawasul_server=trace,tawasul_storage=trace,tawasul_core=trace,sqlx=warn,sea_orm=warn",
        ))
        .json()
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .init();
    heard
}

mod a_secret_ballot_leaves_no_link_between_voter_and_option {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let heard = super::listen();
        super::a_secret_ballot_leaves_no_link(crate::helpers::spawn_app("sqlite").await, heard).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let heard = super::listen();
        super::a_secret_ballot_leaves_no_link(crate::helpers::spawn_app("postgres").await, heard).await
    }
}

async fn a_secret_ballot_leaves_no_link(app: TestApp, heard: Heard) {
    let c = committee(&app, 3, 70).await;
    let m = under_way(&app, &c).await;
    let v = c.organiser.open_vote(m, &vote_request("secret", 3)).await.unwrap();
    // Each voter a different option, each ballot with an idempotency key.
    for (i, (_, member)) in c.members.iter().enumerate() {
        let res = member
            .request(reqwest::Method::POST, &format!("/api/v1/votes/{}/ballots", v.id))
            .header("Idempotency-Key", format!("ballot-{i}"))
            .json(&serde_json::json!({ "option_index": i }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let receipt: serde_json::Value = res.json().await.unwrap();
        assert_eq!(
            receipt.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["turnout", "vote_id"],
            "nothing of the choice"
        );
    }
    let r = c.organiser.close_vote(v.id).await.unwrap();
    assert_eq!((r.counts, r.turnout, r.outcome), (vec![1, 1, 1], 3, Outcome::Tied));
    sealed(&app).await;

    let rows = every_row(&app).await;
    let voters: Vec<UserId> = c.members.iter().map(|(id, _)| *id).collect();
    let mut voter_rows = 0;
    for (table, row) in &rows {
        let names_a_voter = voters.iter().any(|v| forms(*v).iter().any(|f| row.contains(f.as_str())));
        if !names_a_voter {
            continue;
        }
        voter_rows += 1;
        assert!(!row.contains("option"), "{table} ties a voter to an option: {row}");
        assert!(!row.contains("العرض"), "{table} ties a voter to an option: {row}");
    }
    assert!(voter_rows >= 9, "the voters are found where they are (accounts, invitations, ballots)");
    let vote = v.id.0;
    let ballots_kept: Vec<&(String, String)> = rows
        .iter()
        .filter(|(t, row)| {
            (t == "vote_tallies" || t == "open_ballots")
                && (row.contains(&vote.to_string()) || row.contains(&vote.simple().to_string()))
        })
        .collect();
    assert!(ballots_kept.is_empty(), "closing drops the counters: {ballots_kept:?}");
    // The audit trail: each ballot's entry names its voter and nothing of the choice.
    let entries = tawasul_storage::audit::all(app.db.read()).await.unwrap();
    let ballots: Vec<_> = entries.iter().filter(|e| e.action == "vote.ballot").collect();
    assert_eq!(ballots.len(), 3);
    for b in ballots {
        assert_eq!(
            b.after.clone().unwrap_or_default(),
            serde_json::json!({}),
            "a secret ballot's entry carries no option"
        );
    }
    // The log heard every request served, and no voter, no ballot body.
    let log = String::from_utf8(heard.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains(&format!("/api/v1/votes/{}/ballots", v.id)), "the log heard the ballots: {log}");
    for v in &voters {
        for f in forms(*v) {
            assert!(!log.contains(&f), "the log names a voter");
        }
    }
    assert!(!log.contains("option_index"), "the log holds a ballot");
}

/// An SMTP server and an SMS gateway for a server on `backend`.
async fn with_mail_and_sms(
    backend: &str,
) -> (TestApp, tawasul_tests::smtp::SmtpServer, Received, actix_web::dev::ServerHandle) {
    let smtp = tawasul_tests::smtp::SmtpServer::start().unwrap();
    let (sms_url, received, handle) = sms_gateway(0).await;
    let url = smtp.url();
    let app = spawn_app_with(backend, |s| {
        s.smtp_url = Some(url.into());
        s.sms_gateway_url = Some(sms_url);
    })
    .await;
    (app, smtp, received, handle)
}

/// The e-mails the SMTP server received whose subject starts with `prefix`,
/// waiting up to 10 s for `n`; each as (to, subject, text, calendar part).
async fn mails_titled(
    smtp: &tawasul_tests::smtp::SmtpServer,
    prefix: &str,
    n: usize,
) -> Vec<(String, String, String, Option<String>)> {
    mails_titled_any(smtp, &[prefix], n).await
}

/// The mails whose subject starts with one of `prefixes` (one per language),
/// once there are at least `n` of them in all (or after ten seconds).
async fn mails_titled_any(
    smtp: &tawasul_tests::smtp::SmtpServer,
    prefixes: &[&str],
    n: usize,
) -> Vec<(String, String, String, Option<String>)> {
    let mut found = vec![];
    for _ in 0..100 {
        found = smtp
            .messages()
            .iter()
            .filter_map(|raw| {
                let m = mail_parser::MessageParser::default().parse(raw)?;
                let subject = m.subject().unwrap_or_default().to_owned();
                if !prefixes.iter().any(|p| subject.starts_with(p)) {
                    return None;
                }
                let to = m.to()?.first()?.address()?.to_owned();
                let calendar = m.parts.iter().find_map(|p| {
                    use mail_parser::MimeHeaders;
                    p.is_content_type("text", "calendar").then(|| p.text_contents().map(str::to_owned))?
                });
                Some((to, subject, m.body_text(0)?.into_owned(), calendar))
            })
            .collect();
        if found.len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    found.sort();
    found
}

async fn sms_sent(received: &Received, n: usize) -> Vec<serde_json::Value> {
    for _ in 0..100 {
        let got = received.lock().unwrap().clone();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    received.lock().unwrap().clone()
}

/// The guest's token in a link of the message.
fn guest_token(text: &str) -> String {
    let at = text.find("/guest/meetings/").expect("a guest link") + "/guest/meetings/".len();
    text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

mod invitations_carry_a_calendar_event_and_guests_answer_by_their_link {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::invitations_carry_a_calendar_event_and_guests_answer_by_their_link("sqlite").await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::invitations_carry_a_calendar_event_and_guests_answer_by_their_link("postgres").await
    }
}

async fn invitations_carry_a_calendar_event_and_guests_answer_by_their_link(backend: &str) {
    let (app, smtp, received, handle) = with_mail_and_sms(backend).await;
    let c = committee(&app, 1, 72).await;
    // 10:00 in Riyadh three days from now, for an hour (a whole second, as
    // calendar events carry it; a fixed date would pass into the past).
    let starts_at = (Utc::now() + Duration::days(3)).date_naive().and_hms_opt(7, 0, 0).unwrap().and_utc();
    let mut r = meeting_request(c.entity.id, &c.members, starts_at);
    r.invitees[1].lang = Some("en".into());
    let m = c.organiser.create_meeting(&r).await.unwrap();

    let mails = mails_titled(&smtp, "", 2).await;
    let invitations: Vec<_> =
        mails.iter().filter(|(to, ..)| to == "sara@guest.sa" || to.starts_with("employee")).collect();
    assert_eq!(invitations.len(), 2, "the employee and the guest: {mails:?}");
    let (_, subject, text, _) = invitations.iter().find(|(to, ..)| to.starts_with("employee")).unwrap();
    assert_eq!(subject, "دعوة: اجتماع لجنة المشتريات", "in the employee's language");
    assert!(text.contains("بتوقيت الرياض") && text.contains("اعتماد العروض"), "{text}");
    let (_, subject, text, calendar) = invitations.iter().find(|(to, ..)| to == "sara@guest.sa").unwrap();
    assert_eq!(subject, "Invitation: اجتماع لجنة المشتريات", "in the guest's language");
    assert!(text.contains("/guest/meetings/"), "a guest's link: {text}");
    let local = starts_at.with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap());
    let ics = calendar.as_ref().expect("a text/calendar part");
    assert!(ics.contains("METHOD:REQUEST"), "{ics}");
    assert!(ics.contains(&format!("DTSTART;TZID=Asia/Riyadh:{}", local.format("%Y%m%dT%H%M%S"))), "{ics}");
    let parsed: icalendar::Calendar = ics.parse().expect("the event parses");
    use icalendar::{Component, EventLike};
    let event = parsed.components.iter().find_map(|c| c.as_event()).expect("one event");
    assert_eq!(event.get_summary(), Some("اجتماع لجنة المشتريات"));
    assert_eq!(event.get_location(), Some("قاعة الاجتماعات الكبرى"));
    let attendees: Vec<&str> =
        event.multi_properties().get("ATTENDEE").map(|a| a.iter().map(|p| p.value()).collect()).unwrap_or_default();
    assert!(attendees.contains(&"mailto:sara@guest.sa"), "{attendees:?}");
    assert!(event.properties().get("ORGANIZER").unwrap().value().starts_with("mailto:employee"));
    match event.get_start() {
        Some(icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::WithTimezone { date_time, tzid })) => {
            assert_eq!((date_time, tzid.as_str()), (local.naive_local(), "Asia/Riyadh"));
        }
        other => panic!("DTSTART in Riyadh's zone expected: {other:?}"),
    }

    // The guest's SMS carries the same link.
    let sms = sms_sent(&received, 1).await;
    let guest_sms = sms.iter().find(|s| s["to"] == "+966551234567").expect("the guest's SMS");
    let token = guest_token(guest_sms["text"].as_str().unwrap());
    assert_eq!(token, guest_token(text));
    let seen: GuestMeetingView = Client::decode(
        app.client.request(reqwest::Method::GET, &format!("/api/v1/guest/meetings/{token}")).send().await.unwrap(),
    )
    .await
    .unwrap();
    assert_eq!((seen.meeting_id, seen.name.as_str()), (m.id, "سارة العتيبي"));
    let answer = app
        .client
        .request(reqwest::Method::POST, &format!("/api/v1/guest/meetings/{token}/rsvp"))
        .json(&serde_json::json!({ "response": "accepted" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let guest = c.organiser.meeting(m.id).await.unwrap().invitees.into_iter().find(|i| i.guest).unwrap();
    assert_eq!(guest.rsvp, Some(tawasul_core::meetings::Rsvp::Accepted));
    let early = app
        .client
        .request(reqwest::Method::POST, &format!("/api/v1/guest/meetings/{token}/check-in"))
        .send()
        .await
        .unwrap();
    assert_eq!(early.status(), 409, "days before the meeting");
    // The page the link opens, a plain form (no script): the answer shows, another replaces it.
    let page = app.client.request(reqwest::Method::GET, &format!("/guest/meetings/{token}")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    assert!(body.contains("اجتماع لجنة المشتريات") && body.contains("قاعة الاجتماعات الكبرى"), "{body}");
    assert!(body.contains(r#"data-testid="guest-accept" aria-pressed="true""#), "{body}");
    let answered = app
        .client
        .request(reqwest::Method::POST, &format!("/guest/meetings/{token}"))
        .form(&[("action", "declined")])
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200, "after the redirect");
    assert!(answered.text().await.unwrap().contains(r#"data-testid="guest-decline" aria-pressed="true""#));
    let refused = app
        .client
        .request(reqwest::Method::POST, &format!("/guest/meetings/{token}"))
        .form(&[("action", "check-in")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains(r#"data-testid="guest-refused""#));
    // Inside the window, the guest checks in by a new meeting's link.
    let now = c.organiser.create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now())).await.unwrap();
    let sms = sms_sent(&received, 2).await;
    let token_now = guest_token(sms.iter().map(|s| s["text"].as_str().unwrap()).find(|t| !t.contains(&token)).unwrap());
    let res = app
        .client
        .request(reqwest::Method::POST, &format!("/api/v1/guest/meetings/{token_now}/check-in"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let guest = c.organiser.meeting(now.id).await.unwrap().invitees.into_iter().find(|i| i.guest).unwrap();
    assert!(guest.checked_in_at.is_some());
    sealed(&app).await;
    let entries = tawasul_storage::audit::all(app.db.read()).await.unwrap();
    assert!(
        entries.iter().any(|e| e.action == "meeting.check_in" && e.actor.is_none()),
        "a guest's check-in is audited"
    );
    for bad in ["not-a-token", &format!("{token}x")] {
        let res =
            app.client.request(reqwest::Method::GET, &format!("/api/v1/guest/meetings/{bad}")).send().await.unwrap();
        assert_eq!(res.status(), 404);
    }

    // invite.ics for its invitees only.
    let res = c.members[0]
        .1
        .request(reqwest::Method::GET, &format!("/api/v1/meetings/{}/invite.ics", m.id))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let body = res.text().await.unwrap();
    assert!(
        body.parse::<icalendar::Calendar>().is_ok() && body.contains(&format!("UID:meeting-{}@tawasul", m.id)),
        "{body}"
    );
    let res = c
        .outsider
        .request(reqwest::Method::GET, &format!("/api/v1/meetings/{}/invite.ics", m.id))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    handle.stop(false).await;
}

mod reminders_are_sent_once_also_across_a_restart {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::reminders_are_sent_once_also_across_a_restart("sqlite").await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::reminders_are_sent_once_also_across_a_restart("postgres").await
    }
}

async fn reminders_are_sent_once_also_across_a_restart(backend: &str) {
    let (app, smtp, received, handle) = with_mail_and_sms(backend).await;
    let c = committee(&app, 2, 73).await;
    // Starting just after the half hour before: reminded of within seconds,
    // once the decline below is in.
    let mut r = meeting_request(c.entity.id, &c.members, Utc::now() + Duration::minutes(30) + Duration::seconds(4));
    r.invitees[2].lang = Some("en".into());
    let m = c.organiser.create_meeting(&r).await.unwrap();
    c.members[1].1.rsvp(m.id, "declined").await.unwrap();
    let reminders = mails_titled(&smtp, "تذكير", 1).await;
    let english = mails_titled(&smtp, "Reminder", 1).await;
    assert_eq!(english.len(), 1, "the guest, in English");
    // A second node on the same database, started after (as a restart is):
    // it finds the meeting reminded of, and sends nothing again.
    let url = smtp.url();
    let (_node, _dir) = app.second_node(|s| s.smtp_url = Some(url.into())).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let again = mails_titled(&smtp, "تذكير", 0).await;
    assert_eq!(reminders.len(), 1, "the one who did not decline: {reminders:?}");
    assert!(reminders[0].0.starts_with(&format!("employee{}", 73 * 100 + 1)), "{reminders:?}");
    assert_eq!(again.len(), 1, "once: {again:?}");
    assert_eq!(mails_titled(&smtp, "Reminder", 0).await.len(), 1);
    let sms = sms_sent(&received, 2).await;
    let reminder_sms: Vec<_> = sms.iter().filter(|s| s["text"].as_str().unwrap().starts_with("Reminder")).collect();
    assert_eq!(reminder_sms.len(), 1, "the guest's alone (employees are told by e-mail): {sms:?}");
    handle.stop(false).await;
}

mod a_change_and_a_cancellation_reach_the_invitees_as_calendar_events {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_change_and_a_cancellation_reach_the_invitees_as_calendar_events("sqlite").await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_change_and_a_cancellation_reach_the_invitees_as_calendar_events("postgres").await
    }
}

async fn a_change_and_a_cancellation_reach_the_invitees_as_calendar_events(backend: &str) {
    let (app, smtp, received, handle) = with_mail_and_sms(backend).await;
    let c = committee(&app, 2, 78).await;
    let m = c
        .organiser
        .create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now() + Duration::days(2)))
        .await
        .unwrap();
    c.members[1].1.rsvp(m.id, "declined").await.unwrap();
    let moved_to = Utc::now() + Duration::days(3);
    let change = ChangeMeetingRequest {
        starts_at: Some(at(moved_to)),
        location: Some("القاعة الصغرى".into()),
        ..Default::default()
    };
    assert_eq!(refused(c.members[0].1.change_meeting(m.id, &change).await).0, 403, "the organiser's alone");
    let changed = c.organiser.change_meeting(m.id, &change).await.unwrap();
    assert_eq!(
        (changed.starts_at.timestamp(), changed.location.as_deref()),
        (moved_to.timestamp(), Some("القاعة الصغرى"))
    );
    let e = c.organiser.change_meeting(m.id, &ChangeMeetingRequest::default()).await.unwrap_err();
    assert_eq!(e.status(), Some(422), "a change changes something");

    // The employee who did not decline and the guest: the event again, one revision up.
    // Each invitee's message is sent on its own: wait for both, in either language.
    let updates = mails_titled_any(&smtp, &["تعديل:", "Changed:"], 2).await;
    assert_eq!(updates.len(), 2, "{updates:?}");
    let ics = updates[0].3.as_ref().expect("the changed event");
    let local = moved_to.with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap());
    assert!(ics.contains("METHOD:REQUEST") && ics.contains("SEQUENCE:1"), "{ics}");
    assert!(ics.contains(&format!("DTSTART;TZID=Asia/Riyadh:{}", local.format("%Y%m%dT%H%M%S"))), "{ics}");
    assert!(ics.contains(&format!("UID:meeting-{}@tawasul", m.id)), "the same event: {ics}");

    let cancelled = c.organiser.cancel_meeting(m.id).await.unwrap();
    assert!(cancelled.cancelled);
    let cancels = mails_titled(&smtp, "إلغاء:", 1).await;
    let ics = cancels[0].3.as_ref().expect("the cancelled event");
    assert!(ics.contains("METHOD:CANCEL") && ics.contains("STATUS:CANCELLED") && ics.contains("SEQUENCE:2"), "{ics}");
    assert!(ics.parse::<icalendar::Calendar>().is_ok());
    let sms = sms_sent(&received, 3).await;
    assert!(sms.iter().any(|s| s["text"].as_str().unwrap().contains("ألغى")), "the guest is told by SMS too: {sms:?}");
    // A cancelled meeting takes no step and leaves the calendars.
    assert_eq!(refused(c.members[0].1.rsvp(m.id, "accepted").await), (409, "meeting.cancelled".into()));
    assert_eq!(refused(c.organiser.cancel_meeting(m.id).await), (409, "meeting.cancelled".into()));
    assert_eq!(refused(c.organiser.change_meeting(m.id, &change).await), (409, "meeting.cancelled".into()));
    let cal = c.members[0].1.my_calendar(None, None).await.unwrap();
    assert!(cal.items.iter().all(|i| i.meeting_id != Some(m.id)), "{cal:?}");
    // Sent after the changes, the cancellations came last: whoever declined
    // was sent no change by now, nor ever.
    let updates = mails_titled_any(&smtp, &["تعديل:", "Changed:"], 0).await;
    let declined = c.members[1].0;
    assert_eq!(updates.len(), 2, "not to who declined ({declined}): {updates:?}");
    handle.stop(false).await;
}

/// The next event frame of `meeting:<id>` on a connection, within a few seconds.
async fn next_meeting_event(ws: &mut tawasul_client::realtime::RealtimeConnection) -> (i64, MeetingEventView) {
    use tawasul_client::realtime::Incoming;
    use tawasul_core::realtime::ServerFrame;
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), ws.next()).await.expect("an event in time") {
            Some(Incoming::Frame(ServerFrame::Event { seq, event, .. })) => {
                let e = event.meeting().expect("a meeting's event").clone();
                assert_eq!(seq, i64::from(e.seq));
                return (seq, e);
            }
            Some(Incoming::Frame(_)) => continue,
            other => panic!("expected an event, got {other:?}"),
        }
    }
}

fn replayed_meeting_events(frames: &[tawasul_core::realtime::ServerFrame]) -> Vec<MeetingEventView> {
    frames
        .iter()
        .map(|f| match f {
            tawasul_core::realtime::ServerFrame::Event { event, .. } => event.meeting().expect("a meeting's").clone(),
            other => panic!("{other:?}"),
        })
        .collect()
}

async fn notes_and_turnout_are_live_on_the_meeting_topic_with_resume(app: TestApp) {
    use tawasul_core::meeting_log::MeetingEventKind as K;
    use tawasul_core::realtime::Topic;
    let c = committee(&app, 2, 79).await;
    let m = c.organiser.create_meeting(&meeting_request(c.entity.id, &c.members, Utc::now())).await.unwrap();
    let topic = Topic::Meeting(m.id);

    // Who may not see the meeting may not follow it.
    let (beneficiary, _) = app.beneficiary(7901).await;
    for stranger in [&c.outsider, &beneficiary] {
        let mut ws = stranger.realtime().await.unwrap();
        let refused = ws.subscribe(topic, None).await.unwrap_err();
        assert!(matches!(refused, tawasul_client::realtime::Incoming::Closed { code: 4403, .. }), "{refused:?}");
    }

    let first_client = &c.members[0].1;
    let mut live = first_client.realtime().await.unwrap();
    let (replayed, latest) = live.subscribe(topic, Some(0)).await.unwrap();
    assert_eq!((replayed.len(), latest), (0, 0), "nothing happened yet");

    // Attendance, a note and a secret vote's turnout, live, in order.
    for (_, member) in &c.members {
        member.check_in(m.id).await.unwrap();
    }
    for expected in 1..=2 {
        let (seq, e) = next_meeting_event(&mut live).await;
        assert_eq!((seq, e.kind), (expected, K::CheckedIn));
    }
    c.organiser.add_note(m.id, "نبدأ بالبند الأول", Some(0)).await.unwrap();
    let (_, note) = next_meeting_event(&mut live).await;
    assert_eq!((note.seq, note.kind, note.data["body"].as_str()), (3, K::Note, Some("نبدأ بالبند الأول")));
    assert_eq!(note.data["agenda_item"], 0);
    let organiser_id = c.organiser.me().await.unwrap().id;
    assert_eq!(note.actor.as_ref().map(|a| a.id), Some(organiser_id), "the author is named");
    let v = c.organiser.open_vote(m.id, &vote_request("secret", 2)).await.unwrap();
    let (_, opened) = next_meeting_event(&mut live).await;
    assert_eq!((opened.seq, opened.kind, opened.data["ballot"].as_str()), (4, K::VoteOpened, Some("secret")));
    c.members[0].1.cast_ballot(v.id, 1).await.unwrap();
    c.members[1].1.cast_ballot(v.id, 2).await.unwrap();
    for turnout in 1..=2 {
        let (_, e) = next_meeting_event(&mut live).await;
        assert_eq!((e.kind, e.data["turnout"].as_u64()), (K::Turnout, Some(turnout)));
        assert!(e.actor.is_none(), "a ballot names nobody: {e:?}");
        let mut keys: Vec<&str> = e.data.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["turnout", "vote_id"], "and no option");
    }

    // A second member who was away resumes after the check-ins: the rest, in order.
    let mut away = c.members[1].1.realtime().await.unwrap();
    let (replayed, latest) = away.subscribe(topic, Some(2)).await.unwrap();
    let kinds: Vec<(u32, K)> = replayed_meeting_events(&replayed).iter().map(|e| (e.seq, e.kind)).collect();
    assert_eq!(kinds, [(3, K::Note), (4, K::VoteOpened), (5, K::Turnout), (6, K::Turnout)]);
    assert_eq!(latest, 6);

    // The first connection goes away; the vote closes meanwhile; on resume
    // the sealed result comes, and live on the connection that stayed.
    live.close().await;
    let result = c.organiser.close_vote(v.id).await.unwrap();
    let (_, closed) = next_meeting_event(&mut away).await;
    assert_eq!((closed.seq, closed.kind), (7, K::VoteClosed));
    assert_eq!(closed.data["result"]["counts"], serde_json::json!(result.counts));
    assert_eq!(closed.data["result"]["turnout"], 2);
    let mut back = first_client.realtime().await.unwrap();
    let (replayed, latest) = back.subscribe(topic, Some(6)).await.unwrap();
    let replayed = replayed_meeting_events(&replayed);
    assert_eq!((replayed.len(), replayed[0].kind, latest), (1, K::VoteClosed, 7));
    assert_eq!(replayed[0].actor.as_ref().map(|a| a.id), Some(organiser_id));

    // Minutes approved and a decision: the meeting's people see them happen.
    c.organiser.draft_minutes(m.id, "المحضر").await.unwrap();
    c.organiser.approve_minutes(m.id).await.unwrap();
    c.organiser.record_decision(m.id, "اعتماد العرض الثالث", Some(v.id)).await.unwrap();
    let kinds = [next_meeting_event(&mut back).await.1.kind, next_meeting_event(&mut back).await.1.kind];
    assert_eq!(kinds, [K::MinutesApproved, K::Decision]);

    // A supervisor of the entity follows it uninvited, until they are one no longer.
    let outsider = c.outsider.me().await.unwrap().id;
    let role = |r: &str| serde_json::from_value::<UpdateEmployeeRequest>(serde_json::json!({ "role": r })).unwrap();
    c.entity.admin.update_employee(outsider, &role("supervisor")).await.unwrap();
    let mut overseer = c.outsider.realtime().await.unwrap();
    let (_, latest) = overseer.subscribe(topic, Some(8)).await.unwrap();
    assert_eq!(latest, 9);
    c.entity.admin.update_employee(outsider, &role("employee")).await.unwrap();
    assert_eq!(crate::realtime::closed_with(&mut overseer).await, 4403);
}

/// The `kind=minutes` hits of `q` for `who`, once there are `n` (the index
/// takes a moment), or what there is after a few seconds.
async fn minutes_found(who: &Client, q: &str, n: usize) -> Vec<SearchItem> {
    let mut items = vec![];
    for _ in 0..50 {
        items = who.search(&[("q", q), ("kind", "minutes")]).await.unwrap().items;
        if items.len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    items
}

async fn approved_minutes_and_decisions_are_found_by_who_may_see_them(app: TestApp) {
    let c = committee(&app, 2, 82).await;
    let m = under_way(&app, &c).await;
    let invitee = &c.members[0].1;
    c.organiser.draft_minutes(m, "ناقشت اللجنة توريد الحواسيب المحمولة").await.unwrap();
    // Another meeting's approved minutes hold the same words: the first to
    // be found, so that the draft's absence below is not a matter of time.
    let other = committee(&app, 1, 83).await;
    let elsewhere = under_way(&app, &other).await;
    other.organiser.draft_minutes(elsewhere, "توريد الحواسيب المحمولة للفروع").await.unwrap();
    other.organiser.approve_minutes(elsewhere).await.unwrap();
    assert_eq!(minutes_found(&other.organiser, "الحواسيب", 1).await.len(), 1);
    assert!(minutes_found(invitee, "الحواسيب", 0).await.is_empty(), "a draft is not in the archive");

    // A decision first: the meeting is indexed, its minutes still a draft.
    c.organiser.record_decision(m, "اعتماد شراء خمسين حاسبا محمولا", None).await.unwrap();
    let decision = minutes_found(invitee, "خمسين", 1).await;
    assert_eq!(decision.len(), 1, "the decision: {decision:?}");
    assert!(minutes_found(invitee, "الحواسيب", 0).await.is_empty(), "still not the draft");
    c.organiser.approve_minutes(m).await.unwrap();
    let found = minutes_found(invitee, "الحواسيب", 1).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].meeting_id, found[0].transaction_id, found[0].entity_id), (Some(m), None, c.entity.id));
    assert_eq!(found[0].title, "اجتماع لجنة المشتريات");
    assert!(found[0].snippet.contains("<mark>"), "{}", found[0].snippet);

    // Who may see the meeting, and regulators in remit, find both.
    app.platform.create_regulator(&regulator_of(8201, c.entity.id)).await.unwrap();
    let auth = app.client.login("reg8201@nazaha.sa", PASSWORD).await.unwrap();
    let regulator = app.client.with_token(auth.access_token);
    for (who, client) in
        [("the organiser", &c.organiser), ("the entity's admin", &c.entity.admin), ("a regulator in remit", &regulator)]
    {
        let hits: Vec<_> = minutes_found(client, "خمسين", 1).await;
        assert_eq!(hits.len(), 1, "{who}");
        let hits = minutes_found(client, "الحواسيب المحمولة", 1).await;
        assert!(hits.iter().any(|h| h.meeting_id == Some(m)), "{who}: {hits:?}");
    }
    // Nobody else: an employee not invited, another entity, a citizen.
    let (beneficiary, _) = app.beneficiary(8202).await;
    for (who, client) in [
        ("an employee not invited", &c.outsider),
        ("another entity's staff", &other.members[0].1),
        ("a citizen", &beneficiary),
    ] {
        assert!(minutes_found(client, "خمسين", 0).await.is_empty(), "{who}");
        let hits = client.search(&[("q", "الحواسيب")]).await.unwrap().items;
        assert!(hits.iter().all(|h| h.meeting_id != Some(m)), "{who}: {hits:?}");
    }
    // A rebuilt archive holds them too, and the server goes on indexing the
    // meetings' log into it.
    let index_dir = app.data_dir.join("index");
    let old = std::fs::read_to_string(index_dir.join("CURRENT")).unwrap();
    let db = tawasul_storage::Db::connect(&app.database_url).await.unwrap();
    let rebuilt = tawasul_server::archive::rebuild::rebuild(&db, &index_dir, |_, _| {}).await.unwrap();
    db.close().await;
    assert_eq!(rebuilt.documents, 2 + 1, "both meetings' minutes and the decision");
    while index_dir.join(old.trim()).exists() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(minutes_found(invitee, "خمسين", 1).await.len(), 1, "after a rebuild");
    c.organiser.record_decision(m, "تشكيل فريق لاستلام الأجهزة", None).await.unwrap();
    assert_eq!(minutes_found(invitee, "فريق", 1).await.len(), 1, "indexed into the rebuilt archive");
}
