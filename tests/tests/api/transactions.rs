//! Transactions end to end: routing, lifecycle, visibility by every read path.

use reqwest::Method;
use serde_json::json;
use tawasul_client::Client;
use tawasul_core::api::*;
use tawasul_core::events::EventKind;
use tawasul_core::ids::{EntityId, TransactionTypeId, UserId};
use tawasul_core::workflow::Status;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    routing_takes_turns_and_visibility_holds_on_every_read_path,
    the_lifecycle_from_assignment_to_rating,
    an_empty_department_keeps_the_transaction_in_its_queue,
    sixty_four_concurrent_creations_are_shared_fairly,
    creation_is_idempotent_and_references_are_looked_up,
    a_postponement_ends_by_itself_and_the_clock_restarts,
    service_is_measured_as_the_steps_are_taken,
);

pub struct Setup {
    pub entity: TestEntity,
    pub type_id: TransactionTypeId,
    pub employees: Vec<(UserId, Client)>,
    pub supervisor: Client,
}

/// An entity with a department of `n` employees and a supervisor (in another
/// department, supervising this one through `transaction.view_department`).
pub async fn setup(app: &TestApp, n: u32, routing: &str, base: u32) -> Setup {
    let entity = app.entity(base).await;
    let dept = entity.admin.create_department(entity.id, &department_request("Appointments", None)).await.unwrap();
    let mut employees = vec![];
    for i in 0..n {
        let k = base * 100 + i;
        let e = entity
            .admin
            .create_employee(entity.id, &employee_request(k, "employee", vec![dept.id.to_string()]))
            .await
            .unwrap();
        let auth = app.client.login(&format!("employee{k}@entity.sa"), PASSWORD).await.unwrap();
        employees.push((e.id, app.client.with_token(auth.access_token)));
    }
    let mut sup = employee_request(base * 100 + 99, "supervisor", vec![dept.id.to_string()]);
    // A supervisor must not take routed work here: leave out what routing needs.
    sup.revoke = Some(vec!["transaction.complete".into()]);
    entity.admin.create_employee(entity.id, &sup).await.unwrap();
    let auth = app.client.login(&format!("employee{}@entity.sa", base * 100 + 99), PASSWORD).await.unwrap();
    let t = entity
        .admin
        .create_transaction_type(
            entity.id,
            &CreateTransactionTypeRequest {
                code: "appointment".into(),
                name_ar: "طلب موعد".into(),
                name_en: "Appointment".into(),
                department_id: dept.id.to_string(),
                sla_hours: 48,
                first_response_hours: None,
                escalate_after_hours: None,
                routing: routing.into(),
                fields: Some(vec![FieldSpecRequest {
                    key: "preferred_date".into(),
                    label_ar: "التاريخ المفضل".into(),
                    label_en: "Preferred date".into(),
                    kind: "date".into(),
                    required: true,
                    choices: None,
                }]),
            },
        )
        .await
        .unwrap();
    Setup { entity, type_id: t.id, employees, supervisor: app.client.with_token(auth.access_token) }
}

pub fn request(entity: EntityId, type_id: TransactionTypeId, n: u32) -> CreateTransactionRequest {
    CreateTransactionRequest {
        entity_id: entity.to_string(),
        type_id: type_id.to_string(),
        subject: format!("طلب موعد رقم {n}"),
        body: "أرغب في حجز موعد لمراجعة طلبي.".into(),
        priority: Some("important".into()),
        fields: Some([("preferred_date".to_owned(), json!("2026-12-01"))].into_iter().collect()),
    }
}

