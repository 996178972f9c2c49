-- Private by default (issue 10); the Postgres twin of migrations/sqlite/0002_private_games.sql.
-- A finished game is listed only for the browsers that played it (`players.browser`, the random
-- id of the `sf_browser` cookie) and, if its host published it, on the public board.
-- `games.host_browser` is the browser that was host when it ended: only it may publish or
-- unpublish. Games saved before this migration have no browsers: they stay reachable by their
-- link and are listed for nobody.
ALTER TABLE players ADD COLUMN browser TEXT;
ALTER TABLE games ADD COLUMN host_browser TEXT;
ALTER TABLE games ADD COLUMN public BIGINT NOT NULL DEFAULT 0 CHECK (public IN (0, 1));

CREATE INDEX players_by_browser ON players (browser) WHERE browser IS NOT NULL;
CREATE INDEX games_public ON games (finished_at DESC) WHERE public = 1;
