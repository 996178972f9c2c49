//! Server functions: the small request/response calls of the app (signaling itself runs over
//! the `/ws` socket, see `signaling`).

use crate::store::types::{GameSummary, History};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What a server function can fail with, as the client sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// The call itself failed (network, server down, bad encoding).
    #[error("could not reach the server: {0}")]
    Transport(String),
    /// The server could not read its records: names what it was loading; the cause stays in
    /// the server's log.
    #[error("the server could not load {0} right now; please try again later")]
    Storage(String),
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport(value.to_string())
    }
}

/// Creates a room: 128 random bits from the OS generator, as 22 base64url characters.
#[server(endpoint = "create_room")]
pub async fn create_room() -> Result<String, ApiError> {
    Ok(ssr::new_room_id())
}

/// The public origin invite links are built from (`--public-url`), e.g. `https://meet.example.com`.
#[server(endpoint = "public_url")]
pub async fn public_url() -> Result<String, ApiError> {
    let config = expect_context::<std::sync::Arc<crate::config::Config>>();
    Ok(config.public_url.clone())
}

/// Games listed on the history page.
pub const HISTORY_GAMES: u32 = 20;
/// Names on the history page's leaderboard.
pub const LEADERBOARD_ROWS: u32 = 20;

/// The results of finished game `id`, or `None` if there is no such game.
// `name`: the default struct names (`GameSummary`, `History`) would clash with the types.
#[server(name = LoadGameSummary, endpoint = "game_summary")]
pub async fn game_summary(id: String) -> Result<Option<GameSummary>, ApiError> {
    if !crate::store::types::valid_game_id(&id) {
        return Ok(None);
    }
    let store = expect_context::<crate::store::Store>();
    store.game(&id).await.map_err(ssr::storage("the game"))
}

/// The most recent games and the leaderboard.
#[server(name = LoadHistory, endpoint = "history")]
pub async fn history() -> Result<History, ApiError> {
    let store = expect_context::<crate::store::Store>();
    let games = store.recent_games(HISTORY_GAMES).await.map_err(ssr::storage("recent games"))?;
    let leaderboard =
        store.leaderboard(LEADERBOARD_ROWS).await.map_err(ssr::storage("the leaderboard"))?;
    Ok(History { games, leaderboard })
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::ApiError;
    use crate::store::StoreError;
    use base64::Engine;
    use rand::RngCore;

    /// Logs a store failure and turns it into an error that names only what was being read.
    pub fn storage(what: &'static str) -> impl FnOnce(StoreError) -> ApiError {
        move |e| {
            tracing::error!(error = %e, "loading {what} failed");
            ApiError::Storage(what.to_owned())
        }
    }

    /// A fresh unguessable room id.
    pub fn new_room_id() -> String {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::protocol::RoomId;

        #[test]
        fn room_ids_are_valid_and_distinct() {
            let ids: std::collections::HashSet<String> = (0..1000).map(|_| new_room_id()).collect();
            assert_eq!(ids.len(), 1000);
            for id in &ids {
                assert_eq!(id.len(), 22);
                assert!(RoomId::parse(id).is_ok(), "{id}");
            }
        }
    }
}
