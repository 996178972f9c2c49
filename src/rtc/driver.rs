//! A call: the signaling socket, the local media and one [`Peer`] per remote participant,
//! driven by server messages, user actions and a once-a-second tick, reporting through
//! [`CallUi`] signals.
//!
//! The protocol's rules — when to open the socket, join, resume the seat with its ticket,
//! reconnect with backoff, which peers to connect to and who offers — are `call::session`'s,
//! a plain state machine with native tests. This file feeds it the socket's events, the
//! server's messages and the user's actions, and carries out what it answers (sockets, timers,
//! `RTCPeerConnection`s, signals). Peer connections are keyed by peer id, which a resumed seat
//! keeps, so media keeps flowing while signaling is away.

use super::js::{monotonic, now, Handler};

mod door;
mod transfers;
use super::local::Local;
use super::media::stop_stream;
use super::peer::{IceSetup, Peer, SendFn};
use super::socket::{signaling_url, Socket};
use crate::call::reconnect::{jitter_from_unit, Backoff};
use crate::call::session::{self, JoinRequest, PeerPlan, Session, Status};
use crate::media::MediaKind;
use crate::model::call_ui::{
    CallError, CallUi, DoorClosed, LocalMedia, PeerState, Phase, Tile, VideoCap, Who,
};
use crate::model::game_ui::GameAction;
use crate::model::host_ui::HostAction;
use crate::protocol::{ClientMsg, CloseReason, PeerId, Reaction, RoomId, ServerMsg};
use gloo_timers::callback::{Interval, Timeout};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::MediaStream;

#[derive(Default)]
struct State {
    ice: IceSetup,
    peers: HashMap<PeerId, Peer>,
    reconnect: Option<Timeout>,
    tick: Option<Interval>,
    cap: Option<VideoCap>,
    /// The shared screen while sharing, and the handler of its `ended` (the browser's own
    /// "Stop sharing").
    screen: Option<(MediaStream, Handler)>,
    files: transfers::FileState,
    /// What we tell the server about the call, for its metrics.
    reporter: crate::call::report::Reporter,
}

struct Inner {
    me: Weak<Inner>,
    room: RoomId,
    ui: CallUi,
    /// Our camera and microphone (the pre-join page opened them).
    local: Rc<Local>,
    /// The protocol's rules; borrowed only inside [`Inner::feed`].
    session: RefCell<Session>,
    /// The signaling socket, apart from `state` so a peer's signal can always be sent.
    socket: RefCell<Option<Socket>>,
    state: RefCell<State>,
    _pagehide: RefCell<Option<Handler>>,
}

/// The browser side of one room visit. Dropping it leaves the room and releases everything.
pub struct Call {
    inner: Rc<Inner>,
}

