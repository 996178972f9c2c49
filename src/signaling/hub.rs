//! The room registry as a sans-IO state machine (the str0m shape: `handle(now, input) -> outputs`).
//!
//! It owns every rule of signaling: who sits in which room, who may send to whom, message size
//! and rate limits, capacity, heartbeat expiry, and dropping a room when it empties. It does no
//! I/O and never reads a clock, so tests drive it with simulated sockets and simulated time.

use super::limits::{HubConfig, TokenBucket};
use crate::protocol::{
    ClientMsg, ErrorCode, PeerId, PeerInfo, RoomId, ServerMsg, CLOSE_POLICY, CLOSE_TOO_BIG,
    MAX_MESSAGE_BYTES, MAX_NAME_CHARS,
};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// One WebSocket connection, numbered by the socket layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

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
    Closed(ConnId),
    /// Time passed; used for heartbeat expiry.
    Tick,
}

/// What the socket side must do.
#[derive(Debug, PartialEq)]
pub enum Output {
    /// Send this message on that socket.
    Send(ConnId, ServerMsg),
    /// Close that socket with a WebSocket close code and reason.
    Close(ConnId, u16, &'static str),
}

#[derive(Debug)]
struct Conn {
    seat: Option<(RoomId, PeerId)>,
    last_seen: Instant,
    bucket: TokenBucket,
}

#[derive(Debug, Default)]
struct Room {
    members: BTreeMap<PeerId, Member>,
}

#[derive(Debug)]
struct Member {
    conn: ConnId,
    name: String,
}

/// Every room and connection of one server.
#[derive(Debug)]
pub struct Hub {
    config: HubConfig,
    conns: HashMap<ConnId, Conn>,
    rooms: HashMap<RoomId, Room>,
    next_peer: u64,
}

impl Hub {
    /// An empty hub.
    pub fn new(config: HubConfig) -> Self {
        Self {
            config,
            conns: HashMap::new(),
            rooms: HashMap::new(),
            next_peer: 1,
        }
    }

    /// Number of rooms with at least one member.
    pub fn room_count(&self) -> usize {
        self.rooms.len()
    }

