//! Opening the camera and microphone, with the fallbacks the pre-join view offers.

use super::js::{error_name, set_prop};
use crate::media::{DeviceKind, MediaError, MediaKind};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamConstraints};

/// Asks for the given kinds; maps every failure to a [`MediaError`].
pub async fn get_user_media(audio: bool, video: bool) -> Result<MediaStream, MediaError> {
    let window = web_sys::window().ok_or(MediaError::Other("no window".into()))?;
    if !window.is_secure_context() {
        return Err(MediaError::InsecureContext);
    }
    let devices = window.navigator().media_devices().map_err(|_| MediaError::InsecureContext)?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::from_bool(audio));
    if video {
        let v = js_sys::Object::new();
        video_size(&v);
        constraints.set_video(&v);
    } else {
        constraints.set_video(&JsValue::FALSE);
    }
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| MediaError::from_dom_name(&error_name(&e)))?;
    match JsFuture::from(promise).await {
        Ok(stream) => stream.dyn_into().map_err(|_| MediaError::Other("not a stream".into())),
        Err(e) => Err(MediaError::from_dom_name(&error_name(&e))),
    }
}

/// About 640 pixels wide, which keeps a six-way mesh (five uplinks) within an ordinary uplink,
/// in the camera's own shape: no height is asked for, so a 4:3 camera is not cropped to 16:9
/// before the face reader sees it (tiles crop for display only).
fn video_size(constraints: &js_sys::Object) {
    let width = js_sys::Object::new();
    let _ = set_prop(&width, "ideal", &JsValue::from_f64(640.0));
    let _ = set_prop(constraints, "width", &width);
}

/// One track of `kind` from the device `device_id`.
pub async fn open_device(
    kind: MediaKind,
    device_id: &str,
) -> Result<web_sys::MediaStreamTrack, MediaError> {
    let window = web_sys::window().ok_or(MediaError::Other("no window".into()))?;
    let devices = window.navigator().media_devices().map_err(|_| MediaError::InsecureContext)?;
    let exact = js_sys::Object::new();
    let _ = set_prop(&exact, "exact", &JsValue::from_str(device_id));
    let wanted = js_sys::Object::new();
    let _ = set_prop(&wanted, "deviceId", &exact);
    if kind == MediaKind::Video {
        video_size(&wanted);
    }
    let constraints = MediaStreamConstraints::new();
    if kind == MediaKind::Video {
        constraints.set_video(&wanted);
    } else {
        constraints.set_audio(&wanted);
    }
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| MediaError::from_dom_name(&error_name(&e)))?;
    let stream: MediaStream = JsFuture::from(promise)
        .await
        .map_err(|e| MediaError::from_dom_name(&error_name(&e)))?
        .dyn_into()
        .map_err(|_| MediaError::Other("not a stream".into()))?;
    stream.get_tracks().get(0).dyn_into().map_err(|_| MediaError::Other("no track".into()))
}

/// Cameras, microphones and speakers: `(kind, deviceId, label)`.
pub async fn list_devices() -> Vec<(DeviceKind, String, String)> {
    let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else {
        return Vec::new();
    };
    let Ok(promise) = devices.enumerate_devices() else { return Vec::new() };
    let Ok(list) = JsFuture::from(promise).await else { return Vec::new() };
    let can_route = can_choose_speaker();
    js_sys::Array::from(&list)
        .iter()
        .filter_map(|d| d.dyn_into::<web_sys::MediaDeviceInfo>().ok())
        .filter_map(|d| {
            let kind = match d.kind() {
                web_sys::MediaDeviceKind::Audioinput => DeviceKind::Microphone,
                web_sys::MediaDeviceKind::Videoinput => DeviceKind::Camera,
                _ if can_route => DeviceKind::Speaker,
                _ => return None,
            };
            Some((kind, d.device_id(), d.label()))
        })
        .collect()
}

