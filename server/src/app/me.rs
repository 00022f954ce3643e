//! What a person changes about their own account: notification preferences,
//! and the in-app notices they have read. The API and the pages call these.

use serde_json::json;
use tawasul_core::api::MarkedView;
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::notify::Preferences;
use tawasul_storage::accounts::Account;
use tawasul_storage::{audit, in_app, recipients};

use super::{Answer, App};
use crate::error::ApiResult;

impl App {
    /// Replaces the person's preferences, audited with what they were.
    pub async fn set_preferences(&self, who: &Account, p: Preferences) -> ApiResult<Answer> {
        let user = who.actor.user_id;
        let entity = who.actor.staff().map(|s| s.entity_id);
        self.unit(move |tx, now| {
            Box::pin(async move {
                let before = recipients::preferences(tx, user).await?;
                recipients::set_preferences(tx, user, &p, now).await?;
                let entry = crate::audit::entry(
                    Some(user),
                    entity,
                    AuditAction::NotificationPreferencesChange,
                    AuditTarget::User(user),
                )
                .before(json!(before))
                .after(json!(p));
                audit::append(tx, entry, now).await?;
                Answer::ok(p)
            })
        })
        .await
    }

    /// Marks the person's notices read: those named, or all of them.
    pub async fn mark_read(&self, who: &Account, ids: Option<Vec<uuid::Uuid>>) -> ApiResult<Answer> {
        let me = who.actor.user_id;
        let entity = who.actor.staff().map(|s| s.entity_id);
        self.unit(move |tx, now| {
            Box::pin(async move {
                let marked = in_app::mark_read(tx, me, ids.as_deref(), now).await?;
                let entry =
                    crate::audit::entry(Some(me), entity, AuditAction::NotificationsRead, AuditTarget::User(me))
                        .after(json!({ "ids": ids, "marked": marked }));
                audit::append(tx, entry, now).await?;
                let unread = in_app::unread(tx, me).await?;
                Answer::ok(MarkedView { marked, unread })
            })
        })
        .await
    }
}