impl Call {
    /// A call in `room` sending `local`'s tracks; signaling connects on [`Call::join`].
    pub fn start(room: RoomId, ui: CallUi, local: Rc<Local>) -> Self {
        let relay_only = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .is_some_and(|q| q.contains("ice=relay"));
        let ice = IceSetup { relay_only, ..IceSetup::default() };
        let state = State { ice, ..State::default() };
        let session = Session::new(room.clone(), Backoff::default());
        let inner = Rc::new_cyclic(|me| Inner {
            me: me.clone(),
            room,
            ui,
            local,
            session: RefCell::new(session),
            socket: RefCell::new(None),
            state: RefCell::new(state),
            _pagehide: RefCell::new(None),
        });
        Inner::start_tick(&inner);
        // A device picked in the settings: its track goes on every sender.
        let weak = Rc::downgrade(&inner);
        inner.local.listen(Box::new(move |kind, track| {
            with(&weak, |inner| inner.track_switched(kind, track))
        }));
        let weak = Rc::downgrade(&inner);
        spawn_local(async move {
            let algorithm = js_sys::Object::new();
            let _ = super::js::set_prop(&algorithm, "name", &"ECDSA".into());
            let _ = super::js::set_prop(&algorithm, "namedCurve", &"P-256".into());
            let Ok(promise) =
                web_sys::RtcPeerConnection::generate_certificate_with_object(&algorithm)
            else {
                return;
            };
            if let (Ok(cert), Some(inner)) =
                (wasm_bindgen_futures::JsFuture::from(promise).await, weak.upgrade())
            {
                inner.state.borrow_mut().ice.certificate = Some(cert);
            }
        });
        // Closing the tab or navigating away: say goodbye, close peer connections and stop the
        // camera at once instead of waiting for the page to be torn down.
        let weak = Rc::downgrade(&inner);
        let pagehide = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                inner.leave();
            }
        });
        if let Some(w) = web_sys::window() {
            let _ =
                w.add_event_listener_with_callback("pagehide", pagehide.as_ref().unchecked_ref());
        }
        *inner._pagehide.borrow_mut() = Some(pagehide);
        Self { inner }
    }

    /// Joins as `request` says as soon as signaling is open (connecting it if need be).
    pub fn join(&self, request: JoinRequest) {
        self.inner.feed(session::Input::Join(request));
    }

    /// Tells the room that our microphone or camera went on or off (`Local::apply_enabled`
    /// did it on the tracks).
    pub fn media_changed(&self) {
        self.send(ClientMsg::Media(self.inner.media_state()));
    }

    /// Starts sharing the screen, or stops.
    pub fn toggle_share(&self) {
        if self.inner.state.borrow().screen.is_some() {
            return self.inner.stop_share();
        }
        let weak = Rc::downgrade(&self.inner);
        spawn_local(async move {
            match super::media::get_display_media().await {
                Ok(stream) => with(&weak, |inner| inner.start_share(stream)),
                Err(e) => leptos::logging::warn!("screen share refused: {e:?}"),
            }
        });
    }

    /// Sends a chat message (already checked with `check_outgoing`) to everyone connected.
    pub fn send_chat(&self, text: String) {
        let sent_at_ms = js_sys::Date::now();
        let wire = crate::call::chat::ChatWire { text, sent_at_ms };
        let Ok(frame) = serde_json::to_string(&wire) else { return };
        for peer in self.inner.state.borrow().peers.values() {
            peer.send_chat(&frame);
        }
        let time = clock_time(sent_at_ms);
        self.inner.ui.chat.update(|log| log.push(None, String::new(), wire.text, time, true));
    }

    /// Shows our reaction at once and sends it to the room.
    pub fn react(&self, reaction: Reaction) {
        float_reaction(self.inner.ui, Who::Me, reaction);
        self.inner.send_seated(ClientMsg::React { reaction });
    }

    /// Raises or lowers our hand.
    pub fn raise_hand(&self, up: bool) {
        self.inner.ui.hand_up.set(up);
        self.inner.send_seated(ClientMsg::Hand { up });
    }

    /// Sends a game message if seated (a message without a seat would only be refused).
    pub fn send(&self, msg: ClientMsg) {
        self.inner.send_seated(msg);
    }

    /// Uploads the JPEG answering capture request `request`, proving our seat with its ticket.
    pub fn upload_highlight(&self, request: u64, jpeg: Vec<u8>) {
        let seat = self.inner.session.borrow().seat().map(|(peer, t)| (peer, t.to_owned()));
        let Some((peer, ticket)) = seat else { return };
        let room = self.inner.room.clone();
        spawn_local(async move {
            if let Err(e) = super::capture::upload(room, peer, ticket, request, jpeg).await {
                leptos::logging::warn!("highlight upload failed: {e}");
            }
        });
    }

    /// Leaves: tells the server, closes every connection, stops every track.
    pub fn leave(&self) {
        self.inner.leave();
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.inner.leave();
        // Received files live in object URLs until revoked.
        self.inner.ui.files.with_untracked(|files| {
            for url in files.iter().filter_map(|f| f.url.as_deref()) {
                let _ = web_sys::Url::revoke_object_url(url);
            }
        });
        self.inner.socket.borrow_mut().take();
        let mut state = self.inner.state.borrow_mut();
        state.reconnect = None;
        state.tick = None;
        drop(state);
        if let (Some(w), Some(cb)) = (web_sys::window(), self.inner._pagehide.borrow_mut().take()) {
            let _ = w.remove_event_listener_with_callback("pagehide", cb.as_ref().unchecked_ref());
        }
    }
}

