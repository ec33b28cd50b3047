//! Timers and alerts, derived from the board, the policy and `now`.
//! Nothing here is stored: a restart or a second terminal derives the same.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use std::fmt;

use chrono::Duration;

use super::clinical::{Approval, Check, ReactionKind, VitalsRecord, adrenaline_dose_mg, news2};
use super::model::{Board, Route, Stage, Visit, VisitId};
use super::policy::{AnaphylaxisHome, Level, Policy, RiskFlag};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertCode {
    /// Too long in waiting, counselling or ready.
    WaitedTooLong,
    /// The expected administration time is over: needle out, hemostasis.
    AdministrationDue,
    /// Well past the expected end of administration.
    AdministrationOverdue,
    /// Observation time is over: ready for discharge.
    ObservationComplete,
    /// Observation ended long ago and the patient is still not discharged.
    DischargeOverdue,
    /// A block answer at screening, not overridden.
    Contraindication,
    /// Caution answers waiting for the doctor's acknowledgement.
    CautionNeedsDoctor,
    /// Fever at counselling: infection flag.
    Fever,
    /// Vital signs out of range (NEWS2, low BP, fall from baseline, SpO2).
    Vitals,
    /// A drip check (volume, rate, tubing, site, patient) is due.
    DripCheckDue,
    /// The drip is paused.
    DripPaused,
    /// A vasovagal reaction is open: lie flat, legs up, stay.
    Vasovagal,
    /// Vitals are due during an open reaction.
    VitalsDue,
    /// An allergic reaction is open: call the doctor.
    Allergic,
    /// Anaphylaxis: the emergency.
    Emergency,
    /// Another adrenaline dose is due if problems persist.
    AdrenalineRepeatDue,
    /// Call the ambulance / arrange transfer.
    CallAmbulance,
    /// Pressure time is up: release and check hemostasis.
    HemostasisDue,
    /// An expected patient is later than the grace time.
    Late,
    /// Reacted (allergic or worse) at an earlier visit: the doctor must
    /// see the answers before anything else.
    PriorReaction,
    /// A bed is still being cleaned after its patient left (on the visit
    /// that left it; `detail` is the bed).
    BedNotReady,
    /// A nurse watches more drips at once than the clinic allows (on the
    /// drip that took them over; `detail` is the nurse, `minutes` the
    /// number of drips).
    Caseload,
}

impl AlertCode {
    /// Order among alerts of the same severity: the emergency path first,
    /// then the patient's condition, then the flow.
    pub fn rank(self) -> u8 {
        match self {
            AlertCode::Emergency => 0,
            AlertCode::AdrenalineRepeatDue => 1,
            AlertCode::CallAmbulance => 2,
            AlertCode::Allergic => 3,
            AlertCode::Vitals => 4,
            AlertCode::Vasovagal => 5,
            AlertCode::VitalsDue => 6,
            AlertCode::PriorReaction => 7,
            AlertCode::Fever => 8,
            AlertCode::Contraindication => 9,
            AlertCode::CautionNeedsDoctor => 10,
            AlertCode::AdministrationOverdue => 11,
            AlertCode::AdministrationDue => 12,
            AlertCode::DripPaused => 13,
            AlertCode::HemostasisDue => 14,
            AlertCode::DripCheckDue => 15,
            AlertCode::Caseload => 16,
            AlertCode::BedNotReady => 17,
            AlertCode::DischargeOverdue => 18,
            AlertCode::ObservationComplete => 19,
            AlertCode::WaitedTooLong => 20,
            AlertCode::Late => 21,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AlertCode::WaitedTooLong => "waited_too_long",
            AlertCode::AdministrationDue => "administration_due",
            AlertCode::AdministrationOverdue => "administration_overdue",
            AlertCode::ObservationComplete => "observation_complete",
            AlertCode::DischargeOverdue => "discharge_overdue",
            AlertCode::Contraindication => "contraindication",
            AlertCode::CautionNeedsDoctor => "caution_needs_doctor",
            AlertCode::Fever => "fever",
            AlertCode::Vitals => "vitals",
            AlertCode::DripCheckDue => "drip_check_due",
            AlertCode::DripPaused => "drip_paused",
            AlertCode::Vasovagal => "vasovagal",
            AlertCode::VitalsDue => "vitals_due",
            AlertCode::Allergic => "allergic",
            AlertCode::Emergency => "emergency",
            AlertCode::AdrenalineRepeatDue => "adrenaline_repeat_due",
            AlertCode::CallAmbulance => "call_ambulance",
            AlertCode::HemostasisDue => "hemostasis_due",
            AlertCode::Late => "late",
            AlertCode::PriorReaction => "prior_reaction",
            AlertCode::BedNotReady => "bed_not_ready",
            AlertCode::Caseload => "caseload",
        }
    }
}

/// One thing that needs attention now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub visit: VisitId,
    pub severity: Severity,
    pub code: AlertCode,
    /// Minutes that matter for the message (waited, overdue by).
    pub minutes: i64,
    /// The stage the alert is about.
    pub stage: Stage,
    /// When the condition began (an acknowledgement after this covers it).
    pub since: DateTime<Utc>,
    /// Who acknowledged it: it stays listed, but stops flashing.
    pub acknowledged_by: Option<String>,
    /// Detail for the message: item ids, a dose, a NEWS2 score.
    pub detail: String,
    /// For the emergency: where its response stands, so the line says
    /// what to do next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<EmergencyState>,
    /// For abnormal vitals: what is abnormal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<VitalsFinding>,
}

/// Where the response to an anaphylaxis stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyState {
    /// The dose for the recorded weight, in hundredths of a mg; `None`:
    /// no weight recorded, the board cannot compute it.
    pub dose_cg: Option<u32>,
    /// The cap for this patient (child or adult), in hundredths of a mg.
    pub cap_cg: u32,
    /// Doses given so far.
    pub doses: u32,
    /// The doctor with the patient since the reaction, if any.
    pub doctor: Option<String>,
}

