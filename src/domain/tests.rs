//! The board's rules as clinic stories, with fixed times. Where a rule comes
//! from DOMAIN.md, the test says which fact.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::config::Config;

/// 2026-11-21 09:00 in Tokyo.
fn nine() -> DateTime<Utc> {
    chrono_tz::Asia::Tokyo
        .with_ymd_and_hms(2026, 11, 21, 9, 0, 0)
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
        Clinic {
            board: Board::default(),
            config: Config::default(),
        }
    }

    fn try_at(&mut self, now: DateTime<Utc>, command: Command) -> Result<VisitId, Rejection> {
        self.try_ctx(
            Context {
                now,
                at: None,
                operator: None,
                confirmed: false,
            },
            command,
        )
    }

    fn try_ctx(&mut self, ctx: Context, command: Command) -> Result<VisitId, Rejection> {
        let events = decide(&self.board, &self.config, &command, &ctx)?;
        let id = events[0].visit;
        for e in events {
            apply(&mut self.board, e);
        }
        Ok(id)
    }

    fn at(&mut self, now: DateTime<Utc>, command: Command) -> VisitId {
        self.try_at(now, command).expect("command accepted")
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

    /// Moves a visit on, doing first what the move needs when all is in
    /// order: a routine counselling before Ready, a lot for
    /// administration, the discharge checklist before discharge.
    fn advance(&mut self, now: DateTime<Utc>, visit: VisitId, to: Stage, bed: Option<&str>) {
        match to {
            Stage::Ready => {
                let treatment = self.board.visit(visit).unwrap().treatment.clone();
                for entry in crate::demo::routine_counselling(&self.config, &treatment, &[]) {
                    self.record(now, visit, entry);
                }
            }
            Stage::Observation => {
                let v = self.board.visit(visit).unwrap().clone();
                for (at, entry) in crate::demo::routine_drip_checks(&self.config, &v, now) {
                    self.record_at(now, at, visit, entry);
                }
            }
            Stage::Discharged => {
                let needle_out = self.board.visit(visit).unwrap().stage_since;
                for (m, entry) in crate::demo::routine_discharge(5) {
                    self.record_at(
                        now,
                        needle_out + mins(m).min(now - needle_out),
                        visit,
                        entry,
                    );
                }
            }
            _ => {}
        }
        self.at(
            now,
            Command::Advance {
                visit,
                to,
                bed: bed.map(str::to_string),
                lot: (to == Stage::Administration).then(|| crate::demo::lot("EX-1", now)),
            },
        );
    }

    fn record(&mut self, now: DateTime<Utc>, visit: VisitId, entry: Entry) {
        self.at(now, Command::Record { visit, entry });
    }

    fn record_at(&mut self, now: DateTime<Utc>, at: DateTime<Utc>, visit: VisitId, entry: Entry) {
        self.try_ctx(
            Context {
                now,
                at: Some(at),
                operator: None,
                confirmed: false,
            },
            Command::Record { visit, entry },
        )
        .expect("entry accepted");
    }

    /// A patient taken to the start of administration at `start`.
    fn on_drip(&mut self, start: DateTime<Utc>, name: &str, bed: &str) -> VisitId {
        let v = self.arrive(start - mins(30), name, "drip");
        self.advance(start - mins(25), v, Stage::Counselling, None);
        self.advance(start - mins(5), v, Stage::Ready, None);
        self.advance(start, v, Stage::Administration, Some(bed));
        v
    }

    fn stage(&self, v: VisitId) -> Stage {
        self.board.visit(v).unwrap().stage
    }

    /// The alerts of a visit, leaving out the drip-check reminders (they
    /// have tests of their own).
    fn codes(&self, v: VisitId, now: DateTime<Utc>) -> Vec<(Severity, AlertCode)> {
        visit_alerts(self.board.visit(v).unwrap(), &self.config, now)
            .into_iter()
            .map(|a| (a.severity, a.code))
            .filter(|(_, code)| *code != AlertCode::DripCheckDue)
            .collect()
    }
}

