//! `serve --demo`: a realistic demo data set in Arabic and English — a ministry,
//! a regional emirate and a company, with departments, employees of every role,
//! transaction types, beneficiaries, a regulator and a platform administrator.
//! Loading it twice changes nothing: each entity is keyed by its unified number
//! and each person by their national ID.

mod history;
use chrono::Utc;
use tawasul_core::api::{
    CreateDepartmentRequest, CreateEmployeeRequest, CreateEntityRequest, CreateRegulatorRequest,
    CreateTransactionTypeRequest, EntityIds, FieldSpecRequest, NewEntityAdminRequest, RegisterRequest,
};
use tawasul_core::identity::{Email, NationalId, id_check_digit};
use tawasul_core::ids::{DepartmentId, EntityId};
use tawasul_storage::{TransactionTrait, accounts, organisation};

use crate::app::App;

use crate::auth::passwords;

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "Tawasul@1448";

/// A valid national ID (prefix 1) or iqama (prefix 2) from eight digits.
pub fn demo_id(prefix: u8, n: u32) -> String {
    let body = format!("{prefix}{n:08}");
    let mut nine = [0u8; 9];
    for (d, b) in nine.iter_mut().zip(body.bytes()) {
        *d = b - b'0';
    }
    format!("{body}{}", id_check_digit(&nine))
}

struct Person {
    ar: &'static str,
    en: &'static str,
    email: &'static str,
    mobile: &'static str,
    id: u32,
}

struct Dept {
    ar: &'static str,
    en: &'static str,
    /// Index of the parent in the same list.
    parent: Option<usize>,
}

struct Staff {
    person: Person,
    role: &'static str,
    departments: &'static [usize],
}

struct TypeSpec {
    code: &'static str,
    ar: &'static str,
    en: &'static str,
    department: usize,
    sla_hours: i64,
    /// The first answer's target and the escalation delay, in working hours.
    first_response_hours: Option<i64>,
    escalate_after_hours: Option<i64>,
    routing: &'static str,
    fields: fn() -> Vec<FieldSpecRequest>,
}

struct EntitySpec {
    ar: &'static str,
    en: &'static str,
    kind: &'static str,
    unified: &'static str,
    admin: Person,
    departments: &'static [Dept],
    staff: Vec<Staff>,
    types: Vec<TypeSpec>,
}

fn field(key: &str, ar: &str, en: &str, kind: &str, required: bool, choices: Option<&[&str]>) -> FieldSpecRequest {
    FieldSpecRequest {
        key: key.into(),
        label_ar: ar.into(),
        label_en: en.into(),
        kind: kind.into(),
        required,
        choices: choices.map(|c| c.iter().map(|s| (*s).to_owned()).collect()),
    }
}

fn appointment_fields() -> Vec<FieldSpecRequest> {
    vec![
        field("preferred_date", "التاريخ المفضل", "Preferred date", "date", true, None),
        field("period", "الفترة", "Period", "choice", true, Some(&["صباحية", "مسائية"])),
        field("visitors", "عدد المراجعين", "Number of visitors", "number", false, None),
    ]
}

fn complaint_fields() -> Vec<FieldSpecRequest> {
    vec![
        field("incident_date", "تاريخ الواقعة", "Date of the incident", "date", true, None),
        field(
            "channel",
            "جهة تقديم الخدمة",
            "Service channel",
            "choice",
            true,
            Some(&["فرع", "موقع إلكتروني", "هاتف"]),
        ),
        field("evidence", "مستند داعم", "Supporting document", "file", false, None),
    ]
}

fn support_fields() -> Vec<FieldSpecRequest> {
    vec![
        field("account_number", "رقم الحساب", "Account number", "text", true, None),
        field("category", "التصنيف", "Category", "choice", true, Some(&["فاتورة", "انقطاع", "توصيل جديد"])),
    ]
}

fn no_fields() -> Vec<FieldSpecRequest> {
    vec![]
}

