//! The store against real databases: every test runs twice, on a SQLite file in a temporary
//! folder (`sqlite::…`) and on a fresh database of a throwaway PostgreSQL server
//! (`postgres::…`, see `tests/postgres_support`).

use super::types::{GameListItem, HighlightItem, LeaderboardRow};
use super::{Refused, Scope, Store, Target};
use crate::browser::{BrowserId, Owners};
use crate::game::{
    Expression, GameEvent, GameRecord, Highlight, HighlightRecord, Mode, Results, RoundRecord,
    Standing,
};
use crate::protocol::PeerId;
use tempfile::TempDir;

#[path = "../../tests/postgres_support/mod.rs"]
mod postgres_support;

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];

/// Runs each named test (an `async fn(Backend)`) once per backend, as `sqlite::name` and
/// `postgres::name`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                super::$name(super::Backend::Sqlite).await
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                super::$name(super::Backend::Postgres).await
            })*
        }
    };
}

on_both_backends!(
    a_saved_game_reads_back,
    copy_face_targets_and_early_ends_are_kept,
    highlights_can_arrive_before_the_game_and_be_deleted,
    everything_survives_reopening_the_database,
    a_failed_save_writes_nothing,
    the_leaderboard_counts_shared_wins_and_breaks_ties,
    names_sort_byte_by_byte_on_both_backends,
    unknown_games_and_images_are_none,
    a_browser_lists_only_the_games_it_played,
    only_the_host_publishes_and_the_public_board_lists_only_published_games,
    a_player_deletes_only_a_picture_of_themselves,
    games_saved_before_the_privacy_migration_still_read,
    two_nodes_on_one_database_share_their_history,
    games_finished_in_the_same_second_list_the_last_saved_first,
);

/// Which database a test runs on.
#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database (not opened yet) and the folder that holds it, if it is a file.
struct Fresh {
    target: Target,
    _dir: TempDir,
}

impl Fresh {
    async fn new(backend: Backend) -> Self {
        let dir = TempDir::new().unwrap();
        let target = match backend {
            // A folder that does not exist yet: `open` creates it.
            Backend::Sqlite => Target::Sqlite(dir.path().join("data/games.db")),
            Backend::Postgres => Target::Postgres(postgres_support::fresh_database().await),
        };
        Self { target, _dir: dir }
    }

    /// Opens (and migrates) the database.
    async fn open(&self) -> Store {
        Store::open(&self.target).await.unwrap()
    }
}

/// A store on a fresh database; keep the `Fresh` as long as the store.
async fn open(backend: Backend) -> (Store, Fresh) {
    let fresh = Fresh::new(backend).await;
    (fresh.open().await, fresh)
}

fn standing(rank: u32, peer: u64, name: &str, score: u32) -> Standing {
    Standing { rank, peer: PeerId(peer), name: name.into(), score, left: false }
}

fn results(mode: Mode, ranking: Vec<Standing>) -> Results {
    Results { game: 1, mode, rounds_played: 2, rounds: 3, ended_early: false, ranking }
}

/// A Don't-laugh game where Bob laughed once in round 1 and Ann got the points.
fn dont_laugh() -> (GameRecord, Results) {
    let mut bob = standing(2, 8, "Bob", 0);
    bob.left = true;
    let results = results(Mode::DontLaugh, vec![standing(1, 7, "Ann", 10), bob]);
    let round = |round, started_at_ms| RoundRecord {
        round,
        started_at_ms,
        ended_at_ms: started_at_ms + 60_000,
        target: None,
    };
    let laugh = GameEvent::Laugh {
        peer: PeerId(8),
        round: 1,
        at_ms: 4_500,
        peak: 0.875,
        rewarded: vec![PeerId(7)],
        points: 10,
    };
    let record = GameRecord {
        game: 1,
        mode: Mode::DontLaugh,
        started_at_ms: 0,
        ended_at_ms: 126_000,
        ended_early: false,
        players: results.ranking.clone(),
        rounds: vec![round(1, 3_000), round(2, 66_000)],
        events: vec![laugh],
        highlights: vec![HighlightRecord {
            request_id: 1,
            player: PeerId(8),
            round: 1,
            uploaded: true,
        }],
    };
    (record, results)
}