#[test]
fn a_patient_walks_the_whole_flow_and_each_stage_starts_its_own_clock() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "Tanaka Yuki", "drip");
    assert_eq!(c.stage(v), Stage::Waiting);
    c.advance(nine() + mins(5), v, Stage::Counselling, None);
    c.advance(nine() + mins(20), v, Stage::Ready, None);
    c.advance(nine() + mins(25), v, Stage::Administration, Some("2"));
    let visit = c.board.visit(v).unwrap();
    assert_eq!(visit.stage, Stage::Administration);
    assert_eq!(visit.bed.as_deref(), Some("2"));
    assert_eq!(visit.stage_since, nine() + mins(25));
    c.advance(nine() + mins(55), v, Stage::Observation, None);
    c.advance(nine() + mins(70), v, Stage::Discharged, None);
    let visit = c.board.visit(v).unwrap();
    assert_eq!(visit.stage, Stage::Discharged);
    assert_eq!(visit.bed, None, "discharge frees the bed");
    let moves = visit
        .events
        .iter()
        .filter(|e| !matches!(e.kind, EventKind::Recorded { .. }))
        .count();
    assert_eq!(moves, 6, "arrival and five moves");
}

#[test]
fn administration_before_counselling_is_refused_with_the_reason() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "Sato", "face");
    let err = c
        .try_at(
            nine() + mins(1),
            Command::Advance {
                visit: v,
                to: Stage::Administration,
                bed: None,
                lot: Some(crate::demo::lot("EX-1", nine())),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "needs_counselling");
    assert!(err.to_string().contains("needs counselling first"), "{err}");
    assert_eq!(
        c.stage(v),
        Stage::Waiting,
        "a rejected command changes nothing"
    );
}

#[test]
fn skipping_a_stage_names_the_next_one() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "Sato", "face");
    c.advance(nine(), v, Stage::Counselling, None);
    let err = c
        .try_at(
            nine(),
            Command::Advance {
                visit: v,
                to: Stage::Observation,
                bed: None,
                lot: None,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("the next stage is ready"), "{err}");
}

#[test]
fn two_terminals_pressing_enter_at_once_move_the_patient_only_once() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "Sato", "face");
    c.advance(nine(), v, Stage::Counselling, None);
    let second = c.try_at(
        nine(),
        Command::Advance {
            visit: v,
            to: Stage::Counselling,
            bed: None,
            lot: None,
        },
    );
    assert_eq!(second.unwrap_err().code(), "already_there");
    assert_eq!(c.stage(v), Stage::Counselling);
}

#[test]
fn a_drip_needs_a_bed_and_is_told_which_are_free() {
    // DOMAIN.md: the IV drip is given lying on a bed.
    let mut c = Clinic::new();
    c.on_drip(nine(), "A", "1");
    let v = c.arrive(nine(), "B", "drip");
    c.advance(nine(), v, Stage::Counselling, None);
    c.advance(nine(), v, Stage::Ready, None);
    let err = c
        .try_at(
            nine(),
            Command::Advance {
                visit: v,
                to: Stage::Administration,
                bed: None,
                lot: Some(crate::demo::lot("EX-1", nine())),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "bed_required");
    assert!(err.to_string().contains("(2, 3, 4)"), "{err}");
}

#[test]
fn a_second_patient_in_an_occupied_bed_is_refused() {
    let mut c = Clinic::new();
    c.on_drip(nine(), "Yamada Hanako", "1");
    let v = c.arrive(nine(), "B", "drip");
    c.advance(nine(), v, Stage::Counselling, None);
    c.advance(nine(), v, Stage::Ready, None);
    let err = c
        .try_at(
            nine() + mins(1),
            Command::Advance {
                visit: v,
                to: Stage::Administration,
                bed: Some("1".into()),
                lot: Some(crate::demo::lot("EX-1", nine())),
            },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "bed 1 is occupied by Yamada Hanako");
}

#[test]
fn a_bed_that_does_not_exist_is_refused() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "B", "drip");
    c.advance(nine(), v, Stage::Counselling, None);
    c.advance(nine(), v, Stage::Ready, None);
    let err = c
        .try_at(
            nine(),
            Command::Advance {
                visit: v,
                to: Stage::Administration,
                bed: Some("9".into()),
                lot: Some(crate::demo::lot("EX-1", nine())),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "unknown_bed");
}

