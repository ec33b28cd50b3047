//! Checking what an entry says: is it complete, plausible, clean? Whether
//! the entry may be made at all, and when, is the protocol's (`moves`);
//! this is about its content. Some facts bring others with them: an
//! allergic reaction pauses a running drip, anaphylaxis stops it, a
//! vasovagal reaction during a drip stops it when the nurse says so
//! (the response starts with "needle out").

use chrono::{DateTime, Utc};

use super::clinical::{Check, EarlyStop, Entry, ReactionKind, check_vitals};
use super::command::{Rejection, clean_text, doctor, invalid, nurse};
use super::event::EventKind;
use super::model::{Route, Stage, Visit};
use super::policy::{Level, Policy};
use super::rules;
use super::text::sanitize;

/// The events an entry records, cleaned, for `v` as it stood at `at`.
pub(super) fn check(
    policy: &Policy,
    v: &Visit,
    entry: &Entry,
    at: DateTime<Utc>,
) -> Result<Vec<EventKind>, Rejection> {
    let recorded = |entry: Entry| EventKind::Recorded { entry };
    let not_now = |why: String| Err(Rejection::NotNow(why));
    let care = &v.care;
    let clean = match entry {
        Entry::Screening { answers } => {
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
            // A reaction at an earlier visit is a "yes" (DOMAIN.md
            // "Screening": past allergic reaction, past fainting).
            if let Some(item) = rules::required_yes(v, policy)
                .into_iter()
                .find(|item| answers.get(item) != Some(&true))
            {
                let (kind, when) = v
                    .history
                    .reactions
                    .iter()
                    .filter(|(k, _)| {
                        policy
                            .screening_item(&item)
                            .is_some_and(|q| q.reactions.contains(k))
                    })
                    .max_by_key(|(_, at)| *at)
                    .copied()
                    .unwrap_or((ReactionKind::Allergic, at));
                return Err(invalid(
                    "answers",
                    format!(
                        "{item} must be yes: {} reacted ({}, {}) at an earlier visit",
                        v.name,
                        kind.as_str(),
                        when.with_timezone(&policy.timezone)
                            .format("%Y-%m-%d %H:%M")
                    ),
                ));
            }
            entry.clone()
        }
        Entry::CautionsAcknowledged { doctor: who, items } => {
            let cautions = rules::answered(v, policy, Level::Caution);
            if items.is_empty() {
                return Err(invalid(
                    "items",
                    format!(
                        "name the caution answers the doctor acknowledges: {}",
                        cautions.join(", ")
                    ),
                ));
            }
            if let Some(other) = items.iter().find(|i| !cautions.contains(&i.as_str())) {
                return Err(invalid(
                    "items",
                    format!(
                        "{:?} is not a caution answer of {}: these are {}",
                        sanitize(other),
                        v.name,
                        cautions.join(", ")
                    ),
                ));
            }
            Entry::CautionsAcknowledged {
                doctor: doctor(policy, who)?,
                items: items.clone(),
            }
        }
        Entry::Override {
            doctor: who,
            reason,
            items,
        } => {
            let gates: Vec<String> = rules::start_gates(v, policy)
                .into_iter()
                .map(|(g, _)| g)
                .collect();
            if items.is_empty() {
                return Err(invalid(
                    "items",
                    format!("name what the override covers: {}", gates.join(", ")),
                ));
            }
            if let Some(other) = items.iter().find(|i| !gates.contains(i)) {
                return Err(invalid(
                    "items",
                    format!(
                        "{:?} does not stop {}'s start: an override covers {}",
                        sanitize(other),
                        v.name,
                        gates.join(", ")
                    ),
                ));
            }
            Entry::Override {
                doctor: doctor(policy, who)?,
                reason: clean_text("reason", reason, true)?,
                items: items.clone(),
            }
        }
        Entry::Consent { items } => {
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
            if let Some(age) = plan.age_years
                && age > 120
            {
                return Err(invalid(
                    "age_years",
                    format!("{age} is not an age: enter 0-120, or leave it empty"),
                ));
            }
            let mut plan = plan.clone();
            plan.product = clean_text("product", &plan.product, true)?;
            plan.nurse = nurse(policy, &plan.nurse)?;
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
        Entry::DripCheck { minute, skipped } => {
            if !policy.administration.drip_check_minutes.contains(minute) {
                return Err(invalid(
                    "minute",
                    format!("no drip check is due at minute {minute}"),
                ));
            }
            if care.drip_checks.contains(minute) || care.drip_checks_skipped.contains_key(minute) {
                return not_now(format!("the {minute}-minute check is already done"));
            }
            Entry::DripCheck {
                minute: *minute,
                skipped: match skipped {
                    Some(reason) => Some(clean_text("skipped", reason, true)?),
                    None => None,
                },
            }
        }
        Entry::Pause { reason, .. } => Entry::Pause {
            reason: clean_text("reason", reason, true)?,
            // Only the domain records a pause for a reaction.
            reaction: None,
        },
        Entry::Resume => entry.clone(),
        Entry::Reaction {
            reaction,
            signs,
            action,
            stop_drip,
        } => {
            // During administration: an allergic reaction pauses a drip,
            // anaphylaxis stops the administration, a vasovagal reaction
            // stops it when the nurse takes the needle out.
            let administering = v.stage == Stage::Administration;
            let drip = rules::route(v, policy) == Some(Route::Drip);
            let reaction_entry = Entry::Reaction {
                reaction: *reaction,
                signs: clean_text("signs", signs, true)?,
                action: clean_text("action", action, false)?,
                stop_drip: *stop_drip && administering,
            };
            let mut out = vec![recorded(reaction_entry)];
            if administering {
                match reaction {
                    ReactionKind::Allergic if drip && care.paused_since.is_none() => {
                        out.push(recorded(Entry::Pause {
                            reason: "allergic reaction".into(),
                            reaction: Some(ReactionKind::Allergic),
                        }));
                    }
                    ReactionKind::Anaphylaxis => {
                        out.push(EventKind::AdministrationEnded {
                            early: Some(EarlyStop {
                                reason: "anaphylaxis: drip stopped".into(),
                                volume_ml: None,
                                reaction: Some(ReactionKind::Anaphylaxis),
                            }),
                        });
                    }
                    ReactionKind::Vasovagal | ReactionKind::Local if *stop_drip => {
                        out.push(EventKind::AdministrationEnded {
                            early: Some(EarlyStop {
                                reason: format!("{} reaction: needle out", reaction.as_str()),
                                volume_ml: None,
                                reaction: Some(*reaction),
                            }),
                        });
                    }
                    _ => {}
                }
            }
            return Ok(out);
        }
        Entry::DoctorPresent { doctor: who } => Entry::DoctorPresent {
            doctor: doctor(policy, who)?,
        },
        Entry::SymptomFree => entry.clone(),
        Entry::Adrenaline {
            dose_mg,
            confirmed_by,
        } => {
            if !(*dose_mg > 0.0 && *dose_mg <= 1.0) {
                return Err(invalid(
                    "dose_mg",
                    format!(
                        "{dose_mg} mg is not an IM adrenaline dose: enter more than 0, at most 1"
                    ),
                ));
            }
            // Facts after the act are not refused outright: a dose above
            // the computed one is recorded when a doctor confirms it, and
            // stays flagged.
            let confirmed_by = match (rules::dose_too_high(v, policy, *dose_mg), confirmed_by) {
                (Some(why), None) => {
                    return Err(Rejection::DoseUnconfirmed {
                        why: why.describe(),
                        dose: rules::adrenaline_dose(v, policy).map_or_else(
                            || {
                                format!(
                                    "no weight recorded: the cap is {:.2} mg",
                                    rules::adrenaline_cap(v, policy)
                                )
                            },
                            |d| format!("the dose for this patient is {d:.2} mg"),
                        ),
                    });
                }
                (Some(_), Some(who)) => Some(doctor(policy, who)?),
                (None, _) => None,
            };
            Entry::Adrenaline {
                dose_mg: *dose_mg,
                confirmed_by,
            }
        }
        Entry::AmbulanceCalled => entry.clone(),
        Entry::Acknowledge { code } => {
            let active = rules::visit_alerts(v, policy, at);
            if !active.iter().any(|a| a.code.as_str() == code) {
                return not_now(format!(
                    "no {:?} alert is active for {}",
                    sanitize(code),
                    v.name
                ));
            }
            entry.clone()
        }
        Entry::Clearance {
            doctor: who,
            reason,
        } => Entry::Clearance {
            doctor: doctor(policy, who)?,
            reason: match reason {
                Some(r) => Some(clean_text("reason", r, false)?).filter(|r| !r.is_empty()),
                None => None,
            },
        },
        Entry::Checklist { item } => {
            if care.checklist.contains_key(item) {
                return not_now(format!("\"{}\" is already ticked", item.words()));
            }
            entry.clone()
        }
        Entry::Untick { item } => {
            if !care.checklist.contains_key(item) {
                return not_now(format!("\"{}\" is not ticked", item.words()));
            }
            // The confirmation is of the pressure: it goes first.
            if *item == Check::HemostasisPressure
                && care.checklist.contains_key(&Check::HemostasisConfirmed)
            {
                return not_now(
                    "hemostasis is confirmed: untick \"hemostasis confirmed\" first".into(),
                );
            }
            entry.clone()
        }
        Entry::Reassigned { nurse: given } => {
            let to = nurse(policy, given)?;
            if care.nurse() == Some(to.as_str()) {
                return not_now(format!("{} is already {to}'s patient", v.name));
            }
            Entry::Reassigned { nurse: to }
        }
        Entry::DoNotDisplay { on } => {
            if care.do_not_display == *on {
                return not_now(if *on {
                    format!("{} is already not shown on the wall", v.name)
                } else {
                    format!("{} is shown on the wall already", v.name)
                });
            }
            entry.clone()
        }
        Entry::BedReady { bed } => Entry::BedReady { bed: sanitize(bed) },
    };
    Ok(vec![recorded(clean)])
}
