//! One RTCPeerConnection to one remote participant, negotiated with the W3C "perfect
//! negotiation" pattern (WebRTC 1.0 §10.7): both sides may offer at any time; on a collision the
//! polite side rolls back and the impolite side ignores the other's offer, so glare never
//! deadlocks.
//!
//! The side that found the other already in the room (it got it in `welcome`) is the initiator
//! and adds its media first; the other side adds its media when the first offer arrives, so the
//! answer carries both directions and a call needs exactly one offer/answer round trip.

use super::js::{describe, implicit_set_local_description, set_prop, Handler};
use crate::call::ice_recovery::{
    IceRecovery, IceState, Input as IceInput, Output as IceOutput, RecoveryConfig,
};
use crate::call::quality::{polyline_points, QualityMeter, Series, HISTORY_LEN};
use crate::media::MediaKind;
use crate::model::call_ui::{PeerState, Tile, TileProblem, TileStats, VideoCap};
use crate::protocol::{ClientMsg, IceServer, PeerId, SdpType, Signal};
use js_sys::Array;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::Cell;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    MediaStream, RtcConfiguration, RtcIceCandidateInit, RtcPeerConnection,
    RtcPeerConnectionIceEvent, RtcPeerConnectionState, RtcRtpTransceiverDirection,
    RtcRtpTransceiverInit, RtcSdpType, RtcSessionDescriptionInit, RtcSignalingState, RtcTrackEvent,
};

/// Sends one message on the signaling socket.
pub type SendFn = Rc<dyn Fn(ClientMsg)>;

struct Shared {
    pc: RtcPeerConnection,
    remote: PeerId,
    polite: bool,
    making_offer: Cell<bool>,
    ignore_offer: Cell<bool>,
    media_added: Cell<bool>,
    local: Option<MediaStream>,
    send: SendFn,
    tile: Tile,
    recovery: RefCell<IceRecovery>,
    /// Local candidates of the gathering under way (reported to `recovery` when it ends).
    gathered: Cell<u32>,
    meter: RefCell<QualityMeter>,
    sampling: Cell<bool>,
    /// The outgoing video limit, and whether it still has to reach a sender (a connection
    /// that answers adds its tracks only when the offer arrives).
    cap: Cell<VideoCap>,
    /// A cap still to apply: set by a new choice, cleared once `setParameters` is called, set
    /// again if that call fails, so the next tick tries again.
    cap_pending: Rc<Cell<bool>>,
    /// The chat channel (negotiated, id 0) and its message handler.
    chat: RefCell<Option<(web_sys::RtcDataChannel, Handler)>>,
    on_chat: ChatSink,
    /// The file channel (negotiated, id 1, binary) and its message handler.
    files: RefCell<Option<(web_sys::RtcDataChannel, Handler)>>,
    on_file: FileSink,
}

/// A frame of the file channel: a control message or a chunk of bytes.
pub enum FileFrame {
    /// `offer`, `done` or `cancel`.
    Control(crate::call::transfer::FileControl),
    /// Bytes of the file being received.
    Chunk(js_sys::Uint8Array),
}

/// Where received file frames go: the sender is the remote end of the connection.
pub type FileSink = Rc<dyn Fn(PeerId, FileFrame)>;

/// Where received chat messages go: the sender is the remote end of the connection.
pub type ChatSink = Rc<dyn Fn(PeerId, crate::call::chat::ChatWire)>;

/// How a peer talks to the rest of the page: signaling out, chat messages in.
pub struct PeerIo {
    /// Sends signaling messages.
    pub send: SendFn,
    /// Receives chat messages.
    pub on_chat: ChatSink,
    /// Receives file frames.
    pub on_file: FileSink,
}

/// A live connection to one remote participant. Dropping it closes the connection.
pub struct Peer {
    shared: Rc<Shared>,
    _handlers: Vec<Handler>,
    /// Attached with addEventListener (no `on…` property), so kept apart for removal.
    candidate_error: Handler,
}

