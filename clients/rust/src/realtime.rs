//! The real-time API (API.md "Real time") over a WebSocket: typed frames in and
//! out, and the close code when the server ends the connection.

use futures_util::{SinkExt, StreamExt};
use tawasul_core::realtime::{ClientFrame, ServerFrame, Topic};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// What arrives: a frame, or the end of the connection with its close code.
#[derive(Debug, Clone)]
pub enum Incoming {
    Frame(ServerFrame),
    Closed { code: u16, reason: String },
}

pub struct RealtimeConnection {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// `http://host:port` → `ws://host:port/api/v1/ws` (and https → wss).
pub fn ws_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    let rest = base.strip_prefix("https://").map(|r| format!("wss://{r}"));
    let url = rest.unwrap_or_else(|| base.replacen("http://", "ws://", 1));
    format!("{url}/api/v1/ws")
}

impl RealtimeConnection {
    /// Connects to the server at `base`; with a token, it authenticates by the
    /// `Authorization` header, otherwise send an `auth` frame within 5 seconds.
    pub async fn connect(base: &str, token: Option<&str>) -> Result<RealtimeConnection, WsError> {
        let mut request = ws_url(base).into_client_request()?;
        if let Some(token) = token {
            let value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|e| WsError::HttpFormat(e.into()))?;
            request.headers_mut().insert("authorization", value);
        }
        let (ws, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(RealtimeConnection { ws })
    }

    /// Wraps a connection made by other means (a chosen source address, say).
    pub fn from_stream(ws: WebSocketStream<MaybeTlsStream<TcpStream>>) -> RealtimeConnection {
        RealtimeConnection { ws }
    }

    pub async fn send(&mut self, frame: &ClientFrame) -> Result<(), WsError> {
        let text = serde_json::to_string(frame).map_err(|e| WsError::Io(std::io::Error::other(e)))?;
        self.ws.send(Message::text(text)).await
    }

    /// Sends a raw text frame (for tests of malformed input).
    pub async fn send_text(&mut self, text: &str) -> Result<(), WsError> {
        self.ws.send(Message::text(text.to_owned())).await
    }

    /// The next frame or the close; `None` once the connection has ended.
    /// Pings are answered by the library and not shown.
    pub async fn next(&mut self) -> Option<Incoming> {
        loop {
            match self.ws.next().await? {
                Ok(Message::Text(t)) => match serde_json::from_str(t.as_str()) {
                    Ok(f) => return Some(Incoming::Frame(f)),
                    Err(e) => return Some(Incoming::Closed { code: 0, reason: format!("unreadable frame: {e}") }),
                },
                Ok(Message::Close(c)) => return Some(closed(c)),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
    }

    /// Subscribes and collects the replayed events up to the `subscribed`
    /// frame; returns them with the topic's latest seq.
    pub async fn subscribe(
        &mut self,
        topic: Topic,
        after_seq: Option<i64>,
    ) -> Result<(Vec<ServerFrame>, i64), Incoming> {
        self.send(&ClientFrame::Subscribe { topic, after_seq })
            .await
            .map_err(|e| Incoming::Closed { code: 0, reason: e.to_string() })?;
        let mut replayed = Vec::new();
        loop {
            match self.next().await {
                Some(Incoming::Frame(ServerFrame::Subscribed { topic: t, seq })) if t == topic => {
                    return Ok((replayed, seq));
                }
                Some(Incoming::Frame(f @ ServerFrame::Event { .. })) => replayed.push(f),
                Some(Incoming::Frame(_)) => continue,
                Some(other) => return Err(other),
                None => return Err(Incoming::Closed { code: 0, reason: "connection ended".into() }),
            }
        }
    }

    /// Closes from our side.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

fn closed(c: Option<CloseFrame>) -> Incoming {
    match c {
        Some(c) => Incoming::Closed { code: c.code.into(), reason: c.reason.to_string() },
        None => Incoming::Closed { code: 1005, reason: String::new() },
    }
}
