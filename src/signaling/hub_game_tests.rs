//! Each room's game as the hub runs it: game messages stamped with the seat, outputs routed to
//! the right sockets, uploads checked against tickets and requests, persistence asked for.

use super::hub::{ConnId, Input, Output, UploadError};
use super::hub_tests::{is_game, room, ticket, Sim};
use super::limits::HubConfig;
use crate::game::{GameConfig, GameError, HighlightError, Phase, Reading};
use crate::protocol::*;
use std::time::Duration;

/// A hub whose game is short: 1 round of 5 s, 1 s countdown.
fn short_sim() -> Sim {
    Sim::with(short_config())
}

fn short_config() -> HubConfig {
    let game = GameConfig {
        countdown: Duration::from_secs(1),
        laugh_round: Duration::from_secs(5),
        laugh_rounds: 1,
        ..GameConfig::default()
    };
    HubConfig { game, ..HubConfig::default() }
}

fn laugh(seq: u64) -> ClientMsg {
    ClientMsg::Game(GameClientMsg::Reading(Reading {
        seq,
        face: true,
        probs: vec![0.05, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01],
    }))
}

fn straight(seq: u64) -> ClientMsg {
    ClientMsg::Game(GameClientMsg::Reading(Reading {
        seq,
        face: true,
        probs: vec![0.94, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01],
    }))
}

fn to(out: &[Output], conn: ConnId) -> Vec<ServerMsg> {
    out.iter()
        .filter_map(|o| match o {
            Output::Send(c, msg) if *c == conn => Some(msg.clone()),
            _ => None,
        })
        .collect()
}

fn refusal(out: &[Output], conn: ConnId) -> Option<&'static str> {
    to(out, conn).into_iter().find_map(|m| match m {
        ServerMsg::Game(GameServerMsg::GameRefused { code, .. }) => Some(code.as_str()),
        _ => None,
    })
}

fn phase_of(out: &[Output], conn: ConnId) -> Option<Phase> {
    to(out, conn).into_iter().rev().find_map(|m| match m {
        ServerMsg::Game(GameServerMsg::GamePhase(view)) => Some(view.phase),
        _ => None,
    })
}

#[test]
fn joining_tells_the_room_the_phase_and_the_scoreboard() {
    let mut sim = short_sim();
    let r = room('g');
    let (a, pa, _) = sim.join(1, &r, "Ann");
    let conn_b = sim.open(2);
    let out = sim.send_all(conn_b, &ClientMsg::Join { room: r.clone(), name: "Bo".into() });
    for conn in [a, conn_b] {
        assert_eq!(phase_of(&out, conn), Some(Phase::Lobby));
        let board = to(&out, conn).into_iter().find_map(|m| match m {
            ServerMsg::Game(GameServerMsg::Scores(board)) => Some(board),
            _ => None,
        });
        let board = board.expect("scoreboard");
        assert_eq!(board.host, Some(pa));
        assert_eq!(board.players.len(), 2);
    }
    // The welcome comes before any game message, so the client knows its seat first.
    assert!(matches!(to(&out, conn_b).first(), Some(ServerMsg::Welcome { .. })));
}

#[test]
fn game_messages_need_a_seat() {
    let mut sim = short_sim();
    let conn = sim.open(1);
    for msg in
        [ClientMsg::Game(GameClientMsg::Ready), ClientMsg::Game(GameClientMsg::Start), laugh(1)]
    {
        let out = sim.send_all(conn, &msg);
        assert!(matches!(
            to(&out, conn).as_slice(),
            [ServerMsg::Error { code: ErrorCode::NotJoined, .. }]
        ));
    }
}

#[test]
fn two_ready_players_start_the_game_for_the_whole_room() {
    let mut sim = short_sim();
    let r = room('g');
    let (a, _, _) = sim.join(1, &r, "Ann");
    let (b, _, _) = sim.join(2, &r, "Bo");
    sim.send_all(a, &ClientMsg::Game(GameClientMsg::Ready));
    let out = sim.send_all(b, &ClientMsg::Game(GameClientMsg::Ready));
    assert!(matches!(phase_of(&out, a), Some(Phase::Countdown { .. })));
    assert!(matches!(phase_of(&out, b), Some(Phase::Countdown { .. })));
    sim.advance(Duration::from_millis(1100));
    let out = sim.input_all(Input::Tick);
    assert!(matches!(phase_of(&out, a), Some(Phase::Round { round: 1, .. })));
}

