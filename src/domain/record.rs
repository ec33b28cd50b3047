//! Checking a recorded clinical fact against the visit: is it complete,
//! plausible, and does it make sense now? Some facts bring others with
//! them: an allergic reaction pauses a running drip, anaphylaxis stops it.

use chrono::{DateTime, Duration, Utc};

use super::clinical::{Check, EarlyStop, Entry, ReactionKind, check_vitals};
use super::command::{Rejection, clean_text, invalid};
use super::event::EventKind;
use super::model::{Route, Stage, Visit};
use super::rules;
use super::text::sanitize;
use super::policy::{Level, Policy};

pub(super) fn check(
    policy: &Policy,
    v: &Visit,
    entry: &Entry,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, Rejection> {
    let recorded = |entry: Entry| EventKind::Recorded { entry };
    let not_now = |why: String| Err(Rejection::NotNow(why));
    let care = &v.care;
    let from_administration = matches!(v.stage, Stage::Administration | Stage::Observation);
    let clean = match entry {
        Entry::Screening { answers } => {
            if !matches!(v.stage, Stage::Counselling | Stage::Ready) {
                return not_now(format!("{} is not in counselling", v.name));
            }
            if let Some(unknown) = answers.keys().find(|k| policy.screening_item(k).is_none()) {
                return Err(invalid(
                    "answers",
                    format!("there is no screening item {:?}", sanitize(unknown)),
                ));
            }
            let unanswered: Vec<&str> = policy
                .screening
                .iter()
                .filter(|q| !answers.contains_key(&q.id))
                .map(|q| q.id.as_str())
                .collect();
            if !unanswered.is_empty() {
                return Err(invalid(
                    "answers",
                    format!("answer every item: {} unanswered", unanswered.join(", ")),
                ));
            }
            entry.clone()
        }
        Entry::CautionsAcknowledged { doctor } => {
            if rules::answered(v, policy, Level::Caution).is_empty() {
                return not_now("no caution answer needs the doctor".into());
            }
            Entry::CautionsAcknowledged {
                doctor: clean_text("doctor", doctor, true)?,
            }
        }
        Entry::Override { doctor, reason } => {
            if rules::answered(v, policy, Level::Block).is_empty() {
                return not_now("no contraindication to override".into());
            }
            Entry::Override {
                doctor: clean_text("doctor", doctor, true)?,
                reason: clean_text("reason", reason, true)?,
            }
        }
        Entry::Consent { items } => {
            if !matches!(v.stage, Stage::Counselling | Stage::Ready) {
                return not_now(format!("{} is not in counselling", v.name));
            }
            if let Some(unknown) = items
                .iter()
                .find(|i| !policy.consent.iter().any(|c| &c.id == *i))
            {
                return Err(invalid(
                    "consent",
                    format!("there is no consent item {:?}", sanitize(unknown)),
                ));
            }
            entry.clone()
        }
        Entry::Plan { plan } => {
            if !matches!(v.stage, Stage::Counselling | Stage::Ready) {
                return not_now(format!("{} is not in counselling", v.name));
            }
            let Some(treatment) = policy.treatment(&plan.treatment) else {
                return Err(invalid(
                    "treatment",
                    format!("unknown treatment {:?}", sanitize(&plan.treatment)),
                ));
            };
            if !(plan.dose_ml > 0.0 && plan.dose_ml <= 100.0) {
                return Err(invalid(
                    "dose_ml",
                    format!(
                        "{} mL is not a dose: enter more than 0, at most 100",
                        plan.dose_ml
                    ),
                ));
            }
            if let Some(w) = plan.weight_kg
                && !(2.0..=300.0).contains(&w)
            {
                return Err(invalid(
                    "weight_kg",
                    format!("{w} kg is not a weight: enter 2-300, or leave it empty"),
                ));
            }
            let mut plan = plan.clone();
            plan.product = clean_text("product", &plan.product, true)?;
            plan.nurse = clean_text("nurse", &plan.nurse, true)?;
            plan.sites = plan
                .sites
                .iter()
                .map(|s| sanitize(s))
                .filter(|s| !s.is_empty())
                .collect();
            if treatment.route == Route::Drip {
                plan.method = None;
            }
            Entry::Plan { plan }
        }
        Entry::Vitals { vitals } => {
            check_vitals(vitals).map_err(|(field, message)| invalid(field, message))?;
            entry.clone()
        }
        Entry::DripCheck { minute } => {
            if v.stage != Stage::Administration {
                return not_now(format!("{} is not on a drip", v.name));
            }
            if !policy.administration.drip_check_minutes.contains(minute) {
                return Err(invalid(
                    "minute",
                    format!("no drip check is due at minute {minute}"),
                ));
            }
            if care.drip_checks.contains(minute) {
                return not_now(format!("the {minute}-minute check is already done"));
            }
            entry.clone()
        }
        Entry::Pause { reason } => {
            if v.stage != Stage::Administration || care.paused_since.is_some() {
                return not_now(format!("{}'s drip is not running", v.name));
            }
            Entry::Pause {
                reason: clean_text("reason", reason, true)?,
            }
        }
        Entry::Resume => {
            if care.paused_since.is_none() {
                return not_now(format!("{}'s drip is not paused", v.name));
            }
            if matches!(care.open_reaction(), Some(r) if r.kind >= ReactionKind::Allergic)
                && care.doctor_present.is_none()
            {
                return not_now(
                    "an allergic reaction is open: the doctor decides when the drip resumes (record the doctor first)"
                        .into(),
                );
            }
            entry.clone()
        }
        Entry::Reaction {
            reaction,
            signs,
            action,
        } => {
            if !from_administration {
                return not_now(format!(
                    "{} has not had administration yet: reactions are recorded from administration on",
                    v.name
                ));
            }
            let reaction_entry = Entry::Reaction {
                reaction: *reaction,
                signs: clean_text("signs", signs, true)?,
                action: clean_text("action", action, false)?,
            };
            let mut out = vec![recorded(reaction_entry)];
            if v.stage == Stage::Administration {
                match reaction {
                    ReactionKind::Allergic if care.paused_since.is_none() => {
                        out.push(recorded(Entry::Pause {
                            reason: "allergic reaction".into(),
                        }));
                    }
                    ReactionKind::Anaphylaxis => {
                        out.push(EventKind::AdministrationEnded {
                            early: Some(EarlyStop {
                                reason: "anaphylaxis: drip stopped".into(),
                                volume_ml: None,
                            }),
                        });
                    }
                    _ => {}
                }
            }
            return Ok(out);
        }
        Entry::DoctorPresent { doctor } => Entry::DoctorPresent {
            doctor: clean_text("doctor", doctor, true)?,
        },
        Entry::SymptomFree => {
            if care.open_reaction().is_none() {
                return not_now(format!("{} has no open reaction", v.name));
            }
            entry.clone()
        }
        Entry::Adrenaline { dose_mg } => {
            if !matches!(care.open_reaction(), Some(r) if r.kind == ReactionKind::Anaphylaxis) {
                return not_now("adrenaline is logged for an open anaphylaxis".into());
            }
            if !(*dose_mg > 0.0 && *dose_mg <= 1.0) {
                return Err(invalid(
                    "dose_mg",
                    format!(
                        "{dose_mg} mg is not an IM adrenaline dose: enter more than 0, at most 1"
                    ),
                ));
            }
            entry.clone()
        }
        Entry::AmbulanceCalled => {
            if care.worst_reaction() != Some(ReactionKind::Anaphylaxis) {
                return not_now("the ambulance task belongs to anaphylaxis".into());
            }
            entry.clone()
        }
        Entry::Acknowledge { code } => {
            let active = rules::visit_alerts(v, policy, now);
            if !active.iter().any(|a| a.code.as_str() == code) {
                return not_now(format!(
                    "no {:?} alert is active for {}",
                    sanitize(code),
                    v.name
                ));
            }
            entry.clone()
        }
        Entry::Clearance { doctor } => {
            if care.worst_reaction() < Some(ReactionKind::Allergic) {
                return not_now(format!("{} needs no doctor's clearance", v.name));
            }
            Entry::Clearance {
                doctor: clean_text("doctor", doctor, true)?,
            }
        }
        Entry::Checklist { item } => {
            if v.stage != Stage::Observation {
                return not_now(format!(
                    "the discharge checklist starts when the needle is out; {} is in {}",
                    v.name, v.stage
                ));
            }
            if care.checklist.contains_key(item) {
                return not_now(format!("{} is already ticked", item.as_str()));
            }
            if *item == Check::HemostasisConfirmed {
                let minutes = rules::hemostasis_minutes(v, policy);
                match care.checklist.get(&Check::HemostasisPressure) {
                    None => {
                        return not_now(format!(
                            "apply pressure first ({minutes} min), then confirm hemostasis"
                        ));
                    }
                    Some(since) => {
                        let left = *since + Duration::minutes(i64::from(minutes)) - at;
                        if left > Duration::zero() {
                            return not_now(format!(
                                "keep pressure {minutes} min: {} s left",
                                left.num_seconds()
                            ));
                        }
                    }
                }
            }
            entry.clone()
        }
    };
    Ok(vec![recorded(clean)])
}
