//! Every path the browser takes through signaling, with simulated time.

use super::*;
use crate::protocol::IceServer;

fn room() -> RoomId {
    RoomId::parse("abcdefghijklmnop").unwrap()
}

fn ann() -> JoinRequest {
    JoinRequest { name: "Ann".into(), password: None }
}

fn info(id: u64, name: &str) -> PeerInfo {
    PeerInfo { id: PeerId(id), name: name.into() }
}

fn welcome(you: u64, peers: Vec<PeerInfo>, ticket: &str) -> Input {
    Input::Server(ServerMsg::Welcome {
        you: PeerId(you),
        room: room(),
        peers,
        ticket: ticket.into(),
        ice_servers: vec![IceServer {
            urls: vec!["stun:x".into()],
            username: None,
            credential: None,
        }],
    })
}

fn error(code: ErrorCode) -> Input {
    Input::Server(ServerMsg::Error { code, message: String::new() })
}

fn dropped() -> Input {
    Input::SocketClosed { reason: None, rand: 0 }
}

/// A session and its clock.
struct Sim {
    session: Session,
    now: Duration,
}

impl Sim {
    fn new() -> Self {
        Self { session: Session::new(room(), Backoff::default()), now: Duration::ZERO }
    }

    fn input(&mut self, input: Input) -> Vec<Output> {
        self.session.handle(self.now, input)
    }

    fn advance(&mut self, by: Duration) {
        self.now += by;
    }

    /// Join pressed, socket opened, seat given with these peers present.
    fn seated(peers: Vec<PeerInfo>) -> Self {
        let mut sim = Self::new();
        sim.input(Input::Join(ann()));
        sim.input(Input::SocketOpened);
        sim.input(welcome(5, peers, "t5"));
        sim
    }
}

