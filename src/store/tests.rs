//! The store against its own log: materialised state, reopen, schema,
//! repair, the working window, patient history and the pages.

use super::*;
use crate::config::Config;
use crate::domain::{Command, Context, Stage, apply, decide};
use chrono::{Duration, TimeZone, Utc};

fn run(store: &Store, board: &mut Board, now: chrono::DateTime<Utc>, command: Command) {
    let ctx = Context {
        now,
        at: None,
        operator: Some("KS".into()),
    };
    let events = decide(board, &Config::default(), &command, &ctx).unwrap();
    for e in events.clone() {
        apply(board, e);
    }
    store.append(&events, board).unwrap();
}

fn morning(store: &Store) -> Board {
    let nine = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
    let mut board = Board::default();
    for (i, name) in ["山田 花子", "Tanaka", "Sato"].iter().enumerate() {
        run(
            store,
            &mut board,
            nine,
            Command::Arrive {
                name: name.to_string(),
                treatment: "drip".into(),
                chart_no: Some(format!("C-{i}")),
            },
        );
    }
    let id = VisitId(1);
    run(
        store,
        &mut board,
        nine + Duration::minutes(1),
        Command::Advance {
            visit: id,
            to: Stage::Counselling,
            bed: None,
            lot: None,
        },
    );
    run(
        store,
        &mut board,
        nine + Duration::minutes(2),
        Command::Undo { visit: id },
    );
    run(
        store,
        &mut board,
        nine + Duration::minutes(3),
        Command::Cancel {
            visit: VisitId(2),
            reason: "left".into(),
        },
    );
    board
}

#[test]
fn the_materialised_state_equals_the_replayed_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let board = morning(&store);
    assert_eq!(store.load_board().unwrap(), board);
    assert_eq!(store.rebuild().unwrap(), board);
    assert!(store.verify().unwrap().is_empty());
    assert_eq!(store.events().count(), 6);
}

#[test]
fn the_board_survives_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let board = {
        let store = Store::open(dir.path()).unwrap();
        morning(&store)
    };
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.load_board().unwrap(), board);
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        morning(&store);
        store
            .set_schema_version_for_test(SCHEMA_VERSION + 1)
            .unwrap();
    }
    let err = Store::open(dir.path()).err().unwrap().to_string();
    assert!(err.contains("newer than this flowboard"), "{err}");
    assert!(err.contains("upgrade flowboard"), "{err}");
}

#[test]
fn a_damaged_materialised_state_is_found_by_verify_and_repaired_from_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let board = morning(&store);
    store.visits.remove(1u64.to_be_bytes()).unwrap();
    assert_eq!(store.verify().unwrap(), vec![VisitId(1)]);
    assert_eq!(store.repair().unwrap(), board);
    assert!(store.verify().unwrap().is_empty());
}
