//! Server-side limits of signaling and the token bucket that enforces the message rate.

use crate::game::GameConfig;
use crate::protocol::ROOM_CAPACITY;
use std::time::{Duration, Instant};

/// Tunables of the [`Hub`](super::hub::Hub); the defaults are what the server runs with.
#[derive(Clone, Debug)]
pub struct HubConfig {
    /// Seats per room.
    pub room_capacity: usize,
    /// A socket silent for longer than this is dropped (pongs count as sound): the server's
    /// ping interval and 10 s for the pong.
    pub heartbeat_timeout: Duration,
    /// Sustained messages per second per socket.
    pub rate_per_sec: f64,
    /// Messages a socket may send at once: a renegotiation with trickle ICE sends a few dozen.
    pub rate_burst: f64,
    /// How long the seat of a dropped connection is held for it to resume.
    pub grace: Duration,
    /// The first peer id handed out. The server starts at a random point so that ids of seats
    /// restored after a restart (from tickets) do not collide with new ones.
    pub first_peer_id: u64,
    /// This server instance's random number: game ids and game seeds differ after a restart.
    pub instance: u64,
    /// The rules of every room's game.
    pub game: GameConfig,
    /// A socket that has neither a seat nor a knock waiting for this long is closed.
    pub join_timeout: Duration,
    /// People knocking at one room at once; more are refused.
    pub max_knocks: usize,
    /// Wrong room passwords one socket may send before it is closed.
    pub max_password_guesses: u32,
    /// Reactions one seat may send at once.
    pub reaction_burst: f64,
    /// Reactions per second one seat may send after its burst.
    pub reactions_per_sec: f64,
    /// Say how each running game stands whenever it changes ([`Output::Checkpoint`]), so that
    /// another node can end it with its results if this one dies (only with several nodes).
    ///
    /// [`Output::Checkpoint`]: super::hub::Output::Checkpoint
    pub checkpoints: bool,
}

impl Default for HubConfig {
    fn default() -> Self {
        Self {
            room_capacity: ROOM_CAPACITY,
            heartbeat_timeout: Duration::from_secs(35),
            rate_per_sec: 50.0,
            rate_burst: 200.0,
            grace: Duration::from_secs(30),
            first_peer_id: 1,
            instance: 1,
            game: GameConfig::default(),
            join_timeout: Duration::from_secs(10),
            max_knocks: 10,
            max_password_guesses: 5,
            reaction_burst: 5.0,
            reactions_per_sec: 1.0,
            checkpoints: false,
        }
    }
}

/// A token bucket refilled continuously from the caller's clock.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    /// A bucket holding `burst` tokens at `now`.
    pub fn full(burst: f64, now: Instant) -> Self {
        Self { tokens: burst, updated: now }
    }

    /// Takes one token if there is one; refills at `rate` per second up to `burst` first.
    pub fn take(&mut self, now: Instant, rate: f64, burst: f64) -> bool {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(burst);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_a_burst_then_the_rate() {
        let t0 = Instant::now();
        let mut b = TokenBucket::full(3.0, t0);
        assert!((0..3).all(|_| b.take(t0, 10.0, 3.0)));
        assert!(!b.take(t0, 10.0, 3.0));
        // 100 ms at 10/s refills exactly one token.
        assert!(b.take(t0 + Duration::from_millis(100), 10.0, 3.0));
        assert!(!b.take(t0 + Duration::from_millis(100), 10.0, 3.0));
        // A long pause refills only up to the burst.
        let later = t0 + Duration::from_secs(60);
        assert!((0..3).all(|_| b.take(later, 10.0, 3.0)));
        assert!(!b.take(later, 10.0, 3.0));
    }
}
