//! Node to node: a socket that landed on a node other than its room's owner is carried to the
//! owner over a WebSocket of its own (one per browser socket), and a highlight upload over one
//! HTTP request. The owner serves them on its node port ([`node_router`]), which only accepts
//! requests carrying the deployment's node token.
//!
//! Why a direct connection rather than Redis pub/sub: every signal then takes one extra hop
//! between two nodes instead of two trips through Redis, Redis stays out of the message path
//! (it holds the small directory only, so it is never what limits the relay), and each
//! forwarded socket keeps its own back-pressure and its close: a browser that closes cleanly
//! leaves its seat, one that drops keeps it for a resume, on the owner as on a single node.

use crate::browser::BrowserId;
use crate::protocol::{CloseReason, RoomId};
use crate::signaling::server::{HubHandle, PING_EVERY, WRITE_STALL};
use crate::signaling::ticket::TicketKey;
use crate::signaling::upload::{deliver, Seat, TICKET_HEADER};
use crate::signaling::wire::{BrowserSocket, Upgrade, UpgradeRejection};
use axum::extract::ws::{CloseFrame, Message};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures::{Sink, SinkExt, Stream, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame as TCloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message as TMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::Cluster;
use crate::signaling::server::TRANSPORT_LIMIT;

/// What the socket to a room's owner reads at a time (tungstenite keeps a buffer this size per
/// forwarded socket).
const READ_BUFFER: usize = 1024;

/// The header with the deployment's node token.
pub const NODE_TOKEN_HEADER: &str = "x-straightface-node";
/// The header with the browser id of a forwarded socket (its `sf_browser` cookie, checked by
/// the node it landed on).
pub const BROWSER_HEADER: &str = "x-straightface-browser";
/// How long connecting to another node may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// A forwarded browser that has sent nothing, not even a pong, for this long is gone: a ping
/// goes out every [`PING_EVERY`], and its pong has 10 s to come back (as for the hub's
/// heartbeat). At most one interval would cut off a browser whose pong came a moment late.
const SILENCE: Duration = PING_EVERY.saturating_add(Duration::from_secs(10));
/// The close sent to a browser whose room's node went away: it reconnects and resumes its
/// seat, wherever the room is served next ([`CloseReason::Moving`]).
pub const MOVING: (u16, &str) = (CloseReason::Moving.code(), CloseReason::Moving.text());

/// The socket to the owner of a forwarded browser's room.
pub type Upstream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens the owner's end of a browser socket of `room`, at node address `addr`.
pub async fn connect(
    addr: &str,
    room: &RoomId,
    browser: Option<BrowserId>,
    token: &str,
) -> Result<Upstream, String> {
    let mut request =
        format!("ws://{addr}/node/ws/{room}").into_client_request().map_err(|e| e.to_string())?;
    let headers = request.headers_mut();
    headers.insert(NODE_TOKEN_HEADER, token.parse().map_err(|_| "bad token")?);
    if let Some(browser) = browser {
        headers.insert(BROWSER_HEADER, browser.to_string().parse().map_err(|_| "bad browser")?);
    }
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(Some(TRANSPORT_LIMIT))
        .max_frame_size(Some(TRANSPORT_LIMIT));
    let connecting = tokio_tungstenite::connect_async_with_config(
        request,
        Some(config),
        /* nodelay */ true,
    );
    match tokio::time::timeout(CONNECT_TIMEOUT, connecting).await {
        Ok(Ok((ws, _))) => Ok(ws),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("timed out".into()),
    }
}

/// Carries frames between a browser's socket and its room's owner until either ends. A clean
/// close goes through as a close; a browser that drops (or falls silent) drops the owner's
/// socket without one, so its seat is held for a resume; an owner that drops (or falls silent)
/// is reported to the browser as [`MOVING`].
pub async fn pipe<C, U>(client: C, upstream: U)
where
    C: Sink<Message> + Stream<Item = Result<Message, axum::Error>>,
    U: Sink<TMessage> + Stream<Item = Result<TMessage, tungstenite::Error>>,
{
    let (mut to_client, mut from_client) = client.split();
    let (mut to_owner, mut from_owner) = upstream.split();
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
    let mut heard = tokio::time::Instant::now();
    // The owner pings every PING_EVERY as it pings any socket; an owner whose host died (no
    // reset ever comes) would otherwise leave the browser in a room nobody serves.
    let mut owner_heard = heard;
    loop {
        tokio::select! {
            frame = from_client.next() => {
                heard = tokio::time::Instant::now();
                let frame = match frame {
                    Some(Ok(Message::Text(text))) => TMessage::text(text.as_str()),
                    Some(Ok(Message::Binary(bytes))) => TMessage::Binary(bytes),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(frame))) => {
                        let frame = frame.map(|f| TCloseFrame {
                            code: CloseCode::from(f.code),
                            reason: f.reason.as_str().into(),
                        });
                        let _ = to_owner.send(TMessage::Close(frame)).await;
                        return;
                    }
                    Some(Err(_)) | None => return,
                };
                if !matches!(tokio::time::timeout(WRITE_STALL, to_owner.send(frame)).await, Ok(Ok(()))) {
                    close(&mut to_client, MOVING).await;
                    return;
                }
            }
            frame = from_owner.next() => {
                owner_heard = tokio::time::Instant::now();
                let frame = match frame {
                    Some(Ok(TMessage::Text(text))) => Message::text(text.as_str()),
                    Some(Ok(TMessage::Binary(bytes))) => Message::Binary(bytes),
                    Some(Ok(TMessage::Close(frame))) => {
                        let frame = frame.map(|f| CloseFrame {
                            code: f.code.into(),
                            reason: f.reason.as_str().into(),
                        });
                        let _ = send(&mut to_client, Message::Close(frame)).await;
                        return;
                    }
                    // tungstenite answers the owner's pings itself.
                    Some(Ok(_)) => continue,
                    Some(Err(_)) | None => {
                        close(&mut to_client, MOVING).await;
                        return;
                    }
                };
                if !send(&mut to_client, frame).await {
                    return;
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > SILENCE || !send(&mut to_client, Message::Ping(Default::default())).await {
                    return;
                }
                if owner_heard.elapsed() > SILENCE {
                    close(&mut to_client, MOVING).await;
                    return;
                }
            }
        }
    }
}

