//! Measures the edge of a running server from outside, the way an attacker on one host would:
//!
//! 1. how many connections one address gets before the cap answers `503`;
//! 2. `/healthz` latency (p50/p99/max) from a second address while 20,000 WebSocket
//!    connection attempts are made from the first (and how many of those got through);
//! 3. how long requests trickled at 1 byte/s stay open (headers, upload body, server-fn body).
//!
//! Run by `scripts/probe-edge`, which starts a release server; by hand:
//! `cargo run --release --features ssr --example edge_probe -- 127.0.0.1:3201`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const ATTACKER: &str = "127.0.0.1";
const BYSTANDER: &str = "127.0.0.2";
const WS_ATTEMPTS: usize = 20_000;
const WS_CONCURRENCY: usize = 500;
/// Longest any one trickling request is watched.
const WATCH: Duration = Duration::from_secs(120);

#[tokio::main]
async fn main() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let server: SocketAddr = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .expect("usage: edge_probe <server ip:port>");
    let accepted = accepted_before_cap(server).await;
    println!("connections accepted from one address before the cap: {accepted}");
    flood_and_measure(server).await;
    trickles(server).await;
}

async fn connect_from(from: &str, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(format!("{from}:0").parse().expect("loopback address"))?;
    socket.connect(to).await
}

/// Reads until the end of a response head (or close); returns the status code (0: none).
async fn read_status(tcp: &mut TcpStream, limit: Duration) -> u16 {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    let read = async {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match tcp.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    };
    let _ = tokio::time::timeout(limit, read).await;
    let text = String::from_utf8_lossy(&buf);
    text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// Keep-alive `GET /healthz` on ever more connections from one address until one is refused.
async fn accepted_before_cap(server: SocketAddr) -> usize {
    let mut held = Vec::new();
    loop {
        let Ok(mut tcp) = connect_from(ATTACKER, server).await else { break };
        let head = b"GET /healthz HTTP/1.1\r\nHost: probe\r\n\r\n";
        if tcp.write_all(head).await.is_err() {
            break;
        }
        if read_status(&mut tcp, Duration::from_secs(5)).await != 200 {
            break;
        }
        held.push(tcp);
        if held.len() >= 100_000 {
            break;
        }
    }
    held.len()
}

/// One WebSocket handshake; returns the socket if it was upgraded (status 101).
async fn ws_attempt(server: SocketAddr) -> (u16, Option<TcpStream>) {
    let Ok(mut tcp) = connect_from(ATTACKER, server).await else { return (0, None) };
    let head = "GET /ws HTTP/1.1\r\nHost: probe\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    if tcp.write_all(head.as_bytes()).await.is_err() {
        return (0, None);
    }
    let status = read_status(&mut tcp, Duration::from_secs(10)).await;
    (status, (status == 101).then_some(tcp))
}

/// Fires the WebSocket attempts from the attacker while the bystander polls `/healthz`.
async fn flood_and_measure(server: SocketAddr) {
    let (done_tx, done) = tokio::sync::watch::channel(false);
    let measure = tokio::spawn(healthz_latencies(server, BYSTANDER, done.clone()));
    let same_address = tokio::spawn(healthz_latencies(server, ATTACKER, done));
    let started = Instant::now();
    let (statuses, held) = flood(server).await;
    let took = started.elapsed();
    let _ = done_tx.send(true);
    let other = measure.await.unwrap_or_default();
    let same = same_address.await.unwrap_or_default();
    let count = |s: u16| statuses.iter().filter(|&&x| x == s).count();
    println!(
        "{WS_ATTEMPTS} WebSocket attempts from one address in {:.1} s: {} upgraded (held), \
         {} refused 503, {} other/failed",
        took.as_secs_f64(),
        count(101),
        count(503),
        WS_ATTEMPTS - count(101) - count(503)
    );
    report("/healthz from another address during the flood", &other);
    report("/healthz from the flooding address during the flood", &same);
    drop(held);
}