#[test]
fn only_the_host_starts_and_others_are_told_why_not() {
    let mut sim = short_sim();
    let r = room('g');
    let (_a, _, _) = sim.join(1, &r, "Ann");
    let (b, _, _) = sim.join(2, &r, "Bo");
    let out = sim.send_all(b, &ClientMsg::Game(GameClientMsg::Start));
    assert_eq!(refusal(&out, b), Some("not_host"));
    assert_eq!(out.iter().filter(|o| is_game(o)).count(), 1, "{out:?}");
}

#[test]
fn readings_go_to_the_others_with_the_server_stamped_sender() {
    let mut sim = short_sim();
    let r = room('g');
    let (a, pa, _) = sim.join(1, &r, "Ann");
    let (b, _, _) = sim.join(2, &r, "Bo");
    let out = sim.send_all(a, &straight(1));
    assert!(to(&out, a).is_empty(), "the sender gets nothing back: {out:?}");
    assert!(matches!(
        to(&out, b).as_slice(),
        [ServerMsg::Game(GameServerMsg::Reading { peer, reading })] if *peer == pa && reading.seq == 1
    ));
}

#[test]
fn bad_and_too_frequent_readings_are_refused_to_the_sender_only() {
    let mut sim = short_sim();
    let r = room('g');
    let (a, _, _) = sim.join(1, &r, "Ann");
    let (b, _, _) = sim.join(2, &r, "Bo");
    let bad = ClientMsg::Game(GameClientMsg::Reading(Reading {
        seq: 1,
        face: true,
        probs: vec![2.0; 7],
    }));
    let out = sim.send_all(a, &bad);
    assert_eq!(refusal(&out, a), Some("reading_out_of_range"));
    assert!(to(&out, b).is_empty());
    for seq in 1..=10 {
        let out = sim.send_all(a, &straight(seq));
        assert_eq!(refusal(&out, a), None, "reading {seq}");
    }
    let out = sim.send_all(a, &straight(11));
    assert_eq!(refusal(&out, a), Some("reading_too_frequent"));
    assert!(to(&out, b).is_empty(), "a dropped reading is not relayed");
    let out = sim.send_all(a, &straight(5));
    assert_eq!(refusal(&out, a), Some("reading_out_of_order"));
}

