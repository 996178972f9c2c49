//! More than one node: servers that share one Redis serve each room on one node, its owner, and
//! carry the sockets that land elsewhere to it.
//!
//! Off unless `--redis-url` is given; a single process is then exactly what it was. With it,
//! each node registers in the [`directory`] with a heartbeat and claims the rooms whose sockets
//! reach it first. A socket for a room another live node owns is forwarded to that node over
//! the node port ([`forward`]); the owner's hub serves it as its own, so rooms, seats and games
//! need no change and nothing is shared between hubs. When an owner dies its heartbeat stops,
//! its node key expires within [`directory::NODE_TTL`], and the next socket of each of its
//! rooms makes the node it reached the owner: browsers reconnect (their forwarded sockets are
//! closed with [`forward::MOVING`]; the ones on the dead node simply dropped) and resume their
//! seats with their tickets, which every node can check because the nodes share the seat key.
//!
//! Games: a game lives in its owner's memory and is saved when it ends; while it runs, its
//! standing is kept in Redis ([`games`]), and a game whose node dies is saved by the node that
//! takes its room over, as it stood, ended early. The room's members come back without a game
//! and can start the next one.

pub mod directory;
pub mod forward;
pub mod games;
pub mod holds;

pub use directory::{Directory, Owner};

use crate::protocol::RoomId;
use crate::signaling::hub::Checkpoint;
use crate::signaling::server::{serve_socket, HubHandle, PING_EVERY};
use crate::signaling::ticket::TicketKey;
use crate::signaling::wire::BrowserSocket;
use crate::store::Store;
use holds::Holds;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a socket waits for its room's owner to answer, or to be declared dead so this
/// node takes over: past the dead node's key expiry with room to spare.
const TAKEOVER_WAIT: Duration = Duration::from_secs(10);
/// Pause between two attempts to reach a room's owner.
const RETRY: Duration = Duration::from_millis(250);
/// The longest a clean shutdown waits for each step of leaving: the heartbeat under way, Redis,
/// and saving the running games.
const LEAVE_WAIT: Duration = Duration::from_secs(5);
/// A room stays held this much longer than its seats are (after its last socket closed).
const HOLD_MARGIN: Duration = Duration::from_secs(5);

/// The receiving end of the hub's game checkpoints.
pub type CheckpointsIn = tokio::sync::mpsc::UnboundedReceiver<(RoomId, Option<Box<Checkpoint>>)>;

/// What makes a server one node of several.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterSettings {
    /// The shared Redis (`redis://host:port/db`).
    pub redis_url: String,
    /// Where this node listens for the other nodes.
    pub node_bind: SocketAddr,
    /// The `host:port` other nodes reach that listener at (default: its bound address).
    pub node_advertise: Option<String>,
}

/// Why the node could not join the deployment.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The node port could not be opened.
    #[error("cannot listen for other nodes: {0}")]
    Listen(#[from] std::io::Error),
    /// Redis refused or could not be reached.
    #[error("cannot reach Redis: {0}")]
    Redis(#[from] redis::RedisError),
}

/// This node's part in the deployment.
pub struct Cluster {
    directory: Directory,
    /// This node's hub (told when a room moved away).
    hub: HubHandle,
    /// Where the games of dead nodes are saved.
    store: Store,
    holds: Mutex<Holds>,
    token: String,
    /// How long a room stays held after its last socket closed.
    grace: Duration,
    /// Set once the node has left (a clean shutdown): it claims and renews nothing more.
    left: AtomicBool,
    /// Held by the heartbeat's calls to the directory and by [`leave`](Self::leave), so a
    /// heartbeat under way when the node leaves cannot renew its key and leases after it left.
    leases: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("directory", &self.directory).finish_non_exhaustive()
    }
}

/// Who answers a room's requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// This node.
    Here,
    /// The node at this address.
    There(String),
}

