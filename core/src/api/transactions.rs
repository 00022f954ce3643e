//! Transactions: creation with custom fields, views, events, comments, lists.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::api::org::{FieldKind, FieldSpec};
use crate::error::{ErrorCode, FieldErrors};
use crate::ids::{DepartmentId, EntityId, TransactionId, TransactionTypeId, UserId};
use crate::org::Role;
use crate::visibility::Visibility;
use crate::workflow::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Normal,
    Important,
    Urgent,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::Important => "important",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Result<Priority, ErrorCode> {
        match s {
            "normal" => Ok(Priority::Normal),
            "important" => Ok(Priority::Important),
            "urgent" => Ok(Priority::Urgent),
            _ => Err(ErrorCode::InvalidChoice),
        }
    }
}

/// Text a person wrote: trimmed, not empty, at most `max` characters.
pub fn parse_text(raw: &str, max: usize) -> Result<String, ErrorCode> {
    let t = raw.trim();
    let n = t.chars().count();
    if n == 0 || n > max || t.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        Err(ErrorCode::InvalidText)
    } else {
        Ok(t.to_owned())
    }
}

/// A subject: text as `parse_text` takes it, with something visible and no
/// invisible format characters (a subject is shown in lists and notifications,
/// where a reversed or blank one would mislead).
pub fn parse_subject(raw: &str) -> Result<String, ErrorCode> {
    if raw.chars().any(crate::identity::is_invisible_format) {
        return Err(ErrorCode::InvisibleCharacters);
    }
    let t = parse_text(raw, SUBJECT_MAX)?;
    if !crate::identity::has_visible(&t) {
        return Err(ErrorCode::InvalidText);
    }
    Ok(t)
}

pub const SUBJECT_MAX: usize = 200;
pub const BODY_MAX: usize = 10_000;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateTransactionRequest {
    #[schema(value_type = String, format = Uuid)]
    pub entity_id: String,
    #[schema(value_type = String, format = Uuid)]
    pub type_id: String,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    #[schema(value_type = Option<Priority>)]
    pub priority: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub fields: Option<BTreeMap<String, serde_json::Value>>,
}

/// A creation request whose own fields are valid; custom fields are checked
/// against the type with `validate_fields` once the type is known.
#[derive(Debug, Clone)]
pub struct NewTransaction {
    pub entity_id: EntityId,
    pub type_id: TransactionTypeId,
    pub subject: String,
    pub body: String,
    pub priority: Priority,
    pub fields: BTreeMap<String, serde_json::Value>,
}

impl CreateTransactionRequest {
    pub fn parse(&self) -> Result<NewTransaction, FieldErrors> {
        let mut e = FieldErrors::default();
        let entity_id = e.check("entity_id", self.entity_id.parse::<EntityId>().map_err(|_| ErrorCode::UnknownEntity));
        let type_id = e
            .check("type_id", self.type_id.parse::<TransactionTypeId>().map_err(|_| ErrorCode::UnknownTransactionType));
        let subject = e.check("subject", parse_subject(&self.subject));
        let body = e.check("body", parse_text(&self.body, BODY_MAX));
        let priority = match &self.priority {
            None => Some(Priority::Normal),
            Some(p) => e.check("priority", Priority::parse(p)),
        };
        let all = (|| {
            Some(NewTransaction {
                entity_id: entity_id?,
                type_id: type_id?,
                subject: subject?,
                body: body?,
                priority: priority?,
                fields: self.fields.clone().unwrap_or_default(),
            })
        })();
        e.finish(all)
    }
}

