//! `/games`: the most recent games and the leaderboard, rendered on the server.

use super::game::{mode_label, players_text};
use crate::api::history;
use crate::i18n::*;
use crate::store::types::{utc_date_time, GameListItem, LeaderboardRow};
use leptos::prelude::*;
use leptos_meta::Title;

/// Loads the history.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let found = Resource::new(|| (), |_| history());
    view! {
        <Title text=move || t_string!(i18n, game.history_title)/>
        <main class="page results">
            <h1>{t!(i18n, game.history_heading)}</h1>
            <Suspense fallback=move || view! { <p class="hint">{t!(i18n, game.loading)}</p> }>
                {move || found.get().map(|found| match found {
                    Ok(h) => view! {
                        <h2>{t!(i18n, game.recent_games)}</h2>
                        <RecentGames games=h.games/>
                        <h2>{t!(i18n, game.leaderboard)}</h2>
                        <Leaderboard rows=h.leaderboard/>
                    }.into_any(),
                    Err(e) => {
                        let error = e.to_string();
                        view! { <p class="error" role="alert">{t!(i18n, game.load_history_failed, error)}</p> }
                            .into_any()
                    }
                })}
            </Suspense>
            <p><a href="/">{t!(i18n, common.start_or_join)}</a></p>
        </main>
    }
}

/// Newest first, each a link to its results.
#[component]
fn RecentGames(
    /// Newest first.
    games: Vec<GameListItem>,
) -> impl IntoView {
    let i18n = use_i18n();
    if games.is_empty() {
        return view! { <p class="hint" data-testid="no-games">{t!(i18n, game.no_games)}</p> }
            .into_any();
    }
    view! {
        <ul class="game-list">
            {games.into_iter().map(|g| {
                let names = g.winners.join(" & ");
                let winners = move || match names.as_str() {
                    "" => t_string!(i18n, game.no_winner).to_string(),
                    names => t_string!(i18n, game.won_by, names).to_string(),
                };
                let (mode, players) = (g.mode, g.players);
                view! {
                    <li data-testid="history-game">
                        <a href=format!("/games/{}", g.id)>{move || mode_label(mode, i18n.get_locale())}</a>
                        " · "<time>{utc_date_time(g.finished_at)}</time>
                        " · "{winners}" · "{move || players_text(i18n.get_locale(), players)}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Wins and points by display name.
#[component]
fn Leaderboard(
    /// Most wins first.
    rows: Vec<LeaderboardRow>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="scores" data-testid="leaderboard">
            <thead>
                <tr>
                    <th>{t!(i18n, game.col_player)}</th><th class="num">{t!(i18n, game.col_wins)}</th>
                    <th class="num">{t!(i18n, game.col_games)}</th><th class="num">{t!(i18n, game.col_points)}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <td>{r.name}</td><td class="num">{r.wins}</td>
                        <td class="num">{r.games}</td><td class="num">{r.points}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
