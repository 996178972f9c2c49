//! Browser side of calls (feature `hydrate` only): the signaling socket, local media, one
//! perfect-negotiation peer connection per remote participant, and the `Call` that ties them
//! to the UI signals of `hooks::use_call`.

pub mod call;
pub mod game;
pub mod js;
pub mod media;
pub mod peer;
pub mod socket;
pub mod stats;
