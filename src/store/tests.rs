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
        confirmed: false,
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
                key: None,
                do_not_display: false,
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
        Command::Undo {
            visit: id,
            reason: Some("entered by mistake".into()),
        },
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

/// `days` clinic days of generated records before 2026-11-24 (a Tuesday).
fn records(days: u32) -> (tempfile::TempDir, Store, chrono::NaiveDate) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    crate::demo::fill::fill(
        &store,
        &Config::default(),
        days,
        today,
        &mut crate::demo::history::Clinic::new(5),
        |_, _| {},
    )
    .unwrap();
    (dir, store, today)
}

fn day_start(day: chrono::NaiveDate) -> chrono::DateTime<Utc> {
    crate::records::day_start(&Config::default(), day)
}

#[test]
fn a_start_reads_the_working_window_not_every_stored_visit() {
    let (dir, store, today) = records(12);
    // A patient who arrived four days ago and was never discharged: still
    // in the clinic as far as the records go, so on the board.
    let all = store.load_board().unwrap();
    let mut board = Board {
        last_seq: all.last_seq,
        last_visit: all.last_visit,
        ..Board::default()
    };
    let four_days_ago = day_start(today) - Duration::days(4) + Duration::hours(3);
    run(
        &store,
        &mut board,
        four_days_ago,
        Command::Arrive {
            name: "Forgotten".into(),
            treatment: "face".into(),
            chart_no: None,
            key: None,
            do_not_display: false,
        },
    );
    let stored = store.visits.len() as u64;
    drop(store);

    let store = Store::open(dir.path()).unwrap();
    // The server's window at 10:00 today: yesterday's visits and the
    // patient still in the clinic.
    let now = day_start(today) + Duration::hours(1);
    let window = store.load_window(now - Duration::hours(36)).unwrap();
    let reads = store.visits_read();
    assert_eq!(reads, window.visits.len() as u64, "each visit read once");
    assert!(
        reads * 5 < stored,
        "read {reads} of {stored} stored visits: a start must not read them all"
    );
    assert!(window.visits.values().any(|v| v.name == "Forgotten"));
    let yesterday = day_start(today - Duration::days(1))..day_start(today);
    let all = store.load_board().unwrap();
    let expected: Vec<VisitId> = all
        .visits
        .values()
        .filter(|v| v.stage.is_active() || v.arrived_at >= now - Duration::hours(36))
        .map(|v| v.id)
        .collect();
    assert_eq!(window.visits.keys().copied().collect::<Vec<_>>(), expected);
    assert!(
        window
            .visits
            .values()
            .filter(|v| yesterday.contains(&v.arrived_at))
            .count()
            > 40
    );
    // The counters are those of the whole record, so ids stay unique.
    assert_eq!(window.last_seq, all.last_seq);
    assert_eq!(window.last_visit, all.last_visit);
    assert!(window.charts.is_empty(), "histories are read when needed");
}

#[test]
fn the_patient_history_in_the_store_is_the_one_replayed_from_the_log() {
    let (_dir, store, _) = records(10);
    let replayed = store.rebuild().unwrap();
    assert!(replayed.charts.len() > 100);
    for (chart, history) in &replayed.charts {
        assert_eq!(
            &store.chart_history(chart).unwrap(),
            history,
            "chart {chart}"
        );
    }
    assert_eq!(
        store.chart_history("no-such-chart").unwrap(),
        ChartHistory::default()
    );
}

#[test]
fn a_corrected_chart_number_moves_the_visit_to_the_other_patients_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut board = morning(&store);
    let nine = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
    run(
        &store,
        &mut board,
        nine + Duration::minutes(5),
        Command::Correct {
            visit: VisitId(1),
            correction: crate::domain::Correction::ChartNo {
                chart_no: Some("C-9".into()),
            },
            reason: "the card of her sister".into(),
            doctor: None,
        },
    );
    assert!(store.chart_history("C-0").unwrap().visits.is_empty());
    assert_eq!(
        store
            .chart_history("C-9")
            .unwrap()
            .visits
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        vec![VisitId(1)]
    );
    assert!(board.charts["C-0"].visits.is_empty(), "the domain agrees");
    assert!(store.verify().unwrap().is_empty());
}

