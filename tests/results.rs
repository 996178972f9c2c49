//! The results and history pages and the highlight images, served by the real router from a
//! real SQLite file (and once from a real Postgres database, `--db postgres://…`): what each
//! browser (its `sf_browser` cookie) may list and change.

mod postgres_support;

use clap::Parser;
use std::net::SocketAddr;
use std::time::Duration;
use straightface::browser::{BrowserId, Owners};
use straightface::config::{Config, Flags};
use straightface::game::{GameRecord, Highlight, Mode, Results, Standing};
use straightface::protocol::PeerId;
use straightface::server::{router, AppState};
use straightface::store::{History, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];

/// Starts the server on a fresh data folder; returns its address and its store.
async fn start(data: &tempfile::TempDir) -> (SocketAddr, Store) {
    start_with(data, &[]).await
}

/// Starts the server with extra flags.
async fn start_with(data: &tempfile::TempDir, extra: &[&str]) -> (SocketAddr, Store) {
    let data = data.path().to_string_lossy().to_string();
    let mut args = vec!["straightface", "--bind", "127.0.0.1:0", "--data-dir", &data];
    args.extend_from_slice(extra);
    let config = Config::from_flags(Flags::try_parse_from(args).unwrap()).unwrap();
    let state = AppState::new(config).await.unwrap();
    let store = state.store.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(state)).await.unwrap() });
    (addr, store)
}

/// A raw HTTP/1.1 request without a cookie: status, head, body.
async fn http(addr: SocketAddr, method: &str, path: &str) -> (u16, String, Vec<u8>) {
    request(addr, method, path, None, "").await
}

/// A raw HTTP/1.1 request from `browser` (the cookie's value) with a form body.
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    browser: Option<BrowserId>,
    form: &str,
) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let cookie = browser.map(|b| format!("Cookie: sf_browser={b}\r\n")).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    // A guard against a hang, not a timing goal: a loaded CI machine took over 5 s once.
    tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut buf)).await.unwrap().unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("a head") + 4;
    let head = String::from_utf8_lossy(&buf[..split]).to_lowercase();
    let status = head[9..12].parse().unwrap();
    (status, head, buf[split..].to_vec())
}

/// Ann (seat 1, host) in `ann`'s browser and Bob (seat 2) in `bob`'s; the highlight is Bob's.
async fn save_game(store: &Store, id: &str) {
    save_owned(store, id, &Owners::default()).await
}

async fn save_owned(store: &Store, id: &str, owners: &Owners) {
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
    let game = (&record, &results, owners);
    store.save_game(id, "room-for-the-tests-1", game, 1_700_000_000).await.unwrap();
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
    // A face its player may delete: kept by no shared cache.
    assert!(head.contains("cache-control: private, no-cache"), "{head}");
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
async fn unknown_games_are_404_and_a_browser_lists_only_its_own_games() {
    let data = tempfile::TempDir::new().unwrap();
    let (addr, store) = start(&data).await;
    let (ann, bob, stranger) = (BrowserId::random(), BrowserId::random(), BrowserId::random());

    let (status, _, body) = http(addr, "GET", "/games/no-such-game").await;
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("data-testid=\"game-missing\""));

    let owners = Owners { host: Some(ann), players: [(PeerId(1), ann), (PeerId(2), bob)].into() };
    save_owned(&store, "game-9", &owners).await;
    // Not this browser's game, and nobody published it: listed for none of these.
    for browser in [None, Some(stranger)] {
        let (status, _, body) = request(addr, "GET", "/games", browser, "").await;
        let html = String::from_utf8_lossy(&body);
        assert_eq!(status, 200);
        assert!(html.contains("data-testid=\"no-games\""), "{html}");
        assert!(html.contains("data-testid=\"no-public-games\""), "{html}");
        assert!(!html.contains("game-9"), "{html}");
        assert_eq!(history(addr, browser).await, nothing());
    }
    // The players' own browsers see it, with its leaderboard.
    for browser in [ann, bob] {
        let (status, _, body) = request(addr, "GET", "/games", Some(browser), "").await;
        let html = String::from_utf8_lossy(&body);
        assert_eq!(status, 200);
        assert!(html.contains("href=\"/games/game-9\""), "{html}");
        assert!(html.contains("data-testid=\"leaderboard\""), "{html}");
        let mine = history(addr, Some(browser)).await.mine;
        assert_eq!(mine.games.len(), 1);
        assert_eq!(mine.leaderboard[0].name, "Ann");
    }
    // The link is the capability: anyone can open the results.
    assert_eq!(request(addr, "GET", "/games/game-9", Some(stranger), "").await.0, 200);
}

