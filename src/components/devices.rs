//! Camera, microphone and speaker choice, before joining and during the call.

use crate::hooks::use_call::UseCallReturn;
use crate::i18n::*;
use leptos::prelude::*;

/// Three menus; a choice takes effect at once (`replaceTrack` for camera and microphone,
/// `setSinkId` on the remote videos for the speaker, where the browser supports it).
#[component]
pub fn DevicePicker(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let devices = RwSignal::new(Vec::<(String, String, String)>::new());
    let speaker = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    {
        // Labels are only given once the page may use the camera: list again when it opens.
        Effect::new(move |_| {
            if matches!(call.ui.local.get(), crate::hooks::use_call::LocalMedia::Ready { .. }) {
                leptos::task::spawn_local(async move {
                    devices.set(crate::rtc::media::list_devices().await);
                });
            }
        });
        Effect::new(move |_| {
            let tiles = call.ui.tiles.get().len();
            let Some(id) = speaker.get() else { return };
            let _ = tiles;
            let Some(doc) = leptos::web_sys::window().and_then(|w| w.document()) else { return };
            let Ok(videos) = doc.query_selector_all("video[data-testid=remote-video]") else {
                return;
            };
            for i in 0..videos.length() {
                let Some(video) = videos.get(i) else { continue };
                let set = js_sys::Reflect::get(&video, &"setSinkId".into()).ok().and_then(|f| {
                    leptos::wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok()
                });
                if let Some(set) = set {
                    let _ = set.call1(&video, &id.as_str().into());
                }
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (call.ui.local, call.ui.tiles);
    let menu = move |kind: &'static str, testid: &'static str| {
        let label = move || kind_label(kind, i18n.get_locale());
        let options = move || {
            devices
                .get()
                .into_iter()
                .filter(|(k, _, _)| k == kind)
                .enumerate()
                .map(|(i, (_, id, name))| {
                    let name =
                        if name.is_empty() { format!("{} {}", label(), i + 1) } else { name };
                    view! { <option value=id>{name}</option> }
                })
                .collect_view()
        };
        view! {
            <label class="device">
                <span class="sr-only">{label}</span>
                <select data-testid=testid aria-label=label on:change=move |ev| {
                    let id = event_target_value(&ev);
                    match kind {
                        "videoinput" => call.switch_device.run(("video", id)),
                        "audioinput" => call.switch_device.run(("audio", id)),
                        _ => speaker.set(Some(id)),
                    }
                }>{options}</select>
            </label>
        }
    };
    let has_speakers = move || devices.with(|d| d.iter().any(|(k, _, _)| k == "audiooutput"));
    view! {
        <div class="devices">
            {menu("videoinput", "camera-select")}
            {menu("audioinput", "mic-select")}
            <Show when=has_speakers>{menu("audiooutput", "speaker-select")}</Show>
        </div>
    }
}

/// The menu's name for a `MediaDeviceInfo.kind`, in `locale`; also the stem of "Camera 2" for a
/// device the browser gives no label.
fn kind_label(kind: &str, locale: Locale) -> &'static str {
    match kind {
        "videoinput" => td_string!(locale, room.camera),
        "audioinput" => td_string!(locale, room.microphone),
        _ => td_string!(locale, room.speaker),
    }
}
