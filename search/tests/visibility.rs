//! The index's visibility filter against the rule every other read path uses
//! (`Viewer::can_see_event`): over every combination of a document's facts, for
//! any caller proptest makes up — beneficiaries, staff with any permissions,
//! departments and standing, regulators with any remit, the platform — search
//! finds exactly the documents the rule lets the caller see; and of the
//! meetings' minutes and decisions exactly those `MinutesReach` covers.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::Utc;
use proptest::prelude::*;
use tawasul_core::api::SearchParams;
use tawasul_core::ids::{DepartmentId, EntityId, TransactionId, TransactionTypeId, UserId};
use tawasul_core::org::{Actor, Remit, Staff, Standing};
use tawasul_core::permissions::{Permission, PermissionSet, StaffRole};
use tawasul_core::visibility::{TransactionFacts, Viewer, Visibility};
use tawasul_search::{Archive, ArchiveDoc, Kind};
use uuid::Uuid;

const ENTITIES: u8 = 3;
const DEPARTMENTS: u8 = 3;
const PEOPLE: u8 = 4;

fn id(kind: u8, n: u8) -> Uuid {
    Uuid::from_u128((u128::from(kind) << 8) | u128::from(n))
}

struct Corpus {
    _dir: tempfile::TempDir,
    archive: Archive,
    /// (key, facts, visibility) of every document.
    docs: Vec<(String, TransactionFacts, Visibility)>,
    /// (key, entity, people) of every meeting's minutes.
    minutes: Vec<(String, EntityId, Vec<UserId>)>,
}

/// One document per combination of entity, department, beneficiary, assignee
/// (or none) and visibility: 3 × 3 × 4 × 5 × 2 = 360.
fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (archive, _) = Archive::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut writer = archive.writer(15_000_000).unwrap_or_else(|e| panic!("{e}"));
        let mut docs = Vec::new();
        let mut n = 0u32;
        for e in 0..ENTITIES {
            for d in 0..DEPARTMENTS {
                for b in 0..PEOPLE {
                    for a in (0..PEOPLE).map(Some).chain([None]) {
                        for v in [Visibility::External, Visibility::Internal] {
                            n += 1;
                            let facts = TransactionFacts {
                                entity_id: EntityId(id(1, e)),
                                department_id: DepartmentId(id(2, d)),
                                beneficiary_id: UserId(id(3, b)),
                                assignee_id: a.map(|a| UserId(id(3, a))),
                            };
                            let key = format!("doc{n}");
                            writer
                                .upsert(&[ArchiveDoc {
                                    key: key.clone(),
                                    kind: Kind::Comment,
                                    transaction_id: Some(TransactionId(Uuid::from_u128(u128::from(n)))),
                                    meeting_id: None,
                                    entity_id: facts.entity_id,
                                    department_id: Some(facts.department_id),
                                    beneficiary_id: Some(facts.beneficiary_id),
                                    assignee_id: facts.assignee_id,
                                    type_id: Some(TransactionTypeId(id(4, e))),
                                    status: Some("in_progress".into()),
                                    people: vec![],
                                    visibility: v,
                                    at: Utc::now(),
                                    title: key.clone(),
                                    text: "متابعة الطلب".into(),
                                }])
                                .unwrap_or_else(|e| panic!("{e}"));
                            docs.push((key, facts, v));
                        }
                    }
                }
            }
        }
        // Minutes of a meeting of each entity with each set of people in it.
        let mut minutes = Vec::new();
        for e in 0..ENTITIES {
            for mask in 0..(1u8 << PEOPLE) {
                let key = format!("minutes{e}-{mask}");
                let people: Vec<UserId> =
                    (0..PEOPLE).filter(|p| mask & (1 << p) != 0).map(|p| UserId(id(3, p))).collect();
                let meeting =
                    tawasul_core::ids::MeetingId(Uuid::from_u128(0xffff_0000 + u128::from(e) * 256 + u128::from(mask)));
                writer
                    .replace_meeting(
                        meeting,
                        &[ArchiveDoc {
                            key: key.clone(),
                            kind: Kind::Minutes,
                            transaction_id: None,
                            meeting_id: Some(meeting),
                            entity_id: EntityId(id(1, e)),
                            department_id: None,
                            beneficiary_id: None,
                            assignee_id: None,
                            type_id: None,
                            status: None,
                            people: people.clone(),
                            visibility: Visibility::External,
                            at: Utc::now(),
                            title: key.clone(),
                            text: "متابعة القرار".into(),
                        }],
                    )
                    .unwrap_or_else(|e| panic!("{e}"));
                minutes.push((key, EntityId(id(1, e)), people));
            }
        }
        writer.commit(1).unwrap_or_else(|e| panic!("{e}"));
        Corpus { _dir: dir, archive, docs, minutes }
    })
}

fn actor() -> impl Strategy<Value = Actor> {
    let user = (0..PEOPLE).prop_map(|u| UserId(id(3, u)));
    let entities = proptest::collection::vec(0..ENTITIES, 0..3);
    prop_oneof![
        user.clone().prop_map(|user_id| Actor { user_id, standing: Standing::Beneficiary }),
        (
            user.clone(),
            0..ENTITIES,
            proptest::collection::vec(0..DEPARTMENTS, 0..3),
            any::<u32>(),
            any::<bool>(),
            prop_oneof![Just(StaffRole::Employee), Just(StaffRole::Supervisor), Just(StaffRole::Admin)],
        )
            .prop_map(|(user_id, e, depts, bits, active, role)| Actor {
                user_id,
                standing: Standing::Staff(Staff {
                    entity_id: EntityId(id(1, e)),
                    role,
                    department_ids: depts.into_iter().map(|d| DepartmentId(id(2, d))).collect(),
                    permissions: Permission::ALL
                        .iter()
                        .copied()
                        .enumerate()
                        .filter(|(i, _)| bits & (1 << i) != 0)
                        .map(|(_, p)| p)
                        .collect::<PermissionSet>(),
                    active,
                }),
            }),
        (user.clone(), entities).prop_map(|(user_id, es)| Actor {
            user_id,
            standing: Standing::Regulator(Remit::Entities(es.into_iter().map(|e| EntityId(id(1, e))).collect())),
        }),
        user.clone().prop_map(|user_id| Actor { user_id, standing: Standing::Regulator(Remit::All) }),
        user.prop_map(|user_id| Actor { user_id, standing: Standing::PlatformAdmin }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn search_finds_exactly_what_the_visibility_rule_allows(actor in actor(), entity in proptest::option::of(0..ENTITIES)) {
        let c = corpus();
        let viewer = Viewer::new(&actor);
        let entity_id = entity.map(|e| EntityId(id(1, e)));
        let req = SearchParams { q: "متابعة".into(), entity_id, limit: 1000, ..Default::default() };
        let found = c.archive.search(&viewer, &req).unwrap_or_else(|e| panic!("{e}"));
        let found: BTreeSet<String> = found.hits.into_iter().map(|h| h.title).collect();
        let mut allowed: BTreeSet<String> = c
            .docs
            .iter()
            .filter(|(_, f, v)| viewer.can_see_event(f, *v) && entity_id.is_none_or(|e| f.entity_id == e))
            .map(|(k, _, _)| k.clone())
            .collect();
        allowed.extend(
            c.minutes
                .iter()
                .filter(|(_, e, people)| viewer.minutes().covers(*e, people) && entity_id.is_none_or(|x| *e == x))
                .map(|(k, _, _)| k.clone()),
        );
        prop_assert_eq!(found, allowed);
    }
}
