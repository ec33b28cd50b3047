//! The visit protocol's rules, one clinic story each, at fixed times (the
//! fixture is the clinical tests': arrived 9:00, counselled 9:05-9:10,
//! ready 9:15, needle in 9:20, a drip's needle out 9:50). Each cites the
//! DOMAIN.md fact it encodes.

use super::clinical::{Consciousness, Entry, Plan, ReactionKind, Vitals};
use super::clinical_tests::{Clinic, mins, normal, t};
use super::moves::{self, Move};
use super::rules::{self, Missing, missing_for_discharge};
use super::*;
use crate::demo::routine_counselling;

fn shock() -> Vitals {
    // NEWS2 17: the example.
    Vitals {
        systolic: 82,
        diastolic: 50,
        pulse: 135,
        spo2: 86,
        temperature: 39.5,
        respiratory_rate: 26,
        consciousness: Consciousness::Confusion,
    }
}

fn needs(err: Rejection) -> Vec<Missing> {
    match err {
        Rejection::NotReady { missing, .. } | Rejection::Needs { missing, .. } => missing,
        other => panic!("not a missing list: {other:?}"),
    }
}

fn override_of(items: &[&str]) -> Entry {
    Entry::Override {
        doctor: "Dr. Mori".into(),
        reason: "letter on file".into(),
        items: items.iter().map(|i| i.to_string()).collect(),
    }
}

fn reaction(kind: ReactionKind) -> Entry {
    Entry::Reaction {
        reaction: kind,
        signs: "signs".into(),
        action: String::new(),
        stop_drip: false,
    }
}

fn plan(treatment: &str, weight: Option<f32>, age: Option<u32>) -> Entry {
    Entry::Plan {
        plan: Plan {
            treatment: treatment.into(),
            method: None,
            sites: Vec::new(),
            dose_ml: 5.0,
            product: "Exosome".into(),
            origin: None,
            nurse: "KS".into(),
            weight_kg: weight,
            age_years: age,
        },
    }
}

// ---- approvals are specific ------------------------------------------------

/// DOMAIN.md "Screening": a block answer stops the visit; only a doctor's
/// override with name and reason lets it — for the answers it names. A
/// "cancer under treatment" answered yes after an override for pregnancy
/// is not covered.
#[test]
fn an_override_for_pregnancy_does_not_let_through_cancer_answered_afterwards() {
    let mut c = Clinic::new();
    let v = c.counselled("A", "face", &["pregnant"]);
    c.record(t(9, 11), v, override_of(&["pregnant"]));
    let answers =
        routine_counselling(&c.config, "face", &["pregnant", "cancer_treatment"]).remove(0);
    c.record(t(9, 12), v, answers);
    let missing = needs(
        c.try_advance(t(9, 13), v, Stage::Ready, None, None)
            .unwrap_err(),
    );
    assert_eq!(
        missing,
        vec![Missing::Contraindication {
            items: vec!["cancer_treatment".into()]
        }]
    );
    // An override that names nothing is refused: it must say what it covers.
    let err = c.try_record(t(9, 14), v, override_of(&[])).unwrap_err();
    assert_eq!(err.code(), "invalid");
    c.record(t(9, 14), v, override_of(&["cancer_treatment"]));
    c.advance(t(9, 15), v, Stage::Ready);
}

/// DOMAIN.md "Screening": a caution needs the doctor's acknowledgement —
/// of the cautions it names; a new "yes" needs its own.
#[test]
fn a_caution_answered_yes_after_the_acknowledgement_needs_its_own() {
    let mut c = Clinic::new();
    let v = c.counselled("A", "drip", &["drug_allergy"]);
    let answers =
        routine_counselling(&c.config, "drip", &["drug_allergy", "vasovagal_history"]).remove(0);
    c.record(t(9, 11), v, answers);
    let missing = needs(
        c.try_advance(t(9, 12), v, Stage::Ready, None, None)
            .unwrap_err(),
    );
    assert_eq!(
        missing,
        vec![Missing::CautionAcknowledgement {
            items: vec!["vasovagal_history".into()]
        }]
    );
}