/// Checks custom field values against the type: known keys only, each of its
/// kind, required ones present. Returns the values normalised (trimmed text).
pub fn validate_fields(
    specs: &[FieldSpec],
    values: &BTreeMap<String, serde_json::Value>,
) -> Result<BTreeMap<String, serde_json::Value>, FieldErrors> {
    use serde_json::Value;
    let mut e = FieldErrors::default();
    let mut out = BTreeMap::new();
    for key in values.keys() {
        if !specs.iter().any(|s| &s.key == key) {
            e.push(format!("fields.{key}"), ErrorCode::UnknownCustomField);
        }
    }
    for spec in specs {
        let field = format!("fields.{}", spec.key);
        let value = values.get(&spec.key).filter(|v| !v.is_null() && v.as_str() != Some(""));
        let Some(v) = value else {
            if spec.required {
                e.push(field, ErrorCode::MissingField);
            }
            continue;
        };
        let ok = match (spec.kind, v) {
            (FieldKind::Text, Value::String(s)) => parse_text(s, 2000).ok().map(Value::String),
            (FieldKind::Number, Value::Number(n)) => Some(Value::Number(n.clone())),
            (FieldKind::Date, Value::String(s)) => {
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok().map(|d| Value::String(d.to_string()))
            }
            (FieldKind::Choice, Value::String(s)) => {
                spec.choices.iter().flatten().any(|c| c == s.trim()).then(|| Value::String(s.trim().to_owned()))
            }
            (FieldKind::File, Value::String(s)) => uuid::Uuid::parse_str(s).ok().map(|u| Value::String(u.to_string())),
            _ => None,
        };
        match ok {
            Some(v) => {
                out.insert(spec.key.clone(), v);
            }
            None => e.push(field, ErrorCode::InvalidField),
        }
    }
    e.finish(Some(out))
}

/// A person as shown on a transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonRef {
    pub id: UserId,
    pub name_ar: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TransactionView {
    pub id: TransactionId,
    /// `1448-000123`: per entity and Hijri year.
    pub reference: String,
    pub hijri_year: i32,
    pub entity_id: EntityId,
    pub type_id: TransactionTypeId,
    pub department_id: DepartmentId,
    pub subject: String,
    pub body: String,
    pub priority: Priority,
    pub status: Status,
    pub assignee: Option<PersonRef>,
    pub beneficiary: PersonRef,
    pub fields: BTreeMap<String, serde_json::Value>,
    pub due_at: DateTime<Utc>,
    /// Past its due time and not closed (a postponed transaction's clock is paused).
    pub late: bool,
    pub postponed_until: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub rating: Option<u8>,
    pub created_at: DateTime<Utc>,
}

/// Who did something, as shown in a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActorRef {
    pub id: UserId,
    pub role: Role,
    pub name_ar: String,
    pub name_en: String,
}

/// One notification of an event, as staff see it on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub recipient: UserId,
    /// `email` or `sms`.
    pub channel: String,
    /// `pending`, `delivered`, or `failed` (given up after its retries).
    pub status: String,
}

/// One step of a transaction's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventView {
    pub seq: u32,
    pub kind: crate::events::EventKind,
    pub at: DateTime<Utc>,
    pub visibility: Visibility,
    /// `null` for the platform itself (routing).
    pub actor: Option<ActorRef>,
    /// Staff only: how the notifications this event gave stand, per recipient
    /// and channel ("did the citizen get our message?").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications: Option<Vec<DeliveryView>>,
    /// What the event carries: a comment's `body`, an assignment's `assignee`, …
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub data: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommentRequest {
    #[serde(default)]
    #[schema(value_type = Option<Visibility>)]
    pub visibility: Option<String>,
    pub body: String,
}

impl CommentRequest {
    pub fn parse(&self) -> Result<(Visibility, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let v = match &self.visibility {
            None => Some(Visibility::External),
            Some(v) => e.check("visibility", Visibility::parse(v)),
        };
        let body = e.check("body", parse_text(&self.body, BODY_MAX));
        e.finish(v.zip(body))
    }
}

