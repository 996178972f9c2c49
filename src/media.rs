//! Camera and microphone problems as data: what went wrong and what the user can do about it.
//!
//! Names follow the `DOMException` names of Media Capture and Streams §10 (getUserMedia errors).
//! The browser side maps a rejected `getUserMedia` to a [`MediaError`]; the page renders it.

use serde::{Deserialize, Serialize};

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

    /// Short headline for the page.
    pub fn title(&self) -> &'static str {
        match self {
            Self::NotAllowed => "Camera and microphone are blocked",
            Self::NotFound => "No camera or microphone found",
            Self::NotReadable => "Your camera or microphone is busy",
            Self::Overconstrained => "Your camera cannot provide the requested video",
            Self::InsecureContext => "This page needs a secure connection",
            Self::Other(_) => "Camera or microphone failed",
        }
    }

    /// What the user can do.
    pub fn advice(&self) -> String {
        match self {
            Self::NotAllowed => {
                "Allow camera and microphone for this site (the camera icon in the \
                address bar, or the browser's site settings), then press Try again. You can also \
                join without them and just watch and listen."
                    .into()
            }
            Self::NotFound => "Plug in a camera or microphone and press Try again, or join \
                without them."
                .into(),
            Self::NotReadable => "Close other apps or tabs that use the camera (video calls, \
                camera apps), then press Try again."
                .into(),
            Self::Overconstrained => "Pick another camera, or press Try again to use the default \
                settings."
                .into(),
            Self::InsecureContext => "Browsers only share cameras with HTTPS pages or localhost. \
                Open this room over https:// (or on localhost). You can still join to watch and \
                listen."
                .into(),
            Self::Other(name) => format!(
                "The browser reported {name}. Press Try again, or join \
                without camera and microphone."
            ),
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

    #[test]
    fn every_error_has_advice() {
        for e in [
            MediaError::NotAllowed,
            MediaError::NotFound,
            MediaError::NotReadable,
            MediaError::Overconstrained,
            MediaError::InsecureContext,
            MediaError::Other("X".into()),
        ] {
            assert!(!e.title().is_empty());
            assert!(e.advice().len() > 20);
        }
    }
}
