//! `out[m][n] = act(Σ_k a[m][k] · b[k][n] + bias[n])` — the work-horse behind
//! pointwise (1×1) and im2col'd regular convolutions.
//!
//! `b` (the weights) is packed once at load time into column panels of
//! [`NR`] values so the micro-kernel streams it contiguously; `a` (the
//! activations, one row per pixel) is read in blocks of [`MR`] rows. Per
//! output the sum runs over `k` in order from 0 with one `f32` accumulator
//! (as tfjs' conv2D does), so results do not depend on the blocking.

use super::Activation;

/// Rows of `a` per micro-kernel call.
pub(crate) const MR: usize = 4;
/// Columns of `b` per packed panel (8 f32 = two 128-bit vectors).
pub(crate) const NR: usize = 8;

/// A `k × n` row-major matrix repacked into `ceil(n / NR)` panels of
/// `k × NR` (zero-padded on the right).
#[derive(Debug, Clone, PartialEq)]
pub struct PackedMatrix {
    k: usize,
    n: usize,
    panels: Vec<f32>,
}

impl PackedMatrix {
    /// Packs a row-major `k × n` matrix (e.g. HWIO filters viewed as `[kh·kw·cin, cout]`).
    pub fn pack(b: &[f32], k: usize, n: usize) -> Self {
        assert_eq!(b.len(), k * n, "PackedMatrix::pack: wrong length");
        let np = n.div_ceil(NR);
        let mut panels = vec![0.0; np * k * NR];
        for (p, panel) in panels.chunks_exact_mut(k * NR).enumerate() {
            for (kk, dst) in panel.chunks_exact_mut(NR).enumerate() {
                for (j, d) in dst.iter_mut().enumerate() {
                    let col = p * NR + j;
                    if col < n {
                        *d = b[kk * n + col];
                    }
                }
            }
        }
        Self { k, n, panels }
    }

    /// Inner dimension (input channels × taps).
    pub fn k(&self) -> usize {
        self.k
    }

    /// Output columns (output channels).
    pub fn n(&self) -> usize {
        self.n
    }

    fn panel(&self, p: usize) -> &[f32] {
        &self.panels[p * self.k * NR..(p + 1) * self.k * NR]
    }
}

/// What happens to each accumulated value before it is stored.
#[derive(Debug, Clone, Copy)]
pub struct Epilogue<'a> {
    /// Added after the full sum (`tf.add(conv, bias)`, SPEC §2.2), if any.
    pub bias: Option<&'a [f32]>,
    /// Applied after the bias.
    pub act: Activation,
}

impl Epilogue<'_> {
    /// No bias, no activation.
    pub const NONE: Epilogue<'static> = Epilogue { bias: None, act: Activation::None };

    #[inline(always)]
    pub(crate) fn apply(&self, col: usize, v: f32) -> f32 {
        let v = match self.bias {
            Some(b) => v + b[col],
            None => v,
        };
        self.act.apply(v)
    }
}

/// `out (m × n) = epilogue(a (m × k) · b)`; `out` is overwritten.
pub fn gemm(a: &[f32], m: usize, b: &PackedMatrix, epi: &Epilogue, out: &mut [f32]) {
    let (k, n) = (b.k, b.n);
    assert_eq!(a.len(), m * k, "gemm: a has wrong length");
    assert_eq!(out.len(), m * n, "gemm: out has wrong length");
    if let Some(bias) = epi.bias {
        assert_eq!(bias.len(), n, "gemm: bias has wrong length");
    }
    // Rows per cache block: keep the block of `a` around 64 KiB (L2) while
    // each NR-wide panel of `b` (≤ 16 KiB) stays in L1 across the block.
    let rows_per_block = ((16 * 1024) / k.max(1)).clamp(MR, 1024) / MR * MR;
    let mut r0 = 0;
    while r0 < m {
        let rows = rows_per_block.min(m - r0);
        for p in 0..n.div_ceil(NR) {
            let panel = b.panel(p);
            let mut r = r0;
            while r < r0 + rows {
                let mr = MR.min(r0 + rows - r);
                let acc = micro_kernel(&a[r * k..(r + mr) * k], mr, k, panel);
                store(&acc, mr, r, p * NR, n, epi, out);
                r += mr;
            }
        }
        r0 += rows;
    }
}

