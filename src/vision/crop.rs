//! The face crop fed to the expression net (SPEC §4.1).
//!
//! face-api's tensor path clips the float box at the image borders and floors
//! each component independently: no margin, no squaring, no alignment.

use super::boxes::BBox;
use super::image::Image;

/// Integer pixel rectangle inside an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CropRect {
    /// Left column.
    pub x: usize,
    /// Top row.
    pub y: usize,
    /// Width in pixels (≥ 1 for a crop returned by [`face_crop_rect`]).
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
}

/// `box.clipAtImageBorders(W, H)` then floor (SPEC §4.1), or `None` when
/// nothing of the face is left (face-api drops those faces).
pub fn face_crop_rect(bbox: &BBox, img_width: usize, img_height: usize) -> Option<CropRect> {
    // JS's Math.max/min propagate NaN and face-api then drops the face;
    // Rust's f64::max/min would ignore it, so reject non-finite boxes here.
    if ![bbox.x, bbox.y, bbox.width, bbox.height].iter().all(|v| v.is_finite()) {
        return None;
    }
    let (w, h) = (img_width as f64, img_height as f64);
    let x0 = bbox.x.max(0.0);
    let y0 = bbox.y.max(0.0);
    let cw = (bbox.right() - x0).min(w - x0).floor();
    let ch = (bbox.bottom() - y0).min(h - y0).floor();
    if cw < 1.0 || ch < 1.0 {
        return None;
    }
    // x0 + cw <= W, so floor(x0) + floor(cw) <= W: the rect is inside the image.
    Some(CropRect {
        x: x0.floor() as usize,
        y: y0.floor() as usize,
        width: cw as usize,
        height: ch as usize,
    })
}

/// Copies `rect` out of `img` as packed RGB (alpha dropped): the `[h, w, 3]`
/// u8 face image of SPEC §4.1. `rect` must lie inside the image.
pub fn extract_rgb(img: &Image, rect: CropRect) -> Vec<u8> {
    let mut out = Vec::with_capacity(rect.width * rect.height * 3);
    for y in rect.y..rect.y + rect.height {
        for x in rect.x..rect.x + rect.width {
            out.extend((0..3).map(|c| img.channel(y, x, c)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_sample1_face0_rect() {
        // golden.json → images[sample1].faces[0] (face-api.js 1.7.15, make_golden.mjs).
        let bbox =
            BBox::new(776.245620805654, 445.0671080850279, 312.711943318243, 255.9707374870644);
        assert_eq!(
            face_crop_rect(&bbox, 1920, 1280),
            Some(CropRect { x: 776, y: 445, width: 312, height: 255 })
        );
    }

    #[test]
    fn clips_at_borders_then_floors_each_component() {
        // Left/top outside: x0 = 0, cw = 10.7 - 0 = 10.7 -> 10.
        assert_eq!(
            face_crop_rect(&BBox::new(-5.3, -1.0, 16.0, 4.5), 100, 100),
            Some(CropRect { x: 0, y: 0, width: 10, height: 3 })
        );
        // Right/bottom outside: cw = min(15 - 95.5, 100 - 95.5) = 4.5 -> 4.
        assert_eq!(
            face_crop_rect(&BBox::new(95.5, 98.2, 20.0, 20.0), 100, 100),
            Some(CropRect { x: 95, y: 98, width: 4, height: 1 })
        );
    }

    #[test]
    fn empty_or_degenerate_crops_are_dropped() {
        assert_eq!(face_crop_rect(&BBox::new(120.0, 0.0, 10.0, 10.0), 100, 100), None);
        assert_eq!(face_crop_rect(&BBox::new(10.0, 10.0, 0.5, 10.0), 100, 100), None);
        assert_eq!(face_crop_rect(&BBox::new(f64::NAN, 0.0, 10.0, 10.0), 100, 100), None);
    }

    #[test]
    fn extract_drops_alpha() {
        let px = [1, 2, 3, 9, 4, 5, 6, 9, 7, 8, 9, 9, 10, 11, 12, 9];
        let img = Image::rgba(2, 2, &px).unwrap();
        let rect = CropRect { x: 1, y: 0, width: 1, height: 2 };
        assert_eq!(extract_rgb(&img, rect), vec![4, 5, 6, 10, 11, 12]);
    }
}
