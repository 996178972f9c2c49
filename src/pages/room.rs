//! `/r/{room}`: pre-join preview, then the call grid.

use crate::components::chat::ChatPanel;
use crate::components::controls::Controls;
use crate::components::devices::DevicePicker;
use crate::components::game_panel::GamePanel;
use crate::components::host_panel::PasswordField;
use crate::components::icons::{Icon, Svg};
use crate::components::media_error::MediaErrorView;
use crate::components::people::PeoplePanel;
use crate::components::settings::{MicMeter, SettingsDialog};
use crate::components::stage::Stage;
use crate::components::video::VideoView;
use crate::hooks::use_call::{use_call, UseCallReturn};
use crate::i18n::*;
use crate::model::call_ui::{LocalMedia, Panel, Phase};
use crate::model::host_ui::JoinRequest;
use crate::protocol::{RoomId, RoomIdError, MAX_NAME_CHARS, ROOM_CAPACITY};
use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Checks the room id from the path; an ill-formed one gets a 400 page.
#[component]
pub fn RoomPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let raw = params.with_untracked(|p| p.get("room").unwrap_or_default());
    match RoomId::parse(&raw) {
        Ok(room) => view! { <Room room/> }.into_any(),
        Err(e) => {
            #[cfg(feature = "ssr")]
            if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                resp.set_status(axum::http::StatusCode::BAD_REQUEST);
            }
            let why = move || match &e {
                RoomIdError::Length(count) => {
                    t_string!(i18n, room.bad_room_length, count = *count).to_string()
                }
                RoomIdError::Charset => t_string!(i18n, room.bad_room_charset).to_string(),
            };
            view! {
                <main class="page narrow" data-testid="bad-room">
                    <Title text=move || t_string!(i18n, room.bad_room_title)/>
                    <h1>{t!(i18n, room.bad_room_heading)}</h1>
                    <p>{why}" "{t!(i18n, room.bad_room_advice)}</p>
                    <p><a href="/">{t!(i18n, room.go_to_start_page)}</a></p>
                </main>
            }
            .into_any()
        }
    }
}

/// A valid room.
#[component]
fn Room(room: RoomId) -> impl IntoView {
    let i18n = use_i18n();
    let call = use_call(room.clone());
    let phase = call.ui.phase;
    // Joining, knocking and back (a password asked for, the call's module not loaded) stay on
    // the one pre-join view, which keeps what was typed.
    let pre_join = Memo::new(move |_| {
        matches!(phase.get(), Phase::PreJoin | Phase::Joining | Phase::Knocking)
    });
    view! {
        <Title text=move || t_string!(i18n, room.title)/>
        <main class="page room" data-phase=move || format!("{:?}", phase.get())>
            {move || {
                if pre_join.get() {
                    return view! { <PreJoin call room=room.clone()/> }.into_any();
                }
                match phase.get() {
                Phase::PreJoin | Phase::Joining | Phase::Knocking => ().into_any(),
                Phase::InCall => view! { <CallScreen call room=room.clone()/> }.into_any(),
                Phase::RoomFull => view! {
                    <section class="notice" data-testid="room-full" role="alert">
                        <h1>{t!(i18n, room.full_heading)}</h1>
                        <p>{t!(i18n, room.full_text, capacity = ROOM_CAPACITY)}</p>
                        <a href="/">{t!(i18n, room.start_new_room)}</a>
                    </section>
                }.into_any(),
                Phase::Left => view! {
                    <section class="notice" data-testid="left">
                        <h1>{t!(i18n, room.left_heading)}</h1>
                        <button class="primary" on:click=move |_| {
                            call.retry_media.run(());
                            phase.set(Phase::PreJoin);
                        }>{t!(i18n, room.rejoin)}</button>
                        <a href="/">{t!(i18n, common.start_page)}</a>
                    </section>
                }.into_any(),
                Phase::Error(error) => view! {
                    <section class="notice" data-testid="call-error" data-code=error.key() role="alert">
                        <h1>{move || error.heading(i18n.get_locale())}</h1>
                        <p>{move || error.message(i18n.get_locale())}</p>
                        <a href="/">{t!(i18n, common.start_page)}</a>
                    </section>
                }.into_any(),
            }}}
        </main>
    }
}

