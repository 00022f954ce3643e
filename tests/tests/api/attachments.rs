//! Attachments end to end: bytes and digest round trip, the type is what the
//! bytes are, Arabic names survive, identical content is stored once, nothing
//! readable under the objects directory, 413 keeps nothing, and an internal
//! attachment does not exist for the beneficiary by any path.

use sha2::{Digest, Sha256};
use tawasul_core::events::EventKind;
use tawasul_core::ids::AttachmentId;
use tawasul_core::realtime::{ServerFrame, Topic};
use tawasul_server::settings::Settings;

use crate::helpers::*;
use crate::transactions::{request, setup};
use crate::{on_both_backends, on_both_backends_with};

on_both_backends!(
    attachments_round_trip_and_keep_to_their_audience,
    the_type_comes_from_the_bytes_and_content_is_stored_once,
);

fn small_limit(s: &mut Settings) {
    s.attachment_max_bytes = 200 * 1024;
}

on_both_backends_with!(small_limit; too_large_is_refused_and_nothing_is_kept);

/// A small but real-looking PDF with a marker in it.
fn pdf(marker: &str) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_vec();
    for _ in 0..2_000 {
        v.extend_from_slice(marker.as_bytes());
    }
    v.extend_from_slice(b"\n%%EOF\n");
    v
}

/// Every object kept at rest, as stored (on disk or on S3).
async fn stored(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![];
    for key in app.objects.list("").await.unwrap() {
        out.push((key.clone(), app.objects.raw(&key).await.unwrap().to_vec()));
    }
    out
}

/// The attachment suite again with the objects on a real S3-compatible server
/// (moto), the database on SQLite.
mod on_s3 {
    use tawasul_server::settings::Settings;
    use tawasul_tests::s3::S3Server;

