//! The client's side of the signaling protocol, with no I/O: who we are in the room (seat and
//! ticket), the join under way, the reconnect backoff and the roster of peers we hold a
//! connection to. The shape is the server hub's (and str0m's): the browser layer feeds
//! [`Input`]s — the socket opened or closed, a server message, the user's join or leave, a
//! reconnect timer firing — and applies the [`Output`]s: messages to send, peer connections to
//! open or close (with who is polite and who offers), phase changes, when to reconnect.
//!
//! The rules, each with a native test below:
//! - The socket opens only when the user presses Join; a join asked for before it is open is
//!   sent when it opens.
//! - Once seated, a dropped socket is reopened with jittered backoff and the seat taken back with
//!   its ticket (`resume`), also after a server restart; peers keep their ids, so connections to
//!   them are kept.
//! - A refused ticket drops every connection and joins afresh with the same name.
//! - A join or knock that was sent but not answered is sent again on the next socket; with
//!   neither a seat nor a join under way, a closed socket stays closed.
//! - The room opened in another tab (`CloseReason::Replaced`) or the host's removal ends the
//!   call without reconnecting.

use super::reconnect::Backoff;
use crate::protocol::{
    ClientMsg, CloseReason, ErrorCode, IceServer, PeerId, PeerInfo, RoomId, ServerMsg,
};
use std::collections::BTreeSet;
use std::time::Duration;

/// What the user asked for on the join page.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct JoinRequest {
    /// Display name.
    pub name: String,
    /// The room password, if the page asked for one.
    pub password: Option<String>,
}

impl JoinRequest {
    /// The join message for `room`.
    pub fn message(&self, room: RoomId) -> ClientMsg {
        let name = self.name.clone();
        match &self.password {
            Some(password) => {
                ClientMsg::JoinWithPassword { room, name, password: password.clone() }
            }
            None => ClientMsg::Join { room, name },
        }
    }
}

/// Where the session is, as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Before Join, or back at the join page (a password is asked for).
    PreJoin,
    /// Join sent (or about to be), waiting for the seat.
    Joining,
    /// Waiting for the host to let us in.
    Knocking,
    /// Seated.
    InCall,
    /// The room has no free seat.
    RoomFull,
    /// The server refused the display name.
    NameRefused,
    /// The seat was taken over by another tab or window of ours.
    OpenedElsewhere,
    /// The host removed us.
    Removed,
    /// The door closed on us (locked, declined): the door's own message says which.
    DoorClosed,
    /// The user left.
    Left,
}

/// A peer connection to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerPlan {
    /// Who.
    pub id: PeerId,
    /// Their display name.
    pub name: String,
    /// Yields when both sides offer at once: the later joiner (the higher id) is polite.
    pub polite: bool,
    /// Sends the first offer: we are the newcomer and they were already there.
    pub initiator: bool,
}

/// What happened, from the browser's side.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The user pressed Join.
    Join(JoinRequest),
    /// The user left (or the page is going away).
    Leave,
    /// The door asked for a password: the join is over, the page asks again.
    PasswordAsked,
    /// The door closed on us (locked out, knock declined): the seat is already gone.
    DoorClosed,
    /// The signaling socket opened.
    SocketOpened,
    /// The signaling socket closed (or could not be made): the server's reason when it gave one
    /// we know. `rand` is a uniformly random `u32` for the backoff's jitter.
    SocketClosed { reason: Option<CloseReason>, rand: u32 },
    /// The reconnect wait asked for by [`Output::ConnectIn`] is over.
    ReconnectDue,
    /// A message from the server.
    Server(ServerMsg),
}

