//! The edge's command-line flags (flattened into [`Flags`](crate::config::Flags)) and the
//! settings they make.

use super::acme::{AcmeSettings, Challenge, LETS_ENCRYPT};
use super::limits::{reserve_for, Caps};
use super::listener::Timeouts;
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Flags for connection caps and timeouts; each has an environment variable twin.
#[derive(Debug, Clone, Args)]
pub struct EdgeFlags {
    /// Open connections (WebSockets included) one client address may hold; more are answered
    /// `503` and closed. IPv6 clients are counted per /64.
    #[arg(long, env = "STRAIGHTFACE_MAX_CONNS_PER_IP", default_value_t = 100)]
    pub max_conns_per_ip: usize,
    /// Open WebSockets one client address may hold (at most --max-conns-per-ip); more are
    /// answered `503` before the upgrade.
    #[arg(long, env = "STRAIGHTFACE_MAX_WEBSOCKETS_PER_IP", default_value_t = 40)]
    pub max_websockets_per_ip: usize,
    /// Open connections in total. Default: the open-file limit (raised to its hard limit at
    /// start) minus a reserve of a tenth (at least 512); WebSockets get half of it unless
    /// --max-websockets says otherwise.
    #[arg(long, env = "STRAIGHTFACE_MAX_CONNS")]
    pub max_conns: Option<usize>,
    /// Open WebSockets in total, at most the connection cap. Default: half of it, so pages
    /// still load when every socket is taken. A node that only carries signaling (its pages
    /// served by another, or cached in front) may give WebSockets nearly all of it.
    #[arg(long, env = "STRAIGHTFACE_MAX_WEBSOCKETS")]
    pub max_websockets: Option<usize>,
    /// Seconds a client has to send its request headers (and an idle keep-alive connection
    /// stays open).
    #[arg(long, env = "STRAIGHTFACE_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a whole request (body included) may take before it is answered `408`.
    #[arg(long, env = "STRAIGHTFACE_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key). The files are reloaded
    /// when they change and on SIGHUP, without a restart.
    #[arg(long, env = "STRAIGHTFACE_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, env = "STRAIGHTFACE_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Seconds between checks of the --tls-cert/--tls-key files for changes.
    #[arg(long, env = "STRAIGHTFACE_TLS_RELOAD_SECS", default_value_t = 10)]
    pub tls_reload_secs: u64,
    /// Serve HTTPS with a certificate for this domain from ACME (Let's Encrypt by default);
    /// repeat for more names. Cached in <data-dir>/acme and renewed before expiry.
    #[arg(
        long = "acme-domain",
        env = "STRAIGHTFACE_ACME_DOMAINS",
        value_delimiter = ',',
        conflicts_with = "tls_cert"
    )]
    pub acme_domains: Vec<String>,
    /// Contact email given to the ACME CA.
    #[arg(long, env = "STRAIGHTFACE_ACME_EMAIL")]
    pub acme_email: Option<String>,
    /// The ACME CA's directory URL.
    #[arg(long, env = "STRAIGHTFACE_ACME_DIRECTORY", default_value = LETS_ENCRYPT)]
    pub acme_directory: String,
    /// PEM root certificate(s) to trust for the ACME CA's own HTTPS API instead of the public
    /// roots (for a test CA such as pebble).
    #[arg(long, env = "STRAIGHTFACE_ACME_CA_ROOT")]
    pub acme_ca_root: Option<PathBuf>,
    /// How the ACME CA checks the domain: tls-alpn-01 (on the HTTPS port) or http-01 (on
    /// --http-bind, which must then be port 80 as the CA sees it).
    #[arg(long, env = "STRAIGHTFACE_ACME_CHALLENGE", value_enum, default_value = "tls-alpn-01")]
    pub acme_challenge: Challenge,
    /// Also listen for cleartext HTTP here, e.g. 0.0.0.0:80: every request is redirected (308)
    /// to the same path on the https public URL, except ACME HTTP-01 tokens. Needs HTTPS.
    #[arg(long, env = "STRAIGHTFACE_HTTP_BIND")]
    pub http_bind: Option<SocketAddr>,
}

/// Where the HTTPS certificate comes from.
#[derive(Clone, Debug)]
pub enum TlsSource {
    /// PEM files, reloaded on change.
    Files {
        /// Certificate chain.
        cert: PathBuf,
        /// Private key.
        key: PathBuf,
        /// How often to look for changes.
        reload_every: Duration,
    },
    /// An ACME CA.
    Acme(AcmeSettings),
}

