//! A new request in steps: entity, type, the type's fields and the
//! request's details (subject, body, priority), a check-your-answers step,
//! then sending it with its documents. The request is the API's
//! (`CreateTransactionRequest`), checked by the same parse and the same check
//! of the type's fields, and opened by the same use case, with its documents
//! in the same database transaction (`App::open_with_documents`).
//!
//! Files travel only with the last step: the details and check steps are
//! plain forms (their answers carried as hidden inputs, or kept as a draft),
//! and the send form is `multipart/form-data` — each file field of the type
//! its own file input, and any other documents beside them. A file field's
//! value is the id of the attachment its file becomes.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;
use tawasul_core::ErrorCode;
use tawasul_core::api::{
    CreateTransactionRequest, EntitySummary, FieldKind, FieldSpec, TransactionTypeView, TransactionView,
    validate_fields,
};
use tawasul_core::catalogue::Arg;
use tawasul_core::ids::{AttachmentId, EntityId, TransactionTypeId};
use tawasul_core::policy::{Action, authorize};
use tawasul_storage::objects::sniff;

use super::layout::Layout;
use super::session::Visitor;
use super::{error_page, html, or_error_page, signed_in, signed_in_form};
use crate::app::transactions::Enclosed;
use crate::error::{ApiError, ApiResult};
use crate::routes::attachments::{discard, file_name, multipart_error, no_file_chosen, object_error, small_field};
use crate::state::AppState;

/// At most this many documents beside the type's file fields.
pub const DOCUMENTS_MAX: usize = 10;
/// At most this many text parts in a sent form (the answers carried).
const ANSWERS_MAX: usize = 64;
/// The longest text part: a body of `BODY_MAX` characters, four bytes each.
const ANSWER_MAX_BYTES: usize = tawasul_core::api::BODY_MAX * 4;

/// A field of the chosen type, as the form shows it.
pub struct FieldInput {
    pub name: String,
    pub label: String,
    pub kind: &'static str,
    pub required: bool,
    pub choices: Vec<String>,
    pub value: String,
    /// Why it was refused, shown beside it.
    pub error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "new_transaction.html")]
struct NewRequest {
    page: Layout,
    /// The draft this form resumes, kept with it when saved again or sent.
    draft: String,
    entities: Vec<EntitySummary>,
    entity: Option<EntityId>,
    types: Vec<TransactionTypeView>,
    chosen: Option<TransactionTypeView>,
    fields: Vec<FieldInput>,
    subject: String,
    body: String,
    priority: String,
    errors: Vec<(String, &'static str)>,
}

impl NewRequest {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }
}

/// The check-your-answers step: the request as it will be sent, with the
/// way back to change it.
#[derive(Template)]
#[template(path = "check_request.html")]
struct CheckRequest {
    page: Layout,
    entity: String,
    type_name: String,
    fields: Vec<(String, String)>,
    subject: String,
    body: String,
    priority: String,
    /// Every answer, carried as hidden inputs to the send and change forms.
    carried: Vec<(String, String)>,
    /// The send form's file inputs: the type's file fields, then `documents`.
    files: Vec<FileInput>,
    errors: Vec<(String, &'static str)>,
}

/// A file input of the send form.
pub struct FileInput {
    pub name: String,
    pub label: String,
    pub required: bool,
    /// Several files at once (`documents`); a file field takes one.
    pub multiple: bool,
    /// How many and how large (for `documents`).
    pub hint: Option<String>,
    pub error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "created.html")]
struct Created {
    page: Layout,
    t: TransactionView,
    /// The names of the documents sent with it.
    documents: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    entity: Option<EntityId>,
    #[serde(rename = "type")]
    type_id: Option<TransactionTypeId>,
    /// A draft to resume: its answers fill the form.
    draft: Option<uuid::Uuid>,
}