/// DOMAIN.md "Side effects": after an allergic reaction the doctor must
/// clear the discharge — a clearance covers the reactions before it.
#[test]
fn a_clearance_covers_the_reactions_before_it_not_a_later_one() {
    let mut c = Clinic::new();
    let v = c.observed("A", &[]);
    c.record(t(9, 52), v, reaction(ReactionKind::Allergic));
    c.record(t(9, 55), v, Entry::Vitals { vitals: normal() });
    c.record(t(9, 56), v, Entry::SymptomFree);
    c.record(
        t(9, 57),
        v,
        Entry::Clearance {
            doctor: "Dr. Mori".into(),
            reason: None,
        },
    );
    assert!(rules::covering_clearance(c.visit(v)).is_some());
    c.record(t(10, 0), v, reaction(ReactionKind::Allergic));
    assert!(rules::covering_clearance(c.visit(v)).is_none());
    assert!(
        missing_for_discharge(c.visit(v), &c.config, t(12, 0)).contains(&Missing::DoctorClearance)
    );
}

/// DOMAIN.md "Side effects": allergic -> call the doctor, pause the drip.
/// The doctor present before the reaction does not count: resuming needs
/// a doctor present since this reaction.
#[test]
fn resuming_a_drip_after_an_allergic_reaction_needs_the_doctor_present_since_that_reaction() {
    let mut c = Clinic::new();
    let v = c.on_treatment("A", "drip", &[]);
    c.record(
        t(9, 22),
        v,
        Entry::DoctorPresent {
            doctor: "Dr. Mori".into(),
        },
    );
    c.record(t(9, 25), v, reaction(ReactionKind::Allergic));
    let err = c.try_record(t(9, 26), v, Entry::Resume).unwrap_err();
    assert!(err.to_string().contains("the doctor decides"), "{err}");
    c.record(
        t(9, 27),
        v,
        Entry::DoctorPresent {
            doctor: "Dr. Mori".into(),
        },
    );
    c.record(t(9, 28), v, Entry::Resume);
}

// ---- dangerous vitals stop the start ---------------------------------------

/// DOMAIN.md "Vital signs": 37.5 C before treatment is an infection flag
/// that stops the start like a block answer; so do pre-treatment vitals at
/// a critical threshold. Defer, or a doctor's override naming them.
#[test]
fn critical_pre_treatment_vitals_or_a_fever_stop_the_start_until_a_doctor_overrides() {
    let mut c = Clinic::new();
    let v = c.counselled("A", "drip", &[]);
    c.advance(t(9, 15), v, Stage::Ready);
    c.record(t(9, 16), v, Entry::Vitals { vitals: shock() });
    let err = c
        .try_advance(
            t(9, 17),
            v,
            Stage::Administration,
            Some("1"),
            Some(lot("EX")),
        )
        .unwrap_err();
    assert_eq!(
        needs(err),
        vec![Missing::Contraindication {
            items: vec!["fever".into(), "vitals".into()]
        }]
    );
    // Covering one is not enough.
    c.record(t(9, 18), v, override_of(&["vitals"]));
    assert!(
        c.try_advance(
            t(9, 19),
            v,
            Stage::Administration,
            Some("1"),
            Some(lot("EX"))
        )
        .is_err()
    );
    c.record(t(9, 19), v, override_of(&["fever"]));
    c.advance(t(9, 20), v, Stage::Administration);
}

fn lot(n: &str) -> super::clinical::Lot {
    super::clinical::Lot {
        number: n.into(),
        expiry: None,
    }
}

