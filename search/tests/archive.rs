//! The archive on its own: scoping, filters, snippets, replacement, and how a
//! missing or damaged index is found on open.

use chrono::{DateTime, Duration, TimeZone, Utc};
use tawasul_core::api::SearchParams;
use tawasul_core::ids::{DepartmentId, EntityId, TransactionId, TransactionTypeId, UserId};
use tawasul_core::org::{Actor, Remit, Staff, Standing};
use tawasul_core::permissions::{Permission, PermissionSet, StaffRole};
use tawasul_core::visibility::{Viewer, Visibility};
use tawasul_search::archive::Positions;
use tawasul_search::{Archive, ArchiveDoc, Kind, Opened};
use uuid::Uuid;

fn id(n: u32) -> Uuid {
    Uuid::from_u128(u128::from(n))
}

const E1: u32 = 1;
const E2: u32 = 2;
const D1: u32 = 10;
const D2: u32 = 11;
const BEN: u32 = 100;
const OTHER_BEN: u32 = 101;
const CLERK: u32 = 50;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().unwrap_or_default()
}

struct Tx {
    id: TransactionId,
    entity: u32,
    dept: u32,
    beneficiary: u32,
    assignee: Option<u32>,
}

fn doc(t: &Tx, key: &str, kind: Kind, visibility: Visibility, days: i64, text: &str) -> ArchiveDoc {
    ArchiveDoc {
        key: key.to_owned(),
        kind,
        transaction_id: Some(t.id),
        meeting_id: None,
        entity_id: EntityId(id(t.entity)),
        department_id: Some(DepartmentId(id(t.dept))),
        beneficiary_id: Some(UserId(id(t.beneficiary))),
        assignee_id: t.assignee.map(|a| UserId(id(a))),
        type_id: Some(TransactionTypeId(id(t.entity * 1000))),
        status: Some("in_progress".into()),
        people: vec![],
        visibility,
        at: t0() + Duration::days(days),
        title: format!("معاملة {key}"),
        text: text.to_owned(),
    }
}

fn staff(user: u32, entity: u32, depts: &[u32], role: StaffRole) -> Viewer {
    Viewer::new(&Actor {
        user_id: UserId(id(user)),
        standing: Standing::Staff(Staff {
            entity_id: EntityId(id(entity)),
            role,
            department_ids: depts.iter().map(|d| DepartmentId(id(*d))).collect(),
            permissions: role.default_permissions(),
            active: true,
        }),
    })
}

fn beneficiary(user: u32) -> Viewer {
    Viewer::new(&Actor { user_id: UserId(id(user)), standing: Standing::Beneficiary })
}

fn regulator(remit: Remit) -> Viewer {
    Viewer::new(&Actor { user_id: UserId(id(70)), standing: Standing::Regulator(remit) })
}

fn platform() -> Viewer {
    Viewer::new(&Actor { user_id: UserId(id(80)), standing: Standing::PlatformAdmin })
}

fn ask(q: &str) -> SearchParams {
    SearchParams { q: q.into(), limit: 20, ..Default::default() }
}

