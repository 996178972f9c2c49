//! Direct 3×3 convolution for layers with only a few input channels: the
//! RGB first conv of both nets (detector `conv0`, 3→16 `valid`; expression
//! `dense0/conv0`, 3→32 stride 2 `same`), SPEC §2.2.
//!
//! With `k·k·cin = 27` the im2col + GEMM path spends as much time copying
//! 27-float patches and applying a scalar epilogue as multiplying. Here each
//! output pixel reads its three 9-float input runs straight from the (padded)
//! input rows, and blocks of [`PX`] pixels × [`CB`] output channels stay in
//! registers. The arithmetic per output is the im2col path's exactly: one
//! `f32` accumulator from 0, taps in (filter row, filter col, channel) order
//! with a separate multiply and add, then `+ bias`, then the activation; a
//! padded tap adds an exact `0·w` there as here (we read a zero-padded copy).

use super::conv::ConvGeometry;
use super::gemm::Epilogue;
use crate::vision::error::{Result, VisionError};
use crate::vision::tensor::Tensor;

/// Output channels per block (two 4-lane vectors).
pub(crate) const CB: usize = 8;
/// Output pixels per block.
pub(crate) const PX: usize = 4;
/// Kernel side this path handles.
const K: usize = 3;

/// HWIO `3×3×cin×cout` filters regrouped as `[cout / CB][k·k·cin][CB]`, so a
/// channel block's weights for consecutive taps are contiguous.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectFilters {
    cin: usize,
    cout: usize,
    blocks: Vec<f32>,
}

impl DirectFilters {
    /// Whether a `k×k`, `cin → cout` conv should take this path: 3×3 with at
    /// most 4 input channels and whole channel blocks.
    pub fn suits(kernel: usize, cin: usize, cout: usize) -> bool {
        kernel == K && cin <= 4 && cout > 0 && cout.is_multiple_of(CB)
    }

    /// Regroups HWIO filters (`[3, 3, cin, cout]` row-major); `None` unless
    /// [`suits`](Self::suits)`(3, cin, cout)` and the length matches.
    pub fn pack(hwio: &[f32], cin: usize, cout: usize) -> Option<Self> {
        let taps = K * K * cin;
        if !Self::suits(K, cin, cout) || hwio.len() != taps * cout {
            return None;
        }
        let mut blocks = Vec::with_capacity(hwio.len());
        for b in 0..cout / CB {
            for t in 0..taps {
                blocks.extend_from_slice(&hwio[t * cout + b * CB..][..CB]);
            }
        }
        Some(Self { cin, cout, blocks })
    }

    /// Output channels.
    pub fn cout(&self) -> usize {
        self.cout
    }
}

/// `epilogue(conv3x3(x, w))` for any stride and padding rule (SPEC §2.1–§2.2).
pub fn conv2d_direct(
    x: &Tensor,
    w: &DirectFilters,
    geom: ConvGeometry,
    epi: &Epilogue,
) -> Result<Tensor> {
    if geom.kernel != K || x.channels() != w.cin {
        return Err(VisionError::Shape {
            name: "direct conv input".into(),
            expected: vec![K, K, w.cin],
            actual: vec![geom.kernel, geom.kernel, x.channels()],
        });
    }
    if let Some(bias) = epi.bias {
        if bias.len() != w.cout {
            return Err(VisionError::Shape {
                name: "direct conv bias".into(),
                expected: vec![w.cout],
                actual: vec![bias.len()],
            });
        }
    }
    let (oh, ow, pt, pl) = geom.output("direct conv", x)?;
    let s = geom.stride;
    let padded = pad_to(x, ((oh - 1) * s + K, (ow - 1) * s + K), (pt, pl));
    let src = padded.as_ref().unwrap_or(x);
    let row_len = src.width() * w.cin;
    let mut out = Tensor::zeros(oh, ow, w.cout);
    for (oy, out_row) in out.data_mut().chunks_exact_mut(ow * w.cout).enumerate() {
        let rows = &src.data()[oy * s * row_len..][..K * row_len];
        conv_row(rows, row_len, s, w, epi, out_row);
    }
    Ok(out)
}

/// A zero-padded copy of `x` covering `(h, w)` with `x` at `(top, left)`,
/// or `None` when `x` already covers every row and column the conv reads.
fn pad_to(x: &Tensor, (h, w): (usize, usize), (top, left): (usize, usize)) -> Option<Tensor> {
    if top == 0 && left == 0 && h <= x.height() && w <= x.width() {
        return None;
    }
    let c = x.channels();
    let mut p = Tensor::zeros(h, w, c);
    let copy_w = x.width().min(w - left);
    for (y, dst) in p.data_mut().chunks_exact_mut(w * c).enumerate().skip(top) {
        if y - top >= x.height() {
            break;
        }
        let src = &x.data()[(y - top) * x.width() * c..][..copy_w * c];
        dst[left * c..][..copy_w * c].copy_from_slice(src);
    }
    Some(p)
}

