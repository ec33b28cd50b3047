//! The course of an incident: one visit's reaction, minute by minute, as
//! the clinic attaches it to its adverse-event report. A pure function of
//! the visit: when the product went in and from which lot, the first
//! signs, each vitals reading with its NEWS2 score, pauses and the needle
//! out, the doctor, each dose and who entered it, the ambulance,
//! symptom-free and the clearance, the transfer or the discharge — and
//! every correction made to those entries (a time moved, a lot corrected,
//! an entry undone, with who and why). Nothing is left out because it was
//! corrected: an undone entry stays, marked.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clinical::{Consciousness, Entry, ReactionKind, news2};
use super::event::{Correction, EventKind, EventRecord};
use super::model::{Stage, Visit, VisitId};

/// One visit's incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub visit: VisitId,
    pub ticket: u32,
    pub name: String,
    pub chart_no: Option<String>,
    /// The treatment given (the plan's).
    pub treatment: String,
    /// The most serious reaction recorded (undone ones aside).
    pub reaction: ReactionKind,
    /// The first signs: the first reaction recorded (minute 0 of the
    /// course).
    pub onset: DateTime<Utc>,
    /// Where the visit stands: transferred, discharged, still in the
    /// clinic (its stage) …
    pub outcome: Stage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_at: Option<DateTime<Utc>>,
    /// In the order they happened.
    pub steps: Vec<Step>,
    /// Corrections of the visit itself (its name, its chart number).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Fix>,
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The event in the record.
    pub seq: u64,
    /// When it happened (as corrected).
    pub at: DateTime<Utc>,
    /// When it was entered.
    pub recorded_at: DateTime<Utc>,
    /// Who entered it (initials), when the terminal said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(flatten)]
    pub what: What,
    /// Taken back later: the entry stays in the course, marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone: Option<Fix>,
    /// Corrections of this entry (its time, its lot).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrected: Vec<Fix>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum What {
    AdministrationStarted {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bed: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lot: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lot_expiry: Option<chrono::NaiveDate>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        product: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dose_ml: Option<f32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nurse: Option<String>,
    },
    Vitals {
        systolic: u16,
        diastolic: u16,
        pulse: u16,
        spo2: u8,
        temperature: f32,
        respiratory_rate: u8,
        consciousness: Consciousness,
        news2: u8,
    },
    Reaction {
        reaction: ReactionKind,
        signs: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        action: String,
    },
    Paused {
        reason: String,
    },
    Resumed,
    /// Needle out: at the drip's end, or stopped early with a reason.
    AdministrationEnded {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        early: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        volume_ml: Option<f32>,
        /// Stopped by the reaction recorded with it (anaphylaxis stops a
        /// drip; a vasovagal reaction when the nurse takes the needle out).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by_reaction: Option<ReactionKind>,
    },
    DoctorPresent {
        doctor: String,
    },
    Adrenaline {
        dose_mg: f32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        confirmed_by: Option<String>,
    },
    AmbulanceCalled,
    SymptomFree,
    Clearance {
        doctor: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Transferred {
        reason: String,
    },
    Discharged,
    Cancelled {
        reason: String,
    },
}

/// A correction: when it was made, by whom, what it changed, why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    pub recorded_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// `undone`, `time`, `lot`, `name`, `chart_no`.
    pub field: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub old: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub new: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// The doctor who approved it (a time that shortened a timer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doctor: Option<String>,
}

/// What an event adds to the course, if anything.
fn what(v: &Visit, kind: &EventKind) -> Option<What> {
    Some(match kind {
        EventKind::AdministrationStarted { bed, lot } => {
            let plan = v.care.plan.as_ref();
            What::AdministrationStarted {
                bed: bed.clone(),
                lot: lot.as_ref().map(|l| l.number.clone()),
                lot_expiry: lot.as_ref().and_then(|l| l.expiry),
                product: plan.map(|p| p.product.clone()),
                dose_ml: plan.map(|p| p.dose_ml),
                nurse: plan.map(|p| p.nurse.clone()),
            }
        }
        EventKind::AdministrationEnded { early } => What::AdministrationEnded {
            early: early.as_ref().map(|e| e.reason.clone()),
            volume_ml: early.as_ref().and_then(|e| e.volume_ml),
            by_reaction: None,
        },
        EventKind::Transferred { reason } => What::Transferred {
            reason: reason.clone(),
        },
        EventKind::Discharged => What::Discharged,
        EventKind::Cancelled { reason } => What::Cancelled {
            reason: reason.clone(),
        },
        EventKind::Recorded { entry } => match entry {
            Entry::Vitals { vitals: x } => What::Vitals {
                systolic: x.systolic,
                diastolic: x.diastolic,
                pulse: x.pulse,
                spo2: x.spo2,
                temperature: x.temperature,
                respiratory_rate: x.respiratory_rate,
                consciousness: x.consciousness,
                news2: news2(x).total,
            },
            Entry::Reaction {
                reaction,
                signs,
                action,
                ..
            } => What::Reaction {
                reaction: *reaction,
                signs: signs.clone(),
                action: action.clone(),
            },
            Entry::Pause { reason, .. } => What::Paused {
                reason: reason.clone(),
            },
            Entry::Resume => What::Resumed,
            Entry::DoctorPresent { doctor } => What::DoctorPresent {
                doctor: doctor.clone(),
            },
            Entry::Adrenaline {
                dose_mg,
                confirmed_by,
            } => What::Adrenaline {
                dose_mg: *dose_mg,
                confirmed_by: confirmed_by.clone(),
            },
            Entry::AmbulanceCalled => What::AmbulanceCalled,
            Entry::SymptomFree => What::SymptomFree,
            Entry::Clearance { doctor, reason } => What::Clearance {
                doctor: doctor.clone(),
                reason: reason.clone(),
            },
            _ => return None,
        },
        _ => return None,
    })
}

