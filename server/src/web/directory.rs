//! The entity directory: every entity a person can open a request with, and
//! what kinds of request each one takes. The reads here also fill the pages'
//! choices of entity and type.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use tawasul_core::api::{EntitySummary, PageRequest, TransactionTypeView};
use tawasul_core::ids::EntityId;
use tawasul_core::policy::{Action, authorize};
use tawasul_storage::organisation;

use super::layout::Layout;
use super::session::Visitor;
use super::{error_page, html, signed_in};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// How many entities, and types of one entity, a page offers at most.
const SHOWN: u64 = 200;

/// The directory's entities, in the order they were registered.
pub async fn entities(state: &AppState) -> ApiResult<Vec<EntitySummary>> {
    Ok(organisation::list_entities(state.db.read(), &PageRequest { limit: SHOWN, after: None }).await?.items)
}

/// One entity's transaction types.
pub async fn types_of(state: &AppState, entity: EntityId) -> ApiResult<Vec<TransactionTypeView>> {
    Ok(organisation::list_transaction_types(state.db.read(), entity, &PageRequest { limit: SHOWN, after: None })
        .await?
        .items)
}

/// An entity as the directory lists it: its name, its kind, its types.
pub struct Listed {
    pub entity: EntitySummary,
    pub types: Vec<TransactionTypeView>,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct Directory {
    page: Layout,
    listed: Vec<Listed>,
}

#[get("/entities")]
pub async fn directory(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    let loaded = async {
        authorize(v.caller.actor(), Action::ReadDirectory)?;
        let mut listed = vec![];
        for entity in entities(&state).await? {
            listed.push(Listed { types: types_of(&state, entity.id).await?, entity });
        }
        ApiResult::Ok(listed)
    }
    .await;
    match loaded {
        Ok(listed) => html(StatusCode::OK, &Directory { page: layout.titled("ui-directory-title"), listed }),
        Err(e) => error_page(layout, e),
    }
}
