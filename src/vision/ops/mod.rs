//! Primitive tensor ops with tfjs 4.22 CPU-backend semantics (SPEC §2).
//!
//! Everything is NHWC, batch 1, `f32` with `f32` accumulation like tfjs.
//! The hot kernels (a small GEMM used for pointwise and im2col'd regular
//! convolutions, the 3×3 depthwise convolution, and a direct 3×3 conv for
//! the RGB first layers) have a scalar path,
//! written so that LLVM vectorises it natively, and a `wasm32` `simd128` path
//! (`simd128.rs`) selected at compile time.

mod conv;
mod direct;
mod elementwise;
mod gemm;
mod pool;
mod resize;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128;

pub use conv::{conv2d, depthwise_conv3x3, pointwise_conv, ConvGeometry};
pub use direct::{conv2d_direct, DirectFilters};
pub use elementwise::{add, add_relu, leaky, relu, softmax};
pub use gemm::{gemm, Epilogue, PackedMatrix};
pub use pool::{global_avg_pool, max_pool2};
pub use resize::{resize_bilinear_legacy, resize_bilinear_legacy_with};

/// Spatial padding rule of a convolution or pool (SPEC §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// No padding.
    Valid,
    /// TensorFlow `same`: `out = ceil(in / s)`, the odd extra pixel goes bottom/right.
    Same,
    /// `tf.pad(x, p)` with zeros on every side, then a `valid` op (the detector's
    /// separable convs, SPEC §3.2).
    Explicit(usize),
}

impl Padding {
    /// Output length and padding before (top/left) for one axis, or `None` if
    /// the kernel does not fit (a `valid` conv on a too-small input).
    pub fn resolve(self, input: usize, kernel: usize, stride: usize) -> Option<(usize, usize)> {
        match self {
            Padding::Valid => (input >= kernel).then(|| ((input - kernel) / stride + 1, 0)),
            Padding::Same => {
                let (out, before, _) = same_pads(input, kernel, stride);
                Some((out, before))
            }
            Padding::Explicit(p) => {
                let padded = input + 2 * p;
                (padded >= kernel).then(|| ((padded - kernel) / stride + 1, p))
            }
        }
    }
}

/// TensorFlow `same` padding for one axis: `(out, pad_before, pad_after)` (SPEC §2.1).
pub fn same_pads(input: usize, kernel: usize, stride: usize) -> (usize, usize, usize) {
    let out = input.div_ceil(stride);
    let total = ((out.saturating_sub(1)) * stride + kernel).saturating_sub(input);
    let before = total / 2;
    (out, before, total - before)
}

/// Activation applied in a fused epilogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// Identity.
    None,
    /// `max(x, 0)`.
    Relu,
    /// face-api's leaky ReLU with slope 0.1, in its literal form (SPEC §2.6).
    Leaky,
}

impl Activation {
    /// Applies the activation to one value.
    #[inline(always)]
    pub fn apply(self, v: f32) -> f32 {
        match self {
            Activation::None => v,
            Activation::Relu => relu1(v),
            Activation::Leaky => leaky1(v),
        }
    }
}

/// `relu(x) = max(x, 0)`.
#[inline(always)]
pub(crate) fn relu1(v: f32) -> f32 {
    if v > 0.0 {
        v
    } else {
        0.0
    }
}

/// SPEC §2.6: tfjs computes leaky as `m = x * 0.1; relu(x - m) + m`, which
/// differs from `x > 0 ? x : 0.1x` by up to 1 ulp; the literal form keeps us
/// closer to the golden numbers for the same cost.
#[inline(always)]
pub(crate) fn leaky1(v: f32) -> f32 {
    let m = v * 0.1f32;
    relu1(v - m) + m
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values worked out by hand from SPEC §2.1 (its "cases that occur here" list).
    #[test]
    fn same_padding_matches_spec_cases() {
        assert_eq!(same_pads(416, 3, 1), (416, 1, 1));
        for n in [112, 56, 28, 14] {
            assert_eq!(same_pads(n, 3, 2), (n / 2, 0, 1), "k3 s2 even input {n}");
        }
        assert_eq!(same_pads(207, 2, 2), (104, 0, 1));
        assert_eq!(same_pads(104, 2, 2), (52, 0, 0));
        assert_eq!(same_pads(13, 2, 1), (13, 0, 1));
    }

    #[test]
    fn padding_resolve_gives_detector_shapes() {
        // SPEC §3.2 table: conv0 valid 416 -> 414, separable convs keep size.
        assert_eq!(Padding::Valid.resolve(416, 3, 1), Some((414, 0)));
        assert_eq!(Padding::Explicit(1).resolve(207, 3, 1), Some((207, 1)));
        assert_eq!(Padding::Same.resolve(112, 3, 2), Some((56, 0)));
        assert_eq!(Padding::Valid.resolve(2, 3, 1), None);
    }

    #[test]
    fn leaky_matches_slope_point_one() {
        assert_eq!(leaky1(0.0), 0.0);
        assert_eq!(leaky1(-2.0), -2.0f32 * 0.1);
        assert!((leaky1(3.0) - 3.0).abs() <= f32::EPSILON * 3.0);
        assert_eq!(relu1(-1.0), 0.0);
    }
}
