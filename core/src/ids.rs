//! Typed identifiers, so that an entity id can never be passed where a user id is meant.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id (UUIDv7), so that keyset pagination follows creation order.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    )*};
}

typed_id!(
    /// Any account: beneficiary, employee, regulator or platform administrator.
    UserId,
    EntityId,
    DepartmentId,
    TransactionTypeId,
    TransactionId,
    /// A meeting.
    MeetingId,
    /// One person invited to a meeting: an employee or an outside guest.
    InviteeId,
    /// A vote held in a meeting.
    VoteId,
    /// A decision recorded in a meeting.
    DecisionId,
    /// A file attached to a transaction.
    AttachmentId,
    /// A voice note on a transaction.
    VoiceId,
);
