//! Durable before acknowledged: the real server binary plays short games with two WebSocket
//! players and is SIGKILLed the moment an acknowledgment arrives (an upload's 200, a room's
//! `game_over`); restarted on the same data folder, it must still have everything it
//! acknowledged. Repeated for several rounds in one test, so a write that races its
//! acknowledgment (1–4 ms before this was fixed) shows up as a loss.

use futures::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use straightface::browser::BrowserId;
use straightface::game::{Phase, Reading};
use straightface::protocol::{ClientMsg, PeerId, RoomId, ServerMsg};
use straightface::protocol::{GameClientMsg, GameServerMsg};
use straightface::store::History;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Kill-and-restart rounds; each kills the server twice (after an upload, after a game).
const ROUNDS: usize = 5;
/// How long any one step may take before the test fails.
const WAIT: Duration = Duration::from_secs(20);
/// A real JPEG (160×120, made with `ffmpeg -f lavfi -i testsrc=size=160x120`).
const JPEG: &[u8] = include_bytes!("fixtures/highlight.jpg");

/// The server binary on a fresh port, serving `data`.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    async fn start(data: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        // DURABLE_TEST_SERVER: another build to hold to the same test (e.g. an older one).
        let binary = std::env::var_os("DURABLE_TEST_SERVER")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_straightface").into());
        let child = Command::new(binary)
            .args(["--bind", &addr.to_string(), "--data-dir"])
            .arg(data)
            // A game: no countdown, one 3 s round.
            .args(["--game-countdown-secs", "0", "--laugh-round-secs", "3", "--laugh-rounds", "1"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the server binary runs");
        let deadline = Instant::now() + WAIT;
        while http(addr, "GET", "/healthz", None).await.map(|(s, _)| s) != Some(200) {
            assert!(Instant::now() < deadline, "the server did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await; // polling interval
        }
        Self { child, addr }
    }

    /// SIGKILL: no shutdown, no flush, nothing after this instant.
    async fn kill(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }
}

/// A raw HTTP/1.1 request with an optional browser cookie; `None` if the server is not up.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    browser: Option<BrowserId>,
) -> Option<(u16, Vec<u8>)> {
    let mut tcp = TcpStream::connect(addr).await.ok()?;
    let cookie = browser.map(|b| format!("Cookie: sf_browser={b}\r\n")).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}Content-Length: 0\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.ok()?;
    let mut buf = Vec::new();
    tcp.read_to_end(&mut buf).await.ok()?;
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let status = std::str::from_utf8(buf.get(9..12)?).ok()?.parse().ok()?;
    Some((status, buf[split..].to_vec()))
}

/// One player's socket, from one browser.
struct Player {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    peer: PeerId,
    ticket: String,
}

