//! The HTML shell, the root component and the routes.

use crate::i18n::*;
use crate::pages::history::HistoryRoute;
use crate::pages::lab::LabRoute;
use crate::pages::results::GameRoute;
use crate::pages::{home::HomePage, not_found::NotFound, room::RoomPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

/// The document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_page_csp(&options);
    view! {
        <!DOCTYPE html>
        // `lang` is set by I18nContextProvider, from the cookie or Accept-Language.
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="dark light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet id="leptos" options=options.clone()/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                // The remembered theme, before the first paint (no flash of the other one).
                <script nonce=leptos::nonce::use_nonce() inner_html=THEME_SCRIPT></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Sends this page's Content-Security-Policy, which allows the hydration script by the nonce
/// leptos_axum made for this response (`HydrationScripts` and `AutoReload` carry it).
#[cfg(feature = "ssr")]
fn set_page_csp(options: &LeptosOptions) {
    use leptos::config::Env;
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let dev_reload = matches!(options.env, Env::DEV).then_some(options.reload_port);
    let csp = crate::security::headers::page_csp(&nonce, dev_reload);
    if let Ok(value) = axum::http::HeaderValue::from_str(&csp) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The application root.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Tests (and impatient users' clicks) must wait for this: a click before hydration is lost.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <I18nContextProvider>
        <Title text="Straightface"/>
        <div class="corner">
            <ThemeSwitch/>
            <LangSwitch/>
        </div>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("") view=HomePage/>
                <Route path=path!("/r/:room") view=RoomPage/>
                <Route path=path!("/lab") view={Lazy::<LabRoute>::new()}/>
                // Results pages wait for their data, so the HTML is complete and a 404 is a 404.
                <Route path=path!("/games") view={Lazy::<HistoryRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/games/:id") view={Lazy::<GameRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Router>
        </I18nContextProvider>
    }
}

/// Applies the theme stored by [`ThemeSwitch`] to `<html data-theme>`.
const THEME_SCRIPT: &str = r#"try{var t=localStorage.getItem("theme");if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}"#;

/// Light or dark: follows the system until the user picks one here, then remembers the pick.
#[component]
fn ThemeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let light = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| light.set(crate::rtc::js::theme_is_light()));
    let flip = move |_| {
        let next = !light.get_untracked();
        light.set(next);
        #[cfg(feature = "hydrate")]
        crate::rtc::js::set_theme(next);
    };
    view! {
        <button class="theme-switch" data-testid="theme" data-theme=move || if light.get() { "light" } else { "dark" }
            aria-label=move || if light.get() { t_string!(i18n, call.theme_dark) } else { t_string!(i18n, call.theme_light) }
            title=move || if light.get() { t_string!(i18n, call.theme_dark) } else { t_string!(i18n, call.theme_light) }
            on:click=flip>
            {move || if light.get() {
                view! { <crate::components::icons::Svg icon=crate::components::icons::Icon::Moon/> }
            } else {
                view! { <crate::components::icons::Svg icon=crate::components::icons::Icon::Sun/> }
            }}
        </button>
    }
}

/// How long the language choice is remembered.
/// The cookie the server reads the chosen language from (leptos_i18n's name for it).
#[cfg(feature = "hydrate")]
const LANG_COOKIE: &str = "i18n_pref_locale";

/// Remembers the language picked in [`LangSwitch`] for a year and on every page. Written here
/// rather than by leptos_i18n's `cookie` feature, which is on only in the server's build: in the
/// browser it brought leptos-use's cookie parser and the `time` crate into the first module.
#[cfg(feature = "hydrate")]
fn remember_locale(locale: Locale) {
    use leptos_i18n::Locale as _;
    use wasm_bindgen::JsCast;
    const YEAR_S: u32 = 365 * 24 * 3600;
    let cookie =
        format!("{LANG_COOKIE}={}; path=/; max-age={YEAR_S}; samesite=lax", locale.as_str());
    if let Ok(html) = document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = html.set_cookie(&cookie);
    }
}

/// The language menu in the corner of every page. Each language is named in itself.
#[component]
fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        if let Ok(locale) = event_target_value(&ev).parse::<Locale>() {
            i18n.set_locale(locale);
            #[cfg(feature = "hydrate")]
            remember_locale(locale);
        }
    };
    view! {
        <label class="lang-switch">
            <span class="sr-only">{t!(i18n, common.language)}</span>
            <select data-testid="lang" aria-label=move || t_string!(i18n, common.language) on:change=on_change>
                <option value="en" selected=move || i18n.get_locale() == Locale::en>"English"</option>
                <option value="ko" selected=move || i18n.get_locale() == Locale::ko>"한국어"</option>
            </select>
        </label>
    }
}
