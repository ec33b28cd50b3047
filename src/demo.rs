//! `flowboard demo`: a realistic morning to show a newcomer the product at
//! work. Pure: the requests are a function of `now`, sent to a real server
//! on a throwaway data directory.

use chrono::{DateTime, Duration, Utc};

use crate::domain::{Command, Stage, VisitId};
use crate::protocol::Request;

/// What happens to one demo patient, as minutes before `now`.
struct Story {
    name: &'static str,
    treatment: &'static str,
    chart_no: &'static str,
    arrived: i64,
    /// Minutes ago each following stage began (counselling, ready,
    /// administration, observation, discharged), as far as the patient got.
    steps: &'static [i64],
    bed: Option<&'static str>,
    /// Leaves the flow this many minutes ago, with this reason.
    exit: Option<(i64, Exit, &'static str)>,
}

#[derive(Clone, Copy)]
enum Exit {
    Defer,
    Cancel,
}

const MORNING: &[Story] = &[
    Story {
        name: "Emily Clark",
        treatment: "face",
        chart_no: "10231",
        arrived: 125,
        steps: &[118, 100, 95, 80, 60],
        bed: None,
        exit: None,
    },
    Story {
        name: "山田 花子",
        treatment: "drip",
        chart_no: "10077",
        arrived: 105,
        steps: &[98, 80, 72, 38],
        bed: Some("1"),
        exit: None,
    },
    Story {
        name: "山本 恵",
        treatment: "drip",
        chart_no: "10412",
        arrived: 100,
        steps: &[95],
        bed: None,
        exit: Some((85, Exit::Defer, "may be pregnant")),
    },
    Story {
        name: "松本 大輔",
        treatment: "face",
        chart_no: "10388",
        arrived: 90,
        steps: &[],
        bed: None,
        exit: Some((80, Exit::Cancel, "left before counselling (work call)")),
    },
    Story {
        name: "佐藤 健",
        treatment: "drip",
        chart_no: "10102",
        arrived: 75,
        steps: &[66, 45, 33],
        bed: Some("2"),
        exit: None,
    },
    Story {
        name: "高橋 直子",
        treatment: "face",
        chart_no: "10290",
        arrived: 62,
        steps: &[56, 40, 30, 10],
        bed: None,
        exit: None,
    },
    Story {
        name: "鈴木 美咲",
        treatment: "drip",
        chart_no: "10333",
        arrived: 52,
        steps: &[46, 30, 12],
        bed: Some("3"),
        exit: None,
    },
    Story {
        name: "伊藤 翔",
        treatment: "drip",
        chart_no: "10451",
        arrived: 44,
        steps: &[],
        bed: None,
        exit: None,
    },
    Story {
        name: "田中 優子",
        treatment: "scalp",
        chart_no: "10199",
        arrived: 41,
        steps: &[32, 20, 8],
        bed: None,
        exit: None,
    },
    Story {
        name: "小林 誠",
        treatment: "drip",
        chart_no: "10460",
        arrived: 36,
        steps: &[21],
        bed: None,
        exit: None,
    },
    Story {
        name: "加藤 さくら",
        treatment: "scalp",
        chart_no: "10302",
        arrived: 31,
        steps: &[26, 18],
        bed: None,
        exit: None,
    },
    Story {
        name: "渡辺 愛",
        treatment: "face",
        chart_no: "10471",
        arrived: 24,
        steps: &[],
        bed: None,
        exit: None,
    },
    Story {
        name: "Lucas Martin",
        treatment: "drip",
        chart_no: "10480",
        arrived: 9,
        steps: &[],
        bed: None,
        exit: None,
    },
];

/// The requests that build the demo morning on an empty board, in the
/// order they happened. Visit ids on an empty board are 1, 2, … in order
/// of arrival, which is the order of `MORNING`.
pub fn morning(now: DateTime<Utc>) -> Vec<Request> {
    let ago = |m: i64| now - Duration::minutes(m);
    let mut timed: Vec<(DateTime<Utc>, Command)> = Vec::new();
    for (i, s) in MORNING.iter().enumerate() {
        let visit = VisitId(i as u64 + 1);
        timed.push((
            ago(s.arrived),
            Command::Arrive {
                name: s.name.into(),
                treatment: s.treatment.into(),
                chart_no: Some(s.chart_no.into()),
            },
        ));
        let flow = [
            Stage::Counselling,
            Stage::Ready,
            Stage::Administration,
            Stage::Observation,
            Stage::Discharged,
        ];
        for (to, minutes) in flow.iter().zip(s.steps) {
            timed.push((
                ago(*minutes),
                Command::Advance {
                    visit,
                    to: *to,
                    bed: if *to == Stage::Administration {
                        s.bed.map(str::to_string)
                    } else {
                        None
                    },
                },
            ));
        }
        if let Some((minutes, exit, reason)) = s.exit {
            let reason = reason.to_string();
            timed.push((
                ago(minutes),
                match exit {
                    Exit::Defer => Command::Defer { visit, reason },
                    Exit::Cancel => Command::Cancel { visit, reason },
                },
            ));
        }
    }
    // Arrivals first keeps ids in MORNING order; within a visit the
    // events are already in time order, and the server only checks each
    // visit's own order.
    let (arrivals, rest): (Vec<_>, Vec<_>) = timed
        .into_iter()
        .partition(|(_, c)| matches!(c, Command::Arrive { .. }));
    let mut rest = rest;
    rest.sort_by_key(|(at, _)| *at);
    arrivals
        .into_iter()
        .chain(rest)
        .map(|(at, command)| Request {
            id: None,
            at: Some(at),
            operator: Some("demo".into()),
            command,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::domain::{AlertCode, Board, Context, alerts, apply, decide};

    fn played(now: DateTime<Utc>) -> (Board, Config) {
        let config = Config::default();
        let mut board = Board::default();
        for r in morning(now) {
            let ctx = Context {
                now,
                at: r.at,
                operator: r.operator,
            };
            let events = decide(&board, &config, &r.command, &ctx)
                .unwrap_or_else(|e| panic!("{:?} refused: {e}", r.command));
            for e in events {
                apply(&mut board, e);
            }
        }
        (board, config)
    }

    #[test]
    fn the_demo_morning_has_a_dozen_patients_in_every_stage() {
        let now = Utc::now();
        let (board, _) = played(now);
        assert!(board.visits.len() >= 12);
        for stage in Stage::ALL {
            if stage == Stage::Transferred {
                continue; // an emergency is not part of a normal morning
            }
            assert!(
                board.visits.values().any(|v| v.stage == stage),
                "no patient in {stage}"
            );
        }
    }

    #[test]
    fn the_demo_shows_a_drip_due_an_observation_done_and_a_long_wait() {
        let now = Utc::now();
        let (board, config) = played(now);
        let codes: Vec<AlertCode> = alerts(&board, &config, now)
            .iter()
            .map(|a| a.code)
            .collect();
        assert!(codes.contains(&AlertCode::AdministrationDue), "{codes:?}");
        assert!(codes.contains(&AlertCode::ObservationComplete), "{codes:?}");
        assert!(codes.contains(&AlertCode::WaitedTooLong), "{codes:?}");
    }
}
