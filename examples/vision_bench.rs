//! Native single-threaded timings of the vision pipeline stages.
//!
//! `cargo run --release --example vision_bench [runs]` (default 20 runs after
//! 3 warm-ups). Weights from `models/` (or `$STRAIGHTFACE_MODELS_DIR`), image
//! `tests/fixtures/vision/images/sample1.png`. Compare with face-api.js on
//! this kind of machine in SPEC §8 (tfjs-wasm SIMD: detector@416 net ≈ 117 ms,
//! expression net ≈ 19 ms).

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

mod common;

use common::{load_png, models_dir, read};
use straightface::vision::crop::face_crop_rect;
use straightface::vision::preprocess::{detector_input, expression_input};
use straightface::vision::{DetectorOptions, Engine, Image};

/// Times `f` `runs` times after 3 warm-ups; prints median/min/max in ms.
fn bench(name: &str, runs: usize, mut f: impl FnMut()) {
    for _ in 0..3 {
        f();
    }
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let median = if runs % 2 == 1 { ms[runs / 2] } else { (ms[runs / 2 - 1] + ms[runs / 2]) / 2.0 };
    println!(
        "{name:44} median {median:8.2} ms   min {:8.2}   max {:8.2}   (n={runs})",
        ms[0],
        ms[runs - 1]
    );
}

/// Mean time per detector layer at `size` over `runs` runs (time since the
/// previous layer's trace callback).
fn layer_breakdown(engine: &Engine, img: &Image, size: usize, runs: usize) {
    let input = detector_input(img, size);
    let mut totals: Vec<(String, f64)> = Vec::new();
    for _ in 0..runs {
        let mut last = Instant::now();
        let mut i = 0;
        engine
            .detector()
            .forward_traced(&input, &mut |name, _| {
                let ms = last.elapsed().as_secs_f64() * 1e3;
                if totals.len() <= i {
                    totals.push((name.to_string(), 0.0));
                }
                totals[i].1 += ms;
                i += 1;
                last = Instant::now();
            })
            .unwrap();
    }
    let line: Vec<String> =
        totals.iter().map(|(n, t)| format!("{n} {:.2}", t / runs as f64)).collect();
    println!("detector@{size} per layer (mean ms): {}", line.join(", "));
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20).max(1);
    let dir = models_dir();
    let engine = Engine::load(
        &read(&dir, "tiny_face_detector_model-weights_manifest.json"),
        &read(&dir, "tiny_face_detector_model.bin"),
        &read(&dir, "face_expression_model-weights_manifest.json"),
        &read(&dir, "face_expression_model.bin"),
    )
    .expect("Engine::load");
    let (w, h, rgb) = load_png(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vision/images/sample1.png"),
    );
    let img = Image::rgb(w, h, &rgb).expect("image");
    println!(
        "sample1 {w}x{h}, single thread, {} build",
        if cfg!(debug_assertions) { "DEBUG" } else { "release" }
    );

    for size in [224, 416] {
        let opts = DetectorOptions::new(size, 0.5);
        let input = detector_input(&img, size);
        bench(&format!("detector@{size} net only"), runs, || {
            black_box(engine.detector().forward(black_box(&input)).unwrap());
        });
        bench(&format!("detector@{size} full (pre+net+decode+NMS)"), runs, || {
            black_box(engine.detect_faces(black_box(&img), &opts).unwrap());
        });
    }

    layer_breakdown(&engine, &img, 416, runs);

    let det = engine.detect_faces(&img, &DetectorOptions::default()).unwrap();
    let best = det.first().expect("sample1 has faces at 416");
    let crop = face_crop_rect(&best.bbox, w, h).expect("crop");
    let x = expression_input(&img, crop);
    bench("expression net only (112x112)", runs, || {
        black_box(engine.expression_net().forward(black_box(&x)).unwrap());
    });
    bench("expression full (crop+pad+resize+net)", runs, || {
        black_box(engine.expressions_for(black_box(&img), best).unwrap());
    });
    let opts = DetectorOptions::new(224, 0.5);
    bench("detect_single_face_with_expressions@224", runs, || {
        black_box(engine.detect_single_face_with_expressions(black_box(&img), &opts).unwrap());
    });
}
