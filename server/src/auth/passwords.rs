//! Argon2id password hashing (the crate's defaults: 19 MiB, 2 passes), run off the
//! async executor because each hash takes tens of milliseconds on purpose.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use rand::distributions::Alphanumeric;

use crate::error::ApiError;

pub async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| ApiError::internal(anyhow::anyhow!("argon2: {e}")))
}

/// A hash of a password nobody knows, verified against when the login does not
/// exist, so that a wrong login and a wrong password take the same time.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(b"no such account", &salt).map(|h| h.to_string()).unwrap_or_default()
});

pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let exists = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let ok = PasswordHash::new(&stored)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        exists && ok
    })
    .await
    .map_err(ApiError::internal)
}

/// A password for a new staff account, e-mailed to its owner.
pub fn generate() -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).take(16).map(char::from).collect()
}
