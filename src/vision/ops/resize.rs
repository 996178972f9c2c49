//! `tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=false)`,
//! the "legacy TF1" mode face-api uses for tensor inputs (SPEC §2.7).
//!
//! No half-pixel offset and no anti-aliasing; the arithmetic is done in f64
//! (JS numbers) and each result rounded once to f32, which reproduces tfjs'
//! CPU kernel bit for bit.

use crate::vision::tensor::Tensor;

/// Resizes a virtual `in_h × in_w × channels` image whose pixels are given
/// by `src(y, x, c)` to `out_h × out_w`, returning row-major f32 values.
///
/// The closure form lets the pre-processing sample straight from a u8 frame
/// with the zero padding of SPEC §3.1/§4.2 applied on the fly, without
/// materialising the padded square.
pub fn resize_bilinear_legacy_with(
    in_h: usize,
    in_w: usize,
    channels: usize,
    out_h: usize,
    out_w: usize,
    src: impl Fn(usize, usize, usize) -> f64,
) -> Vec<f32> {
    let ry = in_h as f64 / out_h as f64;
    let rx = in_w as f64 / out_w as f64;
    // Column taps are the same for every row: compute them once.
    let cols: Vec<(usize, usize, f64)> = (0..out_w).map(|c| taps(rx * c as f64, in_w)).collect();
    let mut out = Vec::with_capacity(out_h * out_w * channels);
    for r in 0..out_h {
        let (y0, y1, fy) = taps(ry * r as f64, in_h);
        for &(x0, x1, fx) in &cols {
            for ch in 0..channels {
                let (tl, tr) = (src(y0, x0, ch), src(y0, x1, ch));
                let (bl, br) = (src(y1, x0, ch), src(y1, x1, ch));
                let top = tl + (tr - tl) * fx;
                let bottom = bl + (br - bl) * fx;
                out.push((top + (bottom - top) * fy) as f32);
            }
        }
    }
    out
}

/// `(floor, ceil, frac)` of a source coordinate, clamped like tfjs.
#[inline]
fn taps(s: f64, len: usize) -> (usize, usize, f64) {
    let lo = s.floor().max(0.0);
    let hi = s.ceil().min((len - 1) as f64);
    (lo as usize, hi as usize, s - lo)
}

/// Resizes a tensor (SPEC §2.7).
pub fn resize_bilinear_legacy(x: &Tensor, out_h: usize, out_w: usize) -> Tensor {
    let (w, c, data) = (x.width(), x.channels(), x.data());
    let values = resize_bilinear_legacy_with(x.height(), w, c, out_h, out_w, |y, xx, ch| {
        f64::from(data[(y * w + xx) * c + ch])
    });
    Tensor::from_vec_exact(out_h, out_w, c, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscale_samples_without_antialiasing() {
        // 4 -> 2: ratio 2, sources 0 and 2 exactly, no blending (SPEC §2.7
        // "no anti-aliasing"). Worked by hand.
        let x = Tensor::from_vec(1, 4, 1, vec![0.0, 10.0, 20.0, 30.0]).unwrap();
        assert_eq!(resize_bilinear_legacy(&x, 1, 2).data(), &[0.0, 20.0]);
    }

    #[test]
    fn upscale_has_no_half_pixel_offset_and_clamps_the_edge() {
        // 2 -> 4: ratio 0.5, sources 0, 0.5, 1, 1.5 (ceil clamped to 1).
        let x = Tensor::from_vec(1, 2, 1, vec![0.0, 8.0]).unwrap();
        assert_eq!(resize_bilinear_legacy(&x, 1, 4).data(), &[0.0, 4.0, 8.0, 8.0]);
    }

    #[test]
    fn non_integer_ratio_in_2d() {
        // 3x3 -> 2x2: ratio 1.5; output (1,1) samples (1.5, 1.5):
        // top = 4 + (5-4)*.5 = 4.5, bottom = 7 + (8-7)*.5 = 7.5, out = 6.
        let x = Tensor::from_vec(3, 3, 1, (0..9).map(|v| v as f32).collect()).unwrap();
        assert_eq!(resize_bilinear_legacy(&x, 2, 2).data(), &[0.0, 1.5, 4.5, 6.0]);
    }
}
