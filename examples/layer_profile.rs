//! Per-layer time of the detector at one input size, natively (median of 30 runs), to find
//! where a speed-up pays. Usage: cargo run --release --example layer_profile [input size]
use std::path::Path;
use std::time::Instant;
use straightface::vision::{Engine, Tensor};

fn main() {
    let size: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(416);
    let dir = std::env::var("STRAIGHTFACE_MODELS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("models/node_modules/@vladmandic/face-api/model")
        });
    let read = |f: &str| std::fs::read(dir.join(f)).expect("model file (run scripts/setup)");
    let engine = Engine::load(
        &read("tiny_face_detector_model-weights_manifest.json"),
        &read("tiny_face_detector_model.bin"),
        &read("face_expression_model-weights_manifest.json"),
        &read("face_expression_model.bin"),
    )
    .expect("weights");
    let x =
        Tensor::from_vec(size, size, 3, (0..size * size * 3).map(|i| (i % 255) as f32).collect())
            .expect("tensor");
    let mut per_layer: Vec<(String, Vec<f64>)> = Vec::new();
    for run in 0..33 {
        let mut last = Instant::now();
        let mut i = 0;
        engine
            .detector()
            .forward_traced(&x, &mut |name, _| {
                let now = Instant::now();
                let ms = now.duration_since(last).as_secs_f64() * 1e3;
                last = now;
                if run == 0 {
                    per_layer.push((name.to_string(), Vec::new()));
                }
                if run >= 3 {
                    per_layer[i].1.push(ms);
                }
                i += 1;
            })
            .expect("forward");
    }
    let mut total = 0.0;
    for (name, mut v) in per_layer {
        v.sort_by(f64::total_cmp);
        let median = v[v.len() / 2];
        total += median;
        println!("{name:>6} {median:7.3} ms");
    }
    println!(" total {total:7.3} ms (input {size})");
}