/// `MR × NR` block of `a[rows] · panel`, accumulated in `f32`, k in order.
#[inline(always)]
fn micro_kernel(a: &[f32], mr: usize, k: usize, panel: &[f32]) -> [[f32; NR]; MR] {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        super::simd128::gemm_micro_kernel(a, mr, k, panel)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        if mr == MR {
            micro_kernel_full(a, k, panel)
        } else {
            micro_kernel_partial(a, mr, k, panel)
        }
    }
}

/// Full-height scalar kernel: fixed trip counts so LLVM keeps the 4×8
/// accumulators in vector registers.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn micro_kernel_full(a: &[f32], k: usize, panel: &[f32]) -> [[f32; NR]; MR] {
    let mut acc = [[0.0f32; NR]; MR];
    let (a0, rest) = a.split_at(k);
    let (a1, rest) = rest.split_at(k);
    let (a2, a3) = rest.split_at(k);
    for (kk, bv) in panel.chunks_exact(NR).enumerate().take(k) {
        let av = [a0[kk], a1[kk], a2[kk], a3[kk]];
        for (row, &x) in acc.iter_mut().zip(av.iter()) {
            for (o, &w) in row.iter_mut().zip(bv.iter()) {
                *o += x * w;
            }
        }
    }
    acc
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn micro_kernel_partial(a: &[f32], mr: usize, k: usize, panel: &[f32]) -> [[f32; NR]; MR] {
    let mut acc = [[0.0f32; NR]; MR];
    for (kk, bv) in panel.chunks_exact(NR).enumerate().take(k) {
        for (r, row) in acc.iter_mut().enumerate().take(mr) {
            let x = a[r * k + kk];
            for (o, &w) in row.iter_mut().zip(bv.iter()) {
                *o += x * w;
            }
        }
    }
    acc
}

#[inline(always)]
fn store(
    acc: &[[f32; NR]; MR],
    mr: usize,
    row0: usize,
    col0: usize,
    n: usize,
    epi: &Epilogue,
    out: &mut [f32],
) {
    let cols = NR.min(n - col0);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if cols == NR {
        let bias = epi.bias.map(|b| &b[col0..col0 + NR]);
        for (r, acc_row) in acc.iter().enumerate().take(mr) {
            let dst = &mut out[(row0 + r) * n + col0..][..NR];
            super::simd128::epilogue_store(acc_row, bias, epi.act, dst);
        }
        return;
    }
    for (r, acc_row) in acc.iter().enumerate().take(mr) {
        let dst = &mut out[(row0 + r) * n + col0..][..cols];
        for (j, d) in dst.iter_mut().enumerate() {
            *d = epi.apply(col0 + j, acc_row[j]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain triple loop: the second implementation the blocked kernel is checked against.
    fn naive(a: &[f32], m: usize, k: usize, b: &[f32], n: usize) -> Vec<f32> {
        let mut out = vec![0.0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut s = 0.0f32;
                for kk in 0..k {
                    s += a[i * k + kk] * b[kk * n + j];
                }
                out[i * n + j] = s;
            }
        }
        out
    }

    #[test]
    fn blocked_gemm_is_bit_identical_to_naive_for_odd_sizes() {
        // Odd m/n exercise the partial row block and the zero-padded last panel.
        for &(m, k, n) in &[(1, 1, 1), (7, 27, 25), (13, 512, 25), (5, 16, 32), (130, 300, 9)] {
            let a: Vec<f32> = (0..m * k).map(|i| ((i * 37 % 101) as f32 - 50.0) / 17.0).collect();
            let b: Vec<f32> = (0..k * n).map(|i| ((i * 53 % 89) as f32 - 44.0) / 23.0).collect();
            let mut out = vec![f32::NAN; m * n];
            gemm(&a, m, &PackedMatrix::pack(&b, k, n), &Epilogue::NONE, &mut out);
            assert_eq!(out, naive(&a, m, k, &b, n), "m={m} k={k} n={n}");
        }
    }

    #[test]
    fn epilogue_adds_bias_after_the_sum_then_activates() {
        let b = PackedMatrix::pack(&[1.0, -1.0], 1, 2);
        let mut out = [0.0; 2];
        let bias = [0.5, 0.5];
        let epi = Epilogue { bias: Some(&bias), act: Activation::Relu };
        gemm(&[2.0], 1, &b, &epi, &mut out);
        assert_eq!(out, [2.5, 0.0]);
    }
}
