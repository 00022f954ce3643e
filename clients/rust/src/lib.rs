//! A typed client for the Tawasul HTTP API, built on the request and response
//! types of `tawasul-core`, so that client and server cannot disagree on a field.

pub mod realtime;

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tawasul_core::Lang;
use tawasul_core::api::*;
use tawasul_core::ids::{AttachmentId, EntityId, MeetingId, TransactionId, UserId, VoiceId, VoteId};
use tawasul_core::meetings::VoteResult;

/// An error answer from the server, or a failure to reach or read it.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{status}: {code}: {message}")]
    Api { status: u16, code: String, message: String, details: Option<serde_json::Value> },
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("unexpected response {status}: {body}")]
    Unexpected { status: u16, body: String },
}

impl ClientError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } | ClientError::Unexpected { status, .. } => Some(*status),
            ClientError::Transport(e) => e.status().map(|s| s.as_u16()),
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The error's `details`, if it has any.
    pub fn details(&self) -> Option<&serde_json::Value> {
        match self {
            ClientError::Api { details, .. } => details.as_ref(),
            _ => None,
        }
    }

    /// The invalid field the error names (`details.field`).
    pub fn field(&self) -> Option<&str> {
        self.details()?.get("field")?.as_str()
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
    lang: Option<Lang>,
}

