//! The one id both the wire protocol and the game rules speak of, in a module of its own so
//! that neither needs the other for it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A participant's seat in a room, assigned by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PeerId(pub u64);

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
