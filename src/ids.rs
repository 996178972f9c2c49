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

/// The seats of one room, by id: a sorted `Vec`, because a room holds at most a handful. A
/// `BTreeMap` allocates a node for eleven entries even for one, which made an idle room of two
/// cost kilobytes (README, "Capacity"). Iterates in id order, like the map it replaces.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerMap<V> {
    entries: Vec<(PeerId, V)>,
}

impl<V> Default for PeerMap<V> {
    fn default() -> Self {
        Self { entries: Vec::new() }
    }
}

type Pair<'a, V> = (&'a PeerId, &'a V);
type PairMut<'a, V> = (&'a PeerId, &'a mut V);

impl<V> PeerMap<V> {
    /// An empty map (allocates nothing).
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, peer: &PeerId) -> Result<usize, usize> {
        self.entries.binary_search_by_key(peer, |(k, _)| *k)
    }

    pub fn get(&self, peer: &PeerId) -> Option<&V> {
        self.find(peer).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, peer: &PeerId) -> Option<&mut V> {
        self.find(peer).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, peer: &PeerId) -> bool {
        self.find(peer).is_ok()
    }

    /// Inserts or replaces; gives back the value replaced.
    pub fn insert(&mut self, peer: PeerId, value: V) -> Option<V> {
        match self.find(&peer) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                // One more slot, not double: a room holds at most six, and most hold two or
                // three, so `Vec`'s first four slots mostly sat empty in every room's maps
                // (heaptrack, 4,000 idle sockets).
                self.entries.reserve_exact(1);
                self.entries.insert(i, (peer, value));
                None
            }
        }
    }

    pub fn remove(&mut self, peer: &PeerId) -> Option<V> {
        let removed = self.find(peer).ok().map(|i| self.entries.remove(i).1);
        if self.entries.is_empty() {
            self.entries = Vec::new();
        }
        removed
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&PeerId, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Pair<'_, V>> + '_ {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = PairMut<'_, V>> + '_ {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &PeerId> + '_ {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> + '_ {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> + '_ {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

impl<'a, V> IntoIterator for &'a PeerMap<V> {
    type Item = Pair<'a, V>;
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (PeerId, V)>, fn(&'a (PeerId, V)) -> Pair<'a, V>>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<'a, V> IntoIterator for &'a mut PeerMap<V> {
    type Item = PairMut<'a, V>;
    type IntoIter = std::iter::Map<
        std::slice::IterMut<'a, (PeerId, V)>,
        fn(&'a mut (PeerId, V)) -> PairMut<'a, V>,
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_map_keeps_id_order_and_replaces_like_a_map() {
        let mut map = PeerMap::new();
        assert_eq!(map.insert(PeerId(5), "e"), None);
        assert_eq!(map.insert(PeerId(1), "a"), None);
        assert_eq!(map.insert(PeerId(3), "c"), None);
        assert_eq!(map.insert(PeerId(3), "C"), Some("c"));
        assert_eq!(map.keys().map(|p| p.0).collect::<Vec<_>>(), vec![1, 3, 5]);
        assert_eq!(map.get(&PeerId(3)), Some(&"C"));
        assert!(!map.contains_key(&PeerId(2)));
        map.retain(|p, _| p.0 != 1);
        assert_eq!(map.remove(&PeerId(5)), Some("e"));
        assert_eq!((&map).into_iter().collect::<Vec<_>>(), vec![(&PeerId(3), &"C")]);
        assert_eq!(map.remove(&PeerId(3)), Some("C"));
        assert!(map.is_empty());
    }
}
