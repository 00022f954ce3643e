//! The caller's visibility as a query filter: the one function every archive
//! query is built with (`Archive::search` takes a `Viewer`, not a filter, so no
//! query can run without it). It is `tawasul_core::visibility` — the rule every
//! other read path uses — written over the facts each document carries.
//! Approved minutes and decisions carry a meeting instead of a transaction,
//! and `tawasul_core::meetings`' rule for them (`Viewer::minutes`).

use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tawasul_core::meetings::EntityReach;
use tawasul_core::visibility::{ListScope, Viewer, Visibility};

use crate::document::{Fields, Kind};

/// The filter of what `viewer` may find: the transactions' documents their
/// scope covers (of those only external ones unless they see internal ones),
/// and the minutes and decisions of the meetings within their reach.
pub fn visibility_filter(viewer: &Viewer, f: &Fields) -> Box<dyn Query> {
    let minutes = term(f, f.kind, Kind::Minutes.as_str());
    let transactions: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
        (Occur::Must, transactions_filter(viewer, f)),
        (Occur::MustNot, minutes.box_clone()),
    ]));
    any(vec![transactions, all(vec![minutes, minutes_filter(viewer, f)])])
}

/// The meetings whose minutes and decisions the caller may find.
fn minutes_filter(viewer: &Viewer, f: &Fields) -> Box<dyn Query> {
    let reach = viewer.minutes();
    let mut within = vec![term(f, f.people, &reach.user.to_string())];
    match &reach.entities {
        EntityReach::All => within.push(Box::new(AllQuery)),
        EntityReach::Only(ids) => within.extend(ids.iter().map(|e| term(f, f.entity_id, &e.to_string()))),
    }
    any(within)
}

/// The transactions' documents the caller may find.
fn transactions_filter(viewer: &Viewer, f: &Fields) -> Box<dyn Query> {
    let scope: Box<dyn Query> = match viewer.scope() {
        ListScope::Everything => Box::new(AllQuery),
        ListScope::Nothing => return Box::new(EmptyQuery),
        ListScope::OwnAsBeneficiary(user) => term(f, f.beneficiary_id, &user.to_string()),
        ListScope::Entities(ids) => any(ids.iter().map(|e| term(f, f.entity_id, &e.to_string())).collect()),
        ListScope::Staff { entity_id, whole_entity, departments, assigned_to } => {
            let within: Box<dyn Query> = if *whole_entity {
                Box::new(AllQuery)
            } else {
                let mut reach: Vec<Box<dyn Query>> =
                    departments.iter().map(|d| term(f, f.department_id, &d.to_string())).collect();
                if let Some(me) = assigned_to {
                    reach.push(term(f, f.assignee_id, &me.to_string()));
                }
                any(reach)
            };
            all(vec![term(f, f.entity_id, &entity_id.to_string()), within])
        }
    };
    if viewer.sees_internal() { scope } else { all(vec![scope, term(f, f.visibility, Visibility::External.as_str())]) }
}

pub(crate) fn term(f: &Fields, field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(f.term(field, value), IndexRecordOption::Basic))
}

/// Documents matching every query.
pub(crate) fn all(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(queries.into_iter().map(|q| (Occur::Must, q)).collect()))
}

/// Documents matching at least one query; none when there are none.
pub(crate) fn any(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.is_empty() {
        return Box::new(EmptyQuery);
    }
    Box::new(BooleanQuery::new(queries.into_iter().map(|q| (Occur::Should, q)).collect()))
}
