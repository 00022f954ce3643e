//! Ends request bodies that arrive too slowly. A client may take
//! `body_timeout` to start; after that the body must keep up an average of
//! `upload_min_bytes_per_s`, so that a large upload on a slow line goes
//! through while a body trickled byte by byte does not hold a connection (and
//! a worker's memory) for minutes. WebSockets are left alone: their "body" is
//! the connection itself.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use bytes::Bytes;
use futures_util::Stream;
use tokio::time::{Instant, Sleep};

use crate::state::AppState;

const TIMED_OUT: &str = "request body arrived too slowly";

/// Whether a payload error is this guard's.
pub fn is_timeout(e: &PayloadError) -> bool {
    matches!(e, PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut && io.to_string() == TIMED_OUT)
}

/// Whether an error's text is this guard's (the object store keeps only the
/// text of the stream's error).
pub fn is_timeout_text(reason: &str) -> bool {
    reason.contains(TIMED_OUT)
}

pub async fn guard_slow_bodies(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let has_body = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    if let (true, Some(state)) = (has_body, req.app_data::<web::Data<AppState>>().cloned()) {
        let inner = req.take_payload();
        let settings = &state.settings;
        let guarded = Guarded::new(inner, settings.body_timeout(), settings.upload_min_bytes_per_s);
        req.set_payload(Payload::Stream { payload: Box::pin(guarded) });
    }
    next.call(req).await
}

/// A payload that fails with a timeout once it falls behind its deadline:
/// `start + grace + received / min_rate`.
struct Guarded {
    inner: Payload,
    start: Instant,
    grace: Duration,
    min_rate: u64,
    received: u64,
    timer: Pin<Box<Sleep>>,
    done: bool,
}

impl Guarded {
    fn new(inner: Payload, grace: Duration, min_rate: u64) -> Guarded {
        let start = Instant::now();
        Guarded {
            inner,
            start,
            grace,
            min_rate: min_rate.max(1),
            received: 0,
            timer: Box::pin(tokio::time::sleep(grace)),
            done: false,
        }
    }

    fn deadline(&self) -> Instant {
        self.start + self.grace + Duration::from_secs_f64(self.received as f64 / self.min_rate as f64)
    }
}

impl Stream for Guarded {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.received += chunk.len() as u64;
                let deadline = self.deadline();
                self.timer.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(other) => {
                self.done = other.is_none();
                Poll::Ready(other)
            }
            Poll::Pending => match self.timer.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    self.done = true;
                    let e = std::io::Error::new(std::io::ErrorKind::TimedOut, TIMED_OUT);
                    Poll::Ready(Some(Err(PayloadError::Io(e))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    fn trickle(chunks: Vec<(u64, usize)>) -> Payload {
        let s = futures_util::stream::iter(chunks).then(|(wait_ms, len)| async move {
            tokio::time::sleep(Duration::from_millis(wait_ms)).await;
            Ok::<_, PayloadError>(Bytes::from(vec![b'x'; len]))
        });
        Payload::Stream { payload: Box::pin(s) }
    }

    #[tokio::test(start_paused = true)]
    async fn a_trickled_body_times_out_and_a_steady_one_does_not() {
        // 1 s of grace, then 1000 bytes a second on average.
        let mut slow = Guarded::new(trickle(vec![(500, 1); 100]), Duration::from_secs(1), 1000);
        let mut got = 0;
        let err = loop {
            match slow.next().await {
                Some(Ok(_)) => got += 1,
                Some(Err(e)) => break e,
                None => panic!("the trickle should have timed out"),
            }
        };
        assert!(is_timeout(&err));
        assert!(got <= 3, "{got} chunks before the timeout");

        let steady = Guarded::new(trickle(vec![(900, 1000); 10]), Duration::from_secs(1), 1000);
        let all: Vec<_> = steady.collect().await;
        assert_eq!(all.len(), 10);
        assert!(all.iter().all(Result::is_ok));
    }
}