/// Two entities; in the first, the beneficiary's transaction (assigned to the
/// clerk) with an external and an internal comment, and another beneficiary's
/// in another department; in the second, one transaction.
struct World {
    _dir: tempfile::TempDir,
    archive: Archive,
    mine: Tx,
    theirs: Tx,
    elsewhere: Tx,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (archive, opened) = Archive::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(opened, Opened::Created { .. }));
    let mine = Tx { id: TransactionId(id(1001)), entity: E1, dept: D1, beneficiary: BEN, assignee: Some(CLERK) };
    let theirs = Tx { id: TransactionId(id(1002)), entity: E1, dept: D2, beneficiary: OTHER_BEN, assignee: None };
    let elsewhere = Tx { id: TransactionId(id(1003)), entity: E2, dept: D1, beneficiary: OTHER_BEN, assignee: None };
    let mut w = archive.writer(15_000_000).unwrap_or_else(|e| panic!("{e}"));
    w.upsert(&[
        doc(&mine, "t1", Kind::Transaction, Visibility::External, 0, "طلب تجديد رخصة البناء"),
        doc(&mine, "c1", Kind::Comment, Visibility::External, 1, "تم استلام المستندات المطلوبة للتجديد"),
        doc(&mine, "c2", Kind::Comment, Visibility::Internal, 2, "ملاحظة داخلية: المستندات ناقصة والمخطط سري"),
        doc(&theirs, "t2", Kind::Transaction, Visibility::External, 3, "شكوى انقطاع المياه في الحي"),
        doc(&theirs, "c3", Kind::Comment, Visibility::Internal, 4, "تحويل الشكوى إلى فريق الصيانة، المستندات مرفقة"),
        doc(&elsewhere, "t3", Kind::Transaction, Visibility::External, 5, "Water outage complaint: المستندات attached"),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    w.commit(42).unwrap_or_else(|e| panic!("{e}"));
    World { _dir: dir, archive, mine, theirs, elsewhere }
}

fn keys(archive: &Archive, viewer: &Viewer, req: &SearchParams) -> Vec<String> {
    let found = archive.search(viewer, req).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.total as usize, found.hits.len(), "one page holds everything here");
    let mut titles: Vec<String> = found.hits.into_iter().map(|h| h.title.replace("معاملة ", "")).collect();
    titles.sort();
    titles
}

#[test]
fn a_beneficiary_finds_only_the_external_text_of_their_own_transactions() {
    let w = world();
    let b = beneficiary(BEN);
    // "المستندات" is in c1 (external, theirs), c2 (internal, theirs), c3 and t3 (not theirs).
    assert_eq!(keys(&w.archive, &b, &ask("المستندات")), ["c1"]);
    // Words only an internal comment holds find nothing at all.
    assert!(keys(&w.archive, &b, &ask("سري")).is_empty());
    assert!(keys(&w.archive, &b, &ask("ملاحظة داخلية")).is_empty());
    // Narrowing to internal-only kinds or to another entity does not open anything up.
    assert!(keys(&w.archive, &beneficiary(OTHER_BEN), &ask("سري")).is_empty());
    assert_eq!(keys(&w.archive, &beneficiary(OTHER_BEN), &ask("المستندات")), ["t3"]);
}

#[test]
fn employees_find_within_their_remit_only() {
    let w = world();
    let clerk = staff(CLERK, E1, &[D2], StaffRole::Employee);
    // The clerk sees their assigned transaction (internal text included), not
    // the department-mate's one (plain employees see only their own).
    assert_eq!(keys(&w.archive, &clerk, &ask("المستندات")), ["c1", "c2"]);
    let supervisor = staff(60, E1, &[D2], StaffRole::Supervisor);
    assert_eq!(keys(&w.archive, &supervisor, &ask("المستندات")), ["c3"]);
    let admin = staff(61, E1, &[], StaffRole::Admin);
    assert_eq!(keys(&w.archive, &admin, &ask("المستندات")), ["c1", "c2", "c3"]);
    // Another entity's admin finds none of the first entity's text.
    let other_admin = staff(62, E2, &[], StaffRole::Admin);
    assert_eq!(keys(&w.archive, &other_admin, &ask("المستندات")), ["t3"]);
    assert!(keys(&w.archive, &other_admin, &ask("سري")).is_empty());
    // An inactive employee finds nothing.
    let inactive = Viewer::new(&Actor {
        user_id: UserId(id(CLERK)),
        standing: Standing::Staff(Staff {
            entity_id: EntityId(id(E1)),
            role: StaffRole::Admin,
            department_ids: vec![],
            permissions: StaffRole::Admin.default_permissions(),
            active: false,
        }),
    });
    assert!(keys(&w.archive, &inactive, &ask("المستندات")).is_empty());
    // Without any view permission, nothing either.
    let no_view = Viewer::new(&Actor {
        user_id: UserId(id(CLERK)),
        standing: Standing::Staff(Staff {
            entity_id: EntityId(id(E1)),
            role: StaffRole::Employee,
            department_ids: vec![DepartmentId(id(D1))],
            permissions: [Permission::CommentInternal].into_iter().collect::<PermissionSet>(),
            active: true,
        }),
    });
    assert!(keys(&w.archive, &no_view, &ask("المستندات")).is_empty());
}