impl Peer {
    /// Opens a connection to `remote`; `initiator` adds media now, which triggers the offer.
    pub fn new(
        remote: PeerId,
        polite: bool,
        initiator: bool,
        ice: &IceSetup,
        local: Option<MediaStream>,
        io: PeerIo,
        tile: Tile,
    ) -> Result<Self, JsValue> {
        let PeerIo { send, on_chat, on_file } = io;
        let pc = RtcPeerConnection::new_with_configuration(&rtc_configuration(ice)?)?;
        let shared = Rc::new(Shared {
            pc,
            remote,
            polite,
            making_offer: Cell::new(false),
            ignore_offer: Cell::new(false),
            media_added: Cell::new(false),
            local,
            send,
            tile: tile.clone(),
            recovery: RefCell::new(IceRecovery::new(RecoveryConfig::default(), polite)),
            gathered: Cell::new(0),
            meter: RefCell::new(QualityMeter::default()),
            sampling: Cell::new(false),
            cap: Cell::new(VideoCap::Auto),
            cap_pending: Rc::new(Cell::new(false)),
            chat: RefCell::new(None),
            on_chat,
            files: RefCell::new(None),
            on_file,
        });
        let (handlers, candidate_error) = attach_handlers(&shared, tile);
        if initiator {
            shared.add_media()?;
        }
        Ok(Self { shared, _handlers: handlers, candidate_error })
    }

    /// Applies a signal relayed from the remote side.
    pub fn on_signal(&self, signal: Signal) {
        let shared = self.shared.clone();
        spawn_local(async move {
            if let Err(e) = shared.on_signal(signal).await {
                leptos::logging::warn!("peer {}: signal failed: {}", shared.remote, describe(&e));
            }
        });
    }

    /// Puts `track` (a shared screen, or the camera again) on the video sender without
    /// renegotiation. A connection whose video transceiver only receives is left alone.
    pub fn replace_video(&self, track: Option<&web_sys::MediaStreamTrack>) {
        self.replace_track(MediaKind::Video, track);
    }

    /// Puts `track` on the sender of `kind`, without renegotiation.
    pub fn replace_track(&self, kind: MediaKind, track: Option<&web_sys::MediaStreamTrack>) {
        for t in self.shared.pc.get_transceivers().iter() {
            let t: web_sys::RtcRtpTransceiver = t.unchecked_into();
            if t.receiver().track().kind() == kind.as_str() {
                let _ = t.sender().replace_track(track);
            }
        }
    }

    /// Puts `track` on the video sender unless it is there already.
    pub fn ensure_video(&self, track: &web_sys::MediaStreamTrack) {
        let sending = self.shared.pc.get_senders().iter().any(|s| {
            let s: web_sys::RtcRtpSender = s.unchecked_into();
            s.track().is_some_and(|t| t.id() == track.id())
        });
        if !sending {
            self.replace_video(Some(track));
        }
    }

    /// The file channel, once open.
    pub fn file_channel(&self) -> Option<web_sys::RtcDataChannel> {
        let files = self.shared.files.borrow();
        let (channel, _) = files.as_ref()?;
        (channel.ready_state() == web_sys::RtcDataChannelState::Open).then(|| Clone::clone(channel))
    }

    /// Sends a chat frame if the channel is open; returns whether it went out.
    pub fn send_chat(&self, frame: &str) -> bool {
        let chat = self.shared.chat.borrow();
        let Some((channel, _)) = chat.as_ref() else { return false };
        channel.ready_state() == web_sys::RtcDataChannelState::Open
            && channel.send_with_str(frame).is_ok()
    }

    /// Once a second: drives ICE recovery timers and samples getStats.
    pub fn tick(&self, now: Duration) {
        let outputs = self.shared.recovery.borrow_mut().handle(now, IceInput::Tick);
        self.shared.apply_recovery(outputs);
        self.shared.apply_pending_cap();
        if self.shared.sampling.replace(true) {
            return; // the previous getStats has not answered yet
        }
        let shared = self.shared.clone();
        spawn_local(async move {
            if let Ok(sample) = super::stats::sample(&shared.pc, now).await {
                shared.on_stats(&sample);
            }
            shared.sampling.set(false);
        });
    }

    /// New ICE servers (renewed TURN credentials) for this connection's next gathering: an ICE
    /// restart or a relay re-allocation logs in with them (`setConfiguration`, WebRTC 1.0 §4.4.1.6;
    /// the certificate and the transport policy stay the same, as that method requires).
    pub fn set_ice(&self, ice: &IceSetup) {
        let result = rtc_configuration(ice)
            .and_then(|c| self.shared.pc.set_configuration_with_configuration(&c));
        if let Err(e) = result {
            leptos::logging::warn!("new ICE servers not applied: {}", describe(&e));
        }
    }