/// How a visit's clock reads now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    /// Seconds since the stage began (never negative).
    pub elapsed_secs: i64,
    /// For administration and observation: seconds left of the expected
    /// length (negative when over).
    pub remaining_secs: Option<i64>,
}

/// Expected length of the current stage, when the stage has one. For
/// observation waiting on "symptom-free", none.
pub fn expected_secs(visit: &Visit, policy: &Policy) -> Option<i64> {
    match visit.stage {
        Stage::Administration => policy
            .treatment(&visit.treatment)
            .map(|t| i64::from(t.minutes) * 60),
        Stage::Observation => {
            observation_end(visit, policy).map(|end| (end - visit.stage_since).num_seconds())
        }
        _ => None,
    }
}

pub fn timer(visit: &Visit, policy: &Policy, now: DateTime<Utc>) -> Timer {
    let elapsed_secs = (now - visit.stage_since).num_seconds().max(0);
    // A paused drip's countdown stands still.
    let running = if visit.stage == Stage::Administration {
        elapsed_secs - visit.care.paused_secs_at(now)
    } else {
        elapsed_secs
    };
    Timer {
        elapsed_secs,
        remaining_secs: expected_secs(visit, policy).map(|e| e - running),
    }
}

/// Screening items answered "yes" at `level`.
pub fn answered<'a>(visit: &'a Visit, policy: &'a Policy, level: Level) -> Vec<&'a str> {
    let Some(answers) = &visit.care.screening else {
        return Vec::new();
    };
    policy
        .screening
        .iter()
        .filter(|q| q.level == level && answers.get(&q.id) == Some(&true))
        .map(|q| q.id.as_str())
        .collect()
}

/// The risks the answers (and today's temperature) imply.
pub fn risk_flags(visit: &Visit, policy: &Policy) -> Vec<RiskFlag> {
    let mut flags: Vec<RiskFlag> = match &visit.care.screening {
        Some(answers) => policy
            .screening
            .iter()
            .filter(|q| answers.get(&q.id) == Some(&true))
            .flat_map(|q| q.flags.iter().copied())
            .collect(),
        None => Vec::new(),
    };
    if fever(visit, policy).is_some() {
        flags.push(RiskFlag::Infection);
    }
    flags.sort();
    flags.dedup();
    flags
}

/// The temperature at or above the fever limit taken before
/// administration, if any (DOMAIN.md: infection, incl. fever today).
pub fn fever(visit: &Visit, policy: &Policy) -> Option<f32> {
    fever_reading(visit, policy).map(|v| v.vitals.temperature)
}

/// The last pre-treatment reading with a fever.
pub fn fever_reading<'a>(visit: &'a Visit, policy: &Policy) -> Option<&'a VitalsRecord> {
    visit
        .care
        .vitals
        .iter()
        .rev()
        .filter(|v| matches!(v.stage, Stage::Waiting | Stage::Counselling | Stage::Ready))
        .find(|v| v.vitals.temperature >= policy.vitals.fever_celsius)
}

/// The gate ids an override can name besides block answers.
pub const GATE_FEVER: &str = "fever";
pub const GATE_VITALS: &str = "vitals";

/// What stops this visit's start now, each with when it began: block
/// answers "yes" (by item id), a fever before treatment (`fever`), and
/// pre-treatment vitals at a critical threshold (`vitals`) — DOMAIN.md
/// "Screening" and "Vital signs": these stop the start like a block
/// answer does.
pub fn start_gates(visit: &Visit, policy: &Policy) -> Vec<(String, DateTime<Utc>)> {
    let care = &visit.care;
    let mut gates: Vec<(String, DateTime<Utc>)> = answered(visit, policy, Level::Block)
        .into_iter()
        .map(|id| {
            let since = care.yes_since.get(id).copied().unwrap_or(visit.arrived_at);
            (id.to_string(), since)
        })
        .collect();
    if let Some(reading) = fever_reading(visit, policy) {
        gates.push((GATE_FEVER.to_string(), reading.at));
    }
    if let Some(base) = care.baseline_record()
        && matches!(
            vitals_alert(&base.vitals, None, policy),
            Some((Severity::Critical, _))
        )
    {
        gates.push((GATE_VITALS.to_string(), base.at));
    }
    gates
}

/// Whether an approval covers `item` that began at `since`: it names the
/// item (or, written by an older flowboard, names nothing and so covers
/// what was "yes" then) and was given after it began.
fn covers(a: &Approval, item: &str, since: DateTime<Utc>) -> bool {
    a.at >= since && (a.items.iter().any(|i| i == item) || a.items.is_empty())
}

/// The start gates no doctor's override covers.
pub fn uncovered_gates(visit: &Visit, policy: &Policy) -> Vec<String> {
    start_gates(visit, policy)
        .into_iter()
        .filter(|(gate, since)| {
            let legacy_ok =
                |a: &Approval| !a.items.is_empty() || policy.screening_item(gate).is_some();
            !visit
                .care
                .overrides
                .iter()
                .any(|a| legacy_ok(a) && covers(a, gate, *since))
        })
        .map(|(gate, _)| gate)
        .collect()
}

/// Caution answers "yes" no doctor has acknowledged (since they became
/// yes).
pub fn unacknowledged_cautions(visit: &Visit, policy: &Policy) -> Vec<String> {
    let care = &visit.care;
    answered(visit, policy, Level::Caution)
        .into_iter()
        .filter(|id| {
            let since = care.yes_since.get(*id).copied().unwrap_or(visit.arrived_at);
            !care.cautions_acks.iter().any(|a| covers(a, id, since))
        })
        .map(str::to_string)
        .collect()
}

/// Screening items that must be "yes" because of a reaction at an
/// earlier visit (today's included).
pub fn required_yes(visit: &Visit, policy: &Policy) -> Vec<String> {
    policy
        .screening
        .iter()
        .filter(|q| {
            visit
                .history
                .reactions
                .iter()
                .any(|(kind, _)| q.reactions.contains(kind))
        })
        .map(|q| q.id.clone())
        .collect()
}

