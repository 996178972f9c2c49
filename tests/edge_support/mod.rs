//! Shared by the edge tests: the real server behind the real accept loop on 127.0.0.1:0, raw
//! HTTP over TCP sockets from a chosen loopback address, and waiting for a close.
#![allow(dead_code)] // each test binary uses a different subset

use clap::Parser;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use straightface::config::{Config, Flags};
use straightface::edge::{self, Limits};
use straightface::server::{router, AppState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::oneshot;

/// A running server; dropping it starts the graceful shutdown.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its counters, to watch slots come back.
    pub limits: Limits,
    /// Resolves the server's shutdown future.
    pub stop: Option<oneshot::Sender<()>>,
    /// Ends when the accept loop has returned.
    pub done: Option<tokio::task::JoinHandle<()>>,
}

/// The parsed configuration for `extra` flags, with a fresh data folder.
pub fn config(extra: &[&str]) -> Config {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let data = std::env::temp_dir().join(format!("sf-edge-{}-{n}", std::process::id()));
    let data = data.to_string_lossy().to_string();
    let mut args = vec!["straightface", "--bind", "127.0.0.1:0", "--data-dir", &data];
    args.extend_from_slice(extra);
    Config::from_flags(Flags::try_parse_from(args).unwrap()).unwrap()
}

/// Starts the application behind the edge's accept loop (HTTPS if the flags say so).
pub async fn start(extra: &[&str]) -> Server {
    let config = config(extra);
    let limits = Limits::new(config.edge.caps(edge::raise_file_limit()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (settings, public_url, data_dir) =
        (config.edge.clone(), config.public_url.clone(), config.data_dir.clone());
    let app = router(AppState::new(config).await.unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let serving_limits = limits.clone();
    let done = tokio::spawn(async move {
        let site = edge::Site { app, public_url: &public_url, data_dir: &data_dir };
        edge::run(listener, site, &settings, serving_limits, shutdown).await.unwrap();
    });
    Server { addr, limits, stop: Some(stop), done: Some(done) }
}

/// A TCP connection to `to` from loopback address `from` (any 127.x.y.z is this host).
pub async fn connect_from(from: &str, to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    socket.connect(to).await.unwrap()
}

/// Sends `GET path` with `Connection: close` and returns the whole answer.
pub async fn get(tcp: &mut TcpStream, path: &str) -> String {
    let head = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    tcp.write_all(head.as_bytes()).await.unwrap();
    read_all(tcp, Duration::from_secs(10)).await
}

/// `GET path` on a new connection from `from`: the answer's status code.
pub async fn status_from(from: &str, to: SocketAddr, path: &str) -> u16 {
    let mut tcp = connect_from(from, to).await;
    status(&get(&mut tcp, path).await)
}

/// The status code of a raw HTTP/1.1 answer (0 if there is none).
pub fn status(answer: &str) -> u16 {
    answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// Everything the peer sends until it closes (or `limit` passes: then the test fails).
pub async fn read_all(tcp: &mut TcpStream, limit: Duration) -> String {
    let mut bytes = Vec::new();
    match tokio::time::timeout(limit, tcp.read_to_end(&mut bytes)).await {
        Ok(_) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => panic!("the connection was still open after {limit:?}"),
    }
}

/// Writes `head` at once, then an `a` every `every` until the peer closes or resets: a request
/// that never ends. Returns how long the connection stayed open and what was read back; panics
/// if it is still open at `deadline`.
pub async fn trickle(
    tcp: TcpStream,
    head: &[u8],
    every: Duration,
    deadline: Duration,
) -> (Duration, String) {
    let started = Instant::now();
    let (mut rd, mut wr) = tcp.into_split();
    let reader = tokio::spawn(async move {
        let mut got = Vec::new();
        let _ = rd.read_to_end(&mut got).await;
        String::from_utf8_lossy(&got).into_owned()
    });
    let writer = async {
        if wr.write_all(head).await.is_err() {
            return;
        }
        loop {
            tokio::time::sleep(every).await;
            if wr.write_all(b"a").await.is_err() {
                break;
            }
        }
    };
    let ended = tokio::select! {
        read = reader => read.unwrap_or_default(),
        () = writer => String::new(),
        () = tokio::time::sleep(deadline) => panic!("a trickling request was still open after {deadline:?}"),
    };
    (started.elapsed(), ended)
}

/// Polls `check` until it holds or `limit` passes.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}
