//! The edge: everything between the listening sockets and the axum router. It replaces
//! `axum::serve` with an accept loop that counts connections per client address and in total
//! (`limits`), closes slow or idle connections (`listener`), hands WebSocket permits to the
//! handlers (`gate`), and speaks HTTPS with certificates from files (`tls`) or ACME (`acme`),
//! with a cleartext redirect listener beside it (`redirect`).

pub mod acme;
pub mod gate;
pub mod io;
pub mod limits;
pub mod listener;
pub mod redirect;
pub mod settings;
pub mod tls;

pub use gate::{ClientInfo, WsPermit};
pub use limits::{Caps, Limits};
pub use listener::{serve, Plain, Timeouts};
pub use settings::{raise_file_limit, EdgeFlags, EdgeSettings, TlsSource};

use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use tokio::net::TcpListener;

/// Why the edge cannot start.
#[derive(Debug, thiserror::Error)]
pub enum EdgeError {
    /// A listening address is taken or not ours.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    /// The certificate files do not load.
    #[error("TLS certificate: {0}")]
    Tls(#[from] tls::TlsError),
    /// The ACME client cannot start.
    #[error("ACME: {0}")]
    Acme(#[from] acme::AcmeError),
    /// rustls refused the server settings.
    #[error("TLS settings: {0}")]
    Rustls(#[from] rustls::Error),
}

/// What [`run`] serves.
pub struct Site<'a> {
    /// The application.
    pub app: Router,
    /// Where redirects from `--http-bind` point.
    pub public_url: &'a str,
    /// The ACME cache goes in `<data_dir>/acme`.
    pub data_dir: &'a Path,
}

/// Serves `site.app` on `listener` (HTTPS if `settings.tls` says so, with the certificate
/// watched or ordered in the background) and the redirect on `--http-bind`, until `shutdown`.
pub async fn run(
    listener: TcpListener,
    site: Site<'_>,
    settings: &EdgeSettings,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> Result<(), EdgeError> {
    let timeouts = settings.timeouts;
    let acme = match &settings.tls {
        Some(TlsSource::Acme(acme)) => Some(acme::start(acme, site.data_dir.join("acme"))?),
        _ => None,
    };
    let http = match settings.http_bind {
        Some(addr) => Some(bind(addr).map_err(|e| EdgeError::Bind(addr, e))?),
        None => None,
    };
    let tls = handshake(settings, acme.as_ref())?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let until_stopped = || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        }
    };
    let redirect = http.map(|http| {
        let router = redirect::router(site.public_url, acme.as_ref().map(|a| a.resolver.clone()));
        serve(http, router, limits.clone(), timeouts, Plain, until_stopped())
    });
    let main = async {
        match tls {
            Some(tls) => {
                serve(listener, site.app, limits.clone(), timeouts, tls, until_stopped()).await
            }
            None => {
                serve(listener, site.app, limits.clone(), timeouts, Plain, until_stopped()).await
            }
        }
    };
    let signal = async {
        shutdown.await;
        let _ = stop.send(true);
    };
    let redirect = async {
        if let Some(redirect) = redirect {
            redirect.await;
        }
    };
    tokio::join!(main, redirect, signal);
    Ok(())
}

/// The TLS handshake for the settings, if HTTPS is on.
fn handshake(
    settings: &EdgeSettings,
    acme: Option<&acme::Acme>,
) -> Result<Option<tls::Tls>, EdgeError> {
    let tls = match (&settings.tls, acme) {
        (Some(TlsSource::Files { cert, key, reload_every }), _) => {
            let certs = tls::FileCerts::load(cert, key)?;
            certs.clone().watch(*reload_every);
            tls::Tls { config: tls::server_config(certs)?, challenge: None }
        }
        (Some(TlsSource::Acme(_)), Some(acme)) => tls::Tls {
            config: tls::server_config(acme.resolver.clone())?,
            challenge: Some(acme.challenge.clone()),
        },
        _ => return Ok(None),
    };
    Ok(Some(tls))
}

/// Pending connections the kernel holds for us (it caps this at `net.core.somaxconn`). A burst
/// of connects that overflows the queue has its SYNs dropped, and those clients (bystanders
/// too) wait a whole second to retry; tokio's default is 1024.
const LISTEN_BACKLOG: u32 = 4096;

/// A listening socket on `addr` with a deep accept queue.
pub fn bind(addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        std::net::SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        std::net::SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}