impl Cluster {
    /// Opens the node port, registers in Redis, starts the heartbeat and keeps the hub's game
    /// `checkpoints`. `resume_grace` is how long the hub holds a dropped seat.
    pub async fn start(
        settings: &ClusterSettings,
        tickets: &TicketKey,
        (hub, checkpoints): (HubHandle, CheckpointsIn),
        store: Store,
        resume_grace: Duration,
    ) -> Result<Arc<Self>, ClusterError> {
        let listener = tokio::net::TcpListener::bind(settings.node_bind).await?;
        let addr = match &settings.node_advertise {
            Some(addr) => addr.clone(),
            None => listener.local_addr()?.to_string(),
        };
        let node = format!("{:016x}", rand::random::<u64>());
        let directory = Directory::connect(&settings.redis_url, node, addr.clone()).await?;
        tracing::info!(node = directory.node(), %addr, "joined the deployment");
        tokio::spawn(games::keep(directory.clone(), checkpoints));
        let cluster = Arc::new(Self {
            directory,
            hub: hub.clone(),
            store,
            holds: Mutex::new(Holds::new()),
            token: tickets.node_token(),
            grace: resume_grace + HOLD_MARGIN,
            left: AtomicBool::new(false),
            leases: tokio::sync::Mutex::new(()),
        });
        tokio::spawn(heartbeat(cluster.clone()));
        let router = forward::node_router(cluster.clone(), hub, Arc::new(tickets.clone()));
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "the node port stopped");
            }
        });
        Ok(cluster)
    }

    /// Who serves `room` (this node takes it if nobody alive does).
    pub async fn route(self: &Arc<Self>, room: &RoomId) -> Result<Route, redis::RedisError> {
        Ok(match self.claim(room).await? {
            Owner::Me { .. } => Route::Here,
            Owner::Node(addr) => Route::There(addr),
        })
    }

    /// Asks the directory who serves `room`. When this node takes the room and a previous
    /// owner's running game was moved aside, that game is saved, as it stood, in the background:
    /// whatever request made this node the owner (a socket or an upload).
    async fn claim(self: &Arc<Self>, room: &RoomId) -> redis::RedisResult<Owner> {
        let serving = self.holds().serves(room);
        let owner = self.directory.claim(room, serving).await?;
        if let Owner::Me { took_over, orphan } = &owner {
            if let Some(dead) = took_over {
                tracing::info!(%room, dead, "took over a room whose node stopped");
            }
            if *orphan {
                let (cluster, room) = (self.clone(), room.clone());
                tokio::spawn(async move {
                    games::finish_orphan(&cluster.directory, &cluster.store, &room).await;
                });
            }
        }
        Ok(owner)
    }

    /// The deployment's node token (for requests to other nodes).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Whether this node has left the deployment (it is shutting down).
    pub fn has_left(&self) -> bool {
        self.left.load(Ordering::SeqCst)
    }

    /// Serves a browser socket of `hub`'s room: here if this node owns the room, else on its
    /// owner; when the owner cannot be reached, tries again until it is declared dead and the
    /// room is served here.
    pub async fn serve(self: Arc<Self>, socket: BrowserSocket, hub: HubHandle, room: RoomId) {
        let give_up = Instant::now() + TAKEOVER_WAIT;
        loop {
            if self.has_left() {
                return forward::send_on(socket).await;
            }
            let mut unreachable = None;
            match self.claim(&room).await {
                Ok(Owner::Me { .. }) => return self.serve_here(socket, hub, &room).await,
                Ok(Owner::Node(addr)) => {
                    match forward::connect(&addr, &room, hub.browser(), &self.token).await {
                        Ok(upstream) => return forward::pipe(socket, upstream).await,
                        Err(e) => {
                            tracing::debug!(%room, %addr, error = %e, "owner unreachable");
                            unreachable = Some((addr, e));
                        }
                    }
                }
                Err(e) => tracing::warn!(%room, error = %e, "the room directory is unreachable"),
            }
            if Instant::now() >= give_up {
                if let Some((addr, error)) = unreachable {
                    // A live node that cannot be reached: a wrong --node-advertise, or a network
                    // between the nodes that is down.
                    tracing::warn!(%room, %addr, %error, "the room's owner could not be reached for {TAKEOVER_WAIT:?}; the browser is sent on");
                }
                return forward::send_on(socket).await;
            }
            tokio::time::sleep(RETRY).await;
        }
    }

    /// Serves `socket` of `room`, which this node owns now, on its own hub.
    async fn serve_here(self: &Arc<Self>, socket: BrowserSocket, hub: HubHandle, room: &RoomId) {
        let _held = self.hold(room);
        serve_socket(socket, hub, PING_EVERY).await;
    }

    /// Counts a socket of `room` served here until the guard drops.
    fn hold(self: &Arc<Self>, room: &RoomId) -> Held {
        self.holds().opened(room);
        Held { cluster: self.clone(), room: room.clone() }
    }

    fn holds(&self) -> MutexGuard<'_, Holds> {
        self.holds.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Leaves the deployment (a clean shutdown): this node's key and leases are deleted, and
    /// the sockets of its rooms are closed with 1012, so the browsers resume on another node at
    /// once instead of after the key expires. The games running here end as they stood, saved
    /// by this node as a node taking them over would save them (at most [`games::FLUSH`] old).
    pub async fn leave(&self) {
        self.left.store(true, Ordering::SeqCst);
        // A heartbeat stuck on an unreachable Redis is not waited for past LEAVE_WAIT: it cannot
        // renew anything once `left` is set, whichever of the two gets the lock.
        let _leases = tokio::time::timeout(LEAVE_WAIT, self.leases.lock()).await;
        let rooms = self.holds().held();
        let orphans =
            match tokio::time::timeout(LEAVE_WAIT, self.directory.release(&rooms, true)).await {
                Ok(Ok(orphans)) => orphans,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "could not leave the deployment cleanly");
                    Vec::new()
                }
                Err(_) => {
                    tracing::warn!("Redis did not answer; leaving without a goodbye");
                    Vec::new()
                }
            };
        for room in rooms {
            self.holds().lost(&room);
            self.hub.moved(room);
        }
        // Saved together, within LEAVE_WAIT; one not saved by then stays moved aside, and the
        // room's next owner saves it when it claims the room.
        let saves =
            orphans.iter().map(|room| games::finish_orphan(&self.directory, &self.store, room));
        if tokio::time::timeout(LEAVE_WAIT, futures::future::join_all(saves)).await.is_err() {
            tracing::warn!(
                "the running games were not all saved in time; the rooms' next owners will"
            );
        }
    }
}

