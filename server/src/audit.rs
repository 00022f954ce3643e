//! Audit entries as the server writes them. `entry` is `AuditEntry::new` with
//! the client address of the request being served, which one middleware
//! (`remember_client`) keeps in a task-local for the request's whole life, so
//! that every entry written while serving it — by a route or a use case —
//! carries it without each passing it along. Work no request caused (the
//! workers, the command line) has none.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::ids::{EntityId, UserId};
use tawasul_storage::audit::AuditEntry;

tokio::task_local! {
    static CLIENT_ADDRESS: Option<String>;
}

/// The address the request being served came from: the TCP peer (no proxy
/// header is trusted).
pub fn client_address() -> Option<String> {
    CLIENT_ADDRESS.try_with(Clone::clone).ok().flatten()
}

/// Runs `work` — part of the request served, run elsewhere (SQLite's writer
/// thread) — with the request's address, so its entries carry it too.
pub async fn from_address<F: std::future::Future>(address: Option<String>, work: F) -> F::Output {
    CLIENT_ADDRESS.scope(address, work).await
}

pub fn entry(
    actor: Option<UserId>,
    entity: Option<EntityId>,
    action: AuditAction,
    target: AuditTarget,
) -> AuditEntry<'static> {
    AuditEntry::new(actor, entity, action, target).from_address(client_address())
}

pub async fn remember_client(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let address = req.peer_addr().map(|a| a.ip().to_string());
    CLIENT_ADDRESS.scope(address, next.call(req)).await
}
