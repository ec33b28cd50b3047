//! The server's place on the machine: the socket's path, and the limit of
//! open files.

use std::path::Path;

/// Makes the socket's place free. Called with the database lock held, so
/// no other server runs here: a socket, a symbolic link (even one that
/// points nowhere), a file or an empty directory left at the place goes;
/// a directory with something in it is reported with what to remove.
/// Never follows a link: what a link points to is left alone.
pub fn clear_socket_place(socket: &Path) -> Result<(), String> {
    let meta = match std::fs::symlink_metadata(socket) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot look at {}: {e}", socket.display())),
    };
    let kind = meta.file_type();
    let removed = if kind.is_dir() {
        std::fs::remove_dir(socket).map_err(|e| {
            format!(
                "{} is a directory that is not empty ({e}): move it away or remove it (rm -r {}), then start the server again",
                socket.display(),
                socket.display()
            )
        })?;
        "a directory"
    } else {
        std::fs::remove_file(socket).map_err(|e| {
            format!(
                "cannot remove what is at {} ({e}): remove it by hand, then start the server again",
                socket.display()
            )
        })?;
        if kind.is_symlink() {
            "a symbolic link"
        } else if is_socket(&meta) {
            "a socket left by a server that stopped"
        } else {
            "a file"
        }
    };
    tracing::warn!("replaced {removed} at {}", socket.display());
    Ok(())
}

fn is_socket(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_socket()
}

/// Whether `dir` is a place for a backup of the data directory `root`:
/// an absolute path, outside the data directory, new or empty. The error
/// is the code and the sentence for the reply.
pub fn check_backup_dir(dir: &Path, root: &Path) -> Result<(), (&'static str, String)> {
    if !dir.is_absolute() {
        return Err((
            "bad_path",
            format!(
                "the backup directory must be an absolute path, got {:?}: give the full path, such as /srv/backup/flowboard/2026-11-21",
                dir.display().to_string()
            ),
        ));
    }
    // Compare where they really are: the nearest part of `dir` that
    // exists, resolved, with the rest on top.
    let resolve = |path: &Path| -> std::path::PathBuf {
        let mut existing = path;
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => break,
            }
        }
        let mut resolved =
            std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
        for name in rest.into_iter().rev() {
            resolved.push(name);
        }
        resolved
    };
    let (dir_at, root_at) = (resolve(dir), resolve(root));
    if dir_at.starts_with(&root_at) {
        return Err((
            "bad_path",
            format!(
                "{} is inside the data directory {}: back up to another place (another disk, ideally)",
                dir.display(),
                root.display()
            ),
        ));
    }
    if root_at.starts_with(&dir_at) {
        return Err((
            "bad_path",
            format!(
                "{} holds the data directory {}: back up into a new directory of its own",
                dir.display(),
                root.display()
            ),
        ));
    }
    match std::fs::symlink_metadata(dir) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => Err((
            "not_empty",
            format!(
                "{} is not a directory: back up into a new or empty directory",
                dir.display()
            ),
        )),
        Ok(_) => match std::fs::read_dir(dir).map(|mut d| d.next().is_some()) {
            Ok(false) => Ok(()),
            Ok(true) => Err((
                "not_empty",
                format!(
                    "{} is not empty: back up into a new or empty directory",
                    dir.display()
                ),
            )),
            Err(e) => Err(("bad_path", format!("cannot read {}: {e}", dir.display()))),
        },
    }
}

/// Raises the soft limit of open files to the hard limit (systemd's
/// default soft limit is 1,024), and returns the limit in force.
pub fn raise_file_limit() -> u64 {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) => {
            if soft < hard {
                match setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
                    Ok(()) => return hard,
                    Err(e) => tracing::warn!(
                        "cannot raise the limit of open files from {soft} to {hard}: {e}"
                    ),
                }
            }
            soft
        }
        Err(e) => {
            tracing::warn!("cannot read the limit of open files: {e}");
            1024
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dangling_link_a_file_or_an_empty_directory_at_the_place_goes() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("flowboard.sock");
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, &socket).unwrap();
        clear_socket_place(&socket).unwrap();
        assert!(std::fs::symlink_metadata(&socket).is_err());
        std::fs::write(&target, "keep me").unwrap();
        std::os::unix::fs::symlink(&target, &socket).unwrap();
        clear_socket_place(&socket).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
        std::fs::write(&socket, "").unwrap();
        clear_socket_place(&socket).unwrap();
        std::fs::create_dir(&socket).unwrap();
        clear_socket_place(&socket).unwrap();
        assert!(!socket.exists());
        clear_socket_place(&socket).unwrap();
    }

    #[test]
    fn a_backup_goes_to_an_absolute_new_or_empty_directory_outside_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("data");
        std::fs::create_dir(&root).unwrap();
        let err = |d: &Path| check_backup_dir(d, &root).unwrap_err();
        assert_eq!(err(Path::new("backup")).0, "bad_path");
        assert!(err(Path::new("backup")).1.contains("absolute path"));
        assert!(
            err(&root.join("db-copy"))
                .1
                .contains("inside the data directory")
        );
        assert!(
            err(&root.join("x/../y"))
                .1
                .contains("inside the data directory")
        );
        assert!(err(dir.path()).1.contains("holds the data directory"));
        let full = dir.path().join("full");
        std::fs::create_dir(&full).unwrap();
        std::fs::write(full.join("photo.jpg"), "x").unwrap();
        assert_eq!(
            err(&full),
            (
                "not_empty",
                format!(
                    "{} is not empty: back up into a new or empty directory",
                    full.display()
                )
            )
        );
        assert!(check_backup_dir(&dir.path().join("new"), &root).is_ok());
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(check_backup_dir(&empty, &root).is_ok());
    }

    #[test]
    fn a_directory_with_something_in_it_is_reported_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("flowboard.sock");
        std::fs::create_dir(&socket).unwrap();
        std::fs::write(socket.join("photo.jpg"), "x").unwrap();
        let err = clear_socket_place(&socket).unwrap_err();
        assert!(err.contains("is a directory that is not empty"), "{err}");
        assert!(err.contains("rm -r"), "{err}");
        assert!(socket.join("photo.jpg").exists());
    }
}
