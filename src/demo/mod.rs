//! `flowboard demo`: a realistic morning to show a newcomer the product at
//! work. Pure: the requests are a function of `now`, sent to a real server
//! on a throwaway data directory.

use chrono::{DateTime, Duration, Utc};

use crate::config::{Config, Level};
use crate::domain::clinical::{Consciousness, Lot, Plan, Vitals};
use crate::domain::{Check, Command, Entry, ReactionKind, Stage, VisitId};
use crate::protocol::Request;

pub mod fill;
pub mod history;

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
    /// Screening items answered "yes".
    yes: &'static [&'static str],
    /// How far counselling got: screening only, or everything.
    counselled: Counselled,
    /// A reaction: minutes ago, kind, minutes ago it resolved.
    reaction: Option<(i64, ReactionKind, i64)>,
    /// Leaves the flow this many minutes ago, with this reason.
    exit: Option<(i64, Exit, &'static str)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Counselled {
    Fully,
    ScreeningOnly,
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
        yes: &[],
        counselled: Counselled::Fully,
        reaction: None,
        exit: None,
    },
    Story {
        name: "山田 花子",
        treatment: "drip",
        chart_no: "10077",
        arrived: 105,
        steps: &[98, 80, 72, 38],
        bed: Some("1"),
        yes: &["vasovagal_risk"],
        counselled: Counselled::Fully,
        reaction: Some((36, ReactionKind::Vasovagal, 30)),
        exit: None,
    },
    Story {
        name: "山本 恵",
        treatment: "drip",
        chart_no: "10412",
        arrived: 100,
        steps: &[95],
        bed: None,
        yes: &["pregnant"],
        counselled: Counselled::ScreeningOnly,
        reaction: None,
        exit: Some((85, Exit::Defer, "may be pregnant")),
    },
    Story {
        name: "松本 大輔",
        treatment: "face",
        chart_no: "10388",
        arrived: 90,
        steps: &[],
        bed: None,
        yes: &[],
        counselled: Counselled::Fully,
        reaction: None,
        exit: Some((80, Exit::Cancel, "left before counselling (work call)")),
    },
    Story {
        name: "佐藤 健",
        treatment: "drip",
        chart_no: "10102",
        arrived: 75,
        steps: &[66, 45, 33],
        bed: Some("2"),
        yes: &["blood_thinner"],
        counselled: Counselled::Fully,
        reaction: None,
        exit: None,
    },
    Story {
        name: "高橋 直子",
        treatment: "face",
        chart_no: "10290",
        arrived: 62,
        steps: &[56, 40, 30, 10],
        bed: None,
        yes: &[],
        counselled: Counselled::Fully,
        reaction: None,
        exit: None,
    },
    Story {
        name: "鈴木 美咲",
        treatment: "drip",
        chart_no: "10333",
        arrived: 52,
        steps: &[46, 30, 12],
        bed: Some("3"),
        yes: &["drug_allergy"],
        counselled: Counselled::Fully,
        reaction: None,
        exit: None,
    },
    Story {
        name: "伊藤 翔",
        treatment: "drip",
        chart_no: "10451",
        arrived: 44,
        steps: &[],
        bed: None,
        yes: &[],
        counselled: Counselled::Fully,
        reaction: None,
        exit: None,
    },
    Story {
        name: "田中 優子",
        treatment: "scalp",
        chart_no: "10199",
        arrived: 41,
        steps: &[32, 20, 8],
        bed: None,
        yes: &[],
        counselled: Counselled::Fully,
        reaction: None,
        exit: None,
    },
    Story {
        name: "小林 誠",
        treatment: "drip",
        chart_no: "10460",
        arrived: 36,
        steps: &[21],
        bed: None,
        yes: &["vasovagal_history"],
        counselled: Counselled::ScreeningOnly,
        reaction: None,
        exit: None,
    },
    Story {
        name: "加藤 さくら",
        treatment: "scalp",
        chart_no: "10302",
        arrived: 31,
        steps: &[26, 18],
        bed: None,
        yes: &["first_session"],
        counselled: Counselled::Fully,
        reaction: None,
        exit: None,
    },
    Story {
        name: "渡辺 愛",
        treatment: "face",
        chart_no: "10471",
        arrived: 24,
        steps: &[],
        bed: None,
        yes: &[],
        counselled: Counselled::Fully,
        reaction: None,
        exit: None,
    },
    Story {
        name: "Lucas Martin",
        treatment: "drip",
        chart_no: "10480",
        arrived: 9,
        steps: &[],
        bed: None,
        yes: &[],
        counselled: Counselled::Fully,
        reaction: None,
        exit: None,
    },
];

