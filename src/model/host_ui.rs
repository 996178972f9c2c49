//! The room's door as the page sees it: who the host is, the host's settings and the people
//! knocking (signals the call writes from server messages), the typed actions of the host
//! panel, and what each refusal of the door means for the page. Plain types, tested natively.

use crate::i18n::*;
use crate::protocol::{ClientMsg, ErrorCode, KnockInfo, PeerId, RoomState};
use leptos::prelude::*;

/// What the server last said about the room's door.
#[derive(Clone, Copy)]
pub struct HostUi {
    /// Host and settings (default until the first `room_state`).
    pub state: RwSignal<RoomState>,
    /// People knocking (only the host is sent these).
    pub knocks: RwSignal<Vec<KnockInfo>>,
    /// The join page must ask for the room password, and why.
    pub password_prompt: RwSignal<Option<PasswordPrompt>>,
    /// The last host action the server refused.
    pub refused: RwSignal<Option<HostRefusal>>,
}

impl HostUi {
    /// Nothing known yet.
    pub fn new() -> Self {
        Self {
            state: RwSignal::new(RoomState::default()),
            knocks: RwSignal::new(Vec::new()),
            password_prompt: RwSignal::new(None),
            refused: RwSignal::new(None),
        }
    }
}

impl Default for HostUi {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `me` is the host.
pub fn is_host(state: &RoomState, me: Option<PeerId>) -> bool {
    me.is_some() && state.host == me
}

/// What the host panel's buttons ask of the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostAction {
    /// Lock (or unlock) the room.
    Lock(bool),
    /// Knock-to-enter on or off.
    Knock(bool),
    /// Set the password (`None` or empty: no password).
    Password(Option<String>),
    /// Let a knock in.
    Admit(u64),
    /// Turn a knock away.
    Decline(u64),
    /// Remove a participant.
    Remove(PeerId),
}

impl HostAction {
    /// The message that carries it.
    pub fn message(self) -> ClientMsg {
        match self {
            Self::Lock(locked) => ClientMsg::SetLock { locked },
            Self::Knock(knock) => ClientMsg::SetKnock { knock },
            Self::Password(password) => {
                ClientMsg::SetPassword { password: password.filter(|p| !p.is_empty()) }
            }
            Self::Admit(knock) => ClientMsg::Admit { knock },
            Self::Decline(knock) => ClientMsg::Decline { knock },
            Self::Remove(peer) => ClientMsg::Remove { peer },
        }
    }
}

pub use crate::call::session::JoinRequest;

/// Why the join page asks for the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordPrompt {
    /// The room has one and the join gave none.
    Required,
    /// The one given was wrong.
    Wrong,
}

impl PasswordPrompt {
    /// A stable name for the page's `data-code`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Required => "password_required",
            Self::Wrong => "wrong_password",
        }
    }

    /// The sentence above the password field, in `locale`.
    pub fn message(self, locale: Locale) -> &'static str {
        match self {
            Self::Required => td_string!(locale, host.password_required),
            Self::Wrong => td_string!(locale, host.password_wrong),
        }
    }
}

/// Why the door stopped a join (or a seat) for good: the page says so and does not retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoorClosed {
    /// The host locked the room.
    Locked,
    /// The host declined the knock (or everyone left).
    Declined,
    /// The host removed us.
    Removed,
    /// Too many people are knocking already.
    TooManyKnocks,
}

impl DoorClosed {
    /// A stable name for the page's `data-code` (the same in every language).
    pub fn key(self) -> &'static str {
        match self {
            Self::Locked => "room_locked",
            Self::Declined => "knock_declined",
            Self::Removed => "removed",
            Self::TooManyKnocks => "too_many_knocks",
        }
    }

    /// The page's heading, in `locale`.
    pub fn heading(self, locale: Locale) -> &'static str {
        match self {
            Self::Locked => td_string!(locale, host.locked_heading),
            Self::Declined => td_string!(locale, host.declined_heading),
            Self::Removed => td_string!(locale, host.removed_heading),
            Self::TooManyKnocks => td_string!(locale, host.too_many_knocks_heading),
        }
    }

    /// The explanation under it, in `locale`.
    pub fn message(self, locale: Locale) -> &'static str {
        match self {
            Self::Locked => td_string!(locale, host.locked_text),
            Self::Declined => td_string!(locale, host.declined_text),
            Self::Removed => td_string!(locale, host.removed_text),
            Self::TooManyKnocks => td_string!(locale, host.too_many_knocks),
        }
    }
}

/// A host action the server refused, as the panel shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostRefusal {
    /// We are not (or no longer) the host.
    NotHost,
    /// The password was too long.
    BadPassword,
    /// The knock was already gone.
    UnknownKnock,
}

