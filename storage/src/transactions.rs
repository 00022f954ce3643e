//! Transactions and their event log. Every change appends an event with the next
//! per-transaction `seq` in the same database transaction as the change: this log
//! is what real time, search indexing and notifications consume.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use serde_json::{Value, json};
use tawasul_core::ErrorCode;
use tawasul_core::api::{
    ActorRef, EventView, FieldSpec, NewTransaction, Page, PageRequest, PersonRef, Priority, TransactionFilter,
    TransactionView, validate_fields,
};
use tawasul_core::calendar::WorkingCalendar;
use tawasul_core::events::EventKind;
use tawasul_core::ids::{DepartmentId, EntityId, TransactionId, TransactionTypeId, UserId};
use tawasul_core::lifecycle::{AssigneeFacts, Changes, NewEvent, Opened, Outcome, TransactionState, TypeTerms};
use tawasul_core::org::Role;
use tawasul_core::permissions::effective_permissions;
use tawasul_core::reference::{Reference, hijri_year};
use tawasul_core::routing::{Candidate, Decision, route};
use tawasul_core::service::Watch;
use tawasul_core::visibility::{ListScope, TransactionFacts, Visibility};
use tawasul_core::workflow::Status;

use crate::accounts::{corrupt, permissions_from_json};
use crate::model::{
    open_loads, reference_counters, routing_cursors, routing_reservations, transaction_events, transaction_types,
    transactions, user_departments, users,
};
use crate::{Backend, Db, Result, StorageError};

/// A stored transaction with what reads need.
#[derive(Debug, Clone)]
pub struct Stored {
    pub facts: TransactionFacts,
    pub status: Status,
    pub closed_at: Option<DateTime<Utc>>,
    pub rated: bool,
    row: transactions::Model,
}

impl Stored {
    pub fn id(&self) -> TransactionId {
        TransactionId(self.row.id)
    }

    pub fn type_id(&self) -> TransactionTypeId {
        TransactionTypeId(self.row.type_id)
    }

    pub fn reference(&self) -> Reference {
        Reference { hijri_year: self.row.reference_year, number: self.row.reference_number }
    }

    pub fn subject(&self) -> &str {
        &self.row.subject
    }

    pub fn body(&self) -> &str {
        &self.row.body
    }

    /// The custom fields' values, by key.
    pub fn fields(&self) -> &Value {
        &self.row.fields
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    /// What its service is measured by: the first answer's time and working
    /// seconds, the working seconds paused, and the working seconds to close.
    pub fn measures(&self) -> (Option<DateTime<Utc>>, Option<i64>, i64, Option<i64>) {
        (self.row.first_response_at, self.row.first_response_s, self.row.paused_s, self.row.resolution_s)
    }

    /// The transaction as the rules see it, its SLA clock running on `clock`
    /// (its entity's calendar, `calendars::of`).
    pub fn state(&self, clock: WorkingCalendar) -> TransactionState {
        TransactionState {
            facts: self.facts.clone(),
            status: self.status,
            due_at: self.row.due_at,
            paused_at: self.row.paused_at,
            closed_at: self.closed_at,
            rated: self.rated,
            created_at: self.row.created_at,
            first_response_at: self.row.first_response_at,
            paused_s: self.row.paused_s,
            clock,
            watch: Watch {
                marks: u8::try_from(self.row.sla_marks).unwrap_or_default(),
                escalations: u8::try_from(self.row.escalations).unwrap_or_default(),
                held_since: self.row.held_since,
            },
        }
    }
}

pub(crate) fn stored(row: transactions::Model) -> Result<Stored> {
    Ok(Stored {
        facts: TransactionFacts {
            entity_id: EntityId(row.entity_id),
            department_id: DepartmentId(row.department_id),
            beneficiary_id: UserId(row.beneficiary_id),
            assignee_id: row.assignee_id.map(UserId),
        },
        status: Status::parse(&row.status).map_err(|_| corrupt("status"))?,
        closed_at: row.closed_at,
        rated: row.rating.is_some(),
        row,
    })
}

pub async fn find(c: &impl ConnectionTrait, id: TransactionId) -> Result<Option<Stored>> {
    transactions::Entity::find_by_id(id.0).one(c).await?.map(stored).transpose()
}

/// Transactions with this reference (one per entity at most).
pub async fn find_by_reference(c: &impl ConnectionTrait, r: Reference) -> Result<Vec<Stored>> {
    transactions::Entity::find()
        .filter(transactions::Column::ReferenceYear.eq(r.hijri_year))
        .filter(transactions::Column::ReferenceNumber.eq(r.number))
        .all(c)
        .await?
        .into_iter()
        .map(stored)
        .collect()
}

async fn people(
    c: &impl ConnectionTrait,
    ids: Vec<uuid::Uuid>,
) -> Result<HashMap<uuid::Uuid, (String, String, String)>> {
    let rows: Vec<(uuid::Uuid, String, String, String)> = users::Entity::find()
        .select_only()
        .columns([users::Column::Id, users::Column::NameAr, users::Column::NameEn, users::Column::Role])
        .filter(users::Column::Id.is_in(ids))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|(id, ar, en, role)| (id, (ar, en, role))).collect())
}

