//! Attachments: streamed, size-limited uploads encrypted as they arrive, and
//! streamed downloads to whoever may see the attachment's event.

use actix_multipart::{Field, Multipart};
use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue, HeaderValue,
};
use actix_web::{HttpResponse, get, post, web};
use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;
use tawasul_core::ErrorCode;
use tawasul_core::api::{AttachmentView, clean_file_name};
use tawasul_core::ids::{AttachmentId, TransactionId};
use tawasul_core::lifecycle::may_write;
use tawasul_core::visibility::{Visibility, can_see_event};
use tawasul_storage::attachments::{self, Content};
use tawasul_storage::objects::{ObjectError, Written, sniff};
use tawasul_storage::transactions as store;

use super::transactions::visible;
use crate::app::transactions::Enclosed;
use crate::auth::Caller;
use crate::body::Query;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// `external` (default) or `internal`; for an attachment it may also come as
    /// a form field before `file`.
    pub visibility: Option<String>,
}

/// The form of `POST /transactions/{id}/attachments`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AttachmentForm {
    /// `external` (default) or `internal`; before `file`, or as the query parameter.
    visibility: Option<String>,
    /// The document, any type.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// An upload that could not be kept: too large, broken off, or trickled too
/// slowly (the reason the store gives is for the log, not the client).
pub fn object_error(e: ObjectError) -> ApiError {
    match e {
        ObjectError::TooLarge(limit) => {
            ApiError::new(ErrorCode::PayloadTooLarge).with_details(serde_json::json!({ "limit_bytes": limit }))
        }
        ObjectError::Input(reason) if crate::body::slow::is_timeout_text(&reason) => {
            ApiError::new(ErrorCode::RequestTimeout)
        }
        ObjectError::Input(reason) => {
            tracing::info!(%reason, "upload broken off");
            ApiError::field("file", ErrorCode::Malformed)
        }
        other => ApiError::internal(other),
    }
}

/// A multipart error: the slow-body guard's timeout, or a broken form.
pub(crate) fn multipart_error(e: actix_multipart::MultipartError) -> ApiError {
    match e {
        actix_multipart::MultipartError::Payload(p) => crate::body::payload_error(p),
        _ => ApiError::new(ErrorCode::Malformed),
    }
}

pub(crate) fn parse_visibility(raw: &str) -> ApiResult<Visibility> {
    Visibility::parse(raw.trim()).map_err(|c| ApiError::field("visibility", c))
}

/// The uploader's file name: RFC 5987 `filename*` first, then `filename`.
pub(crate) fn file_name(field: &Field) -> String {
    let cd = field.content_disposition();
    let ext = cd.and_then(|cd| {
        cd.parameters.iter().find_map(|p| match p {
            DispositionParam::FilenameExt(v) => String::from_utf8(v.value.clone()).ok(),
            _ => None,
        })
    });
    clean_file_name(&ext.or_else(|| cd.and_then(|cd| cd.get_filename()).map(str::to_owned)).unwrap_or_default())
}

/// A browser sends the `file` part with an empty file name, and no bytes,
/// when the form was sent with no file chosen: that is a missing file.
pub(crate) fn no_file_chosen(field: &Field) -> bool {
    field.content_disposition().and_then(|cd| cd.get_filename()) == Some("")
}

/// A short text field (at most `max` bytes).
pub(crate) async fn small_field(field: &mut Field, max: usize) -> ApiResult<String> {
    let mut buf = Vec::new();
    while let Some(piece) = field.next().await {
        let piece = piece.map_err(multipart_error)?;
        if buf.len() + piece.len() > max {
            return Err(ApiError::field(field.name().unwrap_or("field"), ErrorCode::InvalidField));
        }
        buf.extend_from_slice(&piece);
    }
    String::from_utf8(buf).map_err(|_| ApiError::new(ErrorCode::Malformed))
}

/// Attaches a file (`multipart/form-data`, field `file`) to a transaction. The
/// bytes are encrypted and hashed as they arrive; past the size limit the
/// upload is refused with 413 and nothing is kept.
#[utoipa::path(post, path = "/api/v1/transactions/{id}/attachments", tag = "transactions",
    params(("id" = String, Path), UploadQuery), security(("bearer" = [])),
    request_body(content = AttachmentForm, content_type = "multipart/form-data", description = "`file`, and optionally `visibility`"),
    responses((status = 201, body = AttachmentView), (status = 404, description = "Not visible"),
    (status = 413, description = "Larger than the limit")))]
#[post("/transactions/{id}/attachments")]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TransactionId>,
    query: Query<UploadQuery>,
    form: Multipart,
) -> ApiResult<HttpResponse> {
    let visibility = match &query.visibility {
        Some(v) => parse_visibility(v)?,
        None => Visibility::External,
    };
    Ok(receive(&state, &caller, path.into_inner(), visibility, form).await?.respond())
}

