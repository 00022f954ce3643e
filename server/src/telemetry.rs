//! Logging with `tracing`: readable on a terminal, JSON lines otherwise. Handlers
//! never log personal data (IDs, phones, message bodies).

use std::io::IsTerminal;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if std::io::stderr().is_terminal() { builder.try_init() } else { builder.json().try_init() };
}

/// The span of each request. Unlike `tracing-actix-web`'s default, it names
/// the route once the request has been routed, when actix knows it (before
/// routing, finding the pattern means trying the routes' regular expressions
/// one by one, again after the router did), and it records the path without
/// its query string, which carries what people search for.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request.extensions().get::<RequestId>().copied();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = tracing::field::Empty,
            http.target = %request.path(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            request_id = request_id.map(tracing::field::display),
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, actix_web::Error>) {
        if !span.is_disabled()
            && let Ok(response) = outcome
        {
            span.record("http.route", response.request().match_pattern().unwrap_or_else(|| "default".into()));
        }
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
