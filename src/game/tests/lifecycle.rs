//! Starting, the host, leaving and rejoining, spectators, away, and the next game.

use super::*;

fn lobby(names: &[&str]) -> (Sim, Vec<PeerId>) {
    let mut sim = Sim::new(Mode::DontLaugh);
    let peers = names.iter().enumerate().map(|(i, n)| sim.join(i as u64 + 1, n)).collect();
    (sim, peers)
}

fn countdown_started(out: &[Output]) -> bool {
    matches!(phase(out), Some(Phase::Countdown { ends_at_ms: _ }))
}

#[test]
fn the_game_starts_when_two_players_are_ready() {
    let (mut sim, p) = lobby(&["Ann", "Bo", "Cy"]);
    let out = sim.ready(p[1]);
    assert_eq!(phase(&out), None);
    assert!(sim.line(p[1]).ready);
    sim.advance(ms(500));
    let out = sim.ready(p[2]);
    assert!(countdown_started(&out), "{out:?}");
    let view = sim.game.phase_view();
    assert_eq!(view.phase, Phase::Countdown { ends_at_ms: 3_500 });
    assert_eq!((view.game, view.remaining_ms), (1, Some(3_000)));
    // Everyone present plays, ready or not; the flags are cleared.
    let board = sim.game.scoreboard();
    assert!(board.players.iter().all(|l| l.status == PlayerStatus::Active && !l.ready));
}

#[test]
fn one_ready_player_alone_does_not_start_and_unready_takes_it_back() {
    let (mut sim, p) = lobby(&["Ann"]);
    assert_eq!(phase(&sim.ready(p[0])), None);
    let b = sim.join(2, "Bo");
    assert_eq!(rejection(&sim.input(Input::Unready { peer: p[0] })), None);
    assert_eq!(phase(&sim.ready(b)), None, "Ann took her Ready back");
    assert!(countdown_started(&sim.ready(p[0])));
}

#[test]
fn the_host_can_start_with_two_players_present() {
    let (mut sim, p) = lobby(&["Ann"]);
    assert_eq!(rejection(&sim.start(p[0])), Some(GameError::NotEnoughPlayers { present: 1 }));
    assert_eq!(sim.game.phase_view().phase, Phase::Lobby);
    let b = sim.join(2, "Bo");
    assert_eq!(rejection(&sim.start(b)), Some(GameError::NotHost));
    assert!(countdown_started(&sim.start(p[0])));
}

#[test]
fn the_host_is_the_earliest_joined_member_still_present() {
    let (mut sim, p) = lobby(&["Ann", "Bo", "Cy"]);
    assert_eq!(sim.game.host(), Some(p[0]));
    sim.leave(p[0]);
    assert_eq!(sim.game.host(), Some(p[1]));
    // Coming back is joining anew: at the back of the line.
    sim.join(1, "Ann");
    assert_eq!(sim.game.host(), Some(p[1]));
    assert_eq!(rejection(&sim.start(p[0])), Some(GameError::NotHost));
}

#[test]
fn only_the_host_chooses_the_mode_and_only_between_games() {
    let (mut sim, p) = lobby(&["Ann", "Bo"]);
    let choose = |peer| Input::ChooseMode { peer, mode: Mode::CopyFace };
    assert_eq!(rejection(&sim.input(choose(p[1]))), Some(GameError::NotHost));
    let out = sim.input(choose(p[0]));
    assert_eq!(sim.game.mode(), Mode::CopyFace);
    assert!(out.iter().any(|o| matches!(o, Output::Phase(v) if v.mode == Mode::CopyFace)));
    sim.start(p[0]);
    let back = Input::ChooseMode { peer: p[0], mode: Mode::DontLaugh };
    assert_eq!(rejection(&sim.input(back)), Some(GameError::GameInProgress));
}

#[test]
fn ready_and_start_during_a_game_are_refused() {
    let (mut sim, p) = Sim::playing(Mode::DontLaugh, &["Ann", "Bo"]);
    assert_eq!(rejection(&sim.ready(p[1])), Some(GameError::GameInProgress));
    assert_eq!(rejection(&sim.start(p[0])), Some(GameError::GameInProgress));
    assert_eq!(rejection(&sim.ready(PeerId(9))), Some(GameError::NotInRoom));
}

