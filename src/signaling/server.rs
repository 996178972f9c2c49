//! The server side of signaling: one actor task owns the [`Hub`]; each WebSocket is a thin loop
//! that turns frames into [`Input`]s and carries the hub's [`Output`]s back out.
//!
//! Why a plain axum route rather than a Leptos websocket server function: the rules here need the
//! raw socket — a 64 KiB limit answered with close code 1009, protocol-level ping/pong for the
//! heartbeat, and close reasons — which the server-fn websocket abstraction does not expose.

use super::hub::{CloseKind, ConnId, Hub, Input, Output, UploadError};
use super::ice::{IceConfig, Renewals};
use super::limits::HubConfig;
use super::ticket::TicketKey;
use crate::game::{ConfigError, GameRecord, Highlight, Results};
use crate::protocol::{PeerId, RoomId, ServerMsg};
use crate::security::origin::OriginPolicy;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{Sink, SinkExt, Stream, StreamExt};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// How often the server pings each socket; pongs keep the heartbeat alive.
pub const PING_EVERY: Duration = Duration::from_secs(5);
/// Frames above this are cut off by the WebSocket layer itself; between 64 KiB and this the
/// hub answers with a proper close frame.
const TRANSPORT_LIMIT: usize = 1 << 20;
/// Messages queued for one socket before it is considered stuck and dropped.
const OUTBOX: usize = 512;
/// Bytes queued for one socket before it is considered stuck and dropped: sixteen of the
/// largest messages. A reader that stops reading holds at most this much of our memory (plus
/// the kernel's socket buffers) instead of `OUTBOX` × 64 KiB.
pub const MAX_QUEUED_BYTES: usize = 16 * crate::protocol::MAX_MESSAGE_BYTES;
/// A write that has not completed in this long means the peer stopped reading: the socket is
/// dropped (its seat held as after any abrupt close) and what was queued for it is freed. Equal
/// to the hub's heartbeat timeout, which cannot fire while our own write is stuck.
pub const WRITE_STALL: Duration = Duration::from_secs(15);

/// What the actor tells one socket loop to do.
#[derive(Debug)]
enum Outbound {
    Text(Utf8Bytes),
    Close(u16, &'static str),
}

enum Event {
    Open(ConnId, Outbox),
    Input(Input),
    Upload(Upload),
}

/// A highlight upload on its way to the hub, with the bytes the hub never sees.
struct Upload {
    room: RoomId,
    peer: PeerId,
    ticket: String,
    request_id: u64,
    jpeg: Vec<u8>,
    reply: oneshot::Sender<Result<(), UploadError>>,
}

/// What the hub asks to be written, in the order it asked: one writer task applies these, so a
/// highlight's delete never overtakes its insert.
#[derive(Debug)]
pub enum Persist {
    /// A finished game.
    Game {
        /// Public id.
        game_id: String,
        /// Its room.
        room: RoomId,
        /// The record.
        record: GameRecord,
        /// Final standings.
        results: Results,
    },
    /// An accepted highlight image.
    Highlight {
        /// Public id of its game.
        game_id: String,
        /// Which request.
        highlight: Highlight,
        /// The JPEG.
        jpeg: Vec<u8>,
    },
    /// A withdrawn highlight.
    DropHighlight {
        /// Public id of its game.
        game_id: String,
        /// Which request.
        request_id: u64,
    },
}

/// The actor's end of one socket's queue, with the bytes waiting in it.
#[derive(Debug)]
struct Outbox {
    tx: mpsc::Sender<Outbound>,
    queued: Arc<AtomicUsize>,
}

impl Outbox {
    /// Queues `outbound`, unless the socket already has [`MAX_QUEUED_BYTES`] or [`OUTBOX`]
    /// messages waiting (or is gone): then the caller drops it.
    fn push(&self, outbound: Outbound) -> Result<(), NotQueued> {
        let len = match &outbound {
            Outbound::Text(text) => text.len(),
            Outbound::Close(..) => 0,
        };
        if self.queued.load(Ordering::Acquire) + len > MAX_QUEUED_BYTES {
            return Err(NotQueued::TooManyBytes);
        }
        self.queued.fetch_add(len, Ordering::AcqRel);
        self.tx.try_send(outbound).map_err(|e| {
            self.queued.fetch_sub(len, Ordering::AcqRel);
            match e {
                mpsc::error::TrySendError::Full(_) => NotQueued::TooManyMessages,
                mpsc::error::TrySendError::Closed(_) => NotQueued::Gone,
            }
        })
    }
}

/// Why a message could not be queued for a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NotQueued {
    TooManyBytes,
    TooManyMessages,
    Gone,
}

