//! Command round trip through the real server (the `flowboard` binary on
//! a temporary data directory) over a busy day: 200 visits carried from
//! arrival to observation (1,800 commands, recorded after the fact through
//! the day), with two more terminals attached that read everything the
//! server sends them. Beside it, measured in the same run on the same
//! disk: the floor, a bare 1 KB append + fsync (and a bare sled insert +
//! flush).
//!
//! Prints p50 / p99 of the first and of the last 300 commands, the ratios
//! the goals are stated in (late p99 within 2x the early p99 and within 3x
//! the fsync floor), and the bytes per change each other terminal
//! received (goal: under 8 KB).
//! Run: `cargo bench --bench roundtrip`; with shipping to a clinic
//! group's PostgreSQL on: `FLOWBOARD_BENCH_GROUP="host=... user=..."
//! cargo bench --bench roundtrip` (scripts/measure-group.sh does both).
//!
//! Not criterion: the figure that matters is the tail (p99) of an
//! fsync-bound operation, so every sample is kept.

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;

use flowboard::client::Connection;
use flowboard::config::Config;
use flowboard::demo::{lot, routine_counselling};
use flowboard::domain::{Command, Stage, VisitId};
use flowboard::protocol::{PROTOCOL_VERSION, Request, Role};

const VISITS: usize = 200;
const WINDOW: usize = 300;
const FLOOR_SAMPLES: usize = 1000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let config_file = dir.path().join("clinic.toml");
    // With FLOWBOARD_BENCH_GROUP (a PostgreSQL connection string, the
    // branch role of site FLOWBOARD_BENCH_SITE), the server ships its log
    // to the group as it goes: the round trip with shipping on.
    let group = std::env::var("FLOWBOARD_BENCH_GROUP").ok();
    let config_text = match &group {
        Some(connection) => format!(
            "[group]\nsite = \"{}\"\nconnection = \"{connection}\"\ntls = \"disable\"\n",
            std::env::var("FLOWBOARD_BENCH_SITE").unwrap_or_else(|_| "bench".into())
        ),
        None => String::new(),
    };
    std::fs::write(&config_file, config_text).expect("config");
    let mut floor = fsync_floor(dir.path(), FLOOR_SAMPLES / 2);
    let mut sled_times = sled_floor(dir.path(), FLOOR_SAMPLES / 2);

    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_flowboard"))
        .arg("--data-dir")
        .arg(&data)
        .arg("--config")
        .arg(&config_file)
        .arg("serve")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the server");
    let socket = data.join("flowboard.sock");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::os::unix::net::UnixStream::connect(&socket).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }

    // Two other terminals: they read every line and count its bytes.
    let counters: Vec<Arc<(AtomicU64, AtomicU64, AtomicU64)>> = (0..2)
        .map(|_| Arc::new((AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0))))
        .collect();
    for c in &counters {
        let c = Arc::clone(c);
        let socket = socket.clone();
        std::thread::spawn(move || watch(&socket, &c));
    }
    std::thread::sleep(Duration::from_millis(200));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let times = rt.block_on(async {
        let mut conn = Connection::connect(&socket, Role::Operator, "bench")
            .await
            .expect("connect");
        let mut times = Vec::new();
        for request in day(&Config::default()) {
            let start = Instant::now();
            let reply = conn.request(request).await.expect("reply");
            times.push(start.elapsed());
            assert!(reply.ok, "{reply:?}");
        }
        times
    });
    std::thread::sleep(Duration::from_millis(300));
    let _ = server.kill();
    let _ = server.wait();
    floor.extend(fsync_floor(dir.path(), FLOOR_SAMPLES / 2));
    sled_times.extend(sled_floor(dir.path(), FLOOR_SAMPLES / 2));

    let n = times.len();
    let early = &times[..WINDOW];
    let late = &times[n - WINDOW..];
    let (e50, e99) = (pct(early, 0.50), pct(early, 0.99));
    let (l50, l99) = (pct(late, 0.50), pct(late, 0.99));
    let (f50, f99) = (pct(&floor, 0.50), pct(&floor, 0.99));
    let (s50, s99) = (pct(&sled_times, 0.50), pct(&sled_times, 0.99));
    println!(
        "round trip through the real server: a day of {VISITS} visits carried to observation, {n} commands, two other terminals attached; shipping to a group's PostgreSQL {}",
        if group.is_some() { "on" } else { "off" }
    );
    println!(
        "  first {WINDOW} commands: p50 {:.2} ms  p99 {:.2} ms",
        ms(e50),
        ms(e99)
    );
    println!(
        "  last {WINDOW} commands:  p50 {:.2} ms  p99 {:.2} ms",
        ms(l50),
        ms(l99)
    );
    println!(
        "  floor, same disk, same run: 1 KB append + fsync p50 {:.2} ms  p99 {:.2} ms; sled insert + flush p50 {:.2} ms  p99 {:.2} ms",
        ms(f50),
        ms(f99),
        ms(s50),
        ms(s99)
    );
    println!(
        "  late p99 / early p99 = {:.2} (goal: at most 2); late p99 / fsync p99 = {:.2} (goal: at most 3)",
        ms(l99) / ms(e99),
        ms(l99) / ms(f99)
    );
    for (i, c) in counters.iter().enumerate() {
        let (bytes, changes, largest) = (
            c.0.load(Ordering::Relaxed),
            c.1.load(Ordering::Relaxed),
            c.2.load(Ordering::Relaxed),
        );
        println!(
            "  terminal {}: {changes} changes, {:.0} bytes per change on average, {largest} at most (goal: under 8 KB)",
            i + 1,
            bytes as f64 / changes.max(1) as f64
        );
    }
}

