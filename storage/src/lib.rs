//! Tawasul persistence: one `Db` over SQLite (default) or PostgreSQL, and the
//! repositories that read and write it, returning domain types.

pub mod accounts;
pub mod archive;
pub mod attachments;
pub mod audio;
pub mod audit;
pub mod calendars;
mod db;
pub mod drafts;
mod error;
pub mod extract;
pub mod idempotency;
pub mod in_app;
pub mod leadership;
pub mod log_cursors;
pub mod meeting_archive;
pub mod meeting_log;
pub mod meetings;
mod model;
pub mod my_calendar;
pub mod objects;
pub mod organisation;
pub mod otp;
pub mod outbox;
pub mod page_feedback;
pub mod presence;
pub mod recipients;
pub mod rollups;
pub mod sessions;
pub mod stats;
pub mod targets;
pub mod transactions;
pub mod watch;
mod writer;

pub use db::{Backend, Db};
pub use error::StorageError;
pub use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, Statement, TransactionTrait};

pub type Result<T, E = StorageError> = std::result::Result<T, E>;
