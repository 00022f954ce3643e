//! Notifications as a consumer of the event log: each committed event becomes
//! the notices `core::notify` decides, rendered from the one message catalogue
//! in each recipient's language and enqueued in the outbox by the channels
//! their preferences choose — in one database transaction with the consumer's
//! position. An event taken twice (after a crash) enqueues nothing twice: each
//! message has a key of its event, recipient and channel. The in-app channel
//! keeps the notice for its reader (`in_app`), in the same transaction; the
//! real-time `inbox` tells a connected client that something happened.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use tawasul_core::events::Event;
use tawasul_core::ids::{EntityId, UserId};
use tawasul_core::messages::{NoticeFacts, render};
use tawasul_core::notify::{Channel, NoticeKind, Recipient, notices_of_action};
use tawasul_core::visibility::Visibility;
use tawasul_storage::in_app::{self, NewNotice};
use tawasul_storage::outbox::{self, About, Message};
use tawasul_storage::recipients::{contacts, department_supervisors};
use tawasul_storage::transactions::{self as store, PositionedEvent};
use tawasul_storage::{ConnectionTrait, Db, log_cursors, organisation};
use tokio::sync::Notify;

use crate::log::{Consumer, Tail};

const NAME: &str = "notifier";

pub struct Notifier {
    db: Db,
    public_url: String,
    outbox_wake: Arc<Notify>,
    /// When the position was last written, to skip writing it for batches
    /// that enqueue nothing (taking them again after a crash is harmless).
    saved: std::time::Instant,
}

/// How long events gather before a batch (notices a few tens of
/// milliseconds later, in exchange for far fewer commits under load).
const LINGER: std::time::Duration = std::time::Duration::from_millis(50);
/// How often the position is written when batches enqueue nothing.
const SAVE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

impl Notifier {
    pub fn new(db: Db, public_url: String, outbox_wake: Arc<Notify>) -> Notifier {
        Notifier { db, public_url, outbox_wake, saved: std::time::Instant::now() }
    }
}

impl Consumer for Notifier {
    type Log = crate::log::Transactions;

    fn name(&self) -> &'static str {
        NAME
    }

    fn linger(&self) -> std::time::Duration {
        LINGER
    }

    /// Where it stopped (the migration that brought notifications placed it
    /// after what had happened before them); without a place, the log's end.
    async fn start(&mut self, db: &Db) -> anyhow::Result<Tail> {
        if let Some(p) = log_cursors::position(db.read(), NAME).await? {
            return Ok(Tail::after(p));
        }
        let end = store::last_position(db.read()).await?;
        log_cursors::set_position(db.write(), NAME, end, Utc::now()).await?;
        Ok(Tail::after(end))
    }

    async fn take(&mut self, events: Vec<PositionedEvent>, durable: i64) -> anyhow::Result<()> {
        // Everything is read first, on the readers, so that the one writer
        // (SQLite's) is held only for the inserts.
        let mut entities = HashMap::new();
        let mut messages = Vec::new();
        for action in actions(&events) {
            messages.extend(self.messages(self.db.read(), action, &mut entities).await?);
        }
        if messages.is_empty() && self.saved.elapsed() < SAVE_EVERY {
            return Ok(());
        }
        let mut to_send = Vec::new();
        let mut kept = Vec::new();
        for out in messages {
            match out {
                Out::Send(message, about) => to_send.push((message, about)),
                Out::InApp(notice) => kept.push(notice),
            }
        }
        // One statement per table, whatever the batch holds: the writer
        // (SQLite's one connection) is held for as short a time as can be.
        let queued = self
            .db
            .unit(move |tx| {
                Box::pin(async move {
                    let now = Utc::now();
                    let queued = outbox::enqueue_notices(tx, &to_send, now).await?;
                    in_app::add(tx, &kept, now).await?;
                    log_cursors::set_position(tx, NAME, durable, now).await?;
                    anyhow::Ok(queued)
                })
            })
            .await?;
        self.saved = std::time::Instant::now();
        if queued > 0 {
            self.outbox_wake.notify_one();
        }
        Ok(())
    }
}

/// Places the notifier after everything the log holds so far: what was
/// written before (the demo's history) is announced to nobody.
pub async fn skip_to_end(db: &Db) -> anyhow::Result<()> {
    let end = store::last_position(db.read()).await?;
    log_cursors::set_position(db.write(), NAME, end, Utc::now()).await?;
    Ok(())
}

