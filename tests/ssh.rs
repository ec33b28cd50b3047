//! The back office's way in and the wall's, through a real SSH session:
//! `sshd` from Debian's openssh-server, started by the test on localhost
//! (its own config in a temporary directory, a high port, a host key and
//! two user keys made for the run), and `ssh -tt` in a terminal (tmux).
//! The wall's key is bound to `flowboard wall` by `command=` in
//! `authorized_keys`, as README tells a clinic to do; the back office's to
//! the board. A key bound so cannot run anything else.
//!
//! Needs sshd, ssh, ssh-keygen and tmux; CI installs them (.ci/run) and
//! fails without them, a developer's machine skips.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::tmux::Tmux;
use common::{BIN, Clinic};

const SSHD: &str = "/usr/sbin/sshd";
const SLOW: Duration = Duration::from_secs(30);

/// An sshd of the test's own, stopped when dropped.
struct Sshd {
    dir: tempfile::TempDir,
    port: u16,
    user: String,
    child: Child,
}

impl Sshd {
    /// Starts sshd on a free port with `authorized` as its only keys file.
    /// `None` (skipped) on a machine without OpenSSH; in CI a failure.
    fn start(authorized: &[String]) -> Option<Sshd> {
        let have = Path::new(SSHD).exists()
            && Command::new("ssh").arg("-V").output().is_ok()
            && Command::new("ssh-keygen").arg("-?").output().is_ok();
        if !common::have_tool("sshd, ssh and ssh-keygen (openssh)", have) {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        keygen(&dir.path().join("host_key"));
        let keys = dir.path().join("authorized_keys");
        std::fs::write(&keys, authorized.join("\n") + "\n").unwrap();
        let uid = nix::unistd::getuid();
        let user = nix::unistd::User::from_uid(uid)
            .unwrap()
            .map(|u| u.name)
            .expect("a user name");
        if uid.is_root() {
            // As root sshd separates privileges and needs its empty
            // directory (the package's service would make it).
            std::fs::create_dir_all("/run/sshd").unwrap();
        }
        // A port nobody listens on (released just before sshd takes it).
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.path().join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "Port {port}\n\
                 ListenAddress 127.0.0.1\n\
                 HostKey {host}\n\
                 AuthorizedKeysFile {keys}\n\
                 PidFile {pid}\n\
                 PasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\n\
                 PubkeyAuthentication yes\n\
                 PermitRootLogin prohibit-password\n\
                 UsePAM no\n\
                 StrictModes no\n\
                 AllowTcpForwarding yes\n\
                 LogLevel VERBOSE\n",
                host = dir.path().join("host_key").display(),
                keys = keys.display(),
                pid = dir.path().join("sshd.pid").display(),
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.path().join("sshd.log")).unwrap();
        // sshd re-executes itself: it must be started by its absolute path.
        let child = Command::new(SSHD)
            .args(["-D", "-e", "-f"])
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start sshd");
        let sshd = Sshd {
            dir,
            port,
            user,
            child,
        };
        sshd.wait_listening();
        Some(sshd)
    }