#[test]
fn regulators_find_across_their_remit_and_the_entity_filter_narrows() {
    let w = world();
    let all = regulator(Remit::All);
    assert_eq!(keys(&w.archive, &all, &ask("المستندات")), ["c1", "c2", "c3", "t3"]);
    let narrowed = SearchParams { entity_id: Some(EntityId(id(E2))), ..ask("المستندات") };
    assert_eq!(keys(&w.archive, &all, &narrowed), ["t3"]);
    let only_e2 = regulator(Remit::Entities(vec![EntityId(id(E2))]));
    assert_eq!(keys(&w.archive, &only_e2, &ask("المستندات")), ["t3"]);
    // Asking for an entity outside the remit does not widen it.
    let outside = SearchParams { entity_id: Some(EntityId(id(E1))), ..ask("المستندات") };
    assert!(keys(&w.archive, &only_e2, &outside).is_empty());
    assert_eq!(keys(&w.archive, &platform(), &ask("المستندات")), ["c1", "c2", "c3", "t3"]);
}

#[test]
fn filters_kind_status_type_and_time() {
    let w = world();
    let p = platform();
    let kind = SearchParams { kind: Some(Kind::Transaction), ..ask("المستندات") };
    assert_eq!(keys(&w.archive, &p, &kind), ["t3"]);
    let typ = SearchParams { type_id: Some(TransactionTypeId(id(E1 * 1000))), ..ask("المستندات") };
    assert_eq!(keys(&w.archive, &p, &typ), ["c1", "c2", "c3"]);
    let status = SearchParams { status: Some(tawasul_core::workflow::Status::Completed), ..ask("المستندات") };
    assert!(keys(&w.archive, &p, &status).is_empty());
    // [from, to): days 1 to 4 take in c1 (day 1), c2 (day 2), not c3 (day 4).
    let window =
        SearchParams {
            from: Some(t0() + Duration::days(1)), to: Some(t0() + Duration::days(4)), ..ask("المستندات")
        };
    assert_eq!(keys(&w.archive, &p, &window), ["c1", "c2"]);
}

#[test]
fn arabic_matches_regardless_of_spelling_variants() {
    let w = world();
    let p = platform();
    // Diacritics, tatweel, another affix of the same stem, and mixed-language queries.
    for q in ["المُسْتَنَدَات", "المســتندات", "مستندات", "والمستندات", "ATTACHED المستندات"]
    {
        assert!(keys(&w.archive, &p, &ask(q)).contains(&"t3".to_owned()), "{q}");
    }
    assert_eq!(keys(&w.archive, &p, &ask("تجديد الرخصة")), ["t1"]);
    // Every word is required.
    assert!(keys(&w.archive, &p, &ask("تجديد المياه")).is_empty());
    // A query without a word finds nothing.
    assert!(keys(&w.archive, &p, &ask("؟!! ...")).is_empty());
}

#[test]
fn snippets_mark_the_matches_and_escape_everything_else() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (archive, _) = Archive::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let t = Tx { id: TransactionId(id(7)), entity: E1, dept: D1, beneficiary: BEN, assignee: None };
    let mut w = archive.writer(15_000_000).unwrap_or_else(|e| panic!("{e}"));
    let hostile = r#"<script>alert("x")</script> & <b>الفاتورة</b> <img src=x onerror=alert(1)> 'done'"#;
    w.upsert(&[doc(&t, "x", Kind::Comment, Visibility::External, 0, hostile)]).unwrap_or_else(|e| panic!("{e}"));
    w.commit(1).unwrap_or_else(|e| panic!("{e}"));
    let found = archive.search(&platform(), &ask("فاتورة")).unwrap_or_else(|e| panic!("{e}"));
    let snippet = &found.hits[0].snippet;
    assert!(snippet.contains("<mark>الفاتورة</mark>"), "{snippet}");
    let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!without_marks.contains('<') && !without_marks.contains('>'), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;") && snippet.contains("&amp;"), "{snippet}");
    assert!(!snippet.contains("\"x\""), "{snippet}");
}

