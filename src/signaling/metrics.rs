//! What an operator scrapes at `/metrics` (Prometheus text format): sockets, rooms, messages
//! in, signals relayed, messages refused by reason, each hub shard's queue, and what the
//! browsers measured (the guide's checklist: connection success, latency, packet loss) as
//! histograms. The drivers count as they route; the page renders a snapshot.

use crate::protocol::{CallReport, ErrorCode, ServerMsg};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// Counters and gauges of one server.
#[derive(Debug)]
pub struct Metrics {
    /// Per hub shard.
    shards: Vec<Gauges>,
    messages: AtomicU64,
    relayed: AtomicU64,
    reactions: AtomicU64,
    /// Welcomes that found someone to connect to.
    joins_with_peers: AtomicU64,
    /// Refusals by the error code's wire name (rare, so a lock is cheap).
    refused: Mutex<BTreeMap<String, u64>>,
    /// Seconds from a welcome to the first connected peer, as the browsers report it.
    connect: Histogram,
    /// Round-trip time of calls, seconds.
    rtt: Histogram,
    /// Packet loss of calls, as a ratio.
    loss: Histogram,
}

/// A Prometheus histogram: cumulative buckets, a count and a sum.
#[derive(Debug)]
struct Histogram {
    bounds: &'static [f64],
    /// Per bound, observations at most that; the last is +Inf.
    counts: Vec<AtomicU64>,
    /// The sum of the observations, in millionths.
    sum_micros: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        let counts = (0..=bounds.len()).map(|_| AtomicU64::default()).collect();
        Self { bounds, counts, sum_micros: AtomicU64::default() }
    }

    fn observe(&self, value: f64) {
        let bucket = self.bounds.iter().position(|&b| value <= b).unwrap_or(self.bounds.len());
        self.counts[bucket].fetch_add(1, Relaxed);
        self.sum_micros.fetch_add((value * 1e6).round() as u64, Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut seen = 0;
        for (i, count) in self.counts.iter().enumerate() {
            seen += count.load(Relaxed);
            let le = self.bounds.get(i).map_or("+Inf".to_owned(), |b| b.to_string());
            let _ = writeln!(out, "{name}_bucket{{le=\"{le}\"}} {seen}");
        }
        let sum = self.sum_micros.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {seen}");
    }
}

/// What one hub shard holds now.
#[derive(Debug, Default)]
struct Gauges {
    sockets: AtomicU64,
    rooms: AtomicU64,
    queue: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(1)
    }
}

impl Metrics {
    /// The metrics of a server whose hub runs as `shards` actors.
    pub fn new(shards: usize) -> Self {
        Self {
            shards: (0..shards.max(1)).map(|_| Gauges::default()).collect(),
            messages: AtomicU64::default(),
            relayed: AtomicU64::default(),
            reactions: AtomicU64::default(),
            joins_with_peers: AtomicU64::default(),
            refused: Mutex::default(),
            connect: Histogram::new(&[0.5, 1.0, 2.0, 5.0, 10.0, 30.0]),
            rtt: Histogram::new(&[0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6]),
            loss: Histogram::new(&[0.001, 0.01, 0.02, 0.05, 0.1, 0.2]),
        }
    }

    /// A browser's call report (already checked by the hub).
    pub fn report(&self, report: &CallReport) {
        if let Some(ms) = report.connected_ms {
            self.connect.observe(f64::from(ms) / 1000.0);
        }
        if let Some(ms) = report.rtt_ms {
            self.rtt.observe(ms / 1000.0);
        }
        if let Some(pct) = report.loss_pct {
            self.loss.observe(pct / 100.0);
        }
    }

    /// A text frame arrived from a socket.
    pub fn message_in(&self) {
        self.messages.fetch_add(1, Relaxed);
    }

    /// A signal was relayed.
    pub fn relayed(&self) {
        self.relayed.fetch_add(1, Relaxed);
    }

    /// The hub sends `msg`: counts relayed signals and reactions, and refusals by reason.
    pub fn sent(&self, msg: &ServerMsg) {
        match msg {
            ServerMsg::Signal { .. } => self.relayed(),
            ServerMsg::Reaction { .. } => {
                self.reactions.fetch_add(1, Relaxed);
            }
            ServerMsg::Welcome { peers, .. } if !peers.is_empty() => {
                self.joins_with_peers.fetch_add(1, Relaxed);
            }
            ServerMsg::Error { code, .. } => {
                let mut refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
                *refused.entry(code_name(*code)).or_default() += 1;
            }
            _ => {}
        }
    }

