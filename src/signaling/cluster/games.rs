//! Running games kept in Redis beside their room's lease, so that a game on a node that dies
//! still ends with the results it had.
//!
//! The rule: the owner's hub says how each running game stands whenever it changes (a phase, a
//! score, an event — [`Checkpoint`]); [`keep`] stores the latest of each room at most every
//! [`FLUSH`] and deletes it when the game ends. The node that takes a room over from a dead
//! node moves its checkpoint aside as it claims the room (so nothing the new owner stores can
//! replace it), takes it (once: `GETDEL`) and saves the game as it stood, ended early, in
//! the shared store — under the game's own id, so the highlights already uploaded for it stay
//! with it and its players find it in their history. A node that stops cleanly does the same
//! for its own rooms as it leaves. A game still in its countdown, or a change newer than the
//! last flush, is lost with the node.

use super::Directory;
use crate::browser::{BrowserId, Owners};
use crate::game::{GameRecord, Results};
use crate::protocol::{PeerId, RoomId};
use crate::signaling::hub::Checkpoint;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;

/// The longest a game's change waits before it is stored.
pub const FLUSH: Duration = Duration::from_millis(500);

/// A [`Checkpoint`] as stored (browser ids as text).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Stored {
    game_id: String,
    results: Results,
    record: GameRecord,
    host: Option<String>,
    players: Vec<(PeerId, String)>,
}

impl From<&Checkpoint> for Stored {
    fn from(c: &Checkpoint) -> Self {
        Self {
            game_id: c.game_id.clone(),
            results: c.results.clone(),
            record: c.record.clone(),
            host: c.owners.host.map(|b| b.to_string()),
            players: c.owners.players.iter().map(|(p, b)| (*p, b.to_string())).collect(),
        }
    }
}

impl Stored {
    fn checkpoint(self) -> Checkpoint {
        let players =
            self.players.iter().filter_map(|(p, b)| Some((*p, BrowserId::parse(b)?))).collect();
        let host = self.host.as_deref().and_then(BrowserId::parse);
        Checkpoint {
            game_id: self.game_id,
            results: self.results,
            record: self.record,
            owners: Owners { host, players },
        }
    }
}

/// The JSON stored for `checkpoint`.
fn encode(checkpoint: &Checkpoint) -> Option<String> {
    serde_json::to_string(&Stored::from(checkpoint)).ok()
}

/// Stores the hub's checkpoints until the hub stops: the latest of each room, every [`FLUSH`].
pub async fn keep(
    directory: Directory,
    mut checkpoints: mpsc::UnboundedReceiver<(RoomId, Option<Box<Checkpoint>>)>,
) {
    let mut pending: HashMap<RoomId, Option<String>> = HashMap::new();
    let mut flush = tokio::time::interval(FLUSH);
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            got = checkpoints.recv() => match got {
                Some((room, game)) => {
                    pending.insert(room, game.and_then(|g| encode(&g)));
                }
                None => return,
            },
            _ = flush.tick(), if !pending.is_empty() => {
                let batch: Vec<_> = pending.drain().collect();
                if let Err(e) = directory.put_games(&batch).await {
                    tracing::warn!(error = %e, games = batch.len(), "could not store running games");
                    // Tried again at the next flush; a newer checkpoint of a room replaces it.
                    pending.extend(batch);
                }
            }
        }
    }
}

/// Ends the game `room` had on a node that died or left: saves its checkpoint, if there is one
/// (and it was not saved already), as a game that ended early.
pub async fn finish_orphan(directory: &Directory, store: &Store, room: &RoomId) {
    let json = match directory.take_orphan(room).await {
        Ok(Some(json)) => json,
        Ok(None) => return,
        Err(e) => return tracing::warn!(%room, error = %e, "could not read the room's game"),
    };
    let Ok(stored) = serde_json::from_str::<Stored>(&json) else {
        return tracing::error!(%room, "a stored game does not parse; it is dropped");
    };
    let game = stored.checkpoint();
    // A game its node saved as it ended, whose last checkpoint outlived it: nothing to add.
    if let Ok(Some(_)) = store.game(&game.game_id, None).await {
        return tracing::info!(%room, game = game.game_id, "the kept game was saved already");
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let saved = (&game.record, &game.results, &game.owners);
    match store.save_game(&game.game_id, room.as_str(), saved, now).await {
        Ok(()) => tracing::info!(%room, game = game.game_id, "saved the game of a node that died"),
        Err(e) => tracing::error!(%room, error = %e, "could not save the game of a node that died"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::{Mode, Standing};
    use std::collections::BTreeMap;

    #[test]
    fn a_checkpoint_reads_back_as_it_was_stored() {
        let ranking = vec![Standing {
            rank: 1,
            peer: PeerId(7),
            name: "민지".into(),
            score: 20,
            left: false,
        }];
        let results = Results {
            game: 2,
            mode: Mode::DontLaugh,
            rounds_played: 1,
            rounds: 3,
            ended_early: true,
            ranking: ranking.clone(),
        };
        let record = GameRecord {
            game: 2,
            mode: Mode::DontLaugh,
            started_at_ms: 0,
            ended_at_ms: 9_000,
            ended_early: true,
            players: ranking,
            rounds: vec![],
            events: vec![],
            highlights: vec![],
        };
        let browser = BrowserId::random();
        let owners =
            Owners { host: Some(browser), players: BTreeMap::from([(PeerId(7), browser)]) };
        let checkpoint = Checkpoint { game_id: "g".into(), results, record, owners };
        let json = encode(&checkpoint).unwrap();
        let back = serde_json::from_str::<Stored>(&json).unwrap().checkpoint();
        assert_eq!(back, checkpoint);
    }
}
