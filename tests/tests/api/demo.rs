//! `serve --demo` has a past: six months of transactions over the working
//! days, made by the same use cases, that every figure shows at once.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, Utc};
use tawasul_core::audit::AuditAction;
use tawasul_core::events::EventKind;

use crate::helpers::*;

const DEMO_PASSWORD: &str = tawasul_server::demo::DEMO_PASSWORD;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_has_six_months_of_history_that_the_figures_show() {
    let app = spawn_demo("sqlite").await;
    let now = Utc::now();
    let sign_in = |email: &'static str| {
        let client = app.client.clone();
        async move { client.with_token(client.login(email, DEMO_PASSWORD).await.unwrap().access_token) }
    };
    let admin = sign_in("admin@hrsd.demo.sa").await;
    let entity = admin.me().await.unwrap().entity_id.unwrap();

    let rows = admin.transaction_rows(entity, "").await.unwrap().rows;
    assert!(rows.len() >= 150, "hundreds over the platform, {} at this ministry", rows.len());
    let days: BTreeSet<_> = rows.iter().map(|r| r.created_at.date_naive()).collect();
    assert!(days.len() >= 80, "spread over the working days: {}", days.len());
    let first = rows.iter().map(|r| r.created_at).min().unwrap();
    assert!(first < now - Duration::days(150), "six months back: {first}");
    // Opened on working days only (Sunday to Thursday in Riyadh), but for today's.
    let weekend = rows
        .iter()
        .filter(|r| r.created_at < now - Duration::days(1))
        .filter(|r| {
            matches!((r.created_at + Duration::hours(3)).weekday(), chrono::Weekday::Fri | chrono::Weekday::Sat)
        })
        .count();
    assert_eq!(weekend, 0);

    let figures = admin.entity_stats(entity, "").await.unwrap().figures;
    assert!(figures.completed > figures.total / 2, "{figures:?}");
    assert!(figures.delay_rate > 0.0 && figures.delay_rate < 0.6, "some late: {}", figures.delay_rate);
    assert!(figures.rating.is_some() && figures.median_resolution_s.is_some() && figures.score.is_some());

    // Employees differ: the fastest of the ministry is faster than the slowest.
    let people = admin.employee_stats(entity, "").await.unwrap().employees;
    let median = |name: &str| {
        people.iter().find(|e| e.name_en.starts_with(name)).and_then(|e| e.figures.median_first_response_s).unwrap()
    };
    assert!(median("Reem") < median("Majed"), "{} vs {}", median("Reem"), median("Majed"));
    // Each was present on the platform a working day's worth of most days:
    // over 120 working days at 5 to 7.5 hours, less the days away.
    for p in &people {
        let hours = p.active_seconds as f64 / 3600.0;
        assert!((400.0..=900.0).contains(&hours), "{}: {hours:.0} h", p.name_en);
    }

    // The SLA monitor ran as the days passed: warnings, breaches, escalations.
    sealed(&app).await;
    for action in [AuditAction::TransactionSlaBreach, AuditAction::TransactionEscalate] {
        let n = tawasul_storage::audit::with_action(app.db.read(), action).await.unwrap().len();
        assert!(n > 0, "{action:?}");
    }
    // Every step happened in the past, in order on each timeline.
    let supervisor = sign_in("supervisor@hrsd.demo.sa").await;
    let sample = &rows[rows.len() / 3];
    let timeline = supervisor.timeline(sample.transaction_id).await.unwrap();
    assert!(timeline.windows(2).all(|w| w[0].at <= w[1].at), "{timeline:?}");
    assert!(timeline.iter().all(|e| e.at <= Utc::now()));
    assert!(timeline.iter().any(|e| e.kind == EventKind::Comment));

    // The platform admin's targets give each entity of the regulator's remit an index.
    let regulator = sign_in("regulator@nazaha.demo.sa").await;
    let platform = regulator.platform_stats("").await.unwrap();
    assert_eq!(platform.entities.len(), 2);
    assert!(platform.entities.iter().all(|e| e.index.is_some_and(|i| i > 0.0 && i <= 1.0)), "{platform:?}");
    assert!(platform.index.is_some());

    // Loading it again changes nothing.
    let app2 = tawasul_server::app::App::new(app.db.clone(), tawasul_server::log::Committed::default());
    tawasul_server::demo::seed(&app2).await.unwrap();
    assert_eq!(admin.transaction_rows(entity, "").await.unwrap().rows.len(), rows.len());
}
