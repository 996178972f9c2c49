//! One module per route.

/// `LazyRoute` for a page whose view is a module of its own, split with `wasm_split(…,
/// fallible)`: `data` starts the page's loading at once (`$route::load`), the router loads the
/// module before it hydrates or shows the page, and a module that cannot be fetched is shown by
/// [`page_or_notice`]. Leptos's `#[lazy_route]` panics there instead, which stops the page.
/// (`rustfmt::skip`: rustfmt indents the attribute further on every run.)
#[rustfmt::skip]
macro_rules! split_route {
    ($route:ident, $module:ident, |$this:pat_param| $view:expr) => {
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route::load()
            }

            async fn view(this: Self) -> leptos::prelude::AnyView {
                $crate::pages::page_or_notice(split_view(this).await)
            }

            async fn preload() {
                // A failure here is met again, and shown, by `view`.
                let _ = preload_split_view().await;
            }
        }

        #[leptos::wasm_split::wasm_split(
            $module,
            wasm_split_path = ::leptos::wasm_split,
            fallible,
            preload(preload_split_view)
        )]
        fn split_view(
            $this: $route,
        ) -> Result<leptos::prelude::AnyView, leptos::wasm_split::SplitLoaderError> {
            Ok($view)
        }
    };
}
pub(crate) use split_route;

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