/// Observation is longer with an allergy caution, a past vasovagal
/// reaction, a first session, or a reaction at an earlier visit
/// (DOMAIN.md "Observation").
pub fn extended_observation(visit: &Visit, policy: &Policy) -> bool {
    let by_answer = visit.care.screening.as_ref().is_some_and(|answers| {
        policy
            .screening
            .iter()
            .any(|q| q.extends_observation && answers.get(&q.id) == Some(&true))
    });
    by_answer || !visit.history.reactions.is_empty()
}

/// When observation may end; `None` while it waits for the patient to be
/// recorded symptom-free. Only meaningful in observation.
pub fn observation_end(visit: &Visit, policy: &Policy) -> Option<DateTime<Utc>> {
    // From the needle out, as recorded (an entry after the fact included).
    let start = visit.care.administration_ended.unwrap_or(visit.stage_since);
    observation_end_after(visit, policy, start)
}

/// When observation may end if the needle comes (came) out at `start`,
/// with what is recorded of the visit now (answers, reactions): the bed
/// forecast asks it for a drip still running.
pub fn observation_end_after(
    visit: &Visit,
    policy: &Policy,
    start: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let minutes = if extended_observation(visit, policy) {
        policy.observation.extended_minutes
    } else {
        policy.observation.minutes
    };
    let mut end = start + Duration::minutes(i64::from(minutes));
    let r = &policy.reactions;
    let doses = visit.care.doses.len();
    for reaction in &visit.care.reactions {
        match (reaction.kind, reaction.resolved_at) {
            (ReactionKind::Local, _) => {}
            (ReactionKind::Vasovagal, Some(resolved)) => {
                end = end.max(
                    resolved + Duration::minutes(i64::from(r.vasovagal_after_symptom_free_minutes)),
                );
            }
            (ReactionKind::Allergic, resolved) => {
                let from = start.max(reaction.at);
                end = end.max(from + Duration::minutes(i64::from(r.allergic_observation_minutes)));
                if let Some(resolved) = resolved {
                    end = end.max(resolved);
                }
            }
            (ReactionKind::Anaphylaxis, Some(resolved)) => {
                let hours = r.anaphylaxis_observation_hours[doses.clamp(1, 3) - 1];
                end = end.max(resolved + Duration::hours(i64::from(hours)));
            }
            (ReactionKind::Vasovagal | ReactionKind::Anaphylaxis, None) => return None,
        }
    }
    Some(end)
}

/// Minutes of pressure for hemostasis: longer with a blood thinner.
pub fn hemostasis_minutes(visit: &Visit, policy: &Policy) -> u32 {
    if risk_flags(visit, policy).contains(&RiskFlag::BloodThinner) {
        policy.discharge.hemostasis_minutes_blood_thinner
    } else {
        policy.discharge.hemostasis_minutes
    }
}

/// Whether the plan records a child (DOMAIN.md "Anaphylaxis": the child
/// cap applies under `reactions.child_under_years`).
pub fn is_child(visit: &Visit, policy: &Policy) -> bool {
    visit
        .care
        .plan
        .as_ref()
        .and_then(|p| p.age_years)
        .is_some_and(|age| age < policy.reactions.child_under_years)
}

/// The largest single adrenaline dose for this patient.
pub fn adrenaline_cap(visit: &Visit, policy: &Policy) -> f32 {
    if is_child(visit, policy) {
        policy.reactions.adrenaline_max_mg_child
    } else {
        policy.reactions.adrenaline_max_mg
    }
}

/// The adrenaline dose for this patient's recorded weight (0.01 mg/kg up
/// to the cap); `None` without a weight: the board cannot compute it.
pub fn adrenaline_dose(visit: &Visit, policy: &Policy) -> Option<f32> {
    let weight = visit.care.plan.as_ref().and_then(|p| p.weight_kg)?;
    Some(adrenaline_dose_mg(
        Some(weight),
        policy.reactions.adrenaline_mg_per_kg,
        adrenaline_cap(visit, policy),
    ))
}

/// Why an adrenaline dose is more than this patient should get.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DoseProblem {
    /// Above the cap (0.5 mg adult, 0.3 mg child).
    AboveCap { dose: f32, cap: f32, child: bool },
    /// Above 0.01 mg/kg for the recorded weight, beyond a syringe's
    /// rounding (0.05 mg).
    AboveWeightDose { dose: f32, kg: f32, expected: f32 },
}

impl DoseProblem {
    /// In English (protocol messages); the screens have their own words.
    pub fn describe(&self) -> String {
        match self {
            DoseProblem::AboveCap { dose, cap, child } => format!(
                "{dose:.2} mg is above the {} cap of {cap:.2} mg",
                if *child { "child" } else { "adult" }
            ),
            DoseProblem::AboveWeightDose { dose, kg, expected } => {
                format!("{dose:.2} mg is above the dose for {kg} kg ({expected:.2} mg)")
            }
        }
    }
}

/// Whether a dose is more than this patient should get: above the
/// weight-based dose or above the cap (DOMAIN.md "Anaphylaxis"). A dose
/// without a weight is checked against the cap only.
pub fn dose_too_high(visit: &Visit, policy: &Policy, dose_mg: f32) -> Option<DoseProblem> {
    let cap = adrenaline_cap(visit, policy);
    if dose_mg > cap + 0.001 {
        return Some(DoseProblem::AboveCap {
            dose: dose_mg,
            cap,
            child: is_child(visit, policy),
        });
    }
    let kg = visit.care.plan.as_ref().and_then(|p| p.weight_kg)?;
    let expected = adrenaline_dose(visit, policy)?;
    (dose_mg > expected + 0.05).then_some(DoseProblem::AboveWeightDose {
        dose: dose_mg,
        kg,
        expected,
    })
}

