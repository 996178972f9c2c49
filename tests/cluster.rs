//! Several nodes on one Redis: two real server processes and a real `redis-server`. Members of
//! one room connected to different nodes reach each other (the second node forwards to the
//! room's owner); when the owner is SIGKILLed, the room's members resume on the other node with
//! their seat tickets and keep their peer ids, and a game it was running is saved, as it stood,
//! in the Postgres the nodes share (as it is when its node stops cleanly, or when the first
//! request to reach the new owner is an upload).

mod postgres_support;

use futures::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};
use straightface::browser::BrowserId;
use straightface::game::{GameEvent, Reading};
use straightface::protocol::{ClientMsg, PeerId, RoomId, SdpType, ServerMsg, Signal};
use straightface::protocol::{GameClientMsg, GameServerMsg};
use straightface::signaling::cluster::{Directory, Owner};
use straightface::store::History;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long any one step may take before the test fails.
const WAIT: Duration = Duration::from_secs(10);
/// A real JPEG (160×120).
const JPEG: &[u8] = include_bytes!("fixtures/highlight.jpg");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A `redis-server` of our own on a free port, without persistence.
struct Redis {
    _child: Child,
    url: String,
}

impl Redis {
    async fn start() -> Self {
        let port = free_port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", ""])
            .args(["--appendonly", "no"])
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server is not installed: run scripts/setup");
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(mut tcp) = TcpStream::connect(("127.0.0.1", port)).await {
                let mut pong = [0u8; 7];
                if tcp.write_all(b"PING\r\n").await.is_ok()
                    && tcp.read_exact(&mut pong).await.is_ok()
                    && &pong == b"+PONG\r\n"
                {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "redis-server did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await; // polling interval
        }
        Self { _child: child, url: format!("redis://127.0.0.1:{port}/0") }
    }

    /// A connection for looking at (or changing) what the nodes keep there.
    async fn connection(&self) -> redis::aio::MultiplexedConnection {
        let client = redis::Client::open(self.url.as_str()).unwrap();
        client.get_multiplexed_async_connection().await.unwrap()
    }
}

/// One node: the server binary on fresh ports, its own data folder holding the deployment's
/// seat key.
struct Node {
    child: Child,
    addr: SocketAddr,
    node_port: u16,
    _data: tempfile::TempDir,
}

/// The deployment's seat key, the same file in every node's data folder.
const SEAT_KEY: [u8; 32] = [42; 32];

impl Node {
    async fn start(redis: &Redis) -> Self {
        Self::start_with(redis, &[]).await
    }

