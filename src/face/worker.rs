//! The Web Worker side of face reading: loads the engine from the served model files, then
//! answers each `frame` message (an `ImageBitmap`, transferred) with a [`FrameReport`] as JSON.
//! The model never runs on the page's main thread.
//!
//! Messages in are [`ToWorker`], out are [`FromWorker`], each as JSON in the posted object's
//! [`MESSAGE_FIELD`]; a frame's bitmap rides in [`BITMAP_FIELD`].

use super::{analyze, FrameReport, FromWorker, ToWorker, BITMAP_FIELD, MESSAGE_FIELD, MODEL_FILES};
use crate::rtc::js::{describe, set_prop};
use crate::vision::{Engine, Image};
use js_sys::{Object, Reflect, Uint8Array};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    DedicatedWorkerGlobalScope, ImageBitmap, MessageEvent, OffscreenCanvas,
    OffscreenCanvasRenderingContext2d, Response,
};

#[derive(Default)]
struct WorkerState {
    engine: Option<Rc<Engine>>,
    canvas: Option<(OffscreenCanvas, OffscreenCanvasRenderingContext2d)>,
}

/// Entry point called by `/vision-worker.js` (made by `assets::worker_script`) after the module
/// is instantiated.
#[wasm_bindgen]
pub fn vision_worker_start() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let state = Rc::new(RefCell::new(WorkerState::default()));
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let text = get(&data, MESSAGE_FIELD).as_string().unwrap_or_default();
        let outcome = match serde_json::from_str::<ToWorker>(&text) {
            Ok(ToWorker::Init { base }) => {
                init(reply_scope.clone(), state.clone(), base);
                Ok(())
            }
            Ok(ToWorker::Frame { id, input_size }) => {
                on_frame(&reply_scope, &state, &data, id, input_size)
            }
            Err(e) => Err(JsValue::from_str(&format!("unreadable message: {e}"))),
        };
        if let Err(e) = outcome {
            post(&reply_scope, &FromWorker::Error { message: describe(&e) });
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives exactly as long as the worker.
    on_message.forget();
    post(&scope, &FromWorker::Booted);
}

fn init(scope: DedicatedWorkerGlobalScope, state: Rc<RefCell<WorkerState>>, base: String) {
    spawn_local(async move {
        match load_engine(&scope, &base).await {
            Ok(engine) => {
                state.borrow_mut().engine = Some(Rc::new(engine));
                post(&scope, &FromWorker::Ready);
            }
            Err(message) => post(&scope, &FromWorker::Error { message }),
        }
    });
}

async fn load_engine(scope: &DedicatedWorkerGlobalScope, base: &str) -> Result<Engine, String> {
    let mut files = Vec::with_capacity(MODEL_FILES.len());
    for name in MODEL_FILES {
        let url = format!("{}/{name}", base.trim_end_matches('/'));
        files.push(fetch_bytes(scope, &url).await.map_err(|e| format!("{url}: {}", describe(&e)))?);
    }
    Engine::load(&files[0], &files[1], &files[2], &files[3]).map_err(|e| e.to_string())
}

async fn fetch_bytes(scope: &DedicatedWorkerGlobalScope, url: &str) -> Result<Vec<u8>, JsValue> {
    let response: Response = JsFuture::from(scope.fetch_with_str(url)).await?.dyn_into()?;
    if !response.ok() {
        return Err(JsValue::from_str(&format!("HTTP {}", response.status())));
    }
    let buffer = JsFuture::from(response.array_buffer()?).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn on_frame(
    scope: &DedicatedWorkerGlobalScope,
    state: &Rc<RefCell<WorkerState>>,
    data: &JsValue,
    id: u32,
    input_size: u32,
) -> Result<(), JsValue> {
    let bitmap: ImageBitmap = get(data, BITMAP_FIELD).dyn_into()?;
    let clock = performance_clock(scope);
    let t0 = clock();
    let (width, height) = (bitmap.width(), bitmap.height());
    let pixels = read_pixels(state, &bitmap);
    bitmap.close();
    let pixels = pixels?;
    let readback = clock() - t0;
    let engine = state.borrow().engine.clone().ok_or("the engine is not loaded yet")?;
    let img = Image::rgba(width as usize, height as usize, &pixels)
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    let mut report: FrameReport = analyze(&engine, &img, input_size, &clock)
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    report.id = id;
    report.timings.readback_ms = readback as f32;
    post(scope, &FromWorker::Report(report));
    Ok(())
}

/// Draws the bitmap on a reused OffscreenCanvas and reads back its RGBA pixels.
fn read_pixels(state: &Rc<RefCell<WorkerState>>, bitmap: &ImageBitmap) -> Result<Vec<u8>, JsValue> {
    let (w, h) = (bitmap.width(), bitmap.height());
    let mut state = state.borrow_mut();
    let stale = state.canvas.as_ref().is_none_or(|(c, _)| c.width() != w || c.height() != h);
    if stale {
        let canvas = OffscreenCanvas::new(w, h)?;
        let options = Object::new();
        set_prop(&options, "willReadFrequently", &JsValue::TRUE)?;
        let ctx: OffscreenCanvasRenderingContext2d = canvas
            .get_context_with_context_options("2d", &options)?
            .ok_or("no 2d context")?
            .dyn_into()?;
        state.canvas = Some((canvas, ctx));
    }
    let (_, ctx) = state.canvas.as_ref().ok_or("no canvas")?;
    ctx.draw_image_with_image_bitmap(bitmap, 0.0, 0.0)?;
    Ok(ctx.get_image_data(0.0, 0.0, w as f64, h as f64)?.data().0)
}

fn performance_clock(scope: &DedicatedWorkerGlobalScope) -> impl Fn() -> f64 {
    let performance = scope.performance();
    move || performance.as_ref().map(|p| p.now()).unwrap_or(0.0)
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn post(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker) {
    let Ok(text) = serde_json::to_string(msg) else { return };
    let object = Object::new();
    let _ = set_prop(&object, MESSAGE_FIELD, &JsValue::from_str(&text));
    let _ = scope.post_message(&object);
}
