//! Resumes postponed transactions when their date comes (the use case
//! `App::resume_due_postponements`): the status goes back to in progress and the
//! SLA clock restarts, with the time spent postponed added to the due time.
//! Runs every second.

use std::time::Duration;

use chrono::Utc;

use crate::app::App;

pub async fn run(app: App) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if let Err(e) = resume_due(&app).await {
            tracing::warn!(error = ?e, "could not resume postponed transactions");
        }
    }
}

#[tracing::instrument(name = "postponement_round", skip_all)]
pub async fn resume_due(app: &App) -> anyhow::Result<usize> {
    app.resume_due_postponements(Utc::now()).await
}
