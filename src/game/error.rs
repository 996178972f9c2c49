//! Why the rules refused an input. The refused input changes nothing; the server answers the
//! sender with [`GameError::code`] and the message.

use super::highlight::HighlightError;
use super::reading::ReadingError;

/// Every refusal of [`Game::handle`](super::Game::handle), as sent back in
/// [`Output::Rejected`](super::Output::Rejected).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GameError {
    /// The sender is not (or no longer) in the room.
    #[error("you are not in this room")]
    NotInRoom,
    /// Only the host may do this.
    #[error("only the host can do that")]
    NotHost,
    /// Fewer than two players present.
    #[error("a game needs at least 2 players, {present} present")]
    NotEnoughPlayers {
        /// Members present.
        present: usize,
    },
    /// Ready, Start or a mode change while a game runs.
    #[error("a game is in progress")]
    GameInProgress,
    /// A refused reading.
    #[error(transparent)]
    Reading(#[from] ReadingError),
    /// A refused upload notice.
    #[error(transparent)]
    Highlight(#[from] HighlightError),
}

impl GameError {
    /// A stable machine-readable name for the UI to translate (snake_case, like
    /// `protocol::ErrorCode`).
    pub fn code(&self) -> &'static str {
        use HighlightError as H;
        use ReadingError as R;
        match self {
            GameError::NotInRoom => "not_in_room",
            GameError::NotHost => "not_host",
            GameError::NotEnoughPlayers { .. } => "not_enough_players",
            GameError::GameInProgress => "game_in_progress",
            GameError::Reading(R::WrongLength { .. }) => "reading_wrong_length",
            GameError::Reading(R::NotFinite { .. }) => "reading_not_finite",
            GameError::Reading(R::OutOfRange { .. }) => "reading_out_of_range",
            GameError::Reading(R::BadSum { .. }) => "reading_bad_sum",
            GameError::Reading(R::OutOfOrder { .. }) => "reading_out_of_order",
            GameError::Reading(R::TooFrequent { .. }) => "reading_too_frequent",
            GameError::Highlight(H::UnknownRequest(_)) => "capture_unknown",
            GameError::Highlight(H::NotYours(_)) => "capture_not_yours",
            GameError::Highlight(H::Expired(_)) => "capture_expired",
            GameError::Highlight(H::AlreadyUploaded(_)) => "capture_already_uploaded",
            GameError::Highlight(H::Withdrawn(_)) => "capture_withdrawn",
            GameError::Highlight(H::TooLarge(_)) => "highlight_too_large",
            GameError::Highlight(H::NotJpeg) => "highlight_not_jpeg",
        }
    }
}
