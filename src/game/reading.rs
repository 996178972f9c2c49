//! What a client reports about its own face, and the checks a report must pass before the rules
//! look at it.
//!
//! A [`Reading`] is checked in two steps. [`Reading::validate`] is pure: the shape and the
//! numbers (length, finiteness, range, sum). [`ReadingGate`] then holds the per-player history:
//! the sequence number must increase, and at most `max_readings_per_sec` readings are accepted
//! in any one-second window (a sliding window, not a token bucket: "more than 10 in a second" is
//! exactly what it refuses, and a jittery network that bunches two frames is not punished as
//! long as the second holds no more than 10). A refused reading changes nothing, not even the
//! window or the last sequence number.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::time::Duration;

/// Number of probabilities in a reading with a face.
pub const EXPRESSION_COUNT: usize = 7;

/// The seven classes of the expression engine, in its output order (shared with the engine, so
/// the game and the detector can never disagree about an index).
pub use crate::vision::Expression;

/// One analysed frame of a player's own camera, as the client sends it (≤ 10 per second).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// Increases with every reading the client sends (it may skip numbers).
    pub seq: u64,
    /// Whether a face was found in the frame.
    pub face: bool,
    /// With a face: the seven probabilities in [`Expression::ALL`] order. Without one: empty
    /// (seven values are tolerated and must still be finite and in range).
    #[serde(default)]
    pub probs: Vec<f32>,
}

/// Why a reading was refused. The reading is dropped; nothing else changes.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ReadingError {
    /// Not seven probabilities with a face (or neither none nor seven without one).
    #[error("a reading has {EXPRESSION_COUNT} probabilities, this one has {len}")]
    WrongLength {
        /// The length received.
        len: usize,
    },
    /// A NaN or an infinity.
    #[error("probability {index} is not a finite number")]
    NotFinite {
        /// Position of the first bad value.
        index: usize,
    },
    /// A probability below 0 or above 1.
    #[error("probability {index} is {value}, outside 0..=1")]
    OutOfRange {
        /// Position of the first bad value.
        index: usize,
        /// The value.
        value: f32,
    },
    /// With a face, the probabilities do not sum to 1 (within the configured tolerance).
    #[error("the probabilities sum to {sum}, not 1")]
    BadSum {
        /// The sum received.
        sum: f32,
    },
    /// The sequence number did not increase.
    #[error("reading {seq} arrived after reading {last}")]
    OutOfOrder {
        /// The sequence number received.
        seq: u64,
        /// The last accepted sequence number.
        last: u64,
    },
    /// More readings in one second than allowed.
    #[error("more than {max} readings in one second")]
    TooFrequent {
        /// The limit.
        max: usize,
    },
}

impl Reading {
    /// A reading with a face.
    pub fn with_face(seq: u64, probs: [f32; EXPRESSION_COUNT]) -> Self {
        Self { seq, face: true, probs: probs.to_vec() }
    }

    /// A reading without a face.
    pub fn without_face(seq: u64) -> Self {
        Self { seq, face: false, probs: Vec::new() }
    }

    /// The probability of `expression`; 0 without a face or without probabilities.
    pub fn prob(&self, expression: Expression) -> f32 {
        if !self.face {
            return 0.0;
        }
        self.probs.get(expression.index()).copied().unwrap_or(0.0)
    }

    /// Checks shape and numbers: seven finite probabilities in `0..=1` summing to 1 within
    /// `sum_tolerance` when a face is present.
    pub fn validate(&self, sum_tolerance: f32) -> Result<(), ReadingError> {
        let len = self.probs.len();
        if len != EXPRESSION_COUNT && (self.face || len != 0) {
            return Err(ReadingError::WrongLength { len });
        }
        if let Some(index) = self.probs.iter().position(|p| !p.is_finite()) {
            return Err(ReadingError::NotFinite { index });
        }
        if let Some((index, &value)) =
            self.probs.iter().enumerate().find(|(_, p)| !(0.0..=1.0).contains(*p))
        {
            return Err(ReadingError::OutOfRange { index, value });
        }
        let sum: f32 = self.probs.iter().sum();
        if self.face && (sum - 1.0).abs() > sum_tolerance {
            return Err(ReadingError::BadSum { sum });
        }
        Ok(())
    }
}

/// One player's reading history: the last sequence number and the times of the readings
/// accepted in the last second.
#[derive(Clone, Debug, Default)]
pub struct ReadingGate {
    last_seq: Option<u64>,
    recent: VecDeque<Duration>,
}

impl ReadingGate {
    /// Accepts a reading numbered `seq` at `now`, or refuses it without changing anything.
    pub fn admit(
        &mut self,
        now: Duration,
        seq: u64,
        max_per_sec: usize,
    ) -> Result<(), ReadingError> {
        if let Some(last) = self.last_seq.filter(|&last| seq <= last) {
            return Err(ReadingError::OutOfOrder { seq, last });
        }
        // Window (now - 1 s, now]: a reading exactly one second old no longer counts.
        let window = Duration::from_secs(1);
        let in_window = self.recent.iter().filter(|&&t| now.saturating_sub(t) < window).count();
        if in_window >= max_per_sec {
            return Err(ReadingError::TooFrequent { max: max_per_sec });
        }
        while self.recent.front().is_some_and(|&t| now.saturating_sub(t) >= window) {
            self.recent.pop_front();
        }
        self.recent.push_back(now);
        self.last_seq = Some(seq);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expression_indices_follow_the_engine_order() {
        for (i, e) in Expression::ALL.iter().enumerate() {
            assert_eq!(e.index(), i);
        }
    }

    #[test]
    fn reading_wire_format_is_compact_and_stable() {
        let text = serde_json::to_string(&Reading::without_face(3)).unwrap();
        assert_eq!(text, r#"{"seq":3,"face":false,"probs":[]}"#);
        let back: Reading = serde_json::from_str(r#"{"seq":3,"face":false}"#).unwrap();
        assert_eq!(back, Reading::without_face(3));
    }

    #[test]
    fn gate_forgets_readings_one_second_old() {
        let ms = Duration::from_millis;
        let mut gate = ReadingGate::default();
        assert!(gate.admit(ms(0), 1, 2).is_ok());
        assert!(gate.admit(ms(500), 2, 2).is_ok());
        assert_eq!(gate.admit(ms(999), 3, 2), Err(ReadingError::TooFrequent { max: 2 }));
        assert!(gate.admit(ms(1000), 3, 2).is_ok());
    }
}
