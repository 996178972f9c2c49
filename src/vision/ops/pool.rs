//! Pools (SPEC §2.5).

use super::same_pads;
use crate::vision::tensor::Tensor;

/// `maxPool([2,2], stride, 'same')`: the max over the in-bounds cells of each
/// 2×2 window. With a 2-wide window `same` never pads before, so padding
/// cells (bottom/right on odd inputs, or always for stride 1) are simply
/// ignored, as tfjs does (SPEC §2.1).
pub fn max_pool2(x: &Tensor, stride: usize) -> Tensor {
    let (h, w, c) = (x.height(), x.width(), x.channels());
    let (oh, _, _) = same_pads(h, 2, stride);
    let (ow, _, _) = same_pads(w, 2, stride);
    let data = x.data();
    let mut out = Tensor::zeros(oh, ow, c);
    for (idx, o) in out.data_mut().chunks_exact_mut(c).enumerate() {
        let (y0, x0) = ((idx / ow) * stride, (idx % ow) * stride);
        o.copy_from_slice(&data[(y0 * w + x0) * c..][..c]);
        for (dy, dx) in [(0, 1), (1, 0), (1, 1)] {
            let (y, xx) = (y0 + dy, x0 + dx);
            if y < h && xx < w {
                for (m, &v) in o.iter_mut().zip(&data[(y * w + xx) * c..][..c]) {
                    // `>` like tfjs' pool (NaN never replaces the running
                    // max); a select rather than a branch so it vectorises.
                    *m = if v > *m { v } else { *m };
                }
            }
        }
    }
    out
}

/// Mean over all pixels per channel: `avgPool([7,7],[2,2],'valid')` on the
/// 7×7 map is exactly this (SPEC §4.3). tfjs sums in a JS number (f64) in
/// row-major window order and divides by the count; so do we.
pub fn global_avg_pool(x: &Tensor) -> Vec<f32> {
    let c = x.channels();
    let mut sums = vec![0.0f64; c];
    for px in x.data().chunks_exact(c) {
        for (s, &v) in sums.iter_mut().zip(px) {
            *s += f64::from(v);
        }
    }
    let n = (x.height() * x.width()) as f64;
    sums.into_iter().map(|s| (s / n) as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stride2_odd_input_ignores_the_padding_column() {
        // 3x3 with negative values: a zero pad would win the max, an ignored
        // pad must not (SPEC §2.1: padding cells are ignored).
        let x =
            Tensor::from_vec(3, 3, 1, vec![-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0, -9.0])
                .unwrap();
        let out = max_pool2(&x, 2);
        assert_eq!(out.shape(), [2, 2, 1]);
        assert_eq!(out.data(), &[-1.0, -3.0, -7.0, -9.0]);
    }

    #[test]
    fn stride1_keeps_size_and_looks_right_and_down() {
        let x =
            Tensor::from_vec(2, 2, 2, vec![1.0, -1.0, 4.0, -4.0, 2.0, -2.0, 3.0, -3.0]).unwrap();
        let out = max_pool2(&x, 1);
        assert_eq!(out.shape(), [2, 2, 2]);
        assert_eq!(out.data(), &[4.0, -1.0, 4.0, -3.0, 3.0, -2.0, 3.0, -3.0]);
    }

    #[test]
    fn global_average_is_the_mean() {
        let x = Tensor::from_vec(1, 3, 2, vec![1.0, 10.0, 2.0, 20.0, 4.0, 30.0]).unwrap();
        assert_eq!(global_avg_pool(&x), vec![7.0 / 3.0, 20.0]);
    }
}
