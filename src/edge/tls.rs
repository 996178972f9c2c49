//! HTTPS: rustls (ring) over the same accept loop. The certificate comes from PEM files that
//! are reloaded when they change or on SIGHUP ([`FileCerts`]), or from ACME (`super::acme`);
//! either way rustls asks a resolver for it on every handshake, so a new certificate is served
//! from the next connection on, without a restart.

use super::listener::Handshake;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{Acceptor, ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::ServerConfig;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;
use tokio_rustls::LazyConfigAcceptor;

/// Why a certificate could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file is missing, unreadable or holds nothing usable.
    #[error("{path}: {reason}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The key is not one rustls can sign with, or does not belong to the certificate.
    #[error("the key does not fit the certificate: {0}")]
    Key(rustls::Error),
}

/// The crypto provider everything TLS here uses.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Reads a certificate chain and its private key from PEM files.
pub fn load_pem(cert: &Path, key: &Path) -> Result<CertifiedKey, TlsError> {
    let pem = |path: &Path, reason: String| TlsError::Pem { path: path.to_owned(), reason };
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| pem(cert, e.to_string()))?;
    if chain.is_empty() {
        return Err(pem(cert, "no CERTIFICATE in the file".into()));
    }
    let der = PrivateKeyDer::from_pem_file(key).map_err(|e| pem(key, e.to_string()))?;
    CertifiedKey::from_der(chain, der, &provider()).map_err(TlsError::Key)
}

/// What identifies one version of the files: their modification times and sizes.
type Stamp = [(Option<SystemTime>, u64); 2];

fn stamp(cert: &Path, key: &Path) -> Stamp {
    let of = |p: &Path| match std::fs::metadata(p) {
        Ok(m) => (m.modified().ok(), m.len()),
        Err(_) => (None, 0),
    };
    [of(cert), of(key)]
}

/// A certificate served from `--tls-cert`/`--tls-key`, swapped whole when the files change.
#[derive(Debug)]
pub struct FileCerts {
    cert: PathBuf,
    key: PathBuf,
    current: RwLock<Arc<CertifiedKey>>,
    loaded: Mutex<Stamp>,
}

impl FileCerts {
    /// Loads the files now; an error here stops the server from starting.
    pub fn load(cert: &Path, key: &Path) -> Result<Arc<Self>, TlsError> {
        let loaded = stamp(cert, key);
        let current = load_pem(cert, key)?;
        Ok(Arc::new(Self {
            cert: cert.to_owned(),
            key: key.to_owned(),
            current: RwLock::new(Arc::new(current)),
            loaded: Mutex::new(loaded),
        }))
    }

    /// Loads the files again if they changed since the last load (or always, if `force`).
    /// A pair that does not load (say, the certificate is written but the key not yet) keeps
    /// the old certificate in service and is tried again next time. `Ok(true)`: swapped.
    pub fn reload(&self, force: bool) -> Result<bool, TlsError> {
        let now = stamp(&self.cert, &self.key);
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if !force && *loaded == now {
            return Ok(false);
        }
        let fresh = load_pem(&self.cert, &self.key)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(fresh);
        *loaded = now;
        Ok(true)
    }

    /// Reloads every `every` if the files changed, and at once on SIGHUP, for as long as the
    /// process runs.
    pub fn watch(self: Arc<Self>, every: Duration) {
        let mut hangup = hangups();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                let force = tokio::select! {
                    _ = tick.tick() => false,
                    Some(()) = hangup.recv() => true,
                };
                match self.reload(force) {
                    Ok(true) => tracing::info!(cert = %self.cert.display(), "certificate reloaded"),
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "certificate files not reloaded"),
                }
            }
        });
    }
}

impl ResolvesServerCert for FileCerts {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.read().unwrap_or_else(|p| p.into_inner()).clone())
    }
}

/// SIGHUPs as a channel (never yields where there are no signals). The handler is installed
/// before this returns, so a SIGHUP sent after the server started cannot kill the process.
fn hangups() -> tokio::sync::mpsc::Receiver<()> {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::hangup()) {
            Ok(mut hup) => {
                tokio::spawn(async move {
                    while hup.recv().await.is_some() {
                        let _ = tx.try_send(());
                    }
                });
            }
            Err(e) => tracing::warn!(error = %e, "no SIGHUP reload: cannot install the handler"),
        }
    }
    #[cfg(not(unix))]
    drop(tx);
    rx
}

/// A rustls server configuration that asks `resolver` for the certificate on every handshake
/// and offers HTTP/1.1 only (see `listener` for why not HTTP/2).
pub fn server_config(
    resolver: Arc<dyn ResolvesServerCert>,
) -> Result<Arc<ServerConfig>, rustls::Error> {
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The TLS handshake for the accept loop. With ACME's TLS-ALPN-01, the CA's validation
/// handshakes (ALPN `acme-tls/1`) are answered with the challenge certificate and closed.
#[derive(Clone, Debug)]
pub struct Tls {
    /// For every ordinary connection.
    pub config: Arc<ServerConfig>,
    /// For ACME validation handshakes, when ACME is on.
    pub challenge: Option<Arc<ServerConfig>>,
}

impl Handshake for Tls {
    type Io = TlsStream<TcpStream>;

    async fn handshake(&self, tcp: TcpStream) -> Option<Self::Io> {
        let start = LazyConfigAcceptor::new(Acceptor::default(), tcp).await.ok()?;
        if let Some(challenge) = &self.challenge {
            if rustls_acme::is_tls_alpn_challenge(&start.client_hello()) {
                tracing::info!("answering an ACME TLS-ALPN-01 validation");
                let mut tls = start.into_stream(challenge.clone()).await.ok()?;
                let _ = tls.shutdown().await;
                return None;
            }
        }
        start.into_stream(self.config.clone()).await.ok()
    }

    fn plaintext(&self) -> bool {
        false
    }
}
