//! Face detection and facial-expression recognition in pure Rust: a port of
//! face-api.js's TinyFaceDetector + FaceExpressionNet (npm
//! `@vladmandic/face-api` 1.7.15), following `shared/vision/SPEC.md`.
//!
//! The game calls [`Engine::load`] once with the four model files' bytes
//! (fetched by the browser; this module does no I/O) and then
//! [`Engine::detect_with_expressions`] or
//! [`Engine::detect_single_face_with_expressions`] per video frame
//! (RGBA from `getImageData` is fine). Everything is native-testable: the
//! parity tests compare against face-api.js's own outputs (`golden.json`).
//!
//! Layout: `weights` (manifest + dequantisation), `tensor` + `ops` (NHWC
//! kernels with tfjs semantics, scalar and `wasm32` SIMD), `layers`,
//! `preprocess` / `decode` / `boxes` / `crop` (the JS-side pipeline steps),
//! `detector` and `expression` (the two networks), `engine` (the API).

pub mod boxes;
pub mod crop;
pub mod decode;
pub mod detector;
pub mod engine;
pub mod error;
pub mod expression;
pub mod image;
pub mod layers;
pub mod ops;
pub mod preprocess;
pub mod tensor;
pub mod weights;

pub use boxes::BBox;
pub use crop::CropRect;
pub use detector::{Detection, DetectorOptions, TinyFaceDetector};
pub use engine::{Engine, FaceResult};
pub use error::VisionError;
pub use expression::{Expression, ExpressionOutput, FaceExpressionNet};
pub use image::{Image, PixelFormat};
pub use tensor::Tensor;
pub use weights::Weights;
