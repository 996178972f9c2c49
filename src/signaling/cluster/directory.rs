//! The room directory in Redis: which nodes are alive and which node owns which room.
//!
//! - `sf:node:{id}` → the node's address for other nodes, set with a short expiry
//!   ([`NODE_TTL`]) and refreshed every [`HEARTBEAT`]: a node that stops (or is killed) is gone
//!   from the directory within [`NODE_TTL`].
//! - `sf:room:{room}` → the id of the node that owns the room (its lease), refreshed by the
//!   owner's heartbeat while it holds the room and deleted when it lets go.
//! - `sf:game:{room}` → the running game's checkpoint ([`super::games`]), and
//!   `sf:orphan:{room}` → that of an owner that died or left, moved there by the node taking
//!   the room over (or by the leaving node itself), to be saved once.
//!
//! A lease counts only while its node is alive: claiming a room whose owner has no `sf:node`
//! key takes it over. Each operation is one Lua script, so two nodes claiming at once cannot
//! both win. Only one Redis (not Redis Cluster) is supported: the scripts touch keys they are
//! not handed.

use crate::protocol::RoomId;
use redis::aio::ConnectionManager;
use redis::Script;
use std::sync::LazyLock;
use std::time::Duration;

/// How often a node refreshes its own key and its rooms' leases.
pub const HEARTBEAT: Duration = Duration::from_millis(1000);
/// How long a node's key outlives its last heartbeat: how soon a dead node's rooms move.
pub const NODE_TTL: Duration = Duration::from_millis(3000);
/// How long a room's lease outlives the last refresh by its owner (the owner refreshes it every
/// heartbeat; this only bounds how long a forgotten key stays in Redis).
pub const ROOM_TTL: Duration = Duration::from_secs(60);

/// How long data sent to Redis may go unacknowledged before the connection is given up
/// (`TCP_USER_TIMEOUT`): about [`NODE_TTL`] counted from the last heartbeat that went through,
/// so the node is back in the directory about when the others would have seen it gone.
#[cfg(target_os = "linux")]
const UNACKED: Duration = Duration::from_millis(1500);

/// How long a running game's checkpoint outlives its last update: long enough for the room's
/// members to come back after its node died.
pub const GAME_TTL: Duration = Duration::from_secs(600);

const NODE_PREFIX: &str = "sf:node:";
const ROOM_PREFIX: &str = "sf:room:";
const GAME_PREFIX: &str = "sf:game:";
const ORPHAN_PREFIX: &str = "sf:orphan:";

/// Who serves a room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// This node (the lease is ours now).
    Me {
        /// The node the room was taken from, if it had a lease that no longer counts (the node
        /// died).
        took_over: Option<String>,
        /// Whether a running game of a previous owner was moved aside for this node to save
        /// ([`Directory::take_orphan`]).
        orphan: bool,
    },
    /// A live node at this address.
    Node(String),
}

/// The directory, on one Redis connection (reconnected by the manager as needed).
#[derive(Clone)]
pub struct Directory {
    redis: ConnectionManager,
    node: String,
    addr: String,
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Directory").field("node", &self.node).field("addr", &self.addr).finish()
    }
}

/// KEYS[1] room key, KEYS[2] its game key, KEYS[3] its orphan key; ARGV: my id, room ttl ms,
/// node prefix, '1' if this node serves the room now. Returns {owner, addr, previous, moved}.
/// Taking a room whose owner is dead, or that has no owner while this node does not serve it,
/// moves a game still kept for it to the orphan key in the same step, so nothing the new owner
/// stores for the room can overwrite or delete it before it is saved. moved = 1 when an orphan
/// is there to save: that one, or one a previous owner left unsaved (it stopped before it could
/// save it). (A room this node serves keeps its game: its lease lapsed while Redis was out of
/// reach.)
const CLAIM: &str = r"
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then
  local addr = redis.call('GET', ARGV[3] .. owner)
  if addr then return {owner, addr, '', 0} end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if owner == ARGV[1] or (not owner and ARGV[4] == '1') then return {ARGV[1], '', '', 0} end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('RENAME', KEYS[2], KEYS[3]) end
