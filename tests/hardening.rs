//! A server that careless or hostile clients cannot stop, a wall that
//! carries no names, files and exports that stay private: each through
//! the real binary and a real server on a temporary directory.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, Clinic};
use serde_json::{Value, json};

/// The repository's config.toml with lines replaced.
fn config_with(replace: &[(&str, &str)]) -> String {
    let mut text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml"))
            .expect("config.toml");
    for (line, replacement) in replace {
        assert!(text.contains(line), "config.toml has no line {line:?}");
        text = text.replace(line, replacement);
    }
    text
}

/// A clinic whose server runs with `replace` applied to the config.
fn started_with(replace: &[(&str, &str)]) -> Clinic {
    let mut clinic = Clinic::with_config(&config_with(replace));
    clinic.start();
    clinic
}

/// A raw protocol connection, as a script (or an attacker) would open one.
struct Raw {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Raw {
    fn open(clinic: &Clinic) -> Raw {
        let stream = UnixStream::connect(clinic.socket()).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        Raw {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    /// Opens and says hello with `role`; returns the welcome line.
    fn hello(clinic: &Clinic, role: &str) -> (Raw, Value) {
        let mut raw = Raw::open(clinic);
        raw.send(
            &json!({"hello": {"protocol": flowboard::protocol::PROTOCOL_VERSION, "role": role, "client": "test"}})
                .to_string(),
        );
        let welcome = raw.next();
        (raw, welcome)
    }

    fn send(&mut self, line: &str) {
        self.writer.write_all(line.as_bytes()).unwrap();
        self.writer.write_all(b"\n").unwrap();
    }

    fn line(&mut self) -> Option<String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line),
        }
    }