fn highlight(request_id: u64, player: u64, round: u32) -> Highlight {
    Highlight { game: 1, request_id, player: PeerId(player), round }
}

async fn a_saved_game_reads_back(backend: Backend) {
    let (store, _db) = open(backend).await;
    let (record, results) = dont_laugh();
    store.put_highlight("g1", &highlight(1, 8, 1), JPEG).await.unwrap();
    store
        .save_game(
            "g1",
            "room-abcdefghijklmnop",
            (&record, &results, &Owners::default()),
            1_700_000_000,
        )
        .await
        .unwrap();

    let game = store.game("g1", None).await.unwrap().expect("saved");
    assert_eq!(game.id, "g1");
    assert_eq!(game.mode, Mode::DontLaugh);
    assert_eq!(game.finished_at, 1_700_000_000);
    assert!(!game.ended_early);
    assert_eq!((game.rounds_played, game.rounds_planned), (2, 3));
    assert_eq!(game.ranking, results.ranking);
    let reel = vec![HighlightItem {
        request_id: 1,
        round: 1,
        player: "Bob".into(),
        url: "/games/g1/highlights/1.jpg".into(),
        mine: false,
    }];
    assert_eq!(game.highlights, reel);

    let events: Vec<String> = sqlx::query_scalar("SELECT json FROM events WHERE game_id = 'g1'")
        .fetch_all(&store.pool)
        .await
        .unwrap();
    let events: Vec<GameEvent> = events.iter().map(|j| serde_json::from_str(j).unwrap()).collect();
    assert_eq!(events, record.events);
    let rounds: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rounds WHERE game_id = 'g1'")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(rounds, 2);
}

async fn copy_face_targets_and_early_ends_are_kept(backend: Backend) {
    let (store, _db) = open(backend).await;
    let (mut record, mut results) = dont_laugh();
    results.mode = Mode::CopyFace;
    results.ended_early = true;
    record.mode = Mode::CopyFace;
    record.rounds[0].target = Some(Expression::Surprised);
    record.events = vec![GameEvent::Copied {
        peer: PeerId(7),
        round: 1,
        at_ms: 9_000,
        target: Expression::Surprised,
        points: 10,
    }];
    store.save_game("g2", "room", (&record, &results, &Owners::default()), 5).await.unwrap();
    let game = store.game("g2", None).await.unwrap().unwrap();
    assert_eq!(game.mode, Mode::CopyFace);
    assert!(game.ended_early);
    assert!(game.highlights.is_empty(), "no image was uploaded");
    let targets: Vec<Option<String>> =
        sqlx::query_scalar("SELECT target FROM rounds WHERE game_id = 'g2' ORDER BY round")
            .fetch_all(&store.pool)
            .await
            .unwrap();
    assert_eq!(targets, [Some("surprised".to_owned()), None]);
}

async fn highlights_can_arrive_before_the_game_and_be_deleted(backend: Backend) {
    let (store, _db) = open(backend).await;
    store.put_highlight("g3", &highlight(4, 8, 2), JPEG).await.unwrap();
    store.put_highlight("g3", &highlight(2, 7, 1), b"first").await.unwrap();
    // An upsert: the same request again replaces the image.
    store.put_highlight("g3", &highlight(2, 7, 1), JPEG).await.unwrap();
    store.put_highlight("g3", &highlight(3, 8, 1), JPEG).await.unwrap();
    // Seat 9 is in no ranking: its picture is named by seat.
    store.put_highlight("g3", &highlight(5, 9, 2), JPEG).await.unwrap();
    assert_eq!(store.highlight_image("g3", 2).await.unwrap().as_deref(), Some(JPEG));
    assert!(store.game("g3", None).await.unwrap().is_none(), "no game row yet");

    store.delete_highlight("g3", 3).await.unwrap();
    store.delete_highlight("g3", 99).await.unwrap();
    assert_eq!(store.highlight_image("g3", 3).await.unwrap(), None);

    let (record, results) = dont_laugh();
    store.save_game("g3", "room", (&record, &results, &Owners::default()), 10).await.unwrap();
    let reel = store.game("g3", None).await.unwrap().unwrap().highlights;
    let shown: Vec<(u64, u32, &str)> =
        reel.iter().map(|h| (h.request_id, h.round, h.player.as_str())).collect();
    assert_eq!(shown, [(2, 1, "Ann"), (4, 2, "Bob"), (5, 2, "Player 9")]);
}

