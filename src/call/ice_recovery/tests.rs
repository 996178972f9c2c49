//! The recovery policy driven by state changes and ticks on a simulated clock.

use super::*;
use IceState::*;
use Output::*;

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// A policy with the given role that has connected at t = 0.
fn up(polite: bool) -> IceRecovery {
    let mut r = IceRecovery::new(RecoveryConfig::default(), polite);
    assert!(r.handle(ms(0), Input::State(Checking)).is_empty());
    assert!(r.handle(ms(0), Input::State(Connected)).is_empty());
    r
}

fn state(r: &mut IceRecovery, at: u64, s: IceState) -> Vec<Output> {
    r.handle(ms(at), Input::State(s))
}

fn tick(r: &mut IceRecovery, at: u64) -> Vec<Output> {
    r.handle(ms(at), Input::Tick)
}

#[test]
fn failed_restarts_at_once() {
    let mut r = up(false);
    assert_eq!(state(&mut r, 1_000, Failed), vec![ShowReconnecting(true), RestartIce]);
    assert_eq!(state(&mut r, 1_500, Checking), vec![]);
    assert_eq!(state(&mut r, 2_000, Connected), vec![ShowReconnecting(false)]);
}

#[test]
fn failed_before_ever_connecting_restarts_too() {
    let mut r = IceRecovery::new(RecoveryConfig::default(), false);
    assert_eq!(state(&mut r, 0, Checking), vec![]);
    assert_eq!(state(&mut r, 9_000, Failed), vec![ShowReconnecting(true), RestartIce]);
}

#[test]
fn a_short_disconnect_heals_without_a_restart() {
    let mut r = up(false);
    assert_eq!(state(&mut r, 1_000, Disconnected), vec![ShowReconnecting(true)]);
    assert_eq!(tick(&mut r, 3_999), vec![]);
    assert_eq!(state(&mut r, 3_999, Connected), vec![ShowReconnecting(false)]);
    assert_eq!(tick(&mut r, 10_000), vec![]);
}

#[test]
fn a_long_disconnect_restarts_after_three_seconds() {
    let mut r = up(false);
    state(&mut r, 1_000, Disconnected);
    assert_eq!(r.poll_timeout(), Some(ms(4_000)));
    assert_eq!(tick(&mut r, 3_999), vec![]);
    assert_eq!(tick(&mut r, 4_000), vec![RestartIce]);
    assert_eq!(r.poll_timeout(), Some(ms(14_000)));
}

#[test]
fn a_restart_that_does_not_connect_in_time_counts_as_failed() {
    let mut r = up(false);
    state(&mut r, 0, Failed);
    state(&mut r, 500, Checking);
    assert_eq!(tick(&mut r, 9_999), vec![]);
    assert_eq!(tick(&mut r, 10_000), vec![RestartIce]);
    assert_eq!(r.failed_restarts(), 1);
}

#[test]
fn a_restart_whose_checks_fail_counts_at_once() {
    let mut r = up(false);
    state(&mut r, 0, Failed);
    state(&mut r, 500, Checking);
    assert_eq!(state(&mut r, 2_000, Failed), vec![RestartIce]);
    assert_eq!(r.failed_restarts(), 1);
}

#[test]
fn a_late_failed_from_the_old_session_is_not_a_failed_restart() {
    let mut r = up(false);
    state(&mut r, 0, Disconnected);
    assert_eq!(tick(&mut r, 3_000), vec![RestartIce]);
    // The old session's consent timer runs out while the restart offer is in flight.
    assert_eq!(state(&mut r, 4_000, Failed), vec![]);
    assert_eq!(r.failed_restarts(), 0);
    state(&mut r, 4_500, Checking);
    assert_eq!(state(&mut r, 5_000, Connected), vec![ShowReconnecting(false)]);
}

#[test]
fn three_failed_restarts_give_up_once() {
    let mut r = up(false);
    let mut now = 0;
    assert_eq!(state(&mut r, now, Failed), vec![ShowReconnecting(true), RestartIce]);
    for _ in 0..2 {
        now += 10_000;
        assert_eq!(tick(&mut r, now), vec![RestartIce]);
    }
    now += 10_000;
    assert_eq!(tick(&mut r, now), vec![ShowReconnecting(false), GiveUp]);
    assert_eq!(tick(&mut r, now + 60_000), vec![]);
    assert_eq!(state(&mut r, now + 60_000, Failed), vec![]);
    assert_eq!(r.poll_timeout(), None);
}