/// What the page asks of a running call. The room page holds the call as this trait object,
/// so none of the call's code (signaling, peer connections, files) is in the page's first
/// module: it comes with the call screen's module when the person joins (`use_call`).
pub trait CallApi {
    fn join(&self, request: JoinRequest);
    fn leave(&self);
    fn media_changed(&self);
    fn host_action(&self, action: HostAction);
    fn send_file(&self, file: web_sys::File, to: Option<PeerId>);
    fn cancel_file(&self, key: u64);
    fn send_chat(&self, text: String);
    fn toggle_share(&self);
    fn game(&self, action: GameAction);
    fn upload_highlight(&self, request: u64, jpeg: Vec<u8>);
    fn react(&self, reaction: Reaction);
    fn raise_hand(&self, up: bool);
}

impl CallApi for Call {
    fn join(&self, request: JoinRequest) {
        Call::join(self, request)
    }
    fn leave(&self) {
        Call::leave(self)
    }
    fn media_changed(&self) {
        Call::media_changed(self)
    }
    fn host_action(&self, action: HostAction) {
        Call::host_action(self, action)
    }
    fn send_file(&self, file: web_sys::File, to: Option<PeerId>) {
        Call::send_file(self, file, to)
    }
    fn cancel_file(&self, key: u64) {
        Call::cancel_file(self, key)
    }
    fn send_chat(&self, text: String) {
        Call::send_chat(self, text)
    }
    fn toggle_share(&self) {
        Call::toggle_share(self)
    }
    fn game(&self, action: GameAction) {
        self.send(action.message())
    }
    fn upload_highlight(&self, request: u64, jpeg: Vec<u8>) {
        Call::upload_highlight(self, request, jpeg)
    }
    fn react(&self, reaction: Reaction) {
        Call::react(self, reaction)
    }
    fn raise_hand(&self, up: bool) {
        Call::raise_hand(self, up)
    }
}

impl Inner {
    /// Feeds the session one input and carries out what it answers.
    fn feed(&self, input: session::Input) {
        let outputs = self.session.borrow_mut().handle(monotonic(), input);
        let seated = outputs.iter().any(|o| matches!(o, session::Output::Seated { .. }));
        for output in outputs {
            self.apply(output);
        }
        // The reporter learns now whether the room had people in it when we took the seat
        // (the welcome's peers are open), not at the next tick, by which time someone may
        // have come in after us.
        if seated {
            self.report(monotonic());
        }
    }

    fn apply(&self, output: session::Output) {
        use session::Output;
        match output {
            Output::Connect => self.connect(),
            Output::ConnectIn(delay) => {
                let weak = self.me.clone();
                let timer = Timeout::new(delay.as_millis() as u32, move || {
                    with(&weak, |inner| inner.feed(session::Input::ReconnectDue))
                });
                self.state.borrow_mut().reconnect = Some(timer);
            }
            Output::Send(msg) => self.send_now(msg),
            Output::Seated { me, ice_servers } => self.on_seated(me, ice_servers),
            Output::OpenPeer(plan) => self.add_peer(plan),
            Output::ClosePeer(id) => self.remove_peer(id),
            Output::ClosePeers => self.release_peers(),
            Output::SignalingLost => self.ui.reconnecting.set(true),
            Output::Status(status) => self.show_status(status),
        }
    }

    fn show_status(&self, status: Status) {
        let phase = match status {
            Status::PreJoin => Phase::PreJoin,
            Status::Joining => Phase::Joining,
            Status::Knocking => Phase::Knocking,
            Status::InCall => Phase::InCall,
            Status::RoomFull => Phase::RoomFull,
            Status::NameRefused => Phase::Error(CallError::BadName),
            Status::OpenedElsewhere => Phase::Error(CallError::OpenedElsewhere),
            Status::Removed => return self.door_shut(DoorClosed::Removed),
            // The door's own message set the phase already.
            Status::DoorClosed => return,
            Status::Left => Phase::Left,
        };
        self.ui.phase.set(phase);
    }

    fn connect(&self) {
        self.state.borrow_mut().reconnect = None;
        let Ok(url) = signaling_url(&self.room) else { return };
        let (open, message, close) = (self.me.clone(), self.me.clone(), self.me.clone());
        let socket = Socket::connect(
            &url,
            move || with(&open, |inner| inner.feed(session::Input::SocketOpened)),
            move |msg| with(&message, |inner| inner.on_server_msg(msg)),
            move |code, reason| with(&close, |inner| inner.on_socket_closed(code, reason)),
        );
        match socket {
            // A socket is only made when the session asks, and it asks once per close.
            Ok(socket) => *self.socket.borrow_mut() = Some(socket),
            Err(_) => self.feed(session::Input::SocketClosed { reason: None, rand: random() }),
        }
    }

