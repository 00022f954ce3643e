//! End-to-end tests: the real server on a random port, on SQLite and PostgreSQL.

mod attachments;
mod audit;
mod browser;
mod demo;
mod helpers;
mod idempotency;
mod identity;
mod mail_and_sms;
mod malformed;
mod meetings;
mod my_calendar;
mod notifications;
mod operations;
mod organisation;
mod pages;
mod realtime;
mod search;
mod security;
mod service_levels;
mod stats;
mod transactions;
mod voice;
