//! Prometheus metrics, served on the admin listener only.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::state::AppState;

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pub outbox_delivered: IntCounterVec,
    pub ws_connections: IntGauge,
    /// Per consumer of the event log: the position up to which it has taken
    /// everything, how far behind the log's end it is, and its failures.
    pub log_consumer_position: IntGaugeVec,
    pub log_consumer_lag: IntGaugeVec,
    pub log_consumer_errors: IntCounterVec,
    /// 1 while this node runs the background work that runs once across nodes.
    pub leading: IntGauge,
    /// Signed-in requests by whether the session cache knew the caller.
    pub session_cache: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new_custom(Some("tawasul".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency by route")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5]),
            &["method", "route"],
        )?;
        let outbox_delivered = IntCounterVec::new(
            Opts::new("outbox_messages_total", "Outgoing messages by kind and outcome"),
            &["kind", "outcome"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        let ws_connections = IntGauge::new("ws_connections", "Open, authenticated real-time connections")?;
        registry.register(Box::new(outbox_delivered.clone()))?;
        registry.register(Box::new(ws_connections.clone()))?;
        let log_consumer_position = IntGaugeVec::new(
            Opts::new("log_consumer_position", "Event-log position up to which a consumer has taken everything"),
            &["consumer"],
        )?;
        let log_consumer_lag = IntGaugeVec::new(
            Opts::new("log_consumer_lag_events", "Positions between a consumer and the end of the event log"),
            &["consumer"],
        )?;
        let log_consumer_errors = IntCounterVec::new(
            Opts::new("log_consumer_errors_total", "Failed rounds of a consumer of the event log"),
            &["consumer"],
        )?;
        registry.register(Box::new(log_consumer_position.clone()))?;
        registry.register(Box::new(log_consumer_lag.clone()))?;
        registry.register(Box::new(log_consumer_errors.clone()))?;
        let leading =
            IntGauge::new("leading", "1 while this node runs the background work that runs once across nodes")?;
        registry.register(Box::new(leading.clone()))?;
        let session_cache = IntCounterVec::new(
            Opts::new("session_cache_total", "Signed-in requests by whether the session cache knew the caller"),
            &["outcome"],
        )?;
        registry.register(Box::new(session_cache.clone()))?;
        Ok(Metrics {
            registry,
            requests,
            latency,
            outbox_delivered,
            ws_connections,
            log_consumer_position,
            log_consumer_lag,
            log_consumer_errors,
            leading,
            session_cache,
        })
    }

    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let metrics = req.app_data::<web::Data<AppState>>().map(|s| s.metrics.clone());
    let res = next.call(req).await?;
    if let Some(m) = metrics {
        // The route pattern, not the path, so that ids do not explode the
        // label set; asked once routed, when actix knows it without matching
        // the path against every route again.
        let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".into());
        m.requests.with_label_values(&[&method, &route, res.status().as_str()]).inc();
        m.latency.with_label_values(&[&method, &route]).observe(started.elapsed().as_secs_f64());
    }
    Ok(res)
}

pub async fn metrics_endpoint(state: web::Data<AppState>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(state.metrics.render())
}
