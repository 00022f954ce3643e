//! Health, readiness, metrics, the OpenAPI document, unknown paths.

use reqwest::Method;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(health_readiness_and_metrics);

async fn health_readiness_and_metrics(app: TestApp) {
    assert_eq!(app.client.healthz().await.unwrap()["status"], "ok");
    let ready = app.client.readyz().await.unwrap();
    assert_eq!(ready["checks"]["database"], true);
    let metrics = reqwest::get(format!("{}/metrics", app.admin_address)).await.unwrap().text().await.unwrap();
    assert!(metrics.contains("tawasul_http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/api/v1/auth/login\""), "labels by route pattern: {metrics}");
    // Metrics are not on the public listener.
    let res = app.client.request(Method::GET, "/metrics").send().await.unwrap();
    assert_eq!(res.status(), 404);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "resource.not_found");
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_every_route() {
    let app = spawn_app("sqlite").await;
    let doc = app.client.openapi().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/api/v1/openapi.json", "get"),
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/auth/otp/send", "post"),
        ("/api/v1/auth/otp/verify", "post"),
        ("/api/v1/auth/password", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/entities", "post"),
        ("/api/v1/entities", "get"),
        ("/api/v1/entities/{id}/departments", "post"),
        ("/api/v1/entities/{id}/departments", "get"),
        ("/api/v1/entities/{id}/employees", "post"),
        ("/api/v1/employees/{id}", "patch"),
        ("/api/v1/entities/{id}/transaction-types", "post"),
        ("/api/v1/entities/{id}/transaction-types", "get"),
        ("/api/v1/regulators", "post"),
    ] {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} missing from the document");
    }
    // And every documented operation is served: none answers the unmatched-route 404
    // with an empty body or 405.
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let concrete = path.replace("{id}", &uuid::Uuid::now_v7().to_string());
            let res = app.platform.request(m, &concrete).send().await.unwrap();
            assert_ne!(res.status(), 405, "{method} {path}");
        }
    }
}