/// `POST /api/history` as `browser` sees it.
async fn history(addr: SocketAddr, browser: Option<BrowserId>) -> History {
    let (status, _, body) = request(addr, "POST", "/api/history", browser, "").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

/// Nothing of one's own, and an empty public board.
fn nothing() -> History {
    History { public: Some(Default::default()), ..Default::default() }
}

#[tokio::test]
async fn a_browser_without_the_cookie_gets_one_and_a_browser_with_it_keeps_it() {
    let data = tempfile::TempDir::new().unwrap();
    let (addr, _) = start(&data).await;
    for path in ["/", "/games", "/healthz"] {
        let (status, head, _) = http(addr, "GET", path).await;
        assert_eq!(status, 200, "{path}");
        let cookie = head
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: sf_browser="))
            .unwrap_or_else(|| panic!("{path}: no cookie in {head}"));
        let (value, attributes) = cookie.split_once(';').unwrap();
        assert!(BrowserId::parse(value).is_some(), "{value}");
        assert_eq!(attributes.trim(), "path=/; max-age=31536000; httponly; samesite=lax");
    }
    let (_, head, _) = request(addr, "GET", "/", Some(BrowserId::random()), "").await;
    assert!(!head.contains("set-cookie: sf_browser"), "{head}");
}

#[tokio::test]
async fn only_the_host_publishes_and_the_public_board_is_a_separate_section() {
    let data = tempfile::TempDir::new().unwrap();
    let (addr, store) = start(&data).await;
    let (ann, bob) = (BrowserId::random(), BrowserId::random());
    let owners = Owners { host: Some(ann), players: [(PeerId(1), ann), (PeerId(2), bob)].into() };
    save_owned(&store, "game-p", &owners).await;

    // Bob played but did not host: refused, and nothing changes.
    let (status, _, body) =
        request(addr, "POST", "/api/publish_game", Some(bob), "id=game-p&public=true").await;
    assert_eq!(status, 500);
    assert_eq!(String::from_utf8_lossy(&body), r#"{"Refused":"NotHost"}"#);
    assert_eq!(history(addr, None).await, nothing());
    let (_, _, body) = request(addr, "GET", "/games/game-p", Some(bob), "").await;
    assert!(!String::from_utf8_lossy(&body).contains("data-testid=\"publish\""));

    // Ann, the host, sees the button and publishes.
    let (_, _, body) = request(addr, "GET", "/games/game-p", Some(ann), "").await;
    assert!(String::from_utf8_lossy(&body).contains("data-testid=\"publish\""));
    let (status, _, body) =
        request(addr, "POST", "/api/publish_game", Some(ann), "id=game-p&public=true").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let seen = history(addr, None).await;
    assert!(seen.mine.games.is_empty());
    let public = seen.public.expect("the board is on");
    assert_eq!(public.games.len(), 1);
    assert_eq!(public.games[0].id, "game-p");
    let (_, _, body) = http(addr, "GET", "/games").await;
    let html = String::from_utf8_lossy(&body);
    let board = html.find("data-testid=\"public-board\"").expect("the public section");
    assert!(html[board..].contains("href=\"/games/game-p\""), "{html}");
    assert!(!html[..board].contains("href=\"/games/game-p\""), "only in the public section");

    let (status, _, _) =
        request(addr, "POST", "/api/publish_game", Some(ann), "id=game-p&public=false").await;
    assert_eq!(status, 200);
    assert_eq!(history(addr, None).await, nothing());
}

#[tokio::test]
async fn with_the_board_off_nothing_is_public_and_publishing_is_refused() {
    let data = tempfile::TempDir::new().unwrap();
    let (addr, store) = start_with(&data, &["--public-board", "false"]).await;
    let ann = BrowserId::random();
    let owners = Owners { host: Some(ann), players: [(PeerId(1), ann)].into() };
    save_owned(&store, "game-o", &owners).await;
    let (status, _, body) =
        request(addr, "POST", "/api/publish_game", Some(ann), "id=game-o&public=true").await;
    assert_eq!(status, 500);
    assert_eq!(String::from_utf8_lossy(&body), "\"BoardOff\"");
    let seen = history(addr, Some(ann)).await;
    assert_eq!(seen.public, None);
    assert_eq!(seen.mine.games.len(), 1);
    let (_, _, body) = request(addr, "GET", "/games/game-o", Some(ann), "").await;
    let html = String::from_utf8_lossy(&body);
    assert!(!html.contains("data-testid=\"publish\""), "{html}");
    let (_, _, body) = request(addr, "GET", "/games", Some(ann), "").await;
    assert!(!String::from_utf8_lossy(&body).contains("public-board"));
}

#[tokio::test]
async fn a_player_deletes_a_picture_of_themselves_and_it_is_gone() {
    let data = tempfile::TempDir::new().unwrap();
    let (addr, store) = start(&data).await;
    let (ann, bob) = (BrowserId::random(), BrowserId::random());
    let owners = Owners { host: Some(ann), players: [(PeerId(1), ann), (PeerId(2), bob)].into() };
    save_owned(&store, "game-d", &owners).await;
    let image = "/games/game-d/highlights/5.jpg";
    let form = "id=game-d&request_id=5";

    // The host may not delete Bob's picture, nor may a stranger.
    for other in [Some(ann), Some(BrowserId::random()), None] {
        let (status, _, body) = request(addr, "POST", "/api/delete_highlight", other, form).await;
        assert_eq!(status, 500);
        assert_eq!(String::from_utf8_lossy(&body), r#"{"Refused":"NotYours"}"#);
    }
    assert_eq!(http(addr, "GET", image).await.0, 200);
    let (_, _, body) = request(addr, "GET", "/games/game-d", Some(ann), "").await;
    assert!(!String::from_utf8_lossy(&body).contains("data-testid=\"delete-highlight\""));

    let (_, _, body) = request(addr, "GET", "/games/game-d", Some(bob), "").await;
    assert!(String::from_utf8_lossy(&body).contains("data-testid=\"delete-highlight\""));
    let (status, _, _) = request(addr, "POST", "/api/delete_highlight", Some(bob), form).await;
    assert_eq!(status, 200);
    assert_eq!(http(addr, "GET", image).await.0, 404);
    let (_, _, body) = http(addr, "GET", "/games/game-d").await;
    assert!(!String::from_utf8_lossy(&body).contains(image));
    let (status, _, body) = request(addr, "POST", "/api/delete_highlight", Some(bob), form).await;
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (500, r#"{"Refused":"NotFound"}"#)
    );
}

/// With `--db postgres://…` the same pages come from Postgres, and a second node on the same
/// database lists and serves the game the first one saved.
#[tokio::test]
async fn nodes_on_one_postgres_database_serve_the_same_results() {
    let url = postgres_support::fresh_database().await;
    let (data, other_data) = (tempfile::TempDir::new().unwrap(), tempfile::TempDir::new().unwrap());
    let (addr, store) = start_with(&data, &["--db", &url]).await;
    let (ann, bob) = (BrowserId::random(), BrowserId::random());
    let owners = Owners { host: Some(ann), players: [(PeerId(1), ann), (PeerId(2), bob)].into() };
    save_owned(&store, "game-pg", &owners).await;

    let (status, _, body) = http(addr, "GET", "/games/game-pg").await;
    let html = String::from_utf8_lossy(&body);
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("data-testid=\"scoreboard\""), "{html}");
    assert!(html.contains("Ann") && html.contains("Bob"), "{html}");
    assert!(html.contains("2023-11-14 22:13 UTC"), "{html}");
    assert!(html.contains("src=\"/games/game-pg/highlights/5.jpg\""), "{html}");
    assert!(!data.path().join("straightface.db").exists(), "no SQLite file beside Postgres");

    let (other, _) = start_with(&other_data, &["--db", &url]).await;
    let (status, _, body) = request(other, "GET", "/games", Some(bob), "").await;
    let html = String::from_utf8_lossy(&body);
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/games/game-pg\""), "{html}");
    assert_eq!(history(other, Some(ann)).await.mine.leaderboard[0].name, "Ann");
    let (status, _, body) = http(other, "GET", "/games/game-pg/highlights/5.jpg").await;
    assert_eq!((status, body.as_slice()), (200, JPEG));
}
