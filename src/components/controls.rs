//! The control bar, pinned to the bottom of the call on every screen: microphone, camera,
//! present, reactions (and raise hand), the game, chat and people panels, settings, leave.
//! Each button shows an icon and a label (the label is hidden on a phone but stays its
//! accessible name); a control that cannot work says why.

use super::icons::{Icon, Svg};
use crate::hooks::use_call::UseCallReturn;
use crate::i18n::*;
use crate::model::call_ui::{LocalMedia, Panel};
use crate::protocol::Reaction;
use leptos::prelude::*;

/// The bar.
#[component]
pub fn Controls(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    use_shortcuts(call);
    view! {
        <nav class="controls" aria-label=move || t_string!(i18n, call.controls_label)>
            <div class="group">
                <MicButton call/>
                <CamButton call/>
                <ShareButton call/>
                <Reactions call/>
            </div>
            <div class="group">
                <PanelButton call panel=Panel::Game icon=Icon::Trophy testid="game-toggle"/>
                <PanelButton call panel=Panel::Chat icon=Icon::Chat testid="chat-toggle"/>
                <PanelButton call panel=Panel::People icon=Icon::People testid="people-toggle"/>
                <button class="ctl" data-testid="settings-toggle" aria-haspopup="dialog"
                    aria-expanded=move || call.ui.settings_open.get().to_string()
                    on:click=move |_| call.ui.settings_open.update(|o| *o = !*o)>
                    <Svg icon=Icon::Gear/>
                    <span class="label">{t!(i18n, call.settings)}</span>
                </button>
            </div>
            <button class="ctl leave" data-testid="leave" on:click=move |_| call.leave.run(())>
                <Svg icon=Icon::Hangup/>
                <span class="label">{t!(i18n, call.leave)}</span>
            </button>
        </nav>
    }
}

/// Opens `panel`, or closes it when it is the one open; opening the chat marks it read.
pub fn toggle_panel(call: UseCallReturn, panel: Panel) {
    let next = if call.ui.panel.get_untracked() == panel { Panel::Closed } else { panel };
    call.ui.panel.set(next);
    if next == Panel::Chat {
        call.ui.chat.update(|c| c.mark_read());
    }
}

/// Whether the local stream has a track of each kind: `(microphone, camera)`.
fn devices(local: &LocalMedia) -> (bool, bool) {
    match local {
        LocalMedia::Ready { camera_error, .. } => (true, camera_error.is_none()),
        LocalMedia::Pending | LocalMedia::Failed(_) | LocalMedia::Off => (false, false),
    }
}

#[component]
fn MicButton(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let (mic, cam) = (call.ui.mic_on, call.ui.cam_on);
    let usable = move || call.ui.local.with(|l| devices(l).0);
    let on = move || mic.get() && usable();
    view! {
        <button class="ctl" data-testid="mute" aria-pressed=move || (!on()).to_string() class:off=move || !on()
            aria-keyshortcuts="m" disabled=move || !usable()
            title=move || if usable() { t_string!(i18n, call.mic_shortcut) } else { t_string!(i18n, call.no_mic) }
            on:click=move |_| call.set_media.run((!mic.get_untracked(), cam.get_untracked()))>
            {move || if on() { view! { <Svg icon=Icon::Mic/> } } else { view! { <Svg icon=Icon::MicOff/> } }}
            <span class="label">{move || if on() { t_string!(i18n, call.mute) } else { t_string!(i18n, call.unmute) }}</span>
        </button>
    }
}

#[component]
fn CamButton(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let (mic, cam) = (call.ui.mic_on, call.ui.cam_on);
    let usable = move || call.ui.local.with(|l| devices(l).1);
    let on = move || cam.get() && usable();
    view! {
        <button class="ctl" data-testid="camera" aria-pressed=move || (!on()).to_string() class:off=move || !on()
            aria-keyshortcuts="v" disabled=move || !usable()
            title=move || if usable() { t_string!(i18n, call.cam_shortcut) } else { t_string!(i18n, call.no_cam) }
            on:click=move |_| call.set_media.run((mic.get_untracked(), !cam.get_untracked()))>
            {move || if on() { view! { <Svg icon=Icon::Cam/> } } else { view! { <Svg icon=Icon::CamOff/> } }}
            <span class="label">{move || if on() { t_string!(i18n, call.cam_stop) } else { t_string!(i18n, call.cam_start) }}</span>
        </button>
    }
}

#[component]
fn ShareButton(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let can_share = can_share_screen();
    let sharing = call.ui.sharing;
    view! {
        <button class="ctl" data-testid="share-screen" aria-pressed=move || sharing.get().to_string()
            class:on=move || sharing.get() aria-keyshortcuts="s" disabled=move || !can_share.get()
            title=move || if can_share.get() {
                t_string!(i18n, call.present_shortcut)
            } else {
                t_string!(i18n, call.present_unsupported)
            }
            on:click=move |_| call.toggle_share.run(())>
            <Svg icon=Icon::Screen/>
            <span class="label">{move || if sharing.get() { t_string!(i18n, call.present_stop) } else { t_string!(i18n, call.present) }}</span>
        </button>
    }
}

