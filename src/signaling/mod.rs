//! Signaling: the room registry ([`hub`]) as a pure state machine, and (server only) the thin
//! axum WebSocket loop that feeds it; with Redis, several nodes share the rooms ([`cluster`]).

#[cfg(feature = "ssr")]
pub mod cluster;
#[cfg(feature = "ssr")]
pub mod hub;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod metrics;

#[cfg(feature = "ssr")]
pub mod ice;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod ticket;
#[cfg(feature = "ssr")]
pub mod turn;
#[cfg(feature = "ssr")]
pub mod upload;
#[cfg(feature = "ssr")]
pub mod wire;

#[cfg(all(test, feature = "ssr"))]
mod hub_admission_tests;
#[cfg(all(test, feature = "ssr"))]
mod hub_game_tests;
#[cfg(all(test, feature = "ssr"))]
mod hub_social_tests;
#[cfg(all(test, feature = "ssr"))]
mod hub_tests;
#[cfg(all(test, feature = "ssr"))]
mod persist_tests;
