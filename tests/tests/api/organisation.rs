//! Entities, departments, employees, transaction types, regulators, and the
//! walls between entities.

use reqwest::Method;
use serde_json::json;
use tawasul_core::api::*;
use tawasul_core::org::Role;
use tawasul_core::permissions::{Permission, StaffRole};

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    an_entity_admin_builds_the_organisation,
    a_generated_password_is_emailed_and_works,
    an_admin_of_one_entity_cannot_touch_another,
    grants_and_revokes_change_what_an_employee_may_do,
    transaction_types_are_validated_and_listed,
    regulators_see_only_their_remit,
    the_directory_pages_with_a_cursor,
    a_caller_without_the_right_learns_nothing_of_a_bodys_shape,
    an_entitys_working_calendar_sets_its_due_times,
);

/// Organisation writes check who may act before reading the body: a
/// beneficiary sending a wrong body to each is refused as such (403, or 404
/// for an employee they cannot see), never told which fields are wrong.
async fn a_caller_without_the_right_learns_nothing_of_a_bodys_shape(app: TestApp) {
    let s = crate::transactions::setup(&app, 1, "round_robin", 61).await;
    let (ben, _) = app.beneficiary(6101).await;
    let e = s.entity.id;
    let employee = s.employees[0].0;
    let writes = [
        (Method::POST, "/api/v1/entities".to_owned(), 403),
        (Method::POST, format!("/api/v1/entities/{e}/departments"), 403),
        (Method::POST, format!("/api/v1/entities/{e}/employees"), 403),
        (Method::POST, format!("/api/v1/entities/{e}/transaction-types"), 403),
        (Method::POST, "/api/v1/regulators".to_owned(), 403),
        (Method::PATCH, format!("/api/v1/employees/{employee}"), 404),
    ];
    for (method, path, want) in writes {
        for body in [json!({}), json!({ "name_ar": 5, "surprise": true })] {
            let res = ben.request(method.clone(), &path).json(&body).send().await.unwrap();
            assert_eq!(res.status().as_u16(), want, "{method} {path}");
            let v: serde_json::Value = res.json().await.unwrap();
            assert!(v["error"].get("details").is_none(), "{method} {path}: {v}");
        }
    }
    // The same bodies from an admin are read, and their faults named.
    let res =
        s.entity.admin.request(Method::POST, &format!("/api/v1/entities/{e}/departments")).json(&json!({})).send();
    let res = res.await.unwrap();
    assert_eq!(res.status(), 422);
}

async fn an_entity_admin_builds_the_organisation(app: TestApp) {
    let e = app.entity(1).await;
    let me = e.admin.me().await.unwrap();
    assert_eq!(me.role, Role::Admin);
    assert_eq!(me.entity_id, Some(e.id));
    assert_eq!(me.permissions.as_ref().unwrap().len(), Permission::ALL.len());

    let root = e.admin.create_department(e.id, &department_request("Services", None)).await.unwrap();
    let child =
        e.admin.create_department(e.id, &department_request("Appointments", Some(root.id.to_string()))).await.unwrap();
    assert_eq!(child.parent_id, Some(root.id));
    let list = e.admin.list_departments(e.id, &PageQuery::default()).await.unwrap();
    assert_eq!(list.items.len(), 2);

    let emp =
        e.admin.create_employee(e.id, &employee_request(1, "supervisor", vec![child.id.to_string()])).await.unwrap();
    assert_eq!(emp.role, StaffRole::Supervisor);
    assert_eq!(emp.department_ids, vec![child.id]);
    assert!(emp.permissions.contains(&Permission::TransactionAssign));
    assert!(!emp.permissions.contains(&Permission::EmployeeManage));

    // The employee signs in and sees their own standing.
    let auth = app.client.login("employee1@entity.sa", PASSWORD).await.unwrap();
    assert_eq!(auth.user.role, Role::Supervisor);
    assert_eq!(auth.user.department_ids, Some(vec![child.id]));
    let staff = app.client.with_token(auth.access_token);
    // Staff can read the organisation, but not change it.
    staff.list_departments(e.id, &PageQuery::default()).await.unwrap();
    assert_eq!(staff.create_department(e.id, &department_request("X", None)).await.unwrap_err().status(), Some(403));
    // A beneficiary cannot read it either.
    let (beneficiary, _) = app.beneficiary(100).await;
    assert_eq!(beneficiary.list_departments(e.id, &PageQuery::default()).await.unwrap_err().status(), Some(403));
    // An unknown parent is a 422 naming the field.
    let bad = e
        .admin
        .create_department(e.id, &department_request("Y", Some(uuid::Uuid::now_v7().to_string())))
        .await
        .unwrap_err();
    assert_eq!(bad.status(), Some(422));
    assert_eq!(bad.code(), Some("department.unknown"));
}

