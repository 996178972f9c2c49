//! The explanation shown when the camera or microphone cannot be used.

use crate::media::MediaError;
use leptos::prelude::*;

/// What went wrong, what to do, and the ways forward.
#[component]
pub fn MediaErrorView(
    /// The problem.
    error: MediaError,
    /// Whether the microphone still works (only the camera failed).
    #[prop(optional)]
    audio_only: bool,
    /// Ask again.
    on_retry: Callback<()>,
    /// Join without camera and microphone.
    on_off: Callback<()>,
) -> impl IntoView {
    let headline = if audio_only {
        format!("{} — you can join with audio only", error.title())
    } else {
        error.title().to_string()
    };
    view! {
        <div class="media-error" data-testid="media-error" role="alert">
            <strong>{headline}</strong>
            <p>{error.advice()}</p>
            <div class="row">
                <button on:click=move |_| on_retry.run(())>"Try again"</button>
                {(!audio_only).then(|| view! {
                    <button data-testid="media-off" on:click=move |_| on_off.run(())>
                        "Join without camera and microphone"
                    </button>
                })}
            </div>
        </div>
    }
}
