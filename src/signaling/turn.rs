//! Short-lived TURN credentials in the coturn "TURN REST API" scheme, so the server can hand
//! every participant its own relay login without storing any per-user secret.
//!
//! coturn runs with `use-auth-secret` and `static-auth-secret=<secret>`; the app server shares
//! that secret and mints, per participant:
//!
//! - username `<expiry unix time>:<peer id>`,
//! - credential `base64(HMAC-SHA1(secret, username))` (standard alphabet, padded).
//!
//! coturn recomputes the HMAC from the username it receives and refuses the login once the
//! timestamp has passed (the scheme of draft-uberti-behave-turn-rest-00, which coturn
//! implements).
//! Minting needs the wall clock (`now_unix`), not the monotonic time the other modules take:
//! the expiry is compared with coturn's clock.

use crate::protocol::IceServer;
use base64::Engine;
use hmac::digest::Key;
use hmac::{Hmac, Mac};
use sha1::{Digest, Sha1};
use std::time::Duration;

/// How long a credential stays valid unless configured otherwise: one hour. The REST-API draft
/// suggests a day; a shorter life limits how long a leaked login is useful, and an hour still
/// covers joining and the ICE restarts of a typical call.
pub const DEFAULT_TTL: Duration = Duration::from_secs(60 * 60);

type HmacSha1 = Hmac<Sha1>;

/// A TURN login for one participant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurnCredential {
    /// `<expires_unix>:<peer>`.
    pub username: String,
    /// `base64(HMAC-SHA1(secret, username))`.
    pub credential: String,
    /// Unix time (seconds) after which coturn refuses this login.
    pub expires_unix: u64,
}

/// Why an ICE server entry could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TurnError {
    /// No TURN URL was configured.
    #[error("no TURN URL configured")]
    NoUrls,
    /// A URL that is not `turn:` or `turns:` (credentials mean nothing to a STUN server).
    #[error("not a turn: or turns: URL: {0}")]
    NotTurn(String),
}

/// Mints the credential for `peer`, valid for `ttl` (whole seconds) from `now_unix`.
///
/// Any secret length works: HMAC hashes long keys and pads short ones (RFC 2104 §2). An empty
/// secret is accepted here too but is a configuration mistake the caller should refuse.
pub fn mint(secret: &[u8], peer: &str, now_unix: u64, ttl: Duration) -> TurnCredential {
    let expires_unix = now_unix.saturating_add(ttl.as_secs());
    let username = format!("{expires_unix}:{peer}");
    let mut mac = <HmacSha1 as Mac>::new(&block_key(secret));
    mac.update(username.as_bytes());
    let credential = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    TurnCredential { username, credential, expires_unix }
}

/// The `RTCIceServer` entry (W3C WebRTC §4.2.2) that logs into the TURN `urls` with `cred`.
pub fn ice_server(urls: &[String], cred: &TurnCredential) -> Result<IceServer, TurnError> {
    if urls.is_empty() {
        return Err(TurnError::NoUrls);
    }
    if let Some(bad) = urls.iter().find(|u| !is_turn_url(u)) {
        return Err(TurnError::NotTurn(bad.clone()));
    }
    Ok(IceServer {
        urls: urls.to_vec(),
        username: Some(cred.username.clone()),
        credential: Some(cred.credential.clone()),
    })
}

/// URI schemes are case-insensitive (RFC 3986 §3.1); TURN's are `turn` and `turns` (RFC 7065).
fn is_turn_url(url: &str) -> bool {
    let scheme = url.split(':').next().unwrap_or_default();
    scheme.eq_ignore_ascii_case("turn") || scheme.eq_ignore_ascii_case("turns")
}

