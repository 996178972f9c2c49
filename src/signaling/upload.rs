//! `POST /api/highlights/{request_id}`: a player's client answers a capture request with a JPEG
//! of its own camera. The seat ticket from `welcome` proves who uploads; the game decides
//! whether that upload is wanted. Every refusal is JSON `{code, message}` and keeps nothing.

use super::cluster::{forward, Cluster, Route};
use super::hub::UploadError;
use super::server::HubHandle;
use crate::game::{validate_jpeg, HighlightError, MAX_HIGHLIGHT_BYTES};
use crate::protocol::{PeerId, RoomId};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

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

/// The upload route. The handler reads the body itself, after the ticket has been checked, and
/// never more than one byte past the largest accepted image.
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    HubHandle: axum::extract::FromRef<S>,
    Option<Arc<Cluster>>: axum::extract::FromRef<S>,
{
    Router::new().route("/api/highlights/{request_id}", post(upload))
}

/// The smallest and largest sides of an accepted highlight (the client sends at most 640 px).
const SIDES: std::ops::RangeInclusive<usize> = 16..=2048;
/// How long the body of an upload may take to arrive (300 KB on a slow phone link).
const BODY_TIME: Duration = Duration::from_secs(20);

async fn upload(
    State(hub): State<HubHandle>,
    State(cluster): State<Option<Arc<Cluster>>>,
    Path(request_id): Path<u64>,
    Query(seat): Query<Seat>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(ticket) = headers.get(TICKET_HEADER).and_then(|v| v.to_str().ok()) else {
        return answer(
            StatusCode::UNAUTHORIZED,
            "bad_ticket",
            "the x-seat-ticket header is missing",
        );
    };
    // Who asks is settled before a byte of the body is read.
    if !hub.ticket_valid(&seat.room, seat.peer, ticket) {
        return answer(StatusCode::FORBIDDEN, "bad_ticket", "that seat ticket is not valid");
    }
    let body = match read_body(&headers, body).await {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    if let Err(e) = validate_jpeg(&body) {
        return refuse_highlight(e);
    }
    if let Err(why) = decodes_as_jpeg(body.clone()).await {
        let code = crate::game::GameError::from(HighlightError::NotJpeg).code();
        return answer(StatusCode::UNSUPPORTED_MEDIA_TYPE, code.as_str(), &why);
    }
    if let Some(cluster) = cluster {
        if cluster.has_left() {
            // Shutting down: claiming the room now would take a lease nobody renews.
            return answer(
                StatusCode::SERVICE_UNAVAILABLE,
                "room_unreachable",
                "this server is restarting; try again",
            );
        }
        match cluster.route(&seat.room).await {
            Ok(Route::Here) => {}
            Ok(Route::There(addr)) => {
                return match forward::upload(
                    &addr,
                    cluster.token(),
                    &seat,
                    request_id,
                    ticket,
                    body,
                )
                .await
                {
                    Ok(answer) => answer,
                    Err(e) => {
                        tracing::warn!(room = %seat.room, %addr, error = %e, "upload not forwarded");
                        answer(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "room_unreachable",
                            "the server of this room did not answer; try again",
                        )
                    }
                };
            }
            Err(e) => {
                tracing::warn!(error = %e, "the room directory is unreachable");
                return answer(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "room_unreachable",
                    "the room directory did not answer; try again",
                );
            }
        }
    }
    deliver(&hub, seat, request_id, ticket, body).await
}

/// Hands a checked upload to the hub of this process and answers with what it decided.
pub async fn deliver(
    hub: &HubHandle,
    seat: Seat,
    request_id: u64,
    ticket: &str,
    body: Bytes,
) -> Response {
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

/// The body, if it is no larger than a highlight may be and arrives within [`BODY_TIME`].
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, Response> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(len) = declared.filter(|&len| len > MAX_HIGHLIGHT_BYTES) {
        return Err(refuse_highlight(HighlightError::TooLarge(len)));
    }
    match tokio::time::timeout(BODY_TIME, axum::body::to_bytes(body, MAX_HIGHLIGHT_BYTES + 1)).await
    {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(refuse_highlight(HighlightError::TooLarge(MAX_HIGHLIGHT_BYTES + 1))),
        Err(_) => Err(answer(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            "the image did not arrive in time",
        )),
    }
}

/// Decodes the whole image (off the async threads) and checks its size: only a real JPEG of
/// sane dimensions is kept, whatever its first bytes say.
async fn decodes_as_jpeg(jpeg: Bytes) -> Result<(), String> {
    let check = move || {
        let mut decoder = zune_jpeg::JpegDecoder::new(&jpeg[..]);
        decoder.decode_headers().map_err(|e| format!("not a readable JPEG: {e:?}"))?;
        let (w, h) = decoder.dimensions().ok_or("a JPEG without dimensions")?;
        if !SIDES.contains(&w) || !SIDES.contains(&h) {
            return Err(format!(
                "a highlight is {} to {} pixels on each side, this one is {w}x{h}",
                SIDES.start(),
                SIDES.end()
            ));
        }
        decoder.decode().map(drop).map_err(|e| format!("not a readable JPEG: {e:?}"))
    };
    tokio::task::spawn_blocking(check).await.unwrap_or_else(|_| Err("decoder failed".into()))
}

fn refuse_highlight(e: HighlightError) -> Response {
    let status = match e {
        HighlightError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::UNSUPPORTED_MEDIA_TYPE,
    };
    let code = crate::game::GameError::from(e.clone()).code();
    answer(status, code.as_str(), &e.to_string())
}

fn answer(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(UploadAnswer { code: code.into(), message: message.into() })).into_response()
}
