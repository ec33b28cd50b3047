//! The safety rules as properties over random command sequences: moves,
//! entries, entries dated after the fact, time corrections, undo, cancel,
//! two operators, arrivals with the same chart number. Whatever the order,
//! after every accepted command:
//!
//! * nobody is in administration with an uncovered block answer, missing
//!   consent, plan, lot or pre-treatment vitals, or a fever or critical
//!   vitals before it without an override that names them;
//! * nobody leaves before their observation (by recorded times) is over,
//!   or with a reaction open, or after an allergic reaction or anaphylaxis
//!   without a doctor's clearance given after it; an emergency is never
//!   cancelled or deferred;
//! * every visit's record is chronological;
//! * no adrenaline dose above the cap is recorded unconfirmed;
//! * one chart number is never open twice;
//! * no drip starts on a bed someone else lay on then, or that was being
//!   cleaned then (left the same clinic day, not yet marked ready);
//! * a patient who asked not to be shown is never on the wall's
//!   projection (neither as a patient nor by a label);
//! * no command, unconfirmed, gives a nurse more drips at once than
//!   `caseload.max_drips_per_nurse` (one here, so that it is reached);
//! * the board is the fold of the accepted events (a refused command
//!   leaves nothing behind).
//!
//! The oracle here is written from the clinical facts (DOMAIN.md), apart
//! from the protocol (`moves`) it checks: a rule the protocol forgets is a
//! failure here.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

use super::clinical::{Check, Consciousness, Entry, Lot, Plan, ReactionKind, Vitals, news2};
use super::command::{Command, Context, decide};
use super::event::{Correction, EventKind, EventRecord, apply, replay};
use super::model::{Board, Stage, Visit, VisitId};
use super::policy::{Level, Policy};

