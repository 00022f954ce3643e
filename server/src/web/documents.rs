//! Documents and voice notes from the pages: an attachment sent with the
//! transaction page's form (no JavaScript needed), a recording sent by the
//! page's recorder, and both given back to whoever may see them. Each is the
//! API's own function (`routes::attachments`, `routes::voice`) with the
//! page's session; the CSRF token comes in the query, so that it is checked
//! before a byte of the body is read.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use futures_util::StreamExt;
use serde::Deserialize;
use tawasul_core::ErrorCode;
use tawasul_core::ids::{AttachmentId, TransactionId, VoiceId};
use tawasul_core::visibility::{Visibility, sees_internal};

use super::layout::Layout;
use super::session::{self, Visitor};
use super::transactions::transaction_page;
use super::{error_page, or_error_page, see_other, signed_in, signed_in_form};
use crate::error::ApiError;
use crate::routes::attachments::{self, parse_visibility};
use crate::routes::voice;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct UploadQuery {
    #[serde(default)]
    csrf: String,
    visibility: Option<String>,
}

/// What the visitor may choose: staff choose (the form's field, external by
/// default as in the API), a beneficiary's documents are external.
fn chosen(v: &Visitor, raw: Option<&str>) -> Result<Visibility, ApiError> {
    match raw {
        Some(raw) if sees_internal(v.caller.actor()) => parse_visibility(raw),
        _ => Ok(Visibility::External),
    }
}

/// An attachment from the transaction page's form (`multipart/form-data`:
/// `visibility`, then `file`).
#[post("/transactions/{id}/attachments")]
pub async fn attach(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<TransactionId>,
    q: web::Query<UploadQuery>,
    form: Multipart,
) -> HttpResponse {
    let (v, layout) = signed_in_form!(req, state, visitor, &q.csrf);
    let id = path.into_inner();
    let done = match chosen(&v, q.visibility.as_deref()) {
        Ok(visibility) => attachments::receive(&state, &v.caller, id, visibility, form).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => see_other(&format!("/transactions/{id}#timeline")),
        Err(e) if !e.field_messages(layout.lang).is_empty() => {
            let errors = e.field_messages(layout.lang).into_iter().map(|(f, m)| (format!("attach-{f}"), m)).collect();
            or_error_page(transaction_page(&state, &v, layout, id, errors, String::new(), false).await)
        }
        Err(e) => error_page(layout, e),
    }
}

#[get("/attachments/{id}")]
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<AttachmentId>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let sent = attachments::send_attachment(&state, &v.caller, path.into_inner()).await;
    sent.unwrap_or_else(|e| error_page(Layout::of(&req, Some(&v)), e))
}

/// A recording from the page's recorder: the body is the audio. Answers as
/// the API does (JSON), for the script that sent it.
#[post("/transactions/{id}/voice")]
pub async fn record_voice(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<TransactionId>,
    q: web::Query<UploadQuery>,
    body: web::Payload,
) -> HttpResponse {
    let v = match visitor {
        Ok(v) => v,
        Err(e) => return e.error_response(),
    };
    if !session::csrf_holds(&state, v.caller.session, &q.csrf) {
        return ApiError::new(ErrorCode::CsrfInvalid).error_response();
    }
    let content_type =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let done = match chosen(&v, q.visibility.as_deref()) {
        Ok(visibility) => {
            let body = body.map(|piece| piece.map_err(crate::body::payload_error));
            voice::receive(&state, &v.caller, path.into_inner(), visibility, &content_type, body).await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(answer) => answer.respond(),
        Err(e) => e.error_response(),
    }
}

/// A recording chosen as a file (`multipart/form-data`: `visibility`, then
/// `audio`): the voice note without the script, or from a phone's own
/// recorder. Kept as the recorder's are.
#[post("/transactions/{id}/voice-file")]
pub async fn upload_voice(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<TransactionId>,
    q: web::Query<UploadQuery>,
    mut form: Multipart,
) -> HttpResponse {
    let (v, layout) = signed_in_form!(req, state, visitor, &q.csrf);
    let id = path.into_inner();
    let done = async {
        let mut visibility = None;
        while let Some(field) = form.next().await {
            let mut field = field.map_err(attachments::multipart_error)?;
            match field.name() {
                Some("visibility") => {
                    let mut value = Vec::new();
                    while let Some(piece) = field.next().await {
                        value.extend_from_slice(&piece.map_err(attachments::multipart_error)?);
                        if value.len() > 16 {
                            return Err(ApiError::field("visibility", ErrorCode::InvalidChoice));
                        }
                    }
                    visibility = Some(String::from_utf8_lossy(&value).into_owned());
                }
                Some("audio") => {
                    let content_type = field.content_type().map(|m| m.essence_str().to_owned()).unwrap_or_default();
                    // As asked, like the attachment form: one who may not
                    // write internally is refused, not quietly made external.
                    let visibility = match visibility.as_deref() {
                        Some(raw) => parse_visibility(raw)?,
                        None => Visibility::External,
                    };
                    let audio = field.map(|piece| piece.map_err(attachments::multipart_error));
                    return voice::receive(&state, &v.caller, id, visibility, &content_type, audio).await;
                }
                _ => {}
            }
        }
        Err(ApiError::field("audio", ErrorCode::MissingField))
    }
    .await;
    match done {
        Ok(_) => see_other(&format!("/transactions/{id}")),
        // Not theirs to do: refused as the whole page.
        Err(e) if matches!(e.status().as_u16(), 401 | 403 | 404) => error_page(layout, e),
        Err(e) => {
            // What was wrong with the file: said beside the file input.
            let errors = vec![("audio".to_owned(), e.message(layout.lang))];
            let page =
                super::transactions::transaction_page(&state, &v, layout, id, errors, String::new(), false).await;
            super::or_error_page(page)
        }
    }
}

#[get("/voice/{id}")]
pub async fn play(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<VoiceId>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let sent = voice::send_voice(&state, &v.caller, path.into_inner()).await;
    sent.unwrap_or_else(|e| error_page(Layout::of(&req, Some(&v)), e))
}
