//! The accept loop: every TCP connection is counted against the caps before hyper sees it, is
//! served by hyper's HTTP/1.1 connection with upgrades (WebSockets), and is cut off when its
//! request headers or its whole request take too long.
//!
//! Why hyper's `http1::Builder` and not `hyper_util`'s `auto::Builder`: the auto builder reads
//! the first 24 bytes (to sniff an HTTP/2 preface) with no timeout, and an HTTP/2 connection has
//! no header-read or idle timeout at all, so a client trickling `PRI * HTTP/2.0` could hold a
//! connection forever. Browsers never speak cleartext HTTP/2, and over TLS we offer only
//! `http/1.1` in ALPN, so HTTP/2 would buy nothing here.

use super::gate::{ClientInfo, RETRY_AFTER_SECS};
use super::io::{BodyFate, Counted, DeadlineBody};
use super::limits::{Limits, Refusal};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;
use tower_http::timeout::TimeoutLayer;

/// How long the edge waits for slow clients.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// From connection (or the end of the previous response) to the end of the request
    /// headers; an idle keep-alive connection is closed after this too.
    pub header: Duration,
    /// The whole request, body included, until the response starts: a handler still waiting
    /// after this is answered `408`, and a body still arriving fails wherever it is read; either
    /// way the connection is closed.
    pub request: Duration,
    /// After the shutdown signal: how long in-flight requests may take to finish.
    pub shutdown: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header: Duration::from_secs(10),
            request: Duration::from_secs(30),
            shutdown: Duration::from_secs(10),
        }
    }
}

/// Refusals being written at once; past this an over-cap connection is closed without a word
/// (each refusal holds a file handle for up to [`REFUSAL_TIME`]).
const MAX_REFUSALS: usize = 128;
/// How long a refusal may take to be written and its request drained.
const REFUSAL_TIME: Duration = Duration::from_secs(1);
/// After `accept` fails for lack of file handles, how long to wait before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// The largest request head hyper buffers (request line and headers).
const MAX_HEAD: usize = 64 * 1024;

/// What wraps each accepted socket before HTTP is spoken on it.
pub trait Handshake: Clone + Send + Sync + 'static {
    /// The socket HTTP is spoken over.
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    /// Turns the TCP socket into that (e.g. a TLS handshake); `None` drops the connection.
    fn handshake(&self, tcp: TcpStream) -> impl Future<Output = Option<Self::Io>> + Send;
    /// Whether an over-cap client can be told `503` in cleartext.
    fn plaintext(&self) -> bool;
}

/// Cleartext HTTP.
#[derive(Clone, Copy, Debug)]
pub struct Plain;

impl Handshake for Plain {
    type Io = TcpStream;
    async fn handshake(&self, tcp: TcpStream) -> Option<TcpStream> {
        Some(tcp)
    }
    fn plaintext(&self) -> bool {
        true
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting and lets
/// in-flight requests finish for at most `timeouts.shutdown`.
pub async fn serve<H: Handshake>(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    timeouts: Timeouts,
    handshake: H,
    shutdown: impl Future<Output = ()>,
) {
    let app =
        app.layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeouts.request));
    let (closing_tx, closing) = watch::channel(false);
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        match limits.try_connection(peer.ip()) {
            Ok(permit) => {
                let _ = tcp.set_nodelay(true);
                let conn = Conn {
                    info: ClientInfo { addr: peer, limits: limits.clone() },
                    app: app.clone(),
                    timeouts,
                    closing: closing.clone(),
                };
                let handshake = handshake.clone();
                tokio::spawn(async move {
                    let io = tokio::time::timeout(timeouts.header, handshake.handshake(tcp));
                    if let Ok(Some(io)) = io.await {
                        conn.serve(Counted::new(io, permit)).await;
                    }
                });
            }
            Err(why) => refuse(tcp, peer, why, handshake.plaintext(), &refusals),
        }
    }
    drop(listener);
    let _ = closing_tx.send(true);
    drop(closing);
    if tokio::time::timeout(timeouts.shutdown, closing_tx.closed()).await.is_err() {
        tracing::warn!("some requests were still running at shutdown");
    }
}

