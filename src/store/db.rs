//! Opening the database (a SQLite file or a Postgres server, through one `AnyPool` so every
//! query is the same code), the error type and the conversions between Rust and SQL values.
//!
//! The queries keep to what both backends read alike: `$1, $2…` placeholders (sqlx-sqlite binds
//! `$N` to the N-th argument), every number bound and read as `i64`, flags as 0/1 integers
//! (`Any` decodes booleans differently per backend), and the current time bound from Rust.

use super::target::Target;
use crate::game::Mode;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Executor};
use std::path::{Path, PathBuf};

/// The SQLite schema, applied when a file is opened.
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
/// The same schema for Postgres, with the same versions.
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Set on every SQLite connection. WAL lets readers run beside the one writer; FULL: a game
/// reported as saved survives a power cut, not only a crash; a query waits up to 5 s for
/// another connection's write lock before failing. (`Any` opens SQLite from a URL, which
/// carries none of these, so they are set here rather than in `SqliteConnectOptions`.)
const SQLITE_PRAGMAS: [&str; 4] = [
    "PRAGMA busy_timeout = 5000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
];
/// A few connections are plenty for this load, per node.
const MAX_CONNECTIONS: u32 = 4;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The folder for the database file cannot be created.
    #[error("cannot create the folder {}: {source}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database refused a query or the connection.
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A game event could not be encoded as JSON.
    #[error("cannot encode a game event: {0}")]
    Json(#[from] serde_json::Error),
    /// A number does not fit the database's signed 64-bit integers.
    #[error("{0} is too large to store")]
    TooLarge(&'static str),
    /// A stored value is not one this version writes.
    #[error("unexpected value in the database: {0}")]
    Corrupt(String),
}

/// The game database: a cheap-to-clone handle on a connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pub(super) pool: AnyPool,
}

impl Store {
    /// Opens the database at `target` and applies the migrations of its backend
    /// (`migrations/sqlite/` or `migrations/postgres/`). A SQLite file is created, with its
    /// folder, when missing; a Postgres database must exist (its tables need not).
    pub async fn open(target: &Target) -> Result<Self, StoreError> {
        let pool = connect(target).await?;
        migrator(target).run(&pool).await?;
        Ok(Self { pool })
    }

    /// Waits for the connections to finish and closes them (the pool also closes on drop).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The migrations of `target`'s backend.
pub(super) fn migrator(target: &Target) -> &'static Migrator {
    match target {
        Target::Sqlite(_) => &SQLITE_MIGRATIONS,
        Target::Postgres(_) => &POSTGRES_MIGRATIONS,
    }
}

/// A pool on `target`, without migrating it.
pub(super) async fn connect(target: &Target) -> Result<AnyPool, StoreError> {
    sqlx::any::install_default_drivers();
    let (options, sqlite) = match target {
        Target::Sqlite(path) => (sqlite_options(path)?, true),
        Target::Postgres(url) => (url.parse::<AnyConnectOptions>()?, false),
    };
    let pool = AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    set_pragmas(conn).await
                } else {
                    Ok(())
                }
            })
        })
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// The `Any` options of the SQLite file at `path` (created if missing), after creating its
/// folder.
fn sqlite_options(path: &Path) -> Result<AnyConnectOptions, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|source| StoreError::Folder { path: dir.to_owned(), source })?;
    }
    // sqlx-sqlite writes the file name into the URL percent-encoded, and reads it back
    // decoded; an absolute path keeps a relative one from being read as the URL's host.
    let path = std::path::absolute(path)
        .map_err(|source| StoreError::Folder { path: path.to_owned(), source })?;
    let url = SqliteConnectOptions::new().filename(path).create_if_missing(true).to_url_lossy();
    Ok(AnyConnectOptions::from_url(&url)?)
}

/// Applies [`SQLITE_PRAGMAS`] to a new connection.
async fn set_pragmas(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for pragma in SQLITE_PRAGMAS {
        conn.execute(pragma).await?;
    }
    Ok(())
}

/// Wall-clock seconds since 1970 (0 if the clock is before it): the time the store writes,
/// taken here rather than from the database so both backends read it alike.
pub(super) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A flag as the 0/1 integer stored for it.
pub(super) fn flag(v: bool) -> i64 {
    i64::from(v)
}

/// A stored 0/1 flag read back.
pub(super) fn from_flag(v: i64, what: &str) -> Result<bool, StoreError> {
    match v {
        0 => Ok(false),
        1 => Ok(true),
        other => Err(StoreError::Corrupt(format!("{what} = {other}"))),
    }
}

/// `v` as a stored (signed 64-bit) integer.
pub(super) fn int(v: u64, what: &'static str) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::TooLarge(what))
}

/// A stored integer read back as `T`.
pub(super) fn from_int<T: TryFrom<i64>>(v: i64, what: &str) -> Result<T, StoreError> {
    T::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} = {v}")))
}

/// The `games.mode` text (the mode's serde name).
pub(super) fn mode_key(mode: Mode) -> &'static str {
    match mode {
        Mode::DontLaugh => "dont_laugh",
        Mode::CopyFace => "copy_face",
    }
}

/// Reads back `games.mode`.
pub(super) fn mode_from_key(key: &str) -> Result<Mode, StoreError> {
    match key {
        "dont_laugh" => Ok(Mode::DontLaugh),
        "copy_face" => Ok(Mode::CopyFace),
        other => Err(StoreError::Corrupt(format!("mode = {other:?}"))),
    }
}
