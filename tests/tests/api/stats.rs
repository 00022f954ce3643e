//! Statistics end to end: figures on a hand-built set match hand counts, the
//! CSV rows are the JSON's, exports are audited, and nobody reads an entity's
//! figures outside their reach.

use serde_json::{Value, json};
use tawasul_core::api::{EntityIds, SetTargetsRequest};
use tawasul_core::audit::AuditAction;

use crate::helpers::*;
use crate::on_both_backends;
use crate::transactions::{around_the_clock, request, setup};

on_both_backends!(
    an_entitys_figures_match_hand_counts_and_stay_within_reach,
    the_platform_puts_entities_side_by_side_with_their_index,
    days_rolled_up_give_the_figures_of_their_transactions,
    the_late_count_reads_the_late_index,
);

mod employees {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::employees_figures_match_hand_counts(super::present_within_a_moment("sqlite").await).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::employees_figures_match_hand_counts(super::present_within_a_moment("postgres").await).await
    }
}

/// A server that adds time present to the database every 100 ms.
async fn present_within_a_moment(backend: &str) -> TestApp {
    spawn_app_with(backend, |s| s.presence_flush_ms = 100).await
}

/// Sets a transaction's measured times, as its steps would have: the times
/// hand-built, the rest real.
async fn measured(app: &TestApp, reference: i64, first_response_s: i64, resolution_s: i64) {
    use tawasul_storage::ConnectionTrait;
    let sql = format!(
        "UPDATE transactions SET first_response_s = {first_response_s}, resolution_s = {resolution_s} \
         WHERE reference_number = {reference}"
    );
    app.db.write().execute_unprepared(&sql).await.unwrap();
}