/// Something a move needs that is not there yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "missing", rename_all = "snake_case")]
pub enum Missing {
    Screening,
    /// What stops the start (block answers by item id, `fever`, `vitals`)
    /// with no doctor's override that names it.
    Contraindication {
        items: Vec<String>,
    },
    /// Caution answers the doctor has not acknowledged.
    CautionAcknowledgement {
        items: Vec<String>,
    },
    Consent {
        items: Vec<String>,
    },
    Plan,
    PreTreatmentVitals,
    Lot,
    /// A drip runs until `until` (its countdown, pauses included): end it
    /// then, or stop it early with a reason.
    DripRunning {
        until: DateTime<Utc>,
    },
    /// A drip check due before the needle comes out: tick it or skip it
    /// with a reason.
    DripCheck {
        minute: u32,
    },
    /// A reaction is still open: symptom-free first (or transfer).
    OpenReaction {
        reaction: ReactionKind,
    },
    /// Observation runs until `until` (`None`: until symptom-free).
    Observation {
        until: Option<DateTime<Utc>>,
    },
    EndVitals,
    /// The last vitals are out of range.
    EndVitalsInRange,
    Check {
        item: Check,
    },
    /// The doctor's clearance, given after the last reaction.
    DoctorClearance,
    /// After anaphylaxis: going home needs the doctor's recorded reason.
    DoctorReasonForHome,
    /// After anaphylaxis, when the clinic allows no discharge home.
    TransferOnly,
    /// Symptom-free needs a reading in range taken after the reaction
    /// (and the last reading not critical).
    ReadingInRange,
}

impl Missing {
    /// What is missing, in words, with times in the clinic's zone.
    pub fn describe(&self, tz: chrono_tz::Tz) -> String {
        let hm = |t: &DateTime<Utc>| t.with_timezone(&tz).format("%H:%M").to_string();
        match self {
            Missing::Screening => "the screening answers".into(),
            Missing::Contraindication { items } => format!(
                "contraindication ({}): defer, or a doctor's override",
                items.join(", ")
            ),
            Missing::CautionAcknowledgement { items } => {
                format!("the doctor's acknowledgement of {}", items.join(", "))
            }
            Missing::Consent { items } => format!("consent to {}", items.join(", ")),
            Missing::Plan => "the plan (dose, product, nurse)".into(),
            Missing::PreTreatmentVitals => "pre-treatment vitals".into(),
            Missing::Lot => "the lot number".into(),
            Missing::DripRunning { until } => format!(
                "the drip runs until {}: stop it early with a reason to end it now",
                hm(until)
            ),
            Missing::DripCheck { minute } => {
                format!("the {minute}-minute drip check (tick it, or skip it with a reason)")
            }
            Missing::OpenReaction { reaction } => format!(
                "the {} reaction is open: record symptom-free first, or transfer",
                reaction.as_str()
            ),
            Missing::Observation { until: Some(t) } => format!("observation until {}", hm(t)),
            Missing::Observation { until: None } => {
                "observation until the patient is symptom-free".into()
            }
            Missing::EndVitals => "end-of-observation vitals".into(),
            Missing::EndVitalsInRange => "end vitals in range".into(),
            Missing::Check { item } => item.as_str().replace('_', " "),
            Missing::DoctorClearance => {
                "the doctor's clearance (given after the last reaction)".into()
            }
            Missing::DoctorReasonForHome => {
                "after anaphylaxis the exit is transfer: going home needs the doctor's clearance with a reason".into()
            }
            Missing::TransferOnly => {
                "after anaphylaxis this clinic sends the patient by ambulance: transfer".into()
            }
            Missing::ReadingInRange => {
                "vitals in range taken after the reaction (the last reading is critical, or none was taken since)".into()
            }
        }
    }
}

impl fmt::Display for Missing {
    /// In UTC (logs); people read [`Missing::describe`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(chrono_tz::UTC))
    }
}

/// What counselling still lacks before the patient is ready.
pub fn missing_for_ready(visit: &Visit, policy: &Policy) -> Vec<Missing> {
    let care = &visit.care;
    let mut missing = Vec::new();
    if care.screening.is_none() {
        missing.push(Missing::Screening);
    }
    let blocks: Vec<String> = uncovered_gates(visit, policy)
        .into_iter()
        .filter(|g| policy.screening_item(g).is_some())
        .collect();
    if !blocks.is_empty() {
        missing.push(Missing::Contraindication { items: blocks });
    }
    let cautions = unacknowledged_cautions(visit, policy);
    if !cautions.is_empty() {
        missing.push(Missing::CautionAcknowledgement { items: cautions });
    }
    let consent: Vec<String> = policy
        .consent
        .iter()
        .filter(|c| !care.consent.contains(&c.id))
        .map(|c| c.id.clone())
        .collect();
    if !consent.is_empty() {
        missing.push(Missing::Consent { items: consent });
    }
    if care.plan.is_none() {
        missing.push(Missing::Plan);
    }
    missing
}

/// What administration still lacks (the lot and the bed come with the
/// command): counselling's needs, pre-treatment vitals, and no fever or
/// critical vitals without an override.
pub fn missing_for_administration(visit: &Visit, policy: &Policy) -> Vec<Missing> {
    let mut missing = missing_for_ready(visit, policy);
    if policy.vitals.required_before_start && visit.care.baseline().is_none() {
        missing.push(Missing::PreTreatmentVitals);
    }
    let vitals_gates: Vec<String> = uncovered_gates(visit, policy)
        .into_iter()
        .filter(|g| policy.screening_item(g).is_none())
        .collect();
    if !vitals_gates.is_empty() {
        match missing
            .iter_mut()
            .find(|m| matches!(m, Missing::Contraindication { .. }))
        {
            Some(Missing::Contraindication { items }) => items.extend(vitals_gates),
            _ => missing.push(Missing::Contraindication {
                items: vitals_gates,
            }),
        }
    }
    missing
}

