//! The game driven by simulated players and simulated time.

mod copy_face;
mod dont_laugh;
mod highlights;
mod lifecycle;
mod readings;
mod wire_format;

use super::*;
use crate::ids::PeerId;
use std::collections::HashMap;
use std::time::Duration;

/// A game plus a simulated clock and per-player sequence numbers.
struct Sim {
    game: Game,
    now: Duration,
    seq: HashMap<PeerId, u64>,
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Probabilities with `p` on `e` and the rest on neutral (or on happy when `e` is neutral).
fn probs(e: Expression, p: f32) -> [f32; 7] {
    let mut v = [0.0; 7];
    let rest = if e == Expression::Neutral { Expression::Happy } else { Expression::Neutral };
    v[rest.index()] = 1.0 - p;
    v[e.index()] = p;
    v
}

impl Sim {
    fn new(mode: Mode) -> Self {
        Self::with(GameConfig::default(), mode, 42)
    }

    fn with(config: GameConfig, mode: Mode, seed: u64) -> Self {
        let game = Game::new(config, mode, seed).expect("valid config");
        Self { game, now: Duration::ZERO, seq: HashMap::new() }
    }

    fn input(&mut self, input: Input) -> Vec<Output> {
        self.game.handle(self.now, input)
    }

    fn advance(&mut self, d: Duration) {
        self.now += d;
    }

    /// Moves the clock to `t` and ticks.
    fn tick_at(&mut self, t: Duration) -> Vec<Output> {
        self.now = t;
        self.input(Input::Tick)
    }

    fn join(&mut self, id: u64, name: &str) -> PeerId {
        let peer = PeerId(id);
        self.input(Input::PlayerJoined { peer, name: name.into() });
        peer
    }

    fn leave(&mut self, peer: PeerId) -> Vec<Output> {
        self.input(Input::PlayerLeft { peer })
    }

    fn ready(&mut self, peer: PeerId) -> Vec<Output> {
        self.input(Input::Ready { peer })
    }

    fn start(&mut self, peer: PeerId) -> Vec<Output> {
        self.input(Input::Start { peer })
    }

    /// Sends `reading` as is (its own sequence number).
    fn send(&mut self, peer: PeerId, reading: Reading) -> Vec<Output> {
        self.input(Input::Reading { peer, reading })
    }

    fn next_seq(&mut self, peer: PeerId) -> u64 {
        let seq = self.seq.entry(peer).or_default();
        *seq += 1;
        *seq
    }

    /// A face reading of `p` on `e`, with the next sequence number.
    fn face(&mut self, peer: PeerId, e: Expression, p: f32) -> Vec<Output> {
        let seq = self.next_seq(peer);
        self.send(peer, Reading::with_face(seq, probs(e, p)))
    }

    fn happy(&mut self, peer: PeerId, p: f32) -> Vec<Output> {
        self.face(peer, Expression::Happy, p)
    }

    fn no_face(&mut self, peer: PeerId) -> Vec<Output> {
        let seq = self.next_seq(peer);
        self.send(peer, Reading::without_face(seq))
    }

    /// A calm face from each of `peers`, so they are not away.
    fn calm(&mut self, peers: &[PeerId]) {
        for &p in peers {
            let out = self.face(p, Expression::Neutral, 1.0);
            assert_eq!(rejection(&out), None);
        }
    }

    /// Readings of `p` on `e` every 100 ms from `from` to `to` inclusive (the clock moves
    /// there), each of which must be accepted.
    fn hold(
        &mut self,
        peer: PeerId,
        e: Expression,
        p: f32,
        from: Duration,
        to: Duration,
    ) -> Vec<Output> {
        let mut all = Vec::new();
        let mut t = from;
        while t <= to {
            self.now = t;
            let out = self.face(peer, e, p);
            assert_eq!(rejection(&out), None, "at {t:?}");
            all.extend(out);
            t += ms(100);
        }
        all
    }

    /// `happy` readings of `p` every 100 ms from `from` to `to` inclusive.
    fn laugh(&mut self, peer: PeerId, p: f32, from: Duration, to: Duration) -> Vec<Output> {
        self.hold(peer, Expression::Happy, p, from, to)
    }

    /// Seats `names` (ids 1, 2, …), the host starts, and the countdown runs out: round 1 begins
    /// with everyone's face in view; the clock then moves on 1 s, so that a test's first reading
    /// at `sim.now` starts a fresh one-second rate window.
    fn playing(mode: Mode, names: &[&str]) -> (Self, Vec<PeerId>) {
        let mut sim = Self::new(mode);
        let peers: Vec<PeerId> =
            names.iter().enumerate().map(|(i, n)| sim.join(i as u64 + 1, n)).collect();
        assert_eq!(rejection(&sim.start(peers[0])), None);
        let out = sim.tick_at(sim.now + secs(3));
        assert!(matches!(phase(&out), Some(Phase::Round { round: 1, .. })), "{out:?}");
        sim.calm(&peers);
        sim.advance(secs(1));
        (sim, peers)
    }

    fn score(&self, peer: PeerId) -> u32 {
        self.line(peer).score
    }

    fn status(&self, peer: PeerId) -> PlayerStatus {
        self.line(peer).status
    }

    fn line(&self, peer: PeerId) -> PlayerView {
        let board = self.game.scoreboard();
        board.players.into_iter().find(|l| l.peer == peer).expect("on the board")
    }
}

fn rejection(out: &[Output]) -> Option<GameError> {
    out.iter().find_map(|o| match o {
        Output::Rejected { error, .. } => Some(error.clone()),
        _ => None,
    })
}

fn phase(out: &[Output]) -> Option<Phase> {
    out.iter().rev().find_map(|o| match o {
        Output::Phase(v) => Some(v.phase.clone()),
        _ => None,
    })
}

fn events(out: &[Output]) -> Vec<GameEvent> {
    out.iter()
        .filter_map(|o| match o {
            Output::Event(e) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

fn captures(out: &[Output]) -> Vec<CaptureRequest> {
    out.iter()
        .filter_map(|o| match o {
            Output::CaptureRequest(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

fn game_over(out: &[Output]) -> Option<(Results, GameRecord)> {
    out.iter().find_map(|o| match o {
        Output::GameOver { results, record } => Some((results.clone(), record.clone())),
        _ => None,
    })
}

fn rebroadcast(out: &[Output]) -> bool {
    out.iter().any(|o| matches!(o, Output::Reading { .. }))
}
