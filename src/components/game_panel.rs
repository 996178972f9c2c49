//! The game beside the call: phase and timer, Ready/Start, the mode, the scoreboard, what just
//! scored, and the results with a link to the shareable page. Tiles get the expression bars.

use crate::game::{Expression, GameEvent, Mode, Phase, PlayerStatus, Reading, Results, Scoreboard};
use crate::hooks::use_call::UseCallReturn;
use crate::i18n::*;
use crate::model::call_ui::LocalMedia;
use crate::model::game_ui::{
    expression_name, line_of, mode_name, phase_text, phase_word, running, seconds_left, GameAction,
    GameUi,
};
use crate::protocol::PeerId;
use leptos::prelude::*;

/// An emoji for each expression, for gauges and targets.
pub fn emoji(e: Expression) -> &'static str {
    match e {
        Expression::Neutral => "😐",
        Expression::Happy => "😄",
        Expression::Sad => "😢",
        Expression::Angry => "😠",
        Expression::Fearful => "😨",
        Expression::Disgusted => "🤢",
        Expression::Surprised => "😮",
    }
}

fn mode_key(mode: Mode) -> &'static str {
    match mode {
        Mode::DontLaugh => "dont_laugh",
        Mode::CopyFace => "copy_face",
    }
}

/// A tile's gauge while a game runs: the expression read now, large, and how sure the reader
/// is; gone between games.
#[component]
pub fn ExpressionBars(
    /// The reading to draw.
    #[prop(into)]
    reading: Signal<Option<Reading>>,
    /// The game (the gauge shows only while one runs).
    game: GameUi,
) -> impl IntoView {
    let i18n = use_i18n();
    let playing = move || game.phase.with(|p| running(p.as_ref().map(|v| &v.phase)));
    let top = move || {
        let r = reading.get().filter(|r| r.face)?;
        Expression::ALL
            .into_iter()
            .map(|e| (e, r.probs.get(e.index()).copied().unwrap_or(0.0)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    };
    move || {
        playing().then(|| {
            let face = reading.with(|r| r.as_ref().map(|r| r.face));
            view! {
                <div class="gauge" data-testid="gauge" data-face=match face {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "unknown",
                }>
                    {move || top().map(|(e, p)| view! {
                        <span class="gauge-emoji" role="img" data-expression=e.label()
                            aria-label=move || expression_name(e, i18n.get_locale())>{emoji(e)}</span>
                        <span class="gauge-bar"><span style=format!("width:{:.0}%", p * 100.0)></span></span>
                    })}
                </div>
            }
        })
    }
}

/// A player's score on their tile, from the countdown to the results (not in the lobby).
#[component]
pub fn TileScore(game: GameUi, peer: Signal<Option<PeerId>>) -> impl IntoView {
    let i18n = use_i18n();
    let board = game.board;
    let on = move || game.phase.with(|p| phase_word(p.as_ref().map(|v| &v.phase)) != "lobby");
    let line = move || {
        let peer = peer.get().filter(|_| on())?;
        board.with(|b| line_of(b, peer).map(|l| (l.score, l.status)))
    };
    move || {
        line().map(|(score, status)| {
            let away = status == PlayerStatus::Away;
            let title = move || {
                if away {
                    t_string!(i18n, game.score_away)
                } else {
                    t_string!(i18n, game.score)
                }
            };
            view! { <span class="tile-score" class:away=away title=title>{score}</span> }
        })
    }
}

/// The game panel of the room.
#[component]
pub fn GamePanel(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let game = call.ui.game;
    let between_games = move || !game.phase.with(|p| running(p.as_ref().map(|v| &v.phase)));
    view! {
        <div class="game-panel">
            <PhaseHeader game/>
            // After a game its results come first (the podium is what everyone looks for), then
            // Ready and Start for the next one.
            {move || game.over.get().map(|(results, id)| view! { <GameResults results id/> })}
            <Show when=between_games>
                <GameActions call/>
            </Show>
            <Scoreboard board=game.board me=call.ui.me playing=Signal::derive(move || !between_games())/>
            {move || game.event.get().map(|e| view! {
                <p class="game-event" role="status">{move || describe_event(&e, game.board, i18n.get_locale())}</p>
            })}
            {move || game.refused.get().map(|r| view! { <p class="hint warn">{move || r.message(i18n.get_locale())}</p> })}
        </div>
    }
}

/// Over the stage while a game runs: the countdown, large, and in "copy the face" the
/// expression to copy.
#[component]
pub fn StageOverlay(game: GameUi) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_clock();
    let phase = move || game.phase.with(|p| p.as_ref().map(|v| v.phase.clone()));
    let left = move || {
        let remaining = game.phase.with(|p| p.as_ref().and_then(|v| v.remaining_ms));
        seconds_left(remaining, clock.get() - game.phase_at.get())
    };
    move || {
        match phase() {
        Some(Phase::Countdown { .. }) => Some(view! {
            <div class="stage-overlay countdown" data-testid="big-countdown" role="timer" aria-live="off">
                <span class="caption">{t!(i18n, game.get_ready)}</span>
                <span class="big">{move || left().unwrap_or(0).max(1)}</span>
            </div>
        }.into_any()),
        Some(Phase::Round { target: Some(t), .. }) => Some(view! {
            <div class="stage-overlay target" data-testid="big-target" data-target=t.label()>
                <span class="big" aria-hidden="true">{emoji(t)}</span>
                <span class="caption">{t!(i18n, game.copy_this, expression = move || expression_name(t, i18n.get_locale()))}</span>
            </div>
        }.into_any()),
        _ => None,
    }
    }
}

/// The page clock (ms), refreshed four times a second while the panel is shown.
fn use_clock() -> RwSignal<f64> {
    let clock = RwSignal::new(0.0_f64);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || clock.set(crate::rtc::js::now()),
            std::time::Duration::from_millis(250),
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    clock
}

/// The phase, its countdown, the mode and the round.
#[component]
fn PhaseHeader(game: GameUi) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_clock();
    let phase = move || game.phase.with(|p| p.as_ref().map(|v| v.phase.clone()));
    let word = move || phase_word(phase().as_ref());
    let word_text = move || phase_text(phase().as_ref(), i18n.get_locale());
    let timer = move || {
        let remaining = game.phase.with(|p| p.as_ref().and_then(|v| v.remaining_ms));
        seconds_left(remaining, clock.get() - game.phase_at.get())
            .map(|seconds| t_string!(i18n, game.seconds, seconds).to_string())
    };
    let mode = move || game.phase.with(|p| p.as_ref().map(|v| v.mode).unwrap_or_default());
    view! {
        <header>
            <h2>{t!(i18n, game.panel_title)}</h2>
            <p class="phase-line">
                <span class="phase" data-testid="game-phase" data-phase=word>{word_text}</span>
                <span class="timer" aria-live="off">{timer}</span>
            </p>
            <p class="mode">{move || mode_name(mode(), i18n.get_locale())}</p>
            {move || match phase() {
                Some(Phase::Round { round, rounds, target, .. }) => Some(view! {
                    <p class="round" data-testid="game-round">
                        {t!(i18n, game.round_of, round, rounds)}
                        {target.map(|t| view! {
                            <strong class="target" data-testid="game-target" data-target=t.label()>
                                " · "
                                {t!(i18n, game.copy_target, emoji = emoji(t),
                                    expression = move || expression_name(t, i18n.get_locale()))}
                            </strong>
                        })}
                    </p>
                }.into_any()),
                Some(Phase::RoundResults { round, rounds, .. }) => Some(view! {
                    <p class="round">{t!(i18n, game.round_done, round, rounds)}</p>
                }.into_any()),
                _ => None,
            }}
        </header>
    }
}

