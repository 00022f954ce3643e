//! The archive index as the server keeps it: documents built from the
//! database, an indexer that follows the event log, and full rebuilds.

pub mod documents;
pub mod extractor;
pub mod indexer;
pub mod rebuild;