async fn a_generated_password_is_emailed_and_works(app: TestApp) {
    let e = app.entity(2).await;
    let mut req = employee_request(2, "employee", vec![]);
    req.initial_password = None;
    e.admin.create_employee(e.id, &req).await.unwrap();
    let mails = app.mails(1).await;
    let mail = mails.iter().find(|m| m.contains("employee2@entity.sa")).expect("credentials e-mail");
    let password =
        mail.lines().find_map(|l| l.strip_prefix("Temporary password: ")).expect("the password line").trim().to_owned();
    assert!(mail.contains("كلمة المرور المؤقتة"), "Arabic part present");
    let auth = app.client.login("employee2@entity.sa", &password).await.unwrap();
    assert_eq!(auth.user.role, Role::Employee);
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, tawasul_client::ClientError>) -> Option<u16> {
    r.unwrap_err().status()
}

async fn an_admin_of_one_entity_cannot_touch_another(app: TestApp) {
    let a = app.entity(3).await;
    let b = app.entity(4).await;
    let b_dept = b.admin.create_department(b.id, &department_request("B", None)).await.unwrap();
    let b_emp =
        b.admin.create_employee(b.id, &employee_request(4, "employee", vec![b_dept.id.to_string()])).await.unwrap();

    assert_eq!(forbidden(a.admin.create_department(b.id, &department_request("Z", None)).await), Some(403));
    assert_eq!(forbidden(a.admin.list_departments(b.id, &PageQuery::default()).await), Some(403));
    assert_eq!(forbidden(a.admin.create_employee(b.id, &employee_request(5, "admin", vec![])).await), Some(403));
    let tt = CreateTransactionTypeRequest {
        code: "x1".into(),
        name_ar: "نوع".into(),
        name_en: "Type".into(),
        department_id: b_dept.id.to_string(),
        sla_hours: 24,
        first_response_hours: None,
        escalate_after_hours: None,
        routing: "round_robin".into(),
        fields: None,
    };
    assert_eq!(forbidden(a.admin.create_transaction_type(b.id, &tt).await), Some(403));
    // Another entity's employee is invisible: 404, and nothing changed.
    let patch = UpdateEmployeeRequest { active: Some(false), ..Default::default() };
    assert_eq!(forbidden(a.admin.update_employee(b_emp.id, &patch).await), Some(404));
    app.client.login("employee4@entity.sa", PASSWORD).await.unwrap();
    // Putting one's own employee into another entity's department is refused.
    let bad =
        a.admin.create_employee(a.id, &employee_request(6, "employee", vec![b_dept.id.to_string()])).await.unwrap_err();
    assert_eq!(bad.status(), Some(422));
    // Entity admins cannot create entities or regulators.
    assert_eq!(forbidden(a.admin.create_entity(&entity_request(7)).await), Some(403));
}

async fn grants_and_revokes_change_what_an_employee_may_do(app: TestApp) {
    let e = app.entity(8).await;
    let mut req = employee_request(8, "employee", vec![]);
    req.grant = Some(vec!["department.manage".into()]);
    req.revoke = Some(vec!["comment.internal".into()]);
    let emp = e.admin.create_employee(e.id, &req).await.unwrap();
    assert!(emp.permissions.contains(&Permission::DepartmentManage));
    assert!(!emp.permissions.contains(&Permission::CommentInternal));
    let staff = app.client.with_token(app.client.login("employee8@entity.sa", PASSWORD).await.unwrap().access_token);
    staff.create_department(e.id, &department_request("Granted", None)).await.unwrap();

    // Revoking takes effect on the next request, without signing in again.
    let patch = UpdateEmployeeRequest {
        revoke: Some(vec!["department.manage".into()]),
        grant: Some(vec![]),
        ..Default::default()
    };
    let after = e.admin.update_employee(emp.id, &patch).await.unwrap();
    assert!(!after.permissions.contains(&Permission::DepartmentManage));
    assert_eq!(
        staff.create_department(e.id, &department_request("Revoked", None)).await.unwrap_err().status(),
        Some(403)
    );

    // Leave and deactivation.
    let patch: UpdateEmployeeRequest =
        serde_json::from_value(json!({"on_leave_until": "2030-01-01T00:00:00Z"})).unwrap();
    let after = e.admin.update_employee(emp.id, &patch).await.unwrap();
    assert!(after.on_leave_until.is_some());
    let patch: UpdateEmployeeRequest =
        serde_json::from_value(json!({"on_leave_until": null, "active": false})).unwrap();
    let after = e.admin.update_employee(emp.id, &patch).await.unwrap();
    assert!(after.on_leave_until.is_none() && !after.active);
    assert_eq!(staff.me().await.unwrap_err().status(), Some(403));
    assert_eq!(app.client.login("employee8@entity.sa", PASSWORD).await.unwrap_err().status(), Some(403));
    // An unknown permission is named.
    let bad: UpdateEmployeeRequest = serde_json::from_value(json!({"grant": ["transaction.fly"]})).unwrap();
    let err = e.admin.update_employee(emp.id, &bad).await.unwrap_err();
    assert_eq!(err.status(), Some(422));
}

