//! Six months of the demo's past, so that every figure and chart shows
//! something the moment a person opens it: a few hundred transactions over
//! the working days, answered and closed by employees who work at different
//! paces, some late, some escalated by the SLA monitor, most rated. Made by
//! the same use cases as everything else, with the use cases' clock set to
//! each step's instant; the monitor is run at its hours as the days pass.
//! Each employee's time on the platform on those days is recorded as the
//! presence tracker records it (`storage::presence`), a working day's worth
//! give or take, with some days away. Seeded (a fixed seed): the same history on every machine.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use serde_json::{Value, json};
use tawasul_core::api::{NewTransaction, Priority};
use tawasul_core::calendar::WorkingCalendar;
use tawasul_core::ids::{EntityId, TransactionId, TransactionTypeId, UserId};
use tawasul_core::lifecycle::Command;
use tawasul_core::visibility::Visibility;
use tawasul_storage::accounts::{self, Account};
use tawasul_storage::transactions as store;

use super::transactions::{failed, person, type_id};
use crate::app::{App, Clock};

/// How far back the history goes.
const DAYS: i64 = 182;

/// A small, seeded generator (SplitMix64): the history is the same everywhere.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// A type of the history: where, what people ask, and its fields.
struct Kind {
    unified: &'static str,
    code: &'static str,
    sla_hours: f64,
    /// Transactions opened on a working day, on average.
    per_day: f64,
    subjects: &'static [(&'static str, &'static str)],
    fields: fn(&mut Dice, NaiveDate) -> Value,
}

fn kinds() -> Vec<Kind> {
    vec![
        Kind {
            unified: "7000000101",
            code: "appointment",
            sla_hours: 48.0,
            per_day: 1.0,
            subjects: &[
                ("طلب موعد لمراجعة ملف الضمان", "أرغب في موعد لمراجعة ملفي وتحديث بيانات الأسرة."),
                ("موعد لتحديث بيانات التأهيل الشامل", "أحتاج موعداً لتحديث بيانات التأهيل الشامل."),
                ("موعد لاستلام شهادة", "أرغب في موعد لاستلام شهادة الراتب."),
            ],
            fields: |d, day| {
                let period = *d.pick(&["صباحية", "مسائية"]);
                json!({"preferred_date": (day + Duration::days(4)).to_string(), "period": period})
            },
        },
        Kind {
            unified: "7000000101",
            code: "complaint",
            sla_hours: 72.0,
            per_day: 0.8,
            subjects: &[
                ("تأخر صرف المستحقات", "لم تُصرف المستحقات لهذا الشهر رغم اكتمال الملف."),
                ("عدم الرد على طلب نقل الكفالة", "قدّمت الطلب منذ أسابيع ولم أتلقّ رداً."),
                ("خطأ في بيانات الأسرة", "تظهر بيانات أحد أفراد الأسرة خاطئة في النظام."),
            ],
            fields: |d, day| {
                let channel = *d.pick(&["فرع", "موقع إلكتروني", "هاتف"]);
                json!({"incident_date": (day - Duration::days(3)).to_string(), "channel": channel})
            },
        },
        Kind {
            unified: "7000000202",
            code: "petition",
            sla_hours: 120.0,
            per_day: 0.4,
            subjects: &[
                ("معروض بشأن منحة أرض", "أتقدم بمعروضي للنظر في طلب المنحة المقدم منذ عامين."),
                ("معروض لإعادة النظر في قرار", "أرجو إعادة النظر في القرار الصادر بشأن طلبي."),
            ],
            fields: |_, _| json!({}),
        },
        Kind {
            unified: "7000000303",
            code: "support",
            sla_hours: 24.0,
            per_day: 1.2,
            subjects: &[
                ("انقطاع المياه عن المنزل", "انقطعت المياه منذ الصباح دون إشعار."),
                ("Low water pressure", "The water pressure has been very low for three days."),
                ("طلب توصيل عداد جديد", "أرغب في توصيل عداد للمبنى الجديد."),
            ],
            fields: |d, _| {
                let category = *d.pick(&["فاتورة", "انقطاع", "توصيل جديد"]);
                json!({"account_number": format!("100{:05}", d.next() % 100_000), "category": category})
            },
        },
        Kind {
            unified: "7000000303",
            code: "complaint",
            sla_hours: 72.0,
            per_day: 0.5,
            subjects: &[
                ("فاتورة مرتفعة بشكل غير معتاد", "وصلتني فاتورة تعادل ثلاثة أضعاف المعتاد."),
                ("Meter reading is wrong", "The reading on my bill does not match the meter."),
            ],
            fields: |d, day| {
                let channel = *d.pick(&["فرع", "موقع إلكتروني", "هاتف"]);
                json!({"incident_date": (day - Duration::days(2)).to_string(), "channel": channel})
            },
        },
    ]
}

