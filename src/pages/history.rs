//! `/games`: the most recent games and the leaderboard, rendered on the server.

use super::game::mode_label;
use crate::api::history;
use crate::store::types::{utc_date_time, GameListItem, LeaderboardRow};
use leptos::prelude::*;
use leptos_meta::Title;

/// Loads the history.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let found = Resource::new(|| (), |_| history());
    view! {
        <Title text="Games · Straightface"/>
        <main class="page results">
            <h1>"Games"</h1>
            <Suspense fallback=|| view! { <p class="hint">"Loading…"</p> }>
                {move || found.get().map(|found| match found {
                    Ok(h) => view! {
                        <h2>"Recent games"</h2>
                        <RecentGames games=h.games/>
                        <h2>"Leaderboard"</h2>
                        <Leaderboard rows=h.leaderboard/>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Suspense>
            <p><a href="/">"Start or join a room"</a></p>
        </main>
    }
}

/// Newest first, each a link to its results.
#[component]
fn RecentGames(
    /// Newest first.
    games: Vec<GameListItem>,
) -> impl IntoView {
    if games.is_empty() {
        return view! { <p class="hint" data-testid="no-games">"No game has finished yet."</p> }
            .into_any();
    }
    view! {
        <ul class="game-list">
            {games.into_iter().map(|g| {
                let winners = match g.winners.len() {
                    0 => "no winner".to_owned(),
                    _ => format!("won by {}", g.winners.join(" & ")),
                };
                view! {
                    <li data-testid="history-game">
                        <a href=format!("/games/{}", g.id)>{mode_label(g.mode)}</a>
                        " · "<time>{utc_date_time(g.finished_at)}</time>
                        " · "{winners}" · "{g.players}" players"
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
    view! {
        <table class="scores" data-testid="leaderboard">
            <thead>
                <tr>
                    <th>"Player"</th><th class="num">"Wins"</th>
                    <th class="num">"Games"</th><th class="num">"Points"</th>
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
