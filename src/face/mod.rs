//! Reading faces from video frames: what one analysed frame reports, and the pure function
//! that produces it from an [`Engine`]. The browser runs it in a Web Worker (`worker`, feature
//! `engine`: a module of its own, fetched only when a game or the lab needs it), fed by `client`
//! on the page (feature `hydrate`). Everything here is native-testable.

use crate::vision::{DetectorOptions, Engine, Expression, Image, VisionError};
use serde::{Deserialize, Serialize};

#[cfg(feature = "engine")]
pub mod bench;
#[cfg(feature = "hydrate")]
pub mod client;
#[cfg(feature = "engine")]
pub mod worker;

/// Detector input sizes offered in settings (SPEC §3: any multiple of 32 in 128..=608).
pub const INPUT_SIZES: [u32; 5] = [160, 224, 320, 416, 512];
/// Default detector input size: one large face per camera is found more reliably and 3–9×
/// cheaper at 224 than at face-api's default 416 (SPEC §9.2; numbers in the README).
pub const DEFAULT_INPUT_SIZE: u32 = 224;

/// The model files the worker fetches, in [`Engine::load`] order.
pub const MODEL_FILES: [&str; 4] = [
    "tiny_face_detector_model-weights_manifest.json",
    "tiny_face_detector_model.bin",
    "face_expression_model-weights_manifest.json",
    "face_expression_model.bin",
];

/// Where the face-reading worker is.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerStatus {
    /// Downloading and instantiating the model.
    Loading,
    /// Reading frames.
    Ready,
    /// It cannot work; the message says why.
    Failed(String),
}

/// The best face of a frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaceReading {
    /// Box relative to the frame: x, y, width, height in 0..=1.
    pub bbox: [f32; 4],
    /// Detector score.
    pub score: f32,
    /// Probabilities in [`Expression::ALL`] order (neutral, happy, sad, angry, fearful,
    /// disgusted, surprised).
    pub expressions: [f32; 7],
}

impl FaceReading {
    /// The most probable expression and its probability.
    pub fn top(&self) -> (Expression, f32) {
        Expression::argmax(&self.expressions)
    }
}

/// Milliseconds spent per stage on one frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StageTimings {
    /// Frame → RGBA pixels (canvas readback in the worker).
    pub readback_ms: f32,
    /// TinyFaceDetector, including pre- and post-processing.
    pub detect_ms: f32,
    /// Crop + FaceExpressionNet for the best face.
    pub expressions_ms: f32,
}

/// What the worker reports for one frame.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FrameReport {
    /// The caller's frame number.
    pub id: u32,
    /// Faces found.
    pub face_count: u32,
    /// The highest-scoring face with its expressions, if any face was found.
    pub best: Option<FaceReading>,
    /// Time per stage.
    pub timings: StageTimings,
}

/// The page's messages to the worker. Each travels as JSON in the `msg` field of a posted
/// object; a frame's `ImageBitmap` travels beside it in `bitmap`, transferred.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToWorker {
    /// Load the engine from the model files under `base`.
    Init {
        /// Where [`MODEL_FILES`] are served (`/models/`).
        base: String,
    },
    /// Read the bitmap sent beside this message.
    Frame {
        /// The caller's frame number, echoed in the report.
        id: u32,
        /// The detector's input size.
        input_size: u32,
    },
}

/// The worker's messages to the page (JSON in the `msg` field).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FromWorker {
    /// The module runs; send [`ToWorker::Init`].
    Booted,
    /// The engine is loaded; send frames.
    Ready,
    /// Loading or one frame failed.
    Error {
        /// Why.
        message: String,
    },
    /// One frame's reading.
    Report(FrameReport),
}

/// The field of a posted object that carries the JSON message.
pub const MESSAGE_FIELD: &str = "msg";
/// The field of a frame message that carries the transferred `ImageBitmap`.
pub const BITMAP_FIELD: &str = "bitmap";

/// Detects every face, then reads the expressions of the best one. `clock` returns
/// milliseconds (performance.now() in the browser) and only feeds [`StageTimings`].
pub fn analyze(
    engine: &Engine,
    img: &Image,
    input_size: u32,
    clock: &dyn Fn() -> f64,
) -> Result<FrameReport, VisionError> {
    let opts = DetectorOptions::new(input_size as usize, 0.5);
    let t0 = clock();
    let faces = engine.detect_faces(img, &opts)?;
    let t1 = clock();
    let best = faces.iter().max_by(|a, b| a.score.total_cmp(&b.score));
    let reading = match best {
        Some(det) => engine.expressions_for(img, det)?.map(|r| FaceReading {
            bbox: relative_box(det, img),
            score: r.score as f32,
            expressions: r.expressions,
        }),
        None => None,
    };
    let t2 = clock();
    Ok(FrameReport {
        id: 0,
        face_count: faces.len() as u32,
        best: reading,
        timings: StageTimings {
            readback_ms: 0.0,
            detect_ms: (t1 - t0) as f32,
            expressions_ms: (t2 - t1) as f32,
        },
    })
}

/// The detection's pixel box as fractions of the frame.
fn relative_box(det: &crate::vision::Detection, img: &Image) -> [f32; 4] {
    let (w, h) = (img.width() as f64, img.height() as f64);
    let b = &det.bbox;
    [(b.x / w) as f32, (b.y / h) as f32, (b.width / w) as f32, (b.height / h) as f32]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_messages_have_a_tagged_wire_format() {
        let frame = ToWorker::Frame { id: 3, input_size: 224 };
        let text = serde_json::to_string(&frame).unwrap();
        assert_eq!(text, r#"{"kind":"frame","id":3,"input_size":224}"#);
        assert_eq!(serde_json::from_str::<ToWorker>(&text).unwrap(), frame);
        let report = FromWorker::Report(FrameReport { id: 9, ..FrameReport::default() });
        let text = serde_json::to_string(&report).unwrap();
        assert!(text.starts_with(r#"{"kind":"report","id":9,"#), "{text}");
        assert_eq!(serde_json::from_str::<FromWorker>(&text).unwrap(), report);
        for msg in
            [FromWorker::Booted, FromWorker::Ready, FromWorker::Error { message: "x".into() }]
        {
            let text = serde_json::to_string(&msg).unwrap();
            assert_eq!(serde_json::from_str::<FromWorker>(&text).unwrap(), msg);
        }
        assert!(serde_json::from_str::<ToWorker>(r#"{"kind":"draw"}"#).is_err());
    }
}
