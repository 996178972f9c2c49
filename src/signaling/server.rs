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
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures::{Sink, SinkExt, Stream, StreamExt};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// What the actor tells one socket loop to do.
#[derive(Debug)]
enum Outbound {
    Text(Utf8Bytes),
    Close(u16, &'static str),
}

enum Event {
    Open(ConnId, mpsc::Sender<Outbound>),
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

/// A cheap handle to the hub actor, shared by every socket.
#[derive(Clone)]
pub struct HubHandle {
    events: mpsc::UnboundedSender<Event>,
    next_conn: Arc<AtomicU64>,
}

impl HubHandle {
    /// Starts the actor on the current tokio runtime. What it asks to be persisted comes out of
    /// the returned receiver.
    pub fn spawn(
        config: HubConfig,
        tickets: TicketKey,
        ice: IceConfig,
    ) -> Result<(Self, mpsc::UnboundedReceiver<Persist>), ConfigError> {
        let hub = Hub::new(config, tickets)?;
        let (events, rx) = mpsc::unbounded_channel();
        let (persist, persisted) = mpsc::unbounded_channel();
        tokio::spawn(run_hub(hub, ice, rx, persist));
        Ok((Self { events, next_conn: Arc::new(AtomicU64::new(1)) }, persisted))
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
    let mut sockets: HashMap<ConnId, mpsc::Sender<Outbound>> = HashMap::new();
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
    sockets: &mut HashMap<ConnId, mpsc::Sender<Outbound>>,
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
    sockets: &mut HashMap<ConnId, mpsc::Sender<Outbound>>,
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

fn deliver(hub: &mut Hub, sockets: &mut HashMap<ConnId, mpsc::Sender<Outbound>>, output: Output) {
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
    let Some(tx) = sockets.get(&conn) else { return };
    if let Err(e) = tx.try_send(outbound) {
        // A socket that cannot keep up is dropped; its seat is held like any abrupt close.
        if matches!(e, mpsc::error::TrySendError::Full(_)) {
            tracing::warn!(conn = conn.0, "outbox full; dropping the connection");
        }
        sockets.remove(&conn);
        for output in hub.handle(Instant::now(), Input::Closed(conn, CloseKind::Abrupt)) {
            deliver(hub, sockets, output);
        }
    } else if closing {
        sockets.remove(&conn);
    }
}

/// `GET /ws`: upgrades to the signaling WebSocket.
/// `permit` (a WebSocket slot for this client, refused with 503 before the upgrade) is held by
/// the socket task until the socket ends.
pub async fn ws_route(
    ws: WebSocketUpgrade,
    State(hub): State<HubHandle>,
    permit: crate::edge::WsPermit,
) -> Response {
    ws.max_message_size(TRANSPORT_LIMIT).max_frame_size(TRANSPORT_LIMIT).on_upgrade(
        move |socket: WebSocket| {
            let (sink, stream) = socket.split();
            async move {
                let _permit = permit;
                serve_socket(sink, stream, hub, PING_EVERY).await
            }
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
    hub.send(Event::Open(conn, tx));
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
                    if sink.send(Message::Text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Outbound::Close(code, reason)) => {
                    let frame = CloseFrame { code, reason: reason.into() };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                    break;
                }
                None => break,
            },
            _ = ping.tick() => {
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    break;
                }
            }
        }
    }
    hub.send(Event::Input(Input::Closed(conn, how)));
}
