//! A person's notification preferences, and the notifications an entity's
//! admins see given up and send again (API.md "Identity" and "Organisation").

use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tawasul_core::ErrorCode;
use tawasul_core::api::{MarkReadRequest, MarkedView, NoticeView, NoticesView, Page, PageQuery};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::ids::EntityId;
use tawasul_core::notify::Preferences;
use tawasul_core::policy::{Action, authorize};
use tawasul_storage::outbox::{self, Message};
use tawasul_storage::{audit, in_app, recipients};

use crate::app::Answer;
use crate::auth::Caller;
use crate::body::{Deferred, Query};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The caller's preferences: which channels are on, and by which channels each
/// kind of notice goes (a kind not listed goes by every channel that is on).
#[utoipa::path(get, path = "/api/v1/me/notification-preferences", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = Preferences)))]
#[get("/me/notification-preferences")]
pub async fn preferences(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(recipients::preferences(state.db.read(), caller.actor().user_id).await?))
}

/// Replaces the caller's preferences. The SMS that carries a new
/// transaction's number is sent whatever they say.
#[utoipa::path(put, path = "/api/v1/me/notification-preferences", tag = "identity", request_body = Preferences,
    security(("bearer" = [])), responses((status = 200, body = Preferences), (status = 422, description = "A field is invalid")))]
#[put("/me/notification-preferences")]
pub async fn set_preferences(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<Preferences>,
) -> ApiResult<HttpResponse> {
    let p = body.parse()?;
    Ok(state.app.set_preferences(&caller.account, p).await?.respond())
}

/// The caller's in-app notices, newest first, with how many are unread (an
/// extension of API.md: the application's bell).
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "identity", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = NoticesView), (status = 422, description = "A parameter is invalid")))]
#[get("/me/notifications")]
pub async fn notices(state: web::Data<AppState>, caller: Caller, query: Query<PageQuery>) -> ApiResult<HttpResponse> {
    let page = query.parse()?;
    let me = caller.actor().user_id;
    let rows = in_app::list(state.db.read(), me, page.after, page.limit + 1).await?;
    let page = Page::from_rows(rows, page.limit, |n| n.id);
    let view = NoticesView {
        items: page.items.into_iter().map(notice_view).collect(),
        next_cursor: page.next_cursor,
        unread: in_app::unread(state.db.read(), me).await?,
    };
    Ok(HttpResponse::Ok().json(view))
}

pub(crate) fn notice_view(n: in_app::Notice) -> NoticeView {
    NoticeView {
        id: n.id,
        kind: n.notice,
        entity_id: n.entity,
        transaction_id: n.transaction,
        seq: n.seq,
        subject: n.subject,
        text: n.text,
        at: n.at,
        read: n.read_at.is_some(),
    }
}

/// Marks the caller's notices read: those named, or all of them.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "identity", request_body = MarkReadRequest,
    security(("bearer" = [])), responses((status = 200, body = MarkedView), (status = 422, description = "An id is invalid")))]
#[post("/me/notifications/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<MarkReadRequest>,
) -> ApiResult<HttpResponse> {
    let ids = body.parse()?.parse()?;
    Ok(state.app.mark_read(&caller.account, ids).await?.respond())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationsQuery {
    /// `failed`: given up after their retries (the only listing there is).
    pub status: Option<String>,
}

/// A notification given up after its retries.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FailedNotification {
    pub id: uuid::Uuid,
    /// `email` or `sms`.
    pub channel: String,
    pub to: String,
    /// What it was to say, e.g. `completed`.
    pub kind: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
}

/// The entity's notifications given up, newest first (at most 200).
#[utoipa::path(get, path = "/api/v1/entities/{id}/notifications", tag = "organisation", params(("id" = String, Path), NotificationsQuery),
    security(("bearer" = [])), responses((status = 200, body = Vec<FailedNotification>), (status = 403, description = "Entity admins only")))]
#[get("/entities/{id}/notifications")]
pub async fn failed_notifications(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<EntityId>,
    query: Query<NotificationsQuery>,
) -> ApiResult<HttpResponse> {
    let entity = path.into_inner();
    authorize(caller.actor(), Action::ManageNotifications(entity))?;
    if query.status.as_deref().is_some_and(|s| s != "failed") {
        return Err(ApiError::field("status", ErrorCode::InvalidChoice));
    }
    let items: Vec<FailedNotification> = outbox::given_up(state.db.read(), entity, 200)
        .await?
        .into_iter()
        .map(|g| {
            let (channel, to) = match g.message {
                Message::Email { to, .. } => ("email", to),
                Message::Sms { to, .. } => ("sms", to),
            };
            FailedNotification {
                id: g.id,
                channel: channel.to_owned(),
                to,
                kind: g.notice,
                attempts: g.attempts,
                last_error: g.last_error,
                created_at: g.created_at,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

/// Sends a given-up notification again, from its first try (an extension of API.md).
#[utoipa::path(post, path = "/api/v1/entities/{id}/notifications/{notification_id}/resend", tag = "organisation",
    params(("id" = String, Path), ("notification_id" = String, Path)), security(("bearer" = [])),
    responses((status = 202, description = "Queued again"), (status = 404, description = "No such notification given up")))]
#[post("/entities/{id}/notifications/{notification_id}/resend")]
pub async fn resend_notification(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(EntityId, uuid::Uuid)>,
) -> ApiResult<HttpResponse> {
    let (entity, id) = path.into_inner();
    authorize(caller.actor(), Action::ManageNotifications(entity))?;
    let me = caller.actor().user_id;
    let answer = state
        .app
        .unit(move |tx, now| {
            Box::pin(async move {
                if !outbox::resend(tx, entity, id, now).await? {
                    return Err(ApiError::new(ErrorCode::NotFound));
                }
                let entry = crate::audit::entry(
                    Some(me),
                    Some(entity),
                    AuditAction::NotificationResend,
                    AuditTarget::Entity(entity),
                )
                .after(json!({ "notification": id }));
                audit::append(tx, entry, now).await?;
                Answer::accepted(json!({ "notification": id }))
            })
        })
        .await?;
    state.app.wake_outbox(true);
    Ok(answer.respond())
}
