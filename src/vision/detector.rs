//! TinyFaceDetector (SPEC §3): options, network, and the full
//! image → detections pipeline (pre-process, forward, decode, NMS).

use super::boxes::{nms, BBox};
use super::decode::decode;
use super::error::{Result, VisionError};
use super::image::Image;
use super::layers::{Conv2d, SeparableConv};
use super::ops::{max_pool2, Activation, ConvGeometry, Padding};
use super::preprocess::detector_input;
use super::tensor::Tensor;
use super::weights::Weights;

/// Detector settings (`TinyFaceDetectorOptions` + the model's IoU threshold).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectorOptions {
    /// Network input side: a multiple of 32 in 128..=608. Smaller is faster
    /// and better for one large webcam face (SPEC §9.2: prefer 224 or 320).
    pub input_size: usize,
    /// Minimum objectness, exclusive, in (0, 1). face-api default 0.5.
    pub score_threshold: f64,
    /// NMS IoU threshold; face-api's TinyFaceDetector uses 0.4.
    pub iou_threshold: f64,
}

impl Default for DetectorOptions {
    /// face-api's defaults: 416, 0.5, 0.4.
    fn default() -> Self {
        Self { input_size: 416, score_threshold: 0.5, iou_threshold: 0.4 }
    }
}

impl DetectorOptions {
    /// Options with the given input size and score threshold, IoU 0.4.
    pub fn new(input_size: usize, score_threshold: f64) -> Self {
        Self { input_size, score_threshold, ..Self::default() }
    }

    /// Checks the ranges face-api enforces (SPEC §3 "Options").
    pub fn validate(&self) -> Result<()> {
        let n = self.input_size;
        if !n.is_multiple_of(32) || !(128..=608).contains(&n) {
            return Err(VisionError::Options(format!(
                "input_size {n} is not a multiple of 32 in 128..=608"
            )));
        }
        if !(self.score_threshold > 0.0 && self.score_threshold < 1.0) {
            return Err(VisionError::Options(format!(
                "score_threshold {} not in (0, 1)",
                self.score_threshold
            )));
        }
        if !(0.0..=1.0).contains(&self.iou_threshold) {
            return Err(VisionError::Options(format!(
                "iou_threshold {} not in [0, 1]",
                self.iou_threshold
            )));
        }
        Ok(())
    }
}

/// One detected face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// Objectness `sigmoid(to)`.
    pub score: f64,
    /// Box in original-image pixels, float, unclipped (SPEC §3.5).
    pub bbox: BBox,
    /// The same box as fractions of the image width/height.
    pub relative: BBox,
}

/// `filterSizes = [3,16,32,64,128,256,512]` (SPEC §3, no conv6/conv7).
const CHANNELS: [usize; 7] = [3, 16, 32, 64, 128, 256, 512];

/// The TinyFaceDetector network (SPEC §3.2).
#[derive(Debug, Clone)]
pub struct TinyFaceDetector {
    conv0: Conv2d,
    /// conv1..conv5.
    convs: Vec<SeparableConv>,
    conv8: Conv2d,
}

impl TinyFaceDetector {
    /// Builds the network from `tiny_face_detector_model` weights.
    pub fn load(w: &Weights) -> Result<Self> {
        let valid3 = ConvGeometry { kernel: 3, stride: 1, padding: Padding::Valid };
        let conv0 =
            Conv2d::load(w, "conv0", (CHANNELS[0], CHANNELS[1]), valid3, Activation::Leaky)?;
        let convs = (1..6)
            .map(|i| {
                let io = (CHANNELS[i], CHANNELS[i + 1]);
                // Explicit `tf.pad(x, 1)` then a valid depthwise conv.
                SeparableConv::load(
                    w,
                    &format!("conv{i}"),
                    io,
                    (1, Padding::Explicit(1)),
                    Activation::Leaky,
                )
            })
            .collect::<Result<_>>()?;
        let pw = ConvGeometry { kernel: 1, stride: 1, padding: Padding::Valid };
        let conv8 = Conv2d::load(w, "conv8", (CHANNELS[6], 25), pw, Activation::None)?;
        Ok(Self { conv0, convs, conv8 })
    }

    /// Raw output `[N/32, N/32, 25]` for a pre-processed `[N, N, 3]` input.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.forward_traced(x, &mut |_, _| {})
    }

    /// [`forward`](Self::forward), handing every intermediate tensor to
    /// `trace` under its golden-data name (`conv0`, `pool0`, …, `conv8`).
    pub fn forward_traced(
        &self,
        x: &Tensor,
        trace: &mut dyn FnMut(&str, &Tensor),
    ) -> Result<Tensor> {
        x.expect_channels("detector input", 3)?;
        let mut h = self.conv0.forward(x)?;
        trace("conv0", &h);
        h = max_pool2(&h, 2);
        trace("pool0", &h);
        for (i, conv) in self.convs.iter().enumerate() {
            h = conv.forward(&h)?;
            trace(&format!("conv{}", i + 1), &h);
            // pool5 has stride 1: the grid stays N/32 (SPEC §3.2).
            h = max_pool2(&h, if i < 4 { 2 } else { 1 });
            trace(&format!("pool{}", i + 1), &h);
        }
        let out = self.conv8.forward(&h)?;
        trace("conv8", &out);
        Ok(out)
    }

    /// Full pipeline: pre-process, forward, decode, NMS (SPEC §6). Results
    /// in NMS pick order (descending score).
    pub fn detect(&self, img: &Image, opts: &DetectorOptions) -> Result<Vec<Detection>> {
        opts.validate()?;
        let n = opts.input_size;
        let out = self.forward(&detector_input(img, n))?;
        let (w, h) = (img.width(), img.height());
        let cands = decode(&out, w, h, n, opts.score_threshold)?;
        // face-api runs NMS on the relative boxes rescaled by inputSize.
        let boxes: Vec<BBox> = cands.iter().map(|c| c.rel.scale(n as f64, n as f64)).collect();
        let scores: Vec<f64> = cands.iter().map(|c| c.score).collect();
        let keep = nms(&boxes, &scores, opts.iou_threshold);
        Ok(keep
            .into_iter()
            .map(|i| {
                let c = &cands[i];
                Detection { score: c.score, bbox: c.rel.scale(w as f64, h as f64), relative: c.rel }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_validated() {
        assert!(DetectorOptions::default().validate().is_ok());
        for n in (128..=608).step_by(32) {
            assert!(DetectorOptions::new(n, 0.5).validate().is_ok(), "{n}");
        }
        for bad in [0, 96, 100, 415, 640] {
            assert!(DetectorOptions::new(bad, 0.5).validate().is_err(), "{bad}");
        }
        assert!(DetectorOptions::new(416, 0.0).validate().is_err());
        assert!(DetectorOptions::new(416, 1.0).validate().is_err());
        assert!(DetectorOptions::new(416, f64::NAN).validate().is_err());
    }
}