/// The route the visit's treatment (the plan's, once planned) is given by.
pub fn route(visit: &Visit, policy: &Policy) -> Option<Route> {
    policy.treatment(&visit.treatment).map(|t| t.route)
}

/// When a running drip's countdown reaches zero (pauses included): the
/// end of administration at `now`'s knowledge. `None` when not a drip in
/// administration.
pub fn drip_end(visit: &Visit, policy: &Policy, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if visit.stage != Stage::Administration || route(visit, policy) != Some(Route::Drip) {
        return None;
    }
    let minutes = policy.treatment(&visit.treatment)?.minutes;
    let paused = visit.care.paused_secs_at(now);
    Some(visit.stage_since + Duration::minutes(i64::from(minutes)) + Duration::seconds(paused))
}

/// The drip checks due by `at` (minutes of running time) not yet ticked
/// or skipped.
pub fn drip_checks_due(visit: &Visit, policy: &Policy, at: DateTime<Utc>) -> Vec<u32> {
    if visit.stage != Stage::Administration || route(visit, policy) != Some(Route::Drip) {
        return Vec::new();
    }
    let care = &visit.care;
    let running = ((at - visit.stage_since).num_seconds() - care.paused_secs_at(at)) / 60;
    policy
        .administration
        .drip_check_minutes
        .iter()
        .copied()
        .filter(|m| i64::from(*m) <= running)
        .filter(|m| !care.drip_checks.contains(m) && !care.drip_checks_skipped.contains_key(m))
        .collect()
}

/// What ending administration at `at` (needle out, by the plain move)
/// still lacks: a drip runs its time (or is stopped early with a reason),
/// and its due checks are ticked or skipped.
pub fn missing_for_end_of_administration(
    visit: &Visit,
    policy: &Policy,
    at: DateTime<Utc>,
) -> Vec<Missing> {
    let mut missing = Vec::new();
    if let Some(until) = drip_end(visit, policy, at)
        && until > at
    {
        missing.push(Missing::DripRunning { until });
    }
    missing.extend(
        drip_checks_due(visit, policy, at)
            .into_iter()
            .map(|minute| Missing::DripCheck { minute }),
    );
    missing
}

/// The reading that counts as the end-of-observation vitals: the last one
/// taken after the needle came out and after the last symptom-free.
pub fn end_vitals(visit: &Visit) -> Option<&VitalsRecord> {
    let care = &visit.care;
    let after = care
        .reactions
        .iter()
        .filter_map(|r| r.resolved_at)
        .chain(care.administration_ended)
        .max()?;
    care.vitals
        .iter()
        .filter(|v| v.at >= after && v.stage == Stage::Observation)
        .max_by_key(|v| v.at)
}

/// The reactions a clearance must come after: allergic or worse.
fn last_serious_reaction(visit: &Visit) -> Option<&super::clinical::Reaction> {
    visit
        .care
        .reactions
        .iter()
        .filter(|r| r.kind >= ReactionKind::Allergic)
        .max_by_key(|r| r.at)
}

/// The doctor's clearance that covers every serious reaction so far.
pub fn covering_clearance(visit: &Visit) -> Option<&Approval> {
    let last = last_serious_reaction(visit)?;
    visit.care.clearances.iter().rev().find(|c| c.at >= last.at)
}

/// What discharge at `at` still lacks, in the order staff do it.
pub fn missing_for_discharge(visit: &Visit, policy: &Policy, at: DateTime<Utc>) -> Vec<Missing> {
    let care = &visit.care;
    let mut missing = Vec::new();
    if let Some(r) = care.open_reaction() {
        missing.push(Missing::OpenReaction { reaction: r.kind });
    }
    match observation_end(visit, policy) {
        Some(end) if end <= at => {}
        until => missing.push(Missing::Observation { until }),
    }
    match end_vitals(visit) {
        None => missing.push(Missing::EndVitals),
        Some(v) => {
            if vitals_alert(&v.vitals, care.baseline(), policy).is_some() {
                missing.push(Missing::EndVitalsInRange);
            }
        }
    }
    for item in Check::REQUIRED {
        if !care.checklist.contains_key(&item) {
            missing.push(Missing::Check { item });
        }
    }
    if care.worst_reaction() >= Some(ReactionKind::Allergic) {
        match covering_clearance(visit) {
            None => missing.push(Missing::DoctorClearance),
            Some(c) => {
                if care.worst_reaction() == Some(ReactionKind::Anaphylaxis) {
                    match policy.reactions.anaphylaxis_home {
                        AnaphylaxisHome::Never => missing.push(Missing::TransferOnly),
                        AnaphylaxisHome::DoctorReason if c.reason.trim().is_empty() => {
                            missing.push(Missing::DoctorReasonForHome)
                        }
                        AnaphylaxisHome::DoctorReason => {}
                    }
                }
            }
        }
    }
    missing
}

/// What makes a set of vitals alarming, each as a fact the screens word
/// in their own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum VitalsFinding {
    News2 {
        total: u8,
    },
    Systolic {
        mmhg: u16,
    },
    /// A fall of more than the configured percentage from the
    /// pre-treatment systolic.
    SystolicDrop {
        mmhg: u16,
        was: u16,
    },
    Spo2 {
        percent: u8,
    },
}

impl std::fmt::Display for VitalsFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VitalsFinding::News2 { total } => write!(f, "NEWS2 {total}"),
            VitalsFinding::Systolic { mmhg } => write!(f, "systolic {mmhg}"),
            VitalsFinding::SystolicDrop { mmhg, was } => write!(f, "systolic {mmhg} (was {was})"),
            VitalsFinding::Spo2 { percent } => write!(f, "SpO2 {percent}"),
        }
    }
}