/// A cheap handle to the hub actor, shared by every socket.
#[derive(Clone)]
pub struct HubHandle {
    events: mpsc::UnboundedSender<Event>,
    next_conn: Arc<AtomicU64>,
    tickets: Arc<TicketKey>,
}

impl HubHandle {
    /// Starts the actor on the current tokio runtime. What it asks to be persisted comes out of
    /// the returned receiver.
    pub fn spawn(
        config: HubConfig,
        tickets: TicketKey,
        ice: IceConfig,
    ) -> Result<(Self, mpsc::UnboundedReceiver<Persist>), ConfigError> {
        let ticket_key = Arc::new(tickets.clone());
        let hub = Hub::new(config, tickets)?;
        let (events, rx) = mpsc::unbounded_channel();
        let (persist, persisted) = mpsc::unbounded_channel();
        tokio::spawn(run_hub(hub, ice, rx, persist));
        Ok((
            Self { events, next_conn: Arc::new(AtomicU64::new(1)), tickets: ticket_key },
            persisted,
        ))
    }

    /// Whether `ticket` is `peer`'s seat ticket in `room` (checked without asking the actor,
    /// so an upload is refused before its body is read).
    pub fn ticket_valid(&self, room: &RoomId, peer: PeerId, ticket: &str) -> bool {
        self.tickets.verify(room, peer, ticket)
    }

    /// Hands an uploaded highlight (already checked with `validate_jpeg`) to the hub.
    pub async fn upload(
        &self,
        room: RoomId,
        peer: PeerId,
        ticket: String,
        request_id: u64,
        jpeg: Vec<u8>,
    ) -> Result<(), UploadError> {
        let (reply, answer) = oneshot::channel();
        self.send(Event::Upload(Upload { room, peer, ticket, request_id, jpeg, reply }));
        answer.await.unwrap_or(Err(UploadError::NotInRoom))
    }

    fn send(&self, event: Event) {
        // The actor only stops when every handle is gone, so this cannot fail while we hold one.
        let _ = self.events.send(event);
    }
}

/// How often the hub's clock runs without input: game phases end on time to within this.
const TICK: Duration = Duration::from_millis(200);

async fn run_hub(
    mut hub: Hub,
    ice: IceConfig,
    mut events: mpsc::UnboundedReceiver<Event>,
    persist: mpsc::UnboundedSender<Persist>,
) {
    let mut sockets: HashMap<ConnId, Outbox> = HashMap::new();
    let mut renewals = ice.turn.as_ref().map(|turn| Renewals::new(turn.ttl));
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let input = tokio::select! {
            event = events.recv() => match event {
                Some(Event::Open(conn, tx)) => {
                    sockets.insert(conn, tx);
                    Input::Opened(conn)
                }
                Some(Event::Input(input)) => input,
                Some(Event::Upload(upload)) => {
                    let Upload { room, peer, ticket, request_id, mut jpeg, reply } = upload;
                    let result = hub.upload(Instant::now(), &room, peer, &ticket, request_id);
                    let outputs = match result {
                        Ok(outputs) => {
                            let _ = reply.send(Ok(()));
                            outputs
                        }
                        Err(e) => {
                            let _ = reply.send(Err(e));
                            continue;
                        }
                    };
                    for output in outputs {
                        let output = with_ice(&ice, &mut renewals, output);
                        route(&mut hub, &mut sockets, &persist, output, &mut jpeg);
                    }
                    continue;
                }
                None => return,
            },
            _ = tick.tick() => {
                renew_ice(&mut hub, &mut sockets, &ice, renewals.as_mut());
                Input::Tick
            }
        };
        if let Input::Closed(conn, _) = input {
            sockets.remove(&conn);
            if let Some(renewals) = &mut renewals {
                renewals.closed(conn);
            }
        }
        for output in hub.handle(Instant::now(), input) {
            let output = with_ice(&ice, &mut renewals, output);
            route(&mut hub, &mut sockets, &persist, output, &mut Vec::new());
        }
    }
}

