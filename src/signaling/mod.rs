//! Signaling: the room registry ([`hub`]) as a pure state machine, and (server only) the thin
//! axum WebSocket loop that feeds it.

pub mod hub;
pub mod limits;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(test)]
mod hub_tests;
