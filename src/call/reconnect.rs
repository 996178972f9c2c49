//! When the browser should reconnect its signaling WebSocket after it closes.
//!
//! A policy only: the socket code reports opens and closes and sleeps for the delay it gets
//! back. Delays follow "equal jitter" exponential backoff (AWS Architecture Blog, "Exponential
//! Backoff And Jitter", 2015): the ceiling doubles per consecutive failure up to a cap, and the
//! delay is drawn from the upper half of it. The random half spreads the reconnects of every
//! client when the server restarts; the fixed half keeps a client from hammering a server that
//! refuses it. Retries never stop while the page is open: a call should come back by itself
//! after any outage, however long.
//!
//! The random value is passed in, so tests are deterministic. In the browser,
//! [`jitter_from_unit`]`(js_sys::Math::random())` makes one.

use std::time::Duration;

/// Tunables of a [`Backoff`]; the defaults are what the client runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackoffConfig {
    /// Ceiling of the first delay; the first retry comes within this (default 1 s).
    pub initial: Duration,
    /// Largest delay ever returned (default 10 s).
    pub max: Duration,
    /// A connection that stayed open this long counts as healthy: the next close starts the
    /// backoff over (default 5 s).
    pub stable_after: Duration,
}

impl Default for BackoffConfig {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(10),
            stable_after: Duration::from_secs(5),
        }
    }
}

/// Why a [`BackoffConfig`] is unusable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BackoffConfigError {
    /// A zero first delay would reconnect in a tight loop.
    #[error("the initial backoff delay must be above zero")]
    ZeroInitial,
    /// The cap is below the first delay.
    #[error("the maximum backoff delay must be at least the initial delay")]
    MaxBelowInitial,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Connecting for the first time, or since a retry's wait ended.
    Connecting,
    /// Open since this time.
    Open { since: Duration },
    /// Closed; the next attempt is due at this time.
    Waiting { until: Duration },
}

/// Reconnect policy of one signaling socket.
#[derive(Clone, Debug)]
pub struct Backoff {
    config: BackoffConfig,
    failures: u32,
    phase: Phase,
}

impl Default for Backoff {
    fn default() -> Self {
        Self { config: BackoffConfig::default(), failures: 0, phase: Phase::Connecting }
    }
}

impl Backoff {
    /// A policy with `config`, before the first connection attempt.
    pub fn new(config: BackoffConfig) -> Result<Self, BackoffConfigError> {
        if config.initial.is_zero() {
            return Err(BackoffConfigError::ZeroInitial);
        }
        if config.max < config.initial {
            return Err(BackoffConfigError::MaxBelowInitial);
        }
        Ok(Self { config, ..Self::default() })
    }

    /// The socket opened at `now`. This alone does not reset the backoff: a server that
    /// accepts and at once closes must not be retried at the fastest rate.
    pub fn on_open(&mut self, now: Duration) {
        self.phase = Phase::Open { since: now };
    }

    /// The connection proved itself (the server welcomed us back): the next close starts the
    /// backoff over, however soon it comes.
    pub fn on_success(&mut self) {
        self.failures = 0;
    }

    /// The socket closed, or an attempt failed, at `now`: returns how long to wait before the
    /// next attempt. `rand` is a uniformly random `u32`.
    ///
    /// A second report for the same close (while the wait is still running) returns what is
    /// left of that wait instead of counting another failure.
    pub fn on_closed(&mut self, now: Duration, rand: u32) -> Duration {
        match self.phase {
            Phase::Waiting { until } if now < until => return until - now,
            Phase::Open { since } if now.saturating_sub(since) >= self.config.stable_after => {
                self.failures = 0;
            }
            _ => {}
        }
        let delay = self.delay(rand);
        self.failures = self.failures.saturating_add(1);
        self.phase = Phase::Waiting { until: now.saturating_add(delay) };
        delay
    }

    /// Consecutive failed or short-lived connections so far (for "retrying, attempt N").
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// When the next attempt is due, while waiting for it.
    pub fn retry_at(&self) -> Option<Duration> {
        match self.phase {
            Phase::Waiting { until } => Some(until),
            _ => None,
        }
    }

    /// The current ceiling `initial * 2^failures`, capped at `max`.
    fn ceiling(&self) -> Duration {
        // 2^31 times any non-zero initial delay already exceeds every sensible cap; clamping
        // the exponent keeps the shift defined for an unbounded number of attempts.
        let factor = 1u32 << self.failures.min(31);
        self.config.initial.checked_mul(factor).map_or(self.config.max, |d| d.min(self.config.max))
    }

    /// Equal jitter: uniformly in `[ceiling / 2, ceiling)`.
    fn delay(&self, rand: u32) -> Duration {
        let ceiling = self.ceiling();
        let half = ceiling / 2;
        let span = (ceiling - half).as_nanos();
        let extra = (span * u128::from(rand)) >> 32;
        half.saturating_add(Duration::from_nanos(u64::try_from(extra).unwrap_or(u64::MAX)))
    }
}

