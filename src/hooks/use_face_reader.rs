//! `use_face_reader(source)`: live face and expression readings of a `<video>` (or a still
//! image), computed in a Web Worker, as signals.

use crate::face::{FrameReport, WorkerStatus};
use leptos::html::{Img, Video};
use leptos::prelude::*;

/// What the reader reads.
#[derive(Clone, Copy)]
pub enum FrameSource {
    /// The current frame of a `<video>` (a camera).
    Video(NodeRef<Video>),
    /// A still `<img>`, read again and again (the lab's test fixture).
    Image(NodeRef<Img>),
}

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

/// Reads faces from `source` (once it is mounted) at most `max_fps` times a second, with the
/// detector at `input_size`, while `enabled` is true. The worker starts (and the engine is
/// fetched) the first time `enabled` is true, and stops when the page goes away.
pub fn use_face_reader(
    source: FrameSource,
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
        use crate::face::client::{FaceReader, Frames};
        use crate::rtc::js::{describe, now};
        let reader = StoredValue::new_local(None::<FaceReader>);
        Effect::new(move |_| {
            // Once started, the worker stays loaded while the page lives: switching off only
            // pauses it, so Ready → game start (when the ready flags clear a moment before the
            // countdown begins) never reloads the model.
            if !enabled.get() {
                reader.with_value(|r| r.as_ref().map(FaceReader::pause));
                out.report.set(None);
                return;
            }
            if reader.with_value(|r| r.as_ref().map(FaceReader::resume).is_some()) {
                return;
            }
            let frames = match source {
                FrameSource::Video(video) => video.get().map(Frames::Video),
                FrameSource::Image(img) => img.get().map(Frames::Image),
            };
            let Some(frames) = frames else { return };
            let last = std::cell::Cell::new(None::<f64>);
            let started = FaceReader::start(
                frames,
                move || input_size.get_untracked(),
                max_fps,
                move |s| out.status.set(Some(s)),
                move |report| {
                    let t = now();
                    if let Some(prev) = last.replace(Some(t)) {
                        out.fps.update(|f| *f = smoothed_fps(*f, t - prev));
                    }
                    out.report.set(Some(report));
                },
            );
            match started {
                Ok(r) => reader.set_value(Some(r)),
                Err(e) => out.status.set(Some(WorkerStatus::Failed(describe(&e)))),
            }
        });
        on_cleanup(move || reader.set_value(None));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (source, input_size, max_fps, enabled);
    out
}

/// Reports per second, smoothed: the last value moved a fifth of the way to the rate of this
/// `interval_ms` (the first report sets it).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn smoothed_fps(last: f64, interval_ms: f64) -> f64 {
    let instant = 1000.0 / interval_ms.max(1.0);
    if last == 0.0 {
        instant
    } else {
        0.8 * last + 0.2 * instant
    }
}

#[cfg(test)]
mod tests {
    use super::smoothed_fps;

    #[test]
    fn fps_starts_at_the_first_rate_and_then_moves_slowly() {
        assert_eq!(smoothed_fps(0.0, 100.0), 10.0);
        assert!((smoothed_fps(10.0, 50.0) - 12.0).abs() < 1e-9);
        // Two reports in the same millisecond do not make an infinite rate.
        assert_eq!(smoothed_fps(0.0, 0.0), 1000.0);
    }
}
