//! The SLA monitor's use case: each transaction due for a look is reviewed in
//! its own database transaction, its row locked and re-read inside it, so
//! that a mark or an escalation is given once — also beside a person's step,
//! another node, or after a restart (what was given is kept with the row).
//! `core::service::review` says what is due; each mark and escalation is a
//! platform step through `lifecycle::decide`, audited like any other, and the
//! notifier tells the holder and the supervisors from the events.

use chrono::{DateTime, Utc};
use tawasul_core::ids::TransactionId;
use tawasul_core::lifecycle::{By, Command};
use tawasul_core::service::review;
use tawasul_storage::transactions::{self as store, Stored};
use tawasul_storage::{ConnectionTrait, calendars, watch};

use super::App;
use super::transactions::step;
use crate::error::ApiResult;

/// Transactions looked at per round.
const ROUND: u64 = 100;

impl App {
    /// Reviews every transaction whose look is due at `now`; returns how many
    /// steps were taken.
    pub async fn review_service_levels(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let due = watch::due(self.db.read(), now, ROUND).await?;
        let mut taken = 0;
        for id in due {
            match self.unit(move |tx, _| Box::pin(async move { review_one(tx, id, now).await })).await {
                Ok(n) => taken += n,
                // One that fails is tried again next round; the others go on.
                Err(e) => tracing::warn!(transaction = %id, code = e.code.as_str(), "could not review service levels"),
            }
        }
        Ok(taken)
    }
}

/// Gives what is due on one transaction and sets its next look.
async fn review_one(tx: &impl ConnectionTrait, id: TransactionId, now: DateTime<Utc>) -> ApiResult<usize> {
    let Some(mut s) = store::find_locked(tx, id).await? else { return Ok(0) };
    let clock = calendars::of(tx, s.facts.entity_id).await?;
    let terms = watch::terms(tx, s.type_id()).await?;
    let mut taken = 0;
    let due = review(&s.state(clock.clone()), &terms, holder(tx, &s).await?.as_ref(), now);
    for mark in due.marks {
        step(tx, By::Platform, &s, Command::MarkSla { due: mark }, now).await?;
        s = reread(tx, id).await?;
        taken += 1;
    }
    if let Some(why) = due.escalate {
        let state = s.state(clock.clone());
        let reroute = state.watch.escalations == 0 || why.unavailable();
        let decision = if reroute { store::route_elsewhere(tx, &s, now).await? } else { None };
        step(tx, By::Platform, &s, Command::Escalate { why, decision }, now).await?;
        s = reread(tx, id).await?;
        taken += 1;
    }
    // What is left to come, as it now stands.
    let next = review(&s.state(clock), &terms, holder(tx, &s).await?.as_ref(), now).next_check;
    watch::look_next(tx, id, next).await?;
    Ok(taken)
}

async fn holder(tx: &impl ConnectionTrait, s: &Stored) -> ApiResult<Option<tawasul_core::service::Holder>> {
    Ok(match s.facts.assignee_id {
        Some(a) => watch::holder(tx, a).await?,
        None => None,
    })
}

async fn reread(tx: &impl ConnectionTrait, id: TransactionId) -> ApiResult<Stored> {
    store::find(tx, id).await?.ok_or(crate::error::ApiError::new(tawasul_core::ErrorCode::NotFound))
}
