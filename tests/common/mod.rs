//! A real flowboard server on a temporary data directory, and the real
//! `flowboard` binary as client. Nothing is mocked.
#![allow(dead_code)]

pub mod pg;
pub mod tmux;

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

/// The hour of the clinic's day at which whole-program tests run: mid-
/// morning, so that a story told over the last few hours (or the next
/// few) stays on one clinic day whatever the machine's clock says.
pub const TEST_HOUR: u32 = 10;

/// An IANA zone (`Etc/GMT±N`, whole hours from UTC-12 to UTC+14) in which
/// the real clock reads `hour`:MM now. The tests choose the clinic's time
/// zone this way instead of moving the server's clock: nothing in the
/// program can be fooled by it, it is an ordinary config value.
pub fn zone_where_it_is(hour: u32) -> String {
    use chrono::Timelike;
    let utc = chrono::Utc::now().hour() as i32;
    let mut offset = hour as i32 - utc;
    if offset < -12 {
        offset += 24;
    }
    if offset > 14 {
        offset -= 24;
    }
    // POSIX sign: Etc/GMT-9 is nine hours east of UTC.
    match offset {
        0 => "Etc/GMT".to_string(),
        o if o > 0 => format!("Etc/GMT-{o}"),
        o => format!("Etc/GMT+{}", -o),
    }
}

/// The repository's config.toml with the clinic's zone set so that the
/// real clock reads `hour` o'clock there.
pub fn config_at_hour(hour: u32) -> String {
    let base = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml"))
        .expect("config.toml");
    let line = "timezone = \"Asia/Tokyo\"";
    assert!(base.contains(line), "config.toml has no line {line:?}");
    base.replace(line, &format!("timezone = \"{}\"", zone_where_it_is(hour)))
}

impl Clinic {
    /// A data directory with no server running yet; the clinic's clock
    /// reads mid-morning (`TEST_HOUR`).
    pub fn new() -> Clinic {
        Clinic::with_config(&config_at_hour(TEST_HOUR))
    }

    /// A clinic whose config file holds `text` (no server yet).
    pub fn with_config(text: &str) -> Clinic {
        let mut c = Clinic {
            dir: tempfile::Builder::new()
                .prefix("fb-it-")
                .tempdir()
                .expect("temp dir"),
            server: None,
            config: PathBuf::new(),
        };
        let path = c.dir.path().join("clinic.toml");
        std::fs::write(&path, text).expect("write config");
        c.config = path;
        c
    }

    /// A server started with the repository's config.toml with one line
    /// replaced by another.
    pub fn started_with(line: &str, replacement: &str) -> Clinic {
        let base = config_at_hour(TEST_HOUR);
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

    /// The clinic's config as the program reads it (its time zone
    /// included), for tests that compute what the board should say.
    pub fn clinic_config(&self) -> flowboard::config::Config {
        flowboard::config::Config::load(&self.config).expect("the clinic's config is valid")
    }

    /// Today's date at the clinic, as `report day --date` takes it.
    pub fn today(&self) -> String {
        chrono::Utc::now()
            .with_timezone(&self.clinic_config().timezone)
            .format("%Y-%m-%d")
            .to_string()
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

/// Whether a test may run that needs `tool`: on a developer's machine a
/// missing tool skips the test (saying so); in CI (`CI=true`) it fails,
/// because `.ci/run` installs every tool the tests use.
pub fn have_tool(tool: &str, present: bool) -> bool {
    if present {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{tool} is needed by this test and CI installs it (.ci/run): it is missing");
    }
    eprintln!("skipped: {tool} is not available here");
    false
}
