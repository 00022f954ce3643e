//! `tawasul-load stats`: P11, the statistics over a year of 1,000,000
//! transactions of 20 entities, on SQLite and on PostgreSQL.
//!
//! 1. The organisation (20 entities of 4 departments of 5 employees, 100
//!    beneficiaries) is set up through the API.
//! 2. With the server stopped, a seeded year of transactions is written
//!    straight into the `transactions` table, in the order they were opened,
//!    each with its `created` event in the log: the columns statistics read
//!    filled as the use cases fill them: opened over the last 360 days, most
//!    closed (completed or rejected), a first answer and a resolution in
//!    working seconds that differ by employee, ratings on most completed
//!    ones, and the recent ones still open, some of them late. The notifier
//!    is placed after them (a history announces nothing, as in the demo).
//! 3. The archive rebuilt from the transactions with `tawasul reindex` (as
//!    an operator would after a bulk load; the server's indexer would take
//!    each created event in turn, several times slower), then the server
//!    started again and left to catch up: the statistics consumer rolls up
//!    every day the log names (its time is reported); measured once the
//!    server is idle.
//! 4. One request at a time: an entity's figures
//!    (`/stats/entities/{id}`) and its employees' (`…/employees`) as the
//!    entity's admin, and the platform's (`/stats/platform`, every entity
//!    side by side) as the platform admin, each over the default year.
//!    p50 and p99 of each, at half the size and at the full size.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, TransactionTrait};
use tawasul_client::Client;
use tawasul_core::workflow::Status;
use tawasul_search::sample::{Sample, Shape};
use tawasul_storage::Db;
use tawasul_tests::postgres::PgCluster;
use uuid::Uuid;

use crate::organisation::Organisation;
use crate::{ADMIN, Backend, PASSWORD, Server, percentile_ms, seeded_history_notified};

const SEED: u64 = 1450;
const SHAPE: Shape =
    Shape { entities: 20, departments: 4, employees: 5, beneficiaries: 100, comments_per_transaction: 0 };
/// Rows per INSERT: 22 columns each (7 for an event), under SQLite's 32,766 parameters.
const ROWS_PER_INSERT: usize = 1000;
const DAY_S: usize = 86_400;

/// The columns a seeded transaction fills (the others take their defaults).
const COLUMNS: [&str; 22] = [
    "id",
    "entity_id",
    "type_id",
    "department_id",
    "beneficiary_id",
    "assignee_id",
    "reference_year",
    "reference_number",
    "subject",
    "body",
    "priority",
    "status",
    "fields",
    "due_at",
    "closed_at",
    "rating",
    "last_seq",
    "created_at",
    "updated_at",
    "first_response_at",
    "first_response_s",
    "resolution_s",
];

/// The columns of a transaction's `created` event.
const EVENT_COLUMNS: [&str; 7] = ["transaction_id", "seq", "kind", "visibility", "actor_id", "at", "data"];

pub async fn run(bin: &Path, backend: Backend, transactions: usize, requests: usize) -> anyhow::Result<()> {
    let backends = match backend {
        Backend::Both => vec![Backend::Sqlite, Backend::Postgres],
        b => vec![b],
    };
    for b in backends {
        on(bin, b, transactions, requests).await?;
    }
    Ok(())
}

async fn on(bin: &Path, backend: Backend, transactions: usize, requests: usize) -> anyhow::Result<()> {
    let name = if backend == Backend::Postgres { "postgres" } else { "sqlite" };
    let dir = tempfile::tempdir()?;
    let cluster = if backend == Backend::Postgres { Some(PgCluster::start_durable()?) } else { None };
    let pg_url = cluster.as_ref().map(|c| c.create_database("stats")).transpose()?;
    let server = Server::start_at(bin, dir.path(), pg_url.as_deref(), &[])?;
    let started = Instant::now();
    let org = Organisation::set_up(&server.url, &SHAPE, "stats.sa").await?;
    drop(server);
    println!("stats [{name}]: organisation ready in {:.1} s", started.elapsed().as_secs_f64());
    let url = match &pg_url {
        Some(u) => u.clone(),
        None => format!("sqlite://{}?mode=rwc", dir.path().join("tawasul.db").display()),
    };
    let db = Db::connect(&url).await?;
    let mut generator =
        Generator { sample: Sample::new(SEED), now: Utc::now(), next_reference: vec![0; SHAPE.entities] };
    let mut seeded = 0;
    for size in [transactions / 2, transactions] {
        let t = Instant::now();
        generator.write(&db, &org, size - seeded).await?;
        seeded = size;
        if backend == Backend::Sqlite {
            db.write().execute_unprepared("ANALYZE").await?;
            db.checkpoint().await?;
        } else {
            // What autovacuum does after a bulk load: the planner's statistics,
            // and the visibility map that lets a scan read the index alone.
            db.write().execute_unprepared("VACUUM ANALYZE").await?;
        }
        let end = seeded_history_notified(&db).await?;
        println!("stats [{name}]: {seeded} transactions written in {:.1} s", t.elapsed().as_secs_f64());
        let t = Instant::now();
        reindex(bin, dir.path(), pg_url.as_deref())?;
        println!("stats [{name}]: archive rebuilt in {:.1} s", t.elapsed().as_secs_f64());
        let server = Server::start_at(bin, dir.path(), pg_url.as_deref(), &[])?;
        let t = Instant::now();
        caught_up(&db, end).await?;
        println!("stats [{name}]: every day rolled up in {:.1} s", t.elapsed().as_secs_f64());
        server.wait_idle()?;
        settle(&db, backend).await?;
        println!("stats [{name}]: server idle after {:.1} s", t.elapsed().as_secs_f64());
        measure(&server.url, &org, name, seeded, requests).await?;
        drop(server);
    }
    db.close().await;
    drop(cluster);
    Ok(())
}

