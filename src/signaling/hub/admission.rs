//! Who gets a seat: the rules the room's host sets, and the door everyone else passes.
//!
//! The host is the game's host ([`Game::host`](crate::game::Game::host)): the earliest joiner
//! still in the room, handed on when they leave. There is one notion of host, so the game and
//! the door can never disagree. The host can
//! - **lock** the room: new joins are refused with `room_locked`; seats already taken, and seats
//!   taken back with a valid ticket (`resume`), are not affected;
//! - set a **password**: a join must carry it (`join_with_password`), else `password_required`
//!   or `wrong_password`; only a salted SHA-256 of it is kept, and nothing but "there is one"
//!   ever leaves the server; after [`HubConfig::max_password_guesses`] wrong ones the socket is
//!   closed;
//! - turn on **knock-to-enter**: a join becomes a knock (`knocking` to the joiner, the list of
//!   [`KnockInfo`]s to the host) until the host admits it (a normal seat) or declines it
//!   (`knock_declined`). A knock whose socket closes leaves the list; a new host gets the list;
//!   if everyone leaves, the knocks are declined. At most [`HubConfig::max_knocks`] per room;
//! - **remove** a participant: their seat is freed (the room sees them leave), they get
//!   `removed` and the socket is closed with [`CloseReason::Removed`], and their seat ticket is refused
//!   for as long as the room exists.
//!
//! Anyone else trying these gets `not_host`. Checks run in this order: the connection and name
//! (`admit`), room capacity, lock, password, knock. A room nobody is in has no rules: the first
//! joiner creates it and becomes its host.
//!
//! A socket that has neither a seat nor a knock waiting for [`HubConfig::join_timeout`] is
//! closed with [`CloseReason::JoinTimeout`]: holding sockets open costs the server a file handle each.
//!
//! [`HubConfig::max_password_guesses`]: crate::signaling::limits::HubConfig::max_password_guesses
//! [`HubConfig::max_knocks`]: crate::signaling::limits::HubConfig::max_knocks
//! [`HubConfig::join_timeout`]: crate::signaling::limits::HubConfig::join_timeout

