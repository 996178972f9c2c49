//! The quality meter driven by hand-made stats snapshots on a simulated clock.

use super::*;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// A snapshot at `at` seconds with the given cumulative counters and RTT.
fn sample(at: u64, received: u64, lost: i64, bytes_in: u64, bytes_out: u64) -> StatsSample {
    StatsSample {
        at: secs(at),
        packets_received: received,
        packets_lost: lost,
        bytes_received: bytes_in,
        bytes_sent: bytes_out,
        rtt_s: Some(0.05),
        ..StatsSample::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn first_sample_is_only_a_baseline() {
    let mut m = QualityMeter::default();
    assert_eq!(m.push(&sample(0, 100, 0, 1_000, 1_000)), None);
    assert_eq!(m.quality(), None);
    assert!(m.history().is_empty());
}

#[test]
fn derives_loss_bitrates_rtt_and_fps_per_interval() {
    let mut m = QualityMeter::default();
    m.push(&sample(10, 1_000, 10, 500_000, 200_000));
    let mut next = sample(11, 1_098, 12, 625_000, 262_500);
    next.rtt_s = Some(0.120);
    next.jitter_s = Some(0.004);
    next.frames_decoded = 30;
    let i = m.push(&next).expect("an interval");
    assert_eq!(i.elapsed, secs(1));
    // 2 lost of 100 expected (RFC 3550: expected = received + lost).
    assert!(close(i.loss_pct.unwrap_or(-1.0), 2.0), "{i:?}");
    assert!(close(i.in_kbps, 1_000.0), "{i:?}");
    assert!(close(i.out_kbps, 500.0), "{i:?}");
    assert!(close(i.rtt_ms.unwrap_or(-1.0), 120.0), "{i:?}");
    assert!(close(i.jitter_ms.unwrap_or(-1.0), 4.0), "{i:?}");
    assert!(close(i.decoded_fps, 30.0), "{i:?}");
    assert!(!i.counters_reset);
    assert_eq!(m.last(), Some(&i));
}

#[test]
fn rates_use_the_real_interval_length() {
    let mut m = QualityMeter::default();
    m.push(&sample(0, 0, 0, 0, 0));
    // A throttled background tab sampled after 4 s instead of 1 s.
    let i = m.push(&sample(4, 400, 0, 500_000, 0)).expect("an interval");
    assert!(close(i.in_kbps, 1_000.0), "{i:?}");
}

#[test]
fn counters_that_go_down_restart_from_zero_without_negative_rates() {
    let mut m = QualityMeter::default();
    m.push(&sample(0, 50_000, 300, 90_000_000, 40_000_000));
    // A new RTCPeerConnection: its counters began at zero during this second.
    let i = m.push(&sample(1, 49, 1, 62_500, 25_000)).expect("an interval");
    assert!(i.counters_reset);
    assert!(close(i.in_kbps, 500.0), "{i:?}");
    assert!(close(i.out_kbps, 200.0), "{i:?}");
    assert!(close(i.loss_pct.unwrap_or(-1.0), 2.0), "{i:?}");
    // The next interval is measured from the new counters.
    let j = m.push(&sample(2, 149, 1, 125_000, 50_000)).expect("an interval");
    assert!(!j.counters_reset);
    assert!(close(j.in_kbps, 500.0), "{j:?}");
    assert!(close(j.loss_pct.unwrap_or(-1.0), 0.0), "{j:?}");
}

#[test]
fn duplicates_never_make_loss_negative_and_silence_has_no_loss() {
    let mut m = QualityMeter::default();
    m.push(&sample(0, 100, 5, 0, 0));
    let dup = m.push(&sample(1, 200, 3, 0, 0)).expect("an interval");
    assert!(close(dup.loss_pct.unwrap_or(-1.0), 0.0), "{dup:?}");
    let silent = m.push(&sample(2, 200, 3, 0, 0)).expect("an interval");
    assert_eq!(silent.loss_pct, None);
}

#[test]
fn a_sample_that_is_not_later_is_ignored() {
    let mut m = QualityMeter::default();
    m.push(&sample(5, 100, 0, 1_000, 0));
    assert_eq!(m.push(&sample(5, 200, 0, 2_000, 0)), None);
    assert_eq!(m.push(&sample(4, 200, 0, 2_000, 0)), None);
    let i = m.push(&sample(6, 200, 0, 126_000, 0)).expect("an interval");
    assert!(close(i.in_kbps, 1_000.0), "measured from the t=5 baseline: {i:?}");
}

#[test]
fn bad_measurements_are_dropped() {
    let mut m = QualityMeter::default();
    m.push(&sample(0, 0, 0, 0, 0));
    let mut s = sample(1, 100, 0, 0, 0);
    s.rtt_s = Some(f64::NAN);
    s.jitter_s = Some(-1.0);
    let i = m.push(&s).expect("an interval");
    assert_eq!((i.rtt_ms, i.jitter_ms), (None, None));
}

#[test]
fn thresholds_split_good_fair_poor() {
    let t = Thresholds::default();
    let cases = [
        (Some(1.9), Some(199.0), Some(Quality::Good)),
        (Some(2.0), Some(100.0), Some(Quality::Fair)),
        (Some(0.0), Some(200.0), Some(Quality::Fair)),
        (Some(8.0), Some(500.0), Some(Quality::Fair)),
        (Some(8.1), Some(10.0), Some(Quality::Poor)),
        (Some(0.0), Some(501.0), Some(Quality::Poor)),
        (None, Some(100.0), Some(Quality::Good)),
        (Some(9.0), None, Some(Quality::Poor)),
        (None, None, None),
    ];
    for (loss, rtt, expected) in cases {
        assert_eq!(classify(loss, rtt, &t), expected, "{loss:?} {rtt:?}");
    }
}

/// Feeds one interval per second with `lost` of 100 packets lost and the given RTT.
fn feed(m: &mut QualityMeter, t: &mut u64, sent: &mut (u64, i64), lost: i64, rtt_ms: f64) {
    if *t == 0 {
        m.push(&sample(0, 0, 0, 0, 0));
    }
    *t += 1;
    sent.0 += u64::try_from(100 - lost).unwrap_or(0);
    sent.1 += lost;
    let mut s = sample(*t, sent.0, sent.1, 0, 0);
    s.rtt_s = Some(rtt_ms / 1000.0);
    m.push(&s);
}

#[test]
fn one_bad_second_does_not_flash_poor_but_two_do() {
    let (mut m, mut t, mut c) = (QualityMeter::default(), 0, (0, 0));
    feed(&mut m, &mut t, &mut c, 0, 50.0);
    assert_eq!(m.quality(), Some(Quality::Good), "first level is shown at once");
    feed(&mut m, &mut t, &mut c, 20, 50.0);
    assert_eq!(m.quality(), Some(Quality::Good));
    feed(&mut m, &mut t, &mut c, 0, 50.0);
    feed(&mut m, &mut t, &mut c, 20, 50.0);
    assert_eq!(m.quality(), Some(Quality::Good), "the streak was broken");
    feed(&mut m, &mut t, &mut c, 20, 50.0);
    assert_eq!(m.quality(), Some(Quality::Poor));
}

#[test]
fn recovery_needs_five_good_seconds_in_a_row() {
    let (mut m, mut t, mut c) = (QualityMeter::default(), 0, (0, 0));
    feed(&mut m, &mut t, &mut c, 0, 900.0);
    assert_eq!(m.quality(), Some(Quality::Poor));
    for _ in 0..4 {
        feed(&mut m, &mut t, &mut c, 0, 50.0);
    }
    assert_eq!(m.quality(), Some(Quality::Poor));
    feed(&mut m, &mut t, &mut c, 0, 900.0);
    for _ in 0..4 {
        feed(&mut m, &mut t, &mut c, 0, 50.0);
    }
    assert_eq!(m.quality(), Some(Quality::Poor), "a relapse restarts the count");
    feed(&mut m, &mut t, &mut c, 0, 50.0);
    assert_eq!(m.quality(), Some(Quality::Good));
}

#[test]
fn a_mixed_streak_lands_on_the_mildest_level_seen() {
    let (mut m, mut t, mut c) = (QualityMeter::default(), 0, (0, 0));
    feed(&mut m, &mut t, &mut c, 0, 50.0);
    feed(&mut m, &mut t, &mut c, 20, 50.0); // poor
    feed(&mut m, &mut t, &mut c, 0, 300.0); // fair
    assert_eq!(m.quality(), Some(Quality::Fair));
}

#[test]
fn history_keeps_the_last_sixty_intervals() {
    let mut m = QualityMeter::default();
    for t in 0..=75u64 {
        m.push(&sample(t, t * 100, 0, t * 125, t * 250));
    }
    let h = m.history();
    assert_eq!(h.len(), HISTORY_LEN);
    assert!(h.iter().all(|p| close(p.in_kbps, 1.0) && close(p.out_kbps, 2.0)));
    let rtt = h.series(Series::RttMs);
    assert_eq!(rtt.len(), HISTORY_LEN);
    assert!(rtt.iter().all(|v| v.is_some_and(|ms| close(ms, 50.0))));
}

#[test]
fn history_drops_the_oldest_entry() {
    let mut h = History::default();
    for i in 0..=HISTORY_LEN {
        h.push(HistoryPoint { in_kbps: i as f64, out_kbps: 0.0, rtt_ms: None });
    }
    let values = h.series(Series::InKbps);
    assert_eq!(values.first(), Some(&Some(1.0)));
    assert_eq!(values.last(), Some(&Some(HISTORY_LEN as f64)));
    assert_eq!(h.series(Series::RttMs), vec![None; HISTORY_LEN]);
}

#[test]
fn polyline_scales_to_the_box() {
    let values = [Some(0.0), Some(50.0), Some(100.0)];
    assert_eq!(polyline_points(&values, 3, 100.0, 20.0), "0.0,20.0 50.0,10.0 100.0,0.0");
}

#[test]
fn a_young_history_grows_in_from_the_right() {
    let values = [Some(10.0), Some(5.0)];
    assert_eq!(polyline_points(&values, 5, 100.0, 10.0), "75.0,0.0 100.0,5.0");
}

#[test]
fn polyline_skips_gaps_and_keeps_only_the_last_slots() {
    let values = [Some(99.0), Some(4.0), None, Some(f64::NAN), Some(2.0)];
    assert_eq!(polyline_points(&values, 4, 30.0, 8.0), "0.0,0.0 30.0,4.0");
}

#[test]
fn polyline_handles_flat_negative_and_degenerate_input() {
    assert_eq!(polyline_points(&[Some(0.0), Some(0.0)], 2, 10.0, 4.0), "0.0,4.0 10.0,4.0");
    assert_eq!(polyline_points(&[Some(-5.0), Some(5.0)], 2, 10.0, 4.0), "0.0,4.0 10.0,0.0");
    assert_eq!(polyline_points(&[Some(3.0)], 1, 10.0, 4.0), "10.0,0.0");
    assert_eq!(polyline_points(&[], 60, 10.0, 4.0), "");
    assert_eq!(polyline_points(&[Some(1.0)], 0, 10.0, 4.0), "");
    assert_eq!(polyline_points(&[Some(1.0)], 60, 0.0, 4.0), "");
    assert_eq!(polyline_points(&[Some(1.0)], 60, 10.0, f64::NAN), "");
}

#[test]
fn candidate_types_parse() {
    assert_eq!(CandidateType::parse("relay"), Some(CandidateType::Relay));
    assert_eq!(CandidateType::parse("host"), Some(CandidateType::Host));
    assert_eq!(CandidateType::parse("srflx"), Some(CandidateType::Srflx));
    assert_eq!(CandidateType::parse("prflx"), Some(CandidateType::Prflx));
    assert_eq!(CandidateType::parse("RELAY"), None);
}
