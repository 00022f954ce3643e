//! Objects at rest: round trips through encryption, nothing readable on disk,
//! tampering and truncation detected, the size limit, key rotation, sniffing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tawasul_storage::objects::{MasterKey, ObjectError, Objects, sniff};

fn chunks(data: &[u8], size: usize) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
    let parts: Vec<Result<Bytes, std::io::Error>> =
        data.chunks(size.max(1)).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    futures_util::stream::iter(parts)
}

async fn read_all(o: &Objects, key: &str, wrapped: &str) -> Result<Vec<u8>, ObjectError> {
    use futures_util::StreamExt;
    let mut s = Box::pin(o.get(key, wrapped).await?);
    let mut out = Vec::new();
    while let Some(piece) = s.next().await {
        out.extend_from_slice(&piece?);
    }
    Ok(out)
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(files_under(&p)) } else { out.push(p) }
    }
    out
}

#[tokio::test]
async fn round_trips_of_every_size_leave_no_plaintext_behind() {
    let dir = tempfile::tempdir().unwrap();
    let o = Objects::open(dir.path().to_str().unwrap(), MasterKey::generate()).unwrap();
    let marker = "وثيقة سرية للمواطن ".as_bytes();
    for (i, size) in [0usize, 1, 65_535, 65_536, 65_537, 3 * 65_536 + 5, 1_000_003].into_iter().enumerate() {
        let data: Vec<u8> = marker.iter().copied().cycle().take(size).collect();
        let key = format!("entity/{i}");
        let w = o.put(&key, chunks(&data, 7_919), 10 << 20).await.unwrap();
        assert_eq!(w.size, size as u64);
        assert_eq!(w.sha256, hex::encode(Sha256::digest(&data)));
        assert_eq!(w.head, data[..size.min(8192)]);
        assert_eq!(read_all(&o, &key, &w.wrapped_key).await.unwrap(), data, "size {size}");
    }
    for f in files_under(dir.path()) {
        let raw = std::fs::read(&f).unwrap();
        assert!(!raw.windows(marker.len()).any(|w| w == marker), "plaintext in {}", f.display());
    }
}

#[tokio::test]
async fn tampering_truncation_and_the_wrong_key_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = Objects::open(dir.path().to_str().unwrap(), MasterKey::generate()).unwrap();
    let data = vec![7u8; 200_000];
    let w = o.put("e/x", chunks(&data, 50_000), 1 << 20).await.unwrap();
    let file = dir.path().join("e/x");
    let original = std::fs::read(&file).unwrap();

    let mut flipped = original.clone();
    flipped[100_000] ^= 1;
    std::fs::write(&file, &flipped).unwrap();
    assert!(matches!(read_all(&o, "e/x", &w.wrapped_key).await, Err(ObjectError::Tampered)));

    // Cut at a chunk boundary: every remaining chunk is genuine, but the last
    // one is not sealed as the last.
    std::fs::write(&file, &original[..7 + 2 * (65_536 + 16)]).unwrap();
    assert!(matches!(read_all(&o, "e/x", &w.wrapped_key).await, Err(ObjectError::Tampered)));

    std::fs::write(&file, &original).unwrap();
    let other = Objects::open(dir.path().to_str().unwrap(), MasterKey::generate()).unwrap();
    assert!(matches!(other.get("e/x", &w.wrapped_key).await.err(), Some(ObjectError::Tampered)));
    assert_eq!(read_all(&o, "e/x", &w.wrapped_key).await.unwrap(), data);
}

#[tokio::test]
async fn too_large_leaves_nothing_stored() {
    let dir = tempfile::tempdir().unwrap();
    let o = Objects::open(dir.path().to_str().unwrap(), MasterKey::generate()).unwrap();
    let data = vec![1u8; 300_000];
    let err = o.put("e/big", chunks(&data, 10_000), 250_000).await.unwrap_err();
    assert!(matches!(err, ObjectError::TooLarge(250_000)));
    assert!(o.list("e").await.unwrap().is_empty());
    assert!(files_under(dir.path()).is_empty(), "{:?}", files_under(dir.path()));
}