async fn send<S: Sink<Message> + Unpin>(sink: &mut S, message: Message) -> bool {
    matches!(tokio::time::timeout(WRITE_STALL, sink.send(message)).await, Ok(Ok(())))
}

/// Closes a browser's socket with [`MOVING`]: it reconnects and resumes where its room is now.
pub async fn send_on(mut socket: BrowserSocket) {
    close(&mut socket, MOVING).await;
}

/// Sends a close frame (code, reason).
pub async fn close<S: Sink<Message> + Unpin>(sink: &mut S, (code, reason): (u16, &str)) {
    let _ = send(sink, Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
}

/// Hands a checked highlight upload to the owner of its room at `addr`; the owner's answer
/// (status and JSON body) is the answer.
pub async fn upload(
    addr: &str,
    token: &str,
    seat: &Seat,
    request_id: u64,
    ticket: &str,
    jpeg: axum::body::Bytes,
) -> Result<Response, String> {
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr))
        .await
        .map_err(|_| "timed out".to_string())?
        .map_err(|e| e.to_string())?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let uri = format!("/node/highlights/{request_id}?room={}&peer={}", seat.room, seat.peer.0);
    let request = axum::http::Request::post(uri)
        .header(axum::http::header::HOST, addr)
        .header(NODE_TOKEN_HEADER, token)
        .header(TICKET_HEADER, ticket)
        .body(axum::body::Body::from(jpeg))
        .map_err(|e| e.to_string())?;
    let response = sender.send_request(request).await.map_err(|e| e.to_string())?;
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(axum::body::Body::new(body), 64 * 1024)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Response::from_parts(parts, axum::body::Body::from(body)))
}

/// What the node port serves: the owner's end of forwarded sockets and uploads.
#[derive(Clone)]
struct NodeState {
    cluster: Arc<Cluster>,
    hub: HubHandle,
    tickets: Arc<TicketKey>,
}

