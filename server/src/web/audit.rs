//! The audit trail for supervisors, regulators and the platform admin:
//! entries newest first with who did what, to what, from where, and the
//! chain's verification. The same reads as the API's (`routes::audit`); who
//! reads which trail is `policy::audit_scope`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::{Deserialize, Serialize};
use tawasul_core::api::{AuditEntryView, AuditQuery, VerifyQuery, VerifyView};
use tawasul_core::audit::AuditAction;
use tawasul_core::policy::audit_scope;

use super::layout::Layout;
use super::session::Visitor;
use super::{Choice, entity_choices, error_page, given, html, signed_in};
use crate::error::{ApiError, ApiResult};
use crate::routes::audit::{entries, verify};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "audit.html")]
struct Audit {
    page: Layout,
    form: AuditForm,
    /// Empty when the person reads one entity's trail only.
    entities: Vec<Choice>,
    actions: Vec<Choice>,
    rows: Vec<Entry>,
    next: Option<String>,
    verified: Option<VerifyView>,
    /// The address of this trail's verification.
    verify_href: String,
    errors: Vec<(String, &'static str)>,
}

impl Audit {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }
}

/// An entry as the page lists it.
struct Entry {
    e: AuditEntryView,
    who: String,
    action: String,
    /// The target's page, when it has one (a transaction).
    target_href: Option<String>,
    /// Before and after, as indented JSON, when the entry has them.
    before: Option<String>,
    after: Option<String>,
}

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct AuditForm {
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default, skip_serializing)]
    cursor: String,
    #[serde(default, skip_serializing)]
    verify: String,
}

impl AuditForm {
    fn query(&self) -> AuditQuery {
        AuditQuery {
            entity_id: given(&self.entity_id),
            actor_id: None,
            action: given(&self.action),
            // The days chosen, both included, on Riyadh's clock.
            from: given(&self.from).map(|d| tawasul_core::dates::form_period_bound(&d, false)),
            to: given(&self.to).map(|d| tawasul_core::dates::form_period_bound(&d, true)),
            limit: None,
            cursor: given(&self.cursor),
        }
    }
}

#[get("/audit")]
pub async fn audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Query<AuditForm>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v)).titled("ui-audit-title");
    match page(&state, &v, &layout, form.into_inner()).await {
        Ok(page) => {
            let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            html(status, &page)
        }
        Err(refused) => error_page(layout, refused),
    }
}

/// The page; a refusal of the person (not of a field) is the error page.
async fn page(state: &AppState, v: &Visitor, layout: &Layout, form: AuditForm) -> ApiResult<Audit> {
    let actor = v.caller.actor();
    // Not one who reads any trail: refused before anything is read.
    audit_scope(actor, None)?;
    let entities = if actor.staff().is_none() {
        entity_choices(state, layout, |e| audit_scope(actor, Some(e)).is_ok(), &form.entity_id).await?
    } else {
        vec![]
    };
    let actions = AuditAction::ALL
        .iter()
        .map(|a| (a.as_str().to_owned(), layout.audit_action(a.as_str()), a.as_str() == form.action))
        .collect();
    let mut page = Audit {
        page: layout.clone(),
        entities,
        actions,
        rows: vec![],
        next: None,
        verified: None,
        verify_href: String::new(),
        errors: vec![],
        form,
    };
    let found = match entries(state, actor, &page.form.query()).await {
        Ok(f) => f,
        Err(e) if !e.field_messages(layout.lang).is_empty() => {
            page.errors = e.field_messages(layout.lang);
            return Ok(page);
        }
        Err(e) => return Err(e),
    };
    let json = |v: &Option<serde_json::Value>| v.as_ref().and_then(|v| serde_json::to_string_pretty(v).ok());
    page.rows = found
        .items
        .into_iter()
        .map(|e| Entry {
            who: e.actor.as_ref().map(|a| layout.name(&a.name_ar, &a.name_en).to_owned()).unwrap_or_default(),
            action: layout.audit_action(&e.action),
            target_href: e.target.strip_prefix("transaction:").map(|id| format!("/transactions/{id}")),
            before: json(&e.before),
            after: json(&e.after),
            e,
        })
        .collect();
    let filters = serde_urlencoded::to_string(&page.form).unwrap_or_default();
    page.next = found.next_cursor.map(|c| format!("/audit?{filters}&cursor={}", super::layout::urlencode(&c)));
    page.verify_href = format!("/audit?{filters}&verify=1");
    // One chain at a time: the entity chosen, the staff's own, or the
    // platform's for the platform admin.
    if !page.form.verify.is_empty() {
        let which = VerifyQuery { entity_id: given(&page.form.entity_id) };
        match verify(state, actor, &which).await {
            Ok(v) => page.verified = Some(v),
            Err(e) if !e.field_messages(layout.lang).is_empty() => page.errors = e.field_messages(layout.lang),
            Err(e) => return Err(e),
        }
    }
    Ok(page)
}
