//! face-api.js / tfjs weight files: manifest parsing, dequantisation, checksums.
//!
//! A model is a JSON manifest plus one binary blob (SPEC §1). The bytes are
//! handed in by the caller (the browser fetches them, tests read them from
//! `models/`); this module never touches the file system.

use std::collections::HashMap;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::error::{Result, VisionError};

/// One group of the manifest (SPEC §1.1).
#[derive(Debug, Deserialize)]
struct ManifestGroup {
    #[allow(dead_code)] // shard file names: the caller already concatenated them
    paths: Vec<String>,
    weights: Vec<ManifestEntry>,
}

#[derive(Debug, Deserialize)]
struct ManifestEntry {
    name: String,
    shape: Vec<usize>,
    dtype: String,
    quantization: Option<Quantization>,
}

#[derive(Debug, Deserialize)]
struct Quantization {
    dtype: String,
    scale: Option<f64>,
    min: Option<f64>,
}

/// How one tensor is stored in the blob (SPEC §1.2/§1.3).
#[derive(Debug, Clone, Copy)]
enum Storage {
    F32,
    /// `value = f32(q as f64 * scale + min)`.
    Affine {
        bytes: usize,
        scale: f64,
        min: f64,
    },
    F16,
}

impl Storage {
    fn of(e: &ManifestEntry) -> Result<Self> {
        let unsupported = |dtype: &str| VisionError::UnsupportedDtype {
            name: e.name.clone(),
            dtype: dtype.to_string(),
        };
        if e.dtype != "float32" {
            return Err(unsupported(&e.dtype));
        }
        let Some(q) = &e.quantization else {
            return Ok(Storage::F32);
        };
        let affine = |bytes| match (q.scale, q.min) {
            (Some(scale), Some(min)) => Ok(Storage::Affine { bytes, scale, min }),
            _ => {
                Err(VisionError::Manifest(format!("`{}`: quantization without scale/min", e.name)))
            }
        };
        match q.dtype.as_str() {
            "uint8" => affine(1),
            "uint16" => affine(2),
            "float16" => Ok(Storage::F16),
            other => Err(unsupported(other)),
        }
    }

    fn bytes_per_value(self) -> usize {
        match self {
            Storage::F32 => 4,
            Storage::Affine { bytes, .. } => bytes,
            Storage::F16 => 2,
        }
    }

    fn decode(self, raw: &[u8]) -> Vec<f32> {
        match self {
            Storage::F32 => {
                raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
            }
            // SPEC §1.3: JS does `v * scale + min` in f64 and stores into a
            // Float32Array, i.e. one rounding at the end. Bit-exact this way.
            Storage::Affine { bytes: 1, scale, min } => {
                raw.iter().map(|&q| (f64::from(q) * scale + min) as f32).collect()
            }
            Storage::Affine { scale, min, .. } => raw
                .chunks_exact(2)
                .map(|b| (f64::from(u16::from_le_bytes([b[0], b[1]])) * scale + min) as f32)
                .collect(),
            Storage::F16 => {
                raw.chunks_exact(2).map(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]]))).collect()
            }
        }
    }
}

/// IEEE-754 half → single (exact; every half is representable as f32).
pub(crate) fn f16_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0f32 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let frac = f32::from(h & 0x3ff);
    match exp {
        0 => sign * frac * 2f32.powi(-24),
        31 if frac == 0.0 => sign * f32::INFINITY,
        31 => f32::NAN,
        _ => sign * (1.0 + frac / 1024.0) * 2f32.powi(exp - 15),
    }
}

/// One decoded weight tensor.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightTensor {
    /// Shape as written in the manifest (e.g. HWIO `[3, 3, 3, 16]`).
    pub shape: Vec<usize>,
    /// Values, row-major over `shape`.
    pub values: Vec<f32>,
}

/// All tensors of one model, decoded to `f32`, addressable by manifest name.
#[derive(Debug, Clone, Default)]
pub struct Weights {
    order: Vec<String>,
    tensors: HashMap<String, WeightTensor>,
}

