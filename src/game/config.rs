//! Every threshold, duration and count of the game in one struct, with the product's defaults.

use super::reading::Expression;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Which game the room plays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Don't laugh (웃참): a held laugh gives every other player points.
    #[default]
    DontLaugh,
    /// Copy the face: the first to hold the named expression scores.
    CopyFace,
}

/// Tunables of a [`Game`](super::Game); the defaults are what the product plays with.
#[derive(Clone, Debug, PartialEq)]
pub struct GameConfig {
    /// Countdown between the start and round 1.
    pub countdown: Duration,
    /// "Round results" pause between two rounds (not after the last one).
    pub round_results: Duration,
    /// A player whose last face reading is older than this is away.
    pub away_after: Duration,
    /// Most readings accepted per player in any one-second window.
    pub max_readings_per_sec: usize,
    /// With a face present, the seven probabilities must sum to 1 within this.
    pub sum_tolerance: f32,
    /// Two readings further apart than this break a hold: a hold needs continuous evidence.
    pub hold_max_gap: Duration,
    /// How long a capture request may be answered with an upload.
    pub capture_ttl: Duration,
    /// Don't laugh: `happy` at or above this is laughing.
    pub laugh_threshold: f32,
    /// Don't laugh: how long `happy` must stay at or above the threshold to count as a laugh.
    pub laugh_hold: Duration,
    /// Don't laugh: after a laugh, the laugher cannot laugh again for this long.
    pub laugh_cooldown: Duration,
    /// Don't laugh: points each other player gets per laugh.
    pub laugh_points: u32,
    /// Don't laugh: length of a round.
    pub laugh_round: Duration,
    /// Don't laugh: rounds per game.
    pub laugh_rounds: u32,
    /// Copy the face: the target's probability must be above this.
    pub copy_threshold: f32,
    /// Copy the face: how long the target must stay above the threshold.
    pub copy_hold: Duration,
    /// Copy the face: points for the first player to copy.
    pub copy_points: u32,
    /// Copy the face: a round nobody copies ends after this.
    pub copy_round: Duration,
    /// Copy the face: rounds per game.
    pub copy_rounds: u32,
    /// Copy the face: the targets drawn from, only expressions the engine recognises reliably.
    pub copy_targets: Vec<Expression>,
}

impl Default for GameConfig {
    fn default() -> Self {
        Self {
            countdown: Duration::from_secs(3),
            round_results: Duration::from_secs(3),
            away_after: Duration::from_secs(3),
            max_readings_per_sec: 10,
            sum_tolerance: 0.05,
            hold_max_gap: Duration::from_secs(1),
            capture_ttl: Duration::from_secs(30),
            laugh_threshold: 0.7,
            laugh_hold: Duration::from_millis(300),
            laugh_cooldown: Duration::from_secs(2),
            laugh_points: 10,
            laugh_round: Duration::from_secs(60),
            laugh_rounds: 3,
            copy_threshold: 0.6,
            copy_hold: Duration::from_millis(500),
            copy_points: 10,
            copy_round: Duration::from_secs(15),
            copy_rounds: 5,
            copy_targets: vec![Expression::Happy, Expression::Surprised, Expression::Neutral],
        }
    }
}

/// Why a [`GameConfig`] cannot be played.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A probability threshold outside `0..1`.
    #[error("the {0} threshold must lie between 0 and 1")]
    Threshold(&'static str),
    /// A mode with zero rounds.
    #[error("a game needs at least one round")]
    NoRounds,
    /// Zero readings per second would reject every reading.
    #[error("at least one reading per second must be accepted")]
    NoReadings,
    /// A round or hold of zero length.
    #[error("the {0} duration must be longer than zero")]
    ZeroDuration(&'static str),
    /// "Never the same target twice in a row" needs two different targets.
    #[error("copy the face needs at least two different targets")]
    TooFewTargets,
}

impl GameConfig {
    /// The number of rounds of a game of `mode`.
    pub fn rounds(&self, mode: Mode) -> u32 {
        match mode {
            Mode::DontLaugh => self.laugh_rounds,
            Mode::CopyFace => self.copy_rounds,
        }
    }

    /// The longest a round of `mode` lasts.
    pub fn round_length(&self, mode: Mode) -> Duration {
        match mode {
            Mode::DontLaugh => self.laugh_round,
            Mode::CopyFace => self.copy_round,
        }
    }

    /// Checks that the rules can be played with these numbers.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let unit = |x: f32| x.is_finite() && (0.0..1.0).contains(&x);
        if !unit(self.laugh_threshold) {
            return Err(ConfigError::Threshold("laugh"));
        }
        if !unit(self.copy_threshold) {
            return Err(ConfigError::Threshold("copy"));
        }
        if !self.sum_tolerance.is_finite() || self.sum_tolerance < 0.0 {
            return Err(ConfigError::Threshold("sum tolerance"));
        }
        if self.laugh_rounds == 0 || self.copy_rounds == 0 {
            return Err(ConfigError::NoRounds);
        }
        if self.max_readings_per_sec == 0 {
            return Err(ConfigError::NoReadings);
        }
        let durations = [
            ("laugh round", self.laugh_round),
            ("copy round", self.copy_round),
            ("laugh hold", self.laugh_hold),
            ("copy hold", self.copy_hold),
        ];
        if let Some((name, _)) = durations.iter().find(|(_, d)| d.is_zero()) {
            return Err(ConfigError::ZeroDuration(name));
        }
        let mut distinct = self.copy_targets.clone();
        distinct.sort_by_key(|e| e.index());
        distinct.dedup();
        if distinct.len() < 2 {
            return Err(ConfigError::TooFewTargets);
        }
        Ok(())
    }
}
