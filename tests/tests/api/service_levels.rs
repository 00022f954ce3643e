//! Service levels kept: the SLA monitor's warning at 80 %, the breach, the
//! escalation through routing and then to the supervisors — each once, with
//! its internal event, its audit entry and its notices; none of it seen by the
//! beneficiary. Time is moved by reviewing at a later instant: the use case
//! takes `now`, as the monitor does with the clock's.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tawasul_client::Client;
use tawasul_core::api::*;
use tawasul_core::audit::AuditAction;
use tawasul_core::events::EventKind;
use tawasul_core::ids::{TransactionId, TransactionTypeId, UserId};
use tawasul_server::app::App;
use tawasul_server::log::Committed;

use crate::helpers::*;
use crate::on_both_backends;
use crate::transactions::{Setup, around_the_clock, request, setup};

on_both_backends!(a_breach_warns_marks_notifies_and_escalates_once_each, a_holder_on_leave_loses_their_work_at_once,);

/// A type with a first answer due in one working hour, completion in four,
/// and escalation after two hours without action; every hour worked.
async fn watched(app: &TestApp, base: u32) -> (Setup, TransactionTypeId) {
    let s = setup(app, 2, "round_robin", base).await;
    s.entity.admin.set_calendar(s.entity.id, &around_the_clock()).await.unwrap();
    let dept = s.entity.admin.list_departments(s.entity.id, &PageQuery::default()).await.unwrap().items.pop().unwrap();
    let ty = s
        .entity
        .admin
        .create_transaction_type(
            s.entity.id,
            &CreateTransactionTypeRequest {
                code: "complaint".into(),
                name_ar: "شكوى".into(),
                name_en: "Complaint".into(),
                department_id: dept.id.to_string(),
                sla_hours: 4,
                first_response_hours: Some(1),
                escalate_after_hours: Some(2),
                routing: "round_robin".into(),
                fields: None,
            },
        )
        .await
        .unwrap();
    (s, ty.id)
}

fn minutes_after(t: DateTime<Utc>, m: i64) -> DateTime<Utc> {
    t + chrono::Duration::minutes(m)
}

/// The kinds of one timeline, in order.
async fn kinds(c: &Client, id: TransactionId) -> Vec<EventKind> {
    c.timeline(id).await.unwrap().into_iter().map(|e| e.kind).collect()
}

