//! The Tawasul domain: validated values, roles and permissions, the organisation
//! model, the one authorization function, error codes with Arabic and English
//! messages, and the request/response types shared with clients. No I/O, no clock.

pub mod api;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod dates;
pub mod error;
pub mod events;
pub mod feedback;
pub mod identity;
pub mod ids;
pub mod indicators;
pub mod lang;
pub mod lifecycle;
pub mod meeting_log;
pub mod meetings;
pub mod messages;
pub mod notify;
pub mod org;
pub mod permissions;
pub mod policy;
pub mod realtime;
pub mod reference;
pub mod routing;
pub mod service;
pub mod stats;
pub mod visibility;
pub mod workflow;

pub use error::{ErrorCode, ErrorKind, FieldError, FieldErrors};
pub use lang::Lang;
