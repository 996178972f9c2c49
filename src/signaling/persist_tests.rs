//! The hub actor's persist path, with the test standing in for the writer: a room hears
//! `game_over` only once its game's write is done, an upload is answered only once its image's
//! write is done, and a failed write is reported as "not saved", never as saved.

use super::hub::UploadError;
use super::ice::IceConfig;
use super::limits::HubConfig;
use super::server::{serve_socket, HubHandle, Persist};
use super::ticket::TicketKey;
use crate::browser::BrowserId;
use crate::game::{GameConfig, Reading};
use crate::protocol::{ClientMsg, PeerId, RoomId, ServerMsg};
use crate::protocol::{GameClientMsg, GameServerMsg};
use crate::store::StoreError;
use axum::extract::ws::Message;
use futures::channel::mpsc as chan;
use futures::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

const WAIT: Duration = Duration::from_secs(5);

fn start() -> (HubHandle, UnboundedReceiver<Persist>) {
    let game = GameConfig { countdown: Duration::ZERO, ..GameConfig::default() };
    let config = HubConfig { game, ..HubConfig::default() };
    let ice = IceConfig { servers: vec![], turn: None };
    HubHandle::spawn(config, TicketKey::new([3; 32]), ice).unwrap()
}

/// A socket served by the real socket loop, driven through channels.
struct Sock {
    to_server: chan::UnboundedSender<Result<Message, axum::Error>>,
    from_server: chan::UnboundedReceiver<Message>,
}

impl Sock {
    fn open(hub: &HubHandle, browser: BrowserId) -> Self {
        let (to_server, stream) = chan::unbounded();
        let (sink, from_server) = chan::unbounded();
        let hub = hub.clone().for_browser(Some(browser));
        let socket = super::server::testing::Joined { sink, stream };
        tokio::spawn(serve_socket(socket, hub, Duration::from_secs(60)));
        Self { to_server, from_server }
    }

    async fn send(&mut self, msg: &ClientMsg) {
        let text = serde_json::to_string(msg).unwrap();
        self.to_server.send(Ok(Message::Text(text.into()))).await.unwrap();
    }

    /// The first message `pick` accepts.
    async fn until<T>(&mut self, mut pick: impl FnMut(ServerMsg) -> Option<T>) -> T {
        loop {
            let frame = tokio::time::timeout(WAIT, self.from_server.next()).await.unwrap();
            if let Some(Message::Text(text)) = frame {
                if let Some(found) = pick(serde_json::from_str(&text).unwrap()) {
                    return found;
                }
            }
        }
    }

    /// Every message up to the answer to a ping: what the hub has sent so far.
    async fn drain(&mut self) -> Vec<ServerMsg> {
        self.send(&ClientMsg::Ping).await;
        let mut seen = Vec::new();
        self.until(|m| {
            let pong = m == ServerMsg::Pong;
            seen.push(m);
            pong.then_some(())
        })
        .await;
        seen
    }

    async fn join(&mut self, room: &RoomId, name: &str) -> (PeerId, String) {
        self.send(&ClientMsg::Join { room: room.clone(), name: name.into() }).await;
        self.until(|m| match m {
            ServerMsg::Welcome { you, ticket, .. } => Some((you, ticket)),
            _ => None,
        })
        .await
    }
}

fn room() -> RoomId {
    RoomId::parse("persistpersistpersist1").unwrap()
}

/// Ann and Bo in a room, a game started and ended by Bo leaving; the game's write job.
async fn end_a_game(hub: &HubHandle, jobs: &mut UnboundedReceiver<Persist>) -> (Sock, Persist) {
    let (mut ann, mut bo) =
        (Sock::open(hub, BrowserId::random()), Sock::open(hub, BrowserId::random()));
    ann.join(&room(), "Ann").await;
    bo.join(&room(), "Bo").await;
    ann.send(&ClientMsg::Game(GameClientMsg::Start)).await;
    ann.drain().await;
    bo.send(&ClientMsg::Leave).await;
    let job = tokio::time::timeout(WAIT, jobs.recv()).await.unwrap().unwrap();
    (ann, job)
}