/// The requests that build the demo morning on an empty board, in the
/// order they happened. Visit ids on an empty board are 1, 2, … in order
/// of arrival, which is the order of `MORNING`.
pub fn morning(now: DateTime<Utc>, config: &Config) -> Vec<Request> {
    let ago = |m: i64| now - Duration::minutes(m);
    let mut timed: Vec<(DateTime<Utc>, Command)> = Vec::new();
    for (i, s) in MORNING.iter().enumerate() {
        let visit = VisitId(i as u64 + 1);
        let record = |entry: Entry| Command::Record { visit, entry };
        timed.push((
            ago(s.arrived),
            Command::Arrive {
                name: s.name.into(),
                treatment: s.treatment.into(),
                chart_no: Some(s.chart_no.into()),
                key: None,
                do_not_display: false,
            },
        ));
        let flow = [
            Stage::Counselling,
            Stage::Ready,
            Stage::Administration,
            Stage::Observation,
            Stage::Discharged,
        ];
        for (k, (to, minutes)) in flow.iter().zip(s.steps).enumerate() {
            let at = ago(*minutes);
            timed.push((
                at,
                Command::Advance {
                    visit,
                    to: *to,
                    bed: if *to == Stage::Administration {
                        s.bed.map(str::to_string)
                    } else {
                        None
                    },
                    lot: (*to == Stage::Administration).then(|| Lot {
                        number: format!("EXO-2611-{:02}", i + 1),
                        expiry: now.date_naive().checked_add_days(chrono::Days::new(60)),
                    }),
                },
            ));
            // What each stage records, a minute or two after it began.
            let soon = |m: i64| at + Duration::minutes(m);
            match to {
                Stage::Counselling => {
                    let answers = config
                        .screening
                        .iter()
                        .map(|q| (q.id.clone(), s.yes.contains(&q.id.as_str())))
                        .collect();
                    timed.push((soon(1), record(Entry::Screening { answers })));
                    if s.counselled == Counselled::Fully {
                        let cautions = cautions_of(config, s.yes);
                        if !cautions.is_empty() {
                            timed.push((
                                soon(2),
                                record(Entry::CautionsAcknowledged {
                                    doctor: "Dr. Mori".into(),
                                    items: cautions,
                                }),
                            ));
                        }
                        let items = config.consent.iter().map(|c| c.id.clone()).collect();
                        timed.push((soon(2), record(Entry::Consent { items })));
                        timed.push((
                            soon(3),
                            record(Entry::Plan {
                                plan: plan(s.treatment),
                            }),
                        ));
                        timed.push((
                            soon(4),
                            record(Entry::Vitals {
                                vitals: vitals(118, 74),
                            }),
                        ));
                    }
                }
                Stage::Administration if s.treatment == "drip" => {
                    // The checks due before the needle came out (or now).
                    let until = s.steps.get(k + 1).map_or(now, |m| ago(*m));
                    for m in config.administration.drip_check_minutes.iter() {
                        let check = at + Duration::minutes(i64::from(*m));
                        if check <= until {
                            timed.push((
                                check,
                                record(Entry::DripCheck {
                                    minute: *m,
                                    skipped: None,
                                }),
                            ));
                        }
                    }
                }
                Stage::Observation if k + 1 < s.steps.len() => {
                    // Discharged later: the whole checklist was done.
                    timed.push((
                        soon(0),
                        record(Entry::Checklist {
                            item: Check::HemostasisPressure,
                        }),
                    ));
                    timed.push((
                        soon(6),
                        record(Entry::Checklist {
                            item: Check::HemostasisConfirmed,
                        }),
                    ));
                    timed.push((
                        soon(7),
                        record(Entry::Vitals {
                            vitals: vitals(116, 72),
                        }),
                    ));
                    for item in &Check::REQUIRED[1..] {
                        timed.push((soon(8), record(Entry::Checklist { item: *item })));
                    }
                }
                _ => {}
            }
        }
        if let Some((at, reaction, resolved)) = s.reaction {
            timed.push((
                ago(at),
                record(Entry::Reaction {
                    reaction,
                    signs: "pale, sweating, dizzy on sitting up".into(),
                    action: "lay flat, legs raised, stayed with her".into(),
                    stop_drip: false,
                }),
            ));
            timed.push((
                ago(at - 1),
                record(Entry::Vitals {
                    vitals: vitals(96, 60),
                }),
            ));
            timed.push((
                ago(resolved + 1),
                record(Entry::Vitals {
                    vitals: vitals(112, 70),
                }),
            ));
            timed.push((ago(resolved), record(Entry::SymptomFree)));
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
    // The rest of the day sheet, imported at opening: one patient late,
    // one due later.
    for (name, treatment, chart, minutes) in [
        ("中島 結衣", "face", "10490", -20),
        ("Olivia Brown", "scalp", "10495", 30),
    ] {
        timed.push((
            ago(130),
            Command::Expect {
                name: name.into(),
                treatment: treatment.into(),
                chart_no: Some(chart.into()),
                expected_at: now + Duration::minutes(minutes),
                key: Some(format!("demo-{chart}")),
            },
        ));
    }
    let (arrivals, rest): (Vec<_>, Vec<_>) = timed
        .into_iter()
        .partition(|(_, c)| matches!(c, Command::Arrive { .. } | Command::Expect { .. }));
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
            confirm: false,
            pin: None,
        })
        .collect()
}

