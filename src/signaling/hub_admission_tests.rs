//! Who gets in: the host's lock, password, knock-to-enter and removal, and the closing of
//! sockets that never take a seat, driven with simulated sockets and simulated time.

use super::hub::{CloseKind, ConnId, Input, Output};
use super::hub_tests::{is_game, room, ticket, Sim};
use super::limits::HubConfig;
use crate::protocol::*;
use std::time::Duration;

/// The signaling messages `conn` got (game messages left out).
fn to(out: &[Output], conn: ConnId) -> Vec<ServerMsg> {
    out.iter()
        .filter(|o| !is_game(o))
        .filter_map(|o| match o {
            Output::Send(c, msg) if *c == conn => Some(msg.clone()),
            _ => None,
        })
        .collect()
}

fn error_of(out: &[Output], conn: ConnId) -> Option<ErrorCode> {
    to(out, conn).into_iter().find_map(|m| match m {
        ServerMsg::Error { code, .. } => Some(code),
        _ => None,
    })
}

fn state_of(out: &[Output], conn: ConnId) -> Option<RoomState> {
    to(out, conn).into_iter().find_map(|m| match m {
        ServerMsg::RoomState(state) => Some(state),
        _ => None,
    })
}

fn knocks_of(out: &[Output], conn: ConnId) -> Option<Vec<KnockInfo>> {
    to(out, conn).into_iter().rev().find_map(|m| match m {
        ServerMsg::Knocks { knocks } => Some(knocks),
        _ => None,
    })
}

fn welcomed(out: &[Output], conn: ConnId) -> Option<PeerId> {
    to(out, conn).into_iter().find_map(|m| match m {
        ServerMsg::Welcome { you, .. } => Some(you),
        _ => None,
    })
}

fn closed(out: &[Output], conn: ConnId) -> Option<u16> {
    out.iter().find_map(|o| match o {
        Output::Close(c, reason) if *c == conn => Some(reason.code()),
        _ => None,
    })
}

fn join_msg(r: &RoomId, name: &str) -> ClientMsg {
    ClientMsg::Join { room: r.clone(), name: name.into() }
}

/// Opens socket `n` and sends a join (or a join with `password`); returns the outputs.
fn try_join(sim: &mut Sim, n: u64, r: &RoomId, name: &str, password: Option<&str>) -> Vec<Output> {
    let conn = sim.open(n);
    let msg = match password {
        Some(p) => {
            ClientMsg::JoinWithPassword { room: r.clone(), name: name.into(), password: p.into() }
        }
        None => join_msg(r, name),
    };
    sim.send_all(conn, &msg)
}

/// Opens socket `n` and joins `r`; gives the seat and every output (the room state too).
fn seat(sim: &mut Sim, n: u64, r: &RoomId, name: &str) -> (ConnId, PeerId, Vec<Output>) {
    let out = try_join(sim, n, r, name, None);
    let you = welcomed(&out, ConnId(n)).expect("welcome");
    (ConnId(n), you, out)
}

/// Ann (the host, socket 1) and Bo (socket 2) in room 'a'.
fn ann_and_bo(sim: &mut Sim) -> (RoomId, (ConnId, PeerId), (ConnId, PeerId)) {
    let r = room('a');
    let (a, pa, _) = sim.join(1, &r, "Ann");
    let (b, pb, _) = sim.join(2, &r, "Bo");
    (r, (a, pa), (b, pb))
}

#[test]
fn the_host_is_the_earliest_joiner_and_is_handed_on() {
    let mut sim = Sim::new();
    let r = room('a');
    let (a, pa, out) = seat(&mut sim, 1, &r, "Ann");
    let first = RoomState { host: Some(pa), ..RoomState::default() };
    assert_eq!(state_of(&out, a), Some(first));
    let (b, _pb, out) = seat(&mut sim, 2, &r, "Bo");
    // The newcomer learns who the host is; the others' state did not change.
    assert_eq!(state_of(&out, b), Some(first));
    assert_eq!(state_of(&out, a), None);
    let (c, pc, _) = seat(&mut sim, 3, &r, "Cy");
    // Bo leaving changes nothing; Ann leaving makes Bo host, and everyone hears it.
    let out = sim.send_all(b, &ClientMsg::Leave);
    assert_eq!(state_of(&out, a), None);
    let out = sim.send_all(a, &ClientMsg::Leave);
    assert_eq!(state_of(&out, c), Some(RoomState { host: Some(pc), ..RoomState::default() }));
    // One notion of host: the game's.
    let out = sim.send_all(c, &ClientMsg::SetLock { locked: true });
    assert_eq!(state_of(&out, c).map(|s| s.locked), Some(true));
}