async fn flood(server: SocketAddr) -> (Vec<u16>, Vec<TcpStream>) {
    let mut statuses = Vec::with_capacity(WS_ATTEMPTS);
    let mut held = Vec::new();
    let mut running = tokio::task::JoinSet::new();
    for _ in 0..WS_ATTEMPTS {
        if running.len() >= WS_CONCURRENCY {
            if let Some(Ok((status, tcp))) = running.join_next().await {
                statuses.push(status);
                held.extend(tcp);
            }
        }
        running.spawn(ws_attempt(server));
    }
    while let Some(Ok((status, tcp))) = running.join_next().await {
        statuses.push(status);
        held.extend(tcp);
    }
    (statuses, held)
}

/// `(latency, status)` of `GET /healthz` on a fresh connection, every 10 ms until `done`.
async fn healthz_latencies(
    server: SocketAddr,
    from: &'static str,
    mut done: tokio::sync::watch::Receiver<bool>,
) -> Vec<(Duration, u16)> {
    let mut samples = Vec::new();
    while !*done.borrow() {
        let started = Instant::now();
        let status = match connect_from(from, server).await {
            Ok(mut tcp) => {
                let head = b"GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n";
                let _ = tcp.write_all(head).await;
                read_status(&mut tcp, Duration::from_secs(10)).await
            }
            Err(_) => 0,
        };
        samples.push((started.elapsed(), status));
        let _ = tokio::time::timeout(Duration::from_millis(10), done.changed()).await;
    }
    samples
}

fn report(what: &str, samples: &[(Duration, u16)]) {
    let mut ok: Vec<Duration> = samples.iter().filter(|s| s.1 == 200).map(|s| s.0).collect();
    ok.sort();
    let pct = |p: f64| {
        ok.get(((ok.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default()
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: {}/{} answered 200; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ok.len(),
        samples.len(),
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(ok.last().copied().unwrap_or_default())
    );
}

/// Requests sent at 1 byte/s: how long each stays open.
async fn trickles(server: SocketAddr) {
    let cases: [(&str, String); 4] = [
        ("nothing sent after connecting", String::new()),
        ("request headers at 1 byte/s", "GET /healthz HTTP/1.1\r\nHost: probe\r\nX-Slow: ".into()),
        (
            "upload body at 1 byte/s",
            "POST /api/highlights/1?room=probe-room-id-12345&peer=1 HTTP/1.1\r\nHost: probe\r\n\
             x-seat-ticket: t\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n"
                .into(),
        ),
        (
            "server-fn body at 1 byte/s",
            "POST /api/game_summary HTTP/1.1\r\nHost: probe\r\nContent-Type: \
             application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nid="
                .into(),
        ),
    ];
    let runs = cases.into_iter().map(|(what, head)| async move {
        let open_for = trickle(server, head.into_bytes(), what.starts_with("nothing")).await;
        (what, open_for)
    });
    for (what, open_for) in futures::future::join_all(runs).await {
        match open_for {
            Some(d) => println!("{what}: closed by the server after {:.1} s", d.as_secs_f64()),
            None => println!("{what}: still open after {} s", WATCH.as_secs()),
        }
    }
}

/// Sends `head` at once, then an `a` every second (nothing at all if `silent`); the time until the
/// server closes or resets, or `None` if it is still open after [`WATCH`].
async fn trickle(server: SocketAddr, head: Vec<u8>, silent: bool) -> Option<Duration> {
    let tcp = connect_from(BYSTANDER, server).await.ok()?;
    let started = Instant::now();
    let (mut rd, mut wr) = tcp.into_split();
    let reader = async {
        let mut sink = [0u8; 4096];
        while matches!(rd.read(&mut sink).await, Ok(n) if n > 0) {}
    };
    let writer = async {
        if silent {
            return std::future::pending().await;
        }
        if wr.write_all(&head).await.is_err() {
            return;
        }
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if wr.write_all(b"a").await.is_err() {
                return;
            }
        }
    };
    let ended = async {
        tokio::select! { () = reader => {}, () = writer => {} }
    };
    tokio::time::timeout(WATCH, ended).await.ok().map(|()| started.elapsed())
}
