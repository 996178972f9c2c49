//! The 404 page.

use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any unknown path, with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, common.page_not_found_title)/>
        <main class="page narrow">
            <h1>{t!(i18n, common.page_not_found)}</h1>
            <p><a href="/">{t!(i18n, common.start_or_join)}</a></p>
        </main>
    }
}
