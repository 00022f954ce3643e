//! `tawasul-load archive`: P5 and P6 at the server level, with PostgreSQL's
//! `tsvector` + GIN over the same rows in the same run.
//!
//! 1. The organisation (8 entities of 3 departments of 4 employees, 200
//!    beneficiaries, a regulator of 3 entities) is set up through the API.
//! 2. With the server stopped, the seeded sample (`tawasul_search::sample`) is
//!    written through the storage layer: transactions routed as the server
//!    routes them, ten comments each (a quarter internal). Every comment goes
//!    to a flat PostgreSQL table too, with the facts visibility needs.
//! 3. P6: `tawasul reindex` on the data directory, against `CREATE INDEX …
//!    USING gin (to_tsvector('arabic', body))` on those rows.
//! 4. P5: the server started again and left to go idle (the seeded history is
//!    not notified: the notifier's place is set at the log's end, as the
//!    statistics benchmark does); two-word queries (`kind=comment`) through
//!    `GET /api/v1/search` as a beneficiary, an employee, a supervisor and the
//!    regulator, one at a time, against the same queries in SQL with the same
//!    visibility filter, top 20 by `ts_rank`, the total, and `ts_headline`
//!    snippets of the 20.
//!
//! Both at half the size and at the full size, to show growth.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::Utc;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use tawasul_client::Client;
use tawasul_core::api::*;
use tawasul_core::events::{self, Event};
use tawasul_core::ids::UserId;
use tawasul_core::lifecycle::{self, NewEvent};
use tawasul_core::org::{Actor, Remit, Staff, Standing};
use tawasul_core::permissions::StaffRole;
use tawasul_core::visibility::{ListScope, Viewer, Visibility};
use tawasul_search::sample::{Sample, Shape};
use tawasul_storage::Db;
use tawasul_storage::transactions as store;
use tawasul_tests::postgres::PgCluster;

use crate::organisation::{Organisation, REGULATED};
use crate::{PASSWORD, Server, percentile_ms, seeded_history_notified};

const SEED: u64 = 1448;
const QUERIES: usize = 300;
const SHAPE: Shape = Shape { beneficiaries: 200, ..Shape::BENCH };

