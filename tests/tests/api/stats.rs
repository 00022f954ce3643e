//! Statistics end to end: figures on a hand-built set match hand counts, the
//! CSV rows are the JSON's, exports are audited, and nobody reads an entity's
//! figures outside their reach.

use serde_json::json;
use tawasul_core::audit::AuditAction;

use crate::helpers::*;
use crate::on_both_backends;
use crate::transactions::{around_the_clock, request, setup};

on_both_backends!(an_entitys_figures_match_hand_counts_and_stay_within_reach);

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
    let rows = tawasul_storage::stats::measures(app.db.read(), a.entity.id, s.from, s.to, later).await.unwrap();
    assert_eq!(tawasul_core::stats::Breakdown::of(&rows).all.late, 1);

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
}
