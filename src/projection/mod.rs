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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<WallPatient>,
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
    let labels = labels(&present, config.wall.names);
    let mut top: std::collections::BTreeMap<VisitId, (Severity, u32)> = Default::default();
    let mut attention: Vec<Attention> = Vec::new();
    let mut emergencies: Vec<Place> = Vec::new();
    let place = |v: &Visit| match &v.bed {
        Some(bed) => Place::Bed(bed.clone()),
        None => Place::Patient(labels.get(&v.id).cloned().unwrap_or_default()),
    };
    for alert in alerts(board, config, now) {
        let Some(v) = present.iter().find(|v| v.id == alert.visit) else {
            continue;
        };
        let entry = top.entry(v.id).or_insert((alert.severity, 0));
        if alert.severity == Severity::Critical && alert.acknowledged_by.is_none() {
            entry.1 += 1;
        }
        if alert.severity >= Severity::Warning && !attention.iter().any(|a| a.place == place(v)) {
            attention.push(Attention {
                place: place(v),
                severity: alert.severity,
            });
        }
        if is_emergency(alert.code) && !emergencies.contains(&place(v)) {
            emergencies.push(place(v));
        }
    }
    let patient = |v: &Visit| WallPatient {
        visit: v.id,
        label: labels.get(&v.id).cloned().unwrap_or_default(),
        ticket: v.ticket,
        stage: v.stage,
        since: v.stage_since,
        countdown: countdown(v, config),
        alert: top.get(&v.id).map(|(s, _)| *s),
        alarms: top.get(&v.id).map_or(0, |(_, n)| *n),
    };
    WallView {
        beds: config
            .beds
            .iter()
            .map(|bed| WallBed {
                bed: bed.clone(),
                patient: present
                    .iter()
                    .find(|v| v.bed.as_deref() == Some(bed.as_str()))
                    .map(|v| patient(v)),
            })
            .collect(),
        queue: present
            .iter()
            .filter(|v| v.bed.is_none())
            .map(|v| patient(v))
            .collect(),
        attention,
        emergencies,
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
        | AlertCode::PriorReaction => false,
    }
}

#[cfg(test)]
mod tests;
