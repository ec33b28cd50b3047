//! A real flowboard server on a temporary data directory, and the real
//! `flowboard` binary as client. Nothing is mocked.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_flowboard");

pub struct Clinic {
    pub dir: tempfile::TempDir,
    pub server: Option<Child>,
    /// The config file every command of this clinic uses.
    pub config: PathBuf,
}

impl Clinic {
    /// A data directory with no server running yet.
    pub fn new() -> Clinic {
        Clinic {
            dir: tempfile::Builder::new()
                .prefix("fb-it-")
                .tempdir()
                .expect("temp dir"),
            server: None,
            config: Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml"),
        }
    }

    /// A clinic whose config file holds `text` (no server yet).
    pub fn with_config(text: &str) -> Clinic {
        let mut c = Clinic::new();
        let path = c.dir.path().join("clinic.toml");
        std::fs::write(&path, text).expect("write config");
        c.config = path;
        c
    }

    /// A server started with the repository's config.toml with one line
    /// replaced by another.
    pub fn started_with(line: &str, replacement: &str) -> Clinic {
        let base =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml"))
                .expect("config.toml");
        assert!(base.contains(line), "config.toml has no line {line:?}");
        let mut c = Clinic::with_config(&base.replace(line, replacement));
        c.start();
        c
    }

    /// A data directory with a server started on it.
    pub fn started() -> Clinic {
        let mut c = Clinic::new();
        c.start();
        c
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn socket(&self) -> PathBuf {
        self.data().join("flowboard.sock")
    }

    pub fn config(&self) -> PathBuf {
        self.config.clone()
    }

    /// `flowboard ARGS` with this clinic's data dir and config, no autostart
    /// unless the test asks for it.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.arg("--data-dir")
            .arg(self.data())
            .arg("--config")
            .arg(self.config())
            .args(args)
            .env_remove("FLOWBOARD_DATA_DIR")
            .env_remove("FLOWBOARD_CONFIG")
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run flowboard")
    }

    /// Runs and insists on success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "flowboard {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// Starts `flowboard serve` as our child and waits until it answers.
    pub fn start(&mut self) {
        let child = self
            .cmd(&["serve"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn server");
        self.server = Some(child);
        self.wait_for_socket();
    }

    pub fn wait_for_socket(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if std::os::unix::net::UnixStream::connect(self.socket()).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server did not answer on {}", self.socket().display());
    }

    /// `kill -9` of the server.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.server.take() {
            child.kill().expect("kill -9");
            child.wait().expect("reap");
        }
    }

    pub fn snapshot(&self) -> serde_json::Value {
        let out = self.ok(&["--no-autostart", "snapshot", "--json"]);
        serde_json::from_str(&out).expect("snapshot is JSON")
    }

    pub fn visit_names(&self) -> Vec<String> {
        self.snapshot()["visits"]
            .as_array()
            .expect("visits")
            .iter()
            .map(|v| v["name"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

impl Drop for Clinic {
    fn drop(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // A server started by autostart is not our child: stop it through
        // the socket's owner, found by the pid it logs.
        let _ = Command::new("pkill")
            .arg("-f")
            .arg(format!("serve --data-dir {}", self.data().display()))
            .status();
    }
}

/// Protocol lines that record a routine counselling for `visit` (all
/// screening answers no, full consent, a plan, pre-treatment vitals).
pub fn counselling_lines(visit: u64, treatment: &str) -> Vec<String> {
    let config = flowboard::config::Config::default();
    flowboard::demo::routine_counselling(&config, treatment, &[])
        .into_iter()
        .map(|entry| {
            serde_json::json!({"cmd": "record", "visit": visit, "entry": entry}).to_string()
        })
        .collect()
}

/// A clinic whose data directory holds `days` clinic days of generated
/// records (the demo's, as `flowboard demo --history-days` writes them)
/// before 2026-11-24, with no server yet. Returns the visits written.
pub fn with_records(days: u32) -> (Clinic, u64) {
    let clinic = Clinic::new();
    std::fs::create_dir_all(clinic.data()).expect("data dir");
    let store = flowboard::store::Store::open(&clinic.data().join("db")).expect("store");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("a date");
    let filled = flowboard::demo::fill::fill(
        &store,
        &flowboard::config::Config::default(),
        days,
        today,
        &mut flowboard::demo::history::Clinic::new(21),
        |_, _| {},
    )
    .expect("fill");
    (clinic, filled.visits)
}