return {ARGV[1], '', owner or '', redis.call('EXISTS', KEYS[3])}
";

/// KEYS[1] node key, KEYS[2..] room keys; ARGV: my id, my address, node ttl, room ttl.
/// Refreshes the node and each room still ours; returns the indexes (1-based among the rooms)
/// of rooms another node owns now.
const RENEW: &str = r"
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
local lost = {}
for i = 2, #KEYS do
  local owner = redis.call('GET', KEYS[i])
  if owner == ARGV[1] or not owner then
    redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[4])
  else
    table.insert(lost, i - 1)
  end
end
return lost
";

/// KEYS: for each room its room key, game key and orphan key, and the node key last when
/// leaving; ARGV: my id, 'leave' or ''. Deletes the leases still ours; when leaving, also moves
/// the running games of those rooms aside (as a claim of a dead node's room does), and returns
/// the indexes (1-based among the rooms) of the rooms whose game was moved.
const RELEASE: &str = r"
local n = #KEYS
local leave = ARGV[2] == 'leave'
if leave then
  redis.call('DEL', KEYS[n])
  n = n - 1
end
local moved = {}
for i = 1, n, 3 do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
    if leave and redis.call('EXISTS', KEYS[i + 1]) == 1 then
      redis.call('RENAME', KEYS[i + 1], KEYS[i + 2])
      table.insert(moved, (i + 2) / 3)
    end
  end
end
return moved
";

/// KEYS: for each room its room key and game key; ARGV: my id, game ttl in seconds, then for
/// each room the game's JSON, or '' when it ended. Stores (or deletes) a room's checkpoint only
/// while this node holds the room's lease: a node that left, or lost the room, cannot write
/// over what the room's next owner keeps there.
const PUT_GAMES: &str = r"
for i = 1, #KEYS, 2 do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    local game = ARGV[2 + (i + 1) / 2]
    if game == '' then
      redis.call('DEL', KEYS[i + 1])
    else
      redis.call('SET', KEYS[i + 1], game, 'EX', ARGV[2])
    end
  end
end
return 0
";

/// The scripts, hashed once (Redis runs them by hash, loading one the first time).
static CLAIM_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(CLAIM));
static RENEW_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(RENEW));
static RELEASE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(RELEASE));
static PUT_GAMES_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(PUT_GAMES));

