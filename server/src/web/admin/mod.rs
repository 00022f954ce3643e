//! The entity admin's pages: departments, employees and transaction types.
//! They call the same use cases as the API (`App::create_department`,
//! `create_employee`, `routes::employees::change`, `create_transaction_type`);
//! who may manage what is `policy::authorize`, asked again by each use case.

pub mod departments;
pub mod employees;
pub mod types;

use std::collections::HashMap;

use tawasul_core::Lang;
use tawasul_core::api::{DepartmentView, PageRequest};
use tawasul_core::ids::{DepartmentId, EntityId};
use tawasul_storage::organisation;

use super::session::Visitor;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A posted form as its pairs, in order: checkboxes repeat their name.
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    /// The first value of `name`, or empty.
    pub fn one(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// Whether `name` was posted with `value` (a ticked box, a chosen radio).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

/// The entity the pages manage: a staff member's own; for the platform admin,
/// the one named in the address.
pub fn entity_of(v: &Visitor, named: Option<EntityId>) -> Option<EntityId> {
    v.caller.actor().staff().map(|s| s.entity_id).or(named)
}

/// A department with how deep it sits in the tree (0 at the top), in tree
/// order: each one followed by those under it.
pub struct Placed {
    pub d: DepartmentView,
    pub depth: usize,
}

/// The entity's departments in tree order.
pub async fn department_tree(state: &AppState, entity: EntityId) -> ApiResult<Vec<Placed>> {
    let all =
        organisation::list_departments(state.db.read(), entity, &PageRequest { limit: 1000, after: None }).await?.items;
    let mut under: HashMap<Option<DepartmentId>, Vec<&DepartmentView>> = HashMap::new();
    for d in &all {
        under.entry(d.parent_id).or_default().push(d);
    }
    let mut out = vec![];
    // Depth first, iteratively; a parent outside the list (there is none,
    // the store checks) would leave its children out, not loop.
    let mut stack: Vec<(&DepartmentView, usize)> =
        under.get(&None).into_iter().flatten().rev().map(|d| (*d, 0)).collect();
    while let Some((d, depth)) = stack.pop() {
        out.push(Placed { d: d.clone(), depth });
        if let Some(children) = under.get(&Some(d.id)) {
            stack.extend(children.iter().rev().map(|c| (*c, depth + 1)));
        }
    }
    Ok(out)
}

/// The messages of a refusal's fields, or of a conflict (a code or an
/// address already taken) on the field `taken`; any other refusal is the
/// error page.
pub fn field_errors(e: ApiError, lang: Lang, taken: &str) -> Result<Vec<(String, &'static str)>, ApiError> {
    let messages = e.field_messages(lang);
    if !messages.is_empty() {
        Ok(messages)
    } else if e.status() == actix_web::http::StatusCode::CONFLICT {
        Ok(vec![(taken.to_owned(), e.message(lang))])
    } else {
        Err(e)
    }
}
