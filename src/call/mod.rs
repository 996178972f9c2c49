//! Call logic that runs in the browser but is plain Rust, tested natively with simulated time:
//! signaling reconnect backoff, ICE recovery, and call quality from getStats.

pub mod ice_recovery;
pub mod quality;
pub mod reconnect;
