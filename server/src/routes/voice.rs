//! Voice notes: the recording (Ogg Opus, WebM Opus or WAV) is validated by
//! decoding every packet, kept as Ogg Opus, encrypted like any document, and
//! played back to whoever may see its event.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use tawasul_core::ErrorCode;
use tawasul_core::api::VoiceView;
use tawasul_core::ids::{TransactionId, VoiceId};
use tawasul_core::lifecycle::may_write;
use tawasul_core::visibility::Visibility;
use tawasul_storage::attachments;
use tawasul_storage::audio::{self, AudioError, VoiceNote};

use super::attachments::{UploadQuery, discard, object_error, parse_visibility, serve};
use super::transactions::visible;
use crate::auth::Caller;
use crate::body::Query;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn audio_error(e: AudioError) -> ApiError {
    match e {
        AudioError::Unsupported(t) => {
            ApiError::new(ErrorCode::VoiceUnsupported).with_details(serde_json::json!({ "content_type": t }))
        }
        // The reader's reason may be a decoder's text: for the log, not the client.
        AudioError::Invalid(reason) => {
            tracing::info!(%reason, "voice note refused");
            ApiError::new(ErrorCode::VoiceInvalid)
        }
        AudioError::TooLong => ApiError::new(ErrorCode::VoiceTooLong)
            .with_details(serde_json::json!({ "limit_ms": audio::MAX_DURATION_MS })),
    }
}

/// Records a voice note on a transaction. The body is the audio, its
/// `Content-Type` one of `audio/ogg`, `audio/webm`, `audio/wav`.
#[utoipa::path(post, path = "/api/v1/transactions/{id}/voice", tag = "transactions",
    params(("id" = String, Path), UploadQuery), security(("bearer" = [])),
    request_body(content_type = "audio/ogg", description = "Ogg Opus, WebM Opus or PCM WAV"),
    responses((status = 201, body = VoiceView), (status = 413, description = "Larger than the limit"),
    (status = 415, description = "Not a supported format"), (status = 422, description = "Damaged, or longer than five minutes")))]
#[post("/transactions/{id}/voice")]
pub async fn record(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<TransactionId>,
    query: Query<UploadQuery>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let visibility = match &query.visibility {
        Some(v) => parse_visibility(v)?,
        None => Visibility::External,
    };
    let content_type =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body = body.map(|piece| piece.map_err(crate::body::payload_error));
    Ok(receive(&state, &caller, path.into_inner(), visibility, &content_type, body).await?.respond())
}

/// Takes a recording and keeps it as a voice note: the API's and the pages'
/// recorder are this one.
pub(crate) async fn receive(
    state: &AppState,
    caller: &Caller,
    id: TransactionId,
    visibility: Visibility,
    content_type: &str,
    mut body: impl futures_util::Stream<Item = ApiResult<Bytes>> + Unpin,
) -> ApiResult<crate::app::Answer> {
    let s = visible(state, caller, id).await?;
    may_write(caller.actor(), &s.facts, s.status, visibility, true)?;
    let limit = state.settings.voice_max_bytes;
    let mut buf = BytesMut::new();
    while let Some(piece) = body.next().await {
        let piece = piece?;
        if (buf.len() + piece.len()) as u64 > limit {
            return Err(object_error(tawasul_storage::objects::ObjectError::TooLarge(limit)));
        }
        buf.extend_from_slice(&piece);
    }
    // Decoding every packet (and encoding WAV) is CPU work: off the HTTP worker.
    let bytes = buf.freeze();
    let content_type = content_type.to_owned();
    let note: VoiceNote = web::block(move || audio::ingest(&bytes, &content_type))
        .await
        .map_err(ApiError::internal)?
        .map_err(audio_error)?;

    let key = format!("{}/{}", s.facts.entity_id, uuid::Uuid::now_v7());
    let ogg = Bytes::from(note.ogg);
    let input = futures_util::stream::iter([Ok::<_, std::io::Error>(ogg)]);
    let written = state.objects.put(&key, input, u64::MAX).await.map_err(object_error)?;
    let saved =
        state.app.record_voice(&caller.account, id, visibility, &written, note.duration_ms, note.waveform).await;
    match saved {
        Ok((answer, duplicate)) => {
            if let Some(key) = duplicate {
                discard(state, &key).await;
            }
            Ok(answer)
        }
        Err(e) => {
            discard(state, &written.key).await;
            Err(e)
        }
    }
}

/// The voice note as Ogg Opus, to whoever may see its event.
#[utoipa::path(get, path = "/api/v1/voice/{id}", tag = "transactions", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, description = "Ogg Opus", content_type = "audio/ogg"),
    (status = 404, description = "Not visible")))]
#[get("/voice/{id}")]
pub async fn play(state: web::Data<AppState>, caller: Caller, path: web::Path<VoiceId>) -> ApiResult<HttpResponse> {
    send_voice(&state, &caller, path.into_inner()).await
}

/// A voice note's audio to whoever may see it: the API's and the pages' player.
pub(crate) async fn send_voice(state: &AppState, caller: &Caller, id: VoiceId) -> ApiResult<HttpResponse> {
    let found = attachments::find_voice(state.db.read(), id).await?.ok_or(ApiError::new(ErrorCode::NotFound))?;
    let inline = ContentDisposition {
        disposition: DispositionType::Inline,
        parameters: vec![DispositionParam::Filename(format!("{}.ogg", found.view.id))],
    };
    serve(state, caller, found.transaction_id, found.visibility, &found.content, inline).await
}