/// The routes of the node port, for other nodes of the deployment only.
pub fn node_router(cluster: Arc<Cluster>, hub: HubHandle, tickets: Arc<TicketKey>) -> Router {
    Router::new()
        .route("/node/ws/{room}", get(node_socket))
        .route("/node/highlights/{request_id}", post(node_upload))
        .with_state(NodeState { cluster, hub, tickets })
}

/// Whether the request carries the deployment's node token.
fn from_a_node(headers: &HeaderMap, tickets: &TicketKey) -> bool {
    headers
        .get(NODE_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| tickets.verify_node_token(t))
}

/// `GET /node/ws/{room}`: a browser socket another node forwards. Served here if this node
/// owns the room (or takes it over); otherwise closed with [`MOVING`], and the forwarding
/// node asks the directory again.
async fn node_socket(
    State(node): State<NodeState>,
    Path(room): Path<String>,
    headers: HeaderMap,
    ws: Result<Upgrade, UpgradeRejection>,
) -> Response {
    if !from_a_node(&headers, &node.tickets) {
        return (StatusCode::FORBIDDEN, "not a node of this deployment").into_response();
    }
    let ws = match ws {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    let Ok(room) = RoomId::parse(&room) else {
        return (StatusCode::BAD_REQUEST, "not a room id").into_response();
    };
    let browser =
        headers.get(BROWSER_HEADER).and_then(|v| v.to_str().ok()).and_then(BrowserId::parse);
    let hub = node.hub.for_room(Some(room.clone())).for_browser(browser);
    ws.on_upgrade(move |socket| async move {
        if node.cluster.has_left() {
            return send_on(socket).await;
        }
        match node.cluster.claim(&room).await {
            Ok(super::Owner::Me { .. }) => node.cluster.serve_here(socket, hub, &room).await,
            Ok(super::Owner::Node(_)) | Err(_) => send_on(socket).await,
        }
    })
}

/// `POST /node/highlights/{request_id}`: an upload another node checked and forwards to the
/// owner of its room.
async fn node_upload(
    State(node): State<NodeState>,
    Path(request_id): Path<u64>,
    Query(seat): Query<Seat>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if !from_a_node(&headers, &node.tickets) {
        return (StatusCode::FORBIDDEN, "not a node of this deployment").into_response();
    }
    let ticket = headers.get(TICKET_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    deliver(&node.hub, seat, request_id, ticket, body).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signaling::server::testing::Joined;
    use futures::channel::mpsc;
    use tokio::task::JoinHandle;
    use tokio::time::{sleep_until, Instant};

    /// The far ends of a piped browser socket and owner socket.
    struct Ends {
        to_browser: mpsc::UnboundedReceiver<Message>,
        browser_says: mpsc::UnboundedSender<Result<Message, axum::Error>>,
        to_owner: mpsc::UnboundedReceiver<TMessage>,
        owner_says: mpsc::UnboundedSender<Result<TMessage, tungstenite::Error>>,
    }

    fn piped() -> (Ends, JoinHandle<()>) {
        let (browser_sink, to_browser) = mpsc::unbounded();
        let (browser_says, browser_stream) = mpsc::unbounded();
        let (owner_sink, to_owner) = mpsc::unbounded();
        let (owner_says, owner_stream) = mpsc::unbounded();
        let client = Joined { sink: browser_sink, stream: browser_stream };
        let upstream = Joined { sink: owner_sink, stream: owner_stream };
        let task = tokio::spawn(pipe(client, upstream));
        (Ends { to_browser, browser_says, to_owner, owner_says }, task)
    }

    fn pings(to_browser: &mut mpsc::UnboundedReceiver<Message>) -> usize {
        std::iter::from_fn(|| to_browser.try_recv().ok())
            .filter(|m| matches!(m, Message::Ping(_)))
            .count()
    }

    #[tokio::test(start_paused = true)]
    async fn a_forwarded_browser_that_falls_silent_is_dropped_without_a_close_to_the_owner() {
        let start = Instant::now();
        let (mut ends, task) = piped();
        sleep_until(start + PING_EVERY + Duration::from_secs(1)).await;
        assert!(!task.is_finished(), "dropped before its first ping");
        assert_eq!(pings(&mut ends.to_browser), 1);
        sleep_until(start + PING_EVERY * 2 + Duration::from_secs(1)).await;
        assert!(task.is_finished(), "kept after a missed ping and its {SILENCE:?} of silence");
        // No close frame went to the owner: the browser dropped, so its seat is held.
        assert!(matches!(ends.to_owner.try_recv(), Err(mpsc::TryRecvError::Closed)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_forwarded_browser_whose_pong_comes_late_is_kept() {
        let start = Instant::now();
        let (mut ends, task) = piped();
        // The pong to the first ping arrives 9 s late, within the slack (the owner pings too).
        sleep_until(start + PING_EVERY + Duration::from_secs(9)).await;
        ends.browser_says.unbounded_send(Ok(Message::Pong(Default::default()))).unwrap();
        ends.owner_says.unbounded_send(Ok(TMessage::Ping(Default::default()))).unwrap();
        sleep_until(start + PING_EVERY * 2 + Duration::from_secs(1)).await;
        assert!(!task.is_finished(), "a browser that answered was dropped");
        assert_eq!(pings(&mut ends.to_browser), 2);
        // Then it says nothing more: gone at the first tick past SILENCE after that pong.
        sleep_until(start + PING_EVERY * 3 + Duration::from_secs(1)).await;
        assert!(task.is_finished());
    }

    #[tokio::test(start_paused = true)]
    async fn an_owner_that_falls_silent_sends_the_browser_on() {
        let start = Instant::now();
        let (mut ends, task) = piped();
        // The browser answers every ping; the owner pings twice (as a live owner does), then its
        // host is gone without a reset.
        for k in 1..=3 {
            sleep_until(start + PING_EVERY * k + Duration::from_secs(1)).await;
            assert!(!task.is_finished(), "sent on while the owner was still heard");
            ends.browser_says.unbounded_send(Ok(Message::Pong(Default::default()))).unwrap();
            if k <= 2 {
                ends.owner_says.unbounded_send(Ok(TMessage::Ping(Default::default()))).unwrap();
            }
        }
        sleep_until(start + PING_EVERY * 4 + Duration::from_secs(1)).await;
        assert!(task.is_finished(), "kept after {SILENCE:?} without a word from the owner");
        let close = std::iter::from_fn(|| ends.to_browser.try_recv().ok()).find_map(|m| match m {
            Message::Close(Some(close)) => Some(close),
            _ => None,
        });
        let close = close.expect("a close frame");
        assert_eq!((close.code, close.reason.as_str()), MOVING);
    }

    #[tokio::test]
    async fn frames_pass_both_ways_and_an_owner_that_drops_sends_the_browser_on() {
        let (mut ends, task) = piped();
        ends.browser_says.unbounded_send(Ok(Message::text("from the browser"))).unwrap();
        assert_eq!(ends.to_owner.next().await, Some(TMessage::text("from the browser")));
        ends.owner_says.unbounded_send(Ok(TMessage::text("from the owner"))).unwrap();
        assert_eq!(ends.to_browser.next().await, Some(Message::text("from the owner")));
        drop(ends.owner_says);
        task.await.unwrap();
        let Some(Message::Close(Some(close))) = ends.to_browser.next().await else {
            panic!("no close frame");
        };
        assert_eq!((close.code, close.reason.as_str()), MOVING);
    }

    #[tokio::test]
    async fn a_browsers_clean_close_reaches_the_owner_as_a_close() {
        let (mut ends, task) = piped();
        let bye = CloseFrame { code: 1000, reason: "bye".into() };
        ends.browser_says.unbounded_send(Ok(Message::Close(Some(bye)))).unwrap();
        task.await.unwrap();
        let Some(TMessage::Close(Some(close))) = ends.to_owner.next().await else {
            panic!("no close frame");
        };
        assert_eq!((u16::from(close.code), close.reason.as_str()), (1000, "bye"));
    }
}
