//! A remote participant's tile: video, name, connection state, quality and a stats panel.

use super::game_panel::{ExpressionBars, TileScore};
use super::video::VideoView;
use crate::call::quality::Quality;
use crate::game::Scoreboard;
use crate::i18n::*;
use crate::model::call_ui::{Tile, TileStats};
use leptos::prelude::*;

/// Video, name and connection state of one remote participant.
#[component]
pub fn RemoteTile(
    /// The participant.
    tile: Tile,
    /// The game's scoreboard, for the score on the tile.
    board: RwSignal<Scoreboard>,
    /// The speaker chosen for remote sound.
    #[prop(into)]
    speaker: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = tile.id;
    let speaking = crate::hooks::use_speaking::use_speaking(tile.stream.into());
    let state = tile.state;
    let peer = tile.id.to_string();
    let peer_attr = peer.clone();
    let show_stats = RwSignal::new(false);
    view! {
        <figure class="tile" data-testid="remote-tile" data-peer=peer_attr
            data-state=move || state.get().key()
            data-audio=move || if tile.audio_on.get() { "on" } else { "off" }
            data-video=move || if tile.video_on.get() { "on" } else { "off" }
            data-screen=move || if tile.screen.get() { "on" } else { "off" }
            data-speaking=move || speaking.get().to_string() class:speaking=move || speaking.get()>
            <VideoView stream=tile.stream testid="remote-video" peer=peer sink=speaker/>
            {move || (!tile.video_on.get()).then(|| view! {
                <div class="camera-off" data-testid="tile-camera-off">{t!(i18n, room.tile_camera_off)}</div>
            })}
            <ExpressionBars reading=tile.reading/>
            <TileScore board peer=Signal::stored(Some(id))/>
            <QualityBadge quality=tile.quality/>
            {move || tile.reconnecting.get().then(|| view! {
                <span class="badge warn" data-testid="tile-reconnecting">{t!(i18n, room.tile_reconnecting)}</span>
            })}
            {move || tile.problem.get().map(|p| view! {
                <p class="tile-problem" data-testid="tile-problem" role="alert">
                    {move || p.message(i18n.get_locale())}
                </p>
            })}
            <button class="stats-toggle" data-testid="stats-toggle" aria-label=move || t_string!(i18n, room.stats_label)
                aria-pressed=move || show_stats.get().to_string()
                on:click=move |_| show_stats.update(|s| *s = !*s)>"i"</button>
            {move || show_stats.get().then(|| view! { <StatsPanel stats=tile.stats/> })}
            <TileCaption tile=tile.clone()/>
        </figure>
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

/// Name, microphone and presenting badges, and the connection state.
#[component]
fn TileCaption(tile: Tile) -> impl IntoView {
    let i18n = use_i18n();
    let state = tile.state;
    view! {
        <figcaption>
            {move || (!tile.audio_on.get()).then(|| view! {
                <span class="muted" data-testid="tile-muted" role="img"
                    aria-label=move || t_string!(i18n, room.tile_mic_off)>"🔇"</span>
            })}
            {move || tile.screen.get().then(|| view! {
                <span class="badge-share" data-testid="tile-screen">{t!(i18n, room.tile_presenting)}</span>
            })}
            <span class="name">{tile.name.clone()}</span>
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
