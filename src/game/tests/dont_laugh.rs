//! Don't laugh: the laugh detector, points, cool-down, rounds and results.

use super::*;

const MODE: Mode = Mode::DontLaugh;

/// `happy` readings of `p` at `t0 + offsets` (ms); returns the events of the last one and
/// asserts the earlier ones had none.
fn laugh_at(sim: &mut Sim, peer: PeerId, p: f32, offsets: &[u64]) -> Vec<GameEvent> {
    let t0 = sim.now;
    let mut last = Vec::new();
    for (i, &dt) in offsets.iter().enumerate() {
        sim.now = t0 + ms(dt);
        let out = sim.happy(peer, p);
        assert_eq!(rejection(&out), None);
        last = events(&out);
        if i + 1 < offsets.len() {
            assert!(last.is_empty(), "early laugh at +{dt} ms");
        }
    }
    last
}

#[test]
fn happy_held_for_299_ms_is_not_a_laugh() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    assert!(laugh_at(&mut sim, p[0], 0.9, &[0, 100, 200, 299]).is_empty());
    assert_eq!(sim.score(p[1]), 0);
}

#[test]
fn happy_held_for_300_ms_is_a_laugh() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    let t0 = sim.now;
    let ev = laugh_at(&mut sim, p[0], 0.9, &[0, 100, 200, 300]);
    let expected = GameEvent::Laugh {
        peer: p[0],
        round: 1,
        at_ms: wire::millis(t0 + ms(300)),
        peak: 0.9,
        rewarded: vec![p[1]],
        points: 10,
    };
    assert_eq!(ev, vec![expected]);
}

#[test]
fn happy_exactly_at_the_threshold_counts_and_just_below_does_not() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    assert!(laugh_at(&mut sim, p[0], 0.69, &[0, 100, 200, 300, 400]).is_empty());
    sim.advance(ms(100));
    assert_eq!(laugh_at(&mut sim, p[0], 0.7, &[0, 100, 200, 300]).len(), 1);
}

#[test]
fn a_dip_below_the_threshold_restarts_the_hold() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    let t0 = sim.now;
    for (dt, h) in [(0, 0.9), (100, 0.9), (200, 0.5), (300, 0.9), (500, 0.9)] {
        sim.now = t0 + ms(dt);
        assert!(events(&sim.happy(p[0], h)).is_empty(), "+{dt} ms");
    }
    // The hold restarted at +300 ms, so it completes at +600 ms.
    sim.now = t0 + ms(600);
    assert_eq!(events(&sim.happy(p[0], 0.9)).len(), 1);
}

#[test]
fn losing_the_face_restarts_the_hold() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    let t0 = sim.now;
    sim.happy(p[0], 0.9);
    sim.now = t0 + ms(150);
    sim.no_face(p[0]);
    sim.now = t0 + ms(300);
    assert!(events(&sim.happy(p[0], 0.9)).is_empty());
}

#[test]
fn a_gap_in_readings_restarts_the_hold() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    // 1.1 s without a reading is no evidence of a held laugh.
    assert!(laugh_at(&mut sim, p[0], 0.9, &[0, 1100, 1300]).is_empty());
}

#[test]
fn a_laugh_gives_every_other_player_ten_points_and_the_laugher_none() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo", "Cy"]);
    let ev = laugh_at(&mut sim, p[1], 0.95, &[0, 100, 200, 300]);
    let GameEvent::Laugh { rewarded, .. } = &ev[0] else { panic!("{ev:?}") };
    assert_eq!(rewarded, &vec![p[0], p[2]]);
    assert_eq!((sim.score(p[0]), sim.score(p[1]), sim.score(p[2])), (10, 0, 10));
}

#[test]
fn the_laugher_cools_down_for_two_seconds_then_must_hold_again() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    let t0 = sim.now;
    let out = sim.laugh(p[0], 0.9, t0, t0 + ms(300));
    assert_eq!(events(&out).len(), 1);
    // Still laughing through the cool-down (until +2300 ms): nothing counts.
    let out = sim.laugh(p[0], 0.9, t0 + ms(400), t0 + ms(2500));
    assert!(events(&out).is_empty());
    sim.calm(&[p[1]]);
    // The hold restarted at +2300 ms and completes 300 ms later.
    let out = sim.laugh(p[0], 0.9, t0 + ms(2600), t0 + ms(2600));
    assert_eq!(events(&out).len(), 1);
    assert_eq!(sim.score(p[1]), 20);
}

#[test]
fn the_cool_down_is_configurable() {
    let config = GameConfig { laugh_cooldown: ms(500), ..GameConfig::default() };
    let mut sim = Sim::with(config, MODE, 1);
    let (a, b) = (sim.join(1, "Ann"), sim.join(2, "Bo"));
    sim.start(a);
    sim.tick_at(secs(3));
    sim.calm(&[a, b]);
    let out = sim.laugh(a, 0.9, ms(3100), ms(4200));
    // Laughs at 3.4 s, cools down until 3.9 s, holds again from 3.9 s to 4.2 s.
    assert_eq!(events(&out).len(), 2);
}