/// Whether a set of vitals is alarming (DOMAIN.md "Vital signs": NEWS2,
/// the critical thresholds), and why.
pub fn vitals_findings(
    v: &super::clinical::Vitals,
    baseline: Option<&super::clinical::Vitals>,
    policy: &Policy,
) -> Option<(Severity, Vec<VitalsFinding>)> {
    let score = news2(v);
    let rules = &policy.vitals;
    let mut critical = Vec::new();
    if score.total >= 7 {
        critical.push(VitalsFinding::News2 { total: score.total });
    }
    if v.systolic < rules.critical_systolic_below {
        critical.push(VitalsFinding::Systolic { mmhg: v.systolic });
    }
    if let Some(base) = baseline {
        let floor = f32::from(base.systolic)
            * (1.0 - f32::from(rules.critical_systolic_drop_percent) / 100.0);
        if f32::from(v.systolic) < floor {
            critical.push(VitalsFinding::SystolicDrop {
                mmhg: v.systolic,
                was: base.systolic,
            });
        }
    }
    if v.spo2 <= rules.critical_spo2_at_or_below {
        critical.push(VitalsFinding::Spo2 { percent: v.spo2 });
    }
    if !critical.is_empty() {
        return Some((Severity::Critical, critical));
    }
    if score.total >= 5 || score.any_three {
        return Some((
            Severity::Warning,
            vec![VitalsFinding::News2 { total: score.total }],
        ));
    }
    None
}

/// [`vitals_findings`] in words (the alert's detail, English).
pub fn vitals_alert(
    v: &super::clinical::Vitals,
    baseline: Option<&super::clinical::Vitals>,
    policy: &Policy,
) -> Option<(Severity, String)> {
    vitals_findings(v, baseline, policy).map(|(severity, findings)| {
        let words: Vec<String> = findings.iter().map(ToString::to_string).collect();
        (severity, words.join(", "))
    })
}

