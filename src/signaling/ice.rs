//! The ICE servers each participant gets: the configured STUN/TURN URLs, with TURN credentials
//! minted for that participant (`turn::mint`), so the shared TURN secret stays on the server.

use super::turn::{ice_server, mint, TurnError};
use crate::protocol::{IceServer, PeerId};
use std::time::Duration;

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

#[cfg(test)]
mod tests {
    use super::*;

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
