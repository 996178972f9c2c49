//! The HTML shell, the root component and the routes.

use crate::pages::game::GamePage;
use crate::pages::history::HistoryPage;
use crate::pages::{home::HomePage, lab::LabPage, not_found::NotFound, room::RoomPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="dark light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
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
        <Stylesheet id="leptos" href="/pkg/straightface.css"/>
        <Title text="Straightface"/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("") view=HomePage/>
                <Route path=path!("/r/:room") view=RoomPage/>
                <Route path=path!("/lab") view=LabPage/>
                // Results pages wait for their data, so the HTML is complete and a 404 is a 404.
                <Route path=path!("/games") view=HistoryPage ssr=SsrMode::Async/>
                <Route path=path!("/games/:id") view=GamePage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