/// A contradiction among the edge flags.
#[derive(Debug, thiserror::Error)]
pub enum EdgeFlagsError {
    /// --http-bind only redirects to HTTPS.
    #[error("--http-bind needs HTTPS (--tls-cert/--tls-key or --acme-domain)")]
    HttpWithoutTls,
    /// HTTP-01 is answered on --http-bind.
    #[error("--acme-challenge http-01 needs --http-bind")]
    Http01WithoutHttp,
    /// ACME options without a domain.
    #[error("--acme-email/--acme-ca-root/--acme-challenge need --acme-domain")]
    AcmeWithoutDomain,
}

/// What the edge runs with.
#[derive(Clone, Debug)]
pub struct EdgeSettings {
    /// Per-address caps (total caps are derived at start, from the file limit).
    pub max_conns_per_ip: usize,
    /// See [`EdgeFlags::max_websockets_per_ip`].
    pub max_websockets_per_ip: usize,
    /// See [`EdgeFlags::max_conns`].
    pub max_conns: Option<usize>,
    /// See [`EdgeFlags::max_websockets`].
    pub max_websockets: Option<usize>,
    /// Header and request timeouts.
    pub timeouts: Timeouts,
    /// HTTPS, if on.
    pub tls: Option<TlsSource>,
    /// The cleartext redirect listener.
    pub http_bind: Option<SocketAddr>,
}

impl EdgeSettings {
    /// Settings from the flags (a zero timeout or cap is raised to 1).
    pub fn from_flags(flags: EdgeFlags) -> Result<Self, EdgeFlagsError> {
        let tls = tls_source(&flags)?;
        if flags.http_bind.is_some() && tls.is_none() {
            return Err(EdgeFlagsError::HttpWithoutTls);
        }
        if flags.acme_challenge == Challenge::Http01 && flags.http_bind.is_none() {
            return Err(EdgeFlagsError::Http01WithoutHttp);
        }
        Ok(Self {
            max_conns_per_ip: flags.max_conns_per_ip.max(1),
            max_websockets_per_ip: flags.max_websockets_per_ip.max(1),
            max_conns: flags.max_conns.map(|n| n.max(1)),
            max_websockets: flags.max_websockets.map(|n| n.max(1)),
            timeouts: Timeouts {
                header: Duration::from_secs(flags.header_timeout.max(1)),
                request: Duration::from_secs(flags.request_timeout.max(1)),
                ..Timeouts::default()
            },
            tls,
            http_bind: flags.http_bind,
        })
    }

    /// The public URL when --public-url is not given: `https://` and the first ACME domain
    /// (or the listen address) when serving HTTPS.
    pub fn default_public_url(&self, bind: SocketAddr) -> String {
        match &self.tls {
            None => format!("http://{bind}"),
            Some(TlsSource::Acme(acme)) if bind.port() == 443 => {
                format!("https://{}", acme.domains[0])
            }
            Some(TlsSource::Acme(acme)) => format!("https://{}:{}", acme.domains[0], bind.port()),
            Some(TlsSource::Files { .. }) => format!("https://{bind}"),
        }
    }

    /// The caps for a process allowed `file_handles` open files: --max-conns if given, but
    /// never more than the file limit leaves after its reserve; --max-websockets (default half
    /// of that) but never more than the connections.
    pub fn caps(&self, file_handles: u64) -> Caps {
        let derived = Caps::derive(
            self.max_conns_per_ip,
            self.max_websockets_per_ip,
            file_handles,
            reserve_for(file_handles),
        );
        let conns_total =
            self.max_conns.map_or(derived.conns_total, |n| n.min(derived.conns_total));
        let websockets_total = self.max_websockets.unwrap_or(conns_total / 2).clamp(1, conns_total);
        Caps { conns_total, websockets_total, ..derived }
    }
}

fn tls_source(flags: &EdgeFlags) -> Result<Option<TlsSource>, EdgeFlagsError> {
    let domains: Vec<String> =
        flags.acme_domains.iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
    if let (Some(cert), Some(key)) = (&flags.tls_cert, &flags.tls_key) {
        return Ok(Some(TlsSource::Files {
            cert: cert.clone(),
            key: key.clone(),
            reload_every: Duration::from_secs(flags.tls_reload_secs.max(1)),
        }));
    }
    if domains.is_empty() {
        let acme_flags = flags.acme_email.is_some() || flags.acme_ca_root.is_some();
        return if acme_flags { Err(EdgeFlagsError::AcmeWithoutDomain) } else { Ok(None) };
    }
    Ok(Some(TlsSource::Acme(AcmeSettings {
        domains,
        email: flags.acme_email.clone(),
        directory: flags.acme_directory.clone(),
        ca_root: flags.acme_ca_root.clone(),
        challenge: flags.acme_challenge,
    })))
}

