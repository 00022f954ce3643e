//! Stable machine-readable error codes; their Arabic and English messages are
//! in the message catalogue (`error-` and the code, dots as dashes).
//!
//! The code string is part of the API contract: never rename one. The HTTP layer
//! maps `ErrorKind` to a status in one place.

use serde::Serialize;

use crate::Lang;

/// What sort of failure a code is; the server maps each to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Malformed,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    TooLarge,
    UnsupportedMedia,
    Invalid,
    RateLimited,
    /// The client took too long to send its request.
    Timeout,
    Unavailable,
    Internal,
}

macro_rules! error_codes {
    ($($variant:ident => $code:literal, $kind:ident;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($variant),* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),* }
            }

            pub fn kind(self) -> ErrorKind {
                match self { $(ErrorCode::$variant => ErrorKind::$kind),* }
            }

            /// Its message in `lang`, from the catalogue.
            pub fn message(self, lang: Lang) -> &'static str {
                let id = match self { $(ErrorCode::$variant => concat!("error-", $code)),* };
                crate::catalogue::plain(lang, &id.replace('.', "-")).unwrap_or(self.as_str())
            }

            pub fn from_code(code: &str) -> Option<ErrorCode> {
                match code { $($code => Some(ErrorCode::$variant),)* _ => None }
            }
        }
    };
}

