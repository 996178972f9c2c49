//! The signaling wire protocol: one JSON message per WebSocket text frame.
//!
//! These types are compiled into both the server and the WASM client, so the two can never
//! disagree about a field. Only serde lives here: no leptos, no web-sys, no tokio.
//!
//! The client never names itself: the server assigns [`PeerId`]s and stamps the sender of every
//! relayed [`Signal`] (see `signaling::hub`), so a forged `from` field in a client message is
//! simply ignored.

use crate::game::{
    CaptureRequest, GameEvent, GameRefusal, Mode, PhaseView, Reading, Results, Scoreboard,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Largest text frame the server accepts; a bigger one closes the socket with code 1009.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 40;
/// Participants per room: a full mesh of six means five uplinks per browser.
pub const ROOM_CAPACITY: usize = 6;
/// WebSocket close code for an oversized message (RFC 6455 §7.4.1, "Message Too Big").
pub const CLOSE_TOO_BIG: u16 = 1009;
/// WebSocket close code for a dead heartbeat or a policy violation (RFC 6455 §7.4.1).
pub const CLOSE_POLICY: u16 = 1008;
/// WebSocket close code (private range, RFC 6455 §7.4.2): the host removed you from the room.
pub const CLOSE_REMOVED: u16 = 4001;
/// WebSocket close code (private range): the socket took no seat (and did not knock) in time.
pub const CLOSE_JOIN_TIMEOUT: u16 = 4002;
/// WebSocket close code (private range): too many wrong room passwords on one socket.
pub const CLOSE_TOO_MANY_GUESSES: u16 = 4003;
/// WebSocket close code (private range): the seat was resumed on another connection (the room
/// was opened again in another tab or window).
pub const CLOSE_REPLACED: u16 = 4004;
/// WebSocket close code (1012, "service restart"): the room is now served by another node of
/// the deployment; reconnect and resume there.
pub const CLOSE_MOVING: u16 = 1012;
/// Longest room password, in characters.
pub const MAX_PASSWORD_CHARS: usize = 64;

/// Why the server closes a signaling socket. Each has a close code of its own, so the client
/// tells them apart by code, never by the reason's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// A message over [`MAX_MESSAGE_BYTES`].
    TooBig,
    /// The socket stopped answering pings.
    HeartbeatTimeout,
    /// The seat was resumed on another connection.
    Replaced,
    /// The host removed this participant.
    Removed,
    /// No seat was taken (and no knock made) in time.
    JoinTimeout,
    /// Too many wrong room passwords.
    TooManyGuesses,
    /// The room moved to another node (its node died or lost its lease): reconnect and resume.
    Moving,
}

impl CloseReason {
    const ALL: [Self; 7] = [
        Self::TooBig,
        Self::HeartbeatTimeout,
        Self::Replaced,
        Self::Removed,
        Self::JoinTimeout,
        Self::TooManyGuesses,
        Self::Moving,
    ];

    /// The WebSocket close code.
    pub const fn code(self) -> u16 {
        match self {
            Self::TooBig => CLOSE_TOO_BIG,
            Self::HeartbeatTimeout => CLOSE_POLICY,
            Self::Replaced => CLOSE_REPLACED,
            Self::Removed => CLOSE_REMOVED,
            Self::JoinTimeout => CLOSE_JOIN_TIMEOUT,
            Self::TooManyGuesses => CLOSE_TOO_MANY_GUESSES,
            Self::Moving => CLOSE_MOVING,
        }
    }

    /// The close frame's reason, for logs and people reading a trace.
    pub const fn text(self) -> &'static str {
        match self {
            Self::TooBig => "message exceeds 64 KiB",
            Self::HeartbeatTimeout => "heartbeat timeout",
            Self::Replaced => "seat resumed on another connection",
            Self::Removed => "removed by the host",
            Self::JoinTimeout => "no room joined in time",
            Self::TooManyGuesses => "too many wrong passwords",
            Self::Moving => "the room is moving to another server; reconnect",
        }
    }

    /// The reason a close code stands for; `None` for a code the server does not send (a
    /// network drop, a proxy, a server going down).
    pub fn from_code(code: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

pub use crate::ids::PeerId;

/// A room id: 16 to 64 URL-safe characters (`A-Z a-z 0-9 - _`).
///
/// Server-made ids carry 128 random bits (22 base64url characters); 16 characters is the
/// smallest id that can still hold the 96 bits a link must have to be unguessable.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoomId(String);

/// Why a string is not a room id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoomIdError {
    /// Fewer than 16 or more than 64 characters.
    #[error("a room id has 16 to 64 characters, this one has {0}")]
    Length(usize),
    /// A character outside `A-Z a-z 0-9 - _`.
    #[error("a room id may only contain letters, digits, '-' and '_'")]
    Charset,
}

