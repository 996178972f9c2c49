//! The room state machine driven by simulated sockets and simulated time.

use super::hub::{relayed, CloseKind, ConnId, Hub, Input, Output};
use super::limits::HubConfig;
use super::ticket::TicketKey;
use crate::protocol::*;
use std::time::{Duration, Instant};

/// A hub plus a simulated clock, with helpers that speak JSON like a browser would.
pub(super) struct Sim {
    pub(super) hub: Hub,
    pub(super) now: Instant,
}

/// Whether a message is the game's (the signaling tests here leave those out).
pub(super) fn is_game(output: &Output) -> bool {
    match output {
        Output::Send(_, msg) => msg.is_game(),
        Output::Close(..) | Output::Report(_) | Output::Relay(..) => false,
        Output::GameOver { .. }
        | Output::KeepHighlight { .. }
        | Output::UploadAnswer { .. }
        | Output::DropHighlight { .. }
        | Output::Checkpoint { .. } => true,
    }
}

impl Sim {
    pub(super) fn new() -> Self {
        Self::with(HubConfig::default())
    }

    pub(super) fn with(config: HubConfig) -> Self {
        Self { hub: Hub::new(config, TicketKey::new([1; 32])).unwrap(), now: Instant::now() }
    }

    /// Uploads a highlight for `request_id` as whoever holds `ticket` of seat `peer`: the
    /// outputs up to the hub's answer if accepted, or the refusal.
    pub(super) fn upload(
        &mut self,
        room: &RoomId,
        peer: PeerId,
        ticket: &str,
        request_id: u64,
    ) -> Result<Vec<Output>, super::hub::UploadError> {
        let upload = 7;
        let request = super::hub::UploadRequest {
            upload,
            room: room.clone(),
            peer,
            ticket: ticket.to_owned(),
            request_id,
        };
        let mut out = self.hub.handle(self.now, Input::Upload(request));
        match out.pop() {
            Some(Output::UploadAnswer { upload: u, result }) if u == upload => result.map(|()| out),
            other => panic!("an upload ends with its answer, not {other:?}"),
        }
    }

    /// Signaling outputs only (the room state that follows each welcome is left out too: the
    /// admission tests check it).
    fn input(&mut self, input: Input) -> Vec<Output> {
        let state = |o: &Output| matches!(o, Output::Send(_, ServerMsg::RoomState(_)));
        self.input_all(input).into_iter().filter(|o| !is_game(o) && !state(o)).collect()
    }

    /// Every output, the game's too.
    pub(super) fn input_all(&mut self, input: Input) -> Vec<Output> {
        self.hub.handle(self.now, input)
    }

    pub(super) fn open(&mut self, n: u64) -> ConnId {
        assert!(self.input(Input::Opened(ConnId(n))).is_empty());
        ConnId(n)
    }

    pub(super) fn send(&mut self, conn: ConnId, msg: &ClientMsg) -> Vec<Output> {
        self.input(Input::Text(conn, serde_json::to_string(msg).unwrap()))
    }

    /// Sends `msg` and returns every output, the game's too.
    pub(super) fn send_all(&mut self, conn: ConnId, msg: &ClientMsg) -> Vec<Output> {
        self.input_all(Input::Text(conn, serde_json::to_string(msg).unwrap()))
    }

    /// Opens a socket and joins `room`; returns the socket and the seat the server gave it.
    pub(super) fn join(
        &mut self,
        n: u64,
        room: &RoomId,
        name: &str,
    ) -> (ConnId, PeerId, Vec<Output>) {
        let conn = self.open(n);
        let out = self.send(conn, &ClientMsg::Join { room: room.clone(), name: name.into() });
        let you = out
            .iter()
            .find_map(|o| match o {
                Output::Send(c, ServerMsg::Welcome { you, .. }) if *c == conn => Some(*you),
                _ => None,
            })
            .expect("welcome");
        (conn, you, out)
    }

    pub(super) fn advance(&mut self, d: Duration) {
        self.now += d;
    }
}

pub(super) fn room(tag: char) -> RoomId {
    RoomId::parse(&tag.to_string().repeat(22)).unwrap()
}

