//! How many sockets each client address, and the server as a whole, may hold open.
//!
//! [`Counter`] is the plain bookkeeping (no locks, no sockets), tested below. [`Limits`] shares
//! two of them (TCP connections and WebSockets) between the accept loop and the handlers, and
//! hands out permits that give their slot back when dropped, so a slot can never leak on an
//! early return or a panic.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// Who a connection is counted against: an IPv4 address, or the /64 prefix of an IPv6 one (a
/// single host commonly owns a whole /64, so counting its addresses one by one would be no cap).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    /// The key of a peer address. IPv4-mapped IPv6 addresses count as their IPv4 address.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    Self(IpAddr::V6(prefix.into()))
                }
            },
        }
    }
}

/// Why a slot was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// This client already holds its share.
    PerClient,
    /// The server as a whole is full.
    Total,
}

/// Counts open slots per client and in total, against two caps.
#[derive(Debug)]
pub struct Counter {
    per_client: usize,
    total: usize,
    open: HashMap<ClientKey, usize>,
    open_total: usize,
}

impl Counter {
    /// An empty counter allowing `per_client` slots to one client and `total` to everyone.
    pub fn new(per_client: usize, total: usize) -> Self {
        Self { per_client, total, open: HashMap::new(), open_total: 0 }
    }

    /// Takes a slot for `key`, or says which cap is in the way.
    pub fn acquire(&mut self, key: ClientKey) -> Result<(), Refusal> {
        if self.open_total >= self.total {
            return Err(Refusal::Total);
        }
        let held = self.open.entry(key).or_insert(0);
        if *held >= self.per_client {
            return Err(Refusal::PerClient);
        }
        *held += 1;
        self.open_total += 1;
        Ok(())
    }

    /// Gives back a slot taken by [`acquire`](Self::acquire); a client with none left is
    /// forgotten, so the map only holds clients with open slots.
    pub fn release(&mut self, key: ClientKey) {
        if let Some(held) = self.open.get_mut(&key) {
            *held -= 1;
            self.open_total -= 1;
            if *held == 0 {
                self.open.remove(&key);
            }
        }
    }

    /// Slots `key` holds.
    pub fn held_by(&self, key: ClientKey) -> usize {
        self.open.get(&key).copied().unwrap_or(0)
    }

    /// Slots held by everyone.
    pub fn held(&self) -> usize {
        self.open_total
    }
}

/// The caps the server runs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    /// Open TCP connections (WebSockets included) per client.
    pub conns_per_client: usize,
    /// Open TCP connections in total.
    pub conns_total: usize,
    /// Open WebSockets per client; lower than `conns_per_client` so a client holding all of
    /// its WebSockets can still load pages.
    pub websockets_per_client: usize,
    /// Open WebSockets in total.
    pub websockets_total: usize,
}

impl Caps {
    /// Caps for a process allowed `file_handles` open files: `reserve` of them are kept for the
    /// database, static files and the refusals themselves, the rest may be connections, and at
    /// most half of those WebSockets.
    pub fn derive(
        conns_per_client: usize,
        websockets_per_client: usize,
        file_handles: u64,
        reserve: u64,
    ) -> Self {
        let conns_total =
            usize::try_from(file_handles.saturating_sub(reserve).max(1)).unwrap_or(usize::MAX);
        Self {
            conns_per_client,
            conns_total,
            websockets_per_client: websockets_per_client.min(conns_per_client),
            websockets_total: (conns_total / 2).max(1),
        }
    }
}

/// File handles kept back from connections: a tenth of the limit, at least 512.
pub fn reserve_for(file_handles: u64) -> u64 {
    (file_handles / 10).max(512).min(file_handles / 2)
}

/// The shared counters. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Limits {
    conns: Arc<Mutex<Counter>>,
    websockets: Arc<Mutex<Counter>>,
    caps: Caps,
}

impl Limits {
    /// Fresh counters with these caps.
    pub fn new(caps: Caps) -> Self {
        Self {
            conns: Arc::new(Mutex::new(Counter::new(caps.conns_per_client, caps.conns_total))),
            websockets: Arc::new(Mutex::new(Counter::new(
                caps.websockets_per_client,
                caps.websockets_total,
            ))),
            caps,
        }
    }

    /// The caps in force.
    pub fn caps(&self) -> Caps {
        self.caps
    }

    /// A slot for one TCP connection from `ip`, held until the socket is closed.
    pub fn try_connection(&self, ip: IpAddr) -> Result<Permit, Refusal> {
        Permit::take(&self.conns, ClientKey::of(ip))
    }