impl RoomId {
    /// Shortest accepted id.
    pub const MIN_LEN: usize = 16;
    /// Longest accepted id.
    pub const MAX_LEN: usize = 64;

    /// Checks `s` and wraps it.
    pub fn parse(s: &str) -> Result<Self, RoomIdError> {
        let len = s.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(RoomIdError::Length(len));
        }
        if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(RoomIdError::Charset);
        }
        Ok(Self(s.to_owned()))
    }

    /// Finds a room id in what a user typed: a bare id, `/r/<id>`, or a whole pasted link.
    pub fn from_user_input(input: &str) -> Result<Self, RoomIdError> {
        let trimmed = input.trim().trim_end_matches('/');
        let tail = match trimmed.rfind("/r/") {
            Some(at) => &trimmed[at + 3..],
            None => trimmed,
        };
        let tail = tail.split(['?', '#']).next().unwrap_or_default();
        Self::parse(tail)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RoomId {
    type Error = RoomIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RoomId> for String {
    fn from(id: RoomId) -> Self {
        id.0
    }
}

impl fmt::Display for RoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What one peer tells another to set up their RTCPeerConnection (W3C WebRTC §4.4, trickle ICE).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    /// An SDP offer or answer (`RTCSessionDescriptionInit`).
    Description {
        /// `offer` or `answer`.
        sdp_type: SdpType,
        /// The session description.
        sdp: String,
    },
    /// One trickled ICE candidate (`RTCIceCandidateInit`).
    Candidate {
        /// The `candidate:` attribute line; empty for end-of-candidates.
        candidate: String,
        /// Media stream id the candidate belongs to.
        sdp_mid: Option<String>,
        /// Index of the m-line the candidate belongs to.
        sdp_m_line_index: Option<u16>,
    },
}

/// The two description types that travel over signaling (rollback never leaves a browser).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SdpType {
    /// An offer.
    Offer,
    /// An answer.
    Answer,
}

/// One entry of `RTCConfiguration.iceServers` (W3C WebRTC §4.2.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    /// `stun:`, `turn:` or `turns:` URLs.
    pub urls: Vec<String>,
    /// TURN username, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// TURN credential, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// What a participant sends: microphone on, camera on, screen shared instead of the camera.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaState {
    /// Microphone on.
    pub audio: bool,
    /// Camera on.
    pub video: bool,
    /// The video is a shared screen.
    #[serde(default)]
    pub screen: bool,
}

impl Default for MediaState {
    fn default() -> Self {
        Self { audio: true, video: true, screen: false }
    }
}

/// A participant as others see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerInfo {
    /// Server-assigned id.
    pub id: PeerId,
    /// Display name, trimmed, at most [`MAX_NAME_CHARS`] characters.
    pub name: String,
}