/// An entry after the fact is never lost: a fever reading dated before a
/// start already made is recorded once confirmed, and flagged.
#[test]
fn a_fever_reading_entered_after_the_start_is_confirmed_and_flagged_not_lost() {
    let mut c = Clinic::new();
    let v = c.on_treatment("A", "drip", &[]);
    let fever = Entry::Vitals {
        vitals: Vitals {
            temperature: 38.0,
            ..normal()
        },
    };
    let err = c
        .try_run_at(
            t(9, 25),
            Some(t(9, 18)),
            Command::Record {
                visit: v,
                entry: fever.clone(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "confirm_required");
    assert!(err.to_string().contains("would have stopped"), "{err}");
    let ctx = Context {
        now: t(9, 25),
        at: Some(t(9, 18)),
        operator: Some("KS".into()),
        confirmed: true,
    };
    let events = decide(
        &c.board,
        &c.config,
        &Command::Record {
            visit: v,
            entry: fever,
        },
        &ctx,
    )
    .unwrap();
    assert!(events[0].doubt.is_some());
    for e in events {
        apply(&mut c.board, e);
    }
    assert!(
        rules::badges(c.visit(v), &c.config)
            .iter()
            .any(|b| matches!(b, rules::Badge::Doubtful { .. }))
    );
    assert_eq!(
        c.visit(v).care.vitals.len(),
        2,
        "the reading is on the record"
    );
}

// ---- emergencies end only by their own exits -------------------------------

/// DOMAIN.md "Side effects": anaphylaxis blocks the discharge and its
/// exit is transfer; an allergic reaction needs the doctor's clearance.
/// "Went home" (cancel) is not an exit of either.
#[test]
fn a_patient_with_an_open_anaphylaxis_cannot_be_cancelled_or_deferred() {
    let mut c = Clinic::new();
    let v = c.on_treatment("A", "drip", &[]);
    c.record(t(9, 25), v, reaction(ReactionKind::Anaphylaxis));
    for command in [
        Command::Cancel {
            visit: v,
            reason: "went home".into(),
        },
        Command::Defer {
            visit: v,
            reason: "x".into(),
        },
    ] {
        assert!(c.try_run(t(9, 26), command).is_err());
    }
    assert!(!moves::offered(
        c.visit(v),
        &c.config,
        Move::Cancel,
        t(9, 26)
    ));
    c.run(
        t(9, 40),
        Command::Transfer {
            visit: v,
            reason: "ambulance".into(),
        },
    );
}

/// DOMAIN.md "Anaphylaxis": the exit is transfer; discharge home only with
/// a doctor's recorded reason, after the observation; a clinic may forbid
/// it altogether.
#[test]
fn after_anaphylaxis_going_home_needs_the_doctors_reason_or_is_forbidden() {
    for forbid in [false, true] {
        let mut c = Clinic::new();
        if forbid {
            c.config.policy.reactions.anaphylaxis_home = super::policy::AnaphylaxisHome::Never;
        }
        let v = c.observed("A", &[]);
        c.record(t(9, 51), v, reaction(ReactionKind::Anaphylaxis));
        c.record(
            t(9, 52),
            v,
            Entry::Adrenaline {
                dose_mg: 0.5,
                confirmed_by: None,
            },
        );
        c.record(t(10, 0), v, Entry::Vitals { vitals: normal() });
        c.record(t(10, 1), v, Entry::SymptomFree);
        c.record(t(12, 2), v, Entry::Vitals { vitals: normal() });
        for (m, e) in crate::demo::routine_discharge(5) {
            if !matches!(e, Entry::Vitals { .. }) {
                c.record_at(t(12, 10), t(9, 50) + mins(m), v, e);
            }
        }
        c.record(
            t(12, 5),
            v,
            Entry::Clearance {
                doctor: "Dr. Mori".into(),
                reason: None,
            },
        );
        let missing = missing_for_discharge(c.visit(v), &c.config, t(12, 10));
        let expected = if forbid {
            Missing::TransferOnly
        } else {
            Missing::DoctorReasonForHome
        };
        assert_eq!(missing, vec![expected]);
        c.record(
            t(12, 6),
            v,
            Entry::Clearance {
                doctor: "Dr. Mori".into(),
                reason: Some("one dose, stable 2 h, escorted home, auto-injector given".into()),
            },
        );
        let ok = c
            .try_advance(t(12, 10), v, Stage::Discharged, None, None)
            .is_ok();
        assert_eq!(ok, !forbid);
    }
}

/// Undo of a reaction needs a reason, takes back what it brought with it
/// (an anaphylaxis and the drip it stopped go together), and stays listed:
/// the board never looks safer than anyone recorded.
#[test]
fn undoing_an_anaphylaxis_needs_a_reason_brings_the_drip_back_and_stays_listed() {
    let mut c = Clinic::new();
    let v = c.on_treatment("A", "drip", &[]);
    c.record(t(9, 25), v, reaction(ReactionKind::Anaphylaxis));
    assert_eq!(c.visit(v).stage, Stage::Observation, "the drip stopped");
    assert!(moves::undo_needs_reason(c.visit(v)));
    let err = c
        .try_run(
            t(9, 26),
            Command::Undo {
                visit: v,
                reason: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "reason_required");
    c.run(
        t(9, 26),
        Command::Undo {
            visit: v,
            reason: Some("wrong patient".into()),
        },
    );
    let visit = c.visit(v);
    assert_eq!(visit.stage, Stage::Administration, "one undo, one command");
    assert!(visit.care.reactions.is_empty());
    assert_eq!(visit.care.undone.len(), 1);
    assert!(
        rules::badges(visit, &c.config)
            .iter()
            .any(|b| matches!(b, rules::Badge::Undone { what, .. } if what == "reaction"))
    );
}

/// DOMAIN.md "Vasovagal reaction": the response starts with "needle out".
/// Recording one during a drip takes the needle out when the nurse says so.
#[test]
fn a_vasovagal_reaction_during_a_drip_takes_the_needle_out() {
    let mut c = Clinic::new();
    let v = c.on_treatment("A", "drip", &[]);
    c.record(
        t(9, 25),
        v,
        Entry::Reaction {
            reaction: ReactionKind::Vasovagal,
            signs: "pale".into(),
            action: "needle out, lay flat".into(),
            stop_drip: true,
        },
    );
    let visit = c.visit(v);
    assert_eq!(visit.stage, Stage::Observation);
    assert!(
        visit
            .care
            .early_stop
            .as_ref()
            .unwrap()
            .reason
            .contains("needle out")
    );
}

/// Symptom-free starts the end of the observation: refused while the last
/// reading is critical or none in range was taken after the reaction.
#[test]
fn symptom_free_waits_for_a_reading_in_range_after_the_reaction() {
    let mut c = Clinic::new();
    let v = c.observed("A", &[]);
    c.record(t(9, 52), v, reaction(ReactionKind::Vasovagal));
    assert_eq!(
        needs(c.try_record(t(9, 53), v, Entry::SymptomFree).unwrap_err()),
        vec![Missing::ReadingInRange]
    );
    c.record(t(9, 54), v, Entry::Vitals { vitals: shock() });
    assert!(c.try_record(t(9, 55), v, Entry::SymptomFree).is_err());
    c.record(t(9, 58), v, Entry::Vitals { vitals: normal() });
    c.record(t(9, 59), v, Entry::SymptomFree);
}

// ---- doses ------------------------------------------------------------------

/// DOMAIN.md "Anaphylaxis": 0.01 mg/kg up to 0.5 mg (adult), 0.3 mg for a
/// child. 1.0 mg for a 15 kg child is refused unless a doctor confirms it;
/// a confirmed over-dose stays flagged. In mg and in mL of 1 mg/mL.
#[test]
fn an_adrenaline_dose_above_the_weight_dose_or_the_child_cap_needs_a_doctor() {
    let mut c = Clinic::new();
    let v = c.arrive(t(9, 0), "Child", "drip", None);
    c.advance(t(9, 5), v, Stage::Counselling);
    for e in routine_counselling(&c.config, "drip", &[]) {
        c.record(t(9, 10), v, e);
    }
    c.record(t(9, 11), v, plan("drip", Some(15.0), Some(4)));
    c.advance(t(9, 15), v, Stage::Ready);
    c.advance(t(9, 20), v, Stage::Administration);
    c.record(t(9, 25), v, reaction(ReactionKind::Anaphylaxis));
    assert_eq!(rules::adrenaline_dose(c.visit(v), &c.config), Some(0.15));
    assert!(rules::is_child(c.visit(v), &c.config));
    let dose = |mg: f32, by: Option<&str>| Entry::Adrenaline {
        dose_mg: mg,
        confirmed_by: by.map(str::to_string),
    };
    let err = c.try_record(t(9, 26), v, dose(1.0, None)).unwrap_err();
    assert_eq!(err.code(), "dose_unconfirmed");
    assert!(err.to_string().contains("child cap of 0.30 mg"), "{err}");
    let err = c.try_record(t(9, 26), v, dose(0.3, None)).unwrap_err();
    assert!(
        err.to_string().contains("dose for 15 kg (0.15 mg)"),
        "{err}"
    );
    c.record(t(9, 26), v, dose(0.15, None));
    c.record(t(9, 31), v, dose(0.3, Some("Dr. Mori")));
    assert!(
        rules::badges(c.visit(v), &c.config)
            .iter()
            .any(|b| matches!(b, rules::Badge::OverDose { .. }))
    );
}

/// Without a weight the board cannot compute the dose: it says so and
/// checks a dose against the cap only.
#[test]
fn without_a_weight_the_board_cannot_compute_the_dose() {
    let mut c = Clinic::new();
    let v = c.arrive(t(9, 0), "A", "drip", None);
    c.advance(t(9, 5), v, Stage::Counselling);
    for e in routine_counselling(&c.config, "drip", &[]) {
        c.record(t(9, 10), v, e);
    }
    c.record(t(9, 11), v, plan("drip", None, None));
    assert_eq!(rules::adrenaline_dose(c.visit(v), &c.config), None);
    assert_eq!(rules::adrenaline_cap(c.visit(v), &c.config), 0.5);
}

// ---- the plan decides the treatment ----------------------------------------

/// The plan's treatment is the visit's from then on: a drip planned on a
/// face booking needs a bed; pause is for drips.
#[test]
fn the_plan_decides_the_treatment_its_bed_and_its_pause() {
    let mut c = Clinic::new();
    let v = c.counselled("A", "face", &[]);
    c.record(t(9, 11), v, plan("drip", Some(60.0), None));
    assert_eq!(c.visit(v).treatment, "drip");
    c.advance(t(9, 15), v, Stage::Ready);
    let err = c
        .try_advance(t(9, 20), v, Stage::Administration, None, Some(lot("EX")))
        .unwrap_err();
    assert_eq!(err.code(), "bed_required");
    let s = c.counselled("B", "scalp", &[]);
    c.advance(t(9, 15), s, Stage::Ready);
    c.advance(t(9, 20), s, Stage::Administration);
    let err = c
        .try_record(
            t(9, 22),
            s,
            Entry::Pause {
                reason: "toilet".into(),
                reaction: None,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("pause is for drips"), "{err}");
}

/// DOMAIN.md "During a drip": checks at 0, 15 and 30 minutes of a 30-minute
/// drip. It ends at its time (or by stop early, with a reason), with the
/// due checks ticked or skipped with a reason.
#[test]
fn a_drip_ends_at_its_time_with_its_checks_or_by_stop_early_with_a_reason() {
    let mut c = Clinic::new();
    let v = c.on_treatment("A", "drip", &[]);
    let err = c
        .try_advance(t(9, 21), v, Stage::Observation, None, None)
        .unwrap_err();
    assert!(matches!(needs(err)[0], Missing::DripRunning { .. }));
    for m in [0u32, 15] {
        c.record_at(
            t(9, 50),
            t(9, 20) + mins(i64::from(m)),
            v,
            Entry::DripCheck {
                minute: m,
                skipped: None,
            },
        );
    }
    let err = c
        .try_advance(t(9, 50), v, Stage::Observation, None, None)
        .unwrap_err();
    assert_eq!(needs(err), vec![Missing::DripCheck { minute: 30 }]);
    c.record(
        t(9, 50),
        v,
        Entry::DripCheck {
            minute: 30,
            skipped: Some("patient asleep, site checked at needle out".into()),
        },
    );
    c.try_advance(t(9, 50), v, Stage::Observation, None, None)
        .unwrap();
    // A check cannot be ticked before it falls due.
    let mut c = Clinic::new();
    let w = c.on_treatment("B", "drip", &[]);
    let err = c
        .try_record(
            t(9, 25),
            w,
            Entry::DripCheck {
                minute: 15,
                skipped: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "at_before_due");
}

// ---- one open visit per patient ------------------------------------------

/// A chart number open on today's board is refused as a second arrival.
#[test]
fn a_chart_number_already_in_the_clinic_is_refused_as_a_second_arrival() {
    let mut c = Clinic::new();
    let v = c.arrive(t(9, 0), "Tanaka", "drip", Some("10077"));
    let err = c
        .try_run(
            t(9, 5),
            Command::Arrive {
                name: "Tanaka".into(),
                treatment: "drip".into(),
                chart_no: Some("10077".into()),
                key: None,
                do_not_display: false,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "duplicate");
    assert!(err.to_string().contains("Tanaka is in waiting"), "{err}");
    c.run(
        t(9, 6),
        Command::Cancel {
            visit: v,
            reason: "left".into(),
        },
    );
    c.arrive(t(9, 30), "Tanaka", "drip", Some("10077"));
}

/// DOMAIN.md "Screening": a past allergic reaction is a caution that
/// needs the doctor. A reaction earlier today makes that answer "yes": it
/// cannot be answered "no", and a critical alert greets the patient.
#[test]
fn a_reaction_earlier_today_makes_the_allergy_answer_yes_and_raises_a_critical_alert() {
    let mut c = Clinic::new();
    let first = c.arrive(t(9, 0), "Tanaka", "face", Some("10077"));
    c.advance(t(9, 5), first, Stage::Counselling);
    for e in routine_counselling(&c.config, "face", &[]) {
        c.record(t(9, 10), first, e);
    }
    c.advance(t(9, 15), first, Stage::Ready);
    c.advance(t(9, 20), first, Stage::Administration);
    c.record(t(9, 25), first, reaction(ReactionKind::Anaphylaxis));
    c.run(
        t(9, 40),
        Command::Transfer {
            visit: first,
            reason: "ambulance".into(),
        },
    );
    let back = c.arrive(t(9, 55), "Tanaka", "face", Some("10077"));
    assert_eq!(c.codes(back, t(9, 56))[0], AlertCode::PriorReaction);
    c.advance(t(9, 56), back, Stage::Counselling);
    let all_no = routine_counselling(&c.config, "face", &[]).remove(0);
    let err = c.try_record(t(9, 57), back, all_no).unwrap_err();
    assert!(
        err.to_string().contains("drug_allergy must be yes"),
        "{err}"
    );
    assert_eq!(
        rules::required_yes(c.visit(back), &c.config),
        vec!["drug_allergy"]
    );
}

// ---- the record is chronological -----------------------------------------

/// Every entry happens after what it depends on: a reaction not before
/// the administration, symptom-free not before its reaction, hemostasis
/// not before its pressure time, nothing before the arrival.
#[test]
fn entries_cannot_be_dated_before_what_they_depend_on() {
    let mut c = Clinic::new();
    let v = c.observed("A", &[]);
    let before_start = c
        .try_run_at(
            t(9, 55),
            Some(t(9, 18)),
            Command::Record {
                visit: v,
                entry: reaction(ReactionKind::Local),
            },
        )
        .unwrap_err();
    assert!(
        before_start.to_string().contains("from administration on"),
        "{before_start}"
    );
    c.record(t(9, 55), v, reaction(ReactionKind::Vasovagal));
    let err = c
        .try_run_at(
            t(9, 57),
            Some(t(9, 53)),
            Command::Record {
                visit: v,
                entry: Entry::SymptomFree,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("no open reaction"), "{err}");
    let err = c
        .try_run_at(
            t(9, 58),
            Some(t(8, 50)),
            Command::Record {
                visit: v,
                entry: Entry::Vitals { vitals: normal() },
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "at_before_stage");
}

/// Timers and "latest vitals" follow when things happened, not the order
/// they were typed.
#[test]
fn the_latest_vitals_are_the_last_taken_not_the_last_typed() {
    let mut c = Clinic::new();
    let v = c.observed("A", &[]);
    c.record(t(9, 55), v, Entry::Vitals { vitals: normal() });
    c.record_at(t(9, 58), t(9, 52), v, Entry::Vitals { vitals: shock() });
    let latest = c.visit(v).care.latest_vitals().unwrap();
    assert_eq!(latest.at, t(9, 55));
    assert_eq!(latest.vitals, normal());
}

/// A corrected time is bounded like any entry after the fact, keeps the
/// visit in order, and one that shortens a running observation needs a
/// doctor (and stays shown).
#[test]
fn a_time_correction_is_bounded_kept_in_order_and_a_shortening_one_needs_a_doctor() {
    let mut c = Clinic::new();
    let v = c.on_treatment("A", "face", &[]);
    c.advance(t(9, 40), v, Stage::Observation);
    let out = c
        .visit(v)
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::AdministrationEnded { .. }))
        .unwrap()
        .seq;
    let correct = |at, doctor: Option<&str>| Command::Correct {
        visit: v,
        correction: Correction::Time { event: out, at },
        reason: "entered late".into(),
        doctor: doctor.map(str::to_string),
    };
    let err = c
        .try_run(
            t(9, 50),
            correct(t(9, 50) - chrono::Duration::days(3), None),
        )
        .unwrap_err();
    assert_eq!(err.code(), "at_too_old");
    // Before the needle went in: out of order.
    let err = c.try_run(t(9, 50), correct(t(9, 10), None)).unwrap_err();
    assert!(matches!(err, Rejection::Invalid { .. }), "{err:?}");
    // Observation 9:40-9:55 still runs at 9:50: moving the needle out to
    // 9:35 would end it at 9:50.
    let err = c.try_run(t(9, 50), correct(t(9, 35), None)).unwrap_err();
    assert_eq!(err.code(), "doctor_required");
    c.run(t(9, 50), correct(t(9, 35), Some("Dr. Mori")));
    assert!(
        rules::badges(c.visit(v), &c.config)
            .iter()
            .any(|b| matches!(b, rules::Badge::TimerShortened { .. }))
    );
}

// ---- staff are real ---------------------------------------------------------

/// With a staff list, the doctor's acts name a doctor from it; an unknown
/// name is refused with the list, and a nurse is not a doctor.
#[test]
fn with_a_staff_list_a_doctors_act_names_a_doctor_from_it() {
    let mut c = Clinic::new();
    c.config.policy.staff = vec![
        super::policy::StaffMember {
            initials: "MK".into(),
            name: "Dr. Mori Kenji".into(),
            role: super::policy::StaffRole::Doctor,
            unix_user: None,
        },
        super::policy::StaffMember {
            initials: "KS".into(),
            name: "Kato Sachiko".into(),
            role: super::policy::StaffRole::Nurse,
            unix_user: None,
        },
    ];
    let v = c.counselled("A", "face", &["pregnant"]);
    for name in ["Dr. Who", "KS"] {
        let err = c
            .try_record(
                t(9, 11),
                v,
                Entry::Override {
                    doctor: name.into(),
                    reason: "x".into(),
                    items: vec!["pregnant".into()],
                },
            )
            .unwrap_err();
        assert_eq!(err.code(), "unknown_doctor");
        assert!(err.to_string().contains("the doctors are MK"), "{err}");
    }
    c.record(
        t(9, 12),
        v,
        Entry::Override {
            doctor: "mk".into(),
            reason: "letter".into(),
            items: vec!["pregnant".into()],
        },
    );
    assert_eq!(
        c.visit(v).care.overrides[0].doctor,
        "Dr. Mori Kenji",
        "the record keeps the doctor's name"
    );
}

// ---- the one place ------------------------------------------------------------

/// What Enter does, for every stage, and that `decide` refuses what the
/// protocol does not offer (the board and the server ask the same place).
#[test]
fn decide_accepts_exactly_the_moves_the_protocol_offers() {
    let mut c = Clinic::new();
    let v = c.counselled("A", "drip", &[]);
    for (stage, mv) in [
        (Stage::Expected, Some(Move::CheckIn)),
        (Stage::Waiting, Some(Move::StartCounselling)),
        (Stage::Counselling, Some(Move::MarkReady)),
        (Stage::Ready, Some(Move::StartAdministration)),
        (Stage::Administration, Some(Move::EndAdministration)),
        (Stage::Observation, Some(Move::Discharge)),
        (Stage::Discharged, None),
    ] {
        assert_eq!(moves::next_move(stage), mv, "{stage}");
    }
    let visit = c.visit(v).clone();
    for offer in moves::offers(&visit, &c.config, t(9, 11)) {
        assert!(moves::gate(&visit, &c.config, offer.mv, t(9, 11)).is_ok());
    }
    assert!(!moves::offered(&visit, &c.config, Move::Reaction, t(9, 11)));
    let err = c
        .try_record(t(9, 11), v, reaction(ReactionKind::Local))
        .unwrap_err();
    assert_eq!(
        err,
        moves::gate(&visit, &c.config, Move::Reaction, t(9, 11)).unwrap_err(),
        "decide refuses with the protocol's own reason"
    );
}
