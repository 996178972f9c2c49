//! `use_call(room)`: everything the room page needs from a call, as Send-able signals and
//! callbacks (the leptos-use hook shape). The browser objects are created only after
//! hydration and released when the page's owner is disposed: the camera preview
//! (`rtc::local::Local`) at once, and the call itself (`rtc::driver::Call`) when the person
//! joins. The call's code is in the call screen's module, which the pre-join page prefetches;
//! `start_call` is where it is fetched, and a failed fetch leaves the pre-join page with Try
//! again (issue 14).

use crate::media::DeviceKind;
use crate::model::call_ui::*;
use crate::model::game_ui::GameAction;
use crate::model::host_ui::{HostAction, JoinRequest};
use crate::model::transfer_ui::FileRef;
use crate::protocol::{PeerId, Reaction, RoomId};
use leptos::prelude::*;

/// Signals and actions of a call.
#[derive(Clone, Copy)]
pub struct UseCallReturn {
    /// The call's state, as signals.
    pub ui: CallUi,
    /// The call's module did not load when the person pressed Join (the network dropped).
    pub load_failed: RwSignal<bool>,
    /// What the host panel asks of the server (refused unless we are the host).
    pub host_action: Callback<HostAction>,
    /// Sends a file to everyone (`None`) or to one person.
    pub send_file: Callback<(FileRef, Option<PeerId>)>,
    /// Cancels a transfer by key.
    pub cancel_file: Callback<u64>,
    /// Sends a chat message (checked with `call::chat::check_outgoing`) to everyone connected.
    pub send_chat: Callback<String>,
    /// Picks the camera, microphone or speaker by device id (a speaker only where the browser
    /// can route sound: the device list offers none otherwise).
    pub pick_device: Callback<(DeviceKind, String)>,
    /// Starts sharing the screen (getDisplayMedia), or stops and goes back to the camera.
    pub toggle_share: Callback<()>,
    /// Turns our microphone and camera on or off (`track.enabled`, no renegotiation); the
    /// others see the state on our tile.
    pub set_media: Callback<(bool, bool)>,
    /// What the game asks of the server: ready, start, mode, a reading.
    pub game_action: Callback<GameAction>,
    /// Uploads the JPEG answering capture request `.0`.
    pub upload: Callback<(u64, Vec<u8>)>,
    /// Join under a display name (with the room password, when the page asked for it).
    pub join: Callback<JoinRequest>,
    /// Join again as last asked, after the call's module failed to load.
    pub retry_join: Callback<()>,
    /// Leave the room: closes every connection and stops every track.
    pub leave: Callback<()>,
    /// Ask for the camera and microphone again.
    pub retry_media: Callback<()>,
    /// Go on without camera and microphone (receive-only).
    pub media_off: Callback<()>,
    /// Sends a reaction to the room (shown over our tile, here at once).
    pub react: Callback<Reaction>,
    /// Raises or lowers our hand.
    pub raise_hand: Callback<bool>,
}

