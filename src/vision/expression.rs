//! FaceExpressionNet (SPEC §4.3): four dense blocks, global average pool,
//! a 256 → 7 fully connected layer and softmax.

use super::error::Result;
use super::layers::{Conv2d, Dense, SeparableConv};
use super::ops::{add, add_relu, global_avg_pool, softmax, Activation, ConvGeometry, Padding};
use super::tensor::Tensor;
use super::weights::Weights;

/// The seven classes in face-api's output order (`FACE_EXPRESSION_LABELS`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Expression {
    /// Index 0.
    Neutral,
    /// Index 1.
    Happy,
    /// Index 2.
    Sad,
    /// Index 3.
    Angry,
    /// Index 4.
    Fearful,
    /// Index 5.
    Disgusted,
    /// Index 6.
    Surprised,
}

impl Expression {
    /// All classes, index = position in the network output.
    pub const ALL: [Expression; 7] = [
        Expression::Neutral,
        Expression::Happy,
        Expression::Sad,
        Expression::Angry,
        Expression::Fearful,
        Expression::Disgusted,
        Expression::Surprised,
    ];

    /// face-api's label (`"neutral"`, `"happy"`, …).
    pub fn label(self) -> &'static str {
        match self {
            Expression::Neutral => "neutral",
            Expression::Happy => "happy",
            Expression::Sad => "sad",
            Expression::Angry => "angry",
            Expression::Fearful => "fearful",
            Expression::Disgusted => "disgusted",
            Expression::Surprised => "surprised",
        }
    }

    /// Position of this class in the network's output (and in [`Expression::ALL`]).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The most probable class and its probability; on ties the lower index
    /// wins, as face-api's stable descending sort does.
    pub fn argmax(probs: &[f32; 7]) -> (Expression, f32) {
        let mut best = 0;
        for i in 1..7 {
            if probs[i] > probs[best] {
                best = i;
            }
        }
        (Expression::ALL[best], probs[best])
    }
}

/// Output of the expression net for one face.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpressionOutput {
    /// The 256 average-pooled features.
    pub features: Vec<f32>,
    /// Pre-softmax scores, [`Expression::ALL`] order.
    pub logits: [f32; 7],
    /// Softmax probabilities, [`Expression::ALL`] order.
    pub probs: [f32; 7],
}

/// First conv of a dense block: a regular conv in block 0, separable after.
#[derive(Debug, Clone)]
enum FirstConv {
    Regular(Conv2d),
    Separable(SeparableConv),
}

/// `denseBlock4` (`faceFeatureExtractor/denseBlock.ts`, SPEC §4.3).
#[derive(Debug, Clone)]
pub struct DenseBlock {
    conv0: FirstConv,
    convs: [SeparableConv; 3],
}

impl DenseBlock {
    /// Loads `{prefix}/conv0..conv3` for a `cin → cout` block.
    pub fn load(
        w: &Weights,
        prefix: &str,
        (cin, cout): (usize, usize),
        first_is_regular: bool,
    ) -> Result<Self> {
        let conv0 = if first_is_regular {
            let g = ConvGeometry { kernel: 3, stride: 2, padding: Padding::Same };
            FirstConv::Regular(Conv2d::load(
                w,
                &format!("{prefix}/conv0"),
                (cin, cout),
                g,
                Activation::Relu,
            )?)
        } else {
            let p = &format!("{prefix}/conv0");
            FirstConv::Separable(SeparableConv::load(
                w,
                p,
                (cin, cout),
                (2, Padding::Same),
                Activation::Relu,
            )?)
        };
        let sep = |i: usize| {
            let p = format!("{prefix}/conv{i}");
            SeparableConv::load(w, &p, (cout, cout), (1, Padding::Same), Activation::None)
        };
        Ok(Self { conv0, convs: [sep(1)?, sep(2)?, sep(3)?] })
    }

