//! Building and running the application: data directory, database and
//! migrations, the HTTP and admin listeners, the outbox worker.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use secrecy::ExposeSecret;
use tawasul_search::{Archive, Opened};
use tawasul_storage::Db;
use tawasul_storage::objects::{MasterKey, Objects};
use tokio::sync::Notify;
use tracing_actix_web::TracingLogger;

use crate::archive::indexer::{Indexer, MeetingIndexer, TextIndexer};
use crate::auth::cache::SessionCache;
use crate::auth::limiter::Limiter;
use crate::auth::tokens::TokenKeys;
use crate::error::ApiError;
use crate::log::Committed;
use crate::metrics::{self, Metrics};
use crate::outbox_worker::OutboxWorker;
use crate::realtime::Realtime;
use crate::realtime::bus::{Bus, InProcessBus};
use crate::realtime::nats::NatsBus;
use crate::settings::{Settings, ensure_dir};
use crate::state::AppState;
use crate::{body, idempotency, lang, routes};
use tawasul_core::ErrorCode;

pub struct Application {
    address: SocketAddr,
    admin_address: SocketAddr,
    server: Server,
    admin: Server,
    state: web::Data<AppState>,
    worker: OutboxWorker,
}

/// Opens the database of these settings and applies pending migrations.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    ensure_dir(&settings.data_dir)?;
    let db = Db::connect(&settings.database_url()).await?;
    db.migrate().await?;
    Ok(db)
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = open_database(&settings).await?;
        ensure_dir(&settings.objects_dir())?;
        ensure_dir(&settings.index_dir())?;
        let tokens = TokenKeys::load_or_create(settings.token_secret.clone(), &settings.data_dir)?;
        let master =
            MasterKey::load_or_create(settings.master_key.as_ref().map(|k| k.expose_secret()), &settings.data_dir)?;
        let objects = Objects::open(&settings.object_store_location(), master)?;
        let (archive, opened) = Archive::open(&settings.index_dir())?;
        if let Opened::Created { reason } = opened {
            // The indexer fills it from the start of the event log.
            tracing::warn!(%reason, "archive index missing or damaged: rebuilding it from the database");
        }
        let metrics = Metrics::new()?;
        let listener = listen(settings.listen, settings.socket_send_buffer)?;
        let admin_listener = TcpListener::bind(settings.admin_listen)?;
        let address = listener.local_addr()?;
        let admin_address = admin_listener.local_addr()?;
        let mut settings = settings;
        // Remember the real port (the configured one may be 0).
        settings.listen = address;
        let wake = Arc::new(Notify::new());
        let worker = OutboxWorker::new(db.clone(), &settings, wake.clone(), metrics.clone())?;
        let workers = settings.workers;
        let max_connections = settings.max_connections_per_worker;
        let sessions = Arc::new(SessionCache::default());
        let committed = Committed::default();
        let realtime = Realtime::new(bus(&settings, &db, sessions.clone(), committed.clone()).await?);
        let state = web::Data::new(AppState {
            app: crate::app::App::new(db.clone(), committed)
                .serving(wake.clone(), settings.public_url(settings.listen)),
            db,
            tokens,
            limiter: Limiter::new(settings.limits()),
            settings: Arc::new(settings),
            outbox_wake: wake,
            metrics,
            objects,
            realtime,
            archive: Arc::new(archive),
            presence: crate::presence::Presence::default(),
            sessions,
        });

        let app_state = state.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                // A path segment that is not an id names nothing: 404, as for an
                // id that exists nowhere, with the parameter named.
                .app_data(web::PathConfig::default().error_handler(|_, req| path_error(req).into()))
                .wrap(from_fn(idempotency::idempotent_writes))
                .wrap(from_fn(body::slow::guard_slow_bodies))
                .wrap(from_fn(lang::set_request_lang))
                .wrap(from_fn(crate::audit::remember_client))
                .wrap(from_fn(metrics::record))
                .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
                .configure(routes::configure)
                .configure(crate::web::configure)
                .default_service(web::to(routes::not_found))
        })
        .shutdown_timeout(30)
        .max_connections(max_connections)
        .backlog(4096)
        // Without it, Nagle's algorithm holds a small frame back until the
        // previous one is acknowledged, which a client's delayed ACK can make
        // tens of milliseconds: real-time events must leave at once.
        .tcp_nodelay(true);
        if let Some(w) = workers {
            server = server.workers(w);
        }
        let server = server.listen(listener)?.run();

        let admin_state = state.clone();
        let admin = HttpServer::new(move || {
            App::new()
                .app_data(admin_state.clone())
                .route("/metrics", web::get().to(metrics::metrics_endpoint))
                .service(routes::health::healthz)
                .service(routes::health::readyz)
        })
        .workers(1)
        .shutdown_timeout(5)
        .listen(admin_listener)?
        .run();

        Ok(Application { address, admin_address, server, admin, state, worker })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn admin_address(&self) -> SocketAddr {
        self.admin_address
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting, lets requests in
    /// flight finish (up to 30 s) and closes the database.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        use crate::realtime::feed::Feed;
        // Real time follows the logs on a thread of its own: a delivery never
        // waits behind what the other consumers and workers do on this one.
        let realtime_thread = OwnThread::start("tawasul-realtime")?;
        let feed = Feed::transactions(self.state.realtime.clone(), &self.state.db).await?;
        let feed = follow_on(&realtime_thread.runtime, &self.state, feed);
        let meeting_feed = Feed::meetings(self.state.realtime.clone(), &self.state.db).await?;
        let meeting_feed = follow_on(&realtime_thread.runtime, &self.state, meeting_feed);
        let worker = tokio::spawn(self.worker.run());
        let presence = tokio::spawn(
            self.state
                .presence
                .clone()
                .run(self.state.db.clone(), Duration::from_millis(self.state.settings.presence_flush_ms)),
        );
        let checkpointer = tokio::spawn(checkpoints(self.state.db.clone()));
        let trimmer = tokio::spawn(crate::memory::trim_when_quiet());
        // Each node keeps an archive index of its own, fed from the logs.
        let writing = crate::archive::indexer::Writing::new(self.state.archive.clone());
        let linger = Duration::from_millis(self.state.settings.index_interval_ms);
        let db = &self.state.db;
        let indexer = follow(&self.state, Indexer::new(db.clone(), writing.clone(), linger));
        let meeting_indexer = follow(&self.state, MeetingIndexer::new(db.clone(), writing.clone(), linger));
        let text_indexer = follow(&self.state, TextIndexer::new(db.clone(), writing, linger));
        let state = self.state.clone();
        let background =
            tokio::spawn(crate::leading::while_leading(db.clone(), self.state.metrics.clone(), move || {
                background_work(&state)
            }));
        let admin_handle = self.admin.handle();
        // Both servers must be polled to serve; when the main one stops (on a
        // signal), the admin one is stopped too.
        let main = async {
            let result = self.server.await;
            admin_handle.stop(true).await;
            result
        };
        let (result, _) = futures_util::future::join(main, self.admin).await;
        for task in [
            feed,
            meeting_feed,
            worker,
            presence,
            checkpointer,
            trimmer,
            indexer,
            meeting_indexer,
            text_indexer,
            background,
        ] {
            task.abort();
        }
        drop(realtime_thread);
        self.state.db.close().await;
        result?;
        Ok(())
    }
}

