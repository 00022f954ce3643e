//! Regulators: read-only accounts watching some entities, or all.

use actix_web::{HttpResponse, get, post, web};
use tawasul_core::api::{CreateRegulatorRequest, Page, RegulatorView};
use tawasul_core::policy::{Action, authorize};

use crate::auth::Caller;
use crate::body::Deferred;
use crate::error::ApiResult;
use crate::state::AppState;

/// Creates a regulator with a remit of listed entities or `"all"`.
#[utoipa::path(post, path = "/api/v1/regulators", tag = "organisation", request_body = CreateRegulatorRequest, security(("bearer" = [])),
    responses((status = 201, body = RegulatorView), (status = 403, description = "Platform administrators only")))]
#[post("/regulators")]
pub async fn create_regulator(
    state: web::Data<AppState>,
    caller: Caller,
    body: Deferred<CreateRegulatorRequest>,
) -> ApiResult<HttpResponse> {
    authorize(caller.actor(), Action::CreateRegulator)?;
    let r = body.parse()?.parse()?;
    Ok(state.app.create_regulator(caller.actor(), &r).await?.respond())
}

/// Every regulator with their remit (one page: regulators are few).
#[utoipa::path(get, path = "/api/v1/regulators", tag = "organisation", security(("bearer" = [])),
    responses((status = 200, body = Page<RegulatorView>), (status = 403, description = "Platform administrators only")))]
#[get("/regulators")]
pub async fn list_regulators(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(regulators(&state, &caller).await?))
}

/// The regulators, for the platform admin alone: the API's list and the page's.
pub(crate) async fn regulators(state: &AppState, caller: &Caller) -> ApiResult<Page<RegulatorView>> {
    authorize(caller.actor(), Action::ListRegulators)?;
    let items = tawasul_storage::organisation::list_regulators(state.db.read()).await?;
    Ok(Page { items, next_cursor: None })
}
