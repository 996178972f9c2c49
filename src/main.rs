//! Server entry: configuration, router, the edge's accept loop, graceful shutdown.

use clap::Parser;
use std::process::ExitCode;
use straightface::config::{Config, Flags};
use straightface::edge::Site;
use straightface::server::{router, AppState};
use tracing_subscriber::EnvFilter;

/// jemalloc, with a background thread that hands freed pages back within a second or two:
/// glibc's malloc (and mimalloc) kept the memory of closed sockets (README, "Capacity").
/// `--features system-alloc` builds with glibc's malloc instead, for heaptrack (which does not
/// see jemalloc's prefixed functions) and for comparing the two.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read at its start (the `_rjem_` prefix is tikv-jemallocator's).
#[cfg(not(feature = "system-alloc"))]
#[allow(non_upper_case_globals)]
#[export_name = "_rjem_malloc_conf"]
pub static malloc_conf: &[u8] = b"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0\0";

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_park(idle::on_park)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(serve()),
        Err(e) => {
            eprintln!("straightface: could not start the runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A worker thread's cache of freed memory, handed back when it goes idle. jemalloc keeps each
/// thread's recently freed blocks for that thread to reuse, and only trims the cache as the
/// thread allocates again: after a crowd left, the idle workers held on to about 2 MB of their
/// sockets' memory for good (README, "Capacity"). Turning the cache off cost a sixth more CPU
/// per relayed message, so it is flushed instead, when a worker parks, at most once a second.
mod idle {
    use std::cell::Cell;
    use std::time::{Duration, Instant};

    const AT_MOST_EVERY: Duration = Duration::from_secs(1);

    thread_local! {
        static LAST: Cell<Option<Instant>> = const { Cell::new(None) };
    }

    pub fn on_park() {
        let now = Instant::now();
        let due = LAST.get().is_none_or(|last| now.duration_since(last) >= AT_MOST_EVERY);
        if due {
            LAST.set(Some(now));
            flush();
        }
    }

    #[cfg(not(feature = "system-alloc"))]
    fn flush() {
        // SAFETY: "thread.idle" reads and writes nothing (all null, length 0), and the name is
        // NUL-terminated; it flushes the calling thread's cache (jemalloc 5.3).
        unsafe {
            let (none, no_len) = (std::ptr::null_mut(), std::ptr::null_mut());
            tikv_jemalloc_sys::mallctl(c"thread.idle".as_ptr(), none, no_len, none, 0);
        }
    }

    #[cfg(feature = "system-alloc")]
    fn flush() {}
}

async fn serve() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = match Config::from_flags(Flags::parse()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("straightface: {e}");
            return ExitCode::from(2);
        }
    };
    let file_handles = straightface::edge::raise_file_limit();
    let limits = straightface::edge::Limits::new(config.edge.caps(file_handles));
    let listener = match straightface::edge::bind(config.bind) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("straightface: cannot listen on {}: {e}", config.bind);
            return ExitCode::from(1);
        }
    };
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let scheme = if config.edge.tls.is_some() { "https" } else { "http" };
    tracing::info!(%addr, site_root = %config.site_root.display(), hub_shards = config.hub_shards, "Straightface listening on {scheme}://{addr}");
    tracing::info!(file_handles, caps = ?limits.caps(), "connection caps");
    let (edge, public_url, data_dir) =
        (config.edge.clone(), config.public_url.clone(), config.data_dir.clone());
    let state = match AppState::new(config).await {
        Ok(state) => state,
        Err(e) => {
            eprintln!("straightface: {e}");
            return ExitCode::from(1);
        }
    };
    let cluster = state.cluster.clone();
    let stop = async move {
        shutdown_signal().await;
        // A node that stops cleanly hands its rooms on at once, not when its key expires.
        if let Some(cluster) = cluster {
            cluster.leave().await;
        }
    };
    let site = Site { app: router(state), public_url: &public_url, data_dir: &data_dir };
    if let Err(e) = straightface::edge::run(listener, site, &edge, limits, stop).await {
        eprintln!("straightface: {e}");
        return ExitCode::from(1);
    }
    tracing::info!("stopped");
    ExitCode::SUCCESS
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