/// How fast each demo employee works: a factor on their answer and
/// completion times (less is faster), so that their figures differ.
fn pace(email: Option<&str>) -> f64 {
    match email {
        Some("fahad@hrsd.demo.sa") => 0.5,
        Some("reem@hrsd.demo.sa") => 0.9,
        Some("majed@hrsd.demo.sa") => 1.8,
        Some(e) if e.ends_with("@water.demo.sa") => 0.7,
        _ => 1.2,
    }
}

/// What happens, and when.
#[derive(Debug, Clone)]
enum Step {
    Open {
        kind: usize,
        beneficiary: usize,
        subject: usize,
        fields: Value,
    },
    /// The holder (whoever holds it by then) writes.
    Note(Visibility, &'static str),
    AskBeneficiary,
    BeneficiaryAnswers,
    Complete,
    Reject,
    Rate(u8),
    /// The SLA monitor looks.
    Monitor,
}

const ANSWERS: [&str; 3] = [
    "شكراً لتواصلك، نراجع طلبك الآن وسنفيدك قريباً.",
    "تم استلام طلبك وإحالته إلى المختص.",
    "Thank you, we are looking into it and will update you shortly.",
];
const NOTES: [&str; 2] =
    ["راجعت النظام، الملف يحتاج تأكيد الإدارة المالية.", "Checked with the field team; a visit is scheduled."];

/// The history, up to `now`.
pub async fn seed(app: &App, now: DateTime<Utc>) -> anyhow::Result<()> {
    let db = &app.db;
    let clock = Clock::set_by_hand(now - Duration::days(DAYS));
    let app = app.clone().with_clock(clock.clone());
    let kinds = kinds();
    let mut types: Vec<(EntityId, TransactionTypeId)> = Vec::new();
    for k in &kinds {
        types.push(type_id(db, k.unified, k.code).await?);
    }
    let beneficiaries = [
        person(db, "mohammed@example.sa").await?,
        person(db, "latifa@example.sa").await?,
        person(db, "ahmed@example.com").await?,
        person(db, "priya@example.com").await?,
    ];
    let calendar = WorkingCalendar::default();
    let mut dice = Dice(1447);
    // What is to happen, by time (and order of planning, for equal times):
    // openings and the monitor's rounds first; each transaction's steps are
    // planned when it opens, at the pace of the employee it went to.
    let mut queue: Queue = Queue::default();
    let mut opened = 0usize;
    let first_day = (now - Duration::days(DAYS)).date_naive();
    for offset in 0..DAYS {
        let day = first_day + Duration::days(offset);
        if !calendar.is_working_day(day) {
            continue;
        }
        let at = |hour: u32, minute: u32| riyadh(day, hour, minute);
        for hour in [9, 11, 13] {
            queue.push(at(hour, 55), usize::MAX, Step::Monitor);
        }
        for (kind, k) in kinds.iter().enumerate() {
            let mut n = k.per_day.floor() as usize;
            if dice.chance(k.per_day.fract()) {
                n += 1;
            }
            for _ in 0..n {
                let open_at = at(7, 0) + Duration::minutes(dice.between(30.0, 420.0) as i64);
                let subject = (dice.next() % k.subjects.len() as u64) as usize;
                let beneficiary = (dice.next() % beneficiaries.len() as u64) as usize;
                let fields = (k.fields)(&mut dice, day);
                queue.push(open_at, opened, Step::Open { kind, beneficiary, subject, fields });
                opened += 1;
            }
        }
    }
    presence(&app, &types, first_day, now.date_naive(), &calendar).await?;
    let until = now - Duration::minutes(5);
    let mut held: Vec<Option<(TransactionId, usize)>> = vec![None; opened];
    while let Some((at, t, step)) = queue.pop() {
        if at >= until {
            break;
        }
        clock.set(at);
        match step {
            Step::Monitor => {
                app.review_service_levels(at).await?;
            }
            Step::Open { kind, beneficiary, subject, fields } => {
                let (entity_id, type_id) = types[kind];
                let (s, b) = kinds[kind].subjects[subject];
                let new = NewTransaction {
                    entity_id,
                    type_id,
                    subject: s.into(),
                    body: b.into(),
                    priority: Priority::Normal,
                    fields: serde_json::from_value(fields)?,
                };
                let (s, _) = app.open_transaction(&beneficiaries[beneficiary], &new).await.map_err(failed)?;
                held[t] = Some((s.id(), beneficiary));
                let holder = match s.facts.assignee_id {
                    Some(a) => accounts::load(db.read(), a).await?.and_then(|a| a.view.email),
                    None => None,
                };
                let pace = pace(holder.as_deref());
                // Only recent ones may still be waiting for their end.
                let recent = now - at < Duration::days(21);
                let opened = Opened { t, at, sla_hours: kinds[kind].sla_hours, pace, recent };
                plan_steps(&mut queue, &mut dice, &calendar, &opened);
            }
            step => {
                if let Some((id, beneficiary)) = held[t] {
                    take(&app, id, &beneficiaries[beneficiary], step).await?;
                }
            }
        }
    }
    Ok(())
}

/// Each employee of the entities in `types` present on the working days
/// from `first` to before `today`: five to seven and a half hours a day,
/// with one day in twelve away.
async fn presence(
    app: &App,
    types: &[(EntityId, TransactionTypeId)],
    first: NaiveDate,
    today: NaiveDate,
    calendar: &WorkingCalendar,
) -> anyhow::Result<()> {
    let mut entities: Vec<EntityId> = types.iter().map(|t| t.0).collect();
    entities.sort_unstable_by_key(|e| e.0);
    entities.dedup();
    let mut staff = Vec::new();
    for e in entities {
        staff.extend(tawasul_storage::organisation::list_employees(app.db.read(), e).await?.into_iter().map(|p| p.id));
    }
    // Its own dice, so that the transactions' history stays as it was.
    let mut dice = Dice(1448);
    let mut day = first;
    while day < today {
        if calendar.is_working_day(day) {
            let seen: Vec<(UserId, i64)> = staff
                .iter()
                .filter_map(|u| {
                    let hours = dice.between(5.0, 7.5);
                    (!dice.chance(1.0 / 12.0)).then_some((*u, (hours * 3600.0) as i64))
                })
                .collect();
            tawasul_storage::presence::add(app.db.write(), day, &seen).await?;
        }
        day += Duration::days(1);
    }
    Ok(())
}

/// A transaction just opened, as its plan needs it.
#[derive(Clone, Copy)]
struct Opened {
    t: usize,
    at: DateTime<Utc>,
    sla_hours: f64,
    /// Its holder's pace (`pace`).
    pace: f64,
    /// Opened in the last three weeks: it may still be waiting for its end.
    recent: bool,
}

/// Steps by time; equal times in the order they were planned.
#[derive(Default)]
struct Queue {
    steps: std::collections::BTreeMap<(DateTime<Utc>, u64), (usize, Step)>,
    planned: u64,
}

impl Queue {
    fn push(&mut self, at: DateTime<Utc>, t: usize, step: Step) {
        self.planned += 1;
        self.steps.insert((at, self.planned), (t, step));
    }

