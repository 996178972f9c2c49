//! The room registry as a sans-IO state machine (the str0m shape: `handle(now, input) -> outputs`).
//!
//! It owns every rule of signaling: who sits in which room, who may send to whom, message size
//! and rate limits, capacity, heartbeat expiry, held seats while a connection is away, and
//! dropping a room when it empties. It does no I/O and never reads a clock, so tests drive it
//! with simulated sockets and simulated time.
//!
//! Seats outlive connections: a socket that drops without a close handshake (network loss,
//! server-side heartbeat timeout) leaves its seat *held* for [`HubConfig::grace`]; the browser
//! takes it back with `resume` and its seat ticket, and nobody is told it was gone. A clean
//! close, a `leave` or the end of the grace period frees the seat and tells the room. A ticket
//! also restores a seat the server no longer knows (after a restart), under the same peer id.
//!
//! Every room also runs its [`Game`]: seats joining and leaving are its players, game messages
//! from a seat become its inputs (stamped with the seat's id), and its outputs go to the room
//! (see `games`). The game's clock is the hub's `now` since the first input.
//!
//! Who may take a seat is decided by `admission`: the room's host (the game's host, the
//! earliest joiner still present) can lock the room, set a password, make joiners knock, and
//! remove a participant; a socket that neither sits nor knocks is closed after
//! [`HubConfig::join_timeout`].

use super::limits::{HubConfig, TokenBucket};
use super::ticket::TicketKey;
use crate::browser::{BrowserId, Owners};
use crate::game::{ConfigError, Game, GameRecord, Highlight, Results};
use crate::ids::PeerMap;
use crate::protocol::{
    CallReport, ClientMsg, CloseReason, ErrorCode, MediaState, PeerId, PeerInfo, RoomId, ServerMsg,
    MAX_MESSAGE_BYTES, MAX_NAME_CHARS,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};

mod admission;
mod games;
mod ice;
mod relay;
mod reports;
mod social;
mod sweep;
pub use games::{UploadError, UploadRequest};
#[cfg(test)]
pub use relay::relayed;
pub use relay::Relayed;

/// One WebSocket connection, numbered by the socket layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// How a socket ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseKind {
    /// A close handshake: the user closed the tab or navigated away. The seat is freed.
    Clean,
    /// The connection died (network, crash). The seat is held for the grace period.
    Abrupt,
}

/// What happened on the socket side.
#[derive(Debug)]
pub enum Input {
    /// A socket was accepted.
    Opened(ConnId),
    /// A text frame arrived.
    Text(ConnId, String),
    /// A binary frame arrived (not part of the protocol).
    Binary(ConnId),
    /// A pong (or any other sign of life) arrived.
    Alive(ConnId),
    /// The socket is gone.
    Closed(ConnId, CloseKind),
    /// Time passed; used for heartbeat and grace expiry.
    Tick,
    /// The socket's request came from this browser (its `sf_browser` cookie): the seat it takes
    /// is recorded as that browser's, so the game lists for it later.
    Browser(ConnId, BrowserId),
    /// The socket was opened for this room (`/ws/{room}`): it may join, knock and resume there
    /// only, so whatever routes by the address (a proxy, a shard) routes it right.
    Bound(ConnId, RoomId),
    /// Another node serves this room now (this node lost its lease): every socket of the room
    /// is closed with [`CloseReason::Moving`], to resume over there, and the room is forgotten
    /// without a word to anyone.
    Moved(RoomId),
    /// The wall clock at `now`, in Unix seconds (fed at start and with every tick): TURN
    /// credentials carry their expiry in it.
    WallClock(u64),
    /// A highlight upload, its image already checked (the bytes never enter the hub):
    /// answered by [`Output::UploadAnswer`], after a [`Output::KeepHighlight`] if accepted.
    Upload(UploadRequest),
}

