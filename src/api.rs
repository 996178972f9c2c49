//! Server functions: the small request/response calls of the app (signaling itself runs over
//! the `/ws` socket, see `signaling`).

use crate::store::types::{GameSummary, History, Refused};
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
    /// The change was not this browser's to make (or there is nothing to change).
    #[error(transparent)]
    Refused(#[from] Refused),
    /// This server has no public board (`--public-board false`).
    #[error("this server has no public board")]
    BoardOff,
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

/// The results of finished game `id`, or `None` if there is no such game. Anyone with the link
/// may see them (the unguessable id is the capability); what this browser may change is marked.
// `name`: the default struct names (`GameSummary`, `History`) would clash with the types.
#[server(name = LoadGameSummary, endpoint = "game_summary")]
pub async fn game_summary(id: String) -> Result<Option<GameSummary>, ApiError> {
    if !crate::store::types::valid_game_id(&id) {
        return Ok(None);
    }
    let store = expect_context::<crate::store::Store>();
    let mut game = store.game(&id, ssr::browser()).await.map_err(ssr::storage("the game"))?;
    if let Some(game) = &mut game {
        game.can_publish &= ssr::public_board();
    }
    Ok(game)
}

/// The games this browser took part in with their leaderboard, and apart from them the public
/// board (unless the server has it off). A browser without the cookie has no games.
#[server(name = LoadHistory, endpoint = "history")]
pub async fn history() -> Result<History, ApiError> {
    use crate::store::Scope;
    let mine = match ssr::browser() {
        Some(browser) => ssr::board(Scope::Browser(browser)).await?,
        None => Default::default(),
    };
    let public = match ssr::public_board() {
        true => Some(ssr::board(Scope::Public).await?),
        false => None,
    };
    Ok(History { mine, public })
}

/// Puts game `id` on the public board (`public`) or takes it off; only its host's browser may.
#[server(name = PublishGame, endpoint = "publish_game")]
pub async fn publish_game(id: String, public: bool) -> Result<(), ApiError> {
    if !ssr::public_board() {
        return Err(ApiError::BoardOff);
    }
    let (Some(browser), true) = (ssr::browser(), crate::store::types::valid_game_id(&id)) else {
        return Err(Refused::NotFound.into());
    };
    let store = expect_context::<crate::store::Store>();
    let done = store.set_public(&id, browser, public).await.map_err(ssr::storage("the game"))?;
    done.map_err(ApiError::from)
}

/// Deletes highlight `request_id` of game `id`; only the browser of the player in it may.
#[server(name = DeleteHighlight, endpoint = "delete_highlight")]
pub async fn delete_highlight(id: String, request_id: u64) -> Result<(), ApiError> {
    let (Some(browser), true) = (ssr::browser(), crate::store::types::valid_game_id(&id)) else {
        return Err(Refused::NotFound.into());
    };
    let store = expect_context::<crate::store::Store>();
    let done = store
        .delete_own_highlight(&id, request_id, browser)
        .await
        .map_err(ssr::storage("the picture"))?;
    done.map_err(ApiError::from)
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::{ApiError, HISTORY_GAMES, LEADERBOARD_ROWS};
    use crate::browser::BrowserId;
    use crate::store::{Board, Scope, Store, StoreError};
    use base64::Engine;
    use leptos::prelude::{expect_context, use_context};
    use rand::RngCore;

    /// The browser of the request being served (set by the cookie layer).
    pub fn browser() -> Option<BrowserId> {
        use_context::<axum::http::request::Parts>().and_then(|p| BrowserId::of(&p.extensions))
    }

    /// Whether the server has the public board on.
    pub fn public_board() -> bool {
        expect_context::<std::sync::Arc<crate::config::Config>>().public_board
    }

    /// The games of `scope` and their leaderboard.
    pub async fn board(scope: Scope) -> Result<Board, ApiError> {
        let store = expect_context::<Store>();
        let games = store.games(scope, HISTORY_GAMES).await.map_err(storage("recent games"))?;
        let leaderboard =
            store.leaderboard(scope, LEADERBOARD_ROWS).await.map_err(storage("the leaderboard"))?;
        Ok(Board { games, leaderboard })
    }

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
