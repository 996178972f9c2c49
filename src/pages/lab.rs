//! `/lab`: the expression engine on the local camera — face box, seven live expression bars,
//! frames per second and milliseconds per stage. For trying the model and for tests.
//!
//! In a debug build (the one the e2e suite runs), `/lab?fixture` reads a still image instead of
//! the camera: the test puts the same PNG into `[data-testid=lab-fixture]` in every browser and
//! compares the full-precision probabilities the page publishes in `data-probs`. A release
//! build has no such switch.

use crate::components::media_error::MediaErrorView;
use crate::face::FrameReport;
use crate::face::{WorkerStatus, DEFAULT_INPUT_SIZE, INPUT_SIZES};
use crate::hooks::use_face_reader::{use_face_reader, FrameSource};
use crate::i18n::*;
use crate::media::MediaError;
use crate::model::call_ui::StreamRef;
use crate::model::game_ui::expression_name;
use crate::vision::Expression;
use leptos::html::{Img, Video};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/lab`, whose code (a module of its own) is fetched when the page is opened.
pub struct LabRoute;

impl LabRoute {
    fn load() -> Self {
        Self
    }
}

super::split_route!(LabRoute, lab_page, |_this| view! { <LabPage/> }.into_any());

/// The lab page.
#[component]
fn LabPage() -> impl IntoView {
    let i18n = use_i18n();
    let camera = RwSignal::new(None::<Result<StreamRef, MediaError>>);
    let retry = RwSignal::new(0u32);
    open_camera(camera, retry);
    let video = NodeRef::<Video>::new();
    let fixture = NodeRef::<Img>::new();
    let use_fixture = fixture_requested();
    let source = if use_fixture { FrameSource::Image(fixture) } else { FrameSource::Video(video) };
    let input_size = RwSignal::new(DEFAULT_INPUT_SIZE);
    let reader = use_face_reader(source, input_size.into(), 30.0, Signal::stored(true));
    let report = reader.report;
    let best = move || report.get().and_then(|r| r.best);

    show_camera(video, camera);
    let face_box = move || {
        best().map(|f| {
            let [x, y, w, h] = f.bbox.map(|v| v * 100.0);
            view! { <div class="face-box" style=format!("left:{x}%;top:{y}%;width:{w}%;height:{h}%")></div> }
        })
    };
    let on_size = move |ev: leptos::ev::Event| {
        if let Ok(size) = event_target_value(&ev).parse() {
            input_size.set(size);
        }
    };

    view! {
        <Title text=move || t_string!(i18n, game.lab_title)/>
        <main class="page lab">
            <h1>{t!(i18n, game.lab_heading)}</h1>
            {move || camera.get().and_then(Result::err).map(|e| view! {
                <MediaErrorView error=e on_retry=Callback::new(move |_| retry.update(|n| *n += 1))
                    on_off=Callback::new(|_| {})/>
            })}
            <div class="lab-grid">
                <div class="lab-video mirrored">
                    <video node_ref=video data-testid="local-video" autoplay=true playsinline=true
                        muted=true prop:muted=true></video>
                    {face_box}
                    {use_fixture.then(|| view! { <img node_ref=fixture data-testid="lab-fixture" class="fixture" alt=""/> })}
                </div>
                <section class="lab-panel" aria-live="polite">
                    <LabStats status=reader.status report fps=reader.fps/>
                    <ExpressionList report/>
                    <label for="input-size">{t!(i18n, game.lab_input_size)}</label>
                    <select id="input-size" data-testid="input-size" on:change=on_size>
                        {INPUT_SIZES.into_iter().map(|s| view! {
                            <option value=s.to_string() selected=s == DEFAULT_INPUT_SIZE>{s.to_string()}</option>
                        }).collect_view()}
                    </select>
                </section>
            </div>
        </main>
    }
}

/// Shows the camera in `video` once both are there.
fn show_camera(video: NodeRef<Video>, camera: RwSignal<Option<Result<StreamRef, MediaError>>>) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let (Some(v), Some(Ok(s))) = (video.get(), camera.get()) {
            v.set_src_object(Some(&s));
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (video, camera);
}

/// What the reader is doing, and the numbers of the last frame.
#[component]
fn LabStats(
    status: RwSignal<Option<WorkerStatus>>,
    report: RwSignal<Option<FrameReport>>,
    fps: RwSignal<f64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let best = move || report.get().and_then(|r| r.best);
    let status = move || match status.get() {
        None | Some(WorkerStatus::Loading) => t_string!(i18n, game.lab_loading_model).to_string(),
        Some(WorkerStatus::Ready) => t_string!(i18n, game.lab_reading_faces).to_string(),
        Some(WorkerStatus::Failed(detail)) => {
            t_string!(i18n, game.lab_reader_error, detail).to_string()
        }
    };
    let stages = move || {
        report.get().map(|r| {
            let t = r.timings;
            let ms = |v: f32| format!("{v:.1}");
            t_string!(
                i18n,
                game.lab_stages,
                readback = ms(t.readback_ms),
                detect = ms(t.detect_ms),
                expressions = ms(t.expressions_ms)
            )
            .to_string()
        })
    };
    view! {
        <p class="hint" data-testid="lab-status">{status}</p>
        <dl class="stats">
            <dt>{t!(i18n, game.lab_faces)}</dt>
            <dd data-testid="face-count">{move || report.get().map(|r| r.face_count).unwrap_or(0)}</dd>
            <dt>{t!(i18n, game.lab_top_expression)}</dt>
            <dd data-testid="top-expression">{move || {
                best().map(|f| expression_name(f.top().0, i18n.get_locale())).unwrap_or("-")
            }}</dd>
            <dt>{t!(i18n, game.lab_fps)}</dt>
            <dd data-testid="fps">{move || format!("{:.1}", fps.get())}</dd>
            <dt>{t!(i18n, game.lab_stage_ms)}</dt>
            <dd data-testid="stage-ms">{stages}</dd>
        </dl>
    }
}

/// The seven expressions of the best face as bars, with the exact probabilities as JSON in
/// `data-probs` (for the cross-browser parity test).
#[component]
fn ExpressionList(report: RwSignal<Option<FrameReport>>) -> impl IntoView {
    let i18n = use_i18n();
    let best = move || report.get().and_then(|r| r.best);
    let probs = move || best().and_then(|f| serde_json::to_string(&f.expressions).ok());
    view! {
        <ul class="bars" data-testid="expression-bars" data-probs=probs>
            {Expression::ALL.into_iter().enumerate().map(|(i, e)| {
                let value = move || best().map(|f| f.expressions[i]).unwrap_or(0.0);
                view! {
                    <li>
                        <span class="label">{move || expression_name(e, i18n.get_locale())}</span>
                        <span class="bar"><span style=move || format!("width:{:.1}%", value() * 100.0)></span></span>
                        <span class="value" data-testid=format!("expr-{}", e.label())>{move || format!("{:.3}", value())}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// `?fixture` in a debug build: read `[data-testid=lab-fixture]` instead of the camera.
fn fixture_requested() -> bool {
    cfg!(debug_assertions)
        && leptos_router::hooks::use_query_map().with_untracked(|q| q.get("fixture").is_some())
}

/// Opens the camera (video only) after hydration and again whenever `retry` changes; stops
/// the tracks when the page goes away.
fn open_camera(camera: RwSignal<Option<Result<StreamRef, MediaError>>>, retry: RwSignal<u32>) {
    #[cfg(feature = "hydrate")]
    {
        use crate::rtc::media::{get_user_media, stop_stream};
        Effect::new(move |_| {
            retry.track();
            wasm_bindgen_futures::spawn_local(async move {
                let result = get_user_media(false, true).await.map(StreamRef::new);
                if let Some(Ok(old)) = camera.get_untracked() {
                    stop_stream(&old);
                }
                camera.set(Some(result));
            });
        });
        on_cleanup(move || {
            if let Some(Some(Ok(s))) = camera.try_get_untracked() {
                stop_stream(&s);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (camera, retry);
}