    /// Shard `shard`'s gauges now: its open sockets, its rooms with a seat, the inputs waiting
    /// for it.
    pub fn set_gauges(&self, shard: usize, sockets: usize, rooms: usize, queue: usize) {
        let Some(gauges) = self.shards.get(shard) else { return };
        gauges.sockets.store(sockets as u64, Relaxed);
        gauges.rooms.store(rooms as u64, Relaxed);
        gauges.queue.store(queue as u64, Relaxed);
    }

    fn total(&self, gauge: impl Fn(&Gauges) -> &AtomicU64) -> u64 {
        self.shards.iter().map(|g| gauge(g).load(Relaxed)).sum()
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
            self.total(|g| &g.sockets),
        );
        metric(
            "straightface_rooms",
            "gauge",
            "Rooms with at least one seat.",
            self.total(|g| &g.rooms),
        );
        metric(
            "straightface_hub_shards",
            "gauge",
            "Hub actors the rooms are spread over.",
            self.shards.len() as u64,
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
        metric(
            "straightface_joins_with_peers_total",
            "counter",
            "Seats taken in a room that had someone to connect to.",
            self.joins_with_peers.load(Relaxed),
        );
        self.connect.render(
            &mut out,
            "straightface_join_connected_seconds",
            "From a seat to the first connected peer, as browsers report it (once per seat).",
        );
        self.rtt.render(
            &mut out,
            "straightface_call_rtt_seconds",
            "Round-trip time of calls, as browsers report it (a seat at most every 30 s).",
        );
        self.loss.render(
            &mut out,
            "straightface_call_loss_ratio",
            "Packet loss of calls, as browsers report it (a seat at most every 30 s).",
        );
        let _ = writeln!(
            out,
            "# HELP straightface_hub_queue Inputs waiting for a hub shard.\n# TYPE straightface_hub_queue gauge"
        );
        for (shard, gauges) in self.shards.iter().enumerate() {
            let queue = gauges.queue.load(Relaxed);
            let _ = writeln!(out, "straightface_hub_queue{{shard=\"{shard}\"}} {queue}");
        }
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
        let m = Metrics::new(2);
        m.message_in();
        let signal =
            Signal::Candidate { candidate: "c".into(), sdp_mid: None, sdp_m_line_index: None };
        m.sent(&ServerMsg::Signal { from: PeerId(1), signal });
        m.sent(&ServerMsg::Reaction { from: PeerId(1), reaction: Reaction::Joy });
        m.sent(&ServerMsg::error(ErrorCode::RateLimited, "slow down"));
        m.sent(&ServerMsg::error(ErrorCode::RateLimited, "slow down"));
        m.sent(&ServerMsg::error(ErrorCode::Malformed, "bad"));
        m.sent(&ServerMsg::Pong);
        m.set_gauges(0, 4, 2, 0);
        m.set_gauges(1, 1, 1, 3);
        m.set_gauges(2, 100, 100, 100);
        let text = m.render();
        for line in [
            "straightface_sockets 5",
            "straightface_rooms 3",
            "straightface_hub_shards 2",
            "straightface_hub_queue{shard=\"0\"} 0",
            "straightface_hub_queue{shard=\"1\"} 3",
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
    fn call_reports_fill_histograms_and_joins_with_someone_there_are_counted() {
        let m = Metrics::new(1);
        m.report(&CallReport { connected_ms: Some(1500), rtt_ms: Some(30.0), loss_pct: Some(1.5) });
        m.report(&CallReport { connected_ms: Some(12_000), ..Default::default() });
        let welcome = |peers| ServerMsg::Welcome {
            you: PeerId(2),
            room: crate::protocol::RoomId::parse("aaaaaaaaaaaaaaaaaaaaaa").unwrap(),
            peers,
            ticket: String::new(),
            ice_servers: vec![],
        };
        m.sent(&welcome(vec![]));
        m.sent(&welcome(vec![crate::protocol::PeerInfo { id: PeerId(1), name: "Ann".into() }]));
        let text = m.render();
        for line in [
            "straightface_joins_with_peers_total 1",
            "straightface_join_connected_seconds_bucket{le=\"1\"} 0",
            "straightface_join_connected_seconds_bucket{le=\"2\"} 1",
            "straightface_join_connected_seconds_bucket{le=\"10\"} 1",
            "straightface_join_connected_seconds_bucket{le=\"30\"} 2",
            "straightface_join_connected_seconds_bucket{le=\"+Inf\"} 2",
            "straightface_join_connected_seconds_sum 13.5",
            "straightface_join_connected_seconds_count 2",
            "straightface_call_rtt_seconds_bucket{le=\"0.025\"} 0",
            "straightface_call_rtt_seconds_bucket{le=\"0.05\"} 1",
            "straightface_call_loss_ratio_bucket{le=\"0.01\"} 0",
            "straightface_call_loss_ratio_bucket{le=\"0.02\"} 1",
            "# TYPE straightface_call_loss_ratio histogram",
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
