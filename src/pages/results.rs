//! `/games/{id}`: the results of a finished game, its scoreboard and its highlight reel.
//! Rendered on the server (the route is `SsrMode::Async`), so the page is complete without
//! WASM and an unknown id answers 404. The game's host may publish it to the public board
//! here, and each player may delete a picture of themselves (both checked on the server).

use crate::api::{game_summary, ApiError, DeleteHighlight, PublishGame};
use crate::components::local_time::LocalTime;
use crate::game::{Mode, Standing};
use crate::i18n::*;
use crate::store::types::{GameSummary, HighlightItem};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The mode's name as players know it, in `locale`.
pub fn mode_label(mode: Mode, locale: Locale) -> &'static str {
    match mode {
        Mode::DontLaugh => td_string!(locale, game.mode_dont_laugh_short),
        Mode::CopyFace => td_string!(locale, game.mode_copy_face),
    }
}

/// `/games/{id}`. The game starts loading as the route opens (`data`), while the page's code, a
/// module of its own that a call never needs, is fetched (`view`).
pub struct GameRoute {
    summary: Resource<Result<Option<GameSummary>, ApiError>>,
    actions: Actions,
}

impl GameRoute {
    fn load() -> Self {
        let params = use_params_map();
        let actions = Actions { publish: ServerAction::new(), delete: ServerAction::new() };
        // Loaded again after each change this browser makes.
        let summary = Resource::new(
            move || {
                let id = params.read().get("id").unwrap_or_default();
                (id, actions.publish.version().get(), actions.delete.version().get())
            },
            |(id, _, _)| game_summary(id),
        );
        Self { summary, actions }
    }
}

super::split_route!(GameRoute, game_page, |this| {
    let GameRoute { summary, actions } = this;
    view! { <GamePage summary actions/> }.into_any()
});

/// The game named in the path, once loaded.
#[component]
fn GamePage(
    summary: Resource<Result<Option<GameSummary>, ApiError>>,
    actions: Actions,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="page results">
            <Transition fallback=move || view! { <p class="hint">{t!(i18n, game.loading)}</p> }>
                {move || summary.get().map(|found| match found {
                    Ok(Some(game)) => view! { <GameResults game actions/> }.into_any(),
                    Ok(None) => view! { <GameMissing/> }.into_any(),
                    Err(e) => {
                        let error = e.to_string();
                        view! { <p class="error" role="alert">{t!(i18n, game.load_game_failed, error)}</p> }
                            .into_any()
                    }
                })}
            </Transition>
            <p><a href="/games">{t!(i18n, game.all_games)}</a></p>
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
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, game.not_found_title)/>
        <section data-testid="game-missing">
            <h1>{t!(i18n, game.not_found)}</h1>
            <p>{t!(i18n, game.not_found_hint)}</p>
        </section>
    }
}

/// How many rounds were played, in `locale`: "1 round", "3 rounds", "2 of 3 rounds".
pub fn rounds_text(locale: Locale, played: u32, planned: u32) -> String {
    if played == planned {
        td_string!(locale, game.rounds_all, count = played).to_string()
    } else {
        td_string!(locale, game.rounds_some, played, planned).to_string()
    }
}

/// How many played a game, in `locale`: "1 player", "4 players".
pub fn players_text(locale: Locale, players: u32) -> String {
    td_string!(locale, game.player_count, count = players).to_string()
}

/// What this browser may do to a game (the server checks it may).
#[derive(Clone, Copy)]
struct Actions {
    publish: ServerAction<PublishGame>,
    delete: ServerAction<DeleteHighlight>,
}

/// A found game.
#[component]
fn GameResults(game: GameSummary, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let mode = move || mode_label(game.mode, i18n.get_locale());
    let (played, planned) = (game.rounds_played, game.rounds_planned);
    let rounds = move || rounds_text(i18n.get_locale(), played, planned);
    view! {
        <Title text=move || t_string!(i18n, game.results_title, mode = mode()).to_string()/>
        <h1>{t!(i18n, game.results_heading, mode)}</h1>
        <p class="hint" data-testid="game-meta">
            <LocalTime unix=game.finished_at/>" · "{rounds}
        </p>
        {game.ended_early.then(|| view! {
            <p class="banner" data-testid="ended-early">{t!(i18n, game.ended_early)}</p>
        })}
        <Scoreboard ranking=game.ranking/>
        <Publish id=game.id.clone() published=game.published can=game.can_publish action=actions.publish/>
        <HighlightReel id=game.id highlights=game.highlights delete=actions.delete/>
    }
}