#[get("/transactions/new")]
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    q: web::Query<NewQuery>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    let Some(id) = q.draft else {
        return or_error_page(new_page(&state, &v, layout, q.entity, q.type_id, &BTreeMap::new(), vec![]).await);
    };
    let found = tawasul_storage::drafts::find(state.db.read(), v.caller.actor().user_id, id).await;
    let mut values = match found {
        Ok(Some(d)) => d.answers,
        Ok(None) => return error_page(layout, ApiError::new(tawasul_core::ErrorCode::NotFound)),
        Err(e) => return error_page(layout, e.into()),
    };
    values.insert("draft".into(), id.to_string());
    let entity = values.get("entity").and_then(|e| e.parse().ok());
    let type_id = values.get("type").and_then(|t| t.parse().ok());
    or_error_page(new_page(&state, &v, layout, entity, type_id, &values, vec![]).await)
}

async fn new_page(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    entity: Option<EntityId>,
    type_id: Option<TransactionTypeId>,
    values: &BTreeMap<String, String>,
    errors: Vec<(String, &'static str)>,
) -> Result<HttpResponse, (Layout, ApiError)> {
    let loaded = async {
        authorize(v.caller.actor(), Action::CreateTransaction)?;
        let entities = super::directory::entities(state).await?;
        let types = match entity {
            Some(e) => super::directory::types_of(state, e).await?,
            None => vec![],
        };
        ApiResult::Ok((entities, types))
    }
    .await;
    let (entities, types) = match loaded {
        Ok(l) => l,
        Err(e) => return Err((layout, e)),
    };
    let chosen = type_id.and_then(|t| types.iter().find(|ty| ty.id == t).cloned());
    let fields = chosen
        .iter()
        .flat_map(|t| &t.fields)
        .filter(|f| f.kind != FieldKind::File)
        .map(|f| {
            let mut input = field_input(&layout, f, values);
            input.error = errors.iter().find(|(name, _)| *name == input.name).map(|(_, m)| *m);
            input
        })
        .collect();
    let value = |k: &str| values.get(k).cloned().unwrap_or_default();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = NewRequest {
        draft: value("draft"),
        subject: value("subject"),
        body: value("body"),
        priority: values.get("priority").cloned().unwrap_or_else(|| "normal".into()),
        page: layout.titled("ui-new-title"),
        entities,
        entity,
        types,
        chosen,
        fields,
        errors,
    };
    Ok(html(status, &page))
}

fn field_input(page: &Layout, f: &FieldSpec, values: &BTreeMap<String, String>) -> FieldInput {
    let name = format!("fields.{}", f.key);
    FieldInput {
        value: values.get(&name).cloned().unwrap_or_default(),
        name,
        label: page.name(&f.label_ar, &f.label_en).to_owned(),
        kind: match f.kind {
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::Choice => "choice",
            // Not on the details form: a file is chosen on the send form.
            FieldKind::Text | FieldKind::File => "text",
        },
        required: f.required,
        choices: f.choices.clone().unwrap_or_default(),
        error: None,
    }
}

/// The request the answers make, and every refusal of it at once: the
/// request's own fields and the type's. With `files` false the type's file
/// fields are left for the send form, and a value posted for one is refused
/// as unknown (a file field names an attachment sent with the request, never
/// a typed value).
fn checked(
    layout: &Layout,
    ty: Option<&TransactionTypeView>,
    values: &BTreeMap<String, String>,
    files: bool,
) -> (CreateTransactionRequest, Vec<(String, &'static str)>) {
    let value = |k: &str| values.get(k).cloned().unwrap_or_default();
    let spec: Vec<FieldSpec> =
        ty.iter().flat_map(|t| &t.fields).filter(|f| files || f.kind != FieldKind::File).cloned().collect();
    let fields = custom_fields(&spec, values);
    let request = CreateTransactionRequest {
        entity_id: value("entity"),
        type_id: value("type"),
        subject: value("subject"),
        body: value("body"),
        priority: Some(value("priority")).filter(|p| !p.is_empty()),
        fields: Some(fields.clone()),
    };
    let mut errors = match request.parse() {
        Ok(_) => vec![],
        Err(e) => ApiError::from(e).field_messages(layout.lang),
    };
    if let Err(e) = validate_fields(&spec, &fields) {
        errors.extend(ApiError::from(e).field_messages(layout.lang));
    }
    (request, errors)
}

/// The type the answers name, among its entity's.
async fn chosen_type(state: &AppState, values: &BTreeMap<String, String>) -> ApiResult<Option<TransactionTypeView>> {
    let (Some(entity), Some(type_id)) = (
        values.get("entity").and_then(|e| e.parse::<EntityId>().ok()),
        values.get("type").and_then(|t| t.parse::<TransactionTypeId>().ok()),
    ) else {
        return Ok(None);
    };
    Ok(super::directory::types_of(state, entity).await?.into_iter().find(|t| t.id == type_id))
}

/// The details form: on to the check-your-answers step once every answer
/// holds, back to the form with each refusal beside its field, or back from
/// the check step to change them (`change`), or kept as a draft
/// (`save_draft`).
#[post("/transactions/new")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<BTreeMap<String, String>>,
) -> HttpResponse {
    let values = form.into_inner();
    let value = |k: &str| values.get(k).cloned().unwrap_or_default();
    let (v, layout) = signed_in_form!(req, state, visitor, &value("csrf"));
    let entity = value("entity").parse().ok();
    let type_id = value("type").parse().ok();
    if value("change") == "1" {
        return or_error_page(new_page(&state, &v, layout, entity, type_id, &values, vec![]).await);
    }
    if value("save_draft") == "1" {
        return super::drafts::keep(&state, &v, layout, &values).await;
    }
    let ty = match chosen_type(&state, &values).await {
        Ok(ty) => ty,
        Err(e) => return error_page(layout, e),
    };
    let (_, errors) = checked(&layout, ty.as_ref(), &values, false);
    if !errors.is_empty() {
        return or_error_page(new_page(&state, &v, layout, entity, type_id, &values, errors).await);
    }
    check_page(&state, layout, ty.as_ref(), &values, vec![]).await
}

/// Whether `input` is the send form's input of one of the type's file
/// fields (`fields.<key>`).
fn is_file_field(ty: &TransactionTypeView, input: &str) -> bool {
    input.strip_prefix("fields.").is_some_and(|k| ty.fields.iter().any(|f| f.key == k && f.kind == FieldKind::File))
}

/// What a send form brought: its answers and the files it stored, each
/// under the name of its input (`fields.<key>` or `documents`).
#[derive(Default)]
struct Sent {
    values: BTreeMap<String, String>,
    ty: Option<TransactionTypeView>,
    files: Vec<(String, Enclosed)>,
    /// The input being read when the form was refused, to name it.
    reading: Option<String>,
}

impl Sent {
    /// Deletes every file stored: the request was not opened.
    async fn discard(&self, state: &AppState) {
        for (_, d) in &self.files {
            discard(state, &d.written.key).await;
        }
    }

    /// Reads the form as it streams: the answers (hidden inputs, before the
    /// files in the page's order), then each chosen file, stored encrypted
    /// under the request's entity with the attachments' size limit.
    async fn read(&mut self, state: &AppState, mut form: Multipart) -> ApiResult<()> {
        let mut answers = 0;
        while let Some(field) = form.next().await {
            let mut field = field.map_err(multipart_error)?;
            let name = field.name().unwrap_or_default().to_owned();
            if field.content_disposition().and_then(|cd| cd.get_filename()).is_none() {
                answers += 1;
                if answers > ANSWERS_MAX {
                    return Err(ApiError::new(ErrorCode::TooManyItems));
                }
                let value = small_field(&mut field, ANSWER_MAX_BYTES).await?;
                self.values.insert(name, value);
                continue;
            }
            if self.ty.is_none() {
                self.ty = chosen_type(state, &self.values).await?;
            }
            let Some(ty) = &self.ty else { return Err(ApiError::field("type_id", ErrorCode::UnknownTransactionType)) };
            let file_field = is_file_field(ty, &name);
            if no_file_chosen(&field) || !(file_field || name == "documents") {
                field.try_for_each(|_| async { Ok(()) }).await.map_err(multipart_error)?;
                continue;
            }
            self.reading = Some(name.clone());
            let taken = self.files.iter().filter(|(n, _)| *n == name).count();
            if (file_field && taken == 1) || taken == DOCUMENTS_MAX {
                return Err(ApiError::field(&name, ErrorCode::TooManyItems));
            }
            let key = format!("{}/{}", ty.entity_id, uuid::Uuid::now_v7());
            let written =
                state.objects.put(&key, &mut field, state.settings.attachment_max_bytes).await.map_err(object_error)?;
            let content_type = sniff(&written.head).to_owned();
            let d = Enclosed { id: AttachmentId::new(), name: file_name(&field), written, content_type };
            self.files.push((name, d));
            self.reading = None;
        }
        if self.ty.is_none() {
            self.ty = chosen_type(state, &self.values).await?;
        }
        Ok(())
    }

    /// The answers with each file field naming its file's attachment.
    fn answers(&self) -> BTreeMap<String, String> {
        let mut values = self.values.clone();
        values.retain(|k, _| !self.ty.as_ref().is_some_and(|t| is_file_field(t, k)));
        for (name, d) in &self.files {
            if name != "documents" {
                values.insert(name.clone(), d.id.to_string());
            }
        }
        values
    }
}

#[derive(Deserialize)]
pub struct SendQuery {
    #[serde(default)]
    csrf: String,
}

/// The send form of the check step (`multipart/form-data`; the CSRF token
/// in the query, checked before a byte of the body is read): the request
/// opened with its documents, all or nothing, and the confirmation with its
/// reference number. Refused, every stored file is deleted, and the form
/// comes back with the refusal beside its input.
#[post("/transactions/new/send")]
pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    q: web::Query<SendQuery>,
    form: Multipart,
) -> HttpResponse {
    let (v, layout) = signed_in_form!(req, state, visitor, &q.csrf);
    if let Err(e) = authorize(v.caller.actor(), Action::CreateTransaction) {
        return error_page(layout, e.into());
    }
    let mut sent = Sent::default();
    if let Err(e) = sent.read(&state, form).await {
        sent.discard(&state).await;
        return match sent.reading.take() {
            Some(input) if !matches!(e.status().as_u16(), 401 | 403 | 404) => {
                let errors = vec![(input, e.message(layout.lang))];
                check_page(&state, layout, sent.ty.as_ref(), &sent.values, errors).await
            }
            _ => error_page(layout, e),
        };
    }
    let values = sent.answers();
    let (request, errors) = checked(&layout, sent.ty.as_ref(), &values, true);
    if !errors.is_empty() {
        sent.discard(&state).await;
        return refused(&state, &v, layout, &sent, errors).await;
    }
    let documents: Vec<Enclosed> = sent.files.iter().map(|(_, d)| d.clone()).collect();
    let names = documents.iter().map(|d| d.name.clone()).collect();
    let opened = async {
        let t = request.parse()?;
        let (_, answer, duplicates) = state.app.open_with_documents(&v.caller.account, &t, documents).await?;
        for key in duplicates {
            discard(&state, &key).await;
        }
        // Sent: its draft, if it was one, is done with.
        if let Some(draft) = values.get("draft").and_then(|d| d.parse().ok()) {
            tawasul_storage::drafts::remove(state.db.write(), v.caller.actor().user_id, draft).await?;
        }
        Ok::<_, ApiError>(answer)
    }
    .await;
    match opened {
        Ok(answer) => match serde_json::from_value::<TransactionView>(answer.body) {
            Ok(t) => {
                html(StatusCode::CREATED, &Created { page: layout.titled("ui-created-title"), t, documents: names })
            }
            Err(e) => error_page(layout, ApiError::internal(e)),
        },
        Err(e) => {
            sent.discard(&state).await;
            match e.field_messages(layout.lang) {
                errors if !errors.is_empty() => refused(&state, &v, layout, &sent, errors).await,
                _ => error_page(layout, e),
            }
        }
    }
}