/// Each employee's counts, medians, 90th percentiles and speed score from
/// hand-built times (the type's target is 48 working hours); time present
/// from their requests; the CSV row the JSON's; an export audited; reach as
/// for the entity's figures.
async fn employees_figures_match_hand_counts(app: TestApp) {
    let a = setup(&app, 2, "round_robin", 68).await;
    let b = setup(&app, 1, "round_robin", 69).await;
    let (ben, _) = app.beneficiary(6800).await;
    let mut t = vec![];
    for n in 0..4 {
        t.push(ben.create_transaction(&request(a.entity.id, a.type_id, n)).await.unwrap());
    }
    let holder = |i: usize| t[i].assignee.as_ref().unwrap().id;
    assert_eq!((holder(0), holder(1)), (holder(2), holder(3)), "round robin: 0 and 2, 1 and 3");
    let client_of = |id| &a.employees.iter().find(|(e, _)| *e == id).unwrap().1;
    let (one, two) = (holder(0), holder(1));
    // One completes two, in 1 hour and in 48 (100 and 50 points); the other
    // one, in 96 hours (0 points), and holds another open.
    for i in [0, 2] {
        client_of(one).step(t[i].id, "complete", &json!({})).await.unwrap();
    }
    client_of(two).step(t[1].id, "complete", &json!({})).await.unwrap();
    measured(&app, 1, 600, 3600).await;
    measured(&app, 3, 1200, 48 * 3600).await;
    measured(&app, 2, 60, 96 * 3600).await;
    // One is at work for a few seconds: three requests a second apart.
    for _ in 0..3 {
        client_of(one).get_transaction(t[0].id).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    }

    let admin = &a.entity.admin;
    let mut s = admin.employee_stats(a.entity.id, "").await.unwrap();
    for _ in 0..50 {
        if s.employees.iter().find(|e| e.user_id == one).unwrap().active_seconds >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        s = admin.employee_stats(a.entity.id, "").await.unwrap();
    }
    let of = |id| s.employees.iter().find(|e| e.user_id == id).unwrap();
    let f = &of(one).figures;
    assert_eq!((f.total, f.completed, f.open, f.late, f.rejected), (2, 2, 0, 0, 0));
    assert_eq!((f.median_resolution_s, f.p90_resolution_s), (Some(3600.0), Some(48.0 * 3600.0)));
    assert_eq!((f.median_first_response_s, f.avg_resolution_s), (Some(600.0), Some(24.5 * 3600.0)));
    assert_eq!((f.on_time_rate, f.score), (Some(1.0), Some(75.0)));
    assert!((2..=10).contains(&of(one).active_seconds), "about two seconds at work: {}", of(one).active_seconds);
    let g = &of(two).figures;
    assert_eq!((g.total, g.completed, g.open), (2, 1, 1));
    assert_eq!((g.median_resolution_s, g.score), (Some(96.0 * 3600.0), Some(0.0)));
    assert!(s.employees.iter().any(|e| e.figures.total == 0), "the supervisor holds nothing and is listed");
    // The entity's whole: the median of 1, 48 and 96 hours.
    let whole = admin.entity_stats(a.entity.id, "").await.unwrap().figures;
    assert_eq!((whole.median_resolution_s, whole.p90_resolution_s), (Some(48.0 * 3600.0), Some(96.0 * 3600.0)));
    assert_eq!(whole.score, Some(50.0));
    // The supervisor's dashboard: the department's time on the platform is
    // its people's, in hours (the other one was at work yesterday for 1.5).
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive();
    tawasul_storage::presence::add(app.db.write(), yesterday, &[(two, 5400)]).await.unwrap();
    let html = crate::pages::Page::sign_in(&app, "employee6899@entity.sa").await.get("/dashboard").await.body;
    let hours = |seconds: i64| format!("{:.1}", seconds as f64 / 3600.0);
    let all: i64 =
        admin.employee_stats(a.entity.id, "").await.unwrap().employees.iter().map(|e| e.active_seconds).sum();
    let shown = html.split("data-figure=\"present\">").nth(1).and_then(|t| t.split('<').next()).unwrap();
    assert!(shown.contains(&hours(all)) && all >= 5402, "{shown} for {all} s");

    // The CSV row is the JSON's, and the export is audited.
    let csv = admin.employee_stats_csv(a.entity.id, "").await.unwrap();
    let csv = csv.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + s.employees.len());
    assert!(lines[0].starts_with("user_id,name_ar,name_en,total,") && lines[0].ends_with(",score,active_seconds"));
    let again = admin.employee_stats(a.entity.id, "").await.unwrap();
    let e = again.employees.iter().find(|e| e.user_id == one).unwrap();
    let row =
        format!("{},{},{},{},{}", e.user_id, e.name_ar, e.name_en, e.figures.csv_values().join(","), e.active_seconds);
    assert!(lines.contains(&row.as_str()), "{row} in {lines:?}");
    sealed(&app).await;
    let exports = tawasul_storage::audit::with_action(app.db.read(), AuditAction::StatsExport).await.unwrap();
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].after.as_ref().unwrap()["report"], "employees");

    // One row per transaction, narrowed as asked; the CSV the JSON's rows.
    let all = admin.transaction_rows(a.entity.id, "").await.unwrap();
    assert_eq!(all.rows.len(), 4);
    assert_eq!(all.rows[0].reference, t[0].reference, "oldest first");
    let mine = admin.transaction_rows(a.entity.id, &format!("assignee_id={one}")).await.unwrap();
    let times: Vec<_> = mine.rows.iter().map(|r| (r.first_response_s, r.resolution_s)).collect();
    assert_eq!(times, [(Some(600), Some(3600)), (Some(1200), Some(48 * 3600))]);
    let by_type = admin.transaction_rows(a.entity.id, &format!("type_id={}", a.type_id)).await.unwrap();
    assert_eq!(by_type.rows, all.rows);
    let bad = admin.transaction_rows(a.entity.id, "type_id=nonsense").await.unwrap_err();
    assert_eq!((bad.status(), bad.field()), (Some(422), Some("type_id")));
    let csv = admin.transaction_rows_csv(a.entity.id, &format!("assignee_id={one}")).await.unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("transaction_id,reference,type_id,"));
    let rows: Vec<String> = mine.rows.iter().map(|r| r.csv_values().join(",")).collect();
    assert_eq!(lines[1..], rows.iter().map(String::as_str).collect::<Vec<_>>()[..]);
    sealed(&app).await;
    let exports = tawasul_storage::audit::with_action(app.db.read(), AuditAction::StatsExport).await.unwrap();
    assert_eq!(exports.len(), 2, "each export audited");

    // Within reach only.
    app.platform.create_regulator(&crate::audit::regulator_of(6801, b.entity.id)).await.unwrap();
    let reg_b = app.client.with_token(app.client.login("reg6801@nazaha.sa", PASSWORD).await.unwrap().access_token);
    assert_eq!(reg_b.employee_stats(a.entity.id, "").await.unwrap_err().status(), Some(403));
    assert_eq!(reg_b.employee_stats_csv(a.entity.id, "").await.unwrap_err().status(), Some(403));
    assert_eq!(client_of(one).employee_stats(a.entity.id, "").await.unwrap_err().status(), Some(403));
    assert_eq!(ben.employee_stats(a.entity.id, "").await.unwrap_err().status(), Some(403));
    assert_eq!(reg_b.transaction_rows(a.entity.id, "").await.unwrap_err().status(), Some(403));
    assert_eq!(client_of(one).transaction_rows_csv(a.entity.id, "").await.unwrap_err().status(), Some(403));
    assert_eq!(a.supervisor.employee_stats(a.entity.id, "").await.unwrap().employees.len(), s.employees.len());
}

