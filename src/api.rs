//! Server functions: the small request/response calls of the app (signaling itself runs over
//! the `/ws` socket, see `signaling`).

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

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use base64::Engine;
    use rand::RngCore;

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
