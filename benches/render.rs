//! Frame render time of the board with 30 and with 200 visits, and of the
//! wall with 30 (a second's tick: update and frame), at 160x48, through
//! ratatui's TestBackend (layout, text, diff; no terminal I/O).
//! Run: `cargo bench --bench render`.

use chrono::{Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use flowboard::config::Config;
use flowboard::demo::{lot, routine_counselling, routine_discharge};
use flowboard::domain::{Board, Command, Context, Stage, VisitId, apply, decide};
use flowboard::ui::{App, Connection, Msg, Screen, view};

/// A board with `n` visits spread over every stage, built through the
/// domain like the server does.
fn board(n: usize, config: &Config) -> Board {
    let now = Utc::now();
    let mut board = Board::default();
    let run = |board: &mut Board, at, command: Command| {
        let ctx = Context {
            now,
            at: Some(at),
            operator: None,
            confirmed: false,
        };
        // Beds run out with many drips: those patients wait in Ready.
        if let Ok(events) = decide(board, config, &command, &ctx) {
            for e in events {
                apply(board, e);
            }
        }
    };
    let names = [
        "山田 花子",
        "Tanaka Yuki",
        "佐藤 健",
        "Emily Clark",
        "鈴木 美咲",
    ];
    for i in 0..n {
        let start = now - Duration::minutes(200) + Duration::seconds(i as i64 * 20);
        let treatment = ["drip", "face", "scalp"][i % 3];
        run(
            &mut board,
            start,
            Command::Arrive {
                name: format!("{} {i}", names[i % names.len()]),
                treatment: treatment.into(),
                chart_no: Some(format!("{}", 10000 + i)),
                key: None,
                do_not_display: false,
            },
        );
        let visit = VisitId(i as u64 + 1);
        let steps = i % 6;
        let flow = [
            Stage::Counselling,
            Stage::Ready,
            Stage::Administration,
            Stage::Observation,
            Stage::Discharged,
        ];
        for (k, to) in flow.iter().take(steps).enumerate() {
            let at = start + Duration::minutes(20 * (k as i64 + 1));
            let bed = (*to == Stage::Administration && treatment == "drip")
                .then(|| config.beds[i % config.beds.len()].clone());
            match to {
                Stage::Ready => {
                    for entry in routine_counselling(config, treatment, &[]) {
                        run(&mut board, at, Command::Record { visit, entry });
                    }
                }
                Stage::Discharged => {
                    let needle_out = at - Duration::minutes(20);
                    for (m, entry) in routine_discharge(5) {
                        run(
                            &mut board,
                            needle_out + Duration::minutes(m),
                            Command::Record { visit, entry },
                        );
                    }
                }
                _ => {}
            }
            run(
                &mut board,
                at,
                Command::Advance {
                    visit,
                    to: *to,
                    bed,
                    lot: (*to == Stage::Administration).then(|| lot("EX-1", now)),
                },
            );
        }
    }
    board
}

fn render(c: &mut Criterion) {
    let config = Config {
        policy: flowboard::config::Policy {
            beds: (1..=40).map(|b| b.to_string()).collect(),
            ..Default::default()
        },
        ..Config::default()
    };
    for n in [30, 200] {
        let mut app = App::new(config.clone(), None);
        app.board = board(n, &config);
        app.connection = Connection::Connected;
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
        let now = Utc::now();
        c.bench_function(&format!("frame 160x48, {n} visits"), |b| {
            b.iter(|| {
                terminal.draw(|f| view(f, &app, now)).expect("draw");
            })
        });
    }
    // The wall, once a second: the tick's update (the bell's alerts) and
    // the frame, the clock moving on as it does on the wall.
    let mut wall = flowboard::wall::Wall::new(config.clone());
    wall.view = flowboard::projection::project(&board(30, &config), &config, Utc::now());
    wall.connection = Connection::Connected;
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let mut now = Utc::now();
    c.bench_function("wall tick 160x48, 30 visits", |b| {
        b.iter(|| {
            now += Duration::seconds(1);
            let _ = wall.update(Msg::Tick, now);
            terminal.draw(|f| wall.view(f, now)).expect("draw");
        })
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