#[test]
fn a_player_who_leaves_mid_game_stays_on_the_board_marked_left() {
    let (mut sim, p) = Sim::playing(Mode::DontLaugh, &["Ann", "Bo", "Cy"]);
    let t0 = sim.now;
    sim.laugh(p[0], 0.9, t0, t0 + ms(300));
    let out = sim.leave(p[1]);
    assert_eq!(game_over(&out), None, "two players remain");
    assert_eq!((sim.status(p[1]), sim.score(p[1])), (PlayerStatus::Left, 10));
    // A player who left earns nothing from later laughs.
    sim.calm(&[p[2]]);
    sim.laugh(p[0], 0.9, t0 + ms(2400), t0 + ms(2700));
    assert_eq!((sim.score(p[1]), sim.score(p[2])), (10, 20));
    let (results, _) = game_over(&sim.tick_at(secs(500))).expect("game over");
    let bo = results.ranking.iter().find(|s| s.peer == p[1]).expect("Bo ranked");
    assert!(bo.left && bo.score == 10);
}

#[test]
fn the_game_ends_at_once_when_fewer_than_two_players_remain() {
    let (mut sim, p) = Sim::playing(Mode::DontLaugh, &["Ann", "Bo"]);
    let out = sim.leave(p[0]);
    let (results, record) = game_over(&out).expect("game over");
    assert!(results.ended_early && record.ended_early);
    assert_eq!(results.rounds_played, 1);
    assert_eq!(phase(&out), Some(Phase::Results));
    assert_eq!(sim.status(p[0]), PlayerStatus::Left);
}

#[test]
fn leaving_during_the_countdown_calls_the_game_off() {
    let (mut sim, p) = lobby(&["Ann", "Bo"]);
    sim.start(p[0]);
    let out = sim.leave(p[1]);
    assert_eq!(phase(&out), Some(Phase::Lobby));
    assert_eq!(game_over(&out), None);
    assert_eq!(sim.game.phase_view().game, 0);
    assert_eq!(sim.game.scoreboard().players.len(), 1);
    assert_eq!(phase(&sim.tick_at(secs(10))), None, "no round follows");
}

#[test]
fn a_player_who_rejoins_mid_game_gets_their_score_back() {
    let (mut sim, p) = Sim::playing(Mode::DontLaugh, &["Ann", "Bo", "Cy"]);
    let t0 = sim.now;
    sim.laugh(p[0], 0.9, t0, t0 + ms(300));
    sim.leave(p[2]);
    sim.join(3, "Cy");
    assert_eq!((sim.status(p[2]), sim.score(p[2])), (PlayerStatus::Active, 10));
    // Back as a player: her laughs score for the others, and the others' for her.
    sim.calm(&[p[1]]);
    let out = sim.laugh(p[2], 0.9, t0 + ms(500), t0 + ms(800));
    assert_eq!(events(&out).len(), 1);
    assert_eq!(sim.score(p[1]), 20);
}

#[test]
fn a_rejoining_client_may_restart_its_sequence_numbers() {
    let (mut sim, p) = Sim::playing(Mode::DontLaugh, &["Ann", "Bo", "Cy"]);
    sim.send(p[2], Reading::without_face(500));
    sim.leave(p[2]);
    sim.join(3, "Cy");
    assert!(rebroadcast(&sim.send(p[2], Reading::without_face(1))));
}

#[test]
fn someone_joining_mid_game_spectates_until_the_next_game() {
    let (mut sim, p) = Sim::playing(Mode::DontLaugh, &["Ann", "Bo"]);
    let t0 = sim.now;
    let d = sim.join(4, "Dee");
    assert_eq!(sim.status(d), PlayerStatus::Spectating);
    // Dee's laughs are shown but score nothing, and she earns nothing from Ann's.
    let out = sim.laugh(d, 0.9, t0, t0 + ms(400));
    assert!(rebroadcast(&out) && events(&out).is_empty());
    sim.calm(&[p[1]]);
    sim.laugh(p[0], 0.9, t0 + ms(500), t0 + ms(800));
    assert_eq!((sim.score(d), sim.score(p[1])), (0, 10));
    // A spectator leaving does not end the game.
    assert_eq!(game_over(&sim.leave(d)), None);
    assert!(sim.game.scoreboard().players.iter().all(|l| l.peer != d));
}

