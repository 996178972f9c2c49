//! A remote participant's tile.

use super::video::VideoView;
use crate::hooks::use_call::Tile;
use leptos::prelude::*;

/// Video, name and connection state of one remote participant.
#[component]
pub fn RemoteTile(
    /// The participant.
    tile: Tile,
) -> impl IntoView {
    let state = tile.state;
    let peer = tile.id.to_string();
    let peer_attr = peer.clone();
    view! {
        <figure class="tile" data-testid="remote-tile" data-peer=peer_attr
            data-state=move || state.get().label()>
            <VideoView stream=tile.stream testid="remote-video" peer=peer/>
            <figcaption>
                <span class="name">{tile.name.clone()}</span>
                <span class="state" data-testid="peer-state">{move || state.get().label()}</span>
            </figcaption>
        </figure>
    }
}
