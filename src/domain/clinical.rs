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
    let range = |field, value: f32, lo: f32, hi: f32, unit: &str| {
        if value < lo || value > hi {
            Err((
                field,
                format!("{value} {unit} is not possible: enter {lo}-{hi}"),
            ))
        } else {
            Ok(())
        }
    };
    range("systolic", f32::from(v.systolic), 40.0, 300.0, "mmHg")?;
    range("diastolic", f32::from(v.diastolic), 20.0, 200.0, "mmHg")?;
    if v.diastolic >= v.systolic {
        return Err((
            "diastolic",
            format!(
                "the diastolic ({}) must be below the systolic ({})",
                v.diastolic, v.systolic
            ),
        ));
    }
    range("pulse", f32::from(v.pulse), 20.0, 250.0, "/min")?;
    range("spo2", f32::from(v.spo2), 50.0, 100.0, "%")?;
    range("temperature", v.temperature, 30.0, 43.0, "C")?;
    range(
        "respiratory_rate",
        f32::from(v.respiratory_rate),
        4.0,
        60.0,
        "/min",
    )?;
    Ok(())
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
    /// The doctor acknowledged the caution answers.
    CautionsAcknowledged {
        doctor: String,
    },
    /// The doctor lets a blocked visit proceed.
    Override {
        doctor: String,
        reason: String,
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
    /// A drip check done (minute of the drip it was due at).
    DripCheck {
        minute: u32,
    },
    /// The drip is paused (its countdown stops).
    Pause {
        reason: String,
    },
    Resume,
    Reaction {
        reaction: ReactionKind,
        signs: String,
        action: String,
    },
    /// A doctor is with the patient.
    DoctorPresent {
        doctor: String,
    },
    /// The patient is symptom-free (closes the open reactions).
    SymptomFree,
    /// An adrenaline dose given (anaphylaxis).
    Adrenaline {
        dose_mg: f32,
    },
    /// The ambulance was called (anaphylaxis).
    AmbulanceCalled,
    /// An alert was seen and taken in hand: it stops flashing.
    Acknowledge {
        code: String,
    },
    /// The doctor clears the patient for discharge after a reaction.
    Clearance {
        doctor: String,
    },
    Checklist {
        item: Check,
    },
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
}

/// Everything recorded about a visit's care, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Care {
    pub screening: Option<Answers>,
    /// When the screening was recorded and by the temperature rule.
    pub cautions_acknowledged_by: Option<String>,
    /// (doctor, reason) of an override of the block answers.
    pub override_by: Option<(String, String)>,
    pub consent: BTreeSet<String>,
    pub plan: Option<Plan>,
    /// Every set of vitals: when, in which stage, the values.
    pub vitals: Vec<VitalsRecord>,
    pub lot: Option<Lot>,
    pub administration_started: Option<DateTime<Utc>>,
    pub early_stop: Option<EarlyStop>,
    /// Minutes of the drip whose check is done.
    pub drip_checks: BTreeSet<u32>,
    /// Seconds the drip was paused before the current pause.
    pub paused_secs: i64,
    pub paused_since: Option<DateTime<Utc>>,
    pub reactions: Vec<Reaction>,
    pub doctor_present: Option<(String, DateTime<Utc>)>,
    /// Adrenaline doses: when, mg.
    pub doses: Vec<(DateTime<Utc>, f32)>,
    pub ambulance_called: Option<DateTime<Utc>>,
    /// Acknowledged alerts: code, when, who.
    pub acks: Vec<(String, DateTime<Utc>, Option<String>)>,
    pub clearance_by: Option<(String, DateTime<Utc>)>,
    pub checklist: BTreeMap<Check, DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VitalsRecord {
    pub at: DateTime<Utc>,
    pub stage: super::Stage,
    pub vitals: Vitals,
}

impl Care {
    /// Folds one recorded entry.
    pub fn record(
        &mut self,
        entry: &Entry,
        at: DateTime<Utc>,
        seq: u64,
        stage: super::Stage,
        operator: Option<&str>,
    ) {
        match entry {
            Entry::Screening { answers } => self.screening = Some(answers.clone()),
            Entry::CautionsAcknowledged { doctor } => {
                self.cautions_acknowledged_by = Some(doctor.clone());
            }
            Entry::Override { doctor, reason } => {
                self.override_by = Some((doctor.clone(), reason.clone()));
            }
            Entry::Consent { items } => self.consent = items.clone(),
            Entry::Plan { plan } => self.plan = Some(plan.clone()),
            Entry::Vitals { vitals } => self.vitals.push(VitalsRecord {
                at,
                stage,
                vitals: *vitals,
            }),
            Entry::DripCheck { minute } => {
                self.drip_checks.insert(*minute);
            }
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
            Entry::Adrenaline { dose_mg } => self.doses.push((at, *dose_mg)),
            Entry::AmbulanceCalled => self.ambulance_called = Some(at),
            Entry::Acknowledge { code } => {
                self.acks
                    .push((code.clone(), at, operator.map(str::to_string)));
            }
            Entry::Clearance { doctor } => self.clearance_by = Some((doctor.clone(), at)),
            Entry::Checklist { item } => {
                self.checklist.entry(*item).or_insert(at);
            }
        }
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

    /// The vitals taken before administration began (the baseline).
    pub fn baseline(&self) -> Option<&Vitals> {
        self.vitals
            .iter()
            .rev()
            .find(|v| {
                matches!(
                    v.stage,
                    super::Stage::Waiting | super::Stage::Counselling | super::Stage::Ready
                )
            })
            .map(|v| &v.vitals)
    }

    pub fn latest_vitals(&self) -> Option<&VitalsRecord> {
        self.vitals.last()
    }

    /// Seconds the drip has been paused, up to `now`.
    pub fn paused_secs_at(&self, now: DateTime<Utc>) -> i64 {
        self.paused_secs
            + self
                .paused_since
                .map_or(0, |since| (now - since).num_seconds().max(0))
    }
}
