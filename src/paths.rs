//! Where flowboard keeps its files: the data directory (sled database,
//! socket, log) chosen by `--data-dir`, `FLOWBOARD_DATA_DIR`, or the XDG
//! data directory.

use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    /// `explicit` (from `--data-dir` or the environment), else the XDG data
    /// directory (`~/.local/share/flowboard`).
    pub fn resolve(explicit: Option<&Path>) -> io::Result<DataDir> {
        if let Some(p) = explicit {
            return Ok(DataDir::new(p));
        }
        directories::ProjectDirs::from("", "", "flowboard")
            .map(|d| DataDir::new(d.data_dir()))
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    "no home directory: pass --data-dir or set FLOWBOARD_DATA_DIR",
                )
            })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn db(&self) -> PathBuf {
        self.root.join("db")
    }

    pub fn socket(&self) -> PathBuf {
        self.root.join("flowboard.sock")
    }

    pub fn log(&self) -> PathBuf {
        self.root.join("flowboard.log")
    }

    /// The doctors' PIN hashes (argon2), owner-only.
    pub fn pins(&self) -> PathBuf {
        self.root.join("doctor-pins")
    }

    /// Creates the directory readable by its owner only (like tmux's
    /// socket directory), so nobody else can reach the socket or the data.
    /// A directory the server opened to its socket group (0710: the group
    /// may pass through to the socket, not list or read) is left so.
    pub fn create(&self) -> io::Result<()> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.root)?;
        let perms = std::fs::metadata(&self.root)?.permissions();
        if perms.mode() & 0o067 != 0 {
            std::fs::set_permissions(&self.root, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
}

/// Takes away every permission of the group and others from `path` and,
/// for a directory, from everything in it (never following a link): files
/// an older flowboard or a loose umask left readable become the owner's
/// alone.
pub fn make_private(path: &Path) -> io::Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)? {
            make_private(&entry?.path())?;
        }
    }
    Ok(())
}
