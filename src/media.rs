//! Camera and microphone problems as data: what went wrong and what the user can do about it.
//!
//! Names follow the `DOMException` names of Media Capture and Streams §10 (getUserMedia errors).
//! The browser side maps a rejected `getUserMedia` to a [`MediaError`]; the page renders it in the
//! user's language ([`MediaError::title`], [`MediaError::advice`]).

use crate::i18n::*;
use serde::{Deserialize, Serialize};

/// The two kinds of track a call sends (`MediaStreamTrack.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    /// A microphone.
    Audio,
    /// A camera (or a shared screen).
    Video,
}

impl MediaKind {
    /// The browser's name for it: `"audio"` or `"video"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Audio => "audio",
            Self::Video => "video",
        }
    }

    /// The kind of a track the browser names `kind`.
    pub fn of_track(kind: &str) -> Option<Self> {
        [Self::Audio, Self::Video].into_iter().find(|k| k.as_str() == kind)
    }
}

/// The devices a person can pick: `MediaDeviceInfo.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceKind {
    /// `videoinput`.
    Camera,
    /// `audioinput`.
    Microphone,
    /// `audiooutput`.
    Speaker,
}

impl DeviceKind {
    /// The track a pick of this kind replaces (`None` for a speaker: it plays, it sends nothing).
    pub const fn track(self) -> Option<MediaKind> {
        match self {
            Self::Camera => Some(MediaKind::Video),
            Self::Microphone => Some(MediaKind::Audio),
            Self::Speaker => None,
        }
    }
}

/// Why the camera or microphone could not be opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MediaError {
    /// The user or the browser's settings denied permission (`NotAllowedError`).
    NotAllowed,
    /// No camera or microphone exists (`NotFoundError`).
    NotFound,
    /// The device exists but another program holds it, or the OS refused (`NotReadableError`).
    NotReadable,
    /// No device satisfies the requested constraints (`OverconstrainedError`).
    Overconstrained,
    /// The page is not a secure context (not HTTPS, not localhost): no `mediaDevices` at all.
    InsecureContext,
    /// Anything else, with the browser's name for it.
    Other(String),
}

impl MediaError {
    /// Maps a `DOMException.name` to the error.
    pub fn from_dom_name(name: &str) -> Self {
        match name {
            "NotAllowedError" | "PermissionDeniedError" | "SecurityError" => Self::NotAllowed,
            "NotFoundError" | "DevicesNotFoundError" => Self::NotFound,
            "NotReadableError" | "TrackStartError" | "AbortError" => Self::NotReadable,
            "OverconstrainedError" | "ConstraintNotSatisfiedError" => Self::Overconstrained,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Whether asking for the microphone alone may still work (the camera was the problem).
    pub fn audio_only_may_work(&self) -> bool {
        matches!(self, Self::NotFound | Self::NotReadable | Self::Overconstrained)
    }

    /// Short headline for the page, in `locale`.
    pub fn title(&self, locale: Locale) -> &'static str {
        match self {
            Self::NotAllowed => td_string!(locale, room.media_not_allowed_title),
            Self::NotFound => td_string!(locale, room.media_not_found_title),
            Self::NotReadable => td_string!(locale, room.media_not_readable_title),
            Self::Overconstrained => td_string!(locale, room.media_overconstrained_title),
            Self::InsecureContext => td_string!(locale, room.media_insecure_title),
            Self::Other(_) => td_string!(locale, room.media_other_title),
        }
    }

    /// What the user can do, in `locale`. The browser's own error name stays as it is.
    pub fn advice(&self, locale: Locale) -> String {
        match self {
            Self::NotAllowed => td_string!(locale, room.media_not_allowed_advice).to_string(),
            Self::NotFound => td_string!(locale, room.media_not_found_advice).to_string(),
            Self::NotReadable => td_string!(locale, room.media_not_readable_advice).to_string(),
            Self::Overconstrained => {
                td_string!(locale, room.media_overconstrained_advice).to_string()
            }
            Self::InsecureContext => td_string!(locale, room.media_insecure_advice).to_string(),
            Self::Other(name) => td_string!(locale, room.media_other_advice, name).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dom_names_map_to_errors() {
        assert_eq!(MediaError::from_dom_name("NotAllowedError"), MediaError::NotAllowed);
        assert_eq!(MediaError::from_dom_name("NotFoundError"), MediaError::NotFound);
        assert_eq!(MediaError::from_dom_name("NotReadableError"), MediaError::NotReadable);
        assert_eq!(MediaError::from_dom_name("OverconstrainedError"), MediaError::Overconstrained);
        assert_eq!(MediaError::from_dom_name("Weird"), MediaError::Other("Weird".into()));
    }

    #[test]
    fn audio_only_is_offered_only_when_the_camera_is_the_problem() {
        assert!(MediaError::NotFound.audio_only_may_work());
        assert!(MediaError::NotReadable.audio_only_may_work());
        assert!(!MediaError::NotAllowed.audio_only_may_work());
        assert!(!MediaError::InsecureContext.audio_only_may_work());
    }

    const ALL: [MediaError; 6] = [
        MediaError::NotAllowed,
        MediaError::NotFound,
        MediaError::NotReadable,
        MediaError::Overconstrained,
        MediaError::InsecureContext,
        MediaError::Other(String::new()),
    ];

    #[test]
    fn every_error_has_advice_in_every_language() {
        for locale in [Locale::en, Locale::ko] {
            for e in ALL {
                assert!(!e.title(locale).is_empty(), "{e:?} {locale:?}");
                assert!(e.advice(locale).chars().count() > 20, "{e:?} {locale:?}");
            }
        }
    }

    #[test]
    fn english_wording_is_what_the_end_to_end_tests_read() {
        let e = MediaError::NotAllowed;
        assert_eq!(e.title(Locale::en), "Camera and microphone are blocked");
        assert!(e.advice(Locale::en).starts_with("Allow camera and microphone for this site"));
    }

    #[test]
    fn korean_is_korean_and_keeps_the_browser_name() {
        assert_eq!(MediaError::NotAllowed.title(Locale::ko), "카메라와 마이크가 차단되었습니다");
        assert!(MediaError::NotFound.advice(Locale::ko).contains("[다시 시도]"));
        let other = MediaError::Other("WeirdError".into());
        assert!(other.advice(Locale::ko).contains("WeirdError"));
        assert!(other.advice(Locale::en).starts_with("The browser reported WeirdError."));
        for e in ALL {
            assert_ne!(e.title(Locale::ko), e.title(Locale::en));
            assert_ne!(e.advice(Locale::ko), e.advice(Locale::en));
        }
    }

    #[test]
    fn media_kinds_are_the_browsers_track_kinds() {
        for kind in [MediaKind::Audio, MediaKind::Video] {
            assert_eq!(MediaKind::of_track(kind.as_str()), Some(kind));
        }
        assert_eq!(MediaKind::of_track("data"), None);
        assert_eq!(DeviceKind::Camera.track(), Some(MediaKind::Video));
        assert_eq!(DeviceKind::Microphone.track(), Some(MediaKind::Audio));
        assert_eq!(DeviceKind::Speaker.track(), None);
    }
}