/// The alerts of one visit now, most severe first.
pub fn visit_alerts(visit: &Visit, policy: &Policy, now: DateTime<Utc>) -> Vec<Alert> {
    let mut out = Vec::new();
    let mut emergency = None;
    let mut vitals = Vec::new();
    let mut alert = |severity, code, minutes: i64, since: DateTime<Utc>, detail: String| {
        let acknowledged_by = visit
            .care
            .acks
            .iter()
            .rev()
            .find(|(c, at, _)| c == AlertCode::as_str(code) && *at >= since)
            .map(|(_, _, who)| who.clone().unwrap_or_default());
        out.push(Alert {
            visit: visit.id,
            severity,
            code,
            minutes,
            stage: visit.stage,
            since,
            acknowledged_by,
            detail,
            emergency: None,
            findings: Vec::new(),
        });
    };
    if visit.stage == Stage::Expected
        && let Some(expected) = visit.expected_at
    {
        let late_at = expected + Duration::minutes(i64::from(policy.day_sheet.late_grace_minutes));
        if now >= late_at {
            alert(
                Severity::Warning,
                AlertCode::Late,
                (now - expected).num_minutes(),
                late_at,
                String::new(),
            );
        }
    }
    if !visit.stage.is_active() {
        return out;
    }
    let care = &visit.care;
    let t = timer(visit, policy, now);
    let minutes = t.elapsed_secs / 60;
    let since = visit.stage_since;
    let min = |m: u32| Duration::minutes(i64::from(m));

    // The emergency path first: it outranks everything.
    if let Some(r) = care.open_reaction() {
        match r.kind {
            ReactionKind::Anaphylaxis => {
                let dose = adrenaline_dose(visit, policy);
                let shown = dose.map_or(String::new(), |d| format!("{d:.2}"));
                let cg = |mg: f32| (mg * 100.0).round() as u32;
                let state = EmergencyState {
                    dose_cg: dose.map(cg),
                    cap_cg: cg(adrenaline_cap(visit, policy)),
                    doses: care.doses.iter().filter(|d| d.at >= r.at).count() as u32,
                    doctor: care
                        .doctor_present
                        .as_ref()
                        .filter(|(_, at)| *at >= r.at)
                        .map(|(who, _)| who.clone()),
                };
                alert(
                    Severity::Critical,
                    AlertCode::Emergency,
                    0,
                    r.at,
                    shown.clone(),
                );
                emergency = Some(state);
                let repeat = min(policy.reactions.adrenaline_repeat_minutes);
                if let Some(last) = care.doses.last()
                    && now >= last.at + repeat
                {
                    alert(
                        Severity::Critical,
                        AlertCode::AdrenalineRepeatDue,
                        (now - last.at).num_minutes(),
                        last.at + repeat,
                        shown,
                    );
                }
            }
            ReactionKind::Allergic => {
                // The doctor present since this reaction, not an earlier one.
                let (severity, since) = match &care.doctor_present {
                    Some((_, at)) if *at >= r.at => (Severity::Warning, *at),
                    _ => (Severity::Critical, r.at),
                };
                alert(
                    severity,
                    AlertCode::Allergic,
                    (now - r.at).num_minutes(),
                    since,
                    String::new(),
                );
            }
            ReactionKind::Vasovagal => {
                alert(
                    Severity::Warning,
                    AlertCode::Vasovagal,
                    (now - r.at).num_minutes(),
                    r.at,
                    String::new(),
                );
            }
            ReactionKind::Local => {}
        }
        if r.kind >= ReactionKind::Vasovagal {
            let interval = min(policy.vitals.reaction_interval_minutes);
            let last = care
                .vitals
                .iter()
                .map(|v| v.at)
                .filter(|at| *at >= r.at)
                .max();
            let due = last.map_or(r.at, |at| at + interval);
            if now >= due {
                alert(
                    Severity::Warning,
                    AlertCode::VitalsDue,
                    (now - due).num_minutes(),
                    due,
                    String::new(),
                );
            }
        }
    }
    if care.worst_reaction() == Some(ReactionKind::Anaphylaxis) && care.ambulance_called.is_none() {
        let at = care
            .reactions
            .iter()
            .find(|r| r.kind == ReactionKind::Anaphylaxis)
            .map_or(since, |r| r.at);
        alert(
            Severity::Critical,
            AlertCode::CallAmbulance,
            (now - at).num_minutes(),
            at,
            String::new(),
        );
    }
    if let Some(v) = care.latest_vitals()
        && let Some((severity, findings)) = vitals_findings(&v.vitals, care.baseline(), policy)
    {
        let words: Vec<String> = findings.iter().map(ToString::to_string).collect();
        alert(
            severity,
            AlertCode::Vitals,
            (now - v.at).num_minutes(),
            v.at,
            words.join(", "),
        );
        vitals = findings;
    }

    match visit.stage {
        Stage::Waiting | Stage::Counselling | Stage::Ready => {
            if let Some(limit) = policy.limit(visit.stage) {
                if minutes >= i64::from(limit.critical_minutes) {
                    alert(
                        Severity::Critical,
                        AlertCode::WaitedTooLong,
                        minutes,
                        since + min(limit.critical_minutes),
                        String::new(),
                    );
                } else if minutes >= i64::from(limit.warn_minutes) {
                    alert(
                        Severity::Warning,
                        AlertCode::WaitedTooLong,
                        minutes,
                        since + min(limit.warn_minutes),
                        String::new(),
                    );
                }
            }
            let blocks: Vec<String> = uncovered_gates(visit, policy)
                .into_iter()
                .filter(|g| policy.screening_item(g).is_some())
                .collect();
            if !blocks.is_empty() {
                alert(
                    Severity::Warning,
                    AlertCode::Contraindication,
                    0,
                    since,
                    blocks.join(", "),
                );
            }
            let cautions = unacknowledged_cautions(visit, policy);
            // A reaction at an earlier visit: critical until the doctor has
            // acknowledged the answers it makes "yes".
            let required = required_yes(visit, policy);
            if let Some((kind, at)) = visit
                .history
                .reactions
                .iter()
                .filter(|(k, _)| *k >= ReactionKind::Allergic)
                .max_by_key(|(k, at)| (*k, *at))
                && (care.screening.is_none() || required.iter().any(|i| cautions.contains(i)))
            {
                alert(
                    Severity::Critical,
                    AlertCode::PriorReaction,
                    0,
                    visit.arrived_at,
                    format!("{}|{}", kind.as_str(), at.to_rfc3339()),
                );
            }
            if !cautions.is_empty() {
                alert(
                    Severity::Warning,
                    AlertCode::CautionNeedsDoctor,
                    0,
                    since,
                    cautions.join(", "),
                );
            }
            if let Some(t) = fever(visit, policy) {
                alert(
                    Severity::Warning,
                    AlertCode::Fever,
                    0,
                    since,
                    format!("{t:.1}"),
                );
            }
        }
        Stage::Administration => {
            if let Some(paused) = care.paused_since {
                // A pause is deliberate: shown at once, a warning once it
                // lasts (the product warms, the line may clot).
                let minutes = (now - paused).num_minutes();
                let severity = if minutes >= i64::from(policy.administration.pause_warn_minutes) {
                    Severity::Warning
                } else {
                    Severity::Info
                };
                alert(
                    severity,
                    AlertCode::DripPaused,
                    minutes,
                    paused,
                    String::new(),
                );
            } else if let Some(remaining) = t.remaining_secs {
                let over = -remaining / 60;
                let due_at = now + Duration::seconds(remaining);
                if over >= i64::from(policy.administration.overdue_minutes) {
                    alert(
                        Severity::Critical,
                        AlertCode::AdministrationOverdue,
                        over,
                        due_at + min(policy.administration.overdue_minutes),
                        String::new(),
                    );
                } else if remaining <= 0 {
                    alert(
                        Severity::Warning,
                        AlertCode::AdministrationDue,
                        over,
                        due_at,
                        String::new(),
                    );
                }
            }
            let is_drip = policy.treatment(&visit.treatment).map(|t| t.route) == Some(Route::Drip);
            if is_drip {
                let running_min = (t.elapsed_secs - care.paused_secs_at(now)) / 60;
                if let Some(m) = policy
                    .administration
                    .drip_check_minutes
                    .iter()
                    .filter(|m| {
                        i64::from(**m) <= running_min
                            && !care.drip_checks.contains(m)
                            && !care.drip_checks_skipped.contains_key(m)
                    })
                    .max()
                {
                    alert(
                        Severity::Info,
                        AlertCode::DripCheckDue,
                        i64::from(*m),
                        since + min(*m),
                        m.to_string(),
                    );
                }
            }
        }
        Stage::Observation => {
            if let Some(remaining) = t.remaining_secs {
                let over = -remaining / 60;
                let end = now + Duration::seconds(remaining);
                if over >= i64::from(policy.observation.discharge_overdue_minutes) {
                    alert(
                        Severity::Warning,
                        AlertCode::DischargeOverdue,
                        over,
                        end + min(policy.observation.discharge_overdue_minutes),
                        String::new(),
                    );
                } else if remaining <= 0 {
                    alert(
                        Severity::Info,
                        AlertCode::ObservationComplete,
                        over,
                        end,
                        String::new(),
                    );
                }
            }
            if let Some(pressed) = care.checklist.get(&Check::HemostasisPressure)
                && !care.checklist.contains_key(&Check::HemostasisConfirmed)
            {
                let due = *pressed + min(hemostasis_minutes(visit, policy));
                if now >= due {
                    alert(
                        Severity::Info,
                        AlertCode::HemostasisDue,
                        (now - due).num_minutes(),
                        due,
                        String::new(),
                    );
                }
            }
        }
        Stage::Expected
        | Stage::Discharged
        | Stage::Deferred
        | Stage::Cancelled
        | Stage::Transferred => {}
    }
    if let Some(state) = emergency
        && let Some(a) = out.iter_mut().find(|a| a.code == AlertCode::Emergency)
    {
        a.emergency = Some(state);
    }
    if let Some(a) = out.iter_mut().find(|a| a.code == AlertCode::Vitals) {
        a.findings = vitals;
    }
    out.sort_by_key(|a| (std::cmp::Reverse(a.severity), a.code.rank()));
    out
}