    fn next(&mut self) -> Value {
        let line = self.line().expect("a line from the server");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    /// The next reply, skipping updates.
    fn reply(&mut self) -> Value {
        loop {
            let msg = self.next();
            if let Some(reply) = msg.get("reply") {
                return reply.clone();
            }
        }
    }
}

/// `flowboard send` with these lines on standard input.
fn send_lines(clinic: &Clinic, lines: &[String]) -> Vec<Value> {
    let mut child = clinic
        .cmd(&["--no-autostart", "send"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for line in lines {
            writeln!(stdin, "{line}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn arrive(name: &str, chart_no: &str, treatment: &str) -> String {
    json!({"cmd": "arrive", "name": name, "chart_no": chart_no, "treatment": treatment}).to_string()
}

/// CPU seconds a process has used (user + system), from /proc.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name, which is in parentheses.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    // USER_HZ is 100 on Linux.
    ticks / 100.0
}

/// Resident memory of a process in KiB, from /proc.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn log_bytes(clinic: &Clinic) -> u64 {
    std::fs::metadata(clinic.data().join("flowboard.log"))
        .map(|m| m.len())
        .unwrap_or(0)
}

fn log_text(clinic: &Clinic) -> String {
    std::fs::read_to_string(clinic.data().join("flowboard.log")).unwrap_or_default()
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

// --- Connections -------------------------------------------------------

/// Under a low limit of open files (systemd's soft limit is 1,024; here
/// 256), 300 connections that never say hello: the server does not spin
/// and does not flood its log, and a real client is still served.
#[test]
fn an_idle_connection_flood_under_a_low_file_limit_does_not_stop_the_clinic() {
    let clinic = Clinic::with_config(&config_with(&[(
        "handshake_timeout_ms = 5000",
        "handshake_timeout_ms = 1500",
    )]));
    std::fs::create_dir_all(clinic.data()).unwrap();
    let mut server = Command::new("prlimit")
        .arg("--nofile=256:256")
        .arg(BIN)
        .arg("--data-dir")
        .arg(clinic.data())
        .arg("--config")
        .arg(clinic.config())
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prlimit (util-linux)");
    clinic.wait_for_socket();
    let pid = server.id();
    let log_before = log_bytes(&clinic);
    let cpu_before = cpu_secs(pid);
    let start = Instant::now();
    let flood: Vec<UnixStream> = (0..300)
        .filter_map(|_| UnixStream::connect(clinic.socket()).ok())
        .collect();
    assert!(flood.len() >= 250, "only {} connected", flood.len());
    // A real client is served while the flood stands.
    let out = clinic.run(&["--no-autostart", "--timeout", "10", "snapshot", "--json"]);
    assert!(
        out.status.success(),
        "snapshot under the flood: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let added = clinic.run(&[
        "--no-autostart",
        "add",
        "--name",
        "Real Patient",
        "--treatment",
        "drip",
    ]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    // Past the handshake deadline every silent connection is closed.
    std::thread::sleep(Duration::from_millis(2500));
    let opened = flood.len();
    let mut closed = 0;
    for mut s in flood {
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut rest = Vec::new();
        if s.read_to_end(&mut rest).is_ok() {
            closed += 1;
        }
    }
    assert_eq!(closed, opened, "closed by the server");
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_secs(pid) - cpu_before;
    let grown = log_bytes(&clinic) - log_before;
    eprintln!("flood: {secs:.1} s, server CPU {cpu:.2} s, log +{grown} bytes");
    // A spinning accept loop burns a whole core and writes megabytes.
    assert!(cpu < secs * 0.5, "server CPU {cpu:.2} s in {secs:.1} s");
    assert!(
        grown < 16 * 1024,
        "log grew {grown} bytes:\n{}",
        log_text(&clinic)
    );
    assert_eq!(clinic.visit_names(), vec!["Real Patient"]);
    let _ = server.kill();
    let _ = server.wait();
}

/// Open files of a process now.
fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

/// With no file descriptor left, `accept` fails: the server pauses and
/// logs it once, never in a loop, and serves again as soon as one frees.
#[test]
fn when_accept_runs_out_of_file_descriptors_the_server_backs_off_and_logs_once() {
    let conf = config_with(&[("handshake_timeout_ms = 5000", "handshake_timeout_ms = 1000")]);
    // How many files the server holds when idle: then leave it one more.
    let mut probe = Clinic::with_config(&conf);
    probe.start();
    std::thread::sleep(Duration::from_millis(300));
    let idle = open_files(probe.server.as_ref().unwrap().id());
    drop(probe);
    let clinic = Clinic::with_config(&conf);
    std::fs::create_dir_all(clinic.data()).unwrap();
    let mut server = Command::new("prlimit")
        .arg(format!("--nofile={}:{}", idle + 1, idle + 1))
        .arg(BIN)
        .arg("--data-dir")
        .arg(clinic.data())
        .arg("--config")
        .arg(clinic.config())
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prlimit (util-linux)");
    clinic.wait_for_socket();
    let pid = server.id();
    let cpu_before = cpu_secs(pid);
    let start = Instant::now();
    // Silent connections take the free files; the next accept fails until
    // the oldest silent one is pushed out and its file freed.
    let silent: Vec<UnixStream> = (0..6)
        .filter_map(|_| UnixStream::connect(clinic.socket()).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let out = clinic.run(&["--no-autostart", "--timeout", "30", "snapshot", "--json"]);
    assert!(
        out.status.success(),
        "snapshot once a file is free: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_secs(pid) - cpu_before;
    let log = log_text(&clinic);
    let failures = log.matches("accept failed").count();
    let _ = server.kill();
    let _ = server.wait();
    drop(silent);
    eprintln!("out of files: {secs:.1} s, CPU {cpu:.2} s, {failures} log lines");
    assert!(failures >= 1, "the failure is logged:\n{log}");
    assert!(
        failures <= 2,
        "logged {failures} times in {secs:.1} s:\n{log}"
    );
    assert!(cpu < secs * 0.5, "server CPU {cpu:.2} s in {secs:.1} s");
}

#[test]
fn the_server_raises_its_soft_limit_of_open_files_to_the_hard_limit() {
    let clinic = Clinic::new();
    std::fs::create_dir_all(clinic.data()).unwrap();
    let mut server = Command::new("prlimit")
        .arg("--nofile=256:2048")
        .arg(BIN)
        .arg("--data-dir")
        .arg(clinic.data())
        .arg("--config")
        .arg(clinic.config())
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prlimit (util-linux)");
    clinic.wait_for_socket();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.id())).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap()
        .to_string();
    let _ = server.kill();
    let _ = server.wait();
    let numbers: Vec<&str> = line.split_whitespace().skip(3).take(2).collect();
    assert_eq!(numbers, ["2048", "2048"], "{line}");
}

#[test]
fn a_connection_that_does_not_say_hello_in_time_is_told_and_closed() {
    let clinic = started_with(&[("handshake_timeout_ms = 5000", "handshake_timeout_ms = 300")]);
    let mut raw = Raw::open(&clinic);
    let start = Instant::now();
    let msg = raw.next();
    assert_eq!(msg["error"]["code"], "handshake_timeout", "{msg}");
    assert!(
        msg["error"]["message"]
            .as_str()
            .unwrap()
            .contains("send {\"hello\""),
        "{msg}"
    );
    assert!(raw.line().is_none(), "closed after the error");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn one_connection_over_the_limit_is_told_so_and_closed() {
    let clinic = started_with(&[("max_connections = 64", "max_connections = 2")]);
    let (_a, _) = Raw::hello(&clinic, "read_only");
    let (_b, _) = Raw::hello(&clinic, "read_only");
    let (mut c, msg) = Raw::hello(&clinic, "read_only");
    assert_eq!(msg["error"]["code"], "too_many_connections", "{msg}");
    assert!(
        msg["error"]["message"]
            .as_str()
            .unwrap()
            .contains("raise server.max_connections"),
        "{msg}"
    );
    assert!(c.line().is_none());
    let out = clinic.run(&["--no-autostart", "snapshot"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("connections open, its limit"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(_a);
    std::thread::sleep(Duration::from_millis(200));
    clinic.ok(&["--no-autostart", "snapshot"]);
}

/// A server that accepts and never answers: every client command gives
/// up with a clear message instead of hanging.
#[test]
fn client_commands_time_out_with_a_clear_message() {
    let clinic = Clinic::new();
    std::fs::create_dir_all(clinic.data()).unwrap();
    let listener = std::os::unix::net::UnixListener::bind(clinic.socket()).unwrap();
    let held = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(4) {
            held.push(stream);
        }
        std::thread::sleep(Duration::from_secs(5));
    });
    for args in [
        &["snapshot"][..],
        &["add", "--name", "A", "--treatment", "drip"],
        &["send", "{\"cmd\":\"undo\",\"visit\":1}"],
        &["report", "day"],
    ] {
        let start = Instant::now();
        let mut all = vec!["--no-autostart", "--timeout", "0.5"];
        all.extend_from_slice(args);
        let out = clinic.run(&all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("did not answer within 0.5 s"),
            "{args:?}: {err}"
        );
        assert!(err.contains("--timeout"), "{err}");
        assert!(start.elapsed() < Duration::from_secs(8), "{args:?}");
    }
    drop(held);
}

// --- Slow readers ------------------------------------------------------

/// 150 clients that never read, on a board of 300 visits that keeps
/// changing: the server's memory stays bounded, they are disconnected,
/// and everyone else is served meanwhile. (Each change is the visit it
/// touched, about 2 KB: it takes hundreds of them, more than a socket
/// holds, before a client that reads nothing falls behind.)
#[test]
fn clients_that_never_read_cost_bounded_memory_and_are_disconnected() {
    let clinic = started_with(&[
        ("send_queue_kib = 16384", "send_queue_kib = 4096"),
        ("send_queue_lines = 256", "send_queue_lines = 32"),
        ("max_connections = 64", "max_connections = 200"),
    ]);
    let pid = clinic.server.as_ref().unwrap().id();
    let lines: Vec<String> = (0..300)
        .map(|i| {
            arrive(
                &format!("Patient{i:03} Slow{i:03}"),
                &format!("{}", 20_000 + i),
                "face",
            )
        })
        .collect();
    assert!(send_lines(&clinic, &lines).iter().all(|r| r["ok"] == true));
    let before = rss_kib(pid);
    let slow: Vec<(Raw, Value)> = (0..150).map(|_| Raw::hello(&clinic, "read_only")).collect();
    // The board changes under them: every change goes to every client.
    let more: Vec<String> = (0..400)
        .map(|i| {
            arrive(
                &format!("Later{i:03} Arrival"),
                &format!("{}", 30_000 + i),
                "drip",
            )
        })
        .collect();
    let start = Instant::now();
    let replies = send_lines(&clinic, &more);
    assert!(replies.iter().all(|r| r["ok"] == true));
    let served_in = start.elapsed();
    let peak = rss_kib(pid);
    // Everyone else is served.
    let snap = clinic.snapshot();
    assert_eq!(snap["visits"].as_array().unwrap().len(), 700);
    let grown_mib = (peak.saturating_sub(before)) as f64 / 1024.0;
    eprintln!(
        "slow readers: RSS {} -> {} KiB (+{grown_mib:.1} MiB), 400 commands in {served_in:?}",
        before, peak
    );
    assert!(grown_mib < 120.0, "memory grew {grown_mib:.1} MiB");
    // They were disconnected: after what the socket held, the end.
    for (mut raw, _) in slow.into_iter().take(5) {
        raw.writer
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut rest = Vec::new();
        let _ = raw.reader.read_to_end(&mut rest);
    }
    let log = log_text(&clinic);
    assert!(log.contains("fell behind"), "{log}");
}

/// A screen whose link cannot keep up is disconnected, says so, and
/// reconnects by itself to the board as it is then.
#[test]
fn a_disconnected_slow_screen_reconnects_and_shows_the_current_board() {
    use flowboard::client::{ClientEvent, run_link};
    use flowboard::paths::DataDir;
    use flowboard::protocol::Role;
    let clinic = started_with(&[("send_queue_lines = 256", "send_queue_lines = 4")]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_req_tx, req_rx) = tokio::sync::mpsc::channel::<flowboard::client::Outgoing>(4);
    // The screen is busy: its events wait, and the link stops reading.
    let (ev_tx, mut ev_rx) = tokio::sync::mpsc::channel::<ClientEvent>(1);
    rt.spawn(run_link(
        DataDir::new(clinic.data()),
        None,
        Role::ReadOnly,
        "board".into(),
        req_rx,
        ev_tx,
    ));
    let first = rt.block_on(ev_rx.recv()).unwrap();
    assert!(matches!(first, ClientEvent::Connected(_)));
    let lines: Vec<String> = (0..120)
        .map(|i| {
            arrive(
                &format!("Busy{i:03} Morning"),
                &format!("{}", 40_000 + i),
                "face",
            )
        })
        .collect();
    assert!(send_lines(&clinic, &lines).iter().all(|r| r["ok"] == true));
    // Now the screen reads again: it lost the link and is back with all.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lost = false;
    let board = loop {
        assert!(Instant::now() < deadline, "no reconnection");
        let event = rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), ev_rx.recv()).await })
            .expect("an event")
            .expect("link alive");
        match event {
            ClientEvent::Lost(_) => lost = true,
            ClientEvent::Connected(w) if lost => break w.board,
            _ => {}
        }
    };
    assert_eq!(board.visits.len(), 120);
    assert!(log_text(&clinic).contains("fell behind"));
}

// --- The wall ----------------------------------------------------------

/// The `wall` role's welcome and updates carry no name, chart number or
/// treatment of a board that has them; it may run no command and no
/// query.
#[test]
fn the_wall_role_receives_no_name_chart_number_or_treatment() {
    let clinic = Clinic::started();
    let patients = [
        ("山田 花子", "10077", "drip"),
        ("Tanaka Yui", "10102", "face"),
        ("Suzuki Misaki", "10333", "scalp"),
    ];
    let lines: Vec<String> = patients.iter().map(|(n, c, t)| arrive(n, c, t)).collect();
    assert!(send_lines(&clinic, &lines).iter().all(|r| r["ok"] == true));
    let mut cancel = vec![json!({"cmd": "advance", "visit": 1, "to": "counselling"}).to_string()];
    cancel.extend(common::counselling_lines(1, "drip"));
    assert!(send_lines(&clinic, &cancel).iter().all(|r| r["ok"] == true));
    let (mut wall, welcome) = Raw::hello(&clinic, "wall");
    let secrets = [
        "山田",
        "花子",
        "Tanaka",
        "Yui",
        "Suzuki",
        "Misaki",
        "10077",
        "10102",
        "10333",
        "\"drip\"",
        "\"face\"",
        "\"scalp\"",
        "Exosome",
        "injection",
        "点滴",
        "注射",
        "screening",
        "consent",
        "cancer",
        "allergy",
        "EX-",
        "reason",
    ];
    let check = |what: &str, msg: &Value| {
        let text = msg.to_string();
        for secret in secrets {
            assert!(
                !text.contains(secret),
                "{secret:?} in the wall's {what}: {text}"
            );
        }
    };
    assert_eq!(welcome["wall_welcome"]["role"], "wall", "{welcome}");
    check("welcome", &welcome);
    let queue = welcome["wall_welcome"]["wall"]["queue"].as_array().unwrap();
    assert_eq!(queue.len(), 3);
    assert!(queue.iter().any(|p| p["label"]["text"] == "T.Y."));
    // Another terminal changes the board: the wall's update is as bare.
    let more = [
        arrive("Kobayashi Ren", "10444", "drip"),
        json!({"cmd": "cancel", "visit": 2, "reason": "left: feels unwell (allergy?)"}).to_string(),
    ];
    assert!(send_lines(&clinic, &more).iter().all(|r| r["ok"] == true));
    let update = wall.next();
    assert!(update.get("wall").is_some(), "{update}");
    check("update", &update);
    for secret in ["Kobayashi", "10444", "feels unwell"] {
        assert!(!update.to_string().contains(secret), "{update}");
    }
    // The wall may ask nothing and change nothing.
    for line in [
        json!({"id": 1, "cmd": "arrive", "name": "X", "treatment": "drip"}),
        json!({"id": 2, "query": "visits", "from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}),
        json!({"id": 3, "query": "trace_lot", "lot": "EX-1"}),
    ] {
        wall.send(&line.to_string());
        let reply = wall.reply();
        assert_eq!(reply["ok"], false);
        assert_eq!(reply["error"]["code"], "wall", "{reply}");
        check("reply", &reply);
    }
    assert_eq!(clinic.visit_names().len(), 4);
}

/// `read_only` stays the staff's look-don't-touch role: names shown, the
/// record queries answered, no command, no backup.
#[test]
fn read_only_staff_see_names_and_may_query_but_not_change_or_back_up() {
    let clinic = Clinic::started();
    assert!(send_lines(&clinic, &[arrive("山田 花子", "10077", "drip")])[0]["ok"] == true);
    let (mut staff, welcome) = Raw::hello(&clinic, "read_only");
    assert!(welcome.to_string().contains("山田 花子"));
    staff.send(
        &json!({"id": 1, "query": "visits", "from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"})
            .to_string(),
    );
    let reply = staff.reply();
    assert_eq!(reply["ok"], true, "{reply}");
    staff.send(&json!({"id": 2, "query": "backup", "dir": "/tmp/x"}).to_string());
    assert_eq!(staff.reply()["error"]["code"], "read_only");
    staff.send(&json!({"id": 3, "cmd": "undo", "visit": 1}).to_string());
    assert_eq!(staff.reply()["error"]["code"], "read_only");
}

// --- Spreadsheet safety ------------------------------------------------

fn corpus() -> Option<Vec<(String, String)>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/hostile-text.jsonl");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let v: Value = serde_json::from_str(l).unwrap();
                    (
                        v["case"].as_str().unwrap().to_string(),
                        v["text"].as_str().unwrap().to_string(),
                    )
                })
                .collect(),
        ),
        Err(e) => {
            assert!(
                std::env::var("CI").is_err(),
                "the corpus {} is missing in CI: {e}",
                path.display()
            );
            eprintln!("skipped: no corpus at {}", path.display());
            None
        }
    }
}

