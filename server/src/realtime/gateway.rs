//! `GET /api/v1/ws`: one task per connection. It authenticates (header, or an
//! `auth` frame within the first seconds), answers subscriptions with a replay
//! from the event log, and forwards what the bus puts in its mailbox after the
//! visibility rule, the same one the HTTP timeline uses, has let it through.
//! Each connection also follows its account's signals: a session ended
//! elsewhere closes it with 4401, a changed standing makes it check again what
//! it follows.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, Session};
use bytestring::ByteString;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use tawasul_core::api::EventView;
use tawasul_core::ids::{MeetingId, TransactionId, UserId};
use tawasul_core::meetings::can_view as can_view_meeting;
use tawasul_core::realtime::{ClientFrame, ServerFrame, Topic, TopicEvent, close, notifies};
use tawasul_core::visibility::{TransactionFacts, Viewer};
use tawasul_core::{ErrorCode, Lang};
use tawasul_storage::transactions as store;
use tawasul_storage::{ConnectionTrait, StorageError, accounts, meeting_log, meetings};
use tokio::sync::mpsc;

use super::bus::{AccountSignal, Delivery, Key, Mailbox, MeetingPublished};
use crate::auth::caller::{Caller, authenticate, bearer};
use crate::lang::lang_of;
use crate::state::AppState;

/// Events read from the log per query while replaying.
const REPLAY_CHUNK: u64 = 500;
/// The largest frame a client may send.
const MAX_CLIENT_FRAME: usize = 64 * 1024;

/// Upgrades to a WebSocket and hands the connection to its own task.
#[utoipa::path(get, path = "/api/v1/ws", tag = "real time",
    responses((status = 101, description = "Switching to the WebSocket protocol of API.md \"Real time\"")))]
#[get("/ws")]
pub async fn connect(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let token = bearer(&req).map(str::to_owned);
    let lang = lang_of(req.headers());
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let stream = stream.max_frame_size(MAX_CLIENT_FRAME).aggregate_continuations();
    let state = state.into_inner();
    // The connection's task holds one box at a time: signing in reads the
    // database, and its futures (about 3 KB) are freed once it is done, so
    // that a connection idles with only its loop's state (P3 counts it).
    actix_web::rt::spawn(async move {
        if let Some((conn, stream, rx)) = Box::pin(open(state, session, stream, token, lang)).await {
            Box::pin(conn.serve(stream, rx)).await;
        }
    });
    Ok(response)
}

/// Why a connection ends.
enum End {
    /// The client went away or closed.
    Gone,
    /// We close it, with an application close code and the error that explains it.
    Close(u16, ErrorCode),
    /// Nothing was heard from the client for the idle timeout.
    Idle,
}

impl From<StorageError> for End {
    fn from(e: StorageError) -> End {
        tracing::error!(error = %e, "real-time connection closed on a storage error");
        End::Close(1011, ErrorCode::Internal)
    }
}

/// What a connection follows, and what it has already handled of it.
enum Following {
    /// The highest seq of the transaction handled so far (sent, or withheld as
    /// not visible): later publications at or below it are duplicates.
    Transaction { handled: u32 },
    /// The same, for a meeting's log.
    Meeting { handled: u32 },
    /// Log positions sent by the replay, so that their live publication, if it
    /// comes after the replay, is not sent twice; forgotten a little later.
    Inbox { replayed: HashSet<i64>, replayed_at: Instant },
}

struct Connection {
    state: Arc<AppState>,
    session: Session,
    lang: Lang,
    caller: Caller,
    /// The caller's visibility rule, worked out once per authentication.
    viewer: Viewer,
    expires: DateTime<Utc>,
    mailbox: Mailbox,
    following: HashMap<Topic, Following>,
}

