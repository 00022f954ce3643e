//! Authentication: password hashing, access and refresh tokens, the signed-in
//! caller extractor with its cache, and the log-in failure limiter.

pub mod cache;
pub mod caller;
pub mod limiter;
pub mod passwords;
pub mod tokens;

pub use caller::Caller;
