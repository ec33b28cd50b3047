//! Databases written by older flowboards, each by the code of its time
//! (tests/fixtures/schema2, and schema3: the previous release), are
//! migrated once on the first start of this one (folded again in the order
//! things happened where older than 3, histories, reaction rows, the log
//! in pages and the index derived), with a progress line in the log; a
//! kill -9 part-way leaves a database that migrates on the next start.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::Clinic;
use serde_json::{Value, json};

/// A clinic whose data directory holds a copy of the schema-2 fixture.
fn clinic_from_the_fixture() -> Clinic {
    clinic_from("schema2")
}

/// A clinic whose data directory holds a copy of tests/fixtures/`name`.
fn clinic_from(name: &str) -> Clinic {
    let clinic = Clinic::new();
    let db = clinic.data().join("db");
    std::fs::create_dir_all(&db).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    for file in ["conf", "db"] {
        std::fs::copy(fixture.join(file), db.join(file)).unwrap();
    }
    clinic
}

fn log(clinic: &Clinic) -> String {
    std::fs::read_to_string(clinic.data().join("flowboard.log")).unwrap_or_default()
}

/// The kinds of the reactions of the fixtures' days (2–4 March 2026), in
/// order.
fn reaction_kinds(clinic: &Clinic) -> Vec<String> {
    let reactions = json_of(
        clinic,
        &[
            "report",
            "reactions",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-05",
            "--format",
            "json",
        ],
    );
    reactions
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap().to_string())
        .collect()
}

fn json_of(clinic: &Clinic, args: &[&str]) -> Value {
    serde_json::from_str(&clinic.ok(args)).unwrap()
}

#[test]
fn a_schema_2_database_is_migrated_once_and_keeps_every_record_and_history() {
    let mut clinic = clinic_from_the_fixture();
    clinic.start();
    let text = log(&clinic);
    let to = flowboard::store::SCHEMA_VERSION;
    assert!(
        text.contains(&format!("from schema 2 to {to}")) && text.contains(": 7 visits"),
        "a progress line in the log: {text}"
    );
    assert!(
        text.contains(&format!("migrated 7 visits to schema {to}")),
        "{text}"
    );
    assert!(clinic.ok(&["verify"]).contains("verified"));

    // The records are all there, through the new index.
    let lot = json_of(&clinic, &["trace-lot", "EXO-2603-01", "--format", "json"]);
    let names: Vec<&str> = lot
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["山田 花子", "山田 花子"],
        "two sessions, in order"
    );
    let corrected = json_of(&clinic, &["trace-lot", "EXO-2603-04", "--format", "json"]);
    assert_eq!(corrected[0]["name"], "鈴木 美咲");
    assert_eq!(reaction_kinds(&clinic), vec!["vasovagal", "local"]);
    // A day wider on each side: the test clinic's zone is wherever it is
    // mid-morning now.
    let csv = clinic.ok(&["export", "--from", "2026-03-01", "--to", "2026-03-05"]);
    assert_eq!(csv.lines().count(), 1 + 85, "a header and every event");

    // The patient histories were derived from the old visits: 山田 花子
    // (10077) had two drips and fainted at the first.
    let out = clinic.ok(&[
        "send",
        &json!({"cmd": "arrive", "name": "山田 花子", "treatment": "drip", "chart_no": "10077"})
            .to_string(),
        &json!({"cmd": "arrive", "name": "鈴木 美咲", "treatment": "face", "chart_no": "10556"})
            .to_string(),
        &json!({"cmd": "arrive", "name": "Someone", "treatment": "face", "chart_no": "10555"})
            .to_string(),
    ]);
    assert_eq!(out.lines().count(), 3, "{out}");
    let snap = clinic.snapshot();
    let visit = |chart: &str| {
        snap["visits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["chart_no"] == chart)
            .cloned()
            .unwrap()
    };
    let hanako = visit("10077");
    assert_eq!(hanako["session"], 3);
    assert_eq!(hanako["badges"][0]["code"], "prior_reaction", "{hanako}");
    assert_eq!(visit("10556")["session"], 2, "the corrected chart number");
    assert_eq!(
        visit("10555")["session"],
        1,
        "the old chart number has no visit"
    );

    // Once: the next start does not migrate again.
    clinic.kill9();
    clinic.start();
    assert_eq!(log(&clinic).matches("migrating the database").count(), 1);
    assert!(clinic.ok(&["verify"]).contains("verified"));
}

