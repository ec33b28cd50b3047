//! What must not grow with the records: the visits a start reads, and
//! what an export holds at once. Counted, not timed (the benchmarks time
//! them: README "Performance").

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use serde_json::{Value, json};

#[test]
fn a_start_reads_the_working_window_not_every_stored_visit() {
    let (mut clinic, stored) = common::with_records(20);
    // A patient still in the clinic today (arrived this morning), so the
    // window is not empty whatever the day the test runs.
    clinic.start();
    clinic.ok(&["add", "--name", "山田 花子", "--treatment", "drip"]);
    clinic.kill9();
    clinic.start();
    let log = std::fs::read_to_string(clinic.data().join("flowboard.log")).unwrap();
    // The last start's line: "working window: N visits (R read from the store)".
    let line = log
        .lines()
        .rev()
        .find(|l| l.contains("working window:"))
        .unwrap_or_else(|| panic!("no start line in {log}"));
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    let tail = &numbers[numbers.len() - 3..];
    let (window, read) = (tail[0], tail[1]);
    assert_eq!(window, read, "each visit of the window read once: {line}");
    assert!(window >= 1, "{line}");
    assert!(
        read * 10 < stored,
        "a start read {read} of {stored} stored visits: {line}"
    );
    assert_eq!(clinic.visit_names(), vec!["山田 花子"]);
}

/// Speaks the protocol by hand and returns each line as it came.
fn ask(clinic: &common::Clinic, query: Value) -> Vec<String> {
    let stream = UnixStream::connect(clinic.socket()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    writeln!(
        writer,
        "{}",
        json!({"hello": {"protocol": flowboard::protocol::PROTOCOL_VERSION}})
    )
    .unwrap();
    let mut welcome = String::new();
    reader.read_line(&mut welcome).unwrap();
    let mut lines = Vec::new();
    let mut query = query;
    loop {
        writeln!(writer, "{query}").unwrap();
        let reply = loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.contains("\"reply\"") {
                break line;
            }
        };
        let value: Value = serde_json::from_str(&reply).unwrap();
        let next = value["reply"]["data"]["next"].as_str().map(str::to_string);
        lines.push(reply);
        match next {
            Some(next) => query["after"] = next.into(),
            None => return lines,
        }
    }
}

#[test]
fn an_export_is_answered_a_page_at_a_time_however_long_its_range() {
    let (mut clinic, stored) = common::with_records(24);
    clinic.start();
    let week = ask(
        &clinic,
        json!({"query": "visits", "from": "2026-11-16T00:00:00+09:00", "to": "2026-11-23T00:00:00+09:00"}),
    );
    let month = ask(
        &clinic,
        json!({"query": "visits", "from": "2026-10-01T00:00:00+09:00", "to": "2026-11-24T00:00:00+09:00"}),
    );
    let visits = |lines: &[String]| -> u64 {
        lines
            .iter()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                v["reply"]["data"]["visits"].as_array().unwrap().len() as u64
            })
            .sum()
    };
    assert_eq!(visits(&month), stored, "every visit, once");
    assert!(month.len() > week.len() * 2, "more pages, not bigger ones");
    let biggest = |lines: &[String]| lines.iter().map(String::len).max().unwrap();
    // A page holds at most 100 visits and about 512 KB: what the server
    // builds and the client holds at once, whatever the range.
    let bound = 512 * 1024 + 64 * 1024;
    assert!(biggest(&week) <= bound && biggest(&month) <= bound);
    for line in &month {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(v["reply"]["data"]["visits"].as_array().unwrap().len() <= 100);
    }

    // The command line writes each page as it comes: its connection never
    // held more than a page, while the file is many pages long.
    let file = clinic.dir.path().join("export.csv");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let longest = rt.block_on(async {
        let mut conn = flowboard::client::Connection::connect(
            &clinic.socket(),
            flowboard::protocol::Role::ReadOnly,
            "test",
        )
        .await
        .unwrap();
        let welcome = conn.longest_line();
        let mut out = flowboard::records::Output::open(Some(&file), "the export").unwrap();
        flowboard::records::export(
            &mut conn,
            chrono::NaiveDate::from_ymd_opt(2026, 10, 1),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
            flowboard::records::Format::Csv,
            false,
            &mut out,
        )
        .await
        .unwrap();
        (welcome, conn.longest_line())
    });
    let written = std::fs::metadata(&file).unwrap().len() as usize;
    assert!(longest.1 <= bound, "{longest:?}");
    assert!(
        written > 3 * longest.1,
        "{written} bytes written, {longest:?}"
    );
    let csv = std::fs::read_to_string(&file).unwrap();
    let events: usize = month
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["reply"]["data"]["visits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|visit| visit["events"].as_array().unwrap().len())
                .sum::<usize>()
        })
        .sum();
    assert_eq!(csv.lines().count(), events + 1, "a header and every event");
}

