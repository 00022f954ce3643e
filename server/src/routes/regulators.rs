//! Regulators: read-only accounts watching some entities, or all.

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use serde_json::json;
use tawasul_core::api::{CreateRegulatorRequest, RegulatorView};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::policy::{Action, authorize};
use tawasul_storage::audit;
use tawasul_storage::{TransactionTrait, organisation, outbox};

use crate::auth::Caller;
use crate::body::Json;
use crate::credentials::{credentials_email, staff_password};
use crate::error::ApiResult;
use crate::state::AppState;

/// Creates a regulator with a remit of listed entities or `"all"`.
#[utoipa::path(post, path = "/api/v1/regulators", tag = "organisation", request_body = CreateRegulatorRequest, security(("bearer" = [])),
    responses((status = 201, body = RegulatorView), (status = 403, description = "Platform administrators only")))]
#[post("/regulators")]
pub async fn create_regulator(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateRegulatorRequest>,
) -> ApiResult<HttpResponse> {
    authorize(caller.actor(), Action::CreateRegulator)?;
    let r = body.parse()?;
    let password = staff_password(r.person.initial_password.as_ref()).await?;
    let now = Utc::now();
    let tx = state.db.write().begin().await?;
    let view = organisation::create_regulator(&tx, &r, &password.hash, now).await?;
    audit::append(
        &tx,
        crate::audit::entry(
            Some(caller.actor().user_id),
            None,
            AuditAction::RegulatorCreate,
            AuditTarget::User(view.id),
        )
        .after(json!({ "entity_ids": view.entity_ids })),
        now,
    )
    .await?;
    if let Some(p) = &password.generated {
        let url = state.settings.public_url(state.settings.listen);
        let msg = credentials_email(&r.person.email, &r.person.name_ar, &r.person.name_en, p, &url);
        outbox::enqueue(&tx, &msg, now).await?;
    }
    tx.commit().await?;
    state.outbox_wake.notify_one();
    Ok(HttpResponse::Created().json(view))
}
