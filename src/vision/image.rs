//! Borrowed 8-bit RGB/RGBA frames, the input of the whole pipeline.
//!
//! Browsers hand out RGBA (`getImageData`), test images are RGB; alpha is
//! ignored, like `tf.browser.fromPixels` does (SPEC §3.1 "just drop alpha").

use super::error::{Result, VisionError};

/// Byte layout of one pixel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// 3 bytes: R, G, B.
    Rgb,
    /// 4 bytes: R, G, B, A (A ignored).
    Rgba,
}

impl PixelFormat {
    /// Bytes per pixel.
    pub fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Rgb => 3,
            PixelFormat::Rgba => 4,
        }
    }
}

/// A row-major 8-bit image borrowed from the caller (no copy of the frame).
#[derive(Debug, Clone, Copy)]
pub struct Image<'a> {
    width: usize,
    height: usize,
    format: PixelFormat,
    data: &'a [u8],
}

impl<'a> Image<'a> {
    /// Wraps `data`; fails unless it holds exactly `width × height` pixels
    /// of `format` and the image is not empty.
    pub fn new(width: usize, height: usize, format: PixelFormat, data: &'a [u8]) -> Result<Self> {
        if width == 0 || height == 0 {
            return Err(VisionError::Image(format!("empty image {width}x{height}")));
        }
        let expected = width
            .checked_mul(height)
            .and_then(|p| p.checked_mul(format.bytes_per_pixel()))
            .ok_or_else(|| VisionError::Image(format!("image {width}x{height} too large")))?;
        if data.len() != expected {
            return Err(VisionError::Image(format!(
                "{width}x{height} {format:?} needs {expected} bytes, got {}",
                data.len()
            )));
        }
        Ok(Self { width, height, format, data })
    }

    /// An RGB image (3 bytes per pixel).
    pub fn rgb(width: usize, height: usize, data: &'a [u8]) -> Result<Self> {
        Self::new(width, height, PixelFormat::Rgb, data)
    }

    /// An RGBA image (4 bytes per pixel, alpha ignored).
    pub fn rgba(width: usize, height: usize, data: &'a [u8]) -> Result<Self> {
        Self::new(width, height, PixelFormat::Rgba, data)
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Pixel layout.
    pub fn format(&self) -> PixelFormat {
        self.format
    }

    /// Channel `c` (0 = R, 1 = G, 2 = B) at row `y`, column `x` (`y < height`, `x < width`).
    #[inline(always)]
    pub fn channel(&self, y: usize, x: usize, c: usize) -> u8 {
        self.data[(y * self.width + x) * self.format.bytes_per_pixel() + c]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgba_and_rgb_address_the_same_pixel() {
        let rgb = [1, 2, 3, 4, 5, 6];
        let rgba = [1, 2, 3, 255, 4, 5, 6, 0];
        let a = Image::rgb(2, 1, &rgb).unwrap();
        let b = Image::rgba(2, 1, &rgba).unwrap();
        for c in 0..3 {
            assert_eq!(a.channel(0, 1, c), b.channel(0, 1, c));
        }
    }

    #[test]
    fn wrong_buffer_length_is_an_error() {
        assert!(matches!(Image::rgb(2, 2, &[0; 11]), Err(VisionError::Image(_))));
        assert!(matches!(Image::rgba(0, 2, &[]), Err(VisionError::Image(_))));
        assert!(matches!(Image::rgb(usize::MAX, 2, &[]), Err(VisionError::Image(_))));
    }
}
