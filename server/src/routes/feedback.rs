//! `GET /feedback/pages`: how many found each page useful, for the platform admin.

use actix_web::{HttpResponse, get, web};
use tawasul_core::feedback::PageFeedbackCount;
use tawasul_core::policy::{Action, authorize};
use tawasul_storage::page_feedback;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;

/// Every page answered, with its counts of "useful" and "not useful".
#[utoipa::path(get, path = "/api/v1/feedback/pages", tag = "operations", security(("bearer" = [])),
    responses((status = 200, body = Vec<PageFeedbackCount>), (status = 403, description = "Platform administrators only")))]
#[get("/feedback/pages")]
pub async fn page_counts(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    authorize(caller.actor(), Action::ReadPageFeedback)?;
    Ok(HttpResponse::Ok().json(page_feedback::counts(state.db.read()).await?))
}
