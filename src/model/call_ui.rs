//! The call's UI model: what a page shows about a call (phase, tiles, local media, video cap)
//! and [`CallUi`], the signals the browser layer (`rtc`) writes and the hooks hand to views.
//! Plain types and signals only: no browser object is touched here.

pub use super::game_ui::GameUi;
pub use super::host_ui::{DoorClosed, HostUi};
pub use super::transfer_ui::Transfer;
use crate::call::chat::ChatLog;
use crate::game::Reading;
use crate::i18n::*;
use crate::media::MediaError;
use crate::protocol::{PeerId, Reaction};
use leptos::prelude::*;

/// A `MediaStream` that can sit in a signal. Only ever constructed in the browser.
#[cfg(feature = "hydrate")]
pub type StreamRef = send_wrapper::SendWrapper<web_sys::MediaStream>;
/// A `MediaStream` that can sit in a signal. Only ever constructed in the browser.
#[cfg(not(feature = "hydrate"))]
#[derive(Clone, Debug)]
pub struct StreamRef(());

/// `RTCPeerConnection.connectionState`, as shown on a tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerState {
    /// Created, nothing exchanged yet.
    New,
    /// ICE/DTLS in progress.
    Connecting,
    /// Media can flow.
    Connected,
    /// Connectivity lost for now; ICE may recover.
    Disconnected,
    /// ICE gave up.
    Failed,
    /// Closed.
    Closed,
}

impl PeerState {
    /// The tile's `data-state`: the spec's name, the same in every language.
    pub fn key(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Connecting => "connecting",
            Self::Connected => "connected",
            Self::Disconnected => "disconnected",
            Self::Failed => "failed",
            Self::Closed => "closed",
        }
    }

    /// Text shown on the tile, in `locale`.
    pub fn text(self, locale: Locale) -> &'static str {
        match self {
            Self::New => td_string!(locale, room.state_new),
            Self::Connecting => td_string!(locale, room.state_connecting),
            Self::Connected => td_string!(locale, room.state_connected),
            Self::Disconnected => td_string!(locale, room.state_disconnected),
            Self::Failed => td_string!(locale, room.state_failed),
            Self::Closed => td_string!(locale, room.state_closed),
        }
    }
}

/// A problem with one participant's connection worth telling the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TileProblem {
    /// ICE recovery gave up.
    Lost,
    /// The TURN server answered 401 or 403 to our credentials.
    RelayRefused,
}

impl TileProblem {
    /// The sentence shown on the tile, in `locale`.
    pub fn message(self, locale: Locale) -> &'static str {
        match self {
            Self::Lost => td_string!(locale, room.problem_lost),
            Self::RelayRefused => td_string!(locale, room.problem_relay_refused),
        }
    }
}

/// What the stats panel of a tile shows (from getStats, once a second).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TileStats {
    /// Round-trip time of the selected candidate pair.
    pub rtt_ms: Option<f64>,
    /// Packets lost over the last second, in percent.
    pub loss_pct: Option<f64>,
    /// Inbound jitter.
    pub jitter_ms: Option<f64>,
    /// Received bitrate.
    pub in_kbps: f64,
    /// Sent bitrate.
    pub out_kbps: f64,
    /// Received video resolution.
    pub resolution: Option<(u32, u32)>,
    /// Received video frames per second.
    pub fps: f64,
    /// Received video codec (MIME type).
    pub codec: Option<String>,
    /// Local candidate type of the selected pair: host, srflx, prflx or relay.
    pub candidate: Option<String>,
    /// SVG polyline points of the last 60 s of received bitrate.
    pub spark_kbps: String,
    /// SVG polyline points of the last 60 s of round-trip time.
    pub spark_rtt: String,
}

/// One remote participant's tile.
#[derive(Clone, Debug)]
pub struct Tile {
    /// Their id.
    pub id: PeerId,
    /// Their display name.
    pub name: String,
    /// Connection state.
    pub state: RwSignal<PeerState>,
    /// Their media, once the first track arrived.
    pub stream: RwSignal<Option<StreamRef>>,
    /// The connection is being recovered (ICE restart in progress).
    pub reconnecting: RwSignal<bool>,
    /// Call quality: good, fair or poor (from loss and RTT).
    pub quality: RwSignal<Option<crate::call::quality::Quality>>,
    /// Latest stats.
    pub stats: RwSignal<Option<TileStats>>,
    /// A problem worth telling the user (relay refused, recovery given up).
    pub problem: RwSignal<Option<TileProblem>>,
    /// Their latest face reading, relayed by the server (game overlay).
    pub reading: RwSignal<Option<Reading>>,
    /// Their microphone is on (as they told the server).
    pub audio_on: RwSignal<bool>,
    /// Their camera is on.
    pub video_on: RwSignal<bool>,
    /// Their video is a shared screen.
    pub screen: RwSignal<bool>,
    /// Owns the signals above, so they go when the tile goes (see [`Tile::dispose`]), not
    /// when the call ends.
    owner: Owner,
}

