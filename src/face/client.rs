//! The page side of face reading: starts the worker, feeds it one video frame at a time (the
//! next only after the previous report, so a slow device never queues frames), and hands
//! reports back through callbacks.

use super::{FrameReport, FromWorker, ToWorker, WorkerStatus, BITMAP_FIELD, MESSAGE_FIELD};
use crate::rtc::js::{describe, now, set_prop, Handler};
use gloo_timers::callback::Timeout;
use js_sys::{Array, Object, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    HtmlImageElement, HtmlVideoElement, ImageBitmap, MessageEvent, Worker, WorkerOptions,
    WorkerType,
};

/// Where frames come from.
pub enum Frames {
    /// The current frame of a video (a camera).
    Video(HtmlVideoElement),
    /// A still image, read again and again.
    Image(HtmlImageElement),
}

impl Frames {
    /// A bitmap of the current frame, or `None` while there is none yet (camera starting,
    /// image loading).
    fn grab(&self) -> Option<Result<js_sys::Promise, JsValue>> {
        let window = web_sys::window()?;
        match self {
            // HAVE_CURRENT_DATA
            Frames::Video(v) if v.ready_state() >= 2 && v.video_width() > 0 => {
                Some(window.create_image_bitmap_with_html_video_element(v))
            }
            Frames::Image(img) if img.complete() && img.natural_width() > 0 => {
                Some(window.create_image_bitmap_with_html_image_element(img))
            }
            _ => None,
        }
    }
}

struct Shared {
    worker: Worker,
    frames: Frames,
    input_size: Box<dyn Fn() -> u32>,
    min_interval_ms: f64,
    next_id: Cell<u32>,
    last_submit: Cell<f64>,
    /// The model is loaded.
    ready: Cell<bool>,
    /// No frames are read (the worker stays loaded).
    paused: Cell<bool>,
    timer: RefCell<Option<Timeout>>,
    on_status: Box<dyn Fn(WorkerStatus)>,
    on_report: Box<dyn Fn(FrameReport)>,
}

/// A running face reader for one `<video>` (or still image). Dropping it stops the loop and the
/// worker.
pub struct FaceReader {
    shared: Rc<Shared>,
    _on_message: Handler,
}

impl FaceReader {
    /// Starts the worker and, once the model is loaded, reads `frames` at most `max_fps` times
    /// a second.
    pub fn start(
        frames: Frames,
        input_size: impl Fn() -> u32 + 'static,
        max_fps: f64,
        on_status: impl Fn(WorkerStatus) + 'static,
        on_report: impl Fn(FrameReport) + 'static,
    ) -> Result<Self, JsValue> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options("/vision-worker.js", &options)?;
        let shared = Rc::new(Shared {
            worker,
            frames,
            input_size: Box::new(input_size),
            min_interval_ms: 1000.0 / max_fps.max(0.1),
            next_id: Cell::new(0),
            last_submit: Cell::new(0.0),
            ready: Cell::new(false),
            paused: Cell::new(false),
            timer: RefCell::new(None),
            on_status: Box::new(on_status),
            on_report: Box::new(on_report),
        });
        (shared.on_status)(WorkerStatus::Loading);
        let weak = Rc::downgrade(&shared);
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            if let Some(shared) = weak.upgrade() {
                shared.on_message(event.unchecked_into());
            }
        });
        shared.worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(Self { shared, _on_message: on_message })
    }

    /// Stops reading frames but keeps the model loaded, so reading again starts at once.
    pub fn pause(&self) {
        self.shared.paused.set(true);
        self.shared.timer.borrow_mut().take();
    }

    /// Reads frames again after [`FaceReader::pause`].
    pub fn resume(&self) {
        if self.shared.paused.replace(false) && self.shared.ready.get() {
            self.shared.schedule(0.0);
        }
    }
}

impl Drop for FaceReader {
    fn drop(&mut self) {
        self.shared.timer.borrow_mut().take();
        self.shared.worker.set_onmessage(None);
        self.shared.worker.terminate();
    }
}

impl Shared {
    fn on_message(self: &Rc<Self>, event: MessageEvent) {
        let text = Reflect::get(&event.data(), &JsValue::from_str(MESSAGE_FIELD))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let msg = match serde_json::from_str::<FromWorker>(&text) {
            Ok(msg) => msg,
            Err(e) => return leptos::logging::warn!("unreadable worker message: {e}"),
        };
        match msg {
            FromWorker::Booted => {
                let init = ToWorker::Init { base: "/models/".into() };
                if let Err(e) = self.post(&init, None) {
                    (self.on_status)(WorkerStatus::Failed(describe(&e)));
                }
            }
            FromWorker::Ready => {
                self.ready.set(true);
                (self.on_status)(WorkerStatus::Ready);
                self.schedule(0.0);
            }
            // A frame that was on its way when we paused is not reported.
            FromWorker::Report(_) if self.paused.get() => {}
            FromWorker::Report(report) => {
                (self.on_report)(report);
                let since = now() - self.last_submit.get();
                self.schedule((self.min_interval_ms - since).max(0.0));
            }
            FromWorker::Error { message } => {
                (self.on_status)(WorkerStatus::Failed(message));
                // A failed frame (e.g. the camera paused) must not stop the loop for good.
                self.schedule(500.0);
            }
        }
    }

    /// Posts `msg` (as JSON), with a bitmap transferred beside it.
    fn post(&self, msg: &ToWorker, bitmap: Option<&ImageBitmap>) -> Result<(), JsValue> {
        let text = serde_json::to_string(msg).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let object = Object::new();
        set_prop(&object, MESSAGE_FIELD, &JsValue::from_str(&text))?;
        match bitmap {
            Some(bitmap) => {
                set_prop(&object, BITMAP_FIELD, bitmap)?;
                self.worker.post_message_with_transfer(&object, &Array::of1(bitmap))
            }
            None => self.worker.post_message(&object),
        }
    }

    fn schedule(self: &Rc<Self>, delay_ms: f64) {
        if self.paused.get() {
            return;
        }
        let weak = Rc::downgrade(self);
        let timeout = Timeout::new(delay_ms as u32, move || {
            if let Some(shared) = weak.upgrade() {
                shared.submit();
            }
        });
        *self.timer.borrow_mut() = Some(timeout);
    }

    /// Grabs the current frame as an ImageBitmap and transfers it to the worker.
    fn submit(self: &Rc<Self>) {
        // No frame yet (camera starting, or not shown): look again soon.
        let promise = match self.frames.grab() {
            Some(Ok(p)) => p,
            _ => return self.schedule(100.0),
        };
        let this = self.clone();
        spawn_local(async move {
            let bitmap: ImageBitmap = match JsFuture::from(promise).await.and_then(|b| b.dyn_into())
            {
                Ok(b) => b,
                Err(e) => {
                    leptos::logging::warn!("frame grab failed: {}", describe(&e));
                    return this.schedule(200.0);
                }
            };
            let id = this.next_id.get().wrapping_add(1);
            this.next_id.set(id);
            this.last_submit.set(now());
            let frame = ToWorker::Frame { id, input_size: (this.input_size)() };
            if let Err(e) = this.post(&frame, Some(&bitmap)) {
                leptos::logging::warn!("could not send a frame: {}", describe(&e));
                this.schedule(200.0);
            }
        });
    }
}
