//! Repository tests on a real SQLite file and a real PostgreSQL database:
//! migrations, uniqueness, refresh-token rotation under concurrency, the audit
//! chain and its tamper detection, idempotency records.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::zombie_processes)] // test code: a panic is the failure report

use chrono::Utc;
use sea_orm::{ConnectionTrait, Statement};
use tawasul_core::ErrorCode;
use tawasul_core::api::RegisterRequest;
use tawasul_core::identity::{LoginIdentifier, id_check_digit};
use tawasul_core::ids::UserId;
use tawasul_core::visibility::Visibility;
use tawasul_storage::audit::{self, AuditEntry};
use tawasul_storage::idempotency::{self, Begin};
use tawasul_storage::sessions::{self, Rotation};
use tawasul_storage::{Db, StorageError, TransactionTrait, accounts, log_cursors};
use tawasul_testkit::TestDatabase;

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { super::$name(super::open("sqlite").await.1).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { let (_keep, db) = super::open("postgres").await; super::$name(db).await }
        }
    )*};
}

async fn open(backend: &str) -> (TestDatabase, Db) {
    let t = TestDatabase::by_name(backend).unwrap();
    let db = Db::connect(&t.url).await.unwrap();
    db.migrate().await.unwrap();
    // Migrating twice is a no-op.
    db.migrate().await.unwrap();
    (t, db)
}

fn registration(n: u32) -> RegisterRequest {
    let body = format!("1{n:08}");
    let mut nine = [0u8; 9];
    for (d, b) in nine.iter_mut().zip(body.bytes()) {
        *d = b - b'0';
    }
    RegisterRequest {
        name_ar: "سارة".into(),
        name_en: "Sara".into(),
        id_type: "national_id".into(),
        id_number: format!("{body}{}", id_check_digit(&nine)),
        password: "long enough".into(),
        mobile: format!("05{n:08}"),
        email: format!("s{n}@example.sa"),
        residence: "inside".into(),
        language: None,
    }
}

on_both_backends!(
    accounts_are_unique_by_id_email_and_mobile,
    a_refresh_token_is_spent_exactly_once_under_concurrency,
    a_session_is_live_only_for_its_own_account_until_it_ends,
    the_audit_chain_verifies_and_detects_tampering,
    idempotency_records_replay_and_refuse_mismatches,
    late_is_the_same_rule_in_lists_and_views,
    a_unit_of_work_commits_whole_or_not_at_all,
    units_committed_together_are_undone_alone,
    open_loads_follow_every_change_of_status_and_assignee,
    a_decision_taken_ahead_counts_until_recorded_released_or_expired,
);

/// A unit commits when it returns `Ok`, leaves nothing when it returns `Err`,
/// and, once it has started, runs to its commit even when its caller stops
/// waiting (a cancelled request must not cut a write between two statements).
async fn a_unit_of_work_commits_whole_or_not_at_all(db: Db) {
    let at = |name: &'static str, position: i64| {
        db.unit(move |tx| {
            Box::pin(async move {
                log_cursors::set_position(tx, name, position, Utc::now()).await?;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                log_cursors::set_position(tx, name, position + 1, Utc::now()).await?;
                if position < 0 { Err(StorageError::invalid("position", ErrorCode::InvalidField)) } else { Ok(()) }
            })
        })
    };
    at("kept", 1).await.unwrap();
    assert_eq!(log_cursors::position(db.read(), "kept").await.unwrap(), Some(2));
    assert!(at("refused", -5).await.is_err());
    assert_eq!(log_cursors::position(db.read(), "refused").await.unwrap(), None);
    // The caller gives up while the unit sleeps between its two writes.
    let gave_up = tokio::time::timeout(std::time::Duration::from_millis(20), at("abandoned", 10)).await;
    assert!(gave_up.is_err());
    let started = std::time::Instant::now();
    let mut seen = None;
    while started.elapsed() < std::time::Duration::from_secs(5) {
        seen = log_cursors::position(db.read(), "abandoned").await.unwrap();
        if seen.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(seen, Some(11));
}

