//! Documents and voice notes at rest: an object store (a local directory by
//! default, S3-compatible when configured) that only ever holds ciphertext.
//!
//! Envelope encryption: every object gets a fresh 256-bit data key. Its content
//! is encrypted with AES-256-GCM in chunks of 64 KiB (the STREAM construction of
//! the `aead` crate: each chunk authenticated, reordering and truncation
//! detected), so that an object is written and read as a stream whatever its
//! size. The data key is wrapped by the master key (AES-256-GCM again) and kept
//! in the database beside the object's address; rotating the master key
//! re-wraps the data keys and leaves the objects as they are.
//!
//! An object is: a 7-byte nonce prefix, then the encrypted chunks.

use std::path::Path;
use std::sync::Arc;

use aes_gcm::aead::stream::{DecryptorBE32, EncryptorBE32};
use aes_gcm::aead::{Aead, KeyInit, OsRng, rand_core::RngCore};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};

/// Plaintext bytes per encrypted chunk.
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const NONCE_PREFIX: usize = 7;
/// How much of the start of an upload is kept to recognise its type.
const HEAD: usize = 8 * 1024;
/// Parts of a multipart upload in flight at once: with the part size, what
/// bounds the memory an upload takes when the store is slower than the uploader.
const PARTS_IN_FLIGHT: usize = 2;
/// S3 refuses parts smaller than 5 MiB (but the last); a local directory takes any.
const S3_PART: usize = 5 * 1024 * 1024;
const LOCAL_PART: usize = 512 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    #[error("the content is larger than {0} bytes")]
    TooLarge(u64),
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    /// Wrong key, or content changed or cut short at rest.
    #[error("the object does not decrypt: it was altered, cut short, or the key is wrong")]
    Tampered,
    #[error("bad configuration: {0}")]
    Config(String),
    #[error("reading the upload: {0}")]
    Input(String),
}

/// The key that wraps every data key.
#[derive(Clone)]
pub struct MasterKey(Key<Aes256Gcm>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

impl MasterKey {
    pub fn generate() -> MasterKey {
        MasterKey(Aes256Gcm::generate_key(OsRng))
    }

    /// From its base64 form (32 bytes).
    pub fn from_base64(s: &str) -> Result<MasterKey, ObjectError> {
        let raw = B64.decode(s.trim()).map_err(|e| ObjectError::Config(format!("master key: {e}")))?;
        if raw.len() != 32 {
            return Err(ObjectError::Config("the master key must be 32 bytes, base64-encoded".into()));
        }
        Ok(MasterKey(*Key::<Aes256Gcm>::from_slice(&raw)))
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.0.as_slice())
    }

    /// The configured key, or the one in `<dir>/master.key`, created (owner-only)
    /// on first run.
    pub fn load_or_create(configured: Option<&str>, dir: &Path) -> Result<MasterKey, ObjectError> {
        if let Some(k) = configured {
            return MasterKey::from_base64(k);
        }
        let file = dir.join("master.key");
        match std::fs::read_to_string(&file) {
            Ok(k) => MasterKey::from_base64(&k),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = MasterKey::generate();
                write_private(&file, &key.to_base64()).map_err(|e| ObjectError::Config(e.to_string()))?;
                Ok(key)
            }
            Err(e) => Err(ObjectError::Config(format!("{}: {e}", file.display()))),
        }
    }

    fn wrap(&self, data_key: &Key<Aes256Gcm>) -> String {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let sealed =
            Aes256Gcm::new(&self.0).encrypt(Nonce::from_slice(&nonce), data_key.as_slice()).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        B64.encode(out)
    }

    fn unwrap_key(&self, wrapped: &str) -> Result<Key<Aes256Gcm>, ObjectError> {
        let raw = B64.decode(wrapped).map_err(|_| ObjectError::Tampered)?;
        if raw.len() < 12 {
            return Err(ObjectError::Tampered);
        }
        let (nonce, sealed) = raw.split_at(12);
        let key =
            Aes256Gcm::new(&self.0).decrypt(Nonce::from_slice(nonce), sealed).map_err(|_| ObjectError::Tampered)?;
        if key.len() != 32 {
            return Err(ObjectError::Tampered);
        }
        Ok(*Key::<Aes256Gcm>::from_slice(&key))
    }

    /// A data key wrapped by `self`, wrapped by `to` instead: master-key rotation.
    pub fn rewrap(&self, wrapped: &str, to: &MasterKey) -> Result<String, ObjectError> {
        Ok(to.wrap(&self.unwrap_key(wrapped)?))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

/// What was stored: where, how big, its digest, the start of its plaintext
/// (to recognise its type) and its wrapped data key.
#[derive(Debug, Clone)]
pub struct Written {
    pub key: String,
    pub size: u64,
    /// Lower-case hex SHA-256 of the plaintext.
    pub sha256: String,
    pub head: Vec<u8>,
    pub wrapped_key: String,
}

#[derive(Clone)]
pub struct Objects {
    store: Arc<dyn ObjectStore>,
    master: MasterKey,
    part_size: usize,
}

impl std::fmt::Debug for Objects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Objects({})", self.store)
    }
}