/// Camera preview, media problems, name field and the Join button.
#[component]
fn PreJoin(call: UseCallReturn, room: RoomId) -> impl IntoView {
    let i18n = use_i18n();
    let knocking = move || call.ui.phase.get() == Phase::Knocking;
    let local = call.ui.local;
    let preview = Signal::derive(move || match local.get() {
        LocalMedia::Ready { stream, .. } => Some(stream),
        _ => None,
    });
    // The call screen's module comes while the person looks at their preview and types a name,
    // once the page works (an effect runs after hydration, and only in the browser). A failure
    // here is retried when they join.
    Effect::new(move |_| {
        leptos::task::spawn_local(async {
            let _ = preload_in_call().await;
        })
    });
    view! {
        <section class="prejoin">
            <div class="preview">
                <VideoView stream=preview muted=true mirrored=true testid="local-video"/>
                <PreviewToggles call/>
            </div>
            <div class="prejoin-side">
                <h1>{t!(i18n, room.ready_to_join)}</h1>
                <p class="room-id">{t!(i18n, room.room_label)}<code>{room.to_string()}</code></p>
                <LocalStatus call/>
                <DevicePicker call/>
                <MicMeter call/>
                <Show when=move || call.load_failed.get()>
                    <LoadFailed on_retry=call.retry_join/>
                </Show>
                <JoinForm call/>
                <Show when=knocking>
                    <div class="knocking" data-testid="knocking" role="status">
                        <p><strong>{t!(i18n, host.knocking)}</strong>" "{t!(i18n, host.knocking_hint)}</p>
                        <button type="button" data-testid="cancel-knock" on:click=move |_| call.leave.run(())>
                            {t!(i18n, host.cancel)}
                        </button>
                    </div>
                </Show>
            </div>
        </section>
    }
}

/// Microphone and camera on or off before joining, over the preview (as in Meet).
#[component]
fn PreviewToggles(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let (mic, cam, local) = (call.ui.mic_on, call.ui.cam_on, call.ui.local);
    let has_mic = move || matches!(local.get(), LocalMedia::Ready { .. });
    let has_cam = move || matches!(local.get(), LocalMedia::Ready { camera_error: None, .. });
    view! {
        <div class="preview-toggles">
            <button class="ctl round" data-testid="prejoin-mic" class:off=move || !mic.get()
                aria-pressed=move || (!mic.get()).to_string() disabled=move || !has_mic()
                on:click=move |_| call.set_media.run((!mic.get_untracked(), cam.get_untracked()))>
                {move || if mic.get() { view! { <Svg icon=Icon::Mic/> } } else { view! { <Svg icon=Icon::MicOff/> } }}
                <span class="sr-only">{move || if mic.get() { t_string!(i18n, call.mute) } else { t_string!(i18n, call.unmute) }}</span>
            </button>
            <button class="ctl round" data-testid="prejoin-camera" class:off=move || !cam.get()
                aria-pressed=move || (!cam.get()).to_string() disabled=move || !has_cam()
                on:click=move |_| call.set_media.run((mic.get_untracked(), !cam.get_untracked()))>
                {move || if cam.get() { view! { <Svg icon=Icon::Cam/> } } else { view! { <Svg icon=Icon::CamOff/> } }}
                <span class="sr-only">{move || if cam.get() { t_string!(i18n, call.cam_stop) } else { t_string!(i18n, call.cam_start) }}</span>
            </button>
        </div>
    }
}

/// The name (a guest name if left empty), the password when the room asks for one, and Join.
#[component]
fn JoinForm(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let (name, set_name) = signal(String::new());
    let password = RwSignal::new(String::new());
    let prompt = call.ui.host.password_prompt;
    let joining = move || matches!(call.ui.phase.get(), Phase::Joining | Phase::Knocking);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = name.get_untracked();
        let typed = typed.trim();
        let name = if typed.is_empty() {
            td_string!(i18n.get_locale_untracked(), room.guest).to_string()
        } else {
            typed.to_string()
        };
        let password = prompt.get_untracked().map(|_| password.get_untracked());
        call.join.run(JoinRequest { name, password });
    };
    view! {
        <form on:submit=on_submit>
            <label for="name-input">{t!(i18n, room.your_name)}</label>
            <input
                id="name-input"
                data-testid="name-input"
                type="text"
                maxlength=MAX_NAME_CHARS
                autocomplete="nickname"
                placeholder=move || t_string!(i18n, room.guest)
                prop:value=name
                on:input=move |ev| set_name.set(event_target_value(&ev))
            />
            <PasswordField prompt password/>
            <button class="primary big" type="submit" data-testid="join" disabled=joining>
                {move || if joining() { t_string!(i18n, room.joining) } else { t_string!(i18n, room.join) }}
            </button>
        </form>
    }
}

/// Whether the camera and microphone work, and what to do if they do not.
#[component]
fn LocalStatus(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let local = call.ui.local;
    move || {
        match local.get() {
        LocalMedia::Pending => Some(view! { <p class="hint">{t!(i18n, room.starting_camera)}</p> }.into_any()),
        LocalMedia::Ready { camera_error: Some(e), .. } => Some(
            view! { <MediaErrorView error=e audio_only=true on_retry=call.retry_media on_off=call.media_off/> }
                .into_any(),
        ),
        LocalMedia::Failed(e) => Some(
            view! { <MediaErrorView error=e on_retry=call.retry_media on_off=call.media_off/> }.into_any(),
        ),
        LocalMedia::Off => Some(
            view! { <p class="hint" data-testid="receive-only">{t!(i18n, room.receive_only)}</p> }
                .into_any(),
        ),
        LocalMedia::Ready { camera_error: None, .. } => None,
    }
    }
}

/// Whether the call screen's module is here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Screen {
    Loading,
    Ready,
    Failed,
}

