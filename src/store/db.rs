//! Opening the database, the error type and the conversions between Rust and SQLite values.

use crate::game::Mode;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a query waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// WAL lets readers run beside the one writer; a few connections are plenty for this load.
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
    /// SQLite refused a query or the connection.
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A game event could not be encoded as JSON.
    #[error("cannot encode a game event: {0}")]
    Json(#[from] serde_json::Error),
    /// A number does not fit SQLite's signed 64-bit integers.
    #[error("{0} is too large to store")]
    TooLarge(&'static str),
    /// A stored value is not one this version writes.
    #[error("unexpected value in the database: {0}")]
    Corrupt(String),
}

/// The game database: a cheap-to-clone handle on a connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pub(super) pool: SqlitePool,
}

impl Store {
    /// Opens (or creates) the database at `path`, creating its folder, and applies the
    /// migrations in `migrations/`.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::Folder { path: dir.to_owned(), source })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a game reported as saved survives a power cut, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool =
            SqlitePoolOptions::new().max_connections(MAX_CONNECTIONS).connect_with(options).await?;
        sqlx::migrate!().run(&pool).await?;
        Ok(Self { pool })
    }

    /// Waits for the connections to finish and closes them (the pool also closes on drop).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `v` as an SQLite integer.
pub(super) fn int(v: u64, what: &'static str) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::TooLarge(what))
}

/// An SQLite integer read back as `T`.
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