/// One socket of a room served here.
struct Held {
    cluster: Arc<Cluster>,
    room: RoomId,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.cluster.holds().closed(&self.room, Instant::now());
    }
}

/// Refreshes this node and its rooms every [`directory::HEARTBEAT`], and gives up the rooms
/// idle past the grace.
async fn heartbeat(cluster: Arc<Cluster>) {
    let mut tick = tokio::time::interval(directory::HEARTBEAT);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let _leases = cluster.leases.lock().await;
        if cluster.has_left() {
            return;
        }
        let (idle, held) = {
            let mut holds = cluster.holds();
            (holds.expire(Instant::now(), cluster.grace), holds.held())
        };
        // The node's own key first: it is what tells the others this node is alive.
        match cluster.directory.renew(&held).await {
            Ok(lost) => {
                for room in lost {
                    // This node's lease lapsed (it was cut off from Redis for longer than its
                    // key lives) and another node took the room: its sockets go there.
                    tracing::warn!(%room, "another node owns a room served here; moving it");
                    cluster.holds().lost(&room);
                    cluster.hub.moved(room);
                }
            }
            Err(e) => tracing::warn!(error = %e, "heartbeat failed"),
        }
        // A room a socket came back to while the heartbeat waited on Redis is kept.
        let idle: Vec<RoomId> = idle.into_iter().filter(|r| !cluster.holds().serves(r)).collect();
        if !idle.is_empty() {
            if let Err(e) = cluster.directory.release(&idle, false).await {
                tracing::warn!(error = %e, "could not release idle rooms");
            }
        }
    }
}