/// Messages from a browser to the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// Take a seat in `room` under a display name.
    Join {
        /// The room to join.
        room: RoomId,
        /// Display name.
        name: String,
    },
    /// Relay a signal to one member of the same room.
    Signal {
        /// The recipient.
        to: PeerId,
        /// The payload.
        signal: Signal,
    },
    /// Take back a seat held before (socket dropped, or server restarted) with the ticket the
    /// server issued for it in `welcome`.
    Resume {
        /// The room.
        room: RoomId,
        /// Display name (used when the server no longer knows the seat).
        name: String,
        /// The seat's id.
        peer: PeerId,
        /// The seat ticket from `welcome`.
        ticket: String,
    },
    /// Leave the room; the socket stays open.
    Leave,
    /// Application-level keep-alive (answered by [`ServerMsg::Pong`]).
    Ping,
    /// My microphone, camera and screen share state (shown on the others' tiles).
    Media(MediaState),
    /// A [`ClientMsg::Join`] with the room's password (set by its host).
    JoinWithPassword {
        /// The room to join.
        room: RoomId,
        /// Display name.
        name: String,
        /// The password, at most [`MAX_PASSWORD_CHARS`] characters.
        password: String,
    },
    /// Host only: lock the room (nobody new gets in) or open it again.
    SetLock {
        /// Locked.
        locked: bool,
    },
    /// Host only: require this password of joiners; `None` (or empty) removes it.
    SetPassword {
        /// The new password, at most [`MAX_PASSWORD_CHARS`] characters.
        password: Option<String>,
    },
    /// Host only: joiners knock and wait until the host admits them.
    SetKnock {
        /// Knock-to-enter on.
        knock: bool,
    },
    /// Host only: let a knocking person in.
    Admit {
        /// The knock's id (from [`ServerMsg::Knocks`]).
        knock: u64,
    },
    /// Host only: turn a knocking person away.
    Decline {
        /// The knock's id.
        knock: u64,
    },
    /// Host only: remove a participant; their seat ticket stops working in this room.
    Remove {
        /// Who.
        peer: PeerId,
    },
    /// An emoji reaction, shown over my tile to everyone (rate-limited by the server).
    React {
        /// Which one.
        reaction: Reaction,
    },
    /// Raise or lower my hand.
    Hand {
        /// Raised.
        up: bool,
    },
    /// What my side of the call measured, for the operator's `/metrics` (never relayed): how
    /// long after my seat my first peer connection came up (once per seat), and my connections'
    /// round-trip time and packet loss (at most every [`REPORT_EVERY_SECS`] seconds).
    Report(CallReport),
    /// A game message. The wire keeps them flat (`{"type":"ready"}`); in Rust they are one
    /// list of their own, [`GameClientMsg`], so adding one touches one place.
    #[serde(skip)]
    Game(GameClientMsg),
}

/// The least time between two [`ClientMsg::Report`]s of one seat; the server drops faster ones.
pub const REPORT_EVERY_SECS: u64 = 30;

/// One [`ClientMsg::Report`]. Every field is optional; the server checks each is in range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CallReport {
    /// Milliseconds from my welcome to my first connected peer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_ms: Option<u32>,
    /// Round-trip time over my connections, milliseconds (their median).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<f64>,
    /// Packets lost over my connections, percent (their mean).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss_pct: Option<f64>,
}

impl CallReport {
    /// Longest join-to-connected time the server counts (longer is a client's clock gone wrong).
    pub const MAX_CONNECTED_MS: u32 = 10 * 60 * 1000;
    /// Largest round-trip time the server counts.
    pub const MAX_RTT_MS: f64 = 60_000.0;

    /// Whether every value is one a browser could have measured.
    pub fn in_range(&self) -> bool {
        self.connected_ms.is_none_or(|ms| ms <= Self::MAX_CONNECTED_MS)
            && self.rtt_ms.is_none_or(|ms| (0.0..=Self::MAX_RTT_MS).contains(&ms))
            && self.loss_pct.is_none_or(|pct| (0.0..=100.0).contains(&pct))
    }
}

/// The reactions a participant can send: a fixed set, so a reaction is never free text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    /// 👍
    ThumbsUp,
    /// 😂
    Joy,
    /// ❤️
    Heart,
    /// 👏
    Clap,
    /// 😮
    Wow,
    /// 🎉
    Party,
}

impl Reaction {
    /// Every reaction, in the order of the menu.
    pub const ALL: [Reaction; 6] =
        [Self::ThumbsUp, Self::Joy, Self::Heart, Self::Clap, Self::Wow, Self::Party];

    /// The emoji shown.
    pub fn emoji(self) -> &'static str {
        match self {
            Self::ThumbsUp => "👍",
            Self::Joy => "😂",
            Self::Heart => "❤️",
            Self::Clap => "👏",
            Self::Wow => "😮",
            Self::Party => "🎉",
        }
    }

    /// Its wire name (also the test id of its button).
    pub fn key(self) -> &'static str {
        match self {
            Self::ThumbsUp => "thumbs_up",
            Self::Joy => "joy",
            Self::Heart => "heart",
            Self::Clap => "clap",
            Self::Wow => "wow",
            Self::Party => "party",
        }
    }
}

/// A player's game messages. The room's game alone decides what they count for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GameClientMsg {
    /// Game: I am ready for the next game.
    Ready,
    /// Game: take back my Ready.
    Unready,
    /// Game (host only): start now.
    Start,
    /// Game (host only): the mode of the next game.
    ChooseMode {
        /// The mode.
        mode: Mode,
    },
    /// Game: a reading of my own face (at most 10 per second, `seq` increasing). There is no
    /// message that carries a score: the server computes every point from readings.
    Reading(Reading),
}