/// Turns a uniform `f64` in `[0, 1)` (such as `Math.random()`) into the `u32` that
/// [`Backoff::on_closed`] takes. Out-of-range values saturate and NaN gives 0, since Rust's
/// float-to-int `as` casts saturate.
pub fn jitter_from_unit(x: f64) -> u32 {
    (x * 4_294_967_296.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANDS: [u32; 5] = [0, 1, u32::MAX / 3, u32::MAX / 2, u32::MAX];

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn first_retry_comes_within_a_second() {
        for rand in RANDS {
            let delay = Backoff::default().on_closed(secs(0.0), rand);
            assert!(delay >= secs(0.5) && delay < secs(1.0), "{rand}: {delay:?}");
        }
    }

    #[test]
    fn delays_grow_then_stay_at_the_cap() {
        let mut b = Backoff::default();
        let mut now = Duration::ZERO;
        let mut delays = Vec::new();
        for _ in 0..8 {
            let d = b.on_closed(now, u32::MAX);
            delays.push(d);
            now += d;
        }
        // Ceilings 1, 2, 4, 8, then the 10 s cap.
        assert!(delays[..5].windows(2).all(|w| w[0] < w[1]), "{delays:?}");
        assert!(delays.iter().all(|&d| d < secs(10.0)), "{delays:?}");
        assert!(delays[4..].iter().all(|&d| d > secs(9.9)), "{delays:?}");
    }

    #[test]
    fn jitter_stays_in_the_upper_half_of_the_ceiling() {
        let ceilings = [1.0, 2.0, 4.0, 8.0, 10.0, 10.0];
        for rand in RANDS {
            let mut b = Backoff::default();
            let mut now = Duration::ZERO;
            for ceiling in ceilings {
                let d = b.on_closed(now, rand);
                assert!(
                    d >= secs(ceiling / 2.0) && d < secs(ceiling),
                    "rand {rand}, ceiling {ceiling}: {d:?}"
                );
                now += d;
            }
        }
    }

    #[test]
    fn attempts_are_unbounded_and_never_overflow() {
        let mut b = Backoff::default();
        let mut now = Duration::ZERO;
        for i in 0..10_000u32 {
            let d = b.on_closed(now, i.wrapping_mul(2_654_435_761));
            assert!(d <= secs(10.0));
            now += d;
        }
        assert_eq!(b.failures(), 10_000);
        assert!(b.on_closed(now, 0) >= secs(5.0));
    }

    #[test]
    fn a_connection_that_stayed_up_resets_the_backoff() {
        let mut b = Backoff::default();
        let mut now = Duration::ZERO;
        for _ in 0..4 {
            now += b.on_closed(now, u32::MAX);
        }
        b.on_open(now);
        let d = b.on_closed(now + secs(5.0), u32::MAX);
        assert!(d < secs(1.0), "{d:?}");
        assert_eq!(b.failures(), 1);
    }

    #[test]
    fn a_short_lived_connection_keeps_backing_off() {
        let mut b = Backoff::default();
        let mut now = Duration::ZERO;
        for _ in 0..3 {
            now += b.on_closed(now, 0);
        }
        b.on_open(now);
        let d = b.on_closed(now + secs(1.0), 0);
        assert_eq!(d, secs(4.0), "fourth ceiling is 8 s, equal jitter floor is 4 s");
    }

    #[test]
    fn success_resets_even_a_short_connection() {
        let mut b = Backoff::default();
        let mut now = Duration::ZERO;
        for _ in 0..3 {
            now += b.on_closed(now, 0);
        }
        b.on_open(now);
        b.on_success();
        assert_eq!(b.on_closed(now + secs(0.1), 0), secs(0.5));
    }

    #[test]
    fn a_repeated_close_report_does_not_count_twice() {
        let mut b = Backoff::default();
        let d = b.on_closed(secs(0.0), 0);
        assert_eq!(b.retry_at(), Some(d));
        assert_eq!(b.on_closed(secs(0.2), 0), d - secs(0.2));
        assert_eq!(b.failures(), 1);
        // Once the wait is over, a close is the retry failing.
        assert_eq!(b.on_closed(d, 0), secs(1.0));
        assert_eq!(b.failures(), 2);
    }

    #[test]
    fn config_is_checked() {
        let zero = BackoffConfig { initial: Duration::ZERO, ..BackoffConfig::default() };
        assert_eq!(Backoff::new(zero).err(), Some(BackoffConfigError::ZeroInitial));
        let low = BackoffConfig { max: secs(0.5), ..BackoffConfig::default() };
        assert_eq!(Backoff::new(low).err(), Some(BackoffConfigError::MaxBelowInitial));
        assert!(Backoff::new(BackoffConfig::default()).is_ok());
    }

    #[test]
    fn unit_floats_map_onto_the_whole_u32_range() {
        assert_eq!(jitter_from_unit(0.0), 0);
        assert_eq!(jitter_from_unit(0.5), 1 << 31);
        assert_eq!(jitter_from_unit(0.999_999_999_9), u32::MAX);
        assert_eq!(jitter_from_unit(7.0), u32::MAX);
        assert_eq!(jitter_from_unit(-1.0), 0);
        assert_eq!(jitter_from_unit(f64::NAN), 0);
    }
}
