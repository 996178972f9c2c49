//! Reusable view pieces.

pub mod chat;
pub mod controls;
pub mod devices;
pub mod game_panel;
pub mod host_panel;
pub mod icons;
pub mod local_time;
pub mod media_error;
pub mod people;
pub mod settings;
pub mod stage;
pub mod tile;
pub mod video;
