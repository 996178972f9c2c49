//! The server side of signaling: the rooms are spread over N actor tasks (shards) by room id,
//! each owning a [`Hub`] of its own; each WebSocket is a thin loop that turns frames into
//! [`Input`]s for its room's shard and carries that hub's [`Output`]s back out. A room's
//! members, game and uploads are all on one shard, so the sans-IO hub needs no locks and no
//! knowledge of the others; shards never talk to each other.
//!
//! Why a plain axum route rather than a Leptos websocket server function: the rules here need the
//! raw socket — a 64 KiB limit answered with close code 1009, protocol-level ping/pong for the
//! heartbeat, and close reasons — which the server-fn websocket abstraction does not expose.

use super::cluster::Cluster;
use super::hub::{Checkpoint, CloseKind, ConnId, Hub, Input, Output, UploadError, UploadRequest};
use super::ice::IceConfig;
use super::limits::HubConfig;
use super::metrics::Metrics;
use super::outbox::{self, NotQueued, Weigh};
use super::ticket::TicketKey;
use super::wire::{BrowserSocket, Upgrade};
use crate::browser::BrowserId;
use crate::game::{ConfigError, Results};
use crate::protocol::GameServerMsg;
use crate::protocol::{CloseReason, PeerId, RoomId, ServerMsg};
use crate::security::origin::OriginPolicy;
pub use crate::store::writer::{Done, Persist};
use crate::store::StoreError;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::future::{BoxFuture, Either};
use futures::stream::FuturesUnordered;
use futures::{FutureExt, Sink, SinkExt, Stream, StreamExt};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// How often the server pings each socket; pongs keep the heartbeat (35 s) alive, leaving a
/// pong 10 s to come back. The interval of socket.io, which the guide's server uses: a ping
/// costs the server about 25 µs of CPU, so 4,000 idle sockets pinged every 10 s kept it 1 %
/// busy; every 25 s, 0.4 %. A socket that died without a word is noticed within 35 s (and
/// the peers see its connection fail sooner, in their own browsers).
pub const PING_EVERY: Duration = Duration::from_secs(25);
/// Frames above this are cut off by the WebSocket layer itself; between 64 KiB and this the
/// hub answers with a proper close frame.
pub const TRANSPORT_LIMIT: usize = 1 << 20;
/// Messages queued for one socket before it is considered stuck and dropped.
const OUTBOX: usize = 512;
/// Bytes queued for one socket before it is considered stuck and dropped: sixteen of the
/// largest messages. A reader that stops reading holds at most this much of our memory (plus
/// the kernel's socket buffers) instead of `OUTBOX` × 64 KiB.
pub const MAX_QUEUED_BYTES: usize = 16 * crate::protocol::MAX_MESSAGE_BYTES;
/// A write that has not completed in this long means the peer stopped reading: the socket is
/// dropped (its seat held as after any abrupt close) and what was queued for it is freed. The
/// hub's heartbeat cannot fire while our own write is stuck, so this is the loop's own.
pub const WRITE_STALL: Duration = Duration::from_secs(15);

/// What the actor tells one socket loop to do.
#[derive(Debug)]
enum Outbound {
    Text(Utf8Bytes),
    Close(u16, &'static str),
}

enum Event {
    /// A socket was accepted, from this browser if its request said, for this room if its
    /// address named one.
    Open(ConnId, Outbox, Option<BrowserId>, Option<RoomId>),
    Input(Input),
    Upload(Upload),
}

/// A highlight upload on its way to the hub, with the bytes the hub never sees. Once the hub
/// accepted it, `reply` gets the receiver that will say whether the image committed.
struct Upload {
    room: RoomId,
    peer: PeerId,
    ticket: String,
    request_id: u64,
    jpeg: Vec<u8>,
    reply: oneshot::Sender<Result<Committed, UploadError>>,
}

/// The other end of a [`Done`]; a dropped sender (no writer) also means "not saved".
type Committed = oneshot::Receiver<Result<(), StoreError>>;

impl Weigh for Outbound {
    fn weight(&self) -> usize {
        match self {
            Outbound::Text(text) => text.len(),
            Outbound::Close(..) => 0,
        }
    }
}

/// The actor's end of one socket's queue.
type Outbox = outbox::Sender<Outbound>;

/// A cheap handle to the hub's shards, shared by every socket.
#[derive(Clone)]
pub struct HubHandle {
    /// One per shard; a room's events go to `shards[shard_of(room)]`.
    shards: Arc<[mpsc::UnboundedSender<Event>]>,
    next_conn: Arc<AtomicU64>,
    tickets: Arc<TicketKey>,
    /// The browser of the socket this handle serves (set by [`HubHandle::for_browser`]).
    browser: Option<BrowserId>,
    /// The room in the address of the socket this handle serves (`/ws/{room}`).
    room: Option<RoomId>,
    /// What `/metrics` shows.
    metrics: Arc<Metrics>,
    /// How long a socket may stay without a seat ([`HubConfig::join_timeout`]).
    join_timeout: Duration,
}

impl HubHandle {
    /// Starts one hub actor on the current tokio runtime. What it asks to be persisted comes
    /// out of the returned receiver.
    pub fn spawn(
        config: HubConfig,
        tickets: TicketKey,
        ice: IceConfig,
    ) -> Result<(Self, mpsc::UnboundedReceiver<Persist>), ConfigError> {
        Self::spawn_sharded(1, config, tickets, ice)
    }

