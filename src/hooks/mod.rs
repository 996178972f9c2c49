//! Hooks: browser features exposed to components as signals and callbacks.

pub mod use_call;
pub mod use_face_reader;
pub mod use_own_face;
pub mod use_size;
pub mod use_speaking;
