//! The summary of a finished game that the server persists (SQLite, later).
//!
//! It is complete at game over except for uploads that arrive afterwards: each of those comes
//! as its own [`Output::HighlightSaved`](super::Output::HighlightSaved), keyed by game and
//! request id, so the store can mark the highlight row as having an image.

use super::config::Mode;
use super::reading::Expression;
use super::wire::{GameEvent, Standing};
use crate::ids::PeerId;
use serde::{Deserialize, Serialize};

/// One round as it was played.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundRecord {
    /// 1-based round number.
    pub round: u32,
    /// Start, game-clock milliseconds.
    pub started_at_ms: u64,
    /// End, game-clock milliseconds (early if someone copied, or the game ended early).
    pub ended_at_ms: u64,
    /// Copy the face: the target of the round.
    pub target: Option<Expression>,
}

/// The highlight chosen for a round: the strongest laugh, or the winning copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HighlightRecord {
    /// The capture request.
    pub request_id: u64,
    /// Whose face.
    pub player: PeerId,
    /// Which round.
    pub round: u32,
    /// Whether the image had been uploaded by game over.
    pub uploaded: bool,
}

/// Everything worth keeping about one game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GameRecord {
    /// Which game of the room (1, 2, …).
    pub game: u32,
    /// Its mode.
    pub mode: Mode,
    /// When the countdown started, game-clock milliseconds.
    pub started_at_ms: u64,
    /// When the results were announced, game-clock milliseconds.
    pub ended_at_ms: u64,
    /// Ended because fewer than two players remained.
    pub ended_early: bool,
    /// Final standings of everyone who played.
    pub players: Vec<Standing>,
    /// Rounds that started.
    pub rounds: Vec<RoundRecord>,
    /// Every scoring event, in order.
    pub events: Vec<GameEvent>,
    /// At most one per round.
    pub highlights: Vec<HighlightRecord>,
}