    /// Starts `shards` hub actors (at least one), each with a hub of its own, and spreads the
    /// rooms over them by room id. What they ask to be persisted comes out of the one receiver.
    pub fn spawn_sharded(
        shards: usize,
        config: HubConfig,
        tickets: TicketKey,
        ice: IceConfig,
    ) -> Result<(Self, mpsc::UnboundedReceiver<Persist>), ConfigError> {
        Self::spawn_with(shards, config, tickets, ice, None)
    }

    /// [`spawn_sharded`](Self::spawn_sharded), with the running games' checkpoints going to
    /// `checkpoints` (when `config.checkpoints` is on).
    pub fn spawn_with(
        shards: usize,
        config: HubConfig,
        tickets: TicketKey,
        ice: IceConfig,
        checkpoints: Option<Checkpoints>,
    ) -> Result<(Self, mpsc::UnboundedReceiver<Persist>), ConfigError> {
        let shards = shards.max(1);
        let ticket_key = Arc::new(tickets.clone());
        let (persist, persisted) = mpsc::unbounded_channel();
        let metrics = Arc::new(Metrics::new(shards));
        let join_timeout = config.join_timeout;
        let mut senders = Vec::with_capacity(shards);
        for shard in 0..shards {
            let hub = Hub::new(config.clone(), tickets.clone())?.with_ice(ice.clone());
            let (events, rx) = mpsc::unbounded_channel();
            let out = (persist.clone(), checkpoints.clone());
            tokio::spawn(run_hub(shard, hub, rx, out, metrics.clone()));
            senders.push(events);
        }
        let next_conn = Arc::new(AtomicU64::new(1));
        let handle = Self {
            shards: senders.into(),
            next_conn,
            tickets: ticket_key,
            browser: None,
            room: None,
            metrics,
            join_timeout,
        };
        Ok((handle, persisted))
    }

    /// Whether `ticket` is `peer`'s seat ticket in `room` (checked without asking the actor,
    /// so an upload is refused before its body is read).
    pub fn ticket_valid(&self, room: &RoomId, peer: PeerId, ticket: &str) -> bool {
        self.tickets.verify(room, peer, ticket)
    }

    /// This handle for a socket whose request came from `browser`: the seat it takes is
    /// recorded as that browser's.
    pub fn for_browser(mut self, browser: Option<BrowserId>) -> Self {
        self.browser = browser;
        self
    }

    /// The browser of the socket this handle serves, if its request said.
    pub fn browser(&self) -> Option<BrowserId> {
        self.browser
    }

    /// The server's counters, for `/metrics`.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// This handle for a socket opened for `room` (`/ws/{room}`): it joins that room only.
    pub fn for_room(mut self, room: Option<RoomId>) -> Self {
        self.room = room;
        self
    }

    /// Tells `room`'s shard that another node serves the room now ([`Input::Moved`]).
    pub fn moved(&self, room: RoomId) {
        let shard = shard_of(&room, self.shards.len());
        self.send_to(shard, Event::Input(Input::Moved(room)));
    }

    /// Tells the hub a socket was accepted.
    fn open(&self, conn: ConnId, outbox: Outbox) {
        self.send(Event::Open(conn, outbox, self.browser, self.room.clone()));
    }

