//! One RTCPeerConnection to one remote participant, negotiated with the W3C "perfect
//! negotiation" pattern (WebRTC 1.0 §10.7): both sides may offer at any time; on a collision the
//! polite side rolls back and the impolite side ignores the other's offer, so glare never
//! deadlocks.
//!
//! The side that found the other already in the room (it got it in `welcome`) is the initiator
//! and adds its media first; the other side adds its media when the first offer arrives, so the
//! answer carries both directions and a call needs exactly one offer/answer round trip.

use super::js::{describe, implicit_set_local_description, set_prop, Handler};
use crate::hooks::use_call::{PeerState, Tile};
use crate::protocol::{ClientMsg, IceServer, PeerId, SdpType, Signal};
use js_sys::Array;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::Cell;
use std::rc::Rc;
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
}

/// A live connection to one remote participant. Dropping it closes the connection.
pub struct Peer {
    shared: Rc<Shared>,
    _handlers: Vec<Handler>,
}

impl Peer {
    /// Opens a connection to `remote`; `initiator` adds media now, which triggers the offer.
    pub fn new(
        remote: PeerId,
        polite: bool,
        initiator: bool,
        ice: &[IceServer],
        local: Option<MediaStream>,
        send: SendFn,
        tile: Tile,
    ) -> Result<Self, JsValue> {
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
        });
        let handlers = attach_handlers(&shared, tile);
        if initiator {
            shared.add_media()?;
        }
        Ok(Self {
            shared,
            _handlers: handlers,
        })
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

    /// The underlying connection (for stats and tests).
    pub fn connection(&self) -> &RtcPeerConnection {
        &self.shared.pc
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let pc = &self.shared.pc;
        pc.set_onnegotiationneeded(None);
        pc.set_onicecandidate(None);
        pc.set_ontrack(None);
        pc.set_onconnectionstatechange(None);
        pc.close();
    }
}

impl Shared {
    fn signal(&self, signal: Signal) {
        (self.send)(ClientMsg::Signal {
            to: self.remote,
            signal,
        });
    }

    /// Adds our tracks, or receive-only transceivers for the kinds we do not send, so that the
    /// remote side's media always has an m-line to arrive on.
    fn add_media(&self) -> Result<(), JsValue> {
        if self.media_added.replace(true) {
            return Ok(());
        }
        let mut have_audio = false;
        let mut have_video = false;
        if let Some(stream) = &self.local {
            for track in stream.get_tracks().iter() {
                let track: web_sys::MediaStreamTrack = track.unchecked_into();
                match track.kind().as_str() {
                    "audio" => have_audio = true,
                    "video" => have_video = true,
                    _ => continue,
                }
                self.pc.add_track_0(&track, stream);
            }
        }
        for (kind, have) in [("audio", have_audio), ("video", have_video)] {
            if !have && !self.has_transceiver(kind) {
                let init = RtcRtpTransceiverInit::new();
                init.set_direction(RtcRtpTransceiverDirection::Recvonly);
                self.pc.add_transceiver_with_str_and_init(kind, &init);
            }
        }
        Ok(())
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
            self.signal(Signal::Description {
                sdp_type,
                sdp: desc.sdp(),
            });
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
            Signal::Candidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
            } => {
                let init = RtcIceCandidateInit::new(&candidate);
                init.set_sdp_mid(sdp_mid.as_deref());
                init.set_sdp_m_line_index(sdp_m_line_index);
                let added = JsFuture::from(
                    self.pc
                        .add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init)),
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

fn rtc_configuration(ice: &[IceServer]) -> Result<RtcConfiguration, JsValue> {
    let servers = Array::new();
    for server in ice {
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
    Ok(config)
}

fn attach_handlers(shared: &Rc<Shared>, tile: Tile) -> Vec<Handler> {
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
            let event: RtcPeerConnectionIceEvent = event.unchecked_into();
            // A null candidate only marks the end of gathering; nothing to send.
            if let Some(c) = event.candidate() {
                shared.signal(Signal::Candidate {
                    candidate: c.candidate(),
                    sdp_mid: c.sdp_mid(),
                    sdp_m_line_index: c.sdp_m_line_index(),
                });
            }
        })
    };
    pc.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));

    let on_track = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let event: RtcTrackEvent = event.unchecked_into();
        let stream = match event.streams().get(0).dyn_into::<MediaStream>() {
            Ok(stream) => stream,
            Err(_) => {
                // A sender without a stream: keep all such tracks in one stream per tile.
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
        let same = tile
            .stream
            .with_untracked(|s| s.as_ref().is_some_and(|s| s.id() == stream.id()));
        if !same {
            tile.stream.set(Some(SendWrapper::new(stream)));
        }
    });
    pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));

    let on_state = {
        let shared = shared.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| {
            let state = match shared.pc.connection_state() {
                RtcPeerConnectionState::New => PeerState::New,
                RtcPeerConnectionState::Connecting => PeerState::Connecting,
                RtcPeerConnectionState::Connected => PeerState::Connected,
                RtcPeerConnectionState::Disconnected => PeerState::Disconnected,
                RtcPeerConnectionState::Failed => PeerState::Failed,
                _ => PeerState::Closed,
            };
            tile.state.set(state);
        })
    };
    pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
    vec![on_negotiation, on_candidate, on_track, on_state]
}
