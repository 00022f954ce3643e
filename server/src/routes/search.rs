//! `GET /search`: the archive, as far as the caller may see it.

use actix_web::{HttpResponse, get, web};
use tawasul_core::api::{SearchPage, SearchQuery};
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
    let viewer = Viewer::new(caller.actor());
    let archive = state.archive.clone();
    // Searching reads the index files: off the async workers.
    let (found, params) =
        web::block(move || (archive.search(&viewer, &params), params)).await.map_err(ApiError::internal)?;
    let found = found.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(SearchPage::new(found.hits, found.total, &params)))
}