use super::{ConnId, Hub, Output};
use crate::protocol::{
    ClientMsg, CloseReason, ErrorCode, KnockInfo, PeerId, RoomId, RoomState, ServerMsg,
    MAX_PASSWORD_CHARS,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

/// One room's door: its settings, who is knocking, whose tickets are revoked.
#[derive(Debug, Default)]
pub(super) struct Admission {
    locked: bool,
    /// Salted SHA-256 of the password.
    password: Option<[u8; 32]>,
    knock: bool,
    /// Waiting knocks by id, oldest first.
    pending: BTreeMap<u64, Knock>,
    next_knock: u64,
    /// Seats the host removed: their tickets no longer resume here.
    removed: HashSet<PeerId>,
}

#[derive(Debug)]
struct Knock {
    conn: ConnId,
    name: String,
}

/// The hub-wide side of the door: which socket knocks where, and wrong guesses per socket.
#[derive(Debug, Default)]
pub(super) struct Gate {
    knocking: HashMap<ConnId, (RoomId, u64)>,
    guesses: HashMap<ConnId, u32>,
}

/// Why a joiner must wait or go away (before they take a seat).
enum Door {
    Open,
    Knock,
    Refused(ErrorCode, &'static str),
}

impl Admission {
    fn state(&self, host: Option<PeerId>) -> RoomState {
        RoomState {
            host,
            locked: self.locked,
            password: self.password.is_some(),
            knock: self.knock,
        }
    }

    fn knocks(&self) -> Vec<KnockInfo> {
        self.pending.iter().map(|(&id, k)| KnockInfo { id, name: k.name.clone() }).collect()
    }

    /// Whether a joiner giving `password` may come in, must knock, or is refused.
    fn door(&self, password: Option<&str>) -> Door {
        if self.locked {
            return Door::Refused(ErrorCode::RoomLocked, "this room is locked");
        }
        if let Some(expected) = &self.password {
            match password {
                None => {
                    return Door::Refused(ErrorCode::PasswordRequired, "this room has a password")
                }
                Some(given) if !same(&digest(given), expected) => {
                    return Door::Refused(ErrorCode::WrongPassword, "wrong password")
                }
                Some(_) => {}
            }
        }
        if self.knock {
            Door::Knock
        } else {
            Door::Open
        }
    }
}

/// The stored form of a password. The salt only keeps these digests apart from any other
/// SHA-256 use; a room password lives only as long as its room, in memory.
fn digest(password: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"straightface room password\0");
    hash.update(password.as_bytes());
    hash.finalize().into()
}

/// Equality that takes as long whatever the first differing byte.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a removed participant is told (also when their ticket is refused).
pub(super) fn removed_msg() -> ServerMsg {
    ServerMsg::error(ErrorCode::Removed, "the host removed you from this room")
}

fn refuse(conn: ConnId, code: ErrorCode, message: impl Into<String>) -> Output {
    Output::Send(conn, ServerMsg::error(code, message))
}

impl Hub {
    /// A `join` (with or without a password): seat, knock, or refuse.
    pub(super) fn request_join(
        &mut self,
        conn: ConnId,
        room_id: RoomId,
        name: String,
        password: Option<String>,
        out: &mut Vec<Output>,
    ) {
        if self.gate.knocking.contains_key(&conn) {
            return out.push(refuse(conn, ErrorCode::AlreadyJoined, "you are already knocking"));
        }
        let Some(name) = self.admit(conn, &room_id, name, out) else { return };
        let door =
            self.rooms.get(&room_id).map_or(Door::Open, |r| r.admission.door(password.as_deref()));
        match door {
            Door::Open => {
                let id = self.new_peer();
                self.seat(conn, room_id, id, name, out);
            }
            Door::Knock => self.knock(conn, room_id, name, out),
            Door::Refused(ErrorCode::WrongPassword, message) => {
                out.push(refuse(conn, ErrorCode::WrongPassword, message));
                self.count_guess(conn, out);
            }
            Door::Refused(code, message) => out.push(refuse(conn, code, message)),
        }
    }

    fn new_peer(&mut self) -> PeerId {
        let id = PeerId(self.next_peer);
        self.next_peer += 1;
        id
    }

    /// Counts a wrong password; closes the socket at the limit.
    fn count_guess(&mut self, conn: ConnId, out: &mut Vec<Output>) {
        let guesses = self.gate.guesses.entry(conn).or_default();
        *guesses += 1;
        if *guesses >= self.config.max_password_guesses {
            self.gate.guesses.remove(&conn);
            self.conns.remove(&conn);
            out.push(Output::Close(conn, CloseReason::TooManyGuesses));
        }
    }

    fn knock(&mut self, conn: ConnId, room_id: RoomId, name: String, out: &mut Vec<Output>) {
        let max = self.config.max_knocks;
        let Some(room) = self.rooms.get_mut(&room_id) else { return };
        let door = &mut room.admission;
        if door.pending.len() >= max {
            let message = format!("{max} people are already waiting to join this room");
            return out.push(refuse(conn, ErrorCode::TooManyKnocks, message));
        }
        let id = door.next_knock;
        door.next_knock += 1;
        door.pending.insert(id, Knock { conn, name });
        self.gate.knocking.insert(conn, (room_id.clone(), id));
        out.push(Output::Send(conn, ServerMsg::Knocking));
        self.tell_knocks(&room_id, out);
    }

    /// Takes back `conn`'s knock, if it is knocking; says whether it was.
    pub(super) fn stop_knocking(&mut self, conn: ConnId, out: &mut Vec<Output>) -> bool {
        let Some((room_id, id)) = self.gate.knocking.remove(&conn) else { return false };
        if let Some(room) = self.rooms.get_mut(&room_id) {
            room.admission.pending.remove(&id);
        }
        self.unseated(conn);
        self.tell_knocks(&room_id, out);
        true
    }

    /// The sockets knocking at `room`.
    pub(super) fn knockers(&self, room: &RoomId) -> Vec<ConnId> {
        let door = self.rooms.get(room).map(|r| &r.admission);
        door.map_or_else(Vec::new, |d| d.pending.values().map(|k| k.conn).collect())
    }

    /// Forgets what the door knew of a socket that is going away.
    pub(super) fn forget_conn(&mut self, conn: ConnId, out: &mut Vec<Output>) {
        self.stop_knocking(conn, out);
        self.gate.guesses.remove(&conn);
    }

    /// Whether the host removed seat `peer` of `room`.
    pub(super) fn is_removed(&self, room: &RoomId, peer: PeerId) -> bool {
        self.rooms.get(room).is_some_and(|r| r.admission.removed.contains(&peer))
    }

    /// Sends the room's state to one member (after its welcome), and the knocks if it is host.
    pub(super) fn tell_room_state(&self, conn: ConnId, room_id: &RoomId, out: &mut Vec<Output>) {
        let Some(room) = self.rooms.get(room_id) else { return };
        let host = room.game.host();
        out.push(Output::Send(conn, ServerMsg::RoomState(room.admission.state(host))));
        let is_host = host.is_some_and(|h| room.members.get(&h).and_then(|m| m.conn) == Some(conn));
        if is_host && !room.admission.pending.is_empty() {
            out.push(Output::Send(conn, ServerMsg::Knocks { knocks: room.admission.knocks() }));
        }
    }

    /// Sends the room's state to every live member.
    fn broadcast_room_state(&self, room_id: &RoomId, out: &mut Vec<Output>) {
        let Some(room) = self.rooms.get(room_id) else { return };
        let msg = ServerMsg::RoomState(room.admission.state(room.game.host()));
        for conn in room.members.values().filter_map(|m| m.conn) {
            out.push(Output::Send(conn, msg.clone()));
        }
    }

    /// Sends the waiting knocks to the host.
    fn tell_knocks(&self, room_id: &RoomId, out: &mut Vec<Output>) {
        let Some(room) = self.rooms.get(room_id) else { return };
        let host = room.game.host().and_then(|h| room.members.get(&h)).and_then(|m| m.conn);
        if let Some(conn) = host {
            out.push(Output::Send(conn, ServerMsg::Knocks { knocks: room.admission.knocks() }));
        }
    }

    /// After someone left a room that still has members: a new host hears of it, with the
    /// knocks waiting for them.
    pub(super) fn host_may_have_changed(
        &self,
        room_id: &RoomId,
        before: Option<PeerId>,
        out: &mut Vec<Output>,
    ) {
        let Some(room) = self.rooms.get(room_id) else { return };
        if room.game.host() == before {
            return;
        }
        self.broadcast_room_state(room_id, out);
        if !room.admission.pending.is_empty() {
            self.tell_knocks(room_id, out);
        }
    }

    /// The last member left: nobody can answer the knocks any more.
    pub(super) fn room_closed(&mut self, door: Admission, out: &mut Vec<Output>) {
        for knock in door.pending.into_values() {
            self.gate.knocking.remove(&knock.conn);
            self.unseated(knock.conn);
            let message = "everyone left the room before letting you in";
            out.push(refuse(knock.conn, ErrorCode::KnockDeclined, message));
        }
    }

    /// A host-only message from `conn`.
    pub(super) fn host_command(&mut self, conn: ConnId, msg: ClientMsg, out: &mut Vec<Output>) {
        let Some((room_id, me)) = self.seat_of(conn) else {
            return out.push(refuse(conn, ErrorCode::NotJoined, "join a room first"));
        };
        let Some(room) = self.rooms.get_mut(&room_id) else { return };
        if room.game.host() != Some(me) {
            return out.push(refuse(conn, ErrorCode::NotHost, "only the host may do that"));
        }
        let door = &mut room.admission;
        match msg {
            ClientMsg::SetLock { locked } => door.locked = locked,
            ClientMsg::SetKnock { knock } => door.knock = knock,
            ClientMsg::SetPassword { password } => {
                let password = password.filter(|p| !p.is_empty());
                if password.as_ref().is_some_and(|p| p.chars().count() > MAX_PASSWORD_CHARS) {
                    let message = format!("a password has at most {MAX_PASSWORD_CHARS} characters");
                    return out.push(refuse(conn, ErrorCode::BadPassword, message));
                }
                door.password = password.as_deref().map(digest);
            }
            ClientMsg::Admit { knock } => {
                return self.answer_knock(conn, &room_id, knock, true, out)
            }
            ClientMsg::Decline { knock } => {
                return self.answer_knock(conn, &room_id, knock, false, out)
            }
            ClientMsg::Remove { peer } => return self.remove(conn, &room_id, me, peer, out),
            _ => return,
        }
        self.broadcast_room_state(&room_id, out);
    }

    /// The host admits (a normal seat, if there is still room) or declines knock `id`.
    fn answer_knock(
        &mut self,
        host: ConnId,
        room_id: &RoomId,
        id: u64,
        admit: bool,
        out: &mut Vec<Output>,
    ) {
        let knock = self.rooms.get_mut(room_id).and_then(|r| r.admission.pending.remove(&id));
        let Some(Knock { conn, name }) = knock else {
            return out.push(refuse(
                host,
                ErrorCode::UnknownKnock,
                format!("no knock {id} is waiting"),
            ));
        };
        self.gate.knocking.remove(&conn);
        self.unseated(conn);
        self.tell_knocks(room_id, out);
        if !admit {
            return out.push(refuse(
                conn,
                ErrorCode::KnockDeclined,
                "the host declined your knock",
            ));
        }
        // Capacity may have changed while they waited; `admit` tells them if so.
        if let Some(name) = self.admit(conn, room_id, name, out) {
            let peer = self.new_peer();
            self.seat(conn, room_id.clone(), peer, name, out);
        }
    }

    /// The host removes `peer`: ticket revoked, socket told why and closed, seat freed.
    fn remove(
        &mut self,
        host: ConnId,
        room_id: &RoomId,
        me: PeerId,
        peer: PeerId,
        out: &mut Vec<Output>,
    ) {
        let Some(room) = self.rooms.get_mut(room_id) else { return };
        let Some(member) = room.members.get(&peer).filter(|_| peer != me) else {
            let message = format!("peer {peer} is not someone you can remove");
            return out.push(refuse(host, ErrorCode::UnknownPeer, message));
        };
        room.admission.removed.insert(peer);
        if let Some(conn) = member.conn {
            out.push(Output::Send(conn, removed_msg()));
            out.push(Output::Close(conn, CloseReason::Removed));
            self.gate.guesses.remove(&conn);
            self.conns.remove(&conn);
        }
        self.free_seat(room_id, peer, out);
    }

    /// Closes every socket that has had neither a seat nor a knock for the join timeout.
    pub(super) fn expire_unjoined(&mut self, now: Instant, out: &mut Vec<Output>) {
        if !self.sweeps.unjoined.take_due(now) {
            return;
        }
        let timeout = self.config.join_timeout;
        let mut idle = Vec::new();
        for (&id, c) in &self.conns {
            if c.seat.is_some() || self.gate.knocking.contains_key(&id) {
                continue;
            }
            let at = c.idle_since + timeout;
            if now >= at {
                idle.push(id);
            } else {
                self.sweeps.unjoined.note(at);
            }
        }
        idle.sort();
        for conn in idle {
            self.conns.remove(&conn);
            self.gate.guesses.remove(&conn);
            out.push(Output::Close(conn, CloseReason::JoinTimeout));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_kept_only_as_a_digest_and_compared_whole() {
        let door = Admission { password: Some(digest("open sesame")), ..Default::default() };
        assert!(matches!(door.door(Some("open sesame")), Door::Open));
        assert!(matches!(
            door.door(Some("open sesam")),
            Door::Refused(ErrorCode::WrongPassword, _)
        ));
        assert!(matches!(door.door(None), Door::Refused(ErrorCode::PasswordRequired, _)));
        assert_ne!(digest("a"), digest("b"));
        assert!(!format!("{door:?}").contains("open sesame"));
    }

    #[test]
    fn the_lock_comes_before_the_password_and_the_password_before_the_knock() {
        let door = Admission {
            locked: true,
            password: Some(digest("pw")),
            knock: true,
            ..Default::default()
        };
        assert!(matches!(door.door(Some("pw")), Door::Refused(ErrorCode::RoomLocked, _)));
        let door = Admission { locked: false, ..door };
        assert!(matches!(door.door(None), Door::Refused(ErrorCode::PasswordRequired, _)));
        assert!(matches!(door.door(Some("pw")), Door::Knock));
    }
}
