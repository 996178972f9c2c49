//! Convolutions (SPEC §2.2–§2.4): regular (im2col + GEMM), pointwise (GEMM)
//! and 3×3 depthwise.
//!
//! Summation order per output matches tfjs' CPU kernels: filter row, filter
//! column, then input channel, each ascending, into one `f32` accumulator.
//! Padded taps are skipped (regular convs add an exact `0·w` instead, which
//! leaves the sum unchanged).

use super::gemm::{gemm, Epilogue, PackedMatrix};
use super::Padding;
use crate::vision::error::{Result, VisionError};
use crate::vision::tensor::Tensor;

/// Kernel size, stride and padding of a square 2-D convolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvGeometry {
    /// Kernel height = width.
    pub kernel: usize,
    /// Stride in both axes.
    pub stride: usize,
    /// Padding rule (SPEC §2.1).
    pub padding: Padding,
}

impl ConvGeometry {
    /// `(out_h, out_w, pad_top, pad_left)` for an `h × w` input.
    pub(super) fn output(&self, name: &str, x: &Tensor) -> Result<(usize, usize, usize, usize)> {
        let rows = self.padding.resolve(x.height(), self.kernel, self.stride);
        let cols = self.padding.resolve(x.width(), self.kernel, self.stride);
        match (rows, cols) {
            (Some((oh, pt)), Some((ow, pl))) if oh > 0 && ow > 0 => Ok((oh, ow, pt, pl)),
            _ => Err(VisionError::Shape {
                name: format!("{name}: input too small for kernel {}", self.kernel),
                expected: vec![self.kernel, self.kernel, x.channels()],
                actual: x.shape().to_vec(),
            }),
        }
    }
}

/// Regular conv2d with `w` = HWIO filters packed as `[k·k·cin, cout]`.
pub fn conv2d(x: &Tensor, w: &PackedMatrix, geom: ConvGeometry, epi: &Epilogue) -> Result<Tensor> {
    let k = geom.kernel;
    let cin = x.channels();
    if w.k() != k * k * cin {
        return Err(VisionError::Shape {
            name: "conv2d input channels".into(),
            expected: vec![w.k() / (k * k)],
            actual: vec![cin],
        });
    }
    if k == 1 && geom.stride == 1 && geom.padding == Padding::Valid {
        return pointwise_conv(x, w, epi);
    }
    let (oh, ow, pt, pl) = geom.output("conv2d", x)?;
    let mut out = Tensor::zeros(oh, ow, w.n());
    let row_len = ow * w.n();
    // im2col one output row at a time: (k·k·cin) values per pixel in
    // (filter row, filter col, channel) order = tfjs' summation order.
    let mut cols = vec![0.0f32; ow * w.k()];
    for (oy, out_row) in out.data_mut().chunks_exact_mut(row_len).enumerate() {
        im2col_row(x, geom, oy, pt, pl, ow, &mut cols);
        gemm(&cols, ow, w, epi, out_row);
    }
    Ok(out)
}

fn im2col_row(
    x: &Tensor,
    g: ConvGeometry,
    oy: usize,
    pt: usize,
    pl: usize,
    ow: usize,
    cols: &mut [f32],
) {
    let (h, wd, c) = (x.height(), x.width(), x.channels());
    let k = g.kernel;
    let data = x.data();
    for (ox, px) in cols.chunks_exact_mut(k * k * c).enumerate().take(ow) {
        for i in 0..k {
            let dst = &mut px[i * k * c..(i + 1) * k * c];
            let iy = (oy * g.stride + i).wrapping_sub(pt);
            if iy >= h {
                dst.fill(0.0);
                continue;
            }
            let ix0 = (ox * g.stride) as isize - pl as isize;
            if ix0 >= 0 && ix0 as usize + k <= wd {
                // Fast path: the k taps of this filter row are contiguous in NHWC.
                let s = (iy * wd + ix0 as usize) * c;
                dst.copy_from_slice(&data[s..s + k * c]);
            } else {
                for j in 0..k {
                    let ix = (ix0 + j as isize) as usize; // wraps to huge when negative
                    let d = &mut dst[j * c..(j + 1) * c];
                    if ix < wd {
                        d.copy_from_slice(&data[(iy * wd + ix) * c..][..c]);
                    } else {
                        d.fill(0.0);
                    }
                }
            }
        }
    }
}

