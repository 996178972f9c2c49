//! Detects a value held over a threshold for a minimum time, from irregular readings.
//!
//! A hold starts at the first qualifying reading and is complete once a qualifying reading
//! arrives at least `need` after it. A reading that does not qualify, or a gap between readings
//! longer than `max_gap` (no evidence in between), starts over. Times are arrival times on the
//! server's clock.

use std::time::Duration;

/// The hold in progress for one player.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hold {
    since: Option<Duration>,
    last: Duration,
    peak: f32,
}

impl Hold {
    /// Feeds one reading at `now`; returns the highest value of the hold once it has lasted
    /// `need`. The caller resets the hold after acting on it.
    pub fn observe(
        &mut self,
        now: Duration,
        qualifies: bool,
        value: f32,
        need: Duration,
        max_gap: Duration,
    ) -> Option<f32> {
        if !qualifies {
            self.reset();
            return None;
        }
        let since = match self.since {
            Some(since) if now.saturating_sub(self.last) <= max_gap => since,
            _ => {
                self.peak = value;
                now
            }
        };
        self.since = Some(since);
        self.last = now;
        self.peak = self.peak.max(value);
        (now.saturating_sub(since) >= need).then_some(self.peak)
    }

    /// Forgets the hold in progress.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEED: Duration = Duration::from_millis(300);
    const GAP: Duration = Duration::from_secs(1);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn completes_after_the_needed_time_with_the_peak() {
        let mut h = Hold::default();
        assert_eq!(h.observe(ms(0), true, 0.8, NEED, GAP), None);
        assert_eq!(h.observe(ms(150), true, 0.95, NEED, GAP), None);
        assert_eq!(h.observe(ms(299), true, 0.7, NEED, GAP), None);
        assert_eq!(h.observe(ms(300), true, 0.75, NEED, GAP), Some(0.95));
    }

    #[test]
    fn a_long_gap_starts_over() {
        let mut h = Hold::default();
        assert_eq!(h.observe(ms(0), true, 0.9, NEED, GAP), None);
        assert_eq!(h.observe(ms(1001), true, 0.8, NEED, GAP), None);
        assert_eq!(h.observe(ms(1301), true, 0.8, NEED, GAP), Some(0.8));
    }
}
