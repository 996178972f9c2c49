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
