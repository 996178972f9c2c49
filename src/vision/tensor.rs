//! A minimal NHWC `f32` tensor with batch size 1.
//!
//! Both networks only ever see one image at a time (SPEC conventions: NHWC,
//! batch 1), so the batch axis is implicit: shape `[h, w, c]`, last index
//! fastest. Keeping the channel axis innermost is what lets every kernel in
//! `ops` run a contiguous inner loop over channels.

use super::error::{Result, VisionError};

/// Row-major `[height, width, channels]` array of `f32` (an NHWC tensor with N = 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    h: usize,
    w: usize,
    c: usize,
    data: Vec<f32>,
}

impl Tensor {
    /// A zero-filled tensor.
    pub fn zeros(h: usize, w: usize, c: usize) -> Self {
        Self { h, w, c, data: vec![0.0; h * w * c] }
    }

    /// Wraps `data` (row-major `[h, w, c]`); fails if the length does not match.
    pub fn from_vec(h: usize, w: usize, c: usize, data: Vec<f32>) -> Result<Self> {
        if data.len() != h * w * c {
            return Err(VisionError::Shape {
                name: "tensor data".into(),
                expected: vec![h * w * c],
                actual: vec![data.len()],
            });
        }
        Ok(Self { h, w, c, data })
    }

    /// For buffers whose length is right by construction (kernels that
    /// produce exactly `h·w·c` values); checked in debug builds.
    pub(crate) fn from_vec_exact(h: usize, w: usize, c: usize, data: Vec<f32>) -> Self {
        debug_assert_eq!(data.len(), h * w * c, "tensor length");
        Self { h, w, c, data }
    }

    /// `[height, width, channels]`.
    pub fn shape(&self) -> [usize; 3] {
        [self.h, self.w, self.c]
    }

    /// Height (rows).
    pub fn height(&self) -> usize {
        self.h
    }

    /// Width (columns).
    pub fn width(&self) -> usize {
        self.w
    }

    /// Channels (innermost axis).
    pub fn channels(&self) -> usize {
        self.c
    }

    /// The values, row-major `[h, w, c]`.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// Mutable access to the values.
    pub fn data_mut(&mut self) -> &mut [f32] {
        &mut self.data
    }

    /// Gives up the buffer.
    pub fn into_vec(self) -> Vec<f32> {
        self.data
    }

    /// Value at `(y, x, ch)`; panics when out of range (tests and debugging only).
    pub fn at(&self, y: usize, x: usize, ch: usize) -> f32 {
        assert!(y < self.h && x < self.w && ch < self.c, "index out of range");
        self.data[(y * self.w + x) * self.c + ch]
    }

    /// Fails with a typed error unless this tensor has `channels` channels.
    pub(crate) fn expect_channels(&self, name: &str, channels: usize) -> Result<()> {
        if self.c != channels {
            return Err(VisionError::Shape {
                name: name.to_string(),
                expected: vec![self.h, self.w, channels],
                actual: self.shape().to_vec(),
            });
        }
        Ok(())
    }

    /// Fails with a typed error unless `self` and `other` have the same shape.
    pub(crate) fn expect_same_shape(&self, name: &str, other: &Tensor) -> Result<()> {
        if self.shape() != other.shape() {
            return Err(VisionError::Shape {
                name: name.to_string(),
                expected: self.shape().to_vec(),
                actual: other.shape().to_vec(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_nhwc_row_major() {
        let t = Tensor::from_vec(2, 2, 3, (0..12).map(|v| v as f32).collect()).unwrap();
        assert_eq!(t.at(0, 1, 0), 3.0);
        assert_eq!(t.at(1, 0, 2), 8.0);
        assert_eq!(t.shape(), [2, 2, 3]);
    }

    #[test]
    fn from_vec_rejects_wrong_length() {
        assert!(matches!(Tensor::from_vec(2, 2, 3, vec![0.0; 11]), Err(VisionError::Shape { .. })));
    }
}
