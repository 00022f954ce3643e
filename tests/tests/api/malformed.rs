//! Every POST, PUT and PATCH of the OpenAPI document, fed malformed bodies, must
//! answer 4xx with the error envelope — never 5xx.

use reqwest::Method;

use crate::helpers::*;

const BODIES: &[&[u8]] = &[
    b"",
    b"{",
    b"[]",
    b"null",
    b"42",
    b"\"text\"",
    b"{}",
    b"{\"name_ar\": 5, \"login\": [], \"refresh_token\": {}, \"channel\": null}",
    b"{\"a\": 1}}",
    b"\xff\xfe\x00garbage",
    b"{\"department_ids\": [\"not-a-uuid\"], \"role\": \"king\", \"entity_ids\": \"some\"}",
];

fn concrete(path: &str) -> String {
    // Path parameters become ids that exist nowhere.
    path.split('/')
        .map(|seg| if seg.starts_with('{') { uuid::Uuid::now_v7().to_string() } else { seg.to_owned() })
        .collect::<Vec<_>>()
        .join("/")
}

async fn every_write_answers_malformed_bodies_with_4xx(app: TestApp) {
    let doc = app.client.openapi().await.unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let (beneficiary, _) = app.beneficiary(1).await;
    let mut checked = 0;
    for (path, item) in paths {
        for method in ["post", "put", "patch"] {
            if item.get(method).is_none() {
                continue;
            }
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for caller in [&app.client, &app.platform, &beneficiary] {
                for body in BODIES {
                    // Log-out's body is optional and any object will do: those are
                    // not malformed for it.
                    let optional_object = body.is_empty()
                        || serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body).is_ok();
                    if path.ends_with("/auth/logout") && optional_object {
                        continue;
                    }
                    for content_type in ["application/json", "text/plain"] {
                        let res = caller
                            .request(m.clone(), &concrete(path))
                            .header("content-type", content_type)
                            .body(body.to_vec())
                            .send()
                            .await
                            .unwrap();
                        let status = res.status();
                        let text = res.text().await.unwrap();
                        assert!(
                            status.is_client_error(),
                            "{method} {path} with {:?} ({content_type}) gave {status}: {text}",
                            String::from_utf8_lossy(body)
                        );
                        {
                            let v: serde_json::Value = serde_json::from_str(&text)
                                .unwrap_or_else(|_| panic!("{method} {path}: not the envelope: {text}"));
                            assert!(v["error"]["code"].is_string(), "{method} {path}: {text}");
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} requests: the document lists too few writes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    every_write_answers_malformed_bodies_with_4xx(spawn_app("sqlite").await).await
}