/// Units queued behind a slow one share its commit on SQLite (group commit):
/// a unit of the group that fails must be undone alone, the others kept, and
/// each caller answered with its own outcome.
async fn units_committed_together_are_undone_alone(db: Db) {
    let unit = |i: i64| {
        let db = db.clone();
        tokio::spawn(async move {
            db.unit(move |tx| {
                Box::pin(async move {
                    log_cursors::set_position(tx, &format!("group-{i}"), i, Utc::now()).await?;
                    if i == 0 {
                        // The others queue up behind this one meanwhile.
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                    if i % 3 == 1 { Err(StorageError::invalid("position", ErrorCode::InvalidField)) } else { Ok(i) }
                })
            })
            .await
        })
    };
    let first = unit(0);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let rest: Vec<_> = (1..40).map(unit).collect();
    assert_eq!(first.await.unwrap().unwrap(), 0);
    for (i, answer) in (1..40).zip(rest) {
        let answer = answer.await.unwrap();
        let kept = log_cursors::position(db.read(), &format!("group-{i}")).await.unwrap();
        if i % 3 == 1 {
            assert!(answer.is_err(), "unit {i} failed and must say so");
            assert_eq!(kept, None, "unit {i} failed, and nothing of it may stay");
        } else {
            assert_eq!(answer.unwrap(), i);
            assert_eq!(kept, Some(i), "unit {i} succeeded and must stay");
        }
    }
}

async fn accounts_are_unique_by_id_email_and_mobile(db: Db) {
    let r = registration(1).parse().unwrap();
    let id = accounts::register_beneficiary(db.write(), &r, "hash", Utc::now()).await.unwrap();
    let again = accounts::register_beneficiary(db.write(), &r, "hash", Utc::now()).await.unwrap_err();
    assert!(matches!(again, StorageError::Conflict(tawasul_core::ErrorCode::AccountExists)), "{again:?}");
    for login in [r.email.to_string(), r.mobile.to_string(), r.id.number().to_owned()] {
        let creds = accounts::find_credentials(db.read(), &LoginIdentifier::parse(&login)).await.unwrap().unwrap();
        assert_eq!(creds.user_id, id);
    }
    let account = accounts::load(db.read(), id).await.unwrap().unwrap();
    assert_eq!(account.view.mobile.as_deref(), Some("+966500000001"));
}

/// What every signed-in request checks, in one read: the account, and whether
/// the token's session is one of its own live sessions.
async fn a_session_is_live_only_for_its_own_account_until_it_ends(db: Db) {
    let now = Utc::now();
    let mine = accounts::register_beneficiary(db.write(), &registration(3).parse().unwrap(), "h", now).await.unwrap();
    let other = accounts::register_beneficiary(db.write(), &registration(4).parse().unwrap(), "h", now).await.unwrap();
    let (session, short) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    sessions::issue(db.write(), mine, session, "s1", now + chrono::Duration::days(1), now).await.unwrap();
    sessions::issue(db.write(), mine, short, "s2", now + chrono::Duration::seconds(1), now).await.unwrap();
    let live = |user, session, at| {
        let db = db.clone();
        async move {
            accounts::load_in_session(db.read(), user, session, at)
                .await
                .unwrap()
                .map(|(a, ends)| (a.view.id, ends.is_some()))
        }
    };
    assert_eq!(live(mine, session, now).await, Some((mine, true)));
    assert_eq!(live(other, session, now).await, Some((other, false)), "another account's session");
    assert_eq!(live(mine, short, now + chrono::Duration::seconds(2)).await, Some((mine, false)), "expired");
    assert_eq!(live(UserId::new(), session, now).await, None, "no such account");
    sessions::revoke_session(db.write(), session, now).await.unwrap();
    assert_eq!(live(mine, session, now).await, Some((mine, false)), "ended");
}

async fn a_refresh_token_is_spent_exactly_once_under_concurrency(db: Db) {
    let r = registration(2).parse().unwrap();
    let user = accounts::register_beneficiary(db.write(), &r, "hash", Utc::now()).await.unwrap();
    let session = uuid::Uuid::now_v7();
    let now = Utc::now();
    sessions::issue(db.write(), user, session, "h1", now + chrono::Duration::days(1), now).await.unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let tx = db.write().begin().await.unwrap();
                let r = sessions::consume(&tx, "h1", Utc::now()).await.unwrap();
                tx.commit().await.unwrap();
                r
            })
        })
        .collect();
    let mut rotated = 0;
    for t in tasks {
        if matches!(t.await.unwrap(), Rotation::Rotated { .. }) {
            rotated += 1;
        }
    }
    assert_eq!(rotated, 1, "exactly one refresh wins");
    // The losers presented a spent token: the session is revoked.
    let (_, ends) = accounts::load_in_session(db.read(), user, session, Utc::now()).await.unwrap().unwrap();
    assert_eq!(ends, None);
}