#[test]
fn a_forged_score_is_a_malformed_message_and_changes_nothing() {
    let mut sim = short_sim();
    let r = room('g');
    let (a, _, _) = sim.join(1, &r, "Ann");
    let (b, _, _) = sim.join(2, &r, "Bo");
    let out = sim.input_all(Input::Text(a, r#"{"type":"score","peer":1,"points":999}"#.into()));
    assert!(matches!(
        to(&out, a).as_slice(),
        [ServerMsg::Error { code: ErrorCode::Malformed, .. }]
    ));
    assert!(to(&out, b).is_empty());
}

/// Ann laughs through a whole short game while Bo keeps a straight face.
fn play_a_laughing_game(
    sim: &mut Sim,
    r: &RoomId,
) -> (ConnId, PeerId, ConnId, PeerId, Vec<Output>) {
    let (a, pa, _) = sim.join(1, r, "Ann");
    let (b, pb, _) = sim.join(2, r, "Bo");
    sim.send_all(a, &ClientMsg::Game(GameClientMsg::Start));
    let mut all = Vec::new();
    let mut seq = 0;
    // 1 s countdown + 5 s round, readings every 100 ms.
    for _ in 0..65 {
        sim.advance(Duration::from_millis(100));
        seq += 1;
        all.extend(sim.send_all(a, &laugh(seq)));
        all.extend(sim.send_all(b, &straight(seq)));
        all.extend(sim.input_all(Input::Tick));
    }
    (a, pa, b, pb, all)
}

#[test]
fn a_laughing_game_ends_with_the_straight_face_ahead_and_asks_to_persist_it() {
    let mut sim = short_sim();
    let r = room('g');
    let (a, pa, b, pb, out) = play_a_laughing_game(&mut sim, &r);
    let over = out.iter().find_map(|o| match o {
        Output::GameOver { game_id, room, results, .. } => Some((game_id, room, results)),
        _ => None,
    });
    let (game_id, room_of, results) = over.expect("the game ended");
    assert_eq!(room_of, &r);
    assert_eq!(game_id.len(), 22);
    assert_eq!(results.ranking[0].peer, pb, "{results:?}");
    assert!(results.ranking[0].score > 0);
    assert_eq!(results.ranking[1].peer, pa);
    // The room is told once the game is saved, by the socket side: the hub names whom.
    let announce = out.iter().find_map(|o| match o {
        Output::GameOver { announce, .. } => Some(announce.clone()),
        _ => None,
    });
    assert_eq!(announce.expect("the game ended"), [a, b]);
    for conn in [a, b] {
        assert!(!to(&out, conn)
            .iter()
            .any(|m| matches!(m, ServerMsg::Game(GameServerMsg::GameOver { .. }))));
    }
    // Only the laugher was asked for a capture.
    let captures = |conn| {
        to(&out, conn)
            .into_iter()
            .filter(|m| matches!(m, ServerMsg::Game(GameServerMsg::Capture(_))))
            .count()
    };
    assert!(captures(a) >= 1);
    assert_eq!(captures(b), 0);
}

#[test]
fn with_checkpoints_on_a_running_game_is_said_as_it_stands_and_cleared_when_it_ends() {
    let mut quiet = short_sim();
    let r = room('c');
    let (.., out) = play_a_laughing_game(&mut quiet, &r);
    assert!(!out.iter().any(|o| matches!(o, Output::Checkpoint { .. })), "off by default");

    let mut sim = Sim::with(HubConfig { checkpoints: true, ..short_config() });
    let (_, pa, _, pb, out) = play_a_laughing_game(&mut sim, &r);
    let checkpoints: Vec<_> = out
        .iter()
        .filter_map(|o| match o {
            Output::Checkpoint { room, game } if room == &r => Some(game.as_deref()),
            _ => None,
        })
        .collect();
    let over = out.iter().find_map(|o| match o {
        Output::GameOver { game_id, .. } => Some(game_id.clone()),
        _ => None,
    });
    // While it ran: Bo ahead of Ann, the game ending early if it ended there, its id the id
    // the finished game got.
    let running = checkpoints.iter().rev().find_map(|c| *c).expect("a checkpoint mid-game");
    assert!(running.results.ended_early);
    assert_eq!(running.results.ranking[0].peer, pb);
    assert!(running.results.ranking[0].score > 0);
    assert_eq!(running.results.ranking[1].peer, pa);
    assert_eq!(Some(running.game_id.clone()), over);
    assert!(!running.record.rounds.is_empty());
    // Once it is over, nothing is left to finish elsewhere.
    assert_eq!(checkpoints.last(), Some(&None));
}

#[test]
fn a_finished_game_names_each_players_browser_and_the_host_as_it_ended() {
    use crate::browser::BrowserId;
    let mut sim = short_sim();
    let r = room('g');
    let browsers: Vec<BrowserId> = (0..3).map(|_| BrowserId::random()).collect();
    let mut seats = Vec::new();
    for (n, (name, browser)) in ["Ann", "Bo", "Cy"].into_iter().zip(&browsers).enumerate() {
        let conn = ConnId(n as u64 + 1);
        sim.input_all(Input::Opened(conn));
        sim.input_all(Input::Browser(conn, *browser));
        let out = sim.send_all(conn, &ClientMsg::Join { room: r.clone(), name: name.into() });
        let peer = out.iter().find_map(|o| match o {
            Output::Send(c, ServerMsg::Welcome { you, .. }) if *c == conn => Some(*you),
            _ => None,
        });
        seats.push((conn, peer.expect("welcome")));
    }
    // A socket without a cookie plays too; it is simply listed for nobody.
    let (d, pd, _) = sim.join(9, &r, "Dee");
    sim.send_all(seats[0].0, &ClientMsg::Game(GameClientMsg::Start));
    sim.advance(Duration::from_millis(1500));
    sim.input_all(Input::Tick);
    // Ann, the host, leaves mid-game: Bo hosts when it ends, and Ann still played it.
    sim.send_all(seats[0].0, &ClientMsg::Leave);
    let mut over = None;
    for _ in 0..100 {
        sim.advance(Duration::from_millis(100));
        over = over.or(sim.input_all(Input::Tick).into_iter().find_map(|o| match o {
            Output::GameOver { owners, announce, results, .. } => Some((owners, announce, results)),
            _ => None,
        }));
    }
    let (owners, announce, results) = over.expect("the game ended");
    assert_eq!(owners.host, Some(browsers[1]));
    let expected: std::collections::BTreeMap<PeerId, BrowserId> =
        seats.iter().map(|&(_, p)| p).zip(browsers.iter().copied()).collect();
    assert_eq!(owners.players, expected);
    assert!(!owners.players.contains_key(&pd));
    assert_eq!(results.ranking.len(), 4);
    assert_eq!(announce, [seats[1].0, seats[2].0, d]);
}

#[test]
fn uploads_are_accepted_only_from_the_asked_player_with_a_valid_ticket() {
    let mut sim = short_sim();
    let r = room('g');
    let (a, pa, _b, pb, out) = play_a_laughing_game(&mut sim, &r);
    let request = to(&out, a)
        .into_iter()
        .rev()
        .find_map(|m| match m {
            ServerMsg::Game(GameServerMsg::Capture(req)) => Some(req.id),
            _ => None,
        })
        .expect("a capture request");
    // A forged ticket.
    assert_eq!(sim.upload(&r, pa, "forged", request), Err(UploadError::BadTicket));
    // Bo's own valid ticket, but the request was made to Ann.
    assert_eq!(
        sim.upload(&r, pb, &ticket(&r, pb), request),
        Err(UploadError::Refused(GameError::Highlight(HighlightError::NotYours(request))))
    );
    // A request nobody made.
    assert_eq!(
        sim.upload(&r, pa, &ticket(&r, pa), 999),
        Err(UploadError::Refused(GameError::Highlight(HighlightError::UnknownRequest(999))))
    );
    // Ann's answer is kept, once.
    let kept = sim.upload(&r, pa, &ticket(&r, pa), request).expect("accepted");
    assert!(kept.iter().any(|o| matches!(
        o,
        Output::KeepHighlight { highlight, .. } if highlight.request_id == request && highlight.player == pa
    )));
    assert!(matches!(
        sim.upload(&r, pa, &ticket(&r, pa), request),
        Err(UploadError::Refused(GameError::Highlight(HighlightError::AlreadyUploaded(_))))
    ));
}

#[test]
fn leaving_mid_game_ends_it_early_for_two_players() {
    let mut sim = short_sim();
    let r = room('g');
    let (a, _, _) = sim.join(1, &r, "Ann");
    let (b, _, _) = sim.join(2, &r, "Bo");
    sim.send_all(a, &ClientMsg::Game(GameClientMsg::Start));
    sim.advance(Duration::from_millis(1500));
    sim.input_all(Input::Tick);
    let out = sim.send_all(b, &ClientMsg::Leave);
    let results = out.iter().find_map(|o| match o {
        Output::GameOver { results, .. } => Some(results.clone()),
        _ => None,
    });
    assert!(results.expect("game over").ended_early);
    assert!(to(&out, a).iter().any(|m| matches!(m, ServerMsg::PeerLeft { .. })));
}

#[test]
fn a_too_short_reading_is_refused_with_its_length() {
    let mut sim = short_sim();
    let r = room('g');
    let (a, _, _) = sim.join(1, &r, "Ann");
    let msg =
        ClientMsg::Game(GameClientMsg::Reading(Reading { seq: 1, face: true, probs: vec![1.0] }));
    let out = sim.send_all(a, &msg);
    assert_eq!(refusal(&out, a), Some("reading_wrong_length"));
}
