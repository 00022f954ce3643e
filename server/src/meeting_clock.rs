//! What the calendar's clock brings, every second: the reminder to a
//! meeting's invitees `REMINDER_BEFORE` its start (`App::remind_of_meetings`),
//! the closing of votes whose closing time has come (`App::close_due_votes`,
//! the organiser's closing), and each person's own reminders
//! (`App::notify_due_reminders`); each once across restarts and nodes. What
//! fell due while the server was down is done on its first round.

use std::time::Duration;

use crate::app::App;

pub async fn run(app: App) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        round(&app).await;
    }
}

#[tracing::instrument(name = "meeting_clock_round", skip_all)]
pub async fn round(app: &App) {
    if let Err(e) = app.remind_of_meetings().await {
        tracing::warn!(error = ?e, "could not remind of the meetings about to start");
    }
    if let Err(e) = app.close_due_votes().await {
        tracing::warn!(error = ?e, "could not close the votes that are due");
    }
    if let Err(e) = app.notify_due_reminders().await {
        tracing::warn!(error = ?e, "could not tell of the reminders that are due");
    }
}