/// What the browser layer should do, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Open the signaling socket now.
    Connect,
    /// Open it after this wait (then feed [`Input::ReconnectDue`]).
    ConnectIn(Duration),
    /// Send on the signaling socket.
    Send(ClientMsg),
    /// We have a seat: our id and the ICE servers to use from now on.
    Seated { me: PeerId, ice_servers: Vec<IceServer> },
    /// Open a connection to a peer.
    OpenPeer(PeerPlan),
    /// Close the connection to a peer who left.
    ClosePeer(PeerId),
    /// Close every peer connection.
    ClosePeers,
    /// Signaling is lost while we hold a seat: say "reconnecting" (media may still flow).
    SignalingLost,
    /// The page's status changed.
    Status(Status),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Socket {
    Closed,
    Connecting,
    Open,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Seat {
    peer: PeerId,
    ticket: String,
}

/// One visit to one room.
#[derive(Debug)]
pub struct Session {
    room: RoomId,
    socket: Socket,
    seat: Option<Seat>,
    status: Status,
    /// A join to send when the socket is open.
    pending: Option<JoinRequest>,
    /// The join last sent: its name goes with a resume, and it is sent again after a drop.
    request: JoinRequest,
    backoff: Backoff,
    /// A reconnect wait is running.
    waiting: bool,
    /// Peers we hold a connection to.
    peers: BTreeSet<PeerId>,
}

impl Session {
    /// A visit to `room`, before Join.
    pub fn new(room: RoomId, backoff: Backoff) -> Self {
        Self {
            room,
            socket: Socket::Closed,
            seat: None,
            status: Status::PreJoin,
            pending: None,
            request: JoinRequest::default(),
            backoff,
            waiting: false,
            peers: BTreeSet::new(),
        }
    }

    /// Feeds one input at `now` (time since the page started); returns what to do.
    pub fn handle(&mut self, now: Duration, input: Input) -> Vec<Output> {
        let mut out = Vec::new();
        match input {
            Input::Join(request) => self.join(request, &mut out),
            Input::Leave => self.leave(&mut out),
            Input::PasswordAsked => {
                self.pending = None;
                self.set_status(Status::PreJoin, &mut out);
            }
            Input::DoorClosed => self.end(Status::DoorClosed, &mut out),
            Input::SocketOpened => self.opened(now, &mut out),
            Input::SocketClosed { reason, rand } => self.closed(now, reason, rand, &mut out),
            Input::ReconnectDue => {
                if std::mem::take(&mut self.waiting) && self.socket == Socket::Closed {
                    self.connect(&mut out);
                }
            }
            Input::Server(msg) => self.server(msg, &mut out),
        }
        out
    }

    /// Our seat: peer id and ticket (for uploads that must prove it).
    pub fn seat(&self) -> Option<(PeerId, &str)> {
        self.seat.as_ref().map(|s| (s.peer, s.ticket.as_str()))
    }

    /// Where the page is.
    pub fn status(&self) -> Status {
        self.status
    }

    /// Seated, but the socket is not open: the page says it is reconnecting.
    pub fn signaling_lost(&self) -> bool {
        self.seat.is_some() && self.socket != Socket::Open
    }

    fn join(&mut self, request: JoinRequest, out: &mut Vec<Output>) {
        self.pending = Some(request);
        self.set_status(Status::Joining, out);
        match self.socket {
            Socket::Open => self.send_pending(out),
            Socket::Connecting => {}
            Socket::Closed => {
                // Join now rather than when a running reconnect wait ends.
                self.waiting = false;
                self.connect(out);
            }
        }
    }

    fn connect(&mut self, out: &mut Vec<Output>) {
        self.socket = Socket::Connecting;
        out.push(Output::Connect);
    }

    fn send_pending(&mut self, out: &mut Vec<Output>) {
        if self.socket != Socket::Open {
            return;
        }
        let Some(request) = self.pending.take() else { return };
        self.seat = None;
        out.push(Output::Send(request.message(self.room.clone())));
        self.request = request;
    }

    fn opened(&mut self, now: Duration, out: &mut Vec<Output>) {
        self.socket = Socket::Open;
        self.backoff.on_open(now);
        match &self.seat {
            Some(seat) => out.push(Output::Send(ClientMsg::Resume {
                room: self.room.clone(),
                name: self.request.name.clone(),
                peer: seat.peer,
                ticket: seat.ticket.clone(),
            })),
            None => self.send_pending(out),
        }
    }

    fn closed(
        &mut self,
        now: Duration,
        reason: Option<CloseReason>,
        rand: u32,
        out: &mut Vec<Output>,
    ) {
        self.socket = Socket::Closed;
        match reason {
            Some(CloseReason::Replaced) => return self.end(Status::OpenedElsewhere, out),
            Some(CloseReason::Removed) => return self.end(Status::Removed, out),
            _ => {}
        }
        if self.seat.is_some() {
            out.push(Output::SignalingLost);
        } else if matches!(self.status, Status::Joining | Status::Knocking) {
            // Sent but never answered: send it again on the next socket.
            if self.pending.is_none() {
                self.pending = Some(self.request.clone());
            }
        } else {
            // No seat and no join under way (left, refused, idle and closed by the server):
            // nothing to reconnect for; the next Join opens a socket.
            return;
        }
        self.waiting = true;
        out.push(Output::ConnectIn(self.backoff.on_closed(now, rand)));
    }

    fn server(&mut self, msg: ServerMsg, out: &mut Vec<Output>) {
        match msg {
            ServerMsg::Welcome { you, peers, ticket, ice_servers, .. } => {
                self.backoff.on_success();
                self.seat = Some(Seat { peer: you, ticket });
                out.push(Output::Seated { me: you, ice_servers });
                self.set_status(Status::InCall, out);
                for peer in peers {
                    self.open_peer(you, peer, true, out);
                }
            }
            // A known id is someone coming back after a server restart: the connection to
            // them never stopped, so it is kept.
            ServerMsg::PeerJoined { peer } => {
                if let Some(me) = self.seat.as_ref().map(|s| s.peer) {
                    self.open_peer(me, peer, false, out);
                }
            }
            ServerMsg::PeerLeft { peer } if self.peers.remove(&peer) => {
                out.push(Output::ClosePeer(peer))
            }
            ServerMsg::Knocking => self.set_status(Status::Knocking, out),
            ServerMsg::Error { code: ErrorCode::RoomFull, .. } => {
                self.set_status(Status::RoomFull, out)
            }
            ServerMsg::Error { code: ErrorCode::BadName, .. } => {
                self.set_status(Status::NameRefused, out)
            }
            ServerMsg::Error { code: ErrorCode::BadTicket, .. } => {
                // The server cannot vouch for our seat any more: join afresh.
                if self.seat.take().is_some() {
                    self.pending = Some(self.request.clone());
                }
                self.close_peers(out);
                self.send_pending(out);
            }
            _ => {}
        }
    }

    fn open_peer(&mut self, me: PeerId, info: PeerInfo, initiator: bool, out: &mut Vec<Output>) {
        if self.peers.insert(info.id) {
            let polite = me > info.id;
            out.push(Output::OpenPeer(PeerPlan {
                id: info.id,
                name: info.name,
                polite,
                initiator,
            }));
        }
    }

    fn close_peers(&mut self, out: &mut Vec<Output>) {
        self.peers.clear();
        out.push(Output::ClosePeers);
    }

    fn leave(&mut self, out: &mut Vec<Output>) {
        let seated_or_knocking = self.seat.is_some() || self.status == Status::Knocking;
        if seated_or_knocking && self.socket == Socket::Open {
            out.push(Output::Send(ClientMsg::Leave));
        }
        self.end(Status::Left, out);
    }

    /// The visit is over: no seat, no join, no reconnect, no connection.
    fn end(&mut self, status: Status, out: &mut Vec<Output>) {
        self.seat = None;
        self.pending = None;
        self.waiting = false;
        self.close_peers(out);
        self.set_status(status, out);
    }

    fn set_status(&mut self, status: Status, out: &mut Vec<Output>) {
        if self.status != status {
            self.status = status;
            out.push(Output::Status(status));
        }
    }
}

#[cfg(test)]
mod tests;
