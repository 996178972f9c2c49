//! Highlight captures: request, accept, refuse, expire; and the JPEG check.

use super::*;

/// Copy the face where Bo wins round 1; returns the capture request he got.
fn bo_wins_round_one() -> (Sim, Vec<PeerId>, CaptureRequest) {
    let (mut sim, p) = Sim::playing(Mode::CopyFace, &["Ann", "Bo"]);
    let t0 = sim.now;
    let goal = match sim.game.phase_view().phase {
        Phase::Round { target: Some(t), .. } => t,
        other => panic!("{other:?}"),
    };
    let requests = captures(&sim.hold(p[1], goal, 0.9, t0, t0 + ms(500)));
    let [request] = &requests[..] else { panic!("{requests:?}") };
    (sim, p, request.clone())
}

fn upload(sim: &mut Sim, peer: PeerId, request_id: u64) -> Vec<Output> {
    sim.input(Input::UploadDone { peer, request_id })
}

#[test]
fn the_requested_player_can_upload_once() {
    let (mut sim, p, req) = bo_wins_round_one();
    let out = upload(&mut sim, p[1], req.id);
    let saved = Highlight { game: 1, request_id: req.id, player: p[1], round: 1 };
    assert_eq!(out, vec![Output::HighlightSaved(saved)]);
    let again = rejection(&upload(&mut sim, p[1], req.id));
    assert_eq!(again, Some(GameError::Highlight(HighlightError::AlreadyUploaded(req.id))));
}

#[test]
fn another_player_cannot_answer_the_request() {
    let (mut sim, p, req) = bo_wins_round_one();
    let out = upload(&mut sim, p[0], req.id);
    let error = GameError::Highlight(HighlightError::NotYours(req.id));
    assert_eq!(out, vec![Output::Rejected { peer: p[0], error }]);
    // Refusing Ann did not use up Bo's request.
    assert_eq!(rejection(&upload(&mut sim, p[1], req.id)), None);
}

#[test]
fn an_unknown_request_is_refused() {
    let (mut sim, p, req) = bo_wins_round_one();
    let error = rejection(&upload(&mut sim, p[1], req.id + 100));
    assert_eq!(error, Some(GameError::Highlight(HighlightError::UnknownRequest(req.id + 100))));
}

#[test]
fn a_request_expires_after_thirty_seconds() {
    let (mut sim, p, req) = bo_wins_round_one();
    let issued = sim.now;
    sim.now = issued + ms(29_999);
    assert_eq!(rejection(&upload(&mut sim, p[1], req.id)), None);

    let (mut sim, p, req) = bo_wins_round_one();
    sim.now = issued + secs(30);
    let error = rejection(&upload(&mut sim, p[1], req.id));
    assert_eq!(error, Some(GameError::Highlight(HighlightError::Expired(req.id))));
}

#[test]
fn a_withdrawn_request_is_refused() {
    let (mut sim, p) = Sim::playing(Mode::DontLaugh, &["Ann", "Bo"]);
    let t0 = sim.now;
    let first = captures(&sim.laugh(p[0], 0.8, t0, t0 + ms(300)));
    sim.laugh(p[1], 0.9, t0 + ms(400), t0 + ms(700));
    let error = rejection(&upload(&mut sim, p[0], first[0].id));
    assert_eq!(error, Some(GameError::Highlight(HighlightError::Withdrawn(first[0].id))));
}

#[test]
fn the_record_says_which_highlights_were_uploaded() {
    let (mut sim, p, req) = bo_wins_round_one();
    upload(&mut sim, p[1], req.id);
    let (_, record) = game_over(&sim.tick_at(secs(500))).expect("game over");
    let uploaded = HighlightRecord { request_id: req.id, player: p[1], round: 1, uploaded: true };
    assert_eq!(record.highlights, vec![uploaded]);
}

#[test]
fn an_upload_after_game_over_is_still_accepted_in_time() {
    let (mut sim, p, req) = bo_wins_round_one();
    // Ann leaves: the game ends at once; Bo's capture is still pending.
    let out = sim.leave(p[0]);
    let (_, record) = game_over(&out).expect("game over");
    assert!(!record.highlights[0].uploaded);
    sim.advance(secs(5));
    let out = upload(&mut sim, p[1], req.id);
    assert_eq!(rejection(&out), None);
    assert!(out.iter().any(|o| matches!(o, Output::HighlightSaved(h) if h.request_id == req.id)));
}

#[test]
fn requests_are_forgotten_once_a_later_game_starts_after_they_expired() {
    let (mut sim, p, req) = bo_wins_round_one();
    sim.tick_at(secs(500));
    sim.start(p[0]);
    let error = rejection(&upload(&mut sim, p[1], req.id));
    assert_eq!(error, Some(GameError::Highlight(HighlightError::UnknownRequest(req.id))));
    // Ids keep counting: a new request never reuses an old id.
    sim.tick_at(secs(503));
    sim.calm(&p);
    let goal = match sim.game.phase_view().phase {
        Phase::Round { target: Some(t), .. } => t,
        other => panic!("{other:?}"),
    };
    let t0 = sim.now + ms(100);
    let requests = captures(&sim.hold(p[0], goal, 0.9, t0, t0 + ms(500)));
    assert!(requests[0].id > req.id);
}

#[test]
fn a_jpeg_up_to_300_kib_is_valid() {
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    assert_eq!(validate_jpeg(&jpeg), Ok(()));
    jpeg.resize(highlight::MAX_HIGHLIGHT_BYTES, 0);
    assert_eq!(validate_jpeg(&jpeg), Ok(()));
    jpeg.push(0xD9);
    assert_eq!(validate_jpeg(&jpeg), Err(HighlightError::TooLarge(300 * 1024 + 1)));
}

#[test]
fn bytes_that_do_not_start_like_a_jpeg_are_refused() {
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    for bytes in [&png[..], &[], &[0xFF, 0xD8], &[0xFF, 0xD9, 0xFF], &[0x00, 0xFF, 0xD8, 0xFF]] {
        assert_eq!(validate_jpeg(bytes), Err(HighlightError::NotJpeg), "{bytes:?}");
    }
}
