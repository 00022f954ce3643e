//! A beneficiary's unfinished requests, kept on the server (`drafts`): saved
//! from the details form as typed, listed, resumed into the form, thrown
//! away; sending one removes it.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;
use tawasul_core::policy::{Action, authorize};
use tawasul_storage::drafts::{self, Draft};

use super::layout::Layout;
use super::session::Visitor;
use super::{error_page, html, see_other, signed_in, signed_in_form};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// What a draft never keeps: the form's token and its buttons.
const NOT_ANSWERS: [&str; 5] = ["csrf", "confirm", "change", "save_draft", "draft"];

/// Saves the details form's answers as a draft (the one it resumes, or a
/// new one) and shows the drafts.
pub async fn keep(state: &AppState, v: &Visitor, layout: Layout, values: &BTreeMap<String, String>) -> HttpResponse {
    if let Err(e) = authorize(v.caller.actor(), Action::CreateTransaction) {
        return error_page(layout, e.into());
    }
    let id = values.get("draft").and_then(|d| d.parse().ok()).unwrap_or_else(uuid::Uuid::now_v7);
    let answers: BTreeMap<String, String> = values
        .iter()
        .filter(|(k, _)| !NOT_ANSWERS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    match drafts::save(state.db.write(), v.caller.actor().user_id, id, &answers, Utc::now()).await {
        Ok(()) => see_other("/transactions/drafts?saved=1"),
        Err(e) => error_page(layout, e.into()),
    }
}

/// A draft as the list shows it.
struct Listed {
    draft: Draft,
    subject: String,
    type_name: String,
}

#[derive(Template)]
#[template(path = "drafts.html")]
struct Drafts {
    page: Layout,
    listed: Vec<Listed>,
    saved: bool,
}

#[derive(Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

#[get("/transactions/drafts")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    q: web::Query<Saved>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    let loaded = async {
        authorize(v.caller.actor(), Action::CreateTransaction)?;
        let mine = drafts::list(state.db.read(), v.caller.actor().user_id).await?;
        let mut listed = vec![];
        for draft in mine {
            let entity = draft.answers.get("entity").and_then(|e| e.parse().ok());
            let type_id =
                draft.answers.get("type").and_then(|t| t.parse::<tawasul_core::ids::TransactionTypeId>().ok());
            let types = match entity {
                Some(e) => super::directory::types_of(&state, e).await?,
                None => vec![],
            };
            let type_name = types
                .iter()
                .find(|t| Some(t.id) == type_id)
                .map(|t| layout.name(&t.name_ar, &t.name_en).to_owned())
                .unwrap_or_default();
            let subject = draft.answers.get("subject").cloned().unwrap_or_default();
            listed.push(Listed { draft, subject, type_name });
        }
        ApiResult::Ok(listed)
    }
    .await;
    match loaded {
        Ok(listed) => {
            let page = Drafts { page: layout.titled("ui-drafts-title"), listed, saved: q.saved.is_some() };
            html(StatusCode::OK, &page)
        }
        Err(e) => error_page(layout, e),
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
}

#[post("/transactions/drafts/{id}/delete")]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<uuid::Uuid>,
    form: web::Form<DeleteForm>,
) -> HttpResponse {
    let (v, layout) = signed_in_form!(req, state, visitor, &form.csrf);
    match drafts::remove(state.db.write(), v.caller.actor().user_id, path.into_inner()).await {
        Ok(()) => see_other("/transactions/drafts"),
        Err(e) => error_page(layout, e.into()),
    }
}
