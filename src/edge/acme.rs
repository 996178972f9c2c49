//! Certificates from an ACME CA (Let's Encrypt by default) with rustls-acme: the account and
//! certificate are cached in the data folder, a cached certificate is served at once on
//! restart, and a new one is ordered when two thirds of the old one's life have passed (with
//! exponential back-off on failures, capped).
//!
//! Why rustls-acme rather than instant-acme: it is built on the same rustls as our listener and
//! does the whole life cycle (account, order, TLS-ALPN-01 or HTTP-01 answer, cache, renewal)
//! behind one certificate resolver, where instant-acme is only the protocol client and would
//! leave caching, expiry parsing and the renewal timer to us. TLS-ALPN-01 (the default) needs
//! nothing but the HTTPS port; HTTP-01 answers on `--http-bind`.

use super::tls::provider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use rustls_acme::caches::DirCache;
use rustls_acme::{AcmeConfig, ResolvesServerCertAcme, UseChallenge};
use std::path::PathBuf;
use std::sync::Arc;

/// Let's Encrypt's production directory.
pub const LETS_ENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";

/// Which ACME challenge proves control of the domains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Challenge {
    /// A special TLS handshake on the HTTPS port itself.
    #[value(name = "tls-alpn-01")]
    TlsAlpn01,
    /// A token under `/.well-known/acme-challenge/` on `--http-bind` (port 80).
    #[value(name = "http-01")]
    Http01,
}

/// What to ask the CA for.
#[derive(Clone, Debug)]
pub struct AcmeSettings {
    /// Names the certificate covers.
    pub domains: Vec<String>,
    /// Contact address for the CA (expiry warnings).
    pub email: Option<String>,
    /// The CA's directory URL.
    pub directory: String,
    /// A PEM root that the CA's own HTTPS API is signed with, when it is not a public one
    /// (a test CA such as pebble).
    pub ca_root: Option<PathBuf>,
    /// Which challenge to answer.
    pub challenge: Challenge,
}

/// Why ACME could not start.
#[derive(Debug, thiserror::Error)]
pub enum AcmeError {
    /// The --acme-ca-root file does not hold a usable certificate.
    #[error("--acme-ca-root {0}: {1}")]
    CaRoot(PathBuf, String),
    /// rustls refused the client settings.
    #[error("TLS client settings: {0}")]
    Client(#[from] rustls::Error),
}

/// A running ACME client: the resolver serving its certificate, the configuration for TLS-ALPN
/// validation handshakes, and the resolver holding HTTP-01 tokens.
pub struct Acme {
    /// Serves the current certificate (none until the first one is issued or loaded).
    pub resolver: Arc<ResolvesServerCertAcme>,
    /// For validation handshakes (TLS-ALPN-01).
    pub challenge: Arc<ServerConfig>,
}

/// Starts ordering (or loading from `cache`) the certificate in a background task.
pub fn start(settings: &AcmeSettings, cache: PathBuf) -> Result<Acme, AcmeError> {
    let config = AcmeConfig::new_with_client_config(&settings.domains, client(settings)?)
        .contact(settings.email.iter().map(|e| format!("mailto:{e}")))
        .directory(&settings.directory)
        .challenge_type(match settings.challenge {
            Challenge::TlsAlpn01 => UseChallenge::TlsAlpn01,
            Challenge::Http01 => UseChallenge::Http01,
        })
        .cache(DirCache::new(cache));
    let mut state = config.state();
    let acme = Acme {
        resolver: state.resolver(),
        challenge: state.challenge_rustls_config_with_provider(provider()),
    };
    let domains = settings.domains.join(",");
    tokio::spawn(async move {
        use futures::StreamExt;
        while let Some(event) = state.next().await {
            match event {
                Ok(ok) => tracing::info!(%domains, event = ?ok, "ACME"),
                Err(e) => {
                    tracing::warn!(%domains, error = %e, "ACME failed; retrying with back-off")
                }
            }
        }
    });
    Ok(acme)
}

/// The HTTPS client for the CA's API: public roots, or only `ca_root` when given.
fn client(settings: &AcmeSettings) -> Result<Arc<ClientConfig>, AcmeError> {
    let mut roots = RootCertStore::empty();
    match &settings.ca_root {
        Some(path) => {
            let bad = |e: String| AcmeError::CaRoot(path.clone(), e);
            for cert in CertificateDer::pem_file_iter(path).map_err(|e| bad(e.to_string()))? {
                roots.add(cert.map_err(|e| bad(e.to_string()))?).map_err(|e| bad(e.to_string()))?;
            }
            if roots.is_empty() {
                return Err(bad("no CERTIFICATE in the file".into()));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