    fn wait_listening(&self) {
        let deadline = Instant::now() + SLOW;
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("sshd did not listen; its log:\n{}", self.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }

    /// The `ssh -tt` line that logs in with `key` and asks to run `command`.
    fn ssh(&self, key: &Path, command: &str) -> String {
        format!(
            "ssh -F /dev/null -tt -p {port} -i {key} -o IdentitiesOnly=yes -o BatchMode=yes \
             -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
             {user}@127.0.0.1 {command}",
            port = self.port,
            key = key.display(),
            user = self.user,
        )
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn keygen(path: &Path) {
    let out = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "flowboard-test",
            "-f",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A user key made for the run: its private file and its public line.
fn user_key(dir: &Path, name: &str) -> (PathBuf, String) {
    let path = dir.join(name);
    keygen(&path);
    let public = std::fs::read_to_string(path.with_extension("pub")).unwrap();
    (path, public.trim().to_string())
}

/// The forced command README gives for a key: flowboard with `args`, and
/// no forwarding of any kind.
fn bound(clinic: &Clinic, args: &str, public: &str) -> String {
    format!(
        "command=\"{BIN} --data-dir {} --config {} --no-autostart {args}\",no-port-forwarding,no-X11-forwarding,no-agent-forwarding {public}",
        clinic.data().display(),
        clinic.config().display(),
    )
}

#[test]
fn the_wall_over_ssh_draws_and_its_key_can_run_nothing_else() {
    let clinic = Clinic::started();
    clinic.ok(&["add", "--name", "Yamamoto Sora", "--treatment", "drip"]);
    let keys = tempfile::tempdir().unwrap();
    let (wall_key, wall_public) = user_key(keys.path(), "wall_key");
    let Some(sshd) = Sshd::start(&[bound(&clinic, "wall", &wall_public)]) else {
        return;
    };
    let Some(tmux) = Tmux::new() else { return };
    // The wall computer's loop asks for nothing: the key decides.
    tmux.start("wall", 80, 24, &sshd.ssh(&wall_key, ""));
    let screen = tmux.wait_for("wall", "Y.S.", SLOW);
    assert!(screen.contains("Bed 1"), "the wall draws:\n{screen}");
    assert!(!screen.contains("Yamamoto"), "names masked:\n{screen}");

    // Whatever the key asks to run, it gets the wall, and nothing runs.
    let marker = keys.path().join("ran");
    let asked = format!("'touch {}; echo RAN'", marker.display());
    tmux.start("other", 80, 24, &sshd.ssh(&wall_key, &asked));
    let screen = tmux.wait_for("other", "Y.S.", SLOW);
    assert!(!screen.contains("RAN"), "{screen}");
    assert!(!marker.exists(), "the command asked for ran");
    // No tunnel either (no-port-forwarding): ssh gives up on it.
    let tunnel = Command::new("ssh")
        .args(["-F", "/dev/null", "-p", &sshd.port.to_string(), "-i"])
        .arg(&wall_key)
        .args([
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-W",
            &format!("127.0.0.1:{}", sshd.port),
            &format!("{}@127.0.0.1", sshd.user),
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!tunnel.status.success(), "a tunnel was opened");
    // The wall's connection is the wall's role: sshd ran the forced
    // command, and the server has no full name for it to see.
    let log = sshd.log();
    assert!(log.contains("forced-command"), "{log}");
}

#[test]
fn the_back_office_over_ssh_works_the_board() {
    let mut clinic = Clinic::started();
    let keys = tempfile::tempdir().unwrap();
    let (office_key, office_public) = user_key(keys.path(), "office_key");
    let Some(sshd) = Sshd::start(&[bound(&clinic, "--as KS", &office_public)]) else {
        return;
    };
    let Some(tmux) = Tmux::new() else { return };
    tmux.start("office", 120, 40, &sshd.ssh(&office_key, ""));
    tmux.wait_for("office", "No patients yet", SLOW);
    // Reception through SSH: the arrival form, a name, Enter.
    tmux.keys("office", &["a"]);
    tmux.wait_for("office", "Register arrival", SLOW);
    tmux.type_text("office", "Ueda Rio");
    tmux.keys("office", &["Enter"]);
    let screen = tmux.wait_for("office", "Ueda Rio", SLOW);
    assert!(screen.contains("Waiting"), "{screen}");
    // Recorded on the server, by the initials the key's command gives.
    let deadline = Instant::now() + SLOW;
    while !clinic.visit_names().contains(&"Ueda Rio".to_string()) {
        assert!(Instant::now() < deadline, "not on the server");
        std::thread::sleep(Duration::from_millis(50));
    }
    let today = clinic.today();
    let record = clinic.ok(&[
        "export", "--from", &today, "--to", &today, "--format", "json",
    ]);
    assert!(record.contains("\"KS\""), "entered by KS: {record}");
    // The key runs the board whatever it asks for.
    let marker = keys.path().join("ran");
    let asked = format!("'touch {}'", marker.display());
    tmux.start("other", 120, 40, &sshd.ssh(&office_key, &asked));
    tmux.wait_for("other", "Ueda Rio", SLOW);
    assert!(!marker.exists(), "the command asked for ran");
    clinic.kill9();
}