/// 1×1 stride-1 conv: the NHWC input already is the `[h·w, cin]` GEMM operand.
pub fn pointwise_conv(x: &Tensor, w: &PackedMatrix, epi: &Epilogue) -> Result<Tensor> {
    if w.k() != x.channels() {
        return Err(VisionError::Shape {
            name: "pointwise input channels".into(),
            expected: vec![w.k()],
            actual: vec![x.channels()],
        });
    }
    let m = x.height() * x.width();
    let mut out = Tensor::zeros(x.height(), x.width(), w.n());
    gemm(x.data(), m, w, epi, out.data_mut());
    Ok(out)
}

/// 3×3 depthwise conv, channel multiplier 1 (SPEC §2.3); `w` is `[3, 3, c]`
/// flattened. No bias: in both models a depthwise conv only ever feeds a
/// pointwise conv (SPEC §2.4).
pub fn depthwise_conv3x3(x: &Tensor, w: &[f32], stride: usize, padding: Padding) -> Result<Tensor> {
    let c = x.channels();
    if w.len() != 9 * c {
        return Err(VisionError::Shape {
            name: "depthwise filter".into(),
            expected: vec![3, 3, c, 1],
            actual: vec![w.len()],
        });
    }
    let geom = ConvGeometry { kernel: 3, stride, padding };
    let (oh, ow, pt, pl) = geom.output("depthwise", x)?;
    let (h, wd) = (x.height(), x.width());
    let data = x.data();
    let mut out = Tensor::zeros(oh, ow, c);
    let mut taps: Vec<(usize, usize)> = Vec::with_capacity(9);
    for (idx, o) in out.data_mut().chunks_exact_mut(c).enumerate() {
        let (oy, ox) = (idx / ow, idx % ow);
        // In-bounds taps as (input offset, filter offset), in (row, col)
        // order = tfjs' summation order; padded taps contribute nothing.
        taps.clear();
        for i in 0..3 {
            let iy = (oy * stride + i).wrapping_sub(pt); // wraps to huge when negative
            for j in 0..3 {
                let ix = (ox * stride + j).wrapping_sub(pl);
                if iy < h && ix < wd {
                    taps.push(((iy * wd + ix) * c, (i * 3 + j) * c));
                }
            }
        }
        depthwise_pixel(o, data, w, &taps);
    }
    Ok(out)
}

