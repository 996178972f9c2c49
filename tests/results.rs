//! The results and history pages and the highlight images, served by the real router from a
//! real SQLite file.

use clap::Parser;
use std::net::SocketAddr;
use std::time::Duration;
use straightface::config::{Config, Flags};
use straightface::game::{GameRecord, Highlight, Mode, Results, Standing};
use straightface::protocol::PeerId;
use straightface::server::{router, AppState};
use straightface::store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];

/// Starts the server on a fresh data folder; returns its address and its store.
async fn start(data: &tempfile::TempDir) -> (SocketAddr, Store) {
    let data = data.path().to_string_lossy().to_string();
    let args = ["straightface", "--bind", "127.0.0.1:0", "--data-dir", &data];
    let config = Config::from_flags(Flags::try_parse_from(args).unwrap()).unwrap();
    let state = AppState::new(config).await.unwrap();
    let store = state.store.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(state)).await.unwrap() });
    (addr, store)
}

/// A raw HTTP/1.1 request: status, head, body.
async fn http(addr: SocketAddr, method: &str, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await.unwrap().unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("a head") + 4;
    let head = String::from_utf8_lossy(&buf[..split]).to_lowercase();
    let status = head[9..12].parse().unwrap();
    (status, head, buf[split..].to_vec())
}

async fn save_game(store: &Store, id: &str) {
    let ranking = vec![
        Standing { rank: 1, peer: PeerId(1), name: "Ann".into(), score: 20, left: false },
        Standing { rank: 2, peer: PeerId(2), name: "Bob".into(), score: 0, left: true },
    ];
    let results = Results {
        game: 1,
        mode: Mode::DontLaugh,
        rounds_played: 3,
        rounds: 3,
        ended_early: false,
        ranking: ranking.clone(),
    };
    let record = GameRecord {
        game: 1,
        mode: Mode::DontLaugh,
        started_at_ms: 0,
        ended_at_ms: 190_000,
        ended_early: false,
        players: ranking,
        rounds: Vec::new(),
        events: Vec::new(),
        highlights: Vec::new(),
    };
    let highlight = Highlight { game: 1, request_id: 5, player: PeerId(2), round: 2 };
    store.put_highlight(id, &highlight, JPEG).await.unwrap();
    store.save_game(id, "room-for-the-tests-1", &record, &results, 1_700_000_000).await.unwrap();
}

#[tokio::test]
async fn results_page_and_highlight_image() {
    let data = tempfile::TempDir::new().unwrap();
    let (addr, store) = start(&data).await;
    save_game(&store, "game-1").await;

    let (status, _, body) = http(addr, "GET", "/games/game-1").await;
    let html = String::from_utf8_lossy(&body);
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("data-testid=\"scoreboard\""), "{html}");
    assert!(html.contains("Ann") && html.contains("Bob"), "{html}");
    assert!(html.contains("2023-11-14 22:13 UTC"), "{html}");
    assert!(html.contains("src=\"/games/game-1/highlights/5.jpg\""), "{html}");

    let (status, head, body) = http(addr, "GET", "/games/game-1/highlights/5.jpg").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: image/jpeg"), "{head}");
    assert!(head.contains("cache-control: public"), "{head}");
    assert_eq!(body, JPEG);

    for missing in ["/games/game-1/highlights/6.jpg", "/games/game-2/highlights/5.jpg"] {
        assert_eq!(http(addr, "GET", missing).await.0, 404, "{missing}");
    }
    for bad in ["/games/game-1/highlights/5.png", "/games/game-1/highlights/+5.jpg"] {
        assert_eq!(http(addr, "GET", bad).await.0, 404, "{bad}");
    }
    let long = format!("/games/{}/highlights/5.jpg", "x".repeat(65));
    assert_eq!(http(addr, "GET", &long).await.0, 404);
}

#[tokio::test]
async fn unknown_games_are_404_and_history_lists_games() {
    let data = tempfile::TempDir::new().unwrap();
    let (addr, store) = start(&data).await;

    let (status, _, body) = http(addr, "GET", "/games/no-such-game").await;
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("data-testid=\"game-missing\""));

    let (status, _, body) = http(addr, "GET", "/games").await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("data-testid=\"no-games\""));

    save_game(&store, "game-9").await;
    let (status, _, body) = http(addr, "GET", "/games").await;
    let html = String::from_utf8_lossy(&body);
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"history-game\""), "{html}");
    assert!(html.contains("href=\"/games/game-9\""), "{html}");
    assert!(html.contains("data-testid=\"leaderboard\""), "{html}");

    let (status, _, body) = http(addr, "POST", "/api/history").await;
    assert_eq!(status, 200);
    let history: straightface::store::History = serde_json::from_slice(&body).unwrap();
    assert_eq!(history.games.len(), 1);
    assert_eq!(history.leaderboard[0].name, "Ann");
}