error_codes! {
    Malformed => "request.malformed", Malformed;
    InvalidField => "request.invalid_field", Invalid;
    MissingField => "request.missing_field", Invalid;
    BodyNotObject => "request.not_an_object", Malformed;
    UnknownField => "request.unknown_field", Invalid;
    TooDeep => "request.too_deep", Malformed;
    RequestTimeout => "request.timeout", Timeout;
    UnsupportedMediaType => "request.unsupported_media_type", UnsupportedMedia;
    PayloadTooLarge => "request.too_large", TooLarge;
    Unauthenticated => "auth.unauthenticated", Unauthenticated;
    TokenInvalid => "auth.token_invalid", Unauthenticated;
    InvalidCredentials => "auth.invalid_credentials", Unauthenticated;
    RefreshTokenInvalid => "auth.refresh_token_invalid", Unauthenticated;
    AccountDisabled => "auth.account_disabled", Forbidden;
    TooManyAttempts => "auth.too_many_attempts", RateLimited;
    RateLimited => "request.rate_limited", RateLimited;
    WrongPassword => "auth.wrong_password", Invalid;
    OtpInvalid => "auth.otp_invalid", Invalid;
    OtpChannelUnavailable => "auth.otp_channel_unavailable", Invalid;
    Forbidden => "permission.denied", Forbidden;
    EmployeeSelfChange => "employee.cannot_change_self", Forbidden;
    AdminRequired => "employee.admin_required", Forbidden;
    PermissionNotHeld => "permission.cannot_grant", Forbidden;
    LastAdmin => "employee.last_admin", Conflict;
    NotFound => "resource.not_found", NotFound;
    InvalidIdNumber => "identity.invalid_id_number", Invalid;
    InvalidPassport => "identity.invalid_passport", Invalid;
    InvalidMobile => "identity.invalid_mobile", Invalid;
    InvalidEmail => "identity.invalid_email", Invalid;
    InvalidName => "identity.invalid_name", Invalid;
    InvisibleCharacters => "request.invisible_characters", Invalid;
    WeakPassword => "identity.weak_password", Invalid;
    CommonPassword => "identity.common_password", Invalid;
    PersonalPassword => "identity.password_has_personal_data", Invalid;
    TooManyItems => "request.too_many_items", Invalid;
    CsrfInvalid => "request.csrf_invalid", Forbidden;
    InvalidChoice => "request.invalid_choice", Invalid;
    AccountExists => "identity.account_exists", Conflict;
    InvalidUnifiedNumber => "entity.invalid_unified_number", Invalid;
    EntityExists => "entity.exists", Conflict;
    UnknownDepartment => "department.unknown", Invalid;
    UnknownEntity => "entity.unknown", Invalid;
    InvalidTypeCode => "transaction_type.invalid_code", Invalid;
    TypeCodeExists => "transaction_type.exists", Conflict;
    InvalidSla => "transaction_type.invalid_sla", Invalid;
    NoWorkingDay => "calendar.no_working_day", Invalid;
    InvalidHours => "calendar.invalid_hours", Invalid;
    InvalidFieldSpec => "transaction_type.invalid_field", Invalid;
    InvalidText => "request.invalid_text", Invalid;
    UnknownTransactionType => "transaction_type.unknown", Invalid;
    UnknownCustomField => "transaction.unknown_field", Invalid;
    IllegalTransition => "transaction.illegal_transition", Conflict;
    ReferenceAmbiguous => "transaction.reference_ambiguous", Conflict;
    AlreadyRated => "transaction.already_rated", Conflict;
    IdempotencyInProgress => "idempotency.in_progress", Conflict;
    IdempotencyKeyReused => "idempotency.key_reused", Invalid;
    TopicForbidden => "realtime.topic_forbidden", Forbidden;
    ConsumerTooSlow => "realtime.too_slow", Unavailable;
    AuthTimeout => "realtime.auth_timeout", Unauthenticated;
    VoiceUnsupported => "voice.unsupported_type", UnsupportedMedia;
    VoiceInvalid => "voice.invalid", Invalid;
    VoiceTooLong => "voice.too_long", Invalid;
    SearchQueryEmpty => "search.query_empty", Invalid;
    MeetingOutsideWindow => "meeting.outside_window", Conflict;
    MeetingCancelled => "meeting.cancelled", Conflict;
    MinutesSealed => "meeting.minutes_sealed", Conflict;
    MinutesMissing => "meeting.minutes_missing", Conflict;
    VoteNotEligible => "vote.not_eligible", Forbidden;
    VoteClosed => "vote.closed", Conflict;
    BallotCast => "vote.already_cast", Conflict;
    Unavailable => "service.unavailable", Unavailable;
    Internal => "internal", Internal;
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One invalid field of a request, named as the client sent it (`id_number`,
/// `admin.email`, `fields[2].key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
}

/// Every invalid field of a request at once, so that a form can mark them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, field: impl Into<String>, code: ErrorCode) {
        self.0.push(FieldError { field: field.into(), code });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records the error of `r` under `field` and returns its value if any.
    pub fn check<T>(&mut self, field: &str, r: Result<T, ErrorCode>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(code) => {
                self.push(field, code);
                None
            }
        }
    }

    /// `Ok(value)` when no field failed; `value` must then be `Some`.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, FieldErrors> {
        match value {
            Some(v) if self.is_empty() => Ok(v),
            _ => Err(self),
        }
    }

    /// The code the whole request fails with: the first field's.
    pub fn primary_code(&self) -> ErrorCode {
        self.0.first().map(|e| e.code).unwrap_or(ErrorCode::InvalidField)
    }
}

/// The JSON shape of one field error in an error envelope's `details.fields`.
#[derive(Debug, Clone, Serialize)]
pub struct FieldErrorBody {
    pub field: String,
    pub code: &'static str,
    pub message: &'static str,
}

impl FieldErrors {
    pub fn to_bodies(&self, lang: Lang) -> Vec<FieldErrorBody> {
        self.0
            .iter()
            .map(|e| FieldErrorBody { field: e.field.clone(), code: e.code.as_str(), message: e.code.message(lang) })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_dotted_snake_case_with_both_messages() {
        let mut seen = HashSet::new();
        for &c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {}", c);
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch == '_' || ch == '.'));
            assert_eq!(ErrorCode::from_code(c.as_str()), Some(c));
            for lang in [Lang::Ar, Lang::En] {
                let id = format!("error-{}", c.as_str().replace('.', "-"));
                assert!(crate::catalogue::plain(lang, &id).is_some(), "{id} is missing from the {lang:?} catalogue");
            }
            let ar = c.message(Lang::Ar);
            assert!(ar.chars().any(|ch| ('\u{0600}'..='\u{06FF}').contains(&ch)), "{c}: Arabic message expected");
            assert!(c.message(Lang::En).is_ascii(), "{c}: English message expected");
        }
    }
}
