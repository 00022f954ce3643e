//! The platform admin's pages: the entities (registering one with its first
//! admin, and a way into each one's administration), the regulators, and
//! the "Was this page useful?" counts. The same use cases as the API
//! (`App::create_entity`, `App::create_regulator`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use tawasul_core::api::{
    AllMarker, CreateEntityRequest, CreateRegulatorRequest, EntityIds, EntitySummary, NewEntityAdminRequest,
};
use tawasul_core::feedback::PageFeedbackCount;
use tawasul_core::org::EntityKind;
use tawasul_core::policy::{Action, authorize};
use tawasul_storage::page_feedback;

use super::admin::{Posted, field_errors};
use super::directory::entities;
use super::layout::Layout;
use super::session::Visitor;
use super::{error_page, html, see_other, signed_in, signed_in_form};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "platform.html")]
struct Platform {
    page: Layout,
    /// Which of the three parts: `entities`, `regulators` or `feedback`.
    part: &'static str,
    entities: Vec<EntitySummary>,
    kinds: Vec<&'static str>,
    feedback: Vec<PageFeedbackCount>,
    /// The regulators: name, e-mail, mobile, and their remit named.
    regulators: Vec<(String, String, String, String)>,
    posted: Posted,
    errors: Vec<(String, &'static str)>,
    /// After a creation: what was created, named.
    created: Option<String>,
}

impl Platform {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }
}

#[derive(serde::Deserialize)]
pub struct Created {
    created: Option<String>,
}

async fn render(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    part: &'static str,
    posted: Posted,
    errors: Vec<(String, &'static str)>,
    created: Option<String>,
) -> HttpResponse {
    let loaded = async {
        // The page of the platform admin: the actions it offers are theirs alone.
        authorize(v.caller.actor(), Action::CreateEntity)?;
        let feedback = if part == "feedback" { page_feedback::counts(state.db.read()).await? } else { vec![] };
        let regulators = if part == "regulators" {
            crate::routes::regulators::regulators(state, &v.caller).await?.items
        } else {
            vec![]
        };
        ApiResult::Ok((entities(state).await?, feedback, regulators))
    }
    .await;
    let (entities, feedback, regulators) = match loaded {
        Ok(l) => l,
        Err(e) => return error_page(layout, e),
    };
    let title = match part {
        "regulators" => "ui-platform-regulators",
        "feedback" => "ui-platform-feedback",
        _ => "ui-platform-entities",
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let kinds = EntityKind::ALL.iter().map(|k| k.as_str()).collect();
    let name_of = |id: &tawasul_core::ids::EntityId| {
        entities
            .iter()
            .find(|e| e.id == *id)
            .map_or_else(|| id.to_string(), |e| layout.name(&e.name_ar, &e.name_en).to_owned())
    };
    let regulators = regulators
        .into_iter()
        .map(|r| {
            let remit = match &r.entity_ids {
                EntityIds::All(_) => layout.t("ui-platform-remit-all").to_owned(),
                EntityIds::List(ids) => {
                    let comma = if layout.lang == tawasul_core::Lang::Ar { "، " } else { ", " };
                    ids.iter().map(name_of).collect::<Vec<_>>().join(comma)
                }
            };
            (layout.name(&r.name_ar, &r.name_en).to_owned(), r.email, r.mobile, remit)
        })
        .collect();
    let page =
        Platform { page: layout.titled(title), part, entities, kinds, feedback, regulators, posted, errors, created };
    html(status, &page)
}

#[get("/platform/{part}")]
pub async fn platform(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    path: web::Path<String>,
    q: web::Query<Created>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    let part = match path.as_str() {
        "entities" => "entities",
        "regulators" => "regulators",
        "feedback" => "feedback",
        _ => return error_page(layout, ApiError::new(tawasul_core::ErrorCode::NotFound)),
    };
    let fresh = Posted(vec![("kind".into(), "government".into()), ("remit".into(), "list".into())]);
    render(&state, &v, layout, part, fresh, vec![], q.created.clone()).await
}

#[post("/platform/entities")]
pub async fn add_entity(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let posted = Posted(form.into_inner());
    let (v, layout) = signed_in_form!(req, state, visitor, &posted.one("csrf"));
    // No password: the first admin's is generated and e-mailed.
    let request = CreateEntityRequest {
        name_ar: posted.one("name_ar"),
        name_en: posted.one("name_en"),
        kind: posted.one("kind"),
        unified_number: posted.one("unified_number"),
        admin: NewEntityAdminRequest {
            name_ar: posted.one("admin.name_ar"),
            name_en: posted.one("admin.name_en"),
            email: posted.one("admin.email"),
            mobile: posted.one("admin.mobile"),
            national_id: posted.one("admin.national_id"),
            initial_password: None,
        },
    };
    let added = async {
        authorize(v.caller.actor(), Action::CreateEntity)?;
        let e = request.parse()?;
        state.app.create_entity(v.caller.actor(), &e).await
    }
    .await;
    match added {
        Ok(_) => see_other(&format!("/platform/entities?created={}", super::layout::urlencode(&request.name_ar))),
        Err(e) => match field_errors(e, layout.lang, "unified_number") {
            Ok(errors) => render(&state, &v, layout, "entities", posted, errors, None).await,
            Err(e) => error_page(layout, e),
        },
    }
}

#[post("/platform/regulators")]
pub async fn add_regulator(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let posted = Posted(form.into_inner());
    let (v, layout) = signed_in_form!(req, state, visitor, &posted.one("csrf"));
    let entity_ids = if posted.one("remit") == "all" {
        EntityIds::All(AllMarker::All)
    } else {
        // An id that is not one is no entity: the list then comes up short,
        // and an empty list is refused on its field.
        EntityIds::List(posted.all("entity_ids").iter().filter_map(|id| id.parse().ok()).collect())
    };
    let request = CreateRegulatorRequest {
        name_ar: posted.one("name_ar"),
        name_en: posted.one("name_en"),
        email: posted.one("email"),
        mobile: posted.one("mobile"),
        national_id: posted.one("national_id"),
        entity_ids,
        initial_password: None,
    };
    let added = async {
        authorize(v.caller.actor(), Action::CreateRegulator)?;
        let r = request.parse()?;
        state.app.create_regulator(v.caller.actor(), &r).await
    }
    .await;
    match added {
        Ok(_) => see_other(&format!("/platform/regulators?created={}", super::layout::urlencode(&request.name_ar))),
        Err(e) => match field_errors(e, layout.lang, "email") {
            Ok(errors) => render(&state, &v, layout, "regulators", posted, errors, None).await,
            Err(e) => error_page(layout, e),
        },
    }
}