/// The day's commands in order: visit after visit, each from arrival to
/// observation, dated through the last eleven hours (entries after the
/// fact, as a reception catching up would send them).
fn day(config: &Config) -> Vec<Request> {
    let now = Utc::now();
    let start = now - chrono::Duration::minutes(660);
    let mut out = Vec::new();
    for i in 0..VISITS {
        let visit = VisitId(i as u64 + 1);
        let base = start + chrono::Duration::minutes(3 * i as i64);
        let at = |m: i64| Some(base + chrono::Duration::minutes(m));
        let treatment = if i % 2 == 0 { "face" } else { "scalp" };
        let mut push = |m: i64, command: Command| {
            out.push(Request {
                id: None,
                at: at(m),
                operator: Some("KS".into()),
                command,
                confirm: false,
                pin: None,
            })
        };
        push(
            0,
            Command::Arrive {
                name: format!("Patient {i}"),
                treatment: treatment.into(),
                chart_no: Some(format!("{}", 20_000 + i)),
                key: None,
                do_not_display: false,
            },
        );
        let advance = |to, lot| Command::Advance {
            visit,
            to,
            bed: None,
            lot,
        };
        push(2, advance(Stage::Counselling, None));
        for (k, entry) in routine_counselling(config, treatment, &[])
            .into_iter()
            .enumerate()
        {
            push(3 + k as i64, Command::Record { visit, entry });
        }
        push(8, advance(Stage::Ready, None));
        push(
            9,
            advance(Stage::Administration, Some(lot("EXO-BENCH-1", now))),
        );
        push(26, advance(Stage::Observation, None));
    }
    out
}

/// A terminal that reads all the server sends: bytes and changes counted
/// (the welcome is not a change).
fn watch(socket: &std::path::Path, c: &(AtomicU64, AtomicU64, AtomicU64)) {
    let Ok(mut stream) = std::os::unix::net::UnixStream::connect(socket) else {
        return;
    };
    let hello =
        format!("{{\"hello\":{{\"protocol\":{PROTOCOL_VERSION},\"role\":\"read_only\"}}}}\n");
    if stream.write_all(hello.as_bytes()).is_err() {
        return;
    }
    let mut reader = std::io::BufReader::new(stream);
    let mut line = String::new();
    let _ = reader.read_line(&mut line); // the welcome
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                c.0.fetch_add(n as u64, Ordering::Relaxed);
                c.1.fetch_add(1, Ordering::Relaxed);
                c.2.fetch_max(n as u64, Ordering::Relaxed);
            }
        }
    }
}

/// A bare 1 KB append + fsync, `n` times.
fn fsync_floor(dir: &std::path::Path, n: usize) -> Vec<Duration> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("floor.log"))
        .expect("floor file");
    let block = [b'x'; 1024];
    (0..n)
        .map(|_| {
            let start = Instant::now();
            file.write_all(&block).expect("write");
            file.sync_data().expect("fsync");
            start.elapsed()
        })
        .collect()
}

/// A bare sled insert (1 KB) + flush, `n` times, sled opened as the store
/// opens it.
fn sled_floor(dir: &std::path::Path, n: usize) -> Vec<Duration> {
    let db = sled::Config::new()
        .path(dir.join("floor.sled"))
        .mode(sled::Mode::LowSpace)
        .use_compression(true)
        .flush_every_ms(None)
        .open()
        .expect("sled");
    let start_key = db.len() as u64;
    (0..n as u64)
        .map(|i| {
            let start = Instant::now();
            db.insert((start_key + i).to_be_bytes(), vec![b'x'; 1024])
                .expect("insert");
            db.flush().expect("flush");
            start.elapsed()
        })
        .collect()
}

fn pct(times: &[Duration], p: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
