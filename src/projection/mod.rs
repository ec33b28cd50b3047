//! The wall's projection: what the server sends a `wall` connection.
//!
//! [`project`] is a pure function of the board, the config and `now`. It
//! keeps only what the wall shows — bed labels, each patient's masked
//! label (by `[wall] names`), stage, the anchors of the timer, the level
//! of the most severe alert, where attention and the emergency banner
//! point — and never a name (unless the clinic chose `names = "full"`), a
//! chart number, a treatment, a screening answer, a reason or an event.
//! DESIGN.md invariant 7: the wall's connection receives only what it
//! shows; the wall's screen renders from this alone.
//!
//! Timers tick on the wall itself from their anchors (`since`, and the
//! seconds of a countdown), so the server sends a new projection only
//! when something the wall shows changes: a command, or an alert level
//! that changes with time (the server recomputes every few seconds and
//! sends it when it differs).

pub mod names;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::domain::beds::{BedState, bed_states};
use crate::domain::forecast;
use crate::domain::{Board, Severity, Stage, Timer, Visit, VisitId, alerts, expected_secs};
use crate::i18n::Lang;
use crate::snapshot::on_board;

pub use names::{Label, initials, labels};

/// What a wall needs of the clinic's config: no treatment, no screening,
/// no limits. Sent once, in the welcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WallSettings {
    pub clinic_name: String,
    pub timezone: Tz,
    /// The wall's language unless `--lang` says otherwise.
    pub language: Lang,
    /// The queue turns its page this often when it does not fit.
    pub page_seconds: u32,
    /// Ring the bell when a critical alert appears.
    pub bell: bool,
    /// How the header writes the date (strftime).
    pub date_format: String,
}

impl WallSettings {
    pub fn of(config: &Config) -> WallSettings {
        WallSettings {
            clinic_name: config.clinic_name.clone(),
            timezone: config.timezone,
            language: config.language,
            page_seconds: config.wall.page_seconds,
            bell: config.terminal.bell,
            date_format: config.terminal.date_format.clone(),
        }
    }
}

/// The wall's whole picture of the clinic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WallView {
    /// Every bed, in the config's order, with who lies there.
    pub beds: Vec<WallBed>,
    /// Everyone in the clinic who is not on a bed, in flow order (stage,
    /// then the longest in the stage first).
    pub queue: Vec<WallPatient>,
    /// Where attention is needed (a warning or worse), most severe first:
    /// one entry a patient.
    pub attention: Vec<Attention>,
    /// Where an emergency is (an open anaphylaxis): the banner's places.
    pub emergencies: Vec<Place>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WallBed {
    pub bed: String,
    /// Free, occupied or being cleaned.
    #[serde(default)]
    pub state: BedUse,
    /// Who lies there, unless they asked not to be shown (then the bed is
    /// only `occupied`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<WallPatient>,
    /// For a patient not shown: the level of their most severe alert and
    /// their unacknowledged critical alerts (the bell), by the bed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<Severity>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub alarms: u32,
}

/// What a bed is, as the wall shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BedUse {
    #[default]
    Free,
    Occupied,
    Cleaning,
}

impl WallBed {
    /// A free bed, before the server said anything.
    pub fn free(bed: &str) -> WallBed {
        WallBed {
            bed: bed.to_string(),
            state: BedUse::Free,
            patient: None,
            alert: None,
            alarms: 0,
        }
    }
}

/// One patient as the wall may know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WallPatient {
    /// The visit's number: it tells patients apart from one update to the
    /// next (the bell), and is no one's name.
    pub visit: VisitId,
    pub label: Label,
    /// The reception number: what a wall that cannot draw the label's
    /// characters (a Linux console and kanji initials) shows instead.
    #[serde(default)]
    pub ticket: u32,
    pub stage: Stage,
    /// When the stage began: the timer counts from here.
    pub since: DateTime<Utc>,
    /// For a drip, an injection or an observation: the countdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countdown: Option<Countdown>,
    /// The most severe alert's level, never what it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<Severity>,
    /// How many critical alerts stand unacknowledged (the bell rings when
    /// this grows).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub alarms: u32,
    /// For a drip patient waiting for a bed: the estimated wait in
    /// minutes, rounded up to 5 (0: soon). None when it cannot be said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_minutes: Option<u32>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// How a countdown reads at any moment, without the care behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Countdown {
    /// Running: `secs` after `since` it reaches zero (then counts over).
    Running { secs: i64 },
    /// Paused (a drip on hold): `left` seconds stand still.
    Paused { left: i64 },
}