/// Between games: the mode (the host chooses), Ready, and Start (host only).
#[component]
fn GameActions(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let (game, me, act) = (call.ui.game, call.ui.me, call.game_action);
    let mode = move || game.phase.with(|p| p.as_ref().map(|v| v.mode).unwrap_or_default());
    let mode_text = move || mode_name(mode(), i18n.get_locale());
    let is_host = move || me.get().is_some() && game.board.with(|b| b.host) == me.get();
    let my_line = move || me.get().and_then(|id| game.board.with(|b| line_of(b, id).cloned()));
    let ready = move || my_line().is_some_and(|l| l.ready);
    let players = move || game.board.with(|b| b.players.len());
    // The game reads faces: without a camera one can watch, not play.
    let has_camera =
        move || call.ui.local.with(|l| matches!(l, LocalMedia::Ready { camera_error: None, .. }));
    view! {
        <div class="game-actions">
            {move || (!has_camera()).then(|| view! {
                <p class="hint" data-testid="ready-needs-camera">{t!(i18n, game.ready_needs_camera)}</p>
            })}
            <Show when=is_host fallback=move || view! {
                <p class="hint">{t!(i18n, game.mode_line, mode = mode_text)}</p>
            }>
                <label>
                    <span class="sr-only">{t!(i18n, game.game_mode)}</span>
                    <select data-testid="game-mode" aria-label=move || t_string!(i18n, game.game_mode)
                        on:change=move |ev| {
                        let mode = match event_target_value(&ev).as_str() {
                            "copy_face" => Mode::CopyFace,
                            _ => Mode::DontLaugh,
                        };
                        act.run(GameAction::ChooseMode(mode));
                    }>
                        {[Mode::DontLaugh, Mode::CopyFace].into_iter().map(|m| view! {
                            <option value=mode_key(m) selected=move || mode() == m>
                                {move || mode_name(m, i18n.get_locale())}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
            </Show>
            <button data-testid="ready" class:primary=move || !ready()
                aria-pressed=move || ready().to_string() disabled=move || !has_camera()
                title=move || (!has_camera()).then(|| t_string!(i18n, game.ready_needs_camera))
                on:click=move |_| act.run(GameAction::Ready(!ready()))>
                {move || if ready() { t_string!(i18n, game.not_ready) } else { t_string!(i18n, game.ready) }}
            </button>
            <Show when=is_host>
                <button data-testid="start" disabled=move || players() < 2
                    on:click=move |_| act.run(GameAction::Start)>{t!(i18n, game.start)}</button>
            </Show>
            <p class="hint">{move || if players() < 2 {
                t_string!(i18n, game.need_two)
            } else {
                t_string!(i18n, game.starts_when)
            }}</p>
        </div>
    }
}

/// The final standings in the room, its highlight reel and the results link.
#[component]
fn GameResults(results: Results, id: String) -> impl IntoView {
    let i18n = use_i18n();
    let title = if results.ended_early {
        t!(i18n, game.game_over_early).into_any()
    } else {
        t!(i18n, game.game_over).into_any()
    };
    view! {
        <section class="game-results" data-testid="game-results">
            <h3>{title}</h3>
            <ol class="ranking">
                {results.ranking.into_iter().map(|s| {
                    let (rank, name, score) = (s.rank, s.name, s.score);
                    let line = move || if s.left {
                        t_string!(i18n, game.ranking_line_left, rank, name = name.clone(), score).to_string()
                    } else {
                        t_string!(i18n, game.ranking_line, rank, name = name.clone(), score).to_string()
                    };
                    view! { <li data-rank=rank>{line}</li> }
                }).collect_view()}
            </ol>
            <RoomReel game_id=id.clone()/>
            <a data-testid="game-link" href=format!("/games/{id}")>{t!(i18n, game.results_link)}</a>
        </section>
    }
}

#[component]
fn Scoreboard(
    board: RwSignal<Scoreboard>,
    me: RwSignal<Option<PeerId>>,
    /// Away only means something while a game runs (faces are read from Ready on).
    playing: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="scoreboard" aria-label=move || t_string!(i18n, game.scores_label)>
            <For each=move || board.get().players
                key=move |p| (p.peer, p.score, p.ready, p.status, playing.get_untracked()) let:p>
                <li class:me=move || me.get() == Some(p.peer) data-status=format!("{:?}", p.status).to_lowercase()>
                    <span class="who">{p.name.clone()}{(board.get_untracked().host == Some(p.peer)).then_some(" ★")}</span>
                    <span class="status">{move || {
                        let locale = i18n.get_locale();
                        let ready = if p.ready { td_string!(locale, game.status_ready) } else { "" };
                        match p.status {
                            PlayerStatus::Active => ready,
                            PlayerStatus::Away if playing.get_untracked() => td_string!(locale, game.status_away),
                            PlayerStatus::Away => ready,
                            PlayerStatus::Left => td_string!(locale, game.status_left),
                            PlayerStatus::Spectating => td_string!(locale, game.status_watching),
                        }
                    }}</span>
                    <span class="score" data-testid="score" data-peer=p.peer.to_string()>{p.score}</span>
                </li>
            </For>
        </ol>
    }
}

fn describe_event(event: &GameEvent, board: RwSignal<Scoreboard>, locale: Locale) -> String {
    let name = |peer: PeerId| {
        board.with_untracked(|b| line_of(b, peer).map(|l| l.name.clone())).unwrap_or_default()
    };
    match event {
        GameEvent::Laugh { peer, points, rewarded, .. } if rewarded.is_empty() => {
            td_string!(locale, game.event_laugh_nobody, name = name(*peer), points = *points)
                .to_string()
        }
        GameEvent::Laugh { peer, points, rewarded, .. } => {
            let rewarded = rewarded.iter().map(|p| name(*p)).collect::<Vec<_>>().join(", ");
            td_string!(locale, game.event_laugh, name = name(*peer), points = *points, rewarded)
                .to_string()
        }
        GameEvent::Copied { peer, target, points, .. } => td_string!(
            locale,
            game.event_copied,
            name = name(*peer),
            emoji = emoji(*target),
            expression = expression_name(*target, locale),
            points = *points
        )
        .to_string(),
    }
}

/// The highlight reel of a game that just ended, as far as uploads have arrived (the last
/// capture may still be on its way: "Refresh" asks again).
#[component]
fn RoomReel(game_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let asked = RwSignal::new(0_u32);
    let summary = Resource::new(
        move || (game_id.clone(), asked.get()),
        |(id, _)| crate::api::game_summary(id),
    );
    view! {
        <div class="room-reel">
            <Suspense fallback=move || view! { <p class="hint">{t!(i18n, game.loading_highlights)}</p> }>
                {move || summary.get().and_then(Result::ok).flatten().map(|g| {
                    if g.highlights.is_empty() {
                        view! { <p class="hint">{t!(i18n, game.no_highlight)}</p> }.into_any()
                    } else {
                        g.highlights.into_iter().map(|h| {
                            let (player, round) = (h.player, h.round);
                            let alt = move || {
                                t_string!(i18n, game.highlight_alt, player = player.clone(), round)
                                    .to_string()
                            };
                            view! { <img class="reel-shot" src=h.url alt=alt.clone() title=alt/> }
                        }).collect_view().into_any()
                    }
                })}
            </Suspense>
            <button class="small" on:click=move |_| asked.update(|n| *n += 1)>
                {t!(i18n, game.refresh_highlights)}
            </button>
        </div>
    }
}