fn fix(e: &EventRecord, field: &str, old: String, new: String, reason: String) -> Fix {
    Fix {
        recorded_at: e.recorded_at,
        by: e.operator.clone(),
        field: field.to_string(),
        old,
        new,
        reason,
        doctor: match &e.kind {
            EventKind::Corrected { doctor, .. } => doctor.clone(),
            _ => None,
        },
    }
}

/// The course of `v`'s reaction; `None` when no reaction is on record.
pub fn course(v: &Visit, tz: chrono_tz::Tz) -> Option<Course> {
    let reactions = &v.care.reactions;
    let worst = reactions.iter().map(|r| r.kind).max()?;
    let onset = reactions
        .iter()
        .filter(|r| r.kind != ReactionKind::Local || worst == ReactionKind::Local)
        .map(|r| r.at)
        .min()?;
    let mut steps: Vec<Step> = Vec::new();
    let mut corrections = Vec::new();
    for (i, e) in v.events.iter().enumerate() {
        if let Some(mut w) = what(v, &e.kind) {
            // A stop the reaction brought with it: recorded by the same
            // command, right after the reaction.
            if let What::AdministrationEnded {
                early: Some(_),
                by_reaction,
                ..
            } = &mut w
                && let Some(cause) = i.checked_sub(1).and_then(|j| v.events.get(j))
                && cause.seq + 1 == e.seq
                && cause.recorded_at == e.recorded_at
                && cause.at == e.at
                && let EventKind::Recorded {
                    entry: Entry::Reaction { reaction, .. },
                } = &cause.kind
            {
                *by_reaction = Some(*reaction);
            }
            steps.push(Step {
                seq: e.seq,
                at: v.effective_time(e),
                recorded_at: e.recorded_at,
                by: e.operator.clone(),
                what: w,
                undone: None,
                corrected: Vec::new(),
            });
        }
    }
    let hm = |t: &DateTime<Utc>| t.with_timezone(&tz).format("%H:%M").to_string();
    for e in &v.events {
        match &e.kind {
            EventKind::Reverted { target, reason } => {
                if let Some(s) = steps.iter_mut().find(|s| s.seq == *target) {
                    s.undone = Some(fix(
                        e,
                        "undone",
                        String::new(),
                        String::new(),
                        reason.clone().unwrap_or_default(),
                    ));
                } else if let Some(c) = v.events.iter().find(|x| x.seq == *target)
                    && let EventKind::Corrected { correction, .. } = &c.kind
                {
                    // A correction taken back: said beside what it corrected.
                    let target_of = match correction {
                        Correction::Time { event, .. } => Some(*event),
                        Correction::Lot { .. } => steps
                            .iter()
                            .find(|s| matches!(s.what, What::AdministrationStarted { .. }))
                            .map(|s| s.seq),
                        _ => None,
                    };
                    let undo = fix(
                        e,
                        "undone",
                        String::new(),
                        String::new(),
                        reason.clone().unwrap_or_default(),
                    );
                    match target_of.and_then(|t| steps.iter_mut().find(|s| s.seq == t)) {
                        Some(s) => s.corrected.push(Fix {
                            field: format!("{} correction undone", correction_field(correction)),
                            ..undo
                        }),
                        None => corrections.push(Fix {
                            field: format!("{} correction undone", correction_field(correction)),
                            ..undo
                        }),
                    }
                }
            }
            EventKind::Corrected {
                correction,
                reason,
                old,
                ..
            } => match correction {
                Correction::Time { event, at } => {
                    if let Some(s) = steps.iter_mut().find(|s| s.seq == *event) {
                        s.corrected
                            .push(fix(e, "time", old.clone(), hm(at), reason.clone()));
                    }
                }
                Correction::Lot { number } => {
                    if let Some(s) = steps
                        .iter_mut()
                        .find(|s| matches!(s.what, What::AdministrationStarted { .. }))
                    {
                        s.corrected.push(fix(
                            e,
                            "lot",
                            old.clone(),
                            number.clone(),
                            reason.clone(),
                        ));
                    }
                }
                Correction::Name { name } => {
                    corrections.push(fix(e, "name", old.clone(), name.clone(), reason.clone()))
                }
                Correction::ChartNo { chart_no } => corrections.push(fix(
                    e,
                    "chart_no",
                    old.clone(),
                    chart_no.clone().unwrap_or_default(),
                    reason.clone(),
                )),
            },
            _ => {}
        }
    }
    steps.sort_by_key(|s| (s.at, s.seq));
    let outcome_at = (!v.stage.is_open()).then_some(v.stage_since);
    Some(Course {
        visit: v.id,
        ticket: v.ticket,
        name: v.name.clone(),
        chart_no: v.chart_no.clone(),
        treatment: v.treatment.clone(),
        reaction: worst,
        onset,
        outcome: v.stage,
        outcome_at,
        steps,
        corrections,
    })
}

fn correction_field(c: &Correction) -> &'static str {
    match c {
        Correction::Time { .. } => "time",
        Correction::Lot { .. } => "lot",
        Correction::Name { .. } => "name",
        Correction::ChartNo { .. } => "chart_no",
    }
}
