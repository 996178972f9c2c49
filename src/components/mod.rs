//! Reusable view pieces.

pub mod media_error;
pub mod tile;
pub mod video;