async fn everything_survives_reopening_the_database(backend: Backend) {
    let (store, db) = open(backend).await;
    let (record, results) = dont_laugh();
    store.put_highlight("g4", &highlight(1, 8, 1), JPEG).await.unwrap();
    store.save_game("g4", "room", (&record, &results, &Owners::default()), 20).await.unwrap();
    let before = store.game("g4", None).await.unwrap();
    store.close().await;
    drop(store);

    // Migrating again is a no-op on an up-to-date database.
    let store = db.open().await;
    assert_eq!(store.game("g4", None).await.unwrap(), before);
    assert_eq!(store.highlight_image("g4", 1).await.unwrap().as_deref(), Some(JPEG));
    assert_eq!(store.games(Scope::Public, 10).await.unwrap().len(), 0, "not published");
}

async fn a_failed_save_writes_nothing(backend: Backend) {
    let (store, _db) = open(backend).await;
    let (record, mut results) = dont_laugh();
    // The same seat twice breaks the players' primary key after the games row went in.
    results.ranking.push(standing(3, 7, "Ann again", 0));
    assert!(store
        .save_game("g5", "room", (&record, &results, &Owners::default()), 1)
        .await
        .is_err());
    assert!(store.game("g5", None).await.unwrap().is_none());

    let (record, results) = dont_laugh();
    store.save_game("g5", "room", (&record, &results, &Owners::default()), 1).await.unwrap();
    assert!(
        store.save_game("g5", "room", (&record, &results, &Owners::default()), 1).await.is_err(),
        "ids are unique"
    );
}

async fn the_leaderboard_counts_shared_wins_and_breaks_ties(backend: Backend) {
    let (store, _db) = open(backend).await;
    let (record, _) = dont_laugh();
    let games = [
        (
            "a",
            100,
            vec![standing(1, 1, "Ann", 20), standing(1, 2, "Bob", 20), standing(3, 3, "Cy", 0)],
        ),
        ("b", 200, vec![standing(1, 1, "Bob", 10), standing(2, 2, "Ann", 0)]),
        ("c", 300, vec![standing(1, 1, "Dee", 30), standing(2, 2, "Cy", 5)]),
        ("d", 400, vec![standing(1, 1, "Eve", 30), standing(2, 2, "Cy", 5)]),
    ];
    // This browser played seat 2 of every game.
    let me = BrowserId::random();
    let owners = Owners { host: None, players: [(PeerId(2), me)].into() };
    for (id, finished_at, ranking) in games {
        let results = results(Mode::DontLaugh, ranking);
        store.save_game(id, "room", (&record, &results, &owners), finished_at).await.unwrap();
    }

    let board = store.leaderboard(Scope::Browser(me), 10).await.unwrap();
    let row =
        |name: &str, games, wins, points| LeaderboardRow { name: name.into(), games, wins, points };
    assert_eq!(
        board,
        [
            row("Bob", 2, 2, 30),
            row("Dee", 1, 1, 30), // Dee and Eve tie on wins and points: by name
            row("Eve", 1, 1, 30),
            row("Ann", 2, 1, 20),
            row("Cy", 3, 0, 10),
        ]
    );
    assert_eq!(store.leaderboard(Scope::Browser(me), 2).await.unwrap().len(), 2);

    let recent = store.games(Scope::Browser(me), 3).await.unwrap();
    let item = |id: &str, finished_at, winners: &[&str], players| GameListItem {
        id: id.into(),
        mode: Mode::DontLaugh,
        finished_at,
        winners: winners.iter().map(|w| w.to_string()).collect(),
        players,
    };
    assert_eq!(
        recent,
        [item("d", 400, &["Eve"], 2), item("c", 300, &["Dee"], 2), item("b", 200, &["Bob"], 2)]
    );
    let oldest = store.games(Scope::Browser(me), 10).await.unwrap().pop().unwrap();
    assert_eq!(oldest, item("a", 100, &["Ann", "Bob"], 3));
}