async fn an_entitys_figures_match_hand_counts_and_stay_within_reach(app: TestApp) {
    let a = setup(&app, 1, "round_robin", 66).await;
    let b = setup(&app, 1, "round_robin", 67).await;
    a.entity.admin.set_calendar(a.entity.id, &around_the_clock()).await.unwrap();
    let (ben, _) = app.beneficiary(6600).await;
    let emp = &a.employees[0].1;
    let mut t = vec![];
    for n in 0..5 {
        t.push(ben.create_transaction(&request(a.entity.id, a.type_id, n)).await.unwrap());
    }
    ben.create_transaction(&request(b.entity.id, b.type_id, 9)).await.unwrap();
    // Two answered and completed (one rated 4), one rejected, one postponed, one untouched.
    emp.comment(t[0].id, "external", "تم الاطلاع").await.unwrap();
    emp.step(t[0].id, "complete", &json!({})).await.unwrap();
    emp.step(t[1].id, "complete", &json!({ "note": "أنجز" })).await.unwrap();
    ben.rate(t[0].id, 4, None).await.unwrap();
    a.supervisor.step(t[2].id, "reject", &json!({ "reason": "ناقص" })).await.unwrap();
    let until = (chrono::Utc::now() + chrono::Duration::days(5)).to_rfc3339();
    a.supervisor.step(t[3].id, "postpone", &json!({ "until": until, "reason": "بانتظار" })).await.unwrap();

    let admin = &a.entity.admin;
    let s = admin.entity_stats(a.entity.id, "").await.unwrap();
    let f = &s.figures;
    assert_eq!((f.total, f.completed, f.rejected, f.postponed, f.open, f.late), (5, 2, 1, 1, 2, 0));
    assert_eq!((f.completion_rate, f.delay_rate, f.on_time_rate), (0.4, 0.0, Some(1.0)));
    assert_eq!(f.rating, Some(4.0));
    // Answered: t0 by its comment, t1 by its closing word, t2 by the
    // rejection and t3 by the postponement; closed: t0, t1, t2.
    assert!(f.avg_first_response_s.is_some_and(|s| s >= 0.0) && f.avg_resolution_s.is_some_and(|s| s >= 0.0));
    assert_eq!(s.by_type.len(), 1);
    assert_eq!(s.by_type[0].figures, s.figures);
    assert_eq!(
        (s.by_type[0].name_ar.as_str(), s.by_department[0].name_en.as_str()),
        ("طلب موعد", "Appointments department")
    );
    // A period before any of it holds nothing.
    let before = admin.entity_stats(a.entity.id, "from=2020-01-01&to=2020-02-01").await.unwrap();
    assert_eq!(before.figures.total, 0);
    assert!(admin.entity_stats(a.entity.id, "from=2026-02-01&to=2026-01-01").await.is_err(), "an empty period");
    // Later, the two on the clock are late; the postponed one is not.
    let later = chrono::Utc::now() + chrono::Duration::days(30);
    let groups = tawasul_storage::stats::period(
        app.db.read(),
        tawasul_core::stats::Whose::Entity(a.entity.id),
        s.from,
        s.to,
        later,
    )
    .await
    .unwrap();
    assert_eq!(tawasul_core::stats::Breakdown::of(&groups).all.late, 1);

    // The CSV is the JSON's rows, and the export is audited.
    let csv = admin.entity_stats_csv(a.entity.id, "").await.unwrap();
    let csv = csv.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 1 + s.by_type.len() + s.by_department.len());
    assert!(lines[0].starts_with("scope,id,name_ar,name_en,total,completed"));
    let entity_row = format!("entity,{},,,{}", a.entity.id, s.figures.csv_values().join(","));
    assert_eq!(lines[1], entity_row);
    assert!(lines[2].starts_with(&format!("type,{},طلب موعد,Appointment,", a.type_id)), "{}", lines[2]);
    sealed(&app).await;
    let exports = tawasul_storage::audit::with_action(app.db.read(), AuditAction::StatsExport).await.unwrap();
    assert_eq!(exports.len(), 1);

    // Within reach only: B's regulator, an employee without stats.view, a
    // beneficiary are refused; A's regulator reads A.
    app.platform.create_regulator(&crate::audit::regulator_of(6601, b.entity.id)).await.unwrap();
    let reg_b = app.client.with_token(app.client.login("reg6601@nazaha.sa", PASSWORD).await.unwrap().access_token);
    assert_eq!(reg_b.entity_stats(a.entity.id, "").await.unwrap_err().status(), Some(403));
    assert_eq!(reg_b.entity_stats_csv(a.entity.id, "").await.unwrap_err().status(), Some(403));
    assert_eq!(reg_b.entity_stats(b.entity.id, "").await.unwrap().figures.total, 1);
    assert_eq!(emp.entity_stats(a.entity.id, "").await.unwrap_err().status(), Some(403));
    assert_eq!(ben.entity_stats(a.entity.id, "").await.unwrap_err().status(), Some(403));
    assert_eq!(a.supervisor.entity_stats(a.entity.id, "").await.unwrap().figures.total, 5);
    app.platform.create_regulator(&crate::audit::regulator_of(6602, a.entity.id)).await.unwrap();
    let reg_a = app.client.with_token(app.client.login("reg6602@nazaha.sa", PASSWORD).await.unwrap().access_token);
    assert_eq!(reg_a.entity_stats(a.entity.id, "").await.unwrap().figures, s.figures);

    // Each reads their own history: the beneficiary all six they opened, at
    // both entities; the one employee of A everything A's type routed to them;
    // those who hold none are refused.
    let own = ben.my_stats("").await.unwrap();
    let o = &own.figures;
    assert_eq!((o.total, o.completed, o.rejected, o.postponed, o.open, o.late), (6, 2, 1, 1, 3, 0));
    assert_eq!((own.user_id, o.rating), (ben.me().await.unwrap().id, Some(4.0)));
    assert_eq!(emp.my_stats("").await.unwrap().figures, s.figures, "the one employee holds all of A's");
    assert_eq!(ben.my_stats("from=2020-01-01&to=2020-02-01").await.unwrap().figures.total, 0);
    let bad = ben.my_stats("from=2026-02-01&to=2026-01-01").await.unwrap_err();
    assert_eq!((bad.status(), bad.field()), (Some(422), Some("to")));
    assert_eq!(reg_a.my_stats("").await.unwrap_err().status(), Some(403));
    assert_eq!(app.platform.my_stats("").await.unwrap_err().status(), Some(403));
}