impl Tile {
    /// A fresh tile for a participant.
    pub fn new(id: PeerId, name: String) -> Self {
        let owner = Owner::new();
        owner.clone().with(|| Self {
            owner,
            id,
            name,
            state: RwSignal::new(PeerState::New),
            stream: RwSignal::new(None),
            reconnecting: RwSignal::new(false),
            quality: RwSignal::new(None),
            stats: RwSignal::new(None),
            problem: RwSignal::new(None),
            reading: RwSignal::new(None),
            audio_on: RwSignal::new(true),
            video_on: RwSignal::new(true),
            screen: RwSignal::new(false),
        })
    }

    /// Frees the tile's signals. Call it once the tile's view is gone (after the update that
    /// removed it from the list has rendered): a view still reading them would panic.
    pub fn dispose(self) {
        self.owner.cleanup();
    }
}

/// Outgoing video limits, applied with `RTCRtpSender.setParameters` (no renegotiation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoCap {
    /// Browser default.
    Auto,
    /// 1.5 Mbps, full resolution.
    High,
    /// 500 kbps, half resolution.
    Medium,
    /// 150 kbps, quarter resolution.
    Low,
}

impl VideoCap {
    /// All choices, for the settings menu.
    pub const ALL: [VideoCap; 4] = [Self::Auto, Self::High, Self::Medium, Self::Low];

    /// `(maxBitrate in bit/s, scaleResolutionDownBy)`, or `None` for no limit.
    pub fn limits(self) -> Option<(u32, f64)> {
        match self {
            Self::Auto => None,
            Self::High => Some((1_500_000, 1.0)),
            Self::Medium => Some((500_000, 2.0)),
            Self::Low => Some((150_000, 4.0)),
        }
    }

    /// Value in the settings menu.
    pub fn key(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }

    /// Label in the settings menu, in `locale`.
    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Self::Auto => td_string!(locale, room.cap_auto),
            Self::High => td_string!(locale, room.cap_high),
            Self::Medium => td_string!(locale, room.cap_medium),
            Self::Low => td_string!(locale, room.cap_low),
        }
    }

    /// The choice with that menu value.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// Where the user is in the life of a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Preview and name field.
    PreJoin,
    /// Join sent, waiting for the seat.
    Joining,
    /// The room uses knock-to-enter: waiting for the host to answer.
    Knocking,
    /// Seated.
    InCall,
    /// The room has no free seat.
    RoomFull,
    /// The user left.
    Left,
    /// Something the user must know about (name refused, room taken over by another tab).
    Error(CallError),
}

/// Why a call stopped with a message, rather than going on or reconnecting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The server refused the display name (`ErrorCode::BadName`).
    BadName,
    /// The server gave our seat to another connection of ours: the room was opened again in
    /// another tab or window.
    OpenedElsewhere,
    /// The room's door: locked, knock declined, removed by the host.
    Door(DoorClosed),
}

impl CallError {
    /// The explanation shown on the page, in `locale`.
    pub fn message(self, locale: Locale) -> String {
        match self {
            Self::BadName => {
                td_string!(locale, room.error_bad_name, max = crate::protocol::MAX_NAME_CHARS)
                    .to_string()
            }
            Self::OpenedElsewhere => td_string!(locale, room.error_opened_elsewhere).to_string(),
            Self::Door(door) => door.message(locale).to_string(),
        }
    }

    /// The heading of the page, in `locale`.
    pub fn heading(self, locale: Locale) -> &'static str {
        match self {
            Self::Door(door) => door.heading(locale),
            Self::BadName | Self::OpenedElsewhere => td_string!(locale, room.error_heading),
        }
    }

    /// A stable name for the page's `data-code`.
    pub fn key(self) -> &'static str {
        match self {
            Self::BadName => "bad_name",
            Self::OpenedElsewhere => "opened_elsewhere",
            Self::Door(door) => door.key(),
        }
    }
}

/// The local camera/microphone.
#[derive(Clone, Debug)]
pub enum LocalMedia {
    /// Still asking the browser.
    Pending,
    /// A stream: camera and microphone, or microphone only when `camera_error` says why.
    Ready {
        /// The stream.
        stream: StreamRef,
        /// Why there is no video, if the camera failed and the microphone worked.
        camera_error: Option<MediaError>,
    },
    /// Nothing could be opened.
    Failed(MediaError),
    /// The user chose to join without camera and microphone.
    Off,
}

