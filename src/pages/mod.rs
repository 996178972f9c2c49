//! One module per route.

pub mod history;
pub mod home;
pub mod lab;
pub mod not_found;
pub mod results;
pub mod room;
