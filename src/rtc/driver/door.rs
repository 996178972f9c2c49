//! The room's door on the browser side: the host's settings and knocks into [`HostUi`]
//! signals, the host panel's actions out, and what a refusal of the door does to the call
//! (the decisions themselves are `model::host_ui`'s plain types).

use super::{Call, Inner};
use crate::call::session;
use crate::model::call_ui::{CallError, DoorClosed, Phase};
use crate::model::host_ui::{DoorAnswer, HostAction, HostUi};
use crate::protocol::ServerMsg;
use leptos::prelude::*;

impl Call {
    /// Sends a host action (the server refuses it with `not_host` unless we are the host).
    pub fn host_action(&self, action: HostAction) {
        self.inner.ui.host.refused.set(None);
        self.send(action.message());
    }
}

impl Inner {
    /// Applies a message about the door; gives back any other message.
    pub(super) fn on_door_msg(&self, msg: ServerMsg) -> Option<ServerMsg> {
        let host: HostUi = self.ui.host;
        match msg {
            ServerMsg::RoomState(state) => host.state.set(state),
            ServerMsg::Knocks { knocks } => host.knocks.set(knocks),
            // The session's too: a knock is a join under way.
            ServerMsg::Knocking => {
                host.password_prompt.set(None);
                return Some(ServerMsg::Knocking);
            }
            ServerMsg::Error { code, message } => match DoorAnswer::of(code) {
                Some(answer) => {
                    leptos::logging::warn!("the door said {code:?}: {message}");
                    self.on_door_answer(answer);
                }
                None => return Some(ServerMsg::Error { code, message }),
            },
            other => return Some(other),
        }
        None
    }

    fn on_door_answer(&self, answer: DoorAnswer) {
        match answer {
            DoorAnswer::Prompt(prompt) => {
                self.ui.host.password_prompt.set(Some(prompt));
                self.feed(session::Input::PasswordAsked);
            }
            DoorAnswer::Closed(closed) => self.door_closed(closed),
            DoorAnswer::Refused(refusal) => self.ui.host.refused.set(Some(refusal)),
        }
    }

    /// Locked out or turned away: everything stops, and the page says why. The seat (if any)
    /// is already gone on the server, so no `leave` is sent for it.
    fn door_closed(&self, closed: DoorClosed) {
        self.feed(session::Input::DoorClosed);
        self.door_shut(closed);
    }

    /// The page's side of a closed door (also for a removal, which the session learns from
    /// the socket's close code).
    pub(super) fn door_shut(&self, closed: DoorClosed) {
        self.ui.phase.set(Phase::Error(CallError::Door(closed)));
        self.release_local();
        self.ui.host.knocks.set(Vec::new());
    }
}