#[tokio::test]
async fn rotating_the_master_key_rewraps_data_keys_only() {
    let dir = tempfile::tempdir().unwrap();
    let old = MasterKey::generate();
    let o = Objects::open(dir.path().to_str().unwrap(), old.clone()).unwrap();
    let w = o.put("e/r", chunks(b"rotate me", 3), 1024).await.unwrap();
    let stored = std::fs::read(dir.path().join("e/r")).unwrap();
    let new = MasterKey::generate();
    let rewrapped = old.rewrap(&w.wrapped_key, &new).unwrap();
    let o2 = Objects::open(dir.path().to_str().unwrap(), new).unwrap();
    assert_eq!(read_all(&o2, "e/r", &rewrapped).await.unwrap(), b"rotate me");
    assert_eq!(std::fs::read(dir.path().join("e/r")).unwrap(), stored, "the object is not rewritten");
    assert!(o2.get("e/r", &w.wrapped_key).await.is_err(), "the old wrapping no longer opens it");
}

#[test]
fn the_master_key_is_generated_once_and_kept_private() {
    let dir = tempfile::tempdir().unwrap();
    let a = MasterKey::load_or_create(None, dir.path()).unwrap();
    let b = MasterKey::load_or_create(None, dir.path()).unwrap();
    assert_eq!(a.to_base64(), b.to_base64());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("master.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
}

#[test]
fn content_types_come_from_the_bytes() {
    let pdf = b"%PDF-1.7\n1 0 obj\n";
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
    let mut exe = b"MZ".to_vec();
    exe.resize(256, 0);
    exe[0x3c] = 0x80;
    exe.extend_from_slice(b"PE\0\0");
    let elf = [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0];
    let cases: [(&[u8], &str); 7] = [
        (pdf, "application/pdf"),
        (&png, "image/png"),
        (&exe, "application/octet-stream"),
        (&elf, "application/octet-stream"),
        ("طلب تجديد الهوية".as_bytes(), "text/plain; charset=utf-8"),
        (&[0xff, 0xfe, 0x00, 0x01, 0x02], "application/octet-stream"),
        (b"", "application/octet-stream"),
    ];
    for (bytes, expected) in cases {
        assert_eq!(sniff(bytes), expected, "{bytes:?}");
    }
}

/// The same round trip and size limit on a real S3-compatible server (moto).
#[tokio::test]
async fn on_s3_round_trips_and_refuses_what_is_too_large() {
    let s3 = tawasul_testkit::s3::S3Server::start().unwrap();
    s3.create_bucket("objects-test").unwrap();
    let o = Objects::open(&s3.url("objects-test", "tawasul"), MasterKey::generate()).unwrap();
    let marker = "مستند على S3 ".as_bytes();
    let data: Vec<u8> = marker.iter().copied().cycle().take(6 * 1024 * 1024 + 77).collect();
    let w = o.put("e/big", chunks(&data, 100_000), 10 << 20).await.unwrap();
    assert_eq!(w.sha256, hex::encode(Sha256::digest(&data)));
    assert_eq!(read_all(&o, "e/big", &w.wrapped_key).await.unwrap(), data);
    let raw = o.raw("e/big").await.unwrap();
    assert!(!raw.windows(marker.len()).any(|w| w == marker), "plaintext at rest");
    assert!(matches!(o.put("e/huge", chunks(&data, 100_000), 1 << 20).await, Err(ObjectError::TooLarge(_))));
    assert_eq!(o.list("e").await.unwrap(), vec!["e/big".to_owned()], "the refused upload left nothing");
    o.delete("e/big").await.unwrap();
    assert!(o.list("").await.unwrap().is_empty());
}
