//! The cleartext side of an HTTPS server (`--http-bind`, usually port 80): a permanent redirect
//! to the same path on the public https URL, and the ACME HTTP-01 token when one is pending.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rustls_acme::ResolvesServerCertAcme;
use std::sync::Arc;

#[derive(Clone)]
struct Redirect {
    public_url: Arc<str>,
    acme: Option<Arc<ResolvesServerCertAcme>>,
}

/// The router for `--http-bind`: `308` to `public_url` + path, except ACME tokens.
pub fn router(public_url: &str, acme: Option<Arc<ResolvesServerCertAcme>>) -> Router {
    let state = Redirect { public_url: public_url.trim_end_matches('/').into(), acme };
    Router::new()
        .route("/.well-known/acme-challenge/{token}", get(challenge))
        .fallback(redirect)
        .with_state(state)
}

/// `308 Permanent Redirect` keeps the method and body, unlike 301.
async fn redirect(State(state): State<Redirect>, uri: Uri) -> Response {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let location = format!("{}{path}", state.public_url);
    (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response()
}

/// RFC 8555 §8.3: the key authorization, as text, for the pending token.
async fn challenge(State(state): State<Redirect>, Path(token): Path<String>, uri: Uri) -> Response {
    let key_auth = state.acme.as_ref().and_then(|acme| acme.get_http_01_key_auth(&token));
    match key_auth {
        Some(key_auth) => ([(header::CONTENT_TYPE, "text/plain")], key_auth).into_response(),
        None => redirect(State(state), uri).await,
    }
}