fn entities() -> Vec<EntitySpec> {
    vec![
        EntitySpec {
            ar: "وزارة الموارد البشرية والتنمية الاجتماعية",
            en: "Ministry of Human Resources and Social Development",
            kind: "government",
            unified: "7000000101",
            admin: Person {
                ar: "عبدالله بن سعد القحطاني",
                en: "Abdullah S. Alqahtani",
                email: "admin@hrsd.demo.sa",
                mobile: "0550000101",
                id: 1001,
            },
            departments: &[
                Dept { ar: "خدمة المستفيدين", en: "Beneficiary Services", parent: None },
                Dept { ar: "المواعيد", en: "Appointments", parent: Some(0) },
                Dept { ar: "الشكاوى والبلاغات", en: "Complaints and Reports", parent: Some(0) },
                Dept { ar: "الشؤون القانونية", en: "Legal Affairs", parent: None },
            ],
            staff: vec![
                Staff {
                    person: Person {
                        ar: "نورة بنت محمد العتيبي",
                        en: "Noura M. Alotaibi",
                        email: "supervisor@hrsd.demo.sa",
                        mobile: "0550000102",
                        id: 1002,
                    },
                    role: "supervisor",
                    departments: &[0, 1, 2],
                },
                Staff {
                    person: Person {
                        ar: "فهد بن علي الشهري",
                        en: "Fahad A. Alshehri",
                        email: "fahad@hrsd.demo.sa",
                        mobile: "0550000103",
                        id: 1003,
                    },
                    role: "employee",
                    departments: &[1],
                },
                Staff {
                    person: Person {
                        ar: "ريم بنت خالد الدوسري",
                        en: "Reem K. Aldosari",
                        email: "reem@hrsd.demo.sa",
                        mobile: "0550000104",
                        id: 1004,
                    },
                    role: "employee",
                    departments: &[1, 2],
                },
                Staff {
                    person: Person {
                        ar: "ماجد بن عمر الحربي",
                        en: "Majed O. Alharbi",
                        email: "majed@hrsd.demo.sa",
                        mobile: "0550000105",
                        id: 1005,
                    },
                    role: "employee",
                    departments: &[2],
                },
            ],
            types: vec![
                TypeSpec {
                    code: "appointment",
                    ar: "طلب موعد",
                    en: "Appointment request",
                    department: 1,
                    sla_hours: 48,
                    first_response_hours: Some(8),
                    escalate_after_hours: Some(16),
                    routing: "round_robin",
                    fields: appointment_fields,
                },
                TypeSpec {
                    code: "complaint",
                    ar: "شكوى",
                    en: "Complaint",
                    department: 2,
                    sla_hours: 72,
                    first_response_hours: Some(8),
                    escalate_after_hours: Some(24),
                    routing: "least_loaded",
                    fields: complaint_fields,
                },
            ],
        },
        EntitySpec {
            ar: "إمارة منطقة الرياض",
            en: "Riyadh Region Emirate",
            kind: "government",
            unified: "7000000202",
            admin: Person {
                ar: "سلطان بن فيصل السبيعي",
                en: "Sultan F. Alsubaie",
                email: "admin@emirate.demo.sa",
                mobile: "0550000201",
                id: 2001,
            },
            departments: &[
                Dept { ar: "الاتصالات الإدارية", en: "Administrative Communications", parent: None },
                Dept { ar: "الحقوق المدنية", en: "Civil Rights", parent: None },
            ],
            staff: vec![
                Staff {
                    person: Person {
                        ar: "هيفاء بنت ناصر المطيري",
                        en: "Haifa N. Almutairi",
                        email: "supervisor@emirate.demo.sa",
                        mobile: "0550000202",
                        id: 2002,
                    },
                    role: "supervisor",
                    departments: &[0, 1],
                },
                Staff {
                    person: Person {
                        ar: "تركي بن سالم الزهراني",
                        en: "Turki S. Alzahrani",
                        email: "turki@emirate.demo.sa",
                        mobile: "0550000203",
                        id: 2003,
                    },
                    role: "employee",
                    departments: &[0],
                },
                Staff {
                    person: Person {
                        ar: "أمل بنت راشد الغامدي",
                        en: "Amal R. Alghamdi",
                        email: "amal@emirate.demo.sa",
                        mobile: "0550000204",
                        id: 2004,
                    },
                    role: "employee",
                    departments: &[1],
                },
            ],
            types: vec![
                TypeSpec {
                    code: "petition",
                    ar: "معروض",
                    en: "Petition",
                    department: 0,
                    sla_hours: 120,
                    first_response_hours: Some(24),
                    escalate_after_hours: None,
                    routing: "round_robin",
                    fields: no_fields,
                },
                TypeSpec {
                    code: "appointment",
                    ar: "طلب مقابلة",
                    en: "Meeting request",
                    department: 1,
                    sla_hours: 72,
                    first_response_hours: Some(8),
                    escalate_after_hours: Some(24),
                    routing: "least_loaded",
                    fields: appointment_fields,
                },
            ],
        },
        EntitySpec {
            ar: "شركة المياه الوطنية",
            en: "National Water Company",
            kind: "private",
            unified: "7000000303",
            admin: Person {
                ar: "خالد بن إبراهيم الشمري",
                en: "Khalid I. Alshammari",
                email: "admin@water.demo.sa",
                mobile: "0550000301",
                id: 3001,
            },
            departments: &[
                Dept { ar: "خدمة العملاء", en: "Customer Care", parent: None },
                Dept { ar: "الدعم الفني", en: "Technical Support", parent: Some(0) },
                Dept { ar: "الفوترة", en: "Billing", parent: Some(0) },
            ],
            staff: vec![
                Staff {
                    person: Person {
                        ar: "سارة بنت عبدالعزيز الرشيد",
                        en: "Sara A. Alrasheed",
                        email: "supervisor@water.demo.sa",
                        mobile: "0550000302",
                        id: 3002,
                    },
                    role: "supervisor",
                    departments: &[0, 1],
                },
                Staff {
                    person: Person {
                        ar: "يوسف بن حمد العنزي",
                        en: "Yousef H. Alanazi",
                        email: "yousef@water.demo.sa",
                        mobile: "0550000303",
                        id: 3003,
                    },
                    role: "employee",
                    departments: &[1],
                },
            ],
            types: vec![
                TypeSpec {
                    code: "support",
                    ar: "تذكرة دعم",
                    en: "Support ticket",
                    department: 1,
                    sla_hours: 24,
                    first_response_hours: Some(4),
                    escalate_after_hours: Some(8),
                    routing: "least_loaded",
                    fields: support_fields,
                },
                TypeSpec {
                    code: "complaint",
                    ar: "شكوى",
                    en: "Complaint",
                    department: 0,
                    sla_hours: 72,
                    first_response_hours: Some(8),
                    escalate_after_hours: Some(24),
                    routing: "round_robin",
                    fields: complaint_fields,
                },
                TypeSpec {
                    code: "billing",
                    ar: "اعتراض على فاتورة",
                    en: "Billing dispute",
                    department: 2,
                    sla_hours: 96,
                    first_response_hours: Some(24),
                    escalate_after_hours: None,
                    routing: "least_loaded",
                    fields: no_fields,
                },
            ],
        },
    ]
}