#[test]
fn spectators_play_the_next_game_and_leavers_are_dropped() {
    let (mut sim, p) = Sim::playing(Mode::DontLaugh, &["Ann", "Bo", "Cy"]);
    let t0 = sim.now;
    sim.laugh(p[0], 0.9, t0, t0 + ms(300));
    let d = sim.join(4, "Dee");
    sim.leave(p[2]);
    assert!(game_over(&sim.tick_at(secs(300))).is_some());
    assert_eq!(rejection(&sim.ready(d)), None, "results is the next game's lobby");
    let out = sim.ready(p[1]);
    assert!(countdown_started(&out));
    assert_eq!(sim.game.phase_view().game, 2);
    let board = sim.game.scoreboard();
    let lines: Vec<(PeerId, u32)> = board.players.iter().map(|l| (l.peer, l.score)).collect();
    assert_eq!(lines, vec![(p[0], 0), (p[1], 0), (d, 0)]);
    let playing = [PlayerStatus::Active, PlayerStatus::Away];
    assert!(board.players.iter().all(|l| playing.contains(&l.status)), "{board:?}");
}

#[test]
fn away_after_more_than_three_seconds_without_a_face_and_back_with_one() {
    let (mut sim, p) = lobby(&["Ann", "Bo"]);
    sim.face(p[0], Expression::Neutral, 1.0);
    sim.now = ms(500);
    sim.no_face(p[0]);
    sim.tick_at(ms(3000));
    assert_eq!(sim.status(p[0]), PlayerStatus::Active, "exactly 3 s is not over 3 s");
    let out = sim.tick_at(ms(3001));
    assert_eq!(sim.status(p[0]), PlayerStatus::Away);
    assert!(out.iter().any(|o| matches!(o, Output::Scores(_))), "the room is told");
    // Bo never sent a face: joining counts as the last sighting.
    assert_eq!(sim.status(p[1]), PlayerStatus::Away);
    sim.face(p[0], Expression::Neutral, 1.0);
    assert_eq!(sim.status(p[0]), PlayerStatus::Active);
}

#[test]
fn time_going_backwards_counts_as_the_last_time_seen() {
    let (mut sim, _) = Sim::playing(Mode::DontLaugh, &["Ann", "Bo"]);
    sim.tick_at(secs(64));
    let out = sim.tick_at(secs(1));
    assert_eq!(phase(&out), None);
    assert!(matches!(sim.game.phase_view().phase, Phase::RoundResults { round: 1, .. }));
}

#[test]
fn names_are_updated_when_a_present_member_joins_again() {
    let (mut sim, p) = lobby(&["Ann", "Bo"]);
    sim.join(1, "Annie");
    assert_eq!(sim.line(p[0]).name, "Annie");
    assert_eq!(sim.game.host(), Some(p[0]));
}

#[test]
fn an_unplayable_config_is_refused() {
    let one_target = GameConfig { copy_targets: vec![Expression::Happy], ..GameConfig::default() };
    assert_eq!(Game::new(one_target, Mode::CopyFace, 0).err(), Some(ConfigError::TooFewTargets));
    let bad = GameConfig { laugh_threshold: f32::NAN, ..GameConfig::default() };
    assert_eq!(Game::new(bad, Mode::DontLaugh, 0).err(), Some(ConfigError::Threshold("laugh")));
    let no_rounds = GameConfig { copy_rounds: 0, ..GameConfig::default() };
    assert_eq!(Game::new(no_rounds, Mode::DontLaugh, 0).err(), Some(ConfigError::NoRounds));
}

#[test]
fn a_game_is_due_for_a_tick_only_when_time_alone_changes_something() {
    let (mut sim, p) = lobby(&["Ann", "Bo"]);
    // Just joined: faces count as seen; nothing changes until `away_after` (3 s) passes.
    assert!(sim.game.is_timed(), "the hub must tick it");
    assert!(!sim.game.due(ms(3_000)));
    assert!(sim.game.due(ms(3_001)), "Ann's and Bo's away status flips");
    let out = sim.tick_at(ms(3_001));
    assert!(out.iter().any(|o| matches!(o, Output::Scores(_))), "{out:?}");
    // Both away now: idle, a lobby needs no more ticks.
    assert!(!sim.game.due(secs(3_600)));
    assert!(!sim.game.is_timed(), "the hub may leave it alone until its next input");
    sim.ready(p[0]);
    sim.ready(p[1]);
    assert!(sim.game.is_timed());
    // The countdown's deadline makes it due exactly then.
    let ends = match sim.game.phase_view().phase {
        Phase::Countdown { ends_at_ms } => ms(ends_at_ms),
        other => panic!("{other:?}"),
    };
    assert!(!sim.game.due(ends - ms(1)));
    assert!(sim.game.due(ends));
}