/// A person's in-app notices, by kind, once `want` of them have come.
async fn notices(c: &Client, want: usize) -> BTreeMap<String, usize> {
    let mut got = BTreeMap::new();
    for _ in 0..100 {
        let page: Value =
            c.request(Method::GET, "/api/v1/me/notifications?limit=100").send().await.unwrap().json().await.unwrap();
        got = BTreeMap::new();
        for n in page["items"].as_array().unwrap() {
            *got.entry(n["kind"].as_str().unwrap().to_owned()).or_default() += 1;
        }
        if got.values().sum::<usize>() >= want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    got
}

async fn a_breach_warns_marks_notifies_and_escalates_once_each(app: TestApp) {
    let (s, type_id) = watched(&app, 61).await;
    let (beneficiary, _) = app.beneficiary(61).await;
    let r = CreateTransactionRequest { fields: None, ..request(s.entity.id, type_id, 1) };
    let t = beneficiary.create_transaction(&r).await.unwrap();
    let first = t.assignee.as_ref().unwrap().id;
    let (holder, other) = if s.employees[0].0 == first { (0, 1) } else { (1, 0) };
    let t0 = t.created_at;
    // Monitors besides the server's own: the use case as a restarted process
    // has it (nothing in memory), and on PostgreSQL a second node on the same
    // database (more than one node is PostgreSQL's: one SQLite file has one
    // writer). What was given is kept with the transaction.
    let _node = match app.database_url.starts_with("postgres") {
        true => Some(app.second_node(|_| {}).await),
        false => None,
    };
    let monitor = || App::new(app.db.clone(), Committed::default());

    // The opening set the monitor's first look itself, at the first answer's
    // warning: no look is spent on a transaction just opened.
    let due = tawasul_storage::watch::due(app.db.read(), minutes_after(t0, 47), 10).await.unwrap();
    assert!(!due.contains(&t.id), "no look before the warning is due");
    let due = tawasul_storage::watch::due(app.db.read(), minutes_after(t0, 48), 10).await.unwrap();
    assert!(due.contains(&t.id), "a look when it is");
    assert_eq!(monitor().review_service_levels(minutes_after(t0, 30)).await.unwrap(), 0, "nothing due yet");
    // 80 % of the hour to the first answer.
    assert_eq!(monitor().review_service_levels(minutes_after(t0, 49)).await.unwrap(), 1);
    assert_eq!(monitor().review_service_levels(minutes_after(t0, 49)).await.unwrap(), 0, "given once");
    assert_eq!(monitor().review_service_levels(minutes_after(t0, 61)).await.unwrap(), 1, "the breach");
    // Two hours without a step by the holder: routing gives it to the other employee.
    assert_eq!(monitor().review_service_levels(minutes_after(t0, 121)).await.unwrap(), 1, "escalated");
    let now = beneficiary.get_transaction(t.id).await.unwrap();
    assert_eq!(now.assignee.as_ref().map(|a| a.id), Some(s.employees[other].0));
    // The completion's target falls at four hours, and the new holder has not
    // acted for two: the breach (found late, without its warning) and the
    // supervisors called in; then nothing more.
    assert_eq!(monitor().review_service_levels(minutes_after(t0, 243)).await.unwrap(), 2);
    for at in [243, 300, 60 * 24] {
        assert_eq!(monitor().review_service_levels(minutes_after(t0, at)).await.unwrap(), 0, "{at}");
    }
    let supervisor = &s.supervisor;
    let staff = supervisor.timeline(t.id).await.unwrap();
    let marks: Vec<(EventKind, Value)> = staff
        .iter()
        .filter(|e| matches!(e.kind, EventKind::SlaWarning | EventKind::SlaBreached | EventKind::Escalated))
        .map(|e| (e.kind, Value::Object(e.data.clone())))
        .collect();
    let ids = |n: usize| json!(s.employees[n].0);
    assert_eq!(
        marks,
        [
            (
                EventKind::SlaWarning,
                json!({ "target": "first_response", "target_hours": 1, "due_at": marks[0].1["due_at"], "assignee": ids(holder) })
            ),
            (EventKind::SlaBreached, json!({ "target": "first_response", "target_hours": 1, "assignee": ids(holder) })),
            (EventKind::Escalated, json!({ "level": 1, "why": "no_action", "from": ids(holder) })),
            (
                EventKind::SlaBreached,
                json!({ "target": "resolution", "target_hours": 4, "due_at": marks[3].1["due_at"], "assignee": ids(other) })
            ),
            (EventKind::Escalated, json!({ "level": 2, "why": "no_action", "from": ids(other) })),
        ]
    );
    // The first answer was due an hour after opening; completion is due when the transaction said.
    let due = |n: usize| marks[n].1["due_at"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap();
    assert!((due(0) - minutes_after(t0, 60)).num_milliseconds().abs() <= 1, "{}", due(0));
    assert!((due(3) - t.due_at).num_milliseconds().abs() <= 1, "{}", due(3));
    let monitored = staff
        .iter()
        .filter(|e| matches!(e.kind, EventKind::SlaWarning | EventKind::SlaBreached | EventKind::Escalated));
    for e in monitored {
        assert_eq!((e.visibility, e.actor.is_none()), (tawasul_core::visibility::Visibility::Internal, true), "{e:?}");
    }
    let seen = kinds(&beneficiary, t.id).await;
    assert!(
        !seen.iter().any(|k| matches!(k, EventKind::SlaWarning | EventKind::SlaBreached | EventKind::Escalated)),
        "the beneficiary sees none of it: {seen:?}"
    );

    // Audited, once each.
    sealed(&app).await;
    for (action, n) in [
        (AuditAction::TransactionSlaWarning, 1),
        (AuditAction::TransactionSlaBreach, 2),
        (AuditAction::TransactionEscalate, 2),
    ] {
        let entries = tawasul_storage::audit::with_action(app.db.read(), action).await.unwrap();
        assert_eq!(entries.len(), n, "{action:?}");
        assert!(entries.iter().all(|e| e.actor.is_none()), "the platform's steps");
    }

    // The holder and the supervisors are told, once each; the new holder of
    // the assignment; the beneficiary of none of it.
    let first_holder = notices(&s.employees[holder].1, 3).await;
    assert_eq!(first_holder.get("sla_warning"), Some(&1), "{first_holder:?}");
    assert_eq!(first_holder.get("sla_breached"), Some(&1), "{first_holder:?}");
    let second_holder = notices(&s.employees[other].1, 2).await;
    assert_eq!(second_holder.get("assigned"), Some(&1), "{second_holder:?}");
    assert_eq!(second_holder.get("sla_breached"), Some(&1), "the completion's breach, theirs now: {second_holder:?}");
    let sup = notices(supervisor, 5).await;
    assert_eq!(
        (sup.get("sla_warning"), sup.get("sla_breached"), sup.get("escalated")),
        (Some(&1), Some(&2), Some(&2)),
        "{sup:?}"
    );
    let ben = notices(&beneficiary, 1).await;
    assert!(ben.keys().all(|k| !k.starts_with("sla") && k != "escalated"), "{ben:?}");

    // The holder acting starts the ladder again, from their step: two hours
    // after it, they are escalated anew.
    let holder_now = &s.employees[other].1;
    holder_now.comment(t.id, "internal", "أراجع الطلب الآن").await.unwrap();
    let acted = Utc::now();
    assert_eq!(monitor().review_service_levels(minutes_after(acted, 1)).await.unwrap(), 0);
    assert_eq!(monitor().review_service_levels(minutes_after(acted, 122)).await.unwrap(), 1);
    let last = supervisor.timeline(t.id).await.unwrap().into_iter().rfind(|e| e.kind == EventKind::Escalated).unwrap();
    assert_eq!((last.data["level"].clone(), last.data["from"].clone()), (json!(1), ids(other)));
}

async fn a_holder_on_leave_loses_their_work_at_once(app: TestApp) {
    let (s, type_id) = watched(&app, 62).await;
    let (beneficiary, _) = app.beneficiary(62).await;
    let r = CreateTransactionRequest { fields: None, ..request(s.entity.id, type_id, 1) };
    let t = beneficiary.create_transaction(&r).await.unwrap();
    let first: UserId = t.assignee.as_ref().unwrap().id;
    let until = Utc::now() + chrono::Duration::days(7);
    let res = s
        .entity
        .admin
        .request(Method::PATCH, &format!("/api/v1/employees/{first}"))
        .json(&json!({ "on_leave_until": until }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // The server's own monitor, on the clock's time: within seconds.
    let mut now = t.clone();
    for _ in 0..100 {
        now = beneficiary.get_transaction(t.id).await.unwrap();
        if now.assignee.as_ref().map(|a| a.id) != Some(first) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let to = now.assignee.as_ref().map(|a| a.id);
    assert!(to.is_some() && to != Some(first), "given to the other employee: {to:?}");
    let staff = s.supervisor.timeline(t.id).await.unwrap();
    let escalated: Vec<&EventView> = staff.iter().filter(|e| e.kind == EventKind::Escalated).collect();
    assert_eq!(escalated.len(), 1);
    assert_eq!(escalated[0].data["why"], "on_leave");
    assert_eq!(escalated[0].data["level"], 1);
}