impl ClientMsg {
    /// The room a join, a join with password or a resume asks for.
    pub fn room(&self) -> Option<&RoomId> {
        match self {
            Self::Join { room, .. }
            | Self::JoinWithPassword { room, .. }
            | Self::Resume { room, .. } => Some(room),
            _ => None,
        }
    }
}

impl From<GameClientMsg> for ClientMsg {
    fn from(msg: GameClientMsg) -> Self {
        Self::Game(msg)
    }
}

/// Who decides who gets in, and how (sent to every member when any of it changes). The
/// password itself never leaves the server: only whether there is one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomState {
    /// The host: the earliest joiner still in the room (the game's host too).
    pub host: Option<PeerId>,
    /// New joiners are refused.
    pub locked: bool,
    /// Joiners must give a password.
    pub password: bool,
    /// Joiners knock and wait for the host.
    pub knock: bool,
}

/// A person waiting at the door, as the host sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnockInfo {
    /// The knock's id, for [`ClientMsg::Admit`] and [`ClientMsg::Decline`].
    pub id: u64,
    /// The name they gave.
    pub name: String,
}

/// Messages from the server to a browser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// Your seat: your id and who is already in the room.
    Welcome {
        /// Your id.
        you: PeerId,
        /// The room.
        room: RoomId,
        /// Members already present (you connect to each of them).
        peers: Vec<PeerInfo>,
        /// Proof of this seat, to take it back after a dropped connection ([`ClientMsg::Resume`]).
        ticket: String,
        /// ICE servers for your peer connections, TURN credentials minted for you.
        #[serde(default)]
        ice_servers: Vec<IceServer>,
    },
    /// Someone took a seat in your room.
    PeerJoined {
        /// The newcomer.
        peer: PeerInfo,
    },
    /// Someone left your room.
    PeerLeft {
        /// Who left.
        peer: PeerId,
    },
    /// A signal relayed from a member of your room; `from` is stamped by the server.
    Signal {
        /// The sender, as the server knows it.
        from: PeerId,
        /// The payload.
        signal: Signal,
    },
    /// Your last message was refused; the connection stays open.
    Error {
        /// Machine-readable reason.
        code: ErrorCode,
        /// Human-readable detail (English; the UI translates by `code`).
        message: String,
    },
    /// Answer to [`ClientMsg::Ping`].
    Pong,
    /// Fresh ICE servers (new TURN credentials) for the connections you make or restart from
    /// now on, sent at half the life of the last ones.
    IceServers {
        /// Replaces the welcome's list.
        ice_servers: Vec<IceServer>,
    },
    /// A member's microphone/camera state (sent to the others when it changes, and to a
    /// newcomer for every member whose microphone or camera is off).
    PeerMedia {
        /// Whose (stamped by the server).
        peer: PeerId,
        /// The state.
        #[serde(flatten)]
        media: MediaState,
    },
    /// Who the host is and how the room admits people (after `welcome`, and on every change).
    RoomState(RoomState),
    /// To the host: everyone knocking, oldest first (on every change, and to a new host).
    Knocks {
        /// The waiting people.
        knocks: Vec<KnockInfo>,
    },
    /// To a joiner: the room uses knock-to-enter; wait until the host answers (a `welcome`
    /// or an error `knock_declined`).
    Knocking,
    /// A member's reaction (to everyone else in the room).
    Reaction {
        /// Who reacted (stamped by the server).
        from: PeerId,
        /// Which one.
        reaction: Reaction,
    },
    /// A member raised or lowered their hand (to the others when it changes, and to a
    /// newcomer for every raised hand).
    PeerHand {
        /// Whose (stamped by the server).
        peer: PeerId,
        /// Raised.
        up: bool,
    },
    /// A game message (flat on the wire, like [`ClientMsg::Game`]).
    #[serde(skip)]
    Game(GameServerMsg),
}

