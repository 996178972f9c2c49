//! Camera, microphone and speaker choice, before joining and during the call.

use crate::hooks::use_call::UseCallReturn;
use crate::i18n::*;
use crate::media::DeviceKind;
use leptos::prelude::*;

/// Three menus; a choice takes effect at once (`replaceTrack` for camera and microphone; the
/// speaker, where the browser can route sound, for every remote video).
#[component]
pub fn DevicePicker(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let devices = RwSignal::new(Vec::<(DeviceKind, String, String)>::new());
    #[cfg(feature = "hydrate")]
    // Labels are only given once the page may use the camera: list again when it opens.
    Effect::new(move |_| {
        if matches!(call.ui.local.get(), crate::model::call_ui::LocalMedia::Ready { .. }) {
            leptos::task::spawn_local(async move {
                devices.set(crate::rtc::media::list_devices().await);
            });
        }
    });
    let menu = move |kind: DeviceKind, testid: &'static str| {
        let label = move || kind_label(kind, i18n.get_locale());
        let options = move || {
            devices
                .get()
                .into_iter()
                .filter(|(k, _, _)| *k == kind)
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
                <span class="device-label">{label}</span>
                <select data-testid=testid on:change=move |ev| {
                    call.pick_device.run((kind, event_target_value(&ev)));
                }>{options}</select>
            </label>
        }
    };
    // A menu appears once the browser listed a device of its kind: never an empty box.
    let has = move |kind: DeviceKind| devices.with(|d| d.iter().any(|(k, _, _)| *k == kind));
    view! {
        <div class="devices">
            <Show when=move || has(DeviceKind::Camera)>{menu(DeviceKind::Camera, "camera-select")}</Show>
            <Show when=move || has(DeviceKind::Microphone)>{menu(DeviceKind::Microphone, "mic-select")}</Show>
            <Show when=move || has(DeviceKind::Speaker)>{menu(DeviceKind::Speaker, "speaker-select")}</Show>
        </div>
    }
}

/// The menu's name for a kind of device, in `locale`; also the stem of "Camera 2" for a device
/// the browser gives no label.
fn kind_label(kind: DeviceKind, locale: Locale) -> &'static str {
    match kind {
        DeviceKind::Camera => td_string!(locale, room.camera),
        DeviceKind::Microphone => td_string!(locale, room.microphone),
        DeviceKind::Speaker => td_string!(locale, room.speaker),
    }
}