/// One step of a random morning. Indices pick among what exists then.
#[derive(Debug, Clone)]
enum Step {
    /// The clock moves on this many minutes.
    Wait(u8),
    Arrive {
        chart: u8,
        treatment: u8,
        hidden: bool,
    },
    /// A bed marked ready (perhaps one that is not being cleaned).
    BedReady {
        bed: u8,
        back: u8,
    },
    Reassign {
        visit: u8,
        nurse: bool,
    },
    Hide {
        visit: u8,
        on: bool,
    },
    /// Someone on a bed leaves it: home early, or by ambulance.
    Leave {
        visit: u8,
    },
    /// A drip patient arrives and is taken through counselling to a bed
    /// at once: the first free one (a careful nurse marks a cleaned bed
    /// ready first), or bed `bed` whatever it is.
    Drip {
        chart: u8,
        careful: bool,
        bed: u8,
    },
    /// The next stage, doing first what a careful nurse would (sometimes).
    Next {
        visit: u8,
        careful: bool,
    },
    /// A move straight to a stage, with or without a bed and a lot.
    Advance {
        visit: u8,
        to: u8,
        bed: bool,
        lot: bool,
    },
    Screening {
        visit: u8,
        yes: u16,
    },
    Override {
        visit: u8,
        items: u8,
    },
    Cautions {
        visit: u8,
        items: u8,
    },
    Consent {
        visit: u8,
        all: bool,
    },
    Plan {
        visit: u8,
        treatment: u8,
        weight: u8,
        age: u8,
    },
    Vitals {
        visit: u8,
        kind: u8,
    },
    DripCheck {
        visit: u8,
        minute: u8,
        skip: bool,
    },
    Pause {
        visit: u8,
    },
    Resume {
        visit: u8,
    },
    Reaction {
        visit: u8,
        kind: u8,
        stop: bool,
    },
    Doctor {
        visit: u8,
    },
    SymptomFree {
        visit: u8,
    },
    Adrenaline {
        visit: u8,
        tenths: u8,
        confirm: bool,
    },
    Ambulance {
        visit: u8,
    },
    Clearance {
        visit: u8,
        reason: bool,
    },
    Checklist {
        visit: u8,
        item: u8,
    },
    /// A tick taken back.
    Untick {
        visit: u8,
        item: u8,
    },
    StopEarly {
        visit: u8,
    },
    Defer {
        visit: u8,
    },
    Cancel {
        visit: u8,
    },
    Transfer {
        visit: u8,
    },
    Undo {
        visit: u8,
        reason: bool,
    },
    CorrectTime {
        visit: u8,
        event: u8,
        back: u8,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let v = any::<u8>();
    prop_oneof![
        6 => (0u8..25).prop_map(Step::Wait),
        2 => (0u8..4, 0u8..3, prop::bool::weighted(0.2))
            .prop_map(|(chart, treatment, hidden)| Step::Arrive { chart, treatment, hidden }),
        3 => (0u8..4, 0u8..20).prop_map(|(bed, back)| Step::BedReady { bed, back }),
        1 => (v, any::<bool>()).prop_map(|(visit, nurse)| Step::Reassign { visit, nurse }),
        1 => (v, any::<bool>()).prop_map(|(visit, on)| Step::Hide { visit, on }),
        2 => v.prop_map(|visit| Step::Leave { visit }),
        2 => (0u8..4, any::<bool>(), 0u8..4)
            .prop_map(|(chart, careful, bed)| Step::Drip { chart, careful, bed }),
        14 => (v, prop::bool::weighted(0.8))
            .prop_map(|(visit, careful)| Step::Next { visit, careful }),
        2 => (v, 0u8..10, any::<bool>(), any::<bool>())
            .prop_map(|(visit, to, bed, lot)| Step::Advance { visit, to, bed, lot }),
        2 => (v, any::<u16>()).prop_map(|(visit, yes)| Step::Screening { visit, yes }),
        3 => (v, any::<u8>()).prop_map(|(visit, items)| Step::Override { visit, items }),
        1 => (v, any::<u8>()).prop_map(|(visit, items)| Step::Cautions { visit, items }),
        1 => (v, any::<bool>()).prop_map(|(visit, all)| Step::Consent { visit, all }),
        1 => (v, 0u8..3, any::<u8>(), any::<u8>())
            .prop_map(|(visit, treatment, weight, age)| Step::Plan { visit, treatment, weight, age }),
        3 => (v, 0u8..6).prop_map(|(visit, kind)| Step::Vitals { visit, kind }),
        2 => (v, 0u8..4, any::<bool>())
            .prop_map(|(visit, minute, skip)| Step::DripCheck { visit, minute, skip }),
        1 => v.prop_map(|visit| Step::Pause { visit }),
        1 => v.prop_map(|visit| Step::Resume { visit }),
        2 => (v, 0u8..4, any::<bool>())
            .prop_map(|(visit, kind, stop)| Step::Reaction { visit, kind, stop }),
        1 => v.prop_map(|visit| Step::Doctor { visit }),
        2 => v.prop_map(|visit| Step::SymptomFree { visit }),
        1 => (v, 1u8..11, any::<bool>())
            .prop_map(|(visit, tenths, confirm)| Step::Adrenaline { visit, tenths, confirm }),
        1 => v.prop_map(|visit| Step::Ambulance { visit }),
        1 => (v, any::<bool>()).prop_map(|(visit, reason)| Step::Clearance { visit, reason }),
        2 => (v, 0u8..7).prop_map(|(visit, item)| Step::Checklist { visit, item }),
        1 => (v, 0u8..7).prop_map(|(visit, item)| Step::Untick { visit, item }),
        1 => v.prop_map(|visit| Step::StopEarly { visit }),
        1 => v.prop_map(|visit| Step::Defer { visit }),
        1 => v.prop_map(|visit| Step::Cancel { visit }),
        1 => v.prop_map(|visit| Step::Transfer { visit }),
        2 => (v, any::<bool>()).prop_map(|(visit, reason)| Step::Undo { visit, reason }),
        1 => (v, any::<u8>(), 0u8..120)
            .prop_map(|(visit, event, back)| Step::CorrectTime { visit, event, back }),
    ]
}

/// 09:00 in Tokyo.
fn nine() -> DateTime<Utc> {
    chrono_tz::Asia::Tokyo
        .with_ymd_and_hms(2026, 11, 21, 9, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

const TREATMENTS: [&str; 3] = ["drip", "face", "scalp"];

fn vitals(kind: u8) -> Vitals {
    let normal = Vitals {
        systolic: 120,
        diastolic: 76,
        pulse: 72,
        spo2: 98,
        temperature: 36.6,
        respiratory_rate: 14,
        consciousness: Consciousness::Alert,
    };
    match kind {
        // Shock: NEWS2 17 (the example).
        1 => Vitals {
            systolic: 82,
            diastolic: 50,
            pulse: 135,
            spo2: 86,
            temperature: 39.5,
            respiratory_rate: 26,
            consciousness: Consciousness::Confusion,
        },
        // A fever only.
        2 => Vitals {
            temperature: 37.8,
            ..normal
        },
        // Low blood pressure only.
        3 => Vitals {
            systolic: 86,
            diastolic: 50,
            ..normal
        },
        // Low saturation only.
        4 => Vitals { spo2: 91, ..normal },
        _ => normal,
    }
}

struct Run {
    board: Board,
    policy: Policy,
    now: DateTime<Utc>,
    /// Alternates between two operators.
    turn: u32,
    /// Drips refused for taking a nurse over the caseload limit.
    caseload_asked: u32,
}

/// Each nurse's drips running now, counted from the plans and the stages
/// (not by `caseload`, the code under test).
fn drips_per_nurse(board: &Board, policy: &Policy) -> std::collections::BTreeMap<String, u32> {
    let mut out = std::collections::BTreeMap::new();
    for v in board.visits.values() {
        let drip = v
            .care
            .plan
            .as_ref()
            .and_then(|p| policy.treatment(&p.treatment))
            .is_some_and(|t| t.route == super::model::Route::Drip);
        if v.stage == Stage::Administration
            && drip
            && let Some(nurse) = v.care.nurse()
        {
            *out.entry(nurse.to_string()).or_insert(0) += 1;
        }
    }
    out
}

impl Run {
    fn pick(&self, i: u8) -> Option<&Visit> {
        let n = self.board.visits.len();
        (n > 0).then(|| self.board.visits.values().nth(usize::from(i) % n))?
    }

    /// Decides and applies; returns whether it was accepted.
    fn try_command(&mut self, at: Option<DateTime<Utc>>, command: Command) -> bool {
        self.turn += 1;
        let ctx = Context {
            now: self.now,
            at,
            operator: Some(
                if self.turn.is_multiple_of(2) {
                    "KS"
                } else {
                    "MT"
                }
                .into(),
            ),
            confirmed: false,
        };
        let before = self.board.clone();
        match decide(&self.board, &self.policy, &command, &ctx) {
            Ok(events) => {
                let had = drips_per_nurse(&self.board, &self.policy);
                for e in events {
                    apply(&mut self.board, e);
                }
                let limit = self.policy.caseload.max_drips_per_nurse;
                for (nurse, n) in drips_per_nurse(&self.board, &self.policy) {
                    let before = had.get(&nurse).copied().unwrap_or(0);
                    assert!(
                        n <= limit || n <= before,
                        "{nurse} went from {before} to {n} drips (limit {limit}) unconfirmed: {command:?}"
                    );
                }
                true
            }
            Err(super::command::Rejection::OverCaseload { .. }) => {
                assert_eq!(self.board, before, "a refused command changed the board");
                self.caseload_asked += 1;
                false
            }
            Err(_) => {
                assert_eq!(self.board, before, "a refused command changed the board");
                false
            }
        }
    }

    fn record(&mut self, visit: VisitId, entry: Entry) -> bool {
        self.try_command(None, Command::Record { visit, entry })
    }

    fn play(&mut self, step: &Step) {
        let policy = self.policy.clone();
        // Sometimes an entry is dated a little earlier (after the fact).
        let visit_of = |run: &Run, i: u8| run.pick(i).map(|v| v.id);
        match *step {
            Step::Wait(m) => self.now += Duration::minutes(i64::from(m)),
            Step::Arrive {
                chart,
                treatment,
                hidden,
            } => {
                self.try_command(
                    None,
                    Command::Arrive {
                        name: format!("P{chart}"),
                        treatment: TREATMENTS[usize::from(treatment)].into(),
                        chart_no: Some(format!("C{chart}")),
                        key: None,
                        do_not_display: hidden,
                    },
                );
            }
            Step::BedReady { bed, back } => {
                // Now, or dated a little earlier (perhaps before the
                // patient left).
                let at = (back % 4 != 0).then(|| self.now - Duration::minutes(i64::from(back)));
                // Mostly a bed being cleaned, sometimes any.
                let cleaning: Vec<String> = super::beds::bed_states(&self.board, &policy, self.now)
                    .into_iter()
                    .filter(|(_, s)| matches!(s, super::beds::BedState::Cleaning { .. }))
                    .map(|(b, _)| b)
                    .collect();
                let beds = if cleaning.is_empty() || bed == 0 {
                    &policy.beds
                } else {
                    &cleaning
                };
                self.try_command(
                    at,
                    Command::BedReady {
                        bed: beds[usize::from(bed) % beds.len()].clone(),
                    },
                );
            }
            Step::Reassign { visit, nurse } => {
                if let Some(v) = visit_of(self, visit) {
                    self.record(
                        v,
                        Entry::Reassigned {
                            nurse: if nurse { "MT" } else { "KS" }.into(),
                        },
                    );
                }
            }
            Step::Drip {
                chart,
                careful,
                bed,
            } => {
                let before = self.board.last_visit;
                self.try_command(
                    None,
                    Command::Arrive {
                        name: format!("P{chart}"),
                        treatment: "drip".into(),
                        chart_no: Some(format!("C{chart}")),
                        key: None,
                        do_not_display: false,
                    },
                );
                if self.board.last_visit == before {
                    return;
                }
                let v = VisitId(self.board.last_visit);
                self.try_command(
                    None,
                    Command::Advance {
                        visit: v,
                        to: Stage::Counselling,
                        bed: None,
                        lot: None,
                    },
                );
                for entry in crate::demo::routine_counselling(&policy_config(&policy), "drip", &[])
                {
                    self.record(v, entry);
                }
                self.try_command(
                    None,
                    Command::Advance {
                        visit: v,
                        to: Stage::Ready,
                        bed: None,
                        lot: None,
                    },
                );
                let free = super::beds::free_beds(&self.board, &policy, self.now).next();
                if careful && free.is_none() {
                    for bed in policy.beds.clone() {
                        self.try_command(None, Command::BedReady { bed });
                    }
                }
                let chosen = if careful {
                    super::beds::free_beds(&self.board, &policy, self.now)
                        .next()
                        .map(str::to_string)
                } else {
                    Some(policy.beds[usize::from(bed) % policy.beds.len()].clone())
                };
                self.try_command(
                    None,
                    Command::Advance {
                        visit: v,
                        to: Stage::Administration,
                        bed: chosen,
                        lot: Some(Lot {
                            number: "EX-3".into(),
                            expiry: None,
                        }),
                    },
                );
            }
            Step::Leave { visit } => {
                let on_beds: Vec<VisitId> = self
                    .board
                    .visits
                    .values()
                    .filter(|v| v.stage.is_active() && v.bed.is_some())
                    .map(|v| v.id)
                    .collect();
                if on_beds.is_empty() {
                    return;
                }
                let v = on_beds[usize::from(visit) % on_beds.len()];
                let home = Command::Cancel {
                    visit: v,
                    reason: "went home early".into(),
                };
                if !self.try_command(None, home) {
                    self.try_command(
                        None,
                        Command::Transfer {
                            visit: v,
                            reason: "ambulance".into(),
                        },
                    );
                }
            }
            Step::Hide { visit, on } => {
                if let Some(v) = visit_of(self, visit) {
                    self.record(v, Entry::DoNotDisplay { on });
                }
            }
            Step::Next { visit, careful } => {
                let Some(v) = self.pick(visit).cloned() else {
                    return;
                };
                if careful {
                    self.careful_next(&v);
                }
                if let Some(to) = v.stage.next() {
                    let drip = policy.treatment(&v.treatment).map(|t| t.route)
                        == Some(super::model::Route::Drip);
                    if careful
                        && drip
                        && to == Stage::Administration
                        && super::beds::free_beds(&self.board, &policy, self.now)
                            .next()
                            .is_none()
                    {
                        for bed in policy.beds.clone() {
                            self.try_command(None, Command::BedReady { bed });
                        }
                    }
                    self.try_command(
                        None,
                        Command::Advance {
                            visit: v.id,
                            to,
                            bed: (drip && to == Stage::Administration)
                                .then(|| {
                                    super::beds::free_beds(&self.board, &policy, self.now).next()
                                })
                                .flatten()
                                .map(str::to_string),
                            lot: (to == Stage::Administration).then(|| Lot {
                                number: "EX-1".into(),
                                expiry: None,
                            }),
                        },
                    );
                }
            }
            Step::Advance {
                visit,
                to,
                bed,
                lot,
            } => {
                let Some(v) = visit_of(self, visit) else {
                    return;
                };
                self.try_command(
                    None,
                    Command::Advance {
                        visit: v,
                        to: Stage::ALL[usize::from(to) % Stage::ALL.len()],
                        bed: bed.then(|| "1".into()),
                        lot: lot.then(|| Lot {
                            number: "EX-2".into(),
                            expiry: None,
                        }),
                    },
                );
            }
            Step::Screening { visit, yes } => {
                let Some(v) = visit_of(self, visit) else {
                    return;
                };
                let answers = policy
                    .screening
                    .iter()
                    .enumerate()
                    .map(|(i, q)| (q.id.clone(), yes & (1 << i) != 0 && yes % 3 == 0))
                    .collect();
                self.record(v, Entry::Screening { answers });
            }
            Step::Override { visit, items } => {
                let Some(v) = self.pick(visit).cloned() else {
                    return;
                };
                let gates: Vec<String> = super::rules::start_gates(&v, &policy)
                    .into_iter()
                    .map(|(g, _)| g)
                    .enumerate()
                    .filter(|(i, _)| items & (1 << (i % 8)) != 0)
                    .map(|(_, g)| g)
                    .collect();
                self.record(
                    v.id,
                    Entry::Override {
                        doctor: "Dr. Mori".into(),
                        reason: "letter on file".into(),
                        items: gates,
                    },
                );
            }
            Step::Cautions { visit, items } => {
                let Some(v) = self.pick(visit).cloned() else {
                    return;
                };
                let cautions: Vec<String> = super::rules::answered(&v, &policy, Level::Caution)
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| items & (1 << (i % 8)) != 0)
                    .map(|(_, c)| c.to_string())
                    .collect();
                self.record(
                    v.id,
                    Entry::CautionsAcknowledged {
                        doctor: "Dr. Mori".into(),
                        items: cautions,
                    },
                );
            }
            Step::Consent { visit, all } => {
                let Some(v) = visit_of(self, visit) else {
                    return;
                };
                let items = policy
                    .consent
                    .iter()
                    .skip(usize::from(!all))
                    .map(|c| c.id.clone())
                    .collect();
                self.record(v, Entry::Consent { items });
            }
            Step::Plan {
                visit,
                treatment,
                weight,
                age,
            } => {
                let Some(v) = visit_of(self, visit) else {
                    return;
                };
                let plan = Plan {
                    treatment: TREATMENTS[usize::from(treatment)].into(),
                    method: None,
                    sites: Vec::new(),
                    dose_ml: 5.0,
                    product: "Exosome".into(),
                    origin: None,
                    nurse: "KS".into(),
                    weight_kg: (weight % 4 != 0).then_some(10.0 + f32::from(weight % 90)),
                    age_years: (age % 3 != 0).then_some(u32::from(age % 80)),
                };
                self.record(v, Entry::Plan { plan });
            }
            Step::Vitals { visit, kind } => {
                let Some(v) = visit_of(self, visit) else {
                    return;
                };
                let at = (kind % 2 == 0).then(|| self.now - Duration::minutes(i64::from(kind) * 7));
                self.try_command(
                    at,
                    Command::Record {
                        visit: v,
                        entry: Entry::Vitals {
                            vitals: vitals(kind),
                        },
                    },
                );
            }
            Step::DripCheck {
                visit,
                minute,
                skip,
            } => {
                let Some(v) = visit_of(self, visit) else {
                    return;
                };
                let minute = [0, 15, 30, 45][usize::from(minute)];
                self.record(
                    v,
                    Entry::DripCheck {
                        minute,
                        skipped: skip.then(|| "patient asleep".into()),
                    },
                );
            }
            Step::Pause { visit } => {
                if let Some(v) = visit_of(self, visit) {
                    self.record(
                        v,
                        Entry::Pause {
                            reason: "toilet".into(),
                            reaction: None,
                        },
                    );
                }
            }
            Step::Resume { visit } => {
                if let Some(v) = visit_of(self, visit) {
                    self.record(v, Entry::Resume);
                }
            }
            Step::Reaction { visit, kind, stop } => {
                let Some(v) = visit_of(self, visit) else {
                    return;
                };
                let reaction = [
                    ReactionKind::Local,
                    ReactionKind::Vasovagal,
                    ReactionKind::Allergic,
                    ReactionKind::Anaphylaxis,
                ][usize::from(kind)];
                // Now, or dated before (perhaps before the needle went in).
                let at = stop.then(|| self.now - Duration::minutes(25));
                self.try_command(
                    at,
                    Command::Record {
                        visit: v,
                        entry: Entry::Reaction {
                            reaction,
                            signs: "signs".into(),
                            action: String::new(),
                            stop_drip: stop,
                        },
                    },
                );
            }
            Step::Doctor { visit } => {
                if let Some(v) = visit_of(self, visit) {
                    self.record(
                        v,
                        Entry::DoctorPresent {
                            doctor: "Dr. Mori".into(),
                        },
                    );
                }
            }
            Step::SymptomFree { visit } => {
                if let Some(v) = visit_of(self, visit) {
                    let at = (visit % 3 == 0).then(|| self.now - Duration::minutes(30));
                    self.try_command(
                        at,
                        Command::Record {
                            visit: v,
                            entry: Entry::SymptomFree,
                        },
                    );
                }
            }
            Step::Adrenaline {
                visit,
                tenths,
                confirm,
            } => {
                if let Some(v) = visit_of(self, visit) {
                    self.record(
                        v,
                        Entry::Adrenaline {
                            dose_mg: f32::from(tenths) / 10.0,
                            confirmed_by: confirm.then(|| "Dr. Mori".into()),
                        },
                    );
                }
            }
            Step::Ambulance { visit } => {
                if let Some(v) = visit_of(self, visit) {
                    self.record(v, Entry::AmbulanceCalled);
                }
            }
            Step::Clearance { visit, reason } => {
                if let Some(v) = visit_of(self, visit) {
                    self.record(
                        v,
                        Entry::Clearance {
                            doctor: "Dr. Mori".into(),
                            reason: reason.then(|| "stable, escorted home".into()),
                        },
                    );
                }
            }
            Step::Checklist { visit, item } | Step::Untick { visit, item } => {
                if let Some(v) = visit_of(self, visit) {
                    let item = [Check::HemostasisPressure]
                        .iter()
                        .chain(Check::REQUIRED.iter())
                        .nth(usize::from(item))
                        .copied()
                        .unwrap_or(Check::HemostasisPressure);
                    if matches!(step, Step::Untick { .. }) {
                        self.record(v, Entry::Untick { item });
                    } else {
                        self.record(v, Entry::Checklist { item });
                    }
                }
            }
            Step::StopEarly { visit } => {
                if let Some(v) = visit_of(self, visit) {
                    self.try_command(
                        None,
                        Command::StopEarly {
                            visit: v,
                            reason: "patient asked".into(),
                            volume_ml: None,
                        },
                    );
                }
            }
            Step::Defer { visit } => {
                if let Some(v) = visit_of(self, visit) {
                    self.try_command(
                        None,
                        Command::Defer {
                            visit: v,
                            reason: "fever".into(),
                        },
                    );
                }
            }
            Step::Cancel { visit } => {
                if let Some(v) = visit_of(self, visit) {
                    self.try_command(
                        None,
                        Command::Cancel {
                            visit: v,
                            reason: "went home".into(),
                        },
                    );
                }
            }
            Step::Transfer { visit } => {
                if let Some(v) = visit_of(self, visit) {
                    self.try_command(
                        None,
                        Command::Transfer {
                            visit: v,
                            reason: "ambulance".into(),
                        },
                    );
                }
            }
            Step::Undo { visit, reason } => {
                if let Some(v) = visit_of(self, visit) {
                    self.try_command(
                        None,
                        Command::Undo {
                            visit: v,
                            reason: reason.then(|| "entered by mistake".into()),
                        },
                    );
                }
            }
            Step::CorrectTime { visit, event, back } => {
                let Some(v) = self.pick(visit).cloned() else {
                    return;
                };
                let n = v.events.len();
                let e = &v.events[usize::from(event) % n];
                self.try_command(
                    None,
                    Command::Correct {
                        visit: v.id,
                        correction: Correction::Time {
                            event: e.seq,
                            at: e.at - Duration::minutes(i64::from(back)),
                        },
                        reason: "entered late".into(),
                        doctor: (back % 2 == 0).then(|| "Dr. Mori".into()),
                    },
                );
            }
        }
    }

    /// What a careful nurse records before moving a patient on.
    fn careful_next(&mut self, v: &Visit) {
        let policy = self.policy.clone();
        match v.stage {
            Stage::Counselling => {
                for entry in
                    crate::demo::routine_counselling(&policy_config(&policy), &v.treatment, &[])
                {
                    self.record(v.id, entry);
                }
            }
            Stage::Administration => {
                for (at, entry) in
                    crate::demo::routine_drip_checks(&policy_config(&policy), v, self.now)
                {
                    self.try_command(Some(at), Command::Record { visit: v.id, entry });
                }
            }
            Stage::Observation => {
                let out = v.stage_since;
                for (m, entry) in crate::demo::routine_discharge(5) {
                    let at = (out + Duration::minutes(m)).min(self.now);
                    self.try_command(Some(at), Command::Record { visit: v.id, entry });
                }
            }
            _ => {}
        }
    }
}

fn policy_config(policy: &Policy) -> crate::config::Config {
    crate::config::Config {
        policy: policy.clone(),
        ..crate::config::Config::default()
    }
}

// ---- the oracle ------------------------------------------------------------

/// Critical by DOMAIN.md "Vital signs": NEWS2 >= 7, systolic < 90,
/// SpO2 <= 92 (the fall from baseline does not apply before treatment).
fn critical(v: &Vitals) -> bool {
    news2(v).total >= 7 || v.systolic < 90 || v.spo2 <= 92
}

/// The effective events of a visit after its arrival, in the order they
/// happened (corrected times applied): the record as a clinic reads it.
fn timeline(v: &Visit) -> Vec<EventRecord> {
    let mut events: Vec<EventRecord> = v
        .effective_events()
        .skip(1)
        .cloned()
        .map(|mut e| {
            e.at = v.effective_time(&e);
            e
        })
        .collect();
    events.sort_by_key(|e| (e.at, e.seq));
    events
}

fn entry(e: &EventRecord) -> Option<&Entry> {
    match &e.kind {
        EventKind::Recorded { entry } => Some(entry),
        _ => None,
    }
}

/// What stops a start, given what happened before it (DOMAIN.md
/// "Screening", "Consent items", "Vital signs").
fn start_problems(before: &[&EventRecord], policy: &Policy, start: DateTime<Utc>) -> Vec<String> {
    let mut answers: Option<std::collections::BTreeMap<String, bool>> = None;
    let mut yes_since: std::collections::BTreeMap<String, DateTime<Utc>> = Default::default();
    let mut overrides: Vec<(Vec<String>, DateTime<Utc>)> = Vec::new();
    let mut consent = std::collections::BTreeSet::new();
    let mut plan = false;
    let mut vitals: Vec<(DateTime<Utc>, Vitals)> = Vec::new();
    for e in before {
        match entry(e) {
            Some(Entry::Screening { answers: a }) => {
                for (item, y) in a {
                    if *y {
                        yes_since.entry(item.clone()).or_insert(e.at);
                    } else {
                        yes_since.remove(item);
                    }
                }
                answers = Some(a.clone());
            }
            Some(Entry::Override { items, .. }) => overrides.push((items.clone(), e.at)),
            Some(Entry::Consent { items }) => consent = items.clone(),
            Some(Entry::Plan { .. }) => plan = true,
            Some(Entry::Vitals { vitals: v }) => vitals.push((e.at, *v)),
            _ => {}
        }
    }
    let covered = |gate: &str, since: DateTime<Utc>| {
        overrides
            .iter()
            .any(|(items, at)| items.iter().any(|i| i == gate) && *at >= since)
    };
    let mut wrong = Vec::new();
    let Some(a) = &answers else {
        return vec!["without screening".into()];
    };
    for q in policy.screening.iter().filter(|q| q.level == Level::Block) {
        if a.get(&q.id) == Some(&true) {
            let since = yes_since.get(&q.id).copied().unwrap_or(start);
            if !covered(&q.id, since) {
                wrong.push(format!("with {} uncovered", q.id));
            }
        }
    }
    if policy.consent.iter().any(|c| !consent.contains(&c.id)) {
        wrong.push("without full consent".into());
    }
    if !plan {
        wrong.push("without a plan".into());
    }
    match vitals.last() {
        None => wrong.push("without pre-treatment vitals".into()),
        Some((at, last)) => {
            if critical(last) && !covered("vitals", *at) {
                wrong.push("on critical vitals, no override".into());
            }
        }
    }
    if let Some((at, _)) = vitals
        .iter()
        .rev()
        .find(|(_, v)| v.temperature >= policy.vitals.fever_celsius)
        && !covered("fever", *at)
    {
        wrong.push("with a fever, no override".into());
    }
    wrong
}

/// Everything wrong with one visit's record, in words.
fn violations(v: &Visit, policy: &Policy) -> Vec<String> {
    let mut wrong = Vec::new();
    let events = timeline(v);
    let start = v.arrived_at.min(v.stage_log[0].1);
    let mut stage = v.stage_log[0].0;
    // What is known at each moment, in time order.
    let mut plan: Option<Plan> = None;
    let mut needle_out: Option<DateTime<Utc>> = None;
    let mut reactions: Vec<(ReactionKind, DateTime<Utc>, Option<DateTime<Utc>>)> = Vec::new();
    let mut clearances: Vec<DateTime<Utc>> = Vec::new();
    // The discharge checklist as it stands (a tick taken back is to do).
    let mut ticked: std::collections::BTreeSet<Check> = Default::default();
    for e in &events {
        if e.at < start {
            wrong.push(format!("{} before the visit began", e.kind.name()));
        }
        if let Some(en) = entry(e) {
            let ok = match en {
                Entry::Checklist { .. } | Entry::Untick { .. } => stage == Stage::Observation,
                Entry::DripCheck { .. } | Entry::Pause { .. } => stage == Stage::Administration,
                Entry::Reaction { .. } => {
                    matches!(stage, Stage::Administration | Stage::Observation)
                }
                Entry::SymptomFree => reactions.iter().any(|r| r.2.is_none()),
                Entry::Adrenaline { .. } => reactions
                    .iter()
                    .any(|r| r.0 == ReactionKind::Anaphylaxis && r.2.is_none()),
                Entry::Screening { .. } | Entry::Consent { .. } | Entry::Plan { .. } => {
                    matches!(stage, Stage::Counselling | Stage::Ready)
                }
                // The bed is cleaned after the patient left it.
                Entry::BedReady { .. } => !stage.is_open(),
                // A patient may ask from the booking on.
                Entry::DoNotDisplay { .. } => stage.is_open(),
                Entry::Reassigned { .. } => matches!(
                    stage,
                    Stage::Counselling | Stage::Ready | Stage::Administration | Stage::Observation
                ),
                _ => stage.is_active(),
            };
            if !ok {
                wrong.push(format!("{} in {stage}", en.name()));
            }
        }
        match &e.kind {
            EventKind::Recorded { entry } => match entry {
                Entry::Plan { plan: p } => plan = Some(p.clone()),
                Entry::Reaction { reaction, .. } if *reaction != ReactionKind::Local => {
                    reactions.push((*reaction, e.at, None))
                }
                Entry::SymptomFree => {
                    for r in reactions.iter_mut().filter(|r| r.2.is_none()) {
                        r.2 = Some(e.at);
                    }
                }
                Entry::Clearance { .. } => clearances.push(e.at),
                Entry::Checklist { item } => {
                    ticked.insert(*item);
                }
                Entry::Untick { item } => {
                    ticked.remove(item);
                }
                Entry::Adrenaline {
                    dose_mg,
                    confirmed_by: None,
                } => {
                    let child = plan
                        .as_ref()
                        .and_then(|p| p.age_years)
                        .is_some_and(|a| a < policy.reactions.child_under_years);
                    let cap = if child {
                        policy.reactions.adrenaline_max_mg_child
                    } else {
                        policy.reactions.adrenaline_max_mg
                    };
                    if *dose_mg > cap + 0.001 {
                        wrong.push(format!("{dose_mg} mg unconfirmed above the cap {cap}"));
                    }
                }
                _ => {}
            },
            EventKind::AdministrationStarted { lot, .. } => {
                if lot.as_ref().is_none_or(|l| l.number.trim().is_empty()) {
                    wrong.push("administration without a lot".into());
                }
                // Gates stand before the act: what was recorded when it
                // started must have allowed it; what was entered later and
                // dated before it must be flagged.
                let before: Vec<&EventRecord> = events
                    .iter()
                    .take_while(|x| (x.at, x.seq) < (e.at, e.seq))
                    .collect();
                let known: Vec<&EventRecord> = before
                    .iter()
                    .copied()
                    .filter(|x| x.recorded_at <= e.recorded_at)
                    .collect();
                let then = start_problems(&known, policy, start);
                wrong.extend(then.iter().map(|w| format!("administration {w}")));
                if then.is_empty() && !start_problems(&before, policy, start).is_empty() {
                    let flagged = before
                        .iter()
                        .any(|x| x.recorded_at > e.recorded_at && x.doubt.is_some());
                    if !flagged {
                        wrong.push(
                            "an entry after the start would have stopped it, unflagged".into(),
                        );
                    }
                }
            }
            EventKind::AdministrationEnded { .. } => needle_out = Some(e.at),
            EventKind::Discharged => {
                // DOMAIN.md "Discharge checklist": nothing is skipped.
                if let Some(item) = Check::REQUIRED.iter().find(|i| !ticked.contains(i)) {
                    wrong.push(format!("discharged with {} not ticked", item.as_str()));
                }
                if reactions.iter().any(|r| r.2.is_none()) {
                    wrong.push("discharged with a reaction open".into());
                }
                match needle_out {
                    None => wrong.push("discharged without a needle out".into()),
                    Some(out) => {
                        if e.at < out + Duration::minutes(i64::from(policy.observation.minutes)) {
                            wrong.push("discharged before 15 minutes of observation".into());
                        }
                    }
                }
                for (kind, at, resolved) in &reactions {
                    if *kind == ReactionKind::Vasovagal
                        && resolved.is_some_and(|r| e.at < r + Duration::minutes(15))
                    {
                        wrong.push("discharged before 15 min after symptom-free".into());
                    }
                    if *kind >= ReactionKind::Allergic && !clearances.iter().any(|c| c >= at) {
                        wrong.push(format!(
                            "discharged after {kind:?} without a later clearance"
                        ));
                    }
                    if *kind == ReactionKind::Allergic && e.at < *at + Duration::minutes(60) {
                        wrong.push("discharged less than 60 min after an allergic reaction".into());
                    }
                }
            }
            EventKind::Cancelled { .. } | EventKind::Deferred { .. }
                if reactions.iter().any(|r| r.0 >= ReactionKind::Allergic) =>
            {
                wrong.push(format!("{} after an allergic reaction", e.kind.name()));
            }
            _ => {}
        }
        if let Some(to) = super::moves::Move::of(&e.kind).leads_to() {
            stage = to;
        }
    }
    wrong
}

/// Every time a visit lay on a bed, from the record alone: the bed, from
/// the start, until it left (exits by stage), and when the bed was marked
/// ready after it.
struct Lying {
    visit: VisitId,
    bed: String,
    /// When, and the event's number (for what happened at one moment).
    from: (DateTime<Utc>, u64),
    until: Option<(DateTime<Utc>, u64)>,
    ready: Option<(DateTime<Utc>, u64)>,
}

fn lyings(v: &Visit) -> Vec<Lying> {
    let mut out: Vec<Lying> = Vec::new();
    for e in timeline(v) {
        match &e.kind {
            EventKind::AdministrationStarted { bed: Some(bed), .. } => out.push(Lying {
                visit: v.id,
                bed: bed.clone(),
                from: (e.at, e.seq),
                until: None,
                ready: None,
            }),
            EventKind::Discharged
            | EventKind::Transferred { .. }
            | EventKind::Cancelled { .. }
            | EventKind::Deferred { .. } => {
                if let Some(l) = out.last_mut().filter(|l| l.until.is_none()) {
                    l.until = Some((e.at, e.seq));
                }
            }
            EventKind::Recorded {
                entry: Entry::BedReady { bed },
            } => {
                if let Some(l) = out
                    .last_mut()
                    .filter(|l| &l.bed == bed && l.until.is_some())
                {
                    l.ready.get_or_insert((e.at, e.seq));
                }
            }
            _ => {}
        }
    }
    out
}

/// DOMAIN.md "During a drip and after it": a bed is cleaned between
/// patients before the next one lies down. No one starts on a bed while
/// another lies there, nor before the bed a patient left that clinic day
/// was marked ready.
fn bed_violations(board: &Board, policy: &Policy) -> Vec<String> {
    let all: Vec<Lying> = board.visits.values().flat_map(lyings).collect();
    let day = |t: DateTime<Utc>| t.with_timezone(&policy.timezone).date_naive();
    let mut wrong = Vec::new();
    for l in &all {
        for other in all.iter().filter(|o| o.bed == l.bed && o.visit != l.visit) {
            let ends = other.until.is_none_or(|u| u > l.from);
            if other.from < l.from && ends {
                wrong.push(format!(
                    "visit {} started on bed {} while visit {} lay there",
                    l.visit, l.bed, other.visit
                ));
            }
            if let Some(left) = other.until
                && left < l.from
                && day(left.0) == day(l.from.0)
                && policy.bed_cleaning.enabled
                && other.ready.is_none_or(|r| r > l.from)
                // The latest to leave before this start is the one whose
                // cleaning counts.
                && !all.iter().any(|x| {
                    x.bed == l.bed
                        && x.from > left
                        && x.from <= l.from
                        && x.visit != l.visit
                })
            {
                wrong.push(format!(
                    "visit {} started on bed {} before it was cleaned after visit {}",
                    l.visit, l.bed, other.visit
                ));
            }
        }
    }
    wrong
}

/// DOMAIN.md "Records (Japan)": a patient may ask not to be displayed.
/// The wall's projection holds nothing of theirs: no entry with their
/// visit, no label, no place but a bed.
fn wall_violations(board: &Board, policy: &Policy, now: DateTime<Utc>) -> Vec<String> {
    let config = policy_config(policy);
    let view = crate::projection::project(board, &config, now);
    let shown: Vec<VisitId> = view
        .beds
        .iter()
        .filter_map(|b| b.patient.as_ref())
        .chain(view.queue.iter())
        .map(|p| p.visit)
        .collect();
    let mut wrong = Vec::new();
    for v in board.visits.values().filter(|v| v.care.do_not_display) {
        if shown.contains(&v.id) {
            wrong.push(format!("visit {} asked not to be shown, and is", v.id));
        }
        if let Some(bed) = &v.bed
            && v.stage.is_active()
            && !view
                .beds
                .iter()
                .any(|b| &b.bed == bed && b.state == crate::projection::BedUse::Occupied)
        {
            wrong.push(format!(
                "bed {bed} of hidden visit {} not shown occupied",
                v.id
            ));
        }
    }
    wrong
}

fn check_board(board: &Board, policy: &Policy, events: &[EventRecord]) {
    let beds = bed_violations(board, policy);
    assert!(beds.is_empty(), "{beds:?}");
    for v in board.visits.values() {
        let wrong = violations(v, policy);
        assert!(
            wrong.is_empty(),
            "visit {} ({}): {wrong:?}\n{:#?}",
            v.id,
            v.name,
            v.events
        );
    }
    let mut open = std::collections::BTreeMap::new();
    for v in board.visits.values().filter(|v| v.stage.is_active()) {
        if let Some(chart) = &v.chart_no {
            assert!(
                open.insert(chart.clone(), v.id).is_none(),
                "chart {chart} open twice"
            );
        }
    }
    let replayed = replay(events.iter().cloned());
    assert_eq!(
        replayed.visits, board.visits,
        "the board is the fold of its log"
    );
}

fn log_of(board: &Board) -> Vec<EventRecord> {
    let mut events: Vec<EventRecord> = board
        .visits
        .values()
        .flat_map(|v| v.events.iter().cloned())
        .collect();
    events.sort_by_key(|e| e.seq);
    events
}

impl Run {
    fn new() -> Run {
        let mut policy = Policy::default();
        policy.caseload.max_drips_per_nurse = 1;
        Run {
            board: Board::default(),
            policy,
            now: nine(),
            turn: 0,
            caseload_asked: 0,
        }
    }
}

/// Sequences per run: `PROPTEST_CASES` overrides (CI uses the default).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_sequence_of_commands_walks_round_a_safety_gate(steps in prop::collection::vec(step(), 1..60)) {
        let mut run = Run::new();
        for s in &steps {
            run.play(s);
            check_board(&run.board, &run.policy, &log_of(&run.board));
            let hidden = wall_violations(&run.board, &run.policy, run.now);
            prop_assert!(hidden.is_empty(), "{:?}", hidden);
        }
    }
}