/// Whether the game is public, and for its host a button to change that.
#[component]
fn Publish(
    /// The game.
    id: String,
    /// On the public board now.
    published: bool,
    /// This browser hosted it (and the board is on).
    can: bool,
    /// Publishes or unpublishes.
    action: ServerAction<PublishGame>,
) -> impl IntoView {
    let i18n = use_i18n();
    let status = move || match published {
        true => t_string!(i18n, game.published),
        false => t_string!(i18n, game.not_published),
    };
    let toggle = move |_| {
        action.dispatch(PublishGame { id: id.clone(), public: !published });
    };
    view! {
        <p class="hint" data-testid="visibility" data-published=published.to_string()>{status}</p>
        {can.then(|| view! {
            <button data-testid="publish" on:click=toggle disabled=move || action.pending().get()>
                {move || match published {
                    true => t_string!(i18n, game.unpublish),
                    false => t_string!(i18n, game.publish),
                }}
            </button>
        })}
        <ActionError value=Signal::derive(move || action.value().get())/>
    }
}

/// The error of the last change this browser asked for, if it failed.
#[component]
fn ActionError(
    /// The action's last result.
    value: Signal<Option<Result<(), ApiError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        value.with(|v| match v {
            Some(Err(e)) => {
                let error = e.to_string();
                Some(view! { <p class="error" role="alert">{t!(i18n, game.action_failed, error)}</p> })
            }
            _ => None,
        })
    }
}

/// The final ranking as a table.
#[component]
fn Scoreboard(
    /// Best first.
    ranking: Vec<Standing>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="scores" data-testid="scoreboard">
            <thead>
                <tr>
                    <th>"#"</th><th>{t!(i18n, game.col_player)}</th>
                    <th class="num">{t!(i18n, game.col_points)}</th>
                </tr>
            </thead>
            <tbody>
                {ranking.into_iter().map(|s| view! {
                    <tr data-testid="score-row" class:winner=s.rank == 1>
                        <td>{s.rank}</td>
                        <td>
                            {s.name}
                            {s.left.then(|| view! {
                                <span class="tag" title=move || t_string!(i18n, game.left_title)>
                                    {t!(i18n, game.left_tag)}
                                </span>
                            })}
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
    /// The game.
    id: String,
    /// In round order.
    highlights: Vec<HighlightItem>,
    /// Deletes a picture of this browser's player.
    delete: ServerAction<DeleteHighlight>,
) -> impl IntoView {
    let i18n = use_i18n();
    (!highlights.is_empty()).then(|| {
        view! {
            <h2>{t!(i18n, game.highlights)}</h2>
            <ul class="reel">
                {highlights.into_iter().map(|h| {
                    let (player, round) = (h.player, h.round);
                    let alt = {
                        let player = player.clone();
                        move || t_string!(i18n, game.highlight_alt, player = player.clone(), round).to_string()
                    };
                    let (id, request_id) = (id.clone(), h.request_id);
                    let remove = move |_| {
                        delete.dispatch(DeleteHighlight { id: id.clone(), request_id });
                    };
                    view! {
                        <li>
                            <figure>
                                <img data-testid="highlight" src=h.url alt=alt loading="lazy"/>
                                <figcaption>{t!(i18n, game.highlight_caption, player, round)}</figcaption>
                            </figure>
                            {h.mine.then(|| view! {
                                <button class="small" data-testid="delete-highlight" on:click=remove
                                    disabled=move || delete.pending().get()>
                                    {t!(i18n, game.delete_highlight)}
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ActionError value=Signal::derive(move || delete.value().get())/>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_right_in_english_and_korean() {
        assert_eq!(rounds_text(Locale::en, 1, 1), "1 round");
        assert_eq!(rounds_text(Locale::en, 3, 3), "3 rounds");
        assert_eq!(rounds_text(Locale::en, 2, 3), "2 of 3 rounds");
        assert_eq!(rounds_text(Locale::ko, 1, 1), "1라운드");
        assert_eq!(rounds_text(Locale::ko, 2, 3), "3라운드 중 2라운드");
        assert_eq!(players_text(Locale::en, 1), "1 player");
        assert_eq!(players_text(Locale::en, 0), "0 players");
        assert_eq!(players_text(Locale::en, 4), "4 players");
        assert_eq!(players_text(Locale::ko, 4), "4명 참가");
    }
}
