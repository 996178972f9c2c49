//! Call quality of one peer connection, from one `getStats()` snapshot per second.
//!
//! The browser side copies a few numbers out of the stats report into a [`StatsSample`] (W3C
//! "Identifiers for WebRTC's Statistics API": `inbound-rtp`, `outbound-rtp`, the selected
//! `candidate-pair` and its `local-candidate`) and feeds it to a [`QualityMeter`], which derives
//! per-interval rates, classifies the call as [`Quality::Good`], [`Quality::Fair`] or
//! [`Quality::Poor`], and keeps a [`HISTORY_LEN`]-entry history for a sparkline that
//! [`polyline_points`] renders to an SVG `<polyline points="…">` value.
//!
//! Cumulative counters go *down* when the connection behind them is replaced (a new
//! `RTCPeerConnection` after a rejoin, new streams after renegotiation). The meter then treats
//! the new counters as having started from zero inside the interval, so no rate is ever
//! negative and no interval is lost.

use std::cmp::Ordering;
use std::collections::VecDeque;
use std::time::Duration;

/// Entries kept in the [`History`]: one minute at one sample per second.
pub const HISTORY_LEN: usize = 60;

/// `RTCIceCandidateType` of the local candidate in use; `Relay` means the call goes through TURN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CandidateType {
    /// A local interface address.
    Host,
    /// Server reflexive: our public address as a STUN server saw it.
    Srflx,
    /// Peer reflexive: an address learned from the remote's connectivity checks.
    Prflx,
    /// A TURN relay address.
    Relay,
}

impl CandidateType {
    /// Parses the `candidateType` stats field (`host`, `srflx`, `prflx`, `relay`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "host" => Some(Self::Host),
            "srflx" => Some(Self::Srflx),
            "prflx" => Some(Self::Prflx),
            "relay" => Some(Self::Relay),
            _ => None,
        }
    }
}

/// One snapshot of the numbers the meter needs. Counters are cumulative since the connection
/// was created; a missing counter is 0, a missing measurement is `None`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatsSample {
    /// When the snapshot was taken, on the caller's monotonic clock.
    pub at: Duration,
    /// `inbound-rtp.packetsReceived`, summed over the received streams.
    pub packets_received: u64,
    /// `inbound-rtp.packetsLost`, summed; signed, since duplicates can make it negative.
    pub packets_lost: i64,
    /// `inbound-rtp.jitter`, seconds.
    pub jitter_s: Option<f64>,
    /// `candidate-pair.currentRoundTripTime`, seconds.
    pub rtt_s: Option<f64>,
    /// `outbound-rtp.bytesSent` (or the candidate pair's), summed.
    pub bytes_sent: u64,
    /// `inbound-rtp.bytesReceived` (or the candidate pair's), summed.
    pub bytes_received: u64,
    /// Video `inbound-rtp.framesDecoded`.
    pub frames_decoded: u64,
    /// Video `inbound-rtp.frameWidth`.
    pub frame_width: Option<u32>,
    /// Video `inbound-rtp.frameHeight`.
    pub frame_height: Option<u32>,
    /// Video `inbound-rtp.framesPerSecond`.
    pub fps: Option<f64>,
    /// Video codec `mimeType`, e.g. `video/VP8`.
    pub codec: Option<String>,
    /// `local-candidate.candidateType` of the selected pair.
    pub local_candidate: Option<CandidateType>,
}

/// What happened between two samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    /// Time between the two samples.
    pub elapsed: Duration,
    /// Incoming packet loss in the interval, percent; `None` when no packet was expected.
    pub loss_pct: Option<f64>,
    /// Received bitrate, kbit/s.
    pub in_kbps: f64,
    /// Sent bitrate, kbit/s.
    pub out_kbps: f64,
    /// Round-trip time at the end of the interval, ms.
    pub rtt_ms: Option<f64>,
    /// Incoming jitter at the end of the interval, ms.
    pub jitter_ms: Option<f64>,
    /// Frames decoded per second in the interval.
    pub decoded_fps: f64,
    /// The counters went down: a new connection's counters were measured from zero.
    pub counters_reset: bool,
}