/// Signs the connection in (the header's token, or the first frame's) and
/// gives it its mailbox; a connection that fails is closed here.
async fn open(
    state: Arc<AppState>,
    mut session: Session,
    mut stream: AggregatedMessageStream,
    token: Option<String>,
    lang: Lang,
) -> Option<(Connection, AggregatedMessageStream, mpsc::Receiver<Delivery>)> {
    let (mailbox, rx) = Mailbox::new(state.settings.ws_queue);
    let signed_in = match token {
        Some(token) => sign_in(&state, &token, &mailbox).await,
        None => {
            let within = state.settings.ws_auth_timeout();
            first_auth_frame(&state, &mut session, &mut stream, &mailbox, within).await
        }
    };
    match signed_in {
        Ok((caller, expires)) => {
            let viewer = Viewer::new(caller.actor());
            Some((
                Connection { state, session, lang, caller, viewer, expires, mailbox, following: HashMap::new() },
                stream,
                rx,
            ))
        }
        Err((user, code)) => {
            if let Some(user) = user {
                state.realtime.bus().unsubscribe(Key::Account(user), &mailbox);
            }
            finish(session, lang, End::Close(close::UNAUTHORIZED, code)).await;
            None
        }
    }
}

/// Why signing in failed, and whose account's signals the mailbox joined.
type SignInError = (Option<UserId>, ErrorCode);

/// Checks a token, after the mailbox has joined the signals of the account it
/// names: a log-out committed after the check reaches the connection as a
/// signal, and one committed before it is seen by the check, so none slips
/// between the two.
async fn sign_in(state: &AppState, token: &str, mailbox: &Mailbox) -> Result<(Caller, DateTime<Utc>), SignInError> {
    let user = state.tokens.decode(token).map(|c| UserId::from(c.sub));
    if let Some(user) = user {
        state.realtime.bus().subscribe(Key::Account(user), mailbox);
    }
    authenticate(state, token).await.map_err(|e| (user, e.code))
}

/// Waits for `{"type":"auth","token":…}`, answering pings meanwhile.
async fn first_auth_frame(
    state: &AppState,
    session: &mut Session,
    stream: &mut AggregatedMessageStream,
    mailbox: &Mailbox,
    within: Duration,
) -> Result<(Caller, DateTime<Utc>), SignInError> {
    let wait = async {
        while let Some(Ok(msg)) = stream.next().await {
            match msg {
                AggregatedMessage::Text(text) => {
                    return match serde_json::from_str::<ClientFrame>(&text) {
                        Ok(ClientFrame::Auth { token }) => sign_in(state, &token, mailbox).await,
                        Ok(ClientFrame::Ping) => {
                            let _ = session.text(frame(&ServerFrame::Pong)).await;
                            continue;
                        }
                        _ => Err((None, ErrorCode::Unauthenticated)),
                    };
                }
                AggregatedMessage::Ping(p) => {
                    let _ = session.pong(&p).await;
                }
                AggregatedMessage::Close(_) => break,
                _ => return Err((None, ErrorCode::Unauthenticated)),
            }
        }
        Err((None, ErrorCode::Unauthenticated))
    };
    tokio::time::timeout(within, wait).await.unwrap_or(Err((None, ErrorCode::AuthTimeout)))
}

/// Says why (an `error` frame, except to a consumer too slow to read it) and
/// closes. A slow consumer's queue may be full: closing waits a little at most.
async fn finish(mut session: Session, lang: Lang, end: End) {
    let reason = match end {
        End::Gone => None,
        End::Idle => Some(CloseReason { code: CloseCode::Normal, description: Some("idle".into()) }),
        End::Close(code, error) => {
            if code != close::TOO_SLOW {
                let _ = session.text(error_frame(error, lang)).await;
            }
            Some(CloseReason { code: CloseCode::Other(code), description: Some(error.as_str().into()) })
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), session.close(reason)).await;
}

fn frame(f: &ServerFrame) -> ByteString {
    ByteString::from(serde_json::to_string(f).unwrap_or_default())
}

fn error_frame(code: ErrorCode, lang: Lang) -> ByteString {
    frame(&ServerFrame::Error { code: code.as_str().into(), message: code.message(lang).into() })
}

