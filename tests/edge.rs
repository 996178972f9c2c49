//! The edge over real sockets: connection caps per address, WebSocket caps, and slow or idle
//! clients cut off, against the whole application behind `straightface::edge::serve`.

mod edge_support;

use edge_support::*;
use std::net::IpAddr;
use std::time::Duration;
use tokio_tungstenite::tungstenite;

const ME: &str = "127.0.0.1";
const SOMEONE_ELSE: &str = "127.0.0.2";

#[tokio::test]
async fn over_cap_connections_from_one_address_get_503_while_healthz_answers() {
    let server = start(&["--max-conns-per-ip", "5", "--max-websockets-per-ip", "2"]).await;
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(connect_from(ME, server.addr).await);
    }
    let me: IpAddr = ME.parse().unwrap();
    let limits = &server.limits;
    assert!(eventually(WAIT, || async move { limits.connections_of(me) == 5 }).await);

    let mut over = connect_from(ME, server.addr).await;
    let answer = get(&mut over, "/healthz").await;
    assert_eq!(status(&answer), 503, "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(lower.contains("retry-after: ") && lower.contains("connection: close"), "{answer}");

    assert_eq!(status_from(SOMEONE_ELSE, server.addr, "/healthz").await, 200);
    assert_eq!(status_from(SOMEONE_ELSE, server.addr, "/").await, 200);

    held.pop();
    let addr = server.addr;
    let back =
        eventually(WAIT, || async move { status_from(ME, addr, "/healthz").await == 200 }).await;
    assert!(back, "a freed slot is usable again");
}

#[tokio::test]
async fn an_address_holding_its_websockets_can_still_load_pages() {
    let server = start(&["--max-conns-per-ip", "6", "--max-websockets-per-ip", "2"]).await;
    let url = format!("ws://{}/ws", server.addr);
    let mut sockets = Vec::new();
    for _ in 0..2 {
        sockets.push(tokio_tungstenite::connect_async(&url).await.unwrap().0);
    }
    match tokio_tungstenite::connect_async(&url).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 503),
        other => panic!("a third WebSocket was not refused with 503: {other:?}"),
    }
    assert_eq!(status_from(ME, server.addr, "/healthz").await, 200);
    assert_eq!(status_from(ME, server.addr, "/").await, 200);

    let mut first = sockets.remove(0);
    first.close(None).await.unwrap();
    drop(first);
    let url = &url;
    let reopened =
        eventually(WAIT, || async move { tokio_tungstenite::connect_async(url).await.is_ok() })
            .await;
    assert!(reopened, "a closed WebSocket gives its slot back");
    drop(sockets);
}

#[tokio::test]
async fn slow_request_headers_are_cut_off() {
    let server = start(&["--header-timeout", "2"]).await;
    let tcp = connect_from(ME, server.addr).await;
    let head = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: ";
    let (open_for, answer) = trickle(tcp, head, Duration::from_secs(1), CUT_OFF).await;
    assert!(!answer.contains(" 200 "), "a request never completed was answered: {answer}");
    assert!(open_for >= Duration::from_secs(1), "closed before the timeout: {open_for:?}");
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed() {
    let server = start(&["--header-timeout", "2"]).await;
    let mut tcp = connect_from(ME, server.addr).await;
    let head = "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n";
    tokio::io::AsyncWriteExt::write_all(&mut tcp, head.as_bytes()).await.unwrap();
    let answer = read_all(&mut tcp, CUT_OFF).await;
    assert_eq!(status(&answer), 200, "{answer}");
}

#[tokio::test]
async fn slow_request_bodies_are_cut_off() {
    let server = start(&["--request-timeout", "2"]).await;
    let room = "edge-slow-body-room";
    let paths = [format!("/api/highlights/1?room={room}&peer=1"), "/api/game_summary".to_owned()];
    for path in paths {
        let tcp = connect_from(ME, server.addr).await;
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             x-seat-ticket: t\r\nContent-Length: 100000\r\n\r\nid="
        );
        let every = Duration::from_millis(250);
        let (open_for, answer) = trickle(tcp, head.as_bytes(), every, CUT_OFF).await;
        let code = status(&answer);
        assert!(code == 0 || (400..500).contains(&code), "{path}: {answer}");
        assert!(open_for < CUT_OFF, "{path}");
    }
}

/// How long a test waits for a slot to come back.
const WAIT: Duration = Duration::from_secs(5);
/// How long a slow or idle connection may stay open in these tests (timeouts are 2 s).
const CUT_OFF: Duration = Duration::from_secs(8);