/// The events of a batch grouped by the action that wrote them: one
/// transaction, one actor, one instant (a command's events are committed
/// together, with the same time).
fn actions(events: &[PositionedEvent]) -> Vec<&[PositionedEvent]> {
    let same = |a: &PositionedEvent, b: &PositionedEvent| {
        a.transaction_id == b.transaction_id
            && a.event.at == b.event.at
            && a.event.actor.as_ref().map(|x| x.id) == b.event.actor.as_ref().map(|x| x.id)
    };
    events.chunk_by(|a, b| same(a, b)).collect()
}

impl Notifier {
    /// The messages of one action's events, each with what it is about.
    async fn messages(
        &self,
        c: &impl ConnectionTrait,
        action: &[PositionedEvent],
        entities: &mut HashMap<EntityId, (String, String)>,
    ) -> anyhow::Result<Vec<Out>> {
        let Some(e) = action.last() else { return Ok(vec![]) };
        let parsed: Vec<Event> =
            action.iter().map(|e| Event::parse(e.event.kind.as_str(), &e.event.data)).collect::<Result<_, _>>()?;
        let described: Vec<(&Event, Visibility, Option<UserId>)> = action
            .iter()
            .zip(&parsed)
            .map(|(e, p)| (p, e.event.visibility, e.event.actor.as_ref().map(|a| a.id)))
            .collect();
        let list = notices_of_action(&described, &e.facts);
        if list.is_empty() {
            return Ok(vec![]);
        }
        let Some(t) = store::find(c, e.transaction_id).await? else { return Ok(vec![]) };
        let entity = e.facts.entity_id;
        let (entity_ar, entity_en) = match entities.get(&entity) {
            Some(names) => names.clone(),
            None => {
                let found = organisation::entity(c, entity).await?;
                let names = found.map(|v| (v.name_ar, v.name_en)).unwrap_or_default();
                entities.insert(entity, names.clone());
                names
            }
        };
        let (until, reason) = parsed
            .iter()
            .find_map(|p| match p {
                Event::StatusChanged(s) => Some((s.until, s.reason.clone())),
                _ => None,
            })
            .unwrap_or_default();
        let target = parsed.iter().find_map(|p| match p {
            Event::SlaWarning(m) | Event::SlaBreached(m) => Some(m.target),
            _ => None,
        });
        let escalation = parsed.iter().find_map(|p| match p {
            Event::Escalated(e) => Some(e.why),
            _ => None,
        });
        let facts = NoticeFacts {
            reference: t.reference().to_string(),
            hijri_year: t.reference().hijri_year,
            subject: t.subject().to_owned(),
            entity_ar,
            entity_en,
            until,
            reason,
            target,
            escalation,
            link: format!("{}/transactions/{}", self.public_url, t.id()),
            preferences_link: format!("{}/me/notification-preferences", self.public_url),
        };
        let mut out = Vec::new();
        for (i, recipient, kind) in list {
            let e = &action[i];
            let ids: Vec<UserId> = match recipient {
                Recipient::Person(u) => vec![u],
                Recipient::DepartmentSupervisors => department_supervisors(c, e.facts.department_id).await?,
            };
            for who in contacts(c, &ids).await?.into_iter().filter(|c| c.active) {
                let text = render(kind, who.lang, &facts);
                for channel in who.preferences.channels_for(kind) {
                    let meta = about(e, who.id, kind, channel);
                    let message = match (channel, &who.email, &who.mobile) {
                        (Channel::Email, Some(to), _) => Message::Email {
                            to: to.clone(),
                            subject: text.subject.clone(),
                            body: text.text.clone(),
                            html: Some(text.html.clone()),
                            calendar: None,
                        },
                        (Channel::Sms, _, Some(to)) => Message::Sms { to: to.clone(), text: text.sms.clone() },
                        (Channel::InApp, _, _) => {
                            let notice =
                                NewNotice { about: meta, subject: text.headline.clone(), text: text.line.clone() };
                            out.push(Out::InApp(notice));
                            continue;
                        }
                        _ => continue,
                    };
                    out.push(Out::Send(message, meta));
                }
            }
        }
        Ok(out)
    }
}

/// What one notice of a batch becomes.
enum Out {
    /// A message for the outbox worker to send.
    Send(Message, About),
    /// A notice kept for its reader in the application.
    InApp(NewNotice),
}

fn about(e: &PositionedEvent, user: UserId, kind: NoticeKind, channel: Channel) -> About {
    About {
        dedupe_key: format!("{}:{}:{}:{}:{}", e.transaction_id, e.event.seq, kind.as_str(), user, channel.as_str()),
        user,
        entity: e.facts.entity_id,
        transaction: e.transaction_id,
        seq: e.event.seq,
        notice: kind.as_str().to_owned(),
    }
}