async fn routing_takes_turns_and_visibility_holds_on_every_read_path(app: TestApp) {
    let s = setup(&app, 2, "round_robin", 1).await;
    let (beneficiary, _) = app.beneficiary(1).await;
    let mut assignees = vec![];
    let mut ids = vec![];
    for n in 0..4 {
        let t = beneficiary.create_transaction(&request(s.entity.id, s.type_id, n)).await.unwrap();
        assert_eq!(t.status, Status::Assigned);
        assert!(t.reference.ends_with(&format!("-{:06}", n + 1)), "{}", t.reference);
        // 48 working hours of the default calendar (Sunday to Thursday,
        // 07:30 to 14:30 in Riyadh): a week or so of the clock.
        let clock = tawasul_core::calendar::WorkingCalendar::default();
        assert_eq!(clock.between(t.created_at, t.due_at), chrono::Duration::hours(48));
        assignees.push(t.assignee.unwrap().id);
        ids.push(t.id);
    }
    assert_eq!(assignees[0], assignees[2]);
    assert_eq!(assignees[1], assignees[3]);
    assert_ne!(assignees[0], assignees[1]);

    let id = ids[0];
    let (_, assignee) = s.employees.iter().find(|(e, _)| *e == assignees[0]).unwrap();
    let (_, colleague) = s.employees.iter().find(|(e, _)| *e != assignees[0]).unwrap();
    assignee.comment(id, "internal", "ملاحظة داخلية: يحتاج مراجعة الإدارة القانونية").await.unwrap();
    let external = assignee.comment(id, "external", "تم استلام طلبك").await.unwrap();
    assert_eq!(external.visibility, tawasul_core::visibility::Visibility::External);
    assert_eq!(
        assignee.get_transaction(id).await.unwrap().status,
        Status::InProgress,
        "the first reply starts the work"
    );

    // The beneficiary: no internal event by any path.
    let timeline = beneficiary.timeline(id).await.unwrap();
    assert!(timeline.iter().all(|e| e.visibility == tawasul_core::visibility::Visibility::External));
    let raw = beneficiary
        .request(Method::GET, &format!("/api/v1/transactions/{id}/timeline"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!raw.contains("ملاحظة داخلية") && !raw.contains("reason"), "{raw}");
    let kinds: Vec<_> = timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["created", "comment", "status_changed"]);
    let seqs: Vec<u32> = timeline.iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(beneficiary.comment(id, "internal", "x").await.unwrap_err().status(), Some(403));
    // Staff see everything, in order.
    let staff_timeline = s.supervisor.timeline(id).await.unwrap();
    let kinds: Vec<_> = staff_timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["created", "assigned", "comment", "comment", "status_changed"]);
    assert_eq!(staff_timeline.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);

    // Cross-checks: invisible means 404 on every path.
    let (stranger, _) = app.beneficiary(2).await;
    let other = app.entity(2).await;
    for c in [&stranger, &other.admin, colleague] {
        assert_eq!(c.get_transaction(id).await.unwrap_err().status(), Some(404));
        assert_eq!(c.timeline(id).await.unwrap_err().status(), Some(404));
        assert_eq!(c.comment(id, "external", "hello").await.unwrap_err().status(), Some(404));
        assert_eq!(c.step(id, "complete", &json!({})).await.unwrap_err().status(), Some(404));
    }
    assert_eq!(stranger.list_transactions("").await.unwrap().items.len(), 0);
    assert_eq!(beneficiary.list_transactions("").await.unwrap().items.len(), 4);
    assert_eq!(assignee.list_transactions("assignee=me").await.unwrap().items.len(), 2);
    assert_eq!(s.supervisor.list_transactions("").await.unwrap().items.len(), 4);
    assert_eq!(s.supervisor.list_transactions("status=in_progress").await.unwrap().items.len(), 1);
    assert_eq!(other.admin.list_transactions("").await.unwrap().items.len(), 0);
    assert_eq!(s.entity.admin.list_transactions("late=true").await.unwrap().items.len(), 0);
    assert_eq!(beneficiary.list_transactions("status=flying").await.unwrap_err().status(), Some(422));
    // Staff cannot open transactions; bad custom fields are named.
    assert_eq!(assignee.create_transaction(&request(s.entity.id, s.type_id, 9)).await.unwrap_err().status(), Some(403));
    let mut bad = request(s.entity.id, s.type_id, 9);
    bad.fields = Some([("preferred_date".to_owned(), json!("tomorrow"))].into_iter().collect());
    let err = beneficiary.create_transaction(&bad).await.unwrap_err();
    assert_eq!(err.status(), Some(422));
    let tawasul_client::ClientError::Api { details, .. } = err else { panic!() };
    assert_eq!(details.unwrap()["field"], "fields.preferred_date");
    let mut wrong_entity = request(other.id, s.type_id, 9);
    wrong_entity.fields = None;
    assert_eq!(
        beneficiary.create_transaction(&wrong_entity).await.unwrap_err().code(),
        Some("transaction_type.unknown")
    );
}

