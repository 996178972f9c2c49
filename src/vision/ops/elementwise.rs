//! Element-wise ops and softmax (SPEC §2.6).

use super::{leaky1, relu1};
use crate::vision::error::Result;
use crate::vision::tensor::Tensor;

/// `a + b` (same shape).
pub fn add(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    zip_map(a, b, |x, y| x + y)
}

/// `relu(a + b)` in one pass (the dense-block joins, SPEC §4.3). Same
/// rounding as `relu(add(a, b))`: one f32 add, then the max.
pub fn add_relu(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    zip_map(a, b, |x, y| relu1(x + y))
}

fn zip_map(a: &Tensor, b: &Tensor, f: impl Fn(f32, f32) -> f32) -> Result<Tensor> {
    a.expect_same_shape("elementwise operand", b)?;
    let [h, w, c] = a.shape();
    let data = a.data().iter().zip(b.data()).map(|(&x, &y)| f(x, y)).collect();
    Ok(Tensor::from_vec_exact(h, w, c, data))
}

/// In-place `max(x, 0)`.
pub fn relu(x: &mut Tensor) {
    x.data_mut().iter_mut().for_each(|v| *v = relu1(*v));
}

/// In-place leaky ReLU, slope 0.1, tfjs' literal formula (SPEC §2.6).
pub fn leaky(x: &mut Tensor) {
    x.data_mut().iter_mut().for_each(|v| *v = leaky1(*v));
}

/// `exp(v - max) / Σ exp(v - max)` as tfjs computes it: the subtraction in
/// f32, `Math.exp` in f64 rounded to f32, the sum in a JS number (f64), then
/// an f32 division.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&v| f64::from(v - max).exp() as f32).collect();
    let sum = exps.iter().map(|&e| f64::from(e)).sum::<f64>() as f32;
    exps.into_iter().map(|e| e / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::excessive_precision)] // copied verbatim from golden.json
    fn softmax_of_golden_logits_gives_golden_probs() {
        // golden.json → layer_dump.expression (sample1 face 0), produced by
        // face-api.js 1.7.15 / tfjs-cpu via shared/vision/tools/make_golden.mjs.
        let logits = [
            -3.012558698654175f32,
            -2.5703542232513428,
            -2.6446750164031982,
            -10.888033866882324,
            -9.380204200744629,
            -6.737690448760986,
            -5.911032199859619,
        ];
        let want = [
            0.2449706792831421f32,
            0.3812071681022644,
            0.35390275716781616,
            9.307623258791864e-05,
            0.00042041760752908885,
            0.005906223319470882,
            0.013499666936695576,
        ];
        for (g, w) in softmax(&logits).iter().zip(want) {
            assert!((g - w).abs() <= 1e-7, "{g} vs {w}");
        }
    }

    #[test]
    fn softmax_is_shift_invariant_and_sums_to_one() {
        let p = softmax(&[1000.0, 1000.0]);
        assert_eq!(p, vec![0.5, 0.5]);
        let q = softmax(&[0.0, (2.0f32).ln()]);
        assert!((q[0] - 1.0 / 3.0).abs() < 1e-7 && (q[1] - 2.0 / 3.0).abs() < 1e-7);
    }

    #[test]
    fn add_relu_and_shape_check() {
        let a = Tensor::from_vec(1, 1, 2, vec![1.0, -3.0]).unwrap();
        let b = Tensor::from_vec(1, 1, 2, vec![0.5, 2.0]).unwrap();
        assert_eq!(add_relu(&a, &b).unwrap().data(), &[1.5, 0.0]);
        assert_eq!(add(&a, &b).unwrap().data(), &[1.5, -1.0]);
        assert!(add(&a, &Tensor::zeros(1, 2, 1)).is_err());
    }
}
