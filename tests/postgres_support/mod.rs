//! A throwaway PostgreSQL server for tests: Debian's `postgresql` binaries, started once per test
//! binary (on first use) on 127.0.0.1 and a free port, a fresh database for each test, and gone
//! when the test binary ends. Integration tests use it as `mod postgres_support;`; the store's
//! unit tests (`src/store/tests.rs`) include this same file by path.
//!
//! Postgres refuses to run as root, and tests often do: then `initdb` and `postgres` run as the
//! `postgres` user (`setpriv`) in a temporary folder handed over to it. The server is started by
//! a small shell that then waits on its stdin, a pipe only this process holds: when the process
//! ends, however it ends (even SIGKILL), the pipe closes, and the shell stops postgres (immediate
//! shutdown: the data is throwaway) and deletes the folder. No server outlives its tests.
//!
//! The cluster's default collation is ICU `en-US` (linguistic), as on most production servers,
//! so a query that sorts differently from SQLite's byte order shows up here.
//!
//! Missing binaries fail the test with what to run; they never skip it.
#![allow(dead_code)] // each test binary uses a different part

use sqlx::{Connection, Executor};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long the server may take to accept connections (a loaded CI machine is slow).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Starts postgres, then waits for its stdin to close (this process ended) to stop it and
/// delete its folder. Arguments: postgres binary, folder, port, then the command prefix that
/// runs it as the `postgres` user (may be empty). Signals sent to the whole process group
/// (Ctrl-C) are ignored here, so the cleanup still runs once the test process is gone.
const KEEPER: &str = r#"
trap '' HUP INT TERM
bin="$1"; dir="$2"; port="$3"; shift 3
"$@" "$bin" -D "$dir/data" -h 127.0.0.1 -p "$port" -k "$dir" \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
  </dev/null >>"$dir/postgres.log" 2>&1 &
server=$!
read -r _
kill -QUIT "$server" 2>/dev/null
wait "$server"
rm -rf "$dir"
"#;

/// The shared server of this test binary.
pub struct Server {
    /// Its TCP port on 127.0.0.1.
    port: u16,
    /// The keeper's stdin: open as long as this process lives (the server is in a static,
    /// never dropped), closed by the kernel when it exits.
    _stdin: ChildStdin,
    /// The keeper shell.
    _keeper: Child,
}

impl Server {
    /// The URL of database `name` on this server.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

/// The server, started on first use; a failure to start is kept and reported by every test.
pub fn server() -> &'static Server {
    static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
    match SERVER.get_or_init(start) {
        Ok(server) => server,
        Err(why) => panic!("cannot start a test PostgreSQL server: {why}"),
    }
}

/// The URL of a new, empty database on the shared server, unique to the caller.
pub async fn fresh_database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let server = server();
    let name = format!("test_{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let mut admin = sqlx::PgConnection::connect(&server.url("postgres"))
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL server: {e}"));
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
    admin.close().await.ok();
    server.url(&name)
}

/// `initdb` a cluster in a new temporary folder and start postgres on it.
fn start() -> Result<Server, String> {
    let bin = bin_dir()?;
    let dir = tempfile::Builder::new()
        .prefix("straightface-pg-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?
        .keep();
    let as_postgres = run_as_postgres(&dir)?;
    let data = dir.join("data");
    let initdb = command(&as_postgres, &bin.join("initdb"))
        .args(["--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-sync"])
        .args(["--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US"])
        .arg("--pgdata")
        .arg(&data)
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("cannot run initdb: {e}"))?;
    if !initdb.status.success() {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(format!("initdb failed: {}", String::from_utf8_lossy(&initdb.stderr)));
    }
    let port = free_port()?;
    let mut keeper = Command::new("sh")
        .arg("-c")
        .arg(KEEPER)
        .arg("postgres-keeper")
        .arg(bin.join("postgres"))
        .arg(&dir)
        .arg(port.to_string())
        .args(&as_postgres)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start postgres: {e}"))?;
    let stdin = keeper.stdin.take().ok_or("the keeper has no stdin")?;
    let server = Server { port, _stdin: stdin, _keeper: keeper };
    wait_until_ready(&bin, &dir, port)?;
    Ok(server)
}

/// The folder of Debian's postgres binaries (the newest version installed).
fn bin_dir() -> Result<PathBuf, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|version| version.path().join("bin"))
        .filter(|bin| bin.join("postgres").is_file() && bin.join("initdb").is_file())
        .collect();
    found
        .sort_by_key(|bin| bin.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok()));
    found.pop().ok_or_else(|| {
        "no /usr/lib/postgresql/*/bin/postgres: the Postgres tests need Debian's `postgresql` \
         package; run scripts/setup to install it"
            .to_owned()
    })
}

/// The command prefix that runs a program as the `postgres` user when we are root (and hands
/// `dir` to that user), or none otherwise. (`/proc/self` belongs to our effective user.)
fn run_as_postgres(dir: &Path) -> Result<Vec<String>, String> {
    let root = std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false);
    if !root {
        return Ok(Vec::new());
    }
    let chown = Command::new("chown")
        .arg("postgres:postgres")
        .arg(dir)
        .status()
        .map_err(|e| format!("cannot run chown: {e}"))?;
    if !chown.success() {
        return Err(format!("cannot hand {} to the postgres user (is there one?)", dir.display()));
    }
    // setpriv execs the program (no process in between), so the keeper's `$!` is postgres.
    Ok(["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
        .map(str::to_owned)
        .to_vec())
}

/// `program` behind the command `prefix`.
fn command(prefix: &[String], program: &Path) -> Command {
    match prefix.split_first() {
        Some((first, rest)) => {
            let mut command = Command::new(first);
            command.args(rest).arg(program);
            command
        }
        None => Command::new(program),
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// Polls `pg_isready` until the server accepts connections; on timeout, the server's log.
fn wait_until_ready(bin: &Path, dir: &Path, port: u16) -> Result<(), String> {
    let started = Instant::now();
    while started.elapsed() < START_TIMEOUT {
        let ready = Command::new(bin.join("pg_isready"))
            .args(["--quiet", "--host=127.0.0.1", "--username=postgres"])
            .arg(format!("--port={port}"))
            .status()
            .map_err(|e| format!("cannot run pg_isready: {e}"))?;
        if ready.success() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = std::fs::read_to_string(dir.join("postgres.log")).unwrap_or_default();
    Err(format!("postgres did not accept connections within {START_TIMEOUT:?}; its log:\n{log}"))
}
