//! The server's log, `DATA_DIR/flowboard.log`: owner-only (0600), never
//! opened through a symbolic link, and bounded: it rotates when it reaches
//! `server.log_max_kib` and keeps `server.log_keep` old files
//! (`flowboard.log.1` is the newest), so a flood or years of running
//! cannot fill the disk. What it holds: README, "Security".

use std::fs::OpenOptions;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use file_rotate::compression::Compression;
use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};

use crate::config::ServerLimits;

/// How every log file is opened: appended to, created 0600, and refused
/// (not followed) when a symbolic link stands at its name.
fn options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.read(true)
        .create(true)
        .append(true)
        .mode(0o600)
        .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits());
    o
}

/// Opens the log for appending: a symbolic link at its place is removed
/// (never followed) and a fresh file made. Returns what was replaced, to
/// be logged once logging runs.
pub fn prepare(path: &Path) -> io::Result<Option<String>> {
    let replaced = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::remove_file(path)?;
            Some(format!(
                "{} was a symbolic link: removed (not followed), a new log started",
                path.display()
            ))
        }
        Ok(meta) if !meta.is_file() => {
            return Err(io::Error::other(format!(
                "{} is not a file: remove it, then start the server again",
                path.display()
            )));
        }
        _ => None,
    };
    let file = options().open(path)?;
    crate::paths::make_private(path)?;
    drop(file);
    Ok(replaced)
}

/// The log writer: rotates by size.
pub fn writer(path: &Path, limits: &ServerLimits) -> FileRotate<AppendCount> {
    let max_bytes = usize::try_from(limits.log_max_kib)
        .unwrap_or(10_240)
        .max(1)
        .saturating_mul(1024);
    let keep = usize::try_from(limits.log_keep).unwrap_or(5).max(1);
    FileRotate::new(
        path,
        AppendCount::new(keep),
        ContentLimit::BytesSurpassed(max_bytes),
        Compression::None,
        Some(options()),
    )
}

/// Opens a file for the early errors of a server the client starts (its
/// standard error): the log, appended to, 0600, not through a link.
pub fn open_for_append(path: &Path) -> io::Result<std::fs::File> {
    prepare(path)?;
    options().open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_log_rotates_by_size_and_keeps_a_few_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flowboard.log");
        prepare(&path).unwrap();
        let limits = ServerLimits {
            log_max_kib: 64,
            log_keep: 3,
            ..ServerLimits::default()
        };
        let mut log = writer(&path, &limits);
        let line = format!("{}\n", "x".repeat(99));
        for _ in 0..10_000 {
            log.write_all(line.as_bytes()).unwrap();
        }
        log.flush().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "flowboard.log",
                "flowboard.log.1",
                "flowboard.log.2",
                "flowboard.log.3"
            ]
        );
        for name in names {
            let meta = std::fs::metadata(dir.path().join(&name)).unwrap();
            assert!(meta.len() <= 64 * 1024 + 100, "{name}: {}", meta.len());
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
        }
    }

    #[test]
    fn a_symbolic_link_at_the_log_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("passwd");
        std::fs::write(&target, "root:x:0:0\n").unwrap();
        let path = dir.path().join("flowboard.log");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let replaced = prepare(&path).unwrap();
        assert!(replaced.unwrap().contains("symbolic link"));
        let mut log = writer(&path, &ServerLimits::default());
        log.write_all(b"hello\n").unwrap();
        log.flush().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "root:x:0:0\n");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello\n");
    }
}