/// What the socket side must do.
#[derive(Debug, PartialEq)]
pub enum Output {
    /// Send this message on that socket.
    Send(ConnId, ServerMsg),
    /// Send this relayed signal on that socket (a `ServerMsg::Signal`, already in its text).
    Relay(ConnId, Relayed),
    /// Close that socket, saying why (a close code and text each).
    Close(ConnId, CloseReason),
    /// A game ended: persist it under `game_id`, and only once that has committed, tell
    /// `announce` the results (`GameServerMsg::GameOver`, whose link must then work).
    GameOver {
        /// The game's public id.
        game_id: String,
        /// Its room.
        room: RoomId,
        /// What to persist.
        record: GameRecord,
        /// Final standings.
        results: Results,
        /// Each player's browser and the host's, saved with the game.
        owners: Owners,
        /// The room's live sockets when it ended.
        announce: Vec<ConnId>,
    },
    /// An upload was accepted: keep the image the socket side holds for it.
    KeepHighlight {
        /// The upload whose image it is.
        upload: u64,
        /// The game's public id.
        game_id: String,
        /// Which request, whose face, which round.
        highlight: Highlight,
    },
    /// The hub's word on an upload: `Ok` if accepted (its image was just kept, and the upload
    /// succeeds once that commits).
    UploadAnswer {
        /// Which upload.
        upload: u64,
        /// Accepted, or why not.
        result: Result<(), UploadError>,
    },
    /// A capture request was withdrawn: delete its image if one was kept.
    DropHighlight {
        /// The game's public id.
        game_id: String,
        /// The withdrawn request.
        request_id: u64,
    },
    /// A seat's call measurements, checked, for the operator's metrics.
    Report(CallReport),
    /// How `room`'s running game stands now (`None`: no game runs there any more); only with
    /// [`HubConfig::checkpoints`].
    Checkpoint {
        /// The room.
        room: RoomId,
        /// The game as it would end now.
        game: Option<Box<Checkpoint>>,
    },
}

/// A running game as it would end now (early): what another node saves if this one dies.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// The game's public id (its highlights are stored under it already).
    pub game_id: String,
    /// The standings so far.
    pub results: Results,
    /// The record so far.
    pub record: GameRecord,
    /// Who played, by browser, and the host.
    pub owners: Owners,
}

#[derive(Debug)]
struct Conn {
    seat: Option<(RoomId, PeerId)>,
    last_seen: Instant,
    bucket: TokenBucket,
    /// The browser the socket's request came from, if known.
    browser: Option<BrowserId>,
    /// Since when the connection has had neither a seat nor a knock (see `admission`).
    idle_since: Instant,
    /// The room in the socket's address, if it had one.
    room: Option<RoomId>,
}

#[derive(Debug)]
struct Room {
    members: PeerMap<Member>,
    game: Game,
    /// Which browser took each seat; kept after a seat is freed, so a player who left mid-game
    /// still finds the game in their history.
    browsers: PeerMap<BrowserId>,
    admission: admission::Admission,
}

#[derive(Debug)]
struct Member {
    /// `None` while the seat is held for a dropped connection.
    conn: Option<ConnId>,
    name: String,
    held_until: Option<Instant>,
    /// Microphone and camera on (as the member last said).
    media: MediaState,
    /// Hand raised.
    hand: bool,
    /// Reactions this seat may still send now.
    reactions: TokenBucket,
    /// This seat's join-to-connected time was counted.
    connect_reported: bool,
    /// When this seat's last call report was counted.
    last_report: Option<Instant>,
}

/// Every room and connection of one server.
#[derive(Debug)]
pub struct Hub {
    config: HubConfig,
    tickets: TicketKey,
    conns: HashMap<ConnId, Conn>,
    /// Boxed: a `Room` is large, and the table keeps up to twice as many slots as rooms.
    rooms: HashMap<RoomId, Box<Room>>,
    /// Knocking connections and password guesses.
    gate: admission::Gate,
    next_peer: u64,
    /// The first `now` seen: the origin of every game clock.
    epoch: Option<Instant>,
    /// The `now` of the input being handled.
    now: Instant,
    /// ICE servers for welcomes, and TURN renewals.
    ice: ice::Ice,
    /// When each periodic sweep can first find something.
    sweeps: sweep::Sweeps,
    /// The rooms whose game time alone may change ([`Game::is_timed`]): the only ones ticked.
    timed_games: std::collections::HashSet<RoomId>,
}

