//! The stylesheet and the script, compiled into the binary: nothing is
//! fetched from anywhere else.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, get};

const STYLESHEET: &str = include_str!("../../assets/tawasul.css");
const SCRIPT: &str = include_str!("../../assets/tawasul.js");

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(content_type)))
        // An hour: a new release's assets reach browsers soon enough.
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")))
        .body(body)
}

#[get("/assets/tawasul.css")]
pub async fn stylesheet() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLESHEET)
}

#[get("/assets/tawasul.js")]
pub async fn script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// The sizes the page-weight figures count.
pub fn sizes() -> (usize, usize) {
    (STYLESHEET.len(), SCRIPT.len())
}
