//! Our own camera and microphone: the preview before joining, and the tracks a call sends.
//!
//! This is the part of a call the pre-join page needs, so it lives in the page's first module;
//! the call itself (`driver::Call`: signaling, peer connections, files) is in the call screen's
//! module and is only fetched when the person joins (issue 14). The call listens here for a
//! switched device, to put the new track on its senders.

use super::media::{open_device, open_local_media, stop_stream};
use crate::media::MediaKind;
use crate::model::call_ui::{CallUi, LocalMedia, StreamRef};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{MediaStream, MediaStreamTrack};

/// Told when a device switch put a new track into the local stream.
pub type TrackListener = Box<dyn Fn(MediaKind, &MediaStreamTrack)>;

/// The local stream and who is told when its tracks change.
pub struct Local {
    me: Weak<Local>,
    ui: CallUi,
    stream: RefCell<Option<MediaStream>>,
    /// Bumped on each request, so a slow earlier request cannot overwrite a later one.
    generation: RefCell<u32>,
    listener: RefCell<Option<TrackListener>>,
}

impl Local {
    /// Nothing open yet; [`Local::open`] asks for the camera and microphone.
    pub fn new(ui: CallUi) -> Rc<Self> {
        Rc::new_cyclic(|me| Local {
            me: me.clone(),
            ui,
            stream: RefCell::new(None),
            generation: RefCell::new(0),
            listener: RefCell::new(None),
        })
    }

    /// The stream a call sends, if the camera or microphone is open.
    pub fn stream(&self) -> Option<MediaStream> {
        self.stream.borrow().clone()
    }

    /// The camera's track, if there is one.
    pub fn camera_track(&self) -> Option<MediaStreamTrack> {
        let stream = self.stream.borrow();
        stream.as_ref()?.get_video_tracks().get(0).dyn_into().ok()
    }

    /// Tells `listener` (the call) of every track a device switch brings.
    pub fn listen(&self, listener: TrackListener) {
        *self.listener.borrow_mut() = Some(listener);
    }

    /// Stops the current tracks and forgets them; a request under way is dropped when it
    /// answers.
    fn drop_stream(&self) -> u32 {
        let mut generation = self.generation.borrow_mut();
        *generation += 1;
        if let Some(old) = self.stream.borrow_mut().take() {
            stop_stream(&old);
        }
        *generation
    }

    /// (Re)opens camera and microphone.
    pub fn open(&self) {
        let generation = self.drop_stream();
        self.ui.local.set(LocalMedia::Pending);
        let weak = self.me.clone();
        spawn_local(async move {
            let result = open_local_media().await;
            let current = weak.upgrade().filter(|l| *l.generation.borrow() == generation);
            let Some(local) = current else {
                if let Ok((stream, _)) = result {
                    stop_stream(&stream);
                }
                return;
            };
            match result {
                Ok((stream, camera_error)) => {
                    // `Clone::clone`, not `stream.clone()`: that is the inherent
                    // `MediaStream.clone()` of JS, which makes new tracks. The preview and
                    // the senders must share these ones (mute, stop, camera light).
                    *local.stream.borrow_mut() = Some(Clone::clone(&stream));
                    local.apply_enabled();
                    let stream = StreamRef::new(stream);
                    local.ui.local.set(LocalMedia::Ready { stream, camera_error });
                }
                Err(e) => local.ui.local.set(LocalMedia::Failed(e)),
            }
        });
    }

    /// Enables or disables the local tracks as the microphone and camera buttons say
    /// (`track.enabled`: the senders keep their tracks, so nothing is renegotiated).
    pub fn apply_enabled(&self) {
        let (audio, video) = (self.ui.mic_on.get_untracked(), self.ui.cam_on.get_untracked());
        let Some(stream) = self.stream() else { return };
        for track in stream.get_audio_tracks().iter() {
            track.unchecked_into::<MediaStreamTrack>().set_enabled(audio);
        }
        for track in stream.get_video_tracks().iter() {
            track.unchecked_into::<MediaStreamTrack>().set_enabled(video);
        }
    }

    /// Switches the microphone or camera to `device_id`: the new track replaces the old one in
    /// the stream (the preview keeps the same stream object), and the listener is told.
    pub fn switch_device(&self, kind: MediaKind, device_id: String) {
        let weak = self.me.clone();
        spawn_local(async move {
            match open_device(kind, &device_id).await {
                Ok(track) => match weak.upgrade() {
                    Some(local) => local.use_track(kind, track),
                    None => track.stop(),
                },
                Err(e) => leptos::logging::warn!("could not switch {kind:?}: {e:?}"),
            }
        });
    }

    fn use_track(&self, kind: MediaKind, track: MediaStreamTrack) {
        let Some(stream) = self.stream() else {
            return track.stop();
        };
        let old = match kind {
            MediaKind::Video => stream.get_video_tracks(),
            MediaKind::Audio => stream.get_audio_tracks(),
        };
        for t in old.iter() {
            let t: MediaStreamTrack = t.unchecked_into();
            stream.remove_track(&t);
            t.stop();
        }
        stream.add_track(&track);
        self.apply_enabled();
        if let Some(listener) = self.listener.borrow().as_ref() {
            listener(kind, &track);
        }
        // The preview element keeps the same stream object; tell the UI it changed.
        self.ui.local.update(|_| {});
    }

    /// Stops every local track and goes on without them: receive-only by choice, leaving, or
    /// the page going away.
    pub fn release(&self) {
        self.drop_stream();
        self.ui.local.set(LocalMedia::Off);
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        if let Some(stream) = self.stream.get_mut().take() {
            stop_stream(&stream);
        }
    }
}