impl Hub {
    /// An empty hub that signs seat tickets with `tickets`; fails when the game rules in
    /// `config` cannot be played.
    pub fn new(config: HubConfig, tickets: TicketKey) -> Result<Self, ConfigError> {
        config.game.validate()?;
        let next_peer = config.first_peer_id;
        Ok(Self {
            config,
            tickets,
            conns: HashMap::new(),
            rooms: HashMap::new(),
            gate: admission::Gate::default(),
            next_peer,
            epoch: None,
            now: Instant::now(),
            ice: ice::Ice::default(),
            sweeps: sweep::Sweeps::default(),
            timed_games: std::collections::HashSet::new(),
        })
    }

    /// This hub, handing out `ice` (STUN/TURN servers; TURN logins minted per seat).
    pub fn with_ice(mut self, ice: crate::signaling::ice::IceConfig) -> Self {
        self.ice = ice::Ice::new(ice);
        self
    }

    /// Number of rooms with at least one seat (live or held).
    pub fn room_count(&self) -> usize {
        self.rooms.len()
    }

    /// The seat `conn` holds now, if any.
    pub fn peer_of(&self, conn: ConnId) -> Option<PeerId> {
        self.seat_of(conn).map(|(_, peer)| peer)
    }

    /// Seats of `room` (live and held), in id order.
    pub fn members(&self, room: &RoomId) -> Vec<PeerId> {
        self.rooms.get(room).map(|r| r.members.keys().copied().collect()).unwrap_or_default()
    }