fn plan(treatment: &str) -> Plan {
    Plan {
        treatment: treatment.into(),
        method: (treatment != "drip").then_some(crate::domain::clinical::Method::Nappage),
        sites: match treatment {
            "face" => vec!["face".into()],
            "scalp" => vec!["scalp".into()],
            _ => Vec::new(),
        },
        dose_ml: if treatment == "drip" { 10.0 } else { 3.0 },
        product: "Exosome 10B (umbilical cord MSC)".into(),
        origin: Some(crate::domain::clinical::Origin::UmbilicalCord),
        nurse: "KS".into(),
        weight_kg: Some(54.0),
        age_years: Some(38),
    }
}

fn vitals(systolic: u16, pulse: u16) -> Vitals {
    Vitals {
        systolic,
        diastolic: systolic - 44,
        pulse,
        spo2: 98,
        temperature: 36.5,
        respiratory_rate: 14,
        consciousness: Consciousness::Alert,
    }
}

/// The entries of a routine counselling with everything in order: the
/// screening (`yes` items answered yes, every other no), the doctor's
/// acknowledgement when a caution was answered yes, full consent, a plan
/// and pre-treatment vitals. Used by the demo, the benchmarks and tests.
pub fn routine_counselling(config: &Config, treatment: &str, yes: &[&str]) -> Vec<Entry> {
    let answers = config
        .screening
        .iter()
        .map(|q| (q.id.clone(), yes.contains(&q.id.as_str())))
        .collect();
    let mut out = vec![Entry::Screening { answers }];
    let cautions = cautions_of(config, yes);
    if !cautions.is_empty() {
        out.push(Entry::CautionsAcknowledged {
            doctor: "Dr. Mori".into(),
            items: cautions,
        });
    }
    out.push(Entry::Consent {
        items: config.consent.iter().map(|c| c.id.clone()).collect(),
    });
    out.push(Entry::Plan {
        plan: plan(treatment),
    });
    out.push(Entry::Vitals {
        vitals: vitals(118, 74),
    });
    out
}

