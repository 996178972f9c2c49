//! A `<video>` bound to a stream signal.

use crate::model::call_ui::StreamRef;
use leptos::html::Video;
use leptos::prelude::*;

/// Plays `stream` when there is one. Local previews are `muted` (no echo) and `mirrored`.
#[component]
pub fn VideoView(
    /// The stream to show.
    #[prop(into)]
    stream: Signal<Option<StreamRef>>,
    /// Mute the element (always for the local preview).
    #[prop(optional)]
    muted: bool,
    /// Flip horizontally, like a mirror (local preview).
    #[prop(optional)]
    mirrored: bool,
    /// `data-testid` for tests.
    testid: &'static str,
    /// `data-peer` for remote videos.
    #[prop(optional, into)]
    peer: Option<String>,
    /// The element, for readers of its frames (face reading, highlight capture).
    #[prop(optional)]
    node: Option<NodeRef<Video>>,
    /// The speaker to play on (a device id), for remote videos (`setSinkId`, where the
    /// browser has it).
    #[prop(optional, into)]
    sink: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let node = node.unwrap_or_default();
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            let Some(video) = node.get() else { return };
            let current = stream.get();
            video.set_src_object(current.as_deref());
        });
        Effect::new(move |_| {
            let (Some(video), Some(id)) = (node.get(), sink.and_then(|s| s.get())) else {
                return;
            };
            let set = js_sys::Reflect::get(&video, &"setSinkId".into())
                .ok()
                .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok());
            if let Some(set) = set {
                let _ = set.call1(&video, &id.as_str().into());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (stream, sink);
    view! {
        <video
            node_ref=node
            data-testid=testid
            data-peer=peer
            class:mirrored=mirrored
            autoplay=true
            playsinline=true
            prop:muted=muted
            muted=muted
        ></video>
    }
}