    /// Limits outgoing video on this connection (no renegotiation). If no video sender exists
    /// yet, the limit is applied by a later [`tick`](Self::tick).
    pub fn set_cap(&self, cap: VideoCap) {
        self.shared.cap.set(cap);
        self.shared.cap_pending.set(true);
        self.shared.apply_pending_cap();
    }
}

/// ICE servers plus the transport policy (`relay` forces TURN: a diagnostic switch).
#[derive(Clone, Debug, Default)]
pub struct IceSetup {
    /// From the server's welcome.
    pub servers: Vec<IceServer>,
    /// `iceTransportPolicy: "relay"`.
    pub relay_only: bool,
    /// A DTLS certificate made while the user looks at the preview, shared by every
    /// connection, so no connection waits for key generation (WebRTC 1.0 §4.10).
    pub certificate: Option<JsValue>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let pc = &self.shared.pc;
        pc.set_onnegotiationneeded(None);
        pc.set_onicecandidate(None);
        pc.set_ontrack(None);
        pc.set_onconnectionstatechange(None);
        pc.set_oniceconnectionstatechange(None);
        for slot in [&self.shared.chat, &self.shared.files] {
            if let Some((channel, _)) = slot.borrow_mut().take() {
                channel.set_onmessage(None);
                channel.close();
            }
        }
        let _ = pc.remove_event_listener_with_callback(
            "icecandidateerror",
            self.candidate_error.as_ref().unchecked_ref(),
        );
        pc.close();
    }
}

impl Shared {
    fn on_ice_state(&self, now: Duration) {
        let state = match self.pc.ice_connection_state() {
            web_sys::RtcIceConnectionState::New => IceState::New,
            web_sys::RtcIceConnectionState::Checking => IceState::Checking,
            web_sys::RtcIceConnectionState::Connected => IceState::Connected,
            web_sys::RtcIceConnectionState::Completed => IceState::Completed,
            web_sys::RtcIceConnectionState::Disconnected => IceState::Disconnected,
            web_sys::RtcIceConnectionState::Failed => IceState::Failed,
            _ => IceState::Closed,
        };
        let outputs = self.recovery.borrow_mut().handle(now, IceInput::State(state));
        self.apply_recovery(outputs);
    }

    /// A local candidate goes to the remote. The null candidate only marks the end of
    /// gathering: nothing to send, but recovery learns whether this gathering found anything.
    fn on_local_candidate(&self, event: RtcPeerConnectionIceEvent) {
        match event.candidate() {
            Some(c) => {
                self.gathered.set(self.gathered.get().saturating_add(1));
                self.signal(Signal::Candidate {
                    candidate: c.candidate(),
                    sdp_mid: c.sdp_mid(),
                    sdp_m_line_index: c.sdp_m_line_index(),
                });
            }
            None => {
                let candidates = self.gathered.replace(0);
                let input = IceInput::GatheringDone { candidates };
                let outputs = self.recovery.borrow_mut().handle(super::js::monotonic(), input);
                self.apply_recovery(outputs);
            }
        }
    }

    /// TURN answers 401 (or 403) when it refuses the credentials (RFC 8656 §6, RFC 8489 §9.2).
    fn on_candidate_error(&self, event: &JsValue) {
        let code = js_sys::Reflect::get(event, &JsValue::from_str("errorCode"))
            .ok()
            .and_then(|c| c.as_f64())
            .unwrap_or(0.0) as u32;
        if code == 401 || code == 403 {
            self.tile.problem.set(Some(TileProblem::RelayRefused));
        }
    }

    fn apply_recovery(&self, outputs: Vec<IceOutput>) {
        for output in outputs {
            match output {
                IceOutput::RestartIce => self.restart_ice(),
                IceOutput::ShowReconnecting(on) => {
                    self.tile.reconnecting.set(on);
                    if !on {
                        self.tile.problem.set(None);
                    }
                }
                IceOutput::GiveUp => self.tile.problem.set(Some(TileProblem::Lost)),
            }
        }
    }

