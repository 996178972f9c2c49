//! Layer-by-layer checks on sample1 so that a mismatch points at its layer.
//!
//! References: golden.json → `layer_dump` (per-layer statistics and strided
//! samples) and `dumps/*` (full tensors), recorded from face-api.js 1.7.15 /
//! tfjs 4.22 CPU by shared/vision/tools/make_golden.mjs.

mod common;

use std::collections::HashMap;

use common::{f, f64s, golden, load_rgb, max_abs_diff, read_f32_dump, tol};
use serde_json::Value;
use straightface::vision::crop::{extract_rgb, face_crop_rect};
use straightface::vision::preprocess::{
    detector_input, detector_resized, expression_input, expression_resized,
};
use straightface::vision::{BBox, CropRect, FaceExpressionNet, Tensor, TinyFaceDetector};

/// Per-layer tolerance: 1e-5 of the layer's largest magnitude (at least
/// 1e-5). SPEC §11 expects ~1e-5 relative differences from accumulation
/// order; for the raw output (range −56..4) this is ≤ 5.6e-4, inside
/// SPEC §7.1's 1e-3.
fn layer_tol(g: &Value) -> f64 {
    1e-5 * f(&g["min"]).abs().max(f(&g["max"]).abs()).max(1.0)
}

/// Compares a tensor with one golden layer record: shape, first20, the
/// strided samples (max abs diff ≤ `abs_tol`) and the sum (relative to abs_sum).
fn check_layer(name: &str, got: &Tensor, g: &Value, abs_tol: f64) -> f64 {
    let shape: Vec<usize> =
        g["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
    assert_eq!(shape[1..], got.shape()[..], "{name}: shape");
    let data = got.data();
    // Golden values are f32 printed as JSON numbers: compare at f32 precision.
    let as_f32 = |v: Vec<f64>| v.into_iter().map(|x| f64::from(x as f32)).collect::<Vec<_>>();
    let first20 =
        max_abs_diff(data[..20].iter().map(|&v| f64::from(v)), as_f32(f64s(&g["first20"])));
    let samples = g["strided_samples"]["values"].as_array().unwrap();
    let (idx, want): (Vec<usize>, Vec<f64>) =
        samples.iter().map(|s| (s[0].as_u64().unwrap() as usize, f(&s[1]))).unzip();
    let strided = max_abs_diff(idx.iter().map(|&i| f64::from(data[i])), as_f32(want));
    let sum: f64 = data.iter().map(|&v| f64::from(v)).sum();
    let sum_rel = (sum - f(&g["sum"])).abs() / f(&g["abs_sum"]).max(1.0);
    let worst = first20.max(strided);
    println!(
        "{name:14} max|diff| first20/strided {first20:.2e}/{strided:.2e}  sum rel {sum_rel:.2e}"
    );
    assert!(worst <= abs_tol, "{name}: max|diff| {worst:e} > {abs_tol:e}");
    assert!(sum_rel <= 1e-5, "{name}: sum {sum} vs {} (rel {sum_rel:e})", g["sum"]);
    worst
}

fn layers_by_name(which: &str) -> HashMap<String, &'static Value> {
    golden()["layer_dump"][which]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["name"].as_str().unwrap().to_string(), l))
        .collect()
}

#[test]
fn detector_preprocessing_is_exact() {
    let rgb = load_rgb("sample1");
    let layers = layers_by_name("detector");
    let resized = detector_resized(&rgb.image(), 416);
    check_layer("resized_0_255", &resized, layers["resized_0_255"], 0.0);
    let input = detector_input(&rgb.image(), 416);
    check_layer("input", &input, layers["input"], 0.0);
    let dump = read_f32_dump("sample1_det_input_416.f32");
    let d = max_abs_diff(
        input.data().iter().map(|&v| f64::from(v)),
        dump.iter().map(|&v| f64::from(v)),
    );
    assert!(d <= tol::INPUT, "detector input vs dump: {d:e}");
    assert_eq!(input.data(), dump.as_slice(), "SPEC §7.1: pre-processed input should be bit-exact");
}

