//! What the results and history pages show, as read from the store: plain serde types, compiled
//! for both the server and the browser.

use crate::game::{Mode, Standing};
use serde::{Deserialize, Serialize};

/// Why a browser may not make a change it asked for (publish a game, delete a picture).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refused {
    /// No game (or no such picture in it) was saved under that id.
    #[error("there is no such game or picture")]
    NotFound,
    /// Only the browser that was host when the game ended may publish it.
    #[error("only the host of this game can publish it")]
    NotHost,
    /// A picture may only be deleted by the browser of the player in it.
    #[error("you can only delete a picture of yourself")]
    NotYours,
}

/// The longest game id accepted in a path.
pub const MAX_GAME_ID_CHARS: usize = 64;

/// Whether `id` can be a game id: 1 to [`MAX_GAME_ID_CHARS`] characters of `A-Z a-z 0-9 - _`.
pub fn valid_game_id(id: &str) -> bool {
    (1..=MAX_GAME_ID_CHARS).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Where the image of a stored highlight is served.
pub fn highlight_url(game_id: &str, request_id: u64) -> String {
    format!("/games/{game_id}/highlights/{request_id}.jpg")
}

/// One finished game, for its results page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameSummary {
    /// The game id.
    pub id: String,
    /// Its mode.
    pub mode: Mode,
    /// When it ended, unix seconds.
    pub finished_at: i64,
    /// Ended because fewer than two players remained.
    pub ended_early: bool,
    /// Rounds that started.
    pub rounds_played: u32,
    /// Rounds planned.
    pub rounds_planned: u32,
    /// Everyone who played, best first; ties in joining order.
    pub ranking: Vec<Standing>,
    /// Highlights whose image was uploaded, in round order.
    pub highlights: Vec<HighlightItem>,
    /// On the public board (its host published it).
    pub published: bool,
    /// The browser asking is the game's host (and the board is on): it may publish or
    /// unpublish.
    pub can_publish: bool,
}

/// A highlight of a finished game.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HighlightItem {
    /// The capture request it answered.
    pub request_id: u64,
    /// Which round.
    pub round: u32,
    /// The display name of the player in the picture.
    pub player: String,
    /// Where the JPEG is served ([`highlight_url`]).
    pub url: String,
    /// The picture is of the browser asking: it may delete it.
    pub mine: bool,
}

/// A line of the recent-games list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameListItem {
    /// The game id.
    pub id: String,
    /// Its mode.
    pub mode: Mode,
    /// When it ended, unix seconds.
    pub finished_at: i64,
    /// Names of the players ranked first (several on a tie).
    pub winners: Vec<String>,
    /// How many played.
    pub players: u32,
}

/// A line of the all-time leaderboard, by display name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    /// The display name (players are not accounts: equal names add up).
    pub name: String,
    /// Games played.
    pub games: u32,
    /// Games ranked first (shared first places count).
    pub wins: u32,
    /// Points over all games.
    pub points: u64,
}

/// A list of games and the leaderboard over the same games.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    /// Newest first.
    pub games: Vec<GameListItem>,
    /// Most wins first, then most points.
    pub leaderboard: Vec<LeaderboardRow>,
}

/// The history page: the games this browser played, and apart from them the public board.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Games this browser took part in.
    pub mine: Board,
    /// Games their hosts published; `None` when the server has the public board off.
    pub public: Option<Board>,
}

/// `unix` seconds as `YYYY-MM-DD HH:MM UTC`: the same text on the server and in the browser, so
/// hydration never sees a different date.
pub fn utc_date_time(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", secs / 3600, secs % 3600 / 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date: H. Hinnant, "chrono-Compatible
/// Low-Level Date Algorithms", `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn game_ids_are_checked() {
        assert!(valid_game_id("a"));
        assert!(valid_game_id("AZaz09-_AZaz09-_AZaz09"));
        assert!(valid_game_id(&"x".repeat(64)));
        assert!(!valid_game_id(""));
        assert!(!valid_game_id(&"x".repeat(65)));
        assert!(!valid_game_id("a/b"));
        assert!(!valid_game_id("a.jpg"));
        assert!(!valid_game_id("é"));
    }

    #[test]
    fn dates_match_known_instants() {
        // Values from `date -u -d @N`.
        assert_eq!(utc_date_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_date_time(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc_date_time(1_700_000_000), "2023-11-14 22:13 UTC");
        assert_eq!(utc_date_time(-1), "1969-12-31 23:59 UTC");
    }
}
