//! Server configuration: flags and environment variables over the defaults embedded from
//! `Leptos.toml`.

use crate::protocol::IceServer;
use crate::security::origin::{normalize as normalize_origin, OriginPolicy};
use crate::signaling::ice::{IceConfig, TurnConfig};
use clap::Parser;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The defaults file, compiled in so the binary needs no file next to it.
/// Shortest TURN credential life accepted (a shorter setting is raised to this). Short lives are
/// for tests; the renewal at half-life keeps any of them working.
const MIN_TURN_TTL_SECS: u64 = 2;
const EMBEDDED_DEFAULTS: &str = include_str!("../Leptos.toml");

/// Command-line flags; each has an environment variable twin.
#[derive(Debug, Parser)]
#[command(name = "straightface", about = "Straightface video rooms and game server")]
pub struct Flags {
    /// Address to listen on, e.g. 0.0.0.0:8080.
    #[arg(long, env = "STRAIGHTFACE_BIND")]
    pub bind: Option<SocketAddr>,
    /// Public origin for invite links, e.g. https://meet.example.com.
    #[arg(long, env = "STRAIGHTFACE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Another origin whose pages may open the signaling socket (the public URL's own origin
    /// always may), e.g. https://meet.example.org; repeat or comma-separate in the variable.
    #[arg(long = "allowed-origin", env = "STRAIGHTFACE_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
    /// A STUN or TURN URL for browsers; repeat the flag or comma-separate in the variable.
    #[arg(long = "ice-server", env = "STRAIGHTFACE_ICE_SERVERS", value_delimiter = ',')]
    pub ice_servers: Vec<String>,
    /// Folder with the built site (`pkg/`, assets). Default: `target/site` beside the binary's
    /// target folder, or LEPTOS_SITE_ROOT when cargo-leptos runs us.
    #[arg(long, env = "STRAIGHTFACE_SITE_ROOT")]
    pub site_root: Option<PathBuf>,
    /// Folder with the face-api model files (npm `@vladmandic/face-api` 1.7.15 `model/`).
    /// Default: where `scripts/setup` installs them in this checkout.
    #[arg(long, env = "STRAIGHTFACE_MODELS_DIR")]
    pub models_dir: Option<PathBuf>,
    /// Folder for the server's own state (seat-ticket key, and the game database by default).
    #[arg(long, env = "STRAIGHTFACE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The database of finished games and highlights: a SQLite file, or the
    /// `postgres://user:password@host/db` URL of a database several nodes share. Default:
    /// `straightface.db` in the data folder.
    #[arg(long, env = "STRAIGHTFACE_DB", hide_env_values = true)]
    pub db: Option<String>,
    /// A TURN relay URL (turn: or turns:); repeat or comma-separate. Needs --turn-secret.
    #[arg(long = "turn-url", env = "STRAIGHTFACE_TURN_URLS", value_delimiter = ',')]
    pub turn_urls: Vec<String>,
    /// coturn's static-auth-secret (use-auth-secret). Stays on the server.
    #[arg(long, env = "STRAIGHTFACE_TURN_SECRET", hide_env_values = true)]
    pub turn_secret: Option<String>,
    /// Lifetime of minted TURN credentials, in seconds (at least 2); each participant gets new
    /// ones at half that.
    #[arg(long, env = "STRAIGHTFACE_TURN_TTL", default_value_t = 3600)]
    pub turn_ttl: u64,
    /// Seconds a dropped participant's seat is held for it to reconnect.
    #[arg(long, env = "STRAIGHTFACE_RESUME_GRACE", default_value_t = 30)]
    pub resume_grace: u64,
    /// Game: seconds of countdown before the first round.
    #[arg(long, env = "STRAIGHTFACE_GAME_COUNTDOWN_SECS", default_value_t = 3)]
    pub game_countdown_secs: u64,
    /// Game, "don't laugh": seconds per round.
    #[arg(long, env = "STRAIGHTFACE_LAUGH_ROUND_SECS", default_value_t = 60)]
    pub laugh_round_secs: u64,
    /// Game, "don't laugh": rounds per game.
    #[arg(long, env = "STRAIGHTFACE_LAUGH_ROUNDS", default_value_t = 3)]
    pub laugh_rounds: u32,
    /// Game, "copy the face": rounds per game.
    #[arg(long, env = "STRAIGHTFACE_COPY_ROUNDS", default_value_t = 5)]
    pub copy_rounds: u32,
    /// Whether hosts may publish a finished game to the public board on `/games` (`false` turns
    /// the board off: every game is then only seen by its players and whoever has its link).
    #[arg(long, env = "STRAIGHTFACE_PUBLIC_BOARD", default_value_t = true,
          action = clap::ArgAction::Set)]
    pub public_board: bool,
    /// Serves `/metrics` (Prometheus text) to requests with `Authorization: Bearer <token>`;
    /// without it there is no `/metrics`.
    #[arg(long, env = "STRAIGHTFACE_METRICS_TOKEN")]
    pub metrics_token: Option<String>,
    /// How many hub actors the rooms are spread over (by room id); 0, the default, is one per
    /// available core.
    #[arg(long, env = "STRAIGHTFACE_HUB_SHARDS", default_value_t = 0)]
    pub hub_shards: usize,
    /// Run as one node of several that share this Redis (`redis://host:port/db`): each room is
    /// served by one node and sockets that reach another are forwarded to it. Every node needs
    /// the same `seat.key` in its data folder. Without it, this process serves every room.
    #[arg(long, env = "STRAIGHTFACE_REDIS_URL")]
    pub redis_url: Option<String>,
    /// With --redis-url: where this node listens for the other nodes (their forwarded sockets
    /// and uploads; requests need the deployment's node token).
    #[arg(long, env = "STRAIGHTFACE_NODE_BIND", default_value = "127.0.0.1:0")]
    pub node_bind: SocketAddr,
    /// With --redis-url: the `host:port` other nodes reach --node-bind at (default: the
    /// address it is bound to, which must then not be 0.0.0.0 or [::]).
    #[arg(long, env = "STRAIGHTFACE_NODE_ADVERTISE")]
    pub node_advertise: Option<String>,
    /// Connection caps, timeouts and TLS (see `crate::edge`).
    #[command(flatten)]
    pub edge: crate::edge::EdgeFlags,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Defaults {
    server: ServerDefaults,
    ice: IceDefaults,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct ServerDefaults {
    bind: SocketAddr,
    public_url: String,
}

#[derive(Debug, Deserialize)]
struct IceDefaults {
    servers: Vec<String>,
}

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The embedded Leptos.toml does not parse (a build-time mistake).
    #[error("embedded Leptos.toml is invalid: {0}")]
    Defaults(#[from] toml::de::Error),
    /// An address in an environment variable does not parse.
    #[error("{var} is not a socket address: {value}")]
    BadAddr {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
    },
    /// TURN URLs without a secret (or an empty one).
    #[error("--turn-url needs --turn-secret (coturn's static-auth-secret)")]
    TurnSecret,
    /// A TURN URL that is not turn:/turns:.
    #[error("invalid TURN setting: {0}")]
    Turn(String),
    /// A public URL or allowed origin that is not an http(s) origin.
    #[error("not an http:// or https:// origin: {0}")]
    BadOrigin(String),
    /// An ICE URL without a stun:/turn:/turns: scheme.
    #[error("ICE server URL must start with stun:, turn: or turns: (got {0})")]
    BadIceUrl(String),
    /// Node flags that cannot work.
    #[error("{0}")]
    Cluster(String),
    /// A `--db` that is neither a file path nor a Postgres URL.
    #[error("{0}")]
    Db(#[from] crate::store::TargetError),
    /// Contradictory HTTPS or connection flags.
    #[error("{0}")]
    Edge(#[from] crate::edge::settings::EdgeFlagsError),
}

/// The configuration the server runs with.
#[derive(Clone, Debug)]
pub struct Config {
    /// Listen address.
    pub bind: SocketAddr,
    /// Origin for invite links.
    pub public_url: String,
    /// Further origins allowed to open the signaling socket (normalised).
    pub allowed_origins: Vec<String>,
    /// ICE servers handed to browsers.
    pub ice_servers: Vec<IceServer>,
    /// Built site folder.
    pub site_root: PathBuf,
    /// Face model files.
    pub models_dir: PathBuf,
    /// Server state folder.
    pub data_dir: PathBuf,
    /// The game database: a SQLite file or a Postgres URL (printed without its password).
    pub db: crate::store::Target,
    /// TURN relay, if configured.
    pub turn: Option<TurnConfig>,
    /// Seat hold time after a dropped connection.
    pub resume_grace: std::time::Duration,
    /// The game's rules (defaults from `GameConfig`, durations and rounds from flags).
    pub game: crate::game::GameConfig,
    /// Hosts may publish games to the public board.
    pub public_board: bool,
    /// The bearer token of `/metrics` (none: no `/metrics`).
    pub metrics_token: Option<String>,
    /// Hub actors (at least one).
    pub hub_shards: usize,
    /// One node of several, on Redis (none: a single process).
    pub cluster: Option<crate::signaling::cluster::ClusterSettings>,
    /// Connection caps, timeouts and TLS.
    pub edge: crate::edge::EdgeSettings,
}

/// The node settings from the flags (none without a Redis URL).
fn cluster(
    redis_url: Option<String>,
    node_bind: SocketAddr,
    node_advertise: Option<String>,
) -> Result<Option<crate::signaling::cluster::ClusterSettings>, ConfigError> {
    let Some(redis_url) = redis_url.filter(|u| !u.trim().is_empty()) else {
        return Ok(None);
    };
    if !(redis_url.starts_with("redis://") || redis_url.starts_with("rediss://")) {
        return Err(ConfigError::Cluster(
            "--redis-url must be a redis:// or rediss:// URL".to_owned(),
        ));
    }
    if node_advertise.is_none() && node_bind.ip().is_unspecified() {
        return Err(ConfigError::Cluster(format!(
            "--node-bind {node_bind} is every address: say which one other nodes use with \
             --node-advertise host:port"
        )));
    }
    Ok(Some(crate::signaling::cluster::ClusterSettings {
        redis_url,
        node_bind,
        node_advertise: node_advertise.filter(|a| !a.trim().is_empty()),
    }))
}

impl Config {
    /// Merges flags, environment and embedded defaults.
    pub fn from_flags(flags: Flags) -> Result<Self, ConfigError> {
        let defaults: Defaults = toml::from_str(EMBEDDED_DEFAULTS)?;
        let bind = match (flags.bind, std::env::var("LEPTOS_SITE_ADDR")) {
            (Some(addr), _) => addr,
            (None, Ok(value)) => value
                .parse()
                .map_err(|_| ConfigError::BadAddr { var: "LEPTOS_SITE_ADDR", value })?,
            (None, Err(_)) => defaults.server.bind,
        };
        let edge = crate::edge::EdgeSettings::from_flags(flags.edge)?;
        let public_url = flags
            .public_url
            .or(Some(defaults.server.public_url).filter(|u| !u.is_empty()))
            .unwrap_or_else(|| edge.default_public_url(bind))
            .trim_end_matches('/')
            .to_owned();
        let allowed_origins = flags
            .allowed_origins
            .iter()
            .chain(std::iter::once(&public_url))
            .filter(|o| !o.trim().is_empty())
            .map(|o| normalize_origin(o).ok_or_else(|| ConfigError::BadOrigin(o.clone())))
            .collect::<Result<Vec<_>, _>>()?;
        let urls =
            if flags.ice_servers.is_empty() { defaults.ice.servers } else { flags.ice_servers };
        let ice_servers = urls
            .into_iter()
            .filter(|u| !u.trim().is_empty())
            .map(|u| parse_ice_url(u.trim()))
            .collect::<Result<_, _>>()?;
        let site_root = flags
            .site_root
            .or_else(|| std::env::var_os("LEPTOS_SITE_ROOT").map(PathBuf::from))
            .unwrap_or_else(default_site_root);
        let models_dir = flags.models_dir.unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("models/node_modules/@vladmandic/face-api/model")
        });
        let turn = match (flags.turn_urls.is_empty(), flags.turn_secret) {
            (true, _) => None,
            (false, Some(secret)) if !secret.is_empty() => Some(TurnConfig {
                urls: flags.turn_urls,
                secret,
                ttl: std::time::Duration::from_secs(flags.turn_ttl.max(MIN_TURN_TTL_SECS)),
            }),
            (false, _) => return Err(ConfigError::TurnSecret),
        };
        let db = match flags.db {
            Some(value) => crate::store::Target::parse(&value)?,
            None => crate::store::Target::Sqlite(flags.data_dir.join("straightface.db")),
        };
        let config = Self {
            bind,
            public_url,
            allowed_origins,
            ice_servers,
            site_root,
            models_dir,
            data_dir: flags.data_dir,
            db,
            turn,
            resume_grace: std::time::Duration::from_secs(flags.resume_grace),
            game: crate::game::GameConfig {
                countdown: std::time::Duration::from_secs(flags.game_countdown_secs),
                laugh_round: std::time::Duration::from_secs(flags.laugh_round_secs),
                laugh_rounds: flags.laugh_rounds,
                copy_rounds: flags.copy_rounds,
                ..crate::game::GameConfig::default()
            },
            public_board: flags.public_board,
            metrics_token: flags.metrics_token.filter(|t| !t.is_empty()),
            hub_shards: match flags.hub_shards {
                0 => std::thread::available_parallelism().map_or(1, usize::from),
                n => n,
            },
            cluster: cluster(flags.redis_url, flags.node_bind, flags.node_advertise)?,
            edge,
        };
        config.ice().validate().map_err(|e| ConfigError::Turn(e.to_string()))?;
        Ok(config)
    }

    /// Which pages may open the signaling socket.
    pub fn origin_policy(&self) -> OriginPolicy {
        OriginPolicy::new(&self.public_url, &self.allowed_origins, self.bind)
    }

    /// Whether cookies get the `Secure` attribute: the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Whether browsers reach us over HTTPS (TLS here, or a proxy in front with an https
    /// public URL): then responses may carry HSTS.
    pub fn serves_https(&self) -> bool {
        self.edge.tls.is_some() || self.public_url.starts_with("https://")
    }

    /// ICE servers and TURN settings for the signaling hub.
    pub fn ice(&self) -> IceConfig {
        IceConfig { servers: self.ice_servers.clone(), turn: self.turn.clone() }
    }
}

fn parse_ice_url(url: &str) -> Result<IceServer, ConfigError> {
    if ["stun:", "turn:", "turns:"].iter().any(|s| url.starts_with(s)) {
        Ok(IceServer { urls: vec![url.to_owned()], username: None, credential: None })
    } else {
        Err(ConfigError::BadIceUrl(url.to_owned()))
    }
}

/// `target/site` for a binary at `target/<profile>/straightface`, else `./target/site`.
fn default_site_root() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("site")))
        .filter(|p| p.join("pkg").is_dir())
        .unwrap_or_else(|| PathBuf::from("target/site"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Target, TargetError};
    use clap::CommandFactory;

    fn flags(args: &[&str]) -> Flags {
        Flags::try_parse_from(std::iter::once("straightface").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn embedded_defaults_parse_and_apply() {
        let defaults: Defaults = toml::from_str(EMBEDDED_DEFAULTS).unwrap();
        assert_eq!(defaults.server.bind.port(), 3000);
        let config = Config::from_flags(flags(&["--bind", "127.0.0.1:3999"])).unwrap();
        assert_eq!(config.public_url, "http://127.0.0.1:3999");
        assert!(config.ice_servers.is_empty());
    }

    #[test]
    fn flags_override_defaults() {
        let config = Config::from_flags(flags(&[
            "--bind",
            "0.0.0.0:8080",
            "--public-url",
            "https://meet.example.com/",
            "--ice-server",
            "stun:stun.example.com:3478,turn:turn.example.com:3478",
        ]))
        .unwrap();
        assert_eq!(config.bind.to_string(), "0.0.0.0:8080");
        assert_eq!(config.public_url, "https://meet.example.com");
        assert_eq!(config.ice_servers.len(), 2);
    }

    #[test]
    fn turn_needs_a_secret() {
        let err = Config::from_flags(flags(&["--turn-url", "turn:127.0.0.1:3478"])).unwrap_err();
        assert!(matches!(err, ConfigError::TurnSecret));
        let err =
            Config::from_flags(flags(&["--turn-url", "stun:x", "--turn-secret", "s"])).unwrap_err();
        assert!(matches!(err, ConfigError::Turn(_)));
        let ok =
            Config::from_flags(flags(&["--turn-url", "turn:127.0.0.1:3478", "--turn-secret", "s"]));
        assert!(ok.unwrap().turn.is_some());
    }

    #[test]
    fn the_database_defaults_to_the_data_folder() {
        let config = Config::from_flags(flags(&["--data-dir", "/srv/sf"])).unwrap();
        assert_eq!(config.db, Target::Sqlite(PathBuf::from("/srv/sf/straightface.db")));
        let config =
            Config::from_flags(flags(&["--data-dir", "/srv/sf", "--db", "/var/sf.db"])).unwrap();
        assert_eq!(config.db, Target::Sqlite(PathBuf::from("/var/sf.db")));
    }

    #[test]
    fn the_database_may_be_a_postgres_url_and_its_password_is_never_printed() {
        let url = "postgres://sf:s3cret@db.internal:5432/straightface";
        let config = Config::from_flags(flags(&["--db", url])).unwrap();
        assert_eq!(config.db, Target::Postgres(url.to_owned()));
        assert_eq!(config.db.to_string(), "postgres://sf:***@db.internal:5432/straightface");
        let printed = format!("{config:?}");
        assert!(printed.contains("db.internal") && !printed.contains("s3cret"), "{printed}");
        let other = "postgresql://sf@db.internal/straightface";
        let config = Config::from_flags(flags(&["--db", other])).unwrap();
        assert_eq!(config.db, Target::Postgres(other.to_owned()));
    }

    #[test]
    fn a_database_url_of_another_scheme_is_a_config_error() {
        for (url, scheme) in [("mysql://sf@db/games", "mysql"), ("sqlite://games.db", "sqlite")] {
            let err = Config::from_flags(flags(&["--db", url])).unwrap_err();
            assert!(
                matches!(&err, ConfigError::Db(TargetError::Scheme(s)) if s == scheme),
                "{err}"
            );
            assert!(err.to_string().contains("postgres://"), "{err}");
        }
        let err = Config::from_flags(flags(&["--db", ""])).unwrap_err();
        assert!(matches!(err, ConfigError::Db(TargetError::Empty)));
    }

    /// `--help` shows the variables' values only where they hold no secret: a database URL may
    /// carry a password.
    #[test]
    fn help_hides_the_database_url() {
        let db = Flags::command().get_arguments().find(|a| a.get_id() == "db").cloned().unwrap();
        assert!(db.is_hide_env_values_set());
    }

    #[test]
    fn allowed_origins_are_checked_and_normalised() {
        let config = Config::from_flags(flags(&[
            "--public-url",
            "https://meet.example.com",
            "--allowed-origin",
            "https://Other.example:443/",
        ]))
        .unwrap();
        let policy = config.origin_policy();
        assert!(policy.allows(Some("https://other.example")));
        assert!(policy.allows(Some("https://meet.example.com")));
        assert!(!policy.allows(Some("https://evil.example")));
        assert!(config.serves_https());
        let err = Config::from_flags(flags(&["--allowed-origin", "evil"])).unwrap_err();
        assert!(matches!(err, ConfigError::BadOrigin(_)));
    }

    #[test]
    fn the_public_board_is_on_unless_switched_off() {
        assert!(Config::from_flags(flags(&[])).unwrap().public_board);
        assert!(!Config::from_flags(flags(&["--public-board", "false"])).unwrap().public_board);
        assert!(Config::from_flags(flags(&["--public-board", "true"])).unwrap().public_board);
    }

    /// The browser-id cookie is `Secure` exactly when the public URL is https.
    #[test]
    fn cookies_are_secure_on_https() {
        assert!(!Config::from_flags(flags(&[])).unwrap().secure_cookies());
        let https = flags(&["--public-url", "https://meet.example.com"]);
        assert!(Config::from_flags(https).unwrap().secure_cookies());
    }

    #[test]
    fn bad_ice_urls_are_refused() {
        let err = Config::from_flags(flags(&["--ice-server", "http://nope"])).unwrap_err();
        assert!(matches!(err, ConfigError::BadIceUrl(_)));
    }

    #[test]
    fn a_redis_url_makes_a_node_and_its_address_must_be_reachable() {
        assert_eq!(Config::from_flags(flags(&[])).unwrap().cluster, None);
        let node = Config::from_flags(flags(&["--redis-url", "redis://10.0.0.2:6379/0"]))
            .unwrap()
            .cluster
            .unwrap();
        assert_eq!(node.redis_url, "redis://10.0.0.2:6379/0");
        assert_eq!(node.node_bind, "127.0.0.1:0".parse().unwrap());
        let everywhere = ["--redis-url", "redis://r:6379", "--node-bind", "0.0.0.0:7000"];
        let err = Config::from_flags(flags(&everywhere)).unwrap_err();
        assert!(matches!(err, ConfigError::Cluster(ref e) if e.contains("--node-advertise")));
        let advertised = [&everywhere[..], &["--node-advertise", "10.0.0.5:7000"]].concat();
        let node = Config::from_flags(flags(&advertised)).unwrap().cluster.unwrap();
        assert_eq!(node.node_advertise.as_deref(), Some("10.0.0.5:7000"));
        let err = Config::from_flags(flags(&["--redis-url", "http://r:6379"])).unwrap_err();
        assert!(matches!(err, ConfigError::Cluster(_)));
    }
}
