//! TinyFaceDetector output decoding (SPEC §3.3): the `G×G×25` grid becomes
//! candidate boxes in fractions of the original image. All f64, like the JS.

use super::boxes::BBox;
use super::error::{Result, VisionError};
use super::tensor::Tensor;

/// Anchor `(width, height)` in grid cells (`tinyFaceDetector/const.ts`, SPEC §3).
pub const ANCHORS: [(f64, f64); 5] = [
    (1.603231, 2.094468),
    (6.041143, 7.080126),
    (2.882459, 3.518061),
    (4.266906, 5.178857),
    (9.041765, 10.66308),
];

/// Values per anchor: tx, ty, tw, th, objectness (single class, no class scores).
const BOX_ENCODING: usize = 5;

/// One grid cell / anchor whose score passed the threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Grid row.
    pub row: usize,
    /// Grid column.
    pub col: usize,
    /// Anchor index 0..5.
    pub anchor: usize,
    /// `sigmoid(objectness)`.
    pub score: f64,
    /// Box as fractions of the original image width/height (unclipped).
    pub rel: BBox,
}

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

/// JS `Math.round` (halves up, SPEC §2.8).
fn js_round(v: f64) -> f64 {
    (v + 0.5).floor()
}

/// `(cfx, cfy)`: undo the bottom/right padding so boxes are fractions of the
/// original image (SPEC §3.3 "reshaped input dims").
pub fn correction_factors(img_width: usize, img_height: usize, input_size: usize) -> (f64, f64) {
    let scale = input_size as f64 / img_width.max(img_height) as f64;
    let rw = js_round(img_width as f64 * scale);
    let rh = js_round(img_height as f64 * scale);
    let m = rw.max(rh);
    (m / rw, m / rh)
}

/// Every cell/anchor with `sigmoid(to) > score_threshold`, in (row, col,
/// anchor) order (SPEC §3.3).
pub fn decode(
    out: &Tensor,
    img_width: usize,
    img_height: usize,
    input_size: usize,
    score_threshold: f64,
) -> Result<Vec<Candidate>> {
    let g = input_size / 32;
    if out.shape() != [g, g, ANCHORS.len() * BOX_ENCODING] {
        return Err(VisionError::Shape {
            name: "detector output".into(),
            expected: vec![g, g, ANCHORS.len() * BOX_ENCODING],
            actual: out.shape().to_vec(),
        });
    }
    let (cfx, cfy) = correction_factors(img_width, img_height, input_size);
    let gf = g as f64;
    let mut cands = Vec::new();
    for (cell, vals) in out.data().chunks_exact(ANCHORS.len() * BOX_ENCODING).enumerate() {
        let (row, col) = (cell / g, cell % g);
        for (anchor, v) in vals.chunks_exact(BOX_ENCODING).enumerate() {
            let [tx, ty, tw, th, to] = [v[0], v[1], v[2], v[3], v[4]].map(f64::from);
            let score = sigmoid(to);
            if score <= score_threshold {
                continue;
            }
            let (aw, ah) = ANCHORS[anchor];
            let cx = (col as f64 + sigmoid(tx)) / gf * cfx;
            let cy = (row as f64 + sigmoid(ty)) / gf * cfy;
            let w = tw.exp() * aw / gf * cfx;
            let h = th.exp() * ah / gf * cfy;
            let rel = BBox { x: cx - w / 2.0, y: cy - h / 2.0, width: w, height: h };
            cands.push(Candidate { row, col, anchor, score, rel });
        }
    }
    Ok(cands)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correction_factors_match_golden_sample1() {
        // golden.json → images[sample1].detector: reshaped 416x277, cf [1, 1.5018050541516246].
        assert_eq!(correction_factors(1920, 1280, 416), (1.0, 1.5018050541516246));
        // Portrait 800x1280 -> 260x416: x is corrected instead.
        assert_eq!(correction_factors(800, 1280, 416), (1.6, 1.0));
    }

    #[test]
    fn decodes_one_hand_made_cell() {
        // Grid 4 (input 128); cell (row 1, col 2), anchor 3: tx = ty = 0
        // (sigmoid .5), tw = th = 0 (exp 1), to = 2 (score .8808).
        let mut t = Tensor::zeros(4, 4, 25);
        t.data_mut().iter_mut().for_each(|v| *v = -10.0);
        let base = (4 + 2) * 25 + 3 * 5;
        t.data_mut()[base..base + 5].copy_from_slice(&[0.0, 0.0, 0.0, 0.0, 2.0]);
        let c = decode(&t, 128, 128, 128, 0.5).unwrap();
        assert_eq!(c.len(), 1);
        let (aw, ah) = ANCHORS[3];
        assert_eq!((c[0].row, c[0].col, c[0].anchor), (1, 2, 3));
        assert_eq!(c[0].score, 1.0 / (1.0 + (-2.0f64).exp()));
        assert_eq!(c[0].rel.width, aw / 4.0);
        assert_eq!(c[0].rel.x, 2.5 / 4.0 - aw / 4.0 / 2.0);
        assert_eq!(c[0].rel.y, 1.5 / 4.0 - ah / 4.0 / 2.0);
    }

    #[test]
    fn threshold_is_strict_and_shape_is_checked() {
        let t = Tensor::zeros(4, 4, 25); // every score is exactly 0.5
        assert!(decode(&t, 10, 10, 128, 0.5).unwrap().is_empty());
        assert_eq!(decode(&t, 10, 10, 128, 0.4999).unwrap().len(), 80);
        assert!(decode(&t, 10, 10, 160, 0.5).is_err());
    }
}
