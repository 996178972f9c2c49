//! One module per route.

pub mod home;
pub mod lab;
pub mod not_found;
pub mod room;