/// Raises the soft open-file limit to the hard limit and returns the limit now in force.
pub fn raise_file_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read or raise the open-file limit; assuming 1024");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft).unwrap_or(1024)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Test {
        #[command(flatten)]
        edge: EdgeFlags,
    }

    fn settings(args: &[&str]) -> EdgeSettings {
        let flags = Test::try_parse_from(std::iter::once("t").chain(args.iter().copied())).unwrap();
        EdgeSettings::from_flags(flags.edge).unwrap()
    }

    #[test]
    fn defaults_leave_room_for_pages_beside_websockets() {
        let caps = settings(&[]).caps(20_000);
        assert_eq!((caps.conns_per_client, caps.websockets_per_client), (100, 40));
        assert_eq!((caps.conns_total, caps.websockets_total), (18_000, 9_000));
    }

    #[test]
    fn max_conns_can_only_lower_the_derived_total() {
        let caps = settings(&["--max-conns", "50"]).caps(20_000);
        assert_eq!((caps.conns_total, caps.websockets_total), (50, 25));
        assert_eq!(settings(&["--max-conns", "99999"]).caps(20_000).conns_total, 18_000);
    }

    #[test]
    fn max_websockets_may_take_every_connection_but_no_more() {
        let caps = |args: &[&str]| {
            let caps = settings(args).caps(20_000);
            (caps.conns_total, caps.websockets_total)
        };
        assert_eq!(caps(&["--max-websockets", "17000"]), (18_000, 17_000));
        assert_eq!(caps(&["--max-websockets", "1000000"]), (18_000, 18_000));
        assert_eq!(caps(&["--max-websockets", "100", "--max-conns", "50"]), (50, 50));
        assert_eq!(caps(&["--max-websockets", "10"]), (18_000, 10));
        assert_eq!(caps(&["--max-websockets", "0"]), (18_000, 1));
    }

    #[test]
    fn https_flags_choose_the_certificate_source_and_public_url() {
        let bind: SocketAddr = "0.0.0.0:443".parse().unwrap();
        assert_eq!(settings(&[]).default_public_url(bind), "http://0.0.0.0:443");
        let files = settings(&["--tls-cert", "c.pem", "--tls-key", "k.pem"]);
        assert!(matches!(files.tls, Some(TlsSource::Files { .. })));
        let acme = settings(&["--acme-domain", "a.example,b.example", "--http-bind", "0.0.0.0:80"]);
        match &acme.tls {
            Some(TlsSource::Acme(a)) => {
                assert_eq!(a.domains, ["a.example", "b.example"]);
                assert_eq!(a.directory, LETS_ENCRYPT);
                assert_eq!(a.challenge, Challenge::TlsAlpn01);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(acme.default_public_url(bind), "https://a.example");
        assert_eq!(acme.default_public_url("[::]:8443".parse().unwrap()), "https://a.example:8443");
    }

    #[test]
    fn contradictory_https_flags_are_refused() {
        let parse = |args: &[&str]| {
            let all = std::iter::once("t").chain(args.iter().copied());
            Test::try_parse_from(all).map(|t| EdgeSettings::from_flags(t.edge))
        };
        assert!(parse(&["--tls-cert", "c.pem"]).is_err(), "a cert needs its key");
        assert!(
            parse(&["--tls-cert", "c", "--tls-key", "k", "--acme-domain", "a.example"]).is_err()
        );
        assert!(matches!(
            parse(&["--http-bind", "0.0.0.0:80"]),
            Ok(Err(EdgeFlagsError::HttpWithoutTls))
        ));
        let http01 = parse(&["--acme-domain", "a.example", "--acme-challenge", "http-01"]);
        assert!(matches!(http01, Ok(Err(EdgeFlagsError::Http01WithoutHttp))));
        let stray = parse(&["--acme-email", "me@example.com"]);
        assert!(matches!(stray, Ok(Err(EdgeFlagsError::AcmeWithoutDomain))));
    }
}
