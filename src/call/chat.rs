//! In-call chat over each peer connection's data channel: the wire format, the limits and the
//! log the panel shows. Plain Rust; the browser side only moves strings.
//!
//! A message is sent on every open channel of the mesh (one per remote participant), so the
//! sender of a received message is the participant whose connection it came on: it cannot be
//! forged by the text. Nothing is stored anywhere: someone who joins later sees messages from
//! their join on.

use crate::i18n::*;
use crate::protocol::PeerId;
use serde::{Deserialize, Serialize};

/// Longest message, in characters.
pub const MAX_CHAT_CHARS: usize = 1000;
/// Largest frame accepted from a data channel (a message of 1000 four-byte characters, escaped).
pub const MAX_CHAT_FRAME: usize = 16 * 1024;
/// Messages kept in the panel; older ones scroll away.
pub const MAX_LOG: usize = 500;

/// One chat message on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatWire {
    /// The text, shown as text (never as HTML).
    pub text: String,
    /// When it was sent, Unix milliseconds of the sender's clock.
    pub sent_at_ms: f64,
}

/// Why a message is not sent or not shown.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    /// Nothing but spaces.
    #[error("the message is empty")]
    Empty,
    /// Over [`MAX_CHAT_CHARS`].
    #[error("messages are limited to {MAX_CHAT_CHARS} characters; this one has {0}")]
    TooLong(usize),
    /// A frame that is not a chat message.
    #[error("not a chat message")]
    Malformed,
}

impl ChatError {
    /// The reason as the user reads it, in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            ChatError::Empty => td_string!(locale, chat.empty).to_string(),
            ChatError::TooLong(count) => {
                td_string!(locale, chat.too_long, max = MAX_CHAT_CHARS, count = *count).to_string()
            }
            ChatError::Malformed => td_string!(locale, chat.malformed).to_string(),
        }
    }
}

/// The text to send, trimmed, or why not.
pub fn check_outgoing(text: &str) -> Result<String, ChatError> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars == 0 {
        return Err(ChatError::Empty);
    }
    if chars > MAX_CHAT_CHARS {
        return Err(ChatError::TooLong(chars));
    }
    Ok(text.to_owned())
}

/// A received frame as a message, with the same limits as sending.
pub fn parse_incoming(frame: &str) -> Result<ChatWire, ChatError> {
    if frame.len() > MAX_CHAT_FRAME {
        return Err(ChatError::Malformed);
    }
    let wire: ChatWire = serde_json::from_str(frame).map_err(|_| ChatError::Malformed)?;
    let text = check_outgoing(&wire.text)?;
    if !wire.sent_at_ms.is_finite() {
        return Err(ChatError::Malformed);
    }
    Ok(ChatWire { text, ..wire })
}

/// One line of the chat panel.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatLine {
    /// Number in the log, for keyed lists.
    pub n: u64,
    /// The sender, or `None` for our own messages.
    pub from: Option<PeerId>,
    /// The sender's display name (unused for ours: the panel shows "You" in the reader's
    /// language).
    pub name: String,
    /// The text.
    pub text: String,
    /// Local time of sending, "HH:MM".
    pub time: String,
}

/// The messages of this visit and how many arrived unseen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatLog {
    /// Oldest first, at most [`MAX_LOG`].
    pub lines: Vec<ChatLine>,
    /// Messages from others since the panel was last open.
    pub unread: u32,
    next: u64,
}

impl ChatLog {
    /// Adds a line; one from someone else while the panel is closed counts as unread.
    pub fn push(
        &mut self,
        from: Option<PeerId>,
        name: String,
        text: String,
        time: String,
        open: bool,
    ) {
        self.next += 1;
        if from.is_some() && !open {
            self.unread += 1;
        }
        self.lines.push(ChatLine { n: self.next, from, name, text, time });
        if self.lines.len() > MAX_LOG {
            self.lines.remove(0);
        }
    }

    /// The panel was opened: everything is read.
    pub fn mark_read(&mut self) {
        self.unread = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outgoing_text_is_trimmed_and_limited() {
        assert_eq!(check_outgoing("  hi  "), Ok("hi".into()));
        assert_eq!(check_outgoing("   "), Err(ChatError::Empty));
        assert_eq!(check_outgoing(&"가".repeat(1000)).map(|t| t.chars().count()), Ok(1000));
        assert_eq!(check_outgoing(&"가".repeat(1001)), Err(ChatError::TooLong(1001)));
    }

    #[test]
    fn incoming_frames_are_checked_like_outgoing_ones() {
        let ok = serde_json::to_string(&ChatWire { text: " <b>hi</b> ".into(), sent_at_ms: 1.0 })
            .unwrap();
        assert_eq!(parse_incoming(&ok).unwrap().text, "<b>hi</b>");
        assert_eq!(parse_incoming("not json"), Err(ChatError::Malformed));
        assert_eq!(parse_incoming(r#"{"text":"x"}"#), Err(ChatError::Malformed));
        let long =
            serde_json::to_string(&ChatWire { text: "a".repeat(1001), sent_at_ms: 1.0 }).unwrap();
        assert_eq!(parse_incoming(&long), Err(ChatError::TooLong(1001)));
        assert_eq!(parse_incoming(&"x".repeat(MAX_CHAT_FRAME + 1)), Err(ChatError::Malformed));
    }

    #[test]
    fn unread_counts_only_others_while_closed() {
        let mut log = ChatLog::default();
        log.push(None, "You".into(), "a".into(), "10:00".into(), false);
        log.push(Some(PeerId(2)), "Bo".into(), "b".into(), "10:00".into(), false);
        log.push(Some(PeerId(2)), "Bo".into(), "c".into(), "10:01".into(), true);
        assert_eq!(log.unread, 1);
        log.mark_read();
        assert_eq!(log.unread, 0);
        for i in 0..MAX_LOG + 5 {
            log.push(None, "You".into(), i.to_string(), String::new(), true);
        }
        assert_eq!(log.lines.len(), MAX_LOG);
        assert!(log.lines.windows(2).all(|w| w[0].n < w[1].n));
    }

    #[test]
    fn refusals_read_in_english_and_korean() {
        let long = ChatError::TooLong(1001);
        assert_eq!(
            long.message(Locale::en),
            "Messages are limited to 1000 characters; this one has 1001."
        );
        assert_eq!(
            long.message(Locale::ko),
            "메시지는 1000자까지 보낼 수 있습니다. 이 메시지는 1001자입니다."
        );
        assert_eq!(ChatError::Empty.message(Locale::en), "The message is empty.");
        assert_eq!(ChatError::Empty.message(Locale::ko), "메시지가 비어 있습니다.");
    }
}