/// The generator reaches the states the properties are about (otherwise
/// they would hold for want of trying).
#[test]
fn the_random_mornings_reach_administration_discharge_and_reactions() {
    let mut reached = [0usize; 8];
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..300 {
        let steps = prop::collection::vec(step(), 50..80)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let mut run = Run::new();
        for s in &steps {
            run.play(s);
        }
        let care = |f: &dyn Fn(&Visit) -> bool| run.board.visits.values().any(f);
        reached[0] += usize::from(care(&|v| v.care.administration_started.is_some()));
        reached[1] += usize::from(care(&|v| v.stage == Stage::Discharged));
        reached[2] += usize::from(care(&|v| !v.care.reactions.is_empty()));
        reached[3] += usize::from(care(&|v| !v.care.overrides.is_empty()));
        // A bed cleaned and lain on again, a reassignment, a hidden
        // patient.
        let on_a_cleaned_bed = run.board.visits.values().any(|v| {
            v.care.bed_ready.is_some()
                && v.care.bed_left.as_ref().is_some_and(|(bed, _)| {
                    run.board.visits.values().any(|o| {
                        o.id != v.id
                            && o.care.administration_started > v.care.bed_ready
                            && (o.bed.as_ref() == Some(bed)
                                || o.care.bed_left.as_ref().is_some_and(|(b, _)| b == bed))
                    })
                })
        });
        reached[4] += usize::from(on_a_cleaned_bed);
        reached[5] += usize::from(care(&|v| v.care.reassigned.is_some()));
        reached[6] += usize::from(care(&|v| v.care.do_not_display && v.stage.is_active()));
        reached[7] += usize::from(run.caseload_asked > 0);
    }
    assert!(reached.iter().all(|n| *n > 5), "{reached:?}");
}
