//! The one error type of the vision module.
//!
//! Everything that comes from outside (weight bytes fetched over the network,
//! frames from the camera, options from the UI) is checked and turned into a
//! [`VisionError`]; nothing in this module panics on bad input.

use thiserror::Error;

/// Why loading a model or running inference failed.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum VisionError {
    /// The weights manifest is not the JSON face-api.js writes (SPEC §1.1).
    #[error("malformed weights manifest: {0}")]
    Manifest(String),

    /// A manifest entry uses a dtype/quantisation this port does not decode.
    #[error("unsupported dtype in weights manifest for `{name}`: {dtype}")]
    UnsupportedDtype {
        /// Tensor name from the manifest.
        name: String,
        /// The offending dtype string.
        dtype: String,
    },

    /// The weight bytes are shorter or longer than the manifest says (SPEC §1.2).
    #[error("weight data is {actual} bytes but the manifest describes {expected} bytes")]
    WeightSize {
        /// Bytes the manifest requires.
        expected: usize,
        /// Bytes that were given.
        actual: usize,
    },

    /// The sha256 of a model file differs from the one pinned in SPEC §1.5/§1.6.
    #[error("sha256 mismatch for {file}: expected {expected}, got {actual}")]
    Checksum {
        /// Which file (e.g. `tiny_face_detector_model.bin`).
        file: &'static str,
        /// Pinned digest (hex).
        expected: &'static str,
        /// Digest of the bytes given (hex).
        actual: String,
    },

    /// A tensor a layer needs is not in the weights.
    #[error("weights have no tensor named `{0}`")]
    MissingTensor(String),

    /// A tensor (weight or activation) has a shape the layer cannot use.
    #[error("shape mismatch for `{name}`: expected {expected:?}, got {actual:?}")]
    Shape {
        /// Tensor or layer name.
        name: String,
        /// Expected shape.
        expected: Vec<usize>,
        /// Actual shape.
        actual: Vec<usize>,
    },

    /// The image buffer does not match its declared size/format.
    #[error("invalid image: {0}")]
    Image(String),

    /// Detector options outside what face-api.js accepts (SPEC §3).
    #[error("invalid detector options: {0}")]
    Options(String),
}

/// Shorthand used throughout the vision module.
pub type Result<T> = std::result::Result<T, VisionError>;
