//! Keeps service levels (the use case `App::review_service_levels`): warns
//! at 80 % of a target, marks the breach, escalates holders who do not act or
//! cannot. Looks every second at what is due, by an indexed time.

use std::time::Duration;

use chrono::Utc;

use crate::app::App;

pub async fn run(app: App) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if let Err(e) = review_due(&app).await {
            tracing::warn!(error = ?e, "could not review service levels");
        }
    }
}

#[tracing::instrument(name = "sla_round", skip_all)]
pub async fn review_due(app: &App) -> anyhow::Result<usize> {
    app.review_service_levels(Utc::now()).await
}
