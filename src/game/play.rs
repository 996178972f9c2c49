//! Scoring from readings: laughs in Don't laugh, copies in Copy the face, and the highlight
//! captures they trigger.

use super::config::Mode;
use super::error::GameError;
use super::machine::{Game, Output, Stage};
use super::reading::{Expression, Reading};
use super::wire::{millis, GameEvent};
use crate::ids::PeerId;

impl Game {
    /// Checks a reading, rebroadcasts it, and scores it if a round is on.
    pub(super) fn reading(
        &mut self,
        peer: PeerId,
        reading: Reading,
        out: &mut Vec<Output>,
    ) -> Result<(), GameError> {
        let (now, tolerance, max) =
            (self.now, self.config.sum_tolerance, self.config.max_readings_per_sec);
        let member = self.member_mut(peer)?;
        reading.validate(tolerance)?;
        member.gate.admit(now, reading.seq, max)?;
        if reading.face {
            member.last_face = now;
        }
        let in_game = member.in_game;
        out.push(Output::Reading { peer, reading: reading.clone() });
        match self.stage {
            Stage::Round { round, target, .. } if in_game => match (self.mode, target) {
                (Mode::DontLaugh, _) => self.watch_laugh(peer, round, &reading, out),
                (Mode::CopyFace, Some(target)) => {
                    self.watch_copy(peer, round, target, &reading, out)
                }
                (Mode::CopyFace, None) => {}
            },
            _ => {}
        }
        Ok(())
    }

    /// Don't laugh: a completed laugh rewards everyone else and may become the highlight.
    fn watch_laugh(&mut self, peer: PeerId, round: u32, reading: &Reading, out: &mut Vec<Output>) {
        let (now, cfg) = (self.now, &self.config);
        let (threshold, need, gap) = (cfg.laugh_threshold, cfg.laugh_hold, cfg.hold_max_gap);
        let cooldown = cfg.laugh_cooldown;
        let Some(m) = self.members.get_mut(&peer) else { return };
        if now < m.cooldown_until {
            m.hold.reset();
            return;
        }
        let happy = reading.prob(Expression::Happy);
        let Some(peak) = m.hold.observe(now, reading.face && happy >= threshold, happy, need, gap)
        else {
            return;
        };
        m.hold.reset();
        m.cooldown_until = now + cooldown;
        let points = self.config.laugh_points;
        let rewarded = self.reward_others(peer, points);
        let event = GameEvent::Laugh { peer, round, at_ms: millis(now), peak, rewarded, points };
        self.log_event(event, out);
        let best = self.run.as_ref().and_then(|r| r.best_peak);
        if best.is_none_or(|best| peak > best) {
            if let Some(run) = self.run.as_mut() {
                run.best_peak = Some(peak);
            }
            self.capture(peer, round, out);
        }
    }

    /// Gives `points` to every player present and not away, except `laugher`; returns them.
    fn reward_others(&mut self, laugher: PeerId, points: u32) -> Vec<PeerId> {
        let rewarded: Vec<PeerId> = self
            .members
            .iter()
            .filter(|(&p, m)| p != laugher && m.in_game && m.present && !self.is_away(m))
            .map(|(&p, _)| p)
            .collect();
        for p in &rewarded {
            if let Some(m) = self.members.get_mut(p) {
                m.score = m.score.saturating_add(points);
            }
        }
        rewarded
    }

    /// Copy the face: the first completed hold of the target wins the round and ends it.
    fn watch_copy(
        &mut self,
        peer: PeerId,
        round: u32,
        target: Expression,
        reading: &Reading,
        out: &mut Vec<Output>,
    ) {
        let (now, cfg) = (self.now, &self.config);
        let (threshold, need, gap) = (cfg.copy_threshold, cfg.copy_hold, cfg.hold_max_gap);
        let points = cfg.copy_points;
        let Some(m) = self.members.get_mut(&peer) else { return };
        let p = reading.prob(target);
        if m.hold.observe(now, reading.face && p > threshold, p, need, gap).is_none() {
            return;
        }
        m.hold.reset();
        m.score = m.score.saturating_add(points);
        let event = GameEvent::Copied { peer, round, at_ms: millis(now), target, points };
        self.log_event(event, out);
        self.capture(peer, round, out);
        self.end_round(now, out);
    }

    fn log_event(&mut self, event: GameEvent, out: &mut Vec<Output>) {
        if let Some(run) = self.run.as_mut() {
            run.events.push(event.clone());
        }
        out.push(Output::Event(event));
        self.sync_scores(out);
    }

    /// Asks `peer` for a capture as the round's highlight, withdrawing the round's previous one.
    fn capture(&mut self, peer: PeerId, round: u32, out: &mut Vec<Output>) {
        let request = self.captures.issue(self.game_no, peer, round, self.now);
        let previous = self.run.as_mut().and_then(|r| r.highlights.insert(round, request.id));
        if let Some(request_id) = previous {
            if let Some(player) = self.captures.withdraw(request_id) {
                out.push(Output::CaptureWithdrawn { player, request_id });
            }
        }
        out.push(Output::CaptureRequest(request));
    }
}