async fn the_lifecycle_from_assignment_to_rating(app: TestApp) {
    let s = setup(&app, 1, "least_loaded", 3).await;
    let (beneficiary, _) = app.beneficiary(3).await;
    let t = beneficiary.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let (_, employee) = &s.employees[0];
    let id = t.id;

    let t = employee.step(id, "await-beneficiary", &json!({"message": "يرجى إرفاق صورة الهوية"})).await.unwrap();
    assert_eq!(t.status, Status::AwaitingBeneficiary);
    beneficiary.comment(id, "external", "تم الإرفاق").await.unwrap();
    assert_eq!(employee.get_transaction(id).await.unwrap().status, Status::InProgress);

    // A plain employee cannot postpone; a supervisor can, and the clock pauses.
    let denied = employee
        .step(id, "postpone", &json!({"until": "2030-01-01T00:00:00Z", "reason": "بانتظار جهة أخرى"}))
        .await
        .unwrap_err();
    assert_eq!(denied.status(), Some(403));
    let t = s
        .supervisor
        .step(id, "postpone", &json!({"until": "2030-01-01T00:00:00Z", "reason": "بانتظار جهة أخرى"}))
        .await
        .unwrap();
    assert_eq!(t.status, Status::Postponed);
    assert!(!t.late);
    assert_eq!(
        s.supervisor
            .step(id, "postpone", &json!({"until": "2020-01-01T00:00:00Z", "reason": "x"}))
            .await
            .unwrap_err()
            .status(),
        Some(422),
        "a date in the past"
    );
    let t = employee.step(id, "complete", &json!({"note": "تم حجز الموعد"})).await.unwrap();
    assert_eq!(t.status, Status::Completed);
    assert!(t.closed_at.is_some());

    // Closed: only reopen and rate.
    assert_eq!(employee.comment(id, "external", "late note").await.unwrap_err().status(), Some(409));
    let illegal = employee.step(id, "complete", &json!({})).await.unwrap_err();
    assert_eq!((illegal.status(), illegal.code()), (Some(409), Some("transaction.illegal_transition")));
    assert_eq!(employee.rate(id, 5, None).await.unwrap_err().status(), Some(403));
    assert_eq!(beneficiary.rate(id, 6, None).await.unwrap_err().status(), Some(422));
    beneficiary.rate(id, 5, Some("خدمة ممتازة")).await.unwrap();
    assert_eq!(beneficiary.rate(id, 4, None).await.unwrap_err().code(), Some("transaction.already_rated"));
    assert_eq!(beneficiary.get_transaction(id).await.unwrap().rating, Some(5));

    let t = beneficiary.step(id, "reopen", &json!({"reason": "لم يصلني تأكيد الموعد"})).await.unwrap();
    assert_eq!(t.status, Status::Reopened);
    let missing = s.supervisor.step(id, "reject", &json!({"reason": "  "})).await.unwrap_err();
    assert_eq!((missing.status(), missing.code()), (Some(422), Some("request.missing_field")));
    let t = s.supervisor.step(id, "reject", &json!({"reason": "الطلب مكرر"})).await.unwrap();
    assert_eq!(t.status, Status::Rejected);
    let kinds: Vec<_> = beneficiary.timeline(id).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert!(
        kinds.contains(&EventKind::Rated) && kinds.iter().filter(|k| **k == EventKind::StatusChanged).count() >= 5,
        "{kinds:?}"
    );

    // Reassignment by a supervisor, to staff of the entity only.
    let t2 = beneficiary.create_transaction(&request(s.entity.id, s.type_id, 2)).await.unwrap();
    let other = app.entity(4).await;
    let outsider = other.admin.me().await.unwrap().id;
    assert_eq!(
        s.supervisor.step(t2.id, "assign", &json!({"employee_id": outsider})).await.unwrap_err().status(),
        Some(422)
    );
    assert_eq!(
        employee.step(t2.id, "assign", &json!({"employee_id": s.employees[0].0})).await.unwrap_err().status(),
        Some(403)
    );
}

