//! Which web pages may open the signaling WebSocket.
//!
//! A browser sends the page's origin with every WebSocket handshake (RFC 6455 §4.1, item 8;
//! RFC 6454), and a WebSocket is not covered by the same-origin policy, so without this check any
//! page on the internet could seat its visitors in our rooms with their cameras. Allowed: the
//! public URL's origin, every `--allowed-origin`, and, when the server listens on loopback or
//! on every interface, `localhost`/`127.0.0.1`/`[::1]` on its own port (a developer's browser).
//! `null` (sandboxed frames, `file:` pages) is refused. A request without `Origin` cannot come
//! from a browser page (browsers always send it), so it is not a cross-site request and is let
//! through; non-browser clients can claim any origin anyway.

use std::net::SocketAddr;

/// The set of origins allowed to open the signaling socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginPolicy {
    allowed: Vec<String>,
}

impl OriginPolicy {
    /// The public URL's origin, the extra origins, and loopback aliases of `bind`'s port.
    /// Entries that are not `scheme://host[:port]` URLs are ignored (config validates them).
    pub fn new(public_url: &str, extra: &[String], bind: SocketAddr) -> Self {
        let mut allowed: Vec<String> = std::iter::once(public_url)
            .chain(extra.iter().map(String::as_str))
            .filter_map(normalize)
            .collect();
        let ip = bind.ip();
        if ip.is_loopback() || ip.is_unspecified() {
            let port = bind.port();
            for host in ["localhost", "127.0.0.1", "[::1]"] {
                allowed.extend(normalize(&format!("http://{host}:{port}")));
            }
        }
        allowed.sort();
        allowed.dedup();
        Self { allowed }
    }

    /// Whether a handshake with this `Origin` header value (absent: `None`) may go on.
    pub fn allows(&self, origin: Option<&str>) -> bool {
        match origin {
            None => true,
            Some(origin) => normalize(origin).is_some_and(|o| self.allowed.contains(&o)),
        }
    }

    /// The allowed origins, normalised (for logs and the startup message).
    pub fn allowed(&self) -> &[String] {
        &self.allowed
    }
}

/// `scheme://host[:port]` in lower case without a default port, from an origin or a URL (a path
/// is dropped); `None` for anything else, `null` included.
pub fn normalize(url: &str) -> Option<String> {
    let url = url.trim().to_ascii_lowercase();
    let (scheme, rest) = url.split_once("://")?;
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.strip_suffix(default_port).unwrap_or(authority);
    Some(format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(public: &str, extra: &[&str], bind: &str) -> OriginPolicy {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        OriginPolicy::new(public, &extra, bind.parse().unwrap())
    }

    #[test]
    fn the_public_origin_is_allowed_and_strangers_are_not() {
        let p = policy("https://meet.example.com", &[], "10.0.0.5:3000");
        assert!(p.allows(Some("https://meet.example.com")));
        assert!(p.allows(Some("HTTPS://Meet.Example.com:443")));
        assert!(!p.allows(Some("https://evil.example")));
        assert!(!p.allows(Some("http://meet.example.com")), "the scheme is part of the origin");
        assert!(!p.allows(Some("https://meet.example.com.evil.example")));
        assert!(!p.allows(Some("https://meet.example.com:8443")));
        assert!(!p.allows(Some("null")));
        assert!(!p.allows(Some("")));
        assert!(!p.allows(Some("http://localhost:3000")), "not listening on loopback");
    }

    #[test]
    fn extra_origins_are_added() {
        let p = policy("https://meet.example.com/", &["https://other.example/"], "10.0.0.5:3000");
        assert!(p.allows(Some("https://other.example")));
        assert_eq!(p.allowed(), ["https://meet.example.com", "https://other.example"]);
    }

    #[test]
    fn loopback_servers_allow_their_local_names_on_their_port() {
        let p = policy("http://127.0.0.1:3000", &[], "127.0.0.1:3000");
        for ok in ["http://127.0.0.1:3000", "http://localhost:3000", "http://[::1]:3000"] {
            assert!(p.allows(Some(ok)), "{ok}");
        }
        assert!(!p.allows(Some("http://localhost:3001")));
        assert!(!p.allows(Some("http://evil.localhost:3000")));
        let any = policy("https://meet.example.com", &[], "0.0.0.0:8080");
        assert!(any.allows(Some("http://localhost:8080")));
    }

    #[test]
    fn a_request_without_origin_is_not_from_a_page() {
        assert!(policy("https://meet.example.com", &[], "10.0.0.5:1").allows(None));
    }

    #[test]
    fn normalize_keeps_only_scheme_host_and_port() {
        assert_eq!(normalize("https://a.example:443/x?y"), Some("https://a.example".into()));
        assert_eq!(normalize("http://a.example:8080"), Some("http://a.example:8080".into()));
        assert_eq!(normalize("http://user@a.example"), None);
        assert_eq!(normalize("ftp://a.example"), None);
        assert_eq!(normalize("null"), None);
    }
}
