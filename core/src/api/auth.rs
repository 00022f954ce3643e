//! Identity: registration, log-in, tokens, one-time codes, the caller's profile.

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::error::{ErrorCode, FieldErrors};
use crate::identity::{Email, IdDocument, IdType, Mobile, Name, Password};
use crate::ids::{DepartmentId, EntityId, UserId};
use crate::org::Role;
use crate::permissions::Permission;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Residence {
    Inside,
    Outside,
}

impl Residence {
    pub fn as_str(self) -> &'static str {
        match self {
            Residence::Inside => "inside",
            Residence::Outside => "outside",
        }
    }

    pub fn parse(s: &str) -> Result<Residence, ErrorCode> {
        match s {
            "inside" => Ok(Residence::Inside),
            "outside" => Ok(Residence::Outside),
            _ => Err(ErrorCode::InvalidChoice),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegisterRequest {
    pub name_ar: String,
    pub name_en: String,
    #[schema(value_type = IdType)]
    pub id_type: String,
    pub id_number: String,
    pub password: String,
    pub mobile: String,
    pub email: String,
    #[schema(value_type = Residence)]
    pub residence: String,
    #[serde(default)]
    #[schema(value_type = Option<Lang>)]
    pub language: Option<String>,
}

/// A registration whose every field is valid.
#[derive(Debug, Clone)]
pub struct Registration {
    pub name_ar: Name,
    pub name_en: Name,
    pub id: IdDocument,
    pub password: Password,
    pub mobile: Mobile,
    pub email: Email,
    pub residence: Residence,
    pub language: Lang,
}

impl RegisterRequest {
    pub fn parse(&self) -> Result<Registration, FieldErrors> {
        let mut e = FieldErrors::default();
        let name_ar = e.check("name_ar", Name::parse(&self.name_ar));
        let name_en = e.check("name_en", Name::parse(&self.name_en));
        let id_type = e.check("id_type", IdType::parse(&self.id_type));
        let id = id_type.and_then(|t| e.check("id_number", IdDocument::parse(t, &self.id_number)));
        let personal = [&*self.id_number, &*self.mobile, &*self.email, &*self.name_ar, &*self.name_en];
        let password = e.check("password", Password::parse(&self.password, &personal));
        let mobile = e.check("mobile", Mobile::parse(&self.mobile));
        let email = e.check("email", Email::parse(&self.email));
        let residence = e.check("residence", Residence::parse(&self.residence));
        let language = match &self.language {
            None => Some(Lang::Ar),
            Some(l) => e.check("language", Lang::parse(l).ok_or(ErrorCode::InvalidChoice)),
        };
        let all = (|| {
            Some(Registration {
                name_ar: name_ar?,
                name_en: name_en?,
                id: id?,
                password: password?,
                mobile: mobile?,
                email: email?,
                residence: residence?,
                language: language?,
            })
        })();
        e.finish(all)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    /// A national ID, iqama or passport number, an e-mail or a mobile.
    pub login: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

impl ChangePasswordRequest {
    /// The new password, if it meets the policy; `personal` as for `Password::parse`.
    pub fn parse(&self, personal: &[&str]) -> Result<Password, FieldErrors> {
        let mut e = FieldErrors::default();
        let p = e.check("new_password", Password::parse(&self.new_password, personal));
        e.finish(p)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LogoutRequest {
    #[serde(default)]
    pub refresh_token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OtpChannel {
    Email,
    Sms,
}

impl OtpChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            OtpChannel::Email => "email",
            OtpChannel::Sms => "sms",
        }
    }

    pub fn parse(s: &str) -> Result<OtpChannel, ErrorCode> {
        match s {
            "email" => Ok(OtpChannel::Email),
            "sms" => Ok(OtpChannel::Sms),
            _ => Err(ErrorCode::InvalidChoice),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OtpSendRequest {
    #[schema(value_type = OtpChannel)]
    pub channel: String,
}

impl OtpSendRequest {
    pub fn parse(&self) -> Result<OtpChannel, FieldErrors> {
        let mut e = FieldErrors::default();
        let c = e.check("channel", OtpChannel::parse(&self.channel));
        e.finish(c)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OtpVerifyRequest {
    #[schema(value_type = OtpChannel)]
    pub channel: String,
    pub code: String,
}

impl OtpVerifyRequest {
    pub fn parse(&self) -> Result<(OtpChannel, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let c = e.check("channel", OtpChannel::parse(&self.channel));
        let code = crate::identity::ascii_digits(self.code.trim());
        let code = e.check(
            "code",
            if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
                Ok(code)
            } else {
                Err(ErrorCode::OtpInvalid)
            },
        );
        e.finish(c.zip(code))
    }
}

/// `POST /auth/password/forgot`: a code to reset a forgotten password, sent
/// to the account's e-mail or mobile.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ForgotPasswordRequest {
    /// An ID number, e-mail or mobile, as at log-in.
    pub login: String,
    #[schema(value_type = OtpChannel)]
    pub channel: String,
}

impl ForgotPasswordRequest {
    pub fn parse(&self) -> Result<OtpChannel, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.login.trim().is_empty() {
            e.push("login", ErrorCode::MissingField);
        }
        let c = e.check("channel", OtpChannel::parse(&self.channel));
        e.finish(c)
    }
}

/// `POST /auth/password/reset`: the code sent, and the new password.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResetPasswordRequest {
    pub login: String,
    #[schema(value_type = OtpChannel)]
    pub channel: String,
    pub code: String,
    pub new_password: String,
}

impl ResetPasswordRequest {
    /// The channel and the code, checked before any account is looked up.
    pub fn parse(&self) -> Result<(OtpChannel, String), FieldErrors> {
        OtpVerifyRequest { channel: self.channel.clone(), code: self.code.clone() }.parse()
    }

    /// The new password, once the account (and so its personal words) is known.
    pub fn new_password(&self, personal: &[&str]) -> Result<Password, FieldErrors> {
        let mut e = FieldErrors::default();
        let p = e.check("new_password", Password::parse(&self.new_password, personal));
        e.finish(p)
    }
}

/// The signed-in caller, as `GET /api/v1/me` and log-in return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub role: Role,
    pub name_ar: String,
    pub name_en: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub email_verified: bool,
    pub mobile_verified: bool,
    pub language: Lang,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<EntityId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_ids: Option<Vec<DepartmentId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<Permission>>,
    /// For regulators: the entities in their remit, or `"all"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_ids: Option<EntityIds>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuthResponse {
    pub user: UserView,
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

/// `"all"` or a list of entity ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum EntityIds {
    #[schema(value_type = String)]
    All(AllMarker),
    List(Vec<EntityId>),
}

/// The literal string `"all"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllMarker {
    All,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> RegisterRequest {
        RegisterRequest {
            name_ar: "سارة العتيبي".into(),
            name_en: "Sara Alotaibi".into(),
            id_type: "national_id".into(),
            id_number: "1000000008".into(),
            password: "correct horse".into(),
            mobile: "0551234567".into(),
            email: "sara@example.sa".into(),
            residence: "inside".into(),
            language: None,
        }
    }

    #[test]
    fn a_valid_registration_parses() {
        let r = valid().parse().unwrap();
        assert_eq!(r.mobile.as_str(), "+966551234567");
        assert_eq!(r.language, Lang::Ar);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut r = valid();
        r.id_number = "1000000009".into();
        r.mobile = "123".into();
        r.residence = "mars".into();
        let errs = r.parse().unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("id_number", ErrorCode::InvalidIdNumber),
                ("mobile", ErrorCode::InvalidMobile),
                ("residence", ErrorCode::InvalidChoice)
            ]
        );
    }

    #[test]
    fn entity_ids_all_or_list() {
        let all: EntityIds = serde_json::from_str("\"all\"").unwrap();
        assert_eq!(all, EntityIds::All(AllMarker::All));
        let list: EntityIds = serde_json::from_str("[\"0190a0a0-0000-7000-8000-000000000000\"]").unwrap();
        assert!(matches!(list, EntityIds::List(v) if v.len() == 1));
        assert!(serde_json::from_str::<EntityIds>("\"some\"").is_err());
    }
}
