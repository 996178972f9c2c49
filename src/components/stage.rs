//! The stage: every tile placed by `model::layout` in the measured free area (a grid, or one
//! tile large with a strip), with what floats over it: the game's countdown and target, the
//! people knocking (to the host), and the invite card while we are alone.

use super::game_panel::StageOverlay;
use super::host_panel::Knocks;
use super::people::Invite;
use super::tile::{OwnTile, RemoteTile};
use crate::hooks::use_call::UseCallReturn;
use crate::hooks::use_size::use_size;
use crate::i18n::*;
use crate::model::call_ui::Who;
use crate::model::layout::{arrange, choose_view, Focus, Rect, View};
use crate::protocol::RoomId;
use leptos::html::Div;
use leptos::prelude::*;

/// The stage.
#[component]
pub fn Stage(call: UseCallReturn, room: RoomId) -> impl IntoView {
    let i18n = use_i18n();
    let ui = call.ui;
    let node = NodeRef::<Div>::new();
    let size = use_size(node);
    let order = Memo::new(move |_| {
        let mut order = vec![Who::Me];
        ui.tiles.with(|t| order.extend(t.iter().map(|t| Who::Peer(t.id))));
        order
    });
    let presenter = Memo::new(move |_| {
        ui.tiles.with(|t| t.iter().find(|t| t.screen.get()).map(|t| Who::Peer(t.id)))
    });
    let view = Memo::new(move |_| {
        let focus = Focus {
            pinned: ui.pinned.get(),
            presenter: presenter.get(),
            speaker_view: ui.speaker_view.get(),
            active: ui.active.get(),
        };
        choose_view(&order.get(), focus)
    });
    let rects = Memo::new(move |_| {
        let (w, h) = size.get();
        let order = order.get();
        let rects = arrange(order.len(), view.get(), w, h);
        order.into_iter().zip(rects).collect::<Vec<(Who, Rect)>>()
    });
    let rect_of = move |who: Who| {
        Signal::derive(move || {
            rects.with(|r| r.iter().find(|(w, _)| *w == who).map(|(_, r)| *r).unwrap_or_default())
        })
    };
    let alone = move || order.with(Vec::len) == 1;
    view! {
        <div class="stage" node_ref=node data-testid="stage"
            data-view=move || match view.get() { View::Grid => "grid", View::Spotlight(_) => "spotlight" }
            data-count=move || order.with(Vec::len)>
            <OwnTile call rect=rect_of(Who::Me)/>
            <For each=move || ui.tiles.get() key=|t| t.id let:tile>
                <RemoteTile rect=rect_of(Who::Peer(tile.id)) tile ui/>
            </For>
            <StageOverlay game=ui.game/>
            <Knocks call/>
            <Show when=alone>
                <div class="alone" data-testid="alone">
                    <h2>{t!(i18n, call.alone_title)}</h2>
                    <p>{t!(i18n, call.alone_text)}</p>
                    <Invite room=room.clone()/>
                </div>
            </Show>
        </div>
    }
}
