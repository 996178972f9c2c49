//! Signals, most of what a call's sockets say, relayed with their payload as it came. The
//! payload is parsed once to check that it is a [`Signal`], then copied into the relayed
//! message as it is: re-serializing it escaped every SDP's line breaks again, the largest
//! user-space cost of a relay (README, "Capacity").

use super::{ConnId, Hub, Member, Output};
use crate::protocol::{ErrorCode, PeerId, ServerMsg, Signal};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt::Write;

/// A `signal` message's recipient and its payload, unparsed.
#[derive(Deserialize)]
struct Incoming<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    to: PeerId,
    #[serde(borrow)]
    signal: &'a RawValue,
}

/// A client's `signal` message, with its payload checked; `None` for any other message, or one
/// this cannot read (the hub's full parse then answers it as any other).
pub(super) fn signal(text: &str) -> Option<(PeerId, &RawValue)> {
    let incoming: Incoming<'_> = serde_json::from_str(text).ok()?;
    let valid =
        incoming.kind == "signal" && serde_json::from_str::<Signal>(incoming.signal.get()).is_ok();
    valid.then_some((incoming.to, incoming.signal))
}

/// A relayed signal, as it goes out: the text of `ServerMsg::Signal { from, signal }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relayed(String);

impl Relayed {
    fn new(from: PeerId, signal: &RawValue) -> Self {
        let signal = signal.get();
        let mut text = String::with_capacity(signal.len() + 48);
        let _ = write!(text, r#"{{"type":"signal","from":{},"signal":{signal}}}"#, from.0);
        Self(text)
    }

    /// The message's text.
    pub fn into_text(self) -> String {
        self.0
    }
}

impl Hub {
    /// `conn` asks to relay `signal` to `to`: it goes to that seat's socket if `to` is another
    /// member of `conn`'s room and connected; otherwise `conn` is told why not.
    pub(super) fn relay(
        &mut self,
        conn: ConnId,
        to: PeerId,
        signal: &RawValue,
        out: &mut Vec<Output>,
    ) {
        let Some((room, from)) = self.seat_of(conn) else {
            return out.push(Output::Send(conn, super::not_joined()));
        };
        let member = self.rooms.get(&room).and_then(|r| r.members.get(&to));
        let reply = match member {
            Some(Member { conn: Some(dest), .. }) if to != from => {
                return out.push(Output::Relay(*dest, Relayed::new(from, signal)));
            }
            Some(Member { conn: None, .. }) => {
                ServerMsg::error(ErrorCode::PeerAway, format!("peer {to} is reconnecting"))
            }
            _ => ServerMsg::error(ErrorCode::UnknownPeer, format!("peer {to} is not in your room")),
        };
        out.push(Output::Send(conn, reply));
    }
}

/// What the hub sends `to` when `from` signals `signal` (for tests).
#[cfg(test)]
pub fn relayed(from: PeerId, signal: &Signal) -> Relayed {
    let raw = serde_json::value::to_raw_value(signal).expect("a signal serializes");
    Relayed::new(from, &raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ClientMsg, SdpType};

    fn offer() -> Signal {
        Signal::Description { sdp_type: SdpType::Offer, sdp: "v=0\r\no=- \"quoted\" 1\r\n".into() }
    }

    #[test]
    fn a_relayed_signal_reads_as_the_servers_signal_message() {
        let text =
            serde_json::to_string(&ClientMsg::Signal { to: PeerId(4), signal: offer() }).unwrap();
        let (to, raw) = signal(&text).unwrap();
        assert_eq!(to, PeerId(4));
        let sent: ServerMsg = serde_json::from_str(&Relayed::new(PeerId(9), raw).0).unwrap();
        assert_eq!(sent, ServerMsg::Signal { from: PeerId(9), signal: offer() });
    }

    #[test]
    fn only_a_well_formed_signal_takes_the_short_way() {
        for text in [
            r#"{"type":"join","to":1,"signal":{"kind":"description","sdp_type":"offer","sdp":""}}"#,
            r#"{"type":"signal","to":1,"signal":{"kind":"description","sdp_type":"nope","sdp":""}}"#,
            r#"{"type":"signal","to":1,"signal":{"kind":"candidate"}}"#,
            r#"{"type":"signal","to":"x","signal":{"kind":"description","sdp_type":"offer","sdp":""}}"#,
            r#"{"type":"signal","to":1,"signal":"#,
        ] {
            assert!(signal(text).is_none(), "{text}");
        }
    }
}
