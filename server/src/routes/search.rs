//! `GET /search`: the archive, as far as the caller may see it.

use actix_web::{HttpResponse, get, web};
use tawasul_core::api::{SearchItem, SearchPage, SearchQuery};
use tawasul_core::visibility::Viewer;
use tawasul_search::SearchRequest;

use crate::auth::caller::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Searches transactions, comments, voice notes and documents the caller could open.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchQuery), security(("bearer" = [])),
    responses((status = 200, body = SearchPage), (status = 422, description = "No word to search for, or a bad filter")))]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<SearchQuery>,
) -> ApiResult<HttpResponse> {
    let params = query.parse()?;
    let viewer = Viewer::new(caller.actor());
    let request = SearchRequest {
        q: params.q.clone(),
        entity_id: params.entity_id,
        type_id: params.type_id,
        status: params.status.map(|s| s.as_str().to_owned()),
        kind: params.kind,
        from: params.from,
        to: params.to,
        offset: params.offset,
        limit: params.limit,
    };
    let archive = state.archive.clone();
    // Searching reads the index files: off the async workers.
    let found = web::block(move || archive.search(&viewer, &request))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let items = found
        .hits
        .into_iter()
        .map(|h| SearchItem {
            kind: h.kind,
            transaction_id: h.transaction_id,
            meeting_id: h.meeting_id,
            entity_id: h.entity_id,
            at: h.at,
            title: h.title,
            snippet: h.snippet,
        })
        .collect();
    Ok(HttpResponse::Ok().json(SearchPage::new(items, found.total, &params)))
}