/// The game's messages to players.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GameServerMsg {
    /// Game: the phase changed (or you just joined).
    GamePhase(PhaseView),
    /// Game: the scoreboard changed.
    Scores(Scoreboard),
    /// Game: something scored.
    GameEvent(GameEvent),
    /// Game: a member's accepted face reading, for the tile overlays.
    Reading {
        /// Whose face (stamped by the server).
        peer: PeerId,
        /// The reading.
        reading: Reading,
    },
    /// Game, to one player: capture your own camera frame now and upload it as a JPEG to
    /// `POST /api/highlights/{request.id}` with your seat ticket.
    Capture(CaptureRequest),
    /// Game, to one player: a stronger moment replaced this request; do not upload it.
    CaptureWithdrawn {
        /// The withdrawn request.
        request_id: u64,
    },
    /// Game: the game ended; its results page is `/games/{game_id}`.
    GameOver {
        /// Final standings.
        results: Results,
        /// The game's public id.
        game_id: String,
    },
    /// Game: the game ended, but the server could not save it: there is no results page.
    /// Sent instead of [`GameServerMsg::GameOver`], which is only sent once the game is saved.
    GameNotSaved {
        /// Final standings (shown now, not kept).
        results: Results,
        /// Human-readable detail (English).
        message: String,
    },
    /// Game: your last game message was refused (the reason's `code` is stable, snake_case).
    GameRefused {
        /// Why (the rules' [`GameRefusal`]).
        code: GameRefusal,
        /// Human-readable detail (English).
        message: String,
    },
}

impl From<GameServerMsg> for ServerMsg {
    fn from(msg: GameServerMsg) -> Self {
        Self::Game(msg)
    }
}

/// Why the server refused a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not one of the [`ClientMsg`] shapes.
    Malformed,
    /// Binary frames are not part of the protocol.
    Binary,
    /// A room message before `join`.
    NotJoined,
    /// A second `join` on the same socket.
    AlreadyJoined,
    /// The room already has [`ROOM_CAPACITY`] members.
    RoomFull,
    /// The display name is empty or too long.
    BadName,
    /// The recipient is not a member of your room.
    UnknownPeer,
    /// The recipient's connection dropped; its seat is held while it reconnects.
    PeerAway,
    /// A resume ticket that the server did not issue for that seat.
    BadTicket,
    /// More messages than the rate limit allows.
    RateLimited,
    /// The host locked the room: nobody new gets in.
    RoomLocked,
    /// The room has a password and the join gave none.
    PasswordRequired,
    /// The join gave the wrong password.
    WrongPassword,
    /// A password longer than [`MAX_PASSWORD_CHARS`].
    BadPassword,
    /// The host turned the knock away (or everyone left before answering).
    KnockDeclined,
    /// Too many people are already knocking at this room.
    TooManyKnocks,
    /// No such knock is waiting.
    UnknownKnock,
    /// Only the host may do that.
    NotHost,
    /// The host removed you from this room; your seat ticket no longer works here.
    Removed,
    /// The socket was opened for another room (`/ws/{room}`): it joins that room only.
    WrongRoom,
}

/// `ClientMsg` and `ServerMsg` with their game messages: flat on the wire (`{"type":"ready"}`),
/// nested in Rust (the derives skip `Game`; these impls put it back). To deserialize, the message is read once into a `serde_json::Value` and given to the derived
/// signaling enum, then to the game enum; the error is the one of whichever knows the `type`,
/// so a bad field reads "missing field `name`", not "did not match any variant".
macro_rules! flat_with_game {
    ($outer:ident, $game:ident) => {
        impl Serialize for $outer {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    Self::Game(msg) => msg.serialize(s),
                    signaling => $outer::serialize(signaling, s),
                }
            }
        }

        impl<'de> Deserialize<'de> for $outer {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use serde::de::Error;
                let value = serde_json::Value::deserialize(d)?;
                let signaling = match $outer::deserialize(&value) {
                    Ok(msg) => return Ok(msg),
                    Err(e) => e,
                };
                let game = match $game::deserialize(&value) {
                    Ok(msg) => return Ok(Self::Game(msg)),
                    Err(e) => e,
                };
                Err(D::Error::custom(pick_error(&value, signaling, game)))
            }
        }
    };
}

flat_with_game!(ClientMsg, GameClientMsg);
flat_with_game!(ServerMsg, GameServerMsg);

/// Of the two enums' errors, the one from the enum that knows this `type` (serde words an
/// unknown tag "unknown variant …").
fn pick_error(
    value: &serde_json::Value,
    signaling: serde_json::Error,
    game: serde_json::Error,
) -> String {
    let Some(tag) = value.get("type").and_then(serde_json::Value::as_str) else {
        return signaling.to_string();
    };
    let knows =
        |e: &serde_json::Error| !e.to_string().starts_with(&format!("unknown variant `{tag}`"));
    if knows(&signaling) {
        signaling.to_string()
    } else if knows(&game) {
        game.to_string()
    } else {
        format!("unknown message type `{tag}`")
    }
}

