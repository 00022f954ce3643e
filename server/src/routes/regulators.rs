//! Regulators: read-only accounts watching some entities, or all.

use actix_web::{HttpResponse, post, web};
use tawasul_core::api::{CreateRegulatorRequest, RegulatorView};
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
