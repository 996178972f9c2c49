//! End-to-end parity with face-api.js on every golden image and every input
//! size in golden.json (face-api.js 1.7.15 / tfjs 4.22 CPU, recorded by
//! shared/vision/tools/make_golden.mjs). Tolerances: SPEC §7.1.

mod common;

use common::{engine, f, f64s, golden, load_rgb, max_abs_diff, tol};
use serde_json::Value;
use straightface::vision::decode::decode;
use straightface::vision::preprocess::detector_input;
use straightface::vision::{BBox, DetectorOptions, Expression, PixelFormat};

fn image_ids() -> Vec<&'static str> {
    golden()["images"].as_array().unwrap().iter().map(|im| im["id"].as_str().unwrap()).collect()
}

fn bbox(v: &Value) -> BBox {
    BBox { x: f(&v["x"]), y: f(&v["y"]), width: f(&v["width"]), height: f(&v["height"]) }
}

fn box_diff(a: &BBox, b: &BBox) -> f64 {
    [a.x - b.x, a.y - b.y, a.width - b.width, a.height - b.height]
        .iter()
        .map(|d| d.abs())
        .fold(0.0, f64::max)
}

/// Worst deviations seen, printed at the end of each test.
#[derive(Default, Debug)]
struct Worst {
    score: f64,
    box_px: f64,
    logit: f64,
    prob: f64,
}

#[test]
fn all_images_at_416_with_expressions() {
    let opts = DetectorOptions::default();
    assert_eq!(golden()["meta"]["detector_options"]["inputSize"], 416);
    let mut worst = Worst::default();
    let ids = image_ids();
    assert_eq!(ids.len(), 7);
    for id in ids {
        let rgb = load_rgb(id);
        let faces = engine().detect_with_expressions(&rgb.image(), &opts).unwrap();
        let gfaces = common::golden_image(id)["faces"].as_array().unwrap();
        assert_eq!(faces.len(), gfaces.len(), "{id}: face count");
        for (i, (face, g)) in faces.iter().zip(gfaces).enumerate() {
            let ctx = format!("{id} face {i}");
            worst.score = worst.score.max((face.score - f(&g["score"])).abs());
            worst.box_px = worst.box_px.max(box_diff(&face.bbox, &bbox(&g["box"])));
            let c = &g["crop"];
            let want =
                [c["x"].as_u64(), c["y"].as_u64(), c["width"].as_u64(), c["height"].as_u64()]
                    .map(|v| v.unwrap() as usize);
            assert_eq!(
                [face.crop.x, face.crop.y, face.crop.width, face.crop.height],
                want,
                "{ctx}: crop"
            );
            let logit = max_abs_diff(
                face.logits.iter().map(|&v| f64::from(v)),
                f64s(&g["expression_logits"]),
            );
            let prob = max_abs_diff(
                face.expressions.iter().map(|&v| f64::from(v)),
                f64s(&g["expression_probs"]),
            );
            worst.logit = worst.logit.max(logit);
            worst.prob = worst.prob.max(prob);
            assert!(logit <= tol::LOGIT, "{ctx}: logits {logit:e}");
            assert!(prob <= tol::PROB, "{ctx}: probs {prob:e}");
            assert_eq!(
                face.top_expression().0.label(),
                g["top_expression"].as_str().unwrap(),
                "{ctx}: argmax"
            );
            for (e, p) in Expression::ALL.iter().zip(face.expressions) {
                assert_eq!(p, face.probability(*e));
                assert!(
                    (f64::from(p) - f(&g["expressions"][e.label()])).abs() <= tol::PROB,
                    "{ctx}: {}",
                    e.label()
                );
            }
        }
    }
    println!("416 worst: {worst:?}");
    assert!(worst.score <= tol::SCORE, "scores: {:e}", worst.score);
    assert!(worst.box_px <= tol::BOX_PX, "boxes: {:e} px", worst.box_px);
}

