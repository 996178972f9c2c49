//! Writing: a finished game in one transaction, highlight images one upload at a time, and the
//! two changes a browser may make afterwards (publish its game, delete a picture of itself).

use super::db::{flag, int, mode_key, unix_now, Store, StoreError};
use crate::browser::{BrowserId, Owners};
use crate::game::{GameEvent, GameRecord, Highlight, Results};
use crate::protocol::PeerId;
use crate::store::types::Refused;
use sqlx::{Any, Transaction};

impl Store {
    /// Saves a finished game under `id` (a fresh random id the caller chose; highlights were
    /// stored under it already): the game, its ranking with each player's browser, its rounds
    /// and its scoring events, all or nothing. Saving an id twice fails.
    pub async fn save_game(
        &self,
        id: &str,
        room: &str,
        game: (&GameRecord, &Results, &Owners),
        finished_at_unix: i64,
    ) -> Result<(), StoreError> {
        let (record, results, owners) = game;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO games (id, room, number, mode, finished_at, ended_early, rounds_played, \
             rounds_planned, host_browser) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(room)
        .bind(i64::from(results.game))
        .bind(mode_key(results.mode))
        .bind(finished_at_unix)
        .bind(flag(results.ended_early))
        .bind(i64::from(results.rounds_played))
        .bind(i64::from(results.rounds))
        .bind(owners.host.map(|b| b.to_string()))
        .execute(&mut *tx)
        .await?;
        insert_players(&mut tx, id, results, owners).await?;
        insert_rounds(&mut tx, id, record).await?;
        insert_events(&mut tx, id, &record.events).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores (or replaces) the image of an accepted highlight of game `game_id`, which need
    /// not be saved yet; `created_at` is now.
    pub async fn put_highlight(
        &self,
        game_id: &str,
        h: &Highlight,
        jpeg: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO highlights (game_id, request_id, player, round, image, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (game_id, request_id) DO UPDATE SET player = excluded.player, \
             round = excluded.round, image = excluded.image, created_at = excluded.created_at",
        )
        .bind(game_id)
        .bind(int(h.request_id, "request id")?)
        .bind(int(h.player.0, "peer id")?)
        .bind(i64::from(h.round))
        .bind(jpeg)
        .bind(unix_now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets a highlight (its request was withdrawn after the upload); unknown ones are fine.
    pub async fn delete_highlight(&self, game_id: &str, request_id: u64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM highlights WHERE game_id = $1 AND request_id = $2")
            .bind(game_id)
            .bind(int(request_id, "request id")?)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl Store {
    /// Puts game `id` on the public board (`public`) or takes it off, if `by` was its host.
    pub async fn set_public(
        &self,
        id: &str,
        by: BrowserId,
        public: bool,
    ) -> Result<Result<(), Refused>, StoreError> {
        let host: Option<Option<String>> =
            sqlx::query_scalar("SELECT host_browser FROM games WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        if let Err(refused) = owned_by(host, by, Refused::NotHost) {
            return Ok(Err(refused));
        }
        sqlx::query("UPDATE games SET public = $1 WHERE id = $2 AND host_browser = $3")
            .bind(flag(public))
            .bind(id)
            .bind(by.to_string())
            .execute(&self.pool)
            .await?;
        Ok(Ok(()))
    }

    /// Deletes highlight `request_id` of saved game `game_id` if the picture is of `by`'s
    /// player; the image is gone at once.
    pub async fn delete_own_highlight(
        &self,
        game_id: &str,
        request_id: u64,
        by: BrowserId,
    ) -> Result<Result<(), Refused>, StoreError> {
        let Ok(request_id) = i64::try_from(request_id) else {
            return Ok(Err(Refused::NotFound));
        };
        let owner: Option<Option<String>> = sqlx::query_scalar(
            "SELECT p.browser FROM highlights h JOIN players p \
               ON p.game_id = h.game_id AND p.peer = h.player \
             WHERE h.game_id = $1 AND h.request_id = $2 AND h.image IS NOT NULL",
        )
        .bind(game_id)
        .bind(request_id)
        .fetch_optional(&self.pool)
        .await?;
        if let Err(refused) = owned_by(owner, by, Refused::NotYours) {
            return Ok(Err(refused));
        }
        sqlx::query("DELETE FROM highlights WHERE game_id = $1 AND request_id = $2")
            .bind(game_id)
            .bind(request_id)
            .execute(&self.pool)
            .await?;
        Ok(Ok(()))
    }
}

/// Whether the row found (`None`: no such row) belongs to browser `by`; `otherwise` if it
/// belongs to another browser or to none.
fn owned_by(
    found: Option<Option<String>>,
    by: BrowserId,
    otherwise: Refused,
) -> Result<(), Refused> {
    match found {
        None => Err(Refused::NotFound),
        Some(owner) if owner != Some(by.to_string()) => Err(otherwise),
        Some(_) => Ok(()),
    }
}

async fn insert_players(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    results: &Results,
    owners: &Owners,
) -> Result<(), StoreError> {
    for (position, s) in (0i64..).zip(&results.ranking) {
        sqlx::query(
            "INSERT INTO players (game_id, peer, position, name, score, rank, \"left\", browser) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(int(s.peer.0, "peer id")?)
        .bind(position)
        .bind(&s.name)
        .bind(i64::from(s.score))
        .bind(i64::from(s.rank))
        .bind(flag(s.left))
        .bind(owners.players.get(&s.peer).map(|b| b.to_string()))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn insert_rounds(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    record: &GameRecord,
) -> Result<(), StoreError> {
    for r in &record.rounds {
        sqlx::query(
            "INSERT INTO rounds (game_id, round, started_at_ms, ended_at_ms, target) \
             VALUES ($1, $2, $3, $4, $5)",
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
    tx: &mut Transaction<'_, Any>,
    id: &str,
    events: &[GameEvent],
) -> Result<(), StoreError> {
    for (seq, event) in (0i64..).zip(events) {
        let (kind, peer, round, at_ms) = event_columns(event);
        sqlx::query(
            "INSERT INTO events (game_id, seq, kind, peer, round, at_ms, json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
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