/// A badge on a board row: a standing fact about the patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "badge", rename_all = "snake_case")]
pub enum Badge {
    /// Reacted at an earlier visit (critical).
    PriorReaction {
        reaction: ReactionKind,
        at: DateTime<Utc>,
    },
    /// A doctor overrode a contraindication.
    Override {
        doctor: String,
    },
    Risk {
        flag: RiskFlag,
    },
    /// Session n of the course's m.
    Session {
        n: u32,
        of: u32,
    },
    /// An adrenaline dose above the computed one, confirmed by a doctor.
    OverDose {
        mg: f32,
        doctor: String,
    },
    /// A reaction, a dose or a transfer was undone (with this reason).
    Undone {
        what: String,
        reason: String,
    },
    /// A time correction shortened a running timer, by this doctor.
    TimerShortened {
        doctor: String,
    },
    /// An entry made after the fact would have stopped a move already
    /// made (confirmed when entered).
    Doubtful {
        why: String,
    },
    /// The patient asked not to be shown on the wall: the staff do not
    /// call the name aloud either.
    NotShown,
}

impl Badge {
    pub fn severity(&self) -> Severity {
        match self {
            Badge::PriorReaction { .. } => Severity::Critical,
            Badge::Override { .. }
            | Badge::OverDose { .. }
            | Badge::Undone { .. }
            | Badge::TimerShortened { .. } => Severity::Warning,
            Badge::Doubtful { .. } => Severity::Critical,
            Badge::Risk {
                flag: RiskFlag::Infection,
            } => Severity::Warning,
            Badge::Risk { .. } | Badge::Session { .. } => Severity::Info,
            Badge::NotShown => Severity::Warning,
        }
    }
}

pub fn badges(visit: &Visit, policy: &Policy) -> Vec<Badge> {
    let care = &visit.care;
    let mut out: Vec<Badge> = visit
        .history
        .reactions
        .iter()
        .max_by_key(|(kind, at)| (*kind, *at))
        .map(|(reaction, at)| Badge::PriorReaction {
            reaction: *reaction,
            at: *at,
        })
        .into_iter()
        .collect();
    if let Some(a) = care.last_override() {
        out.push(Badge::Override {
            doctor: a.doctor.clone(),
        });
    }
    for d in &care.doses {
        if let Some(doctor) = &d.confirmed_by {
            out.push(Badge::OverDose {
                mg: d.mg,
                doctor: doctor.clone(),
            });
        }
    }
    for u in &care.undone {
        out.push(Badge::Undone {
            what: u.what.clone(),
            reason: u.reason.clone(),
        });
    }
    if care.do_not_display && visit.stage.is_open() {
        out.push(Badge::NotShown);
    }
    for (_, why) in &care.doubts {
        out.push(Badge::Doubtful { why: why.clone() });
    }
    if let Some(a) = care.timer_corrections.last() {
        out.push(Badge::TimerShortened {
            doctor: a.doctor.clone(),
        });
    }
    out.extend(
        risk_flags(visit, policy)
            .into_iter()
            .map(|flag| Badge::Risk { flag }),
    );
    if let Some(t) = policy.treatment(&visit.treatment) {
        out.push(Badge::Session {
            n: visit.history.session.max(1),
            of: t.course.sessions,
        });
    }
    out
}

/// What needs attention beyond one patient: a bed still being cleaned
/// after `bed_cleaning.warn_minutes`, a nurse with more drips at once than
/// `caseload.max_drips_per_nurse` (DOMAIN.md "During a drip and after
/// it"). They end by acting (the bed marked ready, a patient reassigned),
/// not by an acknowledgement.
pub fn board_alerts(board: &Board, policy: &Policy, now: DateTime<Utc>) -> Vec<Alert> {
    let mut out = Vec::new();
    let warn = Duration::minutes(i64::from(policy.bed_cleaning.warn_minutes));
    for (bed, state) in super::beds::bed_states(board, policy, now) {
        if let super::beds::BedState::Cleaning { since, after } = state
            && now >= since + warn
            && let Some(v) = board.visit(after)
        {
            out.push(Alert {
                visit: after,
                severity: Severity::Warning,
                code: AlertCode::BedNotReady,
                minutes: (now - since).num_minutes(),
                stage: v.stage,
                since: since + warn,
                acknowledged_by: None,
                detail: bed,
                emergency: None,
                findings: Vec::new(),
            });
        }
    }
    for c in super::caseload::caseloads(board, policy)
        .into_iter()
        .filter(|c| c.over)
    {
        // On the drip that took the nurse over: the last one started.
        let Some(v) = c
            .administration
            .iter()
            .filter_map(|id| board.visit(*id))
            .filter(|v| super::caseload::is_running_drip(v, policy))
            .max_by_key(|v| (v.stage_since, v.id))
        else {
            continue;
        };
        out.push(Alert {
            visit: v.id,
            severity: Severity::Warning,
            code: AlertCode::Caseload,
            minutes: i64::from(c.drips),
            stage: v.stage,
            since: v.stage_since,
            acknowledged_by: None,
            detail: c.nurse.clone(),
            emergency: None,
            findings: Vec::new(),
        });
    }
    out
}

/// Every active alert on the board: most severe first, then the longest
/// standing, then by visit.
pub fn alerts(board: &Board, policy: &Policy, now: DateTime<Utc>) -> Vec<Alert> {
    let mut all: Vec<Alert> = board
        .visits
        .values()
        .flat_map(|v| visit_alerts(v, policy, now))
        .collect();
    all.extend(board_alerts(board, policy, now));
    all.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.code.rank().cmp(&b.code.rank()))
            .then(b.minutes.cmp(&a.minutes))
            .then(a.visit.cmp(&b.visit))
    });
    all
}
