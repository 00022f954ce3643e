//! Searching the archive: the caller's words, every one required, in the
//! documents the caller may see, best first, with `<mark>`ed snippets.

use std::ops::Bound;

use chrono::DateTime;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{TantivyDocument, Term};
use tawasul_core::api::{SearchItem, SearchParams};
use tawasul_core::ids::{EntityId, MeetingId, TransactionId};
use tawasul_core::visibility::Viewer;

use crate::analysis::{self, CHOSEN};
use crate::archive::{Archive, Generation, Result};
use crate::document::{Fields, Kind};
use crate::scope::{self, visibility_filter};

/// Snippets are cut to about this many characters around the matches.
const SNIPPET_CHARS: usize = 240;

/// What a search finds: a page of hits, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub hits: Vec<SearchItem>,
    /// How many documents match in all (the caller's visibility applied).
    pub total: u64,
}

impl Archive {
    /// Searches what `viewer` may see. A query without a word finds nothing.
    pub fn search(&self, viewer: &Viewer, req: &SearchParams) -> Result<Results> {
        self.current().search(viewer, req)
    }
}

impl Generation {
    pub fn search(&self, viewer: &Viewer, req: &SearchParams) -> Result<Results> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let indexed = |t: &Term| searcher.doc_freq(t).map_or(true, |n| n > 0);
        let Some(text) = analysis::text_query(f.text, &req.q, CHOSEN, &indexed).filter(|_| req.limit > 0) else {
            return Ok(Results { hits: vec![], total: 0 });
        };
        let mut filters = vec![self.filters.cached(visibility_filter(viewer, f))];
        filters.extend(narrowing(f, req));
        let query = BooleanQuery::new(vec![
            (Occur::Must, text.box_clone()),
            (Occur::Must, Box::new(ConstScoreQuery::new(scope::all(filters), 0.0))),
        ]);
        let (top, total) = searcher
            .search(&query, &(TopDocs::with_limit(req.limit).and_offset(req.offset).order_by_score(), Count))?;
        let mut snippets = SnippetGenerator::create(&searcher, &*text, f.text)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        let hits = top
            .into_iter()
            .map(|(_, address)| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(hit(f, &doc, &snippets))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Results { hits, total: total as u64 })
    }
}

/// The request's own filters (entity, type, status, kind, time).
fn narrowing(f: &Fields, req: &SearchParams) -> Vec<Box<dyn Query>> {
    let mut out = Vec::new();
    if let Some(e) = req.entity_id {
        out.push(scope::term(f, f.entity_id, &e.to_string()));
    }
    if let Some(t) = req.type_id {
        out.push(scope::term(f, f.type_id, &t.to_string()));
    }
    if let Some(s) = req.status {
        out.push(scope::term(f, f.status, s.as_str()));
    }
    if let Some(k) = req.kind {
        out.push(scope::term(f, f.kind, k.as_str()));
    }
    if req.from.is_some() || req.to.is_some() {
        let bound = |at: Option<DateTime<chrono::Utc>>, inclusive: bool| match at {
            None => Bound::Unbounded,
            Some(at) => {
                let t = Term::from_field_date_for_search(f.at, tantivy::DateTime::from_timestamp_secs(at.timestamp()));
                if inclusive { Bound::Included(t) } else { Bound::Excluded(t) }
            }
        };
        out.push(Box::new(RangeQuery::new(bound(req.from, true), bound(req.to, false))));
    }
    out
}

fn hit(f: &Fields, doc: &TantivyDocument, snippets: &SnippetGenerator) -> SearchItem {
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let id = |field| text(field).parse::<uuid::Uuid>().ok();
    let at = doc
        .get_first(f.at)
        .and_then(|v| v.as_datetime())
        .and_then(|d| DateTime::from_timestamp_micros(d.into_timestamp_micros()))
        .unwrap_or_default();
    let mut snippet = snippets.snippet_from_doc(doc);
    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
    SearchItem {
        kind: Kind::parse(&text(f.kind)).unwrap_or(Kind::Comment),
        transaction_id: id(f.transaction_id).map(TransactionId),
        meeting_id: id(f.meeting_id).map(MeetingId),
        entity_id: EntityId(id(f.entity_id).unwrap_or_default()),
        at,
        title: text(f.title),
        snippet: snippet.to_html(),
    }
}
