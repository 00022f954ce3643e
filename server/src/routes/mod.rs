//! HTTP routes, one module per area of API.md.

pub mod attachments;
pub mod audit;
pub mod auth;
pub mod calendars;
pub mod employees;
pub mod entities;
pub mod feedback;
pub mod health;
pub mod meetings;
pub mod my_calendar;
pub mod notifications;
pub mod password_reset;
pub mod regulators;
pub mod search;
pub mod stats;
pub mod targets;
pub mod transactions;
pub mod voice;

use actix_web::web;
use tawasul_core::ErrorCode;

use crate::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz).service(
        web::scope("/api/v1")
            .service(crate::openapi::openapi_json)
            .service(auth::register)
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::otp_send)
            .service(auth::otp_verify)
            .service(auth::change_password)
            .service(feedback::page_counts)
            .service(password_reset::forgot)
            .service(password_reset::reset)
            .service(auth::me)
            .service(notifications::preferences)
            .service(notifications::set_preferences)
            .service(notifications::notices)
            .service(notifications::mark_read)
            .service(notifications::failed_notifications)
            .service(notifications::resend_notification)
            .service(entities::create_entity)
            .service(entities::list_entities)
            .service(entities::create_department)
            .service(entities::list_departments)
            .service(entities::create_employee)
            .service(entities::create_transaction_type)
            .service(entities::list_transaction_types)
            .service(calendars::calendar)
            .service(calendars::set_calendar)
            .service(targets::targets)
            .service(targets::set_targets)
            .service(stats::platform_stats)
            .service(stats::my_stats)
            .service(stats::employee_stats)
            .service(stats::transaction_rows)
            .service(stats::entity_stats)
            .service(employees::update_employee)
            .service(regulators::create_regulator)
            .service(regulators::list_regulators)
            .service(transactions::create_transaction)
            .service(transactions::list_transactions)
            .service(transactions::lookup_transaction)
            .service(transactions::get_transaction)
            .service(transactions::timeline)
            .service(transactions::add_comment)
            .service(transactions::assign)
            .service(transactions::postpone)
            .service(transactions::await_beneficiary)
            .service(transactions::complete)
            .service(transactions::reject)
            .service(transactions::reopen)
            .service(transactions::rate)
            .service(attachments::upload)
            .service(attachments::download)
            .service(voice::record)
            .service(voice::play)
            .service(meetings::create_meeting)
            .service(meetings::get_meeting)
            .service(meetings::change_meeting)
            .service(meetings::cancel_meeting)
            .service(meetings::invite_ics)
            .service(meetings::guest_meeting)
            .service(meetings::guest_rsvp)
            .service(meetings::guest_check_in)
            .service(meetings::rsvp)
            .service(meetings::check_in)
            .service(meetings::add_note)
            .service(meetings::draft_minutes)
            .service(meetings::approve_minutes)
            .service(meetings::record_decision)
            .service(meetings::open_vote)
            .service(meetings::cast_ballot)
            .service(meetings::close_vote)
            .service(meetings::get_vote)
            .service(meetings::decisions)
            .service(my_calendar::my_calendar)
            .service(my_calendar::add_reminder)
            .service(my_calendar::feed_address)
            .service(my_calendar::reset_feed)
            .service(my_calendar::feed)
            .service(search::search)
            .service(audit::list_audit)
            .service(audit::verify_audit)
            .service(crate::realtime::gateway::connect),
    );
}

/// Any path we do not serve.
pub async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::new(ErrorCode::NotFound))
}