    /// Hands an uploaded highlight (already checked with `validate_jpeg`) to the hub; `Ok` only
    /// once the image has committed to the store.
    pub async fn upload(
        &self,
        room: RoomId,
        peer: PeerId,
        ticket: String,
        request_id: u64,
        jpeg: Vec<u8>,
    ) -> Result<(), UploadError> {
        let (reply, answer) = oneshot::channel();
        let shard = shard_of(&room, self.shards.len());
        self.send_to(shard, Event::Upload(Upload { room, peer, ticket, request_id, jpeg, reply }));
        let committed = answer.await.unwrap_or(Err(UploadError::NotInRoom))?;
        match committed.await {
            Ok(Ok(())) => Ok(()),
            _ => Err(UploadError::NotSaved),
        }
    }

    /// The shard of this handle's room: the room's shard for a socket bound to one, the first
    /// shard for a `/ws` socket on a server with one shard (see [`place_by_first_frame`]).
    fn shard(&self) -> usize {
        self.room.as_ref().map_or(UNBOUND_SHARD, |room| shard_of(room, self.shards.len()))
    }

    /// Sends `event` to this handle's shard.
    fn send(&self, event: Event) {
        self.send_to(self.shard(), event)
    }

    fn send_to(&self, shard: usize, event: Event) {
        // An actor only stops when every handle is gone, so this cannot fail while we hold one.
        let _ = self.shards[shard].send(event);
    }
}

/// Where a `/ws` socket bound to no room lives (see [`Placement`]).
const UNBOUND_SHARD: usize = 0;

/// The shard of `room` among `shards`: the first 8 bytes of the SHA-256 of its id, modulo the
/// count. Stable across processes and builds, so anything in front of the server can compute
/// it too.
pub fn shard_of(room: &RoomId, shards: usize) -> usize {
    use sha2::{Digest, Sha256};
    if shards <= 1 {
        return 0;
    }
    let digest = Sha256::digest(room.as_str().as_bytes());
    let head = u64::from_be_bytes(digest[..8].try_into().unwrap_or_default());
    (head % shards as u64) as usize
}

/// How often the hub's clock runs without input: game phases end on time to within this.
const TICK: Duration = Duration::from_millis(200);

/// The games written but not yet announced: each resolves when its game's write is done, with
/// whom to tell and whether it committed.
type Announcing = FuturesUnordered<BoxFuture<'static, (Announcement, bool)>>;

/// The `game_over` a room is told once its game is saved.
struct Announcement {
    game_id: String,
    results: Results,
    to: Vec<ConnId>,
}

/// An upload the hub is deciding on: its bytes, and where its answer goes.
struct PendingUpload {
    jpeg: Vec<u8>,
    reply: oneshot::Sender<Result<Committed, UploadError>>,
    /// Set once its image is queued for the writer.
    committed: Option<Committed>,
}

/// Everything the actor carries the hub's outputs to: sockets, the writer, uploads waiting for
/// an answer. Inputs queue up and are handled one at a time, so an output that needs another
/// input (a socket that stopped reading is closed) feeds it after the current one.
struct Driver {
    metrics: Arc<Metrics>,
    hub: Hub,
    sockets: HashMap<ConnId, Outbox>,
    writer: mpsc::UnboundedSender<Persist>,
    announcing: Announcing,
    uploads: HashMap<u64, PendingUpload>,
    next_upload: u64,
    queue: VecDeque<Input>,
    /// Where running games' checkpoints go (several nodes only).
    checkpoints: Option<Checkpoints>,
}

/// The sending end of the hub's game checkpoints: each room's game as it stands, or `None`
/// once no game runs there.
pub type Checkpoints = mpsc::UnboundedSender<(RoomId, Option<Box<Checkpoint>>)>;

async fn run_hub(
    shard: usize,
    hub: Hub,
    mut events: mpsc::UnboundedReceiver<Event>,
    (writer, checkpoints): (mpsc::UnboundedSender<Persist>, Option<Checkpoints>),
    metrics: Arc<Metrics>,
) {
    let mut driver = Driver {
        metrics,
        hub,
        sockets: HashMap::new(),
        writer,
        announcing: FuturesUnordered::new(),
        uploads: HashMap::new(),
        next_upload: 1,
        queue: VecDeque::new(),
        checkpoints,
    };
    driver.feed(Input::WallClock(now_unix()));
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(event) => driver.on_event(event),
                None => return,
            },
            Some((notice, saved)) = driver.announcing.next() => driver.announce(notice, saved),
            _ = tick.tick() => {
                driver.feed(Input::WallClock(now_unix()));
                driver.feed(Input::Tick);
                super::hub::shrink_sparse(&mut driver.sockets);
                let (sockets, rooms) = (driver.sockets.len(), driver.hub.room_count());
                driver.metrics.set_gauges(shard, sockets, rooms, events.len());
            }
        }
    }
}

