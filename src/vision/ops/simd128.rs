//! `wasm32` + `simd128` versions of the hot kernels (GEMM micro-kernel and
//! its bias/activation epilogue, the depthwise per-pixel accumulation, and
//! the direct small-`cin` 3×3 conv block).
//!
//! Compiled only with `-C target-feature=+simd128`; the scalar kernels in
//! `gemm.rs`/`conv.rs` are used natively and in tests. These do the same
//! operations in the same order per output element (separate `f32x4_mul`
//! and `f32x4_add`, no FMA, k ascending), so results are identical to the
//! scalar path lane for lane; only the number of lanes in flight differs.
//!
//! Loads and stores go through fixed-size arrays (`f32x4(a[0], …)`,
//! `f32x4_extract_lane`); LLVM folds those into `v128.load`/`v128.store`,
//! so no `unsafe` pointer intrinsics are needed.

use core::arch::wasm32::{
    f32x4, f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_pmax, f32x4_splat, f32x4_sub, v128,
};

use super::direct::{CB, PX};
use super::gemm::{MR, NR};
use super::Activation;

#[inline(always)]
fn load(s: &[f32]) -> v128 {
    let s: &[f32; 4] = s[..4].try_into().expect("4 lanes");
    f32x4(s[0], s[1], s[2], s[3])
}

#[inline(always)]
fn store(d: &mut [f32], v: v128) {
    let d: &mut [f32; 4] = (&mut d[..4]).try_into().expect("4 lanes");
    d[0] = f32x4_extract_lane::<0>(v);
    d[1] = f32x4_extract_lane::<1>(v);
    d[2] = f32x4_extract_lane::<2>(v);
    d[3] = f32x4_extract_lane::<3>(v);
}

/// `MR × NR` block of `a[rows] · panel` (see `gemm::micro_kernel`).
#[inline(always)]
pub(super) fn gemm_micro_kernel(a: &[f32], mr: usize, k: usize, panel: &[f32]) -> [[f32; NR]; MR] {
    let zero = f32x4_splat(0.0);
    let mut acc = [[zero; NR / 4]; MR];
    if mr == MR {
        let (a0, rest) = a.split_at(k);
        let (a1, rest) = rest.split_at(k);
        let (a2, a3) = rest.split_at(k);
        // Zipped iterators instead of `a0[kk]`: no bounds check in the hot loop.
        let rows = a0.iter().zip(a1).zip(a2).zip(a3);
        for (bv, (((&x0, &x1), &x2), &x3)) in panel.chunks_exact(NR).zip(rows) {
            let (b0, b1) = (load(&bv[0..4]), load(&bv[4..8]));
            for (row, x) in acc.iter_mut().zip([x0, x1, x2, x3]) {
                let xv = f32x4_splat(x);
                row[0] = f32x4_add(row[0], f32x4_mul(xv, b0));
                row[1] = f32x4_add(row[1], f32x4_mul(xv, b1));
            }
        }
    } else {
        for (kk, bv) in panel.chunks_exact(NR).enumerate().take(k) {
            let (b0, b1) = (load(&bv[0..4]), load(&bv[4..8]));
            for (r, row) in acc.iter_mut().enumerate().take(mr) {
                let xv = f32x4_splat(a[r * k + kk]);
                row[0] = f32x4_add(row[0], f32x4_mul(xv, b0));
                row[1] = f32x4_add(row[1], f32x4_mul(xv, b1));
            }
        }
    }
    let mut out = [[0.0f32; NR]; MR];
    for (o, v) in out.iter_mut().zip(acc.iter()) {
        store(&mut o[0..4], v[0]);
        store(&mut o[4..8], v[1]);
    }
    out
}

