//! `use_own_face(call, video)`: while we are ready for a game or one runs, reads our own face
//! from the camera preview and sends each reading to the server (frames never leave the
//! device: only the seven numbers do), and answers the server's capture requests with a JPEG of
//! our own camera for the highlight reel.

use super::use_call::UseCallReturn;
use super::use_face_reader::{use_face_reader, FrameSource};
use crate::game::Reading;
use crate::model::game_ui::GameAction;
use crate::model::game_ui::{line_of, running};
use leptos::html::Video;
use leptos::prelude::*;

/// Readings per second: 8 stays under the server's 10 even when frames bunch up.
const READINGS_PER_SECOND: f64 = 8.0;

/// Reads and reports our own face from `video` (our camera preview) for the game.
pub fn use_own_face(call: UseCallReturn, video: NodeRef<Video>) {
    let game = call.ui.game;
    let me = call.ui.me;
    let active = Signal::derive(move || {
        let ready =
            me.get().is_some_and(|id| game.board.with(|b| line_of(b, id).is_some_and(|l| l.ready)));
        ready || game.phase.with(|p| running(p.as_ref().map(|v| &v.phase)))
    });
    let reader = use_face_reader(
        FrameSource::Video(video),
        Signal::stored(crate::face::DEFAULT_INPUT_SIZE),
        READINGS_PER_SECOND,
        active,
    );
    let seq = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let Some(report) = reader.report.get() else {
            game.own_reading.set(None);
            return;
        };
        seq.update_value(|s| *s += 1);
        let reading = Reading {
            seq: seq.get_value(),
            face: report.best.is_some(),
            probs: report.best.map(|b| b.expressions.to_vec()).unwrap_or_default(),
        };
        game.own_reading.set(Some(reading.clone()));
        call.game_action.run(GameAction::Reading(reading));
    });
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let Some(request) = game.capture.get() else { return };
        game.capture.set(None);
        let Some(el) = video.get_untracked() else { return };
        match crate::rtc::capture::capture_jpeg(&el) {
            Ok(jpeg) => call.upload.run((request.id, jpeg)),
            Err(e) => {
                leptos::logging::warn!("highlight capture failed: {}", crate::rtc::js::describe(&e))
            }
        }
    });
}