impl Driver {
    fn on_event(&mut self, event: Event) {
        match event {
            Event::Open(conn, outbox, browser, room) => {
                self.sockets.insert(conn, outbox);
                self.feed(Input::Opened(conn));
                if let Some(browser) = browser {
                    self.feed(Input::Browser(conn, browser));
                }
                if let Some(room) = room {
                    self.feed(Input::Bound(conn, room));
                }
            }
            Event::Input(input) => self.feed(input),
            Event::Upload(Upload { room, peer, ticket, request_id, jpeg, reply }) => {
                let upload = self.next_upload;
                self.next_upload += 1;
                self.uploads.insert(upload, PendingUpload { jpeg, reply, committed: None });
                self.feed(Input::Upload(UploadRequest { upload, room, peer, ticket, request_id }));
                // The hub always answers; if it did not, the upload was not kept.
                if let Some(pending) = self.uploads.remove(&upload) {
                    let _ = pending.reply.send(Err(UploadError::NotSaved));
                }
            }
        }
    }

    /// Handles `input`, then every input its outputs gave rise to.
    fn feed(&mut self, input: Input) {
        self.queue.push_back(input);
        while let Some(input) = self.queue.pop_front() {
            match input {
                Input::Closed(conn, _) => {
                    self.sockets.remove(&conn);
                }
                Input::Text(..) => self.metrics.message_in(),
                _ => {}
            }
            for output in self.hub.handle(Instant::now(), input) {
                self.route(output);
            }
        }
    }

    /// Carries one hub output out: to a socket, the writer, or an upload's answer.
    fn route(&mut self, output: Output) {
        match output {
            Output::Send(conn, msg) => {
                self.metrics.sent(&msg);
                self.send(conn, msg)
            }
            Output::Relay(conn, relayed) => {
                self.metrics.relayed();
                self.push(conn, Outbound::Text(relayed.into_text().into()))
            }
            Output::Close(conn, reason) => {
                self.push(conn, Outbound::Close(reason.code(), reason.text()));
                self.sockets.remove(&conn);
            }
            Output::GameOver { game_id, room, record, results, owners, announce } => {
                let (done, committed) = oneshot::channel();
                let notice = Announcement {
                    game_id: game_id.clone(),
                    results: results.clone(),
                    to: announce,
                };
                self.write(Persist::Game { game_id, room, record, results, owners, done });
                self.announcing
                    .push(Box::pin(async move { (notice, matches!(committed.await, Ok(Ok(())))) }));
            }
            Output::KeepHighlight { upload, game_id, highlight } => {
                let Some(pending) = self.uploads.get_mut(&upload) else {
                    return tracing::error!(upload, "a highlight was kept without its upload");
                };
                let (done, committed) = oneshot::channel();
                pending.committed = Some(committed);
                let jpeg = std::mem::take(&mut pending.jpeg);
                self.write(Persist::Highlight { game_id, highlight, jpeg, done });
            }
            Output::UploadAnswer { upload, result } => {
                let Some(pending) = self.uploads.remove(&upload) else { return };
                // Accepted but nothing was kept (never expected): not saved, so not "ok".
                let answer = result.and_then(|()| pending.committed.ok_or(UploadError::NotSaved));
                let _ = pending.reply.send(answer);
            }
            Output::DropHighlight { game_id, request_id } => {
                self.write(Persist::DropHighlight { game_id, request_id })
            }
            Output::Report(report) => self.metrics.report(&report),
            Output::Checkpoint { room, game } => {
                if let Some(checkpoints) = &self.checkpoints {
                    let _ = checkpoints.send((room, game));
                }
            }
        }
    }

