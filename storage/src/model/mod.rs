//! sea-orm models of the tables; only the repositories use them, and they never
//! leave this crate (rows are turned back into domain types).

pub mod attachments;
pub mod audit_pending;
pub mod audit_trail;
pub mod blobs;
pub mod departments;
pub mod document_texts;
pub mod entities;
pub mod entity_calendars;
pub mod idempotency_keys;
pub mod in_app_notices;
pub mod indicator_targets;
pub mod log_cursors;
pub mod otp_codes;
pub mod outbox;
pub mod page_feedback;
pub mod presence;
pub mod reference_counters;
pub mod refresh_tokens;
pub mod regulator_entities;
pub mod request_drafts;
pub mod routing_cursors;
pub mod stats_rollups;
pub mod transaction_events;
pub mod transaction_types;
pub mod transactions;
pub mod user_departments;
pub mod users;
pub mod voice_notes;
