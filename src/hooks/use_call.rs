//! `use_call(room)`: everything the room page needs from a call, as Send-able signals and
//! callbacks (the leptos-use hook shape). The browser objects live in `rtc::Call`, created only
//! after hydration and released when the page's owner is disposed.

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
    // In the browser each action goes to the running `Call`; on the server there is none, and
    // the actions do nothing (the page is only rendered there).
    #[cfg(feature = "hydrate")]
    let with = {
        use crate::rtc::driver::Call;
        let call = StoredValue::new_local(None::<Call>);
        Effect::new(move |_| {
            if call.with_value(Option::is_none) {
                call.set_value(Some(Call::start(room.clone(), ui)));
            }
        });
        on_cleanup(move || call.set_value(None));
        move |f: &dyn Fn(&Call)| {
            call.with_value(|c| c.as_ref().map(f));
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = room;
    macro_rules! act {
        (|$c:ident, $arg:pat_param| $body:expr) => {{
            #[cfg(feature = "hydrate")]
            let action = Callback::new(move |$arg| with(&|$c| $body));
            #[cfg(not(feature = "hydrate"))]
            let action = Callback::new(|_| {});
            action
        }};
    }
    UseCallReturn {
        ui,
        host_action: act!(|c, action| c.host_action(Clone::clone(&action))),
        send_file: act!(|c, (file, to)| c.send_file(FileRef::take(Clone::clone(&file)), to)),
        cancel_file: act!(|c, key| c.cancel_file(key)),
        send_chat: act!(|c, text| c.send_chat(Clone::clone(&text))),
        toggle_share: act!(|c, _| c.toggle_share()),
        pick_device: act!(|c, (kind, id)| c.pick_device(kind, Clone::clone(&id))),
        set_media: act!(|c, (audio, video)| c.set_media(audio, video)),
        game_action: act!(|c, action| c.send(GameAction::message(Clone::clone(&action)))),
        upload: act!(|c, (request, jpeg)| c.upload_highlight(request, Clone::clone(&jpeg))),
        join: act!(|c, request| c.join(Clone::clone(&request))),
        leave: act!(|c, _| c.leave()),
        retry_media: act!(|c, _| c.open_media()),
        media_off: act!(|c, _| c.media_off()),
        react: act!(|c, reaction| c.react(Clone::clone(&reaction))),
        raise_hand: act!(|c, up| c.raise_hand(Clone::clone(&up))),
    }
}