impl Connection {
    /// Says the connection is signed in, serves it until it ends, and leaves
    /// the bus.
    ///
    /// Not an `async fn`: one copies its arguments into its future a second
    /// time (rust-lang/rust#62958), which every idle connection would carry.
    #[allow(clippy::manual_async_fn)]
    fn serve(
        mut self,
        mut stream: AggregatedMessageStream,
        mut rx: mpsc::Receiver<Delivery>,
    ) -> impl Future<Output = ()> {
        async move {
            let settings = self.state.settings.clone();
            let user_id = self.caller.actor().user_id;
            self.state.metrics.ws_connections.inc();
            let end = match self.session.text(frame(&ServerFrame::Authenticated { user_id })).await {
                Ok(()) => self.run(&mut stream, &mut rx, settings.ws_heartbeat(), settings.ws_idle_timeout()).await,
                Err(_) => End::Gone,
            };
            self.state.metrics.ws_connections.dec();
            self.state.realtime.bus().unsubscribe(Key::Account(user_id), &self.mailbox);
            for topic in self.following.keys() {
                self.state.realtime.bus().unsubscribe(self.key(*topic), &self.mailbox);
            }
            finish(self.session, self.lang, end).await;
        }
    }

    async fn run(
        &mut self,
        stream: &mut AggregatedMessageStream,
        rx: &mut mpsc::Receiver<Delivery>,
        heartbeat: Duration,
        idle_timeout: Duration,
    ) -> End {
        let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
        let mut last_heard = Instant::now();
        let overflow = self.mailbox.clone();
        loop {
            if overflow.has_overflowed() {
                return End::Close(close::TOO_SLOW, ErrorCode::ConsumerTooSlow);
            }
            let step = tokio::select! {
                biased;
                msg = stream.next() => match msg {
                    Some(Ok(msg)) => {
                        last_heard = Instant::now();
                        Box::pin(self.on_message(msg)).await
                    }
                    _ => Err(End::Gone),
                },
                Some(d) = rx.recv() => {
                    // Forward what else is already waiting, up to a bound, before
                    // looking at the other branches: the frames go out together.
                    let mut step = self.deliver(d).await;
                    for _ in 0..64 {
                        match rx.try_recv() {
                            Ok(d) if step.is_ok() => step = self.deliver(d).await,
                            _ => break,
                        }
                    }
                    step
                }
                _ = beat.tick() => self.on_heartbeat(last_heard.elapsed() >= idle_timeout).await,
                // Last: only looked at when nothing else is ready.
                () = overflow.overflowed() => Err(End::Close(close::TOO_SLOW, ErrorCode::ConsumerTooSlow)),
            };
            if let Err(end) = step {
                return end;
            }
        }
    }

    fn key(&self, topic: Topic) -> Key {
        match topic {
            Topic::Transaction(id) => Key::Transaction(id),
            Topic::Meeting(id) => Key::Meeting(id),
            Topic::Inbox => Key::Inbox(self.caller.actor().user_id),
        }
    }

    /// Queues a frame. A reader that stopped reading fills the socket and then
    /// the session's queue, and this would wait forever: the wait gives way as
    /// soon as the mailbox overflows, so that the connection is closed with 4408
    /// instead of lingering.
    async fn send(&mut self, text: ByteString) -> Result<(), End> {
        let overflow = self.mailbox.clone();
        tokio::select! {
            biased;
            sent = self.session.text(text) => sent.map_err(|_| End::Gone),
            () = overflow.overflowed() => Err(End::Close(close::TOO_SLOW, ErrorCode::ConsumerTooSlow)),
        }
    }

    async fn on_heartbeat(&mut self, silent_too_long: bool) -> Result<(), End> {
        if silent_too_long {
            return Err(End::Idle);
        }
        if Utc::now() >= self.expires {
            return Err(End::Close(close::UNAUTHORIZED, ErrorCode::TokenInvalid));
        }
        // Connected and answering: at work.
        self.state.presence.seen(self.caller.actor().user_id, Utc::now());
        for f in self.following.values_mut() {
            if let Following::Inbox { replayed, replayed_at } = f
                && replayed_at.elapsed() > Duration::from_secs(5)
            {
                *replayed = HashSet::new();
            }
        }
        self.session.ping(b"").await.map_err(|_| End::Gone)
    }