#[test]
fn pagination_and_total() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (archive, _) = Archive::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let t = Tx { id: TransactionId(id(7)), entity: E1, dept: D1, beneficiary: BEN, assignee: None };
    let docs: Vec<ArchiveDoc> = (0..25)
        .map(|i| doc(&t, &format!("k{i:02}"), Kind::Comment, Visibility::External, i, &format!("متابعة الطلب رقم {i}")))
        .collect();
    let mut w = archive.writer(15_000_000).unwrap_or_else(|e| panic!("{e}"));
    w.upsert(&docs).unwrap_or_else(|e| panic!("{e}"));
    w.commit(1).unwrap_or_else(|e| panic!("{e}"));
    let mut seen = Vec::new();
    for page in 0..3 {
        let req = SearchParams { offset: page * 10, limit: 10, ..ask("متابعة") };
        let found = archive.search(&platform(), &req).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.total, 25);
        seen.extend(found.hits.into_iter().map(|h| h.title));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 25);
}

#[test]
fn replacing_a_transaction_moves_its_documents_with_its_facts() {
    let w = world();
    // The clerk searches first, so that their filter is remembered for the
    // segment as it stands: it must not let the moved documents through later.
    let clerk = staff(CLERK, E1, &[D2], StaffRole::Employee);
    assert_eq!(keys(&w.archive, &clerk, &ask("المستندات")), ["c1", "c2"]);
    // The transaction is reassigned from the clerk to someone else.
    let moved = Tx { assignee: Some(99), ..w.mine };
    let mut writer = w.archive.writer(15_000_000).unwrap_or_else(|e| panic!("{e}"));
    writer
        .replace_transaction(
            moved.id,
            &[
                doc(&moved, "t1", Kind::Transaction, Visibility::External, 0, "طلب تجديد رخصة البناء"),
                doc(&moved, "c1", Kind::Comment, Visibility::External, 1, "تم استلام المستندات المطلوبة للتجديد"),
                doc(&moved, "c2", Kind::Comment, Visibility::Internal, 2, "ملاحظة داخلية: المستندات ناقصة والمخطط سري"),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    writer.commit(43).unwrap_or_else(|e| panic!("{e}"));
    assert!(keys(&w.archive, &clerk, &ask("المستندات")).is_empty());
    assert_eq!(keys(&w.archive, &staff(99, E1, &[], StaffRole::Employee), &ask("المستندات")), ["c1", "c2"]);
    // Replacing twice leaves one copy of each.
    assert_eq!(keys(&w.archive, &platform(), &ask("المستندات")), ["c1", "c2", "c3", "t3"]);
    let _ = (&w.theirs, &w.elsewhere);
}

#[test]
fn reopening_resumes_and_damage_is_found() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    {
        let (archive, _) = Archive::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let t = Tx { id: TransactionId(id(7)), entity: E1, dept: D1, beneficiary: BEN, assignee: None };
        let mut w = archive.writer(15_000_000).unwrap_or_else(|e| panic!("{e}"));
        w.upsert(&[doc(&t, "x", Kind::Comment, Visibility::External, 0, "نص")]).unwrap_or_else(|e| panic!("{e}"));
        w.commit(77).unwrap_or_else(|e| panic!("{e}"));
    }
    let (archive, opened) = Archive::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(opened, Opened::Existing { position: 77 });
    // A position alone is the transactions' log: the meetings' is taken in from its start.
    let positions = archive.current().positions().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(positions, Positions { transactions: 77, meetings: 0, texts: 0 });
    let mut w = archive.writer(15_000_000).unwrap_or_else(|e| panic!("{e}"));
    w.commit(Positions { transactions: 78, meetings: 5, texts: 2 }).unwrap_or_else(|e| panic!("{e}"));
    drop(w);
    drop(archive);
    let (archive, opened) = Archive::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(opened, Opened::Existing { position: 78 });
    assert_eq!(
        archive.current().positions().unwrap_or_else(|e| panic!("{e}")),
        Positions { transactions: 78, meetings: 5, texts: 2 },
        "every log's place"
    );
    let name = archive.current().name.clone();
    drop(archive);
    // Damage every segment file: the checksum finds it and a new generation starts.
    for e in std::fs::read_dir(dir.path().join(&name)).unwrap_or_else(|e| panic!("{e}")).flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "store" || x == "idx") {
            let mut bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{e}"));
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0xFF;
            std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let (archive, opened) = Archive::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(opened, Opened::Created { .. }), "{opened:?}");
    assert_ne!(archive.current().name, name);
    assert_eq!(archive.current().num_docs(), 0);
    assert!(!dir.path().join(&name).exists(), "the damaged generation is removed");
    // A meta.json that is not JSON.
    drop(archive);
    let current = std::fs::read_to_string(dir.path().join("CURRENT")).unwrap_or_default();
    std::fs::write(dir.path().join(current.trim()).join("meta.json"), "{ not json").unwrap_or_else(|e| panic!("{e}"));
    let (_, opened) = Archive::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(opened, Opened::Created { .. }), "{opened:?}");
}

