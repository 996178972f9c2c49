//! A highlight of the game: the capture of our own camera as a JPEG, and its upload.

use super::js::describe;
use crate::game::MAX_HIGHLIGHT_BYTES;
use crate::protocol::{PeerId, RoomId};
use base64::Engine;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement};

/// The frame `video` shows now, as a JPEG of at most [`MAX_HIGHLIGHT_BYTES`] (at most 640
/// pixels wide; lower quality until it fits).
pub fn capture_jpeg(video: &HtmlVideoElement) -> Result<Vec<u8>, JsValue> {
    let (w, h) = (video.video_width(), video.video_height());
    if w == 0 || h == 0 {
        return Err(JsValue::from_str("the camera shows no picture"));
    }
    let scale = (640.0 / f64::from(w)).min(1.0);
    let (cw, ch) = ((f64::from(w) * scale) as u32, (f64::from(h) * scale) as u32);
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_width(cw);
    canvas.set_height(ch);
    let ctx: CanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or("no 2d context")?.dyn_into()?;
    ctx.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, cw.into(), ch.into())?;
    for quality in [0.85, 0.7, 0.5, 0.3] {
        let url =
            canvas.to_data_url_with_type_and_encoder_options("image/jpeg", &quality.into())?;
        let b64 = url.split_once(',').map(|(_, b)| b).unwrap_or_default();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| JsValue::from_str(&e.to_string()))?;
        if bytes.len() <= MAX_HIGHLIGHT_BYTES {
            return Ok(bytes);
        }
    }
    Err(JsValue::from_str("the picture does not fit in 300 KB"))
}

/// `POST /api/highlights/{request}` with our seat ticket.
pub async fn upload(
    room: RoomId,
    peer: PeerId,
    ticket: String,
    request: u64,
    jpeg: Vec<u8>,
) -> Result<(), String> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let body = js_sys::Uint8Array::from(jpeg.as_slice());
    init.set_body(&body);
    let headers = web_sys::Headers::new().map_err(|e| describe(&e))?;
    headers.set("content-type", "image/jpeg").map_err(|e| describe(&e))?;
    headers.set("x-seat-ticket", &ticket).map_err(|e| describe(&e))?;
    init.set_headers(&headers);
    let url = format!("/api/highlights/{request}?room={room}&peer={peer}");
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|e| describe(&e))?;
    let response: web_sys::Response = response.dyn_into().map_err(|e| describe(&e))?;
    if response.ok() {
        Ok(())
    } else {
        let text = match response.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
            Err(_) => String::new(),
        };
        Err(format!("upload refused ({}): {text}", response.status()))
    }
}
