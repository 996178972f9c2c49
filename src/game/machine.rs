//! The [`Game`] state machine: inputs, outputs, and the phase clock. Membership lives in
//! `roster`, scoring in `play`.

use super::config::{ConfigError, GameConfig, Mode};
use super::error::GameError;
use super::highlight::{CaptureRequest, Captures, Highlight};
use super::hold::Hold;
use super::reading::{Expression, Reading, ReadingGate};
use super::record::{GameRecord, HighlightRecord, RoundRecord};
use super::rng::{pick_target, SplitMix64};
use super::wire::{millis, GameEvent, Phase, PhaseView, Results, Scoreboard};
use crate::ids::PeerId;
use crate::ids::PeerMap;
use std::collections::BTreeMap;
use std::time::Duration;

/// What happened in the room, as the server tells the rules.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// Someone took a seat in the room (or came back with the same id).
    PlayerJoined {
        /// Who.
        peer: PeerId,
        /// Display name (already checked by signaling).
        name: String,
    },
    /// Someone left the room.
    PlayerLeft {
        /// Who.
        peer: PeerId,
    },
    /// A member is ready to play.
    Ready {
        /// Who.
        peer: PeerId,
    },
    /// A member takes back their Ready.
    Unready {
        /// Who.
        peer: PeerId,
    },
    /// The host starts the game.
    Start {
        /// Who pressed Start.
        peer: PeerId,
    },
    /// The host chooses the mode of the next game.
    ChooseMode {
        /// Who chose.
        peer: PeerId,
        /// The mode.
        mode: Mode,
    },
    /// A reading of a member's own face.
    Reading {
        /// The sender, as the server knows it.
        peer: PeerId,
        /// What the client sent.
        reading: Reading,
    },
    /// A member uploaded the image for a capture request (already checked by
    /// [`validate_jpeg`](super::validate_jpeg)); the server keeps it only if this is accepted.
    UploadDone {
        /// The uploader, as the server knows it.
        peer: PeerId,
        /// The request answered.
        request_id: u64,
    },
    /// Time passed.
    Tick,
}

/// What the server must send. Unless a variant says otherwise it goes to the whole room.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// The phase changed (also re-sent when someone joins, so the newcomer learns it).
    Phase(PhaseView),
    /// The full scoreboard, whenever any line of it changed.
    Scores(Scoreboard),
    /// Something scored.
    Event(GameEvent),
    /// An accepted reading, for the room's tiles to draw overlays.
    Reading {
        /// Whose face.
        peer: PeerId,
        /// The reading as accepted.
        reading: Reading,
    },
    /// To `player` only: capture your local frame now and upload it.
    CaptureRequest(CaptureRequest),
    /// To `player` only: do not upload request `request_id`; the server deletes it if stored.
    CaptureWithdrawn {
        /// The player asked before.
        player: PeerId,
        /// The withdrawn request.
        request_id: u64,
    },
    /// To the server (and the room if it likes): an upload was accepted; keep the image.
    HighlightSaved(Highlight),
    /// To `peer` only: the input was refused and changed nothing.
    Rejected {
        /// The sender of the refused input.
        peer: PeerId,
        /// Why.
        error: GameError,
    },
    /// The game ended: show the results, persist the record.
    GameOver {
        /// Final standings.
        results: Results,
        /// Summary to persist.
        record: GameRecord,
    },
}

/// One member of the room.
#[derive(Clone, Debug)]
pub(super) struct Member {
    pub(super) name: String,
    /// Joining order; a member who leaves and comes back gets a new one.
    pub(super) joined: u64,
    pub(super) present: bool,
    pub(super) ready: bool,
    /// Plays in the current (or the last) game.
    pub(super) in_game: bool,
    pub(super) score: u32,
    /// Time of the last reading with a face (or of joining).
    pub(super) last_face: Duration,
    pub(super) gate: ReadingGate,
    pub(super) hold: Hold,
    pub(super) cooldown_until: Duration,
}

/// The phase with its deadline on the game clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    Lobby,
    Countdown { ends_at: Duration },
    Round { round: u32, ends_at: Duration, target: Option<Expression> },
    Between { round: u32, ends_at: Duration },
    Results,
}

impl Stage {
    fn ends_at(self) -> Option<Duration> {
        match self {
            Stage::Countdown { ends_at }
            | Stage::Round { ends_at, .. }
            | Stage::Between { ends_at, .. } => Some(ends_at),
            Stage::Lobby | Stage::Results => None,
        }
    }

    /// Whether a game is running (its players are fixed).
    pub(super) fn running(self) -> bool {
        self.ends_at().is_some()
    }
}

/// The log of the game being played.
#[derive(Clone, Debug, Default)]
pub(super) struct Run {
    pub(super) started_at: Duration,
    pub(super) rounds: Vec<RoundRecord>,
    pub(super) events: Vec<GameEvent>,
    /// The chosen highlight request of each round.
    pub(super) highlights: BTreeMap<u32, u64>,
    /// Don't laugh: the strongest laugh peak of the current round.
    pub(super) best_peak: Option<f32>,
}