#[test]
fn a_locked_room_refuses_newcomers_but_not_members_or_tickets() {
    let mut sim = Sim::new();
    let (r, (a, _pa), (b, pb)) = ann_and_bo(&mut sim);
    let out = sim.send_all(a, &ClientMsg::SetLock { locked: true });
    for conn in [a, b] {
        assert_eq!(state_of(&out, conn).map(|s| s.locked), Some(true));
    }
    let out = try_join(&mut sim, 3, &r, "Cy", None);
    assert_eq!(error_of(&out, ConnId(3)), Some(ErrorCode::RoomLocked));
    assert_eq!(sim.hub.members(&r).len(), 2);
    // Bo's connection drops and comes back with the ticket: still his seat.
    sim.input_all(Input::Closed(b, CloseKind::Abrupt));
    let back = sim.open(4);
    let resume =
        ClientMsg::Resume { room: r.clone(), name: "Bo".into(), peer: pb, ticket: ticket(&r, pb) };
    let out = sim.send_all(back, &resume);
    assert_eq!(welcomed(&out, back), Some(pb));
    // Unlocked, the door opens again.
    sim.send_all(a, &ClientMsg::SetLock { locked: false });
    let out = try_join(&mut sim, 5, &r, "Cy", None);
    assert!(welcomed(&out, ConnId(5)).is_some());
}

#[test]
fn a_password_is_required_checked_and_never_sent_back() {
    let mut sim = Sim::new();
    let (r, (a, _), (b, _)) = ann_and_bo(&mut sim);
    let set = ClientMsg::SetPassword { password: Some("höhle 42".into()) };
    let out = sim.send_all(a, &set);
    assert_eq!(state_of(&out, b).map(|s| s.password), Some(true));
    let mut seen = serde_json::to_string(&to(&out, a)).unwrap();
    let out = try_join(&mut sim, 3, &r, "Cy", None);
    assert_eq!(error_of(&out, ConnId(3)), Some(ErrorCode::PasswordRequired));
    let c = ConnId(3);
    let wrong = ClientMsg::JoinWithPassword {
        room: r.clone(),
        name: "Cy".into(),
        password: "höhle 41".into(),
    };
    let out = sim.send_all(c, &wrong);
    assert_eq!(error_of(&out, c), Some(ErrorCode::WrongPassword));
    let right = ClientMsg::JoinWithPassword {
        room: r.clone(),
        name: "Cy".into(),
        password: "höhle 42".into(),
    };
    let out = sim.send_all(c, &right);
    assert!(welcomed(&out, c).is_some());
    seen += &serde_json::to_string(&to(&out, c)).unwrap();
    assert!(!seen.contains("höhle"), "{seen}");
    // Too long is refused; an empty one removes the password.
    let long = ClientMsg::SetPassword { password: Some("x".repeat(MAX_PASSWORD_CHARS + 1)) };
    assert_eq!(error_of(&sim.send_all(a, &long), a), Some(ErrorCode::BadPassword));
    let out = sim.send_all(a, &ClientMsg::SetPassword { password: Some(String::new()) });
    assert_eq!(state_of(&out, a).map(|s| s.password), Some(false));
    assert!(welcomed(&try_join(&mut sim, 4, &r, "Di", None), ConnId(4)).is_some());
}

#[test]
fn wrong_passwords_close_the_socket_at_the_limit() {
    let mut sim = Sim::with(HubConfig { max_password_guesses: 3, ..HubConfig::default() });
    let (r, (a, _), _) = ann_and_bo(&mut sim);
    sim.send_all(a, &ClientMsg::SetPassword { password: Some("pw".into()) });
    let c = sim.open(3);
    let guess =
        ClientMsg::JoinWithPassword { room: r.clone(), name: "Cy".into(), password: "no".into() };
    for _ in 0..2 {
        let out = sim.send_all(c, &guess);
        assert_eq!(error_of(&out, c), Some(ErrorCode::WrongPassword));
        assert_eq!(closed(&out, c), None);
    }
    let out = sim.send_all(c, &guess);
    assert_eq!(closed(&out, c), Some(CLOSE_TOO_MANY_GUESSES));
}

/// Ann hosts room 'a' with knock-to-enter; Cy (socket 3) knocks.
fn knocking_cy(sim: &mut Sim) -> (RoomId, ConnId, ConnId, u64) {
    let (r, (a, _), _) = ann_and_bo(sim);
    let out = sim.send_all(a, &ClientMsg::SetKnock { knock: true });
    assert_eq!(state_of(&out, a).map(|s| s.knock), Some(true));
    let out = try_join(sim, 3, &r, "Cy", None);
    let c = ConnId(3);
    assert_eq!(to(&out, c), vec![ServerMsg::Knocking]);
    let knocks = knocks_of(&out, a).expect("the host sees the knock");
    assert_eq!(knocks.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["Cy"]);
    assert_eq!(sim.hub.members(&r).len(), 2);
    (r, a, c, knocks[0].id)
}

