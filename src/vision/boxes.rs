//! Boxes, IoU and greedy non-maximum suppression (SPEC §3.4), in f64 like
//! face-api's JS.

/// Axis-aligned box: top-left corner plus size. Units depend on use
/// (fractions of the image, or pixels).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BBox {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl BBox {
    /// A box from its left, top, width and height.
    pub fn new(x: f64, y: f64, width: f64, height: f64) -> Self {
        Self { x, y, width, height }
    }

    /// `x + width` (no +1, SPEC §3.4).
    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    /// `y + height`.
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }

    /// `width × height`.
    pub fn area(&self) -> f64 {
        self.width * self.height
    }

    /// Every coordinate scaled per axis (`Box.rescale` in face-api).
    pub fn scale(&self, sx: f64, sy: f64) -> BBox {
        BBox { x: self.x * sx, y: self.y * sy, width: self.width * sx, height: self.height * sy }
    }
}

/// Intersection over union (SPEC §3.4).
pub fn iou(a: &BBox, b: &BBox) -> f64 {
    let w = (a.right().min(b.right()) - a.x.max(b.x)).max(0.0);
    let h = (a.bottom().min(b.bottom()) - a.y.max(b.y)).max(0.0);
    let inter = w * h;
    inter / (a.area() + b.area() - inter)
}

/// Greedy NMS as `ops/nonMaxSuppression.ts`: repeatedly take the highest
/// score, drop every remaining box with IoU **>** `iou_threshold`. Returns
/// the kept indices in pick order (descending score; among equal scores the
/// larger index first, a consequence of face-api's stable ascending sort
/// popped from the end).
pub fn nms(boxes: &[BBox], scores: &[f64], iou_threshold: f64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..boxes.len().min(scores.len())).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b])); // stable
    let mut picked = Vec::new();
    while let Some(cur) = order.pop() {
        picked.push(cur);
        order.retain(|&i| iou(&boxes[cur], &boxes[i]) <= iou_threshold);
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iou_by_hand() {
        // Two 2x2 squares overlapping in a 1x2 strip: 2 / (4 + 4 - 2) = 1/3.
        assert_eq!(iou(&BBox::new(0.0, 0.0, 2.0, 2.0), &BBox::new(1.0, 0.0, 2.0, 2.0)), 2.0 / 6.0);
        assert_eq!(iou(&BBox::new(0.0, 0.0, 1.0, 1.0), &BBox::new(5.0, 5.0, 1.0, 1.0)), 0.0);
        assert_eq!(iou(&BBox::new(1.0, 1.0, 3.0, 2.0), &BBox::new(1.0, 1.0, 3.0, 2.0)), 1.0);
        // Touching edges do not overlap (right = x + width, no +1).
        assert_eq!(iou(&BBox::new(0.0, 0.0, 1.0, 1.0), &BBox::new(1.0, 0.0, 1.0, 1.0)), 0.0);
    }

    #[test]
    fn nms_suppresses_strictly_above_threshold() {
        let boxes = [
            BBox::new(0.0, 0.0, 2.0, 2.0),
            BBox::new(1.0, 0.0, 2.0, 2.0),
            BBox::new(10.0, 0.0, 2.0, 2.0),
        ];
        // IoU(0,1) = 1/3: kept at threshold 1/3 (<=), suppressed just below it.
        assert_eq!(nms(&boxes, &[0.9, 0.8, 0.7], 1.0 / 3.0), vec![0, 1, 2]);
        assert_eq!(nms(&boxes, &[0.9, 0.8, 0.7], 0.3), vec![0, 2]);
        // Highest score first regardless of index.
        assert_eq!(nms(&boxes, &[0.6, 0.8, 0.7], 0.3), vec![1, 2]);
    }

    #[test]
    fn nms_ties_pick_the_larger_index_first() {
        let boxes = [BBox::new(0.0, 0.0, 2.0, 2.0), BBox::new(0.0, 0.0, 2.0, 2.0)];
        assert_eq!(nms(&boxes, &[0.5, 0.5], 0.4), vec![1]);
    }
}
