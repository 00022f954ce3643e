//! The archive index (Tantivy, Arabic and English analysis, visibility-scoped
//! queries) will live here; it is built by the archive-search issue. The crate
//! exists now so that the workspace has its final shape and dependencies point
//! one way from the start.