/// The call screen once its module is here; until then a line saying so, and if the fetch
/// failed (the network dropped), the reason and Try again.
#[component]
fn CallScreen(call: UseCallReturn, room: RoomId) -> impl IntoView {
    let i18n = use_i18n();
    let screen = RwSignal::new(Screen::Loading);
    let load = move || {
        leptos::task::spawn_local(async move {
            let loaded = preload_in_call().await.is_ok();
            screen.set(if loaded { Screen::Ready } else { Screen::Failed });
        })
    };
    load();
    move || {
        match screen.get() {
        // The module is loaded, so the split function runs at once.
        Screen::Ready => match ready_now(in_call(call, room.clone())) {
            Some(Ok(view)) => view,
            _ => {
                screen.set(Screen::Failed);
                ().into_any()
            }
        },
        Screen::Loading => view! {
            <p class="hint loading-call" data-testid="loading-call" role="status">{t!(i18n, room.loading_call)}</p>
        }
        .into_any(),
        Screen::Failed => {
            let retry = move || {
                screen.set(Screen::Loading);
                load();
            };
            view! { <LoadFailed on_retry=retry/> }.into_any()
        }
    }
    }
}

/// The call's module did not arrive (the network dropped): the reason, and Try again.
#[component]
fn LoadFailed(#[prop(into)] on_retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="notice" data-testid="call-load-failed" role="alert">
            <h1>{t!(i18n, room.call_load_failed_heading)}</h1>
            <p>{t!(i18n, room.call_load_failed_text)}</p>
            <button class="primary" data-testid="call-load-retry" on:click=move |_| on_retry.run(())>
                {t!(i18n, room.try_again)}
            </button>
        </section>
    }
}

/// The call screen, split into a module of its own: a first visit to an invite link downloads
/// only what the pre-join page needs, and this part arrives while the person types their name
/// (`scripts/build-site` runs `wasm-split-cli`, as `cargo leptos --split` does). `fallible`: a
/// failed fetch is an `Err` the page shows, not a panic that would stop it.
#[leptos::wasm_split::wasm_split(
    in_call,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_in_call)
)]
fn in_call(call: UseCallReturn, room: RoomId) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <InCall call room/> }.into_any())
}

/// The output of `future` if it is ready on its first poll.
fn ready_now<F: std::future::Future>(future: F) -> Option<F::Output> {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// The call: the stage, the side panel, the control bar and the settings.
#[component]
fn InCall(call: UseCallReturn, room: RoomId) -> impl IntoView {
    let i18n = use_i18n();
    // A wide screen opens with the game beside the stage; a phone with the stage alone.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let wide = window().inner_width().ok().and_then(|w| w.as_f64()).is_some_and(|w| w > 720.0);
        if wide && call.ui.panel.get_untracked() == Panel::Closed {
            call.ui.panel.set(Panel::Game);
        }
    });
    view! {
        <section class="call" data-panel=move || call.ui.panel.get().key()>
            {move || call.ui.reconnecting.get().then(|| view! {
                <div class="banner" data-testid="reconnecting" role="status">
                    {t!(i18n, room.reconnecting_banner)}
                </div>
            })}
            <div class="main">
                <Stage call room=room.clone()/>
                <SidePanel call room/>
            </div>
            <Controls call/>
            <SettingsDialog call/>
        </section>
    }
}

/// The open panel: beside the stage on a wide screen, a bottom sheet on a phone.
#[component]
fn SidePanel(call: UseCallReturn, room: RoomId) -> impl IntoView {
    let i18n = use_i18n();
    let panel = call.ui.panel;
    let title = move || {
        match panel.get() {
            Panel::Game => t_string!(i18n, call.game),
            Panel::Chat => t_string!(i18n, call.chat),
            Panel::People => {
                let count = call.ui.tiles.with(Vec::len) + 1;
                return t_string!(i18n, call.people_count, count).to_string();
            }
            Panel::Closed => "",
        }
        .to_string()
    };
    move || {
        let open = panel.get();
        let room = room.clone();
        (open != Panel::Closed).then(|| view! {
            <aside class="side-panel" data-testid="side-panel" data-panel=open.key() aria-label=title>
                <header>
                    <h2>{title}</h2>
                    <button class="icon-button" data-testid="close-panel" aria-label=move || t_string!(i18n, call.close_panel)
                        on:click=move |_| panel.set(Panel::Closed)>
                        <Svg icon=Icon::Close/>
                    </button>
                </header>
                {match open {
                    Panel::Game => view! { <GamePanel call/> }.into_any(),
                    Panel::Chat => view! { <ChatPanel call/> }.into_any(),
                    _ => view! { <PeoplePanel call room/> }.into_any(),
                }}
            </aside>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ready_now;

    #[test]
    fn a_ready_future_gives_its_output_and_a_pending_one_nothing() {
        assert_eq!(ready_now(async { 7 }), Some(7));
        assert_eq!(ready_now(std::future::pending::<u8>()), None);
    }
}
