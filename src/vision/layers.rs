//! Layers with weights: each is `load(weights, prefix, …)` + `forward(x)`.
//!
//! Loading checks every tensor's shape against what the network expects,
//! so a wrong or corrupt model fails at load with a typed error rather
//! than producing garbage at inference time.

use super::error::{Result, VisionError};
use super::ops::{self, Activation, ConvGeometry, DirectFilters, Epilogue, PackedMatrix, Padding};
use super::tensor::Tensor;
use super::weights::Weights;

/// Regular 2-D convolution + bias + activation (`{prefix}/filters` HWIO,
/// `{prefix}/bias`), SPEC §2.2.
#[derive(Debug, Clone)]
pub struct Conv2d {
    geom: ConvGeometry,
    filters: ConvFilters,
    bias: Vec<f32>,
    act: Activation,
}

/// The filters, laid out for the kernel that runs them.
#[derive(Debug, Clone)]
enum ConvFilters {
    /// im2col + GEMM (any shape).
    Packed(PackedMatrix),
    /// Direct 3×3 kernel for the RGB first layers, where im2col costs as much as the math.
    Direct(DirectFilters),
}

impl Conv2d {
    /// Loads a `k×k`, `cin → cout` convolution.
    pub fn load(
        w: &Weights,
        prefix: &str,
        (cin, cout): (usize, usize),
        geom: ConvGeometry,
        act: Activation,
    ) -> Result<Self> {
        let k = geom.kernel;
        let f = w.tensor(&format!("{prefix}/filters"), &[k, k, cin, cout])?;
        let bias = w.tensor(&format!("{prefix}/bias"), &[cout])?.to_vec();
        let filters = match DirectFilters::pack(f, cin, cout).filter(|_| k == 3) {
            Some(d) => ConvFilters::Direct(d),
            // HWIO is already the row-major [k·k·cin, cout] GEMM operand.
            None => ConvFilters::Packed(PackedMatrix::pack(f, k * k * cin, cout)),
        };
        Ok(Self { geom, filters, bias, act })
    }

    /// `act(conv(x) + bias)`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let epi = Epilogue { bias: Some(&self.bias), act: self.act };
        match &self.filters {
            ConvFilters::Packed(w) => ops::conv2d(x, w, self.geom, &epi),
            ConvFilters::Direct(w) => ops::conv2d_direct(x, w, self.geom, &epi),
        }
    }
}

/// Depthwise 3×3 → pointwise 1×1 → + bias → activation, with no bias or
/// activation in between (SPEC §2.4). Weights `{prefix}/depthwise_filter`,
/// `{prefix}/pointwise_filter`, `{prefix}/bias`.
#[derive(Debug, Clone)]
pub struct SeparableConv {
    depthwise: Vec<f32>,
    pointwise: PackedMatrix,
    bias: Vec<f32>,
    stride: usize,
    padding: Padding,
    act: Activation,
}

impl SeparableConv {
    /// Loads a `cin → cout` separable conv whose depthwise part uses `stride`/`padding`.
    pub fn load(
        w: &Weights,
        prefix: &str,
        (cin, cout): (usize, usize),
        (stride, padding): (usize, Padding),
        act: Activation,
    ) -> Result<Self> {
        let depthwise = w.tensor(&format!("{prefix}/depthwise_filter"), &[3, 3, cin, 1])?.to_vec();
        let pw = w.tensor(&format!("{prefix}/pointwise_filter"), &[1, 1, cin, cout])?;
        let bias = w.tensor(&format!("{prefix}/bias"), &[cout])?.to_vec();
        let pointwise = PackedMatrix::pack(pw, cin, cout);
        Ok(Self { depthwise, pointwise, bias, stride, padding, act })
    }

    /// `act(pointwise(depthwise(x)) + bias)`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let d = ops::depthwise_conv3x3(x, &self.depthwise, self.stride, self.padding)?;
        let epi = Epilogue { bias: Some(&self.bias), act: self.act };
        ops::pointwise_conv(&d, &self.pointwise, &epi)
    }
}

/// Fully connected layer `x @ W + b` (`{prefix}/weights` `[in, out]`,
/// `{prefix}/bias`), SPEC §4.3.
#[derive(Debug, Clone)]
pub struct Dense {
    weights: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

/// tfjs CPU `batchMatMul` block size (`backend_cpu.js`: `blockSize = 48`).
const TFJS_MATMUL_BLOCK: usize = 48;

impl Dense {
    /// Loads an `inputs → outputs` layer.
    pub fn load(w: &Weights, prefix: &str, (inputs, outputs): (usize, usize)) -> Result<Self> {
        let weights = w.tensor(&format!("{prefix}/weights"), &[inputs, outputs])?.to_vec();
        let bias = w.tensor(&format!("{prefix}/bias"), &[outputs])?.to_vec();
        Ok(Self { weights, bias, inputs, outputs })
    }

    /// `x @ W + b`. Like tfjs' CPU matMul, each block of 48 products is
    /// summed in a JS number (f64) and added to an f32 accumulator; the bias
    /// is a separate f32 add.
    pub fn forward(&self, x: &[f32]) -> Result<Vec<f32>> {
        if x.len() != self.inputs {
            return Err(VisionError::Shape {
                name: "dense input".into(),
                expected: vec![self.inputs],
                actual: vec![x.len()],
            });
        }
        let out = (0..self.outputs)
            .map(|j| {
                let mut acc = 0.0f32;
                for k0 in (0..self.inputs).step_by(TFJS_MATMUL_BLOCK) {
                    let k1 = (k0 + TFJS_MATMUL_BLOCK).min(self.inputs);
                    let block: f64 = (k0..k1)
                        .map(|k| f64::from(x[k]) * f64::from(self.weights[k * self.outputs + j]))
                        .sum();
                    acc = (f64::from(acc) + block) as f32;
                }
                acc + self.bias[j]
            })
            .collect();
        Ok(out)
    }
}
