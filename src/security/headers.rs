//! Security headers on every response (OWASP Secure Headers; CSP Level 3).
//!
//! Pages get a Content-Security-Policy whose only inline script is Leptos's hydration script,
//! allowed by a per-response nonce (`shell()` sets it, see [`page_csp`]); WebAssembly may be
//! compiled (`'wasm-unsafe-eval'`), nothing may frame us, and a room link, which is a secret,
//! never leaks in a `Referer`. Every other response (files, the worker script, APIs) gets the
//! same policy without the nonce, so the face-reading worker runs under it too.

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// Directives shared by pages and other responses, with extra script and connect sources.
fn policy(script_extra: &str, connect_extra: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{script_extra}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'{connect_extra}; worker-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of a server-rendered page whose inline scripts carry `nonce`. `dev_reload` is
/// cargo-leptos's live-reload port in development (its socket is on another port).
pub fn page_csp(nonce: &str, dev_reload: Option<u32>) -> String {
    let connect =
        dev_reload.map(|p| format!(" ws://127.0.0.1:{p} ws://localhost:{p}")).unwrap_or_default();
    policy(&format!(" 'nonce-{nonce}'"), &connect)
}

/// The headers every response carries unless its handler set its own.
#[derive(Clone, Debug)]
pub struct SecurityHeaders {
    fixed: Vec<(HeaderName, HeaderValue)>,
}

impl SecurityHeaders {
    /// `https`: the site is served over HTTPS, so browsers are told to keep to it (HSTS).
    pub fn new(https: bool) -> Self {
        let mut fixed = vec![
            (header::CONTENT_SECURITY_POLICY, policy("", "")),
            (header::X_FRAME_OPTIONS, "DENY".into()),
            (header::REFERRER_POLICY, "no-referrer".into()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
            (HeaderName::from_static("permissions-policy"), PERMISSIONS.into()),
            (HeaderName::from_static("cross-origin-opener-policy"), "same-origin".into()),
            (HeaderName::from_static("cross-origin-resource-policy"), "same-origin".into()),
        ];
        if https {
            fixed.push((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000".into()));
        }
        let fixed = fixed
            .into_iter()
            .filter_map(|(name, value)| Some((name, HeaderValue::from_str(&value).ok()?)))
            .collect();
        Self { fixed }
    }

    /// Adds each header `headers` does not have yet.
    pub fn apply(&self, headers: &mut HeaderMap) {
        for (name, value) in &self.fixed {
            if !headers.contains_key(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
    }
}

/// Camera, microphone and screen capture for our own pages only; nothing else a call needs.
const PERMISSIONS: &str = "camera=(self), microphone=(self), display-capture=(self), \
     fullscreen=(self), geolocation=(), payment=(), usb=()";

/// The axum middleware that applies [`SecurityHeaders`] to every response.
pub async fn add_security_headers(
    State(headers): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    headers.apply(response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_policy_allows_its_nonce_and_wasm_and_nothing_inline_else() {
        let csp = page_csp("abc123", None);
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-abc123';"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("object-src 'none'"));
        let script = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(!script.contains("'unsafe-inline'") && !script.contains(" 'unsafe-eval'"));
        assert!(!csp.contains("ws://"));
        assert!(page_csp("n", Some(3001)).contains("connect-src 'self' ws://127.0.0.1:3001"));
    }

    #[test]
    fn headers_are_added_without_overriding_a_handlers_own() {
        let mut map = HeaderMap::new();
        map.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("page"));
        SecurityHeaders::new(false).apply(&mut map);
        assert_eq!(map[header::CONTENT_SECURITY_POLICY], "page");
        assert_eq!(map[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(map[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(map[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(map["cross-origin-opener-policy"], "same-origin");
        assert!(map["permissions-policy"].to_str().unwrap().contains("camera=(self)"));
        assert!(!map.contains_key(header::STRICT_TRANSPORT_SECURITY));
    }

    #[test]
    fn hsts_only_over_https() {
        let mut map = HeaderMap::new();
        SecurityHeaders::new(true).apply(&mut map);
        assert_eq!(map[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000");
    }
}