    /// Members of `room`, in seat order.
    pub fn members(&self, room: &RoomId) -> Vec<PeerId> {
        self.rooms
            .get(room)
            .map(|r| r.members.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Applies one input and returns what the socket side must do, in order.
    pub fn handle(&mut self, now: Instant, input: Input) -> Vec<Output> {
        let mut out = Vec::new();
        match input {
            Input::Opened(conn) => {
                let bucket = TokenBucket::full(self.config.rate_burst, now);
                self.conns.insert(
                    conn,
                    Conn {
                        seat: None,
                        last_seen: now,
                        bucket,
                    },
                );
            }
            Input::Alive(conn) => self.touch(conn, now),
            Input::Binary(conn) => {
                self.touch(conn, now);
                out.push(Output::Send(
                    conn,
                    ServerMsg::error(ErrorCode::Binary, "binary frames are not accepted"),
                ));
            }
            Input::Text(conn, text) => self.on_text(now, conn, text, &mut out),
            Input::Closed(conn) => {
                self.leave(conn, &mut out);
                self.conns.remove(&conn);
            }
            Input::Tick => self.expire(now, &mut out),
        }
        out
    }

    fn touch(&mut self, conn: ConnId, now: Instant) {
        if let Some(c) = self.conns.get_mut(&conn) {
            c.last_seen = now;
        }
    }

    fn on_text(&mut self, now: Instant, conn: ConnId, text: String, out: &mut Vec<Output>) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        c.last_seen = now;
        if text.len() > MAX_MESSAGE_BYTES {
            self.leave(conn, out);
            self.conns.remove(&conn);
            out.push(Output::Close(conn, CLOSE_TOO_BIG, "message exceeds 64 KiB"));
            return;
        }
        if !c
            .bucket
            .take(now, self.config.rate_per_sec, self.config.rate_burst)
        {
            let msg = ServerMsg::error(ErrorCode::RateLimited, "too many messages; slow down");
            out.push(Output::Send(conn, msg));
            return;
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
        match msg {
            ClientMsg::Join { room, name } => self.join(conn, room, name, out),
            ClientMsg::Signal { to, signal } => {
                let Some((room, from)) = self.seat(conn) else {
                    out.push(Output::Send(conn, not_joined()));
                    return;
                };
                match self.rooms.get(&room).and_then(|r| r.members.get(&to)) {
                    Some(member) if to != from => out.push(Output::Send(
                        member.conn,
                        ServerMsg::Signal { from, signal },
                    )),
                    _ => out.push(Output::Send(
                        conn,
                        ServerMsg::error(
                            ErrorCode::UnknownPeer,
                            format!("peer {to} is not in your room"),
                        ),
                    )),
                }
            }
            ClientMsg::Leave => {
                if self.seat(conn).is_none() {
                    out.push(Output::Send(conn, not_joined()));
                }
                self.leave(conn, out);
            }
            ClientMsg::Ping => out.push(Output::Send(conn, ServerMsg::Pong)),
        }
    }

    fn seat(&self, conn: ConnId) -> Option<(RoomId, PeerId)> {
        self.conns.get(&conn).and_then(|c| c.seat.clone())
    }

    fn join(&mut self, conn: ConnId, room_id: RoomId, name: String, out: &mut Vec<Output>) {
        if self.seat(conn).is_some() {
            out.push(Output::Send(
                conn,
                ServerMsg::error(
                    ErrorCode::AlreadyJoined,
                    "this connection already has a seat",
                ),
            ));
            return;
        }
        let name = name.trim().to_owned();
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            out.push(Output::Send(
                conn,
                ServerMsg::error(
                    ErrorCode::BadName,
                    format!("a display name has 1 to {MAX_NAME_CHARS} printable characters"),
                ),
            ));
            return;
        }
        let room = self.rooms.entry(room_id.clone()).or_default();
        if room.members.len() >= self.config.room_capacity {
            out.push(Output::Send(
                conn,
                ServerMsg::error(
                    ErrorCode::RoomFull,
                    format!(
                        "this room already has {} participants",
                        self.config.room_capacity
                    ),
                ),
            ));
            return;
        }
        let id = PeerId(self.next_peer);
        self.next_peer += 1;
        let peers: Vec<PeerInfo> = room
            .members
            .iter()
            .map(|(&id, m)| PeerInfo {
                id,
                name: m.name.clone(),
            })
            .collect();
        let newcomer = PeerInfo {
            id,
            name: name.clone(),
        };
        for member in room.members.values() {
            out.push(Output::Send(
                member.conn,
                ServerMsg::PeerJoined {
                    peer: newcomer.clone(),
                },
            ));
        }
        room.members.insert(id, Member { conn, name });
        if let Some(c) = self.conns.get_mut(&conn) {
            c.seat = Some((room_id.clone(), id));
        }
        out.push(Output::Send(
            conn,
            ServerMsg::Welcome {
                you: id,
                room: room_id,
                peers,
            },
        ));
    }

    /// Frees `conn`'s seat, tells the rest of the room, and drops the room when it empties.
    fn leave(&mut self, conn: ConnId, out: &mut Vec<Output>) {
        let Some((room_id, peer)) = self.conns.get_mut(&conn).and_then(|c| c.seat.take()) else {
            return;
        };
        let Some(room) = self.rooms.get_mut(&room_id) else {
            return;
        };
        room.members.remove(&peer);
        for member in room.members.values() {
            out.push(Output::Send(member.conn, ServerMsg::PeerLeft { peer }));
        }
        if room.members.is_empty() {
            self.rooms.remove(&room_id);
        }
    }

    fn expire(&mut self, now: Instant, out: &mut Vec<Output>) {
        let timeout = self.config.heartbeat_timeout;
        let mut dead: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| now.saturating_duration_since(c.last_seen) > timeout)
            .map(|(&id, _)| id)
            .collect();
        dead.sort();
        for conn in dead {
            self.leave(conn, out);
            self.conns.remove(&conn);
            out.push(Output::Close(conn, CLOSE_POLICY, "heartbeat timeout"));
        }
    }
}

fn not_joined() -> ServerMsg {
    ServerMsg::error(ErrorCode::NotJoined, "join a room first")
}
