//! Timers and alerts, derived from the board, the policy and `now`.
//! Nothing here is stored: a restart or a second terminal derives the same.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use std::fmt;

use chrono::Duration;

use super::clinical::{Check, ReactionKind, adrenaline_dose_mg, news2};
use super::model::{Board, Route, Stage, Visit, VisitId};
use super::policy::{Level, Policy, RiskFlag};

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
            AlertCode::Fever => 7,
            AlertCode::Contraindication => 8,
            AlertCode::CautionNeedsDoctor => 9,
            AlertCode::AdministrationOverdue => 10,
            AlertCode::AdministrationDue => 11,
            AlertCode::DripPaused => 12,
            AlertCode::HemostasisDue => 13,
            AlertCode::DripCheckDue => 14,
            AlertCode::DischargeOverdue => 15,
            AlertCode::ObservationComplete => 16,
            AlertCode::WaitedTooLong => 17,
            AlertCode::Late => 18,
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
    visit
        .care
        .vitals
        .iter()
        .filter(|v| matches!(v.stage, Stage::Waiting | Stage::Counselling | Stage::Ready))
        .map(|v| v.vitals.temperature)
        .find(|t| *t >= policy.vitals.fever_celsius)
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
    let start = visit.stage_since;
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
                end = end.max(start + Duration::minutes(i64::from(r.allergic_observation_minutes)));
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

/// The adrenaline dose for this patient's recorded weight.
pub fn adrenaline_dose(visit: &Visit, policy: &Policy) -> f32 {
    adrenaline_dose_mg(
        visit.care.plan.as_ref().and_then(|p| p.weight_kg),
        policy.reactions.adrenaline_mg_per_kg,
        policy.reactions.adrenaline_max_mg,
    )
}

/// Something a move needs that is not there yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "missing", rename_all = "snake_case")]
pub enum Missing {
    Screening,
    /// Block answers (item ids) with no override.
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
    DoctorClearance,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::Screening => f.write_str("the screening answers"),
            Missing::Contraindication { items } => write!(
                f,
                "contraindication ({}): defer, or a doctor's override",
                items.join(", ")
            ),
            Missing::CautionAcknowledgement { items } => {
                write!(f, "the doctor's acknowledgement of {}", items.join(", "))
            }
            Missing::Consent { items } => write!(f, "consent to {}", items.join(", ")),
            Missing::Plan => f.write_str("the plan (dose, product, nurse)"),
            Missing::PreTreatmentVitals => f.write_str("pre-treatment vitals"),
            Missing::Lot => f.write_str("the lot number"),
            Missing::Observation { until: Some(t) } => {
                write!(f, "observation until {}", t.format("%H:%M UTC"))
            }
            Missing::Observation { until: None } => {
                f.write_str("observation until the patient is symptom-free")
            }
            Missing::EndVitals => f.write_str("end-of-observation vitals"),
            Missing::EndVitalsInRange => f.write_str("end vitals in range"),
            Missing::Check { item } => write!(f, "{}", item.as_str().replace('_', " ")),
            Missing::DoctorClearance => f.write_str("the doctor's clearance"),
        }
    }
}

