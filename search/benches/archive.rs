//! P5 and P6 of PERFORMANCE.md, in process: the archive built from the seeded
//! sample (`sample::Shape::BENCH`), at N/2 and N comments (N =
//! `TAWASUL_BENCH_COMMENTS`, default 1,000,000), so that growth shows:
//! - bulk indexing throughput (documents/s, P6's Tantivy side without the
//!   database read; `tawasul-load archive` measures `tawasul reindex` whole);
//! - two-word queries through `Archive::search` with a visibility filter
//!   (beneficiary, employee, supervisor, regulator of 3 entities), top 20 with
//!   snippets and the total: p50/p99 over 400 queries per caller, and a
//!   Criterion measurement of the employee case.
//!
//! PostgreSQL's side of P5/P6 (tsvector + GIN over the same rows, in the same
//! run) is in `tawasul-load archive`, which needs a cluster.
//!
//! `cargo bench -p tawasul-search --bench archive`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group};
use tawasul_core::api::SearchParams;
use tawasul_core::ids::{DepartmentId, EntityId, TransactionId, TransactionTypeId, UserId};
use tawasul_core::org::{Actor, Remit, Staff, Standing};
use tawasul_core::permissions::StaffRole;
use tawasul_core::visibility::{Viewer, Visibility};
use tawasul_search::sample::{Sample, Shape};
use tawasul_search::{Archive, ArchiveDoc, Kind};
use uuid::Uuid;

const SEED: u64 = 1448;

fn uuid(kind: u8, n: usize) -> Uuid {
    Uuid::from_u128((u128::from(kind) << 64) | n as u128)
}
fn entity(e: usize) -> EntityId {
    EntityId(uuid(1, e))
}
fn department(e: usize, d: usize) -> DepartmentId {
    DepartmentId(uuid(2, e * 100 + d))
}
fn employee(e: usize, d: usize, k: usize) -> UserId {
    UserId(uuid(3, (e * 100 + d) * 100 + k))
}
fn beneficiary(b: usize) -> UserId {
    UserId(uuid(4, b))
}

/// Adds `transactions` sample transactions (from `from` on) to a rebuild.
fn add(target: &tawasul_search::Rebuild, sample: &mut Sample, from: usize, transactions: usize) -> u64 {
    let shape = Shape::BENCH;
    let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().unwrap();
    let mut docs = Vec::with_capacity(10_000);
    let mut count = 0;
    for n in from..from + transactions {
        let t = sample.transaction(&shape);
        for (i, (internal, text)) in t.comments.into_iter().enumerate() {
            docs.push(ArchiveDoc {
                key: format!("event:{n}:{i}"),
                kind: Kind::Comment,
                transaction_id: Some(TransactionId(uuid(5, n))),
                meeting_id: None,
                entity_id: entity(t.entity),
                department_id: Some(department(t.entity, t.department)),
                beneficiary_id: Some(beneficiary(t.beneficiary)),
                assignee_id: Some(employee(t.entity, t.department, t.assignee)),
                type_id: Some(TransactionTypeId(uuid(6, t.entity))),
                status: Some("in_progress".into()),
                people: vec![],
                visibility: if internal { Visibility::Internal } else { Visibility::External },
                at: t0 + chrono::Duration::minutes(n as i64),
                title: t.subject.clone(),
                text,
            });
        }
        if docs.len() >= 10_000 {
            count += docs.len() as u64;
            target.add(&docs).unwrap();
            docs.clear();
        }
    }
    count += docs.len() as u64;
    target.add(&docs).unwrap();
    count
}

fn staff(e: usize, d: usize, k: usize, role: StaffRole) -> Viewer {
    Viewer::new(&Actor {
        user_id: employee(e, d, k),
        standing: Standing::Staff(Staff {
            entity_id: entity(e),
            role,
            department_ids: vec![department(e, d)],
            permissions: role.default_permissions(),
            active: true,
        }),
    })
}

fn callers(sample: &mut Sample) -> Vec<(&'static str, Viewer)> {
    let s = Shape::BENCH;
    vec![
        (
            "beneficiary",
            Viewer::new(&Actor {
                user_id: beneficiary(sample.below(s.beneficiaries)),
                standing: Standing::Beneficiary,
            }),
        ),
        ("employee", staff(sample.below(s.entities), sample.below(s.departments), 0, StaffRole::Employee)),
        ("supervisor", staff(sample.below(s.entities), sample.below(s.departments), 1, StaffRole::Supervisor)),
        (
            "regulator",
            Viewer::new(&Actor {
                user_id: UserId(uuid(7, 0)),
                standing: Standing::Regulator(Remit::Entities(vec![entity(0), entity(1), entity(2)])),
            }),
        ),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("TAWASUL_BENCH_COMMENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let per = Shape::BENCH.comments_per_transaction;
    let dir = tempfile::tempdir().unwrap();
    for size in [n / 2, n] {
        // Each size is a fresh build of everything so far, as `tawasul reindex` does.
        let mut rebuild_sample = Sample::new(SEED);
        let started = Instant::now();
        let target = Archive::rebuild(dir.path(), 2, 512_000_000).unwrap();
        let docs = add(&target, &mut rebuild_sample, 0, size / per);
        target.publish(0).unwrap();
        let secs = started.elapsed().as_secs_f64();
        println!("P6 in process: {docs} comments indexed in {secs:.1} s = {:.0} documents/s", docs as f64 / secs);
        let (archive, _) = Archive::open(dir.path()).unwrap();
        let mut queries = Sample::new(SEED + 1);
        let mut all = Vec::new();
        for (who, viewer) in callers(&mut queries) {
            let mut times = Vec::with_capacity(400);
            let mut hits = 0u64;
            for _ in 0..400 {
                let req = SearchParams { q: queries.query(), limit: 20, ..Default::default() };
                let t = Instant::now();
                let found = archive.search(&viewer, &req).unwrap();
                times.push(t.elapsed());
                hits += found.total;
            }
            times.sort();
            println!(
                "P5 in process, {size} comments, {who:<11}: p50 {:>8.3} ms, p99 {:>8.3} ms, mean total {:.0}",
                percentile(&times, 0.5).as_secs_f64() * 1e3,
                percentile(&times, 0.99).as_secs_f64() * 1e3,
                hits as f64 / 400.0
            );
            all.extend(times);
        }
        all.sort();
        println!(
            "P5 in process, {size} comments, all callers: p50 {:.3} ms, p99 {:.3} ms",
            percentile(&all, 0.5).as_secs_f64() * 1e3,
            percentile(&all, 0.99).as_secs_f64() * 1e3
        );
    }
    let (archive, _) = Archive::open(dir.path()).unwrap();
    let viewer = staff(0, 0, 0, StaffRole::Supervisor);
    let mut queries = Sample::new(SEED + 2);
    c.bench_function(&format!("P5 two-word query, supervisor filter, {n} comments"), |b| {
        b.iter(|| {
            archive.search(&viewer, &SearchParams { q: queries.query(), limit: 20, ..Default::default() }).unwrap()
        })
    });
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
