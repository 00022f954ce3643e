//! `GET /search`: the archive's query parameters and results.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, FieldErrors};
use crate::ids::{EntityId, MeetingId, TransactionId, TransactionTypeId};
use crate::workflow::Status;

/// The kinds of archived document, as the `kind` filter names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A transaction's subject, body, reference and custom fields.
    Transaction,
    /// A comment (external or internal).
    Comment,
    /// A voice note's metadata.
    Voice,
    /// An attached document: its name and extractable text.
    Document,
    /// A meeting's minutes.
    Minutes,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Transaction, Kind::Comment, Kind::Voice, Kind::Document, Kind::Minutes];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Transaction => "transaction",
            Kind::Comment => "comment",
            Kind::Voice => "voice",
            Kind::Document => "document",
            Kind::Minutes => "minutes",
        }
    }

    pub fn parse(s: &str) -> Result<Kind, ErrorCode> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s).ok_or(ErrorCode::InvalidChoice)
    }
}

/// `GET /search` parameters as they arrive.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words to find (every one is required); Arabic matches regardless of
    /// diacritics, hamza and alef forms, taa marbuta, alef maqsura, tatweel and
    /// common prefixes and suffixes.
    pub q: Option<String>,
    pub entity_id: Option<String>,
    pub type_id: Option<String>,
    pub status: Option<String>,
    /// `transaction`, `comment`, `voice`, `document` or `minutes`.
    pub kind: Option<String>,
    /// At or after (RFC 3339 or a date).
    pub from: Option<String>,
    /// Before (RFC 3339 or a date).
    pub to: Option<String>,
    /// Default 20, at most 100.
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A validated search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchParams {
    pub q: String,
    pub entity_id: Option<EntityId>,
    pub type_id: Option<TransactionTypeId>,
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: usize,
    /// How many of the best hits the previous pages held.
    pub offset: usize,
}

impl SearchQuery {
    pub const DEFAULT_LIMIT: u32 = 20;
    pub const MAX_LIMIT: u32 = 100;
    /// Results are ranked, not listed: paging stops this deep (refine instead).
    pub const MAX_DEPTH: usize = 1000;
    pub const MAX_QUERY_CHARS: usize = 500;

    pub fn parse(&self) -> Result<SearchParams, FieldErrors> {
        let mut e = FieldErrors::default();
        let q = match self.q.as_deref().map(str::trim) {
            None | Some("") => e.check("q", Err(ErrorCode::SearchQueryEmpty)),
            Some(q) if q.chars().count() > Self::MAX_QUERY_CHARS => e.check("q", Err(ErrorCode::InvalidText)),
            Some(q) if !q.chars().any(char::is_alphanumeric) => e.check("q", Err(ErrorCode::SearchQueryEmpty)),
            Some(q) => Some(q.to_owned()),
        };
        let entity_id = super::optional(&mut e, "entity_id", self.entity_id.as_deref(), |s| {
            s.parse::<EntityId>().map_err(|_| ErrorCode::InvalidField)
        });
        let type_id = super::optional(&mut e, "type_id", self.type_id.as_deref(), |s| {
            s.parse::<TransactionTypeId>().map_err(|_| ErrorCode::InvalidField)
        });
        let status = super::optional(&mut e, "status", self.status.as_deref(), Status::parse);
        let kind = super::optional(&mut e, "kind", self.kind.as_deref(), Kind::parse);
        let from = super::optional(&mut e, "from", self.from.as_deref(), super::transactions::parse_time);
        let to = super::optional(&mut e, "to", self.to.as_deref(), super::transactions::parse_time);
        let limit = match self.limit {
            None => Some(Self::DEFAULT_LIMIT),
            Some(0) => e.check("limit", Err(ErrorCode::InvalidField)),
            Some(n) => Some(n.min(Self::MAX_LIMIT)),
        };
        let offset = match &self.cursor {
            None => Some(0),
            Some(c) => e.check(
                "cursor",
                c.parse::<usize>().ok().filter(|o| *o <= Self::MAX_DEPTH).ok_or(ErrorCode::InvalidField),
            ),
        };
        let all = (|| {
            Some(SearchParams {
                q: q?,
                entity_id: entity_id?,
                type_id: type_id?,
                status: status?,
                kind: kind?,
                from: from?,
                to: to?,
                limit: limit? as usize,
                offset: offset?,
            })
        })();
        e.finish(all)
    }
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchItem {
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub transaction_id: Option<TransactionId>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub meeting_id: Option<MeetingId>,
    pub entity_id: EntityId,
    pub at: DateTime<Utc>,
    /// Plain text (escape it when showing it as HTML).
    pub title: String,
    /// HTML: the matches inside `<mark>…</mark>`, everything else escaped.
    pub snippet: String,
}

/// A page of hits, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchPage {
    pub items: Vec<SearchItem>,
    /// How many hits there are in all (the caller's visibility applied).
    pub total: u64,
    pub next_cursor: Option<String>,
}