/// Regulators see the entities of their remit side by side, each with its
/// index against the targets the platform admin set, and the government's
/// index over them; nobody else sets targets or reads across entities.
async fn the_platform_puts_entities_side_by_side_with_their_index(app: TestApp) {
    let a = setup(&app, 1, "round_robin", 70).await;
    let b = setup(&app, 1, "round_robin", 71).await;
    let c = setup(&app, 1, "round_robin", 72).await;
    let (ben, _) = app.beneficiary(7000).await;
    let ta = ben.create_transaction(&request(a.entity.id, a.type_id, 1)).await.unwrap();
    ben.create_transaction(&request(a.entity.id, a.type_id, 2)).await.unwrap();
    let tb = ben.create_transaction(&request(b.entity.id, b.type_id, 3)).await.unwrap();
    a.employees[0].1.step(ta.id, "complete", &json!({})).await.unwrap();
    b.employees[0].1.step(tb.id, "complete", &json!({})).await.unwrap();

    // Targets: A is to complete all (it completed half: 0.5); B half and a
    // rating of 5 (it completed all, capped at 1; nothing rated, left out).
    let set = |targets: Value| SetTargetsRequest { targets: serde_json::from_value(targets).unwrap() };
    let ta_set = app.platform.set_targets(a.entity.id, &set(json!({ "completion_rate": 1.0 }))).await.unwrap();
    assert_eq!(ta_set.targets.len(), 1);
    app.platform.set_targets(b.entity.id, &set(json!({ "completion_rate": 0.5, "rating": 5 }))).await.unwrap();
    for (bad, field) in [
        (json!({ "completion_rate": 1.5 }), "targets.completion_rate"),
        (json!({ "speed": 1 }), "targets.speed"),
        (json!({ "resolution_hours": 0 }), "targets.resolution_hours"),
    ] {
        let e = app.platform.set_targets(a.entity.id, &set(bad.clone())).await.unwrap_err();
        assert_eq!(e.status(), Some(422), "{bad}");
        assert_eq!(e.field(), Some(field), "{bad}: {e}");
    }
    assert_eq!(a.entity.admin.targets(a.entity.id).await.unwrap(), ta_set, "the entity reads its own targets");
    let refused = a.entity.admin.set_targets(a.entity.id, &set(json!({ "rating": 1 }))).await.unwrap_err();
    assert_eq!(refused.status(), Some(403), "only the platform admin sets them");

    let mut both = crate::audit::regulator_of(7001, a.entity.id);
    both.entity_ids = EntityIds::List(vec![a.entity.id, b.entity.id]);
    app.platform.create_regulator(&both).await.unwrap();
    let reg = app.client.with_token(app.client.login("reg7001@nazaha.sa", PASSWORD).await.unwrap().access_token);
    let p = reg.platform_stats("").await.unwrap();
    let ids: Vec<_> = p.entities.iter().map(|e| e.entity_id).collect();
    assert_eq!(ids.len(), 2, "only the remit: {ids:?}");
    assert!(ids.contains(&a.entity.id) && ids.contains(&b.entity.id) && !ids.contains(&c.entity.id));
    let of = |id| p.entities.iter().find(|e| e.entity_id == id).unwrap();
    assert_eq!((of(a.entity.id).figures.total, of(a.entity.id).figures.completed), (2, 1));
    assert_eq!(of(a.entity.id).index, Some(0.5));
    assert_eq!(of(b.entity.id).index, Some(1.0));
    let rating = of(b.entity.id).indicators.iter().find(|i| i.indicator.as_str() == "rating").unwrap();
    assert_eq!((rating.target, rating.achieved, rating.attainment), (5.0, None, None));
    assert_eq!((p.figures.total, p.figures.completed), (3, 2), "the whole is the remit's");
    assert_eq!(p.index, Some(0.75));
    // The same figures as each entity's own report.
    assert_eq!(of(a.entity.id).figures, a.entity.admin.entity_stats(a.entity.id, "").await.unwrap().figures);
    // The platform admin sees every entity, C without an index.
    let all = app.platform.platform_stats("").await.unwrap();
    assert!(all.entities.iter().any(|e| e.entity_id == c.entity.id && e.index.is_none()));
    assert_eq!(all.index, p.index, "an entity without targets is left out of the mean");

    // The CSV rows are the JSON's; the export is audited; the targets too.
    let csv = reg.platform_stats_csv("").await.unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2 + p.entities.len());
    assert_eq!(lines[1], format!("platform,,,,{},{}", p.figures.csv_values().join(","), p.index.unwrap()));
    let ea = of(a.entity.id);
    let row =
        format!("entity,{},{},{},{},0.5", ea.entity_id, ea.name_ar, ea.name_en, ea.figures.csv_values().join(","));
    assert!(lines.contains(&row.as_str()), "{row} in {lines:?}");
    sealed(&app).await;
    let exports = tawasul_storage::audit::with_action(app.db.read(), AuditAction::StatsExport).await.unwrap();
    assert_eq!(exports.len(), 1);
    let targets = tawasul_storage::audit::with_action(app.db.read(), AuditAction::TargetsUpdate).await.unwrap();
    assert_eq!(targets.len(), 2, "the refused ones wrote nothing");

    // Nobody else reads across entities.
    for who in [&a.entity.admin, &a.supervisor, &a.employees[0].1, &ben] {
        assert_eq!(who.platform_stats("").await.unwrap_err().status(), Some(403));
    }
    app.platform.create_regulator(&crate::audit::regulator_of(7002, c.entity.id)).await.unwrap();
    let reg_c = app.client.with_token(app.client.login("reg7002@nazaha.sa", PASSWORD).await.unwrap().access_token);
    assert_eq!(reg_c.targets(a.entity.id).await.unwrap_err().status(), Some(403));
    let only_c = reg_c.platform_stats("").await.unwrap();
    assert_eq!(only_c.entities.iter().map(|e| e.entity_id).collect::<Vec<_>>(), [c.entity.id]);
}

