//! The day sheet and corrections, at fixed times: expected patients,
//! check-in, late, re-import, and corrections that keep the old value.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::config::Config;

fn t(h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Tokyo
        .with_ymd_and_hms(2026, 11, 21, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

struct Clinic {
    board: Board,
    config: Config,
}

impl Clinic {
    fn new() -> Clinic {
        Clinic {
            board: Board::default(),
            config: Config::default(),
        }
    }

    fn try_run(&mut self, now: DateTime<Utc>, command: Command) -> Result<VisitId, Rejection> {
        let ctx = Context {
            now,
            at: None,
            operator: Some("KS".into()),
            confirmed: false,
        };
        let events = decide(&self.board, &self.config, &command, &ctx)?;
        let id = events[0].visit;
        for e in events {
            apply(&mut self.board, e);
        }
        Ok(id)
    }

    fn run(&mut self, now: DateTime<Utc>, command: Command) -> VisitId {
        self.try_run(now, command).expect("accepted")
    }

    fn expect(&mut self, name: &str, at: DateTime<Utc>, key: &str) -> Result<VisitId, Rejection> {
        self.try_run(
            t(8, 0),
            Command::Expect {
                name: name.into(),
                treatment: "face".into(),
                chart_no: Some("10077".into()),
                expected_at: at,
                key: Some(key.into()),
            },
        )
    }

    fn visit(&self, v: VisitId) -> &Visit {
        self.board.visit(v).unwrap()
    }
}

#[test]
fn an_expected_patient_is_on_the_board_before_arriving_and_gets_a_ticket_at_check_in() {
    let mut c = Clinic::new();
    let v = c
        .expect("山田 花子", t(10, 0), "2026-11-21/10:00/10077/face")
        .unwrap();
    assert_eq!(c.visit(v).stage, Stage::Expected);
    assert_eq!(c.visit(v).ticket, 0, "no reception number before arrival");
    c.run(
        t(9, 55),
        Command::Advance {
            visit: v,
            to: Stage::Waiting,
            bed: None,
            lot: None,
        },
    );
    let visit = c.visit(v);
    assert_eq!(visit.stage, Stage::Waiting);
    assert_eq!(visit.ticket, 1);
    assert_eq!(visit.arrived_at, t(9, 55));
    assert_eq!(visit.expected_at, Some(t(10, 0)));
}

#[test]
fn an_expected_patient_is_late_after_the_grace_time() {
    let mut c = Clinic::new();
    let v = c.expect("A", t(10, 0), "k1").unwrap();
    let late = |c: &Clinic, now| {
        visit_alerts(c.visit(v), &c.config, now)
            .iter()
            .any(|a| a.code == AlertCode::Late)
    };
    assert!(!late(&c, t(10, 14)));
    assert!(late(&c, t(10, 15)), "15 minutes of grace by default");
}

#[test]
fn importing_the_same_row_twice_adds_nobody() {
    let mut c = Clinic::new();
    c.expect("A", t(10, 0), "row-1").unwrap();
    let again = c.expect("A", t(10, 0), "row-1").unwrap_err();
    assert_eq!(again.code(), "duplicate");
    assert_eq!(c.board.visits.len(), 1);
}

#[test]
fn an_expected_patient_who_does_not_come_can_be_cancelled_as_a_no_show() {
    let mut c = Clinic::new();
    let v = c.expect("A", t(10, 0), "k").unwrap();
    c.run(
        t(12, 0),
        Command::Cancel {
            visit: v,
            reason: "no-show".into(),
        },
    );
    assert_eq!(c.visit(v).stage, Stage::Cancelled);
}

#[test]
fn yesterdays_no_shows_leave_the_board_and_tomorrows_bookings_wait() {
    let mut c = Clinic::new();
    let yesterday = c.expect("Y", t(10, 0) - Duration::days(1), "y").unwrap();
    let tomorrow = c.expect("T", t(10, 0) + Duration::days(1), "t").unwrap();
    let today = c.expect("N", t(11, 0), "n").unwrap();
    let shown: Vec<VisitId> = crate::snapshot::on_board(&c.board, &c.config, t(9, 0))
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(shown, vec![today]);
    assert!(c.board.visit(yesterday).is_some() && c.board.visit(tomorrow).is_some());
}

#[test]
fn a_discharged_patient_leaves_the_board_after_the_configured_time_and_one_present_after_midnight_stays()
 {
    let mut c = Clinic::new();
    let gone = c.run(
        t(9, 0),
        Command::Arrive {
            name: "Gone".into(),
            treatment: "face".into(),
            chart_no: None,
            key: None,
            do_not_display: false,
        },
    );
    c.run(
        t(9, 10),
        Command::Cancel {
            visit: gone,
            reason: "left".into(),
        },
    );
    let late_night = c.run(
        t(23, 50),
        Command::Arrive {
            name: "Night".into(),
            treatment: "face".into(),
            chart_no: None,
            key: None,
            do_not_display: false,
        },
    );
    let ids = |now| -> Vec<VisitId> {
        crate::snapshot::on_board(&c.board, &c.config, now)
            .iter()
            .map(|v| v.id)
            .collect()
    };
    assert!(ids(t(11, 9)).contains(&gone), "within 120 minutes");
    assert!(!ids(t(11, 10)).contains(&gone));
    assert_eq!(
        ids(t(23, 50) + Duration::minutes(30)),
        vec![late_night],
        "after midnight"
    );
}

#[test]
fn a_wrong_name_is_corrected_and_the_old_one_stays_in_the_record() {
    let mut c = Clinic::new();
    let v = c.run(
        t(9, 0),
        Command::Arrive {
            name: "Yamda Hanako".into(),
            treatment: "face".into(),
            chart_no: None,
            key: None,
            do_not_display: false,
        },
    );
    c.run(
        t(9, 5),
        Command::Correct {
            visit: v,
            correction: Correction::Name {
                name: "Yamada Hanako".into(),
            },
            reason: "typo at reception".into(),
            doctor: None,
        },
    );
    let visit = c.visit(v);
    assert_eq!(visit.name, "Yamada Hanako");
    let EventKind::Corrected { old, reason, .. } = &visit.events.last().unwrap().kind else {
        panic!("a correction event")
    };
    assert_eq!(
        (old.as_str(), reason.as_str()),
        ("Yamda Hanako", "typo at reception")
    );
    assert!(
        matches!(&visit.events[0].kind, EventKind::Arrived { name, .. } if name == "Yamda Hanako")
    );
}

#[test]
fn a_wrong_start_time_is_corrected_and_the_timer_follows() {
    let mut c = Clinic::new();
    let v = c.run(
        t(9, 0),
        Command::Arrive {
            name: "A".into(),
            treatment: "face".into(),
            chart_no: None,
            key: None,
            do_not_display: false,
        },
    );
    c.run(
        t(9, 20),
        Command::Advance {
            visit: v,
            to: Stage::Counselling,
            bed: None,
            lot: None,
        },
    );
    let seq = c.visit(v).events[1].seq;
    c.run(
        t(9, 30),
        Command::Correct {
            visit: v,
            correction: Correction::Time {
                event: seq,
                at: t(9, 10),
            },
            reason: "entered late".into(),
            doctor: None,
        },
    );
    assert_eq!(c.visit(v).stage_since, t(9, 10));
    assert_eq!(c.visit(v).events[1].at, t(9, 20), "the original stays");
    let before_arrival = c
        .try_run(
            t(9, 31),
            Command::Correct {
                visit: v,
                correction: Correction::Time {
                    event: seq,
                    at: t(8, 50),
                },
                reason: "x".into(),
                doctor: None,
            },
        )
        .unwrap_err();
    assert!(matches!(before_arrival, Rejection::Invalid { .. }));
}

#[test]
fn a_correction_needs_a_reason() {
    let mut c = Clinic::new();
    let v = c.run(
        t(9, 0),
        Command::Arrive {
            name: "A".into(),
            treatment: "face".into(),
            chart_no: None,
            key: None,
            do_not_display: false,
        },
    );
    let err = c
        .try_run(
            t(9, 1),
            Command::Correct {
                visit: v,
                correction: Correction::ChartNo {
                    chart_no: Some("123".into()),
                },
                reason: "".into(),
                doctor: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "empty_reason");
}

#[test]
fn a_retention_below_five_years_is_refused() {
    // DOMAIN.md "Records (Japan)": kept 5 years; retention never below 5.
    let err = Config::from_toml("retention_years = 3\n", std::path::Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("retention_years"), "{err}");
    assert!(err.contains("at least 5 years"), "{err}");
}
