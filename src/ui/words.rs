//! What an event did, in the staff's words, and what a correction changed:
//! shared by the patient detail, the undo confirmation, the correction
//! form and the history view. Pure; text from the server is cleaned here.

use chrono::{DateTime, Utc};

use super::cell::clean;
use crate::config::Config;
use crate::domain::{Correction, EventKind, EventRecord, Visit};
use crate::i18n::{Texts, correction_words, entry_words, record_event_words};

/// What an event did, in the staff's words.
pub fn event_words(t: &Texts, config: &Config, v: &Visit, kind: &EventKind) -> String {
    let words = &t.events;
    match kind {
        EventKind::Arrived { .. } => words.arrived.to_string(),
        EventKind::CounsellingStarted => words.counselling_started.to_string(),
        EventKind::MarkedReady => words.marked_ready.to_string(),
        // The bed and the lot: the lot as it stands now, the one first
        // recorded beside it when it was corrected.
        EventKind::AdministrationStarted { bed, lot } => {
            let mut parts = Vec::new();
            if let Some(bed) = bed {
                parts.push(format!("{} {}", t.col_bed, clean(bed)));
            }
            let now = v.care.lot.as_ref().or(lot.as_ref());
            if let Some(lot) = now {
                let mut text = format!("{} {}", t.clinic.lot, clean(&lot.number));
                if let Some(old) = was(v, Corrected::Lot) {
                    text = format!("{text}, {}", t.records.was.replace("{v}", &old));
                }
                parts.push(text);
            }
            if parts.is_empty() {
                words.administration_started.to_string()
            } else {
                format!("{} ({})", words.administration_started, parts.join(", "))
            }
        }
        EventKind::AdministrationEnded { early: None } => words.administration_ended.to_string(),
        // What was done: why, and how much was given.
        EventKind::AdministrationEnded { early: Some(stop) } => early_stop_words(t, stop),
        EventKind::Discharged => words.discharged.to_string(),
        EventKind::Deferred { reason } => format!("{}: {}", words.deferred, clean(reason)),
        EventKind::Cancelled { reason } => format!("{}: {}", words.cancelled, clean(reason)),
        EventKind::Transferred { reason } => format!("{}: {}", words.transferred, clean(reason)),
        EventKind::Corrected {
            correction: correction @ Correction::Time { event, .. },
            reason,
            old,
            ..
        } => {
            // Which moment was re-timed: "time of counselling started".
            let what = v
                .events
                .iter()
                .find(|e| e.seq == *event)
                .map(|e| event_words(t, config, v, &e.kind));
            clean(&correction_words(
                t.lang,
                correction,
                old,
                reason,
                config.timezone,
                what.as_deref(),
            ))
        }
        EventKind::Expected { .. } | EventKind::CheckedIn { .. } | EventKind::Corrected { .. } => {
            clean(&record_event_words(t.lang, kind, config.timezone))
        }
        EventKind::Recorded { entry } => clean(&entry_words(t.lang, entry, config)),
        EventKind::Reverted { target, reason } => {
            let what = v
                .events
                .iter()
                .find(|e| e.seq == *target)
                .map(|e| event_words(t, config, v, &e.kind))
                .unwrap_or_default();
            match reason {
                Some(r) => format!("{} {what}: {}", words.reverted, clean(r)),
                None => format!("{} {what}", words.reverted),
            }
        }
    }
}

/// A drip stopped before its time: why, and the volume given (as entered).
pub fn early_stop_words(t: &Texts, stop: &crate::domain::clinical::EarlyStop) -> String {
    let c = &t.clinic;
    // A reaction that stopped the drip is worded in the screen's language.
    let why = match stop.reaction {
        Some(r) => crate::i18n::reaction_name(t.lang, r).to_string(),
        None => clean(&stop.reason),
    };
    match stop.volume_ml {
        Some(v) => format!(
            "{}: {why} ({})",
            c.stopped_early,
            c.volume_given.replace("{v}", &v.to_string())
        ),
        None => format!("{}: {why}", c.stopped_early),
    }
}

/// Whether a later `reverted` event undoes the event `seq`.
pub fn undone(v: &Visit, seq: u64) -> bool {
    v.events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Reverted { target, .. } if target == seq))
}

/// Which value a correction is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corrected {
    Name,
    ChartNo,
    Lot,
}

/// The value before the latest correction of `field` that still stands,
/// if the value was corrected: shown beside the new one.
pub fn was(v: &Visit, field: Corrected) -> Option<String> {
    v.effective_events()
        .filter_map(|e| match (&e.kind, field) {
            (
                EventKind::Corrected {
                    correction: Correction::Name { .. },
                    old,
                    ..
                },
                Corrected::Name,
            )
            | (
                EventKind::Corrected {
                    correction: Correction::ChartNo { .. },
                    old,
                    ..
                },
                Corrected::ChartNo,
            )
            | (
                EventKind::Corrected {
                    correction: Correction::Lot { .. },
                    old,
                    ..
                },
                Corrected::Lot,
            ) => Some(clean(old)),
            _ => None,
        })
        .last()
        .map(|old| if old.is_empty() { "-".to_string() } else { old })
}

/// The time event `seq` happened after corrections that still stand, if
/// its time was corrected.
pub fn corrected_at(v: &Visit, seq: u64) -> Option<DateTime<Utc>> {
    v.effective_events()
        .filter_map(|e| match &e.kind {
            EventKind::Corrected {
                correction: Correction::Time { event, at },
                ..
            } if *event == seq => Some(*at),
            _ => None,
        })
        .last()
}

/// The moments a visit's stage changed (arrival included) that still
/// stand, with the time each happened as it stands now: the events whose
/// time can be corrected, in the same order the server checks them.
pub fn stage_changes(v: &Visit) -> Vec<(&EventRecord, DateTime<Utc>)> {
    v.effective_events()
        .filter(|e| {
            !matches!(
                e.kind,
                EventKind::Recorded { .. } | EventKind::Corrected { .. }
            )
        })
        .map(|e| (e, corrected_at(v, e.seq).unwrap_or(e.at)))
        .collect()
}