#[test]
fn candidates_before_nms_match_at_416() {
    let net = engine().detector();
    let mut worst = Worst::default();
    for id in image_ids() {
        let rgb = load_rgb(id);
        let g = &common::golden_image(id)["detector"];
        let out = net.forward(&detector_input(&rgb.image(), 416)).unwrap();
        let cands = decode(&out, rgb.width, rgb.height, 416, 0.5).unwrap();
        let gc = g["candidates_before_nms"].as_array().unwrap();
        assert_eq!(
            cands.len() as u64,
            g["num_candidates_above_threshold"].as_u64().unwrap(),
            "{id}: candidates"
        );
        assert_eq!(cands.len(), gc.len(), "{id}: candidates listed");
        for (c, w) in cands.iter().zip(gc) {
            let cell = [w["row"].as_u64(), w["col"].as_u64(), w["anchor"].as_u64()]
                .map(|v| v.unwrap() as usize);
            assert_eq!([c.row, c.col, c.anchor], cell, "{id}: candidate order");
            worst.score = worst.score.max((c.score - f(&w["score"])).abs());
            // Relative boxes scaled to pixels of the original image for the tolerance.
            let px = |b: &BBox| b.scale(rgb.width as f64, rgb.height as f64);
            worst.box_px = worst.box_px.max(box_diff(&px(&c.rel), &px(&bbox(&w["rel"]))));
        }
    }
    println!("candidates worst: {worst:?}");
    assert!(worst.score <= tol::SCORE && worst.box_px <= tol::BOX_PX, "{worst:?}");
}

#[test]
fn all_images_at_every_other_input_size() {
    let mut worst = Worst::default();
    let mut checked = 0;
    for id in image_ids() {
        let rgb = load_rgb(id);
        let sizes = common::golden_image(id)["detections_other_input_sizes"].as_object().unwrap();
        assert_eq!(sizes.len(), 6, "{id}: 128, 160, 224, 320, 512, 608");
        for (size, gdets) in sizes {
            let opts = DetectorOptions::new(size.parse().unwrap(), 0.5);
            let dets = engine().detect_faces(&rgb.image(), &opts).unwrap();
            let gdets = gdets.as_array().unwrap();
            assert_eq!(dets.len(), gdets.len(), "{id} @{size}: face count");
            for (d, g) in dets.iter().zip(gdets) {
                worst.score = worst.score.max((d.score - f(&g["score"])).abs());
                worst.box_px = worst.box_px.max(box_diff(&d.bbox, &bbox(&g["box"])));
                checked += 1;
            }
        }
    }
    println!("other sizes: {checked} faces, worst {worst:?}");
    assert!(worst.score <= tol::SCORE, "scores: {:e}", worst.score);
    assert!(worst.box_px <= tol::BOX_PX, "boxes: {:e} px", worst.box_px);
}

#[test]
fn single_face_is_the_best_face() {
    let rgb = load_rgb("sample3");
    let opts = DetectorOptions::default();
    let all = engine().detect_with_expressions(&rgb.image(), &opts).unwrap();
    let single =
        engine().detect_single_face_with_expressions(&rgb.image(), &opts).unwrap().unwrap();
    let best = all.iter().max_by(|a, b| a.score.total_cmp(&b.score)).unwrap();
    assert_eq!(&single, best);
    // A uniform frame has no face.
    let grey = vec![128u8; 320 * 240 * 3];
    let img = straightface::vision::Image::rgb(320, 240, &grey).unwrap();
    assert_eq!(
        engine()
            .detect_single_face_with_expressions(&img, &DetectorOptions::new(224, 0.5))
            .unwrap(),
        None
    );
}

#[test]
fn rgba_input_gives_the_same_result_as_rgb() {
    let rgb = load_rgb("sample1_portrait_crop");
    // Alpha set to a varying pattern to prove it is ignored.
    let rgba: Vec<u8> = rgb
        .data
        .chunks_exact(3)
        .enumerate()
        .flat_map(|(i, p)| [p[0], p[1], p[2], i as u8])
        .collect();
    let img =
        straightface::vision::Image::new(rgb.width, rgb.height, PixelFormat::Rgba, &rgba).unwrap();
    let opts = DetectorOptions::new(320, 0.5);
    let a = engine().detect_with_expressions(&rgb.image(), &opts).unwrap();
    let b = engine().detect_with_expressions(&img, &opts).unwrap();
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn invalid_options_are_typed_errors() {
    let rgb = load_rgb("sample1_portrait_crop");
    for opts in [DetectorOptions::new(400, 0.5), DetectorOptions::new(416, 1.5)] {
        let err = engine().detect_with_expressions(&rgb.image(), &opts).unwrap_err();
        assert!(matches!(err, straightface::vision::VisionError::Options(_)), "{err:?}");
    }
}
