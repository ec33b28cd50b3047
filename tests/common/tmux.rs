//! A tmux server of the test's own, for screens in real terminals:
//! start a command in a session of a given size, send keys, read the
//! screen back.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A tmux server of our own (its own socket), killed when dropped.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn new() -> Option<Tmux> {
        if !super::have_tool("tmux", Command::new("tmux").arg("-V").output().is_ok()) {
            return None;
        }
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        Some(Tmux {
            socket: format!("fb-test-{}-{n}", std::process::id()),
        })
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-f", "/dev/null", "-L", &self.socket])
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts `command` (a shell line) in a new session `w` x `h`; the
    /// pane stays after it exits, saying so, for the failure message.
    pub fn start(&self, name: &str, w: u16, h: u16, command: &str) {
        let line = format!("{command}; echo; echo EXITED $?; sleep 600");
        self.tmux(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
            &line,
        ]);
    }

    pub fn keys(&self, name: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", name];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Types text literally (Japanese included).
    pub fn type_text(&self, name: &str, text: &str) {
        self.tmux(&["send-keys", "-t", name, "-l", text]);
    }

    pub fn capture(&self, name: &str) -> String {
        self.tmux(&["capture-pane", "-p", "-t", name])
    }

    /// With escape sequences: the colours and attributes as tmux holds them.
    pub fn capture_styled(&self, name: &str) -> String {
        self.tmux(&["capture-pane", "-p", "-e", "-t", name])
    }

    pub fn resize(&self, name: &str, w: u16, h: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            name,
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
    }

    /// Waits until the pane shows `needle`; the screen, or a panic saying
    /// what it showed instead.
    pub fn wait_for(&self, name: &str, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.capture(name);
            if screen.contains(needle) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("{name} never showed {needle:?}; it shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}
