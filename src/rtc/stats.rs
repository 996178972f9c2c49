//! Reads an `RTCStatsReport` (W3C webrtc-stats) into the plain [`StatsSample`] that
//! `call::quality` turns into rates, a quality level and a history.

use crate::call::quality::{CandidateType, StatsSample};
use js_sys::Reflect;
use std::collections::HashMap;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::RtcPeerConnection;

fn num(obj: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(obj, &JsValue::from_str(key)).ok().and_then(|v| v.as_f64())
}

fn text(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &JsValue::from_str(key)).ok().and_then(|v| v.as_string())
}

/// One getStats() call, summarised. `at` is the caller's monotonic time.
pub async fn sample(pc: &RtcPeerConnection, at: Duration) -> Result<StatsSample, JsValue> {
    let report = JsFuture::from(pc.get_stats()).await?;
    let mut by_id: HashMap<String, JsValue> = HashMap::new();
    let values =
        Reflect::get(&report, &JsValue::from_str("values"))?.dyn_into::<js_sys::Function>()?;
    let iter = values.call0(&report)?;
    for stat in js_sys::try_iter(&iter)?.into_iter().flatten().flatten() {
        if let Some(id) = text(&stat, "id") {
            by_id.insert(id, stat);
        }
    }
    let mut s = StatsSample { at, ..StatsSample::default() };
    let mut pair_id = None;
    for stat in by_id.values() {
        match text(stat, "type").as_deref() {
            Some("inbound-rtp") => {
                s.packets_received += num(stat, "packetsReceived").unwrap_or(0.0) as u64;
                s.packets_lost += num(stat, "packetsLost").unwrap_or(0.0) as i64;
                s.bytes_received += num(stat, "bytesReceived").unwrap_or(0.0) as u64;
                if text(stat, "kind").as_deref() == Some("video") {
                    s.jitter_s = num(stat, "jitter");
                    s.frames_decoded = num(stat, "framesDecoded").unwrap_or(0.0) as u64;
                    s.frame_width = num(stat, "frameWidth").map(|v| v as u32);
                    s.frame_height = num(stat, "frameHeight").map(|v| v as u32);
                    s.fps = num(stat, "framesPerSecond");
                    s.codec = text(stat, "codecId")
                        .and_then(|id| by_id.get(&id))
                        .and_then(|codec| text(codec, "mimeType"));
                }
            }
            Some("outbound-rtp") => s.bytes_sent += num(stat, "bytesSent").unwrap_or(0.0) as u64,
            Some("transport") => pair_id = text(stat, "selectedCandidatePairId"),
            _ => {}
        }
    }
    if let Some(pair) = pair_id.and_then(|id| by_id.get(&id)) {
        s.rtt_s = num(pair, "currentRoundTripTime");
        s.local_candidate = text(pair, "localCandidateId")
            .and_then(|id| by_id.get(&id))
            .and_then(|c| text(c, "candidateType"))
            .and_then(|t| CandidateType::parse(&t));
    }
    Ok(s)
}