#[test]
fn a_rebuild_is_invisible_until_published() {
    let w = world();
    let root = w._dir.path();
    let rebuild = Archive::rebuild(root, 1, 15_000_000).unwrap_or_else(|e| panic!("{e}"));
    rebuild
        .add(&[doc(&w.mine, "t1", Kind::Transaction, Visibility::External, 0, "طلب تجديد رخصة البناء")])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(w.archive.follow_current().unwrap_or_else(|e| panic!("{e}")).map(|g| g.name.clone()), None);
    let name = rebuild.publish(99).unwrap_or_else(|e| panic!("{e}"));
    let switched = w.archive.follow_current().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(switched.map(|g| g.name.clone()), Some(name));
    assert_eq!(w.archive.current().position().unwrap_or_default(), 99);
    assert_eq!(keys(&w.archive, &platform(), &ask("المستندات")), Vec::<String>::new());
    assert_eq!(keys(&w.archive, &platform(), &ask("تجديد")), ["t1"]);
}

/// Indexers notice a published rebuild at the same moment (each checks before
/// its round): they must all switch to one and the same open generation, or
/// the writer commits where searches do not look (searches reload only the
/// generation the writer commits to).
#[test]
fn indexers_racing_to_a_rebuild_switch_to_one_generation() {
    let w = world();
    let root = w._dir.path();
    for round in 0..5 {
        let rebuild = Archive::rebuild(root, 1, 15_000_000).unwrap_or_else(|e| panic!("{e}"));
        let name = rebuild.publish(100 + round).unwrap_or_else(|e| panic!("{e}"));
        let start = std::sync::Barrier::new(8);
        let switched: Vec<bool> = std::thread::scope(|s| {
            let racers: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        w.archive.follow_current().unwrap_or_else(|e| panic!("{e}")).is_some()
                    })
                })
                .collect();
            racers.into_iter().map(|r| r.join().unwrap_or_else(|_| panic!("a racer panicked"))).collect()
        });
        assert_eq!(switched.iter().filter(|s| **s).count(), 1, "round {round}: one switch, not {switched:?}");
        assert_eq!(w.archive.current().name, name);
        let mut writer = w.archive.writer(15_000_000).unwrap_or_else(|e| panic!("{e}"));
        let key = format!("t{round}");
        writer
            .upsert(&[doc(&w.mine, &key, Kind::Transaction, Visibility::External, 0, "طلب تجديد رخصة البناء")])
            .unwrap_or_else(|e| panic!("{e}"));
        writer.commit(200 + round).unwrap_or_else(|e| panic!("{e}"));
        drop(writer);
        assert_eq!(keys(&w.archive, &platform(), &ask("تجديد")), [key], "round {round}: the commit is searched");
    }
}
