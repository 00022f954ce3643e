//! The web client: server-rendered pages (askama templates, checked when the
//! server is compiled) for every role, in Arabic (right to left) by default
//! and English. Every flow is a plain link or form and works without
//! JavaScript; one small module (`assets/tawasul.js`) adds the live parts.
//! Pages call the same use cases and reads as the API — never the API over
//! HTTP, and never a rule of their own.

pub mod account;
pub mod admin;
pub mod assets;
pub mod audit;
pub mod charts;
pub mod dashboard;
pub mod directory;
pub mod documents;
pub mod drafts;
pub mod feedback;
pub mod guest;
pub mod layout;
pub mod lookup;
pub mod me;
pub mod meetings;
pub mod my_calendar;
pub mod new_request;
pub mod overview;
pub mod password;
pub mod platform;
pub mod register;
pub mod search;
pub mod session;
pub mod sign_in;
pub mod transactions;

use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use tawasul_core::{ErrorCode, ErrorKind, Lang};

use crate::error::ApiError;
use layout::Layout;

/// What the pages allow the browser to load and run: only what this server
/// serves, no inline script or style, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

/// The headers every page carries.
pub fn hardening() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add(("Permissions-Policy", "microphone=(self), camera=(), geolocation=()"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
}

/// Unwraps the visitor or answers with the sign-in page.
macro_rules! signed_in {
    ($req:expr, $visitor:expr) => {
        match $visitor {
            Ok(v) => v,
            Err(e) => return $crate::web::error_page($crate::web::layout::Layout::of(&$req, None), e),
        }
    };
}
pub(crate) use signed_in;

/// Unwraps the visitor of a form and checks the form's CSRF token: the
/// visitor and the page's frame, or the sign-in page or the refusal.
macro_rules! signed_in_form {
    ($req:expr, $state:expr, $visitor:expr, $token:expr) => {{
        let v = $crate::web::signed_in!($req, $visitor);
        let layout = $crate::web::layout::Layout::of(&$req, Some(&v));
        if !$crate::web::session::csrf_holds(&$state, v.caller.session, $token) {
            let refused = $crate::error::ApiError::new(tawasul_core::ErrorCode::CsrfInvalid);
            return $crate::web::error_page(layout, refused);
        }
        (v, layout)
    }};
}
pub(crate) use signed_in_form;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(hardening())
            .service(assets::stylesheet)
            .service(assets::script)
            .service(home)
            .service(feedback::answer)
            .service(language)
            .service(sign_in::sign_in_form)
            .service(sign_in::submit)
            .service(sign_in::sign_out)
            .service(password::forgot_form)
            .service(password::forgot)
            .service(password::reset)
            .service(guest::show)
            .service(guest::step)
            .service(register::register_form)
            .service(register::submit)
            .service(session::token)
            .service(transactions::list)
            .service(drafts::list)
            .service(drafts::delete)
            .service(new_request::new_form)
            .service(new_request::create)
            .service(new_request::send)
            .service(transactions::print)
            .service(transactions::transaction)
            .service(transactions::comment)
            .service(transactions::step)
            .service(documents::attach)
            .service(documents::download)
            .service(documents::record_voice)
            .service(documents::upload_voice)
            .service(documents::play)
            .service(my_calendar::calendar)
            .service(my_calendar::add_reminder)
            .service(meetings::new_meeting)
            .service(meetings::schedule)
            .service(meetings::meeting)
            .service(meetings::register)
            .service(meetings::step)
            .service(lookup::lookup)
            .service(directory::directory)
            .service(search::search)
            .service(audit::audit)
            .service(overview::overview)
            .service(dashboard::transactions)
            .service(dashboard::dashboard)
            .service(dashboard::console)
            .service(admin::departments::departments)
            .service(admin::departments::add_department)
            .service(admin::employees::employees)
            .service(admin::employees::add_employee)
            .service(admin::employees::employee)
            .service(admin::employees::change_employee)
            .service(admin::types::list_types)
            .service(admin::types::add_type)
            .service(platform::platform)
            .service(platform::add_entity)
            .service(platform::add_regulator)
            .service(account::account)
            .service(account::send)
            .service(account::verify)
            .service(me::notices)
            .service(me::mark_all_read)
            .service(me::preferences)
            .service(me::save_preferences),
    );
}

/// The address `serve` prints: the list for a signed-in visitor, otherwise
/// the sign-in page.
#[get("/")]
async fn home(req: HttpRequest) -> HttpResponse {
    let to = if req.cookie(session::SESSION_COOKIE).is_some() { "/transactions" } else { "/sign-in" };
    see_other(to)
}

#[derive(serde::Deserialize)]
struct LanguageQuery {
    to: String,
    #[serde(default)]
    back: String,
}

/// The language switch: remembered in a cookie, and back to the same page.
#[get("/language")]
async fn language(q: web::Query<LanguageQuery>) -> HttpResponse {
    let lang = Lang::parse(&q.to).unwrap_or_default();
    let cookie = actix_web::cookie::Cookie::build(layout::LANG_COOKIE, lang.as_str())
        .path("/")
        .same_site(actix_web::cookie::SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    let mut res = see_other(local_path(&q.back));
    let _ = res.add_cookie(&cookie);
    res
}

/// `back` if it is a path on this site, else the home page: a link must not
/// send anyone elsewhere (an open redirect).
pub fn local_path(back: &str) -> &str {
    let local = back.starts_with('/') && !back.starts_with("//") && !back.contains('\\');
    if local { back } else { "/" }
}

/// A choice of a `<select>`: value, label, chosen.
pub type Choice = (String, String, bool);

/// The entities `reaches` lets a person choose among (the oversight pages:
/// search, audit, overview), `chosen` (the form's raw value) selected.
pub async fn entity_choices(
    state: &crate::state::AppState,
    layout: &layout::Layout,
    reaches: impl Fn(tawasul_core::ids::EntityId) -> bool,
    chosen: &str,
) -> crate::error::ApiResult<Vec<Choice>> {
    Ok(directory::entities(state)
        .await?
        .into_iter()
        .filter(|e| reaches(e.id))
        .map(|e| {
            let id = e.id.to_string();
            let on = id == chosen;
            (id, layout.name(&e.name_ar, &e.name_en).to_owned(), on)
        })
        .collect())
}

/// A form's field as a filter: none when left empty.
pub fn given(field: &str) -> Option<String> {
    Some(field.trim().to_owned()).filter(|s| !s.is_empty())
}

/// 303 See Other: after a form, the browser fetches the next page with GET.
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

/// A rendered page.
pub fn html(status: actix_web::http::StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")))
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// A page, or the error page in the frame it was to be shown in.
pub fn or_error_page(page: Result<HttpResponse, (Layout, ApiError)>) -> HttpResponse {
    page.unwrap_or_else(|(layout, e)| error_page(layout, e))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Layout,
    message: String,
}

/// What a page answers when its use case refuses: the sign-in page when the
/// session is gone, otherwise the error's own message in the page's language.
pub fn error_page(page: Layout, e: ApiError) -> HttpResponse {
    if e.code.kind() == ErrorKind::Unauthenticated || e.code == ErrorCode::AccountDisabled {
        let mut res = see_other("/sign-in");
        let _ = res.add_cookie(&session::ended_cookie());
        return res;
    }
    let status = e.status();
    let message = e.message(page.lang).to_owned();
    html(status, &ErrorPage { page: page.titled("ui-error-page"), message })
}
