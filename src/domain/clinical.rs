//! The clinical records of a visit: screening and consent, the plan,
//! vital signs with their NEWS2 score, reactions, the discharge checklist.
//! Plain data plus the pure rules that read them (DOMAIN.md).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Screening answers: item id -> "yes".
pub type Answers = BTreeMap<String, bool>;

/// Injection method (DOMAIN.md "The treatment": papule or nappage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Papule,
    Nappage,
}

/// Where the product comes from (DOMAIN.md "The treatment").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Adipose,
    UmbilicalCord,
    DentalPulp,
    BoneMarrow,
    Placenta,
}

/// What is planned at counselling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Treatment id (may differ from the one booked at arrival).
    pub treatment: String,
    #[serde(default)]
    pub method: Option<Method>,
    /// Injection sites (face, neck, scalp …).
    #[serde(default)]
    pub sites: Vec<String>,
    pub dose_ml: f32,
    pub product: String,
    #[serde(default)]
    pub origin: Option<Origin>,
    /// The nurse who will administer.
    pub nurse: String,
    /// Body weight, for the adrenaline dose.
    #[serde(default)]
    pub weight_kg: Option<f32>,
    /// Age in years: a child's adrenaline cap is lower (DOMAIN.md
    /// "Anaphylaxis": 0.3 mg from 6 to 12 years).
    #[serde(default)]
    pub age_years: Option<u32>,
}

/// Level of consciousness (ACVPU, as NEWS2 uses it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consciousness {
    Alert,
    /// New confusion.
    Confusion,
    Voice,
    Pain,
    Unresponsive,
}

/// One set of vital signs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vitals {
    pub systolic: u16,
    pub diastolic: u16,
    pub pulse: u16,
    pub spo2: u8,
    pub temperature: f32,
    pub respiratory_rate: u8,
    pub consciousness: Consciousness,
}

/// The NEWS2 score of one set of vitals (Royal College of Physicians
/// 2017), on room air (scale 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct News2 {
    pub total: u8,
    /// Some single parameter scored 3.
    pub any_three: bool,
}

pub fn news2(v: &Vitals) -> News2 {
    let resp = match v.respiratory_rate {
        0..=8 => 3,
        9..=11 => 1,
        12..=20 => 0,
        21..=24 => 2,
        _ => 3,
    };
    let spo2 = match v.spo2 {
        0..=91 => 3,
        92..=93 => 2,
        94..=95 => 1,
        _ => 0,
    };
    let systolic = match v.systolic {
        0..=90 => 3,
        91..=100 => 2,
        101..=110 => 1,
        111..=219 => 0,
        _ => 3,
    };
    let pulse = match v.pulse {
        0..=40 => 3,
        41..=50 => 1,
        51..=90 => 0,
        91..=110 => 1,
        111..=130 => 2,
        _ => 3,
    };
    let consciousness = if v.consciousness == Consciousness::Alert {
        0
    } else {
        3
    };
    // Temperature bands in tenths of a degree, to compare exactly.
    let tenths = (v.temperature * 10.0).round() as i32;
    let temperature = match tenths {
        i32::MIN..=350 => 3,
        351..=360 => 1,
        361..=380 => 0,
        381..=390 => 1,
        _ => 2,
    };
    let scores = [resp, spo2, systolic, pulse, consciousness, temperature];
    News2 {
        total: scores.iter().sum(),
        any_three: scores.contains(&3),
    }
}

