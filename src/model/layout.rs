//! Where each tile goes on the stage: a grid sized from the number of tiles and the free area
//! (as Meet and Jitsi do), or one tile large with the rest in a strip. Plain geometry, no DOM:
//! the stage measures itself and places tiles at the rectangles [`arrange`] returns.

use super::call_ui::Who;

/// A rectangle on the stage, in CSS pixels from its top left corner.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Its area.
    pub fn area(&self) -> f64 {
        self.w * self.h
    }

    /// The inline style that puts a tile here.
    pub fn style(&self) -> String {
        format!(
            "left:{:.0}px;top:{:.0}px;width:{:.0}px;height:{:.0}px",
            self.x, self.y, self.w, self.h
        )
    }
}

/// How the stage shows its tiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Every tile the same size, as large as the area allows.
    Grid,
    /// The tile at this index large, the others in a strip beside or below it.
    Spotlight(usize),
}

/// What decides which tile is large, in order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Focus {
    /// The tile the user pinned.
    pub pinned: Option<Who>,
    /// Someone presenting their screen (ours is never spotlighted for ourselves).
    pub presenter: Option<Who>,
    /// Speaker view is on: the last speaker is large.
    pub speaker_view: bool,
    /// Who spoke last.
    pub active: Option<Who>,
}

/// The view of tiles in `order`: the pinned tile large, else a presented screen, else in
/// speaker view the last speaker (or the first other person); else the grid.
pub fn choose_view(order: &[Who], focus: Focus) -> View {
    let at = |who: Option<Who>| who.and_then(|w| order.iter().position(|&o| o == w));
    let presenter = focus.presenter.filter(|&p| p != Who::Me);
    if let Some(i) = at(focus.pinned).or_else(|| at(presenter)) {
        return View::Spotlight(i);
    }
    if !focus.speaker_view {
        return View::Grid;
    }
    let first_other = order.iter().position(|&o| o != Who::Me);
    match at(focus.active.filter(|&a| a != Who::Me)).or(first_other) {
        Some(i) => View::Spotlight(i),
        None => View::Grid,
    }
}

/// Space between tiles, in CSS pixels.
pub const GAP: f64 = 8.0;

/// The widest and the tallest shape a tile takes. Videos fill their tile and are cropped only
/// for display (the face reader gets the camera's whole picture).
const WIDEST: f64 = 16.0 / 9.0;
const TALLEST: f64 = 3.0 / 4.0;

/// The rectangles of `count` tiles on a stage of `w`×`h`, in tile order.
pub fn arrange(count: usize, view: View, w: f64, h: f64) -> Vec<Rect> {
    let area = Rect { x: 0.0, y: 0.0, w: w.max(0.0), h: h.max(0.0) };
    match view {
        View::Spotlight(spot) if count > 1 && spot < count => spotlight(count, spot, area),
        _ => grid(count, area),
    }
}

/// `count` equal tiles in the columns and rows that make them largest, centred in `area`, the
/// last row centred too.
pub fn grid(count: usize, area: Rect) -> Vec<Rect> {
    if count == 0 {
        return Vec::new();
    }
    let (cols, tile_w, tile_h) = (1..=count)
        .map(|cols| {
            let (w, h) = tile_size(count, cols, area);
            (cols, w, h)
        })
        .max_by(|a, b| (a.1 * a.2).total_cmp(&(b.1 * b.2)).then(b.0.cmp(&a.0)))
        .unwrap_or((1, 0.0, 0.0));
    let rows = count.div_ceil(cols);
    let used_h = rows as f64 * tile_h + (rows - 1) as f64 * GAP;
    let top = area.y + (area.h - used_h) / 2.0;
    (0..count)
        .map(|i| {
            let (row, col) = (i / cols, i % cols);
            let in_row = if row + 1 == rows { count - row * cols } else { cols };
            let row_w = in_row as f64 * tile_w + (in_row - 1) as f64 * GAP;
            let left = area.x + (area.w - row_w) / 2.0;
            Rect {
                x: left + col as f64 * (tile_w + GAP),
                y: top + row as f64 * (tile_h + GAP),
                w: tile_w,
                h: tile_h,
            }
        })
        .collect()
}

