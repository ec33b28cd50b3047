//! Who is working at this terminal: `--as INITIALS`, or asked at start and
//! remembered per terminal, so every recorded event says who entered it.
//!
//! A terminal is named by `$SSH_TTY` (an SSH session) or the device of
//! standard input (`/dev/pts/3`, `/dev/tty1`); its initials are kept in
//! `$XDG_STATE_HOME/flowboard/operators/<terminal>` (by default
//! `~/.local/state/flowboard/operators/dev-pts-3`). Terminal devices are
//! reused by later sessions, so the remembered initials are only offered
//! as the answer to the question, never taken silently.

use std::io;
use std::path::{Path, PathBuf};

use crate::domain::text::sanitize;

/// Longest initials accepted.
pub const MAX_INITIALS: usize = 8;

/// Cleans typed initials: letters and digits (any script), '.' and '-',
/// 1 to 8 of them; Latin letters in capitals. `None` when not usable.
pub fn initials(typed: &str) -> Option<String> {
    let clean = sanitize(typed);
    let ok = !clean.is_empty()
        && clean.chars().count() <= MAX_INITIALS
        && clean
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    ok.then(|| clean.to_uppercase())
}

/// The name of this terminal, if it has one.
pub fn terminal_name() -> Option<String> {
    if let Some(tty) = std::env::var_os("SSH_TTY").filter(|v| !v.is_empty()) {
        return Some(tty.to_string_lossy().into_owned());
    }
    let dev = std::fs::read_link("/proc/self/fd/0").ok()?;
    let dev = dev.to_string_lossy().into_owned();
    dev.starts_with("/dev/").then_some(dev)
}

/// The file that remembers a terminal's initials, under `state_dir`.
pub fn memory_file(state_dir: &Path, terminal: &str) -> PathBuf {
    let key: String = terminal
        .trim_start_matches('/')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    state_dir.join("operators").join(key)
}

/// The XDG state directory of flowboard.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "flowboard")?;
    dirs.state_dir().map(Path::to_path_buf)
}

pub fn remembered(file: &Path) -> Option<String> {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|text| initials(&text))
}

pub fn remember(file: &Path, who: &str) -> io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(file, format!("{who}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_are_short_clean_and_in_capitals() {
        assert_eq!(initials(" ks "), Some("KS".into()));
        assert_eq!(initials("K.S."), Some("K.S.".into()));
        assert_eq!(initials("佐藤"), Some("佐藤".into()));
        assert_eq!(initials("\u{1b}[31mKS"), Some("KS".into()));
        assert_eq!(initials(""), None);
        assert_eq!(initials("Nurse Sato"), None);
        assert_eq!(initials("ABCDEFGHI"), None);
        assert_eq!(initials("K;rm"), None);
    }

    #[test]
    fn each_terminal_remembers_its_own_initials() {
        let dir = tempfile::tempdir().unwrap();
        let pts3 = memory_file(dir.path(), "/dev/pts/3");
        let tty1 = memory_file(dir.path(), "/dev/tty1");
        assert!(pts3.ends_with("operators/dev-pts-3"));
        assert_eq!(remembered(&pts3), None);
        remember(&pts3, "KS").unwrap();
        remember(&tty1, "MY").unwrap();
        assert_eq!(remembered(&pts3), Some("KS".into()));
        assert_eq!(remembered(&tty1), Some("MY".into()));
    }
}
