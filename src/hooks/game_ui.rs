//! The game as the room page sees it: signals the call writes from server messages, and the
//! pure helpers the game panel reads them with.

use crate::game::{
    CaptureRequest, GameEvent, Phase, PhaseView, PlayerView, Reading, Results, Scoreboard,
};
use crate::protocol::PeerId;
use leptos::prelude::*;

/// What the server last said about the room's game.
#[derive(Clone, Copy)]
pub struct GameUi {
    /// The phase (`None` until the first game message).
    pub phase: RwSignal<Option<PhaseView>>,
    /// Page time (ms, `performance.now()`) when `phase` arrived: counts down `remaining_ms`.
    pub phase_at: RwSignal<f64>,
    /// Everyone in the room with their score.
    pub board: RwSignal<Scoreboard>,
    /// The last thing that scored.
    pub event: RwSignal<Option<GameEvent>>,
    /// The last game's results and public id.
    pub over: RwSignal<Option<(Results, String)>>,
    /// The last refusal of a game message (English detail).
    pub refused: RwSignal<Option<String>>,
    /// A capture the server asked of this client, not yet done.
    pub capture: RwSignal<Option<CaptureRequest>>,
    /// The reading of our own face last sent.
    pub own_reading: RwSignal<Option<Reading>>,
}

impl GameUi {
    /// Nothing known yet.
    pub fn new() -> Self {
        Self {
            phase: RwSignal::new(None),
            phase_at: RwSignal::new(0.0),
            board: RwSignal::new(Scoreboard::default()),
            event: RwSignal::new(None),
            over: RwSignal::new(None),
            refused: RwSignal::new(None),
            capture: RwSignal::new(None),
            own_reading: RwSignal::new(None),
        }
    }
}

impl Default for GameUi {
    fn default() -> Self {
        Self::new()
    }
}

/// The word the `game-phase` hook shows: lobby, countdown, round or results (round results
/// count as round: the game is on).
pub fn phase_word(phase: Option<&Phase>) -> &'static str {
    match phase {
        None | Some(Phase::Lobby) => "lobby",
        Some(Phase::Countdown { .. }) => "countdown",
        Some(Phase::Round { .. }) | Some(Phase::RoundResults { .. }) => "round",
        Some(Phase::Results) => "results",
    }
}

/// Whether a game is being played (players should be reading their faces).
pub fn running(phase: Option<&Phase>) -> bool {
    matches!(
        phase,
        Some(Phase::Countdown { .. } | Phase::Round { .. } | Phase::RoundResults { .. })
    )
}

/// Whole seconds left in a phase that arrived `elapsed_ms` ago with `remaining_ms` left.
pub fn seconds_left(remaining_ms: Option<u64>, elapsed_ms: f64) -> Option<u64> {
    let left = remaining_ms? as f64 - elapsed_ms.max(0.0);
    Some((left.max(0.0) / 1000.0).ceil() as u64)
}

/// A member's line of the scoreboard.
pub fn line_of(board: &Scoreboard, peer: PeerId) -> Option<&PlayerView> {
    board.players.iter().find(|p| p.peer == peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_words_are_the_four_hook_values() {
        assert_eq!(phase_word(None), "lobby");
        assert_eq!(phase_word(Some(&Phase::Countdown { ends_at_ms: 1 })), "countdown");
        let round = Phase::Round { round: 1, rounds: 3, ends_at_ms: 5, target: None };
        assert_eq!(phase_word(Some(&round)), "round");
        assert_eq!(
            phase_word(Some(&Phase::RoundResults { round: 1, rounds: 3, ends_at_ms: 5 })),
            "round"
        );
        assert_eq!(phase_word(Some(&Phase::Results)), "results");
        assert!(running(Some(&round)));
        assert!(!running(Some(&Phase::Results)));
    }

    #[test]
    fn the_countdown_rounds_up_and_stops_at_zero() {
        assert_eq!(seconds_left(Some(3000), 0.0), Some(3));
        assert_eq!(seconds_left(Some(3000), 1.0), Some(3));
        assert_eq!(seconds_left(Some(3000), 2500.0), Some(1));
        assert_eq!(seconds_left(Some(3000), 9000.0), Some(0));
        assert_eq!(seconds_left(None, 0.0), None);
    }
}
