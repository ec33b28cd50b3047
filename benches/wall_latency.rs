//! How soon a change reaches the wall: a nurse's terminal registers an
//! arrival through the real server; the time until the wall's connection
//! (role `wall`) receives its new projection. Prints p50 / p90 / p99 / max.
//! Run: `cargo bench --bench wall_latency`.
//!
//! (The tmux test of the board and the wall only checks that the change
//! arrives: a timing assertion in a parallel test run would fail on a busy
//! machine, not on slow code.)

use std::time::{Duration, Instant};

use flowboard::client::{Connection, WallConnection};
use flowboard::config::Config;
use flowboard::domain::Command;
use flowboard::paths::DataDir;
use flowboard::protocol::{Request, Role, ServerMsg};
use flowboard::server::Server;

const ARRIVALS: usize = 300;

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let data = DataDir::new(dir.path().join("data"));
    let times = rt.block_on(async {
        let server = Server::bind(data.clone(), Config::default(), None).expect("server");
        let task = tokio::spawn(server.run());
        let mut nurse = Connection::connect(&data.socket(), Role::Operator, "board")
            .await
            .expect("connect the board");
        let mut wall = WallConnection::connect(&data.socket(), Role::Wall, "wall")
            .await
            .expect("connect the wall");
        let mut times = Vec::with_capacity(ARRIVALS);
        for i in 0..ARRIVALS {
            let start = Instant::now();
            nurse
                .send(Request {
                    id: None,
                    at: None,
                    operator: Some("KS".into()),
                    command: Command::Arrive {
                        name: format!("Patient {i}"),
                        treatment: "face".into(),
                        chart_no: None,
                        key: None,
                        do_not_display: false,
                    },
                    confirm: false,
                    pin: None,
                })
                .await
                .expect("send");
            // The wall's next message is the change.
            while let ServerMsg::Reply(_) | ServerMsg::Error(_) =
                wall.recv().await.expect("the wall's link")
            {}
            times.push(start.elapsed());
            // Drain the nurse's side (the change and the reply).
            loop {
                if let ServerMsg::Reply(r) = nurse.recv().await.expect("the board's link") {
                    assert!(r.ok, "{r:?}");
                    break;
                }
            }
        }
        task.abort();
        times
    });
    report(
        &format!("a change reaches the wall (arrive, flushed, {ARRIVALS} arrivals)"),
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