/// Checks a set of vitals is physically plausible; the error names the
/// field and says what is wrong.
pub fn check_vitals(v: &Vitals) -> Result<(), (&'static str, String)> {
    match vitals_problems(v).into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// Every value of a set of vitals that cannot be right, with the field it
/// is about (all at once, so a form shows them together).
pub fn vitals_problems(v: &Vitals) -> Vec<(&'static str, String)> {
    let range = |field, value: f32, lo: f32, hi: f32, unit: &str| {
        (value < lo || value > hi).then(|| {
            (
                field,
                format!("{value} {unit} is not possible: enter {lo}-{hi}"),
            )
        })
    };
    let systolic = range("systolic", f32::from(v.systolic), 40.0, 300.0, "mmHg");
    let diastolic = range("diastolic", f32::from(v.diastolic), 20.0, 200.0, "mmHg");
    let order =
        (systolic.is_none() && diastolic.is_none() && v.diastolic >= v.systolic).then(|| {
            (
                "diastolic",
                format!(
                    "the diastolic ({}) must be below the systolic ({})",
                    v.diastolic, v.systolic
                ),
            )
        });
    [
        systolic,
        diastolic,
        order,
        range("pulse", f32::from(v.pulse), 20.0, 250.0, "/min"),
        range("spo2", f32::from(v.spo2), 50.0, 100.0, "%"),
        range("temperature", v.temperature, 30.0, 43.0, "C"),
        range(
            "respiratory_rate",
            f32::from(v.respiratory_rate),
            4.0,
            60.0,
            "/min",
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A reaction kind, from the least to the most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReactionKind {
    /// Injection site: redness, swelling, bruising.
    Local,
    /// Vasovagal reflex: pallor, sweating, slow pulse, fainting.
    Vasovagal,
    /// Allergic: rash, itching, hives.
    Allergic,
    /// Anaphylaxis: the emergency path.
    Anaphylaxis,
}

impl ReactionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReactionKind::Local => "local",
            ReactionKind::Vasovagal => "vasovagal",
            ReactionKind::Allergic => "allergic",
            ReactionKind::Anaphylaxis => "anaphylaxis",
        }
    }
}

/// A reaction as recorded, with what happened after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reaction {
    /// The sequence number of the event that recorded it.
    pub id: u64,
    pub kind: ReactionKind,
    pub at: DateTime<Utc>,
    pub signs: String,
    pub action: String,
    /// When the patient was recorded symptom-free.
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The discharge checklist items (DOMAIN.md "Discharge checklist").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Pressure on the puncture site began (starts the hemostasis timer).
    HemostasisPressure,
    HemostasisConfirmed,
    FeelsWellWalksSteadily,
    AftercareExplained,
    BloodDonationDeferralExplained,
    NextVisitSuggested,
    WhomToCallExplained,
}

impl Check {
    /// The items a discharge needs, in the order they are done.
    pub const REQUIRED: [Check; 6] = [
        Check::HemostasisConfirmed,
        Check::FeelsWellWalksSteadily,
        Check::AftercareExplained,
        Check::BloodDonationDeferralExplained,
        Check::NextVisitSuggested,
        Check::WhomToCallExplained,
    ];

    /// The item in words, for a refusal.
    pub fn words(self) -> String {
        self.as_str().replace('_', " ")
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Check::HemostasisPressure => "hemostasis_pressure",
            Check::HemostasisConfirmed => "hemostasis_confirmed",
            Check::FeelsWellWalksSteadily => "feels_well_walks_steadily",
            Check::AftercareExplained => "aftercare_explained",
            Check::BloodDonationDeferralExplained => "blood_donation_deferral_explained",
            Check::NextVisitSuggested => "next_visit_suggested",
            Check::WhomToCallExplained => "whom_to_call_explained",
        }
    }
}

/// A fact recorded about a visit, without moving it to another stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Entry {
    /// The screening answers (every item answered).
    Screening {
        answers: Answers,
    },
    /// The doctor acknowledged caution answers: the ones named (an entry
    /// of an older flowboard names none and covers those yes then).
    CautionsAcknowledged {
        doctor: String,
        #[serde(default)]
        items: Vec<String>,
    },
    /// The doctor lets a blocked visit proceed, for the gates named: block
    /// answers by their item id, `fever`, `vitals` (critical pre-treatment
    /// vitals). An entry of an older flowboard names none and covers the
    /// block answers yes then.
    Override {
        doctor: String,
        reason: String,
        #[serde(default)]
        items: Vec<String>,
    },
    /// Consent items the patient agreed to.
    Consent {
        items: BTreeSet<String>,
    },
    Plan {
        plan: Plan,
    },
    Vitals {
        vitals: Vitals,
    },
    /// A drip check done (minute of the drip it was due at), or skipped
    /// with the reason.
    DripCheck {
        minute: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        skipped: Option<String>,
    },
    /// The drip is paused (its countdown stops).
    Pause {
        reason: String,
        /// The reaction that paused it, when one did (worded by each
        /// screen in its language).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reaction: Option<ReactionKind>,
    },
    Resume,
    Reaction {
        reaction: ReactionKind,
        signs: String,
        action: String,
        /// A vasovagal reaction during a drip: take the needle out (the
        /// drip stops, observation begins). Allergic reactions pause the
        /// drip and anaphylaxis stops it whatever this says.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        stop_drip: bool,
    },
    /// A doctor is with the patient.
    DoctorPresent {
        doctor: String,
    },
    /// The patient is symptom-free (closes the open reactions).
    SymptomFree,
    /// An adrenaline dose given (anaphylaxis). A dose above the one for
    /// the patient's weight, or above the cap, is recorded only when a
    /// doctor confirms it (and stays flagged).
    Adrenaline {
        dose_mg: f32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        confirmed_by: Option<String>,
    },
    /// The ambulance was called (anaphylaxis).
    AmbulanceCalled,
    /// An alert was seen and taken in hand: it stops flashing.
    Acknowledge {
        code: String,
    },
    /// The doctor clears the patient for discharge after the reactions
    /// recorded so far; after anaphylaxis, going home (rather than by
    /// ambulance) also needs the doctor's reason.
    Clearance {
        doctor: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Checklist {
        item: Check,
    },
    /// The patient is given to another nurse (their drip, their
    /// observation): the plan's nurse until the next reassignment.
    Reassigned {
        nurse: String,
    },
    /// The patient asked not to be shown on the wall (`on: false` takes
    /// the request back). The wall then shows neither initials nor
    /// number, only that a bed is occupied; the staff board shows a badge.
    DoNotDisplay {
        #[serde(default = "yes")]
        on: bool,
    },
    /// The bed this patient left is cleaned and ready for the next one.
    BedReady {
        bed: String,
    },
    /// A tick taken back: the item is to do again (the tick stays in the
    /// record, this entry after it).
    Untick {
        item: Check,
    },
}