#[tokio::test]
async fn game_over_waits_for_the_commit() {
    let (hub, mut jobs) = start();
    let (mut ann, job) = end_a_game(&hub, &mut jobs).await;
    let Persist::Game { game_id, owners, done, .. } = job else { panic!("{job:?}") };
    assert_eq!(owners.players.len(), 2, "both browsers are saved with the game");
    let told = ann.drain().await;
    assert!(
        !told.iter().any(|m| matches!(m, ServerMsg::Game(GameServerMsg::GameOver { .. }))),
        "{told:?}"
    );

    done.send(Ok(())).unwrap();
    let id = ann.until(|m| match m {
        ServerMsg::Game(GameServerMsg::GameOver { game_id, .. }) => Some(game_id),
        _ => None,
    });
    assert_eq!(id.await, game_id);
}

#[tokio::test]
async fn a_game_that_failed_to_save_is_reported_as_not_saved() {
    let (hub, mut jobs) = start();
    let (mut ann, job) = end_a_game(&hub, &mut jobs).await;
    let Persist::Game { done, .. } = job else { panic!("{job:?}") };
    done.send(Err(StoreError::Corrupt("disk full".into()))).unwrap();
    let told = ann.until(|m| match m {
        ServerMsg::Game(GameServerMsg::GameOver { .. }) => Some(false),
        ServerMsg::Game(GameServerMsg::GameNotSaved { .. }) => Some(true),
        _ => None,
    });
    assert!(told.await, "told it was not saved, never given a link");
}

/// Ann laughs until the server asks for her picture; her seat, ticket and the request.
async fn asked_for_a_picture(hub: &HubHandle) -> (PeerId, String, u64) {
    let (mut ann, mut bo) =
        (Sock::open(hub, BrowserId::random()), Sock::open(hub, BrowserId::random()));
    let (peer, ticket) = ann.join(&room(), "Ann").await;
    bo.join(&room(), "Bo").await;
    ann.send(&ClientMsg::Game(GameClientMsg::Start)).await;
    for seq in 1..60 {
        let probs = |happy: f32| vec![1.0 - happy, happy, 0.0, 0.0, 0.0, 0.0, 0.0];
        ann.send(&ClientMsg::Game(GameClientMsg::Reading(Reading {
            seq,
            face: true,
            probs: probs(0.95),
        })))
        .await;
        bo.send(&ClientMsg::Game(GameClientMsg::Reading(Reading {
            seq,
            face: true,
            probs: probs(0.0),
        })))
        .await;
        let asked = ann.drain().await.into_iter().find_map(|m| match m {
            ServerMsg::Game(GameServerMsg::Capture(request)) => Some(request.id),
            _ => None,
        });
        if let Some(request) = asked {
            return (peer, ticket, request);
        }
        tokio::time::sleep(Duration::from_millis(110)).await; // the readings' own pace
    }
    panic!("no capture request")
}

#[tokio::test]
async fn an_upload_is_answered_after_its_commit_and_not_saved_when_it_fails() {
    for outcome in [Ok(()), Err(StoreError::Corrupt("disk full".into()))] {
        let (hub, mut jobs) = start();
        let (peer, ticket, request) = asked_for_a_picture(&hub).await;
        let upload = {
            let hub = hub.clone();
            tokio::spawn(async move { hub.upload(room(), peer, ticket, request, vec![0xFF]).await })
        };
        let job = tokio::time::timeout(WAIT, jobs.recv()).await.unwrap().unwrap();
        let Persist::Highlight { done, highlight, .. } = job else { panic!("{job:?}") };
        assert_eq!(highlight.request_id, request);
        tokio::time::sleep(Duration::from_millis(50)).await; // give a wrong answer time to come
        assert!(!upload.is_finished(), "no answer before the write is done");
        let expected = outcome.as_ref().map(|_| ()).map_err(|_| UploadError::NotSaved);
        done.send(outcome).unwrap();
        assert_eq!(upload.await.unwrap(), expected);
    }
}