/// The signals the browser side writes to.
#[derive(Clone, Copy)]
pub struct CallUi {
    /// Where the user is.
    pub phase: RwSignal<Phase>,
    /// The local media.
    pub local: RwSignal<LocalMedia>,
    /// Remote participants, in join order.
    pub tiles: RwSignal<Vec<Tile>>,
    /// Our own id once seated.
    pub me: RwSignal<Option<PeerId>>,
    /// Signaling or a peer connection is being recovered.
    pub reconnecting: RwSignal<bool>,
    /// Outgoing video limit.
    pub video_cap: RwSignal<VideoCap>,
    /// The room's game.
    pub game: GameUi,
    /// The room's door: host, settings, knocks, password prompt.
    pub host: HostUi,
    /// This visit's chat.
    pub chat: RwSignal<ChatLog>,
    /// The side panel open beside the stage (a bottom sheet on a phone).
    pub panel: RwSignal<Panel>,
    /// The settings dialog is open.
    pub settings_open: RwSignal<bool>,
    /// The tile pinned large by this user, if any.
    pub pinned: RwSignal<Option<Who>>,
    /// Speaker view: the active speaker large (else every tile the same size).
    pub speaker_view: RwSignal<bool>,
    /// Who spoke last.
    pub active: RwSignal<Option<Who>>,
    /// Our hand is raised.
    pub hand_up: RwSignal<bool>,
    /// The others whose hand is raised.
    pub hands: RwSignal<Vec<PeerId>>,
    /// Reactions floating over tiles now.
    pub reactions: RwSignal<Vec<Floating>>,
    /// File transfers of this visit.
    pub files: RwSignal<Vec<Transfer>>,
    /// Why the last file could not be sent.
    pub file_error: RwSignal<Option<crate::call::transfer::FileError>>,
    /// Our microphone is on (unmuted).
    pub mic_on: RwSignal<bool>,
    /// Our camera is on.
    pub cam_on: RwSignal<bool>,
    /// We are sharing our screen.
    pub sharing: RwSignal<bool>,
    /// The speaker chosen for remote sound (a device id), if any.
    pub speaker: RwSignal<Option<String>>,
}

impl CallUi {
    /// A call before Join: previewing, microphone and camera on, nobody else here.
    pub fn new() -> Self {
        Self {
            phase: RwSignal::new(Phase::PreJoin),
            local: RwSignal::new(LocalMedia::Pending),
            tiles: RwSignal::new(Vec::new()),
            me: RwSignal::new(None),
            reconnecting: RwSignal::new(false),
            video_cap: RwSignal::new(VideoCap::Auto),
            game: GameUi::new(),
            host: HostUi::new(),
            mic_on: RwSignal::new(true),
            cam_on: RwSignal::new(true),
            sharing: RwSignal::new(false),
            speaker: RwSignal::new(None),
            chat: RwSignal::new(ChatLog::default()),
            panel: RwSignal::new(Panel::Closed),
            settings_open: RwSignal::new(false),
            pinned: RwSignal::new(None),
            speaker_view: RwSignal::new(false),
            active: RwSignal::new(None),
            hand_up: RwSignal::new(false),
            hands: RwSignal::new(Vec::new()),
            reactions: RwSignal::new(Vec::new()),
            files: RwSignal::new(Vec::new()),
            file_error: RwSignal::new(None),
        }
    }
}

impl CallUi {
    /// The chat is what the side panel shows.
    pub fn chat_open(&self) -> bool {
        self.panel.get_untracked() == Panel::Chat
    }

    /// Shows a reaction over `who`'s tile; returns its number, for taking it down later.
    pub fn show_reaction(&self, who: Who, reaction: Reaction) -> u64 {
        let mut n = 0;
        self.reactions.update(|list| {
            n = list.last().map_or(1, |f| f.n + 1);
            list.push(Floating { n, who, reaction });
            let excess = list.len().saturating_sub(MAX_FLOATING);
            list.drain(..excess);
        });
        n
    }

    /// Takes reaction `n` down (nothing if the call's page is gone).
    pub fn drop_reaction(&self, n: u64) {
        self.reactions.try_update(|list| list.retain(|f| f.n != n));
    }

    /// `peer` raised or lowered their hand.
    pub fn set_hand(&self, peer: PeerId, up: bool) {
        self.hands.update(|hands| {
            hands.retain(|&p| p != peer);
            if up {
                hands.push(peer);
            }
        });
    }
}

/// Reactions on screen at once; older ones are taken down early.
const MAX_FLOATING: usize = 24;

