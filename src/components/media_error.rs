//! The explanation shown when the camera or microphone cannot be used.

use crate::i18n::*;
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
    let i18n = use_i18n();
    let headline = {
        let error = error.clone();
        move || {
            let locale = i18n.get_locale();
            let title = error.title(locale);
            if audio_only {
                td_string!(locale, room.media_audio_only, title).to_string()
            } else {
                title.to_string()
            }
        }
    };
    let advice = move || error.advice(i18n.get_locale());
    view! {
        <div class="media-error" data-testid="media-error" role="alert">
            <strong>{headline}</strong>
            <p>{advice}</p>
            <div class="row">
                <button on:click=move |_| on_retry.run(())>{t!(i18n, room.try_again)}</button>
                {(!audio_only).then(|| view! {
                    <button data-testid="media-off" on:click=move |_| on_off.run(())>
                        {t!(i18n, room.join_without_media)}
                    </button>
                })}
            </div>
        </div>
    }
}