    /// `restartIce()` (WebRTC 1.0 §4.4.1.6): perfect negotiation sends the restart offer. An
    /// offer stuck without answer (lost while signaling was down) is rolled back first, or
    /// `negotiationneeded` would never fire.
    fn restart_ice(&self) {
        let pc = self.pc.clone();
        spawn_local(async move {
            if pc.signaling_state() == RtcSignalingState::HaveLocalOffer {
                let rollback = RtcSessionDescriptionInit::new(RtcSdpType::Rollback);
                let _ = JsFuture::from(pc.set_local_description(&rollback)).await;
            }
            let restart = js_sys::Reflect::get(&pc, &JsValue::from_str("restartIce"))
                .and_then(|f| f.dyn_into::<js_sys::Function>());
            if let Ok(f) = restart {
                let _ = f.call0(&pc);
            }
        });
    }

    fn on_stats(&self, sample: &crate::call::quality::StatsSample) {
        let mut meter = self.meter.borrow_mut();
        let Some(interval) = meter.push(sample) else { return };
        self.tile.quality.set(meter.quality());
        let history = meter.history();
        let spark = |series| polyline_points(&history.series(series), HISTORY_LEN, 120.0, 28.0);
        self.tile.stats.set(Some(TileStats {
            rtt_ms: interval.rtt_ms,
            loss_pct: interval.loss_pct,
            jitter_ms: interval.jitter_ms,
            in_kbps: interval.in_kbps,
            out_kbps: interval.out_kbps,
            resolution: sample.frame_width.zip(sample.frame_height),
            fps: sample.fps.unwrap_or(interval.decoded_fps),
            codec: sample.codec.clone(),
            candidate: sample.local_candidate.map(|c| format!("{c:?}").to_lowercase()),
            spark_kbps: spark(Series::InKbps),
            spark_rtt: spark(Series::RttMs),
        }));
    }

    fn apply_pending_cap(&self) {
        if self.cap_pending.get() && self.apply_cap(self.cap.get()) {
            self.cap_pending.set(false);
        }
    }

    /// Sets maxBitrate and scaleResolutionDownBy on every video sender (WebRTC 1.0 §5.2,
    /// `setParameters`): takes effect without renegotiation. Returns whether there was one.
    fn apply_cap(&self, cap: VideoCap) -> bool {
        let mut applied = false;
        for sender in self.pc.get_senders().iter() {
            let sender: web_sys::RtcRtpSender = sender.unchecked_into();
            if sender.track().is_none_or(|t| t.kind() != "video") {
                continue;
            }
            let params = sender.get_parameters();
            let encodings = js_sys::Reflect::get(&params, &JsValue::from_str("encodings"))
                .ok()
                .and_then(|e| e.dyn_into::<Array>().ok());
            let Some(encodings) = encodings.filter(|e| e.length() > 0) else { continue };
            let first = encodings.get(0);
            let (bitrate, scale) = match cap.limits() {
                Some((b, s)) => (JsValue::from(b), JsValue::from(s)),
                None => (JsValue::UNDEFINED, JsValue::from(1.0)),
            };
            let _ = set_prop(&first, "maxBitrate", &bitrate);
            let _ = set_prop(&first, "scaleResolutionDownBy", &scale);
            let promise = sender.set_parameters_with_parameters(&params.unchecked_into());
            applied = true;
            let pending = Rc::clone(&self.cap_pending);
            spawn_local(async move {
                if let Err(e) = JsFuture::from(promise).await {
                    leptos::logging::warn!("setParameters failed, retrying: {}", describe(&e));
                    pending.set(true);
                }
            });
        }
        applied
    }

    fn signal(&self, signal: Signal) {
        (self.send)(ClientMsg::Signal { to: self.remote, signal });
    }

    /// Adds our tracks, or receive-only transceivers for the kinds we do not send, so that the
    /// remote side's media always has an m-line to arrive on.
    fn add_media(&self) -> Result<(), JsValue> {
        if self.media_added.replace(true) {
            return Ok(());
        }
        self.open_chat();
        self.open_files();
        let mut have_audio = false;
        let mut have_video = false;
        if let Some(stream) = &self.local {
            for track in stream.get_tracks().iter() {
                let track: web_sys::MediaStreamTrack = track.unchecked_into();
                match MediaKind::of_track(&track.kind()) {
                    Some(MediaKind::Audio) => have_audio = true,
                    Some(MediaKind::Video) => have_video = true,
                    None => continue,
                }
                self.pc.add_track_0(&track, stream);
            }
        }
        for (kind, have) in [(MediaKind::Audio, have_audio), (MediaKind::Video, have_video)] {
            if !have && !self.has_transceiver(kind.as_str()) {
                let init = RtcRtpTransceiverInit::new();
                init.set_direction(RtcRtpTransceiverDirection::Recvonly);
                self.pc.add_transceiver_with_str_and_init(kind.as_str(), &init);
            }
        }
        Ok(())
    }

