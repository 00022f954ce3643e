//! What the audit log records: each action as one variant with its stable name
//! (the name is stored and hashed: never rename one), and what it was done to.

use std::fmt;

use crate::ids::{DepartmentId, EntityId, MeetingId, TransactionId, TransactionTypeId, UserId, VoteId};

macro_rules! audit_actions {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// An action the audit log records.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction { $($variant),* }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(AuditAction::$variant => $name),* }
            }

            pub fn parse(s: &str) -> Option<AuditAction> {
                match s { $($name => Some(AuditAction::$variant),)* _ => None }
            }
        }
    };
}

audit_actions! {
    Register => "auth.register",
    Login => "auth.login",
    LoginFailed => "auth.login_failed",
    Logout => "auth.logout",
    TokenRefresh => "auth.refresh",
    RefreshTokenReused => "auth.refresh_token_reused",
    RateLimited => "auth.rate_limited",
    OtpSend => "auth.otp_send",
    OtpVerify => "auth.otp_verify",
    PasswordChange => "auth.password_change",
    PasswordChangeFailed => "auth.password_change_failed",
    PasswordReset => "auth.password_reset",
    PasswordResetFailed => "auth.password_reset_failed",
    EntityCreate => "entity.create",
    DepartmentCreate => "department.create",
    EmployeeCreate => "employee.create",
    EmployeeUpdate => "employee.update",
    TransactionTypeCreate => "transaction_type.create",
    CalendarUpdate => "calendar.update",
    TargetsUpdate => "targets.update",
    StatsExport => "stats.export",
    RegulatorCreate => "regulator.create",
    TransactionCreate => "transaction.create",
    TransactionStep => "transaction.step",
    TransactionComment => "transaction.comment",
    TransactionAttachment => "transaction.attachment",
    TransactionVoice => "transaction.voice",
    TransactionRate => "transaction.rate",
    TransactionSlaWarning => "transaction.sla_warning",
    TransactionSlaBreach => "transaction.sla_breached",
    TransactionEscalate => "transaction.escalate",
    PlatformAdminCreateOrReset => "platform_admin.create_or_reset",
    MasterKeyRotate => "master_key.rotate",
    NotificationGivenUp => "notification.given_up",
    NotificationResend => "notification.resend",
    NotificationPreferencesChange => "notification.preferences_change",
    NotificationsRead => "notification.read",
    MeetingCreate => "meeting.create",
    MeetingChange => "meeting.change",
    MeetingCancel => "meeting.cancel",
    MeetingRsvp => "meeting.rsvp",
    MeetingCheckIn => "meeting.check_in",
    MeetingNote => "meeting.note",
    MinutesDraft => "meeting.minutes_draft",
    MinutesApprove => "meeting.minutes_approve",
    DecisionRecord => "meeting.decision",
    VoteCreate => "vote.create",
    VoteBallot => "vote.ballot",
    VoteClose => "vote.close",
    ReminderCreate => "reminder.create",
    CalendarFeedIssue => "calendar_feed.issue",
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an action was done to, written `kind:id` in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditTarget {
    User(UserId),
    Entity(EntityId),
    Department(DepartmentId),
    TransactionType(TransactionTypeId),
    Transaction(TransactionId),
    Meeting(MeetingId),
    Vote(VoteId),
    /// A log-in box value that names no account, as a non-reversible key.
    Login(String),
    /// A client address (limits reached by an anonymous caller).
    Address(String),
    /// The stored documents as a whole (the master key's rotation).
    Objects,
    /// The platform as a whole (its figures across entities).
    Platform,
}

impl fmt::Display for AuditTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditTarget::User(id) => write!(f, "user:{id}"),
            AuditTarget::Entity(id) => write!(f, "entity:{id}"),
            AuditTarget::Department(id) => write!(f, "department:{id}"),
            AuditTarget::TransactionType(id) => write!(f, "transaction_type:{id}"),
            AuditTarget::Transaction(id) => write!(f, "transaction:{id}"),
            AuditTarget::Meeting(id) => write!(f, "meeting:{id}"),
            AuditTarget::Vote(id) => write!(f, "vote:{id}"),
            AuditTarget::Login(key) => write!(f, "login:{key}"),
            AuditTarget::Address(a) => write!(f, "address:{a}"),
            AuditTarget::Objects => f.write_str("objects"),
            AuditTarget::Platform => f.write_str("platform"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_dotted_and_parse_back() {
        let mut seen = HashSet::new();
        for &a in AuditAction::ALL {
            assert!(seen.insert(a.as_str()), "duplicate {a}");
            assert!(a.as_str().contains('.') && a.as_str().chars().all(|c| c.is_ascii_lowercase() || "._".contains(c)));
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
        }
    }

    #[test]
    fn targets_are_written_as_before() {
        let u = UserId::new();
        assert_eq!(AuditTarget::User(u).to_string(), format!("user:{u}"));
        assert_eq!(AuditTarget::Login("ab12".into()).to_string(), "login:ab12");
        assert_eq!(AuditTarget::Objects.to_string(), "objects");
    }
}
