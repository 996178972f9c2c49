//! How much server memory readers that stop reading can pin (issue 10, item 4).
//!
//! `cargo run --release --features ssr --example stall_probe -- <addr> <server pid> [pairs]`:
//! in each of `pairs` rooms (default 20), Ann relays 60 KB signals to Bo as fast as the rate
//! limit allows while Bo never reads his socket. Prints the server's RSS before, at its peak
//! while relaying, and 5 s after the senders stop, and how many signals were relayed before
//! each Bo was dropped. `scripts/probe-stalled-readers` starts a release server and runs it.

use futures::{SinkExt, StreamExt};
use std::time::{Duration, Instant};
use straightface::protocol::{ClientMsg, PeerId, RoomId, SdpType, ServerMsg, Signal};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn join(addr: &str, room: &RoomId, name: &str) -> (Ws, PeerId) {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.unwrap();
    let join = ClientMsg::Join { room: room.clone(), name: name.into() };
    ws.send(Message::text(serde_json::to_string(&join).unwrap())).await.unwrap();
    loop {
        if let Some(Ok(Message::Text(t))) = ws.next().await {
            if let Ok(ServerMsg::Welcome { you, .. }) = serde_json::from_str(&t) {
                return (ws, you);
            }
        }
    }
}

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Relays to `to` for `how_long` (or until the server says `to` is gone); returns signals sent.
async fn relay(mut ann: Ws, to: PeerId, how_long: Duration) -> u32 {
    let signal = Signal::Description { sdp_type: SdpType::Offer, sdp: "x".repeat(60 * 1024) };
    let text = serde_json::to_string(&ClientMsg::Signal { to, signal }).unwrap();
    let end = Instant::now() + how_long;
    let mut sent = 0;
    while Instant::now() < end {
        if ann.send(Message::text(text.clone())).await.is_err() {
            break;
        }
        sent += 1;
        while let Ok(Some(Ok(Message::Text(t)))) =
            tokio::time::timeout(Duration::from_millis(20), ann.next()).await
        {
            if t.contains("\"peer_away\"") || t.contains("\"peer_left\"") {
                return sent;
            }
        }
    }
    sent
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (addr, pid) = (args[1].clone(), args[2].parse::<u32>().expect("server pid"));
    let pairs: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(20);
    let before = rss_kb(pid);
    let mut readers = Vec::new();
    let mut senders = Vec::new();
    for i in 0..pairs {
        let room = RoomId::parse(&format!("stalledreader{i:09}")).unwrap();
        let (ann, _) = join(&addr, &room, "Ann").await;
        let (bo, pb) = join(&addr, &room, "Bo").await;
        readers.push(bo); // held open, never read again
        senders.push(tokio::spawn(relay(ann, pb, Duration::from_secs(20))));
    }
    let watch = tokio::spawn(async move {
        let mut peak = 0;
        for _ in 0..250 {
            peak = peak.max(rss_kb(pid));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        peak
    });
    let mut sent = Vec::new();
    for s in senders {
        sent.push(s.await.unwrap());
    }
    let peak = watch.await.unwrap();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after = rss_kb(pid);
    sent.sort_unstable();
    println!(
        "pairs {pairs}: RSS before {before} KB, peak {peak} KB (+{} KB), 5 s after {after} KB; \
         signals relayed to each stalled reader before it was dropped: min {} median {} max {}",
        peak.saturating_sub(before),
        sent[0],
        sent[sent.len() / 2],
        sent[sent.len() - 1]
    );
    drop(readers);
}