    async fn start_with(redis: &Redis, extra: &[&str]) -> Self {
        let data = tempfile::tempdir().unwrap();
        std::fs::write(data.path().join("seat.key"), SEAT_KEY).unwrap();
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
        let node_port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_straightface"))
            .args(["--bind", &addr.to_string(), "--data-dir"])
            .arg(data.path())
            .args(["--redis-url", &redis.url, "--node-bind", &format!("127.0.0.1:{node_port}")])
            .args(["--resume-grace", "30"])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the server binary runs");
        let deadline = Instant::now() + WAIT;
        while http(addr, "GET /healthz", &[], b"").await.map(|(s, _)| s) != Some(200) {
            assert!(Instant::now() < deadline, "the node did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await; // polling interval
        }
        Self { child, addr, node_port, _data: data }
    }

    /// SIGKILL: no shutdown, no goodbye to Redis.
    async fn kill(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }

    /// SIGTERM: a clean shutdown; it must exit, successfully, in time.
    async fn stop(mut self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().unwrap().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exited =
            tokio::time::timeout(WAIT, self.child.wait()).await.expect("it stops").unwrap();
        assert!(exited.success(), "{exited:?}");
    }
}

/// A raw HTTP/1.1 request; `None` if nothing answers. Status and body.
async fn http(
    addr: SocketAddr,
    request_line: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<(u16, String)> {
    let mut tcp = TcpStream::connect(addr).await.ok()?;
    let mut head = format!("{request_line} HTTP/1.1\r\nHost: {addr}\r\n");
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("connection")) {
        head.push_str("Connection: close\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    tcp.write_all(head.as_bytes()).await.ok()?;
    tcp.write_all(body).await.ok()?;
    let mut buf = Vec::new();
    tokio::time::timeout(WAIT, tcp.read_to_end(&mut buf)).await.expect("an answer in time").ok()?;
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text.get(9..12)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Some((status, body))
}

/// One member's socket.
struct Member {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    peer: PeerId,
    ticket: String,
}

impl Member {
    async fn connect(
        addr: SocketAddr,
        room: &RoomId,
    ) -> WebSocketStream<MaybeTlsStream<TcpStream>> {
        let url = format!("ws://{addr}/ws/{room}");
        tokio_tungstenite::connect_async(url).await.expect("the node takes the socket").0
    }

    /// Joins `room` through the node at `addr`.
    async fn join(addr: SocketAddr, room: &RoomId, name: &str) -> (Self, Vec<PeerId>) {
        Self::join_from(addr, room, name, None).await
    }

    /// Joins `room` through the node at `addr`, from `browser` (its `sf_browser` cookie).
    async fn join_from(
        addr: SocketAddr,
        room: &RoomId,
        name: &str,
        browser: Option<BrowserId>,
    ) -> (Self, Vec<PeerId>) {
        let mut request = format!("ws://{addr}/ws/{room}").into_client_request().unwrap();
        if let Some(browser) = browser {
            let cookie = format!("sf_browser={browser}").parse().unwrap();
            request.headers_mut().insert("cookie", cookie);
        }
        let (ws, _) = tokio_tungstenite::connect_async(request).await.expect("the node takes it");
        let mut member = Self { ws, peer: PeerId(0), ticket: String::new() };
        member.send(&ClientMsg::Join { room: room.clone(), name: name.into() }).await;
        let (peer, ticket, peers) = member.welcome().await;
        (member.peer, member.ticket) = (peer, ticket);
        (member, peers)
    }

    /// Takes its seat back through the node at `addr`, with its ticket.
    async fn resume(&mut self, addr: SocketAddr, room: &RoomId, name: &str) -> Vec<PeerId> {
        self.ws = Self::connect(addr, room).await;
        let (peer, ticket) = (self.peer, self.ticket.clone());
        self.send(&ClientMsg::Resume { room: room.clone(), name: name.into(), peer, ticket }).await;
        let (you, _, peers) = self.welcome().await;
        assert_eq!(you, peer, "the same seat, the same peer id");
        peers
    }

    async fn welcome(&mut self) -> (PeerId, String, Vec<PeerId>) {
        self.until(|m| match m {
            ServerMsg::Welcome { you, ticket, peers, .. } => {
                Some((you, ticket, peers.into_iter().map(|p| p.id).collect()))
            }
            ServerMsg::Error { code, message } => panic!("refused: {code:?} {message}"),
            _ => None,
        })
        .await
    }

    async fn send(&mut self, msg: &ClientMsg) {
        self.ws.send(Message::text(serde_json::to_string(msg).unwrap())).await.unwrap();
    }

    /// The first message `pick` accepts (others are skipped).
    async fn until<T>(&mut self, mut pick: impl FnMut(ServerMsg) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .expect("the awaited message in time")
                .expect("socket open")
                .expect("a frame");
            if let Message::Text(text) = frame {
                if let Some(found) = pick(serde_json::from_str(&text).unwrap()) {
                    return found;
                }
            }
        }
    }

    /// Sends `sdp` to `to` and waits until `to`'s member receives it from us.
    async fn signal(&mut self, to: &mut Member, sdp: &str) {
        let signal = Signal::Description { sdp_type: SdpType::Offer, sdp: sdp.into() };
        self.send(&ClientMsg::Signal { to: to.peer, signal: signal.clone() }).await;
        let from = self.peer;
        to.until(|m| match m {
            ServerMsg::Signal { from: f, signal: s } if f == from && s == signal => Some(()),
            _ => None,
        })
        .await;
    }

    /// The close frame that ends this socket (frames before it are skipped).
    async fn closed(&mut self) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await.expect("closed in time") {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return None,
            }
        }
    }
}

fn room(tag: char) -> RoomId {
    RoomId::parse(&tag.to_string().repeat(22)).unwrap()
}

#[tokio::test]
async fn members_on_two_nodes_meet_in_one_room_and_relay_to_each_other() {
    let redis = Redis::start().await;
    let (one, two) = (Node::start(&redis).await, Node::start(&redis).await);
    let r = room('a');
    let (mut ann, peers) = Member::join(one.addr, &r, "Ann").await;
    assert!(peers.is_empty());
    // Bo reaches the other node, which carries him to the room's owner.
    let (mut bo, peers) = Member::join(two.addr, &r, "Bo").await;
    assert_eq!(peers, vec![ann.peer], "Bo sees Ann, who is on the other node");
    let bo_id = bo.peer;
    ann.until(|m| matches!(m, ServerMsg::PeerJoined { peer } if peer.id == bo_id).then_some(()))
        .await;
    ann.signal(&mut bo, "v=0 ann").await;
    bo.signal(&mut ann, "v=0 bo").await;
    // A third member on the second node, another room on the second node: both work.
    let (mut cy, peers) = Member::join(two.addr, &r, "Cy").await;
    assert_eq!(peers.len(), 2);
    cy.signal(&mut bo, "v=0 cy").await;
    let (_dee, peers) = Member::join(two.addr, &room('b'), "Dee").await;
    assert!(peers.is_empty(), "rooms stay apart across nodes");
    // A clean leave through the forwarding node frees the seat on the owner.
    bo.ws.close(None).await.unwrap();
    ann.until(|m| matches!(m, ServerMsg::PeerLeft { peer } if peer == bo_id).then_some(())).await;
}

#[tokio::test]
async fn when_the_owner_is_killed_its_members_resume_on_the_other_node_with_their_ids() {
    let redis = Redis::start().await;
    let (one, two) = (Node::start(&redis).await, Node::start(&redis).await);
    let r = room('k');
    let (mut ann, _) = Member::join(one.addr, &r, "Ann").await;
    let (mut bo, _) = Member::join(two.addr, &r, "Bo").await;
    ann.signal(&mut bo, "v=0 before").await;
    let killed = Instant::now();
    one.kill().await;
    // Bo's socket, forwarded by node two, is told the room moves (1012); Ann's just dropped.
    assert_eq!(bo.closed().await, Some(u16::from(CloseCode::Restart)));
    // Both come back through node two, which takes the room over once node one's heartbeat
    // has lapsed.
    let peers = bo.resume(two.addr, &r, "Bo").await;
    assert!(peers.is_empty(), "the new owner knows only the seats that came back");
    let peers = ann.resume(two.addr, &r, "Ann").await;
    assert_eq!(peers, vec![bo.peer]);
    assert!(killed.elapsed() < WAIT, "resumed {:?} after the kill", killed.elapsed());
    eprintln!("both members resumed on the surviving node {:?} after the kill", killed.elapsed());
    ann.signal(&mut bo, "v=0 after").await;
    bo.signal(&mut ann, "v=0 after too").await;
}

#[tokio::test]
async fn the_node_port_answers_only_nodes_and_a_node_serves_rooms_by_address_only() {
    let redis = Redis::start().await;
    let node = Node::start(&redis).await;
    let port = SocketAddr::from(([127, 0, 0, 1], node.node_port));
    let upgrade = [
        ("Upgrade", "websocket"),
        // `close`: a refused upgrade must not leave the connection open for more requests.
        ("Connection", "Upgrade, close"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];
    let path = format!("GET /node/ws/{}", room('n'));
    let (status, _) = http(port, &path, &upgrade, b"").await.unwrap();
    assert_eq!(status, 403, "no node token");
    let forged = [&upgrade[..], &[("x-straightface-node", "AAAA")]].concat();
    let (status, _) = http(port, &path, &forged, b"").await.unwrap();
    assert_eq!(status, 403, "a wrong node token");
    let (status, _) =
        http(port, "POST /node/highlights/1?room=nnnnnnnnnnnnnnnnnnnnnn&peer=1", &[], JPEG)
            .await
            .unwrap();
    assert_eq!(status, 403);
    // `/ws` names no room, so no node can tell who should serve it.
    let (status, body) = http(node.addr, "GET /ws", &upgrade, b"").await.unwrap();
    assert_eq!(status, 400);
    assert!(body.contains("/ws/{room}"), "{body}");
}

#[tokio::test]
async fn an_upload_through_another_node_gets_the_owners_answer() {
    let redis = Redis::start().await;
    let (one, two) = (Node::start(&redis).await, Node::start(&redis).await);
    let r = room('u');
    let (ann, _) = Member::join(one.addr, &r, "Ann").await;
    // No game asked for a picture: the owner refuses it, whichever node received it.
    let path = format!("POST /api/highlights/7?room={r}&peer={}", ann.peer.0);
    let headers = [("Content-Type", "image/jpeg"), ("x-seat-ticket", ann.ticket.as_str())];
    let (direct, direct_body) = http(one.addr, &path, &headers, JPEG).await.unwrap();
    let (forwarded, forwarded_body) = http(two.addr, &path, &headers, JPEG).await.unwrap();
    assert_eq!(direct, 409, "{direct_body}");
    assert_eq!((forwarded, forwarded_body), (direct, direct_body));
    // A forged ticket is refused by the node it reached, before anything is forwarded.
    let forged = [("Content-Type", "image/jpeg"), ("x-seat-ticket", "AAAAAAAAAAAAAAAAAAAAAA")];
    let (status, _) = http(two.addr, &path, &forged, JPEG).await.unwrap();
    assert_eq!(status, 403);
    drop(ann);
}

/// A reading with `happy` at `p` and the rest neutral.
fn reading(seq: u64, happy: f32) -> ClientMsg {
    let probs = vec![1.0 - happy, happy, 0.0, 0.0, 0.0, 0.0, 0.0];
    ClientMsg::Game(GameClientMsg::Reading(Reading { seq, face: true, probs }))
}

/// Whether Redis holds a running game for `room` (what the owner's hub last said of it).
async fn game_kept(redis: &Redis, room: &RoomId) -> bool {
    let mut con = redis.connection().await;
    let n: i64 =
        redis::cmd("EXISTS").arg(format!("sf:game:{room}")).query_async(&mut con).await.unwrap();
    n == 1
}

/// The nodes' options for a game that is still running when its node goes: one long round, no
/// countdown, the shared Postgres.
fn long_game(db: &str) -> [&str; 6] {
    ["--db", db, "--game-countdown-secs", "0", "--laugh-round-secs", "60"]
}

/// A Redis, and two nodes on it sharing a fresh Postgres, set for [`long_game`]s.
async fn game_nodes() -> (Redis, Node, Node) {
    let db = postgres_support::fresh_database().await;
    let redis = Redis::start().await;
    let one = Node::start_with(&redis, &long_game(&db)).await;
    let two = Node::start_with(&redis, &long_game(&db)).await;
    (redis, one, two)
}

/// The results page of game `game_id`, read through the node at `addr`, names Ann and Bo.
async fn results_name_both(addr: SocketAddr, game_id: &str) {
    let (status, html) = http(addr, &format!("GET /games/{game_id}"), &[], b"").await.unwrap();
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Ann") && html.contains("Bo"), "{html}");
}

/// Ann (on node `one`) and Bo (on node `two`) in room `r`, a game started by Ann, Ann laughing
/// until Bo has scored, and its standing kept in Redis. Returns Ann's and Bo's browsers.
async fn a_game_with_a_laugh(
    redis: &Redis,
    (one, two): (&Node, &Node),
    r: &RoomId,
) -> (Member, Member, BrowserId) {
    let ann_browser = BrowserId::random();
    let (mut ann, _) = Member::join_from(one.addr, r, "Ann", Some(ann_browser)).await;
    let (mut bo, _) = Member::join_from(two.addr, r, "Bo", Some(BrowserId::random())).await;
    ann.send(&ClientMsg::Game(GameClientMsg::Start)).await;
    // Ann laughs until the game says so: Bo gets the points.
    let deadline = Instant::now() + WAIT;
    let mut seq = 0;
    loop {
        assert!(Instant::now() < deadline, "no laugh was scored");
        seq += 1;
        ann.send(&reading(seq, 0.95)).await;
        bo.send(&reading(seq, 0.0)).await;
        let laughed = tokio::time::timeout(Duration::from_millis(110), async {
            bo.until(|m| match m {
                ServerMsg::Game(GameServerMsg::GameEvent(GameEvent::Laugh { points, .. })) => {
                    Some(points)
                }
                _ => None,
            })
            .await
        })
        .await;
        if laughed.is_ok() {
            break;
        }
    }
    while !game_kept(redis, r).await {
        assert!(Instant::now() < deadline, "the running game was never kept in Redis");
        tokio::time::sleep(Duration::from_millis(50)).await; // polling interval
    }
    (ann, bo, ann_browser)
}

/// The id of the first game in `browser`'s history, read through the node at `addr`, once
/// there is one (`poke` runs before each look).
async fn saved_game(addr: SocketAddr, browser: BrowserId, mut poke: impl AsyncFnMut()) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        poke().await;
        let (status, body) = http(
            addr,
            "POST /api/history",
            &[
                ("Cookie", &format!("sf_browser={browser}")),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            b"",
        )
        .await
        .unwrap();
        assert_eq!(status, 200, "{body}");
        let history: History = serde_json::from_str(&body).unwrap();
        if let Some(game) = history.mine.games.first() {
            return game.id.clone();
        }
        assert!(Instant::now() < deadline, "the game was not saved");
        tokio::time::sleep(Duration::from_millis(50)).await; // polling interval
    }
}

#[tokio::test]
async fn a_game_on_a_node_that_dies_is_saved_as_it_stood_by_the_node_that_takes_over() {
    let (redis, one, two) = game_nodes().await;
    let r = room('g');
    let (ann, mut bo, ann_browser) = a_game_with_a_laugh(&redis, (&one, &two), &r).await;
    one.kill().await;
    assert_eq!(bo.closed().await, Some(u16::from(CloseCode::Restart)));
    bo.resume(two.addr, &r, "Bo").await;
    // The node that took the room over saved the game; Ann's browser finds it there.
    let game_id = saved_game(two.addr, ann_browser, async || {}).await;
    results_name_both(two.addr, &game_id).await;
    drop(ann);
}

#[tokio::test]
async fn a_game_on_a_node_that_stops_cleanly_is_saved_as_it_stood_as_the_node_leaves() {
    let (redis, one, two) = game_nodes().await;
    let r = room('c');
    let (ann, bo, ann_browser) = a_game_with_a_laugh(&redis, (&one, &two), &r).await;
    // SIGTERM, and nobody comes back to the room: the leaving node saves the game itself.
    drop((ann, bo));
    one.stop().await;
    let game_id = saved_game(two.addr, ann_browser, async || {}).await;
    results_name_both(two.addr, &game_id).await;
    assert!(!game_kept(&redis, &r).await, "nothing is left for another node to save again");
}

#[tokio::test]
async fn a_highlight_upload_that_makes_a_node_the_owner_saves_the_dead_nodes_game() {
    let (redis, one, two) = game_nodes().await;
    let r = room('h');
    let (ann, bo, ann_browser) = a_game_with_a_laugh(&redis, (&one, &two), &r).await;
    one.kill().await;
    // No socket comes back; the first request of the room after the owner died is Bo's
    // highlight upload, which node two routes by claiming the room once node one's key lapsed.
    let path = format!("POST /api/highlights/1?room={r}&peer={}", bo.peer.0);
    let ticket = bo.ticket.clone();
    let upload = async || {
        let headers = [("Content-Type", "image/jpeg"), ("x-seat-ticket", ticket.as_str())];
        http(two.addr, &path, &headers, JPEG).await;
    };
    saved_game(two.addr, ann_browser, upload).await;
    drop((ann, bo));
}

#[tokio::test]
async fn a_dead_owners_game_is_moved_aside_by_the_claim_so_the_new_owner_cannot_erase_it() {
    let redis = Redis::start().await;
    let (r, other) = (room('o'), room('p'));
    let old = Directory::connect(&redis.url, "old".into(), "127.0.0.1:1".into()).await.unwrap();
    assert_eq!(old.claim(&r, false).await.unwrap(), Owner::Me { took_over: None, orphan: false });
    old.put_games(&[(r.clone(), Some("the running game".into()))]).await.unwrap();
    // The old node dies: its key is gone (what its expiry does after NODE_TTL).
    let mut con = redis.connection().await;
    redis::cmd("DEL").arg("sf:node:old").query_async::<()>(&mut con).await.unwrap();

    let new = Directory::connect(&redis.url, "new".into(), "127.0.0.1:2".into()).await.unwrap();
    let took = new.claim(&r, false).await.unwrap();
    assert_eq!(took, Owner::Me { took_over: Some("old".into()), orphan: true });
    // A second socket of the room claims it as well, and the new owner's hub, which has no
    // game running there, stores that before the first socket took the dead node's game.
    let again = new.claim(&r, true).await.unwrap();
    assert_eq!(again, Owner::Me { took_over: None, orphan: false });
    new.put_games(&[(r.clone(), None)]).await.unwrap();
    // The new owner's game; the old node, back from the dead with a late checkpoint or the end
    // of its game, cannot touch it: it no longer holds the lease.
    new.put_games(&[(r.clone(), Some("the new game".into()))]).await.unwrap();
    old.put_games(&[(r.clone(), Some("a late checkpoint".into()))]).await.unwrap();
    old.put_games(&[(r.clone(), None)]).await.unwrap();
    let kept: Option<String> =
        redis::cmd("GET").arg(format!("sf:game:{r}")).query_async(&mut con).await.unwrap();
    assert_eq!(kept.as_deref(), Some("the new game"));
    assert_eq!(new.take_orphan(&r).await.unwrap().as_deref(), Some("the running game"));
    assert_eq!(new.take_orphan(&r).await.unwrap(), None, "only one caller gets it");
    // A room taken over without a running game leaves nothing to take.
    let fresh = new.claim(&other, false).await.unwrap();
    assert_eq!(fresh, Owner::Me { took_over: None, orphan: false });
    assert_eq!(new.take_orphan(&other).await.unwrap(), None);
}

#[tokio::test]
async fn a_game_kept_for_a_room_without_a_lease_is_an_orphan_unless_this_node_serves_it() {
    let redis = Redis::start().await;
    let (r, mine, unsaved) = (room('q'), room('s'), room('w'));
    let node = Directory::connect(&redis.url, "n".into(), "127.0.0.1:1".into()).await.unwrap();
    // Games kept for rooms whose lease is gone (their node left, or the lease lapsed), and one
    // a node moved aside but stopped before it saved it.
    let mut con = redis.connection().await;
    let _: () = redis::pipe()
        .set_ex(format!("sf:game:{r}"), "left behind", 600)
        .set_ex(format!("sf:game:{mine}"), "mine", 600)
        .set_ex(format!("sf:orphan:{unsaved}"), "not saved yet", 600)
        .query_async(&mut con)
        .await
        .unwrap();
    // A node that stores a checkpoint without the room's lease stores nothing.
    node.put_games(&[(mine.clone(), Some("overwritten".into()))]).await.unwrap();
    let took = node.claim(&r, false).await.unwrap();
    assert_eq!(took, Owner::Me { took_over: None, orphan: true });
    assert_eq!(node.take_orphan(&r).await.unwrap().as_deref(), Some("left behind"));
    let took = node.claim(&unsaved, false).await.unwrap();
    assert_eq!(took, Owner::Me { took_over: None, orphan: true });
    assert_eq!(node.take_orphan(&unsaved).await.unwrap().as_deref(), Some("not saved yet"));
    // The node that serves the room (its lease lapsed while Redis was out of reach) keeps it.
    let kept = node.claim(&mine, true).await.unwrap();
    assert_eq!(kept, Owner::Me { took_over: None, orphan: false });
    assert_eq!(node.take_orphan(&mine).await.unwrap(), None);
    let game: Option<String> =
        redis::cmd("GET").arg(format!("sf:game:{mine}")).query_async(&mut con).await.unwrap();
    assert_eq!(game.as_deref(), Some("mine"));
}

#[tokio::test]
async fn a_node_that_leaves_moves_its_running_games_aside_and_frees_its_rooms() {
    let redis = Redis::start().await;
    let (r, idle, theirs) = (room('x'), room('y'), room('z'));
    let node = Directory::connect(&redis.url, "n".into(), "127.0.0.1:1".into()).await.unwrap();
    let other = Directory::connect(&redis.url, "o".into(), "127.0.0.1:2".into()).await.unwrap();
    node.claim(&r, false).await.unwrap();
    node.claim(&idle, false).await.unwrap();
    other.claim(&theirs, false).await.unwrap();
    node.put_games(&[(r.clone(), Some("running".into()))]).await.unwrap();
    other.put_games(&[(theirs.clone(), Some("theirs".into()))]).await.unwrap();
    // `theirs` is listed as if this node still thought it held it: it is not touched.
    let rooms = [r.clone(), idle.clone(), theirs.clone()];
    assert_eq!(node.release(&rooms, true).await.unwrap(), vec![r.clone()]);
    assert_eq!(node.take_orphan(&r).await.unwrap().as_deref(), Some("running"));
    let mut con = redis.connection().await;
    let keys: Vec<String> = redis::cmd("KEYS").arg("sf:*").query_async(&mut con).await.unwrap();
    let mut keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    keys.sort();
    let (theirs_game, theirs_lease) = (format!("sf:game:{theirs}"), format!("sf:room:{theirs}"));
    assert_eq!(keys, vec![theirs_game.as_str(), "sf:node:o", theirs_lease.as_str()]);
    // Without leaving (an idle room given up), a game kept there stays where it is.
    other.claim(&idle, true).await.unwrap();
    other.put_games(&[(idle.clone(), Some("stray".into()))]).await.unwrap();
    assert_eq!(other.release(std::slice::from_ref(&idle), false).await.unwrap(), vec![]);
    assert!(game_kept(&redis, &idle).await);
}

/// An nftables table dropping every packet of one TCP connection on loopback (both ways): the
/// connection goes dark as behind a firewall that forgot it, with no reset. Removed on drop.
struct Blackhole {
    table: String,
}

impl Blackhole {
    fn new(port_a: u16, port_b: u16) -> Self {
        let table = format!("sf_blackhole_{port_a}_{port_b}");
        let rules = format!(
            "table inet {table} {{\n  chain out {{\n    type filter hook output priority 0;\n    \
             tcp sport {port_a} tcp dport {port_b} drop\n    \
             tcp sport {port_b} tcp dport {port_a} drop\n  }}\n}}\n"
        );
        let mut nft = std::process::Command::new("nft")
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .spawn()
            .expect("nft is not installed: run scripts/setup");
        std::io::Write::write_all(nft.stdin.as_mut().unwrap(), rules.as_bytes()).unwrap();
        let status = nft.wait().unwrap();
        assert!(status.success(), "nft could not add a table (this test needs root): {status}");
        Self { table }
    }
}

impl Drop for Blackhole {
    fn drop(&mut self) {
        let _ = std::process::Command::new("nft")
            .args(["delete", "table", "inet", &self.table])
            .status();
    }
}

/// The ports of the Redis clients other than `con` itself, from `CLIENT LIST`.
async fn other_clients(con: &mut redis::aio::MultiplexedConnection) -> Vec<u16> {
    let me: i64 = redis::cmd("CLIENT").arg("ID").query_async(con).await.unwrap();
    let list: String = redis::cmd("CLIENT").arg("LIST").query_async(con).await.unwrap();
    list.lines()
        .filter(|line| !line.starts_with(&format!("id={me} ")))
        .filter_map(|line| {
            let addr = line.split(' ').find_map(|field| field.strip_prefix("addr="))?;
            addr.rsplit_once(':')?.1.parse().ok()
        })
        .collect()
}

#[tokio::test]
async fn a_node_whose_redis_connection_goes_dark_connects_again_and_keeps_its_rooms() {
    let redis = Redis::start().await;
    let redis_port: u16 =
        redis.url.rsplit_once(':').unwrap().1.trim_end_matches("/0").parse().unwrap();
    let node = Node::start(&redis).await;
    let r = room('d');
    let (mut ann, _) = Member::join(node.addr, &r, "Ann").await;
    let mut con = redis.connection().await;
    let clients = other_clients(&mut con).await;
    assert_eq!(clients.len(), 1, "the node holds one connection to Redis: {clients:?}");
    let keys: Vec<String> =
        redis::cmd("KEYS").arg("sf:node:*").query_async(&mut con).await.unwrap();
    let node_id = keys[0].strip_prefix("sf:node:").unwrap().to_owned();
    // The node's connection goes dark; nothing tells the node.
    let _dark = Blackhole::new(clients[0], redis_port);
    let cut = Instant::now();
    loop {
        assert!(cut.elapsed() < WAIT * 2, "the node never connected to Redis again");
        let now = other_clients(&mut con).await;
        let alive: i64 = redis::cmd("EXISTS")
            .arg(format!("sf:node:{node_id}"))
            .query_async(&mut con)
            .await
            .unwrap();
        if alive == 1 && now.iter().any(|p| *p != clients[0]) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await; // polling interval
    }
    eprintln!(
        "the node was back in the directory {:?} after its connection went dark",
        cut.elapsed()
    );
    // Its room is still its own, and Ann is still served there.
    let owner: Option<String> =
        redis::cmd("GET").arg(format!("sf:room:{r}")).query_async(&mut con).await.unwrap();
    assert_eq!(owner.as_deref(), Some(node_id.as_str()));
    let (mut bo, peers) = Member::join(node.addr, &r, "Bo").await;
    assert_eq!(peers, vec![ann.peer]);
    ann.signal(&mut bo, "v=0 after the dark").await;
}

#[tokio::test]
async fn a_node_whose_lease_moved_elsewhere_sends_the_rooms_members_on() {
    let redis = Redis::start().await;
    let node = Node::start(&redis).await;
    let r = room('m');
    let (mut ann, _) = Member::join(node.addr, &r, "Ann").await;
    // As if the node had been cut off from Redis long enough for another node to take the room.
    let mut con = redis.connection().await;
    let _: () = redis::pipe()
        .set_ex("sf:node:elsewhere", "127.0.0.1:9", 60)
        .set_ex(format!("sf:room:{r}"), "elsewhere", 60)
        .query_async(&mut con)
        .await
        .unwrap();
    // Its next heartbeat sees the lease gone and closes the room's sockets with 1012.
    assert_eq!(ann.closed().await, Some(u16::from(CloseCode::Restart)));
    // Once the room is free again, Ann's seat comes back with its ticket.
    let _: () = redis::cmd("DEL").arg(format!("sf:room:{r}")).query_async(&mut con).await.unwrap();
    let peers = ann.resume(node.addr, &r, "Ann").await;
    assert!(peers.is_empty());
}

#[tokio::test]
async fn a_node_that_stops_cleanly_leaves_the_directory_and_its_members_resume_elsewhere() {
    let redis = Redis::start().await;
    let (one, two) = (Node::start(&redis).await, Node::start(&redis).await);
    let r = room('t');
    let (mut ann, _) = Member::join(one.addr, &r, "Ann").await;
    let (mut bo, _) = Member::join(two.addr, &r, "Bo").await;
    // SIGTERM: a clean shutdown.
    one.stop().await;
    // Its key and its lease are gone at once, not when they expire.
    let mut con = redis.connection().await;
    let nodes: Vec<String> =
        redis::cmd("KEYS").arg("sf:node:*").query_async(&mut con).await.unwrap();
    assert_eq!(nodes.len(), 1, "only the node still running: {nodes:?}");
    let leased: i64 =
        redis::cmd("EXISTS").arg(format!("sf:room:{r}")).query_async(&mut con).await.unwrap();
    assert_eq!(leased, 0);
    // Bo, forwarded through node two, is told the room moves; both resume on node two.
    assert_eq!(bo.closed().await, Some(u16::from(CloseCode::Restart)));
    bo.resume(two.addr, &r, "Bo").await;
    let _ = ann.closed().await;
    let peers = ann.resume(two.addr, &r, "Ann").await;
    assert_eq!(peers, vec![bo.peer]);
}