    async fn on_message(&mut self, msg: AggregatedMessage) -> Result<(), End> {
        match msg {
            AggregatedMessage::Text(text) => match serde_json::from_str::<ClientFrame>(&text) {
                Ok(f) => self.on_frame(f).await,
                Err(_) => self.send(error_frame(ErrorCode::Malformed, self.lang)).await,
            },
            AggregatedMessage::Binary(_) => self.send(error_frame(ErrorCode::Malformed, self.lang)).await,
            AggregatedMessage::Ping(p) => self.session.pong(&p).await.map_err(|_| End::Gone),
            AggregatedMessage::Pong(_) => Ok(()),
            AggregatedMessage::Close(_) => Err(End::Gone),
        }
    }

    async fn on_frame(&mut self, f: ClientFrame) -> Result<(), End> {
        match f {
            ClientFrame::Ping => self.send(frame(&ServerFrame::Pong)).await,
            // A fresh token before the current one expires keeps the connection;
            // it must be the same person's.
            ClientFrame::Auth { token } => match authenticate(&self.state, &token).await {
                Ok((caller, expires)) if caller.actor().user_id == self.caller.actor().user_id => {
                    self.viewer = Viewer::new(caller.actor());
                    self.caller = caller;
                    self.expires = expires;
                    self.send(frame(&ServerFrame::Authenticated { user_id: self.caller.actor().user_id })).await
                }
                Ok(_) => Err(End::Close(close::UNAUTHORIZED, ErrorCode::TokenInvalid)),
                Err(e) => Err(End::Close(close::UNAUTHORIZED, e.code)),
            },
            ClientFrame::Subscribe { topic, after_seq } => self.subscribe(topic, after_seq).await,
            ClientFrame::Unsubscribe { topic } => {
                if self.following.remove(&topic).is_some() {
                    self.state.realtime.bus().unsubscribe(self.key(topic), &self.mailbox);
                }
                self.send(frame(&ServerFrame::Unsubscribed { topic })).await
            }
        }
    }

    /// Follows a topic, replaying what the caller missed after `after`.
    ///
    /// The race between the replay and live delivery is closed by order: the
    /// mailbox joins the bus *before* the log is read, so an event committed
    /// after the read is certainly published to us, and one committed before it
    /// is in the read. What falls in both (committed before the read, published
    /// after the join) is recognised and dropped when it arrives live: on a
    /// transaction by its seq (at or below the seq read), on the inbox by the
    /// set of positions the replay sent. A live event whose seq jumps past the
    /// next one (a publication that overtook another) makes us read the gap
    /// from the log first, so the client sees every seq in order.
    async fn subscribe(&mut self, topic: Topic, after: Option<i64>) -> Result<(), End> {
        let db = self.state.db.read();
        let latest = match topic {
            Topic::Transaction(id) => {
                let facts = match store::find(db, id).await? {
                    Some(s) if self.viewer.can_view(&s.facts) => s.facts,
                    _ => return Err(End::Close(close::FORBIDDEN, ErrorCode::TopicForbidden)),
                };
                self.state.realtime.bus().subscribe(self.key(topic), &self.mailbox);
                let latest = store::last_seq(db, id).await?;
                if let Some(after) = after {
                    let after = u32::try_from(after.max(0)).unwrap_or(u32::MAX);
                    self.replay_transaction(id, &facts, after, latest).await?;
                }
                self.following.insert(topic, Following::Transaction { handled: latest });
                i64::from(latest)
            }
            Topic::Inbox => {
                self.state.realtime.bus().subscribe(self.key(topic), &self.mailbox);
                let latest = store::last_position(db).await?;
                let replayed = match after {
                    Some(after) => self.replay_inbox(after, latest).await?,
                    None => HashSet::new(),
                };
                self.following.insert(topic, Following::Inbox { replayed, replayed_at: Instant::now() });
                latest
            }
            Topic::Meeting(id) => {
                if !self.may_follow_meeting(db, id).await? {
                    return Err(End::Close(close::FORBIDDEN, ErrorCode::TopicForbidden));
                }
                self.state.realtime.bus().subscribe(self.key(topic), &self.mailbox);
                let latest = meeting_log::last_seq(db, id).await?;
                if let Some(after) = after {
                    let after = u32::try_from(after.max(0)).unwrap_or(u32::MAX);
                    self.replay_meeting(id, after, latest).await?;
                }
                self.following.insert(topic, Following::Meeting { handled: latest });
                i64::from(latest)
            }
        };
        self.send(frame(&ServerFrame::Subscribed { topic, seq: latest })).await
    }