async fn unknown_games_and_images_are_none(backend: Backend) {
    let (store, _db) = open(backend).await;
    assert_eq!(store.game("nope", None).await.unwrap(), None);
    assert_eq!(store.highlight_image("nope", 1).await.unwrap(), None);
    assert_eq!(store.highlight_image("nope", u64::MAX).await.unwrap(), None);
    for scope in [Scope::Public, Scope::Browser(BrowserId::random())] {
        assert!(store.games(scope, 20).await.unwrap().is_empty());
        assert!(store.leaderboard(scope, 20).await.unwrap().is_empty());
    }
}

/// Ann (seat 7, host) and Bob (seat 8) each in their own browser; Bob's picture is kept.
async fn save_private(store: &Store, id: &str, ann: BrowserId, bob: BrowserId, at: i64) {
    let (record, results) = dont_laugh();
    let owners = Owners { host: Some(ann), players: [(PeerId(7), ann), (PeerId(8), bob)].into() };
    store.put_highlight(id, &highlight(1, 8, 1), JPEG).await.unwrap();
    store.save_game(id, "room", (&record, &results, &owners), at).await.unwrap();
}

async fn a_browser_lists_only_the_games_it_played(backend: Backend) {
    let (store, _db) = open(backend).await;
    let (ann, bob, cy, stranger) =
        (BrowserId::random(), BrowserId::random(), BrowserId::random(), BrowserId::random());
    save_private(&store, "ab", ann, bob, 100).await;
    save_private(&store, "cb", cy, bob, 200).await;
    let ids = |games: Vec<GameListItem>| games.into_iter().map(|g| g.id).collect::<Vec<_>>();
    assert_eq!(ids(store.games(Scope::Browser(ann), 10).await.unwrap()), ["ab"]);
    assert_eq!(ids(store.games(Scope::Browser(cy), 10).await.unwrap()), ["cb"]);
    assert_eq!(ids(store.games(Scope::Browser(bob), 10).await.unwrap()), ["cb", "ab"]);
    assert!(store.games(Scope::Browser(stranger), 10).await.unwrap().is_empty());
    assert!(store.leaderboard(Scope::Browser(stranger), 10).await.unwrap().is_empty());
    // Ann's leaderboard covers her one game: Ann 10 points, Bob none.
    let names: Vec<(String, u64)> = store
        .leaderboard(Scope::Browser(ann), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.name, r.points))
        .collect();
    assert_eq!(names, [("Ann".to_owned(), 10), ("Bob".to_owned(), 0)]);
    // The link still opens the game for anyone; the browser ids are nowhere in it.
    let game = store.game("ab", Some(stranger)).await.unwrap().expect("reachable by its id");
    let json = serde_json::to_string(&game).unwrap();
    for b in [ann, bob] {
        assert!(!json.contains(&b.to_string()), "{json}");
    }
}

async fn only_the_host_publishes_and_the_public_board_lists_only_published_games(backend: Backend) {
    let (store, _db) = open(backend).await;
    let (ann, bob) = (BrowserId::random(), BrowserId::random());
    save_private(&store, "ab", ann, bob, 100).await;
    save_private(&store, "other", bob, ann, 200).await;
    assert!(store.games(Scope::Public, 10).await.unwrap().is_empty());
    assert!(!store.game("ab", Some(ann)).await.unwrap().unwrap().published);
    assert!(store.game("ab", Some(ann)).await.unwrap().unwrap().can_publish);
    assert!(!store.game("ab", Some(bob)).await.unwrap().unwrap().can_publish);
    assert!(!store.game("ab", None).await.unwrap().unwrap().can_publish);

    assert_eq!(store.set_public("ab", bob, true).await.unwrap(), Err(Refused::NotHost));
    assert_eq!(store.set_public("nope", ann, true).await.unwrap(), Err(Refused::NotFound));
    assert!(store.games(Scope::Public, 10).await.unwrap().is_empty());

    assert_eq!(store.set_public("ab", ann, true).await.unwrap(), Ok(()));
    let public: Vec<String> =
        store.games(Scope::Public, 10).await.unwrap().into_iter().map(|g| g.id).collect();
    assert_eq!(public, ["ab"]);
    assert!(store.game("ab", None).await.unwrap().unwrap().published);
    assert_eq!(store.leaderboard(Scope::Public, 10).await.unwrap().len(), 2);

    assert_eq!(store.set_public("ab", ann, false).await.unwrap(), Ok(()));
    assert!(store.games(Scope::Public, 10).await.unwrap().is_empty());
    assert!(store.leaderboard(Scope::Public, 10).await.unwrap().is_empty());
}