/// What counselling still lacks before the patient is ready.
pub fn missing_for_ready(visit: &Visit, policy: &Policy) -> Vec<Missing> {
    let care = &visit.care;
    let mut missing = Vec::new();
    if care.screening.is_none() {
        missing.push(Missing::Screening);
    }
    let blocks = answered(visit, policy, Level::Block);
    if !blocks.is_empty() && care.override_by.is_none() {
        missing.push(Missing::Contraindication {
            items: blocks.iter().map(|s| s.to_string()).collect(),
        });
    }
    let cautions = answered(visit, policy, Level::Caution);
    if !cautions.is_empty() && care.cautions_acknowledged_by.is_none() {
        missing.push(Missing::CautionAcknowledgement {
            items: cautions.iter().map(|s| s.to_string()).collect(),
        });
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

/// What administration still lacks (the lot comes with the command).
pub fn missing_for_administration(visit: &Visit, policy: &Policy) -> Vec<Missing> {
    let mut missing = missing_for_ready(visit, policy);
    if policy.vitals.required_before_start && visit.care.baseline().is_none() {
        missing.push(Missing::PreTreatmentVitals);
    }
    missing
}

/// What discharge still lacks, in the order staff do it.
pub fn missing_for_discharge(visit: &Visit, policy: &Policy, now: DateTime<Utc>) -> Vec<Missing> {
    let care = &visit.care;
    let mut missing = Vec::new();
    match observation_end(visit, policy) {
        Some(end) if end <= now => {}
        until => missing.push(Missing::Observation { until }),
    }
    let end_vitals = care
        .vitals
        .iter()
        .rev()
        .find(|v| v.stage == Stage::Observation);
    match end_vitals {
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
    if care.worst_reaction() >= Some(ReactionKind::Allergic) && care.clearance_by.is_none() {
        missing.push(Missing::DoctorClearance);
    }
    missing
}

/// The alert a set of vitals raises, if any: severity and why
/// (DOMAIN.md "Vital signs": warning for a single 3 or a total of 5-6;
/// critical for 7 or more, systolic below 90, a fall of more than 30 %
/// from the pre-treatment reading, or SpO2 at or below 92).
pub fn vitals_alert(
    v: &super::clinical::Vitals,
    baseline: Option<&super::clinical::Vitals>,
    policy: &Policy,
) -> Option<(Severity, String)> {
    let score = news2(v);
    let rules = &policy.vitals;
    let mut critical = Vec::new();
    if score.total >= 7 {
        critical.push(format!("NEWS2 {}", score.total));
    }
    if v.systolic < rules.critical_systolic_below {
        critical.push(format!("systolic {}", v.systolic));
    }
    if let Some(base) = baseline {
        let floor = f32::from(base.systolic)
            * (1.0 - f32::from(rules.critical_systolic_drop_percent) / 100.0);
        if f32::from(v.systolic) < floor {
            critical.push(format!("systolic {} (was {})", v.systolic, base.systolic));
        }
    }
    if v.spo2 <= rules.critical_spo2_at_or_below {
        critical.push(format!("SpO2 {}", v.spo2));
    }
    if !critical.is_empty() {
        return Some((Severity::Critical, critical.join(", ")));
    }
    if score.total >= 5 || score.any_three {
        return Some((Severity::Warning, format!("NEWS2 {}", score.total)));
    }
    None
}

/// The alerts of one visit now, most severe first.
pub fn visit_alerts(visit: &Visit, policy: &Policy, now: DateTime<Utc>) -> Vec<Alert> {
    let mut out = Vec::new();
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
                alert(
                    Severity::Critical,
                    AlertCode::Emergency,
                    0,
                    r.at,
                    format!("{dose:.2}"),
                );
                let repeat = min(policy.reactions.adrenaline_repeat_minutes);
                if let Some((last, _)) = care.doses.last()
                    && now >= *last + repeat
                {
                    alert(
                        Severity::Critical,
                        AlertCode::AdrenalineRepeatDue,
                        (now - *last).num_minutes(),
                        *last + repeat,
                        format!("{dose:.2}"),
                    );
                }
            }
            ReactionKind::Allergic => {
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
        && let Some((severity, why)) = vitals_alert(&v.vitals, care.baseline(), policy)
    {
        alert(
            severity,
            AlertCode::Vitals,
            (now - v.at).num_minutes(),
            v.at,
            why,
        );
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
            let blocks = answered(visit, policy, Level::Block);
            if !blocks.is_empty() && care.override_by.is_none() {
                alert(
                    Severity::Warning,
                    AlertCode::Contraindication,
                    0,
                    since,
                    blocks.join(", "),
                );
            }
            let cautions = answered(visit, policy, Level::Caution);
            if !cautions.is_empty() && care.cautions_acknowledged_by.is_none() {
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
                alert(
                    Severity::Warning,
                    AlertCode::DripPaused,
                    (now - paused).num_minutes(),
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
                    .filter(|m| i64::from(**m) <= running_min && !care.drip_checks.contains(m))
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
}

impl Badge {
    pub fn severity(&self) -> Severity {
        match self {
            Badge::PriorReaction { .. } => Severity::Critical,
            Badge::Override { .. } => Severity::Warning,
            Badge::Risk {
                flag: RiskFlag::Infection,
            } => Severity::Warning,
            Badge::Risk { .. } | Badge::Session { .. } => Severity::Info,
        }
    }
}

pub fn badges(visit: &Visit, policy: &Policy) -> Vec<Badge> {
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
    if let Some((doctor, _)) = &visit.care.override_by {
        out.push(Badge::Override {
            doctor: doctor.clone(),
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

/// Every active alert on the board: most severe first, then the longest
/// standing, then by visit.
pub fn alerts(board: &Board, policy: &Policy, now: DateTime<Utc>) -> Vec<Alert> {
    let mut all: Vec<Alert> = board
        .visits
        .values()
        .flat_map(|v| visit_alerts(v, policy, now))
        .collect();
    all.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.code.rank().cmp(&b.code.rank()))
            .then(b.minutes.cmp(&a.minutes))
            .then(a.visit.cmp(&b.visit))
    });
    all
}