    /// Sends the visible events of a transaction with seq in `(after, upto]`.
    async fn replay_transaction(
        &mut self,
        id: TransactionId,
        facts: &TransactionFacts,
        mut after: u32,
        upto: u32,
    ) -> Result<(), End> {
        let internal = self.viewer.sees_internal();
        while after < upto {
            let chunk = store::events_after(self.state.db.read(), id, after, internal, Some(REPLAY_CHUNK)).await?;
            let Some(last) = chunk.last().map(|e| e.seq) else { break };
            for event in chunk.into_iter().filter(|e| e.seq <= upto) {
                if self.viewer.can_see_event(facts, event.visibility) {
                    let seq = i64::from(event.seq);
                    self.send(frame(&ServerFrame::Event {
                        topic: Topic::Transaction(id),
                        seq,
                        transaction_id: None,
                        event: event.into(),
                    }))
                    .await?;
                }
            }
            after = last;
        }
        Ok(())
    }

    /// Whether the caller may see the meeting, and so all of its log.
    async fn may_follow_meeting(&self, db: &impl ConnectionTrait, id: MeetingId) -> Result<bool, End> {
        let Some(m) = meetings::find(db, id).await? else { return Ok(false) };
        let place = meetings::place(db, id, self.caller.actor().user_id).await?;
        Ok(can_view_meeting(self.caller.actor(), &m.facts, &place))
    }

    /// Sends the meeting's events with seq in `(after, upto]`.
    async fn replay_meeting(&mut self, id: MeetingId, mut after: u32, upto: u32) -> Result<(), End> {
        while after < upto {
            let chunk = meeting_log::events_after(self.state.db.read(), id, after, REPLAY_CHUNK).await?;
            let Some(last) = chunk.last().map(|e| e.seq) else { break };
            for event in chunk.into_iter().filter(|e| e.seq <= upto) {
                let seq = i64::from(event.seq);
                let event = TopicEvent::Meeting(event);
                self.send(frame(&ServerFrame::Event { topic: Topic::Meeting(id), seq, transaction_id: None, event }))
                    .await?;
            }
            after = last;
        }
        Ok(())
    }

    /// Sends the events after position `after` (up to `upto`) that notify the
    /// caller and that they may see; returns their positions.
    async fn replay_inbox(&mut self, mut after: i64, upto: i64) -> Result<HashSet<i64>, End> {
        let me = self.caller.actor().user_id;
        let mut sent = HashSet::new();
        while after < upto {
            let chunk = store::events_of_user_after(self.state.db.read(), me, after, REPLAY_CHUNK).await?;
            let Some(last) = chunk.last().map(|e| e.position) else { break };
            for e in chunk.into_iter().filter(|e| e.position <= upto) {
                if self.notified(&e.facts, &e.event) {
                    sent.insert(e.position);
                    self.send(frame(&ServerFrame::Event {
                        topic: Topic::Inbox,
                        seq: e.position,
                        transaction_id: Some(e.transaction_id),
                        event: e.event.into(),
                    }))
                    .await?;
                }
            }
            after = last;
        }
        Ok(sent)
    }

    /// Acts on a change to the caller's account.
    async fn on_signal(&mut self, signal: AccountSignal) -> Result<(), End> {
        let mine = self.caller.session;
        match signal {
            AccountSignal::SessionEnded { session } if session == mine => {
                Err(End::Close(close::UNAUTHORIZED, ErrorCode::TokenInvalid))
            }
            AccountSignal::OtherSessionsEnded { keep } if keep != mine => {
                Err(End::Close(close::UNAUTHORIZED, ErrorCode::TokenInvalid))
            }
            AccountSignal::SessionEnded { .. } | AccountSignal::OtherSessionsEnded { .. } => Ok(()),
            AccountSignal::Changed => self.reload_account().await,
        }
    }