    /// Tells a room its game is over: with the results link once the game committed, or that
    /// it could not be saved.
    fn announce(&mut self, notice: Announcement, saved: bool) {
        let Announcement { game_id, results, to } = notice;
        let msg = if saved {
            ServerMsg::Game(GameServerMsg::GameOver { results, game_id })
        } else {
            let message = "the game could not be saved; it has no results page".to_owned();
            ServerMsg::Game(GameServerMsg::GameNotSaved { results, message })
        };
        for conn in to {
            self.send(conn, msg.clone());
        }
        // Sockets found stuck on the way are closed now.
        while let Some(input) = self.queue.pop_front() {
            self.feed(input);
        }
    }

    fn send(&mut self, conn: ConnId, msg: ServerMsg) {
        match serde_json::to_string(&msg) {
            Ok(text) => self.push(conn, Outbound::Text(text.into())),
            Err(e) => tracing::error!(error = %e, "could not serialize a server message"),
        }
    }

    /// Queues `outbound` for `conn`. A socket that cannot keep up is dropped: its close is the
    /// hub's next input, and its seat is held like after any abrupt close.
    fn push(&mut self, conn: ConnId, outbound: Outbound) {
        let Some(outbox) = self.sockets.get(&conn) else { return };
        if let Err(why) = outbox.push(outbound) {
            if why != NotQueued::Gone {
                tracing::warn!(conn = conn.0, ?why, "dropping a connection that stopped reading");
            }
            self.sockets.remove(&conn);
            self.queue.push_back(Input::Closed(conn, CloseKind::Abrupt));
        }
    }

    /// Queues `job`; if the writer is gone its `Done` is dropped, which reads as "not saved".
    fn write(&self, job: Persist) {
        if self.writer.send(job).is_err() {
            tracing::error!("the store writer is gone; nothing more can be saved");
        }
    }
}

fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `GET /ws/{room}`: the signaling WebSocket of one room (what the app opens). The room is in
/// the address, so a proxy can route a room's sockets together; the socket may join, knock and
/// resume in that room only. An ill-formed room id is a 400. On a node of several, the room's
/// owner serves it (see [`super::cluster`]).
#[allow(clippy::too_many_arguments)] // axum extractors, one per thing the handler needs
pub async fn ws_room_route(
    State(hub): State<HubHandle>,
    State(origins): State<Arc<OriginPolicy>>,
    State(cluster): State<Option<Arc<Cluster>>>,
    browser: Option<axum::Extension<BrowserId>>,
    permit: crate::edge::WsPermit,
    Path(room): Path<String>,
    headers: HeaderMap,
    ws: Upgrade,
) -> Response {
    let room = match RoomId::parse(&room) {
        Ok(room) => room,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("not a room id: {e}")).into_response(),
    };
    let hub = hub.for_room(Some(room.clone()));
    let serve = match cluster {
        Some(cluster) => Serve::Cluster(cluster, room),
        None => Serve::Here,
    };
    upgrade(hub, &origins, browser, permit, &headers, ws, serve)
}

/// `GET /ws`: the signaling WebSocket, the room named by the first `join` (kept for clients
/// that do not put the room in the address). A node of several serves `/ws/{room}` only: the
/// room decides the node before the first message.
pub async fn ws_route(
    State(hub): State<HubHandle>,
    State(origins): State<Arc<OriginPolicy>>,
    State(cluster): State<Option<Arc<Cluster>>>,
    browser: Option<axum::Extension<BrowserId>>,
    permit: crate::edge::WsPermit,
    headers: HeaderMap,
    ws: Upgrade,
) -> Response {
    if cluster.is_some() {
        return (StatusCode::BAD_REQUEST, USE_THE_ROOM_ADDRESS).into_response();
    }
    upgrade(hub, &origins, browser, permit, &headers, ws, Serve::Here)
}

/// Why `/ws` is refused on a node of several.
pub const USE_THE_ROOM_ADDRESS: &str =
    "this server is one node of several: open the room's socket at /ws/{room}";

/// Who serves an upgraded socket.
enum Serve {
    /// This process's hub.
    Here,
    /// The owner of the room among the nodes.
    Cluster(Arc<Cluster>, RoomId),
}