/// Depthwise accumulation for one output pixel: for every channel,
/// `o[c] = Σ_taps data[src + c] · w[wo + c]`, taps in the given order.
///
/// Channel blocks of 16 outer, taps inner: the four accumulator vectors stay
/// in registers across the taps (one bounds check per tap and block). Each
/// accumulator starts at 0 and gets one product per tap in order, as the
/// scalar path's does.
#[inline(always)]
pub(super) fn depthwise_pixel(o: &mut [f32], data: &[f32], w: &[f32], taps: &[(usize, usize)]) {
    const B: usize = 16;
    let c = o.len();
    let zero = f32x4_splat(0.0);
    let mut blocks = o.chunks_exact_mut(B);
    for (n, ob) in blocks.by_ref().enumerate() {
        let mut acc = [zero; B / 4];
        for &(src, wo) in taps {
            let (xs, ws) = (&data[src + n * B..][..B], &w[wo + n * B..][..B]);
            for ((a, x4), w4) in acc.iter_mut().zip(xs.chunks_exact(4)).zip(ws.chunks_exact(4)) {
                *a = f32x4_add(*a, f32x4_mul(load(x4), load(w4)));
            }
        }
        for (o4, a) in ob.chunks_exact_mut(4).zip(acc) {
            store(o4, a);
        }
    }
    let done = c / B * B;
    for (i, o) in blocks.into_remainder().iter_mut().enumerate() {
        let ch = done + i;
        *o = taps.iter().fold(0.0f32, |acc, &(src, wo)| acc + data[src + ch] * w[wo + ch]);
    }
}

/// `act(v + bias)` on 4 lanes, the same operations as `Epilogue::apply`:
/// `f32x4_pmax(0, v)` is `0 < v ? v : 0`, i.e. `relu1` including NaN → 0 and
/// −0 → +0; leaky is tfjs' literal `m = v·0.1; relu(v − m) + m` (SPEC §2.6).
#[inline(always)]
fn epilogue(v: v128, bias: Option<v128>, act: Activation) -> v128 {
    let v = match bias {
        Some(b) => f32x4_add(v, b),
        None => v,
    };
    let zero = f32x4_splat(0.0);
    match act {
        Activation::None => v,
        Activation::Relu => f32x4_pmax(zero, v),
        Activation::Leaky => {
            let m = f32x4_mul(v, f32x4_splat(0.1));
            f32x4_add(f32x4_pmax(zero, f32x4_sub(v, m)), m)
        }
    }
}

/// Stores `act(acc + bias)` for 8 consecutive output channels (`bias` is
/// their 8 biases, if any).
#[inline(always)]
pub(super) fn epilogue_store(
    acc: &[f32; 8],
    bias: Option<&[f32]>,
    act: Activation,
    dst: &mut [f32],
) {
    for (h, d) in dst[..8].chunks_exact_mut(4).enumerate() {
        let b = bias.map(|b| load(&b[4 * h..]));
        store(d, epilogue(load(&acc[4 * h..]), b, act));
    }
}

/// `PX × CB` block of the direct 3×3 conv (see `direct::block`): for every
/// filter row, every tap of that row's input run, the tap's `CB` weights are
/// loaded once and multiplied into all `PX` pixels' accumulators.
#[inline(always)]
pub(super) fn direct_block(patches: &[[&[f32]; 3]; PX], wb: &[f32]) -> [[f32; CB]; PX] {
    let zero = f32x4_splat(0.0);
    let mut acc = [[zero; CB / 4]; PX];
    let run = patches[0][0].len();
    for (i, wrow) in wb.chunks_exact(run * CB).enumerate() {
        let [p0, p1, p2, p3] = [patches[0][i], patches[1][i], patches[2][i], patches[3][i]];
        let xs = p0.iter().zip(p1).zip(p2).zip(p3);
        for (w8, (((&x0, &x1), &x2), &x3)) in wrow.chunks_exact(CB).zip(xs) {
            let (w0, w1) = (load(&w8[0..4]), load(&w8[4..8]));
            for (a, x) in acc.iter_mut().zip([x0, x1, x2, x3]) {
                let xv = f32x4_splat(x);
                a[0] = f32x4_add(a[0], f32x4_mul(xv, w0));
                a[1] = f32x4_add(a[1], f32x4_mul(xv, w1));
            }
        }
    }
    let mut out = [[0.0f32; CB]; PX];
    for (o, a) in out.iter_mut().zip(acc.iter()) {
        store(&mut o[0..4], a[0]);
        store(&mut o[4..8], a[1]);
    }
    out
}
