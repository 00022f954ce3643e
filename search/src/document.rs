//! What the archive holds: one document per searchable thing, each carrying
//! what the visibility filter needs. Adding a kind of document means adding a
//! `Kind` and filling an `ArchiveDoc` for it; the schema does not change.

use chrono::{DateTime, Utc};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::{TantivyDocument, Term};
use tawasul_core::ids::{DepartmentId, EntityId, MeetingId, TransactionId, TransactionTypeId, UserId};
use tawasul_core::visibility::Visibility;

use crate::analysis::ANALYZER;

pub use tawasul_core::api::search::Kind;

/// One searchable thing with its visibility facts.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveDoc {
    /// Unique in the archive: writing a document with the same key replaces it.
    pub key: String,
    pub kind: Kind,
    pub transaction_id: Option<TransactionId>,
    pub meeting_id: Option<MeetingId>,
    pub entity_id: EntityId,
    pub department_id: Option<DepartmentId>,
    pub beneficiary_id: Option<UserId>,
    pub assignee_id: Option<UserId>,
    pub type_id: Option<TransactionTypeId>,
    pub status: Option<String>,
    /// A meeting's organiser and invited employees (minutes and decisions):
    /// who finds them besides those the meeting's entity is within reach of.
    pub people: Vec<UserId>,
    pub visibility: Visibility,
    pub at: DateTime<Utc>,
    /// Shown with a hit (the transaction's subject, say); stored, not searched.
    pub title: String,
    /// What is searched and what snippets are cut from.
    pub text: String,
}

/// The schema's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub key: Field,
    pub kind: Field,
    pub transaction_id: Field,
    pub meeting_id: Field,
    pub entity_id: Field,
    pub department_id: Field,
    pub beneficiary_id: Field,
    pub assignee_id: Field,
    pub type_id: Field,
    pub status: Field,
    pub people: Field,
    pub visibility: Field,
    pub at: Field,
    pub title: Field,
    pub text: Field,
}

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let id = STRING | STORED;
        // Frequencies for ranking, no positions: every query is a set of
        // words (no phrases), and snippets are cut by analysing the stored
        // text again. Positions would be a third of the postings to write.
        let text = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default().set_tokenizer(ANALYZER).set_index_option(IndexRecordOption::WithFreqs),
            )
            .set_stored();
        let at = DateOptions::from(INDEXED | STORED).set_fast().set_precision(DateTimePrecision::Seconds);
        let fields = Fields {
            key: b.add_text_field("key", STRING | STORED),
            kind: b.add_text_field("kind", id.clone()),
            transaction_id: b.add_text_field("transaction_id", id.clone()),
            meeting_id: b.add_text_field("meeting_id", id.clone()),
            entity_id: b.add_text_field("entity_id", id.clone()),
            department_id: b.add_text_field("department_id", STRING),
            beneficiary_id: b.add_text_field("beneficiary_id", STRING),
            assignee_id: b.add_text_field("assignee_id", STRING),
            type_id: b.add_text_field("type_id", STRING),
            status: b.add_text_field("status", STRING),
            people: b.add_text_field("people", STRING),
            visibility: b.add_text_field("visibility", STRING),
            at: b.add_date_field("at", at),
            title: b.add_text_field("title", STORED),
            text: b.add_text_field("text", text),
        };
        (b.build(), fields)
    }

    pub fn term(&self, field: Field, value: &str) -> Term {
        Term::from_field_text(field, value)
    }

    pub fn to_document(&self, d: &ArchiveDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.key, &d.key);
        doc.add_text(self.kind, d.kind.as_str());
        let ids = [
            (self.transaction_id, d.transaction_id.map(|v| v.0)),
            (self.meeting_id, d.meeting_id.map(|v| v.0)),
            (self.entity_id, Some(d.entity_id.0)),
            (self.department_id, d.department_id.map(|v| v.0)),
            (self.beneficiary_id, d.beneficiary_id.map(|v| v.0)),
            (self.assignee_id, d.assignee_id.map(|v| v.0)),
            (self.type_id, d.type_id.map(|v| v.0)),
        ];
        for (field, value) in ids {
            if let Some(v) = value {
                doc.add_text(field, v.to_string());
            }
        }
        if let Some(s) = &d.status {
            doc.add_text(self.status, s);
        }
        for p in &d.people {
            doc.add_text(self.people, p.to_string());
        }
        doc.add_text(self.visibility, d.visibility.as_str());
        doc.add_date(self.at, tantivy::DateTime::from_timestamp_micros(d.at.timestamp_micros()));
        doc.add_text(self.title, &d.title);
        doc.add_text(self.text, &d.text);
        doc
    }
}