/// Starts (in the browser) the call machinery for `room`.
pub fn use_call(room: RoomId) -> UseCallReturn {
    let ui = CallUi::new();
    let load_failed = RwSignal::new(false);
    // In the browser each action goes to the preview or the running call; on the server there
    // is neither, and the actions do nothing (the page is only rendered there).
    #[cfg(feature = "hydrate")]
    let browser = browser::Browser::start(room, ui, load_failed);
    #[cfg(not(feature = "hydrate"))]
    let _ = room;
    macro_rules! act {
        (|$b:ident, $arg:pat_param| $body:expr) => {{
            #[cfg(feature = "hydrate")]
            let action = Callback::new(move |$arg| {
                let $b = browser;
                $body
            });
            #[cfg(not(feature = "hydrate"))]
            let action = Callback::new(|_| {});
            action
        }};
    }
    UseCallReturn {
        ui,
        load_failed,
        host_action: act!(|b, action| b.with_call(|c| c.host_action(Clone::clone(&action)))),
        send_file: act!(|b, (file, to)| {
            b.with_call(|c| c.send_file(FileRef::take(Clone::clone(&file)), to))
        }),
        cancel_file: act!(|b, key| b.with_call(|c| c.cancel_file(key))),
        send_chat: act!(|b, text| b.with_call(|c| c.send_chat(Clone::clone(&text)))),
        toggle_share: act!(|b, _| b.with_call(|c| c.toggle_share())),
        pick_device: act!(|b, (kind, id)| b.pick_device(kind, id)),
        set_media: act!(|b, (audio, video)| b.set_media(audio, video)),
        game_action: act!(|b, action| b.with_call(|c| c.game(Clone::clone(&action)))),
        upload: act!(|b, (request, jpeg)| {
            b.with_call(|c| c.upload_highlight(request, Clone::clone(&jpeg)))
        }),
        join: act!(|b, request| b.join(request)),
        retry_join: act!(|b, _| b.retry_join()),
        leave: act!(|b, _| b.leave()),
        retry_media: act!(|b, _| b.with_local(|l| l.open())),
        media_off: act!(|b, _| b.with_local(|l| l.release())),
        react: act!(|b, reaction| b.with_call(|c| c.react(Clone::clone(&reaction)))),
        raise_hand: act!(|b, up| b.with_call(|c| c.raise_hand(up))),
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::media::DeviceKind;
    use crate::model::call_ui::{CallUi, Phase};
    use crate::model::host_ui::JoinRequest;
    use crate::protocol::RoomId;
    use crate::rtc::driver::{Call, CallApi};
    use crate::rtc::local::Local;
    use leptos::prelude::*;
    use leptos::wasm_split::SplitLoaderError;
    use std::rc::Rc;

    /// The page's handles on the preview and the call (all `Copy`, for the callbacks).
    #[derive(Clone, Copy)]
    pub(super) struct Browser {
        room: StoredValue<RoomId>,
        ui: CallUi,
        local: StoredValue<Option<Rc<Local>>, LocalStorage>,
        call: StoredValue<Option<Rc<dyn CallApi>>, LocalStorage>,
        /// The Join under way while the call's module loads (a second press only updates it).
        pending: StoredValue<Option<JoinRequest>>,
        /// The last Join, for Try again after the module failed to load.
        last: StoredValue<Option<JoinRequest>>,
        load_failed: RwSignal<bool>,
    }

    impl Browser {
        /// Opens the camera for the preview once the page is hydrated.
        pub(super) fn start(room: RoomId, ui: CallUi, load_failed: RwSignal<bool>) -> Self {
            let this = Self {
                room: StoredValue::new(room),
                ui,
                local: StoredValue::new_local(None),
                call: StoredValue::new_local(None),
                pending: StoredValue::new(None),
                last: StoredValue::new(None),
                load_failed,
            };
            Effect::new(move |_| {
                if this.local.with_value(Option::is_none) {
                    let local = Local::new(ui);
                    local.open();
                    this.local.set_value(Some(local));
                }
            });
            // Dropping the call leaves the room; the preview's tracks stop with it.
            on_cleanup(move || {
                this.call.set_value(None);
                if let Some(local) = this.local.try_update_value(Option::take).flatten() {
                    local.release();
                }
            });
            this
        }

        pub(super) fn with_call(self, f: impl FnOnce(&dyn CallApi)) {
            if let Some(call) = self.call.get_value() {
                f(&*call);
            }
        }

        pub(super) fn with_local(self, f: impl FnOnce(&Local)) {
            if let Some(local) = self.local.get_value() {
                f(&local);
            }
        }

        /// Joins: at once if the call is here, else once its module has loaded.
        pub(super) fn join(self, request: JoinRequest) {
            self.last.set_value(Some(request.clone()));
            if let Some(call) = self.call.get_value() {
                return call.join(request);
            }
            let Some(local) = self.local.get_value() else { return };
            let loading = self.pending.with_value(Option::is_some);
            self.pending.set_value(Some(request));
            if loading {
                return;
            }
            self.load_failed.set(false);
            self.ui.phase.set(Phase::Joining);
            let (room, ui) = (self.room.get_value(), self.ui);
            leptos::task::spawn_local(async move {
                let started = start_call(room, ui, local).await;
                // The page may have gone while the module loaded: then the new call is
                // dropped here and nothing was sent.
                let Some(Some(request)) = self.pending.try_update_value(Option::take) else {
                    return;
                };
                match started {
                    Ok(call) => {
                        self.call.set_value(Some(Rc::clone(&call)));
                        call.join(request);
                    }
                    Err(e) => {
                        leptos::logging::warn!("the call's module did not load: {e:?}");
                        ui.phase.set(Phase::PreJoin);
                        self.load_failed.set(true);
                    }
                }
            });
        }

        /// Joins again as last asked (Try again after a failed load).
        pub(super) fn retry_join(self) {
            if let Some(request) = self.last.get_value() {
                self.join(request);
            }
        }

        /// Leaves the call, or before joining stops the preview.
        pub(super) fn leave(self) {
            match self.call.get_value() {
                Some(call) => call.leave(),
                None => self.with_local(Local::release),
            }
        }

        /// Turns the microphone and camera on or off: on the local tracks, and a note to the
        /// room if we are in a call.
        pub(super) fn set_media(self, audio: bool, video: bool) {
            self.ui.mic_on.set(audio);
            self.ui.cam_on.set(video);
            self.with_local(Local::apply_enabled);
            self.with_call(|c| c.media_changed());
        }

        /// Picks a device: a camera or microphone replaces its track (in the preview and on
        /// every sender), a speaker plays every remote video (`VideoView` applies `setSinkId`).
        pub(super) fn pick_device(self, kind: DeviceKind, device_id: String) {
            match kind.track() {
                Some(track) => self.with_local(|l| l.switch_device(track, device_id)),
                None => self.ui.speaker.set(Some(device_id)),
            }
        }
    }

    /// The call, from the call screen's module (the same module as the screen: the pre-join
    /// page prefetches it). `fallible`: a failed fetch is an `Err` the page shows.
    #[leptos::wasm_split::wasm_split(in_call, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn start_call(
        room: RoomId,
        ui: CallUi,
        local: Rc<Local>,
    ) -> Result<Rc<dyn CallApi>, SplitLoaderError> {
        Ok(Rc::new(Call::start(room, ui, local)))
    }
}
