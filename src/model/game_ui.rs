//! The game as the room page sees it: signals the call writes from server messages, and the
//! pure helpers the game panel reads them with.

use super::call_ui::CallUi;
use crate::game::GameRefusal;
use crate::game::{
    CaptureRequest, Expression, GameEvent, Mode, Phase, PhaseView, PlayerView, Reading, Results,
    Scoreboard,
};
use crate::i18n::*;
use crate::protocol::{ClientMsg, GameClientMsg, GameServerMsg, PeerId};
use leptos::prelude::*;

/// What the server last said about the room's game.
#[derive(Clone, Copy)]
pub struct GameUi {
    /// The phase (`None` until the first game message).
    pub phase: RwSignal<Option<PhaseView>>,
    /// Page time (ms, `performance.now()`) when `phase` arrived: counts down `remaining_ms`.
    pub phase_at: RwSignal<f64>,
    /// Everyone in the room with their score.
    pub board: RwSignal<Scoreboard>,
    /// The last thing that scored.
    pub event: RwSignal<Option<GameEvent>>,
    /// The last game's results and public id.
    pub over: RwSignal<Option<(Results, String)>>,
    /// The last refusal of a game message.
    pub refused: RwSignal<Option<Refusal>>,
    /// A capture the server asked of this client, not yet done.
    pub capture: RwSignal<Option<CaptureRequest>>,
    /// The reading of our own face last sent.
    pub own_reading: RwSignal<Option<Reading>>,
}

impl GameUi {
    /// Nothing known yet.
    pub fn new() -> Self {
        Self {
            phase: RwSignal::new(None),
            phase_at: RwSignal::new(0.0),
            board: RwSignal::new(Scoreboard::default()),
            event: RwSignal::new(None),
            over: RwSignal::new(None),
            refused: RwSignal::new(None),
            capture: RwSignal::new(None),
            own_reading: RwSignal::new(None),
        }
    }
}

impl Default for GameUi {
    fn default() -> Self {
        Self::new()
    }
}

/// The word the `game-phase` hook shows: lobby, countdown, round or results (round results
/// count as round: the game is on).
pub fn phase_word(phase: Option<&Phase>) -> &'static str {
    match phase {
        None | Some(Phase::Lobby) => "lobby",
        Some(Phase::Countdown { .. }) => "countdown",
        Some(Phase::Round { .. }) | Some(Phase::RoundResults { .. }) => "round",
        Some(Phase::Results) => "results",
    }
}

/// The phase as the panel shows it, in `locale`.
pub fn phase_text(phase: Option<&Phase>, locale: Locale) -> &'static str {
    match phase {
        None | Some(Phase::Lobby) => td_string!(locale, game.phase_lobby),
        Some(Phase::Countdown { .. }) => td_string!(locale, game.phase_countdown),
        Some(Phase::Round { .. }) | Some(Phase::RoundResults { .. }) => {
            td_string!(locale, game.phase_round)
        }
        Some(Phase::Results) => td_string!(locale, game.phase_results),
    }
}

/// The name of a mode in the room's game panel, in `locale`.
pub fn mode_name(mode: Mode, locale: Locale) -> &'static str {
    match mode {
        Mode::DontLaugh => td_string!(locale, game.mode_dont_laugh),
        Mode::CopyFace => td_string!(locale, game.mode_copy_face),
    }
}

/// The name of an expression, in `locale` (in English, the same as [`Expression::label`]).
pub fn expression_name(e: Expression, locale: Locale) -> &'static str {
    match e {
        Expression::Neutral => td_string!(locale, game.expr_neutral),
        Expression::Happy => td_string!(locale, game.expr_happy),
        Expression::Sad => td_string!(locale, game.expr_sad),
        Expression::Angry => td_string!(locale, game.expr_angry),
        Expression::Fearful => td_string!(locale, game.expr_fearful),
        Expression::Disgusted => td_string!(locale, game.expr_disgusted),
        Expression::Surprised => td_string!(locale, game.expr_surprised),
    }
}

/// Why a game message of ours came to nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The rules refused it (`GameServerMsg::GameRefused`).
    Rules(GameRefusal),
    /// The game ended but could not be saved (`GameServerMsg::GameNotSaved`).
    NotSaved,
}

/// The server refused one of our game messages, or could not keep the game.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Why.
    pub why: Refused,
    /// The server's English detail, kept for reasons too technical to reword.
    pub detail: String,
}