    /// The chat channel: negotiated with id 0 on both ends, created with the media (by the
    /// offerer before its first offer, by the answerer once that offer is applied), so it
    /// rides in the first negotiation and never needs one of its own.
    fn open_chat(&self) {
        let init = web_sys::RtcDataChannelInit::new();
        init.set_negotiated(true);
        init.set_id(0);
        let channel = self.pc.create_data_channel_with_data_channel_dict("chat", &init);
        let (remote, sink) = (self.remote, self.on_chat.clone());
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let event: web_sys::MessageEvent = event.unchecked_into();
            let Some(frame) = event.data().as_string() else { return };
            match crate::call::chat::parse_incoming(&frame) {
                Ok(wire) => sink(remote, wire),
                Err(e) => leptos::logging::warn!("chat from {remote} dropped: {e}"),
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        *self.chat.borrow_mut() = Some((channel, on_message));
    }

    /// The file channel: negotiated with id 1 like the chat's, binary frames as ArrayBuffers.
    fn open_files(&self) {
        use crate::call::transfer::{FileControl, LOW_WATER};
        let init = web_sys::RtcDataChannelInit::new();
        init.set_negotiated(true);
        init.set_id(1);
        let channel = self.pc.create_data_channel_with_data_channel_dict("files", &init);
        channel.set_binary_type(web_sys::RtcDataChannelType::Arraybuffer);
        channel.set_buffered_amount_low_threshold(LOW_WATER);
        let (remote, sink) = (self.remote, self.on_file.clone());
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let data = event.unchecked_into::<web_sys::MessageEvent>().data();
            if let Some(text) = data.as_string() {
                match serde_json::from_str::<FileControl>(&text) {
                    Ok(control) => sink(remote, FileFrame::Control(control)),
                    Err(e) => leptos::logging::warn!("file frame from {remote} dropped: {e}"),
                }
            } else if data.is_instance_of::<js_sys::ArrayBuffer>() {
                sink(remote, FileFrame::Chunk(js_sys::Uint8Array::new(&data)));
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        *self.files.borrow_mut() = Some((channel, on_message));
    }

    fn has_transceiver(&self, kind: &str) -> bool {
        self.pc.get_transceivers().iter().any(|t| {
            let t: web_sys::RtcRtpTransceiver = t.unchecked_into();
            t.receiver().track().kind() == kind
        })
    }

    async fn on_negotiation_needed(&self) -> Result<(), JsValue> {
        self.making_offer.set(true);
        let result = implicit_set_local_description(&self.pc).await;
        self.making_offer.set(false);
        result?;
        self.send_local_description();
        Ok(())
    }

    fn send_local_description(&self) {
        if let Some(desc) = self.pc.local_description() {
            let sdp_type = match desc.type_() {
                RtcSdpType::Answer | RtcSdpType::Pranswer => SdpType::Answer,
                _ => SdpType::Offer,
            };
            self.signal(Signal::Description { sdp_type, sdp: desc.sdp() });
        }
    }

    async fn on_signal(&self, signal: Signal) -> Result<(), JsValue> {
        match signal {
            Signal::Description { sdp_type, sdp } => {
                let is_offer = sdp_type == SdpType::Offer;
                let collision = is_offer
                    && (self.making_offer.get()
                        || self.pc.signaling_state() != RtcSignalingState::Stable);
                self.ignore_offer.set(!self.polite && collision);
                if self.ignore_offer.get() {
                    return Ok(());
                }
                let init = RtcSessionDescriptionInit::new(if is_offer {
                    RtcSdpType::Offer
                } else {
                    RtcSdpType::Answer
                });
                init.set_sdp(&sdp);
                // A polite peer's setRemoteDescription(offer) rolls back its own offer implicitly.
                JsFuture::from(self.pc.set_remote_description(&init)).await?;
                if is_offer {
                    self.add_media()?;
                    implicit_set_local_description(&self.pc).await?;
                    self.send_local_description();
                }
            }
            Signal::Candidate { candidate, sdp_mid, sdp_m_line_index } => {
                let init = RtcIceCandidateInit::new(&candidate);
                init.set_sdp_mid(sdp_mid.as_deref());
                init.set_sdp_m_line_index(sdp_m_line_index);
                let added = JsFuture::from(
                    self.pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init)),
                )
                .await;
                if let Err(e) = added {
                    if !self.ignore_offer.get() {
                        return Err(e);
                    }
                }
            }
        }
        Ok(())
    }
}

