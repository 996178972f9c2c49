-- Finished games and their highlights (src/store): the Postgres twin of
-- migrations/sqlite/0001_games.sql, same tables, keys, indexes and checks. Integers are BIGINT
-- (the store binds and reads every number as i64, flags as 0/1, on both backends); images BYTEA.
-- Times: games.finished_at and highlights.created_at are unix seconds; *_ms columns are the
-- game's own clock.

-- `rowid` stands in for SQLite's implicit one, under the same name so the queries are the same:
-- it grows with each saved game (across every node on this database), and lists of games
-- finished in the same second show the last saved first.
CREATE TABLE games (
    id             TEXT PRIMARY KEY NOT NULL,
    room           TEXT NOT NULL,
    number         BIGINT NOT NULL,
    mode           TEXT NOT NULL CHECK (mode IN ('dont_laugh', 'copy_face')),
    finished_at    BIGINT NOT NULL,
    ended_early    BIGINT NOT NULL CHECK (ended_early IN (0, 1)),
    rounds_played  BIGINT NOT NULL,
    rounds_planned BIGINT NOT NULL,
    rowid          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);

CREATE INDEX games_by_finish ON games (finished_at DESC);

-- `position` keeps the ranking's order (ties in joining order). Names compare byte by byte
-- (COLLATE "C"), as SQLite's BINARY does, so the leaderboard's tie-break by name is the same on
-- both backends whatever the cluster's locale.
CREATE TABLE players (
    game_id  TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    peer     BIGINT NOT NULL,
    position BIGINT NOT NULL,
    name     TEXT COLLATE "C" NOT NULL,
    score    BIGINT NOT NULL,
    rank     BIGINT NOT NULL,
    "left"   BIGINT NOT NULL CHECK ("left" IN (0, 1)),
    PRIMARY KEY (game_id, peer)
);

CREATE INDEX players_by_name ON players (name);

CREATE TABLE rounds (
    game_id       TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    round         BIGINT NOT NULL,
    started_at_ms BIGINT NOT NULL,
    ended_at_ms   BIGINT NOT NULL,
    target        TEXT,
    PRIMARY KEY (game_id, round)
);

-- `json` is the serde JSON of the `GameEvent`; the other columns are there to query by.
CREATE TABLE events (
    game_id TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    seq     BIGINT NOT NULL,
    kind    TEXT NOT NULL,
    peer    BIGINT NOT NULL,
    round   BIGINT NOT NULL,
    at_ms   BIGINT NOT NULL,
    json    TEXT NOT NULL,
    PRIMARY KEY (game_id, seq)
);

-- Uploads arrive while the game runs, before its `games` row exists: no foreign key.
CREATE TABLE highlights (
    game_id    TEXT NOT NULL,
    request_id BIGINT NOT NULL,
    player     BIGINT NOT NULL,
    round      BIGINT NOT NULL,
    image      BYTEA,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (game_id, request_id)
);