impl Refusal {
    /// The reason as the user reads it, in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        let detail = &self.detail;
        let rules = match self.why {
            Refused::NotSaved => return td_string!(locale, game.refused_not_saved).to_string(),
            Refused::Rules(code) => code,
        };
        match rules {
            GameRefusal::NotInRoom => td_string!(locale, game.refused_not_in_room).to_string(),
            GameRefusal::NotHost => td_string!(locale, game.refused_not_host).to_string(),
            GameRefusal::NotEnoughPlayers => {
                td_string!(locale, game.refused_not_enough_players).to_string()
            }
            GameRefusal::GameInProgress => {
                td_string!(locale, game.refused_game_in_progress).to_string()
            }
            c if c.is_reading() => td_string!(locale, game.refused_reading, detail).to_string(),
            c if c.is_highlight() => td_string!(locale, game.refused_highlight, detail).to_string(),
            _ => td_string!(locale, game.refused_other, detail).to_string(),
        }
    }
}

/// Applies a game message from the server to the call's signals; `now` is the page clock (ms)
/// the phase's countdown runs from.
pub fn apply(ui: &CallUi, msg: GameServerMsg, now: f64) {
    let game: GameUi = ui.game;
    match msg {
        GameServerMsg::GamePhase(view) => {
            if running(Some(&view.phase)) {
                game.over.set(None);
            }
            game.phase_at.set(now);
            game.phase.set(Some(view));
        }
        GameServerMsg::Scores(board) => game.board.set(board),
        GameServerMsg::GameEvent(event) => game.event.set(Some(event)),
        GameServerMsg::Reading { peer, reading } => ui.tiles.with_untracked(|tiles| {
            if let Some(tile) = tiles.iter().find(|t| t.id == peer) {
                tile.reading.set(Some(reading));
            }
        }),
        GameServerMsg::Capture(request) => game.capture.set(Some(request)),
        GameServerMsg::CaptureWithdrawn { request_id } => {
            if game.capture.with_untracked(|c| c.as_ref().is_some_and(|c| c.id == request_id)) {
                game.capture.set(None);
            }
        }
        GameServerMsg::GameOver { results, game_id } => game.over.set(Some((results, game_id))),
        GameServerMsg::GameNotSaved { message, .. } => {
            game.refused.set(Some(Refusal { why: Refused::NotSaved, detail: message }))
        }
        GameServerMsg::GameRefused { code, message } => {
            leptos::logging::warn!("game message refused ({code}): {message}");
            game.refused.set(Some(Refusal { why: Refused::Rules(code), detail: message }));
        }
    }
}

/// Whether a game is being played (players should be reading their faces).
pub fn running(phase: Option<&Phase>) -> bool {
    matches!(
        phase,
        Some(Phase::Countdown { .. } | Phase::Round { .. } | Phase::RoundResults { .. })
    )
}

/// Whole seconds left in a phase that arrived `elapsed_ms` ago with `remaining_ms` left.
pub fn seconds_left(remaining_ms: Option<u64>, elapsed_ms: f64) -> Option<u64> {
    let left = remaining_ms? as f64 - elapsed_ms.max(0.0);
    Some((left.max(0.0) / 1000.0).ceil() as u64)
}

/// What a game event shows on one player's tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Burst {
    /// They laughed (don't laugh): the tile flashes.
    Laughed,
    /// They scored this many points.
    Points(u32),
}

/// What `event` shows on `peer`'s tile, if anything.
pub fn burst_for(event: &GameEvent, peer: PeerId) -> Option<Burst> {
    match event {
        GameEvent::Laugh { peer: laugher, .. } if *laugher == peer => Some(Burst::Laughed),
        GameEvent::Laugh { rewarded, points, .. } if rewarded.contains(&peer) => {
            Some(Burst::Points(*points))
        }
        GameEvent::Copied { peer: winner, points, .. } if *winner == peer => {
            Some(Burst::Points(*points))
        }
        _ => None,
    }
}

/// A member's line of the scoreboard.
pub fn line_of(board: &Scoreboard, peer: PeerId) -> Option<&PlayerView> {
    board.players.iter().find(|p| p.peer == peer)
}

/// What the game panel and the face reader ask of the server.
#[derive(Clone, Debug, PartialEq)]
pub enum GameAction {
    /// Ready for the next game (or no longer).
    Ready(bool),
    /// Start the game now (host only).
    Start,
    /// The next game's mode (host only).
    ChooseMode(crate::game::Mode),
    /// Our face's reading of one frame.
    Reading(crate::game::Reading),
}