    async fn app(adjust: fn(&mut Settings)) -> (S3Server, crate::helpers::TestApp) {
        let s3 = S3Server::start().unwrap();
        s3.create_bucket("tawasul").unwrap();
        let url = s3.url("tawasul", "objects");
        let app = crate::helpers::spawn_app_with("sqlite", move |s| {
            s.object_store = Some(url);
            adjust(s);
        })
        .await;
        (s3, app)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn attachments_round_trip_and_keep_to_their_audience() {
        let (_s3, app) = app(|_| {}).await;
        super::attachments_round_trip_and_keep_to_their_audience(app).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_type_comes_from_the_bytes_and_content_is_stored_once() {
        let (_s3, app) = app(|_| {}).await;
        super::the_type_comes_from_the_bytes_and_content_is_stored_once(app).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn too_large_is_refused_and_nothing_is_kept() {
        let (_s3, app) = app(super::small_limit).await;
        super::too_large_is_refused_and_nothing_is_kept(app).await
    }
}

async fn attachments_round_trip_and_keep_to_their_audience(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 51).await;
    let emp = &s.employees[0].1;
    let (ben, _) = app.beneficiary(5100).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let mut ben_ws = ben.realtime().await.unwrap();
    ben_ws.subscribe(Topic::Transaction(t.id), None).await.unwrap();

    let bytes = pdf("سجل تجاري سري ");
    let name = "صورة السجل التجاري.pdf";
    let shown = emp.upload_attachment(t.id, "external", name, "application/pdf", bytes.clone()).await.unwrap();
    assert_eq!(shown.name, name);
    assert_eq!(shown.size, bytes.len() as u64);
    assert_eq!(shown.sha256, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(shown.content_type, "application/pdf");

    let (headers, got) = ben.download_attachment(shown.id).await.unwrap();
    assert_eq!(got, bytes, "the bytes come back as they went");
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let cd = headers["content-disposition"].to_str().unwrap();
    assert!(cd.starts_with("attachment"), "{cd}");
    let encoded: String = name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    assert!(cd.contains(&format!("filename*=UTF-8''{encoded}")), "{cd}");

    // An internal attachment: staff only.
    let internal =
        emp.upload_attachment(t.id, "internal", "تقرير داخلي.pdf", "application/pdf", pdf("داخلي ")).await.unwrap();
    let err = ben.download_attachment(internal.id).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(emp.download_attachment(internal.id).await.unwrap().1, pdf("داخلي "));
    let timeline = serde_json::to_string(&ben.timeline(t.id).await.unwrap()).unwrap();
    assert!(timeline.contains(&shown.id.to_string()));
    assert!(!timeline.contains(&internal.id.to_string()) && !timeline.contains("تقرير داخلي"), "{timeline}");
    // Live: the beneficiary's connection carries the external attachment only.
    let mut kinds = vec![];
    while kinds.is_empty() {
        if let Some(tawasul_client::realtime::Incoming::Frame(ServerFrame::Event { event, .. })) = ben_ws.next().await
            && let Some(event) = event.transaction()
        {
            kinds.push((event.kind, event.data["attachment_id"].as_str().unwrap_or_default().to_owned()));
        }
    }
    assert_eq!(kinds, vec![(EventKind::Attachment, shown.id.to_string())]);

    // Strangers and unknown ids: 404, like anything invisible.
    let (stranger, _) = app.beneficiary(5101).await;
    assert_eq!(stranger.download_attachment(shown.id).await.unwrap_err().status(), Some(404));
    assert_eq!(ben.download_attachment(AttachmentId::new()).await.unwrap_err().status(), Some(404));
    let err = stranger.upload_attachment(t.id, "external", "x.pdf", "application/pdf", pdf("x")).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    // A beneficiary cannot attach internally.
    let err = ben.upload_attachment(t.id, "internal", "x.pdf", "application/pdf", pdf("x")).await.unwrap_err();
    assert_eq!(err.status(), Some(403));

    // A form without a file.
    let form = reqwest::multipart::Form::new().text("visibility", "external");
    let res = ben
        .request(reqwest::Method::POST, &format!("/api/v1/transactions/{}/attachments", t.id))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);

    // Nothing readable at rest.
    let kept = stored(&app).await;
    assert_eq!(kept.len(), 2);
    for (key, raw) in kept {
        for marker in ["سجل تجاري سري ", "داخلي "] {
            assert!(!raw.windows(marker.len()).any(|w| w == marker.as_bytes()), "plaintext in {key}");
        }
    }
}

async fn the_type_comes_from_the_bytes_and_content_is_stored_once(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 52).await;
    let emp = &s.employees[0].1;
    let (ben, _) = app.beneficiary(5200).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();

    // A Windows executable that calls itself a PDF.
    let mut exe = b"MZ".to_vec();
    exe.resize(256, 0);
    exe[0x3c] = 0x80;
    exe.extend_from_slice(b"PE\0\0");
    exe.resize(4096, 0x90);
    let a = ben.upload_attachment(t.id, "external", "فاتورة.pdf", "application/pdf", exe.clone()).await.unwrap();
    assert_eq!(a.content_type, "application/octet-stream");
    let (headers, _) = emp.download_attachment(a.id).await.unwrap();
    assert_eq!(headers["content-type"], "application/octet-stream");
    assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment"));

    // The same PDF twice, under two names: two attachments, one stored object.
    let before = stored(&app).await.len();
    let bytes = pdf("نسخة ");
    let one =
        ben.upload_attachment(t.id, "external", "a.pdf", "application/octet-stream", bytes.clone()).await.unwrap();
    let two = emp.upload_attachment(t.id, "external", "b.pdf", "text/plain", bytes.clone()).await.unwrap();
    assert_ne!(one.id, two.id);
    assert_eq!((one.content_type.as_str(), two.content_type.as_str()), ("application/pdf", "application/pdf"));
    assert_eq!(one.sha256, two.sha256);
    assert_eq!(stored(&app).await.len(), before + 1, "identical content is stored once");
    assert_eq!(ben.download_attachment(two.id).await.unwrap().1, bytes);
}

async fn too_large_is_refused_and_nothing_is_kept(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 53).await;
    let (ben, _) = app.beneficiary(5300).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let big = vec![b'x'; 300 * 1024];
    let err = ben.upload_attachment(t.id, "external", "كبير.txt", "text/plain", big).await.unwrap_err();
    assert_eq!(err.status(), Some(413), "{err}");
    assert_eq!(err.code(), Some("request.too_large"));
    assert!(stored(&app).await.is_empty(), "nothing stored");
    let timeline = ben.timeline(t.id).await.unwrap();
    assert!(timeline.iter().all(|e| e.kind != EventKind::Attachment));
    // Just under the limit is fine.
    let ok = ben.upload_attachment(t.id, "external", "صغير.txt", "text/plain", vec![b'y'; 200 * 1024]).await.unwrap();
    assert_eq!(ok.content_type, "text/plain; charset=utf-8");
}
