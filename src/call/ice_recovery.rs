//! When to restart ICE on one peer connection, when to tell the user "reconnecting", and when to
//! give up on it, from its `iceConnectionState` changes (W3C WebRTC 1.0, the
//! `RTCIceConnectionState` enum) and a periodic tick.
//!
//! Rules:
//! - `failed`: restart at once (the ICE agent has given up on every pair).
//! - `disconnected` for [`RecoveryConfig::disconnected_grace`] (3 s): restart. Shorter blips
//!   usually heal by themselves (consent freshness, RFC 7675 §5.1, tolerates some loss), and a
//!   restart would throw the still-valid pair away.
//! - A restart that does not reach `connected` within [`RecoveryConfig::restart_timeout`]
//!   (10 s), or that ends in `failed`, has failed; after [`RecoveryConfig::max_failed_restarts`]
//!   (3) consecutive failures: [`Output::GiveUp`].
//! - `connected` or `completed` resets everything.
//!
//! # Which side restarts
//!
//! Only the **impolite** side emits [`Output::RestartIce`]; the polite side runs the same
//! timers (so both show "reconnecting" and give up at about the same time) but waits for the
//! remote's restart offer. Why:
//! - An ICE restart is one offer/answer exchange, and either side's offer restarts both
//!   agents: a restart replaces the credentials and candidates on both ends (RFC 8445 §9;
//!   RFC 8839 §4.4.3.1.1 for the SDP), so the polite side's agent restarts when it applies the
//!   impolite side's offer.
//! - Both sides detect the failure within the same consent-freshness window, so if both
//!   restarted, colliding offers would be the rule. Perfect negotiation (W3C WebRTC 1.0 §10.7)
//!   would survive that (the impolite side ignores the polite offer, the polite side rolls back),
//!   but a `restartIce()` request is remembered across a rollback and renegotiated once
//!   signaling is stable again (MDN, `RTCPeerConnection.restartIce()`), which may restart ICE a
//!   second time just as the first restart recovered. The impolite side's offer is the one that
//!   wins a collision anyway, so it is the only one worth sending.
//!
//! The polite side still counts a restart as "in progress" from the moment it would have
//! restarted, and if its ICE goes `checking` after a disconnect it knows the remote restarted.

use std::time::Duration;

/// `RTCIceConnectionState` (W3C WebRTC 1.0). When feeding `connectionState` instead,
/// map `connecting` to [`IceState::Checking`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IceState {
    /// Gathering or waiting for remote candidates.
    New,
    /// Connectivity checks running.
    Checking,
    /// A usable pair was found.
    Connected,
    /// Checks finished with a usable pair.
    Completed,
    /// Consent freshness lost on every pair; may recover by itself.
    Disconnected,
    /// No usable pair left; needs a restart.
    Failed,
    /// The connection was closed locally.
    Closed,
}

/// What happened to the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// The ICE connection state changed.
    State(IceState),
    /// Time passed (call about once a second, or at [`IceRecovery::poll_timeout`]).
    Tick,
    /// Local candidate gathering finished (the null `icecandidate` event) after this many
    /// candidates. A restart that gathered none (relay-only while the TURN server is away)
    /// cannot connect, so it is retried after [`RecoveryConfig::empty_gathering_retry`] instead
    /// of waiting out the restart timeout; such retries do not count as failed restarts.
    GatheringDone { candidates: u32 },
}

/// What the browser side must do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// Call `pc.restartIce()` (W3C WebRTC 1.0); perfect negotiation then sends the
    /// offer. If the connection is stuck in `have-local-offer` (an earlier offer was lost while
    /// the signaling socket was down), roll back first, or `negotiationneeded` never fires.
    RestartIce,
    /// Show (`true`) or hide (`false`) the "reconnecting" indicator on this peer's tile.
    ShowReconnecting(bool),
    /// Recovery failed: close this connection and tell the user.
    GiveUp,
}

/// Tunables of an [`IceRecovery`]; the defaults are what the client runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryConfig {
    /// How long `disconnected` may last before a restart (default 3 s).
    pub disconnected_grace: Duration,
    /// How long a restart may take to reach `connected` before it counts as failed (default
    /// 10 s: gathering through TURN plus one signaling round trip, with room to spare).
    pub restart_timeout: Duration,
    /// Consecutive failed restarts before giving up (default 3).
    pub max_failed_restarts: u32,
    /// How soon a restart that gathered no candidate is tried again (default 2 s).
    pub empty_gathering_retry: Duration,
}

