//! The writer task: applies what the signaling hub asks to persist, one job at a time and in
//! the order asked, so a highlight's delete never overtakes its insert. A job that carries a
//! [`Done`] is told the outcome only after its transaction committed (SQLite in WAL with
//! `synchronous=FULL`, or Postgres with its default `synchronous_commit=on`: durable once
//! `COMMIT` returns), so whoever waits on it never calls something saved that a crash could
//! still lose.

use super::db::{unix_now, Store};
use super::StoreError;
use crate::browser::Owners;
use crate::game::{GameRecord, Highlight, Results};
use crate::protocol::RoomId;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Told by the writer when a job's write has committed (`Ok`) or failed.
pub type Done = oneshot::Sender<Result<(), StoreError>>;

/// What the hub asks to be written, in the order it asked: one writer task applies these, so a
/// highlight's delete never overtakes its insert. A game's announcement and an upload's 200 wait
/// for their job's [`Done`]: nothing is called saved before it is.
#[derive(Debug)]
pub enum Persist {
    /// A finished game.
    Game {
        /// Public id.
        game_id: String,
        /// Its room.
        room: RoomId,
        /// The record.
        record: GameRecord,
        /// Final standings.
        results: Results,
        /// Who played, by browser, and the host.
        owners: Owners,
        /// Told when the game has committed.
        done: Done,
    },
    /// An accepted highlight image.
    Highlight {
        /// Public id of its game.
        game_id: String,
        /// Which request.
        highlight: Highlight,
        /// The JPEG.
        jpeg: Vec<u8>,
        /// Told when the image has committed.
        done: Done,
    },
    /// A withdrawn highlight.
    DropHighlight {
        /// Public id of its game.
        game_id: String,
        /// Which request.
        request_id: u64,
    },
}

/// Starts the writer; it ends when the hub drops its sender.
pub fn spawn_writer(store: Store, mut jobs: UnboundedReceiver<Persist>) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(job) = jobs.recv().await {
            apply(&store, job).await;
        }
    })
}

async fn apply(store: &Store, job: Persist) {
    let (result, done) = match job {
        Persist::Game { game_id, room, record, results, owners, done } => {
            let game = (&record, &results, &owners);
            (store.save_game(&game_id, room.as_str(), game, unix_now()).await, Some(done))
        }
        Persist::Highlight { game_id, highlight, jpeg, done } => {
            (store.put_highlight(&game_id, &highlight, &jpeg).await, Some(done))
        }
        Persist::DropHighlight { game_id, request_id } => {
            (store.delete_highlight(&game_id, request_id).await, None)
        }
    };
    if let Err(e) = &result {
        tracing::error!(error = %e, "could not persist a game or highlight");
    }
    if let Some(done) = done {
        // The waiter may be gone (the uploader hung up): the write stands either way.
        let _ = done.send(result);
    }
}
