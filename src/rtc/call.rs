//! A call: the signaling socket, the local media and one [`Peer`] per remote participant,
//! driven by server messages and user actions, reporting through [`CallUi`] signals.

use super::js::Handler;
use super::media::{open_local_media, stop_stream};
use super::peer::{Peer, SendFn};
use super::socket::{signaling_url, Socket};
use crate::api::ice_servers;
use crate::hooks::use_call::{CallUi, LocalMedia, Phase, StreamRef, Tile};
use crate::protocol::{ClientMsg, ErrorCode, IceServer, PeerId, PeerInfo, RoomId, ServerMsg};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::MediaStream;

#[derive(Default)]
struct State {
    socket: Option<Socket>,
    ice: Option<Vec<IceServer>>,
    me: Option<PeerId>,
    local: Option<MediaStream>,
    peers: HashMap<PeerId, Peer>,
    /// A join the user asked for before the socket or ICE servers were ready.
    pending_join: Option<String>,
    /// Bumped on each media request, so a slow earlier request cannot overwrite a later one.
    media_generation: u32,
}

struct Inner {
    room: RoomId,
    ui: CallUi,
    state: RefCell<State>,
    _pagehide: RefCell<Option<Handler>>,
}

/// The browser side of one room visit. Dropping it leaves the room and releases everything.
pub struct Call {
    inner: Rc<Inner>,
}

impl Call {
    /// Connects to signaling, fetches ICE servers and opens the camera, all at once, so that
    /// pressing Join only has to send one message.
    pub fn start(room: RoomId, ui: CallUi) -> Self {
        let inner = Rc::new(Inner {
            room,
            ui,
            state: RefCell::new(State::default()),
            _pagehide: RefCell::new(None),
        });
        Inner::connect(&inner);
        let weak = Rc::downgrade(&inner);
        spawn_local(async move {
            let servers = ice_servers().await.unwrap_or_else(|e| {
                leptos::logging::warn!("ICE servers unavailable, using host candidates: {e}");
                Vec::new()
            });
            if let Some(inner) = weak.upgrade() {
                inner.state.borrow_mut().ice = Some(servers);
                inner.try_join();
            }
        });
        // Closing the tab or navigating away: close peer connections and stop the camera at
        // once instead of waiting for the page to be torn down.
        let weak = Rc::downgrade(&inner);
        let pagehide = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                inner.release();
            }
        });
        if let Some(w) = web_sys::window() {
            let _ =
                w.add_event_listener_with_callback("pagehide", pagehide.as_ref().unchecked_ref());
        }
        *inner._pagehide.borrow_mut() = Some(pagehide);
        let call = Self { inner };
        call.open_media();
        call
    }

    /// (Re)opens camera and microphone for the preview.
    pub fn open_media(&self) {
        let generation = {
            let mut state = self.inner.state.borrow_mut();
            state.media_generation += 1;
            if let Some(old) = state.local.take() {
                stop_stream(&old);
            }
            state.media_generation
        };
        self.inner.ui.local.set(LocalMedia::Pending);
        let weak = Rc::downgrade(&self.inner);
        spawn_local(async move {
            let result = open_local_media().await;
            let Some(inner) = weak.upgrade() else {
                if let Ok((stream, _)) = result {
                    stop_stream(&stream);
                }
                return;
            };
            if inner.state.borrow().media_generation != generation {
                if let Ok((stream, _)) = result {
                    stop_stream(&stream);
                }
                return;
            }
            match result {
                Ok((stream, camera_error)) => {
                    inner.state.borrow_mut().local = Some(stream.clone());
                    inner.ui.local.set(LocalMedia::Ready {
                        stream: StreamRef::new(stream),
                        camera_error,
                    });
                }
                Err(e) => inner.ui.local.set(LocalMedia::Failed(e)),
            }
        });
    }

    /// Continues without camera and microphone.
    pub fn media_off(&self) {
        let mut state = self.inner.state.borrow_mut();
        state.media_generation += 1;
        if let Some(old) = state.local.take() {
            stop_stream(&old);
        }
        self.inner.ui.local.set(LocalMedia::Off);
    }

    /// Joins under `name` as soon as signaling is ready.
    pub fn join(&self, name: String) {
        self.inner.state.borrow_mut().pending_join = Some(name);
        self.inner.ui.phase.set(Phase::Joining);
        if self.inner.state.borrow().socket.is_none() {
            Inner::connect(&self.inner);
        }
        self.inner.try_join();
    }

    /// Leaves: tells the server, closes every connection, stops every track.
    pub fn leave(&self) {
        if let Some(socket) = &self.inner.state.borrow().socket {
            (socket.sender())(ClientMsg::Leave);
        }
        self.inner.release();
        self.inner.ui.phase.set(Phase::Left);
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.inner.release();
        self.inner.state.borrow_mut().socket = None;
        if let (Some(w), Some(cb)) = (web_sys::window(), self.inner._pagehide.borrow_mut().take()) {
            let _ = w.remove_event_listener_with_callback("pagehide", cb.as_ref().unchecked_ref());
        }
    }
}