/// `o[ch] = Σ_taps data[src + ch] · w[wo + ch]` with separate multiply and
/// add (tfjs has no FMA), one f32 accumulator per channel kept in registers
/// across the taps.
#[inline(always)]
fn depthwise_pixel(o: &mut [f32], data: &[f32], w: &[f32], taps: &[(usize, usize)]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        super::simd128::depthwise_pixel(o, data, w, taps)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        const L: usize = 8;
        let c = o.len();
        let mut chunks = o.chunks_exact_mut(L);
        for (n, oc) in chunks.by_ref().enumerate() {
            let mut acc = [0.0f32; L];
            for &(src, wo) in taps {
                let x = &data[src + n * L..][..L];
                let k = &w[wo + n * L..][..L];
                for l in 0..L {
                    acc[l] += x[l] * k[l];
                }
            }
            oc.copy_from_slice(&acc);
        }
        let done = c / L * L;
        for (i, o) in chunks.into_remainder().iter_mut().enumerate() {
            let ch = done + i;
            *o = taps.iter().fold(0.0f32, |acc, &(src, wo)| acc + data[src + ch] * w[wo + ch]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct 7-loop convolution straight from SPEC §2.2 (explicit zero
    /// padding): the second implementation the im2col path is checked against.
    fn reference_conv(
        x: &Tensor,
        w: &[f32],
        k: usize,
        cout: usize,
        s: usize,
        pad: Padding,
    ) -> Tensor {
        let (oh, pt) = pad.resolve(x.height(), k, s).unwrap();
        let (ow, pl) = pad.resolve(x.width(), k, s).unwrap();
        let cin = x.channels();
        let mut out = Tensor::zeros(oh, ow, cout);
        for y in 0..oh {
            for xo in 0..ow {
                for co in 0..cout {
                    let mut acc = 0.0f32;
                    for i in 0..k {
                        for j in 0..k {
                            let (iy, ix) = (
                                (y * s + i) as isize - pt as isize,
                                (xo * s + j) as isize - pl as isize,
                            );
                            if iy < 0
                                || ix < 0
                                || iy as usize >= x.height()
                                || ix as usize >= x.width()
                            {
                                continue;
                            }
                            for ci in 0..cin {
                                acc += x.at(iy as usize, ix as usize, ci)
                                    * w[((i * k + j) * cin + ci) * cout + co];
                            }
                        }
                    }
                    out.data_mut()[(y * ow + xo) * cout + co] = acc;
                }
            }
        }
        out
    }

    fn ramp(n: usize, mul: usize, modulo: usize) -> Vec<f32> {
        (0..n).map(|i| ((i * mul % modulo) as f32 - (modulo / 2) as f32) / 7.0).collect()
    }

    #[test]
    fn conv2d_matches_direct_loop_for_every_padding_rule() {
        let x = Tensor::from_vec(8, 7, 3, ramp(8 * 7 * 3, 31, 23)).unwrap();
        let w = ramp(3 * 3 * 3 * 5, 17, 19);
        let packed = PackedMatrix::pack(&w, 27, 5);
        for (s, pad) in
            [(1, Padding::Valid), (2, Padding::Same), (1, Padding::Same), (1, Padding::Explicit(1))]
        {
            let geom = ConvGeometry { kernel: 3, stride: s, padding: pad };
            let got = conv2d(&x, &packed, geom, &Epilogue::NONE).unwrap();
            assert_eq!(got, reference_conv(&x, &w, 3, 5, s, pad), "stride {s} {pad:?}");
        }
    }

    #[test]
    fn stride2_same_pads_only_bottom_right() {
        // SPEC §2.1: k3 s2 on an even input pads 0 top/left, 1 bottom/right, so
        // output (0,0) sees input rows/cols 0..3 and the last output sees the
        // last two input rows/cols plus one zero. All-ones input and filter
        // make the tap count visible.
        let x = Tensor::from_vec(4, 4, 1, vec![1.0; 16]).unwrap();
        let w = PackedMatrix::pack(&[1.0; 9], 9, 1);
        let g = ConvGeometry { kernel: 3, stride: 2, padding: Padding::Same };
        let out = conv2d(&x, &w, g, &Epilogue::NONE).unwrap();
        assert_eq!(out.data(), &[9.0, 6.0, 6.0, 4.0]);
    }

    #[test]
    fn depthwise_matches_per_channel_reference() {
        let x = Tensor::from_vec(5, 6, 4, ramp(5 * 6 * 4, 29, 31)).unwrap();
        let w = ramp(9 * 4, 13, 11);
        for (s, pad) in [(1, Padding::Explicit(1)), (2, Padding::Same), (1, Padding::Same)] {
            let got = depthwise_conv3x3(&x, &w, s, pad).unwrap();
            for ch in 0..4 {
                let xc = Tensor::from_vec(5, 6, 1, (0..30).map(|p| x.data()[p * 4 + ch]).collect())
                    .unwrap();
                let wc: Vec<f32> = (0..9).map(|t| w[t * 4 + ch]).collect();
                let r = reference_conv(&xc, &wc, 3, 1, s, pad);
                let g: Vec<f32> = got.data().iter().skip(ch).step_by(4).copied().collect();
                assert_eq!(g, r.data(), "ch {ch} stride {s} {pad:?}");
            }
        }
    }

    #[test]
    fn channel_mismatch_is_an_error_not_a_panic() {
        let x = Tensor::zeros(4, 4, 2);
        let w = PackedMatrix::pack(&[0.0; 27], 27, 1);
        let g = ConvGeometry { kernel: 3, stride: 1, padding: Padding::Valid };
        assert!(matches!(conv2d(&x, &w, g, &Epilogue::NONE), Err(VisionError::Shape { .. })));
        assert!(depthwise_conv3x3(&x, &[0.0; 9], 1, Padding::Same).is_err());
    }
}