#[test]
fn pages_cover_a_range_once_in_order_whatever_their_size() {
    let (_dir, store, today) = records(8);
    let (from, to) = (
        day_start(today - Duration::days(6)),
        day_start(today - Duration::days(2)),
    );
    let all = store.load_board().unwrap();
    let mut expected: Vec<&Visit> = all
        .visits
        .values()
        .filter(|v| (from..to).contains(&v.arrived_at))
        .collect();
    expected.sort_by_key(|v| (v.arrived_at, v.id));
    let expected: Vec<VisitId> = expected.iter().map(|v| v.id).collect();
    assert!(expected.len() > 150);
    for items in [1, 7, 100, 500] {
        let limit = PageLimit {
            items,
            bytes: PageLimit::MAX.bytes,
        };
        let mut got = Vec::new();
        let mut after: Option<Vec<u8>> = None;
        let mut pages = 0;
        loop {
            let page = store
                .visits_page(from, to, after.as_deref(), limit)
                .unwrap();
            assert!(page.items.len() <= items);
            got.extend(page.items.iter().map(|v| v.id));
            pages += 1;
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(got, expected, "pages of {items}");
        assert!(pages >= expected.len() / items, "{pages} pages of {items}");
    }
    // A byte budget ends a page early, never before its first visit.
    let tiny = PageLimit {
        items: 500,
        bytes: 1,
    };
    let page = store.visits_page(from, to, None, tiny).unwrap();
    assert_eq!(page.items.len(), 1);
    // A cursor from elsewhere only ever starts inside the range.
    let page = store
        .visits_page(from, to, Some(b"a"), PageLimit::MAX)
        .unwrap();
    assert_eq!(page.items.first().map(|v| v.id), expected.first().copied());
}

#[test]
fn the_reaction_rows_are_the_report_of_the_visits_and_read_without_them() {
    let (_dir, store, today) = records(20);
    let (from, to) = (day_start(today - Duration::days(20)), day_start(today));
    let all = store.load_board().unwrap();
    let visits: Vec<Visit> = all.visits.values().cloned().collect();
    let expected: Vec<_> = crate::report::reactions(&visits)
        .into_iter()
        .filter(|r| (from..to).contains(&r.at))
        .collect();
    assert!(expected.len() > 10, "{}", expected.len());
    let before = store.visits_read();
    let mut got = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .reactions_page(from, to, after.as_deref(), PageLimit { items: 4, bytes: 1 })
            .unwrap();
        got.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(store.visits_read(), before, "no visit was read");
    let key = |r: &crate::report::ReactionRow| (r.at, r.name.clone());
    let mut sorted = expected.clone();
    sorted.sort_by_key(key);
    assert_eq!(
        got.iter().map(key).collect::<Vec<_>>(),
        sorted.iter().map(key).collect::<Vec<_>>()
    );
    assert_eq!(got.len(), sorted.len());
    assert_eq!(store.count_reactions(from, to).unwrap(), got.len() as u64);
}

#[test]
fn a_lot_is_traced_in_order_of_administration_through_the_index() {
    let (_dir, store, _) = records(10);
    let all = store.load_board().unwrap();
    let lot = all
        .visits
        .values()
        .find_map(|v| v.care.lot.as_ref().map(|l| l.number.clone()))
        .unwrap();
    let mut expected: Vec<&Visit> = all
        .visits
        .values()
        .filter(|v| v.care.lot.as_ref().is_some_and(|l| l.number == lot))
        .collect();
    expected.sort_by_key(|v| (v.care.administration_started, v.id));
    let before = store.visits_read();
    let traced = store.trace_lot(&lot).unwrap();
    assert_eq!(
        store.visits_read() - before,
        expected.len() as u64,
        "only the lot's visits"
    );
    assert_eq!(
        traced.iter().map(|v| v.id).collect::<Vec<_>>(),
        expected.iter().map(|v| v.id).collect::<Vec<_>>()
    );
    assert_eq!(store.count_lot(&lot).unwrap(), expected.len() as u64);
    assert!(store.trace_lot(&format!("{lot}-X")).unwrap().is_empty());
}

#[test]
fn damaged_derived_rows_are_found_by_verify_and_rebuilt_by_repair() {
    let (_dir, store, _) = records(3);
    assert!(store.verify().unwrap().is_empty());
    let (key, _) = store.history.first().unwrap().unwrap();
    store.history.remove(key).unwrap();
    let (key, _) = store.reactions.first().unwrap().unwrap();
    store.reactions.remove(key).unwrap();
    assert_eq!(store.verify().unwrap(), vec![VisitId(0)]);
    store.repair().unwrap();
    assert!(store.verify().unwrap().is_empty());
}

/// A database written by schema 2 (visits folded in the order they
/// were typed) is folded again from its events on the first start.
#[test]
fn a_schema_2_database_is_refolded_from_its_log_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let board = {
        let store = Store::open(dir.path()).unwrap();
        let board = morning(&store);
        // What schema 2 would have held: a stale visit.
        let mut stale = board.visit(VisitId(1)).unwrap().clone();
        stale.name = "stale".into();
        store
            .visits
            .insert(1u64.to_be_bytes(), encode(&stale).unwrap())
            .unwrap();
        store.set_schema_version_for_test(2).unwrap();
        board
    };
    let store = Store::open(dir.path()).unwrap();
    assert!(store.verify().unwrap().is_empty());
    assert_eq!(store.load_board().unwrap().visits, board.visits);
    let version = store.meta.get(SCHEMA_KEY).unwrap().unwrap();
    assert_eq!(version.as_ref(), SCHEMA_VERSION.to_be_bytes());
}
