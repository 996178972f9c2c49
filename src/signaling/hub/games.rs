//! The hub's side of each room's game: game messages in, the game's outputs out to the room.
//!
//! The hub only routes. Every rule (who may start, what scores, which upload is wanted) is the
//! [`Game`](crate::game::Game)'s; the hub stamps the sender and picks the sockets.

use super::{Checkpoint, Hub, Output, Room};
use crate::browser::Owners;
use crate::game::{GameError, Input as GameInput, Output as GameOutput};
use crate::protocol::{GameClientMsg, GameServerMsg, PeerId, RoomId, ServerMsg};

/// A highlight upload as the hub sees it: who sends it, for which capture request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadRequest {
    /// The driver's number for this upload, echoed in the outputs about it.
    pub upload: u64,
    /// The uploader's room.
    pub room: RoomId,
    /// The uploader's seat.
    pub peer: PeerId,
    /// The seat ticket that proves it.
    pub ticket: String,
    /// The capture request answered.
    pub request_id: u64,
}

/// Why an upload was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum UploadError {
    /// The seat ticket does not prove that seat.
    #[error("that seat ticket is not valid")]
    BadTicket,
    /// The seat is not in the room (any more).
    #[error("you are not in this room")]
    NotInRoom,
    /// The rules refused it (no such request, not yours, expired, withdrawn, answered).
    #[error(transparent)]
    Refused(#[from] GameError),
    /// The upload was accepted but its image could not be written: it was not kept.
    #[error("the picture could not be saved; please try again")]
    NotSaved,
}

impl UploadError {
    /// A stable machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            UploadError::BadTicket => "bad_ticket",
            UploadError::NotInRoom => "not_in_room",
            UploadError::Refused(e) => e.code().as_str(),
            UploadError::NotSaved => "highlight_not_saved",
        }
    }
}

impl Hub {
    /// A game message from the seat `peer` of `room`.
    pub(super) fn game_message(
        &mut self,
        room: &RoomId,
        peer: PeerId,
        msg: GameClientMsg,
        out: &mut Vec<Output>,
    ) {
        let input = match msg {
            GameClientMsg::Ready => GameInput::Ready { peer },
            GameClientMsg::Unready => GameInput::Unready { peer },
            GameClientMsg::Start => GameInput::Start { peer },
            GameClientMsg::ChooseMode { mode } => GameInput::ChooseMode { peer, mode },
            GameClientMsg::Reading(reading) => GameInput::Reading { peer, reading },
        };
        // A refusal was already routed to the sender's socket.
        let _ = self.game_input(room, input, out);
    }

    /// Feeds one input to `room`'s game and routes what it says; returns the refusal, if the
    /// game refused the input.
    pub(super) fn game_input(
        &mut self,
        room_id: &RoomId,
        input: GameInput,
        out: &mut Vec<Output>,
    ) -> Option<GameError> {
        self.game_input_for(room_id, input, None, out)
    }

    /// [`Hub::game_input`] while handling `upload`, whose image a saved highlight keeps.
    fn game_input_for(
        &mut self,
        room_id: &RoomId,
        input: GameInput,
        upload: Option<u64>,
        out: &mut Vec<Output>,
    ) -> Option<GameError> {
        let clock = self.clock();
        let room = self.rooms.get_mut(room_id)?;
        let outputs = room.game.handle(clock, input);
        if room.game.is_timed() && !self.timed_games.contains(room_id) {
            self.timed_games.insert(room_id.clone());
        }
        let ids = GameIds {
            hub_key: &self.tickets,
            instance: self.config.instance,
            room: room_id,
            upload,
        };
        let mut refused = None;
        let mut changed = false;
        for output in outputs {
            if let GameOutput::Rejected { error, .. } = &output {
                refused.get_or_insert_with(|| error.clone());
            }
            changed |= matches!(
                output,
                GameOutput::Phase(_)
                    | GameOutput::Scores(_)
                    | GameOutput::Event(_)
                    | GameOutput::GameOver { .. }
            );
            route(room, &ids, output, out);
        }
        if changed && self.config.checkpoints {
            let game = room.game.snapshot().map(|(results, record)| {
                let owners = owners(room, &results);
                Box::new(Checkpoint { game_id: ids.of(results.game), results, record, owners })
            });
            out.push(Output::Checkpoint { room: room_id.clone(), game });
        }
        refused
    }

    /// Lets the clock of every game that time may change run (phase deadlines, faces gone away).
    pub(super) fn tick_games(&mut self, out: &mut Vec<Output>) {
        let clock = self.clock();
        let mut rooms: Vec<RoomId> = self
            .timed_games
            .iter()
            .filter(|id| self.rooms.get(*id).is_some_and(|r| r.game.due(clock)))
            .cloned()
            .collect();
        rooms.sort();
        for room in rooms {
            let _ = self.game_input(&room, GameInput::Tick, out);
        }
        let rooms = &self.rooms;
        self.timed_games.retain(|id| rooms.get(id).is_some_and(|r| r.game.is_timed()));
        super::shrink_sparse(&mut self.timed_games);
    }