/// A transient accept error (the peer gave up) is ignored; running out of file handles is
/// waited out, since the caps keep a reserve and handles come back as connections close.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(e.kind(), ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted) {
        return;
    }
    tracing::warn!(error = %e, "accept failed; retrying shortly");
    tokio::time::sleep(ACCEPT_BACKOFF).await;
}

/// One accepted connection's HTTP side.
struct Conn {
    info: ClientInfo,
    app: Router,
    timeouts: Timeouts,
    closing: watch::Receiver<bool>,
}

impl Conn {
    async fn serve<I: AsyncRead + AsyncWrite + Unpin + Send + 'static>(self, io: I) {
        let Self { info, app, timeouts, mut closing } = self;
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let fate = BodyFate::default();
            let body = |body| Body::new(DeadlineBody::new(body, timeouts.request, &fate));
            let mut req = req.map(body);
            req.extensions_mut().insert(ConnectInfo(info.addr));
            req.extensions_mut().insert(info.clone());
            let call = app.clone().oneshot(req);
            async move {
                let mut response = call.await?;
                // A body cut off by its deadline is the client's timeout, however the handler
                // reported the read error (a server function says 500).
                if fate.expired.load(Ordering::Acquire) {
                    response = axum::response::IntoResponse::into_response((
                        StatusCode::REQUEST_TIMEOUT,
                        "the request body took too long",
                    ));
                }
                // Answered before its body was read (refused, or timed out): close, rather
                // than read the rest of a body nobody wants.
                let upgrade = response.status() == StatusCode::SWITCHING_PROTOCOLS;
                if !upgrade && !fate.finished.load(Ordering::Acquire) {
                    let close = axum::http::HeaderValue::from_static("close");
                    response.headers_mut().insert(axum::http::header::CONNECTION, close);
                }
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(timeouts.header)
            .max_buf_size(MAX_HEAD)
            .keep_alive(true);
        let conn = http.serve_connection(TokioIo::new(io), service).with_upgrades();
        tokio::pin!(conn);
        let closed = tokio::select! {
            _ = conn.as_mut() => true,
            _ = async { closing.wait_for(|closing| *closing).await.is_ok() } => false,
        };
        if !closed {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// Tells an over-cap client `503` (cleartext only) and closes. The response is written, the
/// write side shut, and the request drained briefly, so the client reads the answer instead of
/// a reset.
fn refuse(
    mut tcp: TcpStream,
    peer: SocketAddr,
    why: Refusal,
    plaintext: bool,
    slots: &Arc<Semaphore>,
) {
    tracing::debug!(%peer, ?why, "connection refused by the caps");
    let Some(slot) = slots.clone().try_acquire_owned().ok().filter(|_| plaintext) else {
        return;
    };
    tokio::spawn(async move {
        let _slot = slot;
        let answer = refusal_bytes(why);
        let _ = tokio::time::timeout(REFUSAL_TIME, async {
            tcp.write_all(&answer).await?;
            tcp.shutdown().await?;
            let mut sink = [0u8; 4096];
            while tcp.read(&mut sink).await? > 0 {}
            Ok::<_, std::io::Error>(())
        })
        .await;
    });
}

/// The refusal as raw HTTP/1.1 bytes (hyper never sees this connection).
fn refusal_bytes(why: Refusal) -> Vec<u8> {
    let body: &str = match why {
        Refusal::PerClient => "too many connections from this address",
        Refusal::Total => "the server is at its connection limit",
    };
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nretry-after: {RETRY_AFTER_SECS}\r\nconnection: close\r\n\
         content-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_a_complete_http_response() {
        let bytes = refusal_bytes(Refusal::PerClient);
        let text = String::from_utf8(bytes).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 503 "));
        assert!(head.contains("\r\nretry-after: 10") && head.contains("\r\nconnection: close"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
    }
}
