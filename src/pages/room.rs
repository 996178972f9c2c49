//! `/r/{room}`: pre-join preview, then the call grid.

use crate::api::public_url;
use crate::components::chat::{toggle_chat, ChatPanel, ChatToggle};
use crate::components::devices::DevicePicker;
use crate::components::game_panel::{ExpressionBars, GamePanel, TileScore};
use crate::components::host_panel::{HostPanel, PasswordField};
use crate::components::media_error::MediaErrorView;
use crate::components::tile::RemoteTile;
use crate::components::video::VideoView;
use crate::hooks::use_call::{use_call, UseCallReturn};
use crate::hooks::use_own_face::use_own_face;
use crate::i18n::*;
use crate::model::call_ui::{LocalMedia, Phase, VideoCap};
use crate::model::host_ui::JoinRequest;
use crate::protocol::{RoomId, RoomIdError, MAX_NAME_CHARS, ROOM_CAPACITY};
use leptos::html::Video;
use leptos::prelude::*;
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
    view! {
        <Title text=move || t_string!(i18n, room.title)/>
        <main class="page room" data-phase=move || format!("{:?}", phase.get())>
            {move || match phase.get() {
                Phase::PreJoin | Phase::Joining | Phase::Knocking => {
                    view! { <PreJoin call room=room.clone()/> }.into_any()
                }
                Phase::InCall => view! { <InCall call room=room.clone()/> }.into_any(),
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
            }}
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
    view! {
        <section class="prejoin">
            <div class="preview">
                <VideoView stream=preview muted=true mirrored=true testid="local-video"/>
            </div>
            <div class="prejoin-side">
                <h1>{t!(i18n, room.ready_to_join)}</h1>
                <p class="room-id">{t!(i18n, room.room_label)}<code>{room.to_string()}</code></p>
                <LocalStatus call/>
                <DevicePicker call/>
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

/// The room's invite link, built on the server from `--public-url`.
#[component]
fn InviteLink(room: RoomId) -> impl IntoView {
    let base = Resource::new(|| (), |_| public_url());
    view! {
        <Suspense fallback=|| ()>
            {move || base.get().and_then(Result::ok).map(|origin| {
                let link = format!("{origin}/r/{room}");
                let href = link.clone();
                view! { <a data-testid="invite-link" href=href>{link}</a> }
            })}
        </Suspense>
    }
}

/// The call grid and controls.
#[component]
fn InCall(call: UseCallReturn, room: RoomId) -> impl IntoView {
    let i18n = use_i18n();
    let tiles = call.ui.tiles;
    let count = Memo::new(move |_| tiles.with(Vec::len) + 1);
    let board = call.ui.game.board;
    view! {
        <section class="call">
            {move || call.ui.reconnecting.get().then(|| view! {
                <div class="banner" data-testid="reconnecting" role="status">
                    {t!(i18n, room.reconnecting_banner)}
                </div>
            })}
            <div class="stage">
            <div class="grid" data-count=move || count.get()>
                <OwnTile call/>
                <For each=move || call.ui.tiles.get() key=|t| t.id let:tile>
                    <RemoteTile tile board speaker=call.ui.speaker/>
                </For>
            </div>
            <GamePanel call/>
            <ChatPanel call/>
            </div>
            <HostPanel call/>
            <p class="hint alone" class:hidden=move || { count.get() > 1 }>
                {t!(i18n, room.waiting_alone)}
                <InviteLink room=room.clone()/>
            </p>
            <Controls call/>
        </section>
    }
}

/// Our own tile: the camera (whose frames our face reader reads), our gauges and score, and
/// the ring while we speak.
#[component]
fn OwnTile(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let local = call.ui.local;
    let own = Signal::derive(move || match local.get() {
        LocalMedia::Ready { stream, .. } => Some(stream),
        _ => None,
    });
    let own_video = NodeRef::<Video>::new();
    use_own_face(call, own_video);
    let board = call.ui.game.board;
    // Muted, we are not heard: the ring says so too.
    let own_audio = Signal::derive(move || if call.ui.mic_on.get() { own.get() } else { None });
    let own_speaking = crate::hooks::use_speaking::use_speaking(own_audio);
    view! {
        <figure class="tile own" data-testid="own-tile"
            data-speaking=move || own_speaking.get().to_string()
            class:speaking=move || own_speaking.get()>
            <VideoView stream=own muted=true mirrored=true testid="local-video" node=own_video/>
            <ExpressionBars reading=call.ui.game.own_reading/>
            <TileScore board peer=Signal::from(call.ui.me)/>
            <figcaption><span class="name">{t!(i18n, room.you)}</span></figcaption>
        </figure>
    }
}

/// The control bar: quality, devices, mute and camera, present, chat, leave.
#[component]
fn Controls(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let can_share = can_share_screen();
    view! {
        <nav class="controls">
            <label class="cap">
                <span class="sr-only">{t!(i18n, room.video_cap_label)}</span>
                <select data-testid="video-cap" aria-label=move || t_string!(i18n, room.video_cap_label)
                    on:change=move |ev| {
                        if let Some(cap) = VideoCap::from_key(&event_target_value(&ev)) {
                            call.ui.video_cap.set(cap);
                        }
                    }>
                    {VideoCap::ALL.into_iter().map(|c| view! {
                        <option value=c.key() selected=move || call.ui.video_cap.get() == c>
                            {move || c.label(i18n.get_locale())}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <DevicePicker call/>
            <MediaToggles call/>
            <button data-testid="share-screen" aria-pressed=move || call.ui.sharing.get().to_string()
                disabled=move || !can_share.get()
                title=move || (!can_share.get()).then(|| t_string!(i18n, room.present_unsupported))
                aria-label=move || if call.ui.sharing.get() {
                    t_string!(i18n, room.stop_presenting_label)
                } else {
                    t_string!(i18n, room.present_label)
                }
                class:on=move || call.ui.sharing.get() on:click=move |_| call.toggle_share.run(())>
                {move || if call.ui.sharing.get() {
                    t_string!(i18n, room.stop_presenting)
                } else {
                    t_string!(i18n, room.present)
                }}
            </button>
            <ChatToggle call/>
            <button class="danger" data-testid="leave" aria-label=move || t_string!(i18n, room.leave_label)
                on:click=move |_| call.leave.run(())>{t!(i18n, room.leave)}</button>
        </nav>
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

/// Microphone and camera buttons, with the keyboard shortcuts m, v, s (share) and c (chat), as in
/// Meet/Jitsi; not while typing in a field.
#[component]
fn MediaToggles(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let (mic, cam) = (call.ui.mic_on, call.ui.cam_on);
    let toggle_mic = move || call.set_media.run((!mic.get_untracked(), cam.get_untracked()));
    let toggle_cam = move || call.set_media.run((mic.get_untracked(), !cam.get_untracked()));
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing(&ev) {
            return;
        }
        match ev.key().as_str() {
            "m" | "M" => toggle_mic(),
            "v" | "V" => toggle_cam(),
            "c" | "C" => toggle_chat(call),
            "s" | "S" => call.toggle_share.run(()),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    view! {
        <button data-testid="mute" aria-pressed=move || (!mic.get()).to_string()
            aria-label=move || if mic.get() {
                t_string!(i18n, room.mic_off_label)
            } else {
                t_string!(i18n, room.mic_on_label)
            }
            class:off=move || !mic.get() on:click=move |_| toggle_mic()>
            {move || if mic.get() { t_string!(i18n, room.mute) } else { t_string!(i18n, room.unmute) }}
        </button>
        <button data-testid="camera" aria-pressed=move || (!cam.get()).to_string()
            aria-label=move || if cam.get() {
                t_string!(i18n, room.cam_off_label)
            } else {
                t_string!(i18n, room.cam_on_label)
            }
            class:off=move || !cam.get() on:click=move |_| toggle_cam()>
            {move || if cam.get() { t_string!(i18n, room.cam_off) } else { t_string!(i18n, room.cam_on) }}
        </button>
    }
}

/// Whether a key event comes from a text field (shortcuts must not eat typed letters).
fn typing(ev: &leptos::ev::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}
