//! Reusable view pieces.

pub mod chat;
pub mod devices;
pub mod game_panel;
pub mod host_panel;
pub mod media_error;
pub mod tile;
pub mod video;
