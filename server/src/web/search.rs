//! The archive search: transactions, comments, voice notes and documents the
//! person could open, best first, with the matching words highlighted. The
//! same read as the API's (`routes::search::find`); staff are narrowed to
//! their entity, regulators to their remit, by the scope itself.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;
use tawasul_core::api::{Kind, SearchItem, SearchQuery};
use tawasul_core::ids::EntityId;
use tawasul_core::visibility::{ListScope, list_scope};
use tawasul_core::workflow::Status;

use super::directory::types_of;
use super::layout::Layout;
use super::session::Visitor;
use super::{Choice, entity_choices, error_page, given, html, signed_in};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "search.html")]
struct Search {
    page: Layout,
    form: SearchForm,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    /// Empty when the person's scope is one entity (staff).
    entities: Vec<Choice>,
    types: Vec<Choice>,
    errors: Vec<(String, &'static str)>,
    /// None until something was searched for.
    found: Option<Found>,
}

impl Search {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }
}

struct Found {
    /// "12 results", in the page's language.
    total: String,
    hits: Vec<Hit>,
    next: Option<String>,
}

/// One hit as the page lists it.
struct Hit {
    item: SearchItem,
    href: Option<String>,
    entity: String,
}

#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    type_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default, skip_serializing)]
    cursor: String,
}

impl SearchForm {
    /// The API's query: a field left empty on the form is no filter.
    fn query(&self) -> SearchQuery {
        SearchQuery {
            q: Some(self.q.clone()),
            entity_id: given(&self.entity_id),
            type_id: given(&self.type_id),
            status: given(&self.status),
            kind: given(&self.kind),
            // The days chosen, both included, on Riyadh's clock.
            from: given(&self.from).map(|d| tawasul_core::dates::form_period_bound(&d, false)),
            to: given(&self.to).map(|d| tawasul_core::dates::form_period_bound(&d, true)),
            limit: None,
            cursor: given(&self.cursor),
        }
    }
}

#[get("/search")]
pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Query<SearchForm>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    match page(&state, &v, layout.titled("ui-search-title"), form.into_inner()).await {
        Ok(response) => response,
        Err((layout, e)) => error_page(layout, e),
    }
}

async fn page(
    state: &AppState,
    v: &Visitor,
    page: Layout,
    form: SearchForm,
) -> Result<HttpResponse, (Layout, ApiError)> {
    let choices = async {
        let scope = list_scope(v.caller.actor());
        let reachable = entity_choices(state, &page, |e| scope.may_reach(e), &form.entity_id).await?;
        // The entity whose types the type filter offers: the staff's own, or
        // the one chosen.
        let entity = match &scope {
            ListScope::Staff { entity_id, .. } => Some(*entity_id),
            _ => form.entity_id.parse::<EntityId>().ok().filter(|e| scope.may_reach(*e)),
        };
        let types = match entity {
            Some(e) => types_of(state, e).await?,
            None => vec![],
        };
        let one_entity = matches!(scope, ListScope::Staff { .. });
        ApiResult::Ok((reachable, types, one_entity))
    }
    .await;
    let (reachable, types, one_entity) = match choices {
        Ok(c) => c,
        Err(e) => return Err((page, e)),
    };
    let names: HashMap<String, String> = reachable.iter().map(|(id, name, _)| (id.clone(), name.clone())).collect();
    let choice = |value: String, label: &str, chosen: &str| {
        let selected = value == chosen;
        (value, label.to_owned(), selected)
    };
    let mut shown = Search {
        kinds: Kind::ALL
            .iter()
            .map(|k| choice(k.as_str().into(), page.t(&format!("ui-archive-kind-{}", k.as_str())), &form.kind))
            .collect(),
        statuses: Status::ALL.iter().map(|s| choice(s.as_str().into(), page.status(s), &form.status)).collect(),
        entities: if one_entity { vec![] } else { reachable },
        types: types
            .iter()
            .map(|t| choice(t.id.to_string(), page.name(&t.name_ar, &t.name_en), &form.type_id))
            .collect(),
        errors: vec![],
        found: None,
        page,
        form,
    };
    if shown.form.q.trim().is_empty() {
        return Ok(html(StatusCode::OK, &shown));
    }
    let params = match shown.form.query().parse() {
        Ok(p) => p,
        Err(e) => {
            shown.errors = ApiError::from(e).field_messages(shown.page.lang);
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &shown));
        }
    };
    let found = match crate::routes::search::find(state, v.caller.actor(), params).await {
        Ok(f) => f,
        Err(e) => return Err((shown.page, e)),
    };
    let next = found.next_cursor.map(|c| {
        let mut q = serde_urlencoded::to_string(&shown.form).unwrap_or_default();
        q.push_str("&cursor=");
        q.push_str(&super::layout::urlencode(&c));
        format!("/search?{q}")
    });
    // A meeting's minutes open in its room for its entity's staff; those who
    // oversee the entity from outside read its register of decisions.
    let staff = matches!(v.caller.actor().standing, tawasul_core::org::Standing::Staff(_));
    let hits = found
        .items
        .into_iter()
        .map(|item| Hit {
            href: match (item.transaction_id, item.meeting_id) {
                (Some(t), _) => Some(format!("/transactions/{t}")),
                (None, Some(m)) if staff => Some(format!("/meetings/{m}")),
                (None, Some(_)) => Some(format!("/entities/{}/decisions", item.entity_id)),
                (None, None) => None,
            },
            entity: names.get(&item.entity_id.to_string()).cloned().unwrap_or_default(),
            item,
        })
        .collect();
    let n = i64::try_from(found.total).unwrap_or(i64::MAX);
    let total = shown.page.t_with("ui-search-total", &[("n", tawasul_core::catalogue::Arg::Number(n))]);
    shown.found = Some(Found { total, hits, next });
    Ok(html(StatusCode::OK, &shown))
}