fn yes() -> bool {
    true
}

impl Entry {
    pub fn name(&self) -> &'static str {
        match self {
            Entry::Screening { .. } => "screening",
            Entry::CautionsAcknowledged { .. } => "cautions_acknowledged",
            Entry::Override { .. } => "override",
            Entry::Consent { .. } => "consent",
            Entry::Plan { .. } => "plan",
            Entry::Vitals { .. } => "vitals",
            Entry::DripCheck { .. } => "drip_check",
            Entry::Pause { .. } => "pause",
            Entry::Resume => "resume",
            Entry::Reaction { .. } => "reaction",
            Entry::DoctorPresent { .. } => "doctor_present",
            Entry::SymptomFree => "symptom_free",
            Entry::Adrenaline { .. } => "adrenaline",
            Entry::AmbulanceCalled => "ambulance_called",
            Entry::Acknowledge { .. } => "acknowledge",
            Entry::Clearance { .. } => "clearance",
            Entry::Checklist { .. } => "checklist",
            Entry::Reassigned { .. } => "reassigned",
            Entry::DoNotDisplay { .. } => "do_not_display",
            Entry::BedReady { .. } => "bed_ready",
            Entry::Untick { .. } => "untick",
        }
    }
}

/// A lot of product, recorded at the start of administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    pub number: String,
    #[serde(default)]
    pub expiry: Option<NaiveDate>,
}

/// What the board knew of the patient's earlier visits when they arrived
/// (linked by chart number).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// This visit's number in the course of its treatment (1 = first).
    pub session: u32,
    /// Reactions at earlier visits: kind and when.
    pub reactions: Vec<(ReactionKind, DateTime<Utc>)>,
    /// The answers given at the last screening, to confirm.
    pub last_answers: Option<Answers>,
    /// When the last visit was.
    pub last_visit: Option<DateTime<Utc>>,
}

/// Adrenaline for a weight: 0.01 mg/kg, capped (DOMAIN.md "Anaphylaxis").
/// Without a weight, the cap (the adult dose). Rounded to 0.01 mg.
pub fn adrenaline_dose_mg(weight_kg: Option<f32>, mg_per_kg: f32, max_mg: f32) -> f32 {
    let dose = weight_kg.map_or(max_mg, |w| (w * mg_per_kg).min(max_mg));
    (dose * 100.0).round() / 100.0
}

/// Why a drip ended before its time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlyStop {
    pub reason: String,
    /// The volume actually given, when known.
    #[serde(default)]
    pub volume_ml: Option<f32>,
    /// The reaction that stopped the drip, when one did (the screens word
    /// it in their language; `reason` says it in English for the record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<ReactionKind>,
}

/// A doctor's approval: who, why, what it covers, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub doctor: String,
    #[serde(default)]
    pub reason: String,
    /// The gates or items it covers (override: block answers, `fever`,
    /// `vitals`; acknowledgement: caution answers).
    #[serde(default)]
    pub items: Vec<String>,
    pub at: DateTime<Utc>,
}