    /// A slot for one WebSocket from `ip`, held by the socket's task until it ends.
    pub fn try_websocket(&self, ip: IpAddr) -> Option<Permit> {
        Permit::take(&self.websockets, ClientKey::of(ip)).ok()
    }

    /// Open TCP connections from `ip`'s client (for logs and tests).
    pub fn connections_of(&self, ip: IpAddr) -> usize {
        lock(&self.conns).held_by(ClientKey::of(ip))
    }

    /// Open WebSockets from `ip`'s client.
    pub fn websockets_of(&self, ip: IpAddr) -> usize {
        lock(&self.websockets).held_by(ClientKey::of(ip))
    }
}

/// A held slot; dropping it gives the slot back.
#[derive(Debug)]
pub struct Permit {
    counter: Arc<Mutex<Counter>>,
    key: ClientKey,
}

impl Permit {
    fn take(counter: &Arc<Mutex<Counter>>, key: ClientKey) -> Result<Self, Refusal> {
        lock(counter).acquire(key)?;
        Ok(Self { counter: counter.clone(), key })
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        lock(&self.counter).release(self.key);
    }
}

/// The counters hold plain numbers, so a panic elsewhere cannot leave them half-updated: a
/// poisoned lock is used as is.
fn lock(counter: &Mutex<Counter>) -> MutexGuard<'_, Counter> {
    counter.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> ClientKey {
        ClientKey::of(s.parse().unwrap())
    }

    #[test]
    fn a_client_gets_its_share_and_no_more() {
        let mut c = Counter::new(2, 10);
        assert_eq!(c.acquire(key("10.0.0.1")), Ok(()));
        assert_eq!(c.acquire(key("10.0.0.1")), Ok(()));
        assert_eq!(c.acquire(key("10.0.0.1")), Err(Refusal::PerClient));
        assert_eq!(c.acquire(key("10.0.0.2")), Ok(()), "another client is not affected");
        c.release(key("10.0.0.1"));
        assert_eq!(c.acquire(key("10.0.0.1")), Ok(()), "a released slot can be taken again");
        assert_eq!(c.held(), 3);
    }

    #[test]
    fn the_total_cap_holds_across_clients() {
        let mut c = Counter::new(5, 3);
        for ip in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
            assert_eq!(c.acquire(key(ip)), Ok(()));
        }
        assert_eq!(c.acquire(key("10.0.0.4")), Err(Refusal::Total));
        c.release(key("10.0.0.2"));
        assert_eq!(c.acquire(key("10.0.0.4")), Ok(()));
    }

    #[test]
    fn released_clients_are_forgotten_and_extra_releases_are_harmless() {
        let mut c = Counter::new(1, 1);
        c.acquire(key("10.0.0.1")).unwrap();
        c.release(key("10.0.0.1"));
        c.release(key("10.0.0.1"));
        c.release(key("10.0.0.9"));
        assert_eq!((c.held(), c.held_by(key("10.0.0.1")), c.open.len()), (0, 0, 0));
    }

    #[test]
    fn ipv6_counts_per_64_prefix_and_mapped_ipv4_as_ipv4() {
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:10.0.0.1"), key("10.0.0.1"));
    }

    #[test]
    fn caps_leave_a_reserve_of_file_handles() {
        let caps = Caps::derive(100, 40, 20_000, reserve_for(20_000));
        assert_eq!(caps.conns_total, 18_000);
        assert_eq!(caps.websockets_total, 9_000);
        assert_eq!(Caps::derive(10, 40, 20_000, 2000).websockets_per_client, 10);
        assert_eq!(reserve_for(1024), 512);
        assert!(Caps::derive(1, 1, 100, reserve_for(100)).conns_total >= 1);
    }

    #[test]
    fn permits_give_their_slot_back_when_dropped() {
        let limits = Limits::new(Caps::derive(2, 1, 10_000, 0));
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let a = limits.try_connection(ip).unwrap();
        let _b = limits.try_connection(ip).unwrap();
        assert_eq!(limits.try_connection(ip).unwrap_err(), Refusal::PerClient);
        drop(a);
        assert!(limits.try_connection(ip).is_ok());
        let ws = limits.try_websocket(ip).unwrap();
        assert!(limits.try_websocket(ip).is_none());
        drop(ws);
        assert_eq!(limits.websockets_of(ip), 0);
    }
}
