//! File transfers as the page shows them.

use crate::call::transfer::FileError;
use crate::i18n::*;

/// Where a transfer stands.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TransferState {
    /// Bytes are moving.
    Active,
    /// All bytes arrived (incoming: ready to download) or were sent.
    Done,
    /// Stopped by one side.
    Cancelled,
    /// Something went wrong.
    Failed(FileError),
}

/// One file going out to one or more people, or coming in from one.
#[derive(Clone, Debug, PartialEq)]
pub struct Transfer {
    /// Page-wide number, for keyed lists and cancel.
    pub key: u64,
    /// We send it.
    pub outgoing: bool,
    /// To whom / from whom; `None` for a file sent to everyone.
    pub who: Option<String>,
    /// Original file name.
    pub name: String,
    /// Bytes.
    pub size: u64,
    /// 0..=1.
    pub progress: f64,
    /// Where it stands.
    pub state: TransferState,
    /// Incoming and complete: an object URL to download it from.
    pub url: Option<String>,
}

impl Transfer {
    /// Who it goes to or comes from, in `locale`: "to everyone", "to Ann", "from Ann".
    pub fn direction(&self, locale: Locale) -> String {
        match (&self.who, self.outgoing) {
            (None, _) => td_string!(locale, chat.to_everyone).to_string(),
            (Some(who), true) => td_string!(locale, chat.to_person, who = who).to_string(),
            (Some(who), false) => td_string!(locale, chat.from_person, who = who).to_string(),
        }
    }
}

/// A picked file that can sit in a callback. Only ever constructed in the browser.
#[cfg(feature = "hydrate")]
pub type FileRef = send_wrapper::SendWrapper<web_sys::File>;
/// A picked file that can sit in a callback. Only ever constructed in the browser.
#[cfg(not(feature = "hydrate"))]
#[derive(Clone, Debug)]
pub struct FileRef(());

/// Human size: "3.1 MB".
pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.0} kB", b as f64 / 1e3),
        b => format!("{b} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transfer_names_the_other_side_in_both_languages() {
        let mut t = Transfer {
            key: 1,
            outgoing: false,
            who: Some("Ann".into()),
            name: "a.txt".into(),
            size: 1,
            progress: 0.0,
            state: TransferState::Active,
            url: None,
        };
        assert_eq!(t.direction(Locale::en), "from Ann");
        assert_eq!(t.direction(Locale::ko), "Ann님이 보냄");
        t.outgoing = true;
        assert_eq!(t.direction(Locale::en), "to Ann");
        assert_eq!(t.direction(Locale::ko), "Ann님에게 보냄");
        t.who = None;
        assert_eq!(t.direction(Locale::en), "to everyone");
        assert_eq!(t.direction(Locale::ko), "모두에게 보냄");
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(super::human_size(512), "512 B");
        assert_eq!(super::human_size(4_200), "4 kB");
        assert_eq!(super::human_size(3_145_728), "3.1 MB");
    }
}
