//! Stable machine-readable error codes with their Arabic and English messages.
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
    ($($variant:ident => $code:literal, $kind:ident, $ar:literal, $en:literal;)*) => {
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

            pub fn message(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((ErrorCode::$variant, Lang::Ar) => $ar,
                      (ErrorCode::$variant, Lang::En) => $en,)*
                }
            }

            pub fn from_code(code: &str) -> Option<ErrorCode> {
                match code { $($code => Some(ErrorCode::$variant),)* _ => None }
            }
        }
    };
}

error_codes! {
    Malformed => "request.malformed", Malformed,
        "تعذّر فهم الطلب: تحقق من صيغة البيانات المرسلة.",
        "The request could not be understood: check the format of the data sent.";
    InvalidField => "request.invalid_field", Invalid,
        "بعض الحقول غير صحيحة.",
        "Some fields are not valid.";
    MissingField => "request.missing_field", Invalid,
        "هذا الحقل مطلوب.",
        "This field is required.";
    BodyNotObject => "request.not_an_object", Malformed,
        "يجب أن يكون محتوى الطلب كائن JSON.",
        "The request body must be a JSON object.";
    UnknownField => "request.unknown_field", Invalid,
        "هذا الحقل غير معروف في هذا الطلب.",
        "This field is not part of this request.";
    TooDeep => "request.too_deep", Malformed,
        "البيانات متداخلة بعمق أكبر من المسموح.",
        "The data is nested more deeply than allowed.";
    RequestTimeout => "request.timeout", Timeout,
        "استغرق إرسال الطلب وقتاً أطول من المسموح.",
        "The request took too long to arrive.";
    UnsupportedMediaType => "request.unsupported_media_type", UnsupportedMedia,
        "نوع المحتوى غير مدعوم.",
        "This content type is not supported.";
    PayloadTooLarge => "request.too_large", TooLarge,
        "حجم الطلب أكبر من المسموح.",
        "The request is larger than allowed.";
    Unauthenticated => "auth.unauthenticated", Unauthenticated,
        "يلزم تسجيل الدخول.",
        "You need to sign in.";
    TokenInvalid => "auth.token_invalid", Unauthenticated,
        "رمز الدخول غير صالح أو منتهي الصلاحية.",
        "The access token is invalid or has expired.";
    InvalidCredentials => "auth.invalid_credentials", Unauthenticated,
        "بيانات الدخول غير صحيحة.",
        "The sign-in details are not correct.";
    RefreshTokenInvalid => "auth.refresh_token_invalid", Unauthenticated,
        "رمز التجديد غير صالح أو سبق استخدامه.",
        "The refresh token is invalid or has already been used.";
    AccountDisabled => "auth.account_disabled", Forbidden,
        "هذا الحساب موقوف.",
        "This account is disabled.";
    TooManyAttempts => "auth.too_many_attempts", RateLimited,
        "محاولات كثيرة فاشلة، حاول لاحقاً.",
        "Too many failed attempts; try again later.";
    RateLimited => "request.rate_limited", RateLimited,
        "طلبات كثيرة في وقت قصير، حاول بعد قليل.",
        "Too many requests in a short time; try again in a while.";
    WrongPassword => "auth.wrong_password", Invalid,
        "كلمة المرور الحالية غير صحيحة.",
        "The current password is not correct.";
    OtpInvalid => "auth.otp_invalid", Invalid,
        "رمز التحقق غير صحيح أو منتهي الصلاحية.",
        "The verification code is wrong or has expired.";
    OtpChannelUnavailable => "auth.otp_channel_unavailable", Invalid,
        "لا يوجد عنوان مسجل لهذه القناة.",
        "There is no address on record for this channel.";
    Forbidden => "permission.denied", Forbidden,
        "ليست لديك صلاحية لهذا الإجراء.",
        "You are not allowed to do this.";
    EmployeeSelfChange => "employee.cannot_change_self", Forbidden,
        "لا يمكنك تغيير دورك أو صلاحياتك أو إداراتك أو إيقاف حسابك بنفسك.",
        "You cannot change your own role, permissions, departments or active status.";
    AdminRequired => "employee.admin_required", Forbidden,
        "إنشاء مسؤولي الجهة وتغييرهم وإيقافهم لمسؤولي الجهة وحدهم.",
        "Only an entity admin may create, change or deactivate an entity admin.";
    PermissionNotHeld => "permission.cannot_grant", Forbidden,
        "لا يمكنك منح صلاحية لا تملكها.",
        "You can give only permissions you hold yourself.";
    LastAdmin => "employee.last_admin", Conflict,
        "يجب أن يبقى للجهة مسؤول نشط واحد على الأقل.",
        "The entity must keep at least one active admin.";
    NotFound => "resource.not_found", NotFound,
        "العنصر المطلوب غير موجود.",
        "The requested item was not found.";
    InvalidIdNumber => "identity.invalid_id_number", Invalid,
        "رقم الهوية غير صحيح: يتكون من 10 أرقام تبدأ بـ 1 للهوية الوطنية أو 2 للإقامة، وآخرها رقم تحقق.",
        "The ID number is not valid: 10 digits starting with 1 (national ID) or 2 (iqama), ending in a check digit.";
    InvalidPassport => "identity.invalid_passport", Invalid,
        "رقم الجواز غير صحيح: من 6 إلى 20 حرفاً لاتينياً أو رقماً.",
        "The passport number is not valid: 6 to 20 Latin letters or digits.";
    InvalidMobile => "identity.invalid_mobile", Invalid,
        "رقم الجوال غير صحيح: يجب أن يكون جوالاً سعودياً مثل 05XXXXXXXX.",
        "The mobile number is not valid: it must be a Saudi mobile such as 05XXXXXXXX.";
    InvalidEmail => "identity.invalid_email", Invalid,
        "البريد الإلكتروني غير صحيح.",
        "The e-mail address is not valid.";
    InvalidName => "identity.invalid_name", Invalid,
        "الاسم مطلوب ويجب ألا يتجاوز 120 حرفاً.",
        "The name is required and must not exceed 120 characters.";
    InvisibleCharacters => "request.invisible_characters", Invalid,
        "النص يحتوي على رموز تحكم غير مرئية (علامات اتجاه أو رموز بعرض صفري)؛ احذفها.",
        "The text contains invisible control characters (direction marks or zero-width characters); remove them.";
    WeakPassword => "identity.weak_password", Invalid,
        "كلمة المرور يجب أن تكون من 8 إلى 128 حرفاً.",
        "The password must be 8 to 128 characters long.";
    CommonPassword => "identity.common_password", Invalid,
        "كلمة المرور شائعة أو سهلة التخمين: اختر عبارة أطول من كلمات لا رابط بينها.",
        "This password is common or easy to guess: choose a longer phrase of unrelated words.";
    PersonalPassword => "identity.password_has_personal_data", Invalid,
        "يجب ألا تحتوي كلمة المرور على رقم هويتك أو جوالك أو بريدك الإلكتروني أو اسمك.",
        "The password must not contain your ID number, mobile, e-mail or name.";
    TooManyItems => "request.too_many_items", Invalid,
        "عدد العناصر أكبر من المسموح.",
        "There are more items than allowed.";
    InvalidChoice => "request.invalid_choice", Invalid,
        "القيمة ليست من الخيارات المسموحة.",
        "The value is not one of the allowed choices.";
    AccountExists => "identity.account_exists", Conflict,
        "يوجد حساب مسجل بهذه البيانات.",
        "An account with these details already exists.";
    InvalidUnifiedNumber => "entity.invalid_unified_number", Invalid,
        "الرقم الموحد غير صحيح: 10 أرقام تبدأ بـ 7.",
        "The unified number is not valid: 10 digits starting with 7.";
    EntityExists => "entity.exists", Conflict,
        "توجد جهة مسجلة بهذا الرقم الموحد.",
        "An entity with this unified number already exists.";
    UnknownDepartment => "department.unknown", Invalid,
        "الإدارة غير موجودة في هذه الجهة.",
        "The department does not exist in this entity.";
    UnknownEntity => "entity.unknown", Invalid,
        "الجهة غير موجودة.",
        "The entity does not exist.";
    InvalidTypeCode => "transaction_type.invalid_code", Invalid,
        "رمز نوع المعاملة يتكون من 2 إلى 40 حرفاً لاتينياً صغيراً أو رقماً أو _ أو -.",
        "The transaction type code is 2 to 40 lowercase Latin letters, digits, _ or -.";
    TypeCodeExists => "transaction_type.exists", Conflict,
        "يوجد نوع معاملة بهذا الرمز في الجهة.",
        "A transaction type with this code already exists in the entity.";
    InvalidSla => "transaction_type.invalid_sla", Invalid,
        "مدة الإنجاز بالساعات يجب أن تكون بين 1 و 8760.",
        "The SLA in hours must be between 1 and 8760.";
    InvalidFieldSpec => "transaction_type.invalid_field", Invalid,
        "تعريف الحقل غير صحيح: مفتاح فريد بحروف لاتينية صغيرة، وخيارات لحقول الاختيار فقط.",
        "The field definition is not valid: a unique lowercase key, and choices only for choice fields.";
    InvalidText => "request.invalid_text", Invalid,
        "النص مطلوب ويجب ألا يتجاوز الحد المسموح.",
        "The text is required and must not exceed the allowed length.";
    UnknownTransactionType => "transaction_type.unknown", Invalid,
        "نوع المعاملة غير موجود في هذه الجهة.",
        "The transaction type does not exist in this entity.";
    UnknownCustomField => "transaction.unknown_field", Invalid,
        "هذا الحقل غير معرّف في نوع المعاملة.",
        "This field is not defined for the transaction type.";
    IllegalTransition => "transaction.illegal_transition", Conflict,
        "لا يمكن تنفيذ هذا الإجراء في الحالة الحالية للمعاملة.",
        "This action is not possible in the transaction's current status.";
    ReferenceAmbiguous => "transaction.reference_ambiguous", Conflict,
        "لديك معاملات بهذا الرقم لدى أكثر من جهة: اختر الجهة.",
        "You have transactions with this reference at more than one entity: choose the entity.";
    AlreadyRated => "transaction.already_rated", Conflict,
        "سبق تقييم هذه المعاملة.",
        "This transaction has already been rated.";
    IdempotencyInProgress => "idempotency.in_progress", Conflict,
        "طلب بنفس مفتاح عدم التكرار قيد التنفيذ.",
        "A request with the same idempotency key is still being processed.";
    IdempotencyKeyReused => "idempotency.key_reused", Invalid,
        "مفتاح عدم التكرار استُخدم لطلب مختلف.",
        "The idempotency key was already used for a different request.";
    TopicForbidden => "realtime.topic_forbidden", Forbidden,
        "لا يمكنك متابعة هذا الموضوع، أو أنه غير موجود.",
        "You may not follow this topic, or it does not exist.";
    ConsumerTooSlow => "realtime.too_slow", Unavailable,
        "انقطع الاتصال لأن الرسائل تتراكم أسرع مما تُستقبل؛ أعد الاتصال لاستئناف المتابعة.",
        "The connection was closed because messages piled up faster than they were read; reconnect to resume.";
    AuthTimeout => "realtime.auth_timeout", Unauthenticated,
        "لم تصل بيانات الدخول في الوقت المحدد.",
        "No credentials arrived in time.";
    VoiceUnsupported => "voice.unsupported_type", UnsupportedMedia,
        "صيغة التسجيل غير مدعومة: أرسل Ogg Opus أو WebM Opus أو WAV.",
        "This recording format is not supported: send Ogg Opus, WebM Opus or WAV.";
    VoiceInvalid => "voice.invalid", Invalid,
        "تعذّرت قراءة التسجيل الصوتي: الملف تالف أو ناقص أو ليس كما يُدّعى.",
        "The recording could not be read: it is damaged, cut short, or not what it claims to be.";
    VoiceTooLong => "voice.too_long", Invalid,
        "التسجيل الصوتي أطول من خمس دقائق.",
        "The recording is longer than five minutes.";
    SearchQueryEmpty => "search.query_empty", Invalid,
        "اكتب كلمة واحدة على الأقل للبحث.",
        "Type at least one word to search for.";
    Unavailable => "service.unavailable", Unavailable,
        "الخدمة غير متاحة مؤقتاً.",
        "The service is temporarily unavailable.";
    Internal => "internal", Internal,
        "حدث خطأ غير متوقع، وقد سُجّل للمراجعة.",
        "An unexpected error occurred; it has been logged.";
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
            let ar = c.message(Lang::Ar);
            assert!(ar.chars().any(|ch| ('\u{0600}'..='\u{06FF}').contains(&ch)), "{c}: Arabic message expected");
            assert!(c.message(Lang::En).is_ascii(), "{c}: English message expected");
        }
    }
}