/// A raw protocol connection that keeps every line it reads.
struct Line {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Line {
    fn connect(clinic: &common::Clinic, role: &str) -> (Line, Value) {
        let stream = UnixStream::connect(clinic.socket()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut line = Line {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        };
        line.send(
            &json!({"hello": {"protocol": flowboard::protocol::PROTOCOL_VERSION, "role": role}}),
        );
        let (welcome, _) = line.read();
        (line, welcome)
    }

    fn send(&mut self, msg: &Value) {
        writeln!(self.writer, "{msg}").unwrap();
    }

    /// The next message and its size on the wire.
    fn read(&mut self) -> (Value, usize) {
        let mut text = String::new();
        self.reader.read_line(&mut text).unwrap();
        (serde_json::from_str(&text).unwrap(), text.len())
    }

    /// Sends a command and reads until its reply; returns what came before.
    fn command(&mut self, msg: Value) -> Vec<(Value, usize)> {
        self.send(&msg);
        let mut before = Vec::new();
        loop {
            let (m, n) = self.read();
            if let Some(r) = m.get("reply") {
                assert_eq!(r["ok"], true, "{msg}: {r}");
                return before;
            }
            before.push((m, n));
        }
    }
}

fn board_of(welcome: &Value) -> flowboard::domain::Board {
    serde_json::from_value(welcome["welcome"]["board"].clone()).unwrap()
}

#[test]
fn after_a_command_every_connection_gets_what_changed_not_the_board() {
    let clinic = common::Clinic::started();
    let (mut nurse, _) = Line::connect(&clinic, "operator");
    for i in 0..40 {
        nurse.command(json!({"cmd": "arrive", "name": format!("Patient {i}"), "treatment": "drip", "chart_no": format!("{}", 100 + i)}));
    }
    let (mut wall, welcome) = Line::connect(&clinic, "read_only");
    let mut board = board_of(&welcome);
    assert_eq!(
        board.visits.len(),
        40,
        "a new connection gets the board once"
    );

    let before = nurse.command(json!({"cmd": "advance", "visit": 7, "to": "counselling"}));
    // The nurse holds the change before the ack, as every other terminal
    // gets it: the visit touched, its new state and its new event only.
    assert_eq!(before.len(), 1, "{before:?}");
    let (msg, bytes) = wall.read();
    assert!(msg.get("board").is_none(), "a whole board after a command");
    let changes = &msg["changes"];
    assert_eq!(changes, &before[0].0["changes"]);
    let visits = changes["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0]["visit"]["id"], 7);
    assert_eq!(visits[0]["visit"]["stage"], "counselling");
    let events: Vec<&str> = visits[0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, vec!["counselling_started"]);
    assert!(bytes < 8 * 1024, "{bytes} bytes for one change");

    // Applied to the board it follows, it gives the server's board.
    let changes: flowboard::protocol::Changes = serde_json::from_value(changes.clone()).unwrap();
    changes.apply_to(&mut board).unwrap();
    let (_, now) = Line::connect(&clinic, "read_only");
    assert_eq!(board, board_of(&now));
}

#[test]
fn a_terminal_that_stops_reading_is_let_go_and_gets_the_board_once_when_it_comes_back() {
    let clinic = common::Clinic::started();
    let (mut nurse, _) = Line::connect(&clinic, "operator");
    // The wall reads nothing while more changes are recorded than its
    // socket (the kernel's default buffer, at about 1.5 KB a change) and
    // its queue on the server (server.send_queue_lines) hold.
    let buffer: usize = std::fs::read_to_string("/proc/sys/net/core/wmem_default")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(212_992);
    let arrivals = 256 + 2 * buffer / 1000 + 100;
    let (mut wall, welcome) = Line::connect(&clinic, "read_only");
    let mut board = board_of(&welcome);
    for i in 0..arrivals {
        nurse.command(json!({"cmd": "arrive", "name": format!("P{i}"), "treatment": "face"}));
    }
    // What it was sent before it was let go are changes that follow each
    // other from its welcome; then the connection ends.
    let mut text = String::new();
    loop {
        text.clear();
        if wall.reader.read_line(&mut text).unwrap_or(0) == 0 {
            break;
        }
        let msg: Value = serde_json::from_str(&text).unwrap();
        let changes: flowboard::protocol::Changes =
            serde_json::from_value(msg["changes"].clone()).unwrap();
        changes.apply_to(&mut board).unwrap();
    }
    let (_, now) = Line::connect(&clinic, "read_only");
    let server = board_of(&now);
    assert!(
        board.last_seq < server.last_seq,
        "it was let go before the end"
    );
    assert_eq!(server.visits.len(), arrivals, "coming back, the board once");
}

#[test]
fn a_screen_gets_a_whole_day_through_its_link_in_one_reply_however_many_pages() {
    use flowboard::client::{ClientEvent, Outgoing, run_link};
    use flowboard::domain::Visit;
    use flowboard::paths::DataDir;
    use flowboard::protocol::{Query, QueryRequest, Role};
    let (mut clinic, _) = common::with_records(2);
    clinic.start();
    let from = chrono::DateTime::parse_from_rfc3339("2026-11-23T00:00:00+09:00")
        .unwrap()
        .to_utc();
    let to = from + chrono::Duration::days(1);
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
    // Pages of 10: the day's 50-odd visits take several.
    req_tx
        .blocking_send(Outgoing::Query(QueryRequest {
            id: Some(3),
            query: Query::Visits {
                from,
                to,
                after: None,
                limit: Some(10),
            },
        }))
        .unwrap();
    let reply = rt.block_on(async {
        loop {
            let event = tokio::time::timeout(Duration::from_secs(20), ev_rx.recv())
                .await
                .expect("an event in time")
                .expect("link alive");
            if let ClientEvent::Reply(r) = event {
                return r;
            }
        }
    });
    assert_eq!(reply.id, Some(3));
    let data = reply.data.expect("data");
    assert!(data.get("next").is_none(), "one whole answer: {data}");
    let visits: Vec<Visit> = serde_json::from_value(data["visits"].clone()).unwrap();
    let lines = ask(
        &clinic,
        json!({"query": "visits", "from": from, "to": to, "limit": 10}),
    );
    assert!(lines.len() > 3, "{} pages", lines.len());
    let expected: usize = lines
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["reply"]["data"]["visits"].as_array().unwrap().len()
        })
        .sum();
    assert_eq!(visits.len(), expected);
    let mut ids: Vec<u64> = visits.iter().map(|v| v.id.0).collect();
    ids.dedup();
    assert_eq!(ids.len(), expected, "each visit once");
}