async fn the_audit_chain_verifies_and_detects_tampering(db: Db) {
    use tawasul_core::ids::EntityId;
    use tawasul_storage::audit::Chain;

    let entity = EntityId::new();
    // Even entries go to the entity's chain, odd ones to the platform's.
    let entry = move |n: u32| AuditEntry {
        actor: None,
        entity: n.is_multiple_of(2).then_some(entity),
        address: Some("192.0.2.7".into()),
        action: "test.action",
        target: format!("thing:{n}"),
        before: None,
        after: Some(serde_json::json!({ "n": n })),
    };
    // Concurrent appenders must still form one chain each.
    let tasks: Vec<_> = (0..40)
        .map(|n| {
            let db = db.clone();
            tokio::spawn(async move {
                let tx = db.write().begin().await.unwrap();
                audit::append(&tx, entry(n), Utc::now()).await.unwrap();
                tx.commit().await.unwrap();
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    // Nothing is in a chain before it is sealed; two sealers at once (as two
    // server processes run them) seal each entry once.
    assert_eq!(audit::verify(db.read(), Chain::Platform).await.unwrap().entries, 0);
    let seal = || db.unit(|tx| Box::pin(audit::seal(tx, 7)));
    let (a, b) = tokio::join!(seal(), seal());
    let mut sealed = a.unwrap() + b.unwrap();
    while audit::any_pending(db.read()).await.unwrap() {
        sealed += seal().await.unwrap();
    }
    assert_eq!(sealed, 40);
    let (ours, platform) = (Chain::Entity(entity), Chain::Platform);
    for chain in [ours, platform] {
        let v = audit::verify(db.read(), chain).await.unwrap();
        assert_eq!((v.entries, v.first_bad_seq), (20, None), "{chain:?}");
        assert_ne!(v.head_hash, audit::GENESIS);
    }

    let backend = db.write().get_database_backend();
    let at_seq_7 = format!("FROM audit_trail WHERE chain = '{entity}' AND seq = 7");
    let original: String = db
        .read()
        .query_one(Statement::from_string(backend, format!("SELECT target {at_seq_7}")))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "target")
        .unwrap();
    let set_target = |t: &str| {
        Statement::from_string(
            backend,
            format!("UPDATE audit_trail SET target = '{t}' WHERE chain = '{entity}' AND seq = 7"),
        )
    };
    db.write().execute(set_target("thing:forged")).await.unwrap();
    assert_eq!(audit::verify(db.read(), ours).await.unwrap().first_bad_seq, Some(7));
    assert_eq!(audit::verify(db.read(), platform).await.unwrap().first_bad_seq, None, "other chains unaffected");
    db.write().execute(set_target(&original)).await.unwrap();
    assert_eq!(audit::verify(db.read(), ours).await.unwrap().first_bad_seq, None, "restored");
    let forge_address =
        format!("UPDATE audit_trail SET client_address = '10.0.0.1' WHERE chain = '{entity}' AND seq = 3");
    db.write().execute(Statement::from_string(backend, forge_address)).await.unwrap();
    assert_eq!(audit::verify(db.read(), ours).await.unwrap().first_bad_seq, Some(3), "the address is sealed too");
    let remove = "DELETE FROM audit_trail WHERE chain = 'platform' AND seq = 12";
    db.write().execute(Statement::from_string(backend, remove)).await.unwrap();
    assert_eq!(
        audit::verify(db.read(), platform).await.unwrap().first_bad_seq,
        Some(13),
        "a removed entry breaks the link of the next"
    );
}

async fn idempotency_records_replay_and_refuse_mismatches(db: Db) {
    let now = Utc::now();
    let c = db.write();
    let lease = chrono::Duration::seconds(30);
    assert_eq!(idempotency::begin(c, "u POST /x", "k", "h", now, lease).await.unwrap(), Begin::Fresh);
    assert_eq!(idempotency::begin(c, "u POST /x", "k", "h", now, lease).await.unwrap(), Begin::InProgress);
    idempotency::complete(c, "u POST /x", "k", 201, Some("application/json"), b"{}").await.unwrap();
    assert_eq!(
        idempotency::begin(c, "u POST /x", "k", "h", now, lease).await.unwrap(),
        Begin::Replay { status: 201, content_type: Some("application/json".into()), body: b"{}".to_vec() }
    );
    assert_eq!(idempotency::begin(c, "u POST /x", "k", "other", now, lease).await.unwrap(), Begin::Mismatch);
    assert_eq!(idempotency::begin(c, "v POST /x", "k", "other", now, lease).await.unwrap(), Begin::Fresh, "per caller");
    // After the retention period the key is free again.
    let later = now + idempotency::RETENTION + chrono::Duration::seconds(1);
    assert_eq!(idempotency::begin(c, "u POST /x", "k", "new", later, lease).await.unwrap(), Begin::Fresh);
    // A key left without an answer (its server died mid-request) is free
    // again after the lease, and not before.
    assert_eq!(idempotency::begin(c, "w POST /x", "k", "h", now, lease).await.unwrap(), Begin::Fresh);
    let soon = now + chrono::Duration::seconds(10);
    assert_eq!(idempotency::begin(c, "w POST /x", "k", "h", soon, lease).await.unwrap(), Begin::InProgress);
    let after = now + chrono::Duration::seconds(31);
    assert_eq!(idempotency::begin(c, "w POST /x", "k", "h", after, lease).await.unwrap(), Begin::Fresh);
}

/// An entity with one department (nobody in it yet) and one transaction type
/// of `routing` answered within an hour, and a beneficiary's request of it.
async fn one_type(
    db: &Db,
    routing: &str,
    t0: chrono::DateTime<Utc>,
) -> (tawasul_core::ids::DepartmentId, UserId, tawasul_core::api::NewTransaction) {
    use tawasul_core::api::*;
    use tawasul_storage::organisation;

    let entity = CreateEntityRequest {
        name_ar: "جهة".into(),
        name_en: "Entity".into(),
        kind: "private".into(),
        unified_number: "7000000001".into(),
        admin: NewEntityAdminRequest {
            name_ar: "مسؤول".into(),
            name_en: "Admin".into(),
            email: "admin@e.sa".into(),
            mobile: "0561111111".into(),
            national_id: registration(90).id_number,
            initial_password: None,
        },
    }
    .parse()
    .unwrap();
    let (entity, _) = organisation::create_entity(db.write(), &entity, "hash", t0).await.unwrap();
    let dept =
        CreateDepartmentRequest { name_ar: "قسم".into(), name_en: "Dept".into(), parent_id: None }.parse().unwrap();
    let dept = organisation::create_department(db.write(), entity.id, &dept, t0).await.unwrap();
    let tt = CreateTransactionTypeRequest {
        code: "fast".into(),
        name_ar: "سريع".into(),
        name_en: "Fast".into(),
        department_id: dept.id.to_string(),
        sla_hours: 1,
        first_response_hours: None,
        escalate_after_hours: None,
        routing: routing.into(),
        fields: None,
    }
    .parse()
    .unwrap();
    let tt = organisation::create_transaction_type(db.write(), entity.id, &tt, t0).await.unwrap();
    let who = accounts::register_beneficiary(db.write(), &registration(91).parse().unwrap(), "hash", t0).await.unwrap();
    let nt = NewTransaction {
        entity_id: entity.id,
        type_id: tt.id,
        subject: "s".into(),
        body: "b".into(),
        priority: Priority::Normal,
        fields: Default::default(),
    };
    (dept.id, who, nt)
}

async fn late_is_the_same_rule_in_lists_and_views(db: Db) {
    use tawasul_core::api::*;
    use tawasul_core::audit::AuditAction;
    use tawasul_core::lifecycle::{self, Changes, Outcome};
    use tawasul_core::org::{Actor, Standing};
    use tawasul_core::visibility::ListScope;
    use tawasul_core::workflow::Status;
    use tawasul_storage::transactions as store;

    // A fixed working instant (Sunday 08:00 in Riyadh): the type's one-hour
    // target ends inside the same working day whatever the hour of the run.
    let t0 = "2026-11-29T05:00:00Z".parse::<chrono::DateTime<Utc>>().unwrap();
    let (_, who, nt) = one_type(&db, "round_robin", t0).await;
    let tx = db.write().begin().await.unwrap();
    let opening = store::prepare_opening(&tx, &nt, None, t0).await.unwrap();
    let beneficiary = Actor { user_id: who, standing: Standing::Beneficiary };
    let opened =
        lifecycle::open(&beneficiary, &nt, &opening.terms, opening.reference, opening.decision.clone(), t0).unwrap();
    let (s, logged) = store::insert_opened(&tx, who, &nt, &opening, &opened, t0).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(s.status, Status::New, "nobody in the department");
    // What creation logged is what the log holds, with increasing positions.
    let kinds: Vec<(&str, u32, Visibility)> = logged.iter().map(|e| (e.kind.as_str(), e.seq, e.visibility)).collect();
    assert_eq!(kinds, vec![("created", 1, Visibility::External), ("assigned", 2, Visibility::Internal)]);
    assert!(logged[0].position < logged[1].position);
    assert_eq!(store::last_position(db.read()).await.unwrap(), logged[1].position);
    let mine = store::events_of_user_after(db.read(), who, logged[0].position - 1, 10).await.unwrap();
    assert_eq!(mine.iter().map(|e| e.position).collect::<Vec<_>>(), vec![logged[0].position, logged[1].position]);
    assert!(store::events_of_user_after(db.read(), UserId::new(), 0, 10).await.unwrap().is_empty());
    // Every reader of the log gives each event as the timeline shows it (the
    // actor named, with a role) and the transaction's facts as they stand.
    let timeline = store::events_after(db.read(), s.id(), 0, true, None).await.unwrap();
    let created_by = timeline[0].actor.as_ref().expect("the beneficiary created it");
    assert_eq!((created_by.id, created_by.role), (who, tawasul_core::org::Role::Beneficiary));
    assert!(!created_by.name_ar.is_empty() && !created_by.name_en.is_empty());
    assert!(timeline[1].actor.is_none(), "routing assigns, nobody in person");
    let since = store::events_since(db.read(), logged[0].position - 1, 10).await.unwrap();
    let at = store::events_at(db.read(), &[logged[1].position, logged[0].position]).await.unwrap();
    for read in [&mine, &since, &at] {
        assert_eq!(read.iter().map(|e| e.event.clone()).collect::<Vec<_>>(), timeline);
        assert!(read.iter().all(|e| e.transaction_id == s.id() && e.facts == s.facts));
    }
    let external = store::events_after(db.read(), s.id(), 0, false, Some(10)).await.unwrap();
    assert_eq!(external.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1]);

    let page = PageQuery::default().parse().unwrap();
    let late_filter = TransactionFilter { late: Some(true), ..Default::default() };
    let on_time_filter = TransactionFilter { late: Some(false), ..Default::default() };
    let later = t0 + chrono::Duration::hours(2);
    let list = |f: TransactionFilter, now| {
        let db = db.clone();
        let page = page.clone();
        async move { store::list(db.read(), &ListScope::Everything, who, &f, &page, now).await.unwrap().items }
    };
    assert!(list(late_filter.clone(), t0).await.is_empty());
    let late = list(late_filter.clone(), later).await;
    assert_eq!(late.len(), 1);
    assert!(late[0].late, "the view says late where the filter does");
    assert!(list(on_time_filter.clone(), later).await.is_empty());

    // Postponed: the clock is paused, so it is not late.
    let tx = db.write().begin().await.unwrap();
    let changes = Changes { status: Some(Status::Postponed), paused_at: Some(Some(t0)), ..Changes::default() };
    let postponed = Outcome { events: vec![], changes, audit: AuditAction::TransactionStep, route: false };
    store::commit(&tx, &s, &postponed, t0).await.unwrap();
    tx.commit().await.unwrap();
    assert!(list(late_filter, later).await.is_empty());
    let on_time = list(on_time_filter, later).await;
    assert_eq!(on_time.len(), 1);
    assert!(!on_time[0].late);
}

/// Opens `nt` as `who` with what `ahead` took, if anything, in one unit.
async fn open_one(
    db: &Db,
    who: UserId,
    nt: &tawasul_core::api::NewTransaction,
    ahead: Option<&tawasul_storage::transactions::Ahead>,
    now: chrono::DateTime<Utc>,
) -> tawasul_storage::transactions::Stored {
    use tawasul_core::org::{Actor, Standing};
    use tawasul_storage::transactions as store;
    let tx = db.write().begin().await.unwrap();
    let opening = store::prepare_opening(&tx, nt, ahead, now).await.unwrap();
    let beneficiary = Actor { user_id: who, standing: Standing::Beneficiary };
    let opened = tawasul_core::lifecycle::open(
        &beneficiary,
        nt,
        &opening.terms,
        opening.reference,
        opening.decision.clone(),
        now,
    )
    .unwrap();
    let (s, _) = store::insert_opened(&tx, who, nt, &opening, &opened, now).await.unwrap();
    tx.commit().await.unwrap();
    s
}

/// The open load of each employee (what routing reads) as the database keeps
/// it, without the zeros, and as counted from the transactions themselves.
async fn loads_kept_and_counted(db: &Db) -> (Vec<(uuid::Uuid, i64)>, Vec<(uuid::Uuid, i64)>) {
    let read = |sql: &'static str| async move {
        let rows = db.read().query_all(Statement::from_string(db.read().get_database_backend(), sql)).await.unwrap();
        let mut v: Vec<(uuid::Uuid, i64)> =
            rows.iter().map(|r| (r.try_get_by_index(0).unwrap(), r.try_get_by_index(1).unwrap())).collect();
        v.sort();
        v
    };
    (
        read("SELECT user_id, open FROM open_loads WHERE open <> 0").await,
        read(
            "SELECT assignee_id, COUNT(*) FROM transactions WHERE assignee_id IS NOT NULL \
             AND status NOT IN ('completed', 'rejected') GROUP BY assignee_id",
        )
        .await,
    )
}

/// The counter of open transactions routing reads is, after each of three
/// hundred random changes of status and assignee (reassignments, closings,
/// reopenings, changes between two open statuses, changes to the same
/// values), the count of them.
async fn open_loads_follow_every_change_of_status_and_assignee(db: Db) {
    use sea_orm::Value;
    let t0 = "2026-11-29T05:00:00Z".parse::<chrono::DateTime<Utc>>().unwrap();
    let (_, who, nt) = one_type(&db, "round_robin", t0).await;
    let mut people: Vec<Option<uuid::Uuid>> = vec![None];
    for n in 1..=3 {
        let p =
            accounts::register_beneficiary(db.write(), &registration(n).parse().unwrap(), "hash", t0).await.unwrap();
        people.push(Some(p.0));
    }
    let mut ids = vec![];
    for _ in 0..10 {
        ids.push(open_one(&db, who, &nt, None, t0).await.id().0);
    }
    let statuses = ["new", "assigned", "in_progress", "postponed", "completed", "rejected"];
    let backend = db.write().get_database_backend();
    let sql = if backend == sea_orm::DatabaseBackend::Postgres {
        "UPDATE transactions SET status = $1, assignee_id = $2 WHERE id = $3"
    } else {
        "UPDATE transactions SET status = ?, assignee_id = ? WHERE id = ?"
    };
    // A fixed sequence (an LCG), so that a failure replays.
    let mut seed: u64 = 0x7a3a_5017;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    for step in 0..300 {
        let (id, status, assignee) = (ids[next(ids.len())], statuses[next(statuses.len())], people[next(people.len())]);
        let values: Vec<Value> = vec![status.into(), assignee.into(), id.into()];
        db.write().execute(Statement::from_sql_and_values(backend, sql, values)).await.unwrap();
        let (kept, counted) = loads_kept_and_counted(&db).await;
        assert_eq!(kept, counted, "after step {step}: {id} to {status}, {assignee:?}");
    }
    let (kept, _) = loads_kept_and_counted(&db).await;
    assert!(!kept.is_empty(), "the sequence left some transactions open and assigned");
}

/// On PostgreSQL, a creation's routing decision and reference number are
/// taken ahead of its unit; the decision counts in its assignee's load until
/// the unit records it, the creation gives it back, or it is a minute old.
async fn a_decision_taken_ahead_counts_until_recorded_released_or_expired(db: Db) {
    use tawasul_core::api::CreateEmployeeRequest;
    use tawasul_storage::{Backend, organisation, transactions as store};
    let t0 = "2026-11-29T05:00:00Z".parse::<chrono::DateTime<Utc>>().unwrap();
    let (dept, who, nt) = one_type(&db, "least_loaded", t0).await;
    for n in 0..2u32 {
        let e = CreateEmployeeRequest {
            name_ar: format!("موظف {n}"),
            name_en: format!("Employee {n}"),
            email: format!("e{n}@e.sa"),
            mobile: format!("057000000{n}"),
            national_id: registration(80 + n).id_number,
            department_ids: vec![dept.to_string()],
            role: "employee".into(),
            grant: None,
            revoke: None,
            initial_password: None,
        }
        .parse()
        .unwrap();
        organisation::create_employee(db.write(), nt.entity_id, &e, "hash", t0).await.unwrap();
    }
    let ahead = |at: chrono::DateTime<Utc>| {
        let (db, nt) = (db.clone(), nt.clone());
        async move { store::take_ahead(&db, &nt, at).await.unwrap() }
    };
    let Some(first) = ahead(t0).await else {
        assert_eq!(db.backend(), Backend::Sqlite, "only SQLite's one writer takes both inside the unit");
        return;
    };
    let to = |a: &store::Ahead| a.decision().unwrap().assignee;
    let second = ahead(t0).await.unwrap();
    assert_ne!(to(&first), to(&second), "the first decision counts in its assignee's load");
    assert_eq!(second.reference().number, first.reference().number + 1);
    // Recorded: the opening's commit counts it instead of the reservation.
    let s = open_one(&db, who, &nt, Some(&first), t0).await;
    assert_eq!(s.facts.assignee_id, Some(to(&first)));
    assert_eq!(s.reference(), first.reference());
    // Given back: it stops counting at once.
    store::release(&db, &second).await.unwrap();
    let third = ahead(t0).await.unwrap();
    assert_eq!(to(&third), to(&second), "loads 1 and 0");
    // The third is neither recorded nor given back: it counts for a minute…
    let fourth = ahead(t0 + chrono::Duration::seconds(30)).await.unwrap();
    assert_eq!(to(&fourth), to(&first), "loads 1 and 1 (reserved): the next in turn");
    // …and then no more, while the fourth, half a minute younger, still does.
    let fifth = ahead(t0 + chrono::Duration::seconds(61)).await.unwrap();
    assert_eq!(to(&fifth), to(&third), "loads 2 (1 reserved) and 0 (expired)");
    let (kept, counted) = loads_kept_and_counted(&db).await;
    assert_eq!(kept, counted);
    assert_eq!(kept, vec![(to(&first).0, 1)]);
}
