//! The axum application: Leptos SSR routes, server functions, the signaling socket and the
//! built site's static files. `main.rs` and the integration tests both build it from here.

use crate::app::{shell, App};
use crate::config::Config;
use crate::signaling::limits::HubConfig;
use crate::signaling::server::{ws_route, HubHandle};
use crate::signaling::ticket::TicketKey;
use axum::extract::{FromRef, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::{Env, LeptosOptions};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;

/// Everything a request handler may need.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos's own settings (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The signaling actor.
    pub hub: HubHandle,
    /// Our configuration.
    pub config: Arc<Config>,
}

impl AppState {
    /// Builds the state and starts the signaling actor (needs a tokio runtime). Fails when the
    /// data folder cannot hold the seat-ticket key.
    pub fn new(config: Config) -> std::io::Result<Self> {
        let env = match std::env::var("LEPTOS_ENV").as_deref() {
            Ok("DEV") | Ok("dev") | Ok("development") => Env::DEV,
            _ => Env::PROD,
        };
        let reload_port =
            std::env::var("LEPTOS_RELOAD_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3001);
        let leptos_options = LeptosOptions::builder()
            .output_name("straightface")
            .site_root(config.site_root.to_string_lossy().as_ref())
            .site_pkg_dir("pkg")
            .site_addr(config.bind)
            .env(env)
            .reload_port(reload_port)
            .build();
        let tickets = TicketKey::load_or_create(&config.data_dir.join("seat.key"))?;
        let hub_config = HubConfig {
            grace: config.resume_grace,
            // Ids below 2^53 stay exact in JavaScript numbers.
            first_peer_id: rand::random_range(1..(1u64 << 52)),
            ..HubConfig::default()
        };
        let hub = HubHandle::spawn(hub_config, tickets, config.ice());
        Ok(Self { leptos_options, hub, config: Arc::new(config) })
    }
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let config = state.config.clone();
    Router::new()
        .route("/ws", get(ws_route))
        .route("/healthz", get(|| async { "ok" }))
        .route("/models/{file}", get(model_file))
        .leptos_routes_with_context(&state, routes, move || provide_context(config.clone()), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
}

/// `GET /models/{file}`: the four face-model files the browser's worker loads, and nothing else
/// from that folder. Their sha256 is checked again by the engine at load.
async fn model_file(Path(file): Path<String>, State(config): State<Arc<Config>>) -> Response {
    if !crate::face::MODEL_FILES.contains(&file.as_str()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match tokio::fs::read(config.models_dir.join(&file)).await {
        Ok(bytes) => {
            let kind = if file.ends_with(".json") {
                "application/json"
            } else {
                "application/octet-stream"
            };
            let headers =
                [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "public, max-age=86400")];
            (headers, bytes).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, dir = %config.models_dir.display(), "model file missing");
            (StatusCode::SERVICE_UNAVAILABLE, "face models are not installed on this server")
                .into_response()
        }
    }
}
