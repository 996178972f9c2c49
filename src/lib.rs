//! Straightface: browser video rooms with a keep-a-straight-face party game.
//!
//! One crate, compiled twice: with `ssr` it is the axum server (SSR, server functions,
//! signaling); with `hydrate` it is the WASM client that drives the browser's WebRTC.
#![forbid(unsafe_code)]
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod call;
pub mod components;
pub mod face;
pub mod game;
pub mod hooks;
pub mod media;
pub mod pages;
pub mod protocol;
pub mod signaling;
pub mod store;
pub mod vision;

#[cfg(feature = "hydrate")]
pub mod rtc;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod server;

/// WASM entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
