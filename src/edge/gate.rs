//! What the accept loop tells each request about its connection, and the WebSocket permit
//! handlers take from it.

use super::limits::{Limits, Permit};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// Put in every request's extensions by [`serve`](super::serve): the peer address and the
/// shared limits.
#[derive(Clone, Debug)]
pub struct ClientInfo {
    /// The TCP peer.
    pub addr: SocketAddr,
    /// The server's connection and WebSocket caps.
    pub limits: Limits,
}

/// A WebSocket slot for this request's client, taken before the upgrade; keep it alive in the
/// socket's task so the slot is given back when the socket ends.
///
/// As an extractor it refuses with `503 Service Unavailable` when the client (or the server)
/// holds as many WebSockets as allowed. A request that did not come through the edge (a test
/// serving the router directly) gets an empty permit: there is nothing to count against.
#[derive(Debug)]
pub struct WsPermit {
    _slot: Option<Permit>,
}

impl<S: Send + Sync> FromRequestParts<S> for WsPermit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(info) = parts.extensions.get::<ClientInfo>() else {
            return Ok(Self { _slot: None });
        };
        match info.limits.try_websocket(info.addr.ip()) {
            Some(permit) => Ok(Self { _slot: Some(permit) }),
            None => Err(busy("too many WebSockets from this address")),
        }
    }
}

/// Seconds a refused client is asked to wait (`Retry-After`).
pub const RETRY_AFTER_SECS: &str = "10";

/// A short `503` that asks the client to come back later and not to reuse the connection.
pub fn busy(why: &'static str) -> Response {
    let headers = [(header::RETRY_AFTER, RETRY_AFTER_SECS), (header::CONNECTION, "close")];
    (StatusCode::SERVICE_UNAVAILABLE, headers, why).into_response()
}
