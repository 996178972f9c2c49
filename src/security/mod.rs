//! What the server does for every stranger on the internet, apart from signaling's own rules:
//! which pages may open the signaling socket ([`origin`]) and the security headers on every
//! response ([`headers`]). Both are plain functions of the configuration, tested natively; the
//! router applies them (server only).

pub mod headers;
pub mod origin;
