//! Membership: joining, leaving, Ready, Start, the host, and the scoreboard.

use super::config::Mode;
use super::error::GameError;
use super::machine::{Game, Member, Output, Run, Stage};
use super::wire::{PlayerStatus, PlayerView, Scoreboard};
use crate::ids::PeerId;
use std::time::Duration;

/// Fewest players a game is played with.
const MIN_PLAYERS: usize = 2;

impl Game {
    /// The earliest-joined member still present.
    pub fn host(&self) -> Option<PeerId> {
        self.present().min_by_key(|(_, m)| m.joined).map(|(&p, _)| p)
    }

    /// Everyone in the room, in joining order.
    pub fn scoreboard(&self) -> Scoreboard {
        let mut members: Vec<(&PeerId, &Member)> = self.members.iter().collect();
        members.sort_by_key(|(_, m)| m.joined);
        let players = members
            .into_iter()
            .map(|(&peer, m)| PlayerView {
                peer,
                name: m.name.clone(),
                score: if m.in_game { m.score } else { 0 },
                ready: m.ready,
                status: self.status(m),
            })
            .collect();
        Scoreboard { host: self.host(), players }
    }

    fn status(&self, m: &Member) -> PlayerStatus {
        if !m.present {
            PlayerStatus::Left
        } else if self.stage.running() && !m.in_game {
            PlayerStatus::Spectating
        } else if self.is_away(m) {
            PlayerStatus::Away
        } else {
            PlayerStatus::Active
        }
    }

    fn present(&self) -> impl Iterator<Item = (&PeerId, &Member)> {
        self.members.iter().filter(|(_, m)| m.present)
    }

    /// Players of the running game who are still present.
    fn players_present(&self) -> usize {
        self.present().filter(|(_, m)| m.in_game).count()
    }

    /// A present member, or `NotInRoom`.
    pub(super) fn member_mut(&mut self, peer: PeerId) -> Result<&mut Member, GameError> {
        self.members.get_mut(&peer).filter(|m| m.present).ok_or(GameError::NotInRoom)
    }

    pub(super) fn join(&mut self, peer: PeerId, name: String, out: &mut Vec<Output>) {
        let (now, joined) = (self.now, self.next_join);
        match self.members.get_mut(&peer) {
            Some(m) if m.present => m.name = name,
            Some(m) => {
                // Back during (or right after) the game they played: seat and score return.
                self.next_join += 1;
                *m = Member { name, joined, present: true, last_face: now, ..m.clone() };
                m.gate = Default::default();
                m.hold.reset();
            }
            None => {
                self.next_join += 1;
                let member = Member {
                    name,
                    joined,
                    present: true,
                    ready: false,
                    in_game: false,
                    score: 0,
                    last_face: now,
                    gate: Default::default(),
                    hold: Default::default(),
                    cooldown_until: Duration::ZERO,
                };
                self.members.insert(peer, member);
            }
        }
        self.emit_phase(out);
    }

    pub(super) fn leave(&mut self, peer: PeerId, out: &mut Vec<Output>) {
        let keep_on_board = self.stage != Stage::Lobby;
        let Some(m) = self.members.get_mut(&peer).filter(|m| m.present) else { return };
        if m.in_game && keep_on_board {
            m.present = false;
            m.ready = false;
            m.hold.reset();
        } else {
            self.members.remove(&peer);
        }
        if !self.stage.running() || self.players_present() >= MIN_PLAYERS {
            return;
        }
        if let Stage::Countdown { .. } = self.stage {
            self.cancel(out);
        } else {
            self.finish(self.now, true, out);
        }
    }

    /// Calls off a game still in its countdown: back to the lobby, as if it never started.
    fn cancel(&mut self, out: &mut Vec<Output>) {
        self.members.retain(|_, m| m.present);
        for m in self.members.values_mut() {
            m.in_game = false;
        }
        self.run = None;
        self.game_no = self.game_no.saturating_sub(1);
        self.stage = Stage::Lobby;
        self.emit_phase(out);
    }

    /// Refuses commands that only make sense between games.
    fn between_games(&mut self, peer: PeerId) -> Result<(), GameError> {
        self.member_mut(peer)?;
        if self.stage.running() {
            return Err(GameError::GameInProgress);
        }
        Ok(())
    }

    fn host_between_games(&mut self, peer: PeerId) -> Result<(), GameError> {
        self.between_games(peer)?;
        if self.host() != Some(peer) {
            return Err(GameError::NotHost);
        }
        Ok(())
    }

    pub(super) fn ready(&mut self, peer: PeerId, out: &mut Vec<Output>) -> Result<(), GameError> {
        self.between_games(peer)?;
        self.member_mut(peer)?.ready = true;
        if self.present().filter(|(_, m)| m.ready).count() >= MIN_PLAYERS {
            self.start_game(out);
        }
        Ok(())
    }

    pub(super) fn unready(&mut self, peer: PeerId) -> Result<(), GameError> {
        self.between_games(peer)?;
        self.member_mut(peer)?.ready = false;
        Ok(())
    }

    pub(super) fn start(&mut self, peer: PeerId, out: &mut Vec<Output>) -> Result<(), GameError> {
        self.host_between_games(peer)?;
        let present = self.present().count();
        if present < MIN_PLAYERS {
            return Err(GameError::NotEnoughPlayers { present });
        }
        self.start_game(out);
        Ok(())
    }

    pub(super) fn choose_mode(
        &mut self,
        peer: PeerId,
        mode: Mode,
        out: &mut Vec<Output>,
    ) -> Result<(), GameError> {
        self.host_between_games(peer)?;
        if self.mode != mode {
            self.mode = mode;
            self.emit_phase(out);
        }
        Ok(())
    }

    /// Everyone present plays; those who left the last game are dropped; scores start at 0.
    fn start_game(&mut self, out: &mut Vec<Output>) {
        self.captures.prune(self.now, self.config.capture_ttl);
        self.members.retain(|_, m| m.present);
        for m in self.members.values_mut() {
            m.in_game = true;
            m.ready = false;
            m.score = 0;
        }
        self.game_no += 1;
        self.run = Some(Run { started_at: self.now, ..Run::default() });
        self.stage = Stage::Countdown { ends_at: self.now + self.config.countdown };
        self.emit_phase(out);
    }
}
