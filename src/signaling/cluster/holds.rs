//! Which rooms this node serves, as the directory should hear it: a room is held while it has
//! sockets here, and for a grace period after the last one closed (its seats are still held
//! for a resume). Plain bookkeeping, no I/O: the heartbeat asks what to renew and what to give
//! up, and tells it which leases another node took.

use crate::protocol::RoomId;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The rooms this node holds, with their local socket counts.
#[derive(Debug, Default)]
pub struct Holds {
    rooms: HashMap<RoomId, Hold>,
}

#[derive(Debug)]
struct Hold {
    sockets: usize,
    /// When the last socket closed (none while some are open).
    idle_since: Option<Instant>,
}

impl Holds {
    /// No rooms.
    pub fn new() -> Self {
        Self::default()
    }

    /// A socket of `room` is served here.
    pub fn opened(&mut self, room: &RoomId) {
        let hold = self.rooms.entry(room.clone()).or_insert(Hold { sockets: 0, idle_since: None });
        hold.sockets += 1;
        hold.idle_since = None;
    }

    /// A socket of `room` served here closed at `now`.
    pub fn closed(&mut self, room: &RoomId, now: Instant) {
        if let Some(hold) = self.rooms.get_mut(room) {
            hold.sockets = hold.sockets.saturating_sub(1);
            if hold.sockets == 0 {
                hold.idle_since = Some(now);
            }
        }
    }

    /// Forgets the rooms idle for longer than `grace` at `now` and returns them (their leases
    /// are to be released); the rest are still held.
    pub fn expire(&mut self, now: Instant, grace: Duration) -> Vec<RoomId> {
        let due: Vec<RoomId> = self
            .rooms
            .iter()
            .filter(|(_, h)| h.idle_since.is_some_and(|t| now.saturating_duration_since(t) > grace))
            .map(|(room, _)| room.clone())
            .collect();
        for room in &due {
            self.rooms.remove(room);
        }
        due
    }

    /// The rooms whose leases are to be renewed.
    pub fn held(&self) -> Vec<RoomId> {
        self.rooms.keys().cloned().collect()
    }

    /// Whether `room` is held here (it has sockets, or had them within the grace).
    pub fn serves(&self, room: &RoomId) -> bool {
        self.rooms.contains_key(room)
    }

    /// Another node owns `room` now (this node's lease lapsed): it is no longer held.
    pub fn lost(&mut self, room: &RoomId) {
        self.rooms.remove(room);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(tag: &str) -> RoomId {
        RoomId::parse(&format!("{tag}-room-holds-test")).unwrap()
    }

    #[test]
    fn a_room_is_held_while_it_has_sockets_and_for_the_grace_after_the_last() {
        let (mut holds, t0) = (Holds::new(), Instant::now());
        let grace = Duration::from_secs(30);
        holds.opened(&room("a"));
        holds.opened(&room("a"));
        holds.closed(&room("a"), t0);
        assert!(holds.expire(t0 + grace * 10, grace).is_empty(), "one socket is still open");
        holds.closed(&room("a"), t0);
        assert!(holds.expire(t0 + grace, grace).is_empty(), "within the grace");
        assert_eq!(holds.expire(t0 + grace + Duration::from_millis(1), grace), vec![room("a")]);
        assert!(holds.held().is_empty());
    }

    #[test]
    fn a_socket_back_within_the_grace_keeps_the_room() {
        let (mut holds, t0) = (Holds::new(), Instant::now());
        let grace = Duration::from_secs(5);
        holds.opened(&room("b"));
        holds.closed(&room("b"), t0);
        holds.opened(&room("b"));
        assert!(holds.expire(t0 + grace * 3, grace).is_empty());
        assert_eq!(holds.held(), vec![room("b")]);
    }

    #[test]
    fn a_lost_lease_forgets_the_room_and_a_stray_close_is_harmless() {
        let (mut holds, t0) = (Holds::new(), Instant::now());
        holds.opened(&room("c"));
        assert!(holds.serves(&room("c")));
        holds.lost(&room("c"));
        assert!(!holds.serves(&room("c")));
        holds.closed(&room("c"), t0);
        holds.closed(&room("d"), t0);
        assert!(holds.held().is_empty());
    }
}