async fn an_empty_department_keeps_the_transaction_in_its_queue(app: TestApp) {
    let s = setup(&app, 0, "round_robin", 5).await;
    let (beneficiary, _) = app.beneficiary(5).await;
    let t = beneficiary.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    assert_eq!(t.status, Status::New);
    assert!(t.assignee.is_none());
    let queue = s.supervisor.list_transactions("status=new").await.unwrap();
    assert_eq!(queue.items.len(), 1, "the supervisor sees the department's queue");

    // Rejected while new, then reopened once someone has joined: it is routed.
    s.supervisor.step(t.id, "reject", &json!({"reason": "بيانات ناقصة"})).await.unwrap();
    let dept = s.entity.admin.list_departments(s.entity.id, &Default::default()).await.unwrap().items[0].id;
    let joined = s
        .entity
        .admin
        .create_employee(s.entity.id, &employee_request(555, "employee", vec![dept.to_string()]))
        .await
        .unwrap();
    let t = beneficiary.step(t.id, "reopen", &json!({"reason": "أرفقت البيانات"})).await.unwrap();
    assert_eq!(t.status, Status::Assigned);
    assert_eq!(t.assignee.unwrap().id, joined.id);
}

async fn sixty_four_concurrent_creations_are_shared_fairly(app: TestApp) {
    for routing in ["round_robin", "least_loaded"] {
        let base = if routing == "round_robin" { 6 } else { 7 };
        let s = setup(&app, 5, routing, base).await;
        let (beneficiary, _) = app.beneficiary(base).await;
        let tasks: Vec<_> = (0..64)
            .map(|n| {
                let b = beneficiary.clone();
                let r = request(s.entity.id, s.type_id, n);
                tokio::spawn(async move { b.create_transaction(&r).await.unwrap() })
            })
            .collect();
        let mut counts = std::collections::HashMap::new();
        let mut references = std::collections::HashSet::new();
        for t in tasks {
            let t = t.await.unwrap();
            *counts.entry(t.assignee.unwrap().id).or_insert(0u32) += 1;
            assert!(references.insert(t.reference));
        }
        let (min, max) = (counts.values().min().unwrap(), counts.values().max().unwrap());
        assert_eq!(counts.len(), 5, "{routing}: {counts:?}");
        assert!(max - min <= 1, "{routing}: {counts:?}");
    }
}

async fn creation_is_idempotent_and_references_are_looked_up(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 8).await;
    let (beneficiary, _) = app.beneficiary(8).await;
    let body = request(s.entity.id, s.type_id, 1);
    let send = || {
        beneficiary
            .request(Method::POST, "/api/v1/transactions")
            .header("Idempotency-Key", "create-1")
            .json(&body)
            .send()
    };
    let first: TransactionView = send().await.unwrap().json().await.unwrap();
    let again: TransactionView = send().await.unwrap().json().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(beneficiary.list_transactions("").await.unwrap().items.len(), 1, "one transaction, not two");

    let found = beneficiary.lookup_transaction(&first.reference).await.unwrap();
    assert_eq!(found.id, first.id);
    let number = first.reference.split('-').nth(1).unwrap();
    let by_year = beneficiary
        .request(
            Method::GET,
            &format!("/api/v1/transactions/lookup?reference={number}&hijri_year={}", first.hijri_year),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(by_year.status(), 200);
    s.employees[0].1.lookup_transaction(&first.reference).await.unwrap();
    let (stranger, _) = app.beneficiary(9).await;
    assert_eq!(stranger.lookup_transaction(&first.reference).await.unwrap_err().status(), Some(404));
    assert_eq!(beneficiary.lookup_transaction("nonsense").await.unwrap_err().status(), Some(422));
}

