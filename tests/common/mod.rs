//! Shared helpers for the vision tests: fixture/model locations, golden
//! data, PNG decoding, tolerance checks.
//!
//! Reference values all come from `tests/fixtures/vision/golden.json` and
//! `dumps/`, made by face-api.js 1.7.15 (tfjs 4.22 CPU) via
//! `shared/vision/tools/make_golden.mjs`.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use straightface::vision::{weights::sha256_hex, Engine, Image, Weights};

/// `tests/fixtures/vision`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vision")
}

/// Model directory: `$STRAIGHTFACE_MODELS_DIR`, else the npm install location.
pub fn models_dir() -> PathBuf {
    match std::env::var_os("STRAIGHTFACE_MODELS_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("models/node_modules/@vladmandic/face-api/model"),
    }
}

/// Reads a model file or fails the test with the setup instructions.
/// Missing weights are a failure, never a skip.
pub fn model_file(name: &str) -> Vec<u8> {
    let path = models_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "model file {} not readable ({e}).\n\
             The weights are not committed. Run `npm install --prefix models` in {} \
             (installs @vladmandic/face-api@1.7.15), or set STRAIGHTFACE_MODELS_DIR to a \
             directory holding tiny_face_detector_model{{.bin,-weights_manifest.json}} and \
             face_expression_model{{.bin,-weights_manifest.json}}.",
            path.display(),
            env!("CARGO_MANIFEST_DIR"),
        )
    })
}

/// The four model files: (det manifest, det bin, expr manifest, expr bin).
pub struct ModelBytes {
    pub det_manifest: Vec<u8>,
    pub det_bin: Vec<u8>,
    pub expr_manifest: Vec<u8>,
    pub expr_bin: Vec<u8>,
}

pub fn model_bytes() -> &'static ModelBytes {
    static M: OnceLock<ModelBytes> = OnceLock::new();
    M.get_or_init(|| ModelBytes {
        det_manifest: model_file("tiny_face_detector_model-weights_manifest.json"),
        det_bin: model_file("tiny_face_detector_model.bin"),
        expr_manifest: model_file("face_expression_model-weights_manifest.json"),
        expr_bin: model_file("face_expression_model.bin"),
    })
}

pub fn detector_weights() -> Weights {
    let m = model_bytes();
    Weights::from_bytes(&m.det_manifest, &m.det_bin).expect("detector weights")
}

pub fn expression_weights() -> Weights {
    let m = model_bytes();
    Weights::from_bytes(&m.expr_manifest, &m.expr_bin).expect("expression weights")
}

pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let m = model_bytes();
        Engine::load(&m.det_manifest, &m.det_bin, &m.expr_manifest, &m.expr_bin)
            .expect("Engine::load")
    })
}

pub fn golden() -> &'static Value {
    static G: OnceLock<Value> = OnceLock::new();
    G.get_or_init(|| {
        let bytes = std::fs::read(fixtures().join("golden.json")).expect("golden.json");
        serde_json::from_slice(&bytes).expect("golden.json parses")
    })
}

pub fn golden_image(id: &str) -> &'static Value {
    golden()["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|im| im["id"] == id)
        .expect("golden image id")
}

/// Decoded RGB pixels of a golden image.
pub struct Rgb {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl Rgb {
    pub fn image(&self) -> Image<'_> {
        Image::rgb(self.width, self.height, &self.data).expect("valid image")
    }
}

fn decode_png(path: &Path) -> Rgb {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader =
        png::Decoder::new(std::io::BufReader::new(file)).read_info().expect("png header");
    let mut data = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut data).expect("png frame");
    assert_eq!(info.color_type, png::ColorType::Rgb, "{}", path.display());
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    data.truncate(info.buffer_size());
    Rgb { width: info.width as usize, height: info.height as usize, data }
}

/// The exact pixels face-api.js saw for golden image `id`, checked against
/// golden's `decoded_rgb_sha256`. `sample1_portrait_crop` is cut from
/// sample1 (columns 300..1099, as golden's `source` says) instead of being
/// stored twice.
pub fn load_rgb(id: &str) -> Rgb {
    let rgb = if id == "sample1_portrait_crop" {
        let full = decode_png(&fixtures().join("images/sample1.png"));
        let (x0, w) = (300, 800);
        let mut data = Vec::with_capacity(w * full.height * 3);
        for y in 0..full.height {
            let row = (y * full.width + x0) * 3;
            data.extend_from_slice(&full.data[row..row + w * 3]);
        }
        Rgb { width: w, height: full.height, data }
    } else {
        decode_png(&fixtures().join(format!("images/{id}.png")))
    };
    let g = golden_image(id);
    assert_eq!(
        (rgb.width, rgb.height),
        (g["width"].as_u64().unwrap() as usize, g["height"].as_u64().unwrap() as usize)
    );
    assert_eq!(
        sha256_hex(&rgb.data),
        g["decoded_rgb_sha256"].as_str().unwrap(),
        "{id}: pixels differ from golden"
    );
    rgb
}

/// Little-endian f32 dump from `dumps/`.
pub fn read_f32_dump(name: &str) -> Vec<f32> {
    let bytes = std::fs::read(fixtures().join("dumps").join(name)).expect("dump file");
    bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

pub fn f64s(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(|x| x.as_f64().expect("number")).collect()
}

pub fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Max |a - b| over two equally long sequences.
pub fn max_abs_diff(a: impl IntoIterator<Item = f64>, b: impl IntoIterator<Item = f64>) -> f64 {
    let (a, b): (Vec<f64>, Vec<f64>) = (a.into_iter().collect(), b.into_iter().collect());
    assert_eq!(a.len(), b.len(), "length mismatch");
    a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

/// SPEC §7.1 suggested tolerances for a Rust f32 port.
pub mod tol {
    /// Pre-processed inputs ("should be exact").
    pub const INPUT: f64 = 1e-6;
    /// Raw detector output.
    pub const RAW_OUTPUT: f64 = 1e-3;
    /// Detection scores.
    pub const SCORE: f64 = 1e-4;
    /// Boxes, pixels.
    pub const BOX_PX: f64 = 0.05;
    /// Expression logits.
    pub const LOGIT: f64 = 1e-3;
    /// Expression probabilities.
    pub const PROB: f64 = 1e-4;
}
