//! The engine's stages one at a time, for the vision benchmark (`scripts/bench-vision`,
//! `end2end/bench/vision-page.mjs`): the page stores a frame once, then times each call with
//! `performance.now()` — the detector alone at a given input size, and the expression net alone
//! for a given box — against face-api.js on the same pixels. Not used by the app.

use crate::vision::{BBox, Detection, DetectorOptions, Engine, Image};
use serde_json::json;
use wasm_bindgen::prelude::*;

/// An [`Engine`] plus one stored RGBA frame, so a timed call pays for inference only (face-api's
/// side likewise builds its input tensor once per frame, outside the timing).
#[wasm_bindgen]
pub struct BenchEngine {
    engine: Engine,
    width: usize,
    height: usize,
    rgba: Vec<u8>,
}

#[wasm_bindgen]
impl BenchEngine {
    /// Loads both models from the four model files' bytes, in [`super::MODEL_FILES`] order
    /// (checksums are verified, as in [`Engine::load`]).
    #[wasm_bindgen(constructor)]
    pub fn new(
        det_manifest: &[u8],
        det_bin: &[u8],
        expr_manifest: &[u8],
        expr_bin: &[u8],
    ) -> Result<BenchEngine, JsError> {
        Ok(BenchEngine {
            engine: Engine::load(det_manifest, det_bin, expr_manifest, expr_bin)?,
            width: 0,
            height: 0,
            rgba: Vec::new(),
        })
    }

    /// Stores the frame the next calls read: `width × height` RGBA pixels (`getImageData`).
    pub fn set_frame(&mut self, width: u32, height: u32, rgba: Vec<u8>) -> Result<(), JsError> {
        Image::rgba(width as usize, height as usize, &rgba)?;
        (self.width, self.height, self.rgba) = (width as usize, height as usize, rgba);
        Ok(())
    }

    /// TinyFaceDetector on the stored frame (pre-process, network, decode, NMS; score threshold
    /// 0.5): JSON `[{"score": s, "box": [x, y, w, h]}, …]`, boxes in frame pixels, in NMS order.
    pub fn detect(&self, input_size: u32) -> Result<String, JsError> {
        let opts = DetectorOptions::new(input_size as usize, 0.5);
        let faces = self.engine.detect_faces(&self.frame()?, &opts)?;
        let faces: Vec<_> = faces
            .iter()
            .map(|d| {
                let b = d.bbox;
                json!({"score": d.score, "box": [b.x, b.y, b.width, b.height]})
            })
            .collect();
        Ok(serde_json::Value::from(faces).to_string())
    }

    /// Crop + FaceExpressionNet for one face box (frame pixels, as face-api's `Rect`): JSON
    /// `{"crop": [x, y, w, h], "probs": [7], "logits": [7]}`, or `null` when the box lies outside
    /// the frame. Probabilities are in `Expression::ALL` order.
    pub fn expressions(&self, x: f64, y: f64, width: f64, height: f64) -> Result<String, JsError> {
        let img = self.frame()?;
        let bbox = BBox { x, y, width, height };
        let det = Detection {
            score: 1.0,
            bbox,
            relative: bbox.scale(1.0 / self.width as f64, 1.0 / self.height as f64),
        };
        let out = self.engine.expressions_for(&img, &det)?.map(|r| {
            let crop = [r.crop.x, r.crop.y, r.crop.width, r.crop.height];
            json!({"crop": crop, "probs": r.expressions, "logits": r.logits})
        });
        Ok(out.unwrap_or(serde_json::Value::Null).to_string())
    }

    fn frame(&self) -> Result<Image<'_>, JsError> {
        Ok(Image::rgba(self.width, self.height, &self.rgba)?)
    }
}
