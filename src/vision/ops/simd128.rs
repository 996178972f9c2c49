//! `wasm32` + `simd128` versions of the two hot kernels (GEMM micro-kernel
//! and the depthwise per-pixel accumulation).
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

use core::arch::wasm32::{f32x4, f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_splat, v128};

use super::gemm::{MR, NR};

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
/// Taps outer, channels inner: each tap's input and filter rows are sliced once, so the inner
/// loop runs on zipped 4-lane chunks with no bounds checks. `o` starts at 0 and gets one
/// product per tap in order, the same sum as an accumulator would (0 + x·w is exact).
#[inline(always)]
pub(super) fn depthwise_pixel(o: &mut [f32], data: &[f32], w: &[f32], taps: &[(usize, usize)]) {
    let c = o.len();
    let vec_end = c / 4 * 4;
    o.fill(0.0);
    for &(src, wo) in taps {
        let (xs, ws) = (&data[src..src + c], &w[wo..wo + c]);
        let lanes =
            o[..vec_end].chunks_exact_mut(4).zip(xs.chunks_exact(4)).zip(ws.chunks_exact(4));
        for ((o4, x4), w4) in lanes {
            let acc = f32x4_add(load(o4), f32x4_mul(load(x4), load(w4)));
            store(o4, acc);
        }
        for ((o, &x), &k) in o[vec_end..].iter_mut().zip(&xs[vec_end..]).zip(&ws[vec_end..]) {
            *o += x * k;
        }
    }
}