/// How the call is doing, from best to worst (so `a > b` means `a` is worse).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quality {
    /// Loss and delay are unnoticeable.
    Good,
    /// Noticeable but usable.
    Fair,
    /// Conversation suffers.
    Poor,
}

/// Where the quality levels start, and how long a change must last before it is shown.
///
/// RTT limits follow ITU-T G.114 (one-way delay up to 150 ms goes unnoticed in conversation;
/// past 400 ms it is unacceptable for planning): RTT 200 ms is ~100 ms one way, RTT 500 ms is
/// ~250 ms. The loss limits are our choice: Opus FEC and video NACK/retransmission hide about
/// 2 % loss; above 8 % audio drops out and video freezes.
#[derive(Clone, Debug, PartialEq)]
pub struct Thresholds {
    /// Good needs loss below this, percent (default 2).
    pub good_loss_pct: f64,
    /// Good needs RTT below this, ms (default 200).
    pub good_rtt_ms: f64,
    /// Loss above this is poor, percent (default 8).
    pub poor_loss_pct: f64,
    /// RTT above this is poor, ms (default 500).
    pub poor_rtt_ms: f64,
    /// Consecutive worse samples before the shown level drops (default 2).
    pub degrade_after: u32,
    /// Consecutive better samples before the shown level rises (default 5).
    pub recover_after: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            good_loss_pct: 2.0,
            good_rtt_ms: 200.0,
            poor_loss_pct: 8.0,
            poor_rtt_ms: 500.0,
            degrade_after: 2,
            recover_after: 5,
        }
    }
}

/// The level one interval alone suggests; `None` if neither loss nor RTT is known.
/// An unknown measurement counts as fine, so a call is judged on what is known.
pub fn classify(loss_pct: Option<f64>, rtt_ms: Option<f64>, t: &Thresholds) -> Option<Quality> {
    if loss_pct.is_none() && rtt_ms.is_none() {
        return None;
    }
    let loss = loss_pct.unwrap_or(0.0);
    let rtt = rtt_ms.unwrap_or(0.0);
    Some(if loss > t.poor_loss_pct || rtt > t.poor_rtt_ms {
        Quality::Poor
    } else if loss < t.good_loss_pct && rtt < t.good_rtt_ms {
        Quality::Good
    } else {
        Quality::Fair
    })
}

/// Counts samples on one side of the shown level.
#[derive(Clone, Copy, Debug)]
struct Streak {
    /// Worse (`Greater`) or better (`Less`) than the shown level.
    direction: Ordering,
    count: u32,
    /// The level closest to the shown one seen in the streak: where a change lands.
    mildest: Quality,
}

/// Dwell-time hysteresis: the shown level moves only after `degrade_after` consecutive worse
/// samples or `recover_after` consecutive better ones, so one lossy second does not flash
/// "poor". Degrading is quicker than recovering: users forgive a late "good" more easily than
/// a missed "poor".
#[derive(Clone, Debug, Default)]
struct Hysteresis {
    shown: Option<Quality>,
    streak: Option<Streak>,
}

impl Hysteresis {
    fn update(&mut self, raw: Quality, t: &Thresholds) {
        let Some(shown) = self.shown else {
            self.shown = Some(raw);
            return;
        };
        let direction = raw.cmp(&shown);
        if direction == Ordering::Equal {
            self.streak = None;
            return;
        }
        let streak = match self.streak {
            Some(s) if s.direction == direction => Streak {
                direction,
                count: s.count.saturating_add(1),
                mildest: if direction == Ordering::Greater {
                    s.mildest.min(raw)
                } else {
                    s.mildest.max(raw)
                },
            },
            _ => Streak { direction, count: 1, mildest: raw },
        };
        let needed = match direction {
            Ordering::Greater => t.degrade_after,
            _ => t.recover_after,
        };
        if streak.count >= needed {
            self.shown = Some(streak.mildest);
            self.streak = None;
        } else {
            self.streak = Some(streak);
        }
    }
}

