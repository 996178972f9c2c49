//! The axum application: Leptos SSR routes, server functions, the signaling socket and the
//! built site's static files. `main.rs` and the integration tests both build it from here.

use crate::app::{shell, App};
use crate::assets::{self, Hashes};
use crate::config::Config;
use crate::game::ConfigError;
use crate::security::headers::{add_security_headers, SecurityHeaders};
use crate::security::origin::OriginPolicy;
use crate::signaling::cluster::{Cluster, ClusterError};
use crate::signaling::limits::HubConfig;
use crate::signaling::server::{ws_room_route, ws_route, HubHandle};
use crate::signaling::ticket::TicketKey;
use crate::store::types::valid_game_id;
use crate::store::{spawn_writer, Store, StoreError};
use axum::extract::{FromRef, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::{Env, LeptosOptions};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Everything a request handler may need.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos's own settings (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The signaling actor.
    pub hub: HubHandle,
    /// Our configuration.
    pub config: Arc<Config>,
    /// Finished games and highlights.
    pub store: Store,
    /// Which pages may open the signaling socket.
    pub origins: Arc<OriginPolicy>,
    /// Headers every response carries.
    pub security_headers: Arc<SecurityHeaders>,
    /// `/vision-worker.js`, naming the client's (hashed) files.
    pub worker_script: axum::body::Bytes,
    /// Whether the client's files carry their content hash in their names.
    pub hashed: bool,
    /// This node's part in a deployment of several (none: a single process).
    pub cluster: Option<Arc<Cluster>>,
}

/// The name of the client's files (`pkg/straightface[.hash].{js,wasm,css}`).
const OUTPUT_NAME: &str = "straightface";

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data folder cannot hold the seat-ticket key.
    #[error("cannot use the data folder: {0}")]
    Io(#[from] std::io::Error),
    /// The game database cannot be opened or migrated.
    #[error("cannot open the game database: {0}")]
    Store(#[from] StoreError),
    /// The node cannot join its deployment.
    #[error("cannot join the other nodes: {0}")]
    Cluster(#[from] ClusterError),
    /// The game settings are inconsistent.
    #[error("invalid game settings: {0}")]
    Game(#[from] ConfigError),
}

impl AppState {
    /// Opens the database, starts the signaling actor and the writer that saves its games
    /// (needs a tokio runtime).
    pub async fn new(config: Config) -> Result<Self, StartError> {
        let env = match std::env::var("LEPTOS_ENV").as_deref() {
            Ok("DEV") | Ok("dev") | Ok("development") => Env::DEV,
            _ => Env::PROD,
        };
        let reload_port =
            std::env::var("LEPTOS_RELOAD_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3001);
        let exe = std::env::current_exe()?;
        let exe_dir = exe.parent().unwrap_or(std::path::Path::new("."));
        let hashes = Hashes::load(exe_dir, &config.site_root, OUTPUT_NAME);
        let leptos_options = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .hash_files(hashes.is_some())
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
            instance: rand::random(),
            game: config.game.clone(),
            ..HubConfig::default()
        };
        let store = Store::open(&config.db).await?;
        // The target prints without its password.
        tracing::info!(db = %config.db, "game database open");
        // With several nodes, running games are checkpointed for the node that outlives theirs.
        let (checkpoints, checkpointed) = match config.cluster {
            Some(_) => {
                let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
                (Some(tx), Some(rx))
            }
            None => (None, None),
        };
        let hub_config = HubConfig { checkpoints: checkpoints.is_some(), ..hub_config };
        let (hub, persist) = HubHandle::spawn_with(
            config.hub_shards,
            hub_config,
            tickets.clone(),
            config.ice(),
            checkpoints,
        )?;
        spawn_writer(store.clone(), persist);
        let cluster = match (&config.cluster, checkpointed) {
            (Some(settings), Some(checkpointed)) => Some(
                Cluster::start(
                    settings,
                    &tickets,
                    (hub.clone(), checkpointed),
                    store.clone(),
                    config.resume_grace,
                )
                .await?,
            ),
            _ => None,
        };
        let origins = Arc::new(config.origin_policy());
        let security_headers = Arc::new(SecurityHeaders::new(config.serves_https()));
        let config = Arc::new(config);
        let worker_script = assets::worker_script(OUTPUT_NAME, hashes.as_ref()).into();
        Ok(Self {
            leptos_options,
            hub,
            config,
            store,
            origins,
            security_headers,
            worker_script,
            hashed: hashes.is_some(),
            cluster,
        })
    }
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let secure_cookies = state.config.secure_cookies();
    let (config, store) = (state.config.clone(), state.store.clone());
    let context = move || {
        provide_context(config.clone());
        provide_context(store.clone());
    };
    let pkg =
        ServeDir::new(state.config.site_root.join("pkg")).precompressed_br().precompressed_gzip();
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            assets::pkg_cache_control(state.hashed),
        ))
        .service(pkg);
    let worker = state.worker_script.clone();
    // Pages and JSON are compressed as they go out; `/pkg` comes compressed already, and WASM
    // is never compressed per request (a debug module is tens of megabytes).
    let compress = CompressionLayer::new().br(true).gzip(true).compress_when(
        DefaultPredicate::new()
            .and(NotForContentType::const_new("application/wasm"))
            .and(NotForContentType::const_new("application/octet-stream")),
    );
    Router::new()
        .route("/ws", get(ws_route))
        .route("/ws/{room}", get(ws_room_route))
        .nest_service("/pkg", pkg)
        .route("/vision-worker.js", get(move || async move { assets::worker_response(worker) }))
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics_route))
        .route("/models/{file}", get(model_file))
        .route("/games/{id}/highlights/{file}", get(highlight_file))
        .merge(crate::signaling::upload::routes())
        .leptos_routes_with_context(&state, routes, context, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(assets::revalidate_by_default))
        .layer(compress)
        .layer(middleware::from_fn_with_state(state.security_headers.clone(), add_security_headers))
        .layer(axum::middleware::from_fn_with_state(secure_cookies, crate::browser::browser_cookie))
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

/// `GET /games/{id}/highlights/{request_id}.jpg`: a stored highlight image.
async fn highlight_file(
    Path((id, file)): Path<(String, String)>,
    State(store): State<Store>,
) -> Response {
    let request_id = file
        .strip_suffix(".jpg")
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<u64>().ok());
    let Some(request_id) = request_id.filter(|_| valid_game_id(&id)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match store.highlight_image(&id, request_id).await {
        Ok(Some(jpeg)) => {
            // A face, which its player may delete: no shared cache keeps it, and the browser
            // asks again each time, so a deleted picture is gone at once.
            let headers = [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, "private, no-cache"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ];
            (headers, jpeg).into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, game = %id, request_id, "cannot read a highlight");
            (StatusCode::INTERNAL_SERVER_ERROR, "the image cannot be read right now")
                .into_response()
        }
    }
}

/// `GET /metrics`: the Prometheus text for operators, only with `--metrics-token` set and only
/// to a request bearing it (404 without the flag, 401 without the token).
pub async fn metrics_route(
    State(hub): State<HubHandle>,
    State(config): State<Arc<Config>>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = config.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if !crate::signaling::metrics::authorized(given, token) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a token is needed",
        )
            .into_response();
    }
    let content_type = "text/plain; version=0.0.4; charset=utf-8";
    ([(header::CONTENT_TYPE, content_type)], hub.metrics().render()).into_response()
}
