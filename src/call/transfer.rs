//! File transfer over a data channel: the control messages, the limits, and the receiver's
//! accounting. The channel is ordered and reliable, so a file is an `offer`, its bytes as binary
//! frames, then `done` (or `cancel` from either side at any time).

use crate::i18n::*;
use crate::protocol::PeerId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Largest file sent or accepted: 100 MB.
pub const MAX_FILE_BYTES: u64 = 100 * 1000 * 1000;
/// [`MAX_FILE_BYTES`] in MB, as the page states the limit.
pub const MAX_FILE_MB: u64 = MAX_FILE_BYTES / (1000 * 1000);
/// Bytes per binary frame (safe for every browser's SCTP message size).
pub const CHUNK_BYTES: usize = 16 * 1024;
/// The sender pauses while this much is queued on the channel...
pub const HIGH_WATER: u32 = 1024 * 1024;
/// ...and goes on when the queue drains below this (`bufferedAmountLowThreshold`).
pub const LOW_WATER: u32 = 256 * 1024;

/// A text frame on the file channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FileControl {
    /// A file follows.
    Offer {
        /// The sender's number for it.
        id: u32,
        /// Original file name.
        name: String,
        /// Size in bytes.
        size: u64,
    },
    /// All bytes of `id` were sent.
    Done {
        /// Which file.
        id: u32,
    },
    /// Stop `id` (the sender gave up, or the receiver does not want it).
    Cancel {
        /// Which file.
        id: u32,
    },
}

/// Why a file cannot be sent, is refused, or did not arrive.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum FileError {
    /// Over [`MAX_FILE_BYTES`].
    #[error("files are limited to 100 MB; this one is {0} bytes")]
    TooLarge(u64),
    /// More bytes arrived than were announced, or bytes with no file announced.
    #[error("the sender sent more than it announced")]
    Overflow,
    /// A done before all bytes arrived.
    #[error("the file arrived incomplete ({got} of {want} bytes)")]
    Incomplete {
        /// Bytes received.
        got: u64,
        /// Bytes announced.
        want: u64,
    },
    /// No open file channel to anyone the file was meant for.
    #[error("nobody is connected to receive it")]
    NoRecipients,
    /// Everyone an outgoing file was going to left (or cancelled) before it was sent.
    #[error("everyone it was going to has left")]
    RecipientsLeft,
    /// The sender of an incoming file left before it arrived.
    #[error("the sender left before the file arrived")]
    SenderLeft,
    /// The browser failed to read, send or assemble the file; its exception text.
    #[error("the transfer failed: {0}")]
    Browser(String),
}

impl FileError {
    /// The reason as the user reads it, in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            FileError::TooLarge(bytes) => {
                td_string!(locale, chat.file_too_large, max = MAX_FILE_MB, bytes = *bytes)
                    .to_string()
            }
            FileError::Overflow => td_string!(locale, chat.file_overflow).to_string(),
            FileError::Incomplete { got, want } => {
                td_string!(locale, chat.file_incomplete, got = *got, want = *want).to_string()
            }
            FileError::NoRecipients => td_string!(locale, chat.no_recipients).to_string(),
            FileError::RecipientsLeft => td_string!(locale, chat.recipients_left).to_string(),
            FileError::SenderLeft => td_string!(locale, chat.sender_left).to_string(),
            FileError::Browser(detail) => {
                td_string!(locale, chat.transfer_failed, detail = detail).to_string()
            }
        }
    }
}

/// Checks a file before sending it.
pub fn check_size(size: u64) -> Result<(), FileError> {
    if size > MAX_FILE_BYTES {
        return Err(FileError::TooLarge(size));
    }
    Ok(())
}

/// Who an outgoing file is still going to. A recipient drops out when they cancel, leave, or
/// their channel closes or refuses a chunk; the sender stops once nobody is left.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipients {
    live: BTreeSet<PeerId>,
}

impl Recipients {
    /// Everyone the file is sent to.
    pub fn new(peers: impl IntoIterator<Item = PeerId>) -> Self {
        Self { live: peers.into_iter().collect() }
    }

    /// `peer` is out; true if they were still in.
    pub fn drop_out(&mut self, peer: PeerId) -> bool {
        self.live.remove(&peer)
    }

    /// Whether `peer` still gets the bytes.
    pub fn gets(&self, peer: PeerId) -> bool {
        self.live.contains(&peer)
    }

    /// Nobody is left to send to.
    pub fn all_gone(&self) -> bool {
        self.live.is_empty()
    }
}

