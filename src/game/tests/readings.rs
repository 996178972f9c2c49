//! Reading validation: every rejection kind is typed, answered to the sender, and changes
//! nothing.

use super::*;

/// A lobby with Ann (id 1) and Bo (id 2).
fn lobby() -> (Sim, PeerId) {
    let mut sim = Sim::new(Mode::DontLaugh);
    let a = sim.join(1, "Ann");
    sim.join(2, "Bo");
    (sim, a)
}

fn reading(seq: u64, face: bool, probs: &[f32]) -> Reading {
    Reading { seq, face, probs: probs.to_vec() }
}

/// Sends `r` from `peer` and returns the refusal, checking it went to `peer` and nothing else
/// was said.
fn refused(sim: &mut Sim, peer: PeerId, r: Reading) -> ReadingError {
    let out = sim.send(peer, r);
    match &out[..] {
        [Output::Rejected { peer: to, error: GameError::Reading(e) }] if *to == peer => e.clone(),
        other => panic!("expected one rejection, got {other:?}"),
    }
}

#[test]
fn a_valid_reading_is_rebroadcast_to_the_room() {
    let (mut sim, a) = lobby();
    let r = Reading::with_face(1, probs(Expression::Happy, 0.3));
    let out = sim.send(a, r.clone());
    assert_eq!(out, vec![Output::Reading { peer: a, reading: r }]);
}

#[test]
fn a_face_needs_exactly_seven_probabilities() {
    let (mut sim, a) = lobby();
    let six = [0.5, 0.5, 0.0, 0.0, 0.0, 0.0];
    assert_eq!(refused(&mut sim, a, reading(1, true, &six)), ReadingError::WrongLength { len: 6 });
    assert_eq!(refused(&mut sim, a, reading(1, true, &[])), ReadingError::WrongLength { len: 0 });
    let eight = [0.0; 8];
    assert_eq!(
        refused(&mut sim, a, reading(1, false, &eight)),
        ReadingError::WrongLength { len: 8 }
    );
    // Without a face: nothing, or seven values, are both fine.
    assert!(rebroadcast(&sim.send(a, reading(1, false, &[]))));
    assert!(rebroadcast(&sim.send(a, reading(2, false, &[0.0; 7]))));
}

#[test]
fn nan_and_infinity_are_refused() {
    let (mut sim, a) = lobby();
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let mut p = probs(Expression::Happy, 0.5);
        p[3] = bad;
        let err = refused(&mut sim, a, reading(1, true, &p));
        assert_eq!(err, ReadingError::NotFinite { index: 3 });
    }
}

#[test]
fn probabilities_outside_zero_to_one_are_refused() {
    let (mut sim, a) = lobby();
    let bad = [1.1, -0.1, 0.0, 0.0, 0.0, 0.0, 0.0];
    let err = refused(&mut sim, a, reading(1, true, &bad));
    assert_eq!(err, ReadingError::OutOfRange { index: 0, value: 1.1 });
    let err = refused(&mut sim, a, reading(1, false, &[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0]));
    assert_eq!(err, ReadingError::OutOfRange { index: 6, value: 2.0 });
}

#[test]
fn a_face_whose_probabilities_do_not_sum_to_one_is_refused() {
    let (mut sim, a) = lobby();
    let err = refused(&mut sim, a, reading(1, true, &[0.5, 0.44, 0.0, 0.0, 0.0, 0.0, 0.0]));
    assert!(matches!(err, ReadingError::BadSum { sum } if (sum - 0.94).abs() < 1e-6), "{err:?}");
    assert!(matches!(
        refused(&mut sim, a, reading(1, true, &[0.6, 0.46, 0.0, 0.0, 0.0, 0.0, 0.0])),
        ReadingError::BadSum { .. }
    ));
    // Within 0.05 is rounding, and fine.
    assert!(rebroadcast(&sim.send(a, reading(1, true, &[0.5, 0.46, 0.0, 0.0, 0.0, 0.0, 0.0]))));
    // Without a face the sum is not checked.
    assert!(rebroadcast(&sim.send(a, reading(2, false, &[0.0; 7]))));
}

#[test]
fn sequence_numbers_must_increase() {
    let (mut sim, a) = lobby();
    assert!(rebroadcast(&sim.send(a, Reading::without_face(5))));
    sim.advance(ms(100));
    let err = refused(&mut sim, a, Reading::without_face(5));
    assert_eq!(err, ReadingError::OutOfOrder { seq: 5, last: 5 });
    let err = refused(&mut sim, a, Reading::without_face(4));
    assert_eq!(err, ReadingError::OutOfOrder { seq: 4, last: 5 });
    // Gaps are fine: frames may be skipped.
    assert!(rebroadcast(&sim.send(a, Reading::without_face(9))));
}

#[test]
fn an_eleventh_reading_within_one_second_is_refused() {
    let (mut sim, a) = lobby();
    for i in 0..10u64 {
        sim.now = ms(i * 90);
        assert!(rebroadcast(&sim.no_face(a)), "reading {i}");
    }
    sim.now = ms(999);
    assert_eq!(
        refused(&mut sim, a, Reading::without_face(100)),
        ReadingError::TooFrequent { max: 10 }
    );
    // At 1000 ms the first reading (at 0 ms) has left the window.
    sim.now = ms(1000);
    assert!(rebroadcast(&sim.send(a, Reading::without_face(100))));
    // The limit is per player.
    sim.now = ms(1000);
    assert!(rebroadcast(&sim.face(PeerId(2), Expression::Neutral, 1.0)));
}

#[test]
fn a_refused_reading_changes_nothing() {
    let (mut sim, p) = Sim::playing(Mode::DontLaugh, &["Ann", "Bo"]);
    let t0 = sim.now;
    sim.laugh(p[0], 0.9, t0, t0 + ms(200));
    // Malformed, with a high seq: neither the hold nor the sequence number moves.
    sim.now = t0 + ms(250);
    let err = refused(&mut sim, p[0], reading(1000, true, &[0.0, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0]));
    assert!(matches!(err, ReadingError::BadSum { .. }));
    let out = sim.laugh(p[0], 0.9, t0 + ms(300), t0 + ms(300));
    assert_eq!(events(&out).len(), 1, "the hold survived the refused reading");
    assert_eq!(sim.score(p[1]), 10);
}

#[test]
fn readings_from_someone_not_in_the_room_are_refused() {
    let (mut sim, _) = lobby();
    let out = sim.send(PeerId(99), Reading::without_face(1));
    assert_eq!(out, vec![Output::Rejected { peer: PeerId(99), error: GameError::NotInRoom }]);
}

#[test]
fn every_refusal_has_a_stable_code() {
    let cases = [
        (GameError::from(ReadingError::WrongLength { len: 1 }), "reading_wrong_length"),
        (ReadingError::NotFinite { index: 0 }.into(), "reading_not_finite"),
        (ReadingError::OutOfRange { index: 0, value: 2.0 }.into(), "reading_out_of_range"),
        (ReadingError::BadSum { sum: 0.0 }.into(), "reading_bad_sum"),
        (ReadingError::OutOfOrder { seq: 1, last: 1 }.into(), "reading_out_of_order"),
        (ReadingError::TooFrequent { max: 10 }.into(), "reading_too_frequent"),
        (HighlightError::Expired(1).into(), "capture_expired"),
        (GameError::NotHost, "not_host"),
    ];
    for (error, code) in cases {
        assert_eq!(error.code().as_str(), code, "{error}");
    }
}