#[test]
fn connected_resets_the_failure_count() {
    let mut r = up(false);
    state(&mut r, 0, Failed);
    tick(&mut r, 10_000);
    tick(&mut r, 20_000);
    assert_eq!(r.failed_restarts(), 2);
    state(&mut r, 21_000, Connected);
    assert_eq!(r.failed_restarts(), 0);
    // A new outage gets the full three attempts again.
    state(&mut r, 30_000, Failed);
    assert_eq!(tick(&mut r, 40_000), vec![RestartIce]);
    assert_eq!(tick(&mut r, 50_000), vec![RestartIce]);
    assert_eq!(tick(&mut r, 60_000), vec![ShowReconnecting(false), GiveUp]);
}

#[test]
fn the_polite_side_never_restarts_but_keeps_the_same_clock() {
    let mut r = up(true);
    assert_eq!(state(&mut r, 0, Failed), vec![ShowReconnecting(true)]);
    assert_eq!(tick(&mut r, 10_000), vec![]);
    assert_eq!(tick(&mut r, 20_000), vec![]);
    assert_eq!(tick(&mut r, 30_000), vec![ShowReconnecting(false), GiveUp]);
}

#[test]
fn the_polite_side_follows_a_remote_restart() {
    let mut r = up(true);
    state(&mut r, 0, Disconnected);
    // The impolite side's restart offer arrives after 3 s: checks start over.
    assert_eq!(tick(&mut r, 3_000), vec![]);
    assert_eq!(state(&mut r, 3_200, Checking), vec![]);
    assert_eq!(state(&mut r, 3_600, Connected), vec![ShowReconnecting(false)]);
}

#[test]
fn closing_hides_the_indicator_and_stops_everything() {
    let mut r = up(false);
    state(&mut r, 0, Disconnected);
    assert_eq!(state(&mut r, 100, Closed), vec![ShowReconnecting(false)]);
    assert_eq!(tick(&mut r, 60_000), vec![]);
    assert_eq!(state(&mut r, 60_000, Failed), vec![]);
}

#[test]
fn the_indicator_never_repeats() {
    let mut r = up(false);
    assert_eq!(state(&mut r, 0, Disconnected), vec![ShowReconnecting(true)]);
    assert_eq!(state(&mut r, 1_000, Failed), vec![RestartIce]);
    assert_eq!(state(&mut r, 1_100, Disconnected), vec![]);
    assert_eq!(state(&mut r, 2_000, Connected), vec![ShowReconnecting(false)]);
    assert_eq!(state(&mut r, 2_100, Completed), vec![]);
}

#[test]
fn a_restart_that_gathers_nothing_is_retried_soon_and_not_counted() {
    let mut r = up(false);
    state(&mut r, 0, Failed);
    let gathered =
        |r: &mut IceRecovery, at, n| r.handle(ms(at), Input::GatheringDone { candidates: n });
    // Relay only, TURN away: the restart's gathering ends empty.
    assert_eq!(gathered(&mut r, 300, 0), vec![]);
    assert_eq!(r.poll_timeout(), Some(ms(2_300)));
    assert_eq!(tick(&mut r, 2_299), vec![]);
    assert_eq!(tick(&mut r, 2_300), vec![RestartIce]);
    assert_eq!(gathered(&mut r, 2_600, 0), vec![]);
    assert_eq!(tick(&mut r, 4_600), vec![RestartIce]);
    assert_eq!(r.failed_restarts(), 0);
    // TURN is back: this gathering finds a relay candidate, and the restart runs its course.
    assert_eq!(gathered(&mut r, 4_900, 1), vec![]);
    assert_eq!(r.poll_timeout(), Some(ms(14_600)));
    assert_eq!(state(&mut r, 5_000, Checking), vec![]);
    assert_eq!(state(&mut r, 5_400, Connected), vec![ShowReconnecting(false)]);
}

#[test]
fn an_empty_gathering_on_the_polite_side_or_after_checks_began_changes_nothing() {
    let mut polite = up(true);
    state(&mut polite, 0, Failed);
    assert_eq!(polite.handle(ms(300), Input::GatheringDone { candidates: 0 }), vec![]);
    assert_eq!(polite.poll_timeout(), Some(ms(10_000)));
    let mut r = up(false);
    state(&mut r, 0, Failed);
    state(&mut r, 200, Checking);
    assert_eq!(r.handle(ms(300), Input::GatheringDone { candidates: 0 }), vec![]);
    assert_eq!(r.poll_timeout(), Some(ms(10_000)));
}