/// How timelines and the audit trail name these people, in one query; an id
/// that names nobody (any more) is left out.
pub async fn actor_refs(
    c: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = UserId>,
) -> Result<HashMap<UserId, ActorRef>> {
    let mut ids: Vec<uuid::Uuid> = ids.into_iter().map(|u| u.0).collect();
    ids.sort();
    ids.dedup();
    Ok(people(c, ids)
        .await?
        .into_iter()
        .map(|(id, (ar, en, role))| {
            let role = Role::parse(&role).unwrap_or(Role::Beneficiary);
            (UserId(id), ActorRef { id: UserId(id), role, name_ar: ar, name_en: en })
        })
        .collect())
}

fn person(map: &HashMap<uuid::Uuid, (String, String, String)>, id: uuid::Uuid) -> PersonRef {
    let (ar, en) = map.get(&id).map(|(a, e, _)| (a.clone(), e.clone())).unwrap_or_default();
    PersonRef { id: UserId(id), name_ar: ar, name_en: en }
}

/// The views of several rows, with names looked up in one query.
async fn views(
    c: &impl ConnectionTrait,
    rows: Vec<transactions::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<TransactionView>> {
    let mut ids: Vec<uuid::Uuid> =
        rows.iter().flat_map(|r| [Some(r.beneficiary_id), r.assignee_id]).flatten().collect();
    ids.sort();
    ids.dedup();
    let names = people(c, ids).await?;
    rows.into_iter()
        .map(|r| {
            let status = Status::parse(&r.status).map_err(|_| corrupt("status"))?;
            Ok(TransactionView {
                id: TransactionId(r.id),
                reference: Reference { hijri_year: r.reference_year, number: r.reference_number }.to_string(),
                hijri_year: r.reference_year,
                entity_id: EntityId(r.entity_id),
                type_id: TransactionTypeId(r.type_id),
                department_id: DepartmentId(r.department_id),
                subject: r.subject,
                body: r.body,
                priority: Priority::parse(&r.priority).map_err(|_| corrupt("priority"))?,
                status,
                assignee: r.assignee_id.map(|a| person(&names, a)),
                beneficiary: person(&names, r.beneficiary_id),
                fields: serde_json::from_value(r.fields).unwrap_or_default(),
                late: tawasul_core::lifecycle::is_late(status, r.due_at, now),
                due_at: r.due_at,
                postponed_until: r.postponed_until,
                closed_at: r.closed_at,
                rating: r.rating.and_then(|s| u8::try_from(s).ok()),
                created_at: r.created_at,
            })
        })
        .collect()
}

pub async fn view(c: &impl ConnectionTrait, s: &Stored, now: DateTime<Utc>) -> Result<TransactionView> {
    views(c, vec![s.row.clone()], now).await?.pop().ok_or(StorageError::NotFound)
}

/// The members of a department, as stored: whom routing chooses from, and
/// whose supervisors hear of its queue.
pub(crate) async fn department_members(
    c: &impl ConnectionTrait,
    department: DepartmentId,
) -> Result<Vec<users::Model>> {
    let members = sea_orm::sea_query::Query::select()
        .column(user_departments::Column::UserId)
        .from(user_departments::Entity)
        .and_where(user_departments::Column::DepartmentId.eq(department.0))
        .to_owned();
    Ok(users::Entity::find().filter(users::Column::Id.in_subquery(members)).all(c).await?)
}

/// The active staff of a department, by name: whom a supervisor may give its
/// transactions to (the assignment itself checks again, in its own unit).
pub async fn assignable(c: &impl ConnectionTrait, department: DepartmentId) -> Result<Vec<ActorRef>> {
    let mut people: Vec<ActorRef> = department_members(c, department)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .filter_map(|u| {
            let role = Role::parse(&u.role).ok().filter(|r| r.staff().is_some())?;
            Some(ActorRef { id: UserId(u.id), role, name_ar: u.name_ar, name_en: u.name_en })
        })
        .collect();
    people.sort_by(|a, b| a.name_ar.cmp(&b.name_ar));
    Ok(people)
}

/// How long a routing decision taken ahead of its unit counts in its
/// employee's load when that unit never records it (it failed, or its node
/// died between the two).
const RESERVATION_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// The employees of a department as routing candidates, their open load not
/// yet known (see `with_loads`).
async fn candidates(c: &impl ConnectionTrait, department: DepartmentId) -> Result<Vec<Candidate>> {
    Ok(department_members(c, department)
        .await?
        .into_iter()
        .filter_map(|u| {
            let role = Role::parse(&u.role).ok()?.staff()?;
            Some(Candidate {
                id: UserId(u.id),
                active: u.active,
                on_leave_until: u.on_leave_until,
                permissions: effective_permissions(
                    role,
                    permissions_from_json(&u.grants),
                    permissions_from_json(&u.revokes),
                ),
                open_load: 0,
            })
        })
        .collect())
}

/// The candidates with their open load: the transactions they hold (a
/// counter the database keeps) and the decisions for them still on their way
/// to being recorded, read in one statement.
async fn with_loads(c: &impl ConnectionTrait, mut pool: Vec<Candidate>, now: DateTime<Utc>) -> Result<Vec<Candidate>> {
    use sea_orm::sea_query::{Query, UnionType};
    let members: Vec<uuid::Uuid> = pool.iter().map(|p| p.id.0).collect();
    let mut held = Query::select()
        .column(open_loads::Column::UserId)
        .column(open_loads::Column::Open)
        .from(open_loads::Entity)
        .and_where(open_loads::Column::UserId.is_in(members.clone()))
        .to_owned();
    let reserved = Query::select()
        .column(routing_reservations::Column::AssigneeId)
        .expr(routing_reservations::Column::Id.count())
        .from(routing_reservations::Entity)
        .and_where(routing_reservations::Column::AssigneeId.is_in(members))
        .and_where(routing_reservations::Column::CreatedAt.gt(now - RESERVATION_LIFETIME))
        .group_by_col(routing_reservations::Column::AssigneeId)
        .to_owned();
    let both = held.union(UnionType::All, reserved).to_owned();
    let mut loads: HashMap<uuid::Uuid, i64> = HashMap::new();
    for row in c.query_all(c.get_database_backend().build(&both)).await? {
        let (who, n): (uuid::Uuid, i64) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        *loads.entry(who).or_default() += n;
    }
    for p in &mut pool {
        p.open_load = loads.get(&p.id.0).copied().unwrap_or(0).max(0).try_into().unwrap_or(u32::MAX);
    }
    Ok(pool)
}

/// Routes under a per-type lock: updating the cursor row holds its row lock
/// on PostgreSQL to the end of the transaction, so concurrent creations of
/// one type decide one after another (SQLite has one writer). Who may be
/// chosen is read before the lock; only their loads, which the decisions
/// taken one after another change, are read under it.
async fn route_for_type(
    c: &impl ConnectionTrait,
    type_row: &transaction_types::Model,
    except: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Option<Decision>> {
    let mut pool = candidates(c, DepartmentId(type_row.department_id)).await?;
    pool.retain(|p| Some(p.id) != except);
    // One statement takes the cursor (creating it on the type's first
    // transaction) and, on PostgreSQL, its row lock until commit.
    let take = sea_orm::sea_query::Query::insert()
        .into_table(routing_cursors::Entity)
        .columns([routing_cursors::Column::TypeId, routing_cursors::Column::Turns])
        .values([type_row.id.into(), 1.into()])
        .map_err(|e| StorageError::Db(sea_orm::DbErr::Custom(e.to_string())))?
        .on_conflict(
            OnConflict::column(routing_cursors::Column::TypeId)
                .value(
                    routing_cursors::Column::Turns,
                    Expr::col((routing_cursors::Entity, routing_cursors::Column::Turns)).add(1),
                )
                .to_owned(),
        )
        .returning_col(routing_cursors::Column::LastAssignee)
        .to_owned();
    let row = c.query_one(c.get_database_backend().build(&take)).await?.ok_or(StorageError::NotFound)?;
    let last: Option<uuid::Uuid> = row.try_get("", "last_assignee")?;
    let policy = tawasul_core::api::RoutingPolicy::parse(&type_row.routing).map_err(|_| corrupt("routing"))?;
    let pool = with_loads(c, pool, now).await?;
    let decision = route(policy, &pool, last.map(UserId), now);
    if let Some(d) = &decision {
        routing_cursors::Entity::update_many()
            .col_expr(routing_cursors::Column::LastAssignee, Expr::value(d.assignee.0))
            .filter(routing_cursors::Column::TypeId.eq(type_row.id))
            .exec(c)
            .await?;
    }
    Ok(decision)
}

/// The next reference number of an entity in a Hijri year. Numbers taken by a
/// transaction that then rolls back leave a gap, which is allowed.
async fn next_reference(c: &impl ConnectionTrait, entity: EntityId, year: i32) -> Result<Reference> {
    let take = sea_orm::sea_query::Query::insert()
        .into_table(reference_counters::Entity)
        .columns([
            reference_counters::Column::EntityId,
            reference_counters::Column::HijriYear,
            reference_counters::Column::Last,
        ])
        .values([entity.0.into(), year.into(), 1.into()])
        .map_err(|e| StorageError::Db(sea_orm::DbErr::Custom(e.to_string())))?
        .on_conflict(
            OnConflict::columns([reference_counters::Column::EntityId, reference_counters::Column::HijriYear])
                .value(
                    reference_counters::Column::Last,
                    Expr::col((reference_counters::Entity, reference_counters::Column::Last)).add(1),
                )
                .to_owned(),
        )
        .returning_col(reference_counters::Column::Last)
        .to_owned();
    let row = c.query_one(c.get_database_backend().build(&take)).await?.ok_or(StorageError::NotFound)?;
    Ok(Reference { hijri_year: year, number: row.try_get("", "last")? })
}

/// An event as it was just written: what the real-time gateway publishes and
/// what later consumers of the log read back.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedEvent {
    pub transaction_id: TransactionId,
    /// The event's place in the platform-wide log.
    pub position: i64,
    pub seq: u32,
    pub kind: EventKind,
    pub visibility: Visibility,
    pub actor_id: Option<UserId>,
    pub at: DateTime<Utc>,
    pub data: serde_json::Map<String, Value>,
}

impl LoggedEvent {
    /// The event as a timeline shows it; `actor` is the named actor of `actor_id`.
    pub fn view(&self, actor: Option<ActorRef>) -> EventView {
        EventView {
            seq: self.seq,
            kind: self.kind,
            at: self.at,
            visibility: self.visibility,
            actor,
            notifications: None,
            data: self.data.clone(),
        }
    }
}

/// Appends one event with the transaction's next `seq`. Run it inside the
/// database transaction of the change it records.
pub async fn append_event(
    c: &impl ConnectionTrait,
    id: TransactionId,
    e: &NewEvent,
    now: DateTime<Utc>,
) -> Result<LoggedEvent> {
    let first = take_seqs(c, id, 1, None, now).await?;
    insert_event(c, id, first, e, now).await
}

/// Takes `n` seqs of a transaction (the first is returned), in the same
/// statement as the column `changes`. One round trip: the increment takes the
/// row's lock (PostgreSQL), so seqs never collide.
async fn take_seqs(
    c: &impl ConnectionTrait,
    id: TransactionId,
    n: i32,
    changes: Option<&Changes>,
    now: DateTime<Utc>,
) -> Result<i32> {
    use transactions::Column as T;
    let mut q = sea_orm::sea_query::Query::update();
    q.table(transactions::Entity)
        .value(T::LastSeq, Expr::col(T::LastSeq).add(n))
        .value(T::UpdatedAt, now)
        .and_where(T::Id.eq(id.0))
        .returning_col(T::LastSeq);
    if let Some(ch) = changes {
        if let Some(s) = ch.status {
            q.value(T::Status, s.as_str());
        }
        if let Some(a) = ch.assignee {
            q.value(T::AssigneeId, a.0);
        }
        if let Some(p) = ch.postponed_until {
            q.value(T::PostponedUntil, p);
        }
        if let Some(p) = ch.paused_at {
            q.value(T::PausedAt, p);
        }
        if let Some(d) = ch.due_at {
            q.value(T::DueAt, d);
        }
        if let Some(closed) = ch.closed_at {
            q.value(T::ClosedAt, closed);
        }
        if let Some((stars, comment)) = &ch.rating {
            q.value(T::Rating, i32::from(*stars)).value(T::RatingComment, comment.clone());
        }
        if let Some((at, worked)) = ch.first_response {
            q.value(T::FirstResponseAt, at).value(T::FirstResponseS, worked);
        }
        if let Some(paused) = ch.paused_s {
            q.value(T::PausedS, paused);
        }
        if let Some(resolution) = ch.resolution_s {
            q.value(T::ResolutionS, resolution);
        }
        if let Some(marks) = ch.sla_marks {
            q.value(T::SlaMarks, i16::from(marks));
        }
        if let Some(level) = ch.escalations {
            q.value(T::Escalations, i16::from(level));
        }
        if let Some(since) = ch.held_since {
            q.value(T::HeldSince, since);
        }
        if let Some(next) = ch.next_check {
            q.value(T::NextCheckAt, next);
        }
    }
    let row = c.query_one(c.get_database_backend().build(&q)).await?.ok_or(StorageError::NotFound)?;
    let last: i32 = row.try_get("", "last_seq")?;
    Ok(last - n + 1)
}

async fn insert_event(
    c: &impl ConnectionTrait,
    id: TransactionId,
    seq: i32,
    e: &NewEvent,
    now: DateTime<Utc>,
) -> Result<LoggedEvent> {
    let data = e.event.data();
    let kind = e.event.kind();
    let inserted = transaction_events::Entity::insert(transaction_events::ActiveModel {
        transaction_id: Set(id.0),
        seq: Set(seq),
        kind: Set(kind.as_str().to_owned()),
        visibility: Set(e.visibility.as_str().to_owned()),
        actor_id: Set(e.actor.map(|a| a.0)),
        at: Set(now),
        data: Set(Value::Object(data.clone())),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(LoggedEvent {
        transaction_id: id,
        position: inserted.last_insert_id,
        seq: u32::try_from(seq).map_err(|_| corrupt("seq"))?,
        kind,
        visibility: e.visibility,
        actor_id: e.actor,
        at: now,
        data,
    })
}

/// Persists what `decide` said: the column changes and the events, in order.
/// Run it inside the database transaction that read `s`.
pub async fn commit(
    c: &impl ConnectionTrait,
    s: &Stored,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<Vec<LoggedEvent>> {
    let n = i32::try_from(outcome.events.len()).map_err(|_| corrupt("events"))?;
    if n == 0 && outcome.changes.is_empty() {
        return Ok(vec![]);
    }
    let first = take_seqs(c, s.id(), n, Some(&outcome.changes), now).await?;
    let mut logged = Vec::with_capacity(outcome.events.len());
    for (i, e) in (0..).zip(&outcome.events) {
        logged.push(insert_event(c, s.id(), first + i, e, now).await?);
    }
    Ok(logged)
}

/// What opening a transaction needs from the database: its type's terms, the
/// custom fields checked against the type, routing's decision and the next
/// reference number.
#[derive(Debug, Clone)]
pub struct Opening {
    pub terms: TypeTerms,
    pub fields: BTreeMap<String, Value>,
    pub reference: Reference,
    pub decision: Option<Decision>,
    /// The reservation that `insert_opened` turns into the assignee's load.
    reservation: Option<uuid::Uuid>,
}

/// Routing's decision and the reference number, taken ahead of the unit that
/// opens the transaction (see `take_ahead`).
#[derive(Debug, Clone)]
pub struct Ahead {
    reference: Reference,
    decision: Option<Decision>,
    reservation: Option<uuid::Uuid>,
}

/// The type a new transaction names, at its entity, and its custom fields
/// checked against it.
async fn opening_type(
    c: &impl ConnectionTrait,
    t: &NewTransaction,
) -> Result<(transaction_types::Model, BTreeMap<String, Value>)> {
    let type_row = transaction_types::Entity::find_by_id(t.type_id.0)
        .filter(transaction_types::Column::EntityId.eq(t.entity_id.0))
        .one(c)
        .await?
        .ok_or_else(|| StorageError::invalid("type_id", ErrorCode::UnknownTransactionType))?;
    let specs: Vec<FieldSpec> = serde_json::from_value(type_row.fields.clone()).map_err(|_| corrupt("fields"))?;
    let fields = validate_fields(&specs, &t.fields).map_err(StorageError::Fields)?;
    Ok((type_row, fields))
}

/// On PostgreSQL, takes the reference number and routing's decision in two
/// short database transactions of their own, before the unit that opens the
/// transaction: the entity's reference counter and the type's routing cursor
/// are then each locked for a few statements, not to the end of every
/// opening of the type (which made concurrent openings commit one after
/// another). The
/// decision is reserved, so that the decisions taken meanwhile count it in
/// the assignee's load until the opening's commit counts it instead.
///
/// Nothing here needs its own flush to disk: the opening's commit comes
/// after it in the write-ahead log and makes it durable; a crash before that
/// commit loses only what nothing used. A number taken by an opening that
/// then fails is a gap, which is allowed.
///
/// On SQLite, whose one writer runs units one after another, there is no
/// lock to shorten, and a second commit would cost a flush: `None`, and
/// `prepare_opening` takes both inside the unit.
pub async fn take_ahead(db: &Db, t: &NewTransaction, now: DateTime<Utc>) -> Result<Option<Ahead>> {
    if db.backend() != Backend::Postgres {
        return Ok(None);
    }
    // The number first, in a transaction of its own: the entity's counter is
    // locked from its update to that commit only.
    let tx = db.write().begin().await?;
    tx.execute_unprepared("SET LOCAL synchronous_commit TO OFF").await?;
    let (type_row, _) = opening_type(&tx, t).await?;
    routing_reservations::Entity::delete_many()
        .filter(routing_reservations::Column::CreatedAt.lt(now - RESERVATION_LIFETIME))
        .exec(&tx)
        .await?;
    let reference = next_reference(&tx, t.entity_id, hijri_year(now)).await?;
    tx.commit().await?;
    // Then routing, the type's cursor locked from its update to this commit.
    let tx = db.write().begin().await?;
    tx.execute_unprepared("SET LOCAL synchronous_commit TO OFF").await?;
    let decision = route_for_type(&tx, &type_row, None, now).await?;
    let reservation = match &decision {
        Some(d) => {
            let id = uuid::Uuid::now_v7();
            routing_reservations::Entity::insert(routing_reservations::ActiveModel {
                id: Set(id),
                assignee_id: Set(d.assignee.0),
                created_at: Set(now),
            })
            .exec_without_returning(&tx)
            .await?;
            Some(id)
        }
        None => None,
    };
    tx.commit().await?;
    Ok(Some(Ahead { reference, decision, reservation }))
}

impl Ahead {
    pub fn decision(&self) -> Option<&Decision> {
        self.decision.as_ref()
    }

    pub fn reference(&self) -> Reference {
        self.reference
    }
}

/// Gives back the reservation of an opening that failed, at once rather than
/// when it expires.
pub async fn release(db: &Db, ahead: &Ahead) -> Result<()> {
    if let Some(id) = ahead.reservation {
        routing_reservations::Entity::delete_by_id(id).exec(db.write()).await?;
    }
    Ok(())
}

/// Reads and takes what `lifecycle::open` decides from, with what
/// `take_ahead` took, if anything (routing and the number are otherwise
/// taken here, under the type's and the entity's locks). Run it inside the
/// database transaction that then inserts the transaction.
pub async fn prepare_opening(
    c: &impl ConnectionTrait,
    t: &NewTransaction,
    ahead: Option<&Ahead>,
    now: DateTime<Utc>,
) -> Result<Opening> {
    let (type_row, fields) = opening_type(c, t).await?;
    let (decision, reference, reservation) = match ahead {
        Some(a) => (a.decision.clone(), a.reference, a.reservation),
        None => (
            route_for_type(c, &type_row, None, now).await?,
            next_reference(c, t.entity_id, hijri_year(now)).await?,
            None,
        ),
    };
    Ok(Opening {
        terms: TypeTerms {
            department_id: DepartmentId(type_row.department_id),
            service: crate::watch::service_terms(&type_row)?,
            clock: crate::calendars::of(c, t.entity_id).await?,
        },
        fields,
        reference,
        decision,
        reservation,
    })
}

/// Inserts a transaction as `lifecycle::open` decided it, with its first events.
pub async fn insert_opened(
    c: &impl ConnectionTrait,
    beneficiary: UserId,
    t: &NewTransaction,
    opening: &Opening,
    opened: &Opened,
    now: DateTime<Utc>,
) -> Result<(Stored, Vec<LoggedEvent>)> {
    let id = TransactionId::new();
    let mut row = transactions::Model {
        id: id.0,
        entity_id: t.entity_id.0,
        type_id: t.type_id.0,
        department_id: opening.terms.department_id.0,
        beneficiary_id: beneficiary.0,
        assignee_id: opened.assignee.map(|a| a.0),
        reference_year: opening.reference.hijri_year,
        reference_number: opening.reference.number,
        subject: t.subject.clone(),
        body: t.body.clone(),
        priority: t.priority.as_str().to_owned(),
        status: opened.status.as_str().to_owned(),
        fields: json!(opening.fields),
        due_at: opened.due_at,
        paused_at: None,
        postponed_until: None,
        closed_at: None,
        rating: None,
        rating_comment: None,
        last_seq: i32::try_from(opened.events.len()).map_err(|_| corrupt("events"))?,
        created_at: now,
        updated_at: now,
        first_response_at: None,
        first_response_s: None,
        paused_s: 0,
        resolution_s: None,
        sla_marks: 0,
        escalations: 0,
        held_since: Some(now),
        next_check_at: opened.next_check,
    };
    transactions::Entity::insert(transactions::ActiveModel::from(row.clone())).exec_without_returning(c).await?;
    // The insert counted the assignee's load; the reservation stops counting
    // in the same commit.
    if let Some(r) = opening.reservation {
        routing_reservations::Entity::delete_by_id(r).exec(c).await?;
    }
    let mut logged = Vec::with_capacity(opened.events.len());
    for (seq, e) in (1..).zip(&opened.events) {
        logged.push(insert_event(c, id, seq, e, now).await?);
    }
    row.last_seq = logged.last().map_or(0, |e| e.seq as i32);
    Ok((stored(row)?, logged))
}

/// Events oldest first; `internal: false` leaves out every internal one.
pub async fn events(c: &impl ConnectionTrait, id: TransactionId, internal: bool) -> Result<Vec<EventView>> {
    events_after(c, id, 0, internal, None).await
}

/// Events with a seq above `after` (at most `limit`), oldest first; `internal:
/// false` leaves out every internal one. Real time replays from here on resume.
pub async fn events_after(
    c: &impl ConnectionTrait,
    id: TransactionId,
    after: u32,
    internal: bool,
    limit: Option<u64>,
) -> Result<Vec<EventView>> {
    let mut q = log_rows()
        .filter(transaction_events::Column::TransactionId.eq(id.0))
        .filter(transaction_events::Column::Seq.gt(i64::from(after)))
        .order_by_asc(transaction_events::Column::Seq)
        .limit(limit);
    if !internal {
        q = q.filter(transaction_events::Column::Visibility.eq(Visibility::External.as_str()));
    }
    Ok(positioned(c, q).await?.into_iter().map(|e| e.event).collect())
}

/// The transaction's latest seq (0 before its first event).
pub async fn last_seq(c: &impl ConnectionTrait, id: TransactionId) -> Result<u32> {
    let s = find(c, id).await?.ok_or(StorageError::NotFound)?;
    u32::try_from(s.row.last_seq).map_err(|_| corrupt("last_seq"))
}

/// One event of the log with what the inbox rule needs about its transaction.
#[derive(Debug, Clone)]
pub struct PositionedEvent {
    pub position: i64,
    pub transaction_id: TransactionId,
    /// The transaction's facts as they are now (the log does not keep them per event).
    pub facts: TransactionFacts,
    pub event: EventView,
}

/// At most `limit` events after `after` (a log position), oldest first, on the
/// transactions where `user` is the beneficiary or the assignee: where an inbox
/// resumes from. The caller applies the inbox rule and the visibility rule.
pub async fn events_of_user_after(
    c: &impl ConnectionTrait,
    user: UserId,
    after: i64,
    limit: u64,
) -> Result<Vec<PositionedEvent>> {
    let theirs = sea_orm::sea_query::Query::select()
        .column(transactions::Column::Id)
        .from(transactions::Entity)
        .cond_where(
            Condition::any()
                .add(transactions::Column::BeneficiaryId.eq(user.0))
                .add(transactions::Column::AssigneeId.eq(user.0)),
        )
        .to_owned();
    positioned(
        c,
        log_rows()
            .filter(transaction_events::Column::Position.gt(after))
            .filter(transaction_events::Column::TransactionId.in_subquery(theirs))
            .order_by_asc(transaction_events::Column::Position)
            .limit(limit),
    )
    .await
}

/// At most `limit` events of the whole log after `after`, oldest first: what
/// a consumer of the log reads next.
pub async fn events_since(c: &impl ConnectionTrait, after: i64, limit: u64) -> Result<Vec<PositionedEvent>> {
    let rows = log_rows()
        .filter(transaction_events::Column::Position.gt(after))
        .order_by_asc(transaction_events::Column::Position)
        .limit(limit);
    positioned(c, rows).await
}

/// The events at these positions that exist, oldest first (positions a
/// consumer skipped that a slower database transaction may have filled since).
pub async fn events_at(c: &impl ConnectionTrait, positions: &[i64]) -> Result<Vec<PositionedEvent>> {
    if positions.is_empty() {
        return Ok(vec![]);
    }
    let rows = log_rows()
        .filter(transaction_events::Column::Position.is_in(positions.iter().copied()))
        .order_by_asc(transaction_events::Column::Position);
    positioned(c, rows).await
}

/// A row of the log with its transaction's facts and its actor's name, as
/// `log_rows` reads them.
#[derive(Debug, sea_orm::FromQueryResult)]
struct LogRow {
    position: i64,
    transaction_id: uuid::Uuid,
    seq: i32,
    kind: String,
    visibility: String,
    actor_id: Option<uuid::Uuid>,
    at: DateTime<Utc>,
    data: Value,
    entity_id: uuid::Uuid,
    department_id: uuid::Uuid,
    beneficiary_id: uuid::Uuid,
    assignee_id: Option<uuid::Uuid>,
    actor_name_ar: Option<String>,
    actor_name_en: Option<String>,
    actor_role: Option<String>,
}

/// The log's rows joined with their transactions' facts and their actors:
/// one query, where a consumer of the log (real time above all, which waits on
/// it for every delivery) used to make three. Callers filter and order.
fn log_rows() -> sea_orm::Select<transaction_events::Entity> {
    use sea_orm::JoinType;
    let transaction = transaction_events::Entity::belongs_to(transactions::Entity)
        .from(transaction_events::Column::TransactionId)
        .to(transactions::Column::Id)
        .into();
    let actor = transaction_events::Entity::belongs_to(users::Entity)
        .from(transaction_events::Column::ActorId)
        .to(users::Column::Id)
        .into();
    transaction_events::Entity::find()
        .column(transactions::Column::EntityId)
        .column(transactions::Column::DepartmentId)
        .column(transactions::Column::BeneficiaryId)
        .column(transactions::Column::AssigneeId)
        .column_as(users::Column::NameAr, "actor_name_ar")
        .column_as(users::Column::NameEn, "actor_name_en")
        .column_as(users::Column::Role, "actor_role")
        .join(JoinType::InnerJoin, transaction)
        .join(JoinType::LeftJoin, actor)
}

/// The events `rows` selects, with their facts and actors.
async fn positioned(
    c: &impl ConnectionTrait,
    rows: sea_orm::Select<transaction_events::Entity>,
) -> Result<Vec<PositionedEvent>> {
    rows.into_model::<LogRow>()
        .all(c)
        .await?
        .into_iter()
        .map(|r| {
            let facts = TransactionFacts {
                entity_id: EntityId(r.entity_id),
                department_id: DepartmentId(r.department_id),
                beneficiary_id: UserId(r.beneficiary_id),
                assignee_id: r.assignee_id.map(UserId),
            };
            let actor = r.actor_id.map(|a| ActorRef {
                id: UserId(a),
                role: r.actor_role.as_deref().and_then(|role| Role::parse(role).ok()).unwrap_or(Role::Beneficiary),
                name_ar: r.actor_name_ar.unwrap_or_default(),
                name_en: r.actor_name_en.unwrap_or_default(),
            });
            let event = EventView {
                seq: u32::try_from(r.seq).map_err(|_| corrupt("seq"))?,
                kind: EventKind::parse(&r.kind).ok_or_else(|| corrupt("event kind"))?,
                at: r.at,
                visibility: Visibility::parse(&r.visibility).map_err(|_| corrupt("visibility"))?,
                actor,
                notifications: None,
                data: match r.data {
                    Value::Object(m) => m,
                    _ => Default::default(),
                },
            };
            Ok(PositionedEvent { position: r.position, transaction_id: TransactionId(r.transaction_id), facts, event })
        })
        .collect()
}

/// The latest position of the platform's event log (0 when empty).
pub async fn last_position(c: &impl ConnectionTrait) -> Result<i64> {
    let max: Option<Option<i64>> = transaction_events::Entity::find()
        .select_only()
        .column_as(transaction_events::Column::Position.max(), "m")
        .into_tuple()
        .one(c)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// One page of the transactions in `scope` that match `filter`, newest first.
pub async fn list(
    c: &impl ConnectionTrait,
    scope: &ListScope,
    caller: UserId,
    f: &TransactionFilter,
    page: &PageRequest,
    now: DateTime<Utc>,
) -> Result<Page<TransactionView>> {
    use transactions::Column as T;
    let scope_condition = match scope {
        ListScope::Everything => Condition::all(),
        ListScope::Nothing => return Ok(Page { items: vec![], next_cursor: None }),
        ListScope::OwnAsBeneficiary(u) => Condition::all().add(T::BeneficiaryId.eq(u.0)),
        ListScope::Entities(ids) => Condition::all().add(T::EntityId.is_in(ids.iter().map(|e| e.0))),
        ListScope::Staff { entity_id, whole_entity, departments, assigned_to } => {
            let mut any = Condition::any();
            if *whole_entity {
                any = any.add(Expr::value(true));
            }
            if !departments.is_empty() {
                any = any.add(T::DepartmentId.is_in(departments.iter().map(|d| d.0)));
            }
            if let Some(a) = assigned_to {
                any = any.add(T::AssigneeId.eq(a.0));
            }
            if !*whole_entity && departments.is_empty() && assigned_to.is_none() {
                return Ok(Page { items: vec![], next_cursor: None });
            }
            Condition::all().add(T::EntityId.eq(entity_id.0)).add(any)
        }
    };
    let mut q = transactions::Entity::find().filter(scope_condition).order_by_desc(T::Id).limit(page.limit + 1);
    if let Some(after) = page.after {
        q = q.filter(T::Id.lt(after));
    }
    if let Some(s) = f.status {
        q = q.filter(T::Status.eq(s.as_str()));
    }
    if let Some(e) = f.entity_id {
        q = q.filter(T::EntityId.eq(e.0));
    }
    if let Some(t) = f.type_id {
        q = q.filter(T::TypeId.eq(t.0));
    }
    if f.assigned_to_me {
        q = q.filter(T::AssigneeId.eq(caller.0));
    }
    if let Some(from) = f.from {
        q = q.filter(T::CreatedAt.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(T::CreatedAt.lt(to));
    }
    let late = late_condition(now);
    match f.late {
        Some(true) => q = q.filter(late),
        Some(false) => q = q.filter(late.not()),
        None => {}
    }
    let rows = q.all(c).await?;
    let more = rows.len() as u64 > page.limit;
    let mut items = views(c, rows, now).await?;
    items.truncate(page.limit as usize);
    let next_cursor = if more { items.last().map(|t| t.id.to_string()) } else { None };
    Ok(Page { items, next_cursor })
}

/// `lifecycle::is_late` in SQL: on the clock and past due.
pub fn late_condition(now: DateTime<Utc>) -> Condition {
    Condition::all().add(Expr::cust(on_the_clock())).add(transactions::Column::DueAt.lt(now))
}

/// The statuses on the clock as SQL literals, not parameters: the condition
/// of the `transactions_late` partial index (migration 20), which a planner
/// matches only against the same words in the query, never against bound
/// values.
fn on_the_clock() -> String {
    let quoted: Vec<String> = tawasul_core::lifecycle::late_statuses().map(|s| format!("'{}'", s.as_str())).collect();
    format!("status IN ({})", quoted.join(", "))
}

/// What the lifecycle needs to know of an employee a transaction may be given to.
pub async fn assignee_facts(c: &impl ConnectionTrait, employee: UserId) -> Result<Option<AssigneeFacts>> {
    Ok(users::Entity::find_by_id(employee.0).one(c).await?.map(|u| AssigneeFacts {
        id: employee,
        entity_id: u.entity_id.map(EntityId),
        active: u.active,
        is_staff: Role::parse(&u.role).ok().and_then(Role::staff).is_some(),
    }))
}

/// Postponed transactions whose date has come, oldest first.
pub async fn due_postponements(c: &impl ConnectionTrait, now: DateTime<Utc>, limit: u64) -> Result<Vec<Stored>> {
    transactions::Entity::find()
        .filter(transactions::Column::Status.eq(Status::Postponed.as_str()))
        .filter(transactions::Column::PostponedUntil.lte(now))
        .order_by_asc(transactions::Column::PostponedUntil)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(stored)
        .collect()
}

/// Routing's decision for a transaction that has no assignee (reopened after a
/// rejection while new): the same routing as at creation, under the type's lock.
/// Run it inside the database transaction that commits the decision.
pub async fn route_again(c: &impl ConnectionTrait, s: &Stored, now: DateTime<Utc>) -> Result<Option<Decision>> {
    let type_row = transaction_types::Entity::find_by_id(s.row.type_id).one(c).await?.ok_or(StorageError::NotFound)?;
    route_for_type(c, &type_row, None, now).await
}

/// Routing's choice of someone other than the transaction's holder (an
/// escalation), under the type's lock. Run it inside the database transaction
/// that commits the decision.
pub async fn route_elsewhere(c: &impl ConnectionTrait, s: &Stored, now: DateTime<Utc>) -> Result<Option<Decision>> {
    let type_row = transaction_types::Entity::find_by_id(s.row.type_id).one(c).await?.ok_or(StorageError::NotFound)?;
    route_for_type(c, &type_row, s.facts.assignee_id, now).await
}

/// The transaction, its row locked to the end of the database transaction on
/// PostgreSQL (SQLite has one writer): for a worker that must not act twice
/// beside another node or a person's step.
pub async fn find_locked(c: &impl ConnectionTrait, id: TransactionId) -> Result<Option<Stored>> {
    let mut q = transactions::Entity::find_by_id(id.0);
    if c.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        q = q.lock_exclusive();
    }
    q.one(c).await?.map(stored).transpose()
}