/// The size of each tile with `count` tiles in `cols` columns: the cell's own shape, kept
/// between [`TALLEST`] and [`WIDEST`].
fn tile_size(count: usize, cols: usize, area: Rect) -> (f64, f64) {
    let rows = count.div_ceil(cols);
    let cell_w = ((area.w - (cols - 1) as f64 * GAP) / cols as f64).max(0.0);
    let cell_h = ((area.h - (rows - 1) as f64 * GAP) / rows as f64).max(0.0);
    if cell_w == 0.0 || cell_h == 0.0 {
        return (0.0, 0.0);
    }
    let aspect = (cell_w / cell_h).clamp(TALLEST, WIDEST);
    if cell_w / cell_h > aspect {
        (cell_h * aspect, cell_h)
    } else {
        (cell_w, cell_w / aspect)
    }
}

/// The tile `spot` large; the others in a strip on the right of a wide stage, below a tall
/// one.
fn spotlight(count: usize, spot: usize, area: Rect) -> Vec<Rect> {
    let wide = area.w >= area.h;
    let (main, strip) = if wide {
        let strip_w = (area.w * 0.2).clamp(120.0, 280.0).min(area.w / 2.0);
        let main = Rect { w: area.w - strip_w - GAP, ..area };
        (main, Rect { x: area.x + main.w + GAP, w: strip_w, ..area })
    } else {
        let strip_h = (area.h * 0.22).clamp(90.0, 220.0).min(area.h / 2.0);
        let main = Rect { h: area.h - strip_h - GAP, ..area };
        (main, Rect { y: area.y + main.h + GAP, h: strip_h, ..area })
    };
    let big = grid(1, main)[0];
    let others = count - 1;
    let small = if wide { column(others, strip) } else { row(others, strip) };
    let mut small = small.into_iter();
    (0..count).map(|i| if i == spot { big } else { small.next().unwrap_or_default() }).collect()
}

/// `count` tiles in one column, as large as fits.
fn column(count: usize, area: Rect) -> Vec<Rect> {
    let (w, h) = tile_size(count, 1, area);
    let used = count as f64 * h + count.saturating_sub(1) as f64 * GAP;
    let top = area.y + (area.h - used).max(0.0) / 2.0;
    let left = area.x + (area.w - w) / 2.0;
    (0..count).map(|i| Rect { x: left, y: top + i as f64 * (h + GAP), w, h }).collect()
}