/// A calendar where every hour is worked, so that a test's seconds count.
pub fn around_the_clock() -> CalendarView {
    CalendarView {
        time_zone: "UTC".into(),
        working_days: tawasul_core::api::WEEKDAY_NAMES.map(str::to_owned).to_vec(),
        opens: "00:00".into(),
        closes: "24:00".into(),
        holidays: vec![],
    }
}

async fn a_postponement_ends_by_itself_and_the_clock_restarts(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 10).await;
    s.entity.admin.set_calendar(s.entity.id, &around_the_clock()).await.unwrap();
    let (beneficiary, _) = app.beneficiary(10).await;
    let t = beneficiary.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let until = chrono::Utc::now() + chrono::Duration::seconds(2);
    let p =
        s.supervisor.step(t.id, "postpone", &json!({"until": until, "reason": "بانتظار رد جهة أخرى"})).await.unwrap();
    assert_eq!(p.status, Status::Postponed);
    let mut now = p.clone();
    for _ in 0..100 {
        now = beneficiary.get_transaction(t.id).await.unwrap();
        if now.status != Status::Postponed {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(now.status, Status::InProgress, "resumed when the date came");
    assert!(now.postponed_until.is_none());
    assert!(now.due_at > t.due_at, "the time spent postponed is added to the due time");
    let last = beneficiary.timeline(t.id).await.unwrap().pop().unwrap();
    assert_eq!(last.kind, EventKind::StatusChanged);
    assert!(last.actor.is_none(), "the platform resumed it");
    sealed(&app).await;
    let steps = tawasul_storage::audit::with_action(app.db.read(), tawasul_core::audit::AuditAction::TransactionStep)
        .await
        .unwrap();
    let resumed = steps.last().unwrap();
    assert_eq!((resumed.actor, resumed.after.as_ref().unwrap()["step"].as_str()), (None, Some("resume")));
}

/// The measures statistics are made of are kept as the steps are taken: the
/// first answer (an external word from staff, once), the time paused while
/// the beneficiary is awaited, and the time to close, in working seconds.
async fn service_is_measured_as_the_steps_are_taken(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 19).await;
    s.entity.admin.set_calendar(s.entity.id, &around_the_clock()).await.unwrap();
    let (beneficiary, _) = app.beneficiary(1900).await;
    let t = beneficiary.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let emp = &s.employees[0].1;
    let measures =
        || async { tawasul_storage::transactions::find(app.db.read(), t.id).await.unwrap().unwrap().measures() };
    assert_eq!(measures().await, (None, None, 0, None));
    emp.comment(t.id, "internal", "ملاحظة").await.unwrap();
    assert_eq!(measures().await.0, None, "an internal note answers nobody");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    emp.comment(t.id, "external", "نعمل على طلبك").await.unwrap();
    let (at, first, _, _) = measures().await;
    let elapsed = (at.unwrap() - t.created_at).num_seconds();
    assert!(first.unwrap() >= 1 && first.unwrap() <= elapsed, "{first:?} of {elapsed}");
    emp.step(t.id, "await-beneficiary", &json!({"message": "أرفق الهوية"})).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    beneficiary.comment(t.id, "external", "أرفقتها").await.unwrap();
    let (again, _, paused, _) = measures().await;
    assert_eq!(again, at, "measured once");
    assert!(paused >= 1, "paused {paused} s");
    emp.step(t.id, "complete", &json!({})).await.unwrap();
    let (_, _, paused, resolution) = measures().await;
    let closed = emp.get_transaction(t.id).await.unwrap().closed_at.unwrap();
    let wall = (closed - t.created_at).num_seconds();
    assert!(
        resolution.unwrap() <= wall - paused + 1 && resolution.unwrap() >= 1,
        "{resolution:?} of {wall}, {paused} paused"
    );
}
