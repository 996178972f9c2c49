//! The entry point: both networks loaded from bytes, and face-api's
//! `detectAllFaces(...).withFaceExpressions()` / `detectSingleFace(...)`
//! pipelines on an RGB or RGBA frame (SPEC §6).

use super::boxes::BBox;
use super::crop::{face_crop_rect, CropRect};
use super::detector::{Detection, DetectorOptions, TinyFaceDetector};
use super::error::Result;
use super::expression::{Expression, FaceExpressionNet};
use super::image::Image;
use super::preprocess::expression_input;
use super::weights::{verify_sha256, Weights};

/// sha256 of `tiny_face_detector_model.bin` (@vladmandic/face-api 1.7.15, SPEC §1.5).
pub const DETECTOR_BIN_SHA256: &str =
    "b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871";
/// sha256 of `tiny_face_detector_model-weights_manifest.json` (SPEC §1.5).
pub const DETECTOR_MANIFEST_SHA256: &str =
    "5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5";
/// sha256 of `face_expression_model.bin` (SPEC §1.6).
pub const EXPRESSION_BIN_SHA256: &str =
    "9a9840f2cf1f4c7eab95f197512569345c00d2426754d4608b92af30e0300f3d";
/// sha256 of `face_expression_model-weights_manifest.json` (SPEC §1.6).
pub const EXPRESSION_MANIFEST_SHA256: &str =
    "5b349c17c7836da506e03422cd6461c74085d8bb2713ad4114647dc5d28174c8";

/// One face with its expression probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceResult {
    /// Box in image pixels, float, unclipped (SPEC §3.5).
    pub bbox: BBox,
    /// Detector score in (threshold, 1).
    pub score: f64,
    /// The integer rect that was fed to the expression net (SPEC §4.1).
    pub crop: CropRect,
    /// Softmax probabilities in [`Expression::ALL`] order.
    pub expressions: [f32; 7],
    /// Pre-softmax logits in the same order.
    pub logits: [f32; 7],
}

impl FaceResult {
    /// The most probable expression and its probability.
    pub fn top_expression(&self) -> (Expression, f32) {
        Expression::argmax(&self.expressions)
    }

    /// Probability of one expression.
    pub fn probability(&self, e: Expression) -> f32 {
        self.expressions[e as usize]
    }
}

/// TinyFaceDetector + FaceExpressionNet, ready to run. Immutable after load,
/// so one engine can serve every frame.
#[derive(Debug, Clone)]
pub struct Engine {
    detector: TinyFaceDetector,
    expression: FaceExpressionNet,
}

impl Engine {
    /// Loads both models from the bytes of their manifest and `.bin` files,
    /// first checking the sha256 of all four against the pinned
    /// @vladmandic/face-api 1.7.15 files (golden data is only valid for those).
    pub fn load(
        det_manifest_json: &[u8],
        det_bin: &[u8],
        expr_manifest_json: &[u8],
        expr_bin: &[u8],
    ) -> Result<Engine> {
        verify_sha256(
            "tiny_face_detector_model-weights_manifest.json",
            det_manifest_json,
            DETECTOR_MANIFEST_SHA256,
        )?;
        verify_sha256("tiny_face_detector_model.bin", det_bin, DETECTOR_BIN_SHA256)?;
        verify_sha256(
            "face_expression_model-weights_manifest.json",
            expr_manifest_json,
            EXPRESSION_MANIFEST_SHA256,
        )?;
        verify_sha256("face_expression_model.bin", expr_bin, EXPRESSION_BIN_SHA256)?;
        let det = Weights::from_bytes(det_manifest_json, det_bin)?;
        let expr = Weights::from_bytes(expr_manifest_json, expr_bin)?;
        Self::from_weights(&det, &expr)
    }

    /// Builds the engine from already-decoded weights without checksum
    /// verification (other quantisations of the same architecture).
    pub fn from_weights(detector: &Weights, expression: &Weights) -> Result<Engine> {
        Ok(Engine {
            detector: TinyFaceDetector::load(detector)?,
            expression: FaceExpressionNet::load(expression)?,
        })
    }

    /// The detector network.
    pub fn detector(&self) -> &TinyFaceDetector {
        &self.detector
    }

    /// The expression network.
    pub fn expression_net(&self) -> &FaceExpressionNet {
        &self.expression
    }

    /// Faces only, in descending score order.
    pub fn detect_faces(&self, img: &Image, opts: &DetectorOptions) -> Result<Vec<Detection>> {
        self.detector.detect(img, opts)
    }

    /// Runs the expression net on one detection; `None` when its crop is
    /// empty after clipping (face-api drops such faces, SPEC §4.1).
    pub fn expressions_for(&self, img: &Image, det: &Detection) -> Result<Option<FaceResult>> {
        let Some(crop) = face_crop_rect(&det.bbox, img.width(), img.height()) else {
            return Ok(None);
        };
        let out = self.expression.forward(&expression_input(img, crop))?;
        Ok(Some(FaceResult {
            bbox: det.bbox,
            score: det.score,
            crop,
            expressions: out.probs,
            logits: out.logits,
        }))
    }

    /// `detectAllFaces(img, opts).withFaceExpressions()`: every face, in
    /// descending score order, each with its own expression pass.
    pub fn detect_with_expressions(
        &self,
        img: &Image,
        opts: &DetectorOptions,
    ) -> Result<Vec<FaceResult>> {
        let mut faces = Vec::new();
        for det in self.detect_faces(img, opts)? {
            faces.extend(self.expressions_for(img, &det)?);
        }
        Ok(faces)
    }

    /// `detectSingleFace(img, opts).withFaceExpressions()`: the best-scoring
    /// face only (the expression net runs once).
    pub fn detect_single_face_with_expressions(
        &self,
        img: &Image,
        opts: &DetectorOptions,
    ) -> Result<Option<FaceResult>> {
        let dets = self.detect_faces(img, opts)?;
        // NMS order is already descending; take the max explicitly anyway
        // (first of equals, like face-api's `>` scan).
        let best = dets.iter().fold(None::<&Detection>, |best, d| match best {
            Some(b) if b.score >= d.score => Some(b),
            _ => Some(d),
        });
        match best {
            Some(d) => self.expressions_for(img, d),
            None => Ok(None),
        }
    }
}
