//! Image → network input tensors (SPEC §3.1 detector, §4.2 expression net).
//!
//! Both follow face-api's tensor path: zero-pad to a square (top-left
//! anchored for the detector, centred for faces), legacy bilinear resize,
//! then `(v - mean) / 255` in f32. The padded square is never built: the
//! resize samples a virtual image that is 0 outside the real pixels, which
//! gives the same values (the blend across the edge still mixes in zeros).

use super::crop::CropRect;
use super::image::Image;
use super::ops::resize_bilinear_legacy_with;
use super::tensor::Tensor;

/// TinyFaceDetector mean RGB (`tinyFaceDetector/const.ts`, SPEC §3.1).
pub const DETECTOR_MEAN_RGB: [f32; 3] = [117.001, 114.697, 97.404];
/// FaceExpressionNet / FaceFeatureExtractor mean RGB (SPEC §4.2).
pub const EXPRESSION_MEAN_RGB: [f32; 3] = [122.782, 117.001, 104.298];
/// Side of the expression net input (SPEC §4.2).
pub const EXPRESSION_INPUT_SIZE: usize = 112;

/// A `side × side` virtual square holding an image region at an offset,
/// zeros elsewhere.
struct PaddedSquare<'a> {
    img: &'a Image<'a>,
    region: CropRect,
    /// Where the region's top-left lands inside the square.
    offset_x: usize,
    offset_y: usize,
    side: usize,
}

impl PaddedSquare<'_> {
    #[inline(always)]
    fn get(&self, y: usize, x: usize, c: usize) -> u8 {
        let (ry, rx) = (y.wrapping_sub(self.offset_y), x.wrapping_sub(self.offset_x));
        if ry < self.region.height && rx < self.region.width {
            self.img.channel(self.region.y + ry, self.region.x + rx, c)
        } else {
            0
        }
    }

    /// The square resized to `n × n` (legacy bilinear, SPEC §2.7), values 0..255;
    /// no resize when the square already is `n` wide.
    fn resized(&self, n: usize) -> Tensor {
        let values = if self.side == n {
            (0..n * n * 3).map(|i| f32::from(self.get(i / 3 / n, i / 3 % n, i % 3))).collect()
        } else {
            resize_bilinear_legacy_with(self.side, self.side, 3, n, n, |y, x, c| {
                f64::from(self.get(y, x, c))
            })
        };
        Tensor::from_vec_exact(n, n, 3, values)
    }
}

/// SPEC §3.1 steps 1–2: pad bottom/right to a square, resize to `input_size`
/// (values 0..255, before normalisation; golden `resized_0_255`).
pub fn detector_resized(img: &Image, input_size: usize) -> Tensor {
    let region = CropRect { x: 0, y: 0, width: img.width(), height: img.height() };
    let side = img.width().max(img.height());
    PaddedSquare { img, region, offset_x: 0, offset_y: 0, side }.resized(input_size)
}

/// SPEC §3.1: the detector input `[input_size, input_size, 3]`.
pub fn detector_input(img: &Image, input_size: usize) -> Tensor {
    normalize(detector_resized(img, input_size), DETECTOR_MEAN_RGB)
}

/// SPEC §4.2 steps 1–2 for the face `region` of `img`: pad to a centred
/// square (`after = Math.round(diff / 2)`, `before = diff - after`), resize
/// to 112 (values 0..255).
pub fn expression_resized(img: &Image, region: CropRect) -> Tensor {
    let (offset_x, offset_y) = centred_offsets(region.width, region.height);
    let side = region.width.max(region.height);
    PaddedSquare { img, region, offset_x, offset_y, side }.resized(EXPRESSION_INPUT_SIZE)
}

/// `(left, top)` padding that centres a `w × h` region in its square:
/// `after = Math.round(diff * 0.5)` (halves up), `before = diff - after`
/// (`padToSquare(x, true)`, SPEC §4.2 step 1).
fn centred_offsets(w: usize, h: usize) -> (usize, usize) {
    let diff = w.abs_diff(h);
    let after = (diff as f64 * 0.5 + 0.5).floor() as usize;
    let before = diff - after;
    if h > w {
        (before, 0)
    } else {
        (0, before)
    }
}

/// SPEC §4.2: the expression net input `[112, 112, 3]` for a face `region`.
pub fn expression_input(img: &Image, region: CropRect) -> Tensor {
    normalize(expression_resized(img, region), EXPRESSION_MEAN_RGB)
}

/// `(v - mean[c]) / 255`: an f32 subtraction then an f32 **division**
/// (not a multiplication by 1/255), as tfjs does (SPEC §3.1 step 3).
pub fn normalize(mut t: Tensor, mean: [f32; 3]) -> Tensor {
    for px in t.data_mut().chunks_exact_mut(3) {
        for (v, m) in px.iter_mut().zip(mean) {
            *v = (*v - m) / 255.0;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centred_padding_offsets() {
        // SPEC §4.2 example: a 312x255 crop gets 28 rows on top, 29 below.
        assert_eq!(centred_offsets(312, 255), (0, 28));
        // Portrait, odd diff 3: after = round(1.5) = 2, so 1 column on the left.
        assert_eq!(centred_offsets(3, 6), (1, 0));
        assert_eq!(centred_offsets(2, 3), (0, 0));
        assert_eq!(centred_offsets(5, 5), (0, 0));
    }

    #[test]
    fn expression_square_places_the_region_at_its_offset() {
        // 112 x 111 region: side 112 → no resize, 0 rows on top (diff 1 → after 1).
        let (w, h) = (114, 113);
        let px: Vec<u8> = (0..w * h * 3).map(|i| (i % 251) as u8 + 1).collect();
        let img = Image::rgb(w, h, &px).unwrap();
        let region = CropRect { x: 2, y: 1, width: 112, height: 111 };
        let t = expression_resized(&img, region);
        assert_eq!(t.at(0, 0, 1), f32::from(img.channel(1, 2, 1)));
        assert_eq!(t.at(110, 111, 2), f32::from(img.channel(111, 113, 2)));
        assert_eq!(t.at(111, 5, 0), 0.0, "padding row at the bottom");
    }

    #[test]
    fn detector_pads_bottom_right_only() {
        // 2x1 image → 2x2 square with the padding row at the bottom.
        let px = [10, 20, 30, 40, 50, 60];
        let img = Image::rgb(2, 1, &px).unwrap();
        let t = detector_resized(&img, 2);
        assert_eq!(t.data(), &[10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn normalisation_divides() {
        let t = Tensor::from_vec(1, 1, 3, vec![255.0, 0.0, 97.404]).unwrap();
        let n = normalize(t, DETECTOR_MEAN_RGB);
        assert_eq!(n.data(), &[(255.0f32 - 117.001) / 255.0, (0.0f32 - 114.697) / 255.0, 0.0]);
    }
}