/// The game of one room.
#[derive(Debug)]
pub struct Game {
    pub(super) config: GameConfig,
    pub(super) mode: Mode,
    pub(super) rng: SplitMix64,
    /// The latest `now` seen.
    pub(super) now: Duration,
    pub(super) stage: Stage,
    /// Games started so far; the current one's number while it runs.
    pub(super) game_no: u32,
    pub(super) members: PeerMap<Member>,
    pub(super) next_join: u64,
    pub(super) last_target: Option<Expression>,
    pub(super) captures: Captures,
    pub(super) run: Option<Run>,
    /// The scoreboard last sent, to send a new one only on change.
    last_scores: Option<Scoreboard>,
}

impl Game {
    /// An empty room in the lobby; `seed` drives the Copy-the-face targets.
    pub fn new(config: GameConfig, mode: Mode, seed: u64) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self {
            config,
            mode,
            rng: SplitMix64::new(seed),
            now: Duration::ZERO,
            stage: Stage::Lobby,
            game_no: 0,
            members: PeerMap::new(),
            next_join: 0,
            last_target: None,
            captures: Captures::default(),
            run: None,
            last_scores: None,
        })
    }

    /// Applies one input at `now` and returns what the server must send, in order.
    pub fn handle(&mut self, now: Duration, input: Input) -> Vec<Output> {
        self.now = self.now.max(now);
        let mut out = Vec::new();
        self.advance(&mut out);
        let result = match input {
            Input::PlayerJoined { peer, name } => {
                self.join(peer, name, &mut out);
                Ok(())
            }
            Input::PlayerLeft { peer } => {
                self.leave(peer, &mut out);
                Ok(())
            }
            Input::Ready { peer } => self.ready(peer, &mut out).map_err(|e| (peer, e)),
            Input::Unready { peer } => self.unready(peer).map_err(|e| (peer, e)),
            Input::Start { peer } => self.start(peer, &mut out).map_err(|e| (peer, e)),
            Input::ChooseMode { peer, mode } => {
                self.choose_mode(peer, mode, &mut out).map_err(|e| (peer, e))
            }
            Input::Reading { peer, reading } => {
                self.reading(peer, reading, &mut out).map_err(|e| (peer, e))
            }
            Input::UploadDone { peer, request_id } => {
                self.upload_done(peer, request_id, &mut out).map_err(|e| (peer, e))
            }
            Input::Tick => Ok(()),
        };
        if let Err((peer, error)) = result {
            out.push(Output::Rejected { peer, error });
        }
        self.sync_scores(&mut out);
        out
    }

    /// The mode of the current (or next) game.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The phase as of the last input.
    pub fn phase_view(&self) -> PhaseView {
        let phase = match self.stage {
            Stage::Lobby => Phase::Lobby,
            Stage::Countdown { ends_at } => Phase::Countdown { ends_at_ms: millis(ends_at) },
            Stage::Round { round, ends_at, target } => {
                Phase::Round { round, rounds: self.rounds(), ends_at_ms: millis(ends_at), target }
            }
            Stage::Between { round, ends_at } => {
                Phase::RoundResults { round, rounds: self.rounds(), ends_at_ms: millis(ends_at) }
            }
            Stage::Results => Phase::Results,
        };
        let remaining_ms = self.stage.ends_at().map(|t| millis(t.saturating_sub(self.now)));
        PhaseView { mode: self.mode, game: self.game_no, phase, remaining_ms }
    }

    /// Rounds per game in the current mode.
    pub(super) fn rounds(&self) -> u32 {
        self.config.rounds(self.mode)
    }

    /// Sends the scoreboard if it changed, then the phase.
    pub(super) fn emit_phase(&mut self, out: &mut Vec<Output>) {
        self.sync_scores(out);
        out.push(Output::Phase(self.phase_view()));
    }

    /// Sends the scoreboard if it differs from the one last sent.
    pub(super) fn sync_scores(&mut self, out: &mut Vec<Output>) {
        let now = self.scoreboard();
        if self.last_scores.as_ref() != Some(&now) {
            self.last_scores = Some(now.clone());
            out.push(Output::Scores(now));
        }
    }

    /// Runs every deadline that has passed, each at its own time.
    fn advance(&mut self, out: &mut Vec<Output>) {
        while let Some(due) = self.stage.ends_at().filter(|&t| t <= self.now) {
            match self.stage {
                Stage::Countdown { .. } => self.start_round(1, due, out),
                Stage::Round { .. } => self.end_round(due, out),
                Stage::Between { round, .. } => self.start_round(round + 1, due, out),
                Stage::Lobby | Stage::Results => break,
            }
        }
    }

    /// Starts round `round` at `at`: a fresh target, no hold or cool-down carried over.
    fn start_round(&mut self, round: u32, at: Duration, out: &mut Vec<Output>) {
        let target = match self.mode {
            Mode::DontLaugh => None,
            Mode::CopyFace => {
                pick_target(&mut self.rng, &self.config.copy_targets, self.last_target)
            }
        };
        self.last_target = target.or(self.last_target);
        for m in self.members.values_mut() {
            m.hold.reset();
            m.cooldown_until = Duration::ZERO;
        }
        let ends_at = at + self.config.round_length(self.mode);
        if let Some(run) = self.run.as_mut() {
            run.best_peak = None;
            run.rounds.push(RoundRecord {
                round,
                started_at_ms: millis(at),
                ended_at_ms: millis(ends_at),
                target,
            });
        }
        self.stage = Stage::Round { round, ends_at, target };
        self.emit_phase(out);
    }

    /// Ends the current round at `at` (its deadline, or a winning copy): a pause, or the results
    /// after the last round.
    pub(super) fn end_round(&mut self, at: Duration, out: &mut Vec<Output>) {
        let Stage::Round { round, .. } = self.stage else { return };
        if let Some(last) = self.run.as_mut().and_then(|r| r.rounds.last_mut()) {
            last.ended_at_ms = millis(at);
        }
        if round >= self.rounds() {
            self.finish(at, false, out);
        } else {
            self.stage = Stage::Between { round, ends_at: at + self.config.round_results };
            self.emit_phase(out);
        }
    }

    /// Ends the game at `at`: results, record, and the room waits for the next game.
    pub(super) fn finish(&mut self, at: Duration, early: bool, out: &mut Vec<Output>) {
        let run = self.run.take().unwrap_or_default();
        let (results, record) = self.outcome(run, at, early);
        self.stage = Stage::Results;
        self.emit_phase(out);
        out.push(Output::GameOver { results, record });
    }

    /// What the game running now would leave if it ended early at this moment: the results
    /// and record [`finish`](Self::finish) would give. None between games. The hub keeps this
    /// beside the game where more than one node serves rooms, so a game on a node that dies
    /// still ends with the results it had.
    pub fn snapshot(&self) -> Option<(Results, GameRecord)> {
        // A game still in its countdown has nothing to keep.
        let run = self.run.clone().filter(|run| !run.rounds.is_empty())?;
        Some(self.outcome(run, self.now, true))
    }

    /// The results and record of `run`, ended at `at`.
    fn outcome(&self, run: Run, at: Duration, early: bool) -> (Results, GameRecord) {
        let mut players: Vec<(&PeerId, &Member)> =
            self.members.iter().filter(|(_, m)| m.in_game).collect();
        players.sort_by_key(|(_, m)| m.joined);
        let lines =
            players.iter().map(|(&p, m)| (p, m.name.clone(), m.score, !m.present)).collect();
        let ranking = super::wire::rank(lines);
        let results = Results {
            game: self.game_no,
            mode: self.mode,
            rounds_played: u32::try_from(run.rounds.len()).unwrap_or(u32::MAX),
            rounds: self.rounds(),
            ended_early: early,
            ranking,
        };
        let record = self.record(run, at, &results);
        (results, record)
    }

    fn record(&self, run: Run, at: Duration, results: &Results) -> GameRecord {
        let highlights = run
            .highlights
            .iter()
            .filter_map(|(&round, &request_id)| {
                let capture = self.captures.get(request_id)?;
                let uploaded = capture.state == super::highlight::CaptureState::Uploaded;
                Some(HighlightRecord { request_id, player: capture.player, round, uploaded })
            })
            .collect();
        GameRecord {
            game: results.game,
            mode: results.mode,
            started_at_ms: millis(run.started_at),
            ended_at_ms: millis(at),
            ended_early: results.ended_early,
            players: results.ranking.clone(),
            rounds: run.rounds,
            events: run.events,
            highlights,
        }
    }

    /// Whether time alone changes something at `now`: a phase deadline passed, or a present
    /// player's face has been missing long enough to count as away. The hub ticks only such
    /// games, so thousands of idle rooms cost nothing between inputs.
    pub fn due(&self, now: Duration) -> bool {
        if self.stage.ends_at().is_some_and(|t| t <= now) {
            return true;
        }
        self.members.values().any(|m| m.present && (self.now..now).contains(&self.away_at(m)))
    }

    /// Whether time alone could make the game [`due`](Self::due) before its next input: a
    /// phase has a deadline, or a present player's face may yet count as away. The hub
    /// looks at no other game on its ticks.
    pub fn is_timed(&self) -> bool {
        self.stage.ends_at().is_some()
            || self.members.values().any(|m| m.present && self.now <= self.away_at(m))
    }

    /// When `m`'s face, missing since it was last seen, starts to count as away.
    fn away_at(&self, m: &Member) -> Duration {
        m.last_face.saturating_add(self.config.away_after)
    }

    /// Whether `m` counts as away now.
    pub(super) fn is_away(&self, m: &Member) -> bool {
        self.now.saturating_sub(m.last_face) > self.config.away_after
    }

    fn upload_done(
        &mut self,
        peer: PeerId,
        request_id: u64,
        out: &mut Vec<Output>,
    ) -> Result<(), GameError> {
        let ttl = self.config.capture_ttl;
        let highlight = self.captures.accept(self.now, peer, request_id, ttl)?;
        out.push(Output::HighlightSaved(highlight));
        Ok(())
    }
}