/// Moves a transaction's time, as if it had been so: a bound value, the way
/// the server writes times.
async fn set_time(
    app: &TestApp,
    id: tawasul_core::ids::TransactionId,
    column: &str,
    at: chrono::DateTime<chrono::Utc>,
) {
    use sea_orm::ConnectionTrait;
    use sea_orm::sea_query::{Alias, Expr, Query};
    let q = Query::update()
        .table(Alias::new("transactions"))
        .value(Alias::new(column), at)
        .and_where(Expr::col(Alias::new("id")).eq(id.0))
        .to_owned();
    let c = app.db.write();
    c.execute(c.get_database_backend().build(&q)).await.unwrap();
}

/// Waits until the statistics consumer has taken in the whole log.
async fn rolled_up(app: &TestApp) {
    for _ in 0..200 {
        let end = tawasul_storage::transactions::last_position(app.db.read()).await.unwrap();
        let at =
            tawasul_storage::log_cursors::position(app.db.read(), tawasul_storage::rollups::CONSUMER).await.unwrap();
        if at.is_some_and(|p| p >= end) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the statistics consumer did not catch up within 10 s");
}

/// Equal figures; the speed score, a mean of fractions added in another
/// order, to within rounding.
fn same(got: &tawasul_core::stats::Figures, want: &tawasul_core::stats::Figures) {
    let close = match (got.score, want.score) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (a, b) => a == b,
    };
    assert!(close, "score {:?}, from the transactions {:?}", got.score, want.score);
    let unscored = |f: &tawasul_core::stats::Figures| tawasul_core::stats::Figures { score: None, ..f.clone() };
    assert_eq!(unscored(got), unscored(want));
}

