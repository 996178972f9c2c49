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

/// Why the rules refused an input, as a stable machine-readable name (snake_case on the wire,
/// like `protocol::ErrorCode`) for the UI to word in the user's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GameRefusal {
    NotInRoom,
    NotHost,
    NotEnoughPlayers,
    GameInProgress,
    ReadingWrongLength,
    ReadingNotFinite,
    ReadingOutOfRange,
    ReadingBadSum,
    ReadingOutOfOrder,
    ReadingTooFrequent,
    CaptureUnknown,
    CaptureNotYours,
    CaptureExpired,
    CaptureAlreadyUploaded,
    CaptureWithdrawn,
    HighlightTooLarge,
    HighlightNotJpeg,
    /// A reason this build does not know (a newer server).
    #[serde(other)]
    Other,
}

impl GameRefusal {
    /// A refused reading of a face.
    pub fn is_reading(self) -> bool {
        use GameRefusal as R;
        matches!(
            self,
            R::ReadingWrongLength
                | R::ReadingNotFinite
                | R::ReadingOutOfRange
                | R::ReadingBadSum
                | R::ReadingOutOfOrder
                | R::ReadingTooFrequent
        )
    }

    /// A refused capture request or highlight upload.
    pub fn is_highlight(self) -> bool {
        use GameRefusal as R;
        matches!(
            self,
            R::CaptureUnknown
                | R::CaptureNotYours
                | R::CaptureExpired
                | R::CaptureAlreadyUploaded
                | R::CaptureWithdrawn
                | R::HighlightTooLarge
                | R::HighlightNotJpeg
        )
    }

    /// The wire name (as in the JSON answer of the highlight upload).
    pub fn as_str(self) -> &'static str {
        use GameRefusal as R;
        match self {
            R::NotInRoom => "not_in_room",
            R::NotHost => "not_host",
            R::NotEnoughPlayers => "not_enough_players",
            R::GameInProgress => "game_in_progress",
            R::ReadingWrongLength => "reading_wrong_length",
            R::ReadingNotFinite => "reading_not_finite",
            R::ReadingOutOfRange => "reading_out_of_range",
            R::ReadingBadSum => "reading_bad_sum",
            R::ReadingOutOfOrder => "reading_out_of_order",
            R::ReadingTooFrequent => "reading_too_frequent",
            R::CaptureUnknown => "capture_unknown",
            R::CaptureNotYours => "capture_not_yours",
            R::CaptureExpired => "capture_expired",
            R::CaptureAlreadyUploaded => "capture_already_uploaded",
            R::CaptureWithdrawn => "capture_withdrawn",
            R::HighlightTooLarge => "highlight_too_large",
            R::HighlightNotJpeg => "highlight_not_jpeg",
            R::Other => "other",
        }
    }
}

impl std::fmt::Display for GameRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl GameError {
    /// A stable machine-readable name for the UI to translate (snake_case, like
    /// `protocol::ErrorCode`).
    pub fn code(&self) -> GameRefusal {
        use GameRefusal as C;
        use HighlightError as H;
        use ReadingError as R;
        match self {
            GameError::NotInRoom => C::NotInRoom,
            GameError::NotHost => C::NotHost,
            GameError::NotEnoughPlayers { .. } => C::NotEnoughPlayers,
            GameError::GameInProgress => C::GameInProgress,
            GameError::Reading(R::WrongLength { .. }) => C::ReadingWrongLength,
            GameError::Reading(R::NotFinite { .. }) => C::ReadingNotFinite,
            GameError::Reading(R::OutOfRange { .. }) => C::ReadingOutOfRange,
            GameError::Reading(R::BadSum { .. }) => C::ReadingBadSum,
            GameError::Reading(R::OutOfOrder { .. }) => C::ReadingOutOfOrder,
            GameError::Reading(R::TooFrequent { .. }) => C::ReadingTooFrequent,
            GameError::Highlight(H::UnknownRequest(_)) => C::CaptureUnknown,
            GameError::Highlight(H::NotYours(_)) => C::CaptureNotYours,
            GameError::Highlight(H::Expired(_)) => C::CaptureExpired,
            GameError::Highlight(H::AlreadyUploaded(_)) => C::CaptureAlreadyUploaded,
            GameError::Highlight(H::Withdrawn(_)) => C::CaptureWithdrawn,
            GameError::Highlight(H::TooLarge(_)) => C::HighlightTooLarge,
            GameError::Highlight(H::NotJpeg) => C::HighlightNotJpeg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_have_the_same_name_on_the_wire_and_in_as_str() {
        use GameRefusal as R;
        let all = [
            R::NotInRoom,
            R::NotHost,
            R::NotEnoughPlayers,
            R::GameInProgress,
            R::ReadingWrongLength,
            R::ReadingNotFinite,
            R::ReadingOutOfRange,
            R::ReadingBadSum,
            R::ReadingOutOfOrder,
            R::ReadingTooFrequent,
            R::CaptureUnknown,
            R::CaptureNotYours,
            R::CaptureExpired,
            R::CaptureAlreadyUploaded,
            R::CaptureWithdrawn,
            R::HighlightTooLarge,
            R::HighlightNotJpeg,
            R::Other,
        ];
        for refusal in all {
            let wire = serde_json::to_string(&refusal).unwrap();
            assert_eq!(wire, format!("\"{}\"", refusal.as_str()));
            assert_eq!(serde_json::from_str::<GameRefusal>(&wire).unwrap(), refusal);
        }
        assert_eq!(serde_json::from_str::<GameRefusal>("\"newer_reason\"").unwrap(), R::Other);
    }
}
