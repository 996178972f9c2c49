//! Which expressions the engine really produces, on every face of the fixture photos: for the
//! game's "copy the face" targets (issue 6: keep only what the engine recognises).
//!
//! `cargo run --release --example expression_census` prints, per expression, on how many faces it
//! is the most probable class, on how many it is above the copy threshold 0.6, and its highest
//! probability seen. Faces: every detection at inputSize 416 (score ≥ 0.5) in
//! `tests/fixtures/vision/images/*.png` (the golden photos of `shared/vision`).

mod common;

use common::{load_png, models_dir, read};
use std::path::{Path, PathBuf};
use straightface::vision::{DetectorOptions, Engine, Expression, Image};

fn main() {
    let dir = models_dir();
    let engine = Engine::load(
        &read(&dir, "tiny_face_detector_model-weights_manifest.json"),
        &read(&dir, "tiny_face_detector_model.bin"),
        &read(&dir, "face_expression_model-weights_manifest.json"),
        &read(&dir, "face_expression_model.bin"),
    )
    .expect("Engine::load");
    let images = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vision/images");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&images)
        .expect("fixture images")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    files.sort();
    let (mut top, mut above, mut max) = ([0u32; 7], [0u32; 7], [0f32; 7]);
    let mut faces = 0;
    for file in &files {
        let (w, h, rgb) = load_png(file);
        let img = Image::rgb(w, h, &rgb).expect("image");
        for det in engine.detect_faces(&img, &DetectorOptions::new(416, 0.5)).expect("detect") {
            let Some(r) = engine.expressions_for(&img, &det).expect("expressions") else {
                continue;
            };
            faces += 1;
            let (best, _) = Expression::argmax(&r.expressions);
            top[best.index()] += 1;
            for e in Expression::ALL {
                let p = r.expressions[e.index()];
                above[e.index()] += u32::from(p > 0.6);
                max[e.index()] = max[e.index()].max(p);
            }
        }
    }
    println!("{faces} faces in {} photos (inputSize 416)", files.len());
    println!("{:10} {:>5} {:>9} {:>9}", "expression", "top", "p > 0.6", "max p");
    for e in Expression::ALL {
        let i = e.index();
        println!("{:10} {:>5} {:>9} {:>9.3}", e.label(), top[i], above[i], max[i]);
    }
}
