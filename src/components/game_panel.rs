//! The game beside the call: phase and timer, Ready/Start, the mode, the scoreboard, what just
//! scored, and the results with a link to the shareable page. Tiles get the expression bars.

use crate::game::{Expression, GameEvent, Mode, Phase, PlayerStatus, Reading, Scoreboard};
use crate::hooks::game_ui::{line_of, phase_word, running, seconds_left};
use crate::hooks::use_call::UseCallReturn;
use crate::protocol::{ClientMsg, PeerId};
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

fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::DontLaugh => "Don't laugh (웃참)",
        Mode::CopyFace => "Copy the face",
    }
}

fn mode_key(mode: Mode) -> &'static str {
    match mode {
        Mode::DontLaugh => "dont_laugh",
        Mode::CopyFace => "copy_face",
    }
}

/// The seven expressions of a reading as small bars (a tile overlay).
#[component]
pub fn ExpressionBars(
    /// The reading to draw.
    #[prop(into)]
    reading: Signal<Option<Reading>>,
) -> impl IntoView {
    let value = move |i: usize| {
        reading.with(|r| r.as_ref().and_then(|r| r.probs.get(i).copied()).unwrap_or(0.0))
    };
    let face = move || reading.with(|r| r.as_ref().map(|r| r.face));
    view! {
        <div class="expr-overlay" data-face=move || match face() {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        }>
            {Expression::ALL.into_iter().map(|e| {
                let i = e.index();
                view! {
                    <span class="gauge" title=e.label()>
                        <span class="emoji" aria-hidden="true">{emoji(e)}</span>
                        <span class="meter"><span style=move || format!("height:{:.0}%", value(i) * 100.0)></span></span>
                    </span>
                }
            }).collect_view()}
        </div>
    }
}

/// A player's score on their tile.
#[component]
pub fn TileScore(board: RwSignal<Scoreboard>, peer: Signal<Option<PeerId>>) -> impl IntoView {
    let line = move || {
        let peer = peer.get()?;
        board.with(|b| line_of(b, peer).map(|l| (l.score, l.status)))
    };
    move || {
        line().map(|(score, status)| {
            let away = status == PlayerStatus::Away;
            let title = if away { "Score (no face in view)" } else { "Score" };
            view! { <span class="tile-score" class:away=away title=title>{score}</span> }
        })
    }
}