/// This node's bus: its own, joined to the other nodes' when `bus_url` is set.
async fn bus(
    settings: &Settings,
    db: &Db,
    sessions: Arc<SessionCache>,
    committed: Committed,
) -> anyhow::Result<Arc<dyn Bus>> {
    let here = Arc::new(InProcessBus::new(sessions.clone()));
    let Some(url) = &settings.bus_url else { return Ok(here) };
    if !url.starts_with("nats://") {
        anyhow::bail!("bus_url must be nats://host:port, not {url}");
    }
    if db.backend() != tawasul_storage::Backend::Postgres {
        anyhow::bail!("several nodes share one PostgreSQL database: bus_url needs database_url = postgres://…");
    }
    Ok(Arc::new(NatsBus::connect(url, here, sessions, committed).await?))
}

/// The work that runs on one node at a time (see `leading`).
fn background_work(state: &AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let notifier = crate::notifier::Notifier::new(
        state.db.clone(),
        state.settings.public_url(state.settings.listen),
        state.outbox_wake.clone(),
    );
    let isolation = crate::archive::extractor::Isolation::for_this_program(Duration::from_millis(
        state.settings.extract_timeout_ms,
    ));
    vec![
        follow(state, notifier),
        follow(state, crate::rollups::Rollups::new(state.db.clone())),
        tokio::spawn(crate::postponement_worker::run(state.app.clone())),
        tokio::spawn(crate::sla_monitor::run(state.app.clone())),
        tokio::spawn(crate::meeting_clock::run(state.app.clone())),
        tokio::spawn(crate::audit_sealer::run(state.db.clone())),
        tokio::spawn(crate::orphan_sweeper::run(
            state.db.clone(),
            state.objects.clone(),
            Duration::from_secs(state.settings.orphan_grace_secs),
        )),
        tokio::spawn(crate::archive::extractor::run(
            state.db.clone(),
            state.objects.clone(),
            state.app.committed.clone(),
            isolation,
        )),
    ]
}

