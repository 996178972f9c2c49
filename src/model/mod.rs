//! The UI model: the state of a call as pages show it, in plain types and signals that both
//! the hooks (which hand them to views) and the browser layer (`rtc`, which writes them) use.
//! It names neither: the layers above point down to it.

pub mod call_ui;
pub mod game_ui;
pub mod host_ui;
pub mod layout;
pub mod transfer_ui;
