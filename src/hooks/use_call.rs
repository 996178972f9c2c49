//! `use_call(room)`: everything the room page needs from a call, as Send-able signals and
//! callbacks (the leptos-use hook shape). The browser objects live in `rtc::Call`, created only
//! after hydration and released when the page's owner is disposed.

pub use super::files_ui::{FileRef, Transfer, TransferState};
pub use super::game_ui::GameUi;
pub use super::host_ui::{DoorClosed, HostAction, HostUi, JoinRequest};
use crate::call::chat::ChatLog;
use crate::game::Reading;
use crate::i18n::*;
use crate::media::MediaError;
use crate::protocol::{ClientMsg, PeerId, RoomId};
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
}

impl Tile {
    /// A fresh tile for a participant.
    pub fn new(id: PeerId, name: String) -> Self {
        Self {
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
        }
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

/// Signals and actions of a call.
#[derive(Clone, Copy)]
pub struct UseCallReturn {
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
    /// What the host panel asks of the server (refused unless we are the host).
    pub host_action: Callback<HostAction>,
    /// This visit's chat.
    pub chat: RwSignal<ChatLog>,
    /// The chat panel is open.
    pub chat_open: RwSignal<bool>,
    /// File transfers of this visit.
    pub files: RwSignal<Vec<Transfer>>,
    /// Why the last file could not be sent.
    pub file_error: RwSignal<Option<crate::call::files::FileError>>,
    /// Sends a file to everyone (`None`) or to one person.
    pub send_file: Callback<(FileRef, Option<PeerId>)>,
    /// Cancels a transfer by key.
    pub cancel_file: Callback<u64>,
    /// Sends a chat message (checked with `call::chat::check_outgoing`) to everyone connected.
    pub send_chat: Callback<String>,
    /// Our microphone is on (unmuted).
    pub mic_on: RwSignal<bool>,
    /// Our camera is on.
    pub cam_on: RwSignal<bool>,
    /// We are sharing our screen.
    pub sharing: RwSignal<bool>,
    /// Switches microphone (`"audio"`) or camera (`"video"`) to a device id.
    pub switch_device: Callback<(&'static str, String)>,
    /// Starts sharing the screen (getDisplayMedia), or stops and goes back to the camera.
    pub toggle_share: Callback<()>,
    /// Turns our microphone and camera on or off (`track.enabled`, no renegotiation); the
    /// others see the state on our tile.
    pub set_media: Callback<(bool, bool)>,
    /// Sends a game message (ready, start, mode, reading) on the signaling socket.
    pub send: Callback<ClientMsg>,
    /// Uploads the JPEG answering capture request `.0`.
    pub upload: Callback<(u64, Vec<u8>)>,
    /// Join under a display name (with the room password, when the page asked for it).
    pub join: Callback<JoinRequest>,
    /// Leave the room: closes every connection and stops every track.
    pub leave: Callback<()>,
    /// Ask for the camera and microphone again.
    pub retry_media: Callback<()>,
    /// Go on without camera and microphone (receive-only).
    pub media_off: Callback<()>,
}

/// Starts (in the browser) the call machinery for `room`.
pub fn use_call(room: RoomId) -> UseCallReturn {
    let ui = CallUi {
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
        chat: RwSignal::new(ChatLog::default()),
        chat_open: RwSignal::new(false),
        files: RwSignal::new(Vec::new()),
        file_error: RwSignal::new(None),
    };
    // In the browser each action goes to the running `Call`; on the server there is none, and
    // the actions do nothing (the page is only rendered there).
    #[cfg(feature = "hydrate")]
    let with = {
        use crate::rtc::call::Call;
        let call = StoredValue::new_local(None::<Call>);
        Effect::new(move |_| {
            if call.with_value(Option::is_none) {
                call.set_value(Some(Call::start(room.clone(), ui)));
            }
        });
        on_cleanup(move || call.set_value(None));
        move |f: &dyn Fn(&Call)| {
            call.with_value(|c| c.as_ref().map(f));
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = room;
    macro_rules! act {
        (|$c:ident, $arg:pat_param| $body:expr) => {{
            #[cfg(feature = "hydrate")]
            let action = Callback::new(move |$arg| with(&|$c| $body));
            #[cfg(not(feature = "hydrate"))]
            let action = Callback::new(|_| {});
            action
        }};
    }
    UseCallReturn {
        phase: ui.phase,
        local: ui.local,
        tiles: ui.tiles,
        me: ui.me,
        reconnecting: ui.reconnecting,
        video_cap: ui.video_cap,
        game: ui.game,
        host: ui.host,
        host_action: act!(|c, action| c.host_action(Clone::clone(&action))),
        chat: ui.chat,
        chat_open: ui.chat_open,
        files: ui.files,
        file_error: ui.file_error,
        mic_on: ui.mic_on,
        cam_on: ui.cam_on,
        sharing: ui.sharing,
        send_file: act!(|c, (file, to)| c.send_file(FileRef::take(Clone::clone(&file)), to)),
        cancel_file: act!(|c, key| c.cancel_file(key)),
        send_chat: act!(|c, text| c.send_chat(Clone::clone(&text))),
        toggle_share: act!(|c, _| c.toggle_share()),
        switch_device: act!(|c, (kind, id)| c.switch_device(kind, Clone::clone(&id))),
        set_media: act!(|c, (audio, video)| c.set_media(audio, video)),
        send: act!(|c, msg| c.send(Clone::clone(&msg))),
        upload: act!(|c, (request, jpeg)| c.upload_highlight(request, Clone::clone(&jpeg))),
        join: act!(|c, request| c.join(Clone::clone(&request))),
        leave: act!(|c, _| c.leave()),
        retry_media: act!(|c, _| c.open_media()),
        media_off: act!(|c, _| c.media_off()),
    }
}

/// The signals the browser side writes to.
#[derive(Clone, Copy)]
pub struct CallUi {
    /// See [`UseCallReturn::phase`].
    pub phase: RwSignal<Phase>,
    /// See [`UseCallReturn::local`].
    pub local: RwSignal<LocalMedia>,
    /// See [`UseCallReturn::tiles`].
    pub tiles: RwSignal<Vec<Tile>>,
    /// See [`UseCallReturn::me`].
    pub me: RwSignal<Option<PeerId>>,
    /// See [`UseCallReturn::reconnecting`].
    pub reconnecting: RwSignal<bool>,
    /// See [`UseCallReturn::video_cap`].
    pub video_cap: RwSignal<VideoCap>,
    /// See [`UseCallReturn::game`].
    pub game: GameUi,
    /// See [`UseCallReturn::host`].
    pub host: HostUi,
    /// See [`UseCallReturn::chat`].
    pub chat: RwSignal<ChatLog>,
    /// See [`UseCallReturn::chat_open`].
    pub chat_open: RwSignal<bool>,
    /// See [`UseCallReturn::files`].
    pub files: RwSignal<Vec<Transfer>>,
    /// See [`UseCallReturn::file_error`].
    pub file_error: RwSignal<Option<crate::call::files::FileError>>,
    /// See [`UseCallReturn::mic_on`].
    pub mic_on: RwSignal<bool>,
    /// See [`UseCallReturn::cam_on`].
    pub cam_on: RwSignal<bool>,
    /// See [`UseCallReturn::sharing`].
    pub sharing: RwSignal<bool>,
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
