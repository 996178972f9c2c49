//! The ICE servers each participant gets: the configured STUN/TURN URLs, with TURN credentials
//! minted for that participant (`turn::mint`), so the shared TURN secret stays on the server.

use super::turn::{ice_server, mint, TurnError};
use crate::protocol::{IceServer, PeerId};
use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// TURN relay settings (coturn `use-auth-secret`).
#[derive(Clone)]
pub struct TurnConfig {
    /// `turn:`/`turns:` URLs.
    pub urls: Vec<String>,
    /// coturn's `static-auth-secret`. Never sent to a browser.
    pub secret: String,
    /// Lifetime of minted credentials.
    pub ttl: Duration,
}

impl std::fmt::Debug for TurnConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnConfig").field("urls", &self.urls).field("ttl", &self.ttl).finish()
    }
}

/// Everything needed to hand out ICE servers.
#[derive(Clone, Debug, Default)]
pub struct IceConfig {
    /// STUN (and credential-less TURN) servers, given to everyone as they are.
    pub servers: Vec<IceServer>,
    /// The TURN relay, if configured.
    pub turn: Option<TurnConfig>,
}

impl IceConfig {
    /// Checks the TURN settings once at start-up.
    pub fn validate(&self) -> Result<(), TurnError> {
        if let Some(turn) = &self.turn {
            ice_server(&turn.urls, &mint(turn.secret.as_bytes(), "check", 0, turn.ttl))?;
        }
        Ok(())
    }

    /// The list for `peer` at wall-clock time `now_unix`.
    pub fn for_peer(&self, peer: PeerId, now_unix: u64) -> Vec<IceServer> {
        let mut list = self.servers.clone();
        if let Some(turn) = &self.turn {
            let cred = mint(turn.secret.as_bytes(), &peer.to_string(), now_unix, turn.ttl);
            if let Ok(server) = ice_server(&turn.urls, &cred) {
                list.push(server);
            }
        }
        list
    }
}

/// When each seated connection gets new TURN credentials: at half the life of its last ones, so
/// a peer connection made or restarted later (a newcomer, an ICE restart after a network change)
/// never logs in with an expired one. coturn also ends an allocation when its login expires; the
/// ICE restart that follows then finds a fresh login.
#[derive(Debug)]
pub struct Renewals<C> {
    half_life: Duration,
    due: HashMap<C, (PeerId, Instant)>,
}

impl<C: Copy + Eq + Hash> Renewals<C> {
    /// Renewals for credentials that live `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self { half_life: ttl / 2, due: HashMap::new() }
    }

    /// `conn` (seated as `peer`) got credentials at `now`.
    pub fn issued(&mut self, conn: C, peer: PeerId, now: Instant) {
        self.due.insert(conn, (peer, now + self.half_life));
    }

    /// `conn` is gone.
    pub fn closed(&mut self, conn: C) {
        self.due.remove(&conn);
    }

    /// The connections due at `now`, each with its seat; they count as renewed at `now`.
    pub fn take_due(&mut self, now: Instant) -> Vec<(C, PeerId)> {
        let mut out = Vec::new();
        for (conn, (peer, at)) in &mut self.due {
            if *at <= now {
                out.push((*conn, *peer));
                *at = now + self.half_life;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_renewed_at_half_life_until_the_connection_closes() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut renewals = Renewals::new(s(3600));
        renewals.issued(1, PeerId(7), t0);
        renewals.issued(2, PeerId(8), t0 + s(600));
        assert!(renewals.take_due(t0 + s(1799)).is_empty());
        assert_eq!(renewals.take_due(t0 + s(1800)), vec![(1, PeerId(7))]);
        assert!(renewals.take_due(t0 + s(1801)).is_empty(), "renewed, not due again at once");
        assert_eq!(renewals.take_due(t0 + s(2400)), vec![(2, PeerId(8))]);
        assert_eq!(renewals.take_due(t0 + s(3600)), vec![(1, PeerId(7))]);
        // A new welcome on the same connection (a rejoin) starts its clock again.
        renewals.issued(2, PeerId(9), t0 + s(3000));
        assert!(renewals.take_due(t0 + s(4199)).is_empty());
        renewals.closed(1);
        assert_eq!(renewals.take_due(t0 + s(10_000)), vec![(2, PeerId(9))]);
    }

    #[test]
    fn turn_credentials_are_minted_per_peer_and_the_secret_is_not_in_them() {
        let config = IceConfig {
            servers: vec![IceServer {
                urls: vec!["stun:stun.example.com".into()],
                username: None,
                credential: None,
            }],
            turn: Some(TurnConfig {
                urls: vec!["turn:127.0.0.1:3478".into()],
                secret: "north-sea-secret".into(),
                ttl: Duration::from_secs(3600),
            }),
        };
        let list = config.for_peer(PeerId(42), 1_700_000_000);
        assert_eq!(list.len(), 2);
        let turn = &list[1];
        assert_eq!(turn.username.as_deref(), Some("1700003600:42"));
        // python3 -c "import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b'north-sea-secret', b'1700003600:42', hashlib.sha1).digest()).decode())"
        assert_eq!(turn.credential.as_deref(), Some("bS67VMSNDlqWtyv05zE8Dg1PytQ="));
        let json = serde_json::to_string(&list).unwrap();
        assert!(!json.contains("north-sea-secret"));
        let other = config.for_peer(PeerId(43), 1_700_000_000);
        assert_ne!(other[1].credential, turn.credential);
    }

    #[test]
    fn stun_urls_are_not_accepted_as_turn() {
        let config = IceConfig {
            servers: vec![],
            turn: Some(TurnConfig {
                urls: vec!["stun:x".into()],
                secret: "s".into(),
                ttl: Duration::from_secs(1),
            }),
        };
        assert!(config.validate().is_err());
    }
}
