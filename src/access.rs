//! Who may attach to the server: the server's own user (and root) always;
//! the members of `socket_group` when the config names one. The socket's
//! file mode says the same to the kernel (0600, or 0660 for the group), and
//! the server checks the peer's credentials again on every connection, so
//! a loosened file mode alone lets nobody in.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use nix::unistd::{Gid, Group, Uid, User};

/// The group allowed besides the owner, resolved at server start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketGroup {
    pub name: String,
    pub gid: u32,
}

/// Looks a group up by name. The error is the sentence for the config key.
pub fn resolve_group(name: &str) -> Result<SocketGroup, String> {
    match Group::from_name(name) {
        Ok(Some(group)) => Ok(SocketGroup {
            name: name.to_string(),
            gid: group.gid.as_raw(),
        }),
        Ok(None) => Err(format!(
            "no group named {name:?} on this machine: create it (groupadd {name}) or remove the key"
        )),
        Err(e) => Err(format!("cannot look up group {name:?}: {e}")),
    }
}

/// Who is asking, as the kernel reports the peer of a Unix socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub uid: u32,
    pub gid: u32,
}

/// Whether `peer` may attach to a server run by `owner_uid`.
pub fn may_attach(peer: Peer, owner_uid: u32, group: Option<&SocketGroup>) -> bool {
    if peer.uid == owner_uid || peer.uid == 0 {
        return true;
    }
    match group {
        Some(group) => peer.gid == group.gid || in_group(peer.uid, peer.gid, group.gid),
        None => false,
    }
}

/// Whether the user `uid` (primary group `gid`) is a member of `group`,
/// supplementary groups included.
fn in_group(uid: u32, gid: u32, group: u32) -> bool {
    let Ok(Some(user)) = User::from_uid(Uid::from_raw(uid)) else {
        return false;
    };
    let Ok(name) = std::ffi::CString::new(user.name) else {
        return false;
    };
    nix::unistd::getgrouplist(&name, Gid::from_raw(gid))
        .map(|groups| groups.iter().any(|g| g.as_raw() == group))
        .unwrap_or(false)
}

/// Sets the modes of the data directory and the socket: private (0700,
/// 0600) without a group; with one, the group may pass through the
/// directory (0710, not list it) and connect to the socket (0660), while
/// the database and the log stay the owner's alone.
pub fn apply_modes(
    root: &Path,
    socket: &Path,
    db: &Path,
    log: &Path,
    group: Option<&SocketGroup>,
) -> std::io::Result<()> {
    let set = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    };
    match group {
        None => {
            set(socket, 0o600)?;
        }
        Some(group) => {
            std::os::unix::fs::chown(root, None, Some(group.gid))?;
            std::os::unix::fs::chown(socket, None, Some(group.gid))?;
            set(root, 0o710)?;
            set(socket, 0o660)?;
            if db.exists() {
                set(db, 0o700)?;
            }
            if log.exists() {
                set(log, 0o600)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_and_root_may_attach_and_nobody_else_without_a_group() {
        let me = Peer {
            uid: 1000,
            gid: 1000,
        };
        let other = Peer {
            uid: 1001,
            gid: 1001,
        };
        let root = Peer { uid: 0, gid: 0 };
        assert!(may_attach(me, 1000, None));
        assert!(may_attach(root, 1000, None));
        assert!(!may_attach(other, 1000, None));
    }

    #[test]
    fn a_member_of_the_socket_group_by_primary_group_may_attach() {
        let clinic = SocketGroup {
            name: "clinic".into(),
            gid: 4242,
        };
        let nurse = Peer {
            uid: 54_321,
            gid: 4242,
        };
        let stranger = Peer {
            uid: 54_322,
            gid: 4243,
        };
        assert!(may_attach(nurse, 1000, Some(&clinic)));
        // No such user on the machine: not a member of anything.
        assert!(!may_attach(stranger, 1000, Some(&clinic)));
    }

    #[test]
    fn groups_resolve_by_name_and_a_missing_one_says_what_to_do() {
        let root = resolve_group("root").unwrap();
        assert_eq!(root.gid, 0);
        let err = resolve_group("no-such-clinic-group").unwrap_err();
        assert!(
            err.contains("no group named \"no-such-clinic-group\""),
            "{err}"
        );
        assert!(err.contains("groupadd"), "{err}");
    }
}