    /// Applies one input and returns what the socket side must do, in order.
    pub fn handle(&mut self, now: Instant, input: Input) -> Vec<Output> {
        self.set_now(now);
        let mut out = Vec::new();
        match input {
            Input::Opened(conn) => {
                let bucket = TokenBucket::full(self.config.rate_burst, now);
                let c = Conn {
                    seat: None,
                    last_seen: now,
                    bucket,
                    idle_since: now,
                    browser: None,
                    room: None,
                };
                self.conns.insert(conn, c);
                self.sweeps.heartbeat.note(now + self.config.heartbeat_timeout);
                self.sweeps.unjoined.note(now + self.config.join_timeout);
            }
            Input::Alive(conn) => self.touch(conn, now),
            Input::Binary(conn) => {
                self.touch(conn, now);
                let msg = ServerMsg::error(ErrorCode::Binary, "binary frames are not accepted");
                out.push(Output::Send(conn, msg));
            }
            Input::Text(conn, text) => self.on_text(now, conn, text, &mut out),
            Input::Closed(conn, CloseKind::Clean) => {
                self.ice.closed(conn);
                self.forget_conn(conn, &mut out);
                self.leave(conn, &mut out);
                self.conns.remove(&conn);
            }
            Input::Closed(conn, CloseKind::Abrupt) => {
                self.ice.closed(conn);
                self.forget_conn(conn, &mut out);
                self.hold(now, conn);
            }
            Input::Tick => {
                self.expire(now, &mut out);
                self.expire_unjoined(now, &mut out);
                self.tick_games(&mut out);
                self.renew_ice(now, &mut out);
                // A crowd that left gives its table space back.
                shrink_sparse(&mut self.conns);
                shrink_sparse(&mut self.rooms);
            }
            Input::WallClock(unix) => self.ice.set_wall(now, unix),
            Input::Upload(request) => self.upload(request, &mut out),
            Input::Browser(conn, browser) => {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.browser = Some(browser);
                }
            }
            Input::Bound(conn, room) => {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.room = Some(room);
                }
            }
            Input::Moved(room) => self.moved(&room, &mut out),
        }
        out
    }

    /// See [`Input::Moved`].
    fn moved(&mut self, room_id: &RoomId, out: &mut Vec<Output>) {
        let mut conns: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| {
                c.room.as_ref() == Some(room_id)
                    || c.seat.as_ref().is_some_and(|(room, _)| room == room_id)
            })
            .map(|(&id, _)| id)
            .collect();
        conns.extend(self.knockers(room_id));
        conns.sort();
        conns.dedup();
        self.rooms.remove(room_id);
        for conn in conns {
            self.ice.closed(conn);
            self.forget_conn(conn, out);
            self.conns.remove(&conn);
            out.push(Output::Close(conn, CloseReason::Moving));
        }
    }

    fn set_now(&mut self, now: Instant) {
        self.now = now;
        self.epoch.get_or_insert(now);
    }

    /// The game clock: time since the hub's first input.
    fn clock(&self) -> Duration {
        self.epoch.map_or(Duration::ZERO, |e| self.now.saturating_duration_since(e))
    }

    fn touch(&mut self, conn: ConnId, now: Instant) {
        if let Some(c) = self.conns.get_mut(&conn) {
            c.last_seen = now;
        }
    }

    fn on_text(&mut self, now: Instant, conn: ConnId, text: String, out: &mut Vec<Output>) {
        let Some(c) = self.conns.get_mut(&conn) else { return };
        c.last_seen = now;
        if text.len() > MAX_MESSAGE_BYTES {
            self.forget_conn(conn, out);
            self.leave(conn, out);
            self.conns.remove(&conn);
            out.push(Output::Close(conn, CloseReason::TooBig));
            return;
        }
        if !c.bucket.take(now, self.config.rate_per_sec, self.config.rate_burst) {
            let msg = ServerMsg::error(ErrorCode::RateLimited, "too many messages; slow down");
            out.push(Output::Send(conn, msg));
            return;
        }
        if let Some((to, signal)) = relay::signal(&text) {
            return self.relay(conn, to, signal, out);
        }
        match serde_json::from_str::<ClientMsg>(&text) {
            Ok(msg) => self.on_message(conn, msg, out),
            Err(e) => out.push(Output::Send(
                conn,
                ServerMsg::error(ErrorCode::Malformed, format!("malformed message: {e}")),
            )),
        }
    }

    fn on_message(&mut self, conn: ConnId, msg: ClientMsg, out: &mut Vec<Output>) {
        let bound = self.conns.get(&conn).and_then(|c| c.room.as_ref());
        if let (Some(bound), Some(asked)) = (bound, msg.room()) {
            if bound != asked {
                let detail = format!("this socket was opened for room {bound}, not {asked}");
                return out
                    .push(Output::Send(conn, ServerMsg::error(ErrorCode::WrongRoom, detail)));
            }
        }
        match msg {
            ClientMsg::Join { room, name } => self.request_join(conn, room, name, None, out),
            ClientMsg::JoinWithPassword { room, name, password } => {
                self.request_join(conn, room, name, Some(password), out)
            }
            ClientMsg::SetLock { .. }
            | ClientMsg::SetPassword { .. }
            | ClientMsg::SetKnock { .. }
            | ClientMsg::Admit { .. }
            | ClientMsg::Decline { .. }
            | ClientMsg::Remove { .. } => self.host_command(conn, msg, out),
            ClientMsg::Resume { room, name, peer, ticket } => {
                self.resume(conn, room, name, peer, &ticket, out)
            }
            ClientMsg::Signal { to, signal } => match serde_json::value::to_raw_value(&signal) {
                Ok(raw) => self.relay(conn, to, &raw, out),
                Err(e) => tracing::error!(error = %e, "could not serialize a signal"),
            },
            ClientMsg::Leave => {
                if self.stop_knocking(conn, out) {
                    return;
                }
                if self.seat_of(conn).is_none() {
                    out.push(Output::Send(conn, not_joined()));
                }
                self.leave(conn, out);
            }
            ClientMsg::Ping => out.push(Output::Send(conn, ServerMsg::Pong)),
            ClientMsg::Media(media) => match self.seat_of(conn) {
                Some((room, peer)) => self.set_media(&room, peer, media, out),
                None => out.push(Output::Send(conn, not_joined())),
            },
            ClientMsg::Game(msg) => match self.seat_of(conn) {
                Some((room, peer)) => self.game_message(&room, peer, msg, out),
                None => out.push(Output::Send(conn, not_joined())),
            },
            ClientMsg::React { reaction } => match self.seat_of(conn) {
                Some((room, peer)) => self.react(&room, peer, reaction, out),
                None => out.push(Output::Send(conn, not_joined())),
            },
            ClientMsg::Hand { up } => match self.seat_of(conn) {
                Some((room, peer)) => self.raise_hand(&room, peer, up, out),
                None => out.push(Output::Send(conn, not_joined())),
            },
            ClientMsg::Report(report) => match self.seat_of(conn) {
                Some((room, peer)) => self.report(&room, peer, conn, report, out),
                None => out.push(Output::Send(conn, not_joined())),
            },
        }
    }

    /// Records `peer`'s microphone/camera state and tells the rest of the room when it changed.
    fn set_media(&mut self, room: &RoomId, peer: PeerId, media: MediaState, out: &mut Vec<Output>) {
        let Some(room) = self.rooms.get_mut(room) else { return };
        let Some(member) = room.members.get_mut(&peer) else { return };
        if std::mem::replace(&mut member.media, media) == media {
            return;
        }
        social::to_others(room, peer, &ServerMsg::PeerMedia { peer, media }, out);
    }

    fn seat_of(&self, conn: ConnId) -> Option<(RoomId, PeerId)> {
        self.conns.get(&conn).and_then(|c| c.seat.clone())
    }

    /// Checks that `conn` may take a new seat in `room` under `name`; returns the clean name.
    fn admit(
        &self,
        conn: ConnId,
        room: &RoomId,
        name: String,
        out: &mut Vec<Output>,
    ) -> Option<String> {
        let refuse = |code, message: String| Output::Send(conn, ServerMsg::error(code, message));
        if self.seat_of(conn).is_some() {
            out.push(refuse(ErrorCode::AlreadyJoined, "this connection already has a seat".into()));
            return None;
        }
        let name = name.trim().to_owned();
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            out.push(refuse(
                ErrorCode::BadName,
                format!("a display name has 1 to {MAX_NAME_CHARS} printable characters"),
            ));
            return None;
        }
        let taken = self.rooms.get(room).map_or(0, |r| r.members.len());
        if taken >= self.config.room_capacity {
            out.push(refuse(
                ErrorCode::RoomFull,
                format!("this room already has {} participants", self.config.room_capacity),
            ));
            return None;
        }
        Some(name)
    }

    /// Seats `conn` as `id`: tells the room, then welcomes the newcomer.
    fn seat(
        &mut self,
        conn: ConnId,
        room_id: RoomId,
        id: PeerId,
        name: String,
        out: &mut Vec<Output>,
    ) {
        let room = self.rooms.entry(room_id.clone()).or_insert_with(|| {
            Box::new(Room {
                admission: Default::default(),
                members: PeerMap::new(),
                game: Game::new(
                    self.config.game.clone(),
                    Default::default(),
                    game_seed(&room_id, self.config.instance),
                )
                .expect("the game config was validated in Hub::new"),
                browsers: PeerMap::new(),
            })
        });
        if let Some(browser) = self.conns.get(&conn).and_then(|c| c.browser) {
            room.browsers.insert(id, browser);
        }
        let newcomer = PeerInfo { id, name: name.clone() };
        for member in room.members.values() {
            if let Some(c) = member.conn {
                out.push(Output::Send(c, ServerMsg::PeerJoined { peer: newcomer.clone() }));
            }
        }
        let member = Member {
            conn: Some(conn),
            name: name.clone(),
            held_until: None,
            media: MediaState::default(),
            hand: false,
            reactions: TokenBucket::full(self.config.reaction_burst, self.now),
            connect_reported: false,
            last_report: None,
        };
        room.members.insert(id, member);
        self.welcome(conn, room_id.clone(), id, out);
        let joined = crate::game::Input::PlayerJoined { peer: id, name };
        let _ = self.game_input(&room_id, joined, out);
        self.tell_room_state(conn, &room_id, out);
    }

    fn welcome(&mut self, conn: ConnId, room_id: RoomId, id: PeerId, out: &mut Vec<Output>) {
        let peers = self.rooms.get(&room_id).map_or_else(Vec::new, |room| {
            room.members
                .iter()
                .filter(|(&pid, _)| pid != id)
                .map(|(&pid, m)| PeerInfo { id: pid, name: m.name.clone() })
                .collect()
        });
        if let Some(c) = self.conns.get_mut(&conn) {
            c.seat = Some((room_id.clone(), id));
        }
        let ticket = self.tickets.issue(&room_id, id);
        let muted: Vec<ServerMsg> = self.rooms.get(&room_id).map_or_else(Vec::new, |room| {
            room.members
                .iter()
                .filter(|(&pid, m)| pid != id && m.media != MediaState::default())
                .map(|(&peer, m)| ServerMsg::PeerMedia { peer, media: m.media })
                .collect()
        });
        let hands = self.raised_hands(&room_id, id);
        let ice_servers = self.ice.for_welcome(self.now, conn, id);
        let welcome = ServerMsg::Welcome { you: id, room: room_id, peers, ticket, ice_servers };
        out.push(Output::Send(conn, welcome));
        out.extend(muted.into_iter().chain(hands).map(|msg| Output::Send(conn, msg)));
    }

    fn resume(
        &mut self,
        conn: ConnId,
        room: RoomId,
        name: String,
        peer: PeerId,
        ticket: &str,
        out: &mut Vec<Output>,
    ) {
        if !self.tickets.verify(&room, peer, ticket) {
            let msg = ServerMsg::error(ErrorCode::BadTicket, "that seat ticket is not valid");
            out.push(Output::Send(conn, msg));
            return;
        }
        if self.is_removed(&room, peer) {
            out.push(Output::Send(conn, admission::removed_msg()));
            return;
        }
        if self.seat_of(conn).is_some() {
            let msg =
                ServerMsg::error(ErrorCode::AlreadyJoined, "this connection already has a seat");
            out.push(Output::Send(conn, msg));
            return;
        }
        let existing = self.rooms.get_mut(&room).and_then(|r| r.members.get_mut(&peer));
        match existing {
            Some(member) => {
                // The seat is still here (held, or a stale socket still attached): move it to
                // this connection without telling the room anything.
                let old = member.conn.replace(conn);
                member.held_until = None;
                if let Some(old) = old.filter(|&old| old != conn) {
                    if let Some(c) = self.conns.get_mut(&old) {
                        c.seat = None;
                    }
                    out.push(Output::Close(old, CloseReason::Replaced));
                    self.conns.remove(&old);
                }
                self.welcome(conn, room.clone(), peer, out);
                self.tell_room_state(conn, &room, out);
            }
            None => {
                // The server forgot the seat (restart, or the grace period ran out): seat the
                // ticket holder again under its old id, so peers keep their connections to it.
                if let Some(name) = self.admit(conn, &room, name, out) {
                    self.seat(conn, room, peer, name, out);
                }
            }
        }
    }

    /// Detaches `conn` from its seat and holds the seat for the grace period.
    fn hold(&mut self, now: Instant, conn: ConnId) {
        let Some(Conn { seat: Some((room_id, peer)), .. }) = self.conns.remove(&conn) else {
            return;
        };
        let member = self.rooms.get_mut(&room_id).and_then(|r| r.members.get_mut(&peer));
        if let Some(member) = member.filter(|m| m.conn == Some(conn)) {
            member.conn = None;
            member.held_until = Some(now + self.config.grace);
            self.sweeps.held.note(now + self.config.grace);
        }
    }

    /// Frees `conn`'s seat, tells the rest of the room, and drops the room when it empties.
    fn leave(&mut self, conn: ConnId, out: &mut Vec<Output>) {
        let Some(c) = self.conns.get_mut(&conn) else { return };
        let Some((room_id, peer)) = c.seat.take() else { return };
        self.unseated(conn);
        self.free_seat(&room_id, peer, out);
    }

    /// `conn` has neither a seat nor a knock from now on: the join timeout runs again.
    fn unseated(&mut self, conn: ConnId) {
        if let Some(c) = self.conns.get_mut(&conn) {
            c.idle_since = self.now;
            self.sweeps.unjoined.note(self.now + self.config.join_timeout);
        }
    }

    fn free_seat(&mut self, room_id: &RoomId, peer: PeerId, out: &mut Vec<Output>) {
        let Some(room) = self.rooms.get_mut(room_id) else { return };
        let host_before = room.game.host();
        room.members.remove(&peer);
        for member in room.members.values() {
            if let Some(c) = member.conn {
                out.push(Output::Send(c, ServerMsg::PeerLeft { peer }));
            }
        }
        let _ = self.game_input(room_id, crate::game::Input::PlayerLeft { peer }, out);
        if self.rooms.get(room_id).is_some_and(|r| r.members.is_empty()) {
            if let Some(room) = self.rooms.remove(room_id) {
                self.room_closed(room.admission, out);
            }
        } else {
            self.host_may_have_changed(room_id, host_before, out);
        }
    }

    fn expire(&mut self, now: Instant, out: &mut Vec<Output>) {
        if self.sweeps.heartbeat.take_due(now) {
            let timeout = self.config.heartbeat_timeout;
            let mut dead = Vec::new();
            for (&id, c) in &self.conns {
                let at = c.last_seen + timeout;
                if now > at {
                    dead.push(id);
                } else {
                    self.sweeps.heartbeat.note(at);
                }
            }
            dead.sort();
            for conn in dead {
                self.forget_conn(conn, out);
                self.hold(now, conn);
                out.push(Output::Close(conn, CloseReason::HeartbeatTimeout));
            }
        }
        if !self.sweeps.held.take_due(now) {
            return;
        }
        let mut gone: Vec<(RoomId, PeerId)> = Vec::new();
        for (rid, room) in &self.rooms {
            for (&pid, member) in room.members.iter() {
                match member.held_until {
                    Some(t) if now >= t => gone.push((rid.clone(), pid)),
                    Some(t) => self.sweeps.held.note(t),
                    None => {}
                }
            }
        }
        gone.sort();
        for (room, peer) in gone {
            self.free_seat(&room, peer, out);
        }
    }
}