#[test]
fn an_injection_may_be_given_without_a_bed() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "Sato", "scalp");
    c.advance(nine(), v, Stage::Counselling, None);
    c.advance(nine(), v, Stage::Ready, None);
    c.advance(nine(), v, Stage::Administration, None);
    assert_eq!(c.stage(v), Stage::Administration);
}

#[test]
fn the_bed_is_kept_during_observation_and_freed_at_discharge() {
    // The patient stays lying down while observed for a vasovagal reaction
    // (DOMAIN.md "Vasovagal reaction": lie flat).
    let mut c = Clinic::new();
    let v = c.on_drip(nine(), "A", "3");
    c.advance(nine() + mins(30), v, Stage::Observation, None);
    assert_eq!(c.board.occupant("3").map(|o| o.id), Some(v));
    c.advance(nine() + mins(45), v, Stage::Discharged, None);
    assert!(c.board.occupant("3").is_none());
}

#[test]
fn unknown_treatment_lists_the_known_ones() {
    let mut c = Clinic::new();
    let err = c
        .try_at(
            nine(),
            Command::Arrive {
                name: "A".into(),
                treatment: "botox".into(),
                chart_no: None,
                key: None,
                do_not_display: false,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("drip, face, scalp"), "{err}");
}

#[test]
fn a_name_with_escape_sequences_is_stored_clean_and_an_empty_one_refused() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "\u{1b}[2J\u{1b}[31m山田\u{3000}花子\u{7}", "drip");
    assert_eq!(c.board.visit(v).unwrap().name, "山田\u{3000}花子");
    let err = c
        .try_at(
            nine(),
            Command::Arrive {
                name: "\u{1b}[0m  ".into(),
                treatment: "drip".into(),
                chart_no: None,
                key: None,
                do_not_display: false,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "empty_name");
}

#[test]
fn reception_numbers_count_from_one_each_clinic_day() {
    let mut c = Clinic::new();
    let a = c.arrive(nine(), "A", "drip");
    let b = c.arrive(nine() + mins(1), "B", "drip");
    let next_day = c.arrive(nine() + Duration::days(1), "C", "drip");
    let ticket = |v| c.board.visit(v).unwrap().ticket;
    assert_eq!((ticket(a), ticket(b), ticket(next_day)), (1, 2, 1));
}

#[test]
fn cancel_needs_a_reason_and_frees_the_bed() {
    let mut c = Clinic::new();
    let v = c.on_drip(nine(), "A", "1");
    let err = c
        .try_at(
            nine(),
            Command::Cancel {
                visit: v,
                reason: " ".into(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "empty_reason");
    c.at(
        nine() + mins(2),
        Command::Cancel {
            visit: v,
            reason: "felt unwell, went home".into(),
        },
    );
    let visit = c.board.visit(v).unwrap();
    assert_eq!(visit.stage, Stage::Cancelled);
    assert_eq!(visit.exit_reason.as_deref(), Some("felt unwell, went home"));
    assert!(c.board.occupant("1").is_none());
}

#[test]
fn defer_is_only_before_administration() {
    // DOMAIN.md: a contraindication found at counselling -> deferred.
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "A", "drip");
    c.advance(nine(), v, Stage::Counselling, None);
    c.at(
        nine() + mins(10),
        Command::Defer {
            visit: v,
            reason: "pregnant".into(),
        },
    );
    assert_eq!(c.stage(v), Stage::Deferred);
    let w = c.on_drip(nine(), "B", "1");
    let err = c
        .try_at(
            nine() + mins(1),
            Command::Defer {
                visit: w,
                reason: "x".into(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "illegal_move");
}

#[test]
fn nothing_can_be_done_to_a_closed_visit() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "A", "drip");
    c.at(
        nine(),
        Command::Cancel {
            visit: v,
            reason: "no-show".into(),
        },
    );
    let err = c
        .try_at(
            nine(),
            Command::Advance {
                visit: v,
                to: Stage::Counselling,
                bed: None,
                lot: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "closed");
}

#[test]
fn transfer_from_administration_is_an_exit() {
    let mut c = Clinic::new();
    let v = c.on_drip(nine(), "A", "1");
    c.at(
        nine() + mins(3),
        Command::Transfer {
            visit: v,
            reason: "anaphylaxis, ambulance".into(),
        },
    );
    assert_eq!(c.stage(v), Stage::Transferred);
}

#[test]
fn undo_returns_to_the_previous_stage_and_keeps_both_events() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "A", "drip");
    c.advance(nine() + mins(5), v, Stage::Counselling, None);
    c.at(
        nine() + mins(6),
        Command::Undo {
            visit: v,
            reason: Some("entered by mistake".into()),
        },
    );
    let visit = c.board.visit(v).unwrap();
    assert_eq!(visit.stage, Stage::Waiting);
    assert_eq!(
        visit.stage_since,
        nine(),
        "the waiting clock runs from arrival again"
    );
    assert_eq!(visit.events.len(), 3, "nothing is deleted");
    assert_eq!(
        visit.events[2].kind,
        EventKind::Reverted {
            target: 2,
            reason: Some("entered by mistake".into())
        },
        "the undo says why"
    );
}

