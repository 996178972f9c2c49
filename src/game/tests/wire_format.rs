//! What the room's clients receive: stable JSON with snake_case tags, and round trips.

use super::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) -> String {
    let text = serde_json::to_string(value).expect("serialises");
    let back: T = serde_json::from_str(&text).expect("deserialises");
    assert_eq!(&back, value, "{text}");
    text
}

#[test]
fn phase_messages_are_flat_and_tagged() {
    let view = PhaseView {
        mode: Mode::CopyFace,
        game: 2,
        phase: Phase::Round {
            round: 1,
            rounds: 5,
            ends_at_ms: 18_000,
            target: Some(Expression::Surprised),
        },
        remaining_ms: Some(15_000),
    };
    assert_eq!(
        round_trip(&view),
        r#"{"mode":"copy_face","game":2,"phase":"round","round":1,"rounds":5,"ends_at_ms":18000,"target":"surprised","remaining_ms":15000}"#
    );
    let lobby =
        PhaseView { mode: Mode::DontLaugh, game: 0, phase: Phase::Lobby, remaining_ms: None };
    assert_eq!(round_trip(&lobby), r#"{"mode":"dont_laugh","game":0,"phase":"lobby"}"#);
    let pause = Phase::RoundResults { round: 1, rounds: 3, ends_at_ms: 66_000 };
    let view = PhaseView { phase: pause, ..lobby };
    assert!(round_trip(&view).contains(r#""phase":"round_results""#));
}

#[test]
fn scoreboards_and_events_round_trip() {
    let board = Scoreboard {
        host: Some(PeerId(1)),
        players: vec![PlayerView {
            peer: PeerId(1),
            name: "민지".into(),
            score: 20,
            ready: false,
            status: PlayerStatus::Away,
        }],
    };
    assert_eq!(
        round_trip(&board),
        r#"{"host":1,"players":[{"peer":1,"name":"민지","score":20,"ready":false,"status":"away"}]}"#
    );
    let laugh = GameEvent::Laugh {
        peer: PeerId(2),
        round: 1,
        at_ms: 3300,
        peak: 0.75,
        rewarded: vec![PeerId(1)],
        points: 10,
    };
    assert_eq!(
        round_trip(&laugh),
        r#"{"event":"laugh","peer":2,"round":1,"at_ms":3300,"peak":0.75,"rewarded":[1],"points":10}"#
    );
    let copied = GameEvent::Copied {
        peer: PeerId(2),
        round: 3,
        at_ms: 1,
        target: Expression::Neutral,
        points: 10,
    };
    assert!(round_trip(&copied).starts_with(r#"{"event":"copied""#));
}

#[test]
fn results_and_records_round_trip() {
    let (mut sim, p) = Sim::playing(Mode::DontLaugh, &["Ann", "Bo"]);
    let t0 = sim.now;
    sim.laugh(p[0], 0.9, t0, t0 + ms(300));
    let (results, record) = game_over(&sim.tick_at(secs(500))).expect("game over");
    round_trip(&results);
    round_trip(&record);
    let request = CaptureRequest { id: 7, player: PeerId(1), round: 2 };
    assert_eq!(round_trip(&request), r#"{"id":7,"player":1,"round":2}"#);
}
