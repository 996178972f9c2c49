//! Where the game database lives, as `--db` names it: a SQLite file (the embedded default, one
//! node) or a Postgres database that several nodes share, so every node lists the same history.

use std::fmt;
use std::path::PathBuf;

/// The URL schemes of a Postgres database (the ones sqlx's Postgres driver takes).
const POSTGRES_SCHEMES: [&str; 2] = ["postgres", "postgresql"];

/// Where the store keeps its data. Printing it never shows a password.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    /// A SQLite file, created with its folder when missing.
    Sqlite(PathBuf),
    /// A Postgres database, by its `postgres://` or `postgresql://` URL (which may hold a
    /// password, so it is only ever printed redacted).
    Postgres(String),
}

/// Why a `--db` value names no database.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Empty: neither a path nor a URL.
    #[error("--db is empty: give a SQLite file path or a postgres:// URL")]
    Empty,
    /// A URL of a scheme we have no driver for.
    #[error("--db takes a SQLite file path or a postgres:// URL, not a {0}:// URL")]
    Scheme(String),
}

impl Target {
    /// Reads a `--db` value: a `postgres://` or `postgresql://` URL, or else a SQLite file
    /// path. Anything else shaped like a URL (`scheme://…`) is refused rather than taken for
    /// a file name.
    pub fn parse(value: &str) -> Result<Self, TargetError> {
        if value.is_empty() {
            return Err(TargetError::Empty);
        }
        match url_scheme(value) {
            Some(s) if POSTGRES_SCHEMES.iter().any(|p| s.eq_ignore_ascii_case(p)) => {
                Ok(Self::Postgres(value.to_owned()))
            }
            Some(s) => Err(TargetError::Scheme(s.to_owned())),
            None => Ok(Self::Sqlite(PathBuf::from(value))),
        }
    }
}

impl fmt::Display for Target {
    /// The file path, or the URL without its password and query (which may carry one).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "{}", path.display()),
            Self::Postgres(url) => f.write_str(&redacted(url)),
        }
    }
}

impl fmt::Debug for Target {
    /// As `Display`: a `Config` printed with `{:?}` shows no password either.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(_) => write!(f, "Sqlite({self})"),
            Self::Postgres(_) => write!(f, "Postgres({self})"),
        }
    }
}

/// The scheme of a value shaped like `scheme://…` (RFC 3986 §3.1: a letter, then letters,
/// digits, `+`, `-` or `.`), if it is one.
fn url_scheme(value: &str) -> Option<&str> {
    let (scheme, _) = value.split_once("://")?;
    let mut chars = scheme.chars();
    let first_is_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    (first_is_letter && rest_ok).then_some(scheme)
}

/// `url` with the password of its user info replaced by `***` and without its query string or
/// fragment (libpq-style URLs may pass `?password=…`).
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".to_owned();
    };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{user_info}@{host}"),
        },
        None => authority.to_owned(),
    };
    format!("{scheme}://{authority}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sqlite_files_and_postgres_urls_are_postgres() {
        assert_eq!(Target::parse("games.db"), Ok(Target::Sqlite("games.db".into())));
        assert_eq!(
            Target::parse("/var/lib/sf/games.db"),
            Ok(Target::Sqlite("/var/lib/sf/games.db".into()))
        );
        // A colon alone does not make a URL.
        assert_eq!(Target::parse("data/a:b.db"), Ok(Target::Sqlite("data/a:b.db".into())));
        for url in ["postgres://sf@db/games", "postgresql://sf:pw@db:5432/games", "POSTGRES://db/g"]
        {
            assert_eq!(Target::parse(url), Ok(Target::Postgres(url.to_owned())), "{url}");
        }
    }

    #[test]
    fn other_urls_and_empty_values_are_refused() {
        assert_eq!(Target::parse("mysql://db/games"), Err(TargetError::Scheme("mysql".into())));
        assert_eq!(Target::parse("sqlite://games.db"), Err(TargetError::Scheme("sqlite".into())));
        assert_eq!(Target::parse(""), Err(TargetError::Empty));
        let message = Target::parse("mysql://u:secret@db/games").unwrap_err().to_string();
        assert!(!message.contains("secret"), "{message}");
    }

    #[test]
    fn printing_a_url_never_shows_its_password() {
        let cases = [
            (
                "postgres://sf:s3cret@db.example:5432/games",
                "postgres://sf:***@db.example:5432/games",
            ),
            ("postgres://sf:p@ss@db/games", "postgres://sf:***@db/games"),
            ("postgresql://sf@db/games?password=s3cret", "postgresql://sf@db/games"),
            ("postgres://db/games", "postgres://db/games"),
        ];
        for (url, shown) in cases {
            let target = Target::parse(url).unwrap();
            assert_eq!(target.to_string(), shown);
            assert_eq!(format!("{target:?}"), format!("Postgres({shown})"));
        }
        let file = Target::parse("data/straightface.db").unwrap();
        assert_eq!(format!("{file} {file:?}"), "data/straightface.db Sqlite(data/straightface.db)");
    }
}
