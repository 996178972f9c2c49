//! Reading: one game's summary, the recent games and the leaderboard, of one browser's games or
//! of the public board.

use super::db::{from_flag, from_int, mode_from_key, Store, StoreError};
use super::types::{highlight_url, GameListItem, GameSummary, HighlightItem, LeaderboardRow};
use crate::browser::BrowserId;
use crate::game::Standing;
use crate::protocol::PeerId;

/// A `games` row: mode, finished_at, ended_early, rounds played and planned, host, public.
type GameRow = (String, i64, i64, i64, i64, Option<String>, i64);

/// Which games a list or leaderboard covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The games this browser took part in.
    Browser(BrowserId),
    /// The games their hosts published.
    Public,
}

impl Scope {
    /// The condition on `games g` (constant SQL), the browser to bind to its `$1` if any, and
    /// the placeholder of the next argument.
    fn filter(self) -> (&'static str, Option<String>, &'static str) {
        match self {
            Scope::Browser(b) => (
                "g.id IN (SELECT game_id FROM players WHERE browser = $1)",
                Some(b.to_string()),
                "$2",
            ),
            Scope::Public => ("g.public = 1", None, "$1"),
        }
    }
}

impl Store {
    /// The summary of game `id` as `viewer` sees it (which pictures are theirs, whether they
    /// hosted it), or `None` if no such game was saved.
    pub async fn game(
        &self,
        id: &str,
        viewer: Option<BrowserId>,
    ) -> Result<Option<GameSummary>, StoreError> {
        let row: Option<GameRow> = sqlx::query_as(
            "SELECT mode, finished_at, ended_early, rounds_played, rounds_planned, host_browser, \
             public FROM games WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((mode, finished_at, ended_early, played, planned, host, public)) = row else {
            return Ok(None);
        };
        let viewer = viewer.map(|v| v.to_string());
        Ok(Some(GameSummary {
            id: id.to_owned(),
            mode: mode_from_key(&mode)?,
            finished_at,
            ended_early: from_flag(ended_early, "ended_early")?,
            rounds_played: from_int(played, "rounds_played")?,
            rounds_planned: from_int(planned, "rounds_planned")?,
            ranking: self.ranking(id).await?,
            highlights: self.highlights(id, viewer.as_deref()).await?,
            published: from_flag(public, "public")?,
            can_publish: host.is_some() && host == viewer,
        }))
    }

    /// The `limit` most recently finished games of `scope`, newest first (of games finished in
    /// the same second, the last saved; Postgres has a `rowid` column for it, see its
    /// migrations).
    pub async fn games(&self, scope: Scope, limit: u32) -> Result<Vec<GameListItem>, StoreError> {
        let (filter, browser, limit_arg) = scope.filter();
        // One row per winner (or one with no winner) of each listed game, folded below: the
        // same SQL on both backends, where aggregating names into a list is not.
        let sql = format!(
            "SELECT r.id, r.mode, r.finished_at, r.players, p.name \
             FROM (SELECT g.id, g.mode, g.finished_at, g.rowid AS saved, \
                     (SELECT COUNT(*) FROM players p WHERE p.game_id = g.id) AS players \
                   FROM games g WHERE {filter} \
                   ORDER BY g.finished_at DESC, g.rowid DESC LIMIT {limit_arg}) r \
             LEFT JOIN players p ON p.game_id = r.id AND p.rank = 1 \
             ORDER BY r.finished_at DESC, r.saved DESC, p.position"
        );
        let mut query = sqlx::query_as::<_, (String, String, i64, i64, Option<String>)>(&sql);
        if let Some(browser) = browser {
            query = query.bind(browser);
        }
        let rows = query.bind(i64::from(limit)).fetch_all(&self.pool).await?;
        let mut games: Vec<GameListItem> = Vec::new();
        for (id, mode, finished_at, players, winner) in rows {
            if games.last().is_none_or(|g| g.id != id) {
                games.push(GameListItem {
                    mode: mode_from_key(&mode)?,
                    finished_at,
                    winners: Vec::new(),
                    players: from_int(players, "player count")?,
                    id,
                });
            }
            if let (Some(game), Some(winner)) = (games.last_mut(), winner) {
                game.winners.push(winner);
            }
        }
        Ok(games)
    }

    /// The best `limit` display names over the games of `scope`: most wins, then most points,
    /// then by name.
    pub async fn leaderboard(
        &self,
        scope: Scope,
        limit: u32,
    ) -> Result<Vec<LeaderboardRow>, StoreError> {
        let (filter, browser, limit_arg) = scope.filter();
        // Postgres sums BIGINTs into NUMERIC, which `Any` cannot read: cast back to BIGINT.
        let sql = format!(
            "SELECT name, COUNT(*) AS games, \
               CAST(SUM(CASE WHEN rank = 1 THEN 1 ELSE 0 END) AS BIGINT) AS wins, \
               CAST(SUM(score) AS BIGINT) AS points \
             FROM players WHERE game_id IN (SELECT g.id FROM games g WHERE {filter}) \
             GROUP BY name ORDER BY wins DESC, points DESC, name LIMIT {limit_arg}"
        );
        let mut query = sqlx::query_as::<_, (String, i64, i64, i64)>(&sql);
        if let Some(browser) = browser {
            query = query.bind(browser);
        }
        let rows = query.bind(i64::from(limit)).fetch_all(&self.pool).await?;
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
        let rows: Vec<(i64, i64, String, i64, i64)> = sqlx::query_as(
            "SELECT rank, peer, name, score, \"left\" FROM players \
             WHERE game_id = $1 ORDER BY position",
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
                    left: from_flag(left, "left")?,
                })
            })
            .collect()
    }

    /// Game `id`'s highlights that have an image, in round order, with the player's name and
    /// whether the picture is of `viewer` (a browser id).
    async fn highlights(
        &self,
        id: &str,
        viewer: Option<&str>,
    ) -> Result<Vec<HighlightItem>, StoreError> {
        let rows: Vec<(i64, i64, String, i64)> = sqlx::query_as(
            "SELECT h.request_id, h.round, COALESCE(p.name, 'Player ' || h.player), \
               CAST(CASE WHEN p.browser = $1 THEN 1 ELSE 0 END AS BIGINT) \
             FROM highlights h LEFT JOIN players p ON p.game_id = h.game_id AND p.peer = h.player \
             WHERE h.game_id = $2 AND h.image IS NOT NULL ORDER BY h.round, h.request_id",
        )
        .bind(viewer)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(request_id, round, player, mine)| {
                let request_id = from_int(request_id, "request_id")?;
                Ok(HighlightItem {
                    request_id,
                    round: from_int(round, "round")?,
                    player,
                    url: highlight_url(id, request_id),
                    mine: from_flag(mine, "mine")?,
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
        let image: Option<Option<Vec<u8>>> = sqlx::query_scalar(
            "SELECT image FROM highlights WHERE game_id = $1 AND request_id = $2",
        )
        .bind(game_id)
        .bind(request_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(image.flatten())
    }
}
