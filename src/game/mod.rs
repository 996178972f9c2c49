//! The "keep a straight face" game (표정 챌린지) of one room, as a sans-IO state machine: the
//! server feeds it inputs with the time (`Game::handle(now, input) -> Vec<Output>`) and sends
//! the outputs. It never reads a clock: `now` is a [`Duration`](std::time::Duration) since any
//! origin the server picks, and must not go backwards (an earlier `now` counts as the last one).
//! Clients only report readings of their own face; every score is computed here.
//!
//! # Rules
//!
//! All numbers below are [`GameConfig`] defaults.
//!
//! **Phases.** lobby → countdown (3 s) → round 1 → round results (3 s) → round 2 → … → last
//! round → results. Results is the lobby of the next game. Deadlines are processed at the start
//! of every [`Game::handle`] call, so [`Input::Tick`] only has to come often enough for timely
//! phase messages; a late tick never changes the outcome, and each phase is scheduled from the
//! previous deadline, not from the tick.
//!
//! **Starting.** In the lobby or results, a game starts as soon as two members present have
//! pressed Ready (pressing Ready again changes nothing; Unready takes it back), or when the host
//! presses Start with at least two members present. The host is the earliest-joined member
//! still present (a member who leaves and comes back joins anew, at the back). Everyone present
//! at the start plays, ready or not; Ready flags are cleared. Only the host may choose the
//! [`Mode`], and only between games.
//!
//! **Joining and leaving.** Someone joining during a game (countdown, rounds, round results)
//! spectates until the next game: a game's players are fixed at its start so that a late
//! arrival can neither take points nor make others score out of turn. A player who leaves
//! mid-game stays on the board, marked left, with their score; coming back with the same
//! `PeerId` during that game restores the seat and the score. If fewer than two players remain
//! present, the game ends at once with results (`ended_early`); during the countdown it is
//! cancelled instead and the room returns to the lobby. Left players are dropped from the board
//! when the next game starts.
//!
//! **Readings.** Each client sends [`Reading`]s of its own camera: `face`, the seven
//! probabilities `[neutral, happy, sad, angry, fearful, disgusted, surprised]` and an increasing
//! `seq`. A reading is refused with a typed [`ReadingError`] — and changes nothing — when it is
//! malformed (length ≠ 7 with a face, NaN or infinity), out of range (< 0 or > 1, or with a face
//! a sum off 1 by more than 0.05), out of order (`seq` not above the last accepted one), or too
//! frequent (an 11th reading within one second: a sliding one-second window, see
//! [`reading`]). Accepted readings are rebroadcast to the room ([`Output::Reading`]) in every
//! phase, spectators' too; only players' readings during a round can score. Holds are timed by
//! arrival on the server's clock, and two readings more than 1 s apart break a hold.
//!
//! **Away.** A member whose last reading with a face is more than 3 s old (or, with none yet,
//! who joined more than 3 s ago) is away. An away player cannot score and earns nothing: in
//! Don't laugh, a laugh rewards only the other players present and not away. Since only a
//! reading with a face can complete a hold, and such a reading ends "away" at once, an away
//! player can neither laugh nor copy; sending no readings at all also counts as away, so
//! turning the camera off is not a way to stay safe while still collecting points.
//!
//! **Don't laugh (웃참).** 3 rounds of 60 s. A laugh is `happy ≥ 0.7` held for ≥ 300 ms; it
//! gives every *other* player (present, not away) +10 and starts a 2 s cool-down for the
//! laugher, during which their readings cannot start a laugh (a laugh still going on after it
//! must be held a full 300 ms again). Most points after the last round wins.
//!
//! **Copy the face.** 5 rounds. Each round names a target drawn by a seeded [`SplitMix64`] from
//! happy, surprised and neutral, never the same as the previous round's. The first player to
//! hold the target's probability *above* 0.6 for 500 ms gets +10 and the round ends at once; a
//! round nobody copies ends after 15 s with no points.
//!
//! **Results.** Ranked by score; equal scores share a rank ("1, 1, 3"), ties listed in joining
//! order. [`Output::GameOver`] carries the [`Results`] and the [`GameRecord`] to persist.
//!
//! **Highlights.** In Don't laugh, every laugh that is the strongest of its round so far (highest
//! `happy` peak during its hold, strictly above the previous best) sends a [`CaptureRequest`] to
//! the laugher's client and withdraws the round's previous request ([`Output::CaptureWithdrawn`]);
//! in Copy the face, the winning copy sends one. An upload notice is accepted only for a request
//! made to that same player, not answered, not withdrawn and less than 30 s old; otherwise it is
//! refused with a typed [`HighlightError`]. The image bytes are checked by [`validate_jpeg`].

pub mod config;
pub mod error;
pub mod highlight;
pub mod hold;
mod machine;
mod play;
pub mod reading;
pub mod record;
pub mod rng;
mod roster;
pub mod wire;

pub use config::{ConfigError, GameConfig, Mode};
pub use error::{GameError, GameRefusal};
pub use highlight::{
    validate_jpeg, CaptureRequest, Highlight, HighlightError, MAX_HIGHLIGHT_BYTES,
};
pub use machine::{Game, Input, Output};
pub use reading::{Expression, Reading, ReadingError};
pub use record::{GameRecord, HighlightRecord, RoundRecord};
pub use rng::SplitMix64;
pub use wire::{
    GameEvent, Phase, PhaseView, PlayerStatus, PlayerView, Results, Scoreboard, Standing,
};

#[cfg(test)]
mod tests;
