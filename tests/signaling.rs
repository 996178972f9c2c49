//! The real server on a real port, driven by real WebSocket clients.

use futures::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::time::Duration;
use straightface::config::{Config, Flags};
use straightface::protocol::*;
use straightface::protocol::{GameClientMsg, GameServerMsg};
use straightface::server::{router, AppState};
use straightface::signaling::server::{shard_of, NAME_THE_ROOM_FIRST};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use clap::Parser;

/// Starts the whole application router on 127.0.0.1:0 and returns its address.
async fn start() -> SocketAddr {
    start_with(&[]).await
}

/// Starts the server with extra flags; each server gets its own data folder.
async fn start_with(extra: &[&str]) -> SocketAddr {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let data = std::env::temp_dir().join(format!("sf-it-{}-{n}", std::process::id()));
    let data = data.to_string_lossy().to_string();
    // Bound first, so the server knows its real port (its own origin is built from it).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let bind = addr.to_string();
    let mut args =
        vec!["straightface", "--bind", &bind, "--data-dir", &data, "--resume-grace", "1"];
    args.extend_from_slice(extra);
    let config = Config::from_flags(Flags::try_parse_from(args).unwrap()).unwrap();
    let app = router(AppState::new(config).await.unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

const WAIT: Duration = Duration::from_secs(5);

impl Client {
    async fn connect(addr: SocketAddr) -> Self {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.unwrap();
        Self { ws }
    }

    /// A socket for `room`, as the app opens it (`/ws/{room}`).
    async fn connect_to(addr: SocketAddr, room: &RoomId) -> Self {
        let url = format!("ws://{addr}/ws/{room}");
        let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        Self { ws }
    }

    async fn join(addr: SocketAddr, room: &RoomId, name: &str) -> (Self, PeerId, Vec<PeerInfo>) {
        let mut c = Self::connect_to(addr, room).await;
        c.send(&ClientMsg::Join { room: room.clone(), name: name.into() }).await;
        match c.recv().await {
            ServerMsg::Welcome { you, peers, .. } => (c, you, peers),
            other => panic!("expected welcome, got {other:?}"),
        }
    }

    async fn send(&mut self, msg: &ClientMsg) {
        self.send_text(serde_json::to_string(msg).unwrap()).await;
    }

    async fn send_text(&mut self, text: String) {
        self.ws.send(Message::text(text)).await.unwrap();
    }

    /// The next signaling message: game messages (phase, scores, readings) and the room state
    /// that follows each welcome are skipped (the host-control tests look for it).
    async fn recv(&mut self) -> ServerMsg {
        loop {
            let msg = self.recv_any().await;
            if !msg.is_game() && !matches!(msg, ServerMsg::RoomState(_)) {
                return msg;
            }
        }
    }

    /// The next protocol message (pings are answered by tungstenite and skipped here).
    async fn recv_any(&mut self) -> ServerMsg {
        loop {
            let frame = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a message within 5 s")
                .expect("socket open")
                .expect("frame");
            match frame {
                Message::Text(t) => return serde_json::from_str(&t).unwrap(),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// Proves nothing is queued for us: a ping's pong must be the very next message.
    async fn expect_nothing_pending(&mut self) {
        self.send(&ClientMsg::Ping).await;
        assert_eq!(self.recv().await, ServerMsg::Pong);
    }
}

fn room(tag: char) -> RoomId {
    RoomId::parse(&tag.to_string().repeat(22)).unwrap()
}

fn offer(sdp: &str) -> Signal {
    Signal::Description { sdp_type: SdpType::Offer, sdp: sdp.into() }
}

#[tokio::test]
async fn metrics_are_served_only_with_the_token_and_count_relays_and_refusals() {
    let plain = start().await;
    assert_eq!(http(plain, "GET", "/metrics").await.0, 404, "no token configured, no /metrics");
    let addr = start_with(&["--metrics-token", "sc0re-keeper"]).await;
    assert_eq!(http(addr, "GET", "/metrics").await.0, 401);
    let wrong = "Authorization: Bearer sc0re-keepe\r\n";
    assert_eq!(http_with(addr, "GET", "/metrics", wrong).await.0, 401);

    let (mut a, pa, _) = Client::join(addr, &room('m'), "Ann").await;
    let (mut b, _, _) = Client::join(addr, &room('m'), "Bo").await;
    let _ = a.recv().await; // Bo joined
    b.send(&ClientMsg::Signal { to: pa, signal: offer("x") }).await;
    let _ = a.recv().await;
    b.send_text("{not json".into()).await;
    assert!(matches!(b.recv().await, ServerMsg::Error { code: ErrorCode::Malformed, .. }));
    let scrape = || async {
        let (status, text) =
            http_with(addr, "GET", "/metrics", "Authorization: Bearer sc0re-keeper\r\n").await;
        assert_eq!(status, 200);
        text
    };
    let text = scrape().await;
    assert!(text.contains("text/plain; version=0.0.4"), "{text}");
    for line in [
        "straightface_signals_relayed_total 1",
        "straightface_refused_total{reason=\"malformed\"} 1",
        "straightface_messages_total 4",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing from\n{text}");
    }
    // The gauges follow the tick (four a second): two sockets in one room.
    let mut text = text;
    for _ in 0..40 {
        if text.lines().any(|l| l == "straightface_sockets 2") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await; // waiting for the next tick
        text = scrape().await;
    }
    assert!(text.lines().any(|l| l == "straightface_sockets 2"), "{text}");
    assert!(text.lines().any(|l| l == "straightface_rooms 1"), "{text}");
    // Bo joined Ann: his browser reports when his call came up and how it fares; the hub
    // checks it and the histograms count it. A report out of range is refused.
    let report = CallReport { connected_ms: Some(1200), rtt_ms: Some(80.0), loss_pct: Some(0.0) };
    b.send(&ClientMsg::Report(report)).await;
    b.send(&ClientMsg::Report(CallReport { loss_pct: Some(250.0), ..Default::default() })).await;
    assert!(matches!(b.recv().await, ServerMsg::Error { code: ErrorCode::Malformed, .. }));
    let text = scrape().await;
    for line in [
        "straightface_joins_with_peers_total 1",
        "straightface_join_connected_seconds_bucket{le=\"1\"} 0",
        "straightface_join_connected_seconds_bucket{le=\"2\"} 1",
        "straightface_join_connected_seconds_count 1",
        "straightface_call_rtt_seconds_bucket{le=\"0.1\"} 1",
        "straightface_call_loss_ratio_count 1",
        "straightface_refused_total{reason=\"malformed\"} 2",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing from\n{text}");
    }
}

/// One room on each of `shards` shards, in shard order.
fn rooms_on_every_shard(shards: usize) -> Vec<RoomId> {
    let rooms: Vec<RoomId> = ('a'..='z').map(room).collect();
    let on = |shard| rooms.iter().find(|r| shard_of(r, shards) == shard).cloned().unwrap();
    (0..shards).map(on).collect()
}

#[tokio::test]
async fn rooms_spread_over_shards_and_members_meet_whichever_address_they_used() {
    let addr = start_with(&["--hub-shards", "4", "--metrics-token", "t"]).await;
    let rooms = rooms_on_every_shard(4);
    let mut calls = Vec::new();
    for r in &rooms {
        // Ann opens /ws/{room}; Bo the old /ws and names the room in his first message.
        let (mut a, pa, _) = Client::join(addr, r, "Ann").await;
        let mut b = Client::connect(addr).await;
        b.send(&ClientMsg::Join { room: r.clone(), name: "Bo".into() }).await;
        let (pb, peers) = match b.recv().await {
            ServerMsg::Welcome { you, peers, .. } => (you, peers),
            other => panic!("expected welcome, got {other:?}"),
        };
        assert_eq!(peers.iter().map(|p| p.id).collect::<Vec<_>>(), vec![pa], "room {r}");
        assert!(matches!(a.recv().await, ServerMsg::PeerJoined { .. }));
        b.send(&ClientMsg::Signal { to: pa, signal: offer(r.as_str()) }).await;
        assert_eq!(a.recv().await, ServerMsg::Signal { from: pb, signal: offer(r.as_str()) });
        calls.push((a, b));
    }
    // Bo's socket belongs to his room now, as if he had opened /ws/{room}.
    let (_, b) = &mut calls[0];
    b.send(&ClientMsg::Join { room: rooms[1].clone(), name: "Bo".into() }).await;
    assert!(matches!(b.recv().await, ServerMsg::Error { code: ErrorCode::WrongRoom, .. }));
    // Four shards, each with one room of two.
    let auth = "Authorization: Bearer t\r\n";
    let mut text = String::new();
    for _ in 0..40 {
        text = http_with(addr, "GET", "/metrics", auth).await.1;
        if text.lines().any(|l| l == "straightface_sockets 8") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await; // waiting for the next tick
    }
    for line in ["straightface_hub_shards 4", "straightface_sockets 8", "straightface_rooms 4"] {
        assert!(text.lines().any(|l| l == line), "{line} missing from\n{text}");
    }
    assert_eq!(text.lines().filter(|l| l.starts_with("straightface_hub_queue{shard=")).count(), 4);
}

#[tokio::test]
async fn a_ws_socket_that_named_no_room_first_stays_on_the_first_shard() {
    let addr = start_with(&["--hub-shards", "4"]).await;
    let rooms = rooms_on_every_shard(4);
    // Its first message is malformed: it gets the usual error, and may join a room of the
    // shard it landed on.
    let mut c = Client::connect(addr).await;
    c.send_text("not json".into()).await;
    assert!(matches!(c.recv().await, ServerMsg::Error { code: ErrorCode::Malformed, .. }));
    c.send(&ClientMsg::Join { room: rooms[0].clone(), name: "Ann".into() }).await;
    assert!(matches!(c.recv().await, ServerMsg::Welcome { .. }));
    // A room of another shard closes it with the reason: its members are not here.
    let mut d = Client::connect(addr).await;
    d.send(&ClientMsg::Ping).await;
    assert_eq!(d.recv().await, ServerMsg::Pong);
    d.send(&ClientMsg::Join { room: rooms[2].clone(), name: "Bo".into() }).await;
    let close = loop {
        match tokio::time::timeout(WAIT, d.ws.next()).await.unwrap() {
            Some(Ok(Message::Close(frame))) => break frame.expect("a close frame with a reason"),
            Some(Ok(Message::Ping(_))) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close.code, CloseCode::Policy);
    assert_eq!(close.reason.as_str(), NAME_THE_ROOM_FIRST);
    // With one shard the old address is as it always was.
    let single = start_with(&["--hub-shards", "1"]).await;
    let mut e = Client::connect(single).await;
    e.send(&ClientMsg::Ping).await;
    assert_eq!(e.recv().await, ServerMsg::Pong);
    e.send(&ClientMsg::Join { room: rooms[2].clone(), name: "Bo".into() }).await;
    assert!(matches!(e.recv().await, ServerMsg::Welcome { .. }));
}

#[test]
fn a_room_always_lands_on_the_same_shard_and_rooms_spread_evenly() {
    let rooms: Vec<RoomId> =
        (0..4000).map(|i| RoomId::parse(&format!("{i:0>22}")).unwrap()).collect();
    let mut counts = [0usize; 4];
    for r in &rooms {
        let shard = shard_of(r, 4);
        assert_eq!(shard, shard_of(r, 4));
        assert_eq!(shard_of(r, 1), 0);
        counts[shard] += 1;
    }
    assert!(counts.iter().all(|&n| (800..1200).contains(&n)), "{counts:?}");
}

#[tokio::test]
async fn relay_reaches_only_the_addressed_member_of_the_same_room() {
    let addr = start().await;
    let (mut a, pa, _) = Client::join(addr, &room('a'), "Ann").await;
    let (mut b, pb, peers) = Client::join(addr, &room('a'), "Bo").await;
    assert_eq!(peers, vec![PeerInfo { id: pa, name: "Ann".into() }]);
    assert_eq!(
        a.recv().await,
        ServerMsg::PeerJoined { peer: PeerInfo { id: pb, name: "Bo".into() } }
    );
    let (mut x, _px, _) = Client::join(addr, &room('x'), "Xi").await;

    b.send(&ClientMsg::Signal { to: pa, signal: offer("from-b") }).await;
    assert_eq!(a.recv().await, ServerMsg::Signal { from: pb, signal: offer("from-b") });

    // Xi is in another room: refused, and Ann hears nothing.
    x.send(&ClientMsg::Signal { to: pa, signal: offer("from-x") }).await;
    assert!(matches!(x.recv().await, ServerMsg::Error { code: ErrorCode::UnknownPeer, .. }));
    a.expect_nothing_pending().await;
    b.expect_nothing_pending().await;
}

#[tokio::test]
async fn a_forged_sender_is_replaced_by_the_real_one() {
    let addr = start().await;
    let r = room('f');
    let (mut a, pa, _) = Client::join(addr, &r, "Ann").await;
    let (mut b, pb, _) = Client::join(addr, &r, "Bo").await;
    let (_c, pc, _) = Client::join(addr, &r, "Cy").await;
    let forged = format!(
        r#"{{"type":"signal","from":{pc},"to":{pa},"signal":{{"kind":"description","sdp_type":"offer","sdp":"x"}}}}"#
    );
    b.send_text(forged).await;
    // Ann first hears of Bo and Cy joining, then the signal, stamped with Bo's id.
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(a.recv().await);
    }
    assert_eq!(got[2], ServerMsg::Signal { from: pb, signal: offer("x") });
}

#[tokio::test]
async fn malformed_json_gets_an_error_and_the_connection_stays() {
    let addr = start().await;
    let (mut a, _, _) = Client::join(addr, &room('m'), "Ann").await;
    for text in ["not json", "{\"type\":\"join\"}", "{\"type\":\"signal\",\"to\":\"x\"}"] {
        a.send_text(text.into()).await;
        match a.recv().await {
            ServerMsg::Error { code: ErrorCode::Malformed, message } => {
                assert!(message.starts_with("malformed message"), "{message}")
            }
            other => panic!("expected a malformed error for {text:?}, got {other:?}"),
        }
    }
    a.ws.send(Message::binary(vec![1u8, 2, 3])).await.unwrap();
    assert!(matches!(a.recv().await, ServerMsg::Error { code: ErrorCode::Binary, .. }));
    a.expect_nothing_pending().await;
}

#[tokio::test]
async fn an_oversized_message_closes_the_socket_with_a_reason() {
    let addr = start().await;
    let r = room('o');
    let (mut a, _, _) = Client::join(addr, &r, "Ann").await;
    let (mut b, pb, _) = Client::join(addr, &r, "Bo").await;
    let _ = a.recv().await; // Bo joined
    b.send_text(format!("{{\"type\":\"ping\",\"pad\":\"{}\"}}", "x".repeat(MAX_MESSAGE_BYTES)))
        .await;
    let close = loop {
        match tokio::time::timeout(WAIT, b.ws.next()).await.unwrap() {
            Some(Ok(Message::Close(frame))) => break frame.expect("a close frame with a reason"),
            Some(Ok(Message::Ping(_))) => continue,
            // Game messages queued before the close (phase, scores) and the room state may
            // come first.
            Some(Ok(Message::Text(t)))
                if {
                    let msg = serde_json::from_str::<ServerMsg>(&t).unwrap();
                    msg.is_game() || matches!(msg, ServerMsg::RoomState(_))
                } =>
            {
                continue
            }
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close.code, CloseCode::Size);
    assert_eq!(close.reason.as_str(), "message exceeds 64 KiB");
    assert_eq!(a.recv().await, ServerMsg::PeerLeft { peer: pb });
}

#[tokio::test]
async fn a_dropped_connection_is_announced_to_the_room() {
    let addr = start().await;
    let r = room('d');
    let (mut a, _, _) = Client::join(addr, &r, "Ann").await;
    let (b, pb, _) = Client::join(addr, &r, "Bo").await;
    let _ = a.recv().await; // Bo joined
                            // Drop the TCP connection without a close handshake, like a killed tab.
    drop(b);
    assert_eq!(a.recv().await, ServerMsg::PeerLeft { peer: pb });
}

#[tokio::test]
async fn the_seventh_participant_is_refused_with_room_full() {
    let addr = start().await;
    let r = room('c');
    let mut seated = Vec::new();
    for i in 0..ROOM_CAPACITY {
        seated.push(Client::join(addr, &r, &format!("p{i}")).await);
    }
    let mut late = Client::connect(addr).await;
    late.send(&ClientMsg::Join { room: r.clone(), name: "late".into() }).await;
    assert!(matches!(late.recv().await, ServerMsg::Error { code: ErrorCode::RoomFull, .. }));
    late.expect_nothing_pending().await;
}

#[tokio::test]
async fn a_socket_opened_for_a_room_joins_that_room_only() {
    let addr = start().await;
    let (r, other) = (room('a'), room('b'));
    let mut c = Client::connect_to(addr, &r).await;
    c.send(&ClientMsg::Join { room: other.clone(), name: "Ann".into() }).await;
    assert!(matches!(c.recv().await, ServerMsg::Error { code: ErrorCode::WrongRoom, .. }));
    let resume =
        ClientMsg::Resume { room: other, name: "Ann".into(), peer: PeerId(1), ticket: "x".into() };
    c.send(&resume).await;
    assert!(matches!(c.recv().await, ServerMsg::Error { code: ErrorCode::WrongRoom, .. }));
    c.send(&ClientMsg::Join { room: r.clone(), name: "Ann".into() }).await;
    assert!(matches!(c.recv().await, ServerMsg::Welcome { .. }));
    // The old address still serves a socket that names its room in the first message.
    let (_bo, _, peers) = {
        let mut bo = Client::connect(addr).await;
        bo.send(&ClientMsg::Join { room: r.clone(), name: "Bo".into() }).await;
        match bo.recv().await {
            ServerMsg::Welcome { you, peers, .. } => (bo, you, peers),
            other => panic!("expected welcome, got {other:?}"),
        }
    };
    assert_eq!(peers.len(), 1);
    // An ill-formed room in the address is refused before the upgrade.
    match tokio_tungstenite::connect_async(format!("ws://{addr}/ws/short")).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 400)
        }
        other => panic!("expected a 400, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn an_unknown_room_id_shape_is_refused_on_the_socket() {
    let addr = start().await;
    let mut c = Client::connect(addr).await;
    c.send_text(r#"{"type":"join","room":"../../etc","name":"x"}"#.into()).await;
    assert!(matches!(c.recv().await, ServerMsg::Error { code: ErrorCode::Malformed, .. }));
}

/// A minimal HTTP/1.1 request over a raw socket.
async fn http(addr: SocketAddr, method: &str, path: &str) -> (u16, String) {
    http_with(addr, method, path, "").await
}

/// [`http`] with extra header lines (each ending in `\r\n`).
async fn http_with(addr: SocketAddr, method: &str, path: &str, headers: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(WAIT, s.read_to_end(&mut buf)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text[9..12].parse().unwrap();
    (status, text)
}

#[tokio::test]
async fn pages_and_server_functions() {
    let addr = start().await;
    let (status, body) = http(addr, "GET", "/").await;
    assert_eq!(status, 200);
    assert!(body.contains("data-testid=\"new-room\""));
    let (status, body) = http(addr, "GET", "/r/short").await;
    assert_eq!(status, 400);
    assert!(body.contains("not a valid room link"));
    let (status, _) = http(addr, "GET", "/r/abcdefghijklmnopqrstuv").await;
    assert_eq!(status, 200);
    let (status, _) = http(addr, "GET", "/nowhere").await;
    assert_eq!(status, 404);
    let (status, body) = http(addr, "POST", "/api/create_room").await;
    assert_eq!(status, 200);
    let id: String = serde_json::from_str(body.rsplit("\r\n\r\n").next().unwrap().trim()).unwrap();
    assert!(RoomId::parse(&id).is_ok() && id.len() == 22, "{id}");
    let (status, body) = http(addr, "GET", "/healthz").await;
    assert_eq!(status, 200);
    assert!(body.ends_with("ok"));
}

#[tokio::test]
async fn a_dropped_seat_is_resumed_with_its_ticket_and_the_room_hears_nothing() {
    let addr = start().await;
    let r = room('r');
    let (mut a, _pa, _) = Client::join(addr, &r, "Ann").await;
    let mut b = Client::connect(addr).await;
    b.send(&ClientMsg::Join { room: r.clone(), name: "Bo".into() }).await;
    let (pb, ticket) = match b.recv().await {
        ServerMsg::Welcome { you, ticket, .. } => (you, ticket),
        other => panic!("{other:?}"),
    };
    let _ = a.recv().await; // Bo joined
    drop(b); // no close handshake: the seat is held
    let mut b2 = Client::connect(addr).await;
    // A forged ticket is refused...
    b2.send(&ClientMsg::Resume {
        room: r.clone(),
        name: "Bo".into(),
        peer: pb,
        ticket: "AAAAAAAAAAAAAAAAAAAAAA".into(),
    })
    .await;
    assert!(matches!(b2.recv().await, ServerMsg::Error { code: ErrorCode::BadTicket, .. }));
    // ...the real one gives the same seat back.
    b2.send(&ClientMsg::Resume { room: r.clone(), name: "Bo".into(), peer: pb, ticket }).await;
    assert!(matches!(b2.recv().await, ServerMsg::Welcome { you, .. } if you == pb));
    a.expect_nothing_pending().await;
}

#[tokio::test]
async fn the_welcome_carries_minted_turn_credentials_and_never_the_secret() {
    let addr =
        start_with(&["--turn-url", "turn:127.0.0.1:3478", "--turn-secret", "s3cret-value"]).await;
    let mut c = Client::connect(addr).await;
    c.send(&ClientMsg::Join { room: room('t'), name: "Ann".into() }).await;
    let frame = tokio::time::timeout(WAIT, c.ws.next()).await.unwrap().unwrap().unwrap();
    let text = frame.into_text().unwrap().to_string();
    assert!(!text.contains("s3cret-value"));
    let msg: ServerMsg = serde_json::from_str(&text).unwrap();
    let ServerMsg::Welcome { you, ice_servers, .. } = msg else { panic!("{text}") };
    let turn = &ice_servers[0];
    assert_eq!(turn.urls, vec!["turn:127.0.0.1:3478".to_string()]);
    let user = turn.username.as_deref().unwrap();
    assert!(user.ends_with(&format!(":{you}")), "{user}");
    let expiry: u64 = user.split(':').next().unwrap().parse().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!((now + 3500..=now + 3700).contains(&expiry), "default TTL is one hour");
    assert_eq!(turn.credential.as_deref().map(str::len), Some(28), "base64 of a SHA-1 HMAC");
}

#[tokio::test]
async fn turn_credentials_are_renewed_at_half_life_while_seated_and_not_after_leaving() {
    let addr = start_with(&[
        "--turn-url",
        "turn:127.0.0.1:3478",
        "--turn-secret",
        "s3cret-value",
        "--turn-ttl",
        "2",
    ])
    .await;
    let expiry_of = |servers: &[straightface::protocol::IceServer]| -> u64 {
        let user = servers[0].username.as_deref().unwrap();
        user.split(':').next().unwrap().parse().unwrap()
    };
    let (mut c, _, _) = Client::join(addr, &room('r'), "Ann").await;
    // The welcome's login lives 2 s, so a renewal comes about 1 s later and again after that,
    // each one expiring later than the one before.
    let mut last = 0;
    for _ in 0..2 {
        match c.recv().await {
            ServerMsg::IceServers { ice_servers } => {
                let expiry = expiry_of(&ice_servers);
                assert!(expiry >= last, "{expiry} after {last}");
                assert_ne!(ice_servers[0].credential, None);
                last = expiry;
            }
            other => panic!("expected new ICE servers, got {other:?}"),
        }
    }
    // Out of the room (the socket stays open): no more renewals. One already on its way may
    // come before the pong; after it, over more than two half-lives, nothing but pongs.
    c.send(&ClientMsg::Leave).await;
    c.send(&ClientMsg::Ping).await;
    loop {
        match c.recv().await {
            ServerMsg::Pong => break,
            ServerMsg::IceServers { .. } => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        c.expect_nothing_pending().await;
    }
}

/// A reading with `happy` at `p` and the rest neutral.
fn reading(seq: u64, happy: f32) -> ClientMsg {
    ClientMsg::Game(GameClientMsg::Reading(straightface::game::Reading {
        seq,
        face: true,
        probs: vec![1.0 - happy, happy, 0.0, 0.0, 0.0, 0.0, 0.0],
    }))
}

impl Client {
    /// The next game refusal's code, skipping everything else.
    async fn next_refusal(&mut self) -> String {
        loop {
            if let ServerMsg::Game(GameServerMsg::GameRefused { code, .. }) = self.recv_any().await
            {
                return code.to_string();
            }
        }
    }
}

/// `POST /api/highlights/{request}` over a plain TCP socket: status and body.
async fn post_highlight(
    addr: SocketAddr,
    request: u64,
    room: &RoomId,
    peer: PeerId,
    ticket: &str,
    body: &[u8],
) -> (u16, String) {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/highlights/{request}?room={room}&peer={peer} HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: image/jpeg\r\nx-seat-ticket: {ticket}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(body).await.unwrap();
    let mut response = Vec::new();
    tcp.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).to_string();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

#[tokio::test]
async fn a_forged_score_is_refused_and_scores_nobody() {
    let addr = start().await;
    let (mut a, _, _) = Client::join(addr, &room('s'), "Ann").await;
    let (mut b, _, _) = Client::join(addr, &room('s'), "Bo").await;
    assert!(matches!(a.recv().await, ServerMsg::PeerJoined { .. }));
    a.send_text(r#"{"type":"score","peer":1,"points":1000}"#.into()).await;
    match a.recv().await {
        ServerMsg::Error { code: ErrorCode::Malformed, .. } => {}
        other => panic!("expected a malformed error, got {other:?}"),
    }
    a.expect_nothing_pending().await;
    // Bo's board never moved: every score line is still 0.
    b.send(&ClientMsg::Ping).await;
    loop {
        match b.recv_any().await {
            ServerMsg::Game(GameServerMsg::Scores(board)) => {
                assert!(board.players.iter().all(|p| p.score == 0))
            }
            ServerMsg::Pong => break,
            _ => {}
        }
    }
}

#[tokio::test]
async fn readings_faster_than_the_limit_are_dropped_with_an_error() {
    let addr = start().await;
    let (mut a, _, _) = Client::join(addr, &room('f'), "Ann").await;
    for seq in 1..=11 {
        a.send(&reading(seq, 0.1)).await;
    }
    assert_eq!(a.next_refusal().await, "reading_too_frequent");
    a.send(&reading(3, 0.1)).await;
    assert_eq!(a.next_refusal().await, "reading_out_of_order");
    a.send_text(r#"{"type":"reading","seq":99,"face":true,"probs":[0.5,0.5]}"#.into()).await;
    assert_eq!(a.next_refusal().await, "reading_wrong_length");
}

#[tokio::test]
async fn an_unrequested_or_forged_upload_is_refused_and_nothing_is_kept() {
    let addr = start().await;
    let r = room('u');
    let mut a = Client::connect(addr).await;
    a.send(&ClientMsg::Join { room: r.clone(), name: "Ann".into() }).await;
    let (pa, ticket) = match a.recv().await {
        ServerMsg::Welcome { you, ticket, .. } => (you, ticket),
        other => panic!("expected welcome, got {other:?}"),
    };
    let jpeg = real_jpeg(64, 48);
    let (status, body) = post_highlight(addr, 1, &r, pa, &ticket, &jpeg).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("capture_unknown"), "{body}");
    let (status, body) = post_highlight(addr, 1, &r, pa, "forged-ticket", &jpeg).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("bad_ticket"), "{body}");
    let (status, body) = post_highlight(addr, 1, &r, pa, &ticket, b"GIF89a not a jpeg").await;
    assert_eq!(status, 415, "{body}");
    assert!(body.contains("highlight_not_jpeg"), "{body}");
    let mut big = jpeg.clone();
    big.resize(300 * 1024 + 1, 0);
    let (status, body) = post_highlight(addr, 1, &r, pa, &ticket, &big).await;
    assert_eq!(status, 413, "{body}");
}

/// A real baseline JPEG of `w`×`h` grey pixels.
fn real_jpeg(w: u16, h: u16) -> Vec<u8> {
    let mut out = Vec::new();
    let pixels = vec![128u8; usize::from(w) * usize::from(h)];
    jpeg_encoder::Encoder::new(&mut out, 80)
        .encode(&pixels, w, h, jpeg_encoder::ColorType::Luma)
        .unwrap();
    out
}

#[tokio::test]
async fn an_upload_must_decode_as_a_jpeg_of_sane_size() {
    let addr = start().await;
    let r = room('j');
    let mut a = Client::connect(addr).await;
    a.send(&ClientMsg::Join { room: r.clone(), name: "Ann".into() }).await;
    let (pa, ticket) = match a.recv().await {
        ServerMsg::Welcome { you, ticket, .. } => (you, ticket),
        other => panic!("expected welcome, got {other:?}"),
    };
    // JPEG magic bytes in front of garbage: not an image.
    let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    fake.extend(std::iter::repeat_n(7u8, 2000));
    let (status, body) = post_highlight(addr, 1, &r, pa, &ticket, &fake).await;
    assert_eq!(status, 415, "{body}");
    assert!(body.contains("highlight_not_jpeg"), "{body}");
    // A real JPEG, but a 4000-pixel-wide strip.
    let (status, body) = post_highlight(addr, 1, &r, pa, &ticket, &real_jpeg(4000, 16)).await;
    assert_eq!(status, 415, "{body}");
    assert!(body.contains("4000x16"), "{body}");
    // A real one of sane size reaches the game, which did not ask for it.
    let (status, body) = post_highlight(addr, 1, &r, pa, &ticket, &real_jpeg(320, 240)).await;
    assert_eq!(status, 409, "{body}");
}

#[tokio::test]
async fn an_upload_with_a_bad_ticket_is_refused_before_its_body_is_read() {
    let addr = start().await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/highlights/1?room={}&peer=5 HTTP/1.1\r\nHost: {addr}\r\n\
         x-seat-ticket: forged\r\nContent-Length: 300000\r\n\r\n",
        room('t')
    );
    // Only the head is sent: the answer must come without the 300 KB body.
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut response = vec![0; 4096];
    let n = tokio::time::timeout(WAIT, tcp.read(&mut response)).await.expect("an answer").unwrap();
    let text = String::from_utf8_lossy(&response[..n]);
    assert!(text.starts_with("HTTP/1.1 403"), "{text}");
    assert!(text.contains("bad_ticket"), "{text}");
}

/// Opens a WebSocket handshake with this `Origin` header (or none) and returns the status.
async fn handshake_status(addr: SocketAddr, origin: Option<&str>) -> u16 {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", origin.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("handshake failed without an HTTP answer: {e}"),
    }
}

#[tokio::test]
async fn a_socket_from_another_sites_page_is_refused_before_the_upgrade() {
    let addr = start_with(&["--allowed-origin", "https://friends.example"]).await;
    assert_eq!(handshake_status(addr, Some("https://evil.example")).await, 403);
    assert_eq!(handshake_status(addr, Some("null")).await, 403);
    assert_eq!(handshake_status(addr, Some(&format!("http://{addr}.evil.example"))).await, 403);
    assert_eq!(handshake_status(addr, Some(&format!("http://{addr}"))).await, 101);
    let localhost = format!("http://localhost:{}", addr.port());
    assert_eq!(handshake_status(addr, Some(&localhost)).await, 101);
    assert_eq!(handshake_status(addr, Some("https://friends.example")).await, 101);
    // Not a page at all (no Origin): command-line clients and these tests.
    assert_eq!(handshake_status(addr, None).await, 101);
}

/// The value of header `name` in a raw HTTP response.
fn header_value<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let addr = start().await;
    let (status, page) = http(addr, "GET", "/r/abcdefghijklmnopqrstuv").await;
    assert_eq!(status, 200);
    let csp = header_value(&page, "content-security-policy").expect("a CSP on the page");
    let nonce = csp.split("'nonce-").nth(1).and_then(|n| n.split('\'').next()).expect("a nonce");
    assert!(nonce.len() >= 16, "{csp}");
    assert!(page.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries it");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let (_, again) = http(addr, "GET", "/r/abcdefghijklmnopqrstuv").await;
    assert!(!again.contains(&format!("'nonce-{nonce}'")), "a new nonce per response");
    for path in ["/r/abcdefghijklmnopqrstuv", "/healthz", "/vision-worker.js", "/nowhere"] {
        let (_, response) = http(addr, "GET", path).await;
        let has =
            |name, value: &str| header_value(&response, name).is_some_and(|v| v.contains(value));
        assert!(has("referrer-policy", "no-referrer"), "{path}");
        assert!(has("x-content-type-options", "nosniff"), "{path}");
        assert!(has("x-frame-options", "DENY"), "{path}");
        assert!(has("cross-origin-opener-policy", "same-origin"), "{path}");
        assert!(has("permissions-policy", "camera=(self)"), "{path}");
        assert!(has("permissions-policy", "display-capture=(self)"), "{path}");
        assert!(has("content-security-policy", "frame-ancestors 'none'"), "{path}");
        assert!(header_value(&response, "strict-transport-security").is_none(), "plain HTTP");
    }
}

#[tokio::test]
async fn a_member_that_stops_reading_is_dropped_instead_of_pinning_memory() {
    let addr = start().await;
    let r = room('z');
    let (mut a, _, _) = Client::join(addr, &r, "Ann").await;
    // Bo joins and then never reads his socket again.
    let (_bo, pb, _) = Client::join(addr, &r, "Bo").await;
    assert!(matches!(a.recv().await, ServerMsg::PeerJoined { .. }));
    let big = "x".repeat(60 * 1024);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut sent = 0;
    'relay: while tokio::time::Instant::now() < deadline {
        a.send(&ClientMsg::Signal { to: pb, signal: offer(&big) }).await;
        sent += 1;
        // Read what came back meanwhile; pace to the hub's rate limit (50/s).
        while let Ok(Some(Ok(Message::Text(t)))) =
            tokio::time::timeout(Duration::from_millis(20), a.ws.next()).await
        {
            match serde_json::from_str::<ServerMsg>(&t).unwrap() {
                ServerMsg::Error { code: ErrorCode::PeerAway, .. } => break 'relay,
                ServerMsg::PeerLeft { peer } if peer == pb => break 'relay,
                _ => {}
            }
        }
    }
    assert!(tokio::time::Instant::now() < deadline, "Bo was never dropped after {sent} signals");
    // At most the byte limit and the kernel's buffers went to him: far fewer than 512 × 60 KB.
    assert!(sent < 512, "dropped only after {sent} signals");
}

// ---- Who gets in: the host's controls and unjoined sockets, over real sockets. ----

impl Client {
    /// The next message that `pick` accepts, skipping others.
    async fn recv_until<T>(&mut self, mut pick: impl FnMut(ServerMsg) -> Option<T>) -> T {
        loop {
            if let Some(found) = pick(self.recv_any().await) {
                return found;
            }
        }
    }

    async fn next_error(&mut self) -> ErrorCode {
        self.recv_until(|m| match m {
            ServerMsg::Error { code, .. } => Some(code),
            _ => None,
        })
        .await
    }

    async fn next_state(&mut self) -> RoomState {
        self.state_with(|_| true).await
    }

    /// The next room state that `pred` accepts (earlier ones are skipped).
    async fn state_with(&mut self, pred: impl Fn(&RoomState) -> bool) -> RoomState {
        self.recv_until(|m| match m {
            ServerMsg::RoomState(state) if pred(&state) => Some(state),
            _ => None,
        })
        .await
    }

    async fn next_knocks(&mut self) -> Vec<KnockInfo> {
        self.recv_until(|m| match m {
            ServerMsg::Knocks { knocks } => Some(knocks),
            _ => None,
        })
        .await
    }

    /// Waits (up to `within`) for the server's close frame; gives its code and reason.
    async fn closed_within(&mut self, within: Duration) -> (u16, String) {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .expect("closed in time")
                .expect("a close frame before the end")
                .expect("frame");
            if let Message::Close(frame) = frame {
                let frame = frame.expect("a close frame with a reason");
                return (frame.code.into(), frame.reason.to_string());
            }
        }
    }

    /// Sends a join and gives the welcome's seat and ticket.
    async fn welcome(&mut self, msg: &ClientMsg) -> (PeerId, String) {
        self.send(msg).await;
        self.recv_until(|m| match m {
            ServerMsg::Welcome { you, ticket, .. } => Some((you, ticket)),
            ServerMsg::Error { code, .. } => panic!("refused: {code:?}"),
            _ => None,
        })
        .await
    }
}

fn join_as(r: &RoomId, name: &str) -> ClientMsg {
    ClientMsg::Join { room: r.clone(), name: name.into() }
}

#[tokio::test]
async fn the_host_locks_the_room_and_a_newcomer_is_refused_but_a_ticket_resumes() {
    let addr = start().await;
    let r = room('L');
    let (mut a, pa, _) = Client::join(addr, &r, "Ann").await;
    assert_eq!(a.next_state().await.host, Some(pa));
    let mut b = Client::connect(addr).await;
    let (pb, ticket) = b.welcome(&join_as(&r, "Bo")).await;
    assert_eq!(b.next_state().await.host, Some(pa), "everyone sees who the host is");
    assert!(matches!(a.recv().await, ServerMsg::PeerJoined { .. }));
    // Bo is not the host.
    b.send(&ClientMsg::SetLock { locked: true }).await;
    assert_eq!(b.next_error().await, ErrorCode::NotHost);
    a.send(&ClientMsg::SetLock { locked: true }).await;
    b.state_with(|s| s.locked).await;
    let mut c = Client::connect(addr).await;
    c.send(&join_as(&r, "Cy")).await;
    assert_eq!(c.next_error().await, ErrorCode::RoomLocked);
    // Bo's connection drops; his ticket takes the seat back in the locked room, silently.
    drop(b);
    let mut b2 = Client::connect(addr).await;
    let resume = ClientMsg::Resume { room: r.clone(), name: "Bo".into(), peer: pb, ticket };
    assert_eq!(b2.welcome(&resume).await.0, pb);
    a.expect_nothing_pending().await;
}

#[tokio::test]
async fn a_password_is_required_and_checked() {
    let addr = start().await;
    let r = room('P');
    let (mut a, _, _) = Client::join(addr, &r, "Ann").await;
    a.send(&ClientMsg::SetPassword { password: Some("tiger lily".into()) }).await;
    a.state_with(|s| s.password).await;
    let mut c = Client::connect(addr).await;
    c.send(&join_as(&r, "Cy")).await;
    assert_eq!(c.next_error().await, ErrorCode::PasswordRequired);
    let with = |p: &str| ClientMsg::JoinWithPassword {
        room: r.clone(),
        name: "Cy".into(),
        password: p.into(),
    };
    c.send(&with("tiger lilly")).await;
    assert_eq!(c.next_error().await, ErrorCode::WrongPassword);
    c.welcome(&with("tiger lily")).await;
}

#[tokio::test]
async fn a_knock_is_admitted_or_declined_and_a_closed_knock_disappears() {
    let addr = start().await;
    let r = room('K');
    let (mut a, _, _) = Client::join(addr, &r, "Ann").await;
    a.send(&ClientMsg::SetKnock { knock: true }).await;
    a.state_with(|s| s.knock).await;
    // Cy knocks and is admitted.
    let mut c = Client::connect(addr).await;
    c.send(&join_as(&r, "Cy")).await;
    assert_eq!(c.recv().await, ServerMsg::Knocking);
    let knocks = a.next_knocks().await;
    assert_eq!(knocks[0].name, "Cy");
    a.send(&ClientMsg::Admit { knock: knocks[0].id }).await;
    assert!(matches!(c.recv().await, ServerMsg::Welcome { .. }));
    assert_eq!(a.next_knocks().await, vec![]);
    // Di knocks and is declined.
    let mut d = Client::connect(addr).await;
    d.send(&join_as(&r, "Di")).await;
    assert_eq!(d.recv().await, ServerMsg::Knocking);
    let knocks = a.next_knocks().await;
    a.send(&ClientMsg::Decline { knock: knocks[0].id }).await;
    assert_eq!(d.next_error().await, ErrorCode::KnockDeclined);
    assert_eq!(a.next_knocks().await, vec![]);
    // Ed knocks and closes his tab: the knock leaves the host's list.
    let mut e = Client::connect(addr).await;
    e.send(&join_as(&r, "Ed")).await;
    assert_eq!(e.recv().await, ServerMsg::Knocking);
    assert_eq!(a.next_knocks().await.len(), 1);
    drop(e);
    assert_eq!(a.next_knocks().await, vec![]);
}

#[tokio::test]
async fn when_the_host_leaves_the_next_host_gets_the_knocks() {
    let addr = start().await;
    let r = room('N');
    let (mut a, _, _) = Client::join(addr, &r, "Ann").await;
    let (mut b, pb, _) = Client::join(addr, &r, "Bo").await;
    a.send(&ClientMsg::SetKnock { knock: true }).await;
    b.state_with(|s| s.knock).await;
    let mut c = Client::connect(addr).await;
    c.send(&join_as(&r, "Cy")).await;
    assert_eq!(c.recv().await, ServerMsg::Knocking);
    a.send(&ClientMsg::Leave).await;
    b.state_with(|s| s.host == Some(pb)).await;
    let knocks = b.next_knocks().await;
    assert_eq!(knocks.len(), 1);
    b.send(&ClientMsg::Admit { knock: knocks[0].id }).await;
    assert!(matches!(c.recv().await, ServerMsg::Welcome { .. }));
}

#[tokio::test]
async fn a_removed_participant_is_told_closed_and_cannot_resume() {
    let addr = start().await;
    let r = room('R');
    let (mut a, _, _) = Client::join(addr, &r, "Ann").await;
    let mut b = Client::connect(addr).await;
    let (pb, ticket) = b.welcome(&join_as(&r, "Bo")).await;
    assert!(matches!(a.recv().await, ServerMsg::PeerJoined { .. }));
    a.send(&ClientMsg::Remove { peer: pb }).await;
    assert_eq!(b.next_error().await, ErrorCode::Removed);
    let (code, _) = b.closed_within(WAIT).await;
    assert_eq!(code, CLOSE_REMOVED);
    assert_eq!(a.recv().await, ServerMsg::PeerLeft { peer: pb });
    let mut back = Client::connect(addr).await;
    back.send(&ClientMsg::Resume { room: r.clone(), name: "Bo".into(), peer: pb, ticket }).await;
    assert_eq!(back.next_error().await, ErrorCode::Removed);
    back.expect_nothing_pending().await;
    a.expect_nothing_pending().await;
}

#[tokio::test]
async fn a_socket_that_takes_no_seat_is_closed_with_a_reason_but_a_knock_waits() {
    let addr = start().await;
    let r = room('T');
    let (mut a, _, _) = Client::join(addr, &r, "Ann").await;
    a.send(&ClientMsg::SetKnock { knock: true }).await;
    let mut knocker = Client::connect(addr).await;
    knocker.send(&join_as(&r, "Cy")).await;
    assert_eq!(knocker.recv().await, ServerMsg::Knocking);
    let started = std::time::Instant::now();
    let mut idle = Client::connect(addr).await;
    let (code, reason) = idle.closed_within(Duration::from_secs(15)).await;
    assert_eq!(code, CLOSE_JOIN_TIMEOUT);
    assert_eq!(reason, "no room joined in time");
    assert!(started.elapsed() >= Duration::from_secs(9), "{:?}", started.elapsed());
    // The knocker waited as long and is still there, and can be let in.
    let knocks = a.next_knocks().await;
    a.send(&ClientMsg::Admit { knock: knocks[0].id }).await;
    assert!(matches!(knocker.recv().await, ServerMsg::Welcome { .. }));
}