#[test]
fn an_admitted_knock_takes_a_seat() {
    let mut sim = Sim::new();
    let (r, a, c, id) = knocking_cy(&mut sim);
    let out = sim.send_all(a, &ClientMsg::Admit { knock: id });
    let pc = welcomed(&out, c).expect("admitted");
    assert_eq!(knocks_of(&out, a), Some(vec![]));
    assert!(to(&out, a)
        .contains(&ServerMsg::PeerJoined { peer: PeerInfo { id: pc, name: "Cy".into() } }));
    assert_eq!(sim.hub.members(&r).len(), 3);
    // The knock is answered: once only.
    let out = sim.send_all(a, &ClientMsg::Admit { knock: id });
    assert_eq!(error_of(&out, a), Some(ErrorCode::UnknownKnock));
}

#[test]
fn a_declined_knock_is_told_and_gets_no_seat() {
    let mut sim = Sim::new();
    let (r, a, c, id) = knocking_cy(&mut sim);
    let out = sim.send_all(a, &ClientMsg::Decline { knock: id });
    assert_eq!(error_of(&out, c), Some(ErrorCode::KnockDeclined));
    assert_eq!(knocks_of(&out, a), Some(vec![]));
    assert_eq!(sim.hub.members(&r).len(), 2);
}

#[test]
fn a_knock_whose_socket_closes_leaves_the_list() {
    let mut sim = Sim::new();
    let (_r, a, c, id) = knocking_cy(&mut sim);
    let out = sim.input_all(Input::Closed(c, CloseKind::Abrupt));
    assert_eq!(knocks_of(&out, a), Some(vec![]));
    let out = sim.send_all(a, &ClientMsg::Admit { knock: id });
    assert_eq!(error_of(&out, a), Some(ErrorCode::UnknownKnock));
}

#[test]
fn a_new_host_gets_the_waiting_knocks() {
    let mut sim = Sim::new();
    let (r, a, c, id) = knocking_cy(&mut sim);
    let b = ConnId(2);
    let out = sim.send_all(a, &ClientMsg::Leave);
    let bo = sim.hub.members(&r)[0];
    assert_eq!(state_of(&out, b).and_then(|s| s.host), Some(bo));
    assert_eq!(knocks_of(&out, b).map(|k| k.len()), Some(1));
    let out = sim.send_all(b, &ClientMsg::Admit { knock: id });
    assert!(welcomed(&out, c).is_some());
}

#[test]
fn knocks_are_declined_when_everyone_leaves() {
    let mut sim = Sim::new();
    let (_r, a, c, _) = knocking_cy(&mut sim);
    sim.send_all(ConnId(2), &ClientMsg::Leave);
    let out = sim.send_all(a, &ClientMsg::Leave);
    assert_eq!(error_of(&out, c), Some(ErrorCode::KnockDeclined));
}

#[test]
fn the_knock_queue_is_capped() {
    let mut sim = Sim::with(HubConfig { max_knocks: 1, ..HubConfig::default() });
    let (r, _, _, _) = knocking_cy(&mut sim);
    let out = try_join(&mut sim, 4, &r, "Di", None);
    assert_eq!(error_of(&out, ConnId(4)), Some(ErrorCode::TooManyKnocks));
}

#[test]
fn removing_frees_the_seat_tells_why_and_revokes_the_ticket() {
    let mut sim = Sim::new();
    let (r, (a, _), (b, pb)) = ann_and_bo(&mut sim);
    let (c, _pc, _) = sim.join(3, &r, "Cy");
    let out = sim.send_all(a, &ClientMsg::Remove { peer: pb });
    assert_eq!(error_of(&out, b), Some(ErrorCode::Removed));
    assert_eq!(closed(&out, b), Some(CLOSE_REMOVED));
    for conn in [a, c] {
        assert!(to(&out, conn).contains(&ServerMsg::PeerLeft { peer: pb }));
    }
    assert!(!sim.hub.members(&r).contains(&pb));
    // The ticket no longer resumes the seat, however often it is tried.
    for n in [4, 5] {
        let conn = sim.open(n);
        let resume = ClientMsg::Resume {
            room: r.clone(),
            name: "Bo".into(),
            peer: pb,
            ticket: ticket(&r, pb),
        };
        let out = sim.send_all(conn, &resume);
        assert_eq!(error_of(&out, conn), Some(ErrorCode::Removed));
        assert_eq!(welcomed(&out, conn), None);
    }
    // The host cannot remove themselves, nor someone absent.
    let pa = sim.hub.peer_of(a).unwrap();
    for peer in [pa, PeerId(999)] {
        let out = sim.send_all(a, &ClientMsg::Remove { peer });
        assert_eq!(error_of(&out, a), Some(ErrorCode::UnknownPeer));
    }
}