    /// An uploaded highlight for its capture request, from whoever holds the ticket of the
    /// seat. Ends with the [`Output::UploadAnswer`]; if accepted, an [`Output::KeepHighlight`]
    /// comes first. The image itself never passes through the hub (its bytes were checked by
    /// `validate_jpeg` before).
    pub(super) fn upload(&mut self, request: UploadRequest, out: &mut Vec<Output>) {
        let UploadRequest { upload, room, peer, ticket, request_id } = request;
        let result = if !self.tickets.verify(&room, peer, &ticket) {
            Err(UploadError::BadTicket)
        } else if !self.rooms.get(&room).is_some_and(|r| r.members.contains_key(&peer)) {
            Err(UploadError::NotInRoom)
        } else {
            let done = GameInput::UploadDone { peer, request_id };
            // A refusal also goes to the uploader's socket; the HTTP answer says it too.
            match self.game_input_for(&room, done, Some(upload), out) {
                Some(error) => Err(UploadError::Refused(error)),
                None => Ok(()),
            }
        };
        out.push(Output::UploadAnswer { upload, result });
    }
}

/// How a room's game numbers become public game ids.
struct GameIds<'a> {
    hub_key: &'a super::TicketKey,
    instance: u64,
    room: &'a RoomId,
    /// The upload being handled, if any.
    upload: Option<u64>,
}

impl GameIds<'_> {
    fn of(&self, game: u32) -> String {
        self.hub_key.game_id(self.room, self.instance, game)
    }
}

fn route(room: &mut Room, ids: &GameIds<'_>, output: GameOutput, out: &mut Vec<Output>) {
    match output {
        GameOutput::Phase(view) => broadcast(room, GameServerMsg::GamePhase(view), None, out),
        GameOutput::Scores(board) => broadcast(room, GameServerMsg::Scores(board), None, out),
        GameOutput::Event(event) => broadcast(room, GameServerMsg::GameEvent(event), None, out),
        GameOutput::Reading { peer, reading } => {
            // The sender draws its own overlay from its own engine.
            broadcast(room, GameServerMsg::Reading { peer, reading }, Some(peer), out)
        }
        GameOutput::CaptureRequest(request) => {
            send_to(room, request.player, GameServerMsg::Capture(request), out)
        }
        GameOutput::CaptureWithdrawn { player, request_id } => {
            send_to(room, player, GameServerMsg::CaptureWithdrawn { request_id }, out);
            let game_id = ids.of(room.game.phase_view().game);
            out.push(Output::DropHighlight { game_id, request_id });
        }
        GameOutput::HighlightSaved(highlight) => {
            // Only an upload saves a highlight.
            if let Some(upload) = ids.upload {
                out.push(Output::KeepHighlight {
                    upload,
                    game_id: ids.of(highlight.game),
                    highlight,
                })
            }
        }
        GameOutput::Rejected { peer, error } => {
            let msg = GameServerMsg::GameRefused { code: error.code(), message: error.to_string() };
            send_to(room, peer, msg, out);
        }
        GameOutput::GameOver { results, record } => {
            // Nobody hears of the game here: the socket side tells `announce` once it is saved.
            let game_id = ids.of(results.game);
            let announce = room.members.values().filter_map(|m| m.conn).collect();
            let owners = owners(room, &results);
            let room = ids.room.clone();
            out.push(Output::GameOver { game_id, room, record, results, owners, announce });
        }
    }
}

/// The browsers of the players of a finished game, and of the host as it ended.
fn owners(room: &Room, results: &crate::game::Results) -> Owners {
    let browser = |peer: &PeerId| room.browsers.get(peer).copied();
    Owners {
        host: room.game.host().as_ref().and_then(browser),
        players: results.ranking.iter().filter_map(|s| Some((s.peer, browser(&s.peer)?))).collect(),
    }
}

/// Sends `msg` to every live seat of the room except `skip`.
fn broadcast(room: &Room, msg: GameServerMsg, skip: Option<PeerId>, out: &mut Vec<Output>) {
    let msg = ServerMsg::Game(msg);
    for (&peer, member) in &room.members {
        if let (Some(conn), true) = (member.conn, Some(peer) != skip) {
            out.push(Output::Send(conn, msg.clone()));
        }
    }
}

fn send_to(room: &Room, peer: PeerId, msg: GameServerMsg, out: &mut Vec<Output>) {
    if let Some(conn) = room.members.get(&peer).and_then(|m| m.conn) {
        out.push(Output::Send(conn, ServerMsg::Game(msg)));
    }
}
