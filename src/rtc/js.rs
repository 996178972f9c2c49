//! Small bridges to browser APIs that web-sys does not expose in the shape we need.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// `obj[key] = value`.
pub fn set_prop(obj: &JsValue, key: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(obj, &JsValue::from_str(key), value).map(|_| ())
}

/// `pc.setLocalDescription()` with no argument (WebRTC 1.0 §4.4.1.5): the browser creates the
/// right offer or answer for the current signaling state itself, which closes the race between
/// createOffer and setLocalDescription that perfect negotiation must avoid. web-sys only binds
/// the one-argument form.
pub async fn implicit_set_local_description(
    pc: &web_sys::RtcPeerConnection,
) -> Result<(), JsValue> {
    let method: Function =
        Reflect::get(pc, &JsValue::from_str("setLocalDescription"))?.dyn_into()?;
    let promise: Promise = method.call0(pc)?.dyn_into()?;
    JsFuture::from(promise).await.map(|_| ())
}

/// A readable one-line description of a thrown JS value (`DOMException` name and message).
pub fn describe(err: &JsValue) -> String {
    if let Some(e) = err.dyn_ref::<js_sys::Error>() {
        return format!("{}: {}", String::from(e.name()), String::from(e.message()));
    }
    err.as_string().unwrap_or_else(|| format!("{err:?}"))
}

/// The `name` of a thrown `DOMException` (or `Error`), e.g. `NotAllowedError`.
pub fn error_name(err: &JsValue) -> String {
    Reflect::get(err, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default()
}

/// An event handler kept alive next to the object it is attached to.
pub type Handler = Closure<dyn FnMut(JsValue)>;

/// `performance.now()` of the page, in milliseconds (0 where there is none).
pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// Milliseconds since the page started, as a `Duration`: the clock of the call's state machines.
pub fn monotonic() -> std::time::Duration {
    std::time::Duration::from_secs_f64(now().max(0.0) / 1000.0)
}

/// Whether the browser offers the Web Share API (phones do; most desktops do not).
pub fn can_share() -> bool {
    web_sys::window()
        .is_some_and(|w| Reflect::has(&w.navigator(), &"share".into()).unwrap_or(false))
}

/// Opens the system's share sheet for `url`.
pub fn share_url(url: &str) {
    let Some(window) = web_sys::window() else { return };
    let data = web_sys::ShareData::new();
    data.set_url(url);
    // A dismissed sheet rejects: nothing to tell the user.
    let _ = window.navigator().share_with_data(&data);
}

/// Copies `text` to the clipboard; false if the browser refused.
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let promise = window.navigator().clipboard().write_text(text);
    JsFuture::from(promise).await.is_ok()
}

/// Whether the page shows the light theme: the one picked here before, else the system's.
pub fn theme_is_light() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let picked = window
        .document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("data-theme"));
    match picked.as_deref() {
        Some("light") => true,
        Some("dark") => false,
        _ => window
            .match_media("(prefers-color-scheme: light)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches()),
    }
}

/// Shows the light or dark theme and remembers the pick (`THEME_SCRIPT` in `app.rs` applies
/// it before the next page's first paint).
pub fn set_theme(light: bool) {
    let Some(window) = web_sys::window() else { return };
    let theme = if light { "light" } else { "dark" };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme);
    }
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.set_item("theme", theme);
    }
}

/// `unix` seconds as a medium date and short time in the browser's time zone, worded for
/// `locale` ("Dec 5, 2026, 3:04 PM", "2026. 12. 5. 오후 3:04").
pub fn local_date_time(unix: i64, locale: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(unix as f64 * 1000.0));
    let options = js_sys::Object::new();
    let _ = set_prop(&options, "dateStyle", &"medium".into());
    let _ = set_prop(&options, "timeStyle", &"short".into());
    date.to_locale_string(locale, &options).into()
}