/// Where something is on the wall: a bed, or a patient not on one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Bed(String),
    Patient(Label),
    /// A patient who asked not to be shown, not on a bed.
    Someone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attention {
    pub place: Place,
    pub severity: Severity,
}

impl WallPatient {
    /// The timer at `now`, as the board's [`crate::domain::timer`] reads it.
    pub fn timer(&self, now: DateTime<Utc>) -> Timer {
        let elapsed_secs = (now - self.since).num_seconds().max(0);
        Timer {
            elapsed_secs,
            remaining_secs: self.countdown.map(|c| match c {
                Countdown::Running { secs } => secs - elapsed_secs,
                Countdown::Paused { left } => left,
            }),
        }
    }
}

/// The countdown of a visit: its expected length, plus the time a drip
/// was paused before (running) or what was left when it was paused.
fn countdown(v: &Visit, config: &Config) -> Option<Countdown> {
    let expected = expected_secs(v, config)?;
    if v.stage != Stage::Administration {
        return Some(Countdown::Running { secs: expected });
    }
    Some(match v.care.paused_since {
        None => Countdown::Running {
            secs: expected + v.care.paused_secs,
        },
        Some(paused) => Countdown::Paused {
            left: expected + v.care.paused_secs - (paused - v.stage_since).num_seconds().max(0),
        },
    })
}

/// The wall's picture of `board` at `now`.
pub fn project(board: &Board, config: &Config, now: DateTime<Utc>) -> WallView {
    // Only who is in the clinic now: nobody who left, nobody expected.
    let present: Vec<&Visit> = on_board(board, config, now)
        .into_iter()
        .filter(|v| v.stage.is_active())
        .collect();
    // A patient who asked not to be shown has no label at all (not even
    // one that would tell two others apart).
    let shown: Vec<&Visit> = present
        .iter()
        .copied()
        .filter(|v| !v.care.do_not_display)
        .collect();
    let labels = labels(&shown, config.wall.names);
    let mut top: std::collections::BTreeMap<VisitId, (Severity, u32)> = Default::default();
    let mut attention: Vec<Attention> = Vec::new();
    let mut emergencies: Vec<Place> = Vec::new();
    let place = |v: &Visit| match (&v.bed, v.care.do_not_display) {
        (Some(bed), _) => Place::Bed(bed.clone()),
        (None, true) => Place::Someone,
        (None, false) => Place::Patient(labels.get(&v.id).cloned().unwrap_or_default()),
    };
    for alert in alerts(board, config, now) {
        if !about_the_patient(alert.code) {
            continue;
        }
        let Some(v) = present.iter().find(|v| v.id == alert.visit) else {
            continue;
        };
        let entry = top.entry(v.id).or_insert((alert.severity, 0));
        if alert.severity == Severity::Critical && alert.acknowledged_by.is_none() {
            entry.1 += 1;
        }
        // Attention points at a place: a bed, or a label; a patient not
        // shown and not on a bed has neither.
        let here = place(v);
        if alert.severity >= Severity::Warning
            && here != Place::Someone
            && !attention.iter().any(|a| a.place == here)
        {
            attention.push(Attention {
                place: here.clone(),
                severity: alert.severity,
            });
        }
        if is_emergency(alert.code) && !emergencies.contains(&here) {
            emergencies.push(here);
        }
    }
    let waits: std::collections::BTreeMap<VisitId, u32> = forecast::estimates(board, config, now)
        .into_iter()
        .filter_map(|e| e.start.map(|s| (e.visit, forecast::wait_step(s, now))))
        .collect();
    let patient = |v: &Visit| WallPatient {
        visit: v.id,
        label: labels.get(&v.id).cloned().unwrap_or_default(),
        ticket: v.ticket,
        stage: v.stage,
        since: v.stage_since,
        countdown: countdown(v, config),
        alert: top.get(&v.id).map(|(s, _)| *s),
        alarms: top.get(&v.id).map_or(0, |(_, n)| *n),
        wait_minutes: waits.get(&v.id).copied(),
    };
    WallView {
        beds: bed_states(board, config, now)
            .into_iter()
            .map(|(bed, state)| {
                let occupant = match state {
                    BedState::Occupied { visit } => present.iter().find(|v| v.id == visit),
                    _ => None,
                };
                let hidden = occupant.filter(|v| v.care.do_not_display);
                WallBed {
                    state: match state {
                        BedState::Free => BedUse::Free,
                        BedState::Occupied { .. } => BedUse::Occupied,
                        BedState::Cleaning { .. } => BedUse::Cleaning,
                    },
                    patient: occupant
                        .filter(|v| !v.care.do_not_display)
                        .map(|v| patient(v)),
                    alert: hidden.and_then(|v| top.get(&v.id).map(|(s, _)| *s)),
                    alarms: hidden.map_or(0, |v| top.get(&v.id).map_or(0, |(_, n)| *n)),
                    bed,
                }
            })
            .collect(),
        queue: shown
            .iter()
            .filter(|v| v.bed.is_none())
            .map(|v| patient(v))
            .collect(),
        attention,
        emergencies,
    }
}