impl Inner {
    fn connect(this: &Rc<Self>) {
        let url = match signaling_url() {
            Ok(url) => url,
            Err(_) => return,
        };
        let (open, message, close) = (
            Rc::downgrade(this),
            Rc::downgrade(this),
            Rc::downgrade(this),
        );
        let socket = Socket::connect(
            &url,
            move || with(&open, |inner| inner.try_join()),
            move |msg| with(&message, |inner| inner.on_server_msg(msg)),
            move |code, reason| with(&close, |inner| inner.on_socket_closed(code, reason)),
        );
        match socket {
            Ok(socket) => this.state.borrow_mut().socket = Some(socket),
            Err(_) => this
                .ui
                .phase
                .set(Phase::Error("Cannot reach the signaling server.".into())),
        }
    }

    /// Sends the pending join once the socket is open and the ICE servers are known.
    fn try_join(&self) {
        let mut state = self.state.borrow_mut();
        let ready = state.ice.is_some() && state.socket.as_ref().is_some_and(Socket::is_open);
        if !ready {
            return;
        }
        let Some(name) = state.pending_join.take() else {
            return;
        };
        if let Some(socket) = &state.socket {
            (socket.sender())(ClientMsg::Join {
                room: self.room.clone(),
                name,
            });
        }
    }

    fn sender(&self) -> Option<SendFn> {
        self.state.borrow().socket.as_ref().map(Socket::sender)
    }

    fn on_server_msg(&self, msg: ServerMsg) {
        match msg {
            ServerMsg::Welcome { you, peers, .. } => {
                self.state.borrow_mut().me = Some(you);
                self.ui.me.set(Some(you));
                self.ui.phase.set(Phase::InCall);
                for peer in peers {
                    self.add_peer(you, peer, true);
                }
            }
            ServerMsg::PeerJoined { peer } => {
                let me = self.state.borrow().me;
                if let Some(me) = me {
                    self.add_peer(me, peer, false);
                }
            }
            ServerMsg::PeerLeft { peer } => self.remove_peer(peer),
            ServerMsg::Signal { from, signal } => match self.state.borrow().peers.get(&from) {
                Some(peer) => peer.on_signal(signal),
                None => leptos::logging::warn!("signal from unknown peer {from}"),
            },
            ServerMsg::Error {
                code: ErrorCode::RoomFull,
                ..
            } => self.ui.phase.set(Phase::RoomFull),
            ServerMsg::Error {
                code: ErrorCode::BadName,
                message,
            } => self.ui.phase.set(Phase::Error(message)),
            ServerMsg::Error { code, message } => {
                leptos::logging::warn!("server refused a message ({code:?}): {message}")
            }
            ServerMsg::Pong => {}
        }
    }

    fn add_peer(&self, me: PeerId, info: PeerInfo, initiator: bool) {
        let Some(send) = self.sender() else { return };
        let tile = Tile::new(info.id, info.name);
        let (ice, local) = {
            let state = self.state.borrow();
            (state.ice.clone().unwrap_or_default(), state.local.clone())
        };
        // The later joiner is polite: it yields when both sides offer at once.
        let polite = me > info.id;
        match Peer::new(info.id, polite, initiator, &ice, local, send, tile.clone()) {
            Ok(peer) => {
                self.state.borrow_mut().peers.insert(info.id, peer);
                self.ui.tiles.update(|tiles| {
                    tiles.retain(|t| t.id != info.id);
                    tiles.push(tile);
                });
            }
            Err(e) => leptos::logging::warn!("could not create a connection: {e:?}"),
        }
    }

    fn remove_peer(&self, id: PeerId) {
        // Dropping the Peer closes its RTCPeerConnection.
        let removed = self.state.borrow_mut().peers.remove(&id);
        drop(removed);
        self.ui.tiles.update(|tiles| tiles.retain(|t| t.id != id));
    }

    fn on_socket_closed(&self, code: u16, reason: String) {
        self.state.borrow_mut().socket = None;
        if matches!(
            self.ui.phase.get_untracked(),
            Phase::InCall | Phase::Joining
        ) {
            leptos::logging::warn!("signaling closed ({code}) {reason}");
            self.ui.phase.set(Phase::Error(
                "Lost the connection to the server. Calls already connected keep running.".into(),
            ));
        }
    }

    /// Closes every peer connection and stops every local track.
    fn release(&self) {
        let (peers, local) = {
            let mut state = self.state.borrow_mut();
            state.me = None;
            state.pending_join = None;
            state.media_generation += 1;
            (std::mem::take(&mut state.peers), state.local.take())
        };
        drop(peers);
        if let Some(stream) = local {
            stop_stream(&stream);
        }
        self.ui.tiles.set(Vec::new());
        self.ui.me.set(None);
        self.ui.local.set(LocalMedia::Off);
    }
}

fn with(weak: &Weak<Inner>, f: impl FnOnce(&Inner)) {
    if let Some(inner) = weak.upgrade() {
        f(&inner);
    }
}
