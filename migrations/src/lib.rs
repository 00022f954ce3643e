//! Database migrations, applied on start and by `tawasul migrate`. One file per
//! migration; a migration that has landed is never edited, only followed.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_transactions;
mod m20261123_000003_attachments;
mod m20261124_000004_document_texts;
mod m20261201_000005_audit_chains;
mod m20261201_000006_notifications;
mod m20261201_000007_in_app_notices;
mod m20261201_000008_audit_pending;
mod m20261202_000009_page_feedback;
mod m20261202_000010_request_drafts;
mod m20261202_000011_entity_calendars;
mod m20261202_000012_service_measures;
mod m20261202_000013_service_watch;
mod m20261202_000014_presence;
mod m20261202_000015_indicator_targets;
mod m20261202_000016_statistics_index;
mod m20261202_000017_stats_rollups;
mod m20261203_000018_postponement_index;
mod m20261203_000019_postponement_partial_index;
mod m20261203_000020_late_index;
mod m20261204_000021_meetings;
mod m20261204_000022_meeting_sequence;
mod m20261207_000023_meeting_log;
mod m20261207_000024_text_log;
mod m20261207_000025_open_loads;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_transactions::Migration),
            Box::new(m20261123_000003_attachments::Migration),
            Box::new(m20261124_000004_document_texts::Migration),
            Box::new(m20261201_000005_audit_chains::Migration),
            Box::new(m20261201_000006_notifications::Migration),
            Box::new(m20261201_000007_in_app_notices::Migration),
            Box::new(m20261201_000008_audit_pending::Migration),
            Box::new(m20261202_000009_page_feedback::Migration),
            Box::new(m20261202_000010_request_drafts::Migration),
            Box::new(m20261202_000011_entity_calendars::Migration),
            Box::new(m20261202_000012_service_measures::Migration),
            Box::new(m20261202_000013_service_watch::Migration),
            Box::new(m20261202_000014_presence::Migration),
            Box::new(m20261202_000015_indicator_targets::Migration),
            Box::new(m20261202_000016_statistics_index::Migration),
            Box::new(m20261202_000017_stats_rollups::Migration),
            Box::new(m20261203_000018_postponement_index::Migration),
            Box::new(m20261203_000019_postponement_partial_index::Migration),
            Box::new(m20261203_000020_late_index::Migration),
            Box::new(m20261204_000021_meetings::Migration),
            Box::new(m20261204_000022_meeting_sequence::Migration),
            Box::new(m20261207_000023_meeting_log::Migration),
            Box::new(m20261207_000024_text_log::Migration),
            Box::new(m20261207_000025_open_loads::Migration),
        ]
    }
}