    fn start_tick(this: &Rc<Self>) {
        let weak = Rc::downgrade(this);
        let tick = Interval::new(1000, move || with(&weak, Inner::on_tick));
        this.state.borrow_mut().tick = Some(tick);
    }

    /// Once a second: ICE recovery timers, stats, the video cap, and the banner.
    fn on_tick(&self) {
        let now = monotonic();
        // A connection that answered while we share got the camera with its first answer.
        if let Some(screen) = self.current_screen_track() {
            for peer in self.state.borrow().peers.values() {
                peer.ensure_video(&screen);
            }
        }
        let cap = self.ui.video_cap.get_untracked();
        let mut state = self.state.borrow_mut();
        let apply_cap = state.cap != Some(cap);
        state.cap = Some(cap);
        for peer in state.peers.values() {
            peer.tick(now);
            if apply_cap {
                peer.set_cap(cap);
            }
        }
        drop(state);
        self.report(now);
        let socket_down = self.session.borrow().signaling_lost();
        let peers_recovering =
            self.ui.tiles.with_untracked(|t| t.iter().any(|t| t.reconnecting.get_untracked()));
        let show = socket_down || peers_recovering;
        if self.ui.reconnecting.get_untracked() != show {
            self.ui.reconnecting.set(show);
        }
    }

    /// Tells the server, when due, how soon our first connection came up and how our
    /// connections fare (`call::report`).
    fn report(&self, now: std::time::Duration) {
        let seat = self.session.borrow().seat().map(|(peer, _)| peer);
        let (call, measured) = self.ui.tiles.with_untracked(|tiles| {
            let connected = tiles.iter().any(|t| t.state.get_untracked() == PeerState::Connected);
            let measured: Vec<_> = tiles
                .iter()
                .filter_map(|t| {
                    t.stats.with_untracked(|s| s.as_ref().map(|s| (s.rtt_ms, s.loss_pct)))
                })
                .collect();
            ((tiles.len(), connected), measured)
        });
        let report = self.state.borrow_mut().reporter.tick(now, seat, call, &measured);
        if let Some(report) = report {
            self.send_seated(ClientMsg::Report(report));
        }
    }

    /// Sends on the signaling socket, if there is one and it is open.
    fn send_now(&self, msg: ClientMsg) {
        if let Some(socket) = self.socket.borrow().as_ref() {
            (socket.sender())(msg);
        }
    }

    /// Sends if we hold a seat (a message without one would only be refused).
    fn send_seated(&self, msg: ClientMsg) {
        let seated = self.session.borrow().seat().is_some();
        if seated {
            self.send_now(msg);
        }
    }

    fn on_server_msg(&self, msg: ServerMsg) {
        let Some(msg) = self.on_door_msg(msg) else { return };
        match msg {
            ServerMsg::Game(msg) => crate::model::game_ui::apply(&self.ui, msg, now()),
            ServerMsg::PeerMedia { peer, media } => self.ui.tiles.with_untracked(|tiles| {
                if let Some(tile) = tiles.iter().find(|t| t.id == peer) {
                    tile.audio_on.set(media.audio);
                    tile.video_on.set(media.video);
                    tile.screen.set(media.screen);
                }
            }),
            ServerMsg::Reaction { from, reaction } => {
                float_reaction(self.ui, Who::Peer(from), reaction)
            }
            ServerMsg::PeerHand { peer, up } => self.ui.set_hand(peer, up),
            ServerMsg::Signal { from, signal } => match self.state.borrow().peers.get(&from) {
                Some(peer) => peer.on_signal(signal),
                None => leptos::logging::warn!("signal from unknown peer {from}"),
            },
            ServerMsg::IceServers { ice_servers } => {
                let mut state = self.state.borrow_mut();
                state.ice.servers = ice_servers;
                for peer in state.peers.values() {
                    peer.set_ice(&state.ice);
                }
            }
            ServerMsg::Error { code, message } => {
                leptos::logging::warn!("the server said {code:?}: {message}");
                self.feed(session::Input::Server(ServerMsg::Error { code, message }));
            }
            // Welcome, peers joining and leaving, knocking: the session's.
            other => self.feed(session::Input::Server(other)),
        }
    }

