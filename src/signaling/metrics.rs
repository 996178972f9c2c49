//! What an operator scrapes at `/metrics` (Prometheus text format): sockets, rooms, messages
//! in, signals relayed, messages refused by reason, and the hub's queue. The driver counts as it
//! routes; the page renders a snapshot.

use crate::protocol::{ErrorCode, ServerMsg};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// Counters and gauges of one server.
#[derive(Debug, Default)]
pub struct Metrics {
    sockets: AtomicU64,
    rooms: AtomicU64,
    queue: AtomicU64,
    messages: AtomicU64,
    relayed: AtomicU64,
    reactions: AtomicU64,
    /// Refusals by the error code's wire name (rare, so a lock is cheap).
    refused: Mutex<BTreeMap<String, u64>>,
}

impl Metrics {
    /// A text frame arrived from a socket.
    pub fn message_in(&self) {
        self.messages.fetch_add(1, Relaxed);
    }

    /// The hub sends `msg`: counts relayed signals and reactions, and refusals by reason.
    pub fn sent(&self, msg: &ServerMsg) {
        match msg {
            ServerMsg::Signal { .. } => {
                self.relayed.fetch_add(1, Relaxed);
            }
            ServerMsg::Reaction { .. } => {
                self.reactions.fetch_add(1, Relaxed);
            }
            ServerMsg::Error { code, .. } => {
                let mut refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
                *refused.entry(code_name(*code)).or_default() += 1;
            }
            _ => {}
        }
    }

    /// The gauges now: open sockets, rooms with a seat, inputs waiting for the hub.
    pub fn set_gauges(&self, sockets: usize, rooms: usize, queue: usize) {
        self.sockets.store(sockets as u64, Relaxed);
        self.rooms.store(rooms as u64, Relaxed);
        self.queue.store(queue as u64, Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
        };
        metric(
            "straightface_sockets",
            "gauge",
            "Open signaling sockets.",
            self.sockets.load(Relaxed),
        );
        metric(
            "straightface_rooms",
            "gauge",
            "Rooms with at least one seat.",
            self.rooms.load(Relaxed),
        );
        metric(
            "straightface_hub_queue",
            "gauge",
            "Inputs waiting for the hub.",
            self.queue.load(Relaxed),
        );
        metric(
            "straightface_messages_total",
            "counter",
            "Text messages received from sockets.",
            self.messages.load(Relaxed),
        );
        metric(
            "straightface_signals_relayed_total",
            "counter",
            "Signals (SDP, ICE candidates) relayed to a member.",
            self.relayed.load(Relaxed),
        );
        metric(
            "straightface_reactions_relayed_total",
            "counter",
            "Reactions delivered to members.",
            self.reactions.load(Relaxed),
        );
        let _ = writeln!(
            out,
            "# HELP straightface_refused_total Messages refused, by reason.\n# TYPE straightface_refused_total counter"
        );
        let refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        for (reason, n) in refused.iter() {
            let _ = writeln!(out, "straightface_refused_total{{reason=\"{reason}\"}} {n}");
        }
        out
    }
}

/// The wire name of an error code (`rate_limited`).
fn code_name(code: ErrorCode) -> String {
    serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Whether `header` (an `Authorization` value) carries `token` as a bearer token, compared in
/// constant time.
pub fn authorized(header: Option<&str>, token: &str) -> bool {
    let Some(given) = header.and_then(|h| h.strip_prefix("Bearer ")) else { return false };
    given.len() == token.len()
        && given.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{PeerId, Reaction, Signal};

    #[test]
    fn counts_relays_reactions_and_refusals_by_reason() {
        let m = Metrics::default();
        m.message_in();
        let signal =
            Signal::Candidate { candidate: "c".into(), sdp_mid: None, sdp_m_line_index: None };
        m.sent(&ServerMsg::Signal { from: PeerId(1), signal });
        m.sent(&ServerMsg::Reaction { from: PeerId(1), reaction: Reaction::Joy });
        m.sent(&ServerMsg::error(ErrorCode::RateLimited, "slow down"));
        m.sent(&ServerMsg::error(ErrorCode::RateLimited, "slow down"));
        m.sent(&ServerMsg::error(ErrorCode::Malformed, "bad"));
        m.sent(&ServerMsg::Pong);
        m.set_gauges(4, 2, 0);
        let text = m.render();
        for line in [
            "straightface_sockets 4",
            "straightface_rooms 2",
            "straightface_messages_total 1",
            "straightface_signals_relayed_total 1",
            "straightface_reactions_relayed_total 1",
            "straightface_refused_total{reason=\"rate_limited\"} 2",
            "straightface_refused_total{reason=\"malformed\"} 1",
            "# TYPE straightface_refused_total counter",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing from\n{text}");
        }
    }

    #[test]
    fn only_the_exact_bearer_token_is_let_in() {
        assert!(authorized(Some("Bearer s3cret"), "s3cret"));
        assert!(!authorized(Some("Bearer s3cre"), "s3cret"));
        assert!(!authorized(Some("Bearer s3cretX"), "s3cret"));
        assert!(!authorized(Some("s3cret"), "s3cret"));
        assert!(!authorized(None, "s3cret"));
    }
}