/// Whole past days are read from the days the log consumer rolled up, and
/// give the figures the transactions themselves give — in all, by type, by
/// department, by employee and on the platform — and the hand counts; a step
/// taken on a rolled-up day counts at once.
async fn days_rolled_up_give_the_figures_of_their_transactions(app: TestApp) {
    use chrono::{Duration, NaiveTime, SecondsFormat, Utc};
    use tawasul_core::stats::{Breakdown, Whose};
    let a = setup(&app, 2, "round_robin", 58).await;
    a.entity.admin.set_calendar(a.entity.id, &around_the_clock()).await.unwrap();
    let (ben, _) = app.beneficiary(5800).await;
    let mut t = vec![];
    for n in 0..8 {
        t.push(ben.create_transaction(&request(a.entity.id, a.type_id, n)).await.unwrap());
    }
    let holder = |i: usize| t[i].assignee.as_ref().unwrap().id;
    let client_of = |id| &a.employees.iter().find(|(e, _)| *e == id).unwrap().1;
    // Opened 2, 22, 42 and 62 days ago, t[i] and t[i + 4] on the same day
    // (over months that are rolled up whole); one of those left open is late.
    let now = Utc::now();
    for (i, tx) in t.iter().enumerate() {
        set_time(&app, tx.id, "created_at", now - Duration::days(2 + 20 * (i % 4) as i64)).await;
    }
    set_time(&app, t[5].id, "due_at", now - Duration::hours(1)).await;
    for i in [0, 1, 2, 4] {
        client_of(holder(i)).step(t[i].id, "complete", &json!({})).await.unwrap();
    }
    a.supervisor.step(t[3].id, "reject", &json!({ "reason": "ناقص" })).await.unwrap();
    for (n, (first, took)) in
        [(600, 3600), (1200, 40 * 3600), (60, 100 * 3600), (30, 7200), (900, 20 * 3600)].into_iter().enumerate()
    {
        measured(&app, n as i64 + 1, first, took).await;
    }
    // An event on each day after the hand-built times: its day is computed
    // afresh (two ratings, and a word on those still open).
    ben.rate(t[0].id, 5, None).await.unwrap();
    ben.rate(t[1].id, 2, None).await.unwrap();
    for i in [5, 6, 7] {
        a.supervisor.comment(t[i].id, "internal", "مراجعة").await.unwrap();
    }
    rolled_up(&app).await;
    {
        use sea_orm::ConnectionTrait;
        let c = app.db.read();
        let count = |sql: &'static str| async move {
            let row = c.query_one(sea_orm::Statement::from_string(c.get_database_backend(), sql)).await;
            row.unwrap().unwrap().try_get::<i64>("", "n").unwrap()
        };
        let days = count("SELECT COUNT(DISTINCT day) AS n FROM stats_rollups WHERE span = 'day'").await;
        assert!(days >= 4, "the four days are rolled up");
        let months = count("SELECT COUNT(DISTINCT day) AS n FROM stats_rollups WHERE span = 'month'").await;
        assert!(months >= 2, "and their months");
    }

    // From a hundred days ago (a partial first day, then days, then whole
    // months) to today's UTC midnight.
    let from = (now - Duration::days(100)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let to = now.date_naive().and_time(NaiveTime::MIN).and_utc().to_rfc3339_opts(SecondsFormat::Secs, true);
    let q = format!("from={from}&to={to}");
    let admin = &a.entity.admin;
    let view = admin.entity_stats(a.entity.id, &q).await.unwrap();
    let f = &view.figures;
    assert_eq!((f.total, f.completed, f.rejected, f.open, f.late, f.rating), (8, 4, 1, 3, 1, Some(3.5)));
    // Closed: 1, 2, 20, 40 and 100 hours.
    assert_eq!((f.median_resolution_s, f.p90_resolution_s), (Some(20.0 * 3600.0), Some(100.0 * 3600.0)));
    let groups = tawasul_storage::stats::from_transactions(
        app.db.read(),
        Whose::Entity(a.entity.id),
        view.from,
        view.to,
        Utc::now(),
    )
    .await
    .unwrap();
    let live = Breakdown::of(&groups);
    same(f, &live.all);
    for ty in &view.by_type {
        same(&ty.figures, &live.by_type[&ty.type_id]);
    }
    for d in &view.by_department {
        same(&d.figures, &live.by_department[&d.department_id]);
    }
    let people = admin.employee_stats(a.entity.id, &q).await.unwrap();
    for p in people.employees.iter().filter(|p| p.figures.total > 0) {
        same(&p.figures, &live.by_employee[&p.user_id]);
    }
    assert_eq!(people.employees.iter().map(|p| p.figures.total).sum::<u64>(), 8);
    let platform = app.platform.platform_stats(&q).await.unwrap();
    let row = platform.entities.iter().find(|r| r.entity_id == a.entity.id).unwrap();
    same(&row.figures, &live.all);
    same(&platform.figures, &live.all);

    // A step taken on a rolled-up day (of a whole month, 42 days ago) counts
    // at once, caught up or not.
    client_of(holder(6)).step(t[6].id, "complete", &json!({})).await.unwrap();
    let after = admin.entity_stats(a.entity.id, &q).await.unwrap();
    assert_eq!((after.figures.completed, after.figures.open), (5, 2));
    rolled_up(&app).await;
    let caught_up = admin.entity_stats(a.entity.id, &q).await.unwrap();
    assert_eq!(caught_up.figures, after.figures);
}