/// Beneficiaries: (name ar, name en, id type, id number, mobile, e-mail).
fn beneficiaries() -> Vec<RegisterRequest> {
    let b = |ar: &str, en: &str, id_type: &str, id: String, mobile: &str, email: &str, residence: &str, lang: &str| {
        RegisterRequest {
            name_ar: ar.into(),
            name_en: en.into(),
            id_type: id_type.into(),
            id_number: id,
            password: DEMO_PASSWORD.into(),
            mobile: mobile.into(),
            email: email.into(),
            residence: residence.into(),
            language: Some(lang.into()),
        }
    };
    vec![
        b(
            "محمد بن عبدالرحمن الغامدي",
            "Mohammed A. Alghamdi",
            "national_id",
            demo_id(1, 9001),
            "0551110001",
            "mohammed@example.sa",
            "inside",
            "ar",
        ),
        b(
            "لطيفة بنت سعود الحربي",
            "Latifa S. Alharbi",
            "national_id",
            demo_id(1, 9002),
            "0551110002",
            "latifa@example.sa",
            "inside",
            "ar",
        ),
        b(
            "أحمد حسن محمود",
            "Ahmed Hassan Mahmoud",
            "iqama",
            demo_id(2, 9003),
            "0551110003",
            "ahmed@example.com",
            "inside",
            "ar",
        ),
        b(
            "Priya Raman",
            "Priya Raman",
            "passport",
            "P4820193".into(),
            "0551110004",
            "priya@example.com",
            "outside",
            "en",
        ),
    ]
}