/// The planner's statistics and the visibility map brought up to date after
/// the consumer rewrote the rolled-up rows, as autovacuum would shortly: so
/// that its run does not land in the middle of the measurement.
async fn settle(db: &Db, backend: Backend) -> anyhow::Result<()> {
    let sql = if backend == Backend::Postgres { "VACUUM ANALYZE stats_rollups" } else { "ANALYZE stats_rollups" };
    db.write().execute_unprepared(sql).await?;
    Ok(())
}

/// `tawasul reindex` on the stopped server's store.
fn reindex(bin: &Path, dir: &Path, database_url: Option<&str>) -> anyhow::Result<()> {
    let mut command = std::process::Command::new(bin);
    command.args(["reindex", "--data-dir"]).arg(dir).env("RUST_LOG", "warn");
    if let Some(u) = database_url {
        command.args(["--database-url", u]);
    }
    let out = command.output()?;
    anyhow::ensure!(out.status.success(), "tawasul reindex failed: {}", String::from_utf8_lossy(&out.stderr));
    Ok(())
}

/// Waits until the statistics consumer has taken the log up to `end`.
async fn caught_up(db: &Db, end: i64) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let at = tawasul_storage::log_cursors::position(db.read(), tawasul_storage::rollups::CONSUMER).await?;
        if at.is_some_and(|p| p >= end) {
            return Ok(());
        }
        anyhow::ensure!(started.elapsed().as_secs() < 3600, "the statistics consumer is at {at:?} of {end}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// The three reports, one request at a time, each after one to warm up.
async fn measure(url: &str, org: &Organisation, name: &str, size: usize, requests: usize) -> anyhow::Result<()> {
    let anon = Client::new(url);
    let platform = anon.with_token(anon.login(ADMIN, PASSWORD).await?.access_token);
    let mut admins = Vec::new();
    for login in &org.admins {
        admins.push(anon.with_token(anon.login(login, PASSWORD).await?.access_token));
    }
    let mut entity = Vec::new();
    let mut employees = Vec::new();
    for n in 0..=requests {
        let e = n % org.entities.len();
        let t = Instant::now();
        let view = admins[e].entity_stats(org.entities[e], "").await?;
        if n > 0 {
            entity.push(t.elapsed());
        }
        anyhow::ensure!(view.figures.total > 0, "entity {e} has no figures");
        let t = Instant::now();
        let people = admins[e].employee_stats(org.entities[e], "").await?;
        if n > 0 {
            employees.push(t.elapsed());
        }
        let listed = |id| people.employees.iter().any(|p| p.user_id == id);
        anyhow::ensure!(org.employees[e].iter().flatten().all(|p| listed(p.id)), "every employee listed");
    }
    let mut whole = Vec::new();
    let mut total = 0;
    for n in 0..=requests {
        let t = Instant::now();
        let view = platform.platform_stats("").await?;
        if n > 0 {
            whole.push(t.elapsed());
        }
        total = view.figures.total;
        anyhow::ensure!(view.entities.len() == SHAPE.entities, "every entity side by side");
    }
    let per_entity = size / SHAPE.entities;
    for (report, times) in [
        (format!("entity (~{per_entity} transactions)"), &mut entity),
        (format!("employees (~{per_entity} transactions)"), &mut employees),
        (format!("platform ({total} transactions in the year)"), &mut whole),
    ] {
        times.sort_unstable();
        println!(
            "P11 [{name}, {size} transactions] {report}: {} requests, p50 {:.1} ms, p99 {:.1} ms (target p99 <= 200 ms on PostgreSQL)",
            times.len(),
            percentile_ms(times, 0.5),
            percentile_ms(times, 0.99),
        );
    }
    Ok(())
}

/// A seeded year of transactions.
struct Generator {
    sample: Sample,
    now: DateTime<Utc>,
    /// The last reference number given per entity.
    next_reference: Vec<i64>,
}

impl Generator {
    /// Writes `count` transactions, oldest first (the log's order), each
    /// with its `created` event.
    async fn write(&mut self, db: &Db, org: &Organisation, count: usize) -> anyhow::Result<()> {
        let mut ages: Vec<i64> = (0..count).map(|_| (60 + self.sample.below(360 * DAY_S)) as i64).collect();
        ages.sort_unstable_by(|a, b| b.cmp(a));
        for chunk in ages.chunks(10 * ROWS_PER_INSERT) {
            let tx = db.write().begin().await?;
            for part in chunk.chunks(ROWS_PER_INSERT) {
                let mut insert = Query::insert();
                insert.into_table(Alias::new("transactions")).columns(COLUMNS.map(Alias::new));
                let mut events = Query::insert();
                events.into_table(Alias::new("transaction_events")).columns(EVENT_COLUMNS.map(Alias::new));
                for age_s in part {
                    let (row, event) = self.transaction(org, *age_s);
                    insert.values(row)?;
                    events.values(event)?;
                }
                tx.execute(tx.get_database_backend().build(&insert)).await?;
                tx.execute(tx.get_database_backend().build(&events)).await?;
            }
            tx.commit().await.context("commit")?;
        }
        Ok(())
    }

    /// One transaction's row, in `COLUMNS`' order, and its `created` event's,
    /// in `EVENT_COLUMNS`'.
    fn transaction(&mut self, org: &Organisation, age_s: i64) -> (Vec<SimpleExpr>, Vec<SimpleExpr>) {
        let s = &mut self.sample;
        let (e, d, k) = (s.below(SHAPE.entities), s.below(SHAPE.departments), s.below(SHAPE.employees));
        let created = self.now - chrono::Duration::seconds(age_s);
        // Employees differ: the later ones of a department take longer.
        let pace = 0.6 + 0.25 * k as f64;
        let first_response =
            (age_s > 3 * 3600 || s.chance(0.5)).then(|| ((900 + s.below(4 * 3600)) as f64 * pace) as i64);
        let closed = first_response.is_some() && (age_s > 30 * DAY_S as i64 || s.chance(0.5));
        let status = if closed {
            if s.chance(0.12) { Status::Rejected } else { Status::Completed }
        } else {
            [Status::Assigned, Status::InProgress, Status::InProgress, Status::AwaitingBeneficiary, Status::Postponed]
                [s.below(5)]
        };
        let resolution = closed.then(|| first_response.unwrap_or(0) + (s.below(2 * DAY_S) as f64 * pace) as i64);
        // Working seconds are about a third of the wall clock's.
        let after = |working: i64| (created + chrono::Duration::seconds(working * 3)).min(self.now);
        let rating = (status == Status::Completed && s.chance(0.6)).then(|| (1 + s.below(5)) as i32);
        let subject = s.subject();
        self.next_reference[e] += 1;
        let employee = org.employees[e][d][k].id;
        let id = Uuid::now_v7();
        let beneficiary = org.beneficiaries[s.below(org.beneficiaries.len())].id.0;
        let event: [SimpleExpr; 7] = [
            id.into(),
            1.into(),
            "created".into(),
            "external".into(),
            Some(beneficiary).into(),
            created.into(),
            serde_json::json!({
                "subject": &subject,
                "body": &subject,
                "reference": format!("1448/{:06}", self.next_reference[e]),
            })
            .into(),
        ];
        let values: [SimpleExpr; 22] = [
            id.into(),
            org.entities[e].0.into(),
            org.types[e][d].0.into(),
            org.departments[e][d].0.into(),
            beneficiary.into(),
            Some(employee.0).into(),
            1448.into(),
            self.next_reference[e].into(),
            subject.clone().into(),
            subject.into(),
            "normal".into(),
            status.as_str().into(),
            serde_json::json!({}).into(),
            (created + chrono::Duration::days(9)).into(),
            resolution.map(after).into(),
            rating.into(),
            1.into(),
            created.into(),
            created.into(),
            first_response.map(after).into(),
            first_response.into(),
            resolution.into(),
        ];
        (values.into(), event.into())
    }
}
