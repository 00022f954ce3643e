//! Finding a transaction by its reference number and Hijri year, as a
//! beneficiary quotes it on the telephone or an employee reads it off a
//! letter: the same look-up as the API's (`App::look_up`).

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse, get};
use askama::Template;
use serde::Deserialize;
use tawasul_core::ErrorCode;
use tawasul_core::api::{LookupQuery, ReferenceMatch};

use super::layout::Layout;
use super::session::Visitor;
use super::{error_page, html, see_other, signed_in};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "lookup.html")]
struct Lookup {
    page: Layout,
    reference: String,
    year: String,
    errors: Vec<(String, &'static str)>,
    /// The same number at several entities: one link per entity.
    choices: Vec<(String, String)>,
}

impl Lookup {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }
}

#[derive(Deserialize, Default)]
pub struct LookupForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    hijri_year: String,
    entity_id: Option<String>,
}

#[get("/lookup")]
pub async fn lookup(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Query<LookupForm>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    let mut page = Lookup {
        page: layout.titled("ui-lookup-title"),
        reference: form.reference.clone(),
        year: form.hijri_year.clone(),
        errors: vec![],
        choices: vec![],
    };
    if form.reference.trim().is_empty() {
        return html(StatusCode::OK, &page);
    }
    let year = form.hijri_year.trim();
    let query = LookupQuery {
        reference: form.reference.trim().to_owned(),
        hijri_year: if year.is_empty() { None } else { year.parse().ok().or(Some(0)) },
        entity_id: form.entity_id.clone(),
    };
    let found = match query.parse() {
        Ok((r, entity)) => state.app.look_up(&v.caller.account, r, entity).await,
        Err(e) => Err(e.into()),
    };
    match found {
        Ok(s) => see_other(&format!("/transactions/{}", s.id())),
        Err(e) if e.code == ErrorCode::ReferenceAmbiguous => {
            let entities: Vec<ReferenceMatch> =
                e.details.as_ref().and_then(|d| serde_json::from_value(d["entities"].clone()).ok()).unwrap_or_default();
            page.choices = entities
                .into_iter()
                .map(|m| {
                    let href = format!(
                        "/lookup?{}",
                        serde_urlencoded::to_string([
                            ("reference", form.reference.as_str()),
                            ("hijri_year", form.hijri_year.as_str()),
                            ("entity_id", &m.entity_id.to_string()),
                        ])
                        .unwrap_or_default()
                    );
                    (href, page.page.name(&m.name_ar, &m.name_en).to_owned())
                })
                .collect();
            html(StatusCode::CONFLICT, &page)
        }
        Err(e) if !e.field_messages(page.page.lang).is_empty() => {
            page.errors = e.field_messages(page.page.lang);
            html(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        // Not one the person may see: said on the form, as a refused field.
        Err(e) if e.code == ErrorCode::NotFound => {
            page.errors = vec![("reference".to_owned(), e.message(page.page.lang))];
            html(StatusCode::NOT_FOUND, &page)
        }
        Err(e) => error_page(page.page, e),
    }
}