async fn transaction_types_are_validated_and_listed(app: TestApp) {
    let e = app.entity(9).await;
    let d = e.admin.create_department(e.id, &department_request("Appointments", None)).await.unwrap();
    let mut req = CreateTransactionTypeRequest {
        code: "appointment".into(),
        name_ar: "طلب موعد".into(),
        name_en: "Appointment request".into(),
        department_id: d.id.to_string(),
        sla_hours: 48,
        first_response_hours: None,
        escalate_after_hours: None,
        routing: "round_robin".into(),
        fields: Some(vec![FieldSpecRequest {
            key: "period".into(),
            label_ar: "الفترة".into(),
            label_en: "Period".into(),
            kind: "choice".into(),
            required: true,
            choices: Some(vec!["صباحية".into(), "مسائية".into()]),
        }]),
    };
    // A first-answer target beyond the whole target is refused on its field.
    req.first_response_hours = Some(49);
    let refused = e.admin.create_transaction_type(e.id, &req).await.unwrap_err();
    assert_eq!(refused.details().unwrap()["field"], json!("first_response_hours"));
    req.first_response_hours = Some(8);
    req.escalate_after_hours = Some(24);
    let t = e.admin.create_transaction_type(e.id, &req).await.unwrap();
    assert_eq!(t.fields[0].choices.as_ref().unwrap().len(), 2);
    assert_eq!((t.first_response_hours, t.escalate_after_hours), (Some(8), Some(24)));
    assert_eq!(e.admin.create_transaction_type(e.id, &req).await.unwrap_err().status(), Some(409));
    // Anyone signed in can list them, to open a transaction.
    let (beneficiary, _) = app.beneficiary(101).await;
    let list = beneficiary.list_transaction_types(e.id, &PageQuery::default()).await.unwrap();
    assert_eq!(list.items, vec![t]);
    req.code = "Bad Code".into();
    req.sla_hours = 0;
    let err = e.admin.create_transaction_type(e.id, &req).await.unwrap_err();
    assert_eq!(err.status(), Some(422));
    let tawasul_client::ClientError::Api { details, .. } = err else { panic!() };
    let fields: Vec<&str> =
        details.as_ref().unwrap()["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["code", "sla_hours"]);
}

async fn regulators_see_only_their_remit(app: TestApp) {
    let a = app.entity(10).await;
    let b = app.entity(11).await;
    let req = CreateRegulatorRequest {
        name_ar: "جهة رقابية".into(),
        name_en: "Regulator".into(),
        email: "regulator@oversight.sa".into(),
        mobile: "0590000001".into(),
        national_id: valid_id(1, 70_000_001),
        entity_ids: EntityIds::List(vec![a.id]),
        initial_password: Some(PASSWORD.into()),
    };
    let r = app.platform.create_regulator(&req).await.unwrap();
    assert_eq!(r.entity_ids, EntityIds::List(vec![a.id]));
    assert_eq!(a.admin.create_regulator(&req).await.unwrap_err().status(), Some(403));
    let auth = app.client.login("regulator@oversight.sa", PASSWORD).await.unwrap();
    assert_eq!(auth.user.role, Role::Regulator);
    let regulator = app.client.with_token(auth.access_token);
    regulator.list_departments(a.id, &PageQuery::default()).await.unwrap();
    assert_eq!(regulator.list_departments(b.id, &PageQuery::default()).await.unwrap_err().status(), Some(403));
    // Read-only.
    assert_eq!(
        regulator.create_department(a.id, &department_request("R", None)).await.unwrap_err().status(),
        Some(403)
    );
    // A remit naming an unknown entity is refused.
    let mut bad = req.clone();
    bad.email = "other@oversight.sa".into();
    bad.mobile = "0590000002".into();
    bad.national_id = valid_id(1, 70_000_002);
    bad.entity_ids = EntityIds::List(vec![tawasul_core::ids::EntityId::new()]);
    assert_eq!(app.platform.create_regulator(&bad).await.unwrap_err().status(), Some(422));
    let res = app
        .platform
        .request(Method::POST, "/api/v1/regulators")
        .json(&json!({
            "name_ar": "رقيب", "name_en": "All", "email": "all@oversight.sa", "mobile": "0590000003",
            "national_id": valid_id(1, 70_000_003), "entity_ids": "all", "initial_password": PASSWORD
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let all = app.client.with_token(app.client.login("all@oversight.sa", PASSWORD).await.unwrap().access_token);
    all.list_departments(b.id, &PageQuery::default()).await.unwrap();
}

async fn the_directory_pages_with_a_cursor(app: TestApp) {
    for n in 20..25 {
        app.platform.create_entity(&entity_request(n)).await.unwrap();
    }
    let (beneficiary, _) = app.beneficiary(102).await;
    let first = beneficiary.list_entities(&PageQuery { limit: Some(2), cursor: None }).await.unwrap();
    assert_eq!(first.items.len(), 2);
    let mut seen: Vec<_> = first.items.iter().map(|e| e.id).collect();
    let mut cursor = first.next_cursor;
    while let Some(c) = cursor {
        let page = beneficiary.list_entities(&PageQuery { limit: Some(2), cursor: Some(c) }).await.unwrap();
        seen.extend(page.items.iter().map(|e| e.id));
        cursor = page.next_cursor;
    }
    assert_eq!(seen.len(), 5);
    let mut dedup = seen.clone();
    dedup.dedup();
    assert_eq!(dedup, seen);
    assert_eq!(beneficiary.list_entities(&PageQuery { limit: Some(500), cursor: None }).await.unwrap().items.len(), 5);
    let bad = beneficiary.request(Method::GET, "/api/v1/entities?cursor=nope").send().await.unwrap();
    assert_eq!(bad.status(), 422);
}

/// The calendar is read by the entity's staff and regulators, set by its
/// admin alone, checked field by field, audited, and due times follow it:
/// here every day works from midnight to noon, UTC, so a 48-hour target is
/// four working days — hand-counted, not computed by the code under test.
async fn an_entitys_working_calendar_sets_its_due_times(app: TestApp) {
    use chrono::Timelike;
    let s = crate::transactions::setup(&app, 1, "round_robin", 65).await;
    let (e, admin) = (s.entity.id, &s.entity.admin);
    let default = admin.calendar(e).await.unwrap();
    assert_eq!(default.working_days, ["sunday", "monday", "tuesday", "wednesday", "thursday"]);
    assert_eq!((default.opens.as_str(), default.closes.as_str()), ("07:30", "14:30"));
    assert_eq!(default.time_zone, "Asia/Riyadh");
    assert!(default.holidays.iter().any(|h| matches!(h, tawasul_core::calendar::Holiday::Hijri { month: 10, .. })));

    // Only the admin sets it; a beneficiary does not even read it.
    let (ben, _) = app.beneficiary(6500).await;
    assert_eq!(ben.calendar(e).await.unwrap_err().status(), Some(403));
    let employee = &s.employees[0].1;
    assert_eq!(employee.calendar(e).await.unwrap(), default);
    assert_eq!(employee.set_calendar(e, &default).await.unwrap_err().status(), Some(403));
    // Wrong fields are named, and nothing changes.
    let mut wrong = default.clone();
    wrong.time_zone = "Asia/Nowhere".into();
    wrong.opens = "7:3".into();
    let refused = admin.set_calendar(e, &wrong).await.unwrap_err();
    assert_eq!(refused.status(), Some(422));
    let named: Vec<_> =
        refused.details().unwrap()["fields"].as_array().unwrap().iter().map(|f| f["field"].clone()).collect();
    assert_eq!(named, [json!("time_zone"), json!("opens")]);
    assert_eq!(admin.calendar(e).await.unwrap(), default);

    let noon = CalendarView {
        time_zone: "UTC".into(),
        working_days: ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
            .map(str::to_owned)
            .to_vec(),
        opens: "00:00".into(),
        closes: "12:00".into(),
        holidays: vec![],
    };
    assert_eq!(admin.set_calendar(e, &noon).await.unwrap(), noon);
    assert_eq!(employee.calendar(e).await.unwrap(), noon);
    let t = ben.create_transaction(&crate::transactions::request(e, s.type_id, 1)).await.unwrap();
    let opened = t.created_at;
    let expected = if opened.hour() < 12 {
        opened + chrono::Duration::days(4)
    } else {
        (opened.date_naive() + chrono::Duration::days(4)).and_hms_opt(12, 0, 0).unwrap().and_utc()
    };
    assert_eq!(t.due_at, expected, "opened at {opened}");
    // Audited with what it was and what it became.
    sealed(&app).await;
    let entries = tawasul_storage::audit::with_action(app.db.read(), tawasul_core::audit::AuditAction::CalendarUpdate)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].after.as_ref().unwrap()["closes"], json!("12:00"));
    assert_eq!(entries[0].before.as_ref().unwrap()["closes"], json!("14:30"));
}