/// One sparkline entry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistoryPoint {
    /// Received bitrate, kbit/s.
    pub in_kbps: f64,
    /// Sent bitrate, kbit/s.
    pub out_kbps: f64,
    /// Round-trip time, ms.
    pub rtt_ms: Option<f64>,
}

/// Which value of a [`HistoryPoint`] to plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    /// [`HistoryPoint::in_kbps`].
    InKbps,
    /// [`HistoryPoint::out_kbps`].
    OutKbps,
    /// [`HistoryPoint::rtt_ms`].
    RttMs,
}

/// The last [`HISTORY_LEN`] intervals, oldest first (a ring buffer: the oldest entry is dropped
/// when a new one arrives at capacity).
#[derive(Clone, Debug, Default)]
pub struct History {
    points: VecDeque<HistoryPoint>,
}

impl History {
    /// Appends `point`, dropping the oldest entry when full.
    pub fn push(&mut self, point: HistoryPoint) {
        if self.points.len() == HISTORY_LEN {
            self.points.pop_front();
        }
        self.points.push_back(point);
    }

    /// Number of entries (at most [`HISTORY_LEN`]).
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether there are no entries yet.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The entries, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &HistoryPoint> {
        self.points.iter()
    }

    /// One value per entry, oldest first, ready for [`polyline_points`].
    pub fn series(&self, series: Series) -> Vec<Option<f64>> {
        self.points
            .iter()
            .map(|p| match series {
                Series::InKbps => Some(p.in_kbps),
                Series::OutKbps => Some(p.out_kbps),
                Series::RttMs => p.rtt_ms,
            })
            .collect()
    }
}

/// Renders `values` (oldest first) as the `points` attribute of an SVG `<polyline>` in a
/// `width` x `height` box: `slots` evenly spaced positions across the width, newest at the
/// right edge, so a young history grows in from the right. The largest value touches the top
/// (SVG y grows downwards), zero sits on the bottom; negative values are drawn as zero.
/// Missing or non-finite values are skipped (the line bridges them). Only the last `slots`
/// values are drawn. A zero or non-finite size, or zero slots, gives an empty string.
pub fn polyline_points(values: &[Option<f64>], slots: usize, width: f64, height: f64) -> String {
    let size_ok = width.is_finite() && width > 0.0 && height.is_finite() && height > 0.0;
    if slots == 0 || !size_ok {
        return String::new();
    }
    let shown = &values[values.len().saturating_sub(slots)..];
    let finite = || shown.iter().flatten().copied().filter(|v| v.is_finite());
    let ceiling = finite().fold(0.0, f64::max);
    let first_slot = slots - shown.len();
    let step = if slots > 1 { width / (slots - 1) as f64 } else { 0.0 };
    let mut points = Vec::with_capacity(shown.len());
    for (i, value) in shown.iter().enumerate() {
        let Some(v) = value.filter(|v| v.is_finite()) else {
            continue;
        };
        let x = if slots > 1 { (first_slot + i) as f64 * step } else { width };
        let y =
            if ceiling > 0.0 { height - v.clamp(0.0, ceiling) / ceiling * height } else { height };
        points.push(format!("{x:.1},{y:.1}"));
    }
    points.join(" ")
}

/// The cumulative counters of a sample.
#[derive(Clone, Copy, Debug, Default)]
struct Counters {
    at: Duration,
    packets_received: u64,
    packets_lost: i64,
    bytes_sent: u64,
    bytes_received: u64,
    frames_decoded: u64,
}

impl Counters {
    fn of(s: &StatsSample) -> Self {
        Self {
            at: s.at,
            packets_received: s.packets_received,
            packets_lost: s.packets_lost,
            bytes_sent: s.bytes_sent,
            bytes_received: s.bytes_received,
            frames_decoded: s.frames_decoded,
        }
    }