pub(super) fn ticket(room: &RoomId, peer: PeerId) -> String {
    TicketKey::new([1; 32]).issue(room, peer)
}

fn offer() -> Signal {
    Signal::Description { sdp_type: SdpType::Offer, sdp: "v=0\r\n".into() }
}

pub(super) fn error_code(out: &[Output], conn: ConnId) -> Option<ErrorCode> {
    out.iter().find_map(|o| match o {
        Output::Send(c, ServerMsg::Error { code, .. }) if *c == conn => Some(*code),
        _ => None,
    })
}

#[test]
fn join_welcomes_with_existing_members_and_tells_them() {
    let mut sim = Sim::new();
    let r = room('a');
    let (a, pa, out) = sim.join(1, &r, "Ann");
    assert_eq!(
        out,
        vec![Output::Send(
            a,
            ServerMsg::Welcome {
                you: pa,
                room: r.clone(),
                peers: vec![],
                ticket: ticket(&r, pa),
                ice_servers: vec![],
            }
        )]
    );

    let (b, pb, out) = sim.join(2, &r, "  Bo  ");
    assert_eq!(
        out,
        vec![
            Output::Send(a, ServerMsg::PeerJoined { peer: PeerInfo { id: pb, name: "Bo".into() } }),
            Output::Send(
                b,
                ServerMsg::Welcome {
                    you: pb,
                    room: r.clone(),
                    peers: vec![PeerInfo { id: pa, name: "Ann".into() }],
                    ticket: ticket(&r, pb),
                    ice_servers: vec![],
                }
            ),
        ]
    );
    assert_ne!(pa, pb);
    assert_eq!(sim.hub.members(&r), vec![pa, pb]);
}

#[test]
fn signals_are_relayed_with_the_server_stamped_sender() {
    let mut sim = Sim::new();
    let r = room('a');
    let (a, pa, _) = sim.join(1, &r, "Ann");
    let (b, pb, _) = sim.join(2, &r, "Bo");
    let out = sim.send(b, &ClientMsg::Signal { to: pa, signal: offer() });
    assert_eq!(out, vec![Output::Relay(a, relayed(pb, &offer()))]);
}

#[test]
fn a_forged_from_field_is_ignored() {
    let mut sim = Sim::new();
    let r = room('a');
    let (a, pa, _) = sim.join(1, &r, "Ann");
    let (b, pb, _) = sim.join(2, &r, "Bo");
    let (_c, pc, _) = sim.join(3, &r, "Cy");
    // Bo claims to be Cy.
    let forged = format!(
        r#"{{"type":"signal","from":{pc},"to":{pa},"signal":{{"kind":"description","sdp_type":"offer","sdp":"v=0\r\n"}}}}"#
    );
    let out = sim.input(Input::Text(b, forged));
    assert_eq!(out, vec![Output::Relay(a, relayed(pb, &offer()))]);
}

#[test]
fn signals_never_cross_rooms() {
    let mut sim = Sim::new();
    let (_a, pa, _) = sim.join(1, &room('a'), "Ann");
    let (x, _px, _) = sim.join(2, &room('x'), "Xi");
    let out = sim.send(x, &ClientMsg::Signal { to: pa, signal: offer() });
    assert_eq!(out.len(), 1);
    assert_eq!(error_code(&out, x), Some(ErrorCode::UnknownPeer));
}

#[test]
fn signals_to_yourself_or_nobody_are_refused() {
    let mut sim = Sim::new();
    let (a, pa, _) = sim.join(1, &room('a'), "Ann");
    let out = sim.send(a, &ClientMsg::Signal { to: pa, signal: offer() });
    assert_eq!(error_code(&out, a), Some(ErrorCode::UnknownPeer));
    let out = sim.send(a, &ClientMsg::Signal { to: PeerId(999), signal: offer() });
    assert_eq!(error_code(&out, a), Some(ErrorCode::UnknownPeer));
}