    fn pop(&mut self) -> Option<(DateTime<Utc>, usize, Step)> {
        self.steps.pop_first().map(|((at, _), (t, step))| (at, t, step))
    }
}

/// One transaction's steps after it opens, in working time: the first
/// answer, perhaps an internal note and a question to the beneficiary, then
/// completion (mostly), rejection or nothing yet, and a rating. The holder's
/// `pace` stretches the times, and faster work is rated higher.
fn plan_steps(plan: &mut Queue, d: &mut Dice, calendar: &WorkingCalendar, o: &Opened) {
    let Opened { t, at: open_at, sla_hours, pace, recent } = *o;
    let after = |hours: f64| calendar.add(open_at, Duration::minutes((hours * 60.0) as i64));
    let first = pace * d.between(0.3, sla_hours * 0.25);
    if d.chance(0.3) {
        plan.push(after(first * 0.5), t, Step::Note(Visibility::Internal, NOTES[t % NOTES.len()]));
    }
    plan.push(after(first), t, Step::Note(Visibility::External, ANSWERS[t % ANSWERS.len()]));
    let mut done_at = first + pace * d.between(1.0, sla_hours * 1.1);
    if d.chance(0.15) {
        plan.push(after(first + 0.1), t, Step::AskBeneficiary);
        let answered = first + d.between(1.0, 20.0);
        plan.push(after(answered), t, Step::BeneficiaryAnswers);
        done_at += answered - first;
    }
    let fate = d.unit();
    let completes = if recent { 0.84 } else { 0.9 };
    if fate < completes {
        plan.push(after(done_at), t, Step::Complete);
        if d.chance(0.75) {
            // Faster work is rated higher, with some spread.
            let base = if pace <= 0.7 {
                4.6
            } else if pace <= 1.0 {
                4.0
            } else {
                2.9
            };
            let stars = (base + d.between(-1.0, 0.9)).round().clamp(1.0, 5.0) as u8;
            plan.push(after(done_at) + Duration::hours(d.between(1.0, 30.0) as i64), t, Step::Rate(stars));
        }
    } else if fate < 0.92 || !recent {
        plan.push(after(done_at * 0.5), t, Step::Reject);
    }
}

/// Takes a planned step on `id` by whoever it falls to now: its holder, or
/// its beneficiary. A step the transaction no longer allows (escalated to
/// someone else, closed already) is left out, as a person would.
async fn take(app: &App, id: TransactionId, beneficiary: &Account, step: Step) -> anyhow::Result<()> {
    let db = &app.db;
    let Some(s) = store::find(db.read(), id).await? else { return Ok(()) };
    let holder = match s.facts.assignee_id {
        Some(a) => accounts::load(db.read(), a).await?,
        None => supervisor_of(app, s.facts.department_id).await?,
    };
    let Some(holder) = holder else { return Ok(()) };
    // Refusing a request is the supervisors' decision (`transaction.reject`).
    let supervisor = match step {
        Step::Reject => supervisor_of(app, s.facts.department_id).await?,
        _ => None,
    };
    let (who, cmd) = match step {
        Step::Note(v, body) => (&holder, Command::Comment { visibility: v, body: body.into() }),
        Step::AskBeneficiary => (
            &holder,
            Command::AwaitBeneficiary {
                message: "يرجى إرفاق صورة الهوية لإكمال الطلب.".into()
            },
        ),
        Step::BeneficiaryAnswers => (
            beneficiary,
            Command::Comment {
                visibility: Visibility::External, body: "أرفقت المطلوب، شكراً.".into()
            },
        ),
        Step::Complete => (&holder, Command::Complete { note: Some("تم إنجاز طلبك.".into()) }),
        Step::Reject => {
            (supervisor.as_ref().unwrap_or(&holder), Command::Reject { reason: "الطلب لا يستوفي الشروط.".into() })
        }
        Step::Rate(stars) => (beneficiary, Command::Rate { stars, comment: None }),
        Step::Open { .. } | Step::Monitor => return Ok(()),
    };
    // Refusals are what a person meets too (a step no longer possible); the
    // history goes on without it.
    let name = cmd.name();
    if let Err(e) = app.act(who, id, cmd).await {
        tracing::info!(step = name, code = e.code.as_str(), transaction = %id, "a demo step was refused");
    }
    Ok(())
}

/// A supervisor of the department, for a transaction nobody holds.
async fn supervisor_of(app: &App, department: tawasul_core::ids::DepartmentId) -> anyhow::Result<Option<Account>> {
    let ids: Vec<UserId> = tawasul_storage::recipients::department_supervisors(app.db.read(), department).await?;
    match ids.first() {
        Some(id) => Ok(accounts::load(app.db.read(), *id).await?),
        None => Ok(None),
    }
}

/// A time of day on the demo entities' clock (Riyadh, UTC+3 all year).
fn riyadh(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default());
    let riyadh = chrono::FixedOffset::east_opt(3 * 3600).unwrap_or_else(|| Utc.fix());
    riyadh.from_local_datetime(&local).single().map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}
