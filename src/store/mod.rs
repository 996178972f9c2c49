//! Persistence of finished games and their highlights, in a SQLite file (the embedded default)
//! or a Postgres database several nodes share (the database part is ssr only).
//!
//! The signaling hub asks for writes through the writer task (`spawn_writer`): a game once, at
//! game over (`Store::save_game`); highlight images earlier, one upload at a time
//! (`Store::put_highlight`), keyed by the same game id. The results and history pages read it
//! back as the plain [`types`], which the browser shares. Each player's browser id is saved
//! with the game and only used to choose what a browser may list and change; it is never
//! read back into a type the browser sees. Queries are checked at run time
//! (`sqlx::query`), so building needs no database, and are the same code on both backends
//! (one `sqlx::AnyPool`, see `db`); each backend's schema lives in `migrations/sqlite/` or
//! `migrations/postgres/`, with the same versions, and is applied when the store opens.

pub mod types;

#[cfg(feature = "ssr")]
mod db;
#[cfg(feature = "ssr")]
mod read;
#[cfg(feature = "ssr")]
mod target;
#[cfg(feature = "ssr")]
mod write;
#[cfg(feature = "ssr")]
pub mod writer;

#[cfg(feature = "ssr")]
pub use db::{Store, StoreError};
#[cfg(feature = "ssr")]
pub use read::Scope;
#[cfg(feature = "ssr")]
pub use target::{Target, TargetError};
pub use types::{
    Board, GameListItem, GameSummary, HighlightItem, History, LeaderboardRow, Refused,
};
#[cfg(feature = "ssr")]
pub use writer::spawn_writer;

#[cfg(all(test, feature = "ssr"))]
mod tests;
