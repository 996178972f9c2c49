//! Call reports: what a seat's browser measured (join-to-connected time, round-trip time,
//! packet loss), checked and handed to the driver for `/metrics`. Never relayed. The hub counts
//! a seat's join-to-connected time once, and takes its measurements at most every
//! [`REPORT_EVERY_SECS`], so one browser cannot skew the histograms.

use super::{ConnId, Hub, Output};
use crate::protocol::{CallReport, ErrorCode, PeerId, RoomId, ServerMsg, REPORT_EVERY_SECS};
use std::time::Duration;

impl Hub {
    /// `peer` (on `conn`) reported what its side of the call measured.
    pub(super) fn report(
        &mut self,
        room_id: &RoomId,
        peer: PeerId,
        conn: ConnId,
        mut report: CallReport,
        out: &mut Vec<Output>,
    ) {
        if !report.in_range() {
            let detail = "malformed message: a call report value is out of range";
            out.push(Output::Send(conn, ServerMsg::error(ErrorCode::Malformed, detail)));
            return;
        }
        let now = self.now;
        let Some(member) = self.rooms.get_mut(room_id).and_then(|room| room.members.get_mut(&peer))
        else {
            return;
        };
        if report.connected_ms.is_some() && std::mem::replace(&mut member.connect_reported, true) {
            report.connected_ms = None;
        }
        let every = Duration::from_secs(REPORT_EVERY_SECS);
        let measured = report.rtt_ms.is_some() || report.loss_pct.is_some();
        if measured && member.last_report.is_some_and(|last| now < last + every) {
            report.rtt_ms = None;
            report.loss_pct = None;
        } else if measured {
            member.last_report = Some(now);
        }
        if report != CallReport::default() {
            out.push(Output::Report(report));
        }
    }
}