/// `count` tiles in one row, as large as fits.
fn row(count: usize, area: Rect) -> Vec<Rect> {
    let (w, h) = tile_size(count, count.max(1), area);
    let used = count as f64 * w + count.saturating_sub(1) as f64 * GAP;
    let left = area.x + (area.w - used).max(0.0) / 2.0;
    let top = area.y + (area.h - h) / 2.0;
    (0..count).map(|i| Rect { x: left + i as f64 * (w + GAP), y: top, w, h }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::PeerId;

    fn covered(rects: &[Rect], w: f64, h: f64) -> f64 {
        rects.iter().map(Rect::area).sum::<f64>() / (w * h)
    }

    fn inside(rects: &[Rect], w: f64, h: f64) {
        for r in rects {
            assert!(r.x >= -0.01 && r.y >= -0.01, "{r:?}");
            assert!(r.x + r.w <= w + 0.01 && r.y + r.h <= h + 0.01, "{r:?} outside {w}x{h}");
        }
    }

    fn no_overlap(rects: &[Rect]) {
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                let apart = a.x + a.w <= b.x + 0.01
                    || b.x + b.w <= a.x + 0.01
                    || a.y + a.h <= b.y + 0.01
                    || b.y + b.h <= a.y + 0.01;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn a_desktop_stage_is_mostly_video_for_every_call_size() {
        // 1280x800 less the control bar and the top line.
        let (w, h) = (1264.0, 680.0);
        for count in 1..=6 {
            let rects = arrange(count, View::Grid, w, h);
            assert_eq!(rects.len(), count);
            inside(&rects, w, h);
            no_overlap(&rects);
            assert!(covered(&rects, w, h) > 0.7, "{count} tiles cover {}", covered(&rects, w, h));
        }
    }

    #[test]
    fn tiles_are_centred_and_the_last_row_too() {
        let rects = grid(3, Rect { x: 0.0, y: 0.0, w: 1000.0, h: 600.0 });
        // Three in a 2+1 layout or a row of three: either way symmetric about the middle.
        let left = rects.iter().map(|r| r.x).fold(f64::MAX, f64::min);
        let right = rects.iter().map(|r| r.x + r.w).fold(0.0, f64::max);
        assert!((left - (1000.0 - right)).abs() < 0.5, "{rects:?}");
        let last = rects[2];
        if last.y > rects[0].y {
            assert!((last.x + last.w / 2.0 - 500.0).abs() < 0.5, "last row centred: {last:?}");
        }
    }

    #[test]
    fn a_phone_stacks_two_and_uses_portrait_tiles() {
        let (w, h) = (374.0, 640.0);
        let rects = arrange(2, View::Grid, w, h);
        assert!(rects[0].x == rects[1].x, "one column: {rects:?}");
        assert!(covered(&rects, w, h) > 0.8);
        let rects = arrange(1, View::Grid, w, h);
        assert!(rects[0].h > rects[0].w, "a lone phone tile is portrait: {rects:?}");
        assert!((rects[0].w / rects[0].h - TALLEST).abs() < 1e-9);
    }

    #[test]
    fn tile_shapes_stay_between_three_by_four_and_sixteen_by_nine() {
        for (w, h) in [(2000.0, 300.0), (300.0, 2000.0), (800.0, 800.0)] {
            for count in 1..=6 {
                for r in arrange(count, View::Grid, w, h) {
                    let a = r.w / r.h;
                    assert!(
                        (TALLEST - 1e-9..=WIDEST + 1e-9).contains(&a),
                        "{count} in {w}x{h}: {a}"
                    );
                }
            }
        }
    }

    #[test]
    fn spotlight_makes_one_tile_large_and_keeps_the_others_visible() {
        let (w, h) = (1264.0, 680.0);
        let rects = arrange(4, View::Spotlight(2), w, h);
        inside(&rects, w, h);
        no_overlap(&rects);
        let big = rects[2].area();
        for (i, r) in rects.iter().enumerate() {
            if i != 2 {
                assert!(r.area() > 0.0 && r.area() * 4.0 < big, "{i}: {r:?} vs {big}");
            }
        }
        // A tall stage puts the strip below.
        let rects = arrange(3, View::Spotlight(0), 374.0, 640.0);
        inside(&rects, 374.0, 640.0);
        no_overlap(&rects);
        assert!(rects[1].y > rects[0].y + rects[0].h);
    }

    #[test]
    fn spotlight_of_one_or_a_missing_tile_is_the_grid() {
        assert_eq!(
            arrange(1, View::Spotlight(0), 800.0, 600.0),
            arrange(1, View::Grid, 800.0, 600.0)
        );
        assert_eq!(
            arrange(3, View::Spotlight(7), 800.0, 600.0),
            arrange(3, View::Grid, 800.0, 600.0)
        );
    }

    #[test]
    fn pinned_beats_presenting_beats_speaker_view() {
        let (a, b) = (Who::Peer(PeerId(1)), Who::Peer(PeerId(2)));
        let order = [Who::Me, a, b];
        assert_eq!(choose_view(&order, Focus::default()), View::Grid);
        let presenting = Focus { presenter: Some(b), ..Focus::default() };
        assert_eq!(choose_view(&order, presenting), View::Spotlight(2));
        let pinned = Focus { pinned: Some(Who::Me), ..presenting };
        assert_eq!(choose_view(&order, pinned), View::Spotlight(0));
        // Our own screen is not spotlighted for us.
        let own = Focus { presenter: Some(Who::Me), ..Focus::default() };
        assert_eq!(choose_view(&order, own), View::Grid);
        let speaker = Focus { speaker_view: true, active: Some(b), ..Focus::default() };
        assert_eq!(choose_view(&order, speaker), View::Spotlight(2));
        // Our own voice does not make us large; someone who left is not looked for.
        let quiet = Focus { speaker_view: true, active: Some(Who::Me), ..Focus::default() };
        assert_eq!(choose_view(&order, quiet), View::Spotlight(1));
        let gone = Focus { pinned: Some(Who::Peer(PeerId(9))), ..Focus::default() };
        assert_eq!(choose_view(&order, gone), View::Grid);
        assert_eq!(
            choose_view(&[Who::Me], Focus { speaker_view: true, ..Focus::default() }),
            View::Grid
        );
    }

    #[test]
    fn an_unmeasured_stage_gives_empty_tiles_not_nan() {
        for r in arrange(4, View::Grid, 0.0, 0.0).into_iter().chain(arrange(
            3,
            View::Spotlight(1),
            0.0,
            0.0,
        )) {
            assert!(
                r.w.is_finite() && r.h.is_finite() && r.x.is_finite() && r.y.is_finite(),
                "{r:?}"
            );
        }
        assert!(arrange(0, View::Grid, 800.0, 600.0).is_empty());
    }
}