impl Objects {
    /// `s3://bucket/prefix`, `file:///abs/dir`, or a plain directory path.
    ///
    /// S3 takes its credentials, region and endpoint from the usual `AWS_*`
    /// variables; an S3-compatible server (MinIO, moto, …) can be named in the
    /// address itself: `s3://bucket/prefix?endpoint=http://host:9000&region=…`
    /// (and, for local set-ups, `access_key_id=` and `secret_access_key=`).
    pub fn open(location: &str, master: MasterKey) -> Result<Objects, ObjectError> {
        let mut part_size = LOCAL_PART;
        let store: Arc<dyn ObjectStore> = if let Some(rest) = location.strip_prefix("s3://") {
            let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(ObjectError::Config("s3:// needs a bucket".into()));
            }
            let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                builder = match k {
                    "endpoint" => builder
                        .with_endpoint(v)
                        .with_allow_http(v.starts_with("http://"))
                        .with_virtual_hosted_style_request(false),
                    "region" => builder.with_region(v),
                    "access_key_id" => builder.with_access_key_id(v),
                    "secret_access_key" => builder.with_secret_access_key(v),
                    other => return Err(ObjectError::Config(format!("unknown S3 option `{other}`"))),
                };
            }
            part_size = S3_PART;
            let prefix = prefix.trim_matches('/');
            let s3 = builder.build()?;
            if prefix.is_empty() { Arc::new(s3) } else { Arc::new(object_store::prefix::PrefixStore::new(s3, prefix)) }
        } else {
            let dir = location.strip_prefix("file://").unwrap_or(location);
            std::fs::create_dir_all(dir).map_err(|e| ObjectError::Config(format!("{dir}: {e}")))?;
            Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir)?)
        };
        Ok(Objects { store, master, part_size })
    }

    pub fn master(&self) -> &MasterKey {
        &self.master
    }

    /// Encrypts and stores `input` under `key` as it arrives, hashing it on the
    /// way. More than `limit` plaintext bytes: the upload is aborted, nothing
    /// stays, and the answer is `TooLarge`.
    pub async fn put<S, E>(&self, key: &str, input: S, limit: u64) -> Result<Written, ObjectError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let path = ObjectPath::from(key);
        let upload = self.store.put_multipart(&path).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, self.part_size);
        match self.encrypt_into(&mut writer, input, limit).await {
            Ok(mut written) => {
                writer.finish().await?;
                written.key = key.to_owned();
                Ok(written)
            }
            Err(e) => {
                let _ = writer.abort().await;
                Err(e)
            }
        }
    }

    async fn encrypt_into<S, E>(
        &self,
        writer: &mut WriteMultipart,
        mut input: S,
        limit: u64,
    ) -> Result<Written, ObjectError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let data_key = Aes256Gcm::generate_key(OsRng);
        let mut prefix = [0u8; NONCE_PREFIX];
        OsRng.fill_bytes(&mut prefix);
        let mut enc = EncryptorBE32::from_aead(Aes256Gcm::new(&data_key), (&prefix).into());
        writer.write(&prefix);
        let (mut size, mut hasher, mut head, mut pending) = (0u64, Sha256::new(), Vec::new(), BytesMut::new());
        while let Some(piece) = input.next().await {
            let piece = piece.map_err(|e| ObjectError::Input(e.to_string()))?;
            size += piece.len() as u64;
            if size > limit {
                return Err(ObjectError::TooLarge(limit));
            }
            hasher.update(&piece);
            if head.len() < HEAD {
                head.extend_from_slice(&piece[..piece.len().min(HEAD - head.len())]);
            }
            pending.extend_from_slice(&piece);
            // Keep at least one byte back: the last chunk is sealed differently.
            while pending.len() > CHUNK {
                let chunk = pending.split_to(CHUNK);
                let sealed = enc.encrypt_next(chunk.as_ref()).map_err(|_| ObjectError::Tampered)?;
                writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
                writer.write(&sealed);
            }
        }
        let sealed = enc.encrypt_last(pending.as_ref()).map_err(|_| ObjectError::Tampered)?;
        writer.write(&sealed);
        Ok(Written {
            key: String::new(),
            size,
            sha256: hex::encode(hasher.finalize()),
            head,
            wrapped_key: self.master.wrap(&data_key),
        })
    }

    /// The plaintext of an object, decrypted as it streams. A chunk that does
    /// not authenticate ends the stream with `Tampered`.
    pub async fn get(
        &self,
        key: &str,
        wrapped_key: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, ObjectError>> + Send + 'static, ObjectError> {
        let data_key = self.master.unwrap_key(wrapped_key)?;
        let body = self.store.get(&ObjectPath::from(key)).await?.into_stream().map_err(ObjectError::from);
        struct State<S> {
            body: S,
            buf: BytesMut,
            data_key: Key<Aes256Gcm>,
            dec: Option<DecryptorBE32<Aes256Gcm>>,
            done: bool,
        }
        let state = State { body: Box::pin(body), buf: BytesMut::new(), data_key, dec: None, done: false };
        Ok(futures_util::stream::try_unfold(state, |mut st| async move {
            loop {
                if st.done {
                    return Ok(None);
                }
                if st.dec.is_none() && st.buf.len() >= NONCE_PREFIX {
                    let prefix = st.buf.split_to(NONCE_PREFIX);
                    let prefix: &[u8; NONCE_PREFIX] = prefix.as_ref().try_into().map_err(|_| ObjectError::Tampered)?;
                    st.dec = Some(DecryptorBE32::from_aead(Aes256Gcm::new(&st.data_key), prefix.into()));
                }
                if let Some(dec) = st.dec.as_mut()
                    && st.buf.len() > CHUNK + TAG
                {
                    let chunk = st.buf.split_to(CHUNK + TAG);
                    let plain = dec.decrypt_next(chunk.as_ref()).map_err(|_| ObjectError::Tampered)?;
                    return Ok(Some((Bytes::from(plain), st)));
                }
                match st.body.next().await {
                    Some(piece) => st.buf.extend_from_slice(&piece?),
                    None => {
                        st.done = true;
                        let dec = st.dec.take().ok_or(ObjectError::Tampered)?;
                        let plain = dec.decrypt_last(st.buf.as_ref()).map_err(|_| ObjectError::Tampered)?;
                        return Ok(Some((Bytes::from(plain), st)));
                    }
                }
            }
        }))
    }

    pub async fn delete(&self, key: &str) -> Result<(), ObjectError> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// An object's bytes exactly as stored (ciphertext), for checks and tests.
    pub async fn raw(&self, key: &str) -> Result<Bytes, ObjectError> {
        Ok(self.store.get(&ObjectPath::from(key)).await?.bytes().await?)
    }

    /// Every key with the time it was last written.
    pub async fn list_with_times(&self) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>, ObjectError> {
        let metas: Vec<_> = self.store.list(None).try_collect().await?;
        Ok(metas.into_iter().map(|m| (m.location.to_string(), m.last_modified)).collect())
    }

    /// Every key under `prefix` (for checks and tests).
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>, ObjectError> {
        let prefix = ObjectPath::from(prefix);
        let metas: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
        Ok(metas.into_iter().map(|m| m.location.to_string()).collect())
    }
}

/// The content type the bytes say they are, never what the client claimed:
/// recognised by their signature, else UTF-8 text, else opaque. Executables
/// and scripts are opaque whatever they are, so that no browser runs them.
pub fn sniff(head: &[u8]) -> &'static str {
    match infer::get(head) {
        Some(t) if DANGEROUS.contains(&t.mime_type()) => "application/octet-stream",
        Some(t) => t.mime_type(),
        None if !head.is_empty() && utf8_prefix(head) => "text/plain; charset=utf-8",
        None => "application/octet-stream",
    }
}

const DANGEROUS: &[&str] = &[
    "application/vnd.microsoft.portable-executable",
    "application/x-executable",
    "application/x-mach-binary",
    "application/x-elf",
    "application/x-msdownload",
    "application/x-sharedlib",
    "application/x-shellscript",
    "application/vnd.android.package-archive",
    "application/java-archive",
    "application/wasm",
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
];

/// Whether `head` is UTF-8, allowing a character cut at its end.
fn utf8_prefix(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(s) => !s.contains('\0'),
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > head.len(),
    }
}