    /// We have a seat (new or resumed).
    fn on_seated(&self, me: PeerId, ice_servers: Vec<crate::protocol::IceServer>) {
        self.state.borrow_mut().ice.servers = ice_servers;
        self.ui.me.set(Some(me));
        self.ui.host.password_prompt.set(None);
        // A resumed or re-created seat starts as "on" on the server: say otherwise again.
        let media = self.media_state();
        if media != crate::protocol::MediaState::default() {
            self.send_now(ClientMsg::Media(media));
        }
        if self.ui.hand_up.get_untracked() {
            self.send_now(ClientMsg::Hand { up: true });
        }
    }

    /// What the others should show of us: a microphone or camera we do not have (receive-only,
    /// or the camera failed) is off, whatever the buttons say.
    fn media_state(&self) -> crate::protocol::MediaState {
        let (has_mic, has_cam) = self.ui.local.with_untracked(|local| match local {
            LocalMedia::Ready { camera_error, .. } => (true, camera_error.is_none()),
            LocalMedia::Pending | LocalMedia::Failed(_) | LocalMedia::Off => (false, false),
        });
        let screen = self.ui.sharing.get_untracked();
        crate::protocol::MediaState {
            audio: has_mic && self.ui.mic_on.get_untracked(),
            video: screen || (has_cam && self.ui.cam_on.get_untracked()),
            screen,
        }
    }

    fn start_share(&self, stream: MediaStream) {
        // A second pick (double click) or one that arrives after Leave is stopped at once.
        let busy = self.state.borrow().screen.is_some();
        let gone = matches!(self.ui.phase.get_untracked(), Phase::Left | Phase::Error(_));
        if busy || gone {
            return stop_stream(&stream);
        }
        let Some(track) =
            stream.get_video_tracks().get(0).dyn_into::<web_sys::MediaStreamTrack>().ok()
        else {
            return stop_stream(&stream);
        };
        let weak = self.me.clone();
        let ended = Closure::<dyn FnMut(JsValue)>::new(move |_| with(&weak, Inner::stop_share));
        track.set_onended(Some(ended.as_ref().unchecked_ref()));
        for peer in self.state.borrow().peers.values() {
            peer.replace_video(Some(&track));
        }
        self.state.borrow_mut().screen = Some((stream, ended));
        self.ui.sharing.set(true);
        self.send_now(ClientMsg::Media(self.media_state()));
    }

    /// Stops sharing: the camera goes back on every sender.
    fn stop_share(&self) {
        let Some((stream, _ended)) = self.state.borrow_mut().screen.take() else { return };
        for track in stream.get_video_tracks().iter() {
            track.unchecked_into::<web_sys::MediaStreamTrack>().set_onended(None);
        }
        stop_stream(&stream);
        let camera = self.local.camera_track();
        for peer in self.state.borrow().peers.values() {
            peer.replace_video(camera.as_ref());
        }
        self.ui.sharing.set(false);
        self.send_seated(ClientMsg::Media(self.media_state()));
    }

    /// A device switch put `track` into the local stream: it goes on every sender, except a
    /// camera while the screen is shared (the camera comes back when sharing stops).
    fn track_switched(&self, kind: MediaKind, track: &web_sys::MediaStreamTrack) {
        let sharing = self.state.borrow().screen.is_some();
        if !(kind == MediaKind::Video && sharing) {
            for peer in self.state.borrow().peers.values() {
                peer.replace_track(kind, Some(track));
            }
        }
    }

    /// The video a new connection should send: the shared screen while sharing.
    fn current_screen_track(&self) -> Option<web_sys::MediaStreamTrack> {
        let state = self.state.borrow();
        let (stream, _) = state.screen.as_ref()?;
        stream.get_video_tracks().get(0).dyn_into().ok()
    }

