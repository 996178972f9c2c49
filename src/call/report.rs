//! What this browser tells the server about its call, for the operator's `/metrics`: how long
//! after taking a seat in a room with people in it the first peer connection came up (once per
//! seat; the first in a room joined nobody, so it reports no such time), and every
//! [`REPORT_EVERY_SECS`] the median round-trip time and mean packet loss of its connections.
//! Fed once a second by the driver; the server checks and limits the reports again.

use crate::protocol::{CallReport, PeerId, REPORT_EVERY_SECS};
use std::time::Duration;

/// The report schedule of one room visit.
#[derive(Clone, Debug, Default)]
pub struct Reporter {
    seat: Option<PeerId>,
    seated_at: Duration,
    /// The room had people in it when we took the seat: there is a connection to wait for.
    joined_people: bool,
    connected_sent: bool,
    measured_at: Duration,
}

/// One connection's latest measurements: round-trip time (ms) and packet loss (percent).
pub type Measured = (Option<f64>, Option<f64>);

impl Reporter {
    /// A second went by: `now` on a monotonic clock, our seat (if any), how many others are
    /// in the call, whether any peer connection is connected, and each connection's latest
    /// measurements. Gives the report to send, if one is due.
    pub fn tick(
        &mut self,
        now: Duration,
        seat: Option<PeerId>,
        (others, connected): (usize, bool),
        measured: &[Measured],
    ) -> Option<CallReport> {
        if seat != self.seat {
            let joined_people = others > 0;
            *self = Self {
                seat,
                seated_at: now,
                joined_people,
                connected_sent: false,
                measured_at: now,
            };
        }
        seat?;
        let mut report = CallReport::default();
        if connected && self.joined_people && !self.connected_sent {
            self.connected_sent = true;
            let ms = now.saturating_sub(self.seated_at).as_millis();
            report.connected_ms = Some(u32::try_from(ms).unwrap_or(u32::MAX));
        }
        if now >= self.measured_at + Duration::from_secs(REPORT_EVERY_SECS) {
            let mut rtts: Vec<f64> = measured.iter().filter_map(|m| m.0).collect();
            rtts.sort_by(f64::total_cmp);
            let losses: Vec<f64> = measured.iter().filter_map(|m| m.1).collect();
            report.rtt_ms = rtts.get(rtts.len() / 2).copied();
            report.loss_pct =
                (!losses.is_empty()).then(|| losses.iter().sum::<f64>() / losses.len() as f64);
            if report.rtt_ms.is_some() || report.loss_pct.is_some() {
                self.measured_at = now;
            }
        }
        (report != CallReport::default()).then_some(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn the_first_connection_is_reported_once_per_seat_with_the_time_since_the_seat() {
        let mut r = Reporter::default();
        assert_eq!(r.tick(S(1), None, (0, false), &[]), None, "no seat, nothing to say");
        assert_eq!(r.tick(S(2), Some(PeerId(4)), (2, false), &[]), None);
        let report = r.tick(S(5), Some(PeerId(4)), (2, true), &[]).unwrap();
        assert_eq!(report.connected_ms, Some(3000));
        assert_eq!(r.tick(S(6), Some(PeerId(4)), (2, true), &[]), None, "once");
        // A new seat (a rejoin) is counted again.
        assert_eq!(r.tick(S(7), Some(PeerId(9)), (1, false), &[]), None);
        let again = r.tick(S(8), Some(PeerId(9)), (1, true), &[]).unwrap();
        assert_eq!(again.connected_ms, Some(1000));
    }

    #[test]
    fn the_first_in_a_room_joined_nobody_and_reports_no_connection_time() {
        let mut r = Reporter::default();
        assert_eq!(r.tick(S(0), Some(PeerId(1)), (0, false), &[]), None);
        assert_eq!(r.tick(S(9), Some(PeerId(1)), (1, true), &[]), None, "someone came to us");
    }

    #[test]
    fn measurements_go_out_every_thirty_seconds_as_median_rtt_and_mean_loss() {
        let mut r = Reporter::default();
        let seat = Some(PeerId(1));
        let measured = [(Some(40.0), Some(1.0)), (Some(10.0), None), (Some(90.0), Some(3.0))];
        let calm = (3, false);
        assert_eq!(r.tick(S(0), seat, calm, &measured), None);
        assert_eq!(r.tick(S(29), seat, calm, &measured), None);
        let report = r.tick(S(30), seat, calm, &measured).unwrap();
        assert_eq!((report.rtt_ms, report.loss_pct), (Some(40.0), Some(2.0)));
        assert_eq!(r.tick(S(31), seat, calm, &measured), None);
        assert_eq!(r.tick(S(59), seat, calm, &[]), None, "nothing measured, nothing sent");
        assert!(r.tick(S(61), seat, calm, &measured).is_some(), "due since 60 s");
    }
}