fn admin_request(p: &Person) -> NewEntityAdminRequest {
    NewEntityAdminRequest {
        name_ar: p.ar.into(),
        name_en: p.en.into(),
        email: p.email.into(),
        mobile: p.mobile.into(),
        national_id: demo_id(1, p.id),
        initial_password: Some(DEMO_PASSWORD.into()),
    }
}

/// Loads the demo data where it is missing and returns the log-ins to print.
pub async fn seed(app: &App) -> anyhow::Result<Vec<(String, String)>> {
    let db = &app.db;
    let hash = passwords::hash(DEMO_PASSWORD.to_owned()).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let now = Utc::now();
    let mut logins = Vec::new();

    let platform = Email::parse("platform@tawasul.demo.sa").map_err(|e| anyhow::anyhow!("{e}"))?;
    accounts::upsert_platform_admin(db.write(), &platform, &hash, now).await?;
    logins.push(("platform admin / مسؤول المنصة".to_owned(), platform.to_string()));

    let mut entity_ids: Vec<EntityId> = Vec::new();
    for spec in entities() {
        logins.push((format!("{} admin", spec.en), spec.admin.email.to_owned()));
        for s in &spec.staff {
            logins.push((format!("{} {}", spec.en, s.role), s.person.email.to_owned()));
        }
        if let Some(existing) = organisation::find_entity_by_unified_number(db.read(), spec.unified).await? {
            entity_ids.push(existing.id);
            continue;
        }
        let tx = db.write().begin().await?;
        let request = CreateEntityRequest {
            name_ar: spec.ar.into(),
            name_en: spec.en.into(),
            kind: spec.kind.into(),
            unified_number: spec.unified.into(),
            admin: admin_request(&spec.admin),
        };
        let parsed = request.parse().map_err(|e| anyhow::anyhow!("demo entity: {e:?}"))?;
        let (entity, _) = organisation::create_entity(&tx, &parsed, &hash, now).await?;
        let mut depts: Vec<DepartmentId> = Vec::new();
        for d in spec.departments {
            let req = CreateDepartmentRequest {
                name_ar: d.ar.into(),
                name_en: d.en.into(),
                parent_id: d.parent.map(|i| depts[i].to_string()),
            };
            let parsed = req.parse().map_err(|e| anyhow::anyhow!("demo department: {e:?}"))?;
            depts.push(organisation::create_department(&tx, entity.id, &parsed, now).await?.id);
        }
        for s in &spec.staff {
            let req = CreateEmployeeRequest {
                name_ar: s.person.ar.into(),
                name_en: s.person.en.into(),
                email: s.person.email.into(),
                mobile: s.person.mobile.into(),
                national_id: demo_id(1, s.person.id),
                department_ids: s.departments.iter().map(|i| depts[*i].to_string()).collect(),
                role: s.role.into(),
                grant: None,
                revoke: None,
                initial_password: Some(DEMO_PASSWORD.into()),
            };
            let parsed = req.parse().map_err(|e| anyhow::anyhow!("demo employee: {e:?}"))?;
            organisation::create_employee(&tx, entity.id, &parsed, &hash, now).await?;
        }
        for t in &spec.types {
            let req = CreateTransactionTypeRequest {
                code: t.code.into(),
                name_ar: t.ar.into(),
                name_en: t.en.into(),
                department_id: depts[t.department].to_string(),
                sla_hours: t.sla_hours,
                first_response_hours: t.first_response_hours,
                escalate_after_hours: t.escalate_after_hours,
                routing: t.routing.into(),
                fields: Some((t.fields)()),
            };
            let parsed = req.parse().map_err(|e| anyhow::anyhow!("demo type: {e:?}"))?;
            organisation::create_transaction_type(&tx, entity.id, &parsed, now).await?;
        }
        tx.commit().await?;
        entity_ids.push(entity.id);
    }

    let regulator_id = demo_id(1, 5001);
    let regulator_nid = NationalId::parse(&regulator_id).map_err(|e| anyhow::anyhow!("{e}"))?;
    if !accounts::exists_by_national_id(db.read(), &regulator_nid).await? {
        let req = CreateRegulatorRequest {
            name_ar: "هيئة الرقابة ومكافحة الفساد".into(),
            name_en: "Oversight and Anti-Corruption Authority".into(),
            email: "regulator@nazaha.demo.sa".into(),
            mobile: "0550005001".into(),
            national_id: regulator_id,
            entity_ids: EntityIds::List(entity_ids[..2].to_vec()),
            initial_password: Some(DEMO_PASSWORD.into()),
        };
        let parsed = req.parse().map_err(|e| anyhow::anyhow!("demo regulator: {e:?}"))?;
        organisation::create_regulator(db.write(), &parsed, &hash, now).await?;
    }
    logins.push(("regulator / جهة رقابية".into(), "regulator@nazaha.demo.sa".into()));

    for b in beneficiaries() {
        let parsed = b.parse().map_err(|e| anyhow::anyhow!("demo beneficiary: {e:?}"))?;
        match accounts::register_beneficiary(db.write(), &parsed, &hash, now).await {
            Ok(_) | Err(tawasul_storage::StorageError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
        logins.push(("beneficiary / مستفيد".into(), b.email.clone()));
    }
    transactions::seed(app, now).await?;
    Ok(logins)
}

/// Transactions in every state, with external and internal comments, made
/// through the same use cases as the API (so the demo obeys every rule and
/// leaves the same audit trail).
mod transactions {
    use chrono::{DateTime, Duration, Utc};
    use serde_json::{Value, json};
    use tawasul_core::api::{NewTransaction, Page, PageQuery, Priority, TransactionView};
    use tawasul_core::identity::LoginIdentifier;
    use tawasul_core::ids::{EntityId, TransactionId, TransactionTypeId, UserId};
    use tawasul_core::indicators::Indicator;
    use tawasul_core::lifecycle::Command;
    use tawasul_core::visibility::{ListScope, Visibility};
    use tawasul_storage::accounts::{self, Account};
    use tawasul_storage::transactions::{self as store, Stored};
    use tawasul_storage::{Db, organisation};

    use crate::app::App;

    pub(super) async fn person(db: &Db, email: &str) -> anyhow::Result<Account> {
        let creds = accounts::find_credentials(db.read(), &LoginIdentifier::parse(email)).await?;
        let id = creds.ok_or_else(|| anyhow::anyhow!("demo account {email} missing"))?.user_id;
        accounts::load(db.read(), id).await?.ok_or_else(|| anyhow::anyhow!("demo account {email} missing"))
    }

    pub(super) async fn type_id(db: &Db, unified: &str, code: &str) -> anyhow::Result<(EntityId, TransactionTypeId)> {
        let entity = organisation::find_entity_by_unified_number(db.read(), unified)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo entity {unified} missing"))?;
        let types = organisation::list_transaction_types(
            db.read(),
            entity.id,
            &PageQuery::default().parse().map_err(|e| anyhow::anyhow!("{e:?}"))?,
        )
        .await?;
        let t = types
            .items
            .into_iter()
            .find(|t| t.code == code)
            .ok_or_else(|| anyhow::anyhow!("demo type {code} missing"))?;
        Ok((entity.id, t.id))
    }

    struct Script<'a> {
        app: &'a App,
    }

    impl Script<'_> {
        async fn open(
            &self,
            who: &Account,
            unified: &str,
            code: &str,
            subject: &str,
            body: &str,
            fields: Value,
        ) -> anyhow::Result<(TransactionId, Account)> {
            let (entity_id, type_id) = type_id(&self.app.db, unified, code).await?;
            let t = NewTransaction {
                entity_id,
                type_id,
                subject: subject.into(),
                body: body.into(),
                priority: Priority::Normal,
                fields: serde_json::from_value(fields)?,
            };
            let (s, _) = self.app.open_transaction(who, &t).await.map_err(failed)?;
            Ok((s.id(), self.assignee(&s).await?))
        }

        async fn assignee(&self, s: &Stored) -> anyhow::Result<Account> {
            let id = s.facts.assignee_id.ok_or_else(|| anyhow::anyhow!("demo transaction was not routed"))?;
            accounts::load(self.app.db.read(), id).await?.ok_or_else(|| anyhow::anyhow!("assignee missing"))
        }

        async fn act(&self, who: &Account, id: TransactionId, cmd: Command) -> anyhow::Result<()> {
            self.app.act(who, id, cmd).await.map_err(failed)?;
            Ok(())
        }

        async fn comment(&self, who: &Account, id: TransactionId, v: Visibility, body: &str) -> anyhow::Result<()> {
            self.act(who, id, Command::Comment { visibility: v, body: body.into() }).await
        }
    }

    pub(super) fn failed(e: crate::error::ApiError) -> anyhow::Error {
        anyhow::anyhow!("demo step refused: {}", e.code.as_str())
    }

    pub async fn seed(app: &App, now: DateTime<Utc>) -> anyhow::Result<()> {
        let db = &app.db;
        let page = PageQuery::default().parse().map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let existing: Page<TransactionView> =
            store::list(db.read(), &ListScope::Everything, UserId::new(), &Default::default(), &page, now).await?;
        if !existing.items.is_empty() {
            return Ok(());
        }
        // Six months of the past first, without announcing it to anyone;
        // then today's transactions, each in a state worth showing.
        super::history::seed(app, now).await?;
        crate::notifier::skip_to_end(db).await?;
        // The platform admin's targets, so that the performance index shows.
        let platform = person(db, "platform@tawasul.demo.sa").await?;
        for (unified, targets) in [
            ("7000000101", [(Indicator::CompletionRate, 0.9), (Indicator::OnTimeRate, 0.85), (Indicator::Rating, 4.5)]),
            ("7000000202", [(Indicator::CompletionRate, 0.8), (Indicator::OnTimeRate, 0.8), (Indicator::Rating, 4.0)]),
            ("7000000303", [(Indicator::CompletionRate, 0.95), (Indicator::OnTimeRate, 0.9), (Indicator::Rating, 4.5)]),
        ] {
            let entity = organisation::find_entity_by_unified_number(db.read(), unified)
                .await?
                .ok_or_else(|| anyhow::anyhow!("demo entity {unified} missing"))?;
            app.set_targets(&platform.actor, entity.id, &targets.into()).await.map_err(failed)?;
        }
        let x = Script { app };
        let mohammed = person(db, "mohammed@example.sa").await?;
        let latifa = person(db, "latifa@example.sa").await?;
        let ahmed = person(db, "ahmed@example.com").await?;
        let priya = person(db, "priya@example.com").await?;
        let hrsd_supervisor = person(db, "supervisor@hrsd.demo.sa").await?;
        let water_supervisor = person(db, "supervisor@water.demo.sa").await?;
        let (hrsd, water) = ("7000000101", "7000000303");

        // Assigned, untouched.
        x.open(
            &mohammed,
            hrsd,
            "appointment",
            "طلب موعد لمراجعة ملف الضمان الاجتماعي",
            "أرغب في حجز موعد لمراجعة ملفي في الضمان الاجتماعي وتحديث بيانات الأسرة.",
            json!({"preferred_date": "2026-12-06", "period": "صباحية", "visitors": 1}),
        )
        .await?;

        // In progress (the assignee's first external reply starts the work),
        // with both kinds of comments.
        let (id, e) = x
            .open(
                &latifa,
                hrsd,
                "complaint",
                "تأخر صرف مستحقات الضمان لشهرين",
                "لم تُصرف مستحقات الضمان لشهري ربيع الأول وربيع الآخر رغم اكتمال الملف.",
                json!({"incident_date": "2026-10-15", "channel": "موقع إلكتروني"}),
            )
            .await?;
        x.comment(
            &e,
            id,
            Visibility::Internal,
            "راجعت النظام: الملف معلّق بسبب عدم تحديث الحساب البنكي. أحتاج تأكيد الإدارة المالية.",
        )
        .await?;
        x.comment(&e, id, Visibility::External, "شكراً لتواصلك. نراجع ملفك الآن وسنفيدك خلال يومي عمل.").await?;

        // Awaiting the beneficiary.
        let (id, e) = x
            .open(
                &ahmed,
                hrsd,
                "appointment",
                "موعد لتجديد رخصة العمل",
                "أحتاج موعداً لتجديد رخصة العمل قبل انتهائها.",
                json!({"preferred_date": "2026-12-10", "period": "مسائية"}),
            )
            .await?;
        let message = "يرجى إرفاق صورة الإقامة سارية المفعول لإكمال الطلب.".into();
        x.act(&e, id, Command::AwaitBeneficiary { message }).await?;

        // Postponed by the supervisor, in English.
        let (id, e) = x
            .open(
                &priya,
                water,
                "support",
                "Water outage in Al-Malqa district",
                "No water supply at my address since yesterday evening.",
                json!({"account_number": "10045822", "category": "انقطاع"}),
            )
            .await?;
        x.comment(&e, id, Visibility::Internal, "Field team scheduled; main valve replacement needs a permit.").await?;
        let postpone = Command::Postpone {
            until: now + Duration::days(3),
            reason: "Awaiting the municipality's excavation permit".into(),
        };
        x.act(&water_supervisor, id, postpone).await?;

        // Completed and rated.
        let (id, e) = x
            .open(
                &mohammed,
                water,
                "complaint",
                "فاتورة مياه مرتفعة بشكل غير معتاد",
                "وصلتني فاتورة تعادل ثلاثة أضعاف المعتاد دون تغيير في الاستهلاك.",
                json!({"incident_date": "2026-11-01", "channel": "فرع"}),
            )
            .await?;
        x.comment(&e, id, Visibility::External, "تم فحص العداد وتبيّن وجود تسرّب، وعُدّلت الفاتورة.").await?;
        x.act(&e, id, Command::Complete { note: None }).await?;
        x.act(&mohammed, id, Command::Rate { stars: 4, comment: Some("حل سريع، شكراً".into()) }).await?;

        // Rejected by the supervisor, with a reason.
        let (id, _) = x
            .open(
                &latifa,
                hrsd,
                "appointment",
                "حجز موعد مكرر",
                "أرغب في موعد لمراجعة الملف.",
                json!({"preferred_date": "2026-12-06", "period": "صباحية"}),
            )
            .await?;
        let reason = "يوجد طلب موعد قائم بنفس الموضوع".into();
        x.act(&hrsd_supervisor, id, Command::Reject { reason }).await?;

        // Completed, then reopened by the beneficiary.
        let (id, e) = x
            .open(
                &ahmed,
                hrsd,
                "complaint",
                "عدم الرد على طلب نقل الكفالة",
                "قدّمت طلب نقل كفالة منذ شهر ولم أتلقّ رداً.",
                json!({"incident_date": "2026-10-20", "channel": "هاتف"}),
            )
            .await?;
        x.comment(&e, id, Visibility::External, "تمت معالجة طلب نقل الكفالة.").await?;
        x.act(&e, id, Command::Complete { note: None }).await?;
        x.act(&ahmed, id, Command::Reopen { reason: "لم يتغير شيء في حالة الطلب".into() }).await?;

        // New: the billing department has nobody yet, so it waits in the queue.
        let (entity_id, type_id) = type_id(db, water, "billing").await?;
        let t = NewTransaction {
            entity_id,
            type_id,
            subject: "Disputed connection fee".into(),
            body: "I was charged a new-connection fee for an existing connection.".into(),
            priority: Priority::Normal,
            fields: Default::default(),
        };
        app.open_transaction(&priya, &t).await.map_err(failed)?;
        Ok(())
    }
}
