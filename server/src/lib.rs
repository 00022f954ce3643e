//! The Tawasul server: the HTTP API over the domain and storage crates, its
//! settings, and the pieces the `tawasul` binary is made of.

pub mod app;
pub mod archive;
pub mod audit;
pub mod audit_sealer;
pub mod auth;
pub mod body;
pub mod credentials;
pub mod demo;
pub mod error;
pub mod idempotency;
pub mod invitations;
pub mod lang;
pub mod leading;
pub mod log;
pub mod meeting_clock;
pub mod memory;
pub mod metrics;
pub mod notifier;
pub mod openapi;
pub mod orphan_sweeper;
pub mod outbox_worker;
pub mod postponement_worker;
pub mod presence;
pub mod realtime;
pub mod rollups;
pub mod routes;
pub mod settings;
pub mod sla_monitor;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
