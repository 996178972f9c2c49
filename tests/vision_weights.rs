//! Weight loading against golden.json → `weights` (face-api.js 1.7.15 /
//! tfjs `decodeWeights`, recorded by shared/vision/tools/make_golden.mjs),
//! plus the typed errors for bad bytes.

mod common;

use common::{golden, model_bytes};
use straightface::vision::{engine, Engine, VisionError, Weights};

fn check_model(model: &str, manifest: &[u8], bin: &[u8]) {
    let w = Weights::from_bytes(manifest, bin).expect("weights load");
    let entries = golden()["weights"][model].as_array().unwrap();
    assert_eq!(w.len(), entries.len(), "{model}: tensor count");
    let names: Vec<&str> = w.names().collect();
    let mut bytes = 0;
    for (g, name) in entries.iter().zip(names) {
        assert_eq!(name, g["name"].as_str().unwrap(), "manifest order");
        let t = w.get(name).unwrap();
        let shape: Vec<usize> =
            g["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
        assert_eq!(t.shape, shape, "{name}: shape");
        assert_eq!(t.values.len() as u64, g["count"].as_u64().unwrap(), "{name}: count");
        assert_eq!(g["byte_offset"].as_u64().unwrap() as usize, bytes, "{name}: offset");
        bytes += g["byte_length"].as_u64().unwrap() as usize;
        // SPEC §1.3: dequantisation must be bit-exact.
        for (i, (v, want)) in t.values.iter().zip(common::f64s(&g["first8"])).enumerate() {
            assert_eq!(v.to_bits(), (want as f32).to_bits(), "{name}[{i}]: {v} vs {want}");
        }
        assert_eq!(
            t.values.last().copied().unwrap(),
            g["last"].as_f64().unwrap() as f32,
            "{name}: last"
        );
        // The f64 sum of the f32 values pins every element, not just the first 8.
        let sum: f64 = t.values.iter().map(|&v| f64::from(v)).sum();
        let want = g["sum"].as_f64().unwrap();
        assert!((sum - want).abs() <= 1e-9 * want.abs().max(1.0), "{name}: sum {sum} vs {want}");
    }
    assert_eq!(bytes, bin.len(), "{model}: total bytes");
}

#[test]
fn detector_weights_match_golden() {
    let m = model_bytes();
    assert_eq!(m.det_bin.len(), 193_321, "SPEC §1.5 file size");
    check_model("tiny_face_detector_model", &m.det_manifest, &m.det_bin);
}

#[test]
fn expression_weights_match_golden() {
    let m = model_bytes();
    assert_eq!(m.expr_bin.len(), 329_468, "SPEC §1.6 file size");
    check_model("face_expression_model", &m.expr_manifest, &m.expr_bin);
    // Biases are stored as plain f32, filters quantised (SPEC §1.6).
    let w = Weights::from_bytes(&m.expr_manifest, &m.expr_bin).unwrap();
    let params: usize = w.names().map(|n| w.get(n).unwrap().values.len()).sum();
    assert_eq!(params, 323_687);
}

#[test]
fn engine_loads_the_pinned_models() {
    let m = model_bytes();
    Engine::load(&m.det_manifest, &m.det_bin, &m.expr_manifest, &m.expr_bin).expect("load");
}

#[test]
fn checksum_mismatch_is_a_typed_error() {
    let m = model_bytes();
    let mut bin = m.det_bin.clone();
    bin[1000] ^= 1;
    let err = Engine::load(&m.det_manifest, &bin, &m.expr_manifest, &m.expr_bin).unwrap_err();
    match err {
        VisionError::Checksum { file, expected, .. } => {
            assert_eq!(file, "tiny_face_detector_model.bin");
            assert_eq!(expected, engine::DETECTOR_BIN_SHA256);
        }
        other => panic!("expected Checksum, got {other:?}"),
    }
    // Swapped files are caught too.
    let err = Engine::load(&m.expr_manifest, &m.expr_bin, &m.det_manifest, &m.det_bin).unwrap_err();
    assert!(matches!(err, VisionError::Checksum { .. }));
}

#[test]
fn truncated_and_oversized_bins_are_typed_errors() {
    let m = model_bytes();
    let short = &m.det_bin[..m.det_bin.len() - 1];
    assert_eq!(
        Weights::from_bytes(&m.det_manifest, short).unwrap_err(),
        VisionError::WeightSize { expected: 193_321, actual: 193_320 }
    );
    let mut long = m.expr_bin.clone();
    long.extend_from_slice(&[0; 4]);
    assert_eq!(
        Weights::from_bytes(&m.expr_manifest, &long).unwrap_err(),
        VisionError::WeightSize { expected: 329_468, actual: 329_472 }
    );
    assert!(matches!(
        Weights::from_bytes(&m.det_manifest, &[]),
        Err(VisionError::WeightSize { .. })
    ));
    // Through Engine::load the checksum catches it first.
    assert!(matches!(
        Engine::load(&m.det_manifest, short, &m.expr_manifest, &m.expr_bin),
        Err(VisionError::Checksum { .. })
    ));
}

#[test]
fn malformed_manifests_are_typed_errors() {
    let m = model_bytes();
    let cases: [&[u8]; 6] = [
        b"",
        b"{not json",
        br#"{"paths":[],"weights":[]}"#,
        br#"[{"paths":["x"],"weights":[{"name":"a","shape":[2],"dtype":"float32","quantization":{"dtype":"uint8"}}]}]"#,
        br#"[{"paths":["x"],"weights":[{"name":"a","shape":"big","dtype":"float32"}]}]"#,
        &m.det_manifest[..m.det_manifest.len() / 2],
    ];
    for c in cases {
        let err = Weights::from_bytes(c, &m.det_bin).unwrap_err();
        assert!(
            matches!(err, VisionError::Manifest(_)),
            "{:?} -> {err:?}",
            String::from_utf8_lossy(&c[..c.len().min(40)])
        );
    }
    let int32 = br#"[{"paths":["x"],"weights":[{"name":"a","shape":[1],"dtype":"int32"}]}]"#;
    assert!(matches!(
        Weights::from_bytes(int32, &[0; 4]),
        Err(VisionError::UnsupportedDtype { .. })
    ));
    let dup = br#"[{"paths":["x"],"weights":[{"name":"a","shape":[1],"dtype":"float32"},{"name":"a","shape":[1],"dtype":"float32"}]}]"#;
    assert!(matches!(Weights::from_bytes(dup, &[0; 8]), Err(VisionError::Manifest(_))));
}

#[test]
fn wrong_architecture_is_a_typed_error_at_load() {
    // Expression weights given to the detector (checksums bypassed): the
    // first missing tensor is reported, nothing panics.
    let expr = common::expression_weights();
    let det = common::detector_weights();
    let err = Engine::from_weights(&expr, &det).unwrap_err();
    assert_eq!(err, VisionError::MissingTensor("conv0/filters".into()));
    // A tensor with the right name but wrong shape.
    let manifest = String::from_utf8(model_bytes().det_manifest.clone()).unwrap().replacen(
        "\"shape\":[3,3,3,16]",
        "\"shape\":[3,3,16,3]",
        1,
    );
    assert_ne!(manifest.as_bytes(), model_bytes().det_manifest.as_slice(), "replacement applied");
    let w = Weights::from_bytes(manifest.as_bytes(), &model_bytes().det_bin).unwrap();
    assert!(matches!(Engine::from_weights(&w, &expr), Err(VisionError::Shape { .. })));
}