/// Carries one hub output out: to a socket, or to the writer. `jpeg` is the image of the upload
/// being handled, if any (only a `KeepHighlight` takes it).
fn route(
    hub: &mut Hub,
    sockets: &mut HashMap<ConnId, Outbox>,
    persist: &mpsc::UnboundedSender<Persist>,
    output: Output,
    jpeg: &mut Vec<u8>,
) {
    let job = match output {
        Output::GameOver { game_id, room, record, results } => {
            Persist::Game { game_id, room, record, results }
        }
        Output::KeepHighlight { game_id, highlight } if !jpeg.is_empty() => {
            Persist::Highlight { game_id, highlight, jpeg: std::mem::take(jpeg) }
        }
        Output::KeepHighlight { .. } => return,
        Output::DropHighlight { game_id, request_id } => {
            Persist::DropHighlight { game_id, request_id }
        }
        other => return deliver(hub, sockets, other),
    };
    if persist.send(job).is_err() {
        tracing::error!("the store writer is gone; a game result was not saved");
    }
}

/// Fills in the ICE servers of a welcome: TURN credentials need the wall clock, which the hub
/// never reads. The connection's renewal clock starts here.
fn with_ice(ice: &IceConfig, renewals: &mut Option<Renewals<ConnId>>, output: Output) -> Output {
    match output {
        Output::Send(conn, ServerMsg::Welcome { you, room, peers, ticket, .. }) => {
            let ice_servers = ice.for_peer(you, now_unix());
            if let Some(renewals) = renewals {
                renewals.issued(conn, you, Instant::now());
            }
            Output::Send(conn, ServerMsg::Welcome { you, room, peers, ticket, ice_servers })
        }
        other => other,
    }
}

/// Sends new TURN credentials to every connection whose last ones are half-way through their
/// life (and forgets connections that are gone).
fn renew_ice(
    hub: &mut Hub,
    sockets: &mut HashMap<ConnId, Outbox>,
    ice: &IceConfig,
    renewals: Option<&mut Renewals<ConnId>>,
) {
    let Some(renewals) = renewals else { return };
    for (conn, peer) in renewals.take_due(Instant::now()) {
        // Gone, or no longer in that seat (it left the room): nothing to renew.
        if !sockets.contains_key(&conn) || hub.peer_of(conn) != Some(peer) {
            renewals.closed(conn);
            continue;
        }
        let ice_servers = ice.for_peer(peer, now_unix());
        deliver(hub, sockets, Output::Send(conn, ServerMsg::IceServers { ice_servers }));
    }
}

fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn deliver(hub: &mut Hub, sockets: &mut HashMap<ConnId, Outbox>, output: Output) {
    let (conn, outbound) = match output {
        Output::Send(conn, msg) => match serde_json::to_string(&msg) {
            Ok(text) => (conn, Outbound::Text(text.into())),
            Err(e) => {
                tracing::error!(error = %e, "could not serialize a server message");
                return;
            }
        },
        Output::Close(conn, code, reason) => (conn, Outbound::Close(code, reason)),
        Output::GameOver { .. } | Output::KeepHighlight { .. } | Output::DropHighlight { .. } => {
            return tracing::error!("a persistence output reached a socket");
        }
    };
    let closing = matches!(outbound, Outbound::Close(..));
    let Some(outbox) = sockets.get(&conn) else { return };
    if let Err(why) = outbox.push(outbound) {
        // A socket that cannot keep up is dropped; its seat is held like any abrupt close.
        if why != NotQueued::Gone {
            tracing::warn!(conn = conn.0, ?why, "dropping a connection that stopped reading");
        }
        sockets.remove(&conn);
        for output in hub.handle(Instant::now(), Input::Closed(conn, CloseKind::Abrupt)) {
            deliver(hub, sockets, output);
        }
    } else if closing {
        sockets.remove(&conn);
    }
}

/// `GET /ws`: upgrades to the signaling WebSocket, for pages of our own origins only (a page
/// elsewhere is refused with 403 before the upgrade; see [`OriginPolicy`]).
pub async fn ws_route(
    State(hub): State<HubHandle>,
    State(origins): State<Arc<OriginPolicy>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let origin = headers.get(header::ORIGIN).map(|o| o.to_str().unwrap_or("invalid"));
    if !origins.allows(origin) {
        tracing::info!(origin = origin.unwrap_or_default(), "refused a socket from another site");
        return (StatusCode::FORBIDDEN, "this page's origin may not open the signaling socket")
            .into_response();
    }
    ws.max_message_size(TRANSPORT_LIMIT).max_frame_size(TRANSPORT_LIMIT).on_upgrade(
        move |socket: WebSocket| {
            let (sink, stream) = socket.split();
            serve_socket(sink, stream, hub, PING_EVERY)
        },
    )
}

