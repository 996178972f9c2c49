//! One module per route.

pub mod history;
pub mod home;
pub mod lab;
pub mod not_found;
pub mod results;
pub mod room;

use crate::i18n::*;
use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

/// A lazy route's page, from its own module (`wasm_split(…, fallible)`), or if that module did
/// not arrive, why and Try again. Leptos's `#[lazy_route]` panics on a failed fetch, which
/// stops the whole page in a release build, so the routes split their view themselves.
pub fn page_or_notice(loaded: Result<AnyView, SplitLoaderError>) -> AnyView {
    match loaded {
        Ok(page) => page,
        Err(e) => {
            leptos::logging::warn!("the page's module did not load: {e:?}");
            view! { <PageLoadFailed/> }.into_any()
        }
    }
}

/// The page's module did not arrive. Try again loads the page anew (its address is already
/// the page's).
#[component]
fn PageLoadFailed() -> impl IntoView {
    let i18n = use_i18n();
    let reload = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <main class="page narrow">
            <section class="notice" data-testid="page-load-failed" role="alert">
                <h1>{t!(i18n, common.page_load_failed_heading)}</h1>
                <p>{t!(i18n, common.page_load_failed_text)}</p>
                <button class="primary" data-testid="page-load-retry" on:click=reload>
                    {t!(i18n, common.try_again)}
                </button>
            </section>
        </main>
    }
}