    /// Loads the account again with the connection's session: a deactivated
    /// one, or an ended session (a signal missed while the bus between nodes
    /// was down is made up for by a `Changed` to everyone), is closed with 4401;
    /// otherwise the visibility rule is worked out anew, and a followed
    /// transaction or meeting that is no longer visible closes the connection
    /// with 4403. Events no longer visible are held back from then on by the
    /// new rule.
    async fn reload_account(&mut self) -> Result<(), End> {
        let db = self.state.db.read();
        let user = self.caller.actor().user_id;
        let account = match accounts::load_in_session(db, user, self.caller.session, Utc::now()).await? {
            Some((a, Some(_))) if a.active => a,
            Some((a, None)) if a.active => return Err(End::Close(close::UNAUTHORIZED, ErrorCode::TokenInvalid)),
            _ => return Err(End::Close(close::UNAUTHORIZED, ErrorCode::AccountDisabled)),
        };
        self.viewer = Viewer::new(&account.actor);
        self.caller.account = account;
        let followed: Vec<Topic> = self.following.keys().copied().collect();
        for topic in followed {
            let still = match topic {
                Topic::Transaction(id) => store::find(db, id).await?.is_some_and(|s| self.viewer.can_view(&s.facts)),
                Topic::Meeting(id) => self.may_follow_meeting(db, id).await?,
                Topic::Inbox => true,
            };
            if !still {
                return Err(End::Close(close::FORBIDDEN, ErrorCode::TopicForbidden));
            }
        }
        Ok(())
    }

    /// Forwards one published event if this connection follows it, has not had
    /// it yet, and may see it; acts on a signal about the account.
    async fn deliver(&mut self, d: Delivery) -> Result<(), End> {
        let (e, inbox) = match d {
            Delivery::Event { event, inbox } => (event, inbox),
            Delivery::Meeting(m) => return self.deliver_meeting(&m).await,
            Delivery::Account(signal) => return Box::pin(self.on_signal(signal)).await,
        };
        let e = &e;
        if inbox {
            let Some(Following::Inbox { replayed, .. }) = self.following.get_mut(&Topic::Inbox) else { return Ok(()) };
            if replayed.remove(&e.position) || !self.viewer.can_see_event(&e.facts, e.visibility) {
                return Ok(());
            }
            return self.send(e.inbox_frame.clone()).await;
        }
        let topic = Topic::Transaction(e.transaction_id);
        let Some(Following::Transaction { handled }) = self.following.get(&topic) else { return Ok(()) };
        let handled = *handled;
        if e.seq <= handled {
            return Ok(());
        }
        if e.seq > handled + 1 {
            // Boxed: rare, and it would otherwise make every connection's task
            // as large as a database query.
            Box::pin(self.replay_transaction(e.transaction_id, &e.facts, handled, e.seq - 1)).await?;
        }
        self.following.insert(topic, Following::Transaction { handled: e.seq });
        if self.viewer.can_see_event(&e.facts, e.visibility) {
            self.send(e.topic_frame.clone()).await?;
        }
        Ok(())
    }

    /// Forwards a meeting's event the connection follows and has not had yet,
    /// reading first from the log any it skipped (seqs arrive in order).
    async fn deliver_meeting(&mut self, e: &MeetingPublished) -> Result<(), End> {
        let topic = Topic::Meeting(e.meeting_id);
        let Some(Following::Meeting { handled }) = self.following.get(&topic) else { return Ok(()) };
        let handled = *handled;
        if e.seq <= handled {
            return Ok(());
        }
        if e.seq > handled + 1 {
            Box::pin(self.replay_meeting(e.meeting_id, handled, e.seq - 1)).await?;
        }
        self.following.insert(topic, Following::Meeting { handled: e.seq });
        self.send(e.frame.clone()).await
    }

    /// The inbox rule and the visibility rule together, for a replayed event.
    fn notified(&self, facts: &TransactionFacts, event: &EventView) -> bool {
        let me = self.caller.actor().user_id;
        notifies(facts, event.kind, event.visibility, event.actor.as_ref().map(|a| a.id)).contains(&me)
            && self.viewer.can_see_event(facts, event.visibility)
    }
}