impl ServerMsg {
    /// Whether this is one of the game's messages (rather than signaling's).
    pub fn is_game(&self) -> bool {
        matches!(self, ServerMsg::Game(_))
    }

    /// Shorthand for an [`ServerMsg::Error`].
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Error { code, message: message.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> RoomId {
        RoomId::parse("abcdefghijklmnop").unwrap()
    }

    #[test]
    fn client_messages_round_trip() {
        let msgs = [
            ClientMsg::Join { room: room(), name: "민지".into() },
            ClientMsg::Signal {
                to: PeerId(7),
                signal: Signal::Description { sdp_type: SdpType::Offer, sdp: "v=0\r\n".into() },
            },
            ClientMsg::Signal {
                to: PeerId(8),
                signal: Signal::Candidate {
                    candidate: "candidate:1 1 udp 1 10.0.0.1 5000 typ host".into(),
                    sdp_mid: Some("0".into()),
                    sdp_m_line_index: Some(0),
                },
            },
            ClientMsg::Resume {
                room: room(),
                name: "민지".into(),
                peer: PeerId(9),
                ticket: "abc".into(),
            },
            ClientMsg::Leave,
            ClientMsg::Ping,
            ClientMsg::Media(MediaState { audio: false, video: true, screen: true }),
            ClientMsg::Game(GameClientMsg::Ready),
            ClientMsg::Game(GameClientMsg::Unready),
            ClientMsg::Game(GameClientMsg::Start),
            ClientMsg::Game(GameClientMsg::ChooseMode { mode: Mode::CopyFace }),
            ClientMsg::Game(GameClientMsg::Reading(Reading {
                seq: 3,
                face: true,
                probs: vec![0.1, 0.6, 0.1, 0.05, 0.05, 0.05, 0.05],
            })),
            ClientMsg::Game(GameClientMsg::Reading(Reading { seq: 4, face: false, probs: vec![] })),
            ClientMsg::JoinWithPassword {
                room: room(),
                name: "Ann".into(),
                password: "비밀 word".into(),
            },
            ClientMsg::SetLock { locked: true },
            ClientMsg::SetPassword { password: Some("pw".into()) },
            ClientMsg::SetPassword { password: None },
            ClientMsg::SetKnock { knock: false },
            ClientMsg::Admit { knock: 3 },
            ClientMsg::Decline { knock: 4 },
            ClientMsg::Remove { peer: PeerId(5) },
        ];
        for msg in msgs {
            let text = serde_json::to_string(&msg).unwrap();
            assert_eq!(serde_json::from_str::<ClientMsg>(&text).unwrap(), msg, "{text}");
        }
    }

    #[test]
    fn server_messages_round_trip() {
        let msgs = [
            ServerMsg::Welcome {
                you: PeerId(1),
                room: room(),
                peers: vec![PeerInfo { id: PeerId(2), name: "Ann".into() }],
                ticket: "t".into(),
                ice_servers: vec![IceServer {
                    urls: vec!["turn:127.0.0.1:3478".into()],
                    username: Some("1:1".into()),
                    credential: Some("c".into()),
                }],
            },
            ServerMsg::PeerJoined { peer: PeerInfo { id: PeerId(3), name: "Bo".into() } },
            ServerMsg::PeerLeft { peer: PeerId(3) },
            ServerMsg::Signal {
                from: PeerId(2),
                signal: Signal::Description { sdp_type: SdpType::Answer, sdp: "v=0".into() },
            },
            ServerMsg::error(ErrorCode::RoomFull, "full"),
            ServerMsg::Pong,
            ServerMsg::PeerMedia { peer: PeerId(4), media: MediaState::default() },
            ServerMsg::RoomState(RoomState {
                host: Some(PeerId(1)),
                locked: true,
                password: false,
                knock: true,
            }),
            ServerMsg::RoomState(RoomState::default()),
            ServerMsg::Knocks { knocks: vec![KnockInfo { id: 2, name: "Cy".into() }] },
            ServerMsg::Knocking,
            ServerMsg::error(ErrorCode::Removed, "removed"),
        ];
        for msg in msgs {
            let text = serde_json::to_string(&msg).unwrap();
            assert_eq!(serde_json::from_str::<ServerMsg>(&text).unwrap(), msg, "{text}");
        }
    }

    #[test]
    fn game_server_messages_round_trip() {
        let msgs = [
            ServerMsg::Game(GameServerMsg::GamePhase(PhaseView {
                mode: Mode::DontLaugh,
                game: 2,
                phase: crate::game::Phase::Round {
                    round: 1,
                    rounds: 3,
                    ends_at_ms: 60_000,
                    target: None,
                },
                remaining_ms: Some(59_000),
            })),
            ServerMsg::Game(GameServerMsg::GamePhase(PhaseView {
                mode: Mode::CopyFace,
                game: 0,
                phase: crate::game::Phase::Lobby,
                remaining_ms: None,
            })),
            ServerMsg::Game(GameServerMsg::Scores(Scoreboard {
                host: Some(PeerId(1)),
                players: vec![],
            })),
            ServerMsg::Game(GameServerMsg::GameEvent(GameEvent::Laugh {
                peer: PeerId(1),
                round: 1,
                at_ms: 10,
                peak: 0.75,
                rewarded: vec![PeerId(2)],
                points: 10,
            })),
            ServerMsg::Game(GameServerMsg::Reading {
                peer: PeerId(2),
                reading: Reading { seq: 1, face: false, probs: vec![] },
            }),
            ServerMsg::Game(GameServerMsg::Capture(CaptureRequest {
                id: 5,
                player: PeerId(1),
                round: 2,
            })),
            ServerMsg::Game(GameServerMsg::CaptureWithdrawn { request_id: 5 }),
            ServerMsg::Game(GameServerMsg::GameRefused {
                code: GameRefusal::NotHost,
                message: "only the host".into(),
            }),
        ];
        for msg in msgs {
            let text = serde_json::to_string(&msg).unwrap();
            assert_eq!(serde_json::from_str::<ServerMsg>(&text).unwrap(), msg, "{text}");
        }
    }

    #[test]
    fn wire_format_is_stable() {
        let text = serde_json::to_string(&ClientMsg::Signal {
            to: PeerId(4),
            signal: Signal::Description { sdp_type: SdpType::Offer, sdp: "x".into() },
        })
        .unwrap();
        assert_eq!(
            text,
            r#"{"type":"signal","to":4,"signal":{"kind":"description","sdp_type":"offer","sdp":"x"}}"#
        );
    }

    #[test]
    fn host_controls_have_a_stable_wire_format() {
        let wire = |msg: &ClientMsg| serde_json::to_string(msg).unwrap();
        assert_eq!(
            wire(&ClientMsg::SetLock { locked: true }),
            r#"{"type":"set_lock","locked":true}"#
        );
        assert_eq!(
            wire(&ClientMsg::SetPassword { password: None }),
            r#"{"type":"set_password","password":null}"#
        );
        assert_eq!(wire(&ClientMsg::Admit { knock: 7 }), r#"{"type":"admit","knock":7}"#);
        assert_eq!(wire(&ClientMsg::Remove { peer: PeerId(9) }), r#"{"type":"remove","peer":9}"#);
        let state = ServerMsg::RoomState(RoomState {
            host: Some(PeerId(1)),
            locked: false,
            password: true,
            knock: false,
        });
        assert_eq!(
            serde_json::to_string(&state).unwrap(),
            r#"{"type":"room_state","host":1,"locked":false,"password":true,"knock":false}"#
        );
        assert_eq!(serde_json::to_string(&ServerMsg::Knocking).unwrap(), r#"{"type":"knocking"}"#);
        let codes = [
            (ErrorCode::RoomLocked, "room_locked"),
            (ErrorCode::PasswordRequired, "password_required"),
            (ErrorCode::WrongPassword, "wrong_password"),
            (ErrorCode::KnockDeclined, "knock_declined"),
            (ErrorCode::NotHost, "not_host"),
            (ErrorCode::Removed, "removed"),
        ];
        for (code, name) in codes {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{name}\""));
        }
        // A plain join still parses without any password field.
        let join = r#"{"type":"join","room":"abcdefghijklmnop","name":"a"}"#;
        assert!(serde_json::from_str::<ClientMsg>(join).is_ok());
    }

    #[test]
    fn a_score_is_not_a_client_message() {
        for forged in [
            r#"{"type":"score","peer":1,"points":100}"#,
            r#"{"type":"scores","host":1,"players":[]}"#,
            r#"{"type":"game_event","event":"laugh","peer":1}"#,
        ] {
            assert!(serde_json::from_str::<ClientMsg>(forged).is_err(), "{forged}");
        }
    }

    #[test]
    fn readings_have_a_flat_wire_format() {
        let text = serde_json::to_string(&ClientMsg::Game(GameClientMsg::Reading(Reading {
            seq: 7,
            face: true,
            probs: vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        })))
        .unwrap();
        assert_eq!(
            text,
            r#"{"type":"reading","seq":7,"face":true,"probs":[1.0,0.0,0.0,0.0,0.0,0.0,0.0]}"#
        );
    }

    #[test]
    fn room_ids_are_checked_when_deserialized() {
        let bad = r#"{"type":"join","room":"short","name":"a"}"#;
        assert!(serde_json::from_str::<ClientMsg>(bad).is_err());
        let bad = r#"{"type":"join","room":"abcdefghijklmnop<script>","name":"a"}"#;
        assert!(serde_json::from_str::<ClientMsg>(bad).is_err());
    }

    #[test]
    fn room_id_rules() {
        assert_eq!(RoomId::parse("abc"), Err(RoomIdError::Length(3)));
        assert_eq!(RoomId::parse(&"a".repeat(65)), Err(RoomIdError::Length(65)));
        assert_eq!(RoomId::parse("abcdefghijklmno!"), Err(RoomIdError::Charset));
        assert!(RoomId::parse("AZaz09-_AZaz09-_").is_ok());
    }

    #[test]
    fn room_id_from_pasted_links() {
        let id = "Xy_9-abcdefghijklmnopq";
        for input in [
            id.to_string(),
            format!("  {id}  "),
            format!("/r/{id}"),
            format!("https://meet.example.com/r/{id}"),
            format!("https://meet.example.com/r/{id}/"),
            format!("http://localhost:3000/r/{id}?x=1#y"),
        ] {
            assert_eq!(RoomId::from_user_input(&input).unwrap().as_str(), id, "{input}");
        }
        assert!(RoomId::from_user_input("https://example.com/r/").is_err());
    }

    #[test]
    fn close_reasons_have_codes_of_their_own() {
        for reason in CloseReason::ALL {
            assert_eq!(CloseReason::from_code(reason.code()), Some(reason));
        }
        assert_eq!(CloseReason::from_code(1006), None);
        assert_eq!(CloseReason::from_code(1000), None);
    }
}

#[cfg(test)]
mod nested_game_tests {
    use super::*;

    #[test]
    fn game_messages_stay_flat_on_the_wire_and_unknown_types_are_refused() {
        let ready = serde_json::to_string(&ClientMsg::from(GameClientMsg::Ready)).unwrap();
        assert_eq!(ready, r#"{"type":"ready"}"#);
        assert_eq!(
            serde_json::from_str::<ClientMsg>(r#"{"type":"choose_mode","mode":"copy_face"}"#)
                .unwrap(),
            ClientMsg::Game(GameClientMsg::ChooseMode { mode: Mode::CopyFace })
        );
        let refused = ServerMsg::from(GameServerMsg::GameRefused {
            code: GameRefusal::NotHost,
            message: "only the host".into(),
        });
        assert_eq!(
            serde_json::to_string(&refused).unwrap(),
            r#"{"type":"game_refused","code":"not_host","message":"only the host"}"#
        );
        let err = serde_json::from_str::<ClientMsg>(r#"{"type":"bogus"}"#).unwrap_err();
        assert_eq!(err.to_string(), "unknown message type `bogus`");
        let err = |text: &str| serde_json::from_str::<ClientMsg>(text).unwrap_err().to_string();
        assert_eq!(err(r#"{"type":"join","room":"abcdefghijklmnop"}"#), "missing field `name`");
        assert_eq!(err(r#"{"type":"reading","seq":1}"#), "missing field `face`");
        assert!(
            err(r#"{"type":"choose_mode","mode":"sing"}"#).starts_with("unknown variant `sing`")
        );
        assert_eq!(err(r#"{"room":"abcdefghijklmnop"}"#), "missing field `type`");
        assert!(err(r#"{"type":"join""#).contains("EOF"));
        assert!(serde_json::from_str::<ClientMsg>(r#"{"type":"ready","x":1}"#).is_ok());
    }
}
