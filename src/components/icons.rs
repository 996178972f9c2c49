//! Line icons for the call controls (drawn on a 24×24 grid, in the current text colour).
//! Decorative: the control's visible label, or its accessible name, says what it does.

use leptos::prelude::*;

/// The icons the call screen uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    /// Microphone on.
    Mic,
    /// Microphone off.
    MicOff,
    /// Camera on.
    Cam,
    /// Camera off.
    CamOff,
    /// Present a screen.
    Screen,
    /// Reactions.
    Smile,
    /// Raised hand.
    Hand,
    /// The game panel.
    Trophy,
    /// Chat.
    Chat,
    /// People.
    People,
    /// Settings.
    Gear,
    /// Leave the call.
    Hangup,
    /// Pin a tile.
    Pin,
    /// Full screen.
    Expand,
    /// Copy.
    Copy,
    /// Share.
    Share,
    /// Close.
    Close,
    /// Light theme.
    Sun,
    /// Dark theme.
    Moon,
}

impl Icon {
    /// The SVG body.
    fn paths(self) -> &'static str {
        match self {
            Self::Mic => {
                r#"<rect x="9" y="2" width="6" height="12" rx="3"/><path d="M5 10v1a7 7 0 0 0 14 0v-1M12 18v4M8 22h8"/>"#
            }
            Self::MicOff => {
                r#"<path d="M15 9.3V5a3 3 0 0 0-5.7-1.3M9 9v2a3 3 0 0 0 4.9 2.3M5 10v1a7 7 0 0 0 11.6 5.3M19 10v1c0 .8-.1 1.5-.4 2.2M12 18v4M8 22h8M2 2l20 20"/>"#
            }
            Self::Cam => {
                r#"<rect x="2" y="6" width="13" height="12" rx="2"/><path d="M15 10l7-4v12l-7-4z"/>"#
            }
            Self::CamOff => {
                r#"<path d="M10.7 6H13a2 2 0 0 1 2 2v2.3l1 1 6-4.3v10M15 15v1a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h2M2 2l20 20"/>"#
            }
            Self::Screen => {
                r#"<rect x="2" y="3" width="20" height="14" rx="2"/><path d="M8 21h8M12 17v4M9 10l3-3 3 3M12 7v6"/>"#
            }
            Self::Smile => {
                r#"<circle cx="12" cy="12" r="10"/><path d="M8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01"/>"#
            }
            Self::Hand => {
                r#"<path d="M18 11V6a2 2 0 0 0-4 0M14 10V4a2 2 0 0 0-4 0v2M10 10.5V6a2 2 0 0 0-4 0v8M18 8a2 2 0 1 1 4 0v6a8 8 0 0 1-8 8h-2c-2.8 0-4.5-.9-6-2.4l-3.6-3.6a2 2 0 0 1 2.8-2.8L7 15"/>"#
            }
            Self::Trophy => {
                r#"<path d="M8 21h8M12 17v4M7 4h10v5a5 5 0 0 1-10 0zM7 5H4v2a3 3 0 0 0 3 3M17 5h3v2a3 3 0 0 1-3 3"/>"#
            }
            Self::Chat => {
                r#"<path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/>"#
            }
            Self::People => {
                r#"<path d="M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2"/><circle cx="9" cy="7" r="4"/><path d="M23 21v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8"/>"#
            }
            Self::Gear => {
                r#"<circle cx="12" cy="12" r="3"/><path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z"/>"#
            }
            Self::Hangup => {
                r#"<path d="M2.5 14.5c5.3-4.7 13.7-4.7 19 0l-2.2 3.1-4.1-1.3v-2.7a11 11 0 0 0-6.4 0v2.7l-4.1 1.3z"/>"#
            }
            Self::Pin => {
                r#"<path d="M12 17v5M5 17h14v-1.8a2 2 0 0 0-1.1-1.8l-1.8-.9A2 2 0 0 1 15 10.8V6h1a2 2 0 0 0 0-4H8a2 2 0 0 0 0 4h1v4.8a2 2 0 0 1-1.1 1.7l-1.8.9A2 2 0 0 0 5 15.2z"/>"#
            }
            Self::Expand => {
                r#"<path d="M8 3H5a2 2 0 0 0-2 2v3M21 8V5a2 2 0 0 0-2-2h-3M16 21h3a2 2 0 0 0 2-2v-3M3 16v3a2 2 0 0 0 2 2h3"/>"#
            }
            Self::Copy => {
                r#"<rect x="9" y="9" width="13" height="13" rx="2"/><path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1"/>"#
            }
            Self::Share => {
                r#"<circle cx="18" cy="5" r="3"/><circle cx="6" cy="12" r="3"/><circle cx="18" cy="19" r="3"/><path d="M8.6 13.5l6.8 4M15.4 6.5l-6.8 4"/>"#
            }
            Self::Close => r#"<path d="M18 6L6 18M6 6l12 12"/>"#,
            Self::Sun => {
                r#"<circle cx="12" cy="12" r="5"/><path d="M12 1v2M12 21v2M4.2 4.2l1.4 1.4M18.4 18.4l1.4 1.4M1 12h2M21 12h2M4.2 19.8l1.4-1.4M18.4 5.6l1.4-1.4"/>"#
            }
            Self::Moon => r#"<path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z"/>"#,
        }
    }
}

/// An icon, hidden from assistive technology.
#[component]
pub fn Svg(icon: Icon) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"
            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"
            inner_html=icon.paths()></svg>
    }
}