/// What a receiver knows about the file coming in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    /// The sender's id for it.
    pub id: u32,
    /// Announced size.
    pub size: u64,
    /// Bytes so far.
    pub received: u64,
}

impl Incoming {
    /// Accepts an offer (refused when too large).
    pub fn offer(id: u32, size: u64) -> Result<Self, FileError> {
        check_size(size)?;
        Ok(Self { id, size, received: 0 })
    }

    /// Counts a chunk; refuses one that goes past the announced size.
    pub fn chunk(&mut self, len: usize) -> Result<(), FileError> {
        let next = self.received + len as u64;
        if next > self.size {
            return Err(FileError::Overflow);
        }
        self.received = next;
        Ok(())
    }

    /// The sender says it is complete: true only if every byte arrived.
    pub fn done(&self) -> Result<(), FileError> {
        if self.received != self.size {
            return Err(FileError::Incomplete { got: self.received, want: self.size });
        }
        Ok(())
    }

    /// Progress in 0..=1.
    pub fn progress(&self) -> f64 {
        if self.size == 0 {
            1.0
        } else {
            self.received as f64 / self.size as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_limit_is_checked_on_both_ends() {
        assert!(check_size(MAX_FILE_BYTES).is_ok());
        assert_eq!(check_size(MAX_FILE_BYTES + 1), Err(FileError::TooLarge(MAX_FILE_BYTES + 1)));
        assert_eq!(
            Incoming::offer(1, MAX_FILE_BYTES + 1),
            Err(FileError::TooLarge(MAX_FILE_BYTES + 1))
        );
    }

    #[test]
    fn a_receiver_counts_bytes_and_refuses_more_than_announced() {
        let mut f = Incoming::offer(7, 20_000).unwrap();
        f.chunk(CHUNK_BYTES).unwrap();
        assert!(matches!(f.done(), Err(FileError::Incomplete { .. })));
        f.chunk(20_000 - CHUNK_BYTES).unwrap();
        assert_eq!(f.progress(), 1.0);
        assert!(f.done().is_ok());
        assert_eq!(f.chunk(1), Err(FileError::Overflow));
    }

    #[test]
    fn a_send_goes_on_while_anyone_is_left_to_receive_it() {
        let (ann, bo) = (PeerId(1), PeerId(2));
        let mut to = Recipients::new([ann, bo]);
        assert!(to.gets(ann) && to.gets(bo) && !to.all_gone());
        assert!(to.drop_out(bo));
        assert!(!to.drop_out(bo), "a second drop of the same person changes nothing");
        assert!(to.gets(ann) && !to.gets(bo) && !to.all_gone());
        assert!(to.drop_out(ann));
        assert!(to.all_gone());
        assert!(!to.drop_out(PeerId(9)), "someone it never went to");
    }

    #[test]
    fn control_frames_have_a_tagged_wire_format() {
        let offer = FileControl::Offer { id: 3, name: "a b.txt".into(), size: 5 };
        let text = serde_json::to_string(&offer).unwrap();
        assert_eq!(text, r#"{"type":"offer","id":3,"name":"a b.txt","size":5}"#);
        assert_eq!(serde_json::from_str::<FileControl>(&text).unwrap(), offer);
        assert!(serde_json::from_str::<FileControl>(r#"{"type":"offer","id":1}"#).is_err());
    }

    #[test]
    fn refusals_read_in_english_and_korean() {
        let big = FileError::TooLarge(MAX_FILE_BYTES + 1);
        assert_eq!(
            big.message(Locale::en),
            "Files are limited to 100 MB; this one is 100000001 bytes."
        );
        assert_eq!(
            big.message(Locale::ko),
            "파일은 100MB까지 보낼 수 있습니다. 이 파일은 100000001바이트입니다."
        );
        let short = FileError::Incomplete { got: 1, want: 2 };
        assert_eq!(short.message(Locale::en), "The file arrived incomplete (1 of 2 bytes).");
        assert_eq!(
            short.message(Locale::ko),
            "파일이 모두 도착하지 않았습니다(2바이트 중 1바이트)."
        );
        assert_eq!(
            FileError::SenderLeft.message(Locale::en),
            "The sender left before the file arrived."
        );
        assert_eq!(
            FileError::RecipientsLeft.message(Locale::ko),
            "받을 사람이 모두 나가서 보내지 못했습니다."
        );
        let browser = FileError::Browser("NetworkError: gone".into());
        assert_eq!(browser.message(Locale::en), "The transfer failed: NetworkError: gone");
        assert_eq!(browser.message(Locale::ko), "전송하지 못했습니다: NetworkError: gone");
    }
}
