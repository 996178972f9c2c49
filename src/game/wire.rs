//! Wire types the server sends to the room: phase, scoreboard, events and results.
//!
//! Serde only, snake_case tags like `protocol`. Times are milliseconds on the game's clock (the
//! `now` the server passes in), which only the server can interpret; `remaining_ms` is what a
//! client should count down from.

use super::config::Mode;
use super::reading::Expression;
use crate::ids::PeerId;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Where the room's game stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// Waiting for players to get ready (before the first game).
    Lobby,
    /// The game starts when it ends.
    Countdown {
        /// When round 1 starts.
        ends_at_ms: u64,
    },
    /// A round is being played.
    Round {
        /// 1-based round number.
        round: u32,
        /// Rounds in this game.
        rounds: u32,
        /// When the round ends at the latest.
        ends_at_ms: u64,
        /// Copy the face: the expression to copy.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<Expression>,
    },
    /// The pause after a round that is not the last.
    RoundResults {
        /// The round just played.
        round: u32,
        /// Rounds in this game.
        rounds: u32,
        /// When the next round starts.
        ends_at_ms: u64,
    },
    /// The game is over; the room waits for the next one (as in the lobby).
    Results,
}

/// The phase as sent to the room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseView {
    /// The mode of the current (or next) game.
    pub mode: Mode,
    /// Games started in this room so far (the current one's number while one runs).
    pub game: u32,
    /// The phase.
    #[serde(flatten)]
    pub phase: Phase,
    /// Time left in the phase when this was made, for phases with an end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_ms: Option<u64>,
}

/// How a member of the room takes part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlayerStatus {
    /// Playing (or ready to play the next game), face in view.
    Active,
    /// No face in view for longer than `away_after`: cannot score or earn points.
    Away,
    /// Left during the game; the score stays on the board until the next game.
    Left,
    /// Joined during a game; plays from the next one.
    Spectating,
}

/// One line of the scoreboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerView {
    /// Who.
    pub peer: PeerId,
    /// Display name.
    pub name: String,
    /// Points in the current (or last) game.
    pub score: u32,
    /// Pressed Ready for the next game.
    pub ready: bool,
    /// How they take part.
    pub status: PlayerStatus,
}

/// Everyone in the room, in joining order, with the host.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoreboard {
    /// The earliest-joined member still present: may press Start and choose the mode.
    pub host: Option<PeerId>,
    /// Members, in joining order; players who left mid-game stay until the next game.
    pub players: Vec<PlayerView>,
}

/// Something that scored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum GameEvent {
    /// Don't laugh: `peer` laughed; everyone in `rewarded` got `points`.
    Laugh {
        /// The laugher.
        peer: PeerId,
        /// The round.
        round: u32,
        /// When the laugh was recognised.
        at_ms: u64,
        /// Highest `happy` of the laugh.
        peak: f32,
        /// The players who got points (present, not away, not the laugher).
        rewarded: Vec<PeerId>,
        /// Points each of them got.
        points: u32,
    },
    /// Copy the face: `peer` held the target first and got `points`.
    Copied {
        /// The winner of the round.
        peer: PeerId,
        /// The round.
        round: u32,
        /// When the copy was recognised.
        at_ms: u64,
        /// The expression copied.
        target: Expression,
        /// Points won.
        points: u32,
    },
}

/// One player's final place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// 1-based; equal scores share a rank, and the next rank skips ("1, 1, 3").
    pub rank: u32,
    /// Who.
    pub peer: PeerId,
    /// Display name.
    pub name: String,
    /// Final points.
    pub score: u32,
    /// Left before the end.
    pub left: bool,
}

/// The end of a game.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Results {
    /// Which game of the room.
    pub game: u32,
    /// Its mode.
    pub mode: Mode,
    /// Rounds that started (the last one may have been cut short).
    pub rounds_played: u32,
    /// Rounds planned.
    pub rounds: u32,
    /// Ended because fewer than two players remained.
    pub ended_early: bool,
    /// Everyone who played, best first; ties in joining order.
    pub ranking: Vec<Standing>,
}

/// Ranks `(peer, name, score, left)` lines given in joining order: score descending, equal
/// scores share a rank, ties keep joining order.
pub fn rank(lines: Vec<(PeerId, String, u32, bool)>) -> Vec<Standing> {
    let scores: Vec<u32> = lines.iter().map(|l| l.2).collect();
    let mut standings: Vec<Standing> = lines
        .into_iter()
        .map(|(peer, name, score, left)| {
            let better = scores.iter().filter(|&&s| s > score).count();
            let rank = u32::try_from(better).unwrap_or(u32::MAX).saturating_add(1);
            Standing { rank, peer, name, score, left }
        })
        .collect();
    // A stable sort keeps joining order among equal scores.
    standings.sort_by_key(|s| s.rank);
    standings
}

/// Milliseconds of a game-clock time, for the wire.
pub fn millis(t: Duration) -> u64 {
    u64::try_from(t.as_millis()).unwrap_or(u64::MAX)
}