/// One adrenaline dose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dose {
    pub at: DateTime<Utc>,
    pub mg: f32,
    /// A dose above the computed one, confirmed by this doctor (flagged).
    #[serde(default)]
    pub confirmed_by: Option<String>,
}

/// An undone fact that would otherwise leave the board looking safer than
/// anyone recorded: it stays listed on the visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Undone {
    /// The entry or move undone (`reaction`, `adrenaline`, …).
    pub what: String,
    pub reason: String,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

/// Everything recorded about a visit's care, folded from its events in
/// the order they happened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Care {
    pub screening: Option<Answers>,
    /// When each item now answered "yes" became yes (a new yes needs its
    /// own approval).
    pub yes_since: BTreeMap<String, DateTime<Utc>>,
    /// The doctor's acknowledgements of caution answers.
    pub cautions_acks: Vec<Approval>,
    /// Doctors' overrides of what stops a start.
    pub overrides: Vec<Approval>,
    pub consent: BTreeSet<String>,
    pub plan: Option<Plan>,
    /// Every set of vitals, in the order they were taken: when, in which
    /// stage, the values.
    pub vitals: Vec<VitalsRecord>,
    pub lot: Option<Lot>,
    pub administration_started: Option<DateTime<Utc>>,
    pub administration_ended: Option<DateTime<Utc>>,
    pub early_stop: Option<EarlyStop>,
    /// Minutes of the drip whose check is done.
    pub drip_checks: BTreeSet<u32>,
    /// Minutes of the drip whose check was skipped, with the reason.
    pub drip_checks_skipped: BTreeMap<u32, String>,
    /// Seconds the drip was paused before the current pause.
    pub paused_secs: i64,
    pub paused_since: Option<DateTime<Utc>>,
    pub reactions: Vec<Reaction>,
    pub doctor_present: Option<(String, DateTime<Utc>)>,
    pub doses: Vec<Dose>,
    pub ambulance_called: Option<DateTime<Utc>>,
    /// Acknowledged alerts: code, when, who.
    pub acks: Vec<(String, DateTime<Utc>, Option<String>)>,
    /// The doctor's clearances for discharge after a reaction.
    pub clearances: Vec<Approval>,
    pub checklist: BTreeMap<Check, DateTime<Utc>>,
    /// Facts undone with a reason (they stay listed).
    pub undone: Vec<Undone>,
    /// Time corrections that shortened a running timer, by a doctor.
    pub timer_corrections: Vec<Approval>,
    /// Entries made after the fact that would have stopped a move already
    /// made, confirmed when entered: the entry and why.
    pub doubts: Vec<(String, String)>,
    /// The nurse the patient was last given to (a reassignment after the
    /// plan); `None`: the plan's nurse.
    pub reassigned: Option<(String, DateTime<Utc>)>,
    /// The patient asked not to be shown on the wall.
    pub do_not_display: bool,
    /// The bed this visit left, and when (the bed is cleaned after it).
    pub bed_left: Option<(String, DateTime<Utc>)>,
    /// When the bed it left was marked ready.
    pub bed_ready: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VitalsRecord {
    pub at: DateTime<Utc>,
    pub stage: super::Stage,
    pub vitals: Vitals,
}