impl Player {
    async fn join(addr: SocketAddr, browser: BrowserId, room: &RoomId, name: &str) -> Self {
        let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
        let cookie = format!("sf_browser={browser}").parse().unwrap();
        request.headers_mut().insert("cookie", cookie);
        let (ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let mut player = Self { ws, peer: PeerId(0), ticket: String::new() };
        player.send(&ClientMsg::Join { room: room.clone(), name: name.into() }).await;
        let (peer, ticket) = player
            .until(|m| match m {
                ServerMsg::Welcome { you, ticket, .. } => Some((you, ticket)),
                _ => None,
            })
            .await;
        (player.peer, player.ticket) = (peer, ticket);
        player
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

    /// Whether a message is waiting (not blocking).
    async fn next_now(&mut self) -> Option<ServerMsg> {
        let frame = tokio::time::timeout(Duration::from_millis(1), self.ws.next()).await.ok()??;
        match frame.ok()? {
            Message::Text(text) => serde_json::from_str(&text).ok(),
            _ => None,
        }
    }
}

/// A reading with `happy` at `p` and the rest neutral.
fn reading(seq: u64, happy: f32) -> ClientMsg {
    let probs = vec![1.0 - happy, happy, 0.0, 0.0, 0.0, 0.0, 0.0];
    ClientMsg::Game(GameClientMsg::Reading(Reading { seq, face: true, probs }))
}

fn room(round: usize, tag: char) -> RoomId {
    RoomId::parse(&format!("{tag}{round}").repeat(11)).unwrap()
}

/// Ann laughs, Bo does not, until the server asks Ann for a picture; returns the request.
async fn laugh_until_asked(ann: &mut Player, bo: &mut Player) -> u64 {
    ann.send(&ClientMsg::Game(GameClientMsg::Start)).await;
    let deadline = Instant::now() + WAIT;
    for seq in 1.. {
        assert!(Instant::now() < deadline, "no capture request");
        ann.send(&reading(seq, 0.95)).await;
        bo.send(&reading(seq, 0.0)).await;
        while let Some(msg) = ann.next_now().await {
            if let ServerMsg::Game(GameServerMsg::Capture(request)) = msg {
                return request.id;
            }
        }
        tokio::time::sleep(Duration::from_millis(110)).await; // the readings' own pace
    }
    unreachable!()
}

/// `POST /api/highlights/{request}` with Ann's ticket; the status.
async fn upload(addr: SocketAddr, room: &RoomId, ann: &Player, request: u64) -> u16 {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/highlights/{request}?room={room}&peer={} HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: image/jpeg\r\nx-seat-ticket: {}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        ann.peer,
        ann.ticket,
        JPEG.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(JPEG).await.unwrap();
    let mut status = [0u8; 12];
    tcp.read_exact(&mut status).await.unwrap();
    std::str::from_utf8(&status[9..12]).unwrap().parse().unwrap()
}

/// How many stored highlights hold our picture (read from the database file itself).
async fn stored_pictures(data: &Path) -> i64 {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(data.join("straightface.db"));
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM highlights WHERE image = ?")
        .bind(JPEG)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n
}

/// The game ids `browser` finds on `/api/history`.
async fn listed(addr: SocketAddr, browser: Option<BrowserId>) -> Vec<String> {
    let (status, body) = http(addr, "POST", "/api/history", browser).await.expect("up");
    assert_eq!(status, 200);
    let history: History = serde_json::from_slice(&body).unwrap();
    history.mine.games.into_iter().map(|g| g.id).collect()
}

#[tokio::test]
async fn what_was_acknowledged_survives_a_sigkill_right_after() {
    let data = tempfile::TempDir::new().unwrap();
    let (ann_browser, bo_browser) = (BrowserId::random(), BrowserId::random());
    let mut server = Server::start(data.path()).await;
    let mut games: Vec<String> = Vec::new();
    for round in 0..ROUNDS {
        // 1. An upload: killed as soon as its 200 arrives.
        let r = room(round, 'u');
        let mut ann = Player::join(server.addr, ann_browser, &r, "Ann").await;
        let mut bo = Player::join(server.addr, bo_browser, &r, "Bo").await;
        let request = laugh_until_asked(&mut ann, &mut bo).await;
        assert_eq!(upload(server.addr, &r, &ann, request).await, 200);
        server.kill().await;
        server = Server::start(data.path()).await;
        assert_eq!(stored_pictures(data.path()).await, round as i64 + 1, "round {round}");

        // 2. A game: killed as soon as Ann is told it is over (Bo leaving ends it early).
        let r = room(round, 'g');
        let mut ann = Player::join(server.addr, ann_browser, &r, "Ann").await;
        let mut bo = Player::join(server.addr, bo_browser, &r, "Bo").await;
        ann.send(&ClientMsg::Game(GameClientMsg::Start)).await;
        let running = |m| match m {
            ServerMsg::Game(GameServerMsg::GamePhase(view)) => {
                matches!(view.phase, Phase::Round { .. }).then_some(())
            }
            _ => None,
        };
        ann.until(running).await;
        bo.send(&ClientMsg::Leave).await;
        let game_id = ann
            .until(|m| match m {
                ServerMsg::Game(GameServerMsg::GameOver { game_id, .. }) => Some(game_id),
                _ => None,
            })
            .await;
        server.kill().await;
        server = Server::start(data.path()).await;
        games.insert(0, game_id.clone());
        let page = http(server.addr, "GET", &format!("/games/{game_id}"), None).await;
        assert_eq!(page.map(|(s, _)| s), Some(200), "round {round}: game {game_id} lost");
        assert_eq!(listed(server.addr, Some(ann_browser)).await, games, "round {round}");
        assert_eq!(listed(server.addr, Some(bo_browser)).await, games, "round {round}");
        assert!(listed(server.addr, None).await.is_empty(), "a browser without the cookie");
    }
    server.kill().await;
}
