//! The OpenAPI 3.1 document, generated from the handlers' annotations, so that it
//! cannot drift from what the server does.

use std::sync::LazyLock;

use actix_web::{HttpResponse, get};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Tawasul API", version = "1", description = "تواصل — one channel between the public and every entity."),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        openapi_json,
        routes::auth::register,
        routes::auth::login,
        routes::auth::refresh,
        routes::auth::logout,
        routes::auth::otp_send,
        routes::auth::otp_verify,
        routes::auth::change_password,
        routes::feedback::page_counts,
        routes::password_reset::forgot,
        routes::password_reset::reset,
        routes::auth::me,
        routes::notifications::preferences,
        routes::notifications::set_preferences,
        routes::notifications::notices,
        routes::notifications::mark_read,
        routes::notifications::failed_notifications,
        routes::notifications::resend_notification,
        routes::entities::create_entity,
        routes::entities::list_entities,
        routes::entities::create_department,
        routes::entities::list_departments,
        routes::entities::create_employee,
        routes::entities::create_transaction_type,
        routes::entities::list_transaction_types,
        routes::calendars::calendar,
        routes::calendars::set_calendar,
        routes::stats::entity_stats,
        routes::stats::employee_stats,
        routes::stats::transaction_rows,
        routes::stats::platform_stats,
        routes::stats::my_stats,
        routes::targets::targets,
        routes::targets::set_targets,
        routes::employees::update_employee,
        routes::regulators::create_regulator,
        routes::regulators::list_regulators,
        routes::transactions::create_transaction,
        routes::transactions::list_transactions,
        routes::transactions::lookup_transaction,
        routes::transactions::get_transaction,
        routes::transactions::timeline,
        routes::transactions::add_comment,
        routes::transactions::assign,
        routes::transactions::postpone,
        routes::transactions::await_beneficiary,
        routes::transactions::complete,
        routes::transactions::reject,
        routes::transactions::reopen,
        routes::transactions::rate,
        routes::meetings::create_meeting,
        routes::meetings::get_meeting,
        routes::meetings::change_meeting,
        routes::meetings::cancel_meeting,
        routes::meetings::invite_ics,
        routes::meetings::guest_meeting,
        routes::meetings::guest_rsvp,
        routes::meetings::guest_check_in,
        routes::meetings::rsvp,
        routes::meetings::check_in,
        routes::meetings::add_note,
        routes::meetings::draft_minutes,
        routes::meetings::approve_minutes,
        routes::meetings::record_decision,
        routes::meetings::open_vote,
        routes::meetings::cast_ballot,
        routes::meetings::close_vote,
        routes::meetings::get_vote,
        routes::meetings::decisions,
        routes::my_calendar::my_calendar,
        routes::my_calendar::add_reminder,
        routes::my_calendar::feed_address,
        routes::my_calendar::reset_feed,
        routes::my_calendar::feed,
        crate::realtime::gateway::connect,
        routes::attachments::upload,
        routes::attachments::download,
        routes::voice::record,
        routes::voice::play,
        routes::search::search,
        routes::audit::list_audit,
        routes::audit::verify_audit,
    ),
    components(schemas(routes::attachments::AttachmentForm)),
    modifiers(&BearerAuth),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "identity", description = "Registration, sign-in, tokens"),
        (name = "organisation", description = "Entities, departments, employees, transaction types, regulators"),
        (name = "transactions", description = "Transactions, their timeline, comments and lifecycle"),
        (name = "search", description = "The archive, as far as the caller may see it"),
        (name = "audit", description = "The audit trail and its verification"),
    )
)]
pub struct ApiDoc;

static DOCUMENT: LazyLock<String> = LazyLock::new(|| ApiDoc::openapi().to_json().unwrap_or_default());

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "health", responses((status = 200, description = "OpenAPI 3.1")))]
#[get("/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(DOCUMENT.as_str())
}