/// Writes `transactions` sample transactions through the storage layer and
/// their comments, as COPY text, to `rows`.
async fn seed(
    db: &Db,
    org: &Organisation,
    sample: &mut Sample,
    transactions: usize,
    rows: &mut String,
) -> anyhow::Result<u64> {
    let mut comments = 0;
    let now = Utc::now();
    for chunk in 0..transactions.div_ceil(500) {
        let tx = db.write().begin().await?;
        for _ in 0..500.min(transactions - chunk * 500) {
            let t = sample.transaction(&SHAPE);
            let ben = &org.beneficiaries[t.beneficiary];
            let req = CreateTransactionRequest {
                entity_id: org.entities[t.entity].to_string(),
                type_id: org.types[t.entity][t.department].to_string(),
                subject: t.subject.clone(),
                body: t.subject.clone(),
                priority: None,
                fields: None,
            };
            let new = req.parse().map_err(|e| anyhow::anyhow!("{e:?}"))?;
            // Bulk seeding for the benchmark: the same decisions as the use
            // case (core's `open` and comment events), without audit entries
            // or notifications, which the search benchmark does not measure.
            let opening = store::prepare_opening(&tx, &new, None, now).await?;
            let opened = lifecycle::open(
                &Actor { user_id: ben.id, standing: Standing::Beneficiary },
                &new,
                &opening.terms,
                opening.reference,
                opening.decision.clone(),
                now,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let (stored, _) = store::insert_opened(&tx, ben.id, &new, &opening, &opened, now).await?;
            let assignee = stored.facts.assignee_id.context("routed to an employee")?;
            for (i, (internal, text)) in t.comments.iter().enumerate() {
                let v = if *internal { Visibility::Internal } else { Visibility::External };
                let actor = if *internal || i % 2 == 1 { assignee } else { ben.id };
                let comment = NewEvent {
                    event: Event::Comment(events::Comment { body: text.clone() }),
                    visibility: v,
                    actor: Some(actor),
                };
                store::append_event(&tx, stored.id(), &comment, now).await?;
                let f = &stored.facts;
                let body = text.replace('\\', "\\\\").replace(['\t', '\n'], " ");
                writeln!(
                    rows,
                    "{}\t{}\t{}\t{assignee}\t{}\t{body}",
                    f.entity_id,
                    f.department_id,
                    f.beneficiary_id,
                    v.as_str()
                )?;
                comments += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(comments)
}

async fn pg_exec(pg: &DatabaseConnection, sql: &str) -> anyhow::Result<()> {
    pg.execute(Statement::from_string(DbBackend::Postgres, sql)).await?;
    Ok(())
}

/// The caller's visibility as SQL over the flat table: `ListScope`, written as
/// `tawasul_search::scope` writes it for the index.
fn sql_filter(viewer: &Viewer) -> String {
    let ids = |ids: &[String]| ids.iter().map(|i| format!("'{i}'")).collect::<Vec<_>>().join(",");
    let scope = match viewer.scope() {
        ListScope::Everything => "true".to_owned(),
        ListScope::Nothing => "false".to_owned(),
        ListScope::OwnAsBeneficiary(u) => format!("beneficiary_id = '{u}'"),
        ListScope::Entities(es) => {
            format!("entity_id IN ({})", ids(&es.iter().map(|e| e.to_string()).collect::<Vec<_>>()))
        }
        ListScope::Staff { entity_id, whole_entity, departments, assigned_to } => {
            let mut reach = vec![];
            if *whole_entity {
                reach.push("true".to_owned());
            }
            if !departments.is_empty() {
                reach.push(format!(
                    "department_id IN ({})",
                    ids(&departments.iter().map(|d| d.to_string()).collect::<Vec<_>>())
                ));
            }
            if let Some(me) = assigned_to {
                reach.push(format!("assignee_id = '{me}'"));
            }
            if reach.is_empty() {
                reach.push("false".to_owned());
            }
            format!("entity_id = '{entity_id}' AND ({})", reach.join(" OR "))
        }
    };
    if viewer.sees_internal() { scope } else { format!("{scope} AND visibility = 'external'") }
}

struct Caller<'a> {
    name: &'static str,
    login: &'a str,
    viewer: Viewer,
}

fn staff(org: &Organisation, e: usize, d: usize, k: usize, role: StaffRole) -> Viewer {
    Viewer::new(&Actor {
        user_id: org.employees[e][d][k].id,
        standing: Standing::Staff(Staff {
            entity_id: org.entities[e],
            role,
            department_ids: vec![org.departments[e][d]],
            permissions: role.default_permissions(),
            active: true,
        }),
    })
}

fn callers(org: &Organisation) -> Vec<Caller<'_>> {
    vec![
        Caller {
            name: "beneficiary",
            login: &org.beneficiaries[0].login,
            viewer: Viewer::new(&Actor { user_id: org.beneficiaries[0].id, standing: Standing::Beneficiary }),
        },
        Caller {
            name: "employee",
            login: &org.employees[0][0][1].login,
            viewer: staff(org, 0, 0, 1, StaffRole::Employee),
        },
        Caller {
            name: "supervisor",
            login: &org.employees[1][1][0].login,
            viewer: staff(org, 1, 1, 0, StaffRole::Supervisor),
        },
        Caller {
            name: "regulator",
            login: &org.regulator,
            viewer: Viewer::new(&Actor {
                user_id: UserId::new(),
                standing: Standing::Regulator(Remit::Entities(org.entities[..REGULATED].to_vec())),
            }),
        },
    ]
}

/// P5 for one size: our queries over HTTP and PostgreSQL's over the same rows.
async fn p5(url: &str, org: &Organisation, pg: &DatabaseConnection, size: u64) -> anyhow::Result<()> {
    let (mut ours_all, mut theirs_all) = (vec![], vec![]);
    let anon = Client::new(url);
    for caller in callers(org) {
        let client = anon.with_token(anon.login(caller.login, PASSWORD).await?.access_token);
        let mut queries = Sample::new(SEED + 1);
        let filter = sql_filter(&caller.viewer);
        let sql = format!(
            "WITH q AS (SELECT plainto_tsquery('arabic', $1) AS q), \
             top AS (SELECT id, body, ts_rank(to_tsvector('arabic', body), q.q) AS r, count(*) OVER () AS total \
                     FROM comments, q WHERE to_tsvector('arabic', body) @@ q.q AND {filter} ORDER BY r DESC LIMIT 20) \
             SELECT id, total, ts_headline('arabic', body, q.q) FROM top, q ORDER BY r DESC"
        );
        let (mut ours, mut theirs) = (Vec::with_capacity(QUERIES), Vec::with_capacity(QUERIES));
        let (mut our_hits, mut their_hits) = (0u64, 0u64);
        for _ in 0..QUERIES {
            let q = queries.query();
            let t = Instant::now();
            let page = client.search(&[("q", &q), ("kind", "comment")]).await?;
            ours.push(t.elapsed());
            our_hits += page.total;
            let t = Instant::now();
            let rows = pg.query_all(Statement::from_sql_and_values(DbBackend::Postgres, &sql, [q.into()])).await?;
            theirs.push(t.elapsed());
            their_hits += rows.first().map(|r| r.try_get::<i64>("", "total")).transpose()?.unwrap_or(0) as u64;
        }
        ours.sort();
        theirs.sort();
        println!(
            "P5 [{size} comments] {:<11} ours p50 {:7.2} ms p99 {:7.2} ms | PostgreSQL p50 {:7.2} ms p99 {:7.2} ms | mean hits {:.0} vs {:.0}",
            caller.name,
            percentile_ms(&ours, 0.5),
            percentile_ms(&ours, 0.99),
            percentile_ms(&theirs, 0.5),
            percentile_ms(&theirs, 0.99),
            our_hits as f64 / QUERIES as f64,
            their_hits as f64 / QUERIES as f64,
        );
        ours_all.extend(ours);
        theirs_all.extend(theirs);
    }
    ours_all.sort();
    theirs_all.sort();
    let (o50, o99, t50, t99) = (
        percentile_ms(&ours_all, 0.5),
        percentile_ms(&ours_all, 0.99),
        percentile_ms(&theirs_all, 0.5),
        percentile_ms(&theirs_all, 0.99),
    );
    println!(
        "P5 [{size} comments] all callers: ours p50 {o50:.2} ms p99 {o99:.2} ms | PostgreSQL p50 {t50:.2} ms p99 {t99:.2} ms | \
         PostgreSQL/ours: p50 {:.1}x, p99 {:.1}x (target >= 10x)",
        t50 / o50,
        t99 / o99
    );
    Ok(())
}

/// P6 for one size: `tawasul reindex` against building the GIN index.
async fn p6(bin: &Path, data_dir: &Path, pg: &DatabaseConnection, size: u64) -> anyhow::Result<()> {
    let t = Instant::now();
    let out = Command::new(bin).args(["reindex", "--data-dir"]).arg(data_dir).env("RUST_LOG", "warn").output()?;
    let ours = t.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!("tawasul reindex failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let printed = String::from_utf8_lossy(&out.stdout);
    pg_exec(pg, "DROP INDEX IF EXISTS comments_body").await?;
    pg_exec(pg, "SET maintenance_work_mem = '512MB'").await?;
    let t = Instant::now();
    pg_exec(pg, "CREATE INDEX comments_body ON comments USING gin (to_tsvector('arabic', body))").await?;
    let theirs = t.elapsed().as_secs_f64();
    pg_exec(pg, "ANALYZE comments").await?;
    println!("P6 [{size} comments] {}", printed.trim());
    println!(
        "P6 [{size} comments] tawasul reindex {ours:.1} s ({:.0} comments/s, reading the database included) | \
         PostgreSQL GIN build {theirs:.1} s ({:.0} rows/s) | ours faster by {:.2}x (target >= 3x)",
        size as f64 / ours,
        size as f64 / theirs,
        theirs / ours
    );
    Ok(())
}

pub async fn run(bin: &Path, comments: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start_at(bin, dir.path(), None, &[])?;
    let started = Instant::now();
    let org = Organisation::set_up(&server.url, &SHAPE, "archive.sa").await?;
    drop(server);
    println!("archive: organisation ready in {:.1} s", started.elapsed().as_secs_f64());
    let cluster = PgCluster::start_durable()?;
    let pg = Database::connect(cluster.create_database("archive")?).await?;
    pg_exec(
        &pg,
        "CREATE TABLE comments (id bigserial PRIMARY KEY, entity_id uuid NOT NULL, department_id uuid NOT NULL, \
         beneficiary_id uuid NOT NULL, assignee_id uuid, visibility text NOT NULL, body text NOT NULL)",
    )
    .await?;
    // The visibility columns get the indexes a real deployment would give them.
    pg_exec(&pg, "CREATE INDEX ON comments (entity_id)").await?;
    pg_exec(&pg, "CREATE INDEX ON comments (beneficiary_id)").await?;
    let db = Db::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("tawasul.db").display())).await?;
    let mut sample = Sample::new(SEED);
    let mut seeded = 0u64;
    let per = SHAPE.comments_per_transaction;
    for size in [comments / 2, comments] {
        let t = Instant::now();
        let mut rows = String::new();
        seeded += seed(&db, &org, &mut sample, (size - seeded as usize) / per, &mut rows).await?;
        let file = tempfile::NamedTempFile::new()?;
        std::fs::write(file.path(), rows)?;
        std::fs::set_permissions(file.path(), std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
        let copy = Command::new(tawasul_tests::postgres::find_bindir()?.join("psql"))
            .args(["-h", "127.0.0.1", "-p", &cluster.port().to_string(), "-U", "postgres", "-d", "archive", "-q", "-c"])
            .arg(format!(
                "\\copy comments (entity_id, department_id, beneficiary_id, assignee_id, visibility, body) FROM '{}'",
                file.path().display()
            ))
            .status()?;
        if !copy.success() {
            bail!("psql \\copy failed");
        }
        println!("archive: {seeded} comments written to SQLite and PostgreSQL in {:.1} s", t.elapsed().as_secs_f64());
        seeded_history_notified(&db).await?;
        db.checkpoint().await?;
        p6(bin, dir.path(), &pg, seeded).await?;
        let server = Server::start_at(bin, dir.path(), None, &[])?;
        // PostgreSQL answers at rest; so does the server, once its other
        // consumers (the statistics' roll-ups) have taken in the seeded log.
        let t = Instant::now();
        server.wait_idle()?;
        println!("archive: server idle after {:.1} s", t.elapsed().as_secs_f64());
        p5(&server.url, &org, &pg, seeded).await?;
        drop(server);
    }
    db.close().await;
    Ok(())
}