/// Takes an uploaded form (`visibility`, then `file`) and records its file as
/// an attachment: the API's upload and the pages' are this one.
pub(crate) async fn receive(
    state: &AppState,
    caller: &Caller,
    id: TransactionId,
    mut visibility: Visibility,
    mut form: Multipart,
) -> ApiResult<crate::app::Answer> {
    // Visible and allowed before a byte is stored.
    let s = visible(state, caller, id).await?;
    may_write(caller.actor(), &s.facts, s.status, visibility, false)?;
    let mut written: Option<(String, Written)> = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(multipart_error)?;
        let outcome = match field.name() {
            Some("visibility") => match small_field(&mut field, 16).await.and_then(|v| parse_visibility(&v)) {
                Ok(v) => {
                    visibility = v;
                    Ok(())
                }
                Err(e) => Err(e),
            },
            Some("file") if written.is_none() && !no_file_chosen(&field) => {
                let name = file_name(&field);
                let key = format!("{}/{}", s.facts.entity_id, uuid::Uuid::now_v7());
                match state.objects.put(&key, &mut field, state.settings.attachment_max_bytes).await {
                    Ok(w) => {
                        written = Some((name, w));
                        Ok(())
                    }
                    Err(e) => Err(object_error(e)),
                }
            }
            // Anything else is read and ignored.
            _ => field.try_for_each(|_| async { Ok(()) }).await.map_err(|_| ApiError::new(ErrorCode::Malformed)),
        };
        if let Err(e) = outcome {
            if let Some((_, w)) = &written {
                discard(state, &w.key).await;
            }
            return Err(e);
        }
    }
    let Some((name, w)) = written else { return Err(ApiError::field("file", ErrorCode::MissingField)) };
    match record(state, caller, id, visibility, &name, &w).await {
        Ok(answer) => Ok(answer),
        Err(e) => {
            discard(state, &w.key).await;
            Err(e)
        }
    }
}

/// Records the stored content as an attachment (the use case re-checks
/// everything checked before the upload); a second copy of content the
/// entity already holds is deleted.
async fn record(
    state: &AppState,
    caller: &Caller,
    id: TransactionId,
    visibility: Visibility,
    name: &str,
    w: &Written,
) -> ApiResult<crate::app::Answer> {
    let document = Enclosed {
        id: AttachmentId::new(),
        name: name.to_owned(),
        written: w.clone(),
        content_type: sniff(&w.head).to_owned(),
    };
    let (answer, duplicate) = state.app.attach(&caller.account, id, visibility, document).await?;
    if let Some(key) = duplicate {
        discard(state, &key).await;
    }
    Ok(answer)
}

/// Deletes an object that no record points to (an upload refused after it was
/// stored, or a second copy of content the entity already holds).
pub(crate) async fn discard(state: &AppState, key: &str) {
    if let Err(e) = state.objects.delete(key).await {
        tracing::warn!(error = %e, key, "could not delete an unrecorded object");
    }
}

/// The attachment's bytes, streamed, to whoever may see its event; 404 to
/// everyone else (an internal attachment does not exist for a beneficiary).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "transactions", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, description = "The bytes"), (status = 404, description = "Not visible")))]
#[get("/attachments/{id}")]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<AttachmentId>,
) -> ApiResult<HttpResponse> {
    send_attachment(&state, &caller, path.into_inner()).await
}

/// An attachment's bytes to whoever may see it: the API's download and the pages'.
pub(crate) async fn send_attachment(state: &AppState, caller: &Caller, id: AttachmentId) -> ApiResult<HttpResponse> {
    let found = attachments::find(state.db.read(), id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    serve(state, caller, found.transaction_id, found.visibility, &found.content, disposition(&found.view.name)).await
}

/// Stored content of an event, streamed and decrypted, to whoever may see the
/// event (404 to everyone else), with the headers every download carries.
pub(crate) async fn serve(
    state: &AppState,
    caller: &Caller,
    transaction: TransactionId,
    visibility: Visibility,
    content: &Content,
    disposition: ContentDisposition,
) -> ApiResult<HttpResponse> {
    let s = store::find(state.db.read(), transaction).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    if !can_see_event(caller.actor(), &s.facts, visibility) {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    let body = state.objects.get(&content.object_key, &content.wrapped_key).await.map_err(object_error)?;
    let body = body.map_err(|e| {
        tracing::error!(error = %e, "stored content failed to decrypt while streaming");
        actix_web::error::ErrorInternalServerError("stored content unreadable")
    });
    Ok(HttpResponse::Ok()
        .content_type(content.content_type.as_str())
        .insert_header(disposition)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")))
        .insert_header((header::ETAG, format!("\"{}\"", content.sha256)))
        .no_chunking(content.size)
        .streaming(body))
}

/// Always `attachment` (never rendered on our origin), with the name in UTF-8
/// (RFC 5987 `filename*`) and an ASCII stand-in for old clients (RFC 6266).
fn disposition(name: &str) -> ContentDisposition {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let ascii = ascii.replace(['"', '\\'], "_");
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    }
}
