//! Browser side of calls (feature `hydrate` only): the signaling socket, local media, one
//! perfect-negotiation peer connection per remote participant, and the `Call` that ties them
//! to the UI signals of `hooks::use_call`. Only `js` is also in the face engine's module
//! (feature `engine`).

#[cfg(feature = "hydrate")]
pub mod capture;
#[cfg(feature = "hydrate")]
pub mod driver;
pub mod js;
#[cfg(feature = "hydrate")]
pub mod local;
#[cfg(feature = "hydrate")]
pub mod media;
#[cfg(feature = "hydrate")]
pub mod peer;
#[cfg(feature = "hydrate")]
pub mod socket;
#[cfg(feature = "hydrate")]
pub mod stats;