/// Today in the clinic's time zone, as the snapshot says it.
fn clinic_today(snap: &Value) -> String {
    let tz: chrono_tz::Tz = snap["timezone"].as_str().unwrap().parse().unwrap();
    chrono::Utc::now()
        .with_timezone(&tz)
        .format("%Y-%m-%d")
        .to_string()
}

/// Reads CSV with Python's `csv` module (as a spreadsheet import would
/// split it) and returns the cells.
fn python_csv(path: &Path) -> Vec<Vec<String>> {
    let script = "import csv, json, sys\n\
                  with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:\n\
                  \x20   print(json.dumps(list(csv.reader(f))))\n";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn is_formula_start(cell: &str) -> bool {
    let lead = cell.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{200b}');
    cell.starts_with(['\t', '\r', '\n', '\0'])
        || lead.starts_with([
            '=', '+', '-', '@', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
        ])
}

/// Every hostile name of the corpus through every CSV the program writes,
/// read back by Python's `csv` module: no cell starts with a formula
/// character, and each name is there as stored (behind its quote).
#[test]
fn hostile_names_round_trip_through_every_csv_without_a_formula() {
    let Some(corpus) = corpus() else { return };
    let clinic = Clinic::started();
    let mut stored = Vec::new();
    for (i, (case, text)) in corpus.iter().enumerate() {
        let reply = &send_lines(
            &clinic,
            &[json!({"cmd": "arrive", "name": text, "treatment": "drip", "chart_no": format!("{}", 50_000 + i)}).to_string()],
        )[0];
        if reply["ok"] == true {
            stored.push((case.clone(), reply["visit"].as_u64().unwrap()));
        } else {
            // Refused with a reason a user can act on.
            let code = reply["error"]["code"].as_str().unwrap();
            assert!(
                ["empty_name", "name_too_long"].contains(&code),
                "{case}: {reply}"
            );
        }
    }
    assert!(stored.len() >= 35, "{} of the corpus stored", stored.len());
    // Give the first one a lot and a deferral, so the lot trace and the
    // day report carry names too.
    let first = stored[0].1;
    let mut lines =
        vec![json!({"cmd": "advance", "visit": first, "to": "counselling"}).to_string()];
    lines.extend(common::counselling_lines(first, "drip"));
    lines.push(json!({"cmd": "advance", "visit": first, "to": "ready"}).to_string());
    lines.push(json!({"cmd": "advance", "visit": first, "to": "administration", "bed": "1", "lot": {"number": "=1+1"}}).to_string());
    lines.push(json!({"cmd": "record", "visit": first, "entry": {"kind": "reaction", "reaction": "allergic", "signs": "-2+3 hives", "action": "=cmd|' /C calc'!A0"}}).to_string());
    let second = stored[1].1;
    lines.push(json!({"cmd": "defer", "visit": second, "reason": "@SUM(A1) fever"}).to_string());
    let replies = send_lines(&clinic, &lines);
    assert!(replies.iter().all(|r| r["ok"] == true), "{replies:?}");
    let snap = clinic.snapshot();
    let names: Vec<String> = snap["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_string())
        .collect();
    let today = clinic_today(&snap);
    let first_visit = first.to_string();
    let dir = clinic.dir.path();
    let files: Vec<(PathBuf, Vec<&str>)> = vec![
        (
            dir.join("export.csv"),
            vec![
                "export", "--from", &today, "--to", &today, "--format", "csv", "--bom",
            ],
        ),
        (
            dir.join("day.csv"),
            vec!["report", "day", "--format", "csv"],
        ),
        (
            dir.join("reactions.csv"),
            vec![
                "report",
                "reactions",
                "--from",
                &today,
                "--to",
                &today,
                "--format",
                "csv",
            ],
        ),
        (
            dir.join("lot.csv"),
            vec!["trace-lot", "=1+1", "--format", "csv"],
        ),
        (
            dir.join("incident.csv"),
            vec!["report", "incident", &first_visit, "--format", "csv"],
        ),
        (
            dir.join("incident-ja.csv"),
            vec![
                "report",
                "incident",
                &first_visit,
                "--format",
                "csv",
                "--lang",
                "ja",
            ],
        ),
    ];
    for (path, args) in &files {
        let mut all = vec!["--no-autostart"];
        all.extend(args.iter().copied());
        all.extend(["-o", path.to_str().unwrap()]);
        clinic.ok(&all);
        for row in python_csv(path) {
            for cell in row {
                assert!(
                    !is_formula_start(&cell),
                    "{}: a formula cell {cell:?}",
                    path.display()
                );
            }
        }
    }
    // Every stored name is in the export, whole, behind its quote if any.
    let export = python_csv(&files[0].0);
    let header = &export[0];
    let name_col = header.iter().position(|h| h == "name").unwrap();
    let exported: Vec<&str> = export[1..]
        .iter()
        .map(|r| r[name_col].strip_prefix('\'').unwrap_or(&r[name_col]))
        .collect();
    for name in &names {
        assert!(exported.contains(&name.as_str()), "{name:?} not exported");
    }
    for formula in [
        "=HYPERLINK(\"http://example.invalid\",\"click\")",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
    ] {
        let quoted = format!("'{formula}");
        assert!(
            export[1..].iter().any(|r| r[name_col] == quoted),
            "{formula} not neutralised"
        );
    }
    // The day report's deferral reason and the lot are neutralised too.
    let day = python_csv(&files[1].0);
    assert!(
        day.iter().any(|r| r.iter().any(|c| c == "'@SUM(A1) fever")),
        "{day:?}"
    );
    let lot = python_csv(&files[3].0);
    assert!(
        lot.iter().any(|r| r.iter().any(|c| c == "'=1+1")),
        "{lot:?}"
    );
    // The incident report: the reaction's signs and action are words in
    // a cell, never a formula; the hostile name stays in its own column.
    let incident = python_csv(&files[4].0);
    assert!(
        incident.iter().any(|r| r
            .iter()
            .any(|c| c.contains("-2+3 hives") && c.contains("=cmd"))),
        "{incident:?}"
    );
}

// --- Text --------------------------------------------------------------

/// Zero-width and format characters are removed from names where they
/// enter: two patients cannot look identical while being different text,
/// and nothing invisible reaches a terminal.
#[test]
fn zero_width_and_format_characters_are_removed_from_names() {
    let clinic = Clinic::started();
    let lines: Vec<String> = [
        "Tanaka\u{200b} Yui",
        "Ta\u{ad}naka Yu\u{2060}i",
        "\u{202e}Sato\u{202c} Ken\u{e0041}",
        "Ab\u{200d}Cd \u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}",
        "a\u{61c}b c\u{feff}d",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| arrive(n, &format!("{}", 60_000 + i), "face"))
    .collect();
    assert!(send_lines(&clinic, &lines).iter().all(|r| r["ok"] == true));
    let names = clinic.visit_names();
    assert_eq!(
        names,
        [
            "Tanaka Yui",
            "Tanaka Yui",
            "Sato Ken",
            "AbCd \u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}",
            "ab cd"
        ]
    );
    let text = clinic.ok(&["--no-autostart", "snapshot"]);
    assert!(!text.contains('\u{200b}') && !text.contains('\u{202e}'));
}

/// Bad config text stops every command with exit 2 naming the key, before
/// anything is touched; good text reaches the snapshot clean.
#[test]
fn config_text_with_escape_sequences_is_refused_naming_the_key() {
    for (line, key) in [
        (
            "clinic_name = \"Evil\\u001b]0;PWNED\\u0007 Clinic\"",
            "clinic_name",
        ),
        (
            "clinic_phone = \"03\\u001b[2J-0000\"",
            "discharge.clinic_phone",
        ),
        ("clinic_name = \"Flow\\u200bboard\"", "clinic_name"),
    ] {
        let base = if key == "clinic_name" {
            config_with(&[("clinic_name = \"Flowboard Clinic\"", line)])
        } else {
            config_with(&[("clinic_phone = \"03-0000-0000\"", line)])
        };
        let clinic = Clinic::with_config(&base);
        for args in [&["serve"][..], &["snapshot"], &["wall"]] {
            let out = clinic.run(args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains(&format!("key `{key}`")), "{err}");
            assert!(
                !err.contains('\u{1b}'),
                "the error itself is clean: {err:?}"
            );
        }
        assert!(!clinic.data().exists());
    }
}

// --- Protocol ----------------------------------------------------------

/// A reception script that retries after a timeout registers the patient
/// once: a second arrival with the same key gets the first one's reply.
#[test]
fn a_retried_add_with_a_key_registers_the_patient_once() {
    let clinic = Clinic::started();
    let add = |key: &str| {
        clinic.ok(&[
            "--no-autostart",
            "add",
            "--name",
            "山田 花子",
            "--treatment",
            "drip",
            "--key",
            key,
        ])
    };
    let first = add("reception-0042");
    let again = add("reception-0042");
    assert_eq!(first, again, "the same answer");
    assert!(first.contains("registered visit 1"), "{first}");
    assert_eq!(clinic.visit_names(), ["山田 花子"]);
    // Over the protocol: the same reply, the same events, nothing recorded.
    let line =
        json!({"cmd": "arrive", "name": "Sato Ken", "treatment": "face", "key": "r-7"}).to_string();
    let replies = send_lines(&clinic, &[line.clone(), line]);
    assert_eq!(replies[0], replies[1]);
    assert_eq!(replies[0]["ok"], true);
    assert_eq!(clinic.visit_names().len(), 2);
    let verify = clinic.ok(&["--no-autostart", "verify"]);
    assert!(verify.contains("from 2 events"), "{verify}");
    // Without a key, `add` still sends one of its own: two adds, two visits.
    clinic.ok(&[
        "--no-autostart",
        "add",
        "--name",
        "Twice",
        "--treatment",
        "face",
    ]);
    clinic.ok(&[
        "--no-autostart",
        "add",
        "--name",
        "Twice",
        "--treatment",
        "face",
    ]);
    assert_eq!(clinic.visit_names().len(), 4);
}

#[test]
fn a_command_or_query_named_by_a_number_is_refused() {
    let clinic = Clinic::started();
    let replies = send_lines(
        &clinic,
        &[
            r#"{"id": 1, "cmd": 0, "name": "A", "treatment": "drip"}"#.to_string(),
            r#"{"id": 2, "query": 3}"#.to_string(),
        ],
    );
    for r in &replies {
        assert_eq!(r["error"]["code"], "bad_request", "{r}");
        assert!(
            r["error"]["message"]
                .as_str()
                .unwrap()
                .contains("must be a name in quotes")
        );
    }
    assert_eq!(replies[0]["id"], 1);
    assert!(clinic.visit_names().is_empty());
}

/// A short fuzz against the real server: random bytes and random JSON
/// lines over one connection, each answered with exactly one reply, the
/// connection kept, the server alive; a valid line still works after.
#[test]
fn the_real_server_answers_every_fuzzed_line_and_keeps_the_connection() {
    let clinic = Clinic::started();
    let (mut raw, _) = Raw::hello(&clinic, "operator");
    // A small deterministic generator: no dependency on the clock.
    let mut seed: u64 = 0x5eed_f10b_0a2d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let pieces = [
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"cmd\"",
        "\"query\"",
        "\"arrive\"",
        "\"visits\"",
        "\"name\"",
        "\"treatment\"",
        "\"drip\"",
        "0",
        "-1",
        "1e999",
        "null",
        "true",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"entry\"",
        "\"kind\"",
        "\"id\"",
        " ",
        "\"visit\"",
        "99999999999999999999",
    ];
    let total = 2_000;
    let mut sent = 0;
    for i in 0..total {
        let line: Vec<u8> = if i % 2 == 0 {
            let n = next() % 60;
            (0..n)
                .map(|_| (next() % 256) as u8)
                .filter(|b| *b != b'\n')
                .collect()
        } else {
            let n = next() % 12;
            (0..n)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect::<String>()
                .into_bytes()
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        raw.writer.write_all(&line).unwrap();
        raw.writer.write_all(b"\n").unwrap();
        let reply = raw.reply();
        assert_eq!(reply["ok"], false, "{}", String::from_utf8_lossy(&line));
        sent += 1;
    }
    eprintln!("fuzzed lines against the server: {sent}");
    assert!(sent > total * 9 / 10, "{sent} lines sent");
    raw.send(
        &json!({"id": 42, "cmd": "arrive", "name": "After Fuzz", "treatment": "face"}).to_string(),
    );
    let reply = raw.reply();
    assert_eq!(reply["ok"], true, "{reply}");
    assert_eq!(reply["id"], 42);
    assert_eq!(clinic.visit_names(), ["After Fuzz"]);
}

// --- Files -------------------------------------------------------------

/// Whatever umask the shell gives, every file the program creates is the
/// owner's alone: the data directory, the database, the log, the socket,
/// backups, exports and reports written to files.
#[test]
fn every_file_the_program_creates_is_owner_only_whatever_the_umask() {
    let clinic = Clinic::new();
    let under_umask_000 = |args: &[&str]| {
        let mut line = format!(
            "umask 000; exec {BIN} --data-dir {} --config {}",
            clinic.data().display(),
            clinic.config().display()
        );
        for a in args {
            line.push(' ');
            line.push_str(a);
        }
        Command::new("sh")
            .arg("-c")
            .arg(line)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut server = under_umask_000(&["serve"]);
    clinic.wait_for_socket();
    clinic.ok(&[
        "--no-autostart",
        "add",
        "--name",
        "Tanaka Yui",
        "--treatment",
        "drip",
    ]);
    let out_dir = clinic.dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let export = out_dir.join("export.csv");
    let report = out_dir.join("day.json");
    // A file that was there, readable by all, becomes the owner's.
    std::fs::write(&report, "old").unwrap();
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o644)).unwrap();
    let backup = out_dir.join("backup");
    let today = clinic_today(&clinic.snapshot());
    for args in [
        vec![
            "export",
            "--from",
            &today,
            "--to",
            &today,
            "-o",
            export.to_str().unwrap(),
        ],
        vec![
            "report",
            "day",
            "--format",
            "json",
            "-o",
            report.to_str().unwrap(),
        ],
        vec!["backup", backup.to_str().unwrap()],
    ] {
        let mut child = under_umask_000(&[&["--no-autostart"][..], &args].concat());
        assert!(child.wait().unwrap().success(), "{args:?}");
    }
    let mut checked = 0;
    let mut check_tree = |root: &Path| {
        let mut stack = vec![root.to_path_buf()];
        while let Some(path) = stack.pop() {
            let m = mode(&path);
            assert_eq!(m & 0o077, 0, "{} is {m:o}", path.display());
            checked += 1;
            if path.is_dir() && !path.is_symlink() {
                for e in std::fs::read_dir(&path).unwrap() {
                    stack.push(e.unwrap().path());
                }
            }
        }
    };
    check_tree(&clinic.data());
    check_tree(&backup);
    check_tree(&export);
    check_tree(&report);
    assert!(checked > 10, "{checked} paths checked");
    assert_eq!(mode(&clinic.data()), 0o700);
    assert_eq!(mode(&clinic.socket()), 0o600);
    assert_eq!(mode(&clinic.data().join("flowboard.log")), 0o600);
    assert_eq!(mode(&export), 0o600);
    assert_eq!(mode(&report), 0o600);
    assert_eq!(mode(&backup.join("flowboard-backup.json")), 0o600);
    let _ = server.kill();
    let _ = server.wait();
}

#[test]
fn the_log_is_not_opened_through_a_symbolic_link() {
    let clinic = Clinic::new();
    std::fs::create_dir_all(clinic.data()).unwrap();
    let elsewhere = clinic.dir.path().join("someone-elses-file");
    std::fs::write(&elsewhere, "precious\n").unwrap();
    std::os::unix::fs::symlink(&elsewhere, clinic.data().join("flowboard.log")).unwrap();
    let mut clinic = clinic;
    clinic.start();
    clinic.ok(&[
        "--no-autostart",
        "add",
        "--name",
        "A",
        "--treatment",
        "drip",
    ]);
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "precious\n");
    let log = clinic.data().join("flowboard.log");
    assert!(
        !std::fs::symlink_metadata(&log)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(log_text(&clinic).contains("was a symbolic link"));
}

/// The log rotates by size and keeps a few files: a flood or years of
/// running cannot fill the disk.
#[test]
fn the_server_log_rotates_by_size() {
    let clinic = started_with(&[
        ("log_max_kib = 10240", "log_max_kib = 16"),
        ("log_keep = 5", "log_keep = 2"),
    ]);
    // Each recorded command writes a line (about 90 bytes): enough for
    // several rotations. Vitals of one patient keep the board small.
    let mut lines = vec![arrive("Rotate Log", "70000", "face")];
    let vitals = json!({"cmd": "record", "visit": 1, "entry": {"kind": "vitals", "vitals": {
        "systolic": 118, "diastolic": 74, "pulse": 72, "spo2": 98, "temperature": 36.5,
        "respiratory_rate": 14, "consciousness": "alert"}}})
    .to_string();
    lines.extend(std::iter::repeat_n(vitals, 600));
    assert!(send_lines(&clinic, &lines).iter().all(|r| r["ok"] == true));
    let mut files: Vec<String> = std::fs::read_dir(clinic.data())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("flowboard.log"))
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["flowboard.log", "flowboard.log.1", "flowboard.log.2"]
    );
    for f in &files {
        let len = std::fs::metadata(clinic.data().join(f)).unwrap().len();
        assert!(len < 20 * 1024, "{f} is {len} bytes");
    }
}

