//! The writer task: applies what the signaling hub asks to persist, one job at a time and in
//! the order asked, so a highlight's delete never overtakes its insert.

use super::db::{Store, StoreError};
use crate::signaling::server::Persist;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;

/// Starts the writer; it ends when the hub drops its sender.
pub fn spawn_writer(store: Store, mut jobs: UnboundedReceiver<Persist>) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(job) = jobs.recv().await {
            if let Err(e) = apply(&store, job).await {
                tracing::error!(error = %e, "could not persist a game or highlight");
            }
        }
    })
}

async fn apply(store: &Store, job: Persist) -> Result<(), StoreError> {
    match job {
        Persist::Game { game_id, room, record, results } => {
            let room = room.as_str();
            store.save_game(&game_id, room, &record, &results, unix_now()).await
        }
        Persist::Highlight { game_id, highlight, jpeg } => {
            store.put_highlight(&game_id, &highlight, &jpeg).await
        }
        Persist::DropHighlight { game_id, request_id } => {
            store.delete_highlight(&game_id, request_id).await
        }
    }
}

/// Wall-clock seconds since 1970 (0 if the clock is before it).
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