impl Default for RecoveryConfig {
    fn default() -> Self {
        Self {
            disconnected_grace: Duration::from_secs(3),
            restart_timeout: Duration::from_secs(10),
            max_failed_restarts: 3,
            empty_gathering_retry: Duration::from_secs(2),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Before the first `connected`.
    Starting,
    /// Connected or completed.
    Up,
    /// `disconnected` since this time; may heal by itself.
    Down { since: Duration },
    /// A restart began at `since`; `checking` says the new ICE session has started.
    Restarting { since: Duration, checking: bool },
    /// A restart gathered nothing; the next one goes out at `at`.
    Retry { at: Duration },
    /// Closed, or given up: no more outputs.
    Done,
}

/// Recovery policy of one peer connection.
#[derive(Clone, Debug)]
pub struct IceRecovery {
    config: RecoveryConfig,
    polite: bool,
    phase: Phase,
    failed_restarts: u32,
    showing: bool,
}

impl IceRecovery {
    /// A policy for a new connection; `polite` is its perfect-negotiation role.
    pub fn new(config: RecoveryConfig, polite: bool) -> Self {
        Self { config, polite, phase: Phase::Starting, failed_restarts: 0, showing: false }
    }

    /// Applies one input at `now` and returns what to do, in order.
    pub fn handle(&mut self, now: Duration, input: Input) -> Vec<Output> {
        let mut out = Vec::new();
        if self.phase == Phase::Done {
            return out;
        }
        match input {
            Input::State(state) => self.on_state(now, state, &mut out),
            Input::Tick => self.on_tick(now, &mut out),
            Input::GatheringDone { candidates } => self.on_gathered(now, candidates),
        }
        out
    }

    /// When the next tick can change anything, if any timer runs.
    pub fn poll_timeout(&self) -> Option<Duration> {
        match self.phase {
            Phase::Down { since } => Some(since.saturating_add(self.config.disconnected_grace)),
            Phase::Restarting { since, .. } => {
                Some(since.saturating_add(self.config.restart_timeout))
            }
            Phase::Retry { at } => Some(at),
            _ => None,
        }
    }

    /// Consecutive failed restarts so far.
    pub fn failed_restarts(&self) -> u32 {
        self.failed_restarts
    }

    fn on_state(&mut self, now: Duration, state: IceState, out: &mut Vec<Output>) {
        match (state, self.phase) {
            (IceState::Connected | IceState::Completed, _) => {
                self.phase = Phase::Up;
                self.failed_restarts = 0;
                self.show(false, out);
            }
            (IceState::Disconnected, Phase::Starting | Phase::Up) => {
                self.phase = Phase::Down { since: now };
                self.show(true, out);
            }
            // The remote restarted ICE (or the browser resumed checks) while we waited.
            (IceState::Checking, Phase::Down { .. } | Phase::Retry { .. }) => {
                self.phase = Phase::Restarting { since: now, checking: true };
            }
            (IceState::Checking, Phase::Restarting { since, .. }) => {
                self.phase = Phase::Restarting { since, checking: true };
            }
            // A `failed` that arrives before the restart's checks began is the old session
            // dying late, not the restart failing: the restart timer covers that case.
            (IceState::Failed, Phase::Restarting { checking: false, .. }) => {}
            (IceState::Failed, Phase::Restarting { checking: true, .. }) => {
                self.restart_failed(now, out);
            }
            (IceState::Failed, _) => self.restart(now, out),
            (IceState::Closed, _) => {
                self.show(false, out);
                self.phase = Phase::Done;
            }
            _ => {}
        }
    }

    fn on_tick(&mut self, now: Duration, out: &mut Vec<Output>) {
        match self.phase {
            Phase::Down { since }
                if now.saturating_sub(since) >= self.config.disconnected_grace =>
            {
                self.restart(now, out);
            }
            Phase::Restarting { since, .. }
                if now.saturating_sub(since) >= self.config.restart_timeout =>
            {
                self.restart_failed(now, out);
            }
            Phase::Retry { at } if now >= at => self.restart(now, out),
            _ => {}
        }
    }

    /// Counts a failed restart, then gives up or tries again.
    fn on_gathered(&mut self, now: Duration, candidates: u32) {
        if let Phase::Restarting { checking: false, .. } = self.phase {
            if candidates == 0 && !self.polite {
                let at = now.saturating_add(self.config.empty_gathering_retry);
                self.phase = Phase::Retry { at };
            }
        }
    }

    fn restart_failed(&mut self, now: Duration, out: &mut Vec<Output>) {
        self.failed_restarts = self.failed_restarts.saturating_add(1);
        if self.failed_restarts >= self.config.max_failed_restarts {
            self.show(false, out);
            out.push(Output::GiveUp);
            self.phase = Phase::Done;
        } else {
            self.restart(now, out);
        }
    }

    fn restart(&mut self, now: Duration, out: &mut Vec<Output>) {
        self.show(true, out);
        self.phase = Phase::Restarting { since: now, checking: false };
        if !self.polite {
            out.push(Output::RestartIce);
        }
    }

    /// Emits a change of the indicator only, never a repeat.
    fn show(&mut self, on: bool, out: &mut Vec<Output>) {
        if self.showing != on {
            self.showing = on;
            out.push(Output::ShowReconnecting(on));
        }
    }
}

#[cfg(test)]
mod tests;