    /// Whether any counter that only grows went down. `packets_lost` is left out: it can
    /// legitimately shrink when late duplicates arrive (RFC 3550 §6.4.1).
    fn went_below(&self, prev: &Self) -> bool {
        self.packets_received < prev.packets_received
            || self.bytes_sent < prev.bytes_sent
            || self.bytes_received < prev.bytes_received
            || self.frames_decoded < prev.frames_decoded
    }
}

/// Derives the interval between `prev` and `now`; `None` unless time moved forward.
fn interval(prev: &Counters, now: &Counters, sample: &StatsSample) -> Option<Interval> {
    let elapsed = now.at.checked_sub(prev.at).filter(|d| !d.is_zero())?;
    let counters_reset = now.went_below(prev);
    let base = if counters_reset { Counters::default() } else { *prev };
    let secs = elapsed.as_secs_f64();
    let per_sec = |now: u64, then: u64| now.saturating_sub(then) as f64 / secs;
    Some(Interval {
        elapsed,
        loss_pct: loss_pct(
            now.packets_received.saturating_sub(base.packets_received),
            now.packets_lost.saturating_sub(base.packets_lost),
        ),
        in_kbps: per_sec(now.bytes_received, base.bytes_received) * 8.0 / 1000.0,
        out_kbps: per_sec(now.bytes_sent, base.bytes_sent) * 8.0 / 1000.0,
        rtt_ms: millis(sample.rtt_s),
        jitter_ms: millis(sample.jitter_s),
        decoded_fps: per_sec(now.frames_decoded, base.frames_decoded),
        counters_reset,
    })
}

/// Fraction lost over an interval as RFC 3550 §6.4.1 defines it: lost / expected, where
/// expected = received + lost, and a negative loss (duplicates) counts as none.
fn loss_pct(received: u64, lost: i64) -> Option<f64> {
    let lost = u64::try_from(lost).unwrap_or(0);
    let expected = received.saturating_add(lost);
    (expected > 0).then(|| lost as f64 * 100.0 / expected as f64)
}

fn millis(seconds: Option<f64>) -> Option<f64> {
    seconds.filter(|s| s.is_finite() && *s >= 0.0).map(|s| s * 1000.0)
}

/// Turns samples into intervals, a quality level and a history, for one peer connection.
#[derive(Clone, Debug, Default)]
pub struct QualityMeter {
    thresholds: Thresholds,
    prev: Option<Counters>,
    hysteresis: Hysteresis,
    history: History,
    last: Option<Interval>,
}

impl QualityMeter {
    /// A meter with the given thresholds and no samples yet.
    pub fn new(thresholds: Thresholds) -> Self {
        Self { thresholds, ..Self::default() }
    }

    /// Takes the next sample; returns the interval it closes. The first sample only sets the
    /// baseline; a sample not later than the previous one is ignored (returns `None`).
    pub fn push(&mut self, sample: &StatsSample) -> Option<Interval> {
        let now = Counters::of(sample);
        let Some(prev) = self.prev else {
            self.prev = Some(now);
            return None;
        };
        let interval = interval(&prev, &now, sample)?;
        self.prev = Some(now);
        if let Some(raw) = classify(interval.loss_pct, interval.rtt_ms, &self.thresholds) {
            self.hysteresis.update(raw, &self.thresholds);
        }
        self.history.push(HistoryPoint {
            in_kbps: interval.in_kbps,
            out_kbps: interval.out_kbps,
            rtt_ms: interval.rtt_ms,
        });
        self.last = Some(interval.clone());
        Some(interval)
    }

    /// The level to show; `None` until loss or RTT has been measured once.
    pub fn quality(&self) -> Option<Quality> {
        self.hysteresis.shown
    }

    /// The sparkline history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The most recent interval.
    pub fn last(&self) -> Option<&Interval> {
        self.last.as_ref()
    }
}

#[cfg(test)]
mod tests;