/// Upgrades to the signaling WebSocket, for pages of our own origins only (a page elsewhere is
/// refused with 403 before the upgrade; see [`OriginPolicy`]).
fn upgrade(
    hub: HubHandle,
    origins: &OriginPolicy,
    browser: Option<axum::Extension<BrowserId>>,
    permit: crate::edge::WsPermit,
    headers: &HeaderMap,
    ws: Upgrade,
    serve: Serve,
) -> Response {
    let origin = headers.get(header::ORIGIN).map(|o| o.to_str().unwrap_or("invalid"));
    if !origins.allows(origin) {
        tracing::info!(origin = origin.unwrap_or_default(), "refused a socket from another site");
        return (StatusCode::FORBIDDEN, "this page's origin may not open the signaling socket")
            .into_response();
    }
    let hub = hub.for_browser(browser.map(|axum::Extension(b)| b));
    ws.on_upgrade(move |socket: BrowserSocket| {
        let served = match serve {
            Serve::Here => Either::Left(serve_socket(socket, hub, PING_EVERY)),
            // Boxed: the forwarding state would otherwise enlarge every socket's task, also on
            // a single node.
            Serve::Cluster(cluster, room) => {
                Either::Right(Box::pin(cluster.serve(socket, hub, room)))
            }
        };
        // `map`, not an `async` block: awaiting `served` there would store it twice.
        served.map(move |()| drop(permit))
    })
}

/// The per-socket loop, generic over the socket so a test can drive it with channels (see
/// [`testing::Joined`]).
pub async fn serve_socket<S>(mut socket: S, hub: HubHandle, ping_every: Duration)
where
    S: Sink<Message> + Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    let conn = ConnId(hub.next_conn.fetch_add(1, Ordering::Relaxed));
    let (tx, outbox) = outbox::outbox(OUTBOX, MAX_QUEUED_BYTES);
    // A socket opened for a room, or any socket on a hub of one shard, is opened at once. A
    // `/ws` socket on a sharded hub is opened by its first frame: on its room's shard, bound
    // to that room, if the frame names one (a room's members must all reach the same shard).
    let mut hub = hub;
    let mut placement = Placement::new(hub.room.is_some(), hub.shards.len());
    let mut tx = Some(tx);
    if placement.opened() {
        hub.open(conn, tx.take().expect("not opened yet"));
    }
    let mut ping = tokio::time::interval_at(aligned(ping_every), ping_every);
    // A socket that says nothing is closed as the hub closes one that takes no seat. Boxed,
    // and only while the socket is not placed: most never need it.
    let mut silent = (!placement.opened()).then(|| Box::pin(tokio::time::sleep(hub.join_timeout)));
    let mut how = CloseKind::Abrupt;
    loop {
        tokio::select! {
            () = until(&mut silent) => {
                let why = CloseReason::JoinTimeout;
                let frame = CloseFrame { code: why.code(), reason: why.text().into() };
                send_or_stall(&mut socket, Message::Close(Some(frame))).await;
                break;
            }
            frame = socket.next() => {
                let input = match frame {
                    Some(Ok(Message::Text(text))) => Input::Text(conn, text.to_string()),
                    Some(Ok(Message::Binary(_))) => Input::Binary(conn),
                    Some(Ok(Message::Pong(_) | Message::Ping(_))) => Input::Alive(conn),
                    Some(Ok(Message::Close(_))) => {
                        how = CloseKind::Clean;
                        break;
                    }
                    Some(Err(_)) | None => break,
                };
                let named = match &input {
                    Input::Text(_, text) if placement.wants_rooms() => room_named(text),
                    _ => None,
                };
                let says = !matches!(input, Input::Alive(_));
                match placement.on_frame(says, named) {
                    Step::Forward => {}
                    Step::Ignore => continue,
                    Step::Open(room) => {
                        silent = None;
                        hub = hub.for_room(room);
                        hub.open(conn, tx.take().expect("opened once"));
                    }
                    Step::Refuse => {
                        let frame = CloseFrame { code: 1008, reason: NAME_THE_ROOM_FIRST.into() };
                        send_or_stall(&mut socket, Message::Close(Some(frame))).await;
                        how = CloseKind::Clean;
                        break;
                    }
                }
                hub.send(Event::Input(input));
            },
            out = outbox.next() => match out {
                Outbound::Text(text) => {
                    if !send_or_stall(&mut socket, Message::Text(text)).await {
                        break;
                    }
                }
                Outbound::Close(code, reason) => {
                    let frame = CloseFrame { code, reason: reason.into() };
                    send_or_stall(&mut socket, Message::Close(Some(frame))).await;
                    break;
                }
            },
            _ = ping.tick() => {
                if !send_or_stall(&mut socket, Message::Ping(Default::default())).await {
                    break;
                }
            }
        }
    }
    if placement.opened() {
        hub.send(Event::Input(Input::Closed(conn, how)));
    }
}