/// A room's game seed: the instance's random number mixed with the room id (FNV-1a).
fn game_seed(room: &RoomId, instance: u64) -> u64 {
    room.as_str().bytes().fold(0xcbf2_9ce4_8422_2325 ^ instance, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn not_joined() -> ServerMsg {
    ServerMsg::error(ErrorCode::NotJoined, "join a room first")
}

/// Gives a table's spare room back once it is mostly empty (a `HashMap` or `HashSet` never
/// shrinks by itself).
pub(crate) fn shrink_sparse(table: &mut impl HashTable) {
    if table.capacity() > 64 && table.len() * 4 < table.capacity() {
        table.shrink_to(table.len() * 2);
    }
}

/// What [`shrink_sparse`] needs of a table.
pub(crate) trait HashTable {
    fn len(&self) -> usize;
    fn capacity(&self) -> usize;
    fn shrink_to(&mut self, min_capacity: usize);
}

impl<K: Eq + std::hash::Hash, V> HashTable for HashMap<K, V> {
    fn len(&self) -> usize {
        HashMap::len(self)
    }
    fn capacity(&self) -> usize {
        HashMap::capacity(self)
    }
    fn shrink_to(&mut self, min_capacity: usize) {
        HashMap::shrink_to(self, min_capacity);
    }
}

impl<K: Eq + std::hash::Hash> HashTable for std::collections::HashSet<K> {
    fn len(&self) -> usize {
        std::collections::HashSet::len(self)
    }
    fn capacity(&self) -> usize {
        std::collections::HashSet::capacity(self)
    }
    fn shrink_to(&mut self, min_capacity: usize) {
        std::collections::HashSet::shrink_to(self, min_capacity);
    }
}