#[test]
fn away_players_earn_nothing_and_earn_again_once_back() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo", "Cy"]);
    let t0 = sim.now;
    sim.now = t0 + ms(3000);
    sim.calm(&p[..2]);
    sim.now = t0 + ms(3001);
    sim.input(Input::Tick);
    assert_eq!(sim.status(p[2]), PlayerStatus::Away);
    let out = sim.laugh(p[0], 0.9, t0 + ms(3100), t0 + ms(3400));
    let ev = events(&out);
    assert!(matches!(&ev[..], [GameEvent::Laugh { rewarded, .. }] if rewarded == &vec![p[1]]));
    assert_eq!(sim.score(p[2]), 0);
    // Cy's face is back; Ann laughs again after her cool-down.
    sim.calm(&[p[1], p[2]]);
    assert_eq!(sim.status(p[2]), PlayerStatus::Active);
    let out = sim.laugh(p[0], 0.9, t0 + ms(5400), t0 + ms(5700));
    assert_eq!(events(&out).len(), 1);
    assert_eq!((sim.score(p[1]), sim.score(p[2])), (20, 10));
}

#[test]
fn readings_outside_a_round_are_rebroadcast_but_score_nothing() {
    let mut sim = Sim::new(MODE);
    let (a, b) = (sim.join(1, "Ann"), sim.join(2, "Bo"));
    let out = sim.laugh(a, 0.9, ms(0), ms(500));
    assert!(rebroadcast(&out) && events(&out).is_empty(), "lobby");
    sim.start(a);
    let out = sim.laugh(a, 0.9, ms(600), ms(1500));
    assert!(rebroadcast(&out) && events(&out).is_empty(), "countdown");
    assert_eq!(sim.score(b), 0);
}

#[test]
fn a_hold_started_in_the_countdown_does_not_carry_into_the_round() {
    let mut sim = Sim::new(MODE);
    let (a, b) = (sim.join(1, "Ann"), sim.join(2, "Bo"));
    sim.start(a);
    sim.now = ms(2500);
    sim.calm(&[b]);
    sim.laugh(a, 0.9, ms(2500), ms(2900));
    let out = sim.laugh(a, 0.9, ms(3000), ms(3200));
    assert!(events(&out).is_empty());
    assert_eq!(events(&sim.laugh(a, 0.9, ms(3300), ms(3300))).len(), 1);
}

#[test]
fn a_game_is_three_rounds_of_sixty_seconds_with_pauses_between() {
    let (mut sim, _) = Sim::playing(MODE, &["Ann", "Bo"]);
    let schedule = [
        (62_999, None),
        (63_000, Some(Phase::RoundResults { round: 1, rounds: 3, ends_at_ms: 66_000 })),
        (65_999, None),
        (66_000, Some(Phase::Round { round: 2, rounds: 3, ends_at_ms: 126_000, target: None })),
        (126_000, Some(Phase::RoundResults { round: 2, rounds: 3, ends_at_ms: 129_000 })),
        (129_000, Some(Phase::Round { round: 3, rounds: 3, ends_at_ms: 189_000, target: None })),
        (188_999, None),
        (189_000, Some(Phase::Results)),
    ];
    for (t, expected) in schedule {
        let out = sim.tick_at(ms(t));
        assert_eq!(phase(&out), expected, "at {t} ms");
        assert_eq!(game_over(&out).is_some(), t == 189_000, "at {t} ms");
    }
}

#[test]
fn a_late_tick_runs_every_missed_deadline_on_schedule() {
    let (mut sim, _) = Sim::playing(MODE, &["Ann", "Bo"]);
    let out = sim.tick_at(secs(500));
    let (results, record) = game_over(&out).expect("game over");
    assert_eq!(results.rounds_played, 3);
    let starts: Vec<u64> = record.rounds.iter().map(|r| r.started_at_ms).collect();
    assert_eq!(starts, vec![3_000, 66_000, 129_000]);
    assert_eq!(record.ended_at_ms, 189_000);
}

#[test]
fn most_points_wins_and_equal_scores_share_a_rank() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo", "Cy"]);
    let t0 = sim.now;
    sim.laugh(p[0], 0.9, t0, t0 + ms(300));
    let (results, record) = game_over(&sim.tick_at(secs(200))).expect("game over");
    let ranks: Vec<(PeerId, u32, u32)> =
        results.ranking.iter().map(|s| (s.peer, s.rank, s.score)).collect();
    assert_eq!(ranks, vec![(p[1], 1, 10), (p[2], 1, 10), (p[0], 3, 0)]);
    assert_eq!(record.players, results.ranking);
    assert_eq!(record.events.len(), 1);
    assert!(!results.ended_early);
}

#[test]
fn a_game_without_laughs_is_a_tie_for_first() {
    let (mut sim, _) = Sim::playing(MODE, &["Ann", "Bo"]);
    let (results, _) = game_over(&sim.tick_at(secs(200))).expect("game over");
    assert!(results.ranking.iter().all(|s| s.rank == 1 && s.score == 0));
}

#[test]
fn only_the_strongest_laugh_of_a_round_is_kept_as_its_highlight() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    let t0 = sim.now;
    let first = captures(&sim.laugh(p[0], 0.8, t0, t0 + ms(300)));
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].player, first[0].round), (p[0], 1));
    // Bo laughs harder: his capture replaces Ann's.
    let out = sim.laugh(p[1], 0.9, t0 + ms(400), t0 + ms(700));
    let second = captures(&out);
    assert_eq!(second.len(), 1);
    assert_ne!(second[0].id, first[0].id);
    let withdrawn = Output::CaptureWithdrawn { player: p[0], request_id: first[0].id };
    assert!(out.contains(&withdrawn));
    // Ann laughs again, weaker than Bo: no capture.
    assert!(captures(&sim.laugh(p[0], 0.85, t0 + ms(2400), t0 + ms(2700))).is_empty());
    let (_, record) = game_over(&sim.tick_at(secs(200))).expect("game over");
    let kept =
        HighlightRecord { request_id: second[0].id, player: p[1], round: 1, uploaded: false };
    assert_eq!(record.highlights, vec![kept]);
}
