//! Tiles: ours and each remote participant's, placed by the stage. Video (or initials when the
//! camera is off), name, hand, reactions, game score and bursts, pin and full screen; remote
//! tiles add connection state, quality and a stats panel.

use super::controls::reaction_name;
use super::game_panel::{ExpressionBars, TileScore};
use super::icons::{Icon, Svg};
use super::video::VideoView;
use crate::call::quality::Quality;
use crate::hooks::use_call::UseCallReturn;
use crate::i18n::*;
use crate::model::call_ui::{initials, CallUi, LocalMedia, Tile, TileStats, Who};
use crate::model::game_ui::{burst_for, line_of, Burst};
use crate::model::layout::Rect;
use crate::protocol::PeerId;
use leptos::html::{Figure, Video};
use leptos::prelude::*;

/// Video, name and connection state of one remote participant, placed at `rect`.
#[component]
pub fn RemoteTile(
    /// The participant.
    tile: Tile,
    /// The call's state (game, pins, hands, reactions, the chosen speaker).
    ui: CallUi,
    /// Where on the stage.
    rect: Signal<Rect>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = tile.id;
    let who = Who::Peer(id);
    let speaking = crate::hooks::use_speaking::use_speaking(tile.stream.into());
    use_active_speaker(ui, who, speaking);
    let state = tile.state;
    let peer = tile.id.to_string();
    let peer_attr = peer.clone();
    let show_stats = RwSignal::new(false);
    let node = NodeRef::<Figure>::new();
    let hand = Signal::derive(move || ui.hands.with(|h| h.contains(&id)));
    let name = tile.name.clone();
    view! {
        <figure class="tile" data-testid="remote-tile" data-peer=peer_attr node_ref=node
            style=move || rect.get().style()
            data-state=move || state.get().key()
            data-audio=move || if tile.audio_on.get() { "on" } else { "off" }
            data-video=move || if tile.video_on.get() { "on" } else { "off" }
            data-screen=move || if tile.screen.get() { "on" } else { "off" }
            data-speaking=move || speaking.get().to_string() class:speaking=move || speaking.get()>
            <VideoView stream=tile.stream testid="remote-video" peer=peer sink=ui.speaker/>
            {move || (!tile.video_on.get()).then(|| view! {
                <CameraOff name=name.clone() testid="tile-camera-off"/>
            })}
            <ExpressionBars reading=tile.reading game=ui.game/>
            <TileScore game=ui.game peer=Signal::stored(Some(id))/>
            <GameBurst ui peer=Signal::stored(Some(id))/>
            <QualityBadge quality=tile.quality/>
            {move || tile.reconnecting.get().then(|| view! {
                <span class="badge warn" data-testid="tile-reconnecting">{t!(i18n, room.tile_reconnecting)}</span>
            })}
            {move || tile.problem.get().map(|p| view! {
                <p class="tile-problem" data-testid="tile-problem" role="alert">
                    {move || p.message(i18n.get_locale())}
                </p>
            })}
            <div class="tile-tools">
                <TileTools ui who node/>
                <button class="tool" data-testid="stats-toggle" aria-label=move || t_string!(i18n, room.stats_label)
                    aria-pressed=move || show_stats.get().to_string()
                    on:click=move |_| show_stats.update(|s| *s = !*s)>"i"</button>
            </div>
            {move || show_stats.get().then(|| view! { <StatsPanel stats=tile.stats/> })}
            <Floaters ui who/>
            <TileCaption tile=tile.clone() hand/>
        </figure>
    }
}

