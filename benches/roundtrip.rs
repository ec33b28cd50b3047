//! Command round trip through the real server, flush included: a client
//! sends `arrive`, the server decides, appends, fsyncs and acknowledges.
//! Prints p50 / p90 / p99 / max. Run: `cargo bench --bench roundtrip`.
//!
//! Not criterion: the figure that matters is the tail (p99) of a
//! fsync-bound operation, so we keep every sample and report percentiles.

use std::time::{Duration, Instant};

use flowboard::client::Connection;
use flowboard::config::Config;
use flowboard::domain::Command;
use flowboard::paths::DataDir;
use flowboard::protocol::{Request, Role};
use flowboard::server::Server;

/// A busy day: 200 arrivals; the board grows from 0 to 200 visits, and
/// every change is broadcast to the client.
const DAY: usize = 200;

fn main() {
    let days: usize = std::env::var("ROUNDTRIP_DAYS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut times = Vec::with_capacity(days * DAY);
    for _ in 0..days {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = DataDir::new(dir.path().join("data"));
        rt.block_on(async {
            let server = Server::bind(data.clone(), Config::default(), None).expect("server");
            let task = tokio::spawn(server.run());
            let mut conn = Connection::connect(&data.socket(), Role::Operator, "bench")
                .await
                .expect("connect");
            for i in 0..DAY {
                let request = Request {
                    id: None,
                    at: None,
                    operator: None,
                    command: Command::Arrive {
                        name: format!("Patient {i}"),
                        treatment: "face".into(),
                        chart_no: None,
                        key: None,
                    },
                    confirm: false,
                    pin: None,
                };
                let start = Instant::now();
                let reply = conn.request(request).await.expect("reply");
                times.push(start.elapsed());
                assert!(reply.ok, "{reply:?}");
            }
            task.abort();
        });
    }
    report(
        &format!("round trip (arrive, flushed), {days} days of {DAY} visits"),
        times,
    );
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: n={} p50={:.2} ms p90={:.2} ms p99={:.2} ms max={:.2} ms",
        times.len(),
        ms(pct(0.50)),
        ms(pct(0.90)),
        ms(pct(0.99)),
        ms(*times.last().expect("samples"))
    );
}
