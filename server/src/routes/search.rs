//! `GET /search`: the archive, as far as the caller may see it.

use actix_web::{HttpResponse, get, web};
use tawasul_core::api::{SearchPage, SearchParams, SearchQuery};
use tawasul_core::org::Actor;
use tawasul_core::visibility::Viewer;

use crate::auth::caller::Caller;
use crate::body::Query;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Searches transactions, comments, voice notes and documents the caller could open.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchQuery), security(("bearer" = [])),
    responses((status = 200, body = SearchPage), (status = 422, description = "No word to search for, or a bad filter")))]
#[get("/search")]
pub async fn search(state: web::Data<AppState>, caller: Caller, query: Query<SearchQuery>) -> ApiResult<HttpResponse> {
    let params = query.parse()?;
    Ok(HttpResponse::Ok().json(find(&state, caller.actor(), params).await?))
}

/// One page of what `actor` could open among the archive's hits: the read the
/// API and the search page share.
pub async fn find(state: &AppState, actor: &Actor, params: SearchParams) -> ApiResult<SearchPage> {
    let viewer = Viewer::new(actor);
    let archive = state.archive.clone();
    // Searching reads the index files: off the async workers.
    let (found, params) =
        web::block(move || (archive.search(&viewer, &params), params)).await.map_err(ApiError::internal)?;
    let found = found.map_err(ApiError::internal)?;
    Ok(SearchPage::new(found.hits, found.total, &params))
}
