//! The browser end of the signaling WebSocket.

use super::js::Handler;
use super::peer::SendFn;
use crate::protocol::{ClientMsg, ServerMsg};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// An open (or opening) signaling socket; dropping it detaches the handlers and closes it.
pub struct Socket {
    ws: WebSocket,
    _handlers: Vec<Handler>,
}

/// `ws://` or `wss://` URL of `room`'s signaling socket (`/ws/{room}`) on the page's own origin.
pub fn signaling_url(room: &crate::protocol::RoomId) -> Result<String, JsValue> {
    let location = web_sys::window().ok_or("no window")?.location();
    let scheme = if location.protocol()? == "https:" { "wss" } else { "ws" };
    Ok(format!("{scheme}://{}/ws/{room}", location.host()?))
}

impl Socket {
    /// Connects and routes events to the callbacks.
    pub fn connect(
        url: &str,
        mut on_open: impl FnMut() + 'static,
        mut on_message: impl FnMut(ServerMsg) + 'static,
        mut on_close: impl FnMut(u16, String) + 'static,
    ) -> Result<Self, JsValue> {
        let ws = WebSocket::new(url)?;
        let open = Closure::<dyn FnMut(JsValue)>::new(move |_| on_open());
        let message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let event: MessageEvent = event.unchecked_into();
            let Some(text) = event.data().as_string() else {
                return;
            };
            match serde_json::from_str::<ServerMsg>(&text) {
                Ok(msg) => on_message(msg),
                Err(e) => leptos::logging::warn!("ignoring a server message: {e}"),
            }
        });
        let close = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let event: CloseEvent = event.unchecked_into();
            on_close(event.code(), event.reason());
        });
        ws.set_onopen(Some(open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(close.as_ref().unchecked_ref()));
        Ok(Self { ws, _handlers: vec![open, message, close] })
    }

    /// A function that sends on this socket (while it is open).
    pub fn sender(&self) -> SendFn {
        let ws = self.ws.clone();
        Rc::new(move |msg: ClientMsg| {
            if ws.ready_state() != WebSocket::OPEN {
                return;
            }
            match serde_json::to_string(&msg) {
                Ok(text) => {
                    let _ = ws.send_with_str(&text);
                }
                Err(e) => leptos::logging::warn!("could not encode {msg:?}: {e}"),
            }
        })
    }

    /// Whether the socket is open.
    pub fn is_open(&self) -> bool {
        self.ws.ready_state() == WebSocket::OPEN
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}