/// The side panel beside the stage: one at a time, as in Meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// None: the stage has the whole width.
    Closed,
    /// The game: mode, Ready, scoreboard, results.
    Game,
    /// Chat and files.
    Chat,
    /// Everyone in the call, the invite link and the host's controls.
    People,
}

impl Panel {
    /// Its name in `data-panel`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Game => "game",
            Self::Chat => "chat",
            Self::People => "people",
        }
    }
}

/// A tile's owner: us, or a remote participant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Who {
    /// Our own tile.
    Me,
    /// A remote participant.
    Peer(PeerId),
}

/// A reaction floating over a tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Floating {
    /// Its number in this visit.
    pub n: u64,
    /// Over whose tile.
    pub who: Who,
    /// Which.
    pub reaction: Reaction,
}

/// One or two letters standing for a name on a tile whose camera is off: the first letters of
/// its first two words ("Ann Lee" → "AL"), or one syllable for a Korean, Chinese or Japanese
/// name ("김 보라" → "김"), or the first character of anything else.
pub fn initials(name: &str) -> String {
    let mut words = name.split_whitespace().filter_map(|w| w.chars().next());
    let first = words.next();
    let letters = |c: &char| c.is_alphabetic() && !is_cjk(*c);
    let second = words.next().filter(|_| first.as_ref().is_some_and(letters)).filter(letters);
    first.into_iter().chain(second).flat_map(char::to_uppercase).collect()
}

/// Hangul, kana and CJK ideographs: scripts whose names take one character as initials.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{11FF}' | '\u{3040}'..='\u{30FF}' | '\u{3130}'..='\u{318F}'
        | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}')
}

impl Default for CallUi {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_cap_labels_in_both_languages() {
        assert_eq!(VideoCap::High.label(Locale::en), "High (1.5 Mbps)");
        assert_eq!(VideoCap::Low.label(Locale::ko), "낮음 (150kbps, ¼ 해상도)");
        for cap in VideoCap::ALL {
            assert_ne!(cap.label(Locale::en), cap.label(Locale::ko));
            assert_eq!(VideoCap::from_key(cap.key()), Some(cap));
        }
    }

    #[test]
    fn peer_state_keeps_its_key_and_translates_its_text() {
        assert_eq!(PeerState::Connected.key(), "connected");
        // The end-to-end tests read the English text of a connected tile.
        assert_eq!(PeerState::Connected.text(Locale::en), "connected");
        assert_eq!(PeerState::Connected.text(Locale::ko), "연결됨");
    }

    #[test]
    fn initials_of_latin_korean_and_odd_names() {
        assert_eq!(initials("Ann Lee"), "AL");
        assert_eq!(initials("bo"), "B");
        assert_eq!(initials("보라"), "보");
        assert_eq!(initials("김 보라"), "김");
        assert_eq!(initials("  "), "");
        assert_eq!(initials("Émile zola jr"), "ÉZ");
        assert_eq!(initials("😀 fan"), "😀");
    }

    #[test]
    fn reactions_float_in_order_and_old_ones_go_first() {
        let owner = Owner::new();
        owner.with(|| {
            let ui = CallUi::new();
            let first = ui.show_reaction(Who::Me, Reaction::Joy);
            let second = ui.show_reaction(Who::Peer(PeerId(3)), Reaction::Clap);
            assert!(second > first);
            ui.drop_reaction(first);
            assert_eq!(
                ui.reactions.with_untracked(|r| r.iter().map(|f| f.n).collect::<Vec<_>>()),
                [second]
            );
            for _ in 0..40 {
                ui.show_reaction(Who::Me, Reaction::Heart);
            }
            assert_eq!(ui.reactions.with_untracked(Vec::len), MAX_FLOATING);
            ui.set_hand(PeerId(3), true);
            ui.set_hand(PeerId(4), true);
            ui.set_hand(PeerId(3), false);
            assert_eq!(ui.hands.get_untracked(), [PeerId(4)]);
        });
    }

    #[test]
    fn call_errors_and_tile_problems_in_both_languages() {
        let bad_name = CallError::BadName.message(Locale::en);
        assert!(bad_name.contains("1 to 40 printable characters"), "{bad_name}");
        assert!(CallError::BadName.message(Locale::ko).contains("1~40자"));
        assert_eq!(
            CallError::OpenedElsewhere.message(Locale::en),
            "This room was opened again in another tab or window."
        );
        assert!(CallError::OpenedElsewhere.message(Locale::ko).contains("다른 탭이나 창"));
        assert!(TileProblem::RelayRefused.message(Locale::en).contains("refused"));
        assert!(TileProblem::RelayRefused.message(Locale::ko).contains("TURN"));
        assert!(TileProblem::Lost.message(Locale::ko).contains("복구하지 못했습니다"));
    }
}
