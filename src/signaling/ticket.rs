//! Seat tickets: proof that a browser held seat `peer` in `room`, so that after its socket
//! dropped — or after the server restarted and forgot every room — it takes the same seat (and
//! peer id) back, and the calls keyed by that id keep running.
//!
//! A ticket is stateless: `base64url(HMAC-SHA256(key, room ‖ 0 ‖ peer)[..16])`. The key lives in
//! the server's data folder, so tickets survive restarts; nothing else about seats is stored.

use crate::protocol::{PeerId, RoomId};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

type HmacSha256 = Hmac<Sha256>;

/// Length of the truncated tag: 128 bits, beyond guessing.
const TAG_BYTES: usize = 16;

/// The server's ticket key.
#[derive(Clone)]
pub struct TicketKey([u8; 32]);

impl std::fmt::Debug for TicketKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TicketKey(..)")
    }
}

impl TicketKey {
    /// A key from raw bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Reads the key at `path`, or creates it there (mode 0600) from the OS generator.
    pub fn load_or_create(path: &Path) -> std::io::Result<Self> {
        if let Ok(bytes) = std::fs::read(path) {
            if let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice()) {
                return Ok(Self(key));
            }
        }
        let mut key = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write_private(path, &key)?;
        Ok(Self(key))
    }

    fn mac(&self, room: &RoomId, peer: PeerId) -> HmacSha256 {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        mac.update(room.as_str().as_bytes());
        mac.update(&[0]);
        mac.update(&peer.0.to_be_bytes());
        mac
    }

    /// The ticket for `peer` in `room`.
    pub fn issue(&self, room: &RoomId, peer: PeerId) -> String {
        let tag = self.mac(room, peer).finalize().into_bytes();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES])
    }

    /// The token nodes of one deployment show each other (`src/cluster`): every node with this
    /// key makes the same one, and nothing else can.
    pub fn node_token(&self) -> String {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        // 0xFF never occurs in a room id, so no seat ticket equals it.
        mac.update(b"\xffnode");
        let tag = mac.finalize().into_bytes();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag)
    }

    /// Whether `token` is [`node_token`](Self::node_token), compared in constant time.
    pub fn verify_node_token(&self, token: &str) -> bool {
        let Ok(tag) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token) else {
            return false;
        };
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        mac.update(b"\xffnode");
        mac.verify_slice(&tag).is_ok()
    }

    /// The public id of game number `game` of `room` on the server instance `instance`:
    /// unguessable without the key (a results page shows names and faces), stable for the
    /// instance, and different after a restart (a new instance starts counting games at 1).
    pub fn game_id(&self, room: &RoomId, instance: u64, game: u32) -> String {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        // 0xFF never occurs in a room id (ASCII), so no game id input equals a seat's.
        mac.update(b"\xffgame");
        mac.update(room.as_str().as_bytes());
        mac.update(&instance.to_be_bytes());
        mac.update(&game.to_be_bytes());
        let tag = mac.finalize().into_bytes();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES])
    }

    /// Whether `ticket` was issued for `peer` in `room` (constant-time comparison).
    pub fn verify(&self, room: &RoomId, peer: PeerId, ticket: &str) -> bool {
        let Ok(tag) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(ticket) else {
            return false;
        };
        tag.len() == TAG_BYTES && self.mac(room, peer).verify_truncated_left(&tag).is_ok()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, key: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(key)
}

#[cfg(not(unix))]
fn write_private(path: &Path, key: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(c: char) -> RoomId {
        RoomId::parse(&c.to_string().repeat(22)).unwrap()
    }

    #[test]
    fn a_ticket_verifies_only_for_its_room_and_peer() {
        let key = TicketKey::new([7; 32]);
        let t = key.issue(&room('a'), PeerId(42));
        assert_eq!(t.len(), 22);
        assert!(key.verify(&room('a'), PeerId(42), &t));
        assert!(!key.verify(&room('a'), PeerId(43), &t));
        assert!(!key.verify(&room('b'), PeerId(42), &t));
        assert!(!TicketKey::new([8; 32]).verify(&room('a'), PeerId(42), &t));
        assert!(!key.verify(&room('a'), PeerId(42), "not base64!"));
        assert!(!key.verify(&room('a'), PeerId(42), &t[..10]));
    }

    #[test]
    fn game_ids_differ_by_room_instance_and_number() {
        let key = TicketKey::new([7; 32]);
        let id = key.game_id(&room('a'), 1, 1);
        assert_eq!(id.len(), 22);
        assert_eq!(id, key.game_id(&room('a'), 1, 1));
        for other in [
            key.game_id(&room('b'), 1, 1),
            key.game_id(&room('a'), 2, 1),
            key.game_id(&room('a'), 1, 2),
            TicketKey::new([8; 32]).game_id(&room('a'), 1, 1),
        ] {
            assert_ne!(id, other);
        }
    }

    #[test]
    fn a_node_token_is_shared_by_one_key_only() {
        let (k1, k2) = (TicketKey::new([1; 32]), TicketKey::new([2; 32]));
        assert_eq!(k1.node_token(), TicketKey::new([1; 32]).node_token());
        assert!(k1.verify_node_token(&k1.node_token()));
        assert!(!k1.verify_node_token(&k2.node_token()));
        assert!(!k1.verify_node_token(""));
        assert!(!k1.verify_node_token("not base64!"));
        // A seat ticket is not a node token.
        assert!(!k1.verify_node_token(&k1.issue(&room('a'), PeerId(1))));
    }

    #[test]
    fn the_key_survives_a_restart() {
        let dir = std::env::temp_dir().join(format!("sf-ticket-{}", std::process::id()));
        let path = dir.join("seat.key");
        let _ = std::fs::remove_file(&path);
        let first = TicketKey::load_or_create(&path).unwrap();
        let again = TicketKey::load_or_create(&path).unwrap();
        let t = first.issue(&room('a'), PeerId(1));
        assert!(again.verify(&room('a'), PeerId(1), &t));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