/// One output row from the `K` input rows it reads (`rows`, `K · row_len`
/// floats). Pixel blocks outer, channel blocks inner, so each output pixel is
/// finished while its cache line is hot.
fn conv_row(
    rows: &[f32],
    row_len: usize,
    stride: usize,
    w: &DirectFilters,
    epi: &Epilogue,
    out: &mut [f32],
) {
    let (cin, cout) = (w.cin, w.cout);
    let run = K * cin; // one filter row's taps for one pixel, contiguous in NHWC
    let (r0, rest) = rows.split_at(row_len);
    let (r1, r2) = rest.split_at(row_len);
    let taps = |ox: usize| -> [&[f32]; K] {
        let at = ox * stride * cin;
        [&r0[at..at + run], &r1[at..at + run], &r2[at..at + run]]
    };
    let wblock = K * run * CB;
    let ow = out.len() / cout;
    let mut ox = 0;
    while ox < ow {
        let px = PX.min(ow - ox);
        let patches: [[&[f32]; K]; PX] = core::array::from_fn(|p| taps(ox + p.min(px - 1)));
        for (b, wb) in w.blocks.chunks_exact(wblock).enumerate() {
            let acc = block(&patches, wb);
            for (p, a) in acc.iter().enumerate().take(px) {
                let col = b * CB;
                store(a, col, epi, &mut out[(ox + p) * cout + col..][..CB]);
            }
        }
        ox += px;
    }
}

/// `PX × CB` accumulators for the pixels' patches and one channel block's
/// weights (`[k·k·cin][CB]`): per filter row, per tap of that row's input
/// run, the tap's `CB` weights are read once for all `PX` pixels. Pixels past
/// the row's end repeat its last pixel and are dropped by the caller.
#[inline(always)]
fn block(patches: &[[&[f32]; K]; PX], wb: &[f32]) -> [[f32; CB]; PX] {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        super::simd128::direct_block(patches, wb)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let mut acc = [[0.0f32; CB]; PX];
        let run = patches[0][0].len();
        for (i, wrow) in wb.chunks_exact(run * CB).enumerate() {
            let [p0, p1, p2, p3] = [patches[0][i], patches[1][i], patches[2][i], patches[3][i]];
            let xs = p0.iter().zip(p1).zip(p2).zip(p3);
            for (w8, (((&x0, &x1), &x2), &x3)) in wrow.chunks_exact(CB).zip(xs) {
                for (a, x) in acc.iter_mut().zip([x0, x1, x2, x3]) {
                    for (o, &wv) in a.iter_mut().zip(w8) {
                        *o += x * wv;
                    }
                }
            }
        }
        acc
    }
}

#[inline(always)]
fn store(acc: &[f32; CB], col: usize, epi: &Epilogue, dst: &mut [f32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        super::simd128::epilogue_store(acc, epi.bias.map(|b| &b[col..col + CB]), epi.act, dst)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        for (j, (d, &v)) in dst.iter_mut().zip(acc).enumerate() {
            *d = epi.apply(col + j, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{conv2d, Activation, PackedMatrix, Padding};
    use super::*;

    fn ramp(n: usize, mul: usize, modulo: usize) -> Vec<f32> {
        (0..n).map(|i| ((i * mul % modulo) as f32 - (modulo / 2) as f32) / 7.0).collect()
    }

    /// The im2col + GEMM path (itself checked against a direct 7-loop
    /// reference in `conv.rs`) is the second implementation: results must be
    /// bit-identical, for every padding rule, stride, row-block remainder and
    /// activation.
    #[test]
    fn direct_conv_is_bit_identical_to_im2col_gemm() {
        for &(h, wd, cin, cout) in &[(9, 11, 3, 16), (6, 7, 3, 32), (5, 6, 1, 8), (8, 8, 4, 16)] {
            let x = Tensor::from_vec(h, wd, cin, ramp(h * wd * cin, 31, 23)).unwrap();
            let hwio = ramp(9 * cin * cout, 17, 19);
            let bias = ramp(cout, 7, 5);
            let packed = PackedMatrix::pack(&hwio, 9 * cin, cout);
            let direct = DirectFilters::pack(&hwio, cin, cout).unwrap();
            for (s, pad) in [
                (1, Padding::Valid),
                (2, Padding::Valid),
                (2, Padding::Same),
                (1, Padding::Same),
                (1, Padding::Explicit(1)),
            ] {
                for act in [Activation::None, Activation::Relu, Activation::Leaky] {
                    let geom = ConvGeometry { kernel: 3, stride: s, padding: pad };
                    let epi = Epilogue { bias: Some(&bias), act };
                    let want = conv2d(&x, &packed, geom, &epi).unwrap();
                    let got = conv2d_direct(&x, &direct, geom, &epi).unwrap();
                    assert_eq!(got, want, "{h}x{wd}x{cin}->{cout} stride {s} {pad:?} {act:?}");
                }
            }
        }
    }

    #[test]
    fn unsuitable_shapes_are_refused() {
        assert!(DirectFilters::pack(&[0.0; 9 * 3 * 12], 3, 12).is_none());
        assert!(DirectFilters::pack(&[0.0; 9 * 8 * 8], 8, 8).is_none());
        assert!(DirectFilters::pack(&[0.0; 10], 3, 16).is_none());
        let w = DirectFilters::pack(&[0.0; 9 * 3 * 8], 3, 8).unwrap();
        let g = ConvGeometry { kernel: 3, stride: 1, padding: Padding::Valid };
        let e = Epilogue::NONE;
        assert!(conv2d_direct(&Tensor::zeros(4, 4, 2), &w, g, &e).is_err());
        assert!(conv2d_direct(&Tensor::zeros(2, 4, 3), &w, g, &e).is_err());
    }
}
