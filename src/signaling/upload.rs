//! `POST /api/highlights/{request_id}`: a player's client answers a capture request with a JPEG
//! of its own camera. The seat ticket from `welcome` proves who uploads; the game decides
//! whether that upload is wanted. Every refusal is JSON `{code, message}` and keeps nothing.

use super::hub::UploadError;
use super::server::HubHandle;
use crate::game::{validate_jpeg, HighlightError, MAX_HIGHLIGHT_BYTES};
use crate::protocol::{PeerId, RoomId};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// The header carrying the uploader's seat ticket.
pub const TICKET_HEADER: &str = "x-seat-ticket";

/// Which seat uploads.
#[derive(Debug, Deserialize)]
pub struct Seat {
    /// The room.
    pub room: RoomId,
    /// The seat's id.
    pub peer: PeerId,
}

/// The body of every answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct UploadAnswer {
    /// `ok`, or why not (snake_case, stable).
    pub code: String,
    /// Human-readable detail (English).
    pub message: String,
}

/// The upload route, with a body limit a little above the largest accepted image so that an
/// image just over it still gets our own clear answer.
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    HubHandle: axum::extract::FromRef<S>,
{
    Router::new()
        .route("/api/highlights/{request_id}", post(upload))
        .layer(DefaultBodyLimit::max(MAX_HIGHLIGHT_BYTES + 4096))
}

async fn upload(
    State(hub): State<HubHandle>,
    Path(request_id): Path<u64>,
    Query(seat): Query<Seat>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(ticket) = headers.get(TICKET_HEADER).and_then(|v| v.to_str().ok()) else {
        return answer(
            StatusCode::UNAUTHORIZED,
            "bad_ticket",
            "the x-seat-ticket header is missing",
        );
    };
    if let Err(e) = validate_jpeg(&body) {
        let status = match e {
            HighlightError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        };
        let code = crate::game::GameError::from(e.clone()).code();
        return answer(status, code, &e.to_string());
    }
    let result =
        hub.upload(seat.room, seat.peer, ticket.to_owned(), request_id, body.to_vec()).await;
    match result {
        // Only once the image has committed (`HubHandle::upload`).
        Ok(()) => answer(StatusCode::OK, "ok", "highlight saved"),
        Err(e) => {
            let status = match e {
                UploadError::BadTicket | UploadError::NotInRoom => StatusCode::FORBIDDEN,
                UploadError::Refused(_) => StatusCode::CONFLICT,
                UploadError::NotSaved => StatusCode::INTERNAL_SERVER_ERROR,
            };
            answer(status, e.code(), &e.to_string())
        }
    }
}

fn answer(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(UploadAnswer { code: code.into(), message: message.into() })).into_response()
}
