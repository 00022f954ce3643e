//! Authentication: password hashing, access and refresh tokens, the signed-in
//! caller extractor, and the log-in failure limiter.

pub mod caller;
pub mod limiter;
pub mod passwords;
pub mod tokens;

pub use caller::Caller;
