//! A transaction as archive documents: one for the transaction itself and one
//! per comment, attachment and voice note, each carrying the transaction's
//! current facts (and title) so that the visibility filter can judge it alone.
//! A meeting as archive documents: its approved minutes and each decision,
//! each carrying its entity and people.

use chrono::{DateTime, Utc};
use serde_json::Value;
use tawasul_core::events::Event;
use tawasul_core::visibility::Visibility;
use tawasul_search::{ArchiveDoc, Kind};
use tawasul_storage::archive::{ArchivedEvent, ArchivedTransaction, Record};
use tawasul_storage::meeting_archive::MeetingRecord;

/// Every document of a transaction.
pub fn documents(r: &Record) -> Vec<ArchiveDoc> {
    let t = &r.transaction;
    let mut text = vec![t.subject.clone(), t.body.clone(), t.reference.to_string()];
    field_values(&t.fields, &mut text);
    let mut docs = vec![doc(
        t,
        format!("transaction:{}", t.id),
        Kind::Transaction,
        Visibility::External,
        t.created_at,
        text.join("\n"),
    )];
    docs.extend(event_documents(r));
    docs
}

/// The documents of the record's events only.
pub fn event_documents(r: &Record) -> Vec<ArchiveDoc> {
    r.events
        .iter()
        .filter_map(|e| {
            let (kind, text) = event_text(e, r)?;
            Some(doc(&r.transaction, format!("event:{}", e.position), kind, e.visibility, e.at, text))
        })
        .collect()
}

fn doc(
    t: &ArchivedTransaction,
    key: String,
    kind: Kind,
    visibility: Visibility,
    at: DateTime<Utc>,
    text: String,
) -> ArchiveDoc {
    ArchiveDoc {
        key,
        kind,
        transaction_id: Some(t.id),
        meeting_id: None,
        entity_id: t.facts.entity_id,
        department_id: Some(t.facts.department_id),
        beneficiary_id: Some(t.facts.beneficiary_id),
        assignee_id: t.facts.assignee_id,
        type_id: Some(t.type_id),
        status: Some(t.status.as_str().to_owned()),
        people: vec![],
        visibility,
        at,
        title: format!("{} · {}", t.reference, t.subject),
        text,
    }
}

/// Every document of a meeting: its approved minutes, and its decisions.
pub fn meeting_documents(m: &MeetingRecord) -> Vec<ArchiveDoc> {
    let doc = |key: String, at: DateTime<Utc>, text: &str| ArchiveDoc {
        key,
        kind: Kind::Minutes,
        transaction_id: None,
        meeting_id: Some(m.id),
        entity_id: m.entity_id,
        department_id: None,
        beneficiary_id: None,
        assignee_id: None,
        type_id: None,
        status: None,
        people: m.people.clone(),
        visibility: Visibility::External,
        at,
        title: m.title.clone(),
        text: text.to_owned(),
    };
    let minutes = m.minutes.iter().map(|(body, at)| doc(format!("minutes:{}", m.id), *at, body));
    let decisions = m.decisions.iter().map(|(id, text, at)| doc(format!("decision:{id}"), *at, text));
    minutes.chain(decisions).collect()
}

/// What an event contributes to the archive, if anything.
fn event_text(e: &ArchivedEvent, r: &Record) -> Option<(Kind, String)> {
    match &e.event {
        Event::Comment(c) => Some((Kind::Comment, c.body.clone())),
        Event::Attachment(a) => {
            // The name, and the document's text once it has been extracted.
            let text = match r.texts.get(&a.attachment_id.0) {
                Some(t) if !t.text.is_empty() => format!("{}\n{}", a.name, t.text),
                _ => a.name.clone(),
            };
            Some((Kind::Document, text))
        }
        Event::Voice(v) => {
            let seconds = v.duration_ms.div_ceil(1000);
            Some((Kind::Voice, format!("رسالة صوتية voice note {}:{:02}", seconds / 60, seconds % 60)))
        }
        _ => None,
    }
}

/// The text of custom field values (choices, text, numbers, dates).
fn field_values(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|i| field_values(i, out)),
        Value::Object(map) => map.values().for_each(|i| field_values(i, out)),
        Value::Bool(_) | Value::Null => {}
    }
}