impl Client {
    /// The server's address this client talks to.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `base` is the server's address, e.g. `http://127.0.0.1:8080`.
    pub fn new(base: impl Into<String>) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: base.into().trim_end_matches('/').to_owned(),
            token: None,
            lang: None,
        }
    }

    /// The same client acting with an access token.
    pub fn with_token(&self, token: impl Into<String>) -> Client {
        Client { token: Some(token.into()), ..self.clone() }
    }

    /// The same client asking for messages in `lang`.
    pub fn with_lang(&self, lang: Lang) -> Client {
        Client { lang: Some(lang), ..self.clone() }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// A real-time connection authenticated with this client's token.
    pub async fn realtime(
        &self,
    ) -> std::result::Result<realtime::RealtimeConnection, tokio_tungstenite::tungstenite::Error> {
        realtime::RealtimeConnection::connect(&self.base, self.token.as_deref()).await
    }

    /// A request builder with the client's token and language set.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut rb = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = &self.token {
            rb = rb.bearer_auth(t);
        }
        if let Some(l) = self.lang {
            rb = rb.header(reqwest::header::ACCEPT_LANGUAGE, l.as_str());
        }
        rb
    }

    pub async fn decode<T: DeserializeOwned>(res: reqwest::Response) -> Result<T> {
        let status = res.status();
        let bytes = res.bytes().await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|_| ClientError::Unexpected {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&bytes).into(),
            });
        }
        Err(Self::error_of(status, &bytes))
    }

    fn error_of(status: StatusCode, bytes: &[u8]) -> ClientError {
        let v: Option<serde_json::Value> = serde_json::from_slice(bytes).ok();
        match v.as_ref().and_then(|v| v.get("error")) {
            Some(e) => ClientError::Api {
                status: status.as_u16(),
                code: e["code"].as_str().unwrap_or_default().to_owned(),
                message: e["message"].as_str().unwrap_or_default().to_owned(),
                details: e.get("details").cloned(),
            },
            None => ClientError::Unexpected { status: status.as_u16(), body: String::from_utf8_lossy(bytes).into() },
        }
    }

    async fn send<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T> {
        let mut rb = self.request(method, path);
        if let Some(b) = body {
            rb = rb.json(b);
        }
        Self::decode(rb.send().await?).await
    }

    async fn send_empty<B: Serialize + ?Sized>(&self, method: Method, path: &str, body: Option<&B>) -> Result<()> {
        let mut rb = self.request(method, path);
        if let Some(b) = body {
            rb = rb.json(b);
        }
        let res = rb.send().await?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        Err(Self::error_of(status, &res.bytes().await?))
    }

    fn page_query(page: &PageQuery) -> String {
        let mut q = Vec::new();
        if let Some(l) = page.limit {
            q.push(format!("limit={l}"));
        }
        if let Some(c) = &page.cursor {
            q.push(format!("cursor={c}"));
        }
        if q.is_empty() { String::new() } else { format!("?{}", q.join("&")) }
    }

    // Health

    pub async fn healthz(&self) -> Result<serde_json::Value> {
        self.send::<(), _>(Method::GET, "/healthz", None).await
    }

    pub async fn readyz(&self) -> Result<serde_json::Value> {
        self.send::<(), _>(Method::GET, "/readyz", None).await
    }

    pub async fn openapi(&self) -> Result<serde_json::Value> {
        self.send::<(), _>(Method::GET, "/api/v1/openapi.json", None).await
    }

    // Identity

    pub async fn register(&self, r: &RegisterRequest) -> Result<AuthResponse> {
        self.send(Method::POST, "/api/v1/auth/register", Some(r)).await
    }

    pub async fn login(&self, login: &str, password: &str) -> Result<AuthResponse> {
        let body = LoginRequest { login: login.into(), password: password.into() };
        self.send(Method::POST, "/api/v1/auth/login", Some(&body)).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair> {
        self.send(Method::POST, "/api/v1/auth/refresh", Some(&RefreshRequest { refresh_token: refresh_token.into() }))
            .await
    }

    pub async fn logout(&self, refresh_token: Option<&str>) -> Result<()> {
        let body = LogoutRequest { refresh_token: refresh_token.map(str::to_owned) };
        self.send_empty(Method::POST, "/api/v1/auth/logout", Some(&body)).await
    }

    pub async fn otp_send(&self, channel: OtpChannel) -> Result<serde_json::Value> {
        self.send(Method::POST, "/api/v1/auth/otp/send", Some(&OtpSendRequest { channel: channel.as_str().into() }))
            .await
    }

    pub async fn otp_verify(&self, channel: OtpChannel, code: &str) -> Result<UserView> {
        let body = OtpVerifyRequest { channel: channel.as_str().into(), code: code.into() };
        self.send(Method::POST, "/api/v1/auth/otp/verify", Some(&body)).await
    }

    pub async fn change_password(&self, current: &str, new: &str) -> Result<()> {
        let body = ChangePasswordRequest { current_password: current.into(), new_password: new.into() };
        self.send_empty(Method::POST, "/api/v1/auth/password", Some(&body)).await
    }

    /// Asks for a code to reset a forgotten password (no token needed).
    pub async fn forgot_password(&self, login: &str, channel: OtpChannel) -> Result<serde_json::Value> {
        let body = ForgotPasswordRequest { login: login.into(), channel: channel.as_str().into() };
        self.send(Method::POST, "/api/v1/auth/password/forgot", Some(&body)).await
    }

    /// Sets a new password with the code sent.
    pub async fn reset_password(&self, body: &ResetPasswordRequest) -> Result<()> {
        self.send_empty(Method::POST, "/api/v1/auth/password/reset", Some(body)).await
    }

    pub async fn me(&self) -> Result<UserView> {
        self.send::<(), _>(Method::GET, "/api/v1/me", None).await
    }

    // Entities and their organisation

    pub async fn create_entity(&self, r: &CreateEntityRequest) -> Result<EntityCreated> {
        self.send(Method::POST, "/api/v1/entities", Some(r)).await
    }

    pub async fn list_entities(&self, page: &PageQuery) -> Result<Page<EntitySummary>> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/entities{}", Self::page_query(page)), None).await
    }

    pub async fn create_department(&self, entity: EntityId, r: &CreateDepartmentRequest) -> Result<DepartmentView> {
        self.send(Method::POST, &format!("/api/v1/entities/{entity}/departments"), Some(r)).await
    }

    pub async fn list_departments(&self, entity: EntityId, page: &PageQuery) -> Result<Page<DepartmentView>> {
        let path = format!("/api/v1/entities/{entity}/departments{}", Self::page_query(page));
        self.send::<(), _>(Method::GET, &path, None).await
    }

    pub async fn create_employee(&self, entity: EntityId, r: &CreateEmployeeRequest) -> Result<EmployeeView> {
        self.send(Method::POST, &format!("/api/v1/entities/{entity}/employees"), Some(r)).await
    }

    pub async fn update_employee(&self, employee: UserId, r: &UpdateEmployeeRequest) -> Result<EmployeeView> {
        self.send(Method::PATCH, &format!("/api/v1/employees/{employee}"), Some(r)).await
    }

    pub async fn create_transaction_type(
        &self,
        entity: EntityId,
        r: &CreateTransactionTypeRequest,
    ) -> Result<TransactionTypeView> {
        self.send(Method::POST, &format!("/api/v1/entities/{entity}/transaction-types"), Some(r)).await
    }

    pub async fn list_transaction_types(
        &self,
        entity: EntityId,
        page: &PageQuery,
    ) -> Result<Page<TransactionTypeView>> {
        let path = format!("/api/v1/entities/{entity}/transaction-types{}", Self::page_query(page));
        self.send::<(), _>(Method::GET, &path, None).await
    }

    pub async fn create_regulator(&self, r: &CreateRegulatorRequest) -> Result<RegulatorView> {
        self.send(Method::POST, "/api/v1/regulators", Some(r)).await
    }

    /// The entity's working calendar.
    pub async fn calendar(&self, entity: EntityId) -> Result<CalendarView> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/entities/{entity}/calendar"), None).await
    }

    pub async fn set_calendar(&self, entity: EntityId, c: &CalendarView) -> Result<CalendarView> {
        self.send(Method::PUT, &format!("/api/v1/entities/{entity}/calendar"), Some(c)).await
    }

    /// An entity's figures; `query` is the query string without `?`.
    pub async fn entity_stats(&self, entity: EntityId, query: &str) -> Result<EntityStatsView> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/stats/entities/{entity}?{query}"), None).await
    }

    /// The same as CSV (`Accept: text/csv`): the body as sent.
    pub async fn entity_stats_csv(&self, entity: EntityId, query: &str) -> Result<String> {
        self.csv(&format!("/api/v1/stats/entities/{entity}?{query}")).await
    }

    /// Each employee's figures over a period, with their time present.
    pub async fn employee_stats(&self, entity: EntityId, query: &str) -> Result<EmployeeStatsView> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/stats/entities/{entity}/employees?{query}"), None).await
    }

    pub async fn employee_stats_csv(&self, entity: EntityId, query: &str) -> Result<String> {
        self.csv(&format!("/api/v1/stats/entities/{entity}/employees?{query}")).await
    }

    /// The caller's own history over a period (`?from=&to=`).
    pub async fn my_stats(&self, query: &str) -> Result<OwnStatsView> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/me/stats?{query}"), None).await
    }

    /// An entity's transactions over a period, one row each.
    pub async fn transaction_rows(&self, entity: EntityId, query: &str) -> Result<TransactionRowsView> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/stats/entities/{entity}/transactions?{query}"), None).await
    }

    pub async fn transaction_rows_csv(&self, entity: EntityId, query: &str) -> Result<String> {
        self.csv(&format!("/api/v1/stats/entities/{entity}/transactions?{query}")).await
    }

    /// Every entity in the caller's remit side by side, with the index.
    pub async fn platform_stats(&self, query: &str) -> Result<PlatformStatsView> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/stats/platform?{query}"), None).await
    }

    pub async fn platform_stats_csv(&self, query: &str) -> Result<String> {
        self.csv(&format!("/api/v1/stats/platform?{query}")).await
    }

    pub async fn targets(&self, entity: EntityId) -> Result<TargetsView> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/entities/{entity}/targets"), None).await
    }

    pub async fn set_targets(&self, entity: EntityId, r: &SetTargetsRequest) -> Result<TargetsView> {
        self.send(Method::PUT, &format!("/api/v1/entities/{entity}/targets"), Some(r)).await
    }

    /// A report as CSV (`Accept: text/csv`): the body as sent.
    async fn csv(&self, path: &str) -> Result<String> {
        let res = self.request(Method::GET, path).header(reqwest::header::ACCEPT, "text/csv").send().await?;
        let status = res.status();
        let bytes = res.bytes().await?;
        if !status.is_success() {
            return Err(Self::error_of(status, &bytes));
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Every regulator with their remit (the platform admin's).
    pub async fn list_regulators(&self) -> Result<Page<RegulatorView>> {
        self.send::<(), _>(Method::GET, "/api/v1/regulators", None).await
    }

    // Transactions

    pub async fn create_transaction(&self, r: &CreateTransactionRequest) -> Result<TransactionView> {
        self.send(Method::POST, "/api/v1/transactions", Some(r)).await
    }

    /// `query` is the query string without `?`, e.g. `assignee=me&late=true`.
    pub async fn list_transactions(&self, query: &str) -> Result<Page<TransactionView>> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/transactions?{query}"), None).await
    }

    pub async fn get_transaction(&self, id: TransactionId) -> Result<TransactionView> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/transactions/{id}"), None).await
    }

    pub async fn lookup_transaction(&self, reference: &str) -> Result<TransactionView> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/transactions/lookup?reference={reference}"), None).await
    }

    /// Looks a reference up at one entity (needed when the caller has it at several).
    pub async fn lookup_transaction_at(&self, reference: &str, entity: EntityId) -> Result<TransactionView> {
        let path = format!("/api/v1/transactions/lookup?reference={reference}&entity_id={entity}");
        self.send::<(), _>(Method::GET, &path, None).await
    }

    /// `GET /search` with its parameters (`q`, `entity_id`, `kind`, `cursor`…).
    pub async fn search(&self, params: &[(&str, &str)]) -> Result<SearchPage> {
        Self::decode(self.request(Method::GET, "/api/v1/search").query(params).send().await?).await
    }

    pub async fn timeline(&self, id: TransactionId) -> Result<Vec<EventView>> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/transactions/{id}/timeline"), None).await
    }

    pub async fn comment(&self, id: TransactionId, visibility: &str, body: &str) -> Result<EventView> {
        let r = CommentRequest { visibility: Some(visibility.into()), body: body.into() };
        self.send(Method::POST, &format!("/api/v1/transactions/{id}/comments"), Some(&r)).await
    }

    /// A lifecycle step: `assign`, `postpone`, `await-beneficiary`, `complete`,
    /// `reject`, `reopen`, with its JSON body.
    pub async fn step(&self, id: TransactionId, step: &str, body: &serde_json::Value) -> Result<TransactionView> {
        self.send(Method::POST, &format!("/api/v1/transactions/{id}/{step}"), Some(body)).await
    }

    pub async fn rate(&self, id: TransactionId, stars: i64, comment: Option<&str>) -> Result<EventView> {
        let r = RateRequest { stars, comment: comment.map(str::to_owned) };
        self.send(Method::POST, &format!("/api/v1/transactions/{id}/rate"), Some(&r)).await
    }

    // Attachments

    /// Uploads `bytes` as `name`; `claimed_type` is what the client says it is
    /// (the server does not believe it).
    pub async fn upload_attachment(
        &self,
        id: TransactionId,
        visibility: &str,
        name: &str,
        claimed_type: &str,
        bytes: Vec<u8>,
    ) -> Result<AttachmentView> {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()).mime_str(claimed_type)?;
        let form = reqwest::multipart::Form::new().text("visibility", visibility.to_owned()).part("file", part);
        let rb = self.request(Method::POST, &format!("/api/v1/transactions/{id}/attachments")).multipart(form);
        Self::decode(rb.send().await?).await
    }

    /// Records a voice note: `bytes` in `content_type` (`audio/ogg`, `audio/webm`, `audio/wav`).
    pub async fn record_voice(
        &self,
        id: TransactionId,
        visibility: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<VoiceView> {
        let rb = self
            .request(Method::POST, &format!("/api/v1/transactions/{id}/voice?visibility={visibility}"))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes);
        Self::decode(rb.send().await?).await
    }

    /// A voice note's Ogg Opus, with the response's headers.
    pub async fn play_voice(&self, id: VoiceId) -> Result<(reqwest::header::HeaderMap, Vec<u8>)> {
        self.fetch_bytes(&format!("/api/v1/voice/{id}")).await
    }

    async fn fetch_bytes(&self, path: &str) -> Result<(reqwest::header::HeaderMap, Vec<u8>)> {
        let res = self.request(Method::GET, path).send().await?;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.bytes().await?;
        if status.is_success() { Ok((headers, bytes.to_vec())) } else { Err(Self::error_of(status, &bytes)) }
    }

    /// The bytes of an attachment, with the response's headers.
    pub async fn download_attachment(&self, id: AttachmentId) -> Result<(reqwest::header::HeaderMap, Vec<u8>)> {
        self.fetch_bytes(&format!("/api/v1/attachments/{id}")).await
    }

    // Meetings and voting

    pub async fn create_meeting(&self, r: &CreateMeetingRequest) -> Result<MeetingView> {
        self.send(Method::POST, "/api/v1/meetings", Some(r)).await
    }

    pub async fn meeting(&self, id: MeetingId) -> Result<MeetingView> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/meetings/{id}"), None).await
    }

    pub async fn change_meeting(&self, id: MeetingId, r: &ChangeMeetingRequest) -> Result<MeetingView> {
        self.send(Method::PATCH, &format!("/api/v1/meetings/{id}"), Some(r)).await
    }

    pub async fn cancel_meeting(&self, id: MeetingId) -> Result<MeetingView> {
        self.send::<(), _>(Method::POST, &format!("/api/v1/meetings/{id}/cancel"), None).await
    }

    pub async fn rsvp(&self, id: MeetingId, response: &str) -> Result<serde_json::Value> {
        let r = RsvpRequest { response: response.to_owned() };
        self.send(Method::POST, &format!("/api/v1/meetings/{id}/rsvp"), Some(&r)).await
    }

    pub async fn check_in(&self, id: MeetingId) -> Result<serde_json::Value> {
        self.send::<(), _>(Method::POST, &format!("/api/v1/meetings/{id}/check-in"), None).await
    }

    pub async fn add_note(&self, id: MeetingId, body: &str, agenda_item: Option<u32>) -> Result<NoteView> {
        let r = NoteRequest { body: body.to_owned(), agenda_item };
        self.send(Method::POST, &format!("/api/v1/meetings/{id}/notes"), Some(&r)).await
    }

    pub async fn draft_minutes(&self, id: MeetingId, body: &str) -> Result<MinutesView> {
        let r = MinutesRequest { body: body.to_owned() };
        self.send(Method::PUT, &format!("/api/v1/meetings/{id}/minutes"), Some(&r)).await
    }

    pub async fn approve_minutes(&self, id: MeetingId) -> Result<MinutesView> {
        self.send::<(), _>(Method::POST, &format!("/api/v1/meetings/{id}/minutes/approve"), None).await
    }

    pub async fn record_decision(&self, id: MeetingId, text: &str, vote: Option<VoteId>) -> Result<DecisionView> {
        let r = DecisionRequest { text: text.to_owned(), vote_id: vote.map(|v| v.to_string()) };
        self.send(Method::POST, &format!("/api/v1/meetings/{id}/decisions"), Some(&r)).await
    }

    pub async fn open_vote(&self, id: MeetingId, r: &CreateVoteRequest) -> Result<VoteView> {
        self.send(Method::POST, &format!("/api/v1/meetings/{id}/votes"), Some(r)).await
    }

    pub async fn cast_ballot(&self, id: VoteId, option_index: u32) -> Result<BallotReceipt> {
        self.send(Method::POST, &format!("/api/v1/votes/{id}/ballots"), Some(&BallotRequest { option_index })).await
    }

    pub async fn close_vote(&self, id: VoteId) -> Result<VoteResult> {
        self.send::<(), _>(Method::POST, &format!("/api/v1/votes/{id}/close"), None).await
    }

    pub async fn vote(&self, id: VoteId) -> Result<VoteView> {
        self.send::<(), _>(Method::GET, &format!("/api/v1/votes/{id}"), None).await
    }

    pub async fn decisions(&self, entity: EntityId) -> Result<Vec<DecisionView>> {
        #[derive(serde::Deserialize)]
        struct Items {
            items: Vec<DecisionView>,
        }
        let page: Items =
            self.send::<(), _>(Method::GET, &format!("/api/v1/entities/{entity}/decisions"), None).await?;
        Ok(page.items)
    }

    // The employee's calendar

    pub async fn my_calendar(&self, from: Option<&str>, to: Option<&str>) -> Result<MyCalendarView> {
        let q = MyCalendarQuery { from: from.map(str::to_owned), to: to.map(str::to_owned) };
        Self::decode(self.request(Method::GET, "/api/v1/me/calendar").query(&q).send().await?).await
    }

    pub async fn add_reminder(&self, r: &CreateReminderRequest) -> Result<ReminderView> {
        self.send(Method::POST, "/api/v1/me/reminders", Some(r)).await
    }

    pub async fn calendar_feed(&self) -> Result<CalendarFeedView> {
        self.send::<(), _>(Method::GET, "/api/v1/me/calendar/feed", None).await
    }

    pub async fn reset_calendar_feed(&self) -> Result<CalendarFeedView> {
        self.send::<(), _>(Method::POST, "/api/v1/me/calendar/feed/reset", None).await
    }
}