impl SearchPage {
    /// The page, with a cursor when more hits follow within the paging depth.
    pub fn new(items: Vec<SearchItem>, total: u64, params: &SearchParams) -> SearchPage {
        let next = params.offset + items.len();
        let more = (next as u64) < total && !items.is_empty() && next < SearchQuery::MAX_DEPTH;
        SearchPage { items, total, next_cursor: more.then(|| next.to_string()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(q: SearchQuery) -> Vec<(String, &'static str)> {
        match q.parse() {
            Ok(_) => vec![],
            Err(e) => e.0.into_iter().map(|f| (f.field, f.code.as_str())).collect(),
        }
    }

    #[test]
    fn bad_parameters_are_reported_field_by_field() {
        assert_eq!(errors(SearchQuery::default()), [("q".to_owned(), "search.query_empty")]);
        assert_eq!(
            errors(SearchQuery { q: Some(" ؟! ".into()), ..Default::default() }),
            [("q".to_owned(), "search.query_empty")]
        );
        let all_bad = SearchQuery {
            q: Some("رخصة".into()),
            entity_id: Some("x".into()),
            type_id: Some("y".into()),
            status: Some("lost".into()),
            kind: Some("memo".into()),
            from: Some("yesterday".into()),
            to: Some("2026-13-01".into()),
            limit: Some(0),
            cursor: Some("-1".into()),
        };
        let fields: Vec<String> = errors(all_bad).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["entity_id", "type_id", "status", "kind", "from", "to", "limit", "cursor"]);
        let deep = SearchQuery { q: Some("a".into()), cursor: Some("1001".into()), ..Default::default() };
        assert_eq!(errors(deep), [("cursor".to_owned(), "request.invalid_field")]);
    }

    #[test]
    fn valid_parameters_parse() {
        let q = SearchQuery {
            q: Some("  رخصة البناء ".into()),
            kind: Some("comment".into()),
            from: Some("2026-01-01".into()),
            limit: Some(500),
            cursor: Some("40".into()),
            ..Default::default()
        };
        let p = q.parse().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((p.q.as_str(), p.kind, p.limit, p.offset), ("رخصة البناء", Some(Kind::Comment), 100, 40));
    }

    #[test]
    fn the_cursor_follows_until_the_total_or_the_depth() {
        let p = SearchParams { limit: 20, offset: 40, ..Default::default() };
        let item = SearchItem {
            kind: Kind::Comment,
            transaction_id: None,
            meeting_id: None,
            entity_id: EntityId::new(),
            at: Utc::now(),
            title: String::new(),
            snippet: String::new(),
        };
        let page = |n: usize, total: u64, offset: usize| {
            SearchPage::new(vec![item.clone(); n], total, &SearchParams { offset, ..p.clone() }).next_cursor
        };
        assert_eq!(page(20, 100, 40), Some("60".into()));
        assert_eq!(page(20, 60, 40), None);
        assert_eq!(page(20, 5000, 980), None);
    }
}
