//! The person's account page: their contact details, and proving each is
//! theirs with a one-time code (the API's `send_code` and `verify_code`,
//! with the same limits and audit); and their own record over the past year
//! (the API's `/me/stats`), for those who open or hold transactions.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use tawasul_core::api::{OtpSendRequest, OtpVerifyRequest, StatsQuery};
use tawasul_core::policy::own_stats;

use super::dashboard::{Headline, headlines, hours};
use super::layout::Layout;
use super::session::Visitor;
use super::{error_page, html, see_other, signed_in, signed_in_form};
use crate::error::ApiError;
use crate::routes::auth::{send_code, verify_code};
use crate::routes::stats::own_figures;
use crate::state::AppState;

/// One contact detail: (channel, the address, verified).
pub struct Contact {
    pub channel: &'static str,
    pub address: String,
    pub verified: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Layout,
    contacts: Vec<Contact>,
    /// The channel a code was just sent to, or just verified.
    sent: Option<String>,
    verified: Option<String>,
    errors: Vec<(String, &'static str)>,
    /// Their own record: the headline figures, and the time present.
    record: Option<(Vec<Headline>, String)>,
}

impl AccountPage {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }
}

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    sent: Option<String>,
    verified: Option<String>,
}

async fn account_page(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    q: AccountQuery,
    errors: Vec<(String, &'static str)>,
) -> HttpResponse {
    let view = &v.caller.account.view;
    let mut contacts = vec![];
    if let Some(e) = &view.email {
        contacts.push(Contact { channel: "email", address: e.clone(), verified: view.email_verified });
    }
    if let Some(m) = &view.mobile {
        contacts.push(Contact { channel: "sms", address: m.clone(), verified: view.mobile_verified });
    }
    // Regulators and the platform admin open and hold none: no record shown.
    let record = if own_stats(v.caller.actor()).is_ok() {
        match own_figures(state, &v.caller, &StatsQuery::default()).await {
            Ok(own) => {
                let mut shown = headlines(&layout, &own.figures, |_| None);
                shown.retain(|h| h.key != "score");
                Some((shown, hours(&layout, own.active_seconds as f64)))
            }
            Err(e) => return error_page(layout, e),
        }
    } else {
        None
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = AccountPage {
        page: layout.titled("ui-account-title"),
        contacts,
        sent: q.sent,
        verified: q.verified,
        errors,
        record,
    };
    html(status, &page)
}

#[get("/account")]
pub async fn account(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    q: web::Query<AccountQuery>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    account_page(&state, &v, layout, q.into_inner(), vec![]).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
}

/// Sends a code to the chosen channel.
#[post("/account/code")]
pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<CodeForm>,
) -> HttpResponse {
    let (v, layout) = signed_in_form!(req, state, visitor, &form.csrf);
    let sent = match (OtpSendRequest { channel: form.channel.clone() }).parse() {
        Ok(channel) => send_code(&state, &v.caller, channel).await.map(|_| channel),
        Err(e) => Err(e.into()),
    };
    match sent {
        Ok(channel) => see_other(&format!("/account?sent={}#code-{}", channel.as_str(), channel.as_str())),
        Err(e) => error_page(layout, e),
    }
}

/// Checks the code typed for a channel.
#[post("/account/verify")]
pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<CodeForm>,
) -> HttpResponse {
    let (v, layout) = signed_in_form!(req, state, visitor, &form.csrf);
    let request = OtpVerifyRequest { channel: form.channel.clone(), code: form.code.trim().to_owned() };
    let checked = match request.parse() {
        Ok((channel, code)) => verify_code(&state, &v.caller, channel, &code).await.map(|_| channel),
        Err(e) => Err(e.into()),
    };
    match checked {
        Ok(channel) => see_other(&format!("/account?verified={}", channel.as_str())),
        // The field is the channel's own code box.
        Err(e) if !e.field_messages(layout.lang).is_empty() => {
            let errors = e
                .field_messages(layout.lang)
                .into_iter()
                .map(|(f, m)| (if f == "code" { format!("code-{}", form.channel) } else { f }, m))
                .collect();
            account_page(&state, &v, layout, AccountQuery { sent: Some(form.channel.clone()), verified: None }, errors)
                .await
        }
        Err(e) => error_page(layout, e),
    }
}
