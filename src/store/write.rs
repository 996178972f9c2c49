//! Writing: a finished game in one transaction, highlight images one upload at a time.

use super::db::{int, mode_key, Store, StoreError};
use crate::game::{GameEvent, GameRecord, Highlight, Results};
use crate::protocol::PeerId;
use sqlx::{Sqlite, Transaction};

impl Store {
    /// Saves a finished game under `id` (a fresh random id the caller chose; highlights were
    /// stored under it already): the game, its ranking, its rounds and its scoring events, all
    /// or nothing. Saving an id twice fails.
    pub async fn save_game(
        &self,
        id: &str,
        room: &str,
        record: &GameRecord,
        results: &Results,
        finished_at_unix: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO games (id, room, number, mode, finished_at, ended_early, rounds_played, \
             rounds_planned) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(room)
        .bind(i64::from(results.game))
        .bind(mode_key(results.mode))
        .bind(finished_at_unix)
        .bind(results.ended_early)
        .bind(i64::from(results.rounds_played))
        .bind(i64::from(results.rounds))
        .execute(&mut *tx)
        .await?;
        insert_players(&mut tx, id, results).await?;
        insert_rounds(&mut tx, id, record).await?;
        insert_events(&mut tx, id, &record.events).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores (or replaces) the image of an accepted highlight of game `game_id`, which need
    /// not be saved yet.
    pub async fn put_highlight(
        &self,
        game_id: &str,
        h: &Highlight,
        jpeg: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO highlights (game_id, request_id, player, round, image, created_at) \
             VALUES (?, ?, ?, ?, ?, unixepoch()) \
             ON CONFLICT (game_id, request_id) DO UPDATE SET player = excluded.player, \
             round = excluded.round, image = excluded.image, created_at = excluded.created_at",
        )
        .bind(game_id)
        .bind(int(h.request_id, "request id")?)
        .bind(int(h.player.0, "peer id")?)
        .bind(i64::from(h.round))
        .bind(jpeg)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets a highlight (its request was withdrawn after the upload); unknown ones are fine.
    pub async fn delete_highlight(&self, game_id: &str, request_id: u64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM highlights WHERE game_id = ? AND request_id = ?")
            .bind(game_id)
            .bind(int(request_id, "request id")?)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

async fn insert_players(
    tx: &mut Transaction<'_, Sqlite>,
    id: &str,
    results: &Results,
) -> Result<(), StoreError> {
    for (position, s) in (0i64..).zip(&results.ranking) {
        sqlx::query(
            "INSERT INTO players (game_id, peer, position, name, score, rank, \"left\") \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(int(s.peer.0, "peer id")?)
        .bind(position)
        .bind(&s.name)
        .bind(i64::from(s.score))
        .bind(i64::from(s.rank))
        .bind(s.left)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn insert_rounds(
    tx: &mut Transaction<'_, Sqlite>,
    id: &str,
    record: &GameRecord,
) -> Result<(), StoreError> {
    for r in &record.rounds {
        sqlx::query(
            "INSERT INTO rounds (game_id, round, started_at_ms, ended_at_ms, target) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(i64::from(r.round))
        .bind(int(r.started_at_ms, "round start")?)
        .bind(int(r.ended_at_ms, "round end")?)
        .bind(r.target.map(|t| t.label()))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn insert_events(
    tx: &mut Transaction<'_, Sqlite>,
    id: &str,
    events: &[GameEvent],
) -> Result<(), StoreError> {
    for (seq, event) in (0i64..).zip(events) {
        let (kind, peer, round, at_ms) = event_columns(event);
        sqlx::query(
            "INSERT INTO events (game_id, seq, kind, peer, round, at_ms, json) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(seq)
        .bind(kind)
        .bind(int(peer.0, "peer id")?)
        .bind(i64::from(round))
        .bind(int(at_ms, "event time")?)
        .bind(serde_json::to_string(event)?)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The queryable columns of an event: its serde tag, who, which round, when.
fn event_columns(event: &GameEvent) -> (&'static str, PeerId, u32, u64) {
    match event {
        GameEvent::Laugh { peer, round, at_ms, .. } => ("laugh", *peer, *round, *at_ms),
        GameEvent::Copied { peer, round, at_ms, .. } => ("copied", *peer, *round, *at_ms),
    }
}
