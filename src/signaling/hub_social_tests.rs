//! Reactions and raised hands through the hub: stamped, relayed to the others only, limited
//! per seat, and hands remembered for newcomers.

use super::hub::Output;
use super::hub_tests::{error_code, room, Sim};
use crate::protocol::*;
use std::time::Duration;

#[test]
fn a_reaction_reaches_everyone_else_stamped_with_the_sender() {
    let mut sim = Sim::new();
    let r = room('x');
    let (a, pa, _) = sim.join(1, &r, "Ann");
    let (b, _, _) = sim.join(2, &r, "Bo");
    let (c, _, _) = sim.join(3, &r, "Cy");
    let out = sim.send(a, &ClientMsg::React { reaction: Reaction::Joy });
    let msg = ServerMsg::Reaction { from: pa, reaction: Reaction::Joy };
    assert_eq!(out, vec![Output::Send(b, msg.clone()), Output::Send(c, msg)]);
    // Another room hears nothing.
    let (_, _, _) = sim.join(4, &room('y'), "Di");
    let out = sim.send(a, &ClientMsg::React { reaction: Reaction::Clap });
    assert_eq!(out.len(), 2);
}

#[test]
fn reactions_are_limited_per_seat_and_the_sender_is_told() {
    let mut sim = Sim::new();
    let r = room('x');
    let (a, _, _) = sim.join(1, &r, "Ann");
    let (b, _, _) = sim.join(2, &r, "Bo");
    let react = ClientMsg::React { reaction: Reaction::Party };
    for _ in 0..5 {
        assert_eq!(sim.send(a, &react).len(), 1);
    }
    let out = sim.send(a, &react);
    assert_eq!(error_code(&out, a), Some(ErrorCode::RateLimited));
    assert!(!out.iter().any(|o| matches!(o, Output::Send(c, _) if *c == b)), "{out:?}");
    // One a second after the burst; the other seat's bucket is its own.
    assert_eq!(sim.send(b, &react).len(), 1);
    sim.advance(Duration::from_millis(1000));
    assert_eq!(sim.send(a, &react).len(), 1);
    assert_eq!(error_code(&sim.send(a, &react), a), Some(ErrorCode::RateLimited));
}

#[test]
fn an_unknown_reaction_is_malformed_not_relayed() {
    let mut sim = Sim::new();
    let r = room('x');
    let (a, _, _) = sim.join(1, &r, "Ann");
    let _ = sim.join(2, &r, "Bo");
    let text = r#"{"type":"react","reaction":"<script>"}"#.to_string();
    let out = sim.input_all(super::hub::Input::Text(a, text));
    assert_eq!(error_code(&out, a), Some(ErrorCode::Malformed));
    assert_eq!(out.len(), 1);
}

#[test]
fn a_raised_hand_reaches_the_others_and_newcomers_until_lowered() {
    let mut sim = Sim::new();
    let r = room('h');
    let (a, pa, _) = sim.join(1, &r, "Ann");
    let (b, _, _) = sim.join(2, &r, "Bo");
    let out = sim.send(a, &ClientMsg::Hand { up: true });
    assert_eq!(out, vec![Output::Send(b, ServerMsg::PeerHand { peer: pa, up: true })]);
    assert!(sim.send(a, &ClientMsg::Hand { up: true }).is_empty(), "no change, no message");
    let (c, _, out) = sim.join(3, &r, "Cy");
    assert!(out.contains(&Output::Send(c, ServerMsg::PeerHand { peer: pa, up: true })));
    let out = sim.send(a, &ClientMsg::Hand { up: false });
    assert_eq!(out.len(), 2);
    let (d, _, out) = sim.join(4, &r, "Di");
    assert!(!out
        .iter()
        .any(|o| matches!(o, Output::Send(c, ServerMsg::PeerHand { .. }) if *c == d)));
}

#[test]
fn reactions_and_hands_need_a_seat() {
    let mut sim = Sim::new();
    let lone = sim.open(9);
    let out = sim.send(lone, &ClientMsg::React { reaction: Reaction::Heart });
    assert_eq!(error_code(&out, lone), Some(ErrorCode::NotJoined));
    let out = sim.send(lone, &ClientMsg::Hand { up: true });
    assert_eq!(error_code(&out, lone), Some(ErrorCode::NotJoined));
}

#[test]
fn a_call_report_goes_to_the_metrics_only_checked_and_never_relayed() {
    let mut sim = Sim::new();
    let r = room('q');
    let (a, _, _) = sim.join(1, &r, "Ann");
    let _ = sim.join(2, &r, "Bo");
    let report = CallReport { connected_ms: Some(850), rtt_ms: Some(42.0), loss_pct: Some(0.5) };
    let out = sim.send(a, &ClientMsg::Report(report.clone()));
    assert_eq!(out, vec![Output::Report(report.clone())]);
    // The join-to-connected time counts once per seat, measurements once per 30 s.
    assert_eq!(sim.send(a, &ClientMsg::Report(report.clone())), vec![]);
    sim.advance(Duration::from_secs(REPORT_EVERY_SECS));
    let again = CallReport { connected_ms: None, ..report.clone() };
    assert_eq!(sim.send(a, &ClientMsg::Report(report)), vec![Output::Report(again)]);
    // Values no browser measures are refused with a reason.
    for bad in [
        CallReport { loss_pct: Some(101.0), ..Default::default() },
        CallReport { rtt_ms: Some(-1.0), ..Default::default() },
        CallReport { connected_ms: Some(CallReport::MAX_CONNECTED_MS + 1), ..Default::default() },
    ] {
        assert_eq!(
            error_code(&sim.send(a, &ClientMsg::Report(bad)), a),
            Some(ErrorCode::Malformed)
        );
    }
    // Without a seat there is nothing to report on.
    let stranger = sim.open(9);
    let out = sim.send(stranger, &ClientMsg::Report(CallReport::default()));
    assert_eq!(error_code(&out, stranger), Some(ErrorCode::NotJoined));
}