/// The caution items among `yes`: what the doctor acknowledges.
fn cautions_of(config: &Config, yes: &[&str]) -> Vec<String> {
    yes.iter()
        .filter(|y| {
            config
                .screening_item(y)
                .is_some_and(|q| q.level == Level::Caution)
        })
        .map(|y| y.to_string())
        .collect()
}

/// The drip checks due by `now` on a running drip, each ticked at the
/// minute it fell due: what a nurse has recorded before the needle comes
/// out. Used by the demo, the benchmarks and tests.
pub fn routine_drip_checks(
    config: &Config,
    visit: &crate::domain::Visit,
    now: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, Entry)> {
    crate::domain::rules::drip_checks_due(visit, config, now)
        .into_iter()
        .map(|minute| {
            let at = visit.stage_since
                + Duration::minutes(i64::from(minute))
                + Duration::seconds(visit.care.paused_secs_at(now));
            (
                at.min(now),
                Entry::DripCheck {
                    minute,
                    skipped: None,
                },
            )
        })
        .collect()
}

/// A lot that is in date at `now`.
pub fn lot(number: &str, now: DateTime<Utc>) -> Lot {
    Lot {
        number: number.into(),
        expiry: now.date_naive().checked_add_days(chrono::Days::new(60)),
    }
}

/// The discharge checklist as done after the pressure time: minutes after
/// the needle came out, and the entry.
pub fn routine_discharge(pressure_minutes: u32) -> Vec<(i64, Entry)> {
    let after = i64::from(pressure_minutes) + 1;
    let mut out = vec![
        (
            0,
            Entry::Checklist {
                item: Check::HemostasisPressure,
            },
        ),
        (
            after,
            Entry::Checklist {
                item: Check::HemostasisConfirmed,
            },
        ),
        (
            after,
            Entry::Vitals {
                vitals: vitals(116, 72),
            },
        ),
    ];
    out.extend(
        Check::REQUIRED[1..]
            .iter()
            .map(|item| (after, Entry::Checklist { item: *item })),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::domain::{AlertCode, Board, Context, alerts, apply, decide};

    fn played(now: DateTime<Utc>) -> (Board, Config) {
        let config = Config::default();
        let mut board = Board::default();
        for r in morning(now, &config) {
            let ctx = Context {
                now,
                at: r.at,
                operator: r.operator,
                confirmed: false,
            };
            let events = decide(&board, &config, &r.command, &ctx)
                .unwrap_or_else(|e| panic!("{:?} refused: {e}", r.command));
            for e in events {
                apply(&mut board, e);
            }
        }
        (board, config)
    }

    /// The demo is started at any hour: mid-morning, and just after
    /// midnight in Tokyo (its morning then began the evening before).
    fn demo_hours() -> [DateTime<Utc>; 2] {
        use chrono::TimeZone;
        let tokyo = |d, h, m| {
            chrono_tz::Asia::Tokyo
                .with_ymd_and_hms(2026, 11, d, h, m, 0)
                .unwrap()
                .with_timezone(&Utc)
        };
        [tokyo(21, 10, 30), tokyo(22, 0, 30)]
    }

    #[test]
    fn the_demo_morning_has_a_dozen_patients_in_every_stage() {
        for now in demo_hours() {
            let (board, config) = played(now);
            assert!(board.visits.len() >= 12);
            let shown = crate::snapshot::on_board(&board, &config, now);
            for stage in Stage::ALL {
                if stage == Stage::Transferred {
                    continue; // an emergency is not part of a normal morning
                }
                assert!(
                    board.visits.values().any(|v| v.stage == stage),
                    "no patient in {stage} at {now}"
                );
                if stage != Stage::Expected {
                    assert!(
                        shown.iter().any(|v| v.stage == stage),
                        "no patient in {stage} on the board at {now}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_demo_shows_a_drip_due_an_observation_done_and_a_long_wait() {
        for now in demo_hours() {
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
}
