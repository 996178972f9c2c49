//! The people panel: the invite link (copy, or share on a phone), everyone in the call with
//! the host's star, a raised hand, microphone and camera state and game status, and the host's
//! controls.

use super::host_panel::HostPanel;
use super::icons::{Icon, Svg};
use crate::api::public_url;
use crate::game::PlayerStatus;
use crate::hooks::use_call::UseCallReturn;
use crate::i18n::*;
use crate::model::game_ui::line_of;
use crate::protocol::{PeerId, RoomId};
use leptos::prelude::*;

/// The panel's content.
#[component]
pub fn PeoplePanel(call: UseCallReturn, room: RoomId) -> impl IntoView {
    view! {
        <div class="people-panel">
            <Invite room/>
            <ul class="people" data-testid="people">
                <Person call who=None/>
                <For each=move || call.ui.tiles.get() key=|t| t.id let:tile>
                    <Person call who=Some((tile.id, tile.name.clone()))/>
                </For>
            </ul>
            <HostPanel call/>
        </div>
    }
}

/// One line of the list: us (`None`) or a remote participant.
#[component]
fn Person(call: UseCallReturn, who: Option<(PeerId, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let ui = call.ui;
    let id = who.as_ref().map(|(id, _)| *id);
    let peer = move || id.or_else(|| ui.me.get());
    let tile = move || id.and_then(|id| ui.tiles.with(|t| t.iter().find(|t| t.id == id).cloned()));
    let name = who.as_ref().map(|(_, n)| n.clone());
    let mic = move || match tile() {
        Some(t) => t.audio_on.get(),
        None => ui.mic_on.get(),
    };
    let cam = move || match tile() {
        Some(t) => t.video_on.get(),
        None => ui.cam_on.get(),
    };
    let hand = move || match id {
        Some(id) => ui.hands.with(|h| h.contains(&id)),
        None => ui.hand_up.get(),
    };
    let own_name = move || {
        ui.me.get().and_then(|me| ui.game.board.with(|b| line_of(b, me).map(|l| l.name.clone())))
    };
    let host = move || peer().is_some() && ui.host.state.with(|s| s.host) == peer();
    let status = move || {
        let peer = peer()?;
        let locale = i18n.get_locale();
        ui.game.board.with(|b| {
            line_of(b, peer).map(|l| match l.status {
                PlayerStatus::Spectating => td_string!(locale, game.status_watching),
                PlayerStatus::Left => td_string!(locale, game.status_left),
                _ if l.ready => td_string!(locale, game.status_ready),
                _ => "",
            })
        })
    };
    view! {
        <li data-testid="person" data-peer=id.map(|p| p.to_string()).unwrap_or_else(|| "me".into())
            data-hand=move || hand().to_string()>
            <span class="who">
                {match name {
                    Some(name) => name.into_any(),
                    None => view! { {own_name} " " {t!(i18n, call.you_suffix)} }.into_any(),
                }}
                {move || host().then(|| view! {
                    <span class="host-star" role="img" aria-label=move || t_string!(i18n, call.host)>"★"</span>
                })}
            </span>
            <span class="status">{status}</span>
            <span class="icons">
                {move || hand().then(|| view! {
                    <span class="hand-up" data-testid="person-hand" role="img"
                        aria-label=move || t_string!(i18n, call.hand_raised)><Svg icon=Icon::Hand/></span>
                })}
                {move || (!mic()).then(|| view! {
                    <span role="img" aria-label=move || t_string!(i18n, room.tile_mic_off)><Svg icon=Icon::MicOff/></span>
                })}
                {move || (!cam()).then(|| view! {
                    <span role="img" aria-label=move || t_string!(i18n, room.tile_camera_off)><Svg icon=Icon::CamOff/></span>
                })}
            </span>
        </li>
    }
}

/// The room's link (built on the server from `--public-url`) with Copy, and Share where the
/// browser has the Web Share API (phones).
#[component]
pub fn Invite(room: RoomId) -> impl IntoView {
    let i18n = use_i18n();
    let base = Resource::new(|| (), |_| public_url());
    let copied = RwSignal::new(None::<bool>);
    let can_share = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| can_share.set(crate::rtc::js::can_share()));
    view! {
        <Suspense fallback=|| ()>
            {move || base.get().and_then(Result::ok).map(|origin| {
                let link = format!("{origin}/r/{room}");
                let (href, copy, share) = (link.clone(), link.clone(), link.clone());
                view! {
                    <div class="invite">
                        <a data-testid="invite-link" href=href>{link}</a>
                        <div class="row">
                            <button data-testid="copy-invite" on:click=move |_| copy_link(copy.clone(), copied)>
                                <Svg icon=Icon::Copy/>{t!(i18n, call.invite_copy)}
                            </button>
                            <Show when=move || can_share.get()>
                                <button data-testid="share-invite" on:click={
                                    let share = share.clone();
                                    move |_| share_link(share.clone())
                                }>
                                    <Svg icon=Icon::Share/>{t!(i18n, call.invite_share)}
                                </button>
                            </Show>
                        </div>
                        <p class="hint" role="status" data-testid="copy-status">
                            {move || copied.get().map(|ok| if ok {
                                t_string!(i18n, call.invite_copied)
                            } else {
                                t_string!(i18n, call.invite_copy_failed)
                            })}
                        </p>
                    </div>
                }
            })}
        </Suspense>
    }
}

fn copy_link(link: String, copied: RwSignal<Option<bool>>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let ok = crate::rtc::js::copy_text(&link).await;
        copied.set(Some(ok));
        set_timeout(
            move || {
                copied.try_set(None);
            },
            std::time::Duration::from_secs(3),
        );
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (link, copied);
}

fn share_link(link: String) {
    #[cfg(feature = "hydrate")]
    crate::rtc::js::share_url(&link);
    #[cfg(not(feature = "hydrate"))]
    let _ = link;
}
