//! The busy hour as clinic stories, with fixed times: beds that turn over
//! (DOMAIN.md "During a drip and after it": a bed is cleaned between
//! patients, a warning after 10 minutes), when the next bed frees and when
//! each drip patient can start, nurses' caseloads (about three patients
//! per nurse at a time), and a patient who asks not to be shown (DOMAIN.md
//! "Records (Japan)": a patient may ask not to be displayed).

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::beds::{BedState, bed_state, free_beds};
use super::caseload::{caseloads, over_after_reassign, over_after_start};
use super::forecast::{bed_forecast, estimates, next_bed, pace, wait_step};
use super::*;
use crate::config::Config;
use crate::domain::clinical::Entry;

/// 2026-11-21 at `h:m` in Tokyo.
fn t(h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Tokyo
        .with_ymd_and_hms(2026, 11, 21, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn mins(m: i64) -> Duration {
    Duration::minutes(m)
}

struct Clinic {
    board: Board,
    config: Config,
}

impl Clinic {
    fn new() -> Clinic {
        Clinic::with(Config::default())
    }

    fn with(config: Config) -> Clinic {
        Clinic {
            board: Board::default(),
            config,
        }
    }

    fn try_ctx(
        &mut self,
        now: DateTime<Utc>,
        at: Option<DateTime<Utc>>,
        command: Command,
    ) -> Result<VisitId, Rejection> {
        self.try_confirmed(now, at, command, false)
    }

    fn try_confirmed(
        &mut self,
        now: DateTime<Utc>,
        at: Option<DateTime<Utc>>,
        command: Command,
        confirmed: bool,
    ) -> Result<VisitId, Rejection> {
        let ctx = Context {
            now,
            at,
            operator: Some("KS".into()),
            confirmed,
        };
        let events = decide(&self.board, &self.config, &command, &ctx)?;
        let id = events[0].visit;
        for e in events {
            apply(&mut self.board, e);
        }
        Ok(id)
    }

    fn try_at(&mut self, now: DateTime<Utc>, command: Command) -> Result<VisitId, Rejection> {
        self.try_ctx(now, None, command)
    }

    fn at(&mut self, now: DateTime<Utc>, command: Command) -> VisitId {
        let shown = format!("{command:?}");
        self.try_at(now, command)
            .unwrap_or_else(|e| panic!("{shown} refused: {e}"))
    }

    fn record(&mut self, now: DateTime<Utc>, visit: VisitId, entry: Entry) {
        self.at(now, Command::Record { visit, entry });
    }

    fn arrive(&mut self, now: DateTime<Utc>, name: &str, treatment: &str) -> VisitId {
        self.at(
            now,
            Command::Arrive {
                name: name.into(),
                treatment: treatment.into(),
                chart_no: None,
                key: None,
                do_not_display: false,
            },
        )
    }

    fn advance(&mut self, now: DateTime<Utc>, visit: VisitId, to: Stage, bed: Option<&str>) {
        self.try_advance(now, visit, to, bed)
            .unwrap_or_else(|e| panic!("{to} refused: {e}"));
    }

    fn try_advance(
        &mut self,
        now: DateTime<Utc>,
        visit: VisitId,
        to: Stage,
        bed: Option<&str>,
    ) -> Result<VisitId, Rejection> {
        self.try_ctx(
            now,
            None,
            Command::Advance {
                visit,
                to,
                bed: bed.map(str::to_string),
                lot: (to == Stage::Administration).then(|| crate::demo::lot("EX-1", now)),
            },
        )
    }

    /// Counselled by `nurse`'s plan (a first visit: the screening says
    /// so only when `first`), ready at `ready`.
    fn ready(
        &mut self,
        arrived: DateTime<Utc>,
        ready: DateTime<Utc>,
        name: &str,
        nurse: &str,
        yes: &[&str],
    ) -> VisitId {
        let v = self.arrive(arrived, name, "drip");
        self.advance(arrived + mins(2), v, Stage::Counselling, None);
        for entry in crate::demo::routine_counselling(&self.config, "drip", yes) {
            let entry = match entry {
                Entry::Plan { mut plan } => {
                    plan.nurse = nurse.into();
                    Entry::Plan { plan }
                }
                e => e,
            };
            self.record(ready, v, entry);
        }
        self.advance(ready, v, Stage::Ready, None);
        v
    }

    /// A drip patient of `nurse` lying on `bed` from `start`.
    fn on_drip(&mut self, start: DateTime<Utc>, name: &str, bed: &str, nurse: &str) -> VisitId {
        let v = self.ready(start - mins(30), start - mins(5), name, nurse, &[]);
        self.advance(start, v, Stage::Administration, Some(bed));
        v
    }

    /// Needle out at `out`, the drip checks ticked when they fell due.
    fn needle_out(&mut self, out: DateTime<Utc>, v: VisitId) {
        let visit = self.board.visit(v).unwrap().clone();
        for (at, entry) in crate::demo::routine_drip_checks(&self.config, &visit, out) {
            self.try_ctx(out, Some(at), Command::Record { visit: v, entry })
                .unwrap();
        }
        self.advance(out, v, Stage::Observation, None);
    }

    /// Needle out at `out`, then the discharge checklist and home at
    /// `home`.
    fn home(&mut self, out: DateTime<Utc>, home: DateTime<Utc>, v: VisitId) {
        self.needle_out(out, v);
        for (m, entry) in crate::demo::routine_discharge(5) {
            let at = (out + mins(m)).min(home);
            self.try_ctx(home, Some(at), Command::Record { visit: v, entry })
                .unwrap();
        }
        self.advance(home, v, Stage::Discharged, None);
    }

    fn bed_ready(&mut self, now: DateTime<Utc>, bed: &str) -> Result<VisitId, Rejection> {
        self.try_at(now, Command::BedReady { bed: bed.into() })
    }

    fn state(&self, bed: &str, now: DateTime<Utc>) -> BedState {
        bed_state(&self.board, &self.config, bed, now)
    }

    fn codes(&self, now: DateTime<Utc>) -> Vec<(AlertCode, String)> {
        alerts(&self.board, &self.config, now)
            .into_iter()
            .filter(|a| matches!(a.code, AlertCode::BedNotReady | AlertCode::Caseload))
            .map(|a| (a.code, a.detail))
            .collect()
    }
}

// ---- beds that turn over ---------------------------------------------------

#[test]
fn a_bed_its_patient_leaves_is_cleaned_before_the_next_drip_starts_on_it() {
    let mut c = Clinic::new();
    let a = c.on_drip(t(9, 0), "Sato Ken", "1", "KS");
    c.home(t(9, 30), t(9, 46), a);
    assert_eq!(
        c.state("1", t(9, 47)),
        BedState::Cleaning {
            since: t(9, 46),
            after: a
        }
    );
    assert!(!free_beds(&c.board, &c.config, t(9, 47)).any(|b| b == "1"));

    let b = c.ready(t(9, 20), t(9, 45), "Ito Sho", "KS", &[]);
    let refused = c
        .try_advance(t(9, 48), b, Stage::Administration, Some("1"))
        .unwrap_err();
    assert_eq!(refused.code(), "bed_cleaning");
    assert_eq!(
        refused.to_string(),
        "bed 1 is being cleaned (since 09:46): mark it ready first, or choose another bed"
    );

    // Marked ready: recorded on the visit that left the bed.
    assert_eq!(c.bed_ready(t(9, 52), "1").unwrap(), a);
    assert_eq!(c.state("1", t(9, 52)), BedState::Free);
    assert_eq!(c.board.visit(a).unwrap().care.bed_ready, Some(t(9, 52)));
    c.advance(t(9, 53), b, Stage::Administration, Some("1"));
    assert_eq!(c.state("1", t(9, 53)), BedState::Occupied { visit: b });
}

#[test]
fn a_bed_still_not_ready_ten_minutes_after_its_patient_left_raises_a_warning() {
    let mut c = Clinic::new();
    let a = c.on_drip(t(9, 0), "Sato Ken", "2", "KS");
    c.home(t(9, 30), t(9, 46), a);
    assert!(c.codes(t(9, 55)).is_empty(), "nine minutes: no warning yet");
    let at_ten = alerts(&c.board, &c.config, t(9, 56));
    let warning = at_ten
        .iter()
        .find(|a| a.code == AlertCode::BedNotReady)
        .expect("a warning at ten minutes");
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!((warning.detail.as_str(), warning.minutes), ("2", 10));
    assert_eq!(warning.since, t(9, 56));
    c.bed_ready(t(9, 58), "2").unwrap();
    assert!(c.codes(t(10, 30)).is_empty(), "ready: the warning goes");
}

#[test]
fn a_patient_transferred_by_ambulance_leaves_the_bed_to_be_cleaned_too() {
    let mut c = Clinic::new();
    let a = c.on_drip(t(9, 0), "Takahashi Yui", "3", "KS");
    c.record(
        t(9, 4),
        a,
        Entry::Reaction {
            reaction: ReactionKind::Anaphylaxis,
            signs: "wheeze, hives".into(),
            action: "drip stopped".into(),
            stop_drip: false,
        },
    );
    c.at(
        t(9, 30),
        Command::Transfer {
            visit: a,
            reason: "ambulance".into(),
        },
    );
    assert!(matches!(c.state("3", t(9, 31)), BedState::Cleaning { .. }));
}

#[test]
fn a_clinic_that_does_not_track_cleaning_frees_the_bed_as_the_patient_leaves() {
    let mut config = Config::default();
    config.bed_cleaning.enabled = false;
    let mut c = Clinic::with(config);
    let a = c.on_drip(t(9, 0), "Sato Ken", "1", "KS");
    c.home(t(9, 30), t(9, 46), a);
    assert_eq!(c.state("1", t(9, 47)), BedState::Free);
    let refused = c.bed_ready(t(9, 47), "1").unwrap_err();
    assert!(refused.to_string().contains("not cleaned between patients"));
    // The bed given away: undoing the discharge cannot put A back on it.
    let b = c.on_drip(t(9, 50), "Ito Sho", "1", "KS");
    let err = c
        .try_at(
            t(9, 51),
            Command::Undo {
                visit: a,
                reason: Some("entered by mistake".into()),
            },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "bed 1 is occupied by Ito Sho");
    assert_eq!(c.state("1", t(9, 51)), BedState::Occupied { visit: b });
}

#[test]
fn a_bed_left_on_an_earlier_day_counts_as_cleaned_at_the_days_end() {
    let mut c = Clinic::new();
    let a = c.on_drip(t(17, 0), "Sato Ken", "1", "KS");
    c.home(t(17, 30), t(17, 50), a);
    assert!(matches!(c.state("1", t(23, 59)), BedState::Cleaning { .. }));
    let tomorrow = t(9, 0) + Duration::days(1);
    assert_eq!(c.state("1", tomorrow), BedState::Free);
}

#[test]
fn a_start_dated_inside_the_cleaning_is_refused_even_after_the_bed_was_ready() {
    let mut c = Clinic::new();
    let a = c.on_drip(t(9, 0), "Sato Ken", "1", "KS");
    c.home(t(9, 30), t(9, 46), a);
    c.bed_ready(t(9, 55), "1").unwrap();
    let b = c.ready(t(9, 20), t(9, 45), "Ito Sho", "KS", &[]);
    // Entered at 10:00, dated 09:50: the bed was being cleaned then.
    let refused = c
        .try_ctx(
            t(10, 0),
            Some(t(9, 50)),
            Command::Advance {
                visit: b,
                to: Stage::Administration,
                bed: Some("1".into()),
                lot: Some(crate::demo::lot("EX-1", t(10, 0))),
            },
        )
        .unwrap_err();
    assert_eq!(refused.code(), "bed_cleaning");
    // A ready dated before the patient left is out of order.
    let c2 = &mut Clinic::new();
    let a2 = c2.on_drip(t(9, 0), "Sato Ken", "1", "KS");
    c2.home(t(9, 30), t(9, 46), a2);
    assert!(
        c2.try_ctx(
            t(9, 50),
            Some(t(9, 40)),
            Command::BedReady { bed: "1".into() }
        )
        .is_err()
    );
}

#[test]
fn marking_a_bed_ready_says_why_not_when_it_is_free_occupied_or_unknown() {
    let mut c = Clinic::new();
    assert_eq!(
        c.bed_ready(t(9, 0), "1").unwrap_err().to_string(),
        "bed 1 is not being cleaned: it is free"
    );
    c.on_drip(t(9, 0), "Sato Ken", "1", "KS");
    assert_eq!(
        c.bed_ready(t(9, 5), "1").unwrap_err().to_string(),
        "bed 1 is occupied by Sato Ken: it is cleaned after they leave"
    );
    assert_eq!(c.bed_ready(t(9, 5), "9").unwrap_err().code(), "unknown_bed");
    // The entry itself goes through the bed's command, not a visit's.
    let v = c.arrive(t(9, 5), "Ito Sho", "drip");
    let e = c
        .try_at(
            t(9, 6),
            Command::Record {
                visit: v,
                entry: Entry::BedReady { bed: "1".into() },
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("bed_ready"), "{e}");
}

#[test]
fn taking_back_a_ready_bed_is_refused_once_the_next_patient_lies_on_it() {
    let mut c = Clinic::new();
    let a = c.on_drip(t(9, 0), "Sato Ken", "1", "KS");
    c.home(t(9, 30), t(9, 46), a);
    c.bed_ready(t(9, 50), "1").unwrap();
    // Before anyone lies on it, the ready can be taken back.
    c.at(
        t(9, 51),
        Command::Undo {
            visit: a,
            reason: None,
        },
    );
    assert!(matches!(c.state("1", t(9, 51)), BedState::Cleaning { .. }));
    c.bed_ready(t(9, 52), "1").unwrap();
    c.on_drip(t(9, 55), "Ito Sho", "1", "KS");
    let err = c
        .try_at(
            t(9, 56),
            Command::Undo {
                visit: a,
                reason: None,
            },
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "bed 1 was given to Ito Sho at 09:55: this would put them on a bed not yet cleaned after Sato Ken"
    );
}

// ---- when the next bed frees ------------------------------------------------

#[test]
fn the_next_bed_frees_after_the_drip_the_observation_and_the_cleaning() {
    let mut c = Clinic::new();
    // Four beds taken: drips of 30 minutes, 15 minutes of observation
    // (not a first session), 10 minutes of cleaning.
    for (i, start) in [t(9, 40), t(9, 30), t(9, 50), t(9, 45)].iter().enumerate() {
        let nurse = ["KS", "MT"][i % 2];
        c.on_drip(*start, &format!("P{i}"), &(i + 1).to_string(), nurse);
    }
    let f = bed_forecast(&c.board, &c.config, t(10, 0));
    let free: Vec<_> = f.iter().map(|b| b.free_at).collect();
    assert_eq!(
        free,
        vec![
            Some(t(10, 35)),
            Some(t(10, 25)),
            Some(t(10, 45)),
            Some(t(10, 40))
        ]
    );
    assert_eq!(next_bed(&f), Some(("2", t(10, 25))));
    // With a bed free, there is no "next bed": one is free now.
    c.config.beds.push("5".into());
    assert_eq!(next_bed(&bed_forecast(&c.board, &c.config, t(10, 0))), None);
}

#[test]
fn a_paused_drip_pushes_its_bed_back_by_the_pause() {
    let mut c = Clinic::new();
    let v = c.on_drip(t(9, 30), "Sato Ken", "1", "KS");
    c.record(
        t(9, 40),
        v,
        Entry::Pause {
            reason: "toilet".into(),
            reaction: None,
        },
    );
    // Paused 5 minutes so far: counted as resuming now.
    let at = |c: &Clinic, now| bed_forecast(&c.board, &c.config, now)[0].free_at;
    assert_eq!(at(&c, t(9, 45)), Some(t(10, 30)));
    assert_eq!(at(&c, t(9, 50)), Some(t(10, 35)), "the pause still runs");
    c.record(t(9, 52), v, Entry::Resume);
    assert_eq!(
        at(&c, t(10, 0)),
        Some(t(10, 37)),
        "12 minutes paused in all"
    );
}

#[test]
fn while_a_reaction_is_open_nobody_can_say_when_the_bed_frees() {
    let mut c = Clinic::new();
    let v = c.on_drip(t(9, 30), "Sato Ken", "1", "KS");
    c.record(
        t(9, 40),
        v,
        Entry::Reaction {
            reaction: ReactionKind::Vasovagal,
            signs: "pale, sweating".into(),
            action: "lie flat".into(),
            stop_drip: true,
        },
    );
    assert_eq!(bed_forecast(&c.board, &c.config, t(9, 45))[0].free_at, None);
    // Symptom-free at 09:55: observed until 15 minutes after (10:10),
    // then cleaned.
    c.record(
        t(9, 54),
        v,
        Entry::Vitals {
            vitals: crate::domain::clinical::Vitals {
                systolic: 118,
                diastolic: 74,
                pulse: 70,
                spo2: 98,
                temperature: 36.5,
                respiratory_rate: 14,
                consciousness: crate::domain::clinical::Consciousness::Alert,
            },
        },
    );
    c.record(t(9, 55), v, Entry::SymptomFree);
    assert_eq!(
        bed_forecast(&c.board, &c.config, t(9, 56))[0].free_at,
        Some(t(10, 20))
    );
}

#[test]
fn an_allergic_reaction_holds_the_bed_an_hour_from_the_reaction() {
    let mut c = Clinic::new();
    let v = c.on_drip(t(9, 30), "Inoue Kai", "1", "KS");
    c.record(
        t(9, 35),
        v,
        Entry::Reaction {
            reaction: ReactionKind::Allergic,
            signs: "hives".into(),
            action: "doctor called".into(),
            stop_drip: false,
        },
    );
    c.record(
        t(9, 36),
        v,
        Entry::DoctorPresent {
            doctor: "Dr. Mori".into(),
        },
    );
    c.at(
        t(9, 40),
        Command::StopEarly {
            visit: v,
            reason: "allergic reaction".into(),
            volume_ml: Some(4.0),
        },
    );
    c.record(
        t(9, 50),
        v,
        Entry::Vitals {
            vitals: crate::domain::clinical::Vitals {
                systolic: 120,
                diastolic: 76,
                pulse: 72,
                spo2: 98,
                temperature: 36.6,
                respiratory_rate: 14,
                consciousness: crate::domain::clinical::Consciousness::Alert,
            },
        },
    );
    c.record(t(9, 50), v, Entry::SymptomFree);
    // DOMAIN.md: observation at least 60 minutes after an allergic
    // reaction, from the needle out or the reaction (10:40), then cleaning.
    assert_eq!(
        bed_forecast(&c.board, &c.config, t(10, 0))[0].free_at,
        Some(t(10, 50))
    );
}

#[test]
fn ready_patients_get_the_first_beds_and_counselled_ones_follow_at_todays_pace() {
    let mut c = Clinic::new();
    c.config.beds = vec!["1".into(), "2".into()];
    c.on_drip(t(9, 30), "P1", "1", "KS"); // free 10:25
    c.on_drip(t(9, 45), "P2", "2", "KS"); // free 10:40
    // Ready since 09:55 and 09:58: first come, first bed.
    let r1 = c.ready(t(9, 20), t(9, 55), "R1", "KS", &[]);
    let r2 = c.ready(t(9, 25), t(9, 58), "R2", "KS", &[]);
    // In counselling since 09:50. Today's counsellings took 23, 23, 31
    // and 33 minutes: 27 is the median of the day.
    let w = c.arrive(t(9, 45), "W1", "drip");
    c.advance(t(9, 50), w, Stage::Counselling, None);
    let e = estimates(&c.board, &c.config, t(10, 0));
    let start = |v| e.iter().find(|x| x.visit == v).and_then(|x| x.start);
    assert_eq!(start(r1), Some(t(10, 25)));
    assert_eq!(start(r2), Some(t(10, 40)));
    let p = pace(&c.board, &c.config, t(10, 0));
    assert_eq!(p.counselling, Some(mins(27)));
    // W1 is ready at 10:17, but R1 and R2 hold the beds: R1 from 10:25
    // for 30 minutes of drip, 15 of observation, 10 of cleaning.
    assert_eq!(start(w), Some(t(11, 20)));
    assert_eq!(
        e.iter().map(|x| x.visit).collect::<Vec<_>>(),
        vec![r1, r2, w],
        "ready, then counselling"
    );
}

#[test]
fn before_any_counselling_has_finished_today_a_waiting_patient_gets_no_estimate() {
    let mut c = Clinic::new();
    let v = c.arrive(t(9, 0), "First of the day", "drip");
    let e = estimates(&c.board, &c.config, t(9, 5));
    assert_eq!(
        e,
        vec![forecast::Estimate {
            visit: v,
            start: None,
            bed: None
        }]
    );
}

#[test]
fn nobody_behind_a_bed_nobody_can_forecast_gets_a_time() {
    let mut c = Clinic::new();
    c.config.beds = vec!["1".into()];
    let a = c.on_drip(t(9, 30), "Sato Ken", "1", "KS");
    c.record(
        t(9, 40),
        a,
        Entry::Reaction {
            reaction: ReactionKind::Anaphylaxis,
            signs: "wheeze".into(),
            action: "adrenaline".into(),
            stop_drip: false,
        },
    );
    let r = c.ready(t(9, 20), t(9, 45), "Ito Sho", "KS", &[]);
    let e = estimates(&c.board, &c.config, t(9, 50));
    assert_eq!(e[0].visit, r);
    assert_eq!(e[0].start, None);
}

#[test]
fn a_booking_joins_the_queue_until_it_is_late() {
    let mut c = Clinic::new();
    c.ready(t(9, 0), t(9, 20), "R1", "KS", &[]); // the day's pace
    let booked = c.at(
        t(8, 0),
        Command::Expect {
            name: "Booked".into(),
            treatment: "drip".into(),
            chart_no: None,
            expected_at: t(10, 30),
            key: None,
        },
    );
    let in_queue = |now| {
        estimates(&c.board, &c.config, now)
            .iter()
            .any(|e| e.visit == booked)
    };
    assert!(in_queue(t(10, 0)));
    assert!(in_queue(t(10, 45)), "within the 15 minutes' grace");
    assert!(!in_queue(t(10, 46)), "late: out of the forecast");
}

#[test]
fn the_wall_reads_a_wait_in_five_minute_steps_never_sooner_than_the_estimate() {
    let now = t(10, 0);
    assert_eq!(wait_step(now, now), 0);
    assert_eq!(wait_step(now - mins(3), now), 0);
    assert_eq!(wait_step(now + Duration::seconds(20), now), 5);
    assert_eq!(wait_step(now + mins(5), now), 5);
    assert_eq!(wait_step(now + mins(11), now), 15);
    assert_eq!(wait_step(now + mins(15), now), 15);
    assert_eq!(wait_step(now + mins(61), now), 65);
}

// ---- nurses' caseloads -------------------------------------------------------

/// DOMAIN.md "During a drip and after it": about three patients per nurse
/// at any one time; a warning when one nurse has more than 3 drips running.
#[test]
fn a_fourth_drip_for_one_nurse_is_asked_to_be_confirmed_before_it_starts_and_stays_a_warning() {
    let mut c = Clinic::new();
    c.config.beds = (1..=6).map(|n| n.to_string()).collect();
    for (i, bed) in ["1", "2", "3"].iter().enumerate() {
        c.on_drip(t(9, 10 * i as u32), &format!("P{i}"), bed, "KS");
    }
    let fourth = c.ready(t(9, 0), t(9, 30), "P3", "KS", &[]);
    let other = c.ready(t(9, 0), t(9, 30), "P4", "MT", &[]);
    assert_eq!(
        over_after_start(&c.board, &c.config, fourth),
        Some(("KS".to_string(), 4))
    );
    assert_eq!(over_after_start(&c.board, &c.config, other), None);
    assert!(
        c.codes(t(9, 35)).is_empty(),
        "three drips: within the limit"
    );
    // The start says so before it happens, and records nothing.
    let start = |bed: &str| Command::Advance {
        visit: fourth,
        to: Stage::Administration,
        bed: Some(bed.into()),
        lot: Some(crate::demo::lot("EX-1", t(9, 35))),
    };
    let asked = c.try_at(t(9, 35), start("4")).unwrap_err();
    assert_eq!(asked.code(), "confirm_required");
    assert_eq!(
        asked.to_string(),
        "P3's drip would give KS 4 drips at once (the limit is 3): confirm to go ahead, or give a patient to another nurse"
    );
    assert_eq!(c.board.visit(fourth).unwrap().stage, Stage::Ready);
    // Confirmed, it is the nurse's call: started, and a warning while it
    // lasts (not a doubt on the record: nothing was entered after the act).
    c.try_confirmed(t(9, 35), None, start("4"), true).unwrap();
    let v = c.board.visit(fourth).unwrap();
    assert_eq!(v.stage, Stage::Administration);
    assert!(v.events.last().unwrap().doubt.is_none());
    assert_eq!(
        c.codes(t(9, 36)),
        vec![(AlertCode::Caseload, "KS".to_string())]
    );
    let load = caseloads(&c.board, &c.config);
    assert_eq!(load.len(), 1);
    assert_eq!((load[0].drips, load[0].over), (4, true));
    let alert = alerts(&c.board, &c.config, t(9, 36))
        .into_iter()
        .find(|a| a.code == AlertCode::Caseload)
        .unwrap();
    assert_eq!(alert.visit, fourth, "on the drip that took KS over");

    // Given to MT: an event; the caseload moves with the patient.
    assert_eq!(over_after_reassign(&c.board, &c.config, fourth, "MT"), None);
    c.record(t(9, 40), fourth, Entry::Reassigned { nurse: "MT".into() });
    assert!(c.codes(t(9, 41)).is_empty());
    let v = c.board.visit(fourth).unwrap();
    assert_eq!(v.care.nurse(), Some("MT"));
    assert!(v.events.iter().any(|e| e.kind.name() == "reassigned"));
    let load = caseloads(&c.board, &c.config);
    assert_eq!(
        load.iter()
            .map(|c| (c.nurse.as_str(), c.drips))
            .collect::<Vec<_>>(),
        vec![("KS", 3), ("MT", 1)]
    );
    // MT's patient given back to KS would make four again: asked first.
    let back = Command::Record {
        visit: fourth,
        entry: Entry::Reassigned { nurse: "KS".into() },
    };
    let asked = c.try_at(t(9, 42), back.clone()).unwrap_err();
    assert_eq!(asked.code(), "confirm_required");
    assert_eq!(c.board.visit(fourth).unwrap().care.nurse(), Some("MT"));
    // Nor does a patient in observation count as a drip for it.
    assert_eq!(over_after_start(&c.board, &c.config, other), None);
}

#[test]
fn patients_in_observation_count_on_the_nurses_list_but_not_as_drips() {
    let mut c = Clinic::new();
    let a = c.on_drip(t(9, 0), "A", "1", "KS");
    c.needle_out(t(9, 30), a);
    c.on_drip(t(9, 10), "B", "2", "KS");
    let load = caseloads(&c.board, &c.config);
    assert_eq!(load[0].observation, vec![a]);
    assert_eq!(load[0].administration.len(), 1);
    assert_eq!(load[0].drips, 1);
}

#[test]
fn with_a_staff_list_the_plans_nurse_is_a_nurse_on_it() {
    use crate::config::{StaffMember, StaffRole};
    let mut c = Clinic::new();
    c.config.staff = vec![
        StaffMember {
            initials: "MK".into(),
            name: "Dr. Mori Kenji".into(),
            role: StaffRole::Doctor,
            unix_user: None,
        },
        StaffMember {
            initials: "KS".into(),
            name: "Kato Sachiko".into(),
            role: StaffRole::Nurse,
            unix_user: None,
        },
        StaffMember {
            initials: "MT".into(),
            name: "Matsui Taro".into(),
            role: StaffRole::Nurse,
            unix_user: None,
        },
    ];
    let v = c.arrive(t(9, 0), "Sato Ken", "drip");
    c.advance(t(9, 2), v, Stage::Counselling, None);
    let mut plan = match crate::demo::routine_counselling(&c.config, "drip", &[])
        .into_iter()
        .find(|e| matches!(e, Entry::Plan { .. }))
    {
        Some(Entry::Plan { plan }) => plan,
        _ => unreachable!(),
    };
    plan.nurse = "Nobody".into();
    let refused = c
        .try_at(
            t(9, 5),
            Command::Record {
                visit: v,
                entry: Entry::Plan { plan: plan.clone() },
            },
        )
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "\"Nobody\" is not on the staff list as a nurse: the nurses are KS, MT"
    );
    plan.nurse = "MK".into();
    assert_eq!(
        c.try_at(
            t(9, 5),
            Command::Record {
                visit: v,
                entry: Entry::Plan { plan: plan.clone() },
            },
        )
        .unwrap_err()
        .code(),
        "unknown_nurse",
        "a doctor is not a nurse on the list"
    );
    plan.nurse = "ks".into();
    c.record(t(9, 5), v, Entry::Plan { plan });
    assert_eq!(
        c.board.visit(v).unwrap().care.nurse(),
        Some("Kato Sachiko"),
        "the record keeps the name"
    );
    assert_eq!(
        crate::domain::caseload::initials(&c.config, "Kato Sachiko"),
        Some("KS")
    );
    // Reassigning names a nurse on the list too, and another one.
    let same = c
        .try_at(
            t(9, 6),
            Command::Record {
                visit: v,
                entry: Entry::Reassigned { nurse: "KS".into() },
            },
        )
        .unwrap_err();
    assert_eq!(
        same.to_string(),
        "Sato Ken is already Kato Sachiko's patient"
    );
    c.record(t(9, 6), v, Entry::Reassigned { nurse: "MT".into() });
    assert_eq!(c.board.visit(v).unwrap().care.nurse(), Some("Matsui Taro"));
}

#[test]
fn a_patient_without_a_plan_has_no_nurse_to_reassign_from() {
    let mut c = Clinic::new();
    let v = c.arrive(t(9, 0), "Sato Ken", "drip");
    let e = c
        .try_at(
            t(9, 1),
            Command::Record {
                visit: v,
                entry: Entry::Reassigned { nurse: "MT".into() },
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "not_now");
}

// ---- not on the wall -------------------------------------------------------------

#[test]
fn a_patient_who_asks_at_arrival_not_to_be_shown_is_marked_and_may_take_it_back() {
    let mut c = Clinic::new();
    let v = c.at(
        t(9, 0),
        Command::Arrive {
            name: "Kobayashi Ren".into(),
            treatment: "face".into(),
            chart_no: None,
            key: None,
            do_not_display: true,
        },
    );
    let visit = c.board.visit(v).unwrap();
    assert!(visit.care.do_not_display);
    assert_eq!(visit.ticket, 1, "a reception number all the same");
    // The staff board marks them so nobody calls the name aloud.
    assert!(badges(visit, &c.config).contains(&Badge::NotShown));
    let twice = c
        .try_at(
            t(9, 1),
            Command::Record {
                visit: v,
                entry: Entry::DoNotDisplay { on: true },
            },
        )
        .unwrap_err();
    assert_eq!(
        twice.to_string(),
        "Kobayashi Ren is already not shown on the wall"
    );
    c.record(t(9, 2), v, Entry::DoNotDisplay { on: false });
    assert!(!c.board.visit(v).unwrap().care.do_not_display);
    assert!(!badges(c.board.visit(v).unwrap(), &c.config).contains(&Badge::NotShown));
    // Later in the visit, asked again.
    c.record(t(9, 10), v, Entry::DoNotDisplay { on: true });
    assert!(c.board.visit(v).unwrap().care.do_not_display);
    // Undo takes back the last of them.
    c.at(
        t(9, 11),
        Command::Undo {
            visit: v,
            reason: None,
        },
    );
    assert!(!c.board.visit(v).unwrap().care.do_not_display);
}

#[test]
fn a_patient_who_left_cannot_be_marked_any_more() {
    let mut c = Clinic::new();
    let v = c.arrive(t(9, 0), "Kobayashi Ren", "face");
    c.at(
        t(9, 5),
        Command::Cancel {
            visit: v,
            reason: "left".into(),
        },
    );
    let e = c
        .try_at(
            t(9, 6),
            Command::Record {
                visit: v,
                entry: Entry::DoNotDisplay { on: true },
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "closed");
}