impl Weights {
    /// Parses a manifest and decodes `data`, the concatenation of every
    /// group's shards in manifest order (SPEC §1.2). The byte count must
    /// match the manifest exactly: a truncated download or the wrong file is
    /// an error, never a silently garbage model.
    pub fn from_bytes(manifest_json: &[u8], data: &[u8]) -> Result<Self> {
        let groups: Vec<ManifestGroup> = serde_json::from_slice(manifest_json)
            .map_err(|e| VisionError::Manifest(e.to_string()))?;
        let entries: Vec<(&ManifestEntry, Storage, usize)> = groups
            .iter()
            .flat_map(|g| g.weights.iter())
            .map(|e| {
                let storage = Storage::of(e)?;
                let n = element_count(e)?;
                let bytes = n.checked_mul(storage.bytes_per_value()).ok_or_else(|| overflow(e))?;
                Ok((e, storage, bytes))
            })
            .collect::<Result<_>>()?;
        let expected = entries
            .iter()
            .try_fold(0usize, |acc, (_, _, b)| acc.checked_add(*b))
            .ok_or_else(|| VisionError::Manifest("total size overflows".into()))?;
        if expected != data.len() {
            return Err(VisionError::WeightSize { expected, actual: data.len() });
        }
        let mut weights = Weights::default();
        let mut offset = 0;
        for (e, storage, bytes) in entries {
            let values = storage.decode(&data[offset..offset + bytes]);
            offset += bytes;
            let t = WeightTensor { shape: e.shape.clone(), values };
            if weights.tensors.insert(e.name.clone(), t).is_some() {
                return Err(VisionError::Manifest(format!("duplicate tensor `{}`", e.name)));
            }
            weights.order.push(e.name.clone());
        }
        Ok(weights)
    }

    /// Tensor names in manifest (= storage) order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }

    /// Number of tensors.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when the manifest listed no tensors.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The tensor called `name`, if any.
    pub fn get(&self, name: &str) -> Option<&WeightTensor> {
        self.tensors.get(name)
    }

    /// The values of `name`, checked to have exactly `shape`.
    pub fn tensor(&self, name: &str, shape: &[usize]) -> Result<&[f32]> {
        let t = self.get(name).ok_or_else(|| VisionError::MissingTensor(name.to_string()))?;
        if t.shape != shape {
            return Err(VisionError::Shape {
                name: name.to_string(),
                expected: shape.to_vec(),
                actual: t.shape.clone(),
            });
        }
        Ok(&t.values)
    }

    /// The shape of `name` (used by layers that infer channel counts).
    pub fn shape(&self, name: &str) -> Result<&[usize]> {
        self.get(name)
            .map(|t| t.shape.as_slice())
            .ok_or_else(|| VisionError::MissingTensor(name.to_string()))
    }
}

fn element_count(e: &ManifestEntry) -> Result<usize> {
    e.shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d)).ok_or_else(|| overflow(e))
}

fn overflow(e: &ManifestEntry) -> VisionError {
    VisionError::Manifest(format!("`{}`: shape {:?} is too large", e.name, e.shape))
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Fails with [`VisionError::Checksum`] unless `sha256(bytes) == expected`.
pub fn verify_sha256(file: &'static str, bytes: &[u8], expected: &'static str) -> Result<()> {
    let actual = sha256_hex(bytes);
    if actual != expected {
        return Err(VisionError::Checksum { file, expected, actual });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"[{"paths":["m.bin"],"weights":[
        {"name":"a","shape":[2],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.5,"min":-1.0}},
        {"name":"b","shape":[1],"dtype":"float32"}]}]"#;

    #[test]
    fn decodes_uint8_then_float32_back_to_back() {
        let mut bin = vec![0u8, 3];
        bin.extend_from_slice(&1.25f32.to_le_bytes());
        let w = Weights::from_bytes(MANIFEST.as_bytes(), &bin).unwrap();
        assert_eq!(w.tensor("a", &[2]).unwrap(), &[-1.0, 0.5]);
        assert_eq!(w.tensor("b", &[1]).unwrap(), &[1.25]);
        assert_eq!(w.names().collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn size_and_shape_errors_are_typed() {
        let short = Weights::from_bytes(MANIFEST.as_bytes(), &[0u8; 5]);
        assert_eq!(short.unwrap_err(), VisionError::WeightSize { expected: 6, actual: 5 });
        let w = Weights::from_bytes(MANIFEST.as_bytes(), &[0u8; 6]).unwrap();
        assert!(matches!(w.tensor("a", &[3]), Err(VisionError::Shape { .. })));
        assert!(matches!(w.tensor("zz", &[1]), Err(VisionError::MissingTensor(_))));
    }

    #[test]
    fn absurd_shapes_do_not_overflow() {
        let m = r#"[{"paths":[],"weights":[{"name":"a","shape":[4294967296,4294967296,4294967296],"dtype":"float32"}]}]"#;
        assert!(matches!(Weights::from_bytes(m.as_bytes(), &[]), Err(VisionError::Manifest(_))));
    }

    #[test]
    fn half_floats_decode_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
    }

    #[test]
    fn sha256_of_empty_input() {
        // Well-known digest of the empty string (FIPS 180-4 test vector).
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
