//! Copy the face: first holder wins, rounds advance, targets are seeded and never repeat.

use super::*;

const MODE: Mode = Mode::CopyFace;

fn target(sim: &Sim) -> Expression {
    match sim.game.phase_view().phase {
        Phase::Round { target: Some(t), .. } => t,
        other => panic!("not in a round: {other:?}"),
    }
}

/// An expression that is not `t`.
fn other_than(t: Expression) -> Expression {
    if t == Expression::Sad {
        Expression::Angry
    } else {
        Expression::Sad
    }
}

/// The targets of one whole game nobody copies, played with `seed`.
fn targets_of_a_game(seed: u64) -> Vec<Expression> {
    let mut sim = Sim::with(GameConfig::default(), MODE, seed);
    let (a, _) = (sim.join(1, "Ann"), sim.join(2, "Bo"));
    sim.start(a);
    let (_, record) = game_over(&sim.tick_at(secs(1000))).expect("game over");
    record.rounds.iter().map(|r| r.target.expect("a target")).collect()
}

#[test]
fn the_first_player_to_hold_the_target_for_500_ms_wins_the_round() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    let (t0, goal) = (sim.now, target(&sim));
    let mut won = Vec::new();
    for step in 0..=7u64 {
        sim.now = t0 + ms(step * 100);
        won.extend(events(&sim.face(p[0], goal, 0.9)));
        if step >= 2 {
            won.extend(events(&sim.face(p[1], goal, 0.95)));
        }
    }
    let at_ms = wire::millis(t0 + ms(500));
    let expected = GameEvent::Copied { peer: p[0], round: 1, at_ms, target: goal, points: 10 };
    assert_eq!(won, vec![expected]);
    assert_eq!((sim.score(p[0]), sim.score(p[1])), (10, 0));
    let ends_at_ms = wire::millis(t0 + ms(500) + secs(3));
    assert_eq!(
        sim.game.phase_view().phase,
        Phase::RoundResults { round: 1, rounds: 5, ends_at_ms }
    );
}

#[test]
fn holding_for_499_ms_is_not_enough_and_500_ms_is() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    let (t0, goal) = (sim.now, target(&sim));
    for dt in [0, 100, 200, 300, 400, 499] {
        sim.now = t0 + ms(dt);
        assert!(events(&sim.face(p[0], goal, 0.9)).is_empty(), "+{dt} ms");
    }
    sim.now = t0 + ms(500);
    let out = sim.face(p[0], goal, 0.9);
    assert_eq!(events(&out).len(), 1);
    assert!(matches!(phase(&out), Some(Phase::RoundResults { round: 1, .. })));
}

#[test]
fn the_target_must_be_strictly_above_the_threshold() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    let (t0, goal) = (sim.now, target(&sim));
    for step in 0..=6u64 {
        sim.now = t0 + ms(step * 100);
        assert!(events(&sim.face(p[0], goal, 0.6)).is_empty());
    }
    let out = sim.hold(p[0], goal, 0.61, t0 + ms(1000), t0 + ms(1500));
    assert_eq!(events(&out).len(), 1);
}

#[test]
fn holding_another_expression_scores_nothing() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    let (t0, goal) = (sim.now, target(&sim));
    let out = sim.hold(p[0], other_than(goal), 0.99, t0, t0 + ms(900));
    assert!(events(&out).is_empty());
    assert_eq!(sim.score(p[0]), 0);
}

#[test]
fn a_round_nobody_copies_ends_after_fifteen_seconds() {
    let (mut sim, _) = Sim::playing(MODE, &["Ann", "Bo"]);
    assert_eq!(phase(&sim.tick_at(ms(17_999))), None);
    let out = sim.tick_at(ms(18_000));
    assert!(matches!(phase(&out), Some(Phase::RoundResults { round: 1, .. })));
    assert!(events(&out).is_empty());
}

#[test]
fn a_game_is_five_rounds_and_the_next_round_follows_a_win() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    let t0 = sim.now;
    let goal = target(&sim);
    sim.hold(p[1], goal, 0.9, t0, t0 + ms(500));
    let out = sim.tick_at(t0 + ms(500) + secs(3));
    assert!(matches!(phase(&out), Some(Phase::Round { round: 2, rounds: 5, .. })), "{out:?}");
    let (results, record) = game_over(&sim.tick_at(secs(1000))).expect("game over");
    assert_eq!(results.rounds_played, 5);
    assert_eq!(record.rounds.len(), 5);
    assert_eq!(results.ranking[0].peer, p[1]);
    assert_eq!(results.ranking[0].score, 10);
}

#[test]
fn the_winning_copy_is_captured() {
    let (mut sim, p) = Sim::playing(MODE, &["Ann", "Bo"]);
    let (t0, goal) = (sim.now, target(&sim));
    let out = sim.hold(p[1], goal, 0.9, t0, t0 + ms(500));
    let requests = captures(&out);
    assert_eq!(requests.len(), 1);
    assert_eq!((requests[0].player, requests[0].round), (p[1], 1));
}

#[test]
fn targets_are_deterministic_for_a_seed() {
    assert_eq!(targets_of_a_game(7), targets_of_a_game(7));
    let sequences: Vec<Vec<Expression>> = (0..10).map(targets_of_a_game).collect();
    assert!(sequences.iter().any(|s| s != &sequences[0]), "seeds should matter");
}

#[test]
fn targets_come_from_the_configured_list_and_never_repeat_in_a_row() {
    let allowed = GameConfig::default().copy_targets;
    for seed in 0..50 {
        let targets = targets_of_a_game(seed);
        assert_eq!(targets.len(), 5);
        assert!(targets.iter().all(|t| allowed.contains(t)), "seed {seed}: {targets:?}");
        assert!(targets.windows(2).all(|w| w[0] != w[1]), "seed {seed}: {targets:?}");
    }
}

#[test]
fn the_first_target_of_a_new_game_differs_from_the_last_of_the_previous() {
    let config = GameConfig {
        copy_targets: vec![Expression::Happy, Expression::Surprised],
        ..GameConfig::default()
    };
    let mut sim = Sim::with(config, MODE, 3);
    let (a, _) = (sim.join(1, "Ann"), sim.join(2, "Bo"));
    let mut all = Vec::new();
    for game in 0..3u64 {
        sim.now = secs(1000 * game);
        assert_eq!(rejection(&sim.start(a)), None);
        let (_, record) = game_over(&sim.tick_at(sim.now + secs(999))).expect("game over");
        all.extend(record.rounds.iter().filter_map(|r| r.target));
    }
    assert_eq!(all.len(), 15);
    assert!(all.windows(2).all(|w| w[0] != w[1]), "{all:?}");
}
