//! Access tokens (JWT, HS256, 15 minutes) and refresh tokens (random, stored only
//! as a SHA-256 hash, 30 days, rotated on every use).

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tawasul_core::ids::UserId;
use uuid::Uuid;

pub const ACCESS_TTL: Duration = Duration::minutes(15);
pub const REFRESH_TTL: Duration = Duration::days(30);

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    /// The session (the refresh-token family) this token belongs to.
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    secret: SecretString,
}

impl TokenKeys {
    pub fn new(secret: SecretString) -> TokenKeys {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        TokenKeys {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            validation,
            secret,
        }
    }

    /// The configured secret, or the one kept in `<data-dir>/token.key`, created
    /// with 256 random bits on first run.
    pub fn load_or_create(configured: Option<SecretString>, data_dir: &Path) -> std::io::Result<TokenKeys> {
        if let Some(s) = configured {
            return Ok(TokenKeys::new(s));
        }
        let path = data_dir.join("token.key");
        match std::fs::read_to_string(&path) {
            Ok(s) if s.trim().len() >= 32 => {
                return Ok(TokenKeys::new(SecretString::from(s.trim().to_owned())));
            }
            _ => {}
        }
        let mut raw = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let s = hex::encode(raw);
        write_private(&path, &s)?;
        Ok(TokenKeys::new(SecretString::from(s)))
    }

    pub fn access_token(
        &self,
        user: UserId,
        session: Uuid,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims { sub: user.0, sid: session, iat: now.timestamp(), exp: (now + ACCESS_TTL).timestamp() };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    pub fn decode(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok().map(|d| d.claims)
    }

    /// A keyed hash, for secrets we only compare (one-time codes).
    pub fn keyed_hash(&self, parts: &[&str]) -> String {
        let mut h = Sha256::new();
        h.update(self.secret.expose_secret().as_bytes());
        for p in parts {
            h.update((p.len() as u64).to_be_bytes());
            h.update(p.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)?.write_all(content.as_bytes())
}

/// A new secret token (a refresh token, a guest's link to a meeting, a
/// calendar feed's address): 256 random bits, URL-safe. Only its hash is kept.
pub fn new_secret_token() -> String {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    URL_SAFE_NO_PAD.encode(raw)
}

/// What is kept of a secret token: its SHA-256, in hex.
pub fn secret_token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
