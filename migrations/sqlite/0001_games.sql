-- Finished games and their highlights (src/store). Times: games.finished_at and
-- highlights.created_at are unix seconds; *_ms columns are the game's own clock.

CREATE TABLE games (
    id             TEXT PRIMARY KEY NOT NULL,
    room           TEXT NOT NULL,
    number         INTEGER NOT NULL,
    mode           TEXT NOT NULL CHECK (mode IN ('dont_laugh', 'copy_face')),
    finished_at    INTEGER NOT NULL,
    ended_early    INTEGER NOT NULL CHECK (ended_early IN (0, 1)),
    rounds_played  INTEGER NOT NULL,
    rounds_planned INTEGER NOT NULL
) STRICT;

CREATE INDEX games_by_finish ON games (finished_at DESC);

-- `position` keeps the ranking's order (ties in joining order), which rowids do not promise.
CREATE TABLE players (
    game_id  TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    peer     INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    score    INTEGER NOT NULL,
    rank     INTEGER NOT NULL,
    "left"   INTEGER NOT NULL CHECK ("left" IN (0, 1)),
    PRIMARY KEY (game_id, peer)
) STRICT;

CREATE INDEX players_by_name ON players (name);

CREATE TABLE rounds (
    game_id       TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    round         INTEGER NOT NULL,
    started_at_ms INTEGER NOT NULL,
    ended_at_ms   INTEGER NOT NULL,
    target        TEXT,
    PRIMARY KEY (game_id, round)
) STRICT;

-- `json` is the serde JSON of the `GameEvent`; the other columns are there to query by.
CREATE TABLE events (
    game_id TEXT NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    peer    INTEGER NOT NULL,
    round   INTEGER NOT NULL,
    at_ms   INTEGER NOT NULL,
    json    TEXT NOT NULL,
    PRIMARY KEY (game_id, seq)
) STRICT;

-- Uploads arrive while the game runs, before its `games` row exists: no foreign key.
CREATE TABLE highlights (
    game_id    TEXT NOT NULL,
    request_id INTEGER NOT NULL,
    player     INTEGER NOT NULL,
    round      INTEGER NOT NULL,
    image      BLOB,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (game_id, request_id)
) STRICT;
