//! Records through the real binary and server: the day sheet, corrections,
//! reports, lot trace, export, backup / restore / verify.

mod common;

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::process::Command as Process;

use common::Clinic;
use serde_json::{Value, json};

fn write(clinic: &Clinic, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = clinic.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn the_day_sheet_is_imported_once_with_bad_rows_reported_by_line() {
    let clinic = Clinic::started();
    let file = write(
        &clinic,
        "day.csv",
        "time,name,chart_no,treatment\n10:00,山田 花子,10077,drip\n10:30,佐藤 健,10102,scalp\n1030,Bad Time,1,drip\n11:00,鈴木 葵,10333,botox\n".as_bytes(),
    );
    let path = file.to_str().unwrap();
    let out = clinic.run(&["import", path]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "bad rows make the exit status 1"
    );
    let text = stdout(&out);
    assert!(text.contains("2 expected patients added"), "{text}");
    assert!(
        text.contains("line 4: time \"1030\" is not HH:MM"),
        "{text}"
    );
    assert!(
        text.contains("line 5: unknown treatment \"botox\""),
        "{text}"
    );
    let names = clinic.visit_names();
    assert_eq!(names, vec!["山田 花子", "佐藤 健"]);
    assert!(
        clinic.snapshot()["visits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["stage"] == "expected")
    );

    // Re-importing the same file duplicates nobody.
    let again = stdout(&clinic.run(&["import", path]));
    assert!(
        again.contains("0 expected patients added") && again.contains("2 already on the board"),
        "{again}"
    );
    assert_eq!(clinic.visit_names().len(), 2);
}

#[test]
fn a_shift_jis_day_sheet_from_japanese_reservation_software_is_read() {
    let clinic = Clinic::started();
    let text = "予約時間,患者名,診察券番号,施術内容\r\n09:30,高橋 直子,10290,顔 注射\r\n";
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    let file = write(&clinic, "sjis.csv", &bytes);
    let out = clinic.ok(&["import", file.to_str().unwrap()]);
    assert!(
        out.contains("1 expected patients added") && out.contains("Shift_JIS"),
        "{out}"
    );
    let v = &clinic.snapshot()["visits"][0];
    assert_eq!(v["name"], "高橋 直子");
    assert_eq!(v["treatment"], "face");
    assert_eq!(v["chart_no"], "10290");
}

#[test]
fn an_expected_patient_checks_in_and_a_correction_keeps_the_old_value() {
    let clinic = Clinic::started();
    let file = write(
        &clinic,
        "d.csv",
        b"time,name,chart_no,treatment\n10:00,Yamda Hanako,10077,face\n",
    );
    clinic.ok(&["import", file.to_str().unwrap()]);
    let replies = clinic.ok(&[
        "send",
        &json!({"cmd": "advance", "visit": 1, "to": "waiting"}).to_string(),
        &json!({"cmd": "correct", "visit": 1, "correction": {"field": "name", "name": "Yamada Hanako"}, "reason": "typo in the reservation system"}).to_string(),
    ]);
    assert_eq!(replies.lines().count(), 2, "{replies}");
    let v = &clinic.snapshot()["visits"][0];
    assert_eq!(v["stage"], "waiting");
    assert_eq!(v["ticket"], 1);
    assert_eq!(v["name"], "Yamada Hanako");
    // The export keeps both: the booking under the old name, and the correction.
    let day = clinic.today();
    let csv = clinic.ok(&["export", "--from", &day, "--to", &day, "--format", "csv"]);
    assert!(csv.contains("corrected"), "{csv}");
    assert!(csv.contains("Yamda Hanako"), "the old value stays: {csv}");
}

#[test]
fn a_lot_is_traced_and_an_unknown_lot_is_an_empty_answer() {
    let clinic = Clinic::started();
    let mut lines = vec![
        json!({"cmd": "arrive", "name": "山田 花子", "treatment": "drip", "chart_no": "10077"})
            .to_string(),
        json!({"cmd": "advance", "visit": 1, "to": "counselling"}).to_string(),
    ];
    lines.extend(common::counselling_lines(1, "drip"));
    lines.push(json!({"cmd": "advance", "visit": 1, "to": "ready"}).to_string());
    // Typed in lower case on one terminal: stored as the vial prints it.
    lines.push(json!({"cmd": "advance", "visit": 1, "to": "administration", "bed": "1", "lot": {"number": "exo-2611-07"}}).to_string());
    let mut args = vec!["send"];
    args.extend(lines.iter().map(String::as_str));
    clinic.ok(&args);
    let json: Value =
        serde_json::from_str(&clinic.ok(&["trace-lot", "EXO-2611-07", "--format", "json"]))
            .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(json[0]["name"], "山田 花子");
    assert_eq!(json[0]["chart_no"], "10077");
    assert_eq!(json[0]["nurse"], "KS");
    assert_eq!(json[0]["dose_ml"], 10.0);
    assert_eq!(json[0]["given_ml"], 10.0, "the dose given");
    assert_eq!(json[0]["lot"], "EXO-2611-07");
    // Asked for in any case, found.
    let lower: Value =
        serde_json::from_str(&clinic.ok(&["trace-lot", "exo-2611-07", "--format", "json"]))
            .unwrap();
    assert_eq!(lower.as_array().unwrap().len(), 1);
    let text = clinic.ok(&["trace-lot", "exo-2611-07"]);
    assert!(
        text.starts_with("Lot EXO-2611-07: 1 administrations"),
        "{text}"
    );
    // In mixed case, or typed in full-width letters (a Japanese input
    // method): the index matches one key.
    for spelling in ["Exo-2611-07", "ＥＸＯ－２６１１－０７"] {
        let found: Value =
            serde_json::from_str(&clinic.ok(&["trace-lot", spelling, "--format", "json"])).unwrap();
        assert_eq!(found.as_array().unwrap().len(), 1, "{spelling}");
    }
    let none = clinic.run(&["trace-lot", "NO-SUCH-LOT"]);
    assert_eq!(none.status.code(), Some(0));
    assert!(stdout(&none).contains("no administration of lot \"NO-SUCH-LOT\" is on record"));

    // A wrong lot number corrected: the trace follows.
    clinic.ok(&["send", &json!({"cmd": "correct", "visit": 1, "correction": {"field": "lot", "number": "EXO-2611-08"}, "reason": "misread the vial"}).to_string()]);
    assert!(stdout(&clinic.run(&["trace-lot", "EXO-2611-07"])).contains("no administration"));
    assert!(
        clinic
            .ok(&["trace-lot", "EXO-2611-08"])
            .contains("山田 花子")
    );
}

#[test]
fn the_export_of_today_needs_no_dates_and_speaks_the_clinic_s_local_time() {
    let clinic = Clinic::started();
    clinic.ok(&["add", "--name", "Aoki Ami", "--treatment", "drip"]);
    let csv = clinic.ok(&["export", "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = row[header.iter().position(|h| *h == "at").unwrap()];
    // The clinic's zone (tests/common: where it is mid-morning) as an
    // offset, to the second: no UTC nanoseconds.
    let offset = clinic.clinic_config().timezone;
    let parsed = chrono::DateTime::parse_from_rfc3339(at).unwrap();
    assert_eq!(at.len(), "2026-11-21T10:05:00+09:00".len(), "{at}");
    let local = chrono::Utc::now().with_timezone(&offset);
    use chrono::Offset;
    assert_eq!(
        parsed.offset().local_minus_utc(),
        local.offset().fix().local_minus_utc()
    );
    assert_eq!(
        row[header.iter().position(|h| *h == "treatment").unwrap()],
        "drip"
    );
}

#[test]
fn report_and_export_refuse_a_backwards_range_and_an_unwritable_file() {
    let clinic = Clinic::started();
    let out = clinic.run(&[
        "report",
        "reactions",
        "--from",
        "2026-11-21",
        "--to",
        "2026-11-01",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the range is backwards"));
    let day = clinic.today();
    let out = clinic.run(&[
        "export",
        "--from",
        &day,
        "--to",
        &day,
        "--output",
        "/nonexistent/dir/x.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("cannot write the export to /nonexistent/dir/x.csv")
    );
}

#[test]
fn the_export_csv_opens_in_japanese_spreadsheet_software_with_a_bom() {
    let clinic = Clinic::started();
    clinic.ok(&["add", "--name", "山田 花子", "--treatment", "face"]);
    let file = clinic.dir.path().join("export.csv");
    let day = clinic.today();
    clinic.ok(&[
        "export",
        "--from",
        &day,
        "--to",
        &day,
        "--bom",
        "--output",
        file.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbfseq,"));
    assert!(String::from_utf8(bytes).unwrap().contains("山田 花子"));
}

#[test]
fn the_day_report_counts_the_day() {
    let clinic = Clinic::started();
    clinic.ok(&["add", "--name", "A", "--treatment", "face"]);
    clinic.ok(&["add", "--name", "B", "--treatment", "drip"]);
    clinic.ok(&[
        "send",
        &json!({"cmd": "advance", "visit": 2, "to": "counselling"}).to_string(),
    ]);
    clinic.ok(&[
        "send",
        &json!({"cmd": "defer", "visit": 2, "reason": "fever 38.2"}).to_string(),
    ]);
    let json: Value =
        serde_json::from_str(&clinic.ok(&["report", "day", "--format", "json"])).unwrap();
    let arrived: Vec<(String, u64)> = json["treatments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["treatment"].as_str().unwrap().to_string(),
                t["arrived"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        arrived.contains(&("face".into(), 1)) && arrived.contains(&("drip".into(), 1)),
        "{arrived:?}"
    );
    assert_eq!(json["deferred"][0]["reason"], "fever 38.2");
    let text = clinic.ok(&["report", "day"]);
    assert!(text.contains("Deferred: 1"), "{text}");
}

#[test]
fn a_backup_taken_during_a_stream_of_commands_restores_and_verifies() {
    let clinic = Clinic::started();
    // A stream of arrivals from another client, running before the backup
    // starts and still running after it is done.
    let acked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let backup_done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let socket = clinic.socket();
    let streamer = {
        let (acked, backup_done) = (acked.clone(), backup_done.clone());
        std::thread::spawn(move || {
            use std::sync::atomic::Ordering::SeqCst;
            let mut s = UnixStream::connect(socket).unwrap();
            let mut r = std::io::BufReader::new(s.try_clone().unwrap());
            s.write_all(
                format!(
                    "{{\"hello\":{{\"protocol\":{}}}}}\n",
                    flowboard::protocol::PROTOCOL_VERSION
                )
                .as_bytes(),
            )
            .unwrap();
            let mut after_backup = 0;
            let mut i = 0;
            while after_backup < 20 {
                let line =
                    json!({"id": i, "cmd": "arrive", "name": format!("P{i}"), "treatment": "face"});
                s.write_all(format!("{line}\n").as_bytes()).unwrap();
                loop {
                    let mut l = String::new();
                    std::io::BufRead::read_line(&mut r, &mut l).unwrap();
                    if l.contains("\"reply\"") {
                        assert!(l.contains("\"ok\":true"), "{l}");
                        break;
                    }
                }
                i += 1;
                acked.store(i, SeqCst);
                if backup_done.load(SeqCst) {
                    after_backup += 1;
                }
                assert!(i < 100_000, "the backup never finished");
            }
            i
        })
    };
    use std::sync::atomic::Ordering::SeqCst;
    while acked.load(SeqCst) < 20 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let before = acked.load(SeqCst);
    let backup = clinic.dir.path().join("backup");
    let out = clinic.ok(&["backup", backup.to_str().unwrap()]);
    let after = acked.load(SeqCst);
    backup_done.store(true, SeqCst);
    assert!(out.contains("backed up"), "{out}");
    let total = streamer.join().unwrap();
    assert!(total >= after + 20, "the stream went on after the backup");
    assert!(clinic.ok(&["verify"]).contains("verified"));

    // Restore into a new data directory: it verifies, and it holds a
    // consistent prefix of the stream.
    let restored = clinic.dir.path().join("restored");
    let out = Process::new(common::BIN)
        .arg("--data-dir")
        .arg(&restored)
        .arg("restore")
        .arg(&backup)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = flowboard::store::Store::open(&restored.join("db")).unwrap();
    assert!(store.verify().unwrap().is_empty());
    let board = store.load_board().unwrap();
    let n = board.visits.len();
    // Every arrival acknowledged before the backup began is in it, none
    // acknowledged after it ended (one in flight may be), and nothing of
    // what came later.
    assert!(
        before <= n && n <= after + 1 && n < total,
        "{before} acked before, {after} after, {n} in the backup, {total} sent"
    );
    let names: Vec<String> = (0..n).map(|i| format!("P{i}")).collect();
    let mut got: Vec<String> = board.visits.values().map(|v| v.name.clone()).collect();
    got.sort_by_key(|s| s[1..].parse::<u32>().unwrap());
    assert_eq!(got, names, "the first n arrivals, none missing");

    // Restoring over a database is refused.
    let again = Process::new(common::BIN)
        .arg("--data-dir")
        .arg(&restored)
        .arg("restore")
        .arg(&backup)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a database"));
}

#[test]
fn a_config_that_keeps_records_less_than_five_years_is_refused() {
    let clinic = Clinic::new();
    let bad = write(&clinic, "short.toml", b"retention_years = 1\n");
    let out = Process::new(common::BIN)
        .arg("--config")
        .arg(&bad)
        .arg("--data-dir")
        .arg(clinic.data())
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 5 years"));
}

/// `flowboard export | head -1`: the export ends quietly when its reader
/// has seen enough (a closed pipe), in every format, and says nothing of
/// a "Broken pipe".
#[test]
fn an_export_read_by_head_ends_quietly() {
    let clinic = Clinic::started();
    // More than a pipe holds (64 KiB): 400 arrivals, each a row of about
    // 200 bytes.
    let lines: Vec<String> = (0..400)
        .map(|i| {
            json!({"cmd": "arrive", "name": format!("Patient {i:03}"), "treatment": "face"})
                .to_string()
        })
        .collect();
    let mut send = clinic
        .cmd(&["send"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    send.stdin
        .take()
        .unwrap()
        .write_all(lines.join("\n").as_bytes())
        .unwrap();
    assert!(send.wait().unwrap().success());
    for format in ["csv", "json"] {
        let mut export = clinic
            .cmd(&["export", "--format", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(export.stdout.take().unwrap()),
            &mut first,
        )
        .unwrap();
        assert!(!first.is_empty());
        // The reader is gone: the export meets a closed pipe.
        let out = export.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{format}: {stderr}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
    }
}