// --- Backup and restore ------------------------------------------------

fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for e in std::fs::read_dir(&path).unwrap() {
                stack.push(e.unwrap().path());
            }
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

/// Restore from an empty directory, from holiday photos, from a database
/// copied by hand: refused before anything is written, the source
/// untouched, no database made.
#[test]
fn restore_from_something_that_is_not_a_backup_is_refused_and_the_source_left_alone() {
    let source_clinic = Clinic::started();
    source_clinic.ok(&[
        "--no-autostart",
        "add",
        "--name",
        "A",
        "--treatment",
        "drip",
    ]);
    let dir = source_clinic.dir.path();
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    let photos = dir.join("photos");
    std::fs::create_dir(&photos).unwrap();
    std::fs::write(photos.join("beach.jpg"), [0xff, 0xd8, 0xff, 0xe0]).unwrap();
    std::fs::write(photos.join("mountain.jpg"), [0xff, 0xd8, 0xff, 0xe1]).unwrap();
    let copied = dir.join("copied");
    let backup = dir.join("backup");
    source_clinic.ok(&["--no-autostart", "backup", backup.to_str().unwrap()]);
    // A database copied by hand has no manifest.
    std::fs::create_dir(&copied).unwrap();
    for e in std::fs::read_dir(backup.join("db")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), copied.join(e.file_name())).unwrap();
        }
    }
    for (source, expect) in [
        (&empty, "is not a flowboard backup"),
        (&photos, "is not a flowboard backup"),
        (&copied, "is not a flowboard backup"),
    ] {
        let before = listing(source);
        let target = dir.join(format!(
            "restored-{}",
            source.file_name().unwrap().to_string_lossy()
        ));
        let out = Command::new(BIN)
            .arg("--data-dir")
            .arg(&target)
            .arg("--config")
            .arg(source_clinic.config())
            .arg("restore")
            .arg(source)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", source.display());
        assert!(
            err.contains(expect) && err.contains("nothing was changed"),
            "{err}"
        );
        assert_eq!(listing(source), before, "{} was touched", source.display());
        assert!(!target.join("db").exists());
    }
    // A damaged backup: the log changed after the manifest was written.
    let damaged = dir.join("damaged");
    let mut other = Clinic::started();
    other.ok(&[
        "--no-autostart",
        "add",
        "--name",
        "B",
        "--treatment",
        "drip",
    ]);
    other.ok(&["--no-autostart", "backup", damaged.to_str().unwrap()]);
    other.kill9();
    let manifest_path = damaged.join("flowboard-backup.json");
    let mut manifest: Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    manifest["events"] = json!(7);
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    let before = listing(&damaged);
    let target = dir.join("restored-damaged");
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(&target)
        .arg("--config")
        .arg(source_clinic.config())
        .arg("restore")
        .arg(&damaged)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is damaged"), "{err}");
    assert_eq!(listing(&damaged), before);
    assert!(!target.join("db").exists());
    // And the real backup restores.
    let good = dir.join("restored-good");
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(&good)
        .arg("--config")
        .arg(source_clinic.config())
        .arg("restore")
        .arg(&backup)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("restored 1 events"));
}