/// RFC 2104 §2 key preparation: a key longer than the hash's block is hashed first, then the
/// key is zero-padded to the block. Done here so the infallible `Mac::new` can be used instead
/// of `new_from_slice`, whose `Result` can never be an error for HMAC.
fn block_key(secret: &[u8]) -> Key<HmacSha1> {
    let mut block = Key::<HmacSha1>::default();
    if secret.len() > block.len() {
        let digest = Sha1::digest(secret);
        block[..digest.len()].copy_from_slice(&digest);
    } else {
        block[..secret.len()].copy_from_slice(secret);
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    // Expected values made independently with Python's hmac module:
    // python3 -c "import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b'north-sea-secret', b'1700003600:42', hashlib.sha1).digest()).decode())"
    // -> bS67VMSNDlqWtyv05zE8Dg1PytQ=
    #[test]
    fn matches_python_hmac_for_a_short_secret() {
        let cred = mint(b"north-sea-secret", "42", NOW, DEFAULT_TTL);
        assert_eq!(cred.username, "1700003600:42");
        assert_eq!(cred.credential, "bS67VMSNDlqWtyv05zE8Dg1PytQ=");
        assert_eq!(cred.expires_unix, 1_700_003_600);
    }

    // Keys at and past the 64-byte SHA-1 block take the other branches of `block_key`:
    // python3 -c "import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b'k'*64, b'1700003600:42', hashlib.sha1).digest()).decode())"
    // -> 0Y3hKTXQ5tPVx5TQogQdg0ha9LI=
    // python3 -c "import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b'k'*100, b'1700003600:42', hashlib.sha1).digest()).decode())"
    // -> 41ErJrpOw0UXqHPvxDTnpGRWEy0=
    // python3 -c "import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b'', b'1700003600:42', hashlib.sha1).digest()).decode())"
    // -> UJPsqLsNhPhpIcieMd+Sz8V7uP8=
    #[test]
    fn matches_python_hmac_at_and_past_the_block_size_and_when_empty() {
        let cases: [(&[u8], &str); 3] = [
            (&[b'k'; 64], "0Y3hKTXQ5tPVx5TQogQdg0ha9LI="),
            (&[b'k'; 100], "41ErJrpOw0UXqHPvxDTnpGRWEy0="),
            (b"", "UJPsqLsNhPhpIcieMd+Sz8V7uP8="),
        ];
        for (secret, expected) in cases {
            let cred = mint(secret, "42", NOW, DEFAULT_TTL);
            assert_eq!(cred.credential, expected, "secret of {} bytes", secret.len());
        }
    }

    #[test]
    fn ttl_counts_whole_seconds_and_saturates() {
        let cred = mint(b"s", "7", NOW, Duration::from_millis(90_999));
        assert_eq!(cred.expires_unix, NOW + 90);
        assert_eq!(cred.username, format!("{}:7", NOW + 90));
        let far = mint(b"s", "7", u64::MAX - 1, DEFAULT_TTL);
        assert_eq!(far.expires_unix, u64::MAX);
    }

    #[test]
    fn different_peers_get_different_credentials() {
        let a = mint(b"s", "1", NOW, DEFAULT_TTL);
        let b = mint(b"s", "2", NOW, DEFAULT_TTL);
        assert_ne!(a.credential, b.credential);
    }

    #[test]
    fn ice_server_entry_carries_the_login() {
        let cred = mint(b"s", "1", NOW, DEFAULT_TTL);
        let urls = vec![
            "turn:turn.example.com:3478?transport=udp".to_owned(),
            "TURNS:turn.example.com:5349?transport=tcp".to_owned(),
        ];
        let entry = ice_server(&urls, &cred);
        assert_eq!(
            entry,
            Ok(IceServer {
                urls,
                username: Some(cred.username.clone()),
                credential: Some(cred.credential.clone()),
            })
        );
    }

    #[test]
    fn ice_server_refuses_stun_and_empty_lists() {
        let cred = mint(b"s", "1", NOW, DEFAULT_TTL);
        assert_eq!(ice_server(&[], &cred), Err(TurnError::NoUrls));
        let urls = vec!["turn:a.example:3478".to_owned(), "stun:a.example:3478".to_owned()];
        assert_eq!(
            ice_server(&urls, &cred),
            Err(TurnError::NotTurn("stun:a.example:3478".to_owned()))
        );
        let no_scheme = vec!["turn.example.com".to_owned()];
        assert!(matches!(ice_server(&no_scheme, &cred), Err(TurnError::NotTurn(_))));
    }
}