/// Our own tile: the camera (whose frames our face reader reads), our gauge and score, the
/// ring while we speak, and initials when the camera is off.
#[component]
pub fn OwnTile(
    /// The call.
    call: UseCallReturn,
    /// Where on the stage.
    rect: Signal<Rect>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ui = call.ui;
    let local = ui.local;
    let own = Signal::derive(move || match local.get() {
        LocalMedia::Ready { stream, .. } => Some(stream),
        _ => None,
    });
    let has_camera = move || matches!(local.get(), LocalMedia::Ready { camera_error: None, .. });
    let own_video = NodeRef::<Video>::new();
    crate::hooks::use_own_face::use_own_face(call, own_video);
    // Muted, we are not heard: the ring says so too.
    let own_audio = Signal::derive(move || if ui.mic_on.get() { own.get() } else { None });
    let speaking = crate::hooks::use_speaking::use_speaking(own_audio);
    use_active_speaker(ui, Who::Me, speaking);
    let node = NodeRef::<Figure>::new();
    let name = Memo::new(move |_| {
        ui.me.get().and_then(|me| ui.game.board.with(|b| line_of(b, me).map(|l| l.name.clone())))
    });
    view! {
        <figure class="tile own" data-testid="own-tile" node_ref=node style=move || rect.get().style()
            data-speaking=move || speaking.get().to_string() class:speaking=move || speaking.get()>
            <VideoView stream=own muted=true mirrored=true testid="local-video" node=own_video/>
            {move || (!(ui.cam_on.get() && has_camera())).then(|| view! {
                <CameraOff name=name.get().unwrap_or_default() testid="own-camera-off"/>
            })}
            <ExpressionBars reading=ui.game.own_reading game=ui.game/>
            <TileScore game=ui.game peer=Signal::from(ui.me)/>
            <GameBurst ui peer=Signal::from(ui.me)/>
            <div class="tile-tools"><TileTools ui who=Who::Me node/></div>
            <Floaters ui who=Who::Me/>
            <figcaption>
                {move || ui.hand_up.get().then(|| view! { <HandBadge/> })}
                {move || (!ui.mic_on.get()).then(|| view! {
                    <span class="muted" data-testid="own-muted" role="img"
                        aria-label=move || t_string!(i18n, room.tile_mic_off)><Svg icon=Icon::MicOff/></span>
                })}
                <span class="name">{t!(i18n, room.you)}</span>
            </figcaption>
        </figure>
    }
}

/// Remembers `who` as the last speaker whenever they start speaking (speaker view).
fn use_active_speaker(ui: CallUi, who: Who, speaking: Signal<bool>) {
    Effect::new(move |_| {
        if speaking.get() {
            ui.active.set(Some(who));
        }
    });
}

/// A dark tile with the person's initials, in place of a camera that is off.
#[component]
fn CameraOff(name: String, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let letters = initials(&name);
    view! {
        <div class="camera-off" data-testid=testid>
            <span class="initials" aria-hidden="true">{letters}</span>
            <span class="sr-only">{t!(i18n, room.tile_camera_off)}</span>
        </div>
    }
}

/// Pin (large for me only) and full screen.
#[component]
fn TileTools(ui: CallUi, who: Who, node: NodeRef<Figure>) -> impl IntoView {
    let i18n = use_i18n();
    let pinned = move || ui.pinned.get() == Some(who);
    let full_screen = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(el) = node.get_untracked() {
            let _ = el.request_fullscreen();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = node;
    };
    view! {
        <button class="tool" data-testid="pin" aria-pressed=move || pinned().to_string() class:on=pinned
            aria-label=move || if pinned() { t_string!(i18n, call.unpin) } else { t_string!(i18n, call.pin) }
            title=move || if pinned() { t_string!(i18n, call.unpin) } else { t_string!(i18n, call.pin) }
            on:click=move |_| ui.pinned.set(if pinned() { None } else { Some(who) })>
            <Svg icon=Icon::Pin/>
        </button>
        <button class="tool" data-testid="full-screen" aria-label=move || t_string!(i18n, call.full_screen)
            title=move || t_string!(i18n, call.full_screen) on:click=full_screen>
            <Svg icon=Icon::Expand/>
        </button>
    }
}

/// Reactions rising over `who`'s tile.
#[component]
fn Floaters(ui: CallUi, who: Who) -> impl IntoView {
    let i18n = use_i18n();
    let mine = move || {
        ui.reactions.with(|r| r.iter().filter(|f| f.who == who).copied().collect::<Vec<_>>())
    };
    view! {
        <div class="floaters" aria-live="polite">
            <For each=mine key=|f| f.n let:f>
                <span class="floater" data-testid="reaction" data-reaction=f.reaction.key()
                    role="img" aria-label=move || reaction_name(f.reaction, i18n.get_locale())
                    style=format!("--drift:{}px", (f.n % 5) as i32 * 12 - 24)>
                    {f.reaction.emoji()}
                </span>
            </For>
        </div>
    }
}

/// A raised hand on a tile.
#[component]
fn HandBadge() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="hand-up" data-testid="tile-hand" role="img" aria-label=move || t_string!(i18n, call.hand_raised)>
            <Svg icon=Icon::Hand/>
        </span>
    }
}

/// When a game event concerns this tile's player: a flash when they laughed, "+10" rising
/// when they scored.
#[component]
fn GameBurst(ui: CallUi, peer: Signal<Option<PeerId>>) -> impl IntoView {
    let burst = RwSignal::new(None::<Burst>);
    Effect::new(move |first: Option<()>| {
        let event = ui.game.event.get();
        // An event from before this tile appeared is old news.
        if first.is_none() {
            return;
        }
        let hit = event.zip(peer.get_untracked()).and_then(|(e, p)| burst_for(&e, p));
        if let Some(hit) = hit {
            burst.set(Some(hit));
            set_timeout(
                move || {
                    burst.try_set(None);
                },
                std::time::Duration::from_millis(1800),
            );
        }
    });
    move || {
        burst.get().map(|b| match b {
        Burst::Laughed => view! { <div class="burst laughed" data-testid="tile-laughed" aria-hidden="true">"😂"</div> }.into_any(),
        Burst::Points(n) => view! { <div class="burst points" data-testid="tile-points" aria-hidden="true">{format!("+{n}")}</div> }.into_any(),
    })
    }
}