/// Waits for `sleep`, or forever without one.
async fn until(sleep: &mut Option<std::pin::Pin<Box<tokio::time::Sleep>>>) {
    match sleep {
        Some(sleep) => sleep.await,
        None => std::future::pending().await,
    }
}

/// Why a `/ws` socket was closed that named a room of another shard after its first message
/// (policy violation, 1008). Its first message decides where it lives.
pub const NAME_THE_ROOM_FIRST: &str = "name the room in the first message, or use /ws/{room}";

/// The room a text frame names, if it is a `join`, `knock` or `resume`.
fn room_named(text: &str) -> Option<RoomId> {
    if text.len() > crate::protocol::MAX_MESSAGE_BYTES {
        return None;
    }
    serde_json::from_str::<crate::protocol::ClientMsg>(text).ok()?.room().cloned()
}

/// Where a socket lives among the hub's shards, decided by what it says (no I/O). A socket
/// opened for a room (`/ws/{room}`), or any socket when there is one shard, is placed from the
/// start. A `/ws` socket on a sharded hub waits for its first text or binary frame: if that
/// names a room (`join`, `knock`, `resume`) the socket goes to the room's shard, bound to the
/// room as if it had opened `/ws/{room}`; otherwise it goes to the first shard unbound, may
/// join that shard's rooms, and is refused ([`NAME_THE_ROOM_FIRST`]) when it names a room of
/// another shard. A room's members must all reach the same shard.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Placement {
    state: Place,
    shards: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// Not opened on any shard yet: it has said nothing (for at most the join timeout, like
    /// any socket without a seat).
    Waiting,
    /// On the first shard, bound to no room.
    Unbound,
    /// On its shard for good.
    Placed,
}

/// What to do with a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    /// Hand it to the socket's shard.
    Forward,
    /// Open the socket on a shard (its room's, bound to it, or the first), then hand it on.
    Open(Option<RoomId>),
    /// Drop it (a pong from a socket no shard knows yet).
    Ignore,
    /// Close the socket with [`NAME_THE_ROOM_FIRST`].
    Refuse,
}

impl Placement {
    fn new(bound: bool, shards: usize) -> Self {
        let state = if bound || shards <= 1 { Place::Placed } else { Place::Waiting };
        Self { state, shards }
    }

    /// Whether the socket is open on a shard.
    fn opened(&self) -> bool {
        self.state != Place::Waiting
    }

    /// Whether the room a frame names matters (so it is worth parsing).
    fn wants_rooms(&self) -> bool {
        self.state != Place::Placed
    }

    /// A frame arrived: `says` when it is text or binary, `named` the room it names.
    fn on_frame(&mut self, says: bool, named: Option<RoomId>) -> Step {
        match (self.state, named) {
            (Place::Placed, _) => Step::Forward,
            (Place::Waiting, _) if !says => Step::Ignore,
            (Place::Waiting, named) => {
                self.state = if named.is_some() { Place::Placed } else { Place::Unbound };
                Step::Open(named)
            }
            (Place::Unbound, Some(room)) if shard_of(&room, self.shards) != UNBOUND_SHARD => {
                Step::Refuse
            }
            (Place::Unbound, _) => Step::Forward,
        }
    }
}

/// The first ping time, `every` from now rounded up to a shared 250 ms grid: thousands of
/// sockets then wake the runtime four times a second for their pings, not a thousand times
/// (scattered deadlines cost a thread wake-up each).
fn aligned(every: Duration) -> tokio::time::Instant {
    static GRID: std::sync::OnceLock<tokio::time::Instant> = std::sync::OnceLock::new();
    const STEP: Duration = Duration::from_millis(250);
    let grid = *GRID.get_or_init(tokio::time::Instant::now);
    let due = tokio::time::Instant::now() + every;
    let steps = due.saturating_duration_since(grid).as_nanos().div_ceil(STEP.as_nanos());
    grid + STEP * u32::try_from(steps).unwrap_or(u32::MAX)
}

