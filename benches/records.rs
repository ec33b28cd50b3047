//! A year of records (about 25,000 visits, each through the whole flow
//! with its clinical entries), written to a real sled store, then timed:
//! `trace-lot` (a recalled lot: every administration of it) and
//! `report day` (one day's visits and figures).
//! Run: `cargo bench --bench records` (YEAR_VISITS=5000 for a quicker run).

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};

use flowboard::config::Config;
use flowboard::demo::{lot, routine_counselling, routine_discharge};
use flowboard::domain::{Board, Command, Context, EventRecord, Stage, VisitId, apply, decide};
use flowboard::store::Store;

fn main() {
    let visits: usize = std::env::var("YEAR_VISITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(25_000);
    let config = Config::default();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("db")).expect("store");
    let per_day = visits.div_ceil(365);
    let year_start = chrono_tz::Asia::Tokyo
        .with_ymd_and_hms(2025, 11, 21, 9, 0, 0)
        .unwrap()
        .with_timezone(&Utc);

    let started = Instant::now();
    let mut board = Board::default();
    let mut events_total = 0usize;
    for i in 0..visits {
        let day = (i / per_day) as i64;
        let slot = (i % per_day) as i64;
        let t0 = year_start + chrono::Duration::days(day) + chrono::Duration::minutes(slot * 5);
        let treatment = ["drip", "face", "scalp"][i % 3];
        // A new lot every 50 administrations.
        let lot_no = format!("EXO-{:05}", i / 50);
        let events = one_visit(&mut board, &config, t0, i, treatment, &lot_no);
        events_total += events.len();
        store.append(&events, &board).expect("append");
        // Keep memory to the working window, as the server does.
        if i % 500 == 0 {
            board.prune(t0 - chrono::Duration::hours(36));
        }
    }
    let written = started.elapsed();
    println!(
        "generated {visits} visits, {events_total} events in {:.1} s",
        written.as_secs_f64()
    );

    let lot_no = format!("EXO-{:05}", visits / 2 / 50);
    let (trace, rows) = time(50, || store.trace_lot(&lot_no).expect("trace").len());
    println!(
        "trace-lot {lot_no}: {rows} administrations, median {:.2} ms",
        ms(trace)
    );

    let day = year_start + chrono::Duration::days(180);
    let from = day - chrono::Duration::hours(9);
    let to = from + chrono::Duration::days(1);
    let (report, n) = time(50, || {
        let v = store.visits_between(from, to).expect("visits");
        let r = flowboard::report::day(&v, &config, day.date_naive(), chrono::Utc::now());
        r.treatments.iter().map(|t| t.arrived).sum::<usize>()
    });
    println!("report day: {n} visits, median {:.2} ms", ms(report));
    let size: u64 = walk(dir.path());
    println!("database size: {:.1} MB", size as f64 / 1e6);
}

fn one_visit(
    board: &mut Board,
    config: &Config,
    t0: DateTime<Utc>,
    i: usize,
    treatment: &str,
    lot_no: &str,
) -> Vec<EventRecord> {
    let mut out = Vec::new();
    let mut run = |board: &mut Board, now: DateTime<Utc>, command: Command| {
        let ctx = Context {
            now,
            at: None,
            operator: Some("KS".into()),
            confirmed: false,
        };
        let events =
            decide(board, config, &command, &ctx).unwrap_or_else(|e| panic!("{command:?}: {e}"));
        for e in events {
            apply(board, e.clone());
            out.push(e);
        }
    };
    let m = |n: i64| t0 + chrono::Duration::minutes(n);
    run(
        board,
        t0,
        Command::Arrive {
            name: format!("Patient {i}"),
            treatment: treatment.into(),
            chart_no: Some(format!("{}", 10_000 + i % 4000)),
            key: None,
        },
    );
    let visit = VisitId(board.last_visit);
    let advance = |to, bed: Option<&str>| Command::Advance {
        visit,
        to,
        bed: bed.map(str::to_string),
        lot: (to == Stage::Administration).then(|| lot(lot_no, t0)),
    };
    run(board, m(5), advance(Stage::Counselling, None));
    for entry in routine_counselling(config, treatment, &[]) {
        run(board, m(10), Command::Record { visit, entry });
    }
    run(board, m(15), advance(Stage::Ready, None));
    let bed = (treatment == "drip").then(|| config.beds[i % config.beds.len()].clone());
    // Beds are shared across the day: free the bed by the end of the visit.
    run(board, m(16), advance(Stage::Administration, bed.as_deref()));
    run(board, m(46), advance(Stage::Observation, None));
    for (k, entry) in routine_discharge(5) {
        run(board, m(46 + k), Command::Record { visit, entry });
    }
    run(board, m(62), advance(Stage::Discharged, None));
    out
}

fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(rounds);
    let mut last = None;
    for _ in 0..rounds {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed());
    }
    times.sort();
    (times[rounds / 2], last.expect("at least one round"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn walk(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => walk(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}