/// Call quality (from loss and round-trip time): `data-quality` is the same in every
/// language, the badge's text is not.
#[component]
fn QualityBadge(quality: RwSignal<Option<Quality>>) -> impl IntoView {
    let i18n = use_i18n();
    let key = move || match quality.get() {
        Some(Quality::Good) => "good",
        Some(Quality::Fair) => "fair",
        Some(Quality::Poor) => "poor",
        None => "measuring",
    };
    let text = move || match quality.get() {
        Some(Quality::Good) => t_string!(i18n, room.quality_good),
        Some(Quality::Fair) => t_string!(i18n, room.quality_fair),
        Some(Quality::Poor) => t_string!(i18n, room.quality_poor),
        None => t_string!(i18n, room.quality_measuring),
    };
    view! {
        <span class="quality" data-testid="quality" data-quality=key
            title=move || t_string!(i18n, room.call_quality)>
            {text}
        </span>
    }
}

/// Name, hand, microphone and presenting badges, and the connection state when it is not
/// "connected".
#[component]
fn TileCaption(tile: Tile, hand: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let state = tile.state;
    view! {
        <figcaption>
            {move || hand.get().then(|| view! { <HandBadge/> })}
            {move || (!tile.audio_on.get()).then(|| view! {
                <span class="muted" data-testid="tile-muted" role="img"
                    aria-label=move || t_string!(i18n, room.tile_mic_off)><Svg icon=Icon::MicOff/></span>
            })}
            {move || tile.screen.get().then(|| view! {
                <span class="badge-share" data-testid="tile-screen">{t!(i18n, room.tile_presenting)}</span>
            })}
            <span class="name" title=tile.name.clone()>{tile.name.clone()}</span>
            <span class="state" data-testid="peer-state">{move || state.get().text(i18n.get_locale())}</span>
        </figcaption>
    }
}

/// The numbers behind the quality badge, with 60-second sparklines.
#[component]
fn StatsPanel(stats: RwSignal<Option<TileStats>>) -> impl IntoView {
    let i18n = use_i18n();
    let s = move || stats.get().unwrap_or_default();
    let opt = |v: Option<f64>, unit: &str| {
        v.map(|v| format!("{v:.0} {unit}")).unwrap_or_else(|| "–".into())
    };
    view! {
        <div class="stats-panel" data-testid="stats"
            data-candidate-type=move || s().candidate.unwrap_or_default()>
            <dl>
                <dt>{t!(i18n, room.stats_rtt)}</dt><dd>{move || opt(s().rtt_ms, "ms")}</dd>
                <dt>{t!(i18n, room.stats_loss)}</dt><dd>{move || s().loss_pct.map(|l| format!("{l:.1} %")).unwrap_or_else(|| "–".into())}</dd>
                <dt>{t!(i18n, room.stats_jitter)}</dt><dd>{move || opt(s().jitter_ms, "ms")}</dd>
                <dt>{t!(i18n, room.stats_in_out)}</dt><dd data-testid="bitrate">{move || format!("{:.0} / {:.0} kbps", s().in_kbps, s().out_kbps)}</dd>
                <dt>{t!(i18n, room.stats_video)}</dt><dd data-testid="video-size">{move || match s().resolution {
                    Some((w, h)) => format!("{w}×{h} @ {:.0} fps", s().fps),
                    None => "–".into(),
                }}</dd>
                <dt>{t!(i18n, room.stats_codec)}</dt><dd>{move || s().codec.unwrap_or_else(|| "–".into())}</dd>
                <dt>{t!(i18n, room.stats_route)}</dt><dd data-testid="candidate-type">{move || s().candidate.unwrap_or_else(|| "–".into())}</dd>
            </dl>
            <svg class="spark" viewBox="0 0 120 28" role="img" aria-label=move || t_string!(i18n, room.spark_bitrate)>
                <polyline class="kbps" points=move || s().spark_kbps/>
            </svg>
            <svg class="spark" viewBox="0 0 120 28" role="img" aria-label=move || t_string!(i18n, room.spark_rtt)>
                <polyline class="rtt" points=move || s().spark_rtt/>
            </svg>
        </div>
    }
}