impl Directory {
    /// Connects to the Redis at `url` as node `node`, reachable by other nodes at `addr`, and
    /// registers the node.
    pub async fn connect(url: &str, node: String, addr: String) -> redis::RedisResult<Self> {
        use redis::IntoConnectionInfo;
        // A connection whose packets stop being acknowledged (a dropped NAT or firewall entry,
        // a Redis host gone without a reset) fails within UNACKED instead of the kernel's
        // quarter of an hour, and the manager connects again. Nagle's delay buys nothing here.
        let tcp = redis::io::tcp::TcpSettings::default().set_nodelay(true);
        #[cfg(target_os = "linux")]
        let tcp = tcp.set_user_timeout(UNACKED);
        let client = redis::Client::open(url.into_connection_info()?.set_tcp_settings(tcp))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)));
        let redis = client.get_connection_manager_with_config(config).await?;
        let directory = Self { redis, node, addr };
        directory.renew(&[]).await?;
        Ok(directory)
    }

    /// This node's id.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Who serves `room`: its live owner, or this node, which takes the lease if there was
    /// none or its owner is dead. `serving`: this node serves the room already (a game kept
    /// for it is this node's own, not an orphan).
    pub async fn claim(&self, room: &RoomId, serving: bool) -> redis::RedisResult<Owner> {
        let (owner, addr, previous, orphan): (String, String, String, u8) = CLAIM_SCRIPT
            .key(room_key(room))
            .key(game_key(room))
            .key(orphan_key(room))
            .arg(&self.node)
            .arg(millis(ROOM_TTL))
            .arg(NODE_PREFIX)
            .arg(if serving { "1" } else { "" })
            .invoke_async(&mut self.redis.clone())
            .await?;
        Ok(if owner == self.node {
            let took_over = Some(previous).filter(|p| !p.is_empty());
            Owner::Me { took_over, orphan: orphan == 1 }
        } else {
            Owner::Node(addr)
        })
    }

    /// The heartbeat: refreshes this node and the leases of `rooms`; returns those of `rooms`
    /// another node owns now.
    pub async fn renew(&self, rooms: &[RoomId]) -> redis::RedisResult<Vec<RoomId>> {
        let mut call = RENEW_SCRIPT.key(node_key(&self.node));
        for room in rooms {
            call.key(room_key(room));
        }
        let lost: Vec<usize> = call
            .arg(&self.node)
            .arg(&self.addr)
            .arg(millis(NODE_TTL))
            .arg(millis(ROOM_TTL))
            .invoke_async(&mut self.redis.clone())
            .await?;
        Ok(rooms_at(rooms, lost))
    }

    /// Gives up the leases of `rooms` (those still ours); with `leave`, also the node's own
    /// key, so the others stop forwarding to it at once (a clean shutdown), and the running
    /// games of those rooms are moved aside: returns the rooms whose game is there to take.
    pub async fn release(&self, rooms: &[RoomId], leave: bool) -> redis::RedisResult<Vec<RoomId>> {
        let mut call = RELEASE_SCRIPT.prepare_invoke();
        for room in rooms {
            call.key(room_key(room)).key(game_key(room)).key(orphan_key(room));
        }
        if leave {
            call.key(node_key(&self.node));
        }
        call.arg(&self.node).arg(if leave { "leave" } else { "" });
        let moved: Vec<usize> = call.invoke_async(&mut self.redis.clone()).await?;
        Ok(rooms_at(rooms, moved))
    }
}

impl Directory {
    /// Stores the checkpoints of running games (`Some`: the game's JSON) and deletes those of
    /// games that ended (`None`), in one round trip: those of rooms whose lease this node holds.
    pub async fn put_games(&self, games: &[(RoomId, Option<String>)]) -> redis::RedisResult<()> {
        let mut call = PUT_GAMES_SCRIPT.prepare_invoke();
        call.arg(&self.node).arg(GAME_TTL.as_secs());
        for (room, game) in games {
            call.key(room_key(room)).key(game_key(room)).arg(game.as_deref().unwrap_or_default());
        }
        call.invoke_async::<i64>(&mut self.redis.clone()).await.map(drop)
    }

    /// Takes the last checkpoint of the game `room` had on a dead node, moved aside when this
    /// node took the room over ([`claim`](Self::claim)): only one caller gets it.
    pub async fn take_orphan(&self, room: &RoomId) -> redis::RedisResult<Option<String>> {
        redis::cmd("GETDEL").arg(orphan_key(room)).query_async(&mut self.redis.clone()).await
    }
}

/// The rooms a script named by their 1-based indexes in `rooms`.
fn rooms_at(rooms: &[RoomId], indexes: Vec<usize>) -> Vec<RoomId> {
    indexes.into_iter().filter_map(|i| rooms.get(i.checked_sub(1)?).cloned()).collect()
}

fn game_key(room: &RoomId) -> String {
    format!("{GAME_PREFIX}{room}")
}

fn orphan_key(room: &RoomId) -> String {
    format!("{ORPHAN_PREFIX}{room}")
}

fn room_key(room: &RoomId) -> String {
    format!("{ROOM_PREFIX}{room}")
}

fn node_key(node: &str) -> String {
    format!("{NODE_PREFIX}{node}")
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