#[test]
fn detector_layers_match_golden() {
    let net = TinyFaceDetector::load(&common::detector_weights()).unwrap();
    let layers = layers_by_name("detector");
    // Feed the dumped input so this test isolates the network from pre-processing.
    let input = Tensor::from_vec(416, 416, 3, read_f32_dump("sample1_det_input_416.f32")).unwrap();
    let mut seen = Vec::new();
    let out = net
        .forward_traced(&input, &mut |name, t| {
            check_layer(name, t, layers[name], layer_tol(layers[name]));
            seen.push(name.to_string());
        })
        .unwrap();
    let expected: Vec<&str> = golden()["layer_dump"]["detector"]["layers"].as_array().unwrap()[2..]
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(seen, expected, "every golden layer checked, in order");

    let dump = read_f32_dump("sample1_det_output_13x13x25.f32");
    assert_eq!(
        dump,
        f64s(&golden()["layer_dump"]["detector"]["output_all_values"])
            .iter()
            .map(|&v| v as f32)
            .collect::<Vec<_>>()
    );
    let d =
        max_abs_diff(out.data().iter().map(|&v| f64::from(v)), dump.iter().map(|&v| f64::from(v)));
    println!("raw output 13x13x25 max|diff| {d:.2e}");
    assert!(d <= tol::RAW_OUTPUT, "raw detector output: {d:e}");
}

fn golden_expr() -> &'static Value {
    &golden()["layer_dump"]["expression"]
}

fn golden_crop() -> CropRect {
    let c = &golden_expr()["crop"];
    let u = |k: &str| c[k].as_u64().unwrap() as usize;
    CropRect { x: u("x"), y: u("y"), width: u("width"), height: u("height") }
}

#[test]
fn face_crop_matches_dump() {
    let rgb = load_rgb("sample1");
    let b = &golden_expr()["detection_box"];
    let bbox =
        BBox { x: f(&b["x"]), y: f(&b["y"]), width: f(&b["width"]), height: f(&b["height"]) };
    let rect = face_crop_rect(&bbox, rgb.width, rgb.height).unwrap();
    assert_eq!(rect, golden_crop());
    let crop = extract_rgb(&rgb.image(), rect);
    let dump = std::fs::read(common::fixtures().join("dumps/sample1_face0_crop.rgb")).unwrap();
    assert_eq!(crop.len(), 255 * 312 * 3);
    assert!(crop == dump, "crop pixels differ from dumps/sample1_face0_crop.rgb");
}

#[test]
fn expression_preprocessing_is_exact() {
    let rgb = load_rgb("sample1");
    let layers = layers_by_name("expression");
    let resized = expression_resized(&rgb.image(), golden_crop());
    check_layer("resized_0_255", &resized, layers["resized_0_255"], 0.0);
    let input = expression_input(&rgb.image(), golden_crop());
    check_layer("input", &input, layers["input"], 0.0);
    let dump = read_f32_dump("sample1_face0_expr_input_112.f32");
    assert_eq!(input.data(), dump.as_slice(), "SPEC §7.1: pre-processed input should be bit-exact");
}

#[test]
fn expression_layers_match_golden() {
    let net = FaceExpressionNet::load(&common::expression_weights()).unwrap();
    let layers = layers_by_name("expression");
    let input =
        Tensor::from_vec(112, 112, 3, read_f32_dump("sample1_face0_expr_input_112.f32")).unwrap();
    let mut seen = 0;
    let out = net
        .forward_traced(&input, &mut |name, t| {
            check_layer(name, t, layers[name], layer_tol(layers[name]));
            seen += 1;
        })
        .unwrap();
    assert_eq!(seen, 20, "4 blocks x (out1..out4 + block output)");
    let g = golden_expr();
    let feat = max_abs_diff(out.features.iter().map(|&v| f64::from(v)), f64s(&g["features256"]));
    let logits = max_abs_diff(out.logits.iter().map(|&v| f64::from(v)), f64s(&g["logits"]));
    let probs = max_abs_diff(out.probs.iter().map(|&v| f64::from(v)), f64s(&g["probs"]));
    println!("features {feat:.2e} logits {logits:.2e} probs {probs:.2e}");
    assert!(feat <= 1e-4, "avgpool features: {feat:e}");
    assert!(logits <= tol::LOGIT, "logits: {logits:e}");
    assert!(probs <= tol::PROB, "probs: {probs:e}");
}
