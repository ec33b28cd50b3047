//! A year and ten years of records, timed through the real binary as a
//! clinic would use it. `flowboard demo --history-days N --fill-only`
//! writes 365 and 3,650 clinic days into `target/flowboard-bench/days-N`
//! (kept between runs, outside the repository: ten years take several
//! minutes to write; delete the directory to write it again). Then, whole
//! processes each:
//!
//! * the server's start to the first answered `snapshot --json` (goal:
//!   under 200 ms with a warm page cache: the second start);
//! * the idle server's resident memory (goal: under 60 MB);
//! * its peak resident memory during a full `export` to a file (goal:
//!   under 100 MB);
//! * `trace-lot` of a lot from the middle of the range and `report
//!   reactions` over the whole range (goal: under 300 ms each), median of
//!   five.
//!
//! Run: `cargo bench --bench records` (RECORDS_DAYS=365 for the year only).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_flowboard");

fn main() {
    let days: Vec<u32> = match std::env::var("RECORDS_DAYS") {
        Ok(list) => list
            .split(',')
            .filter_map(|d| d.trim().parse().ok())
            .collect(),
        Err(_) => vec![365, 3650],
    };
    let root = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("flowboard-bench");
    std::fs::create_dir_all(&root).expect("bench directory");
    let config = root.join("clinic.toml");
    std::fs::write(&config, "").expect("config");
    for n in days {
        measure(&root, &config, n);
    }
}

fn fb(data: &Path, config: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir")
        .arg(data)
        .arg("--config")
        .arg(config)
        .env_remove("FLOWBOARD_DATA_DIR")
        .env_remove("FLOWBOARD_CONFIG")
        .stdin(Stdio::null());
    cmd
}

fn measure(root: &Path, config: &Path, days: u32) {
    let data = root.join(format!("days-{days}"));
    let done = data.join("filled");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&data);
        let started = Instant::now();
        let status = fb(&data, config)
            .args(["demo", "--history-days", &days.to_string(), "--fill-only"])
            .status()
            .expect("demo");
        assert!(status.success(), "the demo could not write {days} days");
        std::fs::write(&done, "").expect("mark");
        println!(
            "wrote {days} demo days into {} in {:.0} s",
            data.display(),
            started.elapsed().as_secs_f64()
        );
    }
    let size = walk(&data.join("db"));

    // Two starts: the second finds the page cache warm.
    let mut starts = Vec::new();
    let mut server = None;
    for _ in 0..2 {
        if let Some(mut s) = server.take() {
            stop(&mut s);
        }
        let _ = std::fs::remove_file(data.join("flowboard.sock"));
        let started = Instant::now();
        let s = fb(&data, config)
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve");
        loop {
            let out = fb(&data, config)
                .args(["--no-autostart", "snapshot", "--json"])
                .output()
                .expect("snapshot");
            if out.status.success() {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(600), "no answer");
            std::thread::sleep(Duration::from_millis(5));
        }
        starts.push(started.elapsed());
        server = Some(s);
    }
    let mut server = server.expect("a server");
    let pid = server.id();
    std::thread::sleep(Duration::from_secs(2));
    let idle = status_kb(pid, "VmRSS:");

    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .date_naive();
    let first = today - chrono::Duration::days(i64::from(days));
    let (from, to) = (first.to_string(), today.to_string());

    // A lot given in the middle of the range.
    let middle = first + chrono::Duration::days(i64::from(days) / 2);
    let lot = (0..14)
        .find_map(|d| {
            let day = middle + chrono::Duration::days(d);
            let out = fb(&data, config)
                .args(["--no-autostart", "export", "--from", &day.to_string()])
                .args(["--to", &day.to_string(), "--format", "json"])
                .output()
                .ok()?;
            let rows: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
            rows.as_array()?.iter().find_map(|r| {
                let details: serde_json::Value =
                    serde_json::from_str(r["details"].as_str()?).ok()?;
                details["lot"]["number"].as_str().map(str::to_string)
            })
        })
        .expect("a lot in the middle of the range");
    let (trace, trace_rows) = median_of(5, || {
        fb(&data, config)
            .args(["--no-autostart", "trace-lot", &lot, "--format", "csv"])
            .output()
            .expect("trace-lot")
    });
    let (reactions, reaction_rows) = median_of(5, || {
        fb(&data, config)
            .args([
                "--no-autostart",
                "report",
                "reactions",
                "--from",
                &from,
                "--to",
                &to,
            ])
            .args(["--format", "csv"])
            .output()
            .expect("report reactions")
    });

    // The peak during a full export: the kernel's high-water mark, reset
    // to the current size first.
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let file = root.join("export.csv");
    let started = Instant::now();
    let out = fb(&data, config)
        .args([
            "--no-autostart",
            "export",
            "--from",
            &from,
            "--to",
            &to,
            "-o",
        ])
        .arg(&file)
        .output()
        .expect("export");
    let export_time = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peak = status_kb(pid, "VmHWM:");
    let exported = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let _ = std::fs::remove_file(&file);
    stop(&mut server);

    println!(
        "{days} days of records ({:.0} MB on disk): start to first snapshot {:.0} ms (first start {:.0} ms); idle server {:.0} MB resident",
        size as f64 / 1e6,
        ms(starts[1]),
        ms(starts[0]),
        idle as f64 / 1024.0
    );
    println!(
        "  trace-lot {lot}: {} rows, {:.0} ms; report reactions over the whole range: {} rows, {:.0} ms (median of 5, whole process)",
        trace_rows.saturating_sub(1),
        ms(trace),
        reaction_rows.saturating_sub(1),
        ms(reactions)
    );
    println!(
        "  full export ({:.0} MB of CSV) in {:.0} s: the server's peak {:.0} MB resident",
        exported as f64 / 1e6,
        export_time.as_secs_f64(),
        peak as f64 / 1024.0
    );
}

fn stop(server: &mut std::process::Child) {
    let _ = Command::new("kill").arg(server.id().to_string()).status();
    let _ = server.wait();
}

/// The median time of `n` runs, and the lines of the last one's output.
fn median_of(n: usize, mut run: impl FnMut() -> std::process::Output) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut lines = 0;
    for _ in 0..n {
        let started = Instant::now();
        let out = run();
        times.push(started.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        lines = out.stdout.iter().filter(|b| **b == b'\n').count();
    }
    times.sort();
    (times[n / 2], lines)
}

/// A field of /proc/PID/status, in kB.
fn status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn walk(path: &Path) -> u64 {
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