/// Alerts about a bed or a nurse are the staff's: the wall shows a
/// patient's level only for what is about that patient. No wildcard: a
/// new alert code must be decided here.
fn about_the_patient(code: crate::domain::AlertCode) -> bool {
    use crate::domain::AlertCode;
    match code {
        AlertCode::BedNotReady | AlertCode::Caseload => false,
        AlertCode::Emergency
        | AlertCode::AdrenalineRepeatDue
        | AlertCode::CallAmbulance
        | AlertCode::Allergic
        | AlertCode::Vasovagal
        | AlertCode::Vitals
        | AlertCode::VitalsDue
        | AlertCode::Fever
        | AlertCode::Contraindication
        | AlertCode::CautionNeedsDoctor
        | AlertCode::DripCheckDue
        | AlertCode::DripPaused
        | AlertCode::HemostasisDue
        | AlertCode::Late
        | AlertCode::WaitedTooLong
        | AlertCode::AdministrationDue
        | AlertCode::AdministrationOverdue
        | AlertCode::ObservationComplete
        | AlertCode::DischargeOverdue
        | AlertCode::PriorReaction => true,
    }
}

/// The one place where alerts become emergencies on the wall: an open
/// anaphylaxis. No wildcard: a new alert code must be decided here.
fn is_emergency(code: crate::domain::AlertCode) -> bool {
    use crate::domain::AlertCode;
    match code {
        AlertCode::Emergency => true,
        AlertCode::AdrenalineRepeatDue
        | AlertCode::CallAmbulance
        | AlertCode::Allergic
        | AlertCode::Vasovagal
        | AlertCode::Vitals
        | AlertCode::VitalsDue
        | AlertCode::Fever
        | AlertCode::Contraindication
        | AlertCode::CautionNeedsDoctor
        | AlertCode::DripCheckDue
        | AlertCode::DripPaused
        | AlertCode::HemostasisDue
        | AlertCode::Late
        | AlertCode::WaitedTooLong
        | AlertCode::AdministrationDue
        | AlertCode::AdministrationOverdue
        | AlertCode::ObservationComplete
        | AlertCode::DischargeOverdue
        | AlertCode::PriorReaction
        | AlertCode::BedNotReady
        | AlertCode::Caseload => false,
    }
}

#[cfg(test)]
mod tests;