/// The late count's plan reads the `transactions_late` partial index (the
/// query carries its condition word for word), also as PostgreSQL's generic
/// plan, made once per pooled connection with the values bound as
/// parameters: with the statuses among those parameters it read every
/// transaction of the year, 1 s at 1,000,000 (P11).
async fn the_late_count_reads_the_late_index(app: TestApp) {
    use sea_orm::{ConnectionTrait, DatabaseBackend, TransactionTrait};
    let entity = app.entity(70).await;
    let now = chrono::Utc::now();
    let c = app.db.write();
    let backend = c.get_database_backend();
    let mut stmt = tawasul_storage::stats::late_count_statement(
        backend,
        &[entity.id],
        now - chrono::Duration::days(365),
        now,
        now,
    );
    let tx = c.begin().await.unwrap();
    let column = if backend == DatabaseBackend::Postgres {
        // A prepared statement, planned for any values (EXPLAIN with the
        // values at hand would plan for them).
        for set in ["SET LOCAL plan_cache_mode = force_generic_plan", "SET LOCAL enable_seqscan = off"] {
            tx.execute_unprepared(set).await.unwrap();
        }
        tx.execute_unprepared(&format!("PREPARE late_count AS {}", stmt.sql)).await.unwrap();
        use sea_orm::sea_query::{PostgresQueryBuilder, QueryBuilder};
        let values = stmt.values.take().map(|v| v.0).unwrap_or_default();
        let literals: Vec<String> = values.iter().map(|v| PostgresQueryBuilder.value_to_string(v)).collect();
        stmt.sql = format!("EXPLAIN EXECUTE late_count({})", literals.join(", "));
        "QUERY PLAN"
    } else {
        // On an empty table SQLite takes any index; that the partial one
        // can serve the query (its condition implied by the query's) is
        // what it says when told to use it rather than refusing the query.
        let from = r#"FROM "transactions""#;
        assert!(stmt.sql.contains(from), "{}", stmt.sql);
        stmt.sql =
            format!("EXPLAIN QUERY PLAN {}", stmt.sql.replace(from, &format!("{from} INDEXED BY transactions_late")));
        "detail"
    };
    let plan: Vec<String> =
        tx.query_all(stmt).await.unwrap().iter().map(|r| r.try_get::<String>("", column).unwrap()).collect();
    tx.rollback().await.unwrap();
    assert!(plan.iter().any(|l| l.contains("transactions_late")), "{plan:#?}");
}
