//! The archive index: Tantivy with Arabic and English analysis, documents that
//! carry their visibility facts, and queries that cannot run without the
//! caller's visibility filter.

pub mod analysis;
pub mod arabic;
pub mod archive;
pub mod document;
mod filter_cache;
pub mod plurals;
pub mod query;
pub mod roots;
pub mod sample;
pub mod scope;

pub use archive::{Archive, ArchiveWriter, Generation, Opened, Rebuild, SearchError};
pub use document::{ArchiveDoc, Kind};
pub use query::Results;