/// Whether media elements can be sent to a chosen speaker (`HTMLMediaElement.setSinkId`;
/// Safari has none). Without it, outputs are not listed, so no speaker menu is offered.
fn can_choose_speaker() -> bool {
    let prototype = js_sys::Reflect::get(&js_sys::global(), &"HTMLMediaElement".into())
        .and_then(|class| js_sys::Reflect::get(&class, &"prototype".into()));
    prototype.is_ok_and(|p| js_sys::Reflect::has(&p, &"setSinkId".into()).unwrap_or(false))
}

/// Whether the browser offers `getDisplayMedia` (desktop browsers do; phones do not).
pub fn can_share_screen() -> bool {
    web_sys::window()
        .and_then(|w| w.navigator().media_devices().ok())
        .is_some_and(|d| js_sys::Reflect::has(&d, &"getDisplayMedia".into()).unwrap_or(false))
}

/// A screen, window or tab chosen by the user (getDisplayMedia).
pub async fn get_display_media() -> Result<MediaStream, MediaError> {
    let window = web_sys::window().ok_or(MediaError::Other("no window".into()))?;
    let devices = window.navigator().media_devices().map_err(|_| MediaError::InsecureContext)?;
    let promise =
        devices.get_display_media().map_err(|e| MediaError::from_dom_name(&error_name(&e)))?;
    match JsFuture::from(promise).await {
        Ok(stream) => stream.dyn_into().map_err(|_| MediaError::Other("not a stream".into())),
        Err(e) => Err(MediaError::from_dom_name(&error_name(&e))),
    }
}

/// Camera and microphone; when only the camera is the problem, the microphone alone.
/// Returns the stream (if any) and the camera's error (if the camera could not be used).
pub async fn open_local_media() -> Result<(MediaStream, Option<MediaError>), MediaError> {
    match get_user_media(true, true).await {
        Ok(stream) => Ok((stream, None)),
        Err(err) if err.audio_only_may_work() => match get_user_media(true, false).await {
            Ok(stream) => Ok((stream, Some(err))),
            Err(_) => Err(err),
        },
        Err(err) => Err(err),
    }
}

/// Stops every track of `stream` (the camera light goes off).
pub fn stop_stream(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        let track: web_sys::MediaStreamTrack = track.unchecked_into();
        track.stop();
    }
}

/// Plays a short two-note chime on `speaker` (the default output if `None`), then calls
/// `done`: the settings dialog's speaker test.
pub fn test_tone(speaker: Option<String>, done: impl FnOnce() + 'static) {
    let played = (|| -> Result<(), JsValue> {
        let ctx = web_sys::AudioContext::new()?;
        let osc = ctx.create_oscillator()?;
        let gain = ctx.create_gain()?;
        let sink = ctx.create_media_stream_destination()?;
        let t = ctx.current_time();
        osc.frequency().set_value_at_time(660.0, t)?;
        osc.frequency().set_value_at_time(880.0, t + 0.25)?;
        gain.gain().set_value_at_time(0.2, t)?;
        gain.gain().linear_ramp_to_value_at_time(0.0, t + 0.7)?;
        osc.connect_with_audio_node(&gain)?;
        gain.connect_with_audio_node(&sink)?;
        let audio = web_sys::HtmlAudioElement::new()?;
        audio.set_src_object(Some(&sink.stream()));
        if let Some(id) = speaker.filter(|id| !id.is_empty()) {
            if let Ok(f) = js_sys::Reflect::get(&audio, &"setSinkId".into()) {
                if let Ok(f) = f.dyn_into::<js_sys::Function>() {
                    let _ = f.call1(&audio, &JsValue::from_str(&id));
                }
            }
        }
        let _ = audio.play();
        osc.start()?;
        osc.stop_with_when(t + 0.75)?;
        let keep = (ctx, audio);
        gloo_timers::callback::Timeout::new(900, move || {
            let (ctx, audio) = keep;
            audio.set_src_object(None);
            let _ = ctx.close();
        })
        .forget();
        Ok(())
    })();
    if let Err(e) = played {
        leptos::logging::warn!("speaker test failed: {e:?}");
    }
    gloo_timers::callback::Timeout::new(900, done).forget();
}