/// Runs a consumer of the event log beside the server.
fn follow(state: &AppState, consumer: impl crate::log::Consumer) -> tokio::task::JoinHandle<()> {
    follow_on(&tokio::runtime::Handle::current(), state, consumer)
}

/// Runs a consumer of the event log on `runtime`.
fn follow_on(
    runtime: &tokio::runtime::Handle,
    state: &AppState,
    consumer: impl crate::log::Consumer,
) -> tokio::task::JoinHandle<()> {
    runtime.spawn(crate::log::follow(
        consumer,
        state.db.clone(),
        state.app.committed.clone(),
        Duration::from_millis(state.settings.log_poll_ms),
        state.metrics.clone(),
    ))
}

/// A thread with a runtime of its own, for what is spawned on `runtime`;
/// it ends, and its tasks with it, when this is dropped.
struct OwnThread {
    runtime: tokio::runtime::Handle,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl OwnThread {
    fn start(name: &str) -> std::io::Result<OwnThread> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new().name(name.to_owned()).spawn(move || {
            // Ends when the sender is dropped.
            let _ = runtime.block_on(stopped);
        })?;
        Ok(OwnThread { runtime: handle, _stop: stop })
    }
}

/// A path parameter that does not parse: 404 naming it (`{id}` of the route).
fn path_error(req: &actix_web::HttpRequest) -> ApiError {
    let pattern = req.match_pattern().unwrap_or_default();
    match pattern.split('{').nth(1).and_then(|rest| rest.split('}').next()) {
        Some(name) => ApiError::field(name, ErrorCode::NotFound),
        None => ApiError::new(ErrorCode::NotFound),
    }
}

/// SQLite checkpoints, every second, beside the writer (see `Db::checkpoint`).
async fn checkpoints(db: Db) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        if let Err(e) = db.checkpoint().await {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

/// The API's listening socket: a deep accept queue (after a restart, every
/// real-time client reconnects at once; the standard library's 128 would drop
/// most of them to SYN retries), and the send buffer accepted connections
/// inherit, when one is configured.
fn listen(address: SocketAddr, send_buffer: Option<usize>) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(address), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    if let Some(bytes) = send_buffer {
        socket.set_send_buffer_size(bytes)?;
    }
    socket.bind(&address.into())?;
    socket.listen(4096)?;
    Ok(socket.into())
}
