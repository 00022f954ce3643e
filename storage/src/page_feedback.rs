//! "Was this page useful?" answers, and their counts per page.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryOrder, QuerySelect};
use tawasul_core::feedback::PageFeedbackCount;
use tawasul_core::ids::UserId;

use crate::Result;
use crate::model::page_feedback;

/// Keeps one answer.
pub async fn record(
    c: &impl ConnectionTrait,
    page: &str,
    useful: bool,
    lang: &str,
    user: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<()> {
    page_feedback::Entity::insert(page_feedback::ActiveModel {
        page: Set(page.to_owned()),
        useful: Set(useful),
        lang: Set(lang.to_owned()),
        user_id: Set(user.map(|u| u.0)),
        at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Counted {
    page: String,
    useful: bool,
    n: i64,
}

/// Every page answered, with its counts, in the order of their keys.
pub async fn counts(c: &impl ConnectionTrait) -> Result<Vec<PageFeedbackCount>> {
    use page_feedback::Column as F;
    let rows = page_feedback::Entity::find()
        .select_only()
        .column(F::Page)
        .column(F::Useful)
        .column_as(F::Id.count(), "n")
        .group_by(F::Page)
        .group_by(F::Useful)
        .order_by_asc(F::Page)
        .into_model::<Counted>()
        .all(c)
        .await?;
    let mut out: Vec<PageFeedbackCount> = vec![];
    for r in rows {
        if out.last().is_none_or(|l| l.page != r.page) {
            out.push(PageFeedbackCount { page: r.page.clone(), useful: 0, not_useful: 0 });
        }
        let Some(last) = out.last_mut() else { continue };
        let n = u64::try_from(r.n).unwrap_or(0);
        if r.useful { last.useful = n } else { last.not_useful = n }
    }
    Ok(out)
}
