//! `use_face_reader(video)`: live face and expression readings of a `<video>`, computed in a Web
//! Worker, as signals.

use crate::face::{FrameReport, WorkerStatus};
use leptos::html::Video;
use leptos::prelude::*;

/// Readings and health of the reader.
#[derive(Clone, Copy)]
pub struct UseFaceReaderReturn {
    /// Worker state (`None` until the page is hydrated).
    pub status: RwSignal<Option<WorkerStatus>>,
    /// The latest report.
    pub report: RwSignal<Option<FrameReport>>,
    /// Reports per second, smoothed.
    pub fps: RwSignal<f64>,
}

/// Reads faces from `video` (once it is mounted) at most `max_fps` times a second, with the
/// detector at `input_size`, while `enabled` is true (the worker is stopped otherwise).
pub fn use_face_reader(
    video: NodeRef<Video>,
    input_size: Signal<u32>,
    max_fps: f64,
    enabled: Signal<bool>,
) -> UseFaceReaderReturn {
    let out = UseFaceReaderReturn {
        status: RwSignal::new(None),
        report: RwSignal::new(None),
        fps: RwSignal::new(0.0),
    };
    #[cfg(feature = "hydrate")]
    {
        use crate::face::client::{now, FaceReader};
        let reader = StoredValue::new_local(None::<FaceReader>);
        Effect::new(move |_| {
            if !enabled.get() {
                reader.set_value(None);
                out.report.set(None);
                return;
            }
            let Some(el) = video.get() else { return };
            if reader.with_value(Option::is_some) {
                return;
            }
            let last = std::cell::Cell::new(None::<f64>);
            let started = FaceReader::start(
                el,
                move || input_size.get_untracked(),
                max_fps,
                move |s| out.status.set(Some(s)),
                move |report| {
                    let t = now();
                    if let Some(prev) = last.replace(Some(t)) {
                        let instant = 1000.0 / (t - prev).max(1.0);
                        out.fps.update(|f| {
                            *f = if *f == 0.0 { instant } else { 0.8 * *f + 0.2 * instant }
                        });
                    }
                    out.report.set(Some(report));
                },
            );
            match started {
                Ok(r) => reader.set_value(Some(r)),
                Err(e) => out.status.set(Some(WorkerStatus::Failed(crate::rtc::js::describe(&e)))),
            }
        });
        on_cleanup(move || reader.set_value(None));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (video, input_size, max_fps, enabled);
    out
}