/// The game panel of the room.
#[component]
pub fn GamePanel(call: UseCallReturn) -> impl IntoView {
    let game = call.game;
    let me = call.me;
    let clock = RwSignal::new(0.0_f64);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || clock.set(crate::face::client::now()),
            std::time::Duration::from_millis(250),
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    let phase = move || game.phase.with(|p| p.as_ref().map(|v| v.phase.clone()));
    let word = move || phase_word(phase().as_ref());
    let timer = move || {
        let remaining = game.phase.with(|p| p.as_ref().and_then(|v| v.remaining_ms));
        seconds_left(remaining, clock.get() - game.phase_at.get()).map(|s| format!("{s} s"))
    };
    let mode = move || game.phase.with(|p| p.as_ref().map(|v| v.mode).unwrap_or_default());
    let is_host = move || me.get().is_some() && game.board.with(|b| b.host) == me.get();
    let my_line = move || me.get().and_then(|id| game.board.with(|b| line_of(b, id).cloned()));
    let ready = move || my_line().is_some_and(|l| l.ready);
    let between_games = move || !running(phase().as_ref());
    let players = move || game.board.with(|b| b.players.len());
    let send = call.send;
    view! {
        <aside class="game-panel" aria-label="Keep a straight face game">
            <header>
                <h2>"Keep a straight face · 표정 챌린지"</h2>
                <p class="phase-line">
                    <span class="phase" data-testid="game-phase" data-phase=word>{word}</span>
                    <span class="timer" aria-live="off">{timer}</span>
                </p>
                <p class="mode">{move || mode_label(mode())}</p>
                {move || match phase() {
                    Some(Phase::Round { round, rounds, target, .. }) => Some(view! {
                        <p class="round" data-testid="game-round">
                            {format!("Round {round} of {rounds}")}
                            {target.map(|t| view! {
                                <strong class="target" data-testid="game-target" data-target=t.label()>
                                    {format!(" · Copy: {} {}", emoji(t), t.label())}
                                </strong>
                            })}
                        </p>
                    }.into_any()),
                    Some(Phase::RoundResults { round, rounds, .. }) => Some(view! {
                        <p class="round">{format!("Round {round} of {rounds} done")}</p>
                    }.into_any()),
                    _ => None,
                }}
            </header>
            <Show when=between_games>
                <div class="game-actions">
                    <Show when=is_host fallback=move || view! {
                        <p class="hint">{move || format!("Mode: {}", mode_label(mode()))}</p>
                    }>
                        <label>
                            <span class="sr-only">"Game mode"</span>
                            <select data-testid="game-mode" aria-label="Game mode" on:change=move |ev| {
                                let mode = match event_target_value(&ev).as_str() {
                                    "copy_face" => Mode::CopyFace,
                                    _ => Mode::DontLaugh,
                                };
                                send.run(ClientMsg::ChooseMode { mode });
                            }>
                                {[Mode::DontLaugh, Mode::CopyFace].into_iter().map(|m| view! {
                                    <option value=mode_key(m) selected=move || mode() == m>{mode_label(m)}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    </Show>
                    <button data-testid="ready" class:primary=move || !ready()
                        aria-pressed=move || ready().to_string()
                        on:click=move |_| send.run(if ready() { ClientMsg::Unready } else { ClientMsg::Ready })>
                        {move || if ready() { "Not ready" } else { "I'm ready" }}
                    </button>
                    <Show when=is_host>
                        <button data-testid="start" disabled=move || players() < 2
                            on:click=move |_| send.run(ClientMsg::Start)>"Start now"</button>
                    </Show>
                    <p class="hint">{move || if players() < 2 {
                        "A game needs two players: invite someone."
                    } else {
                        "The game starts when two players are ready, or when the host starts it."
                    }}</p>
                </div>
            </Show>
            <Scoreboard board=game.board me playing=Signal::derive(move || !between_games())/>
            {move || game.event.get().map(|e| view! { <p class="game-event" role="status">{describe_event(&e, game.board)}</p> })}
            {move || game.refused.get().map(|m| view! { <p class="hint warn">{m}</p> })}
            {move || game.over.get().map(|(results, id)| view! {
                <section class="game-results" data-testid="game-results">
                    <h3>{if results.ended_early { "Game over (ended early)" } else { "Game over" }}</h3>
                    <ol>
                        {results.ranking.into_iter().map(|s| view! {
                            <li>{format!("{}. {} — {} pts{}", s.rank, s.name, s.score, if s.left { " (left)" } else { "" })}</li>
                        }).collect_view()}
                    </ol>
                    <RoomReel game_id=id.clone()/>
                    <a data-testid="game-link" href=format!("/games/{id}")>"Results page with highlights"</a>
                </section>
            })}
        </aside>
    }
}

#[component]
fn Scoreboard(
    board: RwSignal<Scoreboard>,
    me: RwSignal<Option<PeerId>>,
    /// Away only means something while a game runs (faces are read from Ready on).
    playing: Signal<bool>,
) -> impl IntoView {
    view! {
        <ol class="scoreboard" aria-label="Scores">
            <For each=move || board.get().players
                key=move |p| (p.peer, p.score, p.ready, p.status, playing.get_untracked()) let:p>
                <li class:me=move || me.get() == Some(p.peer) data-status=format!("{:?}", p.status).to_lowercase()>
                    <span class="who">{p.name.clone()}{(board.get_untracked().host == Some(p.peer)).then_some(" ★")}</span>
                    <span class="status">{match p.status {
                        PlayerStatus::Active => if p.ready { "ready" } else { "" },
                        PlayerStatus::Away if playing.get_untracked() => "away",
                        PlayerStatus::Away => if p.ready { "ready" } else { "" },
                        PlayerStatus::Left => "left",
                        PlayerStatus::Spectating => "watching",
                    }}</span>
                    <span class="score" data-testid="score" data-peer=p.peer.to_string()>{p.score}</span>
                </li>
            </For>
        </ol>
    }
}

fn describe_event(event: &GameEvent, board: RwSignal<Scoreboard>) -> String {
    let name = |peer: PeerId| {
        board.with_untracked(|b| line_of(b, peer).map(|l| l.name.clone())).unwrap_or_default()
    };
    match event {
        GameEvent::Laugh { peer, points, rewarded, .. } => format!(
            "{} laughed! +{points} for {}",
            name(*peer),
            if rewarded.is_empty() {
                "nobody".to_string()
            } else {
                rewarded.iter().map(|p| name(*p)).collect::<Vec<_>>().join(", ")
            }
        ),
        GameEvent::Copied { peer, target, points, .. } => {
            format!("{} copied {} {}! +{points}", name(*peer), emoji(*target), target.label())
        }
    }
}

/// The highlight reel of a game that just ended, as far as uploads have arrived (the last
/// capture may still be on its way: "Refresh" asks again).
#[component]
fn RoomReel(game_id: String) -> impl IntoView {
    let asked = RwSignal::new(0_u32);
    let summary = Resource::new(
        move || (game_id.clone(), asked.get()),
        |(id, _)| crate::api::game_summary(id),
    );
    view! {
        <div class="room-reel">
            <Suspense fallback=|| view! { <p class="hint">"Loading highlights…"</p> }>
                {move || summary.get().and_then(Result::ok).flatten().map(|g| {
                    if g.highlights.is_empty() {
                        view! { <p class="hint">"No highlight yet."</p> }.into_any()
                    } else {
                        g.highlights.into_iter().map(|h| {
                            let alt = format!("{} in round {}", h.player, h.round);
                            view! { <img class="reel-shot" src=h.url alt=alt.clone() title=alt/> }
                        }).collect_view().into_any()
                    }
                })}
            </Suspense>
            <button class="small" on:click=move |_| asked.update(|n| *n += 1)>"Refresh highlights"</button>
        </div>
    }
}