/// Sends one frame; false when the socket failed or did not take it within [`WRITE_STALL`].
async fn send_or_stall<S: Sink<Message> + Unpin>(sink: &mut S, message: Message) -> bool {
    matches!(tokio::time::timeout(WRITE_STALL, sink.send(message)).await, Ok(Ok(())))
}

/// A socket made of two halves, for driving [`serve_socket`] (and the cluster's pipe between
/// a browser and its room's owner) with channels in tests.
#[cfg(test)]
pub mod testing {
    use futures::{Sink, Stream};
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// `sink` takes what the server sends; `stream` is what the client says.
    pub struct Joined<S, R> {
        pub sink: S,
        pub stream: R,
    }

    impl<T, S: Sink<T> + Unpin, R: Unpin> Sink<T> for Joined<S, R> {
        type Error = S::Error;
        fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
            Pin::new(&mut self.get_mut().sink).poll_ready(cx)
        }
        fn start_send(self: Pin<&mut Self>, item: T) -> Result<(), S::Error> {
            Pin::new(&mut self.get_mut().sink).start_send(item)
        }
        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
            Pin::new(&mut self.get_mut().sink).poll_flush(cx)
        }
        fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
            Pin::new(&mut self.get_mut().sink).poll_close(cx)
        }
    }

    impl<S: Unpin, R: Stream + Unpin> Stream for Joined<S, R> {
        type Item = R::Item;
        fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<R::Item>> {
            Pin::new(&mut self.get_mut().stream).poll_next(cx)
        }
    }
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
        let socket = testing::Joined { sink: StoppedReader, stream: silent };
        let serve = serve_socket(socket, hub, PING_EVERY);
        let ended = tokio::time::timeout(PING_EVERY + WRITE_STALL * 2, serve).await;
        assert!(ended.is_ok(), "the socket loop waited forever on a stalled write");
    }

    fn room_on(shard: usize, shards: usize) -> RoomId {
        let rooms = ('a'..='z').map(|c| RoomId::parse(&c.to_string().repeat(22)).unwrap());
        rooms.into_iter().find(|r| shard_of(r, shards) == shard).unwrap()
    }

    #[test]
    fn a_socket_with_its_room_in_the_address_or_on_one_shard_is_placed_at_once() {
        let other = room_on(3, 4);
        for mut p in [Placement::new(true, 4), Placement::new(false, 1)] {
            assert!(p.opened());
            assert_eq!(p.on_frame(true, Some(other.clone())), Step::Forward);
            assert_eq!(p.on_frame(false, None), Step::Forward);
        }
    }

    #[test]
    fn a_ws_socket_goes_where_its_first_message_names() {
        let (r, other) = (room_on(2, 4), room_on(3, 4));
        let mut p = Placement::new(false, 4);
        assert!(!p.opened());
        assert_eq!(p.on_frame(false, None), Step::Ignore, "a pong places nothing");
        assert_eq!(p.on_frame(true, Some(r.clone())), Step::Open(Some(r)));
        assert!(p.opened());
        // Bound from now on: the hub answers a join elsewhere with wrong_room.
        assert_eq!(p.on_frame(true, Some(other)), Step::Forward);
    }

    #[test]
    fn a_ws_socket_that_names_no_room_first_stays_on_the_first_shard() {
        let mut p = Placement::new(false, 4);
        assert_eq!(p.on_frame(true, None), Step::Open(None));
        assert_eq!(p.on_frame(true, None), Step::Forward);
        assert_eq!(p.on_frame(true, Some(room_on(0, 4))), Step::Forward);
        assert_eq!(p.on_frame(true, Some(room_on(1, 4))), Step::Refuse);
    }

    #[tokio::test(start_paused = true)]
    async fn pings_fall_on_a_shared_grid_at_least_the_interval_away() {
        let first = aligned(PING_EVERY);
        tokio::time::advance(Duration::from_millis(130)).await;
        let second = aligned(PING_EVERY);
        let now = tokio::time::Instant::now();
        assert!(
            second >= now + PING_EVERY && second < now + PING_EVERY + Duration::from_millis(250)
        );
        let apart = second.duration_since(first).as_millis();
        assert_eq!(apart % 250, 0, "{apart} ms apart");
    }
}