fn rtc_configuration(ice: &IceSetup) -> Result<RtcConfiguration, JsValue> {
    let servers = Array::new();
    for server in &ice.servers {
        let entry = js_sys::Object::new();
        let urls: Array = server.urls.iter().map(|u| JsValue::from_str(u)).collect();
        set_prop(&entry, "urls", &urls)?;
        if let Some(user) = &server.username {
            set_prop(&entry, "username", &JsValue::from_str(user))?;
        }
        if let Some(cred) = &server.credential {
            set_prop(&entry, "credential", &JsValue::from_str(cred))?;
        }
        servers.push(&entry);
    }
    let config = RtcConfiguration::new();
    config.set_ice_servers(&servers);
    if ice.relay_only {
        config.set_ice_transport_policy(web_sys::RtcIceTransportPolicy::Relay);
    }
    if let Some(cert) = &ice.certificate {
        config.set_certificates(&Array::of1(cert));
    }
    Ok(config)
}

/// The `on…` handlers, and the `icecandidateerror` listener.
fn attach_handlers(shared: &Rc<Shared>, tile: Tile) -> (Vec<Handler>, Handler) {
    let pc = &shared.pc;
    let on_negotiation = {
        let shared = shared.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| {
            let shared = shared.clone();
            spawn_local(async move {
                if let Err(e) = shared.on_negotiation_needed().await {
                    leptos::logging::warn!("offer to {} failed: {}", shared.remote, describe(&e));
                }
            });
        })
    };
    pc.set_onnegotiationneeded(Some(on_negotiation.as_ref().unchecked_ref()));
    let on_candidate = {
        let shared = shared.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            shared.on_local_candidate(event.unchecked_into())
        })
    };
    pc.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
    let on_track = {
        let tile = tile.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            show_track(&tile, event.unchecked_into())
        })
    };
    pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
    let on_state = {
        let shared = shared.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| tile.state.set(peer_state(&shared.pc)))
    };
    pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
    let on_ice_state = {
        let shared = shared.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| shared.on_ice_state(super::js::monotonic()))
    };
    pc.set_oniceconnectionstatechange(Some(on_ice_state.as_ref().unchecked_ref()));
    let on_candidate_error = {
        let shared = shared.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| shared.on_candidate_error(&event))
    };
    let _ = pc.add_event_listener_with_callback(
        "icecandidateerror",
        on_candidate_error.as_ref().unchecked_ref(),
    );
    (vec![on_negotiation, on_candidate, on_track, on_state, on_ice_state], on_candidate_error)
}

/// Puts a remote track in the tile's stream (one stream per tile, even for senders without one).
fn show_track(tile: &Tile, event: RtcTrackEvent) {
    let stream = match event.streams().get(0).dyn_into::<MediaStream>() {
        Ok(stream) => stream,
        Err(_) => {
            let existing = tile.stream.get_untracked();
            let stream = match existing {
                Some(s) => (*s).clone(),
                None => match MediaStream::new() {
                    Ok(s) => s,
                    Err(_) => return,
                },
            };
            stream.add_track(&event.track());
            stream
        }
    };
    let same = tile.stream.with_untracked(|s| s.as_ref().is_some_and(|s| s.id() == stream.id()));
    if !same {
        tile.stream.set(Some(SendWrapper::new(stream)));
    }
}

fn peer_state(pc: &RtcPeerConnection) -> PeerState {
    match pc.connection_state() {
        RtcPeerConnectionState::New => PeerState::New,
        RtcPeerConnectionState::Connecting => PeerState::Connecting,
        RtcPeerConnectionState::Connected => PeerState::Connected,
        RtcPeerConnectionState::Disconnected => PeerState::Disconnected,
        RtcPeerConnectionState::Failed => PeerState::Failed,
        _ => PeerState::Closed,
    }
}