    fn add_peer(&self, plan: PeerPlan) {
        let PeerPlan { id, name, polite, initiator } = plan;
        let send = self.sender_for_peers();
        let tile = Tile::new(id, name);
        let (ice, local) = (self.state.borrow().ice.clone(), self.local.stream());
        let chat = self.ui.chat;
        let ui = self.ui;
        let tiles = self.ui.tiles;
        let on_chat: super::peer::ChatSink = Rc::new(move |from, wire| {
            let name = tiles.with_untracked(|t| {
                t.iter().find(|t| t.id == from).map(|t| t.name.clone()).unwrap_or_default()
            });
            let (time, open) = (clock_time(wire.sent_at_ms), ui.chat_open());
            chat.update(|log| log.push(Some(from), name, wire.text, time, open));
        });
        let weak = self.me.clone();
        let on_file: super::peer::FileSink =
            Rc::new(move |from, frame| with(&weak, |i| i.on_file_frame(from, frame)));
        let io = super::peer::PeerIo { send, on_chat, on_file };
        match Peer::new(id, polite, initiator, &ice, local, io, tile.clone()) {
            Ok(peer) => {
                if let Some(cap) = self.state.borrow().cap.filter(|&c| c != VideoCap::Auto) {
                    peer.set_cap(cap);
                }
                self.state.borrow_mut().peers.insert(id, peer);
                self.drop_tiles(|t| t.id == id);
                self.ui.tiles.update(|tiles| tiles.push(tile));
            }
            Err(e) => leptos::logging::warn!("could not create a connection: {e:?}"),
        }
    }

    /// A sender that always uses the current socket, so peers survive a reconnect.
    fn sender_for_peers(&self) -> SendFn {
        let me = self.me.clone();
        Rc::new(move |msg: ClientMsg| with(&me, |inner| inner.send_now(msg)))
    }

    fn remove_peer(&self, id: PeerId) {
        self.files_peer_left(id);
        // Dropping the Peer closes its RTCPeerConnection.
        let removed = self.state.borrow_mut().peers.remove(&id);
        drop(removed);
        self.drop_tiles(|t| t.id == id);
    }

    /// Takes the tiles that match out of the grid, and frees their signals once their views
    /// are gone (the grid re-renders in a microtask; the timer runs after it).
    fn drop_tiles(&self, gone: impl Fn(&Tile) -> bool) {
        let mut dropped = Vec::new();
        self.ui.tiles.update(|tiles| {
            let (out, keep) = std::mem::take(tiles).into_iter().partition(|t| gone(t));
            *tiles = keep;
            dropped = out;
        });
        if !dropped.is_empty() {
            gloo_timers::callback::Timeout::new(0, move || {
                dropped.into_iter().for_each(Tile::dispose)
            })
            .forget();
        }
    }

    fn on_socket_closed(&self, code: u16, reason: String) {
        self.socket.borrow_mut().take();
        leptos::logging::warn!("signaling closed ({code}) {reason}");
        let reason = CloseReason::from_code(code);
        self.feed(session::Input::SocketClosed { reason, rand: random() });
    }

    fn release_peers(&self) {
        let ids: Vec<PeerId> = self.state.borrow().peers.keys().copied().collect();
        for id in ids {
            self.files_peer_left(id);
        }
        let peers = std::mem::take(&mut self.state.borrow_mut().peers);
        drop(peers);
        self.drop_tiles(|_| true);
    }

    /// Says goodbye, closes every peer connection and stops every local track.
    fn leave(&self) {
        self.feed(session::Input::Leave);
        self.release_local();
    }

    /// Stops sharing and every local track, and forgets our seat on the page.
    fn release_local(&self) {
        self.stop_share();
        self.state.borrow_mut().reconnect = None;
        self.local.release();
        self.ui.me.set(None);
        self.ui.reconnecting.set(false);
    }
}

/// A uniformly random `u32` for the backoff's jitter.
/// Floats `reaction` over `who`'s tile for four seconds.
fn float_reaction(ui: CallUi, who: Who, reaction: crate::protocol::Reaction) {
    let n = ui.show_reaction(who, reaction);
    Timeout::new(4_000, move || ui.drop_reaction(n)).forget();
}

fn random() -> u32 {
    jitter_from_unit(js_sys::Math::random())
}

fn with(weak: &Weak<Inner>, f: impl FnOnce(&Inner)) {
    if let Some(inner) = weak.upgrade() {
        f(&inner);
    }
}

/// "HH:MM" in the browser's time zone.
fn clock_time(unix_ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(unix_ms));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