#[test]
fn undo_twice_walks_back_two_actions_and_not_past_the_arrival() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "A", "drip");
    c.advance(nine(), v, Stage::Counselling, None);
    c.record(
        nine(),
        v,
        crate::demo::routine_counselling(&c.config, "drip", &[])
            .pop()
            .unwrap(),
    );
    assert_eq!(c.board.visit(v).unwrap().care.vitals.len(), 1);
    c.at(
        nine(),
        Command::Undo {
            visit: v,
            reason: Some("entered by mistake".into()),
        },
    );
    assert!(
        c.board.visit(v).unwrap().care.vitals.is_empty(),
        "the vitals entry is undone"
    );
    assert_eq!(c.stage(v), Stage::Counselling);
    c.at(
        nine(),
        Command::Undo {
            visit: v,
            reason: Some("entered by mistake".into()),
        },
    );
    assert_eq!(c.stage(v), Stage::Waiting);
    let err = c
        .try_at(
            nine(),
            Command::Undo {
                visit: v,
                reason: Some("entered by mistake".into()),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "nothing_to_undo");
}

#[test]
fn undo_of_a_discharge_is_refused_when_the_bed_was_given_away() {
    let mut c = Clinic::new();
    let a = c.on_drip(nine(), "A", "1");
    c.advance(nine() + mins(30), a, Stage::Observation, None);
    c.advance(nine() + mins(45), a, Stage::Discharged, None);
    c.at(nine() + mins(49), Command::BedReady { bed: "1".into() });
    c.on_drip(nine() + mins(50), "B", "1");
    let err = c
        .try_at(
            nine() + mins(51),
            Command::Undo {
                visit: a,
                reason: Some("entered by mistake".into()),
            },
        )
        .unwrap_err();
    // The last action on A is the bed marked ready: taking it back would
    // put B on a bed not cleaned after A.
    assert_eq!(
        err.to_string(),
        "bed 1 was given to B at 09:50: this would put them on a bed not yet cleaned after A"
    );
}

#[test]
fn undo_of_a_cancel_brings_the_patient_back() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "A", "drip");
    c.at(
        nine(),
        Command::Cancel {
            visit: v,
            reason: "wrong patient".into(),
        },
    );
    c.at(
        nine(),
        Command::Undo {
            visit: v,
            reason: Some("entered by mistake".into()),
        },
    );
    assert_eq!(c.stage(v), Stage::Waiting);
}

#[test]
fn an_entry_after_the_fact_keeps_both_times() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "A", "drip");
    c.try_ctx(
        Context {
            now: nine() + mins(20),
            at: Some(nine() + mins(5)),
            operator: Some("KS".into()),
            confirmed: false,
        },
        Command::Advance {
            visit: v,
            to: Stage::Counselling,
            bed: None,
            lot: None,
        },
    )
    .unwrap();
    let visit = c.board.visit(v).unwrap();
    assert_eq!(visit.stage_since, nine() + mins(5));
    let e = visit.events.last().unwrap();
    assert_eq!(e.at, nine() + mins(5));
    assert_eq!(e.recorded_at, nine() + mins(20));
    assert_eq!(e.operator.as_deref(), Some("KS"));
}

