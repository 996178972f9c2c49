//! The ICE servers the hub hands out: in each `welcome`, and again to every seated connection
//! half-way through its TURN credentials' life. Minting needs the wall clock (a TURN login
//! carries its expiry in Unix seconds); the hub reads no clock, so the driver feeds it as
//! [`Input::WallClock`](super::Input::WallClock) and the hub counts on from there with `now`.

use super::{ConnId, Hub, Output};
use crate::protocol::{IceServer, PeerId, ServerMsg};
use crate::signaling::ice::{IceConfig, Renewals};
use std::time::Instant;

/// The configured servers, whose credentials are due for renewal, and the last wall time seen.
#[derive(Debug, Default)]
pub(super) struct Ice {
    config: IceConfig,
    renewals: Option<Renewals<ConnId>>,
    /// Unix seconds at an instant (the last `WallClock` input).
    wall: Option<(Instant, u64)>,
}

impl Ice {
    pub(super) fn new(config: IceConfig) -> Self {
        let renewals = config.turn.as_ref().map(|turn| Renewals::new(turn.ttl));
        Self { config, renewals, wall: None }
    }

    pub(super) fn set_wall(&mut self, now: Instant, unix: u64) {
        self.wall = Some((now, unix));
    }

    /// The servers for `peer` now; a connection's renewal clock starts with its welcome.
    pub(super) fn for_welcome(
        &mut self,
        now: Instant,
        conn: ConnId,
        peer: PeerId,
    ) -> Vec<IceServer> {
        if let Some(renewals) = &mut self.renewals {
            renewals.issued(conn, peer, now);
        }
        self.config.for_peer(peer, self.unix_at(now))
    }

    pub(super) fn closed(&mut self, conn: ConnId) {
        if let Some(renewals) = &mut self.renewals {
            renewals.closed(conn);
        }
    }

    fn unix_at(&self, now: Instant) -> u64 {
        self.wall.map_or(0, |(at, unix)| unix + now.saturating_duration_since(at).as_secs())
    }
}

impl Hub {
    /// New TURN credentials for every connection whose last ones are half-way through their
    /// life, if it still holds the seat they were minted for.
    pub(super) fn renew_ice(&mut self, now: Instant, out: &mut Vec<Output>) {
        let Some(renewals) = &mut self.ice.renewals else { return };
        for (conn, peer) in renewals.take_due(now) {
            if self.peer_of(conn) != Some(peer) {
                self.ice.closed(conn);
                continue;
            }
            let ice_servers = self.ice.config.for_peer(peer, self.ice.unix_at(now));
            out.push(Output::Send(conn, ServerMsg::IceServers { ice_servers }));
        }
    }
}