impl HostRefusal {
    /// The sentence shown in the panel, in `locale`.
    pub fn message(self, locale: Locale) -> String {
        match self {
            Self::NotHost => td_string!(locale, host.refused_not_host).to_string(),
            Self::BadPassword => td_string!(
                locale,
                host.refused_bad_password,
                max = crate::protocol::MAX_PASSWORD_CHARS
            )
            .to_string(),
            Self::UnknownKnock => td_string!(locale, host.refused_unknown_knock).to_string(),
        }
    }
}

/// What an error from the server means for the door; `None` for errors that are not its.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoorAnswer {
    /// Back to the join page, asking for the password.
    Prompt(PasswordPrompt),
    /// Stop, and say why.
    Closed(DoorClosed),
    /// Tell the host their action was refused.
    Refused(HostRefusal),
}

impl DoorAnswer {
    /// The door's reading of an error code.
    pub fn of(code: ErrorCode) -> Option<Self> {
        Some(match code {
            ErrorCode::PasswordRequired => Self::Prompt(PasswordPrompt::Required),
            ErrorCode::WrongPassword => Self::Prompt(PasswordPrompt::Wrong),
            ErrorCode::RoomLocked => Self::Closed(DoorClosed::Locked),
            ErrorCode::KnockDeclined => Self::Closed(DoorClosed::Declined),
            ErrorCode::Removed => Self::Closed(DoorClosed::Removed),
            ErrorCode::TooManyKnocks => Self::Closed(DoorClosed::TooManyKnocks),
            ErrorCode::NotHost => Self::Refused(HostRefusal::NotHost),
            ErrorCode::BadPassword => Self::Refused(HostRefusal::BadPassword),
            ErrorCode::UnknownKnock => Self::Refused(HostRefusal::UnknownKnock),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::RoomId;

    fn room() -> RoomId {
        RoomId::parse("abcdefghijklmnop").unwrap()
    }

    #[test]
    fn only_a_seated_member_named_host_is_host() {
        let state = RoomState { host: Some(PeerId(1)), ..RoomState::default() };
        assert!(is_host(&state, Some(PeerId(1))));
        assert!(!is_host(&state, Some(PeerId(2))));
        assert!(!is_host(&RoomState::default(), None));
    }

    #[test]
    fn actions_become_their_messages() {
        assert_eq!(HostAction::Lock(true).message(), ClientMsg::SetLock { locked: true });
        assert_eq!(
            HostAction::Password(Some(String::new())).message(),
            ClientMsg::SetPassword { password: None }
        );
        assert_eq!(
            HostAction::Password(Some("pw".into())).message(),
            ClientMsg::SetPassword { password: Some("pw".into()) }
        );
        assert_eq!(HostAction::Remove(PeerId(3)).message(), ClientMsg::Remove { peer: PeerId(3) });
    }

    #[test]
    fn a_join_carries_the_password_only_when_asked() {
        let plain = JoinRequest { name: "Ann".into(), password: None };
        assert_eq!(plain.message(room()), ClientMsg::Join { room: room(), name: "Ann".into() });
        let with = JoinRequest { name: "Ann".into(), password: Some("pw".into()) };
        assert!(matches!(with.message(room()), ClientMsg::JoinWithPassword { .. }));
    }

    #[test]
    fn door_errors_are_read_by_code() {
        assert_eq!(
            DoorAnswer::of(ErrorCode::WrongPassword),
            Some(DoorAnswer::Prompt(PasswordPrompt::Wrong))
        );
        assert_eq!(
            DoorAnswer::of(ErrorCode::Removed),
            Some(DoorAnswer::Closed(DoorClosed::Removed))
        );
        assert_eq!(DoorAnswer::of(ErrorCode::RateLimited), None);
    }

    #[test]
    fn door_texts_in_both_languages() {
        assert_eq!(DoorClosed::Locked.heading(Locale::en), "This room is locked");
        assert_eq!(DoorClosed::Removed.heading(Locale::en), "The host removed you from this room");
        for closed in [
            DoorClosed::Locked,
            DoorClosed::Declined,
            DoorClosed::Removed,
            DoorClosed::TooManyKnocks,
        ] {
            assert_ne!(closed.message(Locale::en), closed.message(Locale::ko));
            assert_ne!(closed.heading(Locale::en), closed.heading(Locale::ko));
        }
        assert!(HostRefusal::BadPassword.message(Locale::en).contains("64"));
        assert!(HostRefusal::BadPassword.message(Locale::ko).contains("64"));
        assert_ne!(
            PasswordPrompt::Wrong.message(Locale::ko),
            PasswordPrompt::Wrong.message(Locale::en)
        );
    }
}