/// The database a clinic on the previous release has (schema 3, written by
/// the code of that release: tests/fixtures/schema3) keeps every record,
/// the visit protocol's own facts (an undo with its reason, a drip stopped
/// early with its volume, a late entry confirmed) and the patients'
/// histories, and migrates once.
#[test]
fn a_schema_3_database_from_the_previous_release_is_migrated_once_and_keeps_everything() {
    let mut clinic = clinic_from("schema3");
    clinic.start();
    let text = log(&clinic);
    let to = flowboard::store::SCHEMA_VERSION;
    assert!(
        text.contains(&format!("from schema 3 to {to}")) && text.contains(": 8 visits"),
        "a progress line in the log: {text}"
    );
    assert!(
        text.contains(&format!("migrated 8 visits to schema {to}")),
        "{text}"
    );
    assert!(clinic.ok(&["verify"]).contains("verified"));

    // Every event, in a range a day wider on each side.
    let export = |clinic: &Clinic| -> Vec<Value> {
        let text = clinic.ok(&[
            "export",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-05",
            "--format",
            "json",
        ]);
        serde_json::from_str::<Value>(&text)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    let events = export(&clinic);
    assert_eq!(events.len(), 114, "every event of the old log");
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    let mut sorted = seqs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        sorted,
        (1..=114).collect::<Vec<u64>>(),
        "each once, none missing"
    );
    let of = |name: &str, event: &str| -> Vec<Value> {
        events
            .iter()
            .filter(|e| e["name"] == name && e["event"] == event)
            .cloned()
            .collect()
    };
    let undo = of("Emily Clark", "reverted");
    assert_eq!(undo.len(), 1, "the undo");
    assert!(
        undo[0]["details"]
            .to_string()
            .contains("wrong patient called"),
        "{undo:?}"
    );
    let stopped = serde_json::to_string(&of("田中 一郎", "administration_ended")).unwrap();
    assert!(
        stopped.contains("patient asked to stop") && stopped.contains("3.5"),
        "the early stop and its volume: {stopped}"
    );
    let late: Vec<Value> = of("田中 一郎", "vitals")
        .into_iter()
        .filter(|e| e["at"] != e["recorded_at"])
        .collect();
    assert_eq!(
        late.len(),
        1,
        "the vitals of 10:40 entered at 11:30: {late:?}"
    );

    // The records through the new index.
    let lot = json_of(&clinic, &["trace-lot", "EXO-2603-05", "--format", "json"]);
    assert_eq!(lot[0]["name"], "田中 一郎", "{lot}");
    assert_eq!(reaction_kinds(&clinic), vec!["vasovagal", "local"]);

    // Histories derived from the old visits: 山田 花子 comes a third time,
    // and the board knows she fainted at her first.
    clinic.ok(&[
        "send",
        &json!({"cmd": "arrive", "name": "山田 花子", "treatment": "drip", "chart_no": "10077"})
            .to_string(),
    ]);
    let snap = clinic.snapshot();
    let hanako = snap["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["chart_no"] == "10077")
        .cloned()
        .unwrap();
    assert_eq!(hanako["session"], 3);
    assert_eq!(hanako["badges"][0]["code"], "prior_reaction", "{hanako}");

    // Once; and the old days unchanged by starting again.
    clinic.kill9();
    clinic.start();
    assert_eq!(log(&clinic).matches("migrating the database").count(), 1);
    assert_eq!(export(&clinic).len(), 114, "the old days as they were");
}

/// Starts a server that stops part-way through its migration (the
/// test hook), waits until it says so, and kills it with SIGKILL.
fn kill_9_during_the_migration(clinic: &Clinic, after_visits: u64) {
    let mut server = clinic
        .cmd(&["serve"])
        .env(
            "FLOWBOARD_TEST_PAUSE_MIGRATION_AFTER",
            after_visits.to_string(),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !log(clinic).contains("migration paused") {
        assert!(
            Instant::now() < deadline,
            "the migration never paused: {}",
            log(clinic)
        );
        assert!(server.try_wait().unwrap().is_none(), "{}", log(clinic));
        std::thread::sleep(Duration::from_millis(20));
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
}

#[test]
fn a_kill_9_during_the_migration_leaves_a_database_that_migrates_on_the_next_start() {
    // Every derived row written and flushed, the schema version not yet.
    let mut clinic = clinic_from_the_fixture();
    kill_9_during_the_migration(&clinic, 1);
    clinic.start();
    let text = log(&clinic);
    assert_eq!(text.matches("migrating the database").count(), 2, "{text}");
    assert!(text.contains("migrated 7 visits"), "{text}");
    assert!(clinic.ok(&["verify"]).contains("verified"));
    let lot = json_of(&clinic, &["trace-lot", "EXO-2603-01", "--format", "json"]);
    assert_eq!(lot.as_array().unwrap().len(), 2);
}

#[test]
fn a_kill_9_with_half_the_rows_written_leaves_a_database_that_migrates_on_the_next_start() {
    // Two weeks of records, marked as schema 2: the migration writes its
    // rows in batches and is killed after the first.
    let mut clinic = Clinic::new();
    std::fs::create_dir_all(clinic.data()).unwrap();
    let visits = {
        let store = flowboard::store::Store::open(&clinic.data().join("db")).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let filled = flowboard::demo::fill::fill(
            &store,
            &flowboard::config::Config::default(),
            9,
            today,
            &mut flowboard::demo::history::Clinic::new(9),
            |_, _| {},
        )
        .unwrap();
        store.set_schema_version_for_test(2).unwrap();
        filled.visits
    };
    assert!(visits > 400, "{visits}");
    kill_9_during_the_migration(&clinic, 250);
    assert!(
        log(&clinic).contains(&format!("migrating: 250 of {visits} visits")),
        "{}",
        log(&clinic)
    );
    clinic.start();
    assert!(
        log(&clinic).contains(&format!(
            "migrated {visits} visits to schema {}",
            flowboard::store::SCHEMA_VERSION
        )),
        "{}",
        log(&clinic)
    );
    assert!(clinic.ok(&["verify"]).contains("verified"));
}