impl Care {
    /// Folds one recorded entry (entries come in the order they happened).
    pub fn record(
        &mut self,
        entry: &Entry,
        at: DateTime<Utc>,
        seq: u64,
        stage: super::Stage,
        operator: Option<&str>,
    ) {
        match entry {
            Entry::Screening { answers } => {
                for (item, yes) in answers {
                    if *yes {
                        self.yes_since.entry(item.clone()).or_insert(at);
                    } else {
                        self.yes_since.remove(item);
                    }
                }
                self.yes_since.retain(|item, _| answers.contains_key(item));
                self.screening = Some(answers.clone());
            }
            Entry::CautionsAcknowledged { doctor, items } => {
                self.cautions_acks.push(Approval {
                    doctor: doctor.clone(),
                    reason: String::new(),
                    items: items.clone(),
                    at,
                });
            }
            Entry::Override {
                doctor,
                reason,
                items,
            } => {
                self.overrides.push(Approval {
                    doctor: doctor.clone(),
                    reason: reason.clone(),
                    items: items.clone(),
                    at,
                });
            }
            Entry::Consent { items } => self.consent = items.clone(),
            Entry::Plan { plan } => {
                // A plan recorded again names the nurse from then on.
                self.plan = Some(plan.clone());
                self.reassigned = None;
            }
            Entry::Vitals { vitals } => self.vitals.push(VitalsRecord {
                at,
                stage,
                vitals: *vitals,
            }),
            Entry::DripCheck { minute, skipped } => match skipped {
                None => {
                    self.drip_checks.insert(*minute);
                }
                Some(reason) => {
                    self.drip_checks_skipped.insert(*minute, reason.clone());
                }
            },
            Entry::Pause { .. } => {
                if self.paused_since.is_none() {
                    self.paused_since = Some(at);
                }
            }
            Entry::Resume => {
                if let Some(since) = self.paused_since.take() {
                    self.paused_secs += (at - since).num_seconds().max(0);
                }
            }
            Entry::Reaction {
                reaction,
                signs,
                action,
                ..
            } => self.reactions.push(Reaction {
                id: seq,
                kind: *reaction,
                at,
                signs: signs.clone(),
                action: action.clone(),
                resolved_at: None,
            }),
            Entry::DoctorPresent { doctor } => self.doctor_present = Some((doctor.clone(), at)),
            Entry::SymptomFree => {
                for r in self
                    .reactions
                    .iter_mut()
                    .filter(|r| r.resolved_at.is_none())
                {
                    r.resolved_at = Some(at);
                }
            }
            Entry::Adrenaline {
                dose_mg,
                confirmed_by,
            } => self.doses.push(Dose {
                at,
                mg: *dose_mg,
                confirmed_by: confirmed_by.clone(),
            }),
            Entry::AmbulanceCalled => self.ambulance_called = Some(at),
            Entry::Acknowledge { code } => {
                self.acks
                    .push((code.clone(), at, operator.map(str::to_string)));
            }
            Entry::Clearance { doctor, reason } => self.clearances.push(Approval {
                doctor: doctor.clone(),
                reason: reason.clone().unwrap_or_default(),
                items: Vec::new(),
                at,
            }),
            Entry::Checklist { item } => {
                self.checklist.entry(*item).or_insert(at);
            }
            Entry::Reassigned { nurse } => self.reassigned = Some((nurse.clone(), at)),
            Entry::DoNotDisplay { on } => self.do_not_display = *on,
            Entry::BedReady { .. } => self.bed_ready = Some(at),
            Entry::Untick { item } => {
                self.checklist.remove(item);
            }
        }
    }

    /// The nurse the patient is with now: the last reassignment, else the
    /// plan's.
    pub fn nurse(&self) -> Option<&str> {
        self.reassigned
            .as_ref()
            .map(|(n, _)| n.as_str())
            .or(self.plan.as_ref().map(|p| p.nurse.as_str()))
    }

    /// The worst reaction still open (not symptom-free), if any.
    pub fn open_reaction(&self) -> Option<&Reaction> {
        self.reactions
            .iter()
            .filter(|r| r.resolved_at.is_none() && r.kind != ReactionKind::Local)
            .max_by_key(|r| r.kind)
    }

    pub fn worst_reaction(&self) -> Option<ReactionKind> {
        self.reactions.iter().map(|r| r.kind).max()
    }

    /// The vitals taken before administration began (the baseline): the
    /// last reading before the needle went in.
    pub fn baseline_record(&self) -> Option<&VitalsRecord> {
        self.vitals.iter().rev().find(|v| {
            matches!(
                v.stage,
                super::Stage::Waiting | super::Stage::Counselling | super::Stage::Ready
            )
        })
    }

    pub fn baseline(&self) -> Option<&Vitals> {
        self.baseline_record().map(|v| &v.vitals)
    }

    /// The last reading taken (by when it was taken, not when typed).
    pub fn latest_vitals(&self) -> Option<&VitalsRecord> {
        self.vitals.iter().max_by_key(|v| v.at)
    }

    /// The latest override or caution acknowledgement, for the record.
    pub fn last_override(&self) -> Option<&Approval> {
        self.overrides.last()
    }

    /// Whether a doctor is with the patient since `since`.
    pub fn doctor_since(&self, since: DateTime<Utc>) -> bool {
        self.doctor_present
            .as_ref()
            .is_some_and(|(_, at)| *at >= since)
    }

    /// Seconds the drip has been paused, up to `now`.
    pub fn paused_secs_at(&self, now: DateTime<Utc>) -> i64 {
        self.paused_secs
            + self
                .paused_since
                .map_or(0, |since| (now - since).num_seconds().max(0))
    }
}
