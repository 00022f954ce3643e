//! What the SLA monitor reads and keeps beside the steps it takes: which
//! transactions are due for a look (the indexed `next_check_at`), a type's
//! targets, a holder's standing, and when to look again.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tawasul_core::ids::{TransactionId, TransactionTypeId, UserId};
use tawasul_core::service::{Holder, ServiceTerms};

use crate::accounts::corrupt;
use crate::model::{transaction_types, transactions, users};
use crate::{Result, StorageError};

/// Transactions whose look is due, the longest waiting first.
pub async fn due(c: &impl ConnectionTrait, now: DateTime<Utc>, limit: u64) -> Result<Vec<TransactionId>> {
    let ids: Vec<uuid::Uuid> = transactions::Entity::find()
        .select_only()
        .column(transactions::Column::Id)
        .filter(transactions::Column::NextCheckAt.lte(now))
        .order_by_asc(transactions::Column::NextCheckAt)
        .limit(limit)
        .into_tuple()
        .all(c)
        .await?;
    Ok(ids.into_iter().map(TransactionId).collect())
}

/// When to look at the transaction next (`None`: not until a step asks).
pub async fn look_next(c: &impl ConnectionTrait, id: TransactionId, at: Option<DateTime<Utc>>) -> Result<()> {
    transactions::Entity::update_many()
        .col_expr(transactions::Column::NextCheckAt, sea_orm::sea_query::Expr::value(at))
        .filter(transactions::Column::Id.eq(id.0))
        .exec(c)
        .await?;
    Ok(())
}

/// Asks for a look now at every open transaction someone holds (they went
/// on leave or were deactivated: what they hold is to go to someone else).
pub async fn look_at_held_by(c: &impl ConnectionTrait, holder: UserId, now: DateTime<Utc>) -> Result<u64> {
    let done = transactions::Entity::update_many()
        .col_expr(transactions::Column::NextCheckAt, sea_orm::sea_query::Expr::value(Some(now)))
        .filter(transactions::Column::AssigneeId.eq(holder.0))
        .filter(transactions::Column::Status.is_not_in(["completed", "rejected"]))
        .exec(c)
        .await?;
    Ok(done.rows_affected)
}

/// A type's targets.
pub async fn terms(c: &impl ConnectionTrait, type_id: TransactionTypeId) -> Result<ServiceTerms> {
    let t = transaction_types::Entity::find_by_id(type_id.0).one(c).await?.ok_or(StorageError::NotFound)?;
    service_terms(&t)
}

/// A type's targets, from its row.
pub(crate) fn service_terms(t: &transaction_types::Model) -> Result<ServiceTerms> {
    let hours = |h: i32| u32::try_from(h).map_err(|_| corrupt("hours"));
    Ok(ServiceTerms {
        first_response_hours: t.first_response_hours.map(hours).transpose()?,
        resolution_hours: hours(t.sla_hours)?,
        escalate_after_hours: t.escalate_after_hours.map(hours).transpose()?,
    })
}

/// A holder's standing, if the account exists.
pub async fn holder(c: &impl ConnectionTrait, who: UserId) -> Result<Option<Holder>> {
    let found = users::Entity::find_by_id(who.0).one(c).await?;
    Ok(found.map(|u| Holder { active: u.active, on_leave_until: u.on_leave_until }))
}
