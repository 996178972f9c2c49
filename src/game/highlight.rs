//! Highlights: the rules ask one player's client to capture its own frame at a round's best
//! moment, and later accept that player's upload for that request only.
//!
//! Every request the rules issue has an id unique within its [`Game`](super::Game), is
//! answerable for `capture_ttl` (an upload at or after `issued + ttl` is refused as expired),
//! and is answered once. A request can be *withdrawn* when a stronger laugh in the same round
//! supersedes it; an upload for it is refused, and one already stored should be deleted. The
//! JPEG itself is checked by the pure [`validate_jpeg`] before the upload notice reaches the
//! rules.

use crate::ids::PeerId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Largest highlight accepted: 300 KiB.
pub const MAX_HIGHLIGHT_BYTES: usize = 300 * 1024;
/// Every JPEG starts with SOI (FF D8) and the first marker's FF (ITU-T T.81 §B.1.1.3, §B.2.1).
const JPEG_MAGIC: [u8; 3] = [0xFF, 0xD8, 0xFF];

/// Sent to one player: capture your local frame now and upload it under `id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureRequest {
    /// Unique within the game's room; quote it in the upload.
    pub id: u64,
    /// The player whose camera to capture (the only one who may upload it).
    pub player: PeerId,
    /// The round of the moment.
    pub round: u32,
}

/// A highlight the rules accepted: the server may keep the uploaded image under these keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlight {
    /// Which game of the room (1, 2, …).
    pub game: u32,
    /// The capture request answered.
    pub request_id: u64,
    /// Whose face.
    pub player: PeerId,
    /// Which round.
    pub round: u32,
}

/// Why an upload (or its notice) was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HighlightError {
    /// No such request (never issued, or forgotten after a later game started).
    #[error("there is no capture request {0}")]
    UnknownRequest(u64),
    /// The request was made to another player.
    #[error("capture request {0} was not made to you")]
    NotYours(u64),
    /// The request is older than the capture deadline.
    #[error("capture request {0} has expired")]
    Expired(u64),
    /// The request was already answered.
    #[error("capture request {0} was already answered")]
    AlreadyUploaded(u64),
    /// A stronger moment in the same round replaced the request.
    #[error("capture request {0} was withdrawn")]
    Withdrawn(u64),
    /// The image is larger than [`MAX_HIGHLIGHT_BYTES`].
    #[error("a highlight has at most {MAX_HIGHLIGHT_BYTES} bytes, this one has {0}")]
    TooLarge(usize),
    /// The bytes do not start like a JPEG.
    #[error("a highlight must be a JPEG image")]
    NotJpeg,
}

/// Checks an uploaded highlight: at most [`MAX_HIGHLIGHT_BYTES`], JPEG magic bytes `FF D8 FF`.
pub fn validate_jpeg(bytes: &[u8]) -> Result<(), HighlightError> {
    if bytes.len() > MAX_HIGHLIGHT_BYTES {
        return Err(HighlightError::TooLarge(bytes.len()));
    }
    if !bytes.starts_with(&JPEG_MAGIC) {
        return Err(HighlightError::NotJpeg);
    }
    Ok(())
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureState {
    /// Waiting for the upload.
    Pending,
    /// Answered.
    Uploaded,
    /// Superseded by a stronger moment.
    Withdrawn,
}

/// One issued request.
#[derive(Clone, Debug, PartialEq)]
pub struct Capture {
    /// Which game of the room.
    pub game: u32,
    /// Whose camera.
    pub player: PeerId,
    /// Which round.
    pub round: u32,
    /// When it was issued.
    pub issued_at: Duration,
    /// Where it stands.
    pub state: CaptureState,
}

/// Every capture request of a room that may still be answered or reported.
#[derive(Clone, Debug, Default)]
pub struct Captures {
    next_id: u64,
    requests: BTreeMap<u64, Capture>,
}

impl Captures {
    /// Issues a new request.
    pub fn issue(
        &mut self,
        game: u32,
        player: PeerId,
        round: u32,
        now: Duration,
    ) -> CaptureRequest {
        self.next_id += 1;
        let id = self.next_id;
        let state = CaptureState::Pending;
        self.requests.insert(id, Capture { game, player, round, issued_at: now, state });
        CaptureRequest { id, player, round }
    }

    /// Withdraws request `id`; returns its player if it was not withdrawn already.
    pub fn withdraw(&mut self, id: u64) -> Option<PeerId> {
        let capture = self.requests.get_mut(&id)?;
        if capture.state == CaptureState::Withdrawn {
            return None;
        }
        capture.state = CaptureState::Withdrawn;
        Some(capture.player)
    }

    /// Accepts `peer`'s upload for request `id` at `now`, or says why not (changing nothing).
    pub fn accept(
        &mut self,
        now: Duration,
        peer: PeerId,
        id: u64,
        ttl: Duration,
    ) -> Result<Highlight, HighlightError> {
        let c = self.requests.get_mut(&id).ok_or(HighlightError::UnknownRequest(id))?;
        if c.player != peer {
            return Err(HighlightError::NotYours(id));
        }
        match c.state {
            CaptureState::Uploaded => return Err(HighlightError::AlreadyUploaded(id)),
            CaptureState::Withdrawn => return Err(HighlightError::Withdrawn(id)),
            CaptureState::Pending if now >= c.issued_at + ttl => {
                return Err(HighlightError::Expired(id))
            }
            CaptureState::Pending => {}
        }
        c.state = CaptureState::Uploaded;
        Ok(Highlight { game: c.game, request_id: id, player: peer, round: c.round })
    }

    /// Request `id`, if it is still known.
    pub fn get(&self, id: u64) -> Option<&Capture> {
        self.requests.get(&id)
    }

    /// Forgets every request that can no longer be answered (keeps ids unique).
    pub fn prune(&mut self, now: Duration, ttl: Duration) {
        self.requests.retain(|_, c| c.state == CaptureState::Pending && now < c.issued_at + ttl);
    }
}