/// `GET /transactions` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransactionListQuery {
    pub status: Option<String>,
    pub entity_id: Option<String>,
    pub type_id: Option<String>,
    /// `me`: assigned to the caller.
    pub assignee: Option<String>,
    pub late: Option<bool>,
    /// Created at or after (RFC 3339).
    pub from: Option<String>,
    /// Created before (RFC 3339).
    pub to: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransactionFilter {
    pub status: Option<Status>,
    pub entity_id: Option<EntityId>,
    pub type_id: Option<TransactionTypeId>,
    pub assigned_to_me: bool,
    pub late: Option<bool>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub(crate) fn parse_time(s: &str) -> Result<DateTime<Utc>, ErrorCode> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc()))
        .map_err(|_| ErrorCode::InvalidField)
}

impl TransactionListQuery {
    pub fn parse(&self) -> Result<(TransactionFilter, crate::api::PageRequest), FieldErrors> {
        let mut e = FieldErrors::default();
        let status = super::optional(&mut e, "status", self.status.as_deref(), Status::parse);
        let entity_id = super::optional(&mut e, "entity_id", self.entity_id.as_deref(), |s| {
            s.parse::<EntityId>().map_err(|_| ErrorCode::InvalidField)
        });
        let type_id = super::optional(&mut e, "type_id", self.type_id.as_deref(), |s| {
            s.parse::<TransactionTypeId>().map_err(|_| ErrorCode::InvalidField)
        });
        let assigned_to_me = match self.assignee.as_deref() {
            None => Some(false),
            Some("me") => Some(true),
            Some(_) => e.check("assignee", Err(ErrorCode::InvalidChoice)),
        };
        let from = super::optional(&mut e, "from", self.from.as_deref(), parse_time);
        let to = super::optional(&mut e, "to", self.to.as_deref(), parse_time);
        let page = crate::api::PageQuery { limit: self.limit, cursor: self.cursor.clone() }.parse();
        let page = match page {
            Ok(p) => Some(p),
            Err(pe) => {
                e.0.extend(pe.0);
                None
            }
        };
        let all = (|| {
            Some((
                TransactionFilter {
                    status: status?,
                    entity_id: entity_id?,
                    type_id: type_id?,
                    assigned_to_me: assigned_to_me?,
                    late: self.late,
                    from: from?,
                    to: to?,
                },
                page?,
            ))
        })();
        e.finish(all)
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// `1448-000123`, or the number alone with `hijri_year`.
    pub reference: String,
    pub hijri_year: Option<i32>,
    /// The entity, when the caller has the same reference at several: without
    /// it such a lookup is refused with `transaction.reference_ambiguous`,
    /// which lists the entities to choose from.
    #[param(value_type = Option<String>, format = Uuid)]
    pub entity_id: Option<String>,
}

impl LookupQuery {
    pub fn parse(&self) -> Result<(crate::reference::Reference, Option<EntityId>), FieldErrors> {
        let mut e = FieldErrors::default();
        let reference = e.check("reference", crate::reference::Reference::parse(&self.reference, self.hijri_year));
        let entity = crate::api::optional(&mut e, "entity_id", self.entity_id.as_deref(), |s| {
            s.parse::<EntityId>().map_err(|_| ErrorCode::InvalidField)
        });
        let all = (|| Some((reference?, entity?)))();
        e.finish(all)
    }
}

/// One entity a looked-up reference exists at, in the details of
/// `transaction.reference_ambiguous`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReferenceMatch {
    pub entity_id: EntityId,
    pub name_ar: String,
    pub name_en: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_their_script_and_lose_their_path() {
        for (raw, clean) in [
            ("صورة الهوية الوطنية.pdf", "صورة الهوية الوطنية.pdf"),
            ("C:\\Users\\me\\عقد.docx", "عقد.docx"),
            ("../../etc/passwd", "passwd"),
            ("  .hidden  ", "hidden"),
            ("a\u{0}b\nc.txt", "abc.txt"),
            ("\u{202E}gnp.exe", "gnp.exe"),
            ("report\u{200B}\u{2066}.pdf", "report.pdf"),
            ("", "file"),
            ("/", "file"),
        ] {
            assert_eq!(clean_file_name(raw), clean, "{raw:?}");
        }
        assert_eq!(clean_file_name(&"ب".repeat(300)).chars().count(), 255);
    }
    use serde_json::json;

