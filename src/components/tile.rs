//! A remote participant's tile: video, name, connection state, quality and a stats panel.

use super::game_panel::{ExpressionBars, TileScore};
use super::video::VideoView;
use crate::call::quality::Quality;
use crate::game::Scoreboard;
use crate::hooks::use_call::{Tile, TileStats};
use leptos::prelude::*;

/// Video, name and connection state of one remote participant.
#[component]
pub fn RemoteTile(
    /// The participant.
    tile: Tile,
    /// The game's scoreboard, for the score on the tile.
    board: RwSignal<Scoreboard>,
) -> impl IntoView {
    let id = tile.id;
    let speaking = crate::hooks::use_speaking::use_speaking(tile.stream.into());
    let state = tile.state;
    let peer = tile.id.to_string();
    let peer_attr = peer.clone();
    let show_stats = RwSignal::new(false);
    let quality = move || match tile.quality.get() {
        Some(Quality::Good) => "good",
        Some(Quality::Fair) => "fair",
        Some(Quality::Poor) => "poor",
        None => "measuring",
    };
    view! {
        <figure class="tile" data-testid="remote-tile" data-peer=peer_attr
            data-state=move || state.get().label()
            data-audio=move || if tile.audio_on.get() { "on" } else { "off" }
            data-video=move || if tile.video_on.get() { "on" } else { "off" }
            data-screen=move || if tile.screen.get() { "on" } else { "off" }
            data-speaking=move || speaking.get().to_string() class:speaking=move || speaking.get()>
            <VideoView stream=tile.stream testid="remote-video" peer=peer/>
            {move || (!tile.video_on.get()).then(|| view! {
                <div class="camera-off" data-testid="tile-camera-off">"Camera off"</div>
            })}
            <ExpressionBars reading=tile.reading/>
            <TileScore board peer=Signal::stored(Some(id))/>
            <span class="quality" data-testid="quality" data-quality=quality title="Call quality">
                {quality}
            </span>
            {move || tile.reconnecting.get().then(|| view! {
                <span class="badge warn" data-testid="tile-reconnecting">"Reconnecting…"</span>
            })}
            {move || tile.problem.get().map(|p| view! {
                <p class="tile-problem" data-testid="tile-problem" role="alert">{p}</p>
            })}
            <button class="stats-toggle" data-testid="stats-toggle" aria-label="Connection statistics"
                aria-pressed=move || show_stats.get().to_string()
                on:click=move |_| show_stats.update(|s| *s = !*s)>"i"</button>
            {move || show_stats.get().then(|| view! { <StatsPanel stats=tile.stats/> })}
            <figcaption>
                {move || (!tile.audio_on.get()).then(|| view! {
                    <span class="muted" data-testid="tile-muted" role="img" aria-label="Microphone off">"🔇"</span>
                })}
                {move || tile.screen.get().then(|| view! {
                    <span class="badge-share" data-testid="tile-screen">"🖥 Presenting"</span>
                })}
                <span class="name">{tile.name.clone()}</span>
                <span class="state" data-testid="peer-state">{move || state.get().label()}</span>
            </figcaption>
        </figure>
    }
}

/// The numbers behind the quality badge, with 60-second sparklines.
#[component]
fn StatsPanel(stats: RwSignal<Option<TileStats>>) -> impl IntoView {
    let s = move || stats.get().unwrap_or_default();
    let opt = |v: Option<f64>, unit: &str| {
        v.map(|v| format!("{v:.0} {unit}")).unwrap_or_else(|| "–".into())
    };
    view! {
        <div class="stats-panel" data-testid="stats"
            data-candidate-type=move || s().candidate.unwrap_or_default()>
            <dl>
                <dt>"RTT"</dt><dd>{move || opt(s().rtt_ms, "ms")}</dd>
                <dt>"Loss"</dt><dd>{move || s().loss_pct.map(|l| format!("{l:.1} %")).unwrap_or_else(|| "–".into())}</dd>
                <dt>"Jitter"</dt><dd>{move || opt(s().jitter_ms, "ms")}</dd>
                <dt>"In / out"</dt><dd data-testid="bitrate">{move || format!("{:.0} / {:.0} kbps", s().in_kbps, s().out_kbps)}</dd>
                <dt>"Video"</dt><dd data-testid="video-size">{move || match s().resolution {
                    Some((w, h)) => format!("{w}×{h} @ {:.0} fps", s().fps),
                    None => "–".into(),
                }}</dd>
                <dt>"Codec"</dt><dd>{move || s().codec.unwrap_or_else(|| "–".into())}</dd>
                <dt>"Route"</dt><dd data-testid="candidate-type">{move || s().candidate.unwrap_or_else(|| "–".into())}</dd>
            </dl>
            <svg class="spark" viewBox="0 0 120 28" role="img" aria-label="Bitrate, last 60 s">
                <polyline class="kbps" points=move || s().spark_kbps/>
            </svg>
            <svg class="spark" viewBox="0 0 120 28" role="img" aria-label="Round-trip time, last 60 s">
                <polyline class="rtt" points=move || s().spark_rtt/>
            </svg>
        </div>
    }
}