#[test]
fn an_entry_in_the_future_or_too_long_ago_is_refused() {
    let mut c = Clinic::new();
    let arrive_at = |c: &mut Clinic, at| {
        c.try_ctx(
            Context {
                now: nine(),
                at: Some(at),
                operator: None,
                confirmed: false,
            },
            Command::Arrive {
                name: "A".into(),
                treatment: "drip".into(),
                chart_no: None,
                key: None,
                do_not_display: false,
            },
        )
    };
    let err = arrive_at(&mut c, nine() + mins(1)).unwrap_err();
    assert_eq!(err.code(), "at_in_future");
    let err = arrive_at(&mut c, nine() - mins(721)).unwrap_err();
    assert_eq!(err.code(), "at_too_old");
    assert!(err.to_string().contains("720 minutes"), "{err}");
    assert!(arrive_at(&mut c, nine() - mins(720)).is_ok());
    assert!(
        c.board.visits.len() == 1,
        "only the accepted entry is recorded"
    );
}

#[test]
fn an_entry_dated_before_the_stage_began_is_refused() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "A", "drip");
    let err = c
        .try_ctx(
            Context {
                now: nine() + mins(10),
                at: Some(nine() - mins(1)),
                operator: None,
                confirmed: false,
            },
            Command::Advance {
                visit: v,
                to: Stage::Counselling,
                bed: None,
                lot: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "at_before_stage");
}

#[test]
fn parse_at_reads_clinic_local_times() {
    let tz = chrono_tz::Asia::Tokyo;
    assert_eq!(parse_at("08:30", tz, nine()).unwrap(), nine() - mins(30));
    assert_eq!(
        parse_at("2026-11-21T08:30:00+09:00", tz, nine()).unwrap(),
        nine() - mins(30)
    );
    assert!(
        parse_at("abc", tz, nine())
            .unwrap_err()
            .contains("use HH:MM")
    );
}

// ---- timers and alerts -------------------------------------------------

#[test]
fn a_drip_counts_down_from_its_expected_thirty_minutes() {
    // DOMAIN.md "The treatment": IV drip, about 30 minutes.
    let mut c = Clinic::new();
    let v = c.on_drip(nine(), "A", "1");
    let t = timer(c.board.visit(v).unwrap(), &c.config, nine() + mins(12));
    assert_eq!(t.elapsed_secs, 12 * 60);
    assert_eq!(t.remaining_secs, Some(18 * 60));
}

#[test]
fn drip_due_is_a_warning_to_remove_the_needle_and_check_hemostasis() {
    // DOMAIN.md "The flow of one visit": needle out, hemostasis confirmed.
    let mut c = Clinic::new();
    let v = c.on_drip(nine(), "A", "1");
    assert!(c.codes(v, nine() + mins(29)).is_empty());
    assert_eq!(
        c.codes(v, nine() + mins(30)),
        vec![(Severity::Warning, AlertCode::AdministrationDue)]
    );
    let alert = &visit_alerts(c.board.visit(v).unwrap(), &c.config, nine() + mins(30))[0];
    let text =
        crate::i18n::alert_message(crate::i18n::Lang::En, alert, Some(Route::Drip), &c.config);
    assert_eq!(text, "drip due: remove needle, check hemostasis");
}

#[test]
fn administration_overdue_turns_critical_after_the_configured_minutes() {
    let mut c = Clinic::new();
    let v = c.on_drip(nine(), "A", "1");
    assert_eq!(
        c.codes(v, nine() + mins(39)),
        vec![(Severity::Warning, AlertCode::AdministrationDue)]
    );
    assert_eq!(
        c.codes(v, nine() + mins(40)),
        vec![(Severity::Critical, AlertCode::AdministrationOverdue)]
    );
}

