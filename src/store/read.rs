//! Reading: one game's summary, the recent games and the leaderboard.

use super::db::{from_int, mode_from_key, Store, StoreError};
use super::types::{highlight_url, GameListItem, GameSummary, HighlightItem, LeaderboardRow};
use crate::game::Standing;
use crate::protocol::PeerId;

impl Store {
    /// The summary of game `id`, or `None` if no such game was saved.
    pub async fn game(&self, id: &str) -> Result<Option<GameSummary>, StoreError> {
        let row: Option<(String, i64, bool, i64, i64)> = sqlx::query_as(
            "SELECT mode, finished_at, ended_early, rounds_played, rounds_planned \
             FROM games WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((mode, finished_at, ended_early, played, planned)) = row else {
            return Ok(None);
        };
        Ok(Some(GameSummary {
            id: id.to_owned(),
            mode: mode_from_key(&mode)?,
            finished_at,
            ended_early,
            rounds_played: from_int(played, "rounds_played")?,
            rounds_planned: from_int(planned, "rounds_planned")?,
            ranking: self.ranking(id).await?,
            highlights: self.highlights(id).await?,
        }))
    }

    /// The `limit` most recently finished games, newest first.
    pub async fn recent_games(&self, limit: u32) -> Result<Vec<GameListItem>, StoreError> {
        let rows: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
            "SELECT g.id, g.mode, g.finished_at, \
               (SELECT COUNT(*) FROM players p WHERE p.game_id = g.id), \
               (SELECT json_group_array(p.name ORDER BY p.position) FROM players p \
                 WHERE p.game_id = g.id AND p.rank = 1) \
             FROM games g ORDER BY g.finished_at DESC, g.rowid DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, mode, finished_at, players, winners)| {
                let winners = serde_json::from_str(&winners)
                    .map_err(|_| StoreError::Corrupt(format!("winners of {id}")))?;
                Ok(GameListItem {
                    mode: mode_from_key(&mode)?,
                    finished_at,
                    winners,
                    players: from_int(players, "player count")?,
                    id,
                })
            })
            .collect()
    }

    /// The best `limit` display names over all games: most wins, then most points, then by name.
    pub async fn leaderboard(&self, limit: u32) -> Result<Vec<LeaderboardRow>, StoreError> {
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT name, COUNT(*) AS games, SUM(rank = 1) AS wins, SUM(score) AS points \
             FROM players GROUP BY name ORDER BY wins DESC, points DESC, name LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(name, games, wins, points)| {
                Ok(LeaderboardRow {
                    games: from_int(games, "games")?,
                    wins: from_int(wins, "wins")?,
                    points: from_int(points, "points")?,
                    name,
                })
            })
            .collect()
    }

    /// Everyone who played game `id`, in the order of its results.
    async fn ranking(&self, id: &str) -> Result<Vec<Standing>, StoreError> {
        let rows: Vec<(i64, i64, String, i64, bool)> = sqlx::query_as(
            "SELECT rank, peer, name, score, \"left\" FROM players \
             WHERE game_id = ? ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(rank, peer, name, score, left)| {
                Ok(Standing {
                    rank: from_int(rank, "rank")?,
                    peer: PeerId(from_int(peer, "peer")?),
                    name,
                    score: from_int(score, "score")?,
                    left,
                })
            })
            .collect()
    }

    /// Game `id`'s highlights that have an image, in round order, with the player's name.
    async fn highlights(&self, id: &str) -> Result<Vec<HighlightItem>, StoreError> {
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT h.request_id, h.round, COALESCE(p.name, 'Player ' || h.player) \
             FROM highlights h LEFT JOIN players p ON p.game_id = h.game_id AND p.peer = h.player \
             WHERE h.game_id = ? AND h.image IS NOT NULL ORDER BY h.round, h.request_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(request_id, round, player)| {
                let request_id = from_int(request_id, "request_id")?;
                Ok(HighlightItem {
                    request_id,
                    round: from_int(round, "round")?,
                    player,
                    url: highlight_url(id, request_id),
                })
            })
            .collect()
    }

    /// The JPEG of highlight `request_id` of game `game_id`, if one was stored.
    pub async fn highlight_image(
        &self,
        game_id: &str,
        request_id: u64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let Ok(request_id) = i64::try_from(request_id) else {
            return Ok(None);
        };
        let image: Option<Option<Vec<u8>>> =
            sqlx::query_scalar("SELECT image FROM highlights WHERE game_id = ? AND request_id = ?")
                .bind(game_id)
                .bind(request_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(image.flatten())
    }
}