#[test]
fn only_the_host_may_use_host_controls() {
    let mut sim = Sim::new();
    let (r, (_a, pa), (b, _)) = ann_and_bo(&mut sim);
    let stranger = sim.open(9);
    for msg in [
        ClientMsg::SetLock { locked: true },
        ClientMsg::SetPassword { password: Some("pw".into()) },
        ClientMsg::SetKnock { knock: true },
        ClientMsg::Admit { knock: 0 },
        ClientMsg::Decline { knock: 0 },
        ClientMsg::Remove { peer: pa },
    ] {
        assert_eq!(error_of(&sim.send_all(b, &msg), b), Some(ErrorCode::NotHost), "{msg:?}");
        let out = sim.send_all(stranger, &msg);
        assert_eq!(error_of(&out, stranger), Some(ErrorCode::NotJoined), "{msg:?}");
    }
    // Nothing changed: a newcomer walks in.
    let out = try_join(&mut sim, 3, &r, "Cy", None);
    let state = state_of(&out, ConnId(3)).unwrap();
    assert_eq!(state, RoomState { host: Some(pa), ..RoomState::default() });
    assert_eq!(sim.hub.members(&r).len(), 3);
}

#[test]
fn sockets_that_take_no_seat_are_closed_after_the_join_timeout() {
    let mut sim = Sim::new();
    let timeout = HubConfig::default().join_timeout;
    let idle = sim.open(1);
    let r = room('a');
    let (seated, _, _) = sim.join(2, &r, "Ann");
    sim.advance(timeout - Duration::from_millis(1));
    sim.input_all(Input::Alive(idle));
    assert_eq!(closed(&sim.input_all(Input::Tick), idle), None);
    sim.advance(Duration::from_millis(1));
    let out = sim.input_all(Input::Tick);
    assert_eq!(closed(&out, idle), Some(CLOSE_JOIN_TIMEOUT));
    assert_eq!(closed(&out, seated), None);
    // Leaving starts the clock again; a closed idle socket is not closed twice.
    sim.send_all(seated, &ClientMsg::Leave);
    sim.advance(timeout - Duration::from_millis(1));
    sim.input_all(Input::Alive(seated));
    assert!(sim.input_all(Input::Tick).is_empty());
    sim.advance(Duration::from_millis(1));
    let out = sim.input_all(Input::Tick);
    assert_eq!(out, vec![Output::Close(seated, CloseReason::JoinTimeout)]);
}

#[test]
fn a_knocking_socket_is_not_timed_out_until_its_knock_is_answered() {
    let mut sim = Sim::new();
    let (_r, a, c, id) = knocking_cy(&mut sim);
    let timeout = HubConfig::default().join_timeout;
    for _ in 0..6 {
        sim.advance(timeout / 2);
        for conn in [a, ConnId(2), c] {
            sim.input_all(Input::Alive(conn));
        }
        assert_eq!(closed(&sim.input_all(Input::Tick), c), None);
    }
    sim.send_all(a, &ClientMsg::Decline { knock: id });
    sim.advance(timeout);
    assert_eq!(closed(&sim.input_all(Input::Tick), c), Some(CLOSE_JOIN_TIMEOUT));
}

#[test]
fn a_room_that_moved_to_another_node_closes_its_sockets_and_is_forgotten_quietly() {
    let mut sim = Sim::new();
    let (r, a, c, _) = knocking_cy(&mut sim);
    let b = ConnId(2);
    let (d, _, _) = sim.join(4, &room('d'), "Dee");
    let out = sim.input_all(Input::Moved(r.clone()));
    for conn in [a, b, c] {
        assert_eq!(closed(&out, conn), Some(CLOSE_MOVING), "members and knockers are sent on");
    }
    assert_eq!(closed(&out, d), None, "another room stays");
    assert!(!out.iter().any(|o| matches!(o, Output::Send(..))), "nobody is told anything");
    assert!(sim.hub.members(&r).is_empty());
    assert_eq!(sim.hub.members(&room('d')).len(), 1);
    // A seat comes back here only with its ticket, as on a node that never had the room.
    let out = sim.input_all(Input::Closed(a, CloseKind::Abrupt));
    assert!(out.is_empty(), "a closed socket the hub forgot is nothing: {out:?}");
}
