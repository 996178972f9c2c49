//! Call logic that runs in the browser but is plain Rust, tested natively with simulated time:
//! the signaling session (seat, join, resume, reconnect), its backoff, ICE recovery, call
//! quality from getStats, and chat.

pub mod chat;
pub mod ice_recovery;
pub mod quality;
pub mod reconnect;
pub mod report;
pub mod session;
pub mod speaking;
pub mod transfer;