    /// Block output; `trace` sees `out1..out4` under `{name}/outN`.
    fn forward_traced(
        &self,
        x: &Tensor,
        name: &str,
        trace: &mut dyn FnMut(&str, &Tensor),
    ) -> Result<Tensor> {
        let out1 = match &self.conv0 {
            FirstConv::Regular(c) => c.forward(x)?,
            FirstConv::Separable(c) => c.forward(x)?,
        };
        trace(&format!("{name}/out1"), &out1);
        let out2 = self.convs[0].forward(&out1)?;
        trace(&format!("{name}/out2"), &out2);
        let out3 = self.convs[1].forward(&add_relu(&out1, &out2)?)?;
        trace(&format!("{name}/out3"), &out3);
        // The association order of the sums is face-api's (SPEC §4.3).
        let out2_3 = add(&out2, &out3)?;
        let out4 = self.convs[2].forward(&add_relu(&out1, &out2_3)?)?;
        trace(&format!("{name}/out4"), &out4);
        add_relu(&out1, &add(&out2, &add(&out3, &out4)?)?)
    }

    /// `relu(out1 + (out2 + (out3 + out4)))`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.forward_traced(x, "", &mut |_, _| {})
    }
}

/// FaceExpressionNet (`FaceFeatureExtractor` + `FaceProcessor`).
#[derive(Debug, Clone)]
pub struct FaceExpressionNet {
    blocks: [DenseBlock; 4],
    fc: Dense,
}

impl FaceExpressionNet {
    /// Builds the network from `face_expression_model` weights.
    pub fn load(w: &Weights) -> Result<Self> {
        Ok(Self {
            blocks: [
                DenseBlock::load(w, "dense0", (3, 32), true)?,
                DenseBlock::load(w, "dense1", (32, 64), false)?,
                DenseBlock::load(w, "dense2", (64, 128), false)?,
                DenseBlock::load(w, "dense3", (128, 256), false)?,
            ],
            fc: Dense::load(w, "fc", (256, 7))?,
        })
    }

    /// Features, logits and probabilities for a pre-processed `[112, 112, 3]` input.
    pub fn forward(&self, x: &Tensor) -> Result<ExpressionOutput> {
        self.forward_traced(x, &mut |_, _| {})
    }

    /// [`forward`](Self::forward), handing intermediates to `trace` under
    /// their golden-data names (`dense0/out1`, …, `dense3`).
    pub fn forward_traced(
        &self,
        x: &Tensor,
        trace: &mut dyn FnMut(&str, &Tensor),
    ) -> Result<ExpressionOutput> {
        x.expect_channels("expression input", 3)?;
        let mut h = x.clone();
        for (i, block) in self.blocks.iter().enumerate() {
            let name = format!("dense{i}");
            h = block.forward_traced(&h, &name, trace)?;
            trace(&name, &h);
        }
        h.expect_channels("expression features", 256)?;
        let features = global_avg_pool(&h);
        let logits = self.fc.forward(&features)?;
        let probs = softmax(&logits);
        Ok(ExpressionOutput { features, logits: to7(&logits), probs: to7(&probs) })
    }
}

fn to7(v: &[f32]) -> [f32; 7] {
    let mut a = [0.0; 7];
    a.iter_mut().zip(v).for_each(|(d, s)| *d = *s);
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_face_api_order() {
        let labels: Vec<_> = Expression::ALL.iter().map(|e| e.label()).collect();
        assert_eq!(
            labels,
            ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"]
        );
    }

    #[test]
    fn argmax_prefers_the_first_on_ties() {
        // golden sample1 face 0: happy 0.381 beats sad 0.354 (SPEC §7.1 close call).
        let p = [0.245, 0.381, 0.354, 0.0001, 0.0004, 0.0059, 0.0135];
        assert_eq!(Expression::argmax(&p), (Expression::Happy, 0.381));
        assert_eq!(Expression::argmax(&[0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]).0, Expression::Neutral);
    }
}