    fn specs() -> Vec<FieldSpec> {
        vec![
            FieldSpec {
                key: "date".into(),
                label_ar: "ت".into(),
                label_en: "d".into(),
                kind: FieldKind::Date,
                required: true,
                choices: None,
            },
            FieldSpec {
                key: "n".into(),
                label_ar: "ع".into(),
                label_en: "n".into(),
                kind: FieldKind::Number,
                required: false,
                choices: None,
            },
            FieldSpec {
                key: "period".into(),
                label_ar: "ف".into(),
                label_en: "p".into(),
                kind: FieldKind::Choice,
                required: true,
                choices: Some(vec!["صباحية".into(), "مسائية".into()]),
            },
        ]
    }

    fn map(v: serde_json::Value) -> BTreeMap<String, serde_json::Value> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn custom_fields_per_kind() {
        let ok = validate_fields(&specs(), &map(json!({"date": "2026-12-01", "period": " صباحية ", "n": 3}))).unwrap();
        assert_eq!(ok["period"], "صباحية");
        let errs = validate_fields(&specs(), &map(json!({"date": "tomorrow", "n": "3", "extra": 1}))).unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("fields.extra", ErrorCode::UnknownCustomField),
                ("fields.date", ErrorCode::InvalidField),
                ("fields.n", ErrorCode::InvalidField),
                ("fields.period", ErrorCode::MissingField),
            ]
        );
        assert!(validate_fields(&specs(), &map(json!({"date": "2026-12-01", "period": "ليلية"}))).is_err());
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssignRequest {
    #[schema(value_type = String, format = Uuid)]
    pub employee_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PostponeRequest {
    /// RFC 3339, in the future.
    pub until: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageRequest {
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CompleteRequest {
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReasonRequest {
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RateRequest {
    pub stars: i64,
    #[serde(default)]
    pub comment: Option<String>,
}

impl PostponeRequest {
    pub fn parse(&self, now: DateTime<Utc>) -> Result<(DateTime<Utc>, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let until = e.check(
            "until",
            parse_time(&self.until).and_then(|t| if t > now { Ok(t) } else { Err(ErrorCode::InvalidField) }),
        );
        let reason = e.check("reason", parse_text(&self.reason, 2000));
        e.finish(until.zip(reason))
    }
}

impl RateRequest {
    pub fn parse(&self) -> Result<(u8, Option<String>), FieldErrors> {
        let mut e = FieldErrors::default();
        let stars = e.check(
            "stars",
            u8::try_from(self.stars).ok().filter(|s| (1..=5).contains(s)).ok_or(ErrorCode::InvalidField),
        );
        let comment = super::optional(&mut e, "comment", self.comment.as_deref(), |c| parse_text(c, 2000));
        e.finish(stars.zip(comment))
    }
}

/// A required reason or message: the field is named in the error.
pub fn parse_reason(field: &str, raw: &str) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    let r = e.check(
        field,
        parse_text(raw, BODY_MAX)
            .map_err(|_| if raw.trim().is_empty() { ErrorCode::MissingField } else { ErrorCode::InvalidText }),
    );
    e.finish(r)
}

/// A file attached to a transaction. `content_type` is what the bytes are,
/// recognised by the server, never what the uploader claimed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: crate::ids::AttachmentId,
    pub name: String,
    pub size: u64,
    pub content_type: String,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
}

/// A voice note as stored: always Ogg Opus, whatever was sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VoiceView {
    pub id: crate::ids::VoiceId,
    pub duration_ms: u64,
    /// 64 peaks, 0–255, for the player.
    pub waveform: Vec<u8>,
    pub content_type: String,
}

/// A file name as given by an uploader, made safe to keep and to send back:
/// the last path component only, control and invisible format characters
/// (bidirectional overrides, zero-width) removed, at most 255
/// characters; Arabic and every other script kept as written.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        last.chars().filter(|c| !c.is_control() && !crate::identity::is_invisible_format(*c)).take(255).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() { "file".to_owned() } else { cleaned.to_owned() }
}