#[test]
fn backup_refuses_relative_paths_the_data_directory_and_a_full_target_in_plain_words() {
    let clinic = Clinic::started();
    clinic.ok(&[
        "--no-autostart",
        "add",
        "--name",
        "A",
        "--treatment",
        "drip",
    ]);
    let replies = send_lines(
        &clinic,
        &[
            json!({"query": "backup", "dir": "relative/dir"}).to_string(),
            json!({"query": "backup", "dir": clinic.data().join("copy")}).to_string(),
        ],
    );
    assert_eq!(replies[0]["error"]["code"], "bad_path");
    assert!(
        replies[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("must be an absolute path")
    );
    assert!(
        replies[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("inside the data directory")
    );
    let full = clinic.dir.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("notes.txt"), "x").unwrap();
    let out = clinic.run(&["--no-autostart", "backup", full.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(&format!("{} is not empty", full.display())),
        "{err}"
    );
    assert!(!err.contains("corrupt"), "{err}");
    assert_eq!(std::fs::read_dir(&full).unwrap().count(), 1);
}

// --- The socket's place ------------------------------------------------

#[test]
fn a_dangling_link_or_an_empty_directory_at_the_socket_is_replaced() {
    for make in [
        (|p: &Path| std::os::unix::fs::symlink("/nonexistent/flowboard.sock", p).unwrap())
            as fn(&Path),
        |p: &Path| std::fs::create_dir(p).unwrap(),
        |p: &Path| std::fs::write(p, "").unwrap(),
    ] {
        let mut clinic = Clinic::new();
        std::fs::create_dir_all(clinic.data()).unwrap();
        make(&clinic.socket());
        clinic.start();
        clinic.ok(&["--no-autostart", "snapshot"]);
        assert!(log_text(&clinic).contains("replaced"));
    }
}

#[test]
fn a_directory_with_files_at_the_socket_is_reported_with_what_to_remove() {
    let clinic = Clinic::new();
    std::fs::create_dir_all(clinic.socket()).unwrap();
    std::fs::write(clinic.socket().join("keep.txt"), "x").unwrap();
    let out = clinic.run(&["serve"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is a directory that is not empty"), "{err}");
    assert!(err.contains("rm -r"), "{err}");
    assert!(clinic.socket().join("keep.txt").exists());
}
