//! `/games`: the games this browser played and their leaderboard, and apart from them the
//! public board (games their hosts published), rendered on the server. Nothing else is listed:
//! any other game is reached only through its link.

use super::results::{mode_label, players_text};
use crate::api::{history, ApiError};
use crate::components::local_time::LocalTime;
use crate::i18n::*;
use crate::store::types::{GameListItem, History, LeaderboardRow};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/games`: the history starts loading as the route opens, while the page's code, a module of
/// its own, is fetched.
pub struct HistoryRoute {
    found: Resource<Result<History, ApiError>>,
}

impl HistoryRoute {
    fn load() -> Self {
        Self { found: Resource::new(|| (), |_| history()) }
    }
}

super::split_route!(HistoryRoute, history_page, |this| {
    view! { <HistoryPage found=this.found/> }.into_any()
});

/// The history, once loaded.
#[component]
fn HistoryPage(found: Resource<Result<History, ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, game.history_title)/>
        <main class="page results">
            <h1>{t!(i18n, game.history_heading)}</h1>
            <Suspense fallback=move || view! { <p class="hint">{t!(i18n, game.loading)}</p> }>
                {move || found.get().map(|found| match found {
                    Ok(h) => view! {
                        <section data-testid="my-games">
                            <h2>{t!(i18n, game.history_mine)}</h2>
                            <p class="hint">{t!(i18n, game.history_mine_hint)}</p>
                            <RecentGames games=h.mine.games empty=Empty::Mine/>
                            <h3>{t!(i18n, game.leaderboard)}</h3>
                            <Leaderboard rows=h.mine.leaderboard/>
                        </section>
                        {h.public.map(|board| view! {
                            <section class="public-board" data-testid="public-board">
                                <h2>{t!(i18n, game.public_board)}</h2>
                                <p class="hint">{t!(i18n, game.public_board_hint)}</p>
                                <RecentGames games=board.games empty=Empty::Public/>
                                <h3>{t!(i18n, game.leaderboard)}</h3>
                                <Leaderboard rows=board.leaderboard/>
                            </section>
                        })}
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

/// Which list is empty, for its message.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Empty {
    Mine,
    Public,
}

/// Newest first, each a link to its results.
#[component]
fn RecentGames(
    /// Newest first.
    games: Vec<GameListItem>,
    /// Which list this is.
    empty: Empty,
) -> impl IntoView {
    let i18n = use_i18n();
    if games.is_empty() {
        return match empty {
            Empty::Mine => view! { <p class="hint" data-testid="no-games">{t!(i18n, game.no_games)}</p> }
                .into_any(),
            Empty::Public => {
                view! { <p class="hint" data-testid="no-public-games">{t!(i18n, game.no_public_games)}</p> }
                    .into_any()
            }
        };
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
                        " · "<LocalTime unix=g.finished_at/>
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