/// The button of a side panel, with the chat's unread count.
#[component]
fn PanelButton(
    call: UseCallReturn,
    panel: Panel,
    icon: Icon,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = move || call.ui.panel.get() == panel;
    let unread = move || if panel == Panel::Chat { call.ui.chat.with(|c| c.unread) } else { 0 };
    let label = move || match panel {
        Panel::Game => t_string!(i18n, call.game),
        Panel::Chat => t_string!(i18n, call.chat),
        Panel::People => t_string!(i18n, call.people),
        Panel::Closed => "",
    };
    let shortcut = (panel == Panel::Chat).then_some("c");
    view! {
        <button class="ctl" data-testid=testid aria-pressed=move || open().to_string() class:on=open
            aria-keyshortcuts=shortcut on:click=move |_| toggle_panel(call, panel)>
            <Svg icon/>
            <span class="label">{label}</span>
            {move || (unread() > 0).then(|| view! {
                <span class="unread" data-testid="chat-unread">{unread()}</span>
                <span class="sr-only">{t!(i18n, call.unread)}</span>
            })}
        </button>
    }
}

/// Reactions and raise hand, in a small menu above the bar.
#[component]
fn Reactions(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let hand = call.ui.hand_up;
    view! {
        <div class="reactions-menu">
            <button class="ctl" data-testid="reactions-toggle" aria-expanded=move || open.get().to_string()
                aria-controls="reaction-picker" class:on=move || hand.get()
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || if hand.get() { view! { <Svg icon=Icon::Hand/> } } else { view! { <Svg icon=Icon::Smile/> } }}
                <span class="label">{t!(i18n, call.react)}</span>
            </button>
            <div id="reaction-picker" class="popover" role="group" class:hidden=move || !open.get()
                aria-label=move || t_string!(i18n, call.reactions_label)
                on:keydown=move |ev| if ev.key() == "Escape" { open.set(false) }>
                {Reaction::ALL.into_iter().map(|r| view! {
                    <button class="emoji" data-testid=format!("react-{}", r.key())
                        aria-label=move || reaction_name(r, i18n.get_locale())
                        title=move || reaction_name(r, i18n.get_locale())
                        on:click=move |_| call.react.run(r)>{r.emoji()}</button>
                }).collect_view()}
                <button class="hand" data-testid="raise-hand" aria-pressed=move || hand.get().to_string()
                    class:on=move || hand.get() on:click=move |_| call.raise_hand.run(!hand.get_untracked())>
                    <Svg icon=Icon::Hand/>
                    {move || if hand.get() { t_string!(i18n, call.hand_lower) } else { t_string!(i18n, call.hand_raise) }}
                </button>
            </div>
        </div>
    }
}

/// A reaction's name, in `locale`.
pub fn reaction_name(r: Reaction, locale: Locale) -> &'static str {
    match r {
        Reaction::ThumbsUp => td_string!(locale, call.reaction_thumbs_up),
        Reaction::Joy => td_string!(locale, call.reaction_joy),
        Reaction::Heart => td_string!(locale, call.reaction_heart),
        Reaction::Clap => td_string!(locale, call.reaction_clap),
        Reaction::Wow => td_string!(locale, call.reaction_wow),
        Reaction::Party => td_string!(locale, call.reaction_party),
    }
}

/// Whether this browser can share a screen (`getDisplayMedia`: phones have none); true until
/// hydrated, as the server renders it.
fn can_share_screen() -> Signal<bool> {
    let can = RwSignal::new(true);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| can.set(crate::rtc::media::can_share_screen()));
    can.into()
}

/// The keyboard shortcuts of Meet and Jitsi: m (microphone), v (camera), s (share), c (chat),
/// not while typing in a field, and Escape closes the settings.
fn use_shortcuts(call: UseCallReturn) {
    let (mic, cam) = (call.ui.mic_on, call.ui.cam_on);
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            call.ui.settings_open.set(false);
            return;
        }
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing(&ev) {
            return;
        }
        match ev.key().as_str() {
            "m" | "M" => call.set_media.run((!mic.get_untracked(), cam.get_untracked())),
            "v" | "V" => call.set_media.run((mic.get_untracked(), !cam.get_untracked())),
            "c" | "C" => toggle_panel(call, Panel::Chat),
            "s" | "S" => call.toggle_share.run(()),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
}

/// Whether a key event comes from a text field (shortcuts must not eat typed letters).
fn typing(ev: &leptos::ev::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}