#[test]
fn room_messages_before_join_are_refused() {
    let mut sim = Sim::new();
    let c = sim.open(1);
    let out = sim.send(c, &ClientMsg::Signal { to: PeerId(1), signal: offer() });
    assert_eq!(error_code(&out, c), Some(ErrorCode::NotJoined));
    let out = sim.send(c, &ClientMsg::Leave);
    assert_eq!(error_code(&out, c), Some(ErrorCode::NotJoined));
}

#[test]
fn second_join_on_one_socket_is_refused() {
    let mut sim = Sim::new();
    let (a, _, _) = sim.join(1, &room('a'), "Ann");
    let out = sim.send(a, &ClientMsg::Join { room: room('b'), name: "Ann".into() });
    assert_eq!(error_code(&out, a), Some(ErrorCode::AlreadyJoined));
    assert_eq!(sim.hub.room_count(), 1);
}

#[test]
fn bad_names_are_refused() {
    let mut sim = Sim::new();
    let c = sim.open(1);
    for name in ["", "   ", &"x".repeat(MAX_NAME_CHARS + 1), "a\u{7}b"] {
        let out = sim.send(c, &ClientMsg::Join { room: room('a'), name: name.into() });
        assert_eq!(error_code(&out, c), Some(ErrorCode::BadName), "{name:?}");
    }
    assert_eq!(sim.hub.room_count(), 0);
    // Forty Korean syllables is within the limit: characters, not bytes, count.
    let out = sim.send(c, &ClientMsg::Join { room: room('a'), name: "가".repeat(MAX_NAME_CHARS) });
    assert_eq!(error_code(&out, c), None);
}

#[test]
fn malformed_json_gets_an_error_and_the_connection_stays() {
    let mut sim = Sim::new();
    let r = room('a');
    let (a, _, _) = sim.join(1, &r, "Ann");
    for text in ["{", "[]", r#"{"type":"dance"}"#, r#"{"type":"join","room":"short","name":"x"}"#] {
        let out = sim.input(Input::Text(a, text.into()));
        assert_eq!(out.len(), 1, "{text}");
        assert_eq!(error_code(&out, a), Some(ErrorCode::Malformed), "{text}");
    }
    let out = sim.input(Input::Binary(a));
    assert_eq!(error_code(&out, a), Some(ErrorCode::Binary));
    // Still seated and still answered.
    assert_eq!(sim.hub.members(&r).len(), 1);
    assert_eq!(sim.send(a, &ClientMsg::Ping), vec![Output::Send(a, ServerMsg::Pong)]);
}