async fn a_player_deletes_only_a_picture_of_themselves(backend: Backend) {
    let (store, _db) = open(backend).await;
    let (ann, bob) = (BrowserId::random(), BrowserId::random());
    save_private(&store, "ab", ann, bob, 100).await;
    let shared = &store;
    let mine = |viewer| async move {
        let game = shared.game("ab", Some(viewer)).await.unwrap().unwrap();
        game.highlights.iter().map(|h| h.mine).collect::<Vec<_>>()
    };
    assert_eq!(mine(bob).await, [true]);
    assert_eq!(mine(ann).await, [false]);

    // Ann hosted the game, but the picture is Bob's.
    assert_eq!(store.delete_own_highlight("ab", 1, ann).await.unwrap(), Err(Refused::NotYours));
    assert_eq!(store.delete_own_highlight("ab", 2, bob).await.unwrap(), Err(Refused::NotFound));
    assert_eq!(store.delete_own_highlight("zz", 1, bob).await.unwrap(), Err(Refused::NotFound));
    assert!(store.highlight_image("ab", 1).await.unwrap().is_some());

    assert_eq!(store.delete_own_highlight("ab", 1, bob).await.unwrap(), Ok(()));
    assert_eq!(store.highlight_image("ab", 1).await.unwrap(), None);
    assert!(store.game("ab", Some(bob)).await.unwrap().unwrap().highlights.is_empty());
    assert_eq!(store.delete_own_highlight("ab", 1, bob).await.unwrap(), Err(Refused::NotFound));
}

/// A database written before browsers were recorded still opens, and its games stay readable
/// by link (listed for nobody).
async fn games_saved_before_the_privacy_migration_still_read(backend: Backend) {
    let db = Fresh::new(backend).await;
    let pool = super::db::connect(&db.target).await.unwrap();
    let first = super::db::migrator(&db.target).iter().next().unwrap().clone();
    let old = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(vec![first]),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    old.run(&pool).await.unwrap();
    for insert in [
        "INSERT INTO games VALUES ('old', 'room', 1, 'dont_laugh', 50, 0, 1, 1)",
        "INSERT INTO players VALUES ('old', 7, 0, 'Ann', 10, 1, 0)",
    ] {
        sqlx::query(insert).execute(&pool).await.unwrap();
    }
    pool.close().await;

    let store = db.open().await;
    let game = store.game("old", None).await.unwrap().expect("still there");
    assert_eq!(game.ranking[0].name, "Ann");
    assert!(!game.published && !game.can_publish);
    assert!(store.games(Scope::Public, 10).await.unwrap().is_empty());
    assert!(store.games(Scope::Browser(BrowserId::random()), 10).await.unwrap().is_empty());
}

/// Games finished in the same second (a durable server restarted in between, or two nodes) list
/// in the order they were saved, newest first, whatever their ids.
async fn games_finished_in_the_same_second_list_the_last_saved_first(backend: Backend) {
    let (store, _db) = open(backend).await;
    let (ann, bob) = (BrowserId::random(), BrowserId::random());
    for id in ["m", "z", "a"] {
        save_private(&store, id, ann, bob, 100).await;
    }
    let ids: Vec<String> =
        store.games(Scope::Browser(ann), 10).await.unwrap().into_iter().map(|g| g.id).collect();
    assert_eq!(ids, ["a", "z", "m"]);
    let first_two: Vec<String> =
        store.games(Scope::Browser(ann), 2).await.unwrap().into_iter().map(|g| g.id).collect();
    assert_eq!(first_two, ["a", "z"]);
}

/// Names tie-break byte by byte (`B` before `a`), as SQLite's BINARY collation does, even on a
/// Postgres cluster whose default collation is linguistic (the test server's is ICU `en-US`).
async fn names_sort_byte_by_byte_on_both_backends(backend: Backend) {
    let (store, _db) = open(backend).await;
    let (record, _) = dont_laugh();
    let me = BrowserId::random();
    let owners = Owners { host: None, players: [(PeerId(1), me)].into() };
    let ranking =
        vec![standing(1, 1, "bob", 10), standing(1, 2, "Bob", 10), standing(1, 3, "ann", 10)];
    let results = results(Mode::DontLaugh, ranking);
    store.save_game("n", "room", (&record, &results, &owners), 1).await.unwrap();
    let names: Vec<String> = store
        .leaderboard(Scope::Browser(me), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["Bob", "ann", "bob"]);
}

