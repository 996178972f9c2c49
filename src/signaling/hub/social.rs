//! Reactions and raised hands. The hub stamps the sender, relays to the rest of the room,
//! remembers raised hands for newcomers, and limits how fast one person can react (a bucket
//! per seat, apart from the socket's general message limit).

use super::{Hub, Output, Room};
use crate::protocol::{ErrorCode, PeerId, Reaction, RoomId, ServerMsg};

impl Hub {
    /// `peer` reacted: everyone else sees it, unless `peer` reacts faster than the limit.
    pub(super) fn react(
        &mut self,
        room_id: &RoomId,
        peer: PeerId,
        reaction: Reaction,
        out: &mut Vec<Output>,
    ) {
        let (now, rate, burst) =
            (self.now, self.config.reactions_per_sec, self.config.reaction_burst);
        let Some(room) = self.rooms.get_mut(room_id) else { return };
        let Some(member) = room.members.get_mut(&peer) else { return };
        if !member.reactions.take(now, rate, burst) {
            if let Some(conn) = member.conn {
                let detail = format!(
                    "too many reactions: {burst} at once, then {rate} a second; this one was not sent"
                );
                out.push(Output::Send(conn, ServerMsg::error(ErrorCode::RateLimited, detail)));
            }
            return;
        }
        to_others(room, peer, &ServerMsg::Reaction { from: peer, reaction }, out);
    }

    /// `peer` raised or lowered their hand; the others hear of it when it changed.
    pub(super) fn raise_hand(
        &mut self,
        room_id: &RoomId,
        peer: PeerId,
        up: bool,
        out: &mut Vec<Output>,
    ) {
        let Some(room) = self.rooms.get_mut(room_id) else { return };
        let Some(member) = room.members.get_mut(&peer) else { return };
        if std::mem::replace(&mut member.hand, up) != up {
            to_others(room, peer, &ServerMsg::PeerHand { peer, up }, out);
        }
    }

    /// For a newcomer `to`: every other member whose hand is up.
    pub(super) fn raised_hands(&self, room_id: &RoomId, to: PeerId) -> Vec<ServerMsg> {
        self.rooms.get(room_id).map_or_else(Vec::new, |room| {
            room.members
                .iter()
                .filter(|(&peer, m)| peer != to && m.hand)
                .map(|(&peer, _)| ServerMsg::PeerHand { peer, up: true })
                .collect()
        })
    }
}

/// Sends `msg` to every connected member of `room` but `from`.
pub(super) fn to_others(room: &Room, from: PeerId, msg: &ServerMsg, out: &mut Vec<Output>) {
    for (&other, m) in &room.members {
        if let (Some(c), true) = (m.conn, other != from) {
            out.push(Output::Send(c, msg.clone()));
        }
    }
}