#[test]
fn oversized_message_closes_the_socket_and_frees_the_seat() {
    let mut sim = Sim::new();
    let r = room('a');
    let (a, _pa, _) = sim.join(1, &r, "Ann");
    let (b, pb, _) = sim.join(2, &r, "Bo");
    let big = format!(r#"{{"type":"ping","pad":"{}"}}"#, "x".repeat(MAX_MESSAGE_BYTES));
    let out = sim.input(Input::Text(b, big));
    assert_eq!(
        out,
        vec![
            Output::Send(a, ServerMsg::PeerLeft { peer: pb }),
            Output::Close(b, CloseReason::TooBig),
        ]
    );
    // A message of exactly the limit is fine.
    let pad = MAX_MESSAGE_BYTES - r#"{"type":"ping","pad":""}"#.len();
    let exact = format!(r#"{{"type":"ping","pad":"{}"}}"#, "x".repeat(pad));
    assert_eq!(exact.len(), MAX_MESSAGE_BYTES);
    assert_eq!(sim.input(Input::Text(a, exact)), vec![Output::Send(a, ServerMsg::Pong)]);
}

#[test]
fn capacity_is_six_and_the_seventh_is_told_the_room_is_full() {
    let mut sim = Sim::new();
    let r = room('a');
    for n in 1..=ROOM_CAPACITY as u64 {
        sim.join(n, &r, "p");
    }
    let seventh = sim.open(7);
    let out = sim.send(seventh, &ClientMsg::Join { room: r.clone(), name: "late".into() });
    assert_eq!(out.len(), 1, "no one else hears of the refused join");
    assert_eq!(error_code(&out, seventh), Some(ErrorCode::RoomFull));
    assert_eq!(sim.hub.members(&r).len(), ROOM_CAPACITY);
    // When someone leaves, the seventh can take the seat.
    sim.input(Input::Closed(ConnId(1), CloseKind::Clean));
    let out = sim.send(seventh, &ClientMsg::Join { room: r.clone(), name: "late".into() });
    assert!(out
        .iter()
        .any(|o| matches!(o, Output::Send(c, ServerMsg::Welcome { .. }) if *c == seventh)));
}

#[test]
fn leave_notifies_the_others_and_the_empty_room_is_dropped() {
    let mut sim = Sim::new();
    let r = room('a');
    let (a, pa, _) = sim.join(1, &r, "Ann");
    let (b, pb, _) = sim.join(2, &r, "Bo");
    let out = sim.send(a, &ClientMsg::Leave);
    assert_eq!(out, vec![Output::Send(b, ServerMsg::PeerLeft { peer: pa })]);
    assert_eq!(sim.hub.room_count(), 1);
    // The socket that left may join again and gets a new seat.
    let out = sim.send(a, &ClientMsg::Join { room: r.clone(), name: "Ann".into() });
    assert!(
        matches!(out.last(), Some(Output::Send(c, ServerMsg::Welcome { peers, .. })) if *c == a && peers.len() == 1)
    );
    sim.input(Input::Closed(a, CloseKind::Clean));
    let out = sim.input(Input::Closed(b, CloseKind::Clean));
    assert!(out.is_empty());
    assert_eq!(sim.hub.room_count(), 0);
    let _ = pb;
}

#[test]
fn a_dropped_socket_frees_its_seat() {
    let mut sim = Sim::new();
    let r = room('a');
    let (a, _, _) = sim.join(1, &r, "Ann");
    let (b, pb, _) = sim.join(2, &r, "Bo");
    assert_eq!(
        sim.input(Input::Closed(b, CloseKind::Clean)),
        vec![Output::Send(a, ServerMsg::PeerLeft { peer: pb })]
    );
    // Messages for the gone peer are now refused.
    let out = sim.send(a, &ClientMsg::Signal { to: pb, signal: offer() });
    assert_eq!(error_code(&out, a), Some(ErrorCode::UnknownPeer));
}

#[test]
fn silent_sockets_are_closed_and_their_seat_freed_after_the_grace_period() {
    let mut sim = Sim::new();
    let config = HubConfig::default();
    let r = room('a');
    let (a, _pa, _) = sim.join(1, &r, "Ann");
    let (b, pb, _) = sim.join(2, &r, "Bo");
    // Ann keeps answering pings; Bo's network dies silently.
    for _ in 0..3 {
        sim.advance(config.heartbeat_timeout / 3);
        sim.input(Input::Alive(a));
        assert!(sim.input(Input::Tick).is_empty());
    }
    sim.advance(Duration::from_millis(1));
    assert_eq!(sim.input(Input::Tick), vec![Output::Close(b, CloseReason::HeartbeatTimeout)]);
    // The seat is held, not freed: Bo may still come back.
    assert_eq!(sim.hub.members(&r).len(), 2);
    sim.advance(config.grace - Duration::from_millis(1));
    sim.input(Input::Alive(a));
    assert!(sim.input(Input::Tick).is_empty());
    sim.advance(Duration::from_millis(1));
    assert_eq!(sim.input(Input::Tick), vec![Output::Send(a, ServerMsg::PeerLeft { peer: pb })]);
    assert_eq!(sim.hub.members(&r).len(), 1);
    // Announced once only.
    sim.advance(Duration::from_secs(1));
    sim.input(Input::Alive(a));
    assert!(sim.input(Input::Tick).is_empty());
}

fn resume(
    sim: &mut Sim,
    n: u64,
    room: &RoomId,
    peer: PeerId,
    ticket: String,
) -> (ConnId, Vec<Output>) {
    let conn = sim.open(n);
    let out =
        sim.send(conn, &ClientMsg::Resume { room: room.clone(), name: "Bo".into(), peer, ticket });
    (conn, out)
}

#[test]
fn a_dropped_seat_is_resumed_silently_within_the_grace_period() {
    let mut sim = Sim::new();
    let r = room('a');
    let (a, pa, _) = sim.join(1, &r, "Ann");
    let (b, pb, _) = sim.join(2, &r, "Bo");
    assert!(sim.input(Input::Closed(b, CloseKind::Abrupt)).is_empty(), "nobody is told");
    // Signals to the away peer are refused with a reason, not lost silently.
    let out = sim.send(a, &ClientMsg::Signal { to: pb, signal: offer() });
    assert_eq!(error_code(&out, a), Some(ErrorCode::PeerAway));
    sim.advance(Duration::from_secs(10));
    let (b2, out) = resume(&mut sim, 3, &r, pb, ticket(&r, pb));
    assert_eq!(out.len(), 1, "only the welcome: the room never saw Bo leave");
    assert!(matches!(&out[0], Output::Send(c, ServerMsg::Welcome { you, peers, .. })
        if *c == b2 && *you == pb && peers.len() == 1 && peers[0].id == pa));
    let out = sim.send(a, &ClientMsg::Signal { to: pb, signal: offer() });
    assert_eq!(out, vec![Output::Relay(b2, relayed(pa, &offer()))]);
    // The grace timer was cancelled.
    sim.advance(Duration::from_secs(60));
    sim.input(Input::Alive(a));
    sim.input(Input::Alive(b2));
    assert!(sim.input(Input::Tick).is_empty());
}

#[test]
fn a_clean_close_frees_the_seat_at_once() {
    let mut sim = Sim::new();
    let r = room('a');
    let (a, _, _) = sim.join(1, &r, "Ann");
    let (b, pb, _) = sim.join(2, &r, "Bo");
    assert_eq!(
        sim.input(Input::Closed(b, CloseKind::Clean)),
        vec![Output::Send(a, ServerMsg::PeerLeft { peer: pb })]
    );
}

#[test]
fn after_a_restart_a_ticket_restores_the_same_peer_id() {
    // A new hub with the same key stands for a restarted server.
    let mut sim = Sim::new();
    let r = room('a');
    let (_a, pa, _) = sim.join(1, &r, "Ann");
    let mut restarted = Sim::new();
    let (a2, out) = resume(&mut restarted, 1, &r, pa, ticket(&r, pa));
    assert!(
        matches!(&out[..], [Output::Send(c, ServerMsg::Welcome { you, peers, .. })] if *c == a2 && *you == pa && peers.is_empty())
    );
    // Bo comes back too and is announced to Ann, under his old id.
    let pb = PeerId(777);
    let (b2, out) = resume(&mut restarted, 2, &r, pb, ticket(&r, pb));
    assert_eq!(
        out[0],
        Output::Send(a2, ServerMsg::PeerJoined { peer: PeerInfo { id: pb, name: "Bo".into() } })
    );
    assert!(
        matches!(&out[1], Output::Send(c, ServerMsg::Welcome { you, .. }) if *c == b2 && *you == pb)
    );
}

#[test]
fn forged_or_foreign_tickets_are_refused() {
    let mut sim = Sim::new();
    let r = room('a');
    let (_a, pa, _) = sim.join(1, &r, "Ann");
    for (peer, t) in [
        (pa, "AAAAAAAAAAAAAAAAAAAAAA".to_string()),
        (pa, ticket(&room('b'), pa)),
        (PeerId(pa.0 + 1), ticket(&r, pa)),
        (pa, TicketKey::new([2; 32]).issue(&r, pa)),
    ] {
        let (c, out) = resume(&mut sim, 10 + peer.0, &r, peer, t);
        assert_eq!(error_code(&out, c), Some(ErrorCode::BadTicket));
    }
    assert_eq!(sim.hub.members(&r), vec![pa]);
}

#[test]
fn resuming_from_a_second_tab_takes_the_seat_over() {
    let mut sim = Sim::new();
    let r = room('a');
    let (a, pa, _) = sim.join(1, &r, "Ann");
    let (a2, out) = resume(&mut sim, 2, &r, pa, ticket(&r, pa));
    assert_eq!(out[0], Output::Close(a, CloseReason::Replaced));
    assert!(matches!(&out[1], Output::Send(c, ServerMsg::Welcome { .. }) if *c == a2));
    assert_eq!(sim.hub.members(&r), vec![pa]);
}

#[test]
fn held_seats_count_towards_capacity() {
    let mut sim = Sim::new();
    let r = room('a');
    for n in 1..=ROOM_CAPACITY as u64 {
        let (c, _, _) = sim.join(n, &r, "p");
        if n == 1 {
            sim.input(Input::Closed(c, CloseKind::Abrupt));
        }
    }
    let late = sim.open(99);
    let out = sim.send(late, &ClientMsg::Join { room: r.clone(), name: "late".into() });
    assert_eq!(error_code(&out, late), Some(ErrorCode::RoomFull));
}

#[test]
fn flooding_is_rate_limited_without_losing_the_seat() {
    let config = HubConfig { rate_per_sec: 10.0, rate_burst: 5.0, ..HubConfig::default() };
    let mut sim = Sim::with(config);
    let r = room('a');
    let (a, _, _) = sim.join(1, &r, "Ann"); // the join used one token
    for _ in 0..4 {
        assert_eq!(sim.send(a, &ClientMsg::Ping), vec![Output::Send(a, ServerMsg::Pong)]);
    }
    let out = sim.send(a, &ClientMsg::Ping);
    assert_eq!(error_code(&out, a), Some(ErrorCode::RateLimited));
    sim.advance(Duration::from_millis(100));
    assert_eq!(sim.send(a, &ClientMsg::Ping), vec![Output::Send(a, ServerMsg::Pong)]);
    assert_eq!(sim.hub.members(&r).len(), 1);
}

#[test]
fn six_simulated_peers_form_a_full_mesh_of_offers() {
    let mut sim = Sim::new();
    let r = room('m');
    let mut seats = Vec::new();
    for n in 1..=6 {
        let (conn, id, out) = sim.join(n, &r, &format!("p{n}"));
        let welcome_peers = out.iter().find_map(|o| match o {
            Output::Send(_, ServerMsg::Welcome { peers, .. }) => Some(peers.len()),
            _ => None,
        });
        assert_eq!(welcome_peers, Some(seats.len()));
        seats.push((conn, id));
    }
    // Each newcomer offers to everyone before it: 15 offers, each delivered once, stamped.
    let mut delivered = 0;
    for (i, &(conn, from)) in seats.iter().enumerate() {
        for &(to_conn, to) in &seats[..i] {
            let out = sim.send(conn, &ClientMsg::Signal { to, signal: offer() });
            assert_eq!(out, vec![Output::Relay(to_conn, relayed(from, &offer()))]);
            delivered += 1;
        }
    }
    assert_eq!(delivered, 15);
}

#[test]
fn mute_state_reaches_the_others_and_newcomers() {
    let mut sim = Sim::new();
    let r = room('m');
    let (a, pa, _) = sim.join(1, &r, "Ann");
    let (b, _, _) = sim.join(2, &r, "Bo");
    let out = sim.send(a, &ClientMsg::Media(muted()));
    assert_eq!(out, vec![Output::Send(b, ServerMsg::PeerMedia { peer: pa, media: muted() })]);
    // Saying the same again changes nothing.
    assert!(sim.send(a, &ClientMsg::Media(muted())).is_empty());
    let (c, _, out) = sim.join(3, &r, "Cy");
    assert!(out.contains(&Output::Send(c, ServerMsg::PeerMedia { peer: pa, media: muted() })));
    let lone = sim.open(9);
    let out = sim.send(lone, &ClientMsg::Media(MediaState::default()));
    assert_eq!(error_code(&out, lone), Some(ErrorCode::NotJoined));
}

fn muted() -> MediaState {
    MediaState { audio: false, ..MediaState::default() }
}

/// A hub that hands out a TURN server with one-hour logins, at wall time 1,700,000,000.
fn sim_with_turn() -> Sim {
    use crate::signaling::ice::{IceConfig, TurnConfig};
    let turn = TurnConfig {
        urls: vec!["turn:127.0.0.1:3478".into()],
        secret: "hub-test-secret".into(),
        ttl: Duration::from_secs(3600),
    };
    let mut sim = Sim::new();
    sim.hub = Hub::new(HubConfig::default(), TicketKey::new([1; 32]))
        .unwrap()
        .with_ice(IceConfig { servers: vec![], turn: Some(turn) });
    assert!(sim.input(Input::WallClock(1_700_000_000)).is_empty());
    sim
}

/// The TURN login names its expiry (Unix seconds) before the colon.
fn turn_expiry(servers: &[IceServer]) -> u64 {
    let user = servers[0].username.as_deref().expect("a TURN login");
    user.split(':').next().unwrap().parse().unwrap()
}

#[test]
fn a_welcome_carries_turn_logins_minted_from_the_wall_clock_fed_as_input() {
    let mut sim = sim_with_turn();
    sim.advance(Duration::from_secs(10));
    let (_, pa, out) = sim.join(1, &room('t'), "Ann");
    let servers = out
        .iter()
        .find_map(|o| match o {
            Output::Send(_, ServerMsg::Welcome { ice_servers, .. }) => Some(ice_servers.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(turn_expiry(&servers), 1_700_000_000 + 10 + 3600);
    assert!(servers[0].username.as_deref().unwrap().ends_with(&format!(":{pa}")));
    assert!(!format!("{servers:?}").contains("hub-test-secret"));
}

#[test]
fn turn_logins_are_renewed_at_half_life_on_a_tick_and_only_for_seats_still_held() {
    let mut sim = sim_with_turn();
    let r = room('u');
    let (a, _, _) = sim.join(1, &r, "Ann");
    let (b, _, _) = sim.join(2, &r, "Bo");
    let renewed = |out: &[Output]| -> Vec<(ConnId, u64)> {
        out.iter()
            .filter_map(|o| match o {
                Output::Send(c, ServerMsg::IceServers { ice_servers }) => {
                    Some((*c, turn_expiry(ice_servers)))
                }
                _ => None,
            })
            .collect()
    };
    // Keep both alive past the heartbeat while half an hour passes.
    for _ in 0..(1799 / 5) {
        sim.advance(Duration::from_secs(5));
        sim.input(Input::Alive(a));
        sim.input(Input::Alive(b));
        assert_eq!(renewed(&sim.input(Input::Tick)), vec![]);
    }
    sim.send(b, &ClientMsg::Leave);
    sim.advance(Duration::from_secs(5));
    sim.input(Input::Alive(a));
    let out = sim.input(Input::Tick);
    assert_eq!(renewed(&out), vec![(a, 1_700_000_000 + 1800 + 3600)]);
}

#[test]
fn a_socket_bound_to_a_room_may_join_knock_or_resume_there_only() {
    let mut sim = Sim::new();
    let (r, other) = (room('a'), room('b'));
    let conn = sim.open(1);
    assert!(sim.input(Input::Bound(conn, r.clone())).is_empty());
    let join = |room: &RoomId| ClientMsg::Join { room: room.clone(), name: "Ann".into() };
    let out = sim.send(conn, &join(&other));
    assert_eq!(error_code(&out, conn), Some(ErrorCode::WrongRoom));
    assert!(sim.hub.members(&other).is_empty(), "nothing was seated there");
    let password = ClientMsg::JoinWithPassword {
        room: other.clone(),
        name: "Ann".into(),
        password: "x".into(),
    };
    assert_eq!(error_code(&sim.send(conn, &password), conn), Some(ErrorCode::WrongRoom));
    let resume = ClientMsg::Resume {
        room: other.clone(),
        name: "Ann".into(),
        peer: PeerId(1),
        ticket: ticket(&other, PeerId(1)),
    };
    assert_eq!(error_code(&sim.send(conn, &resume), conn), Some(ErrorCode::WrongRoom));
    let out = sim.send(conn, &join(&r));
    assert!(out
        .iter()
        .any(|o| matches!(o, Output::Send(c, ServerMsg::Welcome { .. }) if *c == conn)));
}
