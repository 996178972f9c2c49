//! The settings dialog: devices with labels, a microphone level meter and a speaker test,
//! the video quality we send, the layout and the theme.

use super::devices::DevicePicker;
use super::icons::{Icon, Svg};
use crate::hooks::use_call::UseCallReturn;
use crate::hooks::use_speaking::use_level;
use crate::i18n::*;
use crate::model::call_ui::{LocalMedia, StreamRef, VideoCap};
use leptos::prelude::*;

/// The dialog (shown while `call.ui.settings_open`).
#[component]
pub fn SettingsDialog(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let open = call.ui.settings_open;
    let close = move |_| open.set(false);
    view! {
        <Show when=move || open.get()>
            <div class="backdrop" on:click=close></div>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="settings-title"
                data-testid="settings">
                <header>
                    <h2 id="settings-title">{t!(i18n, call.settings)}</h2>
                    <button class="icon-button" data-testid="settings-close" autofocus
                        aria-label=move || t_string!(i18n, call.close) on:click=close>
                        <Svg icon=Icon::Close/>
                    </button>
                </header>
                <section>
                    <h3>{t!(i18n, call.devices)}</h3>
                    <DevicePicker call/>
                    <MicMeter call/>
                    <SpeakerTest call/>
                </section>
                <section>
                    <h3>{t!(i18n, call.video_section)}</h3>
                    <QualityPicker call/>
                    <LayoutPicker call/>
                </section>
            </div>
        </Show>
    }
}

/// The microphone's level, live.
#[component]
pub fn MicMeter(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let local = call.ui.local;
    let stream = Signal::derive(move || match local.get() {
        LocalMedia::Ready { stream, .. } => Some(stream),
        _ => None,
    });
    view! { <LevelMeter stream label=Signal::derive(move || t_string!(i18n, call.mic_level).to_string())/> }
}

/// A meter for a stream's audio level.
#[component]
pub fn LevelMeter(stream: Signal<Option<StreamRef>>, label: Signal<String>) -> impl IntoView {
    let level = use_level(stream);
    let percent = move || (level.get() * 100.0).round();
    view! {
        <div class="level">
            <span class="level-label" id="mic-level-label">{label}</span>
            <meter data-testid="mic-level" min="0" max="100" low="70" high="90" optimum="50"
                aria-labelledby="mic-level-label" value=percent></meter>
        </div>
    }
}

/// Plays a short tone on the chosen speaker.
#[component]
fn SpeakerTest(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let playing = RwSignal::new(false);
    let speaker = call.ui.speaker;
    let play = move |_| {
        playing.set(true);
        #[cfg(feature = "hydrate")]
        crate::rtc::media::test_tone(speaker.get_untracked(), move || playing.set(false));
        #[cfg(not(feature = "hydrate"))]
        let _ = speaker;
    };
    view! {
        <button data-testid="speaker-test" disabled=move || playing.get() on:click=play>
            {move || if playing.get() { t_string!(i18n, call.speaker_testing) } else { t_string!(i18n, call.speaker_test) }}
        </button>
    }
}

/// The video quality we send.
#[component]
fn QualityPicker(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{t!(i18n, room.video_cap_label)}</span>
            <select data-testid="video-cap" on:change=move |ev| {
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
    }
}

/// Grid or speaker view.
#[component]
fn LayoutPicker(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let speaker = call.ui.speaker_view;
    view! {
        <fieldset class="field">
            <legend>{t!(i18n, call.layout)}</legend>
            <label class="choice">
                <input type="radio" name="layout" data-testid="layout-grid" prop:checked=move || !speaker.get()
                    on:change=move |_| speaker.set(false)/>
                {t!(i18n, call.layout_grid)}
            </label>
            <label class="choice">
                <input type="radio" name="layout" data-testid="layout-speaker" prop:checked=move || speaker.get()
                    on:change=move |_| speaker.set(true)/>
                {t!(i18n, call.layout_speaker)}
            </label>
        </fieldset>
    }
}