/// The per-socket loop, generic over the socket halves so a test can drive it with channels.
pub async fn serve_socket<S, R>(mut sink: S, mut stream: R, hub: HubHandle, ping_every: Duration)
where
    S: Sink<Message> + Unpin,
    R: Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    let conn = ConnId(hub.next_conn.fetch_add(1, Ordering::Relaxed));
    let (tx, mut outbox) = mpsc::channel(OUTBOX);
    let queued = Arc::new(AtomicUsize::new(0));
    hub.send(Event::Open(conn, Outbox { tx, queued: queued.clone() }));
    let mut ping = tokio::time::interval(ping_every);
    ping.tick().await;
    let mut how = CloseKind::Abrupt;
    loop {
        tokio::select! {
            frame = stream.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    hub.send(Event::Input(Input::Text(conn, text.to_string())))
                }
                Some(Ok(Message::Binary(_))) => hub.send(Event::Input(Input::Binary(conn))),
                Some(Ok(Message::Pong(_) | Message::Ping(_))) => {
                    hub.send(Event::Input(Input::Alive(conn)))
                }
                Some(Ok(Message::Close(_))) => {
                    how = CloseKind::Clean;
                    break;
                }
                Some(Err(_)) | None => break,
            },
            out = outbox.recv() => match out {
                Some(Outbound::Text(text)) => {
                    let len = text.len();
                    let sent = send_or_stall(&mut sink, Message::Text(text)).await;
                    queued.fetch_sub(len, Ordering::AcqRel);
                    if !sent {
                        break;
                    }
                }
                Some(Outbound::Close(code, reason)) => {
                    let frame = CloseFrame { code, reason: reason.into() };
                    send_or_stall(&mut sink, Message::Close(Some(frame))).await;
                    break;
                }
                None => break,
            },
            _ = ping.tick() => {
                if !send_or_stall(&mut sink, Message::Ping(Default::default())).await {
                    break;
                }
            }
        }
    }
    hub.send(Event::Input(Input::Closed(conn, how)));
}

/// Sends one frame; false when the socket failed or did not take it within [`WRITE_STALL`].
async fn send_or_stall<S: Sink<Message> + Unpin>(sink: &mut S, message: Message) -> bool {
    matches!(tokio::time::timeout(WRITE_STALL, sink.send(message)).await, Ok(Ok(())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A peer that stopped reading: its socket never takes another frame.
    struct StoppedReader;

    impl Sink<Message> for StoppedReader {
        type Error = ();
        fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), ()>> {
            Poll::Pending
        }
        fn start_send(self: Pin<&mut Self>, _: Message) -> Result<(), ()> {
            Ok(())
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), ()>> {
            Poll::Pending
        }
        fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), ()>> {
            Poll::Pending
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_socket_whose_writes_stall_is_dropped_after_the_stall_limit() {
        let (hub, _persist) =
            HubHandle::spawn(HubConfig::default(), TicketKey::new([7; 32]), IceConfig::default())
                .unwrap();
        let silent = futures::stream::pending::<Result<Message, axum::Error>>();
        // The first ping (after PING_EVERY) never goes out; the loop must give up on its own.
        let serve = serve_socket(StoppedReader, silent, hub, PING_EVERY);
        let ended = tokio::time::timeout(PING_EVERY + WRITE_STALL * 2, serve).await;
        assert!(ended.is_ok(), "the socket loop waited forever on a stalled write");
    }

    #[test]
    fn an_outbox_refuses_past_its_byte_limit_and_counts_back_down() {
        let (tx, mut rx) = mpsc::channel(OUTBOX);
        let outbox = Outbox { tx, queued: Arc::new(AtomicUsize::new(0)) };
        let chunk: Utf8Bytes = "x".repeat(crate::protocol::MAX_MESSAGE_BYTES).into();
        for _ in 0..MAX_QUEUED_BYTES / crate::protocol::MAX_MESSAGE_BYTES {
            assert_eq!(outbox.push(Outbound::Text(chunk.clone())), Ok(()));
        }
        assert_eq!(outbox.push(Outbound::Text("y".into())), Err(NotQueued::TooManyBytes));
        assert_eq!(outbox.queued.load(Ordering::Acquire), MAX_QUEUED_BYTES);
        // The socket side writes one out and gives its bytes back.
        assert!(rx.try_recv().is_ok());
        outbox.queued.fetch_sub(chunk.len(), Ordering::AcqRel);
        assert_eq!(outbox.push(Outbound::Text("y".into())), Ok(()));
        drop(rx);
        assert_eq!(outbox.push(Outbound::Text("z".into())), Err(NotQueued::Gone));
    }
}