impl GameAction {
    /// The message that carries it.
    pub fn message(self) -> ClientMsg {
        ClientMsg::Game(match self {
            Self::Ready(true) => GameClientMsg::Ready,
            Self::Ready(false) => GameClientMsg::Unready,
            Self::Start => GameClientMsg::Start,
            Self::ChooseMode(mode) => GameClientMsg::ChooseMode { mode },
            Self::Reading(reading) => GameClientMsg::Reading(reading),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_laugh_flashes_the_laugher_and_lifts_the_others_scores() {
        let (a, b, c) = (PeerId(1), PeerId(2), PeerId(3));
        let laugh = GameEvent::Laugh {
            peer: a,
            round: 1,
            at_ms: 10,
            peak: 0.9,
            rewarded: vec![b],
            points: 10,
        };
        assert_eq!(burst_for(&laugh, a), Some(Burst::Laughed));
        assert_eq!(burst_for(&laugh, b), Some(Burst::Points(10)));
        assert_eq!(burst_for(&laugh, c), None, "away players get nothing");
        let copied =
            GameEvent::Copied { peer: c, round: 2, at_ms: 5, target: Expression::Sad, points: 20 };
        assert_eq!(burst_for(&copied, c), Some(Burst::Points(20)));
        assert_eq!(burst_for(&copied, a), None);
    }

    #[test]
    fn phase_words_are_the_four_hook_values() {
        assert_eq!(phase_word(None), "lobby");
        assert_eq!(phase_word(Some(&Phase::Countdown { ends_at_ms: 1 })), "countdown");
        let round = Phase::Round { round: 1, rounds: 3, ends_at_ms: 5, target: None };
        assert_eq!(phase_word(Some(&round)), "round");
        assert_eq!(
            phase_word(Some(&Phase::RoundResults { round: 1, rounds: 3, ends_at_ms: 5 })),
            "round"
        );
        assert_eq!(phase_word(Some(&Phase::Results)), "results");
        // The words people read are not the hook's values.
        assert_eq!(phase_text(None, Locale::en), "Waiting to start");
        assert_eq!(phase_text(Some(&Phase::Results), Locale::en), "Game over");
        assert_eq!(phase_text(Some(&round), Locale::ko), "라운드 진행 중");
        assert!(running(Some(&round)));
        assert!(!running(Some(&Phase::Results)));
    }

    #[test]
    fn the_countdown_rounds_up_and_stops_at_zero() {
        assert_eq!(seconds_left(Some(3000), 0.0), Some(3));
        assert_eq!(seconds_left(Some(3000), 1.0), Some(3));
        assert_eq!(seconds_left(Some(3000), 2500.0), Some(1));
        assert_eq!(seconds_left(Some(3000), 9000.0), Some(0));
        assert_eq!(seconds_left(None, 0.0), None);
    }

    #[test]
    fn names_read_in_english_and_korean() {
        for e in Expression::ALL {
            assert_eq!(expression_name(e, Locale::en), e.label());
        }
        let korean: Vec<_> =
            Expression::ALL.iter().map(|e| expression_name(*e, Locale::ko)).collect();
        assert_eq!(korean, ["무표정", "행복", "슬픔", "화남", "두려움", "혐오", "놀람"]);
        assert_eq!(mode_name(Mode::DontLaugh, Locale::en), "Don't laugh");
        assert_eq!(mode_name(Mode::DontLaugh, Locale::ko), "웃음 참기(웃참)");
        assert_eq!(mode_name(Mode::CopyFace, Locale::ko), "표정 따라하기");
    }

    #[test]
    fn every_refusal_code_the_rules_send_has_its_own_wording() {
        use crate::game::{GameError, HighlightError, ReadingError};
        let fallback = Refusal { why: Refused::Rules(GameRefusal::Other), detail: String::new() }
            .message(Locale::en);
        let refused = [
            GameError::NotInRoom,
            GameError::NotHost,
            GameError::NotEnoughPlayers { present: 1 },
            GameError::GameInProgress,
            GameError::Reading(ReadingError::TooFrequent { max: 10 }),
            GameError::Highlight(HighlightError::NotJpeg),
        ];
        for error in refused {
            let refusal = Refusal { why: Refused::Rules(error.code()), detail: String::new() };
            assert_ne!(refusal.message(Locale::en), fallback, "{}", error.code());
        }
    }

    #[test]
    fn refusals_are_worded_by_code_in_both_languages() {
        let refusal = |code| Refusal { why: Refused::Rules(code), detail: "too fast".into() };
        assert_eq!(refusal(GameRefusal::NotHost).message(Locale::en), "Only the host can do that.");
        assert_eq!(refusal(GameRefusal::NotHost).message(Locale::ko), "호스트만 할 수 있습니다.");
        assert_eq!(
            refusal(GameRefusal::ReadingTooFrequent).message(Locale::ko),
            "표정 인식 결과가 거부되었습니다: too fast"
        );
        let newer: GameRefusal = serde_json::from_str("\"something_new\"").unwrap();
        assert_eq!(refusal(newer).message(Locale::en), "The server refused that: too fast");
    }
}
