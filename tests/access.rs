//! Who may do what, enforced by the server whatever the client does: a
//! wall or read-only connection changes nothing, whatever it sends; the
//! socket is private, or open to one named group; other users are refused.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use common::Clinic;
use flowboard::domain::{Command, Correction, Entry, Stage, VisitId};
use serde_json::{Value, json};

/// The name of every kind of command the protocol knows, as serde itself
/// lists them: a new kind of command shows up here without anyone
/// remembering to add it.
fn command_names() -> Vec<String> {
    let err = serde_json::from_value::<Command>(json!({"cmd": "no-such-command"}))
        .unwrap_err()
        .to_string();
    let list = err
        .split("expected one of ")
        .nth(1)
        .unwrap_or_else(|| panic!("serde's message changed: {err}"));
    list.split(", ")
        .map(|n| {
            n.trim_matches(|c: char| c == '`' || c.is_whitespace())
                .to_string()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// One command of each kind there is, aimed at visit 1. Exhaustive by
/// construction: a kind with no example here fails the test by name.
fn every_command() -> Vec<Command> {
    let visit = VisitId(1);
    let names = command_names();
    assert!(names.len() >= 10, "{names:?}");
    names
        .iter()
        .map(|name| {
            let command = match name.as_str() {
                "arrive" => Command::Arrive {
                    name: "B".into(),
                    treatment: "drip".into(),
                    chart_no: None, key: None,
                    do_not_display: false,
                },
                "advance" => Command::Advance {
                    visit,
                    to: Stage::Counselling,
                    bed: None,
                    lot: None,
                },
                "stop_early" => Command::StopEarly {
                    visit,
                    reason: "x".into(),
                    volume_ml: None,
                },
                "record" => Command::Record {
                    visit,
                    entry: Entry::SymptomFree,
                },
                "expect" => Command::Expect {
                    name: "C".into(),
                    treatment: "face".into(),
                    chart_no: None,
                    expected_at: chrono::Utc::now(),
                    key: None,
                },
                "correct" => Command::Correct {
                    visit,
                    correction: Correction::Name { name: "Z".into() },
                    reason: "x".into(),
                    doctor: None,
                },
                "defer" => Command::Defer {
                    visit,
                    reason: "x".into(),
                },
                "cancel" => Command::Cancel {
                    visit,
                    reason: "x".into(),
                },
                "transfer" => Command::Transfer {
                    visit,
                    reason: "x".into(),
                },
                "undo" => Command::Undo { visit, reason: None },
                "bed_ready" => Command::BedReady { bed: "1".into() },
                other => panic!(
                    "command {other:?} has no example in tests/access.rs: add one, so read-only connections are tested against it"
                ),
            };
            let json = serde_json::to_value(&command).unwrap();
            assert_eq!(json["cmd"], name.as_str(), "the example of {name} is another kind");
            command
        })
        .collect()
}

fn hello(stream: &UnixStream, hello: Value) -> (BufReader<UnixStream>, Value) {
    let mut w = stream.try_clone().unwrap();
    writeln!(w, "{hello}").unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    (reader, serde_json::from_str(&line).unwrap())
}

/// A connection that declares `role` sends every kind of command, by the
/// protocol (not through our client): each is refused with `read_only`,
/// and the board is the same afterwards, for every client.
fn refuses_everything(role: &str, client: &str) {
    let clinic = Clinic::started();
    clinic.ok(&["add", "--name", "A", "--treatment", "drip"]);
    let before = clinic.snapshot()["visits"].clone();
    let stream = UnixStream::connect(clinic.socket()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let (mut reader, welcome) = hello(
        &stream,
        json!({"hello": {"protocol": flowboard::protocol::PROTOCOL_VERSION, "role": role, "client": client}}),
    );
    assert_eq!(welcome["welcome"]["role"], role, "{welcome}");
    let mut w = stream.try_clone().unwrap();
    let commands = every_command();
    for (i, command) in commands.iter().enumerate() {
        let mut line = serde_json::to_value(command).unwrap();
        line["id"] = json!(i);
        line["operator"] = json!("XX");
        writeln!(w, "{line}").unwrap();
        let reply = loop {
            let mut text = String::new();
            reader.read_line(&mut text).unwrap();
            let msg: Value = serde_json::from_str(&text).unwrap();
            assert!(msg.get("board").is_none(), "the board changed: {msg}");
            if let Some(r) = msg.get("reply") {
                break r.clone();
            }
        };
        assert_eq!(reply["id"], i, "{reply}");
        assert_eq!(reply["ok"], false, "{line}: {reply}");
        assert_eq!(reply["error"]["code"], "read_only", "{line}: {reply}");
    }
    let after = clinic.snapshot()["visits"].clone();
    assert_eq!(before, after, "nothing may change");
    assert_eq!(after[0]["events"], Value::Null);
    assert_eq!(after.as_array().unwrap().len(), 1);
    assert_eq!(after[0]["stage"], "waiting");
}

#[test]
fn a_wall_connection_sending_every_kind_of_command_changes_nothing() {
    refuses_everything("read_only", "wall");
}

#[test]
fn a_read_only_viewer_sending_every_kind_of_command_changes_nothing() {
    refuses_everything("read_only", "viewer");
}

#[test]
fn without_a_socket_group_the_socket_and_directory_are_the_owners_alone() {
    let clinic = Clinic::started();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&clinic.socket()), 0o600);
    assert_eq!(mode(&clinic.data()), 0o700);
}

#[test]
fn a_socket_group_opens_the_socket_to_that_group_and_not_the_data() {
    // Our own primary group exists on every machine the tests run on.
    let out = std::process::Command::new("id")
        .arg("-gn")
        .output()
        .unwrap();
    let group = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let mut clinic = Clinic::with_config(&format!("socket_group = {group:?}\n"));
    clinic.start();
    let meta = |p: &std::path::Path| std::fs::metadata(p).unwrap();
    let my_gid = meta(&clinic.dir.path().join("clinic.toml")).gid();
    assert_eq!(meta(&clinic.socket()).permissions().mode() & 0o777, 0o660);
    assert_eq!(meta(&clinic.socket()).gid(), my_gid);
    assert_eq!(meta(&clinic.data()).permissions().mode() & 0o777, 0o710);
    assert_eq!(
        meta(&clinic.data().join("db")).permissions().mode() & 0o777,
        0o700
    );
    assert_eq!(
        meta(&clinic.data().join("flowboard.log"))
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    // A client of the same data dir does not close the directory again.
    clinic.ok(&["--no-autostart", "snapshot"]);
    assert_eq!(meta(&clinic.data()).permissions().mode() & 0o777, 0o710);
}

#[test]
fn a_socket_group_that_does_not_exist_stops_the_server_with_a_clear_error() {
    let clinic = Clinic::with_config("socket_group = \"no-such-clinic-group\"\n");
    let out = clinic.run(&["serve"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("key `socket_group`"), "{err}");
    assert!(
        err.contains("no group named \"no-such-clinic-group\""),
        "{err}"
    );
    assert!(!clinic.data().exists(), "nothing may be created");
}

/// Runs as root only (CI does): another user reaches the socket through
/// loosened file modes and is still refused by the server itself.
#[test]
fn another_user_is_refused_even_when_the_file_modes_let_them_reach_the_socket() {
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n");
    let has_setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok();
    if !common::have_tool(
        "root and setpriv (to act as another user)",
        is_root && has_setpriv,
    ) {
        return;
    }
    let clinic = Clinic::started();
    let open = |p: &std::path::Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    open(clinic.dir.path(), 0o711);
    open(&clinic.data(), 0o711);
    open(&clinic.socket(), 0o666);
    let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml");
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(common::BIN)
        .arg("--data-dir")
        .arg(clinic.data())
        .arg("--config")
        .arg(&config)
        .args(["--no-autostart", "snapshot", "--json"])
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("belongs to another user"), "{err}");
}