/// Two nodes on one database (what Postgres is for): a game one saves, the other lists and
/// serves, and a change by one is seen by the other.
async fn two_nodes_on_one_database_share_their_history(backend: Backend) {
    let (first, db) = open(backend).await;
    let second = db.open().await;
    let (ann, bob) = (BrowserId::random(), BrowserId::random());
    save_private(&first, "shared", ann, bob, 100).await;
    let ids = |games: Vec<GameListItem>| games.into_iter().map(|g| g.id).collect::<Vec<_>>();
    assert_eq!(ids(second.games(Scope::Browser(bob), 10).await.unwrap()), ["shared"]);
    assert_eq!(second.highlight_image("shared", 1).await.unwrap().as_deref(), Some(JPEG));
    assert_eq!(second.set_public("shared", ann, true).await.unwrap(), Ok(()));
    assert_eq!(ids(first.games(Scope::Public, 10).await.unwrap()), ["shared"]);
}

/// Nodes sharing a Postgres database may start at the same moment: sqlx's advisory lock lets
/// one of them migrate, and the others find the schema done.
#[tokio::test]
async fn postgres_nodes_starting_together_migrate_once() {
    let db = Fresh::new(Backend::Postgres).await;
    let (a, b, c) = tokio::join!(db.open(), db.open(), db.open());
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&a.pool)
        .await
        .unwrap();
    assert_eq!(applied, 2);
    save_private(&b, "g", BrowserId::random(), BrowserId::random(), 1).await;
    assert!(c.game("g", None).await.unwrap().is_some());
}

/// A SQLite file opens with the settings it had before the store went through `Any`: WAL,
/// `synchronous=FULL`, foreign keys on, a 5 s busy timeout, on every connection of the pool.
#[tokio::test]
async fn sqlite_connections_keep_their_settings() {
    let (store, _db) = open(Backend::Sqlite).await;
    // Several connections held at once: each of them is a separate SQLite connection.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(store.pool.acquire().await.unwrap());
    }
    for conn in &mut held {
        let mode: String =
            sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut **conn).await.unwrap();
        assert_eq!(mode, "wal");
        // synchronous 2 is FULL.
        for (pragma, want) in [("synchronous", 2), ("foreign_keys", 1), ("busy_timeout", 5000)] {
            let got: i64 = sqlx::query_scalar(&format!("PRAGMA {pragma}"))
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(got, want, "{pragma}");
        }
    }
}

/// An applied migration must never change: sqlx refuses to start on a database whose recorded
/// checksum (SHA-384 of the file's text) differs. These are the files as released; add a new
/// migration, to both folders, instead.
#[test]
fn released_migrations_are_unchanged() {
    let checksums = |target: &Target| -> Vec<(i64, String)> {
        super::db::migrator(target)
            .iter()
            .map(|m| (m.version, m.checksum.iter().map(|b| format!("{b:02x}")).collect()))
            .collect()
    };
    let released =
        |sums: [&str; 2]| -> Vec<(i64, String)> { (1..).zip(sums.map(str::to_owned)).collect() };
    // The SQLite files moved from `migrations/` to `migrations/sqlite/` unchanged.
    assert_eq!(
        checksums(&Target::Sqlite("unused".into())),
        released([
            "695d7fa83c85f7f1a79b2d90b121de9cd303e21a43749ee2bb0112401724fb4c\
             8f1b89464fb103a3b7e175db02435feb",
            "4a2ea00d059dba936a378371fe4490b669f686b47aa4040fc5636fb78ebb010a\
             e58388ac384b43b12ac36eb8ecf467a1",
        ])
    );
    assert_eq!(
        checksums(&Target::Postgres("postgres://unused".into())),
        released([
            "6da48fc220d92cbdc216420d284e66a4616721c5480798d89d83450435847f8c\
             47443c1fda4546e06b47af21655ab2bc",
            "8966d36d1b6b1e13490abe0c6412bc6751af2e3af10df7b4b2be19cbd5a1e6a1\
             8b89667b0b1361af39410edac63bdfde",
        ])
    );
}
