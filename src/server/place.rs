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
