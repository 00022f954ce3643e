//! The archive index (Tantivy, Arabic and English analysis, visibility-scoped
//! queries), built by the archive-search issue. So far: the Arabic analysis it
//! will index and query with.

pub mod arabic;
