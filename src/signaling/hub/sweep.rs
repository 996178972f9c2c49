//! When the hub's periodic sweeps (heartbeats, held seats, sockets without a seat) can first
//! find anything. Each sweep walks a whole table; with thousands of idle sockets, walking them
//! five times a second was a fifth of the server's idle CPU. A sweep now runs only once the
//! earliest deadline it could meet has come.

use std::time::Instant;

/// A lower bound on the deadlines in one table: every deadline set is noted, and a sweep that
/// runs clears the bound and notes the deadlines still ahead. Deadlines that move later (a
/// pong, a resumed seat) leave it a lower bound, so a sweep is never late, only sometimes early.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct NotBefore(Option<Instant>);

impl NotBefore {
    /// Something in the table falls due at `at`.
    pub(super) fn note(&mut self, at: Instant) {
        self.0 = Some(self.0.map_or(at, |t| t.min(at)));
    }

    /// Whether a sweep at `now` can find anything; if so, the bound is cleared for the sweep
    /// to note what it leaves.
    pub(super) fn take_due(&mut self, now: Instant) -> bool {
        let due = self.0.is_some_and(|t| now >= t);
        if due {
            self.0 = None;
        }
        due
    }
}

/// The hub's three sweeps.
#[derive(Debug, Default)]
pub(super) struct Sweeps {
    /// Connections whose heartbeat may run out (`last_seen` + heartbeat timeout).
    pub(super) heartbeat: NotBefore,
    /// Seats held for a dropped connection (`held_until`).
    pub(super) held: NotBefore,
    /// Connections with neither a seat nor a knock (`idle_since` + join timeout).
    pub(super) unjoined: NotBefore,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_sweep_is_due_at_the_earliest_deadline_noted_and_not_again_until_one_is_noted() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut bound = NotBefore::default();
        assert!(!bound.take_due(t0), "nothing noted, nothing due");
        bound.note(t0 + 5 * s);
        bound.note(t0 + 3 * s);
        bound.note(t0 + 9 * s);
        assert!(!bound.take_due(t0 + 2 * s));
        assert!(bound.take_due(t0 + 3 * s));
        assert!(!bound.take_due(t0 + 4 * s), "the sweep notes what it leaves");
        bound.note(t0 + 5 * s);
        assert!(bound.take_due(t0 + 6 * s));
    }
}