#[test]
fn observation_lasts_fifteen_minutes_then_says_ready_for_discharge() {
    // DOMAIN.md "Observation": 15 minutes for everyone.
    let mut c = Clinic::new();
    let v = c.on_drip(nine(), "A", "1");
    c.advance(nine() + mins(30), v, Stage::Observation, None);
    let t = timer(c.board.visit(v).unwrap(), &c.config, nine() + mins(40));
    assert_eq!(t.remaining_secs, Some(5 * 60));
    assert!(c.codes(v, nine() + mins(44)).is_empty());
    assert_eq!(
        c.codes(v, nine() + mins(45)),
        vec![(Severity::Info, AlertCode::ObservationComplete)]
    );
}

#[test]
fn discharge_overdue_is_a_warning_thirty_minutes_after_observation() {
    let mut c = Clinic::new();
    let v = c.on_drip(nine(), "A", "1");
    c.advance(nine() + mins(30), v, Stage::Observation, None);
    assert_eq!(
        c.codes(v, nine() + mins(75)),
        vec![(Severity::Warning, AlertCode::DischargeOverdue)]
    );
}

#[test]
fn waiting_too_long_warns_then_turns_critical() {
    let mut c = Clinic::new();
    let v = c.arrive(nine(), "A", "drip");
    assert!(c.codes(v, nine() + mins(19)).is_empty());
    assert_eq!(
        c.codes(v, nine() + mins(20)),
        vec![(Severity::Warning, AlertCode::WaitedTooLong)]
    );
    assert_eq!(
        c.codes(v, nine() + mins(40)),
        vec![(Severity::Critical, AlertCode::WaitedTooLong)]
    );
}

#[test]
fn each_waiting_stage_has_its_own_limit() {
    let mut c = Clinic::new();
    c.config.stages.ready.warn_minutes = 5;
    let v = c.arrive(nine(), "A", "drip");
    c.advance(nine(), v, Stage::Counselling, None);
    c.advance(nine(), v, Stage::Ready, None);
    assert_eq!(
        c.codes(v, nine() + mins(5)),
        vec![(Severity::Warning, AlertCode::WaitedTooLong)]
    );
}

#[test]
fn discharged_patients_raise_no_alerts() {
    let mut c = Clinic::new();
    let v = c.on_drip(nine(), "A", "1");
    c.advance(nine() + mins(30), v, Stage::Observation, None);
    c.advance(nine() + mins(45), v, Stage::Discharged, None);
    assert!(c.codes(v, nine() + mins(300)).is_empty());
}

#[test]
fn the_alert_list_puts_the_most_severe_first() {
    let mut c = Clinic::new();
    let waiting = c.arrive(nine(), "Waits", "drip");
    let drip = c.on_drip(nine() - mins(50), "Overdue", "1");
    let all = alerts(&c.board, &c.config, nine() + mins(25));
    assert_eq!(all[0].visit, drip);
    assert_eq!(all[0].severity, Severity::Critical);
    assert_eq!(all[1].visit, waiting);
}

#[test]
fn the_board_is_the_fold_of_its_log() {
    let mut c = Clinic::new();
    let v = c.on_drip(nine(), "A", "1");
    c.at(
        nine() + mins(1),
        Command::Undo {
            visit: v,
            reason: Some("entered by mistake".into()),
        },
    );
    c.arrive(nine(), "B", "face");
    let log: Vec<EventRecord> = {
        let mut all: Vec<EventRecord> = c
            .board
            .visits
            .values()
            .flat_map(|v| v.events.clone())
            .collect();
        all.sort_by_key(|e| e.seq);
        all
    };
    assert_eq!(replay(log), c.board);
}

#[test]
fn pruning_keeps_patients_in_the_clinic_and_new_ids_stay_unique() {
    let mut c = Clinic::new();
    let gone = c.arrive(nine(), "Gone", "face");
    c.at(
        nine(),
        Command::Cancel {
            visit: gone,
            reason: "left".into(),
        },
    );
    let still_here = c.arrive(nine(), "Overnight", "face");
    c.board.prune(nine() + mins(1));
    assert!(c.board.visit(gone).is_none());
    assert!(c.board.visit(still_here).is_some());
    let next = c.arrive(nine() + mins(2), "New", "face");
    assert_eq!(next, VisitId(3), "ids are never reused");
}
