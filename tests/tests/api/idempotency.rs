//! `Idempotency-Key`: a repeat returns the first result and writes nothing new.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(a_repeated_write_returns_the_first_result_and_writes_nothing);

async fn a_repeated_write_returns_the_first_result_and_writes_nothing(app: TestApp) {
    let body = serde_json::to_value(registration(1)).unwrap();
    let send = |key: &'static str, body: serde_json::Value| {
        app.client.request(Method::POST, "/api/v1/auth/register").header("Idempotency-Key", key).json(&body).send()
    };
    let first = send("k-1", body.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: serde_json::Value = first.json().await.unwrap();
    let again = send("k-1", body.clone()).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers().get("idempotent-replayed").unwrap(), "true");
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(first, again, "the very same response, tokens included");
    // Without the key, the same body is a duplicate: so only one account exists.
    let dup = app.client.request(Method::POST, "/api/v1/auth/register").json(&body).send().await.unwrap();
    assert_eq!(dup.status(), 409);
    // The same key for a different request is refused.
    let other = serde_json::to_value(registration(2)).unwrap();
    let reused = send("k-1", other).await.unwrap();
    assert_eq!(reused.status(), 422);
    assert_eq!(reused.json::<serde_json::Value>().await.unwrap()["error"]["code"], "idempotency.key_reused");

    // Keys are per caller: two admins may use the same key for their own writes.
    let a = app.entity(1).await;
    let b = app.entity(2).await;
    for (e, name) in [(&a, "A"), (&b, "B")] {
        let res = e
            .admin
            .request(Method::POST, &format!("/api/v1/entities/{}/departments", e.id))
            .header("Idempotency-Key", "same")
            .json(&json!({"name_ar": format!("إدارة {name}"), "name_en": name}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let res = e
            .admin
            .request(Method::POST, &format!("/api/v1/entities/{}/departments", e.id))
            .header("Idempotency-Key", "same")
            .json(&json!({"name_ar": format!("إدارة {name}"), "name_en": name}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let list = e.admin.list_departments(e.id, &Default::default()).await.unwrap();
        assert_eq!(list.items.len(), 1, "the repeat created nothing");
        assert_eq!(list.items[0].name_en, name);
    }
}
