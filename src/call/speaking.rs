//! Who is speaking, from the audio level of a stream: an RMS level with a threshold, an optional
//! attack (to ignore clicks) and a hold, so the indicator does not flicker between syllables.

use std::time::Duration;

/// Tunables of [`SpeakingDetector`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpeakingConfig {
    /// RMS (0..1) at or above which a sample counts as voice.
    pub threshold: f32,
    /// How long the level must stay up before "speaking" shows.
    pub attack: Duration,
    /// How long "speaking" stays after the level dropped.
    pub hold: Duration,
}

impl Default for SpeakingConfig {
    fn default() -> Self {
        Self {
            threshold: 0.02,
            // Like Meet: light at once. (Chromium's fake microphone only beeps 50 ms at a time.)
            attack: Duration::ZERO,
            hold: Duration::from_millis(600),
        }
    }
}

/// Turns level samples into a speaking flag.
#[derive(Clone, Debug, Default)]
pub struct SpeakingDetector {
    config: SpeakingConfig,
    loud_since: Option<Duration>,
    last_loud: Option<Duration>,
    speaking: bool,
}

impl SpeakingDetector {
    /// A quiet detector.
    pub fn new(config: SpeakingConfig) -> Self {
        Self { config, ..Self::default() }
    }

    /// Feeds the RMS of the samples at `now`; returns whether the person is speaking.
    pub fn sample(&mut self, now: Duration, rms: f32) -> bool {
        if rms.is_finite() && rms >= self.config.threshold {
            let since = *self.loud_since.get_or_insert(now);
            self.last_loud = Some(now);
            if now.saturating_sub(since) >= self.config.attack {
                self.speaking = true;
            }
        } else {
            self.loud_since = None;
            let quiet_for = self.last_loud.map_or(Duration::MAX, |t| now.saturating_sub(t));
            if quiet_for > self.config.hold {
                self.speaking = false;
            }
        }
        self.speaking
    }
}

/// Root mean square of audio samples in -1..1.
pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt()
}

/// A meter's reading of an RMS level: 0 at -60 dBFS or below, 1 at full scale, linear in dB
/// between (as a level meter reads).
pub fn level(rms: f32) -> f64 {
    if rms <= 0.0 {
        return 0.0;
    }
    let db = 20.0 * f64::from(rms).log10();
    ((db + 60.0) / 60.0).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_reads_decibels() {
        assert_eq!(level(0.0), 0.0);
        assert_eq!(level(1e-4), 0.0);
        assert!((level(1.0) - 1.0).abs() < 1e-9);
        assert!(level(0.001) < 1e-6, "-60 dBFS reads as silence");
        assert!((level(0.0316) - 0.5).abs() < 0.01, "-30 dBFS is half way");
        assert!(level(0.1) > level(0.05));
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn with_attack() -> SpeakingConfig {
        SpeakingConfig { attack: ms(100), ..SpeakingConfig::default() }
    }

    #[test]
    fn by_default_one_loud_sample_lights_it_for_the_hold() {
        let mut d = SpeakingDetector::new(SpeakingConfig::default());
        assert!(!d.sample(ms(0), 0.0));
        assert!(d.sample(ms(50), 0.2));
        assert!(d.sample(ms(500), 0.0));
        assert!(!d.sample(ms(700), 0.0));
    }

    #[test]
    fn speaking_needs_the_level_held_for_the_attack_time() {
        let mut d = SpeakingDetector::new(with_attack());
        assert!(!d.sample(ms(0), 0.2));
        assert!(!d.sample(ms(50), 0.2));
        assert!(d.sample(ms(100), 0.2));
    }

    #[test]
    fn a_click_does_not_light_it_and_pauses_between_words_do_not_clear_it() {
        let mut d = SpeakingDetector::new(with_attack());
        assert!(!d.sample(ms(0), 0.5));
        assert!(!d.sample(ms(50), 0.0), "one loud sample is a click");
        assert!(!d.sample(ms(100), 0.3));
        assert!(d.sample(ms(200), 0.3));
        assert!(d.sample(ms(500), 0.0), "a short pause keeps it");
        assert!(d.sample(ms(800), 0.0));
        assert!(!d.sample(ms(900), 0.0), "silence longer than the hold clears it");
        assert!(!d.sample(ms(950), f32::NAN));
    }

    #[test]
    fn rms_of_a_square_wave_is_its_amplitude() {
        assert!((rms(&[0.5, -0.5, 0.5, -0.5]) - 0.5).abs() < 1e-6);
        assert_eq!(rms(&[]), 0.0);
    }
}
