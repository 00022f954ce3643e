//! The language of the request being served (from `Accept-Language`, Arabic by
//! default), kept in a task-local so that error responses can be rendered in it
//! wherever they are built.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use tawasul_core::Lang;

tokio::task_local! {
    static REQUEST_LANG: Lang;
}

pub fn current_lang() -> Lang {
    REQUEST_LANG.try_with(|l| *l).unwrap_or_default()
}

pub fn lang_of(headers: &header::HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

pub async fn set_request_lang(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let lang = lang_of(req.headers());
    let mut res = REQUEST_LANG.scope(lang, next.call(req)).await?;
    res.headers_mut().insert(header::CONTENT_LANGUAGE, header::HeaderValue::from_static(lang.as_str()));
    Ok(res)
}
