//! Liveness and readiness.

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use crate::state::AppState;

/// 200 while the process serves.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The process is serving")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// 200 when the database, the object store and the index are reachable, else 503.
#[utoipa::path(get, path = "/readyz", tag = "health", responses(
    (status = 200, description = "Ready"), (status = 503, description = "A dependency is unreachable")))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let database = state.db.ping().await.is_ok();
    // A listing of a key that never exists: one cheap round trip to the store.
    let objects = state.objects.list("readyz-probe").await.is_ok();
    let index = tokio::fs::metadata(state.settings.index_dir()).await.is_ok_and(|m| m.is_dir());
    let body = json!({
        "status": if database && objects && index { "ok" } else { "unavailable" },
        "checks": { "database": database, "object_store": objects, "index": index },
    });
    if database && objects && index {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
