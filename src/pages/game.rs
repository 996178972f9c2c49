//! `/games/{id}`: the results of a finished game, its scoreboard and its highlight reel.
//! Rendered on the server (the route is `SsrMode::Async`), so the page is complete without
//! WASM and an unknown id answers 404.

use crate::api::game_summary;
use crate::game::{Mode, Standing};
use crate::store::types::{utc_date_time, GameSummary, HighlightItem};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The mode's name as players know it.
pub fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::DontLaugh => "Don't laugh",
        Mode::CopyFace => "Copy the face",
    }
}

/// Loads the game named in the path.
#[component]
pub fn GamePage() -> impl IntoView {
    let params = use_params_map();
    let summary = Resource::new(move || params.read().get("id").unwrap_or_default(), game_summary);
    view! {
        <main class="page results">
            <Suspense fallback=|| view! { <p class="hint">"Loading…"</p> }>
                {move || summary.get().map(|found| match found {
                    Ok(Some(game)) => view! { <GameResults game/> }.into_any(),
                    Ok(None) => view! { <GameMissing/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Suspense>
            <p><a href="/games">"All games"</a></p>
        </main>
    }
}

/// No such game: a 404 with a way on.
#[component]
fn GameMissing() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Game not found · Straightface"/>
        <section data-testid="game-missing">
            <h1>"Game not found"</h1>
            <p>"There is no finished game at this address. It may never have ended."</p>
        </section>
    }
}

/// A found game.
#[component]
fn GameResults(game: GameSummary) -> impl IntoView {
    let mode = mode_label(game.mode);
    let rounds = if game.rounds_played == game.rounds_planned {
        format!("{} rounds", game.rounds_played)
    } else {
        format!("{} of {} rounds", game.rounds_played, game.rounds_planned)
    };
    view! {
        <Title text=format!("{mode} results · Straightface")/>
        <h1>{mode}" results"</h1>
        <p class="hint" data-testid="game-meta">
            <time>{utc_date_time(game.finished_at)}</time>" · "{rounds}
        </p>
        {game.ended_early.then(|| view! {
            <p class="banner" data-testid="ended-early">
                "This game ended early: fewer than two players were left."
            </p>
        })}
        <Scoreboard ranking=game.ranking/>
        <HighlightReel highlights=game.highlights/>
    }
}

/// The final ranking as a table.
#[component]
fn Scoreboard(
    /// Best first.
    ranking: Vec<Standing>,
) -> impl IntoView {
    view! {
        <table class="scores" data-testid="scoreboard">
            <thead><tr><th>"#"</th><th>"Player"</th><th class="num">"Points"</th></tr></thead>
            <tbody>
                {ranking.into_iter().map(|s| view! {
                    <tr data-testid="score-row" class:winner=s.rank == 1>
                        <td>{s.rank}</td>
                        <td>
                            {s.name}
                            {s.left.then(|| view! { <span class="tag" title="Left before the end">"left"</span> })}
                        </td>
                        <td class="num">{s.score}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The pictures of the game's best moments.
#[component]
fn HighlightReel(
    /// In round order.
    highlights: Vec<HighlightItem>,
) -> impl IntoView {
    (!highlights.is_empty()).then(|| {
        view! {
            <h2>"Highlights"</h2>
            <ul class="reel">
                {highlights.into_iter().map(|h| {
                    let alt = format!("{} in round {}", h.player, h.round);
                    view! {
                        <li>
                            <figure>
                                <img data-testid="highlight" src=h.url alt=alt loading="lazy"/>
                                <figcaption>{h.player}" · round "{h.round}</figcaption>
                            </figure>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}