fn sent(out: &[Output]) -> Vec<&ClientMsg> {
    out.iter()
        .filter_map(|o| match o {
            Output::Send(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn join_msg() -> ClientMsg {
    ClientMsg::Join { room: room(), name: "Ann".into() }
}

fn resume_msg() -> ClientMsg {
    ClientMsg::Resume { room: room(), name: "Ann".into(), peer: PeerId(5), ticket: "t5".into() }
}

fn wait_of(out: &[Output]) -> Option<Duration> {
    out.iter().find_map(|o| match o {
        Output::ConnectIn(d) => Some(*d),
        _ => None,
    })
}

#[test]
fn before_join_there_is_no_socket_and_join_opens_one_then_sends_the_join() {
    let mut sim = Sim::new();
    assert_eq!(sim.session.status(), Status::PreJoin);
    let out = sim.input(Input::Join(ann()));
    assert_eq!(out, vec![Output::Status(Status::Joining), Output::Connect]);
    // Nothing is sent before the socket is open; then the join goes out.
    assert_eq!(sim.input(Input::SocketOpened), vec![Output::Send(join_msg())]);
}

#[test]
fn join_with_a_password_sends_it() {
    let mut sim = Sim::new();
    sim.input(Input::Join(JoinRequest { name: "Ann".into(), password: Some("pw".into()) }));
    let out = sim.input(Input::SocketOpened);
    assert_eq!(
        sent(&out),
        vec![&ClientMsg::JoinWithPassword {
            room: room(),
            name: "Ann".into(),
            password: "pw".into()
        }]
    );
}

#[test]
fn welcome_seats_us_and_offers_to_everyone_already_there_politely_by_id() {
    let mut sim = Sim::new();
    sim.input(Input::Join(ann()));
    sim.input(Input::SocketOpened);
    let out = sim.input(welcome(5, vec![info(3, "Bo"), info(7, "Cy")], "t5"));
    assert!(
        matches!(&out[0], Output::Seated { me: PeerId(5), ice_servers } if ice_servers.len() == 1)
    );
    assert_eq!(out[1], Output::Status(Status::InCall));
    let plans: Vec<_> = out
        .iter()
        .filter_map(|o| match o {
            Output::OpenPeer(p) => Some((p.id.0, p.polite, p.initiator)),
            _ => None,
        })
        .collect();
    // We joined later than 3 (polite to it); 7 is the higher id (it yields to us). We offer.
    assert_eq!(plans, vec![(3, true, true), (7, false, true)]);
    assert_eq!(sim.session.seat(), Some((PeerId(5), "t5")));
}

#[test]
fn a_newcomer_gets_a_connection_that_waits_for_their_offer() {
    let mut sim = Sim::seated(vec![]);
    let out = sim.input(Input::Server(ServerMsg::PeerJoined { peer: info(9, "Di") }));
    assert_eq!(
        out,
        vec![Output::OpenPeer(PeerPlan {
            id: PeerId(9),
            name: "Di".into(),
            polite: false,
            initiator: false
        })]
    );
    assert_eq!(
        sim.input(Input::Server(ServerMsg::PeerLeft { peer: PeerId(9) })),
        vec![Output::ClosePeer(PeerId(9))]
    );
    // Someone we never knew leaving changes nothing.
    assert_eq!(sim.input(Input::Server(ServerMsg::PeerLeft { peer: PeerId(9) })), vec![]);
}

#[test]
fn a_peer_joined_before_our_seat_is_not_connected() {
    let mut sim = Sim::new();
    sim.input(Input::Join(ann()));
    sim.input(Input::SocketOpened);
    assert_eq!(sim.input(Input::Server(ServerMsg::PeerJoined { peer: info(9, "Di") })), vec![]);
}

#[test]
fn socket_lost_while_seated_reconnects_with_backoff_and_resumes_the_seat_keeping_peers() {
    let mut sim = Sim::seated(vec![info(3, "Bo")]);
    let out = sim.input(dropped());
    assert_eq!(out[0], Output::SignalingLost);
    let wait = wait_of(&out).expect("a reconnect is scheduled");
    assert!(wait <= Duration::from_secs(1), "the first retry comes within a second: {wait:?}");
    assert!(sim.session.signaling_lost());
    // No connection is closed: media flows peer to peer meanwhile.
    assert!(!out.iter().any(|o| matches!(o, Output::ClosePeers | Output::ClosePeer(_))));

    sim.advance(wait);
    assert_eq!(sim.input(Input::ReconnectDue), vec![Output::Connect]);
    assert_eq!(sim.input(Input::SocketOpened), vec![Output::Send(resume_msg())]);
    assert!(!sim.session.signaling_lost());
    // The server welcomes the same seat back, with the same peer present: nothing is reopened.
    let out = sim.input(welcome(5, vec![info(3, "Bo")], "t5b"));
    assert!(!out.iter().any(|o| matches!(o, Output::OpenPeer(_) | Output::ClosePeers)));
    assert_eq!(sim.session.seat(), Some((PeerId(5), "t5b")));
}

#[test]
fn repeated_failures_back_off_further_and_a_welcome_resets_the_backoff() {
    let mut sim = Sim::seated(vec![]);
    let mut waits = Vec::new();
    for _ in 0..5 {
        let wait = wait_of(&sim.input(Input::SocketClosed { reason: None, rand: u32::MAX }))
            .expect("retry");
        waits.push(wait);
        sim.advance(wait);
        assert_eq!(sim.input(Input::ReconnectDue), vec![Output::Connect]);
    }
    assert!(waits.windows(2).all(|w| w[1] >= w[0]), "{waits:?}");
    assert!(waits[4] > waits[0]);
    sim.input(Input::SocketOpened);
    sim.input(welcome(5, vec![], "t5"));
    let wait = wait_of(&sim.input(Input::SocketClosed { reason: None, rand: u32::MAX })).unwrap();
    assert!(wait <= Duration::from_secs(1), "{wait:?}");
}

#[test]
fn server_restart_with_the_same_peer_ids_keeps_every_connection() {
    // Ann (5) and Bo (3) are in a call; the server dies and comes back with the same key.
    let mut sim = Sim::seated(vec![info(3, "Bo")]);
    let wait = wait_of(&sim.input(dropped())).unwrap();
    sim.advance(wait);
    sim.input(Input::ReconnectDue);
    sim.input(Input::SocketOpened);
    // Ann resumes first: the room is empty on the new server.
    let out = sim.input(welcome(5, vec![], "t5"));
    assert!(!out.iter().any(|o| matches!(o, Output::ClosePeers | Output::ClosePeer(_))));
    // Bo resumes after: announced as joining, but his connection to us never stopped.
    assert_eq!(sim.input(Input::Server(ServerMsg::PeerJoined { peer: info(3, "Bo") })), vec![]);
}

#[test]
fn a_refused_ticket_drops_every_connection_and_joins_afresh_with_the_same_name() {
    let mut sim = Sim::seated(vec![info(3, "Bo")]);
    let wait = wait_of(&sim.input(dropped())).unwrap();
    sim.advance(wait);
    sim.input(Input::ReconnectDue);
    sim.input(Input::SocketOpened);
    let out = sim.input(error(ErrorCode::BadTicket));
    assert_eq!(out, vec![Output::ClosePeers, Output::Send(join_msg())]);
    assert_eq!(sim.session.seat(), None);
    // A fresh seat: everyone present is connected again.
    let out = sim.input(welcome(8, vec![info(3, "Bo")], "t8"));
    assert!(out
        .iter()
        .any(|o| matches!(o, Output::OpenPeer(p) if p.id == PeerId(3) && p.initiator)));
}

#[test]
fn the_room_opened_in_another_tab_ends_this_one_without_reconnecting() {
    let mut sim = Sim::seated(vec![info(3, "Bo")]);
    let out = sim.input(Input::SocketClosed { reason: Some(CloseReason::Replaced), rand: 0 });
    assert_eq!(out, vec![Output::ClosePeers, Output::Status(Status::OpenedElsewhere)]);
    assert_eq!(sim.session.seat(), None);
    assert!(!sim.session.signaling_lost());
    assert_eq!(sim.input(Input::ReconnectDue), vec![]);
}

#[test]
fn removed_by_the_host_ends_the_call_without_reconnecting() {
    let mut sim = Sim::seated(vec![info(3, "Bo")]);
    let out = sim.input(Input::SocketClosed { reason: Some(CloseReason::Removed), rand: 0 });
    assert_eq!(out, vec![Output::ClosePeers, Output::Status(Status::Removed)]);
    assert_eq!(wait_of(&out), None);
}

#[test]
fn a_full_room_says_so_and_a_closed_socket_then_stays_closed() {
    let mut sim = Sim::new();
    sim.input(Input::Join(ann()));
    sim.input(Input::SocketOpened);
    assert_eq!(sim.input(error(ErrorCode::RoomFull)), vec![Output::Status(Status::RoomFull)]);
    assert_eq!(sim.input(dropped()), vec![]);
    // Trying again opens a socket again.
    assert_eq!(
        sim.input(Input::Join(ann())),
        vec![Output::Status(Status::Joining), Output::Connect]
    );
}

#[test]
fn a_refused_name_says_so() {
    let mut sim = Sim::new();
    sim.input(Input::Join(ann()));
    sim.input(Input::SocketOpened);
    assert_eq!(sim.input(error(ErrorCode::BadName)), vec![Output::Status(Status::NameRefused)]);
}

#[test]
fn a_join_that_was_never_answered_is_sent_again_on_the_next_socket() {
    let mut sim = Sim::new();
    sim.input(Input::Join(ann()));
    sim.input(Input::SocketOpened);
    let wait = wait_of(&sim.input(dropped())).expect("a join under way reconnects");
    sim.advance(wait);
    assert_eq!(sim.input(Input::ReconnectDue), vec![Output::Connect]);
    assert_eq!(sim.input(Input::SocketOpened), vec![Output::Send(join_msg())]);
}

#[test]
fn a_knock_survives_a_dropped_socket_and_leaving_while_knocking_says_goodbye() {
    let mut sim = Sim::new();
    sim.input(Input::Join(ann()));
    sim.input(Input::SocketOpened);
    assert_eq!(
        sim.input(Input::Server(ServerMsg::Knocking)),
        vec![Output::Status(Status::Knocking)]
    );
    let wait = wait_of(&sim.input(dropped())).unwrap();
    sim.advance(wait);
    sim.input(Input::ReconnectDue);
    assert_eq!(sim.input(Input::SocketOpened), vec![Output::Send(join_msg())]);
    let out = sim.input(Input::Leave);
    assert_eq!(sent(&out), vec![&ClientMsg::Leave]);
}

#[test]
fn join_pressed_during_a_reconnect_wait_connects_at_once() {
    let mut sim = Sim::new();
    sim.input(Input::Join(ann()));
    sim.input(Input::SocketOpened);
    sim.input(dropped());
    let out = sim.input(Input::Join(ann()));
    assert_eq!(out, vec![Output::Connect]);
    // The old wait ending later does not open a second socket.
    assert_eq!(sim.input(Input::ReconnectDue), vec![]);
}

#[test]
fn leave_says_goodbye_closes_everything_and_cancels_a_pending_reconnect() {
    let mut sim = Sim::seated(vec![info(3, "Bo")]);
    let out = sim.input(Input::Leave);
    assert_eq!(
        out,
        vec![Output::Send(ClientMsg::Leave), Output::ClosePeers, Output::Status(Status::Left)]
    );
    assert_eq!(sim.session.seat(), None);
    // Seated, socket lost, then Leave: nothing to send on, and the reconnect is cancelled.
    let mut sim = Sim::seated(vec![]);
    sim.input(dropped());
    let out = sim.input(Input::Leave);
    assert!(sent(&out).is_empty());
    assert_eq!(sim.input(Input::ReconnectDue), vec![]);
    assert_eq!(sim.input(dropped()), vec![]);
}

#[test]
fn a_password_prompt_ends_the_join_and_the_door_closing_ends_the_visit() {
    let mut sim = Sim::new();
    sim.input(Input::Join(ann()));
    sim.input(Input::SocketOpened);
    assert_eq!(sim.input(Input::PasswordAsked), vec![Output::Status(Status::PreJoin)]);
    // Not joining any more: a close is not followed by a reconnect.
    assert_eq!(sim.input(dropped()), vec![]);

    let mut sim = Sim::seated(vec![info(3, "Bo")]);
    let out = sim.input(Input::DoorClosed);
    assert_eq!(out, vec![Output::ClosePeers, Output::Status(Status::DoorClosed)]);
    // The seat is gone on the server already: no leave is sent afterwards.
    assert!(sent(&sim.input(Input::Leave)).is_empty());
}

#[test]
fn other_server_closes_while_seated_are_reconnected() {
    for reason in [CloseReason::HeartbeatTimeout, CloseReason::TooBig] {
        let mut sim = Sim::seated(vec![]);
        let out = sim.input(Input::SocketClosed { reason: Some(reason), rand: 0 });
        assert!(wait_of(&out).is_some(), "{reason:?}");
    }
}
