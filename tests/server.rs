//! The whole program: a real server on a temp directory, driven by the real
//! `flowboard` binary and by the library's client over the real socket.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use common::Clinic;
use serde_json::{Value, json};

/// Speaks the protocol by hand, as a script would.
struct Raw {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Raw {
    fn connect(clinic: &Clinic, hello: Value) -> (Raw, Value) {
        let stream = UnixStream::connect(clinic.socket()).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut raw = Raw {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        };
        raw.line(&hello.to_string());
        let first = raw.read();
        (raw, first)
    }

    fn operator(clinic: &Clinic) -> Raw {
        let (raw, welcome) = Raw::connect(
            clinic,
            json!({"hello": {"protocol": flowboard::protocol::PROTOCOL_VERSION}}),
        );
        assert!(welcome.get("welcome").is_some(), "{welcome}");
        raw
    }

    fn line(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
        self.writer.write_all(b"\n").unwrap();
    }

    fn read(&mut self) -> Value {
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .expect("a line from the server");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
    }

    /// Sends one line and returns the reply (skipping board broadcasts).
    fn request(&mut self, text: &str) -> Value {
        self.line(text);
        loop {
            let msg = self.read();
            if let Some(reply) = msg.get("reply") {
                return reply.clone();
            }
        }
    }
}

#[test]
fn a_registered_patient_is_seen_by_every_client() {
    let clinic = Clinic::started();
    let mut watcher = Raw::operator(&clinic);
    let out = clinic.ok(&[
        "add",
        "--name",
        "山田 花子",
        "--treatment",
        "drip",
        "--chart-no",
        "123",
    ]);
    assert!(
        out.contains("registered visit 1 (ticket 1): 山田 花子"),
        "{out}"
    );

    // The other connection is told without asking: what changed.
    let changes = loop {
        let msg = watcher.read();
        if let Some(c) = msg.get("changes") {
            break c.clone();
        }
    };
    assert_eq!(changes["visits"][0]["visit"]["name"], "山田 花子");

    // And a third client, the snapshot, sees the same.
    let snap = clinic.snapshot();
    let v = &snap["visits"][0];
    assert_eq!(v["name"], "山田 花子");
    assert_eq!(v["stage"], "waiting");
    assert_eq!(v["treatment"], "drip");
    assert_eq!(v["chart_no"], "123");
}

#[test]
fn the_snapshot_json_has_the_documented_fields() {
    let clinic = Clinic::started();
    clinic.ok(&["add", "--name", "Sato", "--treatment", "drip"]);
    let mut raw = Raw::operator(&clinic);
    let r = raw.request(&json!({"cmd": "advance", "visit": 1, "to": "counselling"}).to_string());
    assert_eq!(r["ok"], true, "{r}");
    for line in common::counselling_lines(1, "drip") {
        let r = raw.request(&line);
        assert_eq!(r["ok"], true, "{line}: {r}");
    }
    let r = raw.request(&json!({"cmd": "advance", "visit": 1, "to": "ready"}).to_string());
    assert_eq!(r["ok"], true, "{r}");
    let r = raw.request(
        &json!({"cmd": "advance", "visit": 1, "to": "administration", "bed": "2",
                "lot": {"number": "EX-2611-01", "expiry": "2099-01-31"}})
        .to_string(),
    );
    assert_eq!(r["ok"], true, "{r}");
    let snap = clinic.snapshot();
    assert!(snap["now"].is_string());
    let v = &snap["visits"][0];
    for key in [
        "id",
        "name",
        "stage",
        "treatment",
        "bed",
        "stage_since",
        "timer",
        "alerts",
    ] {
        assert!(v.get(key).is_some(), "visit lacks {key}: {v}");
    }
    assert_eq!(v["stage"], "administration");
    assert_eq!(v["bed"], "2");
    let remaining = v["timer"]["remaining_secs"].as_i64().unwrap();
    assert!((1790..=1800).contains(&remaining), "{remaining}");
    assert!(v["timer"]["elapsed_secs"].is_i64());
    assert_eq!(snap["beds"]["free"], 3);
    assert_eq!(snap["counts"]["administration"], 1);
}

#[test]
fn kill_9_in_the_middle_of_a_stream_loses_no_acknowledged_command() {
    let mut clinic = Clinic::started();
    let mut raw = Raw::operator(&clinic);
    let mut acked = Vec::new();
    let mut sent = 0;
    // Stream arrivals; after 40 acks, kill the server while the stream goes on.
    let killer = {
        let pid = clinic.server.as_ref().unwrap().id();
        move || {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
        }
    };
    let mut killed = false;
    loop {
        let name = format!("Patient {sent:03}");
        let line = json!({"id": sent, "cmd": "arrive", "name": name, "treatment": "face"});
        if raw
            .writer
            .write_all(format!("{line}\n").as_bytes())
            .is_err()
        {
            break;
        }
        sent += 1;
        if acked.len() == 40 && !killed {
            killer();
            killed = true;
        }
        let reply = loop {
            let mut text = String::new();
            match raw.reader.read_line(&mut text) {
                Ok(0) | Err(_) => break None,
                Ok(_) => {
                    let msg: Value = serde_json::from_str(&text).unwrap();
                    if let Some(r) = msg.get("reply") {
                        break Some(r.clone());
                    }
                }
            }
        };
        match reply {
            Some(r) if r["ok"] == true => acked.push(name),
            Some(r) => panic!("refused: {r}"),
            None => break,
        }
        assert!(sent < 10_000, "the server never died");
    }
    assert!(killed && acked.len() >= 40);
    clinic.kill9(); // reap
    clinic.start();
    let names = clinic.visit_names();
    for name in &acked {
        assert!(names.contains(name), "acknowledged {name} was lost");
    }
    // What survived is the stream in order, with at most the one command
    // that was in flight when the server died (written, not yet acked).
    let sent_names: Vec<String> = (0..sent).map(|i| format!("Patient {i:03}")).collect();
    assert!(
        names.len() == acked.len() || names.len() == acked.len() + 1,
        "{} acknowledged, {} on the board",
        acked.len(),
        names.len()
    );
    assert_eq!(names, sent_names[..names.len()], "in the order sent");
    // The log, the materialised visits and the index agree after the crash.
    clinic.kill9();
    let store = flowboard::store::Store::open(&clinic.data().join("db")).unwrap();
    assert_eq!(store.verify().unwrap(), Vec::new(), "verify finds nothing");
    let replayed = flowboard::domain::replay(store.events().map(Result::unwrap));
    let replayed: Vec<&str> = replayed.visits.values().map(|v| v.name.as_str()).collect();
    assert_eq!(replayed, names, "the log holds what the board showed");
}

#[test]
fn a_second_server_on_the_same_data_is_refused_with_a_clear_error() {
    let clinic = Clinic::started();
    let out = clinic.run(&["serve"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another flowboard server is using"), "{err}");
    // The first one still works.
    clinic.ok(&["add", "--name", "A", "--treatment", "face"]);
}

#[test]
fn a_bad_config_is_refused_before_any_data_is_touched() {
    let clinic = Clinic::new();
    let bad = clinic.dir.path().join("bad.toml");
    std::fs::write(&bad, "clinic_name = \"X\"\nbedz = [\"1\"]\n").unwrap();
    let out = std::process::Command::new(common::BIN)
        .arg("--data-dir")
        .arg(clinic.data())
        .arg("--config")
        .arg(&bad)
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml"), "{err}");
    assert!(err.contains("bedz"), "{err}");
    assert!(!clinic.data().exists(), "nothing may be created");
}

#[test]
fn a_client_starts_the_server_when_none_answers_and_the_socket_is_private() {
    let clinic = Clinic::new();
    let out = clinic.ok(&["add", "--name", "A", "--treatment", "face"]);
    assert!(out.contains("registered visit 1"), "{out}");
    let mode = std::fs::metadata(clinic.socket())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let dir_mode = std::fs::metadata(clinic.data())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);
    assert!(clinic.data().join("flowboard.log").exists());
    assert_eq!(clinic.visit_names(), vec!["A"]);
}

#[test]
fn without_autostart_a_missing_server_is_a_clear_error() {
    let clinic = Clinic::new();
    let out = clinic.run(&["--no-autostart", "snapshot", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no flowboard server answers"), "{err}");
}

#[test]
fn a_malformed_line_gets_an_error_and_the_connection_goes_on() {
    let clinic = Clinic::started();
    let mut raw = Raw::operator(&clinic);
    let r = raw.request("{not json");
    assert_eq!(r["ok"], false);
    assert_eq!(r["error"]["code"], "bad_request");
    let r = raw.request(r#"{"id": 7, "cmd": "arrive", "name": "A"}"#);
    assert_eq!(r["id"], 7, "the id is kept so the client can match");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("treatment"),
        "{r}"
    );
    let long = format!("{{\"cmd\":\"arrive\",\"name\":\"{}\"}}", "x".repeat(70_000));
    let r = raw.request(&long);
    assert_eq!(r["error"]["code"], "line_too_long");
    let r = raw.request(r#"{"cmd": "arrive", "name": "A", "treatment": "face"}"#);
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(clinic.visit_names(), vec!["A"]);
}

#[test]
fn the_handshake_checks_the_protocol_version() {
    let clinic = Clinic::started();
    let (_raw, first) = Raw::connect(&clinic, json!({"hello": {"protocol": 99}}));
    assert_eq!(first["error"]["code"], "protocol_version", "{first}");
    // A client of a version before is told plainly what to do.
    let (_raw, first) = Raw::connect(&clinic, json!({"hello": {"protocol": 1}}));
    let message = first["error"]["message"].as_str().unwrap();
    let speaks = format!(
        "this server speaks protocol {}",
        flowboard::protocol::PROTOCOL_VERSION
    );
    assert!(
        message.contains(&speaks) && message.contains("the client 1"),
        "{message}"
    );
    assert!(message.contains("same flowboard version"), "{message}");
    let (_raw, first) = Raw::connect(&clinic, json!({"cmd": "arrive"}));
    assert_eq!(first["error"]["code"], "handshake", "{first}");
}

#[test]
fn a_read_only_connection_can_change_nothing() {
    let clinic = Clinic::started();
    clinic.ok(&["add", "--name", "A", "--treatment", "drip"]);
    let (mut raw, welcome) = Raw::connect(
        &clinic,
        json!({"hello": {"protocol": flowboard::protocol::PROTOCOL_VERSION, "role": "read_only"}}),
    );
    assert_eq!(welcome["welcome"]["role"], "read_only");
    for cmd in [
        json!({"cmd": "arrive", "name": "B", "treatment": "drip"}),
        json!({"cmd": "advance", "visit": 1, "to": "counselling"}),
        json!({"cmd": "defer", "visit": 1, "reason": "x"}),
        json!({"cmd": "cancel", "visit": 1, "reason": "x"}),
        json!({"cmd": "transfer", "visit": 1, "reason": "x"}),
        json!({"cmd": "undo", "visit": 1}),
    ] {
        let r = raw.request(&cmd.to_string());
        assert_eq!(r["error"]["code"], "read_only", "{cmd}: {r}");
    }
    let snap = clinic.snapshot();
    assert_eq!(snap["visits"].as_array().unwrap().len(), 1);
    assert_eq!(snap["visits"][0]["stage"], "waiting");
}

#[test]
fn a_rejected_command_says_why_and_changes_nothing() {
    let clinic = Clinic::started();
    clinic.ok(&["add", "--name", "A", "--treatment", "drip"]);
    let out = clinic.run(&[
        "send",
        r#"{"cmd":"advance","visit":1,"to":"administration","bed":"1"}"#,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reply["error"]["code"], "needs_counselling");
    assert_eq!(clinic.snapshot()["visits"][0]["stage"], "waiting");
}

#[test]
fn send_reads_commands_from_standard_input() {
    let clinic = Clinic::started();
    let mut child = clinic
        .cmd(&["send"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"{\"cmd\":\"arrive\",\"name\":\"A\",\"treatment\":\"face\"}\n\n{\"cmd\":\"advance\",\"visit\":1,\"to\":\"counselling\"}\n",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let replies: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(replies.len(), 2);
    assert!(replies.iter().all(|r| r["ok"] == true));
}

#[test]
fn an_entry_after_the_fact_keeps_both_times_and_the_future_is_refused() {
    let clinic = Clinic::started();
    let out = clinic.run(&[
        "add",
        "--name",
        "A",
        "--treatment",
        "face",
        "--at",
        "2999-01-01T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("in the future"));
    let ten_ago = (chrono::Utc::now() - chrono::Duration::minutes(10)).to_rfc3339();
    clinic.ok(&[
        "add",
        "--name",
        "A",
        "--treatment",
        "face",
        "--at",
        &ten_ago,
    ]);
    let v = &clinic.snapshot()["visits"][0];
    let elapsed = v["timer"]["elapsed_secs"].as_i64().unwrap();
    assert!((600..660).contains(&elapsed), "{elapsed}");
    let out = clinic.run(&["add", "--name", "B", "--treatment", "face", "--at", "abc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use HH:MM"));
}

#[test]
fn timers_read_the_same_after_a_restart() {
    let mut clinic = Clinic::started();
    let ago = (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    clinic.ok(&["add", "--name", "A", "--treatment", "face", "--at", &ago]);
    let before = clinic.snapshot()["visits"][0]["stage_since"].clone();
    clinic.kill9();
    clinic.start();
    let snap = clinic.snapshot();
    assert_eq!(snap["visits"][0]["stage_since"], before);
    assert!(snap["visits"][0]["timer"]["elapsed_secs"].as_i64().unwrap() >= 300);
}

#[test]
fn a_database_from_a_newer_flowboard_is_refused() {
    let mut clinic = Clinic::started();
    clinic.ok(&["add", "--name", "A", "--treatment", "face"]);
    clinic.kill9();
    {
        let store = flowboard::store::Store::open(&clinic.data().join("db")).unwrap();
        store.set_schema_version_for_test(99).unwrap();
    }
    let out = clinic.run(&["serve"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("newer than this flowboard"), "{err}");
}

#[test]
fn the_library_client_receives_board_updates_before_its_ack() {
    let clinic = Clinic::started();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use flowboard::client::Connection;
        use flowboard::domain::Command;
        use flowboard::protocol::{Request, Role};
        let mut conn = Connection::connect(&clinic.socket(), Role::Operator, "test")
            .await
            .unwrap();
        let reply = conn
            .request(Request {
                id: None,
                at: None,
                operator: Some("KS".into()),
                command: Command::Arrive {
                    name: "佐藤 健".into(),
                    treatment: "scalp".into(),
                    chart_no: None,
                    key: None,
                    do_not_display: false,
                },
                confirm: false,
                pin: None,
            })
            .await
            .unwrap();
        assert!(reply.ok);
        let visit = conn.board().visit(reply.visit.unwrap()).unwrap();
        assert_eq!(visit.name, "佐藤 健");
        assert_eq!(visit.events[0].operator.as_deref(), Some("KS"));
    });
}

#[test]
fn a_screen_says_when_the_server_is_gone_and_reconnects_by_itself() {
    use flowboard::client::{ClientEvent, run_link};
    use flowboard::paths::DataDir;
    use flowboard::protocol::Role;
    let mut clinic = Clinic::started();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_req_tx, req_rx) = tokio::sync::mpsc::channel::<flowboard::protocol::Request>(4);
    let (ev_tx, mut ev_rx) = tokio::sync::mpsc::channel(64);
    let next = |rx: &mut tokio::sync::mpsc::Receiver<ClientEvent>| {
        rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(20), rx.recv())
                .await
                .expect("an event in time")
                .expect("link alive")
        })
    };
    rt.spawn(run_link(
        DataDir::new(clinic.data()),
        None,
        Role::ReadOnly,
        "test".into(),
        req_rx,
        ev_tx,
    ));
    assert!(matches!(next(&mut ev_rx), ClientEvent::Connected(_)));
    clinic.kill9();
    assert!(matches!(next(&mut ev_rx), ClientEvent::Lost(_)));
    clinic.start();
    clinic.ok(&["add", "--name", "After", "--treatment", "face"]);
    // Retries report Lost until the server is back, then Connected with
    // the board as it is now.
    let board = loop {
        if let ClientEvent::Connected(w) = next(&mut ev_rx) {
            break w.board;
        }
    };
    let mut board = board;
    // The arrival may come in the welcome or just after it.
    while board.visits.is_empty() {
        match next(&mut ev_rx) {
            ClientEvent::Board(b) => board = *b,
            ClientEvent::Changed(c) => c.apply_to(&mut board).unwrap(),
            _ => {}
        }
    }
    assert_eq!(board.visits.values().next().unwrap().name, "After");
}

#[test]
fn two_clients_starting_at_once_share_one_server() {
    let clinic = Clinic::new();
    let children: Vec<_> = (0..2)
        .map(|i| {
            clinic
                .cmd(&["add", "--name", &format!("P{i}"), "--treatment", "face"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut names = clinic.visit_names();
    names.sort();
    assert_eq!(names, vec!["P0", "P1"]);
    // The server that lost the lock gives up within a second; one stays.
    let count = || {
        let out = std::process::Command::new("pgrep")
            .arg("-f")
            .arg(format!("serve --data-dir {}", clinic.data().display()))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).lines().count()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while count() > 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(count(), 1);
}

#[test]
fn a_name_full_of_escape_sequences_is_stored_and_shown_clean() {
    let clinic = Clinic::started();
    let nasty = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}[31m山田\u{202e} 花子\u{1b}[0m\r\n";
    clinic.ok(&["add", "--name", nasty, "--treatment", "drip"]);
    assert_eq!(clinic.visit_names(), vec!["山田 花子"]);
    let text = clinic.ok(&["--no-autostart", "snapshot"]);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("山田 花子"));
}

#[test]
fn a_read_only_screen_asks_its_link_for_a_days_visits_and_gets_them_but_no_command_passes() {
    use flowboard::client::{ClientEvent, Outgoing, run_link};
    use flowboard::domain::{Command, Visit, VisitId};
    use flowboard::paths::DataDir;
    use flowboard::protocol::{Query, QueryRequest, Request, Role};
    let clinic = Clinic::started();
    clinic.ok(&["add", "--name", "山田 花子", "--treatment", "drip"]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (req_tx, req_rx) = tokio::sync::mpsc::channel::<Outgoing>(4);
    let (ev_tx, mut ev_rx) = tokio::sync::mpsc::channel(64);
    rt.spawn(run_link(
        DataDir::new(clinic.data()),
        None,
        Role::ReadOnly,
        "history".into(),
        req_rx,
        ev_tx,
    ));
    let mut reply_to = |id: u64| {
        rt.block_on(async {
            loop {
                let event = tokio::time::timeout(Duration::from_secs(20), ev_rx.recv())
                    .await
                    .expect("an event in time")
                    .expect("link alive");
                if let ClientEvent::Reply(r) = event
                    && r.id == Some(id)
                {
                    return r;
                }
            }
        })
    };
    let now = chrono::Utc::now();
    req_tx
        .blocking_send(Outgoing::Query(QueryRequest {
            id: Some(7),
            query: Query::Visits {
                from: now - chrono::Duration::days(1),
                to: now + chrono::Duration::days(1),
                after: None,
                limit: None,
            },
        }))
        .unwrap();
    let reply = reply_to(7);
    assert!(reply.ok, "{reply:?}");
    let visits: Vec<Visit> =
        serde_json::from_value(reply.data.expect("data")["visits"].clone()).unwrap();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].name, "山田 花子");
    assert!(!visits[0].events.is_empty(), "with every event");

    // The same link carries commands, which the server refuses here.
    req_tx
        .blocking_send(Outgoing::Command(Request {
            id: Some(8),
            at: None,
            operator: None,
            command: Command::Undo {
                visit: VisitId(1),
                reason: None,
            },
            confirm: false,
            pin: None,
        }))
        .unwrap();
    let reply = reply_to(8);
    assert!(!reply.ok);
    assert_eq!(reply.error.unwrap().code, "read_only");
}
