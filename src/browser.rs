//! Which browser a request comes from: a random 128-bit id in a cookie, so that a finished game
//! can be listed for the browsers that played it and nobody else (server only).
//!
//! The id is not an account and proves nothing but "this is the browser that got this cookie":
//! it is set on the first response to a browser that has none, kept a year, never readable by
//! scripts (`HttpOnly`) and not sent on cross-site subrequests (`SameSite=Lax`). Handlers read
//! it from the request's extensions ([`BrowserId::of`]); it is never sent back in a body.

use crate::protocol::PeerId;
use axum::extract::{Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;
use std::collections::BTreeMap;
use std::fmt;

/// The cookie's name.
pub const COOKIE_NAME: &str = "sf_browser";
/// How long the cookie lives: one year, in seconds.
const MAX_AGE_SECS: u64 = 365 * 24 * 3600;

/// A browser's random id: 128 bits, written as 32 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BrowserId([u8; 16]);

impl BrowserId {
    /// A fresh id from the OS generator.
    pub fn random() -> Self {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Parses the 32 hex digits of a cookie value; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 32 || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Self(bytes))
    }

    /// The id the cookie layer attached to this request (`None` outside the layer).
    pub fn of(extensions: &axum::http::Extensions) -> Option<Self> {
        extensions.get::<Self>().copied()
    }
}

impl fmt::Display for BrowserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Never printed in logs in full: the id is a bearer of a browser's history.
impl fmt::Debug for BrowserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BrowserId({:02x}{:02x}…)", self.0[0], self.0[1])
    }
}

/// Which browser played each seat of a finished game, and which was its host when it ended:
/// saved with the game, never shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Owners {
    /// The host's browser (`None`: unknown, nobody may publish).
    pub host: Option<BrowserId>,
    /// Each seat's browser (seats without one are listed for nobody).
    pub players: BTreeMap<PeerId, BrowserId>,
}

/// The browser id in a `Cookie` request header, if a valid one is there.
pub fn from_cookie_header(headers: &axum::http::HeaderMap) -> Option<BrowserId> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .and_then(|(_, value)| BrowserId::parse(value.trim()))
}

/// The `Set-Cookie` value for `id`; `secure` when the public URL is https.
pub fn set_cookie_value(id: BrowserId, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={id}; Path=/; Max-Age={MAX_AGE_SECS}; HttpOnly; SameSite=Lax{secure}")
}

/// Middleware: attaches the request's [`BrowserId`] to its extensions, and when the browser had
/// none (or a malformed one), makes one and sets the cookie on the response. The state says
/// whether the cookie is `Secure`.
pub async fn browser_cookie(State(secure): State<bool>, mut req: Request, next: Next) -> Response {
    let known = from_cookie_header(req.headers());
    let id = known.unwrap_or_else(BrowserId::random);
    req.extensions_mut().insert(id);
    let mut response = next.run(req).await;
    if known.is_none() {
        if let Ok(value) = HeaderValue::from_str(&set_cookie_value(id, secure)) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    #[test]
    fn ids_print_and_parse_back() {
        let id = BrowserId::random();
        let text = id.to_string();
        assert_eq!(text.len(), 32);
        assert_eq!(BrowserId::parse(&text), Some(id));
        assert_ne!(BrowserId::random(), id);
        assert!(!format!("{id:?}").contains(&text), "Debug does not print the id");
    }

    #[test]
    fn malformed_values_are_refused() {
        for bad in ["", "abc", &"g".repeat(32), &"A".repeat(32), &"0".repeat(33), "é"] {
            assert_eq!(BrowserId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let id = BrowserId::random();
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, "lang=ko; other=1".parse().unwrap());
        assert_eq!(from_cookie_header(&headers), None);
        headers.append(COOKIE, format!("x=y; {COOKIE_NAME}={id}").parse().unwrap());
        assert_eq!(from_cookie_header(&headers), Some(id));
    }

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_on_https() {
        let id = BrowserId::random();
        let plain = set_cookie_value(id, false);
        assert!(plain.starts_with(&format!("{COOKIE_NAME}={id}; Path=/; Max-Age=31536000")));
        assert!(plain.contains("; HttpOnly") && plain.contains("; SameSite=Lax"));
        assert!(!plain.contains("Secure"));
        assert!(set_cookie_value(id, true).ends_with("; Secure"));
    }
}