/// A refused send: the send form again when only its files were wrong, the
/// details form when an answer was (its files are chosen again after).
async fn refused(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    sent: &Sent,
    errors: Vec<(String, &'static str)>,
) -> HttpResponse {
    let on_files = |f: &str| f == "documents" || sent.ty.as_ref().is_some_and(|t| is_file_field(t, f));
    if errors.iter().all(|(f, _)| on_files(f)) {
        return check_page(state, layout, sent.ty.as_ref(), &sent.values, errors).await;
    }
    let entity = sent.values.get("entity").and_then(|e| e.parse().ok());
    let type_id = sent.values.get("type").and_then(|t| t.parse().ok());
    or_error_page(new_page(state, v, layout, entity, type_id, &sent.values, errors).await)
}

/// The send form's file inputs: one per file field of the type, then the
/// other documents.
fn check_files(
    layout: &Layout,
    ty: Option<&TransactionTypeView>,
    limit: u64,
    errors: &[(String, &'static str)],
) -> Vec<FileInput> {
    let error = |name: &str| errors.iter().find(|(f, _)| f == name).map(|(_, m)| *m);
    let mut files: Vec<FileInput> = ty
        .iter()
        .flat_map(|t| &t.fields)
        .filter(|f| f.kind == FieldKind::File)
        .map(|f| {
            let name = format!("fields.{}", f.key);
            FileInput {
                label: layout.name(&f.label_ar, &f.label_en).to_owned(),
                required: f.required,
                multiple: false,
                hint: None,
                error: error(&name),
                name,
            }
        })
        .collect();
    // "Other documents" beside the type's own, plain "Documents" alone.
    let label = if files.is_empty() { "ui-check-documents-any" } else { "ui-check-documents" };
    files.push(FileInput {
        name: "documents".into(),
        label: layout.t(label).to_owned(),
        required: false,
        multiple: true,
        hint: Some(layout.t_with(
            "ui-check-documents-hint",
            &[("count", Arg::Number(DOCUMENTS_MAX as i64)), ("size", Arg::Text(&layout.size(limit)))],
        )),
        error: error("documents"),
    });
    files
}

/// The answers, as the beneficiary will send them, and the send form.
async fn check_page(
    state: &AppState,
    layout: Layout,
    ty: Option<&TransactionTypeView>,
    values: &BTreeMap<String, String>,
    errors: Vec<(String, &'static str)>,
) -> HttpResponse {
    let Some(ty) = ty else {
        return error_page(layout, ApiError::field("type_id", ErrorCode::UnknownTransactionType));
    };
    let entity = match tawasul_storage::organisation::entity(state.db.read(), ty.entity_id).await {
        Ok(e) => e.map(|e| layout.name(&e.name_ar, &e.name_en).to_owned()).unwrap_or_default(),
        Err(e) => return error_page(layout, e.into()),
    };
    let value = |k: &str| values.get(k).cloned().unwrap_or_default();
    let fields = ty
        .fields
        .iter()
        .filter(|f| f.kind != FieldKind::File)
        .filter_map(|f| {
            let v = value(&format!("fields.{}", f.key));
            (!v.trim().is_empty()).then(|| (layout.name(&f.label_ar, &f.label_en).to_owned(), v))
        })
        .collect();
    let carried = values
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "csrf" | "change" | "save_draft"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let priority = Some(value("priority")).filter(|p| !p.is_empty()).unwrap_or_else(|| "normal".into());
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = CheckRequest {
        type_name: layout.name(&ty.name_ar, &ty.name_en).to_owned(),
        priority: layout.label("priority", &priority).to_owned(),
        subject: value("subject"),
        body: value("body"),
        files: check_files(&layout, Some(ty), state.settings.attachment_max_bytes, &errors),
        page: layout.titled("ui-check-title"),
        entity,
        fields,
        carried,
        errors,
    };
    html(status, &page)
}

/// The form's `fields.<key>` values as the API takes them: numbers as JSON
/// numbers when they read as one (the type's check refuses the rest).
fn custom_fields(specs: &[FieldSpec], values: &BTreeMap<String, String>) -> BTreeMap<String, serde_json::Value> {
    values
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("fields.")?.to_owned(), v)))
        .map(|(key, v)| {
            let number = specs.iter().any(|s| s.key == key && s.kind == FieldKind::Number);
            let value = match v.trim().parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                Some(n) if number => serde_json::Value::Number(n),
                _ => serde_json::Value::String(v.clone()),
            };
            (key, value)
        })
        .collect()
}
