//! `use_speaking(stream)`: whether the person in a stream is speaking, from its audio level
//! (Web Audio analyser over ~43 ms, sampled every 50 ms, decided by `call::speaking`).

use crate::model::call_ui::StreamRef;
use leptos::prelude::*;

/// True while the stream's audio sounds like speech.
pub fn use_speaking(stream: Signal<Option<StreamRef>>) -> Signal<bool> {
    let speaking = RwSignal::new(false);
    use_meter(stream, speaking, None);
    speaking.into()
}

/// The stream's audio level, 0 (silence, -60 dBFS or less) to 1 (full scale), twenty times a
/// second: the microphone meter of the pre-join view and the settings.
pub fn use_level(stream: Signal<Option<StreamRef>>) -> Signal<f64> {
    let level = RwSignal::new(0.0);
    use_meter(stream, RwSignal::new(false), Some(level));
    level.into()
}

fn use_meter(
    stream: Signal<Option<StreamRef>>,
    speaking: RwSignal<bool>,
    level: Option<RwSignal<f64>>,
) {
    #[cfg(feature = "hydrate")]
    {
        let meter = StoredValue::new_local(None::<meter::Meter>);
        Effect::new(move |_| {
            meter.set_value(None);
            speaking.set(false);
            if let Some(stream) = stream.get() {
                match meter::Meter::start(&stream, speaking, level) {
                    Ok(m) => meter.set_value(Some(m)),
                    Err(e) => leptos::logging::warn!("no audio level: {e:?}"),
                }
            }
        });
        on_cleanup(move || meter.set_value(None));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (stream, speaking, level);
}

#[cfg(feature = "hydrate")]
mod meter {
    use crate::call::speaking::{rms, SpeakingConfig, SpeakingDetector};
    use gloo_timers::callback::Interval;
    use leptos::prelude::*;
    use wasm_bindgen::JsValue;
    use web_sys::{AnalyserNode, AudioContext, MediaStream, MediaStreamAudioSourceNode};

    thread_local! {
        /// One audio context for the page (browsers limit how many may run).
        static CONTEXT: std::cell::OnceCell<Option<AudioContext>> = const { std::cell::OnceCell::new() };
    }

    fn context() -> Option<AudioContext> {
        CONTEXT.with(|c| c.get_or_init(|| AudioContext::new().ok()).clone())
    }

    /// An analyser on one stream's audio; dropping it disconnects it.
    pub struct Meter {
        nodes: std::rc::Rc<std::cell::RefCell<Option<(MediaStreamAudioSourceNode, AnalyserNode)>>>,
        _timer: Interval,
    }

    /// Connects an analyser once the stream has audio (a remote stream gets its tracks one by
    /// one, and a source on a stream without audio throws).
    fn connect(
        stream: &MediaStream,
    ) -> Result<Option<(MediaStreamAudioSourceNode, AnalyserNode)>, JsValue> {
        if stream.get_audio_tracks().length() == 0 {
            return Ok(None);
        }
        let ctx = context().ok_or_else(|| JsValue::from_str("no AudioContext"))?;
        // Suspended until the page had a user gesture (Join was one).
        let _ = ctx.resume();
        let source = ctx.create_media_stream_source(stream)?;
        let analyser = ctx.create_analyser()?;
        analyser.set_fft_size(2048);
        source.connect_with_audio_node(&analyser)?;
        Ok(Some((source, analyser)))
    }

    impl Meter {
        pub fn start(
            stream: &MediaStream,
            out: RwSignal<bool>,
            level: Option<RwSignal<f64>>,
        ) -> Result<Self, JsValue> {
            let nodes = std::rc::Rc::new(std::cell::RefCell::new(connect(stream)?));
            // `Clone::clone`: `stream.clone()` would be JS `MediaStream.clone()` (new tracks).
            let (stream, shared) = (Clone::clone(stream), nodes.clone());
            let mut detector = SpeakingDetector::new(SpeakingConfig::default());
            let mut buf = vec![0.0_f32; 2048];
            let timer = Interval::new(50, move || {
                let mut nodes = shared.borrow_mut();
                if nodes.is_none() {
                    *nodes = connect(&stream).ok().flatten();
                }
                let Some((_, analyser)) = nodes.as_ref() else { return };
                analyser.get_float_time_domain_data(&mut buf);
                let rms = rms(&buf);
                if let Some(level) = level {
                    level.set(crate::call::speaking::level(rms));
                }
                let speaking = detector.sample(crate::rtc::js::monotonic(), rms);
                if out.get_untracked() != speaking {
                    out.set(speaking);
                }
            });
            Ok(Self { nodes, _timer: timer })
        }
    }

    impl Drop for Meter {
        fn drop(&mut self) {
            if let Some((source, _)) = self.nodes.borrow_mut().take() {
                let _ = source.disconnect();
            }
        }
    }
}
